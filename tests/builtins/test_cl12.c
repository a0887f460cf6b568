// SPDX-License-Identifier: MIT
// OpenCL C 1.2 kernels: the named address-space overloads (global, local,
// private, constant) of the pointer built-ins, barriers, async copies and
// atomics on local memory, and printf.
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_pointers(void)
{
	void (*fn)(const float *, float *, int *, float *, const float *) = h_sym12("t12_pointers");
	float x[8] = {1.75f, -2.5f, 0.5f, 48.0f, 10, 3, 2.5f, 0};
	float o[40] = {0}, lf[4] = {0, 11, 12, 13}, cf[4] = {21, 22, 23, 24};
	int io[16] = {0};

	h_group("OpenCL C 1.2 pointer overloads");
	fn(x, o, io, lf, cf);
	CHECK(o[0] == 0.75f && o[1] == 1 && o[2] == 0.75f && o[3] == 1 && o[4] == 0.75f &&
	      o[5] == 1, "fract: %g %g %g %g %g %g", o[0], o[1], o[2], o[3], o[4], o[5]);
	CHECK(o[6] == -0.5f && o[7] == -2, "modf: %g %g", o[6], o[7]);
	CHECK(fabsf(o[8] - sinf(0.5f)) < 1e-6f && fabsf(o[9] - cosf(0.5f)) < 1e-6f, "sincos");
	CHECK(o[10] == 0.75f && io[0] == 6 && o[13] == 0.75f && io[3] == 6, "frexp");
	CHECK(o[11] == 1 && io[1] == 3, "remquo: %g %d", o[11], io[1]);
	CHECK(fabsf(o[12] - lgammaf(2.5f)) < 1e-6f && io[2] == 1, "lgamma_r");
	for (int i = 0; i < 4; i++) {
		CHECK(o[16 + i] == x[i] - floorf(x[i]) && o[20 + i] == floorf(x[i]), "fract4 %d", i);
		CHECK(o[24 + i] == frexpf(x[i], &(int){0}) && io[4 + i] == (int)ilogbf(x[i]) + 1,
		      "frexp4 %d", i);
		CHECK(o[28 + i] == cf[i], "vload4 from constant %d", i);
		CHECK(o[32 + i] == (i ? lf[i] : 1), "vload4 from local %d", i);
	}
	CHECK(o[36] == 1.75f && o[37] == -2.5f && o[38] == 0.5f, "half through global, local, "
	      "private: %g %g %g", o[36], o[37], o[38]);
}

struct sync_args {
	int *in, *o, *tmp, *ga, *la;
};

static void sync_item(void *arg, size_t lid)
{
	struct sync_args *a = arg;
	void (*fn)(const int *, int *, int *, int *, int *) = h_sym12("t12_sync");

	(void)lid;
	fn(a->in, a->o, a->tmp, a->ga, a->la);
}

static void test_sync12(void)
{
	enum { L = 24 };
	int in[L], o[2 * L], tmp[L], ga = 0, la = -5;
	struct sync_args a = {in, o, tmp, &ga, &la};
	struct svmgpu_wg_ctx ctx;
	struct svmgpu_wi_state *wi12;

	h_group("OpenCL C 1.2 barriers, async copy, atomics");
	for (int i = 0; i < L; i++)
		in[i] = i * 3 + 1;
	// The 1.2 library has its own work-item state: point it at the context.
	wi12 = h_sym12(SVMGPU_WI_STATE_SYMBOL);
	h_ctx_init(&ctx, 1, (size_t[]){L * 4, 1, 1}, (size_t[]){L, 1, 1}, (size_t[]){7, 0, 0},
		   (size_t[]){2, 0, 0});
	h_run_group(&ctx, wi12, sync_item, &a);
	for (int i = 0; i < L; i++) {
		CHECK(o[i] == in[(i + 1) % L] + (2 * L + i + 7) * 1000, "work-item %d: %d", i, o[i]);
		CHECK(o[L + i] == L, "local atomic count seen by %d: %d", i, o[L + i]);
	}
	CHECK(ga == L, "global atomic count %d", ga);
}

static void test_printf12(void)
{
	int (*fn)(float) = h_sym12("t12_printf");
	char buf[64] = {0};
	FILE *f = tmpfile();
	int saved, r;

	h_group("OpenCL C 1.2 printf");
	fflush(stdout);
	saved = dup(1);
	dup2(fileno(f), 1);
	r = fn(1.5f);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(f);
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	CHECK(r == 0 && !strcmp(buf, "cl12 1.500000 1,2\n"), "printf: %d '%s'", r, buf);
}

int test_cl12(void)
{
	test_pointers();
	test_sync12();
	test_printf12();
	return 0;
}
