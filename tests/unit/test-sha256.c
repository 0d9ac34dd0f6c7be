/* SHA-256 against the FIPS 180-4 / NIST example vectors, and streaming in
 * odd-sized pieces against the one-shot digest. */
#include "husk/sha256.h"
#include "unit.h"

TEST(empty)
{
	char hex[SHA256_HEX_LEN];

	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(abc)
{
	char hex[SHA256_HEX_LEN];

	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(two_blocks_448_bits)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[SHA256_HEX_LEN];

	sha256_hex(m, strlen(m), hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(million_a_streamed)
{
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char chunk[1000], hex[SHA256_HEX_LEN];

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		sha256_update(&s, chunk, sizeof(chunk));
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* every split of a 200-byte message gives the one-shot digest, so the
 * block carry-over is right at each offset */
TEST(split_anywhere)
{
	uint8_t msg[200], d[SHA256_LEN];
	char whole[SHA256_HEX_LEN], parts[SHA256_HEX_LEN];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	sha256_hex(msg, sizeof(msg), whole);
	for (size_t cut = 0; cut <= sizeof(msg); cut++) {
		struct sha256 s;

		sha256_init(&s);
		sha256_update(&s, msg, cut);
		sha256_update(&s, msg + cut, sizeof(msg) - cut);
		sha256_final(&s, d);
		sha256_to_hex(d, parts);
		CHECK_STR(parts, whole);
	}
}
