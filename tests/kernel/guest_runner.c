// SPDX-License-Identifier: MIT
/* The guest test programs' runner (guest_runner.h). */
#include "guest_runner.h"

#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int matches(const char *name, int nfilters, char **filters)
{
	int i;

	if (!nfilters)
		return 1;
	for (i = 0; i < nfilters; i++)
		if (strstr(name, filters[i]))
			return 1;
	return 0;
}

static int run_one(const struct guest_test *t, const char *prefix, const char *name)
{
	double t0;
	pid_t pid;
	int status;

	fflush(stdout);
	t0 = now_s();
	pid = fork();
	if (pid == 0) {
		alarm(60);
		exit(t->fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("SGPU-TEST FAIL %s%s (fork/wait)\n", prefix, name);
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("SGPU-TEST PASS %s%s %.0f ms\n", prefix, name, (now_s() - t0) * 1e3);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("SGPU-TEST SKIP %s%s\n", prefix, name);
		return 0;
	}
	if (WIFSIGNALED(status))
		printf("SGPU-TEST FAIL %s%s (signal %d)\n", prefix, name, WTERMSIG(status));
	else
		printf("SGPU-TEST FAIL %s%s (exit %d)\n", prefix, name, WEXITSTATUS(status));
	return 1;
}

unsigned int guest_run(const struct guest_test *list, const char *group, int nfilters,
		       char **filters)
{
	const char *prefix = getenv("SGPU_TEST_PREFIX") ? getenv("SGPU_TEST_PREFIX") : "";
	unsigned int failed = 0;
	char name[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct guest_test *t = list; t->name; t++) {
		snprintf(name, sizeof(name), "%s%s", group, t->name);
		if (matches(name, nfilters, filters))
			failed += run_one(t, prefix, name);
	}
	return failed;
}

int guest_done(unsigned int failed)
{
	printf("SGPU-TESTS-DONE failed=%u\n", failed);
	return failed ? 1 : 0;
}
