/* Unit tests for the compile cache: SHA-256 vectors, directory checks, store/lookup, corruption. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/cache.h"
#include "bpf/sha256.h"
#include "harness.h"

static char root[64];

/* A fresh scratch directory per test; clang is never run (BSTAP_CLANG names no program). */
static void scratch(void)
{
	if (*root) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd)) {
			/* nothing to do: the next mkdtemp gives a new name anyway */
		}
	}
	snprintf(root, sizeof(root), "/tmp/bstap-test-cache.XXXXXX");
	if (!mkdtemp(root))
		abort();
	setenv("BSTAP_CLANG", "/nonexistent/clang", 1);
}

static char *path_in(const char *name)
{
	static char buf[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", root, name);
	return buf[i];
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static char *read_text(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

TEST(sha256_vectors)
{
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex_of("", 0, hex);
	ASSERT_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex_of("abc", 3, hex);
	ASSERT_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex_of(m, strlen(m), hex);
	ASSERT_STREQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a's fed in odd-sized pieces crosses every block boundary case */
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char chunk[1024];
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&s);
	size_t left = 1000000;
	for (size_t n = 1; left; n = n % 997 + 13) {
		size_t take = n < left ? n : left;
		sha256_update(&s, chunk, take);
		left -= take;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	ASSERT_STREQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(open_creates_private_dir)
{
	scratch();
	struct cache *c;
	ASSERT_EQ(cache_open(&c, path_in("a/b/cache"), false), 0);
	ASSERT_TRUE(c != NULL);
	struct stat st;
	ASSERT_EQ(stat(path_in("a/b/cache"), &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0700);
	cache_close(c);
}

TEST(open_refuses_unsafe_dirs)
{
	scratch();
	struct cache *c = (struct cache *)1;
	ASSERT_EQ(mkdir(path_in("real"), 0700), 0);
	ASSERT_EQ(symlink(path_in("real"), path_in("link")), 0);
	ASSERT_TRUE(cache_open(&c, path_in("link"), false) < 0);
	ASSERT_TRUE(c == NULL);
	ASSERT_TRUE(cache_open(&c, path_in("link/"), false) < 0);
	ASSERT_EQ(mkdir(path_in("open"), 0700), 0);
	ASSERT_EQ(chmod(path_in("open"), 0777), 0);
	ASSERT_TRUE(cache_open(&c, path_in("open"), false) < 0);
	ASSERT_EQ(write_text(path_in("file"), "x"), 0);
	ASSERT_TRUE(cache_open(&c, path_in("file"), false) < 0);
	/* every function accepts the NULL an unusable cache leaves */
	char *p = NULL;
	ASSERT_EQ(cache_lookup(NULL, "x", &p), 0);
	ASSERT_EQ(cache_store(NULL, "x", "/nonexistent"), 0);
	ASSERT_TRUE(cache_entry_path(NULL) == NULL);
	cache_close(NULL);
}

/* Opens a cache in root/c and stores "OBJECT-<text>" under text. */
static struct cache *stored(const char *text)
{
	struct cache *c;
	if (cache_open(&c, path_in("c"), false))
		return NULL;
	char obj[64];
	snprintf(obj, sizeof(obj), "OBJECT-%s", text);
	if (write_text(path_in("obj"), obj) || cache_store(c, text, path_in("obj"))) {
		cache_close(c);
		return NULL;
	}
	return c;
}

TEST(store_then_hit)
{
	scratch();
	struct cache *c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	const char *entry = cache_entry_path(c);
	ASSERT_TRUE(entry && strstr(entry, "/c/") && strstr(entry, ".bpf.o"));
	char *p = NULL;
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 1);
	ASSERT_STREQ(read_text(p), "OBJECT-int x;");
	ASSERT_EQ(cache_lookup(c, "int y;", &p), 0);
	cache_close(c);
	/* a new process (a new cache handle) finds it too */
	ASSERT_EQ(cache_open(&c, path_in("c"), false), 0);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 1);
	ASSERT_STREQ(read_text(p), "OBJECT-int x;");
	/* extra key ingredients make a different key */
	cache_add_key(c, "option", "-DFOO");
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	cache_close(c);
}

TEST(corrupt_entry_is_discarded)
{
	scratch();
	struct cache *c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	char entry[256], sum[256];
	snprintf(entry, sizeof(entry), "%s", cache_entry_path(c));
	snprintf(sum, sizeof(sum), "%.*s.sum", (int)(strlen(entry) - strlen(".bpf.o")), entry);
	ASSERT_EQ(write_text(entry, "OBJECT-int X;"), 0);	/* same size, one byte differs */
	char *p = NULL;
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	ASSERT_TRUE(access(entry, F_OK) && errno == ENOENT);
	ASSERT_TRUE(access(sum, F_OK) && errno == ENOENT);
	cache_close(c);

	c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(truncate(entry, 3), 0);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	ASSERT_TRUE(access(entry, F_OK) && errno == ENOENT);
	cache_close(c);

	c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(unlink(sum), 0);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	ASSERT_TRUE(access(entry, F_OK) && errno == ENOENT);
	cache_close(c);

	/* rebuilt: a hit again */
	c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 1);
	ASSERT_STREQ(read_text(p), "OBJECT-int x;");
	cache_close(c);
}

/* A FIFO (or any non-regular file) in an entry's place is a corrupt entry, at once: never a hang. */
TEST(fifo_entry_does_not_block)
{
	scratch();
	struct cache *c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	char entry[256], sum[256];
	snprintf(entry, sizeof(entry), "%s", cache_entry_path(c));
	snprintf(sum, sizeof(sum), "%.*s.sum", (int)(strlen(entry) - strlen(".bpf.o")), entry);
	alarm(10);	/* a blocking open() would hang here: SIGALRM ends the test as failed */
	char *p = NULL;
	ASSERT_EQ(unlink(entry), 0);
	ASSERT_EQ(mkfifo(entry, 0600), 0);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	ASSERT_TRUE(access(entry, F_OK) && errno == ENOENT);	/* discarded */
	ASSERT_TRUE(access(sum, F_OK) && errno == ENOENT);
	cache_close(c);

	/* the checksum's place, and both with no object at all */
	c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(unlink(sum), 0);
	ASSERT_EQ(mkfifo(sum, 0600), 0);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	ASSERT_TRUE(access(sum, F_OK) && errno == ENOENT);
	ASSERT_EQ(unlink(entry) == 0 || errno == ENOENT, 1);
	ASSERT_EQ(mkfifo(sum, 0600), 0);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	ASSERT_TRUE(access(sum, F_OK) && errno == ENOENT);
	cache_close(c);

	/* a directory in the object's place is no hit either */
	c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(unlink(entry), 0);
	ASSERT_EQ(mkdir(entry, 0700), 0);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 0);
	ASSERT_EQ(rmdir(entry), 0);
	cache_close(c);
	alarm(0);

	/* a store afterwards makes it a hit again */
	c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 1);
	ASSERT_STREQ(read_text(p), "OBJECT-int x;");
	cache_close(c);
}

TEST(hit_survives_entry_swap)
{
	scratch();
	struct cache *c = stored("int x;");
	ASSERT_TRUE(c != NULL);
	char *p = NULL;
	ASSERT_EQ(cache_lookup(c, "int x;", &p), 1);
	/* replacing the file after verification does not change what the loader opens */
	char entry[256];
	snprintf(entry, sizeof(entry), "%s", cache_entry_path(c));
	ASSERT_EQ(unlink(entry), 0);
	ASSERT_EQ(write_text(entry, "EVIL"), 0);
	ASSERT_STREQ(read_text(p), "OBJECT-int x;");
	cache_close(c);
	scratch();	/* leaves no scratch behind but the last, removed below */
	rmdir(root);
}

TH_MAIN(TH_CASE(sha256_vectors), TH_CASE(open_creates_private_dir), TH_CASE(open_refuses_unsafe_dirs),
	TH_CASE(store_then_hit), TH_CASE(corrupt_entry_is_discarded), TH_CASE(fifo_entry_does_not_block),
	TH_CASE(hit_survives_entry_swap))
