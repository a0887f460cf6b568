// SPDX-License-Identifier: MIT
// printf: every conversion, vector conversions, the return value, a
// malformed format, and whole lines from concurrent callers. stdout is
// redirected to a file while the kernels print.
#include "harness.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int saved_fd = -1;
static FILE *capture;

static void capture_begin(void)
{
	fflush(stdout);
	capture = tmpfile();
	saved_fd = dup(1);
	dup2(fileno(capture), 1);
}

// The captured text (to free).
static char *capture_end(void)
{
	long len;
	char *text;

	fflush(stdout);
	dup2(saved_fd, 1);
	close(saved_fd);
	len = ftell(capture);
	text = calloc((size_t)len + 1, 1);
	rewind(capture);
	if (len > 0 && fread(text, 1, (size_t)len, capture) != (size_t)len)
		text[0] = 0;
	fclose(capture);
	return text;
}

static void append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static void test_formats(void)
{
	int (*fn)(const int *, const float *, const double *, const char *) = h_sym("t_printf");
	int (*bad)(void) = h_sym("t_printf_bad");
	int iv[16] = {-42, 17, (int)3000000000u, 0xbeef, 8, 2, 42, 0x12345, 0x1ff, 0xfffe,
		      10, 11, 12, 13, -14, 15};
	float fv[8] = {1.5f, -2.25f, 12345.678f, 0.0001f, 0.1f, 3.14159f, -1e-20f, 0};
	double dv[4] = {0.1, 6.02214076e23, -7.0 / 3, 0};
	static char want[4096];
	char *got;
	int r, rb;

	h_group("printf");
	capture_begin();
	r = fn(iv, fv, dv, "hello");
	rb = bad();
	got = capture_end();
	want[0] = 0;
	append(want, sizeof(want), "int %d %i %u %x %X %o %c|%5d|%-5d|%05d\n", iv[0], iv[1],
	       (unsigned)iv[2], iv[3], iv[3], iv[4], 'A' + iv[5], iv[6], iv[6], iv[6]);
	append(want, sizeof(want), "long %ld %lu %lx; short %hd %hhd %hx\n",
	       (long)iv[0] * 100000000000L, (unsigned long)(long)iv[2] << 33,
	       (unsigned long)(long)iv[3] << 20, (short)iv[7], (signed char)iv[8],
	       (unsigned short)iv[9]);
	append(want, sizeof(want), "float %f %.3f %e %g %a %10.2f|%-8.1e|\n", fv[0], fv[1],
	       fv[2], fv[3], fv[4], fv[5], fv[6]);
	append(want, sizeof(want), "double %.17g %e\n", dv[0], dv[1]);
	append(want, sizeof(want), "string lit hello|%10s|%-6s|%%|\n", "right", "left");
	append(want, sizeof(want), "vec %f,%f,%f,%f %d,%d %d,%d,%d ", fv[0], fv[1], fv[2], fv[3],
	       iv[0], iv[1], iv[0], iv[1], iv[2]);
	for (int i = 0; i < 8; i++)
		append(want, sizeof(want), "%s%hhd", i ? "," : "", (signed char)iv[i]);
	for (int i = 0; i < 4; i++)
		append(want, sizeof(want), "%c%hx", i ? ',' : ' ', (unsigned short)iv[i]);
	append(want, sizeof(want), "\nvec %f,%f %.2f,%.2f,%.2f ", dv[0], dv[1], dv[0], dv[1],
	       dv[2]);
	for (int i = 0; i < 16; i++)
		append(want, sizeof(want), "%s%d", i ? "," : "", iv[i]);
	append(want, sizeof(want), " %lu,%lu\n", (unsigned long)(long)iv[0],
	       (unsigned long)(long)iv[1]);
	append(want, sizeof(want), "ptr %p\n", (void *)0);
	append(want, sizeof(want), "before ");
	CHECK(!strcmp(got, want), "output:\n%s\nwant:\n%s", got, want);
	CHECK(r == 0, "printf returned %d", r);
	CHECK(rb == -1, "printf with a bad conversion returned %d", rb);
	free(got);
}

#define THREADS 4
#define LINES 2000

static void *print_thread(void *arg)
{
	int (*fn)(int, int) = h_sym("t_printf_line");
	int id = (int)(intptr_t)arg;

	for (int i = 0; i < LINES; i++)
		fn(id, i);
	return NULL;
}

static void test_concurrent(void)
{
	pthread_t th[THREADS];
	int count[THREADS] = {0}, broken = 0;
	char *got, *line, *save;

	h_group("printf from threads");
	capture_begin();
	for (int t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, print_thread, (void *)(intptr_t)t);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	got = capture_end();
	for (line = strtok_r(got, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int id, n, len = 0;

		// Each line is whole: "T<id>:<n>:" and 200 'x'.
		if (sscanf(line, "T%d:%d:%n", &id, &n, &len) != 2 || id < 0 || id >= THREADS ||
		    strspn(line + len, "x") != 200 || line[len + 200]) {
			broken++;
			continue;
		}
		count[id]++;
	}
	CHECK(!broken, "%d interleaved lines", broken);
	for (int t = 0; t < THREADS; t++)
		CHECK(count[t] == LINES, "thread %d: %d lines", t, count[t]);
	free(got);
}

int test_printf(void)
{
	test_formats();
	test_concurrent();
	return 0;
}
