/*
 * The configuration of the kernel a script is compiled for (CONFIG_* in preprocessor
 * conditions, HZ): from --kernel-config FILE, else the running kernel's /proc/config.gz, else
 * /boot/config-RELEASE, else the build tree's .config.
 */
#ifndef BSTAP_KCONFIG_H
#define BSTAP_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "prog/arena.h"

struct kconfig {
	const char *path;	/* the file read, or NULL when none was found */
	const char *tried;	/* the files looked at, in order, comma-separated */
	const char *text;	/* its text (decompressed), for the compile cache's key */
	size_t len;
	const char **names, **values;	/* sorted by name: "CONFIG_HZ" -> "250" ("y", "m", a
					 * string's contents without quotes) */
	uint32_t n;
};

/*
 * Find and read the configuration. explicit_path: --kernel-config, or NULL. running: the
 * target kernel is this machine's (so /proc/config.gz describes it). build_dir: -r DIR, or
 * NULL. The default paths are looked up under $BSTAP_KCONFIG_ROOT when it is set (for tests).
 * Never NULL; path NULL when nothing was found.
 */
struct kconfig *kconfig_read(struct arena *a, const char *explicit_path, const char *release,
			     bool running, const char *build_dir);

/* The option's value, or NULL when the configuration leaves it unset. */
const char *kconfig_value(const struct kconfig *k, const char *name);

#endif
