/* SHA-256 (FIPS 180-4), small and dependency-free: the compile cache's key and entry checksum. */
#ifndef BSTAP_SHA256_H
#define BSTAP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t nbytes;	/* total bytes hashed so far */
	uint8_t buf[64];	/* partial block; nbytes % 64 bytes of it are used */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Finishes the digest; *s must be re-initialised before it is used again. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* Lower-case hex of a digest, NUL-terminated. */
void sha256_hex(const uint8_t d[SHA256_LEN], char out[SHA256_HEX_LEN + 1]);
/* One-shot: hex digest of a buffer. */
void sha256_hex_of(const void *data, size_t n, char out[SHA256_HEX_LEN + 1]);

#endif
