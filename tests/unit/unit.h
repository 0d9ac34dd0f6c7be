/* A minimal TAP unit-test harness: one binary per file, tests registered
 * with TEST(name), checks with CHECK()/CHECK_STR(); output is TAP. */
#ifndef HUSK_UNIT_H
#define HUSK_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_test { const char *name; void (*fn)(int *failed); };
#define UNIT_MAX 512
static struct unit_test unit_tests[UNIT_MAX];
static int unit_count;

#define TEST(name_)							\
	static void test_##name_(int *unit_failed);			\
	__attribute__((constructor)) static void reg_##name_(void)	\
	{								\
		if (unit_count < UNIT_MAX)				\
			unit_tests[unit_count++] = (struct unit_test){ #name_, test_##name_ }; \
	}								\
	static void test_##name_(int *unit_failed)

#define CHECK(cond) do {						\
		if (!(cond)) {						\
			printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			*unit_failed = 1;				\
		}							\
	} while (0)

#define CHECK_STR(a, b) do {						\
		const char *a_ = (a), *b_ = (b);			\
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {		\
			printf("# %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");	\
			*unit_failed = 1;				\
		}							\
	} while (0)

int main(void)
{
	int failures = 0;

	printf("1..%d\n", unit_count);
	for (int i = 0; i < unit_count; i++) {
		int failed = 0;

		unit_tests[i].fn(&failed);
		printf("%sok %d - %s\n", failed ? "not " : "", i + 1, unit_tests[i].name);
		failures += failed;
	}
	return failures ? 1 : 0;
}

#endif
