/* Pass 4: run clang -target bpf on the generated C, with the runtime header beside it. */
#include "clang.h"
#include "prog/objfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Stack for clang: expressions may nest 1000 levels deep (lang/parse.c MAX_DEPTH). */
#define CLANG_STACK (512ul << 20)

extern const char bstap_bpf_h[];	/* bpf/bstap.bpf.h, embedded at build time */
extern const char bstap_abi_h[];	/* prog/abi.h, which it includes as bstap_abi.h */

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -errno;
	size_t n = strlen(text);
	int err = fwrite(text, 1, n, f) == n ? 0 : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* The multiarch include dir holds asm/types.h, which linux/bpf.h needs. */
static const char *multiarch_include(void)
{
#if defined(__x86_64__)
	return "-I/usr/include/x86_64-linux-gnu";
#elif defined(__aarch64__)
	return "-I/usr/include/aarch64-linux-gnu";
#else
	return "-I/usr/include";
#endif
}

/* The section's bytes as a C array placed in ".bstap" (unknown to libbpf, which leaves it be). */
static int write_section(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "/* the .bstap section: metadata and the typed program (prog/objfmt.h) */\n"
		   "__attribute__((section(\"" BSTAP_OBJ_SECTION "\"), used, aligned(8)))\n"
		   "static const unsigned char bstap_section[%zu] = {", len ? len : 1);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%s%u,", i % 24 ? "" : "\n", (unsigned char)buf[i]);
	fputs(len ? "\n};\n" : "0 };\n", f);
	int err = ferror(f) ? -EIO : 0;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int clang_compile(struct arena *a, struct diag *d, const char *dir, const char *name,
		  const char *c_text, const char *section, size_t section_len, bool verbose,
		  char **obj_path)
{
	char *src = arena_printf(a, "%s/%s.bpf.c", dir, name);
	char *hdr = arena_printf(a, "%s/bstap.bpf.h", dir);
	char *abi = arena_printf(a, "%s/bstap_abi.h", dir);
	char *sec = arena_printf(a, "%s/bstap_section.h", dir);
	char *obj = arena_printf(a, "%s/%s.bpf.o", dir, name);
	char *log = arena_printf(a, "%s/clang.log", dir);
	int err = write_file(src, arena_printf(a, "%s\n#include \"bstap_section.h\"\n", c_text));
	err = err ?: write_file(hdr, bstap_bpf_h);
	err = err ?: write_file(abi, bstap_abi_h);
	err = err ?: write_section(sec, section, section_len);
	if (err) {
		diag_error(d, NULL, "cannot write %s: %s", src, strerror(-err));
		return err;
	}
	const char *clang = getenv("BSTAP_CLANG");
	if (!clang || !*clang)
		clang = "clang";
	/*
	 * clang runs inside dir with relative names, so the temporary directory's name stays out
	 * of the debug info (same C, byte-identical object), while BTF still finds each source
	 * line to quote in verifier logs.
	 */
	char *rel_src = arena_printf(a, "%s.bpf.c", name);
	char *rel_obj = arena_printf(a, "%s.bpf.o", name);
	const char *argv[] = { clang, "-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86",
			       "-Wall", "-Wno-unused-variable", "-Wno-unused-value",
			       "-Wno-unused-function", "-Wno-compare-distinct-pointer-types",
			       /* a limit the program defines must never be silently redefined */
			       "-Werror=macro-redefined",
			       /* a script may nest expressions 1000 deep (lang/parse.c) */
			       "-fbracket-depth=8192", "-I.", "-fdebug-compilation-dir=.",
			       multiarch_include(), "-c",
			       rel_src, "-o", rel_obj, NULL };
	if (verbose) {
		fputs("bstap:", stderr);
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	pid_t pid = fork();
	if (pid < 0) {
		diag_error(d, NULL, "cannot start clang: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (chdir(dir)) {
			fprintf(stderr, "chdir %s: %s\n", dir, strerror(errno));
			_exit(126);
		}
		/* clang recurses once per nesting level; an 8 MB stack ends near 350 levels */
		struct rlimit rl;
		if (!getrlimit(RLIMIT_STACK, &rl) && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < CLANG_STACK) {
			rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > CLANG_STACK ?
					      CLANG_STACK : rl.rlim_max;
			setrlimit(RLIMIT_STACK, &rl);
		}
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*obj_path = obj;
		return 0;
	}
	struct src_file *out = src_file_read(a, log);
	if (WIFSIGNALED(status))
		diag_error(d, NULL, "internal error: clang was killed by signal %d compiling the "
			   "generated BPF C (please report this bstap bug; -k keeps the files)",
			   WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		diag_error(d, NULL, "cannot run '%s': is clang installed? (make deps installs it)",
			   clang);
	else {
		/* the first lines carry the diagnosis; a backend crash dump adds nothing */
		const char *text = out ? out->text : "";
		int lines = 0;
		const char *cut = text;
		while (*cut && lines < 30)
			if (*cut++ == '\n')
				lines++;
		diag_error(d, NULL, "internal error: clang rejected the generated BPF C "
			   "(please report this bstap bug; -k keeps the files):\n%.*s",
			   (int)(cut - text), text);
	}
	return -EINVAL;
}
