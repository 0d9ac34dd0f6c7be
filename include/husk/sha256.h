/* SHA-256 (FIPS 180-4), for content-addressed caches. Not for secrets:
 * nothing here is constant-time. */
#ifndef HUSK_SHA256_H
#define HUSK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 65	/* 64 digits and the NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t total;		/* bytes fed so far */
	uint8_t block[64];
	size_t used;		/* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* One-shot digest as lower-case hex. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN]);
void sha256_to_hex(const uint8_t digest[SHA256_LEN], char out[SHA256_HEX_LEN]);

#endif
