/* Pass 4: the compile cache: verified, atomically written BPF objects in a private directory. */
#include "cache.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sha256.h"

extern const char bstap_bpf_h[];	/* bpf/bstap.bpf.h, embedded at build time */
extern const char bstap_abi_h[];	/* prog/abi.h, which it includes */

#define MAX_OBJ_SIZE (256u << 20)	/* larger entries are treated as corrupt */

/* Headers the generated C includes from the system: their identity is part of the key. */
static const char *const sys_headers[] = {
	"/usr/include/linux/bpf.h",
	"/usr/include/linux/types.h",
	"/usr/include/bpf/bpf_helpers.h",
	"/usr/include/bpf/bpf_helper_defs.h",
	"/usr/include/bpf/bpf_core_read.h",
	"/usr/include/bpf/usdt.bpf.h",	/* process(...).mark probes */
	"/usr/include/bpf/bpf_tracing.h",
};

struct cache {
	int dirfd;		/* the verified cache directory; every access goes through it */
	char *dir;		/* its path, for messages only */
	bool verbose;
	bool env_keyed;		/* base holds the clang/binary/header ingredients */
	pid_t ver_pid;		/* `clang --version` running in the background, or 0 */
	int ver_fd;		/* its stdout */
	char ver_memo[64];	/* file remembering the version of this clang binary */
	struct sha256 base;	/* key state before the per-script text */
	int entry_fd;		/* the verified entry of the last hit, -1 if none */
	char *load_path;	/* what the loader opens: /proc/self/fd/<entry_fd> or the entry path */
	char *entry_path;	/* <dir>/<key>.bpf.o of the last lookup or store */
	unsigned tmp_seq;	/* makes temp file names unique within the process */
};

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static void key_field(struct sha256 *s, const char *name, const void *data, size_t len)
{
	uint8_t n[8];
	for (int i = 0; i < 8; i++)
		n[i] = (uint8_t)((uint64_t)len >> (8 * i));
	sha256_update(s, name, strlen(name) + 1);
	sha256_update(s, n, sizeof(n));
	sha256_update(s, data, len);
}

static void key_str(struct sha256 *s, const char *name, const char *value)
{
	key_field(s, name, value, strlen(value));
}

/* "dev ino size mtime" of a file, or "missing": a file that changes changes the key. */
static void key_file_identity(struct sha256 *s, const char *name, const char *path)
{
	struct stat st;
	char buf[160];
	if (stat(path, &st))
		snprintf(buf, sizeof(buf), "missing");
	else
		snprintf(buf, sizeof(buf), "%llu %llu %lld %lld.%09ld", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	key_str(s, name, buf);
}

/* Reads a whole regular file from fd, at most MAX_OBJ_SIZE bytes. */
static int read_fd(int fd, char **buf, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_OBJ_SIZE)
		return -EINVAL;
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *b = malloc(cap);
	if (!b)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > MAX_OBJ_SIZE) {
				free(b);
				return -EINVAL;
			}
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;
			free(b);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = b;
	*len = n;
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Opens a regular file of ours in the cache dir, never through a symlink: -EINVAL for anything
 * else there (a FIFO, a device, a directory), -EPERM for a file of another user. Non-blocking, so
 * that a FIFO planted in the name's place (between the look and the open) cannot hold us in open().
 */
static int open_entry(struct cache *c, const char *name)
{
	struct stat st;
	if (fstatat(c->dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	int fd = openat(c->dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = fstat(fd, &st) ? -errno : !S_ISREG(st.st_mode) ? -EINVAL :
		  st.st_uid != geteuid() ? -EPERM : 0;
	/* a regular file reads the same either way; the loader gets a plain descriptor */
	if (!err && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* The executable execvp would run for name, or NULL. */
static char *resolve_exec(const char *name)
{
	if (strchr(name, '/'))
		return realpath(name, NULL);
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char *cand = xasprintf("%.*s/%s", (int)n, n ? path : ".", name);
		struct stat st;
		if (cand && !stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK)) {
			char *real = realpath(cand, NULL);
			free(cand);
			return real;
		}
		free(cand);
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

/* Starts `clang --version` with its stdout on a pipe; 0 or a negative errno. */
static int version_start(struct cache *c, const char *clang)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execl(clang, clang, "--version", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	c->ver_pid = pid;
	c->ver_fd = p[0];
	return 0;
}

/* The first line `clang --version` printed, or NULL; reaps the child. */
static char *version_finish(struct cache *c)
{
	char buf[512];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(c->ver_fd, buf + n, sizeof(buf) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof(buf) - 1)
			break;
	}
	close(c->ver_fd);
	int status = 0;
	while (waitpid(c->ver_pid, &status, 0) < 0 && errno == EINTR)
		;
	c->ver_fd = -1;
	c->ver_pid = 0;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !buf[0])
		return NULL;
	return strdup(buf);
}

/* Reads the remembered version line, or NULL. */
static char *memo_read(struct cache *c)
{
	int fd = open_entry(c, c->ver_memo);
	if (fd < 0)
		return NULL;
	char *buf, *line = NULL;
	size_t len;
	if (!read_fd(fd, &buf, &len)) {
		if (len > 1 && len < 512 && buf[len - 1] == '\n' && !memchr(buf, 0, len)) {
			buf[len - 1] = 0;
			line = buf;
		} else {
			free(buf);
		}
	}
	close(fd);
	return line;
}

static int write_temp(struct cache *c, const char *data, size_t len, char tmp[96]);

/* Writes name in the cache dir atomically: O_EXCL temp file, fsync, rename over name. */
static int write_atomic(struct cache *c, const char *name, const char *data, size_t len)
{
	char tmp[96];
	int err = write_temp(c, data, len, tmp);
	if (!err && renameat(c->dirfd, tmp, c->dirfd, name)) {
		err = -errno;
		unlinkat(c->dirfd, tmp, 0);
	}
	return err;
}

/* Adds the ingredients that do not depend on the script to the base key. */
static void key_env(struct cache *c, const char *clang_line)
{
	key_str(&c->base, "clang", clang_line);
	/* The binary's identity stands for everything compiled into it that shapes the object
	 * and has no version of its own (clang flags, the generator); a rebuild is a miss. */
	key_file_identity(&c->base, "bstap", "/proc/self/exe");
	for (size_t i = 0; i < sizeof(sys_headers) / sizeof(sys_headers[0]); i++)
		key_file_identity(&c->base, sys_headers[i], sys_headers[i]);
	c->env_keyed = true;
}

/*
 * Makes the base key complete, or starts finding the clang version and returns -EAGAIN.
 * Running `clang --version` costs ~100 ms, as much as a warm start, so its first line is
 * remembered in the cache dir under the identity of the clang binary (resolved path, device,
 * inode, size, mtime: upgrading clang changes it). Without that memo no entry can exist for
 * this clang, so the lookup is a miss and the version is found while clang compiles.
 */
static int env_prepare(struct cache *c)
{
	if (c->env_keyed)
		return 0;
	if (c->ver_pid > 0)
		return -EAGAIN;
	const char *name = getenv("BSTAP_CLANG");
	if (!name || !*name)
		name = "clang";
	char *bin = resolve_exec(name);
	struct stat st;
	if (!bin || stat(bin, &st)) {
		free(bin);
		key_env(c, "clang: not found");
		return 0;
	}
	char *id = xasprintf("%s\n%llu %llu %lld %lld.%09ld", bin, (unsigned long long)st.st_dev,
			     (unsigned long long)st.st_ino, (long long)st.st_size,
			     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex_of(id ? id : bin, strlen(id ? id : bin), hex);
	free(id);
	snprintf(c->ver_memo, sizeof(c->ver_memo), "clang-%.32s.version", hex);
	char *line = memo_read(c);
	if (line) {
		key_env(c, line);
		free(line);
		free(bin);
		return 0;
	}
	int err = version_start(c, bin);
	if (err) {
		line = xasprintf("clang %s: no version", bin);
		key_env(c, line ? line : "");
		free(line);
	}
	free(bin);
	return err ? 0 : -EAGAIN;
}

/* Completes a version lookup started by env_prepare and remembers its answer. */
static void env_finish(struct cache *c)
{
	if (c->env_keyed || c->ver_pid <= 0)
		return;
	char *line = version_finish(c);
	if (line) {
		char *text = xasprintf("%s\n", line);
		if (text)
			write_atomic(c, c->ver_memo, text, strlen(text));
		free(text);
	}
	key_env(c, line ? line : "clang: no version");
	free(line);
}

/* The key of c_text; the base key must be complete (env_prepare or env_finish). */
static void cache_key(struct cache *c, const char *c_text, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 s = c->base;
	uint8_t d[SHA256_LEN];
	key_str(&s, "bpf.c", c_text);
	key_str(&s, "bstap.bpf.h", bstap_bpf_h);
	key_str(&s, "bstap_abi.h", bstap_abi_h);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

/* Creates the missing directories of path (each 0700), like mkdir -p. */
static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int r = mkdir(path, 0700);
		*p = '/';
		if (r && errno != EEXIST)
			return -errno;
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int refuse(char *dir, const char *why)
{
	fprintf(stderr, "bstap: warning: not using the cache directory %s: %s; running uncached\n",
		dir, why);
	free(dir);
	return -EPERM;
}

int cache_open(struct cache **out, const char *dir_override, bool verbose)
{
	*out = NULL;
	char *dir;
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (dir_override)
		dir = strdup(dir_override);
	else if (xdg && xdg[0] == '/')	/* XDG: a relative path is invalid and ignored */
		dir = xasprintf("%s/bstap", xdg);
	else if (geteuid() == 0)
		dir = strdup("/var/cache/bstap");
	else if (home && home[0] == '/')
		dir = xasprintf("%s/.cache/bstap", home);
	else {
		if (verbose)
			fprintf(stderr, "cache: no HOME, running uncached\n");
		return -ENOENT;
	}
	if (!dir)
		return -ENOMEM;
	/* "dir/" would make O_NOFOLLOW follow a symlink named dir */
	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = 0;
	if (!*dir)
		return refuse(dir, "empty path");

	struct stat st;
	if (lstat(dir, &st) && errno == ENOENT) {
		int err = mkdir_p(dir);
		if (err) {
			fprintf(stderr, "bstap: warning: cannot create the cache directory %s: %s; "
				"running uncached\n", dir, strerror(-err));
			free(dir);
			return err;
		}
	}
	if (lstat(dir, &st))
		return refuse(dir, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return refuse(dir, "it is a symbolic link");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse(dir, errno == ELOOP ? "it is a symbolic link" : strerror(errno));
	/* fstat on the fd: the checks hold for what we opened even if the path changes now */
	if (fstat(fd, &st) || !S_ISDIR(st.st_mode)) {
		close(fd);
		return refuse(dir, "it is not a directory");
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		return refuse(dir, "it is owned by another user");
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return refuse(dir, "it is writable by group or others (chmod 700 it)");
	}
	struct cache *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		free(dir);
		return -ENOMEM;
	}
	c->dirfd = fd;
	c->dir = dir;
	c->verbose = verbose;
	c->entry_fd = -1;
	c->ver_fd = -1;
	sha256_init(&c->base);
	key_str(&c->base, "format", "bstap-cache-1");
	*out = c;
	return 0;
}

void cache_add_key(struct cache *c, const char *name, const char *value)
{
	if (c)
		key_str(&c->base, name, value);
}

static void forget_entry(struct cache *c)
{
	if (c->entry_fd >= 0)
		close(c->entry_fd);
	c->entry_fd = -1;
	free(c->load_path);
	free(c->entry_path);
	c->load_path = c->entry_path = NULL;
}

/* The .sum file: "<sha256 hex of the object> <size>\n". */
static int parse_sum(const char *buf, size_t len, char hex[SHA256_HEX_LEN + 1], long long *size)
{
	if (len < SHA256_HEX_LEN + 3 || len > 100 || buf[len - 1] != '\n')
		return -EINVAL;
	for (int i = 0; i < SHA256_HEX_LEN; i++)
		if (!strchr("0123456789abcdef", buf[i]) || !buf[i])
			return -EINVAL;
	if (buf[SHA256_HEX_LEN] != ' ')
		return -EINVAL;
	memcpy(hex, buf, SHA256_HEX_LEN);
	hex[SHA256_HEX_LEN] = 0;
	char *end;
	errno = 0;
	*size = strtoll(buf + SHA256_HEX_LEN + 1, &end, 10);
	if (errno || end != buf + len - 1 || *size < 0)
		return -EINVAL;
	return 0;
}

/*
 * Removes name if it is still the file we examined (ino, 0 if we could not open it) or is
 * not a regular file at all; a good entry another process stored meanwhile stays.
 */
static void discard(struct cache *c, const char *name, ino_t ino)
{
	struct stat st;
	if (fstatat(c->dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return;
	if (!S_ISREG(st.st_mode) || st.st_ino == ino || !ino)
		unlinkat(c->dirfd, name, 0);
}

static ino_t fd_ino(int fd)
{
	struct stat st;
	return fd >= 0 && !fstat(fd, &st) ? st.st_ino : 0;
}

int cache_lookup(struct cache *c, const char *c_text, char **obj_path_out)
{
	if (!c)
		return 0;
	forget_entry(c);
	if (env_prepare(c))
		return 0;
	char key[SHA256_HEX_LEN + 1], obj_name[80], sum_name[80];
	cache_key(c, c_text, key);
	snprintf(obj_name, sizeof(obj_name), "%s.bpf.o", key);
	snprintf(sum_name, sizeof(sum_name), "%s.sum", key);
	c->entry_path = xasprintf("%s/%s", c->dir, obj_name);

	/* Writers rename the pair under LOCK_EX, so the two files opened here belong together. */
	flock(c->dirfd, LOCK_SH);
	int sfd = open_entry(c, sum_name);
	int ofd = open_entry(c, obj_name);
	flock(c->dirfd, LOCK_UN);
	ino_t sino = fd_ino(sfd), oino = fd_ino(ofd);

	const char *why = NULL;
	char *sbuf = NULL, *obuf = NULL, want[SHA256_HEX_LEN + 1], got[SHA256_HEX_LEN + 1];
	size_t slen, olen;
	long long want_size = -1;
	if (ofd == -ENOENT && (sfd >= 0 || sfd == -ENOENT)) {
		if (sfd >= 0)
			close(sfd);
		return 0;	/* a plain miss (a checksum alone is harmless: a store replaces it) */
	}
	if (ofd == -EINVAL)
		why = "the object is not a regular file";
	else if (sfd == -EINVAL)
		why = "the checksum is not a regular file";
	else if (ofd == -EPERM || sfd == -EPERM)
		why = "not owned by this user";
	else if (sfd == -ENOENT)
		why = "no checksum";
	else if (sfd < 0 || read_fd(sfd, &sbuf, &slen))
		why = "unreadable checksum";
	else if (parse_sum(sbuf, slen, want, &want_size))
		why = "malformed checksum";
	else if (ofd < 0 || read_fd(ofd, &obuf, &olen))
		why = "unreadable object";
	else if ((long long)olen != want_size)
		why = "wrong size";
	if (!why) {
		sha256_hex_of(obuf, olen, got);
		if (strcmp(got, want))
			why = "checksum mismatch";
	}
	free(sbuf);
	free(obuf);
	if (sfd >= 0)
		close(sfd);
	if (why) {
		if (ofd >= 0)
			close(ofd);
		flock(c->dirfd, LOCK_EX);
		discard(c, obj_name, oino);
		discard(c, sum_name, sino);
		flock(c->dirfd, LOCK_UN);
		if (c->verbose)
			fprintf(stderr, "cache: discarded corrupt entry %s (%s)\n",
				c->entry_path ? c->entry_path : obj_name, why);
		return 0;
	}
	/* The loader reopens the very file we verified, whatever happens to the names now. */
	c->entry_fd = ofd;
	if (!access("/proc/self/fd", X_OK))
		c->load_path = xasprintf("/proc/self/fd/%d", ofd);
	else
		c->load_path = c->entry_path ? strdup(c->entry_path) : NULL;
	if (!c->load_path || !c->entry_path) {
		forget_entry(c);
		return 0;
	}
	*obj_path_out = c->load_path;
	return 1;
}

/* Writes data to a new O_EXCL temp file in the cache dir and syncs it; its name goes in tmp. */
static int write_temp(struct cache *c, const char *data, size_t len, char tmp[96])
{
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		snprintf(tmp, 96, "tmp.%ld.%u.%lx", (long)getpid(), c->tmp_seq++,
			 (unsigned long)ts.tv_nsec);
		fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	int err = write_all(fd, data, len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlinkat(c->dirfd, tmp, 0);
	return err;
}

int cache_store(struct cache *c, const char *c_text, const char *obj_path)
{
	if (!c)
		return 0;
	forget_entry(c);
	if (env_prepare(c) == -EAGAIN)
		env_finish(c);
	char key[SHA256_HEX_LEN + 1], obj_name[80], sum_name[80], hex[SHA256_HEX_LEN + 1];
	char obj_tmp[96] = "", sum_tmp[96] = "";
	cache_key(c, c_text, key);
	snprintf(obj_name, sizeof(obj_name), "%s.bpf.o", key);
	snprintf(sum_name, sizeof(sum_name), "%s.sum", key);
	int fd = open(obj_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char *buf, *sum = NULL;
	size_t len;
	int err = read_fd(fd, &buf, &len);
	close(fd);
	if (err)
		return err;
	sha256_hex_of(buf, len, hex);
	sum = xasprintf("%s %zu\n", hex, len);
	err = sum ? 0 : -ENOMEM;
	err = err ?: write_temp(c, buf, len, obj_tmp);
	err = err ?: write_temp(c, sum, strlen(sum), sum_tmp);
	if (!err) {
		/* the pair changes at once for readers, who open both under LOCK_SH */
		flock(c->dirfd, LOCK_EX);
		if (renameat(c->dirfd, sum_tmp, c->dirfd, sum_name) ||
		    renameat(c->dirfd, obj_tmp, c->dirfd, obj_name))
			err = -errno;
		flock(c->dirfd, LOCK_UN);
	}
	if (!err && fsync(c->dirfd))
		err = -errno;
	if (err) {
		if (*obj_tmp)
			unlinkat(c->dirfd, obj_tmp, 0);
		if (*sum_tmp)
			unlinkat(c->dirfd, sum_tmp, 0);
	}
	free(sum);
	free(buf);
	if (err) {
		fprintf(stderr, "bstap: warning: cannot store the object in the cache %s: %s\n",
			c->dir, strerror(-err));
		return err;
	}
	c->entry_path = xasprintf("%s/%s", c->dir, obj_name);
	return 0;
}

const char *cache_entry_path(const struct cache *c)
{
	return c ? c->entry_path : NULL;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	forget_entry(c);
	if (c->ver_pid > 0) {	/* nobody needs the answer any more */
		kill(c->ver_pid, SIGKILL);
		version_finish(c);
	}
	close(c->dirfd);
	free(c->dir);
	free(c);
}
