// SPDX-License-Identifier: MIT
/* Atomics the CPU device combines per work-group (an address the same for
 * the whole group, old value unused: one atomic per group instead of one per
 * work-item) give the results of one atomic per work-item: counts, sums,
 * min/max, bit operations, 32 and 64 bits, legacy and C11 atomics, 1-D and
 * 3-D groups, many groups at once, a pointer that is NULL when no work-item
 * uses it. And the kernels where a work-item could tell the difference
 * (it reads or overwrites the location afterwards, another atomic or a
 * fence follows, the old value is used, the address varies) keep their
 * atomics and their meaning. The build says (SVMGPU_DEBUG) which kernels
 * got combined atomics: checked both ways. */
#include "testutil.h"

#include <stdint.h>

static struct tu_env env;

static const char *src =
	"#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable\n"
	"#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable\n"
	"kernel void count_odd(global const int *in, global int *c)\n"
	"{ if (in[get_global_id(0)] & 1) atomic_inc(c); }\n"
	"kernel void sums(global const int *in, global int *s, global long *l, global int *d)\n"
	"{ int v = in[get_global_id(0)]; atomic_add(s, v); atom_add(l, (long)v << 20);\n"
	"  atomic_sub(d, v); atomic_dec(d); }\n"
	"kernel void minmax(global const int *in, global int *r, global uint *u)\n"
	"{ int v = in[get_global_id(0)]; atomic_min(&r[0], v); atomic_max(&r[1], v);\n"
	"  atomic_min(&u[0], (uint)v); atomic_max(&u[1], (uint)v); }\n"
	"kernel void bits(global const int *in, global int *r)\n"
	"{ int v = in[get_global_id(0)]; atomic_and(&r[0], (int)~(1u << (v & 31)));\n"
	"  atomic_or(&r[1], (int)(1u << (v & 31))); atomic_xor(&r[2], v); }\n"
	"kernel void c11(global const int *in, global atomic_int *c, global atomic_long *l)\n"
	"{ int v = in[get_global_id(0)];\n"
	"  atomic_fetch_add_explicit(c, v, memory_order_relaxed, memory_scope_device);\n"
	"  atomic_fetch_max_explicit(l, (long)v, memory_order_relaxed); }\n"
	"kernel void cube(global int *c)\n"
	"{ if ((get_global_id(0) + get_global_id(1) + get_global_id(2)) % 3 == 0)\n"
	"    atomic_inc(c); }\n"
	"kernel void maybe_null(global const int *in, global int *c)\n"
	"{ if (c && in[get_global_id(0)] < 0) atomic_inc(c); }\n"
	/* Where a work-item could tell: nothing is combined. */
	"kernel void reads_back(global int *c, global int *out)\n"
	"{ if (get_local_id(0) == 5) { atomic_inc(c); out[0] = *c; } }\n"
	"kernel void reads_later(global int *c, global int *out)\n"
	"{ atomic_inc(c); if (get_local_id(0) == 5) out[0] = *c; }\n"
	"kernel void overwrites(global int *c)\n"
	"{ if (get_local_id(0) == 5) { atomic_add(c, 10); *c = 3; } }\n"
	/* Tickets: the old value used, every work-item once, one operand. */
	"kernel void old_value(global int *c, global int *out)\n"
	"{ out[get_global_id(0)] = atomic_inc(c); }\n"
	"kernel void ticket_step(global long *c, global long *out)\n"
	"{ out[get_global_id(0)] = atom_add(c, 5L); }\n"
	"kernel void ticket_sub(global int *c, global int *out)\n"
	"{ out[get_global_id(0)] = atomic_sub(c, 2); }\n"
	"kernel void two_tickets(global int *c, global int *out)\n"
	"{ size_t i = get_global_id(0); int a = atomic_inc(c); out[2 * i + 1] = atomic_inc(c);\n"
	"  out[2 * i] = a; }\n"
	"kernel void ticket_cond(global int *c, global int *out)\n"
	"{ size_t i = get_global_id(0); out[i] = i % 3 ? -1 : atomic_inc(c); }\n"
	"kernel void ticket_read(global int *c, global int *out)\n"
	"{ int x = c[1]; out[get_global_id(0)] = atomic_inc(c) + x; }\n"
	"kernel void ticket_before(global int *c, global int *out)\n"
	"{ int x = *c; out[get_global_id(0)] = atomic_inc(c) - x; }\n"
	"kernel void then_fence(global int *c, global int *flag)\n"
	"{ atomic_inc(c); mem_fence(CLK_GLOBAL_MEM_FENCE); }\n"
	"kernel void then_atomic(global int *a, global int *b)\n"
	"{ atomic_inc(a); atomic_add(b, 2); }\n"
	"kernel void histogram(global const int *in, global int *h)\n"
	"{ atomic_inc(&h[in[get_global_id(0)] & 15]); }\n"
	"kernel void exchange(global int *c)\n"
	"{ atomic_xchg(c, (int)get_global_id(0)); }\n";

/* What the build must say about each kernel: atomics combined, or not. */
static const struct {
	const char *kernel;
	int combined; /* atomics combined per work-group; 0: the build says nothing */
} expected[] = {
	{"count_odd", 1}, {"sums", 4}, {"minmax", 4}, {"bits", 3}, {"c11", 2}, {"cube", 1},
	{"maybe_null", 1}, {"reads_back", 0}, {"reads_later", 0}, {"overwrites", 0}, {"old_value", 1},
	{"ticket_step", 1}, {"ticket_sub", 1}, {"two_tickets", 1}, {"ticket_cond", 0},
	{"ticket_read", 0}, {"ticket_before", 0},
	{"then_fence", 0}, {"then_atomic", 2}, {"histogram", 0}, {"exchange", 0},
};

static void check_said(const char *said)
{
	for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++) {
		char want[128];
		const char *at;

		snprintf(want, sizeof(want), "kernel %s: ", expected[i].kernel);
		at = strstr(said, want);
		if (!expected[i].combined) {
			CHECK(at == NULL, "%s: nothing combined (the build said \"%.80s\")",
			      expected[i].kernel, at ? at : "");
			continue;
		}
		snprintf(want, sizeof(want), "kernel %s: %d atomics combined per work-group",
			 expected[i].kernel, expected[i].combined);
		CHECK(strstr(said, want) != NULL, "the build says \"%s\"", want);
	}
}

/* Runs k with SVM pointers args[0..n) over a 1-D range; the event's status. */
static cl_int run(cl_kernel k, void *const *args, cl_uint n, size_t global, size_t local)
{
	cl_event ev;
	cl_int err, st = -1;

	for (cl_uint i = 0; i < n; i++)
		CHECK_OK(clSetKernelArgSVMPointer(k, i, args[i]), "argument %u", i);
	err = clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &global, local ? &local : NULL, 0,
				     NULL, &ev);
	if (err)
		return err;
	clWaitForEvents(1, &ev);
	clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	clReleaseEvent(ev);
	clReleaseKernel(k);
	return st;
}

#define N (1 << 18)
static int in[N];

static void check_counts(cl_program p)
{
	int c = 0, want = 0;
	int64_t l = 0, wl = 0;
	int s = 0, d = 7;
	unsigned ws = 0, wd = 7; /* the device's int arithmetic wraps */

	for (size_t i = 0; i < N; i++) {
		want += in[i] & 1;
		ws += (unsigned)in[i];
		wl += (int64_t)in[i] << 20;
		wd -= (unsigned)in[i] + 1;
	}
	CHECK_OK(run(tu_kernel(p, "count_odd"), (void *[]){in, &c}, 2, N, 0), "count_odd");
	CHECK(c == want, "count_odd: %d, want %d", c, want);
	c = 0;
	CHECK_OK(run(tu_kernel(p, "count_odd"), (void *[]){in, &c}, 2, 999, 37), "count_odd 999/37");
	want = 0;
	for (size_t i = 0; i < 999; i++)
		want += in[i] & 1;
	CHECK(c == want, "count_odd over 999 in groups of 37: %d, want %d", c, want);
	CHECK_OK(run(tu_kernel(p, "sums"), (void *[]){in, &s, &l, &d}, 4, N, 256), "sums");
	CHECK((unsigned)s == ws && l == wl && (unsigned)d == wd,
	      "sums: %d %lld %d, want %d %lld %d", s, (long long)l, d, (int)ws, (long long)wl,
	      (int)wd);
}

static void check_minmax_bits(cl_program p)
{
	int r[2] = {INT32_MAX, INT32_MIN}, b[3] = {-1, 0, 0x1234}, wb[3] = {-1, 0, 0x1234};
	unsigned u[2] = {UINT32_MAX, 0}, wu[2] = {UINT32_MAX, 0};
	int wr[2] = {INT32_MAX, INT32_MIN};

	for (size_t i = 0; i < N; i++) {
		int v = in[i];

		wr[0] = v < wr[0] ? v : wr[0];
		wr[1] = v > wr[1] ? v : wr[1];
		wu[0] = (unsigned)v < wu[0] ? (unsigned)v : wu[0];
		wu[1] = (unsigned)v > wu[1] ? (unsigned)v : wu[1];
		wb[0] &= (int)~(1u << (v & 31));
		wb[1] |= (int)(1u << (v & 31));
		wb[2] ^= v;
	}
	CHECK_OK(run(tu_kernel(p, "minmax"), (void *[]){in, r, u}, 3, N, 128), "minmax");
	CHECK(r[0] == wr[0] && r[1] == wr[1] && u[0] == wu[0] && u[1] == wu[1],
	      "minmax: %d %d %u %u, want %d %d %u %u", r[0], r[1], u[0], u[1], wr[0], wr[1],
	      wu[0], wu[1]);
	CHECK_OK(run(tu_kernel(p, "bits"), (void *[]){in, b}, 2, N, 0), "bits");
	CHECK(b[0] == wb[0] && b[1] == wb[1] && b[2] == wb[2], "bits: %x %x %x, want %x %x %x",
	      b[0], b[1], b[2], wb[0], wb[1], wb[2]);
}

static void check_c11_cube_null(cl_program p)
{
	int c = 0, want = 0;
	unsigned sum = 0; /* wraps, as the device's does */
	int64_t l = INT64_MIN, wl = INT64_MIN;
	size_t g[3] = {12, 8, 20}, ls[3] = {4, 4, 5};
	cl_kernel k;

	for (size_t i = 0; i < N; i++) {
		sum += (unsigned)in[i];
		wl = in[i] > wl ? in[i] : wl;
	}
	CHECK_OK(run(tu_kernel(p, "c11"), (void *[]){in, &c, &l}, 3, N, 64), "c11");
	CHECK((unsigned)c == sum && l == wl, "c11: %d %lld, want %d %lld", c, (long long)l,
	      (int)sum, (long long)wl);

	c = 0;
	k = tu_kernel(p, "cube");
	clSetKernelArgSVMPointer(k, 0, &c);
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 3, NULL, g, ls, 0, NULL, NULL), "cube");
	clFinish(env.queue);
	clReleaseKernel(k);
	want = 0;
	for (size_t z = 0; z < g[2]; z++)
		for (size_t y = 0; y < g[1]; y++)
			for (size_t x = 0; x < g[0]; x++)
				want += (x + y + z) % 3 == 0;
	CHECK(c == want, "cube (3-D groups): %d, want %d", c, want);

	/* No work-item has a negative input: the NULL counter is never touched. */
	k = tu_kernel(p, "maybe_null");
	clSetKernelArgSVMPointer(k, 0, in);
	CHECK_OK(clSetKernelArg(k, 1, sizeof(cl_mem), NULL), "maybe_null: NULL pointer");
	CHECK_OK(run(k, (void *[]){in}, 1, N, 0), "maybe_null with NULL runs without a fault");
}

static void check_kept(cl_program p)
{
	int c = 0, out[64] = {0}, a = 0, b = 0, h[16] = {0}, wh[16] = {0};
	CHECK_OK(run(tu_kernel(p, "reads_back"), (void *[]){&c, out}, 2, 64, 64), "reads_back");
	CHECK(c == 1 && out[0] == 1, "reads_back: a work-item sees its own increment (%d, %d)",
	      c, out[0]);
	c = 0;
	out[0] = 0;
	CHECK_OK(run(tu_kernel(p, "reads_later"), (void *[]){&c, out}, 2, 64, 64), "reads_later");
	CHECK(c == 64 && out[0] >= 1, "reads_later: a read in a later block sees the work-item's "
	      "own increment (%d, %d)", c, out[0]);
	c = 0;
	CHECK_OK(run(tu_kernel(p, "overwrites"), (void *[]){&c}, 1, 64, 64), "overwrites");
	CHECK(c == 3, "overwrites: the store after the atomic wins: %d, want 3", c);
	c = 0;
	CHECK_OK(run(tu_kernel(p, "then_fence"), (void *[]){&c, &a}, 2, N, 0), "then_fence");
	CHECK(c == N, "then_fence: %d, want %d", c, N);
	a = 0;
	CHECK_OK(run(tu_kernel(p, "then_atomic"), (void *[]){&a, &b}, 2, N, 0), "then_atomic");
	CHECK(a == N && b == 2 * N, "then_atomic: %d %d, want %d %d", a, b, N, 2 * N);
	for (size_t i = 0; i < N; i++)
		wh[in[i] & 15]++;
	CHECK_OK(run(tu_kernel(p, "histogram"), (void *[]){in, h}, 2, N, 0), "histogram");
	CHECK(!memcmp(h, wh, sizeof(h)), "histogram: each bin counted");
	c = -1;
	CHECK_OK(run(tu_kernel(p, "exchange"), (void *[]){&c}, 1, 4096, 0), "exchange");
	CHECK(c >= 0 && c < 4096, "exchange: the last value is some work-item's: %d", c);
}

/* Whether the n values are start, start + step, ... in some order. */
static bool each_once(const int64_t *v, size_t n, int64_t start, int64_t step)
{
	char *seen = calloc(n, 1);
	bool ok = seen != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		int64_t k = (v[i] - start) / step;

		ok = (v[i] - start) % step == 0 && k >= 0 && (size_t)k < n && !seen[k];
		if (ok)
			seen[k] = 1;
	}
	free(seen);
	return ok;
}

static bool each_once_int(const int *v, size_t n, int64_t start, int64_t step)
{
	int64_t *w = malloc(n * sizeof(*w));
	bool ok = w != NULL;

	for (size_t i = 0; ok && i < n; i++)
		w[i] = v[i];
	ok = ok && each_once(w, n, start, step);
	free(w);
	return ok;
}

/* Tickets: whether combined or not, each work-item gets its own value. */
static void check_tickets(cl_program p)
{
	enum { T = 4096 };
	int c[2] = {0, 1000}, *out = calloc(2 * T, sizeof(int)), picked = 0, *sel = out + T;
	int64_t l = 0, *lout = calloc(T, sizeof(int64_t));

	REQUIRE(out && lout, "memory");
	CHECK_OK(run(tu_kernel(p, "old_value"), (void *[]){c, out}, 2, T, 128), "old_value");
	CHECK(c[0] == T && each_once_int(out, T, 0, 1), "old_value: every value once");
	CHECK_OK(run(tu_kernel(p, "ticket_step"), (void *[]){&l, lout}, 2, T, 0), "ticket_step");
	CHECK(l == 5 * T && each_once(lout, T, 0, 5), "ticket_step: 0, 5, 10... once each");
	c[0] = 0;
	CHECK_OK(run(tu_kernel(p, "ticket_sub"), (void *[]){c, out}, 2, 1000, 37), "ticket_sub");
	CHECK(c[0] == -2000 && each_once_int(out, 1000, -1998, 2), "ticket_sub: 0, -2... once each");
	c[0] = 0;
	CHECK_OK(run(tu_kernel(p, "two_tickets"), (void *[]){c, out}, 2, T, 256), "two_tickets");
	CHECK(c[0] == 2 * T && each_once_int(out, 2 * T, 0, 1), "two_tickets: every value once");
	c[0] = 0;
	CHECK_OK(run(tu_kernel(p, "ticket_cond"), (void *[]){c, out}, 2, T, 64), "ticket_cond");
	for (size_t i = 0; i < T; i++)
		if (i % 3 == 0)
			sel[picked++] = out[i];
	CHECK(c[0] == picked && each_once_int(sel, (size_t)picked, 0, 1),
	      "ticket_cond: every third work-item, values once");
	c[0] = 0;
	CHECK_OK(run(tu_kernel(p, "ticket_read"), (void *[]){c, out}, 2, T, 128), "ticket_read");
	CHECK(c[0] == T && each_once_int(out, T, 1000, 1), "ticket_read: 1000, 1001... once each");
	/* A work-item reads the counter before its increment: never past it. */
	c[0] = 0;
	CHECK_OK(run(tu_kernel(p, "ticket_before"), (void *[]){c, out}, 2, T, 128), "ticket_before");
	picked = 0;
	for (size_t i = 0; i < T; i++)
		picked += out[i] < 0;
	CHECK(c[0] == T && picked == 0, "ticket_before: %d work-items saw later tickets", picked);
	free(out);
	free(lout);
}

int main(void)
{
	char *said;
	cl_program p;

	tu_env_init(&env, 0);
	for (size_t i = 0; i < N; i++)
		in[i] = (int)((i * 2654435761u) >> 7 & 0xffff) - 3000 + (int)(i % 7);
	for (size_t i = 0; i < N; i++)
		in[i] = in[i] < 0 ? -in[i] : in[i];

	/* Unoptimised code keeps every atomic: the same results. */
	for (int optimised = 1; optimised >= 0; optimised--) {
		p = tu_build_said(&env, src, optimised ? "" : "-cl-opt-disable", &said);
		if (optimised)
			check_said(said);
		else
			CHECK(strstr(said, "combined") == NULL, "-cl-opt-disable combines nothing");
		free(said);
		check_counts(p);
		check_minmax_bits(p);
		check_c11_cube_null(p);
		check_kept(p);
		check_tickets(p);
		clReleaseProgram(p);
	}

	tu_env_fini(&env);
	return tu_done();
}
