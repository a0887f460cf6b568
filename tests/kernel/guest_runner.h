/* SPDX-License-Identifier: MIT */
/*
 * What the guest test programs share (sgpu-tests, libsvm-tests): checks
 * that end a test, and the runner. Each test runs in a child process; it
 * returns 0 (pass), 77 (skip) or fails through CHECK(), which prints the
 * reason and exits 1. The runner prints one line per test for run.sh:
 * "SGPU-TEST PASS|FAIL|SKIP <$SGPU_TEST_PREFIX><name> ...", then
 * "SGPU-TESTS-DONE failed=N".
 */
#ifndef GUEST_RUNNER_H
#define GUEST_RUNNER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096UL

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("    %s:%d: check failed: %s (errno %d)\n", \
		       __FILE__, __LINE__, #cond, errno); \
		fflush(stdout); \
		exit(1); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		printf("    %s:%d: %s == %lld, expected %s == %lld\n", \
		       __FILE__, __LINE__, #a, _a, #b, _b); \
		fflush(stdout); \
		exit(1); \
	} \
} while (0)

struct guest_test {
	const char *name;
	int (*fn)(void);
};

/* Seconds on the monotonic clock. */
double now_s(void);

/*
 * Runs the tests of @list (ended by a NULL name) whose full name, @group
 * then the test's name, contains one of the @nfilters filters (all when
 * there are none). Returns how many failed.
 */
unsigned int guest_run(const struct guest_test *list, const char *group, int nfilters,
		       char **filters);

/* The closing line; the program's exit status. */
int guest_done(unsigned int failed);

#endif
