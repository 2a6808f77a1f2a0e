/* Finding (and if need be mounting) tracefs. */
#include "prog/tracefs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static const char *find(void)
{
	char path[64];
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (access(path, R_OK | X_OK) == 0)
			return roots[i];
	}
	return NULL;
}

const char *tracefs_root(char *why, size_t whylen)
{
	const char *r = find();
	if (r)
		return r;
	/* a fresh boot has the directory but nothing mounted on it: root can mount it */
	if (mount("nodev", roots[0], "tracefs", 0, NULL) == 0 && (r = find()))
		return r;
	int err = errno;
	snprintf(why, whylen, "the kernel's tracing filesystem is not mounted at %s and mounting it "
		 "failed (%s); mount it as root with: mount -t tracefs nodev %s", roots[0],
		 strerror(err), roots[0]);
	return NULL;
}
