/* lang/uelf.c: finding programs and libraries, reading symbols, and surviving bad files. */
#include "harness.h"

#include <unistd.h>

#include "lang/uelf.h"

static const struct uelf_sym *find(const struct uelf *u, const char *name)
{
	for (uint32_t i = 0; i < u->nsyms; i++)
		if (!strcmp(u->syms[i].name, name))
			return &u->syms[i];
	return NULL;
}

/* this test's own binary: a PIE with a symbol table */
TEST(own_symbols)
{
	struct arena *a = arena_new();
	char why[256];
	const char *self;
	ASSERT_TRUE(uelf_find_program(a, "/proc/self/exe", &self, why, sizeof(why)));
	ASSERT_TRUE(self[0] == '/' && !strstr(self, "/proc/"));
	struct uelf *u = uelf_open(a, self, why, sizeof(why));
	ASSERT_TRUE(u != NULL);
	const struct uelf_sym *m = find(u, "main");
	ASSERT_TRUE(m != NULL);
	uint64_t off;
	ASSERT_TRUE(uelf_addr_offset(u, m->addr, &off));
	ASSERT_EQ(off, m->offset);
	ASSERT_TRUE(find(u, "own_symbols") != NULL);	/* a static function: .symtab */
	ASSERT_TRUE(!uelf_addr_offset(u, 0x7fffffffffffull, &off));
	arena_free(a);
}

/* libc: found as the dynamic loader would, its exported getpid in .dynsym */
TEST(library)
{
	struct arena *a = arena_new();
	char why[256];
	const char *lib;
	ASSERT_TRUE(uelf_find_library(a, "/bin/sh", "libc.so.6", &lib, why, sizeof(why)));
	ASSERT_TRUE(strstr(lib, "libc.so.6") != NULL);
	struct uelf *u = uelf_open(a, lib, why, sizeof(why));
	ASSERT_TRUE(u != NULL);
	ASSERT_TRUE(u->dyn);
	const struct uelf_sym *g = find(u, "getpid");
	ASSERT_TRUE(g != NULL);
	ASSERT_TRUE(!strchr(g->name, '@'));
	ASSERT_TRUE(!uelf_find_library(a, "/bin/sh", "libnosuch.so.42", &lib, why, sizeof(why)));
	ASSERT_CONTAINS(why, "cannot find library 'libnosuch.so.42'");
	arena_free(a);
}

TEST(programs_on_path)
{
	struct arena *a = arena_new();
	char why[256];
	const char *p;
	ASSERT_TRUE(uelf_find_program(a, "sh", &p, why, sizeof(why)));
	ASSERT_TRUE(p[0] == '/');
	ASSERT_TRUE(!uelf_find_program(a, "no-such-program-xyz", &p, why, sizeof(why)));
	ASSERT_STREQ(why, "cannot find program 'no-such-program-xyz' on $PATH");
	ASSERT_TRUE(!uelf_find_program(a, "/", &p, why, sizeof(why)));
	ASSERT_STREQ(why, "/ is not a program file");
	arena_free(a);
}

/* not ELF, empty, and an ELF header cut short: an error, never a crash */
TEST(bad_files)
{
	struct arena *a = arena_new();
	char why[256], path[] = "/tmp/bstap-uelf-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0);
	ASSERT_TRUE(uelf_open(a, path, why, sizeof(why)) == NULL);
	ASSERT_CONTAINS(why, "is not an ELF file");
	ASSERT_EQ(write(fd, "#!/bin/sh\necho hi\n", 18), 18);
	ASSERT_TRUE(uelf_open(a, path, why, sizeof(why)) == NULL);
	/* the first 100 bytes of a real program: headers that point past the end */
	FILE *f = fopen("/proc/self/exe", "rb");
	char buf[100];
	ASSERT_TRUE(f && fread(buf, 1, sizeof(buf), f) == sizeof(buf));
	fclose(f);
	ASSERT_EQ(ftruncate(fd, 0), 0);
	ASSERT_EQ(pwrite(fd, buf, sizeof(buf), 0), (long)sizeof(buf));
	struct uelf *u = uelf_open(a, path, why, sizeof(why));
	ASSERT_TRUE(u == NULL || u->nsyms == 0);
	close(fd);
	unlink(path);
	ASSERT_TRUE(uelf_open(a, "/nonexistent/x", why, sizeof(why)) == NULL);
	ASSERT_CONTAINS(why, "cannot open /nonexistent/x");
	arena_free(a);
}

TH_MAIN(TH_CASE(own_symbols), TH_CASE(library), TH_CASE(programs_on_path), TH_CASE(bad_files))
