// SPDX-License-Identifier: MIT
/* Work-item coarsening: loop-form kernels with loops of their own run 8
 * work-items in x in lockstep where every branch is the same for all of
 * them. The results must be those of one work-item at a time: a matrix
 * product, private arrays (per work-item memory), uniform branches, early
 * returns and switches, nested loops bounded by memory, 3-D ranges with
 * global offsets and rows that are not a multiple of 8, a helper function
 * that reads the global id, by-value structs, calls with side effects, math
 * calls. Kernels whose loops depend on the local id in x, that read the local
 * id of a variable dimension, perform atomics or printf keep the plain form;
 * the build says (SVMGPU_DEBUG) which kernels it coarsened: checked both
 * ways. Every kernel also runs unoptimised (never coarsened), and the float
 * kernel's results must be bit-identical between the coarse and the plain
 * path of the same build. */
#include "testutil.h"

#include <stdint.h>

static struct tu_env env;

static const char *src =
	"uint helper(global const uint *x, int k) { return x[get_global_id(0) + k]; }\n"
	"kernel void matmul(int n, global const uint *a, global const uint *b, global uint *c)\n"
	"{ int i = get_global_id(1), j = get_global_id(0); uint s = 0;\n"
	"  for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];\n"
	"  c[i * n + j] = s; }\n"
	"kernel void private_array(global const uint *x, global uint *out, int n)\n"
	"{ uint t[16]; size_t g = get_global_id(0); uint s = 0;\n"
	"  for (int k = 0; k < 16; k++) t[k] = x[(g + k) % n] * k;\n"
	"  for (int k = 0; k < n; k++) s += t[(k * 7 + g) & 15];\n"
	"  out[g] = s; }\n"
	"kernel void branches(global const uint *x, global uint *out, int n)\n"
	"{ size_t g = get_global_id(0); uint s = 1;\n"
	"  if (n < 0) return;\n"
	"  for (int k = 0; k < n; k++) {\n"
	"    switch (k % 4) { case 0: s += x[g]; break; case 1: s ^= k; break;\n"
	"                     default: s -= helper(x, k % 3); }\n"
	"    if (k == 5) continue;\n"
	"    s *= 3; }\n"
	"  out[g] = s; }\n"
	"kernel void nested(global const uint *x, global uint *out, int n)\n"
	"{ size_t g = get_global_id(0); uint s = g;\n"
	"  for (int i = 0; x[i] != 0; i++) for (int j = 0; j < i; j++) s = s * 31 + x[(g + j) % n];\n"
	"  out[g] = s; }\n"
	"kernel void dims(global uint *out, int n)\n"
	"{ size_t gx = get_global_id(0); uint s = 0;\n"
	"  for (int k = 0; k < n; k++)\n"
	"    s += (uint)(gx * k) ^ (uint)(get_local_id(1) + 3 * get_group_id(2) + get_local_id(2) * k);\n"
	"  out[get_global_linear_id()] = s + (uint)get_local_id(0) + 7 * (uint)get_global_id(1); }\n"
	"typedef struct { uint a, b, c[6]; } params;\n"
	"kernel void byval_struct(params p, global uint *out)\n"
	"{ uint s = p.a; for (uint k = 0; k < p.b; k++) s = s * p.c[k % 6] + (uint)get_global_id(0);\n"
	"  out[get_global_id(0)] = s; }\n"
	"kernel void side_effects(global uint *out, global uint *last, int n)\n"
	"{ size_t g = get_global_id(0);\n"
	"  for (int k = 0; k < n; k++) { last[k & 3] = k; out[g] += k * (uint)g; } }\n"
	"kernel void float_math(global const float *x, global float *out, int n)\n"
	"{ size_t g = get_global_id(0); float m = -1e30f;\n"
	"  for (int k = 0; k < n; k++) m = fmax(m, sin(x[g] + (float)k));\n"
	"  out[g] = m; }\n"
	/* Loops whose exit depends on the work-item: masked. */
	"kernel void varying_trip(global const uint *x, global uint *out)\n"
	"{ size_t g = get_global_id(0); uint s = 0;\n"
	"  for (size_t k = 0; k < g % 7; k++) s += x[k];\n"
	"  out[g] = s; }\n"
	"typedef struct node { global struct node *next; uint value, index, total; } node;\n"
	"kernel void list_walk(global node *global const *heads, global uint *out)\n"
	"{ size_t g = get_global_id(0); global node *p = heads[g]; uint n = 0, last = 12345;\n"
	"  while (p) { last = p->value; p->index = n; p = p->next; n++; }\n"
	"  for (p = heads[g]; p; p = p->next) p->total = n;\n"
	"  out[g] = n * 100000 + last; }\n"
	"kernel void escape(global const float *c, global uint *out, int max)\n"
	"{ size_t g = get_global_id(0); float cx = c[g], cy = c[g + 1], x = 0, y = 0; int i = 0;\n"
	"  while (i < max && x * x + y * y < 4.0f) {\n"
	"    float t = x * x - y * y + cx; y = 2 * x * y + cy; x = t; i++;\n"
	"    if (max > 1000) i += 2; }\n"
	"  out[g] = i + (x > 0); }\n"
	"kernel void store_in_loop(global const uint *x, global uint *out)\n"
	"{ size_t g = get_global_id(0);\n"
	"  for (size_t k = 0; k < g % 5; k++) out[g] += k + 1; }\n"
	/* Kept as they are. */
	"kernel void nested_divergent(global const uint *x, global uint *out)\n"
	"{ size_t g = get_global_id(0); uint s = 0;\n"
	"  for (size_t i = 0; i < g % 5; i++) for (size_t k = 0; k < i + g % 3; k++) s = s * 31 + k;\n"
	"  out[g] = s; }\n"
	"kernel void divergent_if(global const uint *x, global uint *out, int n)\n"
	"{ size_t g = get_global_id(0);\n"
	"  for (int k = 0; k < n; k++) if (x[g] % 3 == (uint)k % 3) out[g] += k; }\n"
	"kernel void any_dim(global uint *out, int n, uint d)\n"
	"{ uint s = 0; for (int k = 0; k < n; k++) s += (uint)get_local_id(d) * k;\n"
	"  out[get_global_id(0)] = s; }\n"
	"kernel void with_atomic(global int *c, int n)\n"
	"{ for (int k = 0; k < n; k++) atomic_add(c, k); }\n"
	"kernel void with_printf(int n)\n"
	"{ for (int k = 0; k < n; k++) if (get_global_id(0) == 1000000) printf(\"%d\", k); }\n"
	"kernel void no_loop(global const uint *x, global uint *out)\n"
	"{ out[get_global_id(0)] = x[get_global_id(0)] * 2; }\n";

/* Whether the optimised build coarsens each kernel, and if not, the reason
 * it gives (NULL: it says nothing, the kernel has no loop of its own). */
static const struct {
	const char *kernel;
	bool coarsened;
	const char *why;
} expected[] = {
	{"matmul", true, NULL},         {"private_array", true, NULL},
	{"branches", true, NULL},       {"nested", true, NULL},
	{"dims", true, NULL},           {"byval_struct", true, NULL},
	{"side_effects", true, NULL},   {"float_math", true, NULL},
	{"varying_trip", true, NULL},   {"list_walk", true, NULL},
	{"escape", true, NULL},         {"store_in_loop", true, NULL},
	{"nested_divergent", false, "a branch depends on the work-item"},
	{"divergent_if", false, "a branch depends on the work-item"},
	{"any_dim", false, "a work-item query it cannot follow"},
	{"with_atomic", false, "performs atomics"},
	{"with_printf", false, "it calls printf"},
	{"no_loop", false, NULL},
};

static void check_said(const char *said, bool optimised)
{
	for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++) {
		char want[160];
		const char *at;
		bool says;

		snprintf(want, sizeof(want), "kernel %s: 8 work-items in lockstep",
			 expected[i].kernel);
		says = strstr(said, want) != NULL;
		CHECK(says == (optimised && expected[i].coarsened), "%s: %s build %s",
		      expected[i].kernel, optimised ? "optimised" : "unoptimised",
		      says ? "coarsened it" : "did not coarsen it");
		if (expected[i].coarsened || !optimised)
			continue;
		snprintf(want, sizeof(want), "kernel %s: not coarsened: ", expected[i].kernel);
		at = strstr(said, want);
		if (!expected[i].why) {
			CHECK(at == NULL, "%s: no reason given (a kernel without a loop)",
			      expected[i].kernel);
			continue;
		}
		CHECK(at && strstr(at, expected[i].why) &&
			      strstr(at, expected[i].why) < strchr(at, '\n'),
		      "%s: the build says why not: \"%s\" (said: %.100s)", expected[i].kernel,
		      expected[i].why, at ? at : "nothing");
	}
}

#define X 4096 /* inputs */
static uint32_t x[X], out[X], want[X];

struct range {
	cl_uint dim;
	size_t offset[3], global[3], local[3]; /* local[0] == 0: NULL */
};

/* 1-D: a full step of 8 and a remainder; non-uniform groups; the runtime's
 * choice; a global offset. */
static const struct range ranges1[] = {
	{1, {0}, {256}, {64}}, {1, {0}, {1003}, {40}}, {1, {0}, {333}, {0}}, {1, {5}, {100}, {7}},
};

static void launch(cl_kernel k, const struct range *r, const char *what)
{
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, r->dim, r->offset, r->global,
					r->local[0] ? r->local : NULL, 0, NULL, NULL),
		 "%s", what);
	CHECK_OK(clFinish(env.queue), "%s: finish", what);
}

static void check_out(const char *kernel, const struct range *r, size_t n)
{
	size_t bad = n;

	for (size_t i = 0; i < n && bad == n; i++)
		if (out[i] != want[i])
			bad = i;
	CHECK(bad == n, "%s over %zu (local %zu, offset %zu): out[%zu] = %u, want %u", kernel,
	      r->global[0], r->local[0], r->offset[0], bad, bad < n ? out[bad] : 0,
	      bad < n ? want[bad] : 0);
}

static void check_matmul(cl_program p)
{
	enum { M = 40 };
	static uint32_t a[M * M], b[M * M];
	static const struct range rs[] = {{2, {0}, {M, M}, {8, 4}}, {2, {0}, {M, M}, {0}},
					  {2, {0}, {M, M}, {20, 2}}};
	cl_kernel k = tu_kernel(p, "matmul");
	cl_int n = M;

	for (size_t i = 0; i < M * M; i++) {
		a[i] = (uint32_t)(i * 7 + 3);
		b[i] = (uint32_t)(i * 13 + 1) ^ 0x55;
	}
	for (size_t i = 0; i < M; i++)
		for (size_t j = 0; j < M; j++) {
			uint32_t s = 0;

			for (size_t q = 0; q < M; q++)
				s += a[i * M + q] * b[q * M + j];
			want[i * M + j] = s;
		}
	clSetKernelArg(k, 0, sizeof(n), &n);
	clSetKernelArgSVMPointer(k, 1, a);
	clSetKernelArgSVMPointer(k, 2, b);
	clSetKernelArgSVMPointer(k, 3, out);
	for (size_t r = 0; r < sizeof(rs) / sizeof(*rs); r++) {
		memset(out, 0, sizeof(out));
		launch(k, &rs[r], "matmul");
		check_out("matmul", &rs[r], M * M);
	}
	clReleaseKernel(k);
}

/* The host's version of each 1-D kernel, for work-item g (n: its int). */
static uint32_t host_private_array(size_t g, int n)
{
	uint32_t t[16], s = 0;

	for (int k = 0; k < 16; k++)
		t[k] = x[(g + (size_t)k) % (size_t)n] * (uint32_t)k;
	for (int k = 0; k < n; k++)
		s += t[((size_t)k * 7 + g) & 15];
	return s;
}

static uint32_t host_branches(size_t g, int n)
{
	uint32_t s = 1;

	for (int k = 0; k < n; k++) {
		switch (k % 4) {
		case 0: s += x[g]; break;
		case 1: s ^= (uint32_t)k; break;
		default: s -= x[g + (size_t)(k % 3)];
		}
		if (k != 5)
			s *= 3;
	}
	return s;
}

static uint32_t host_nested(size_t g, int n)
{
	uint32_t s = (uint32_t)g;

	for (int i = 0; x[i] != 0; i++)
		for (int j = 0; j < i; j++)
			s = s * 31 + x[(g + (size_t)j) % (size_t)n];
	return s;
}

static uint32_t host_varying_trip(size_t g, int n)
{
	uint32_t s = 0;

	(void)n;
	for (size_t k = 0; k < g % 7; k++)
		s += x[k];
	return s;
}

static uint32_t host_store_in_loop(size_t g, int n)
{
	(void)n;
	return (uint32_t)((g % 5) * (g % 5 + 1) / 2);
}

static uint32_t host_nested_divergent(size_t g, int n)
{
	uint32_t s = 0;

	(void)n;
	for (size_t i = 0; i < g % 5; i++)
		for (size_t q = 0; q < i + g % 3; q++)
			s = s * 31 + (uint32_t)q;
	return s;
}

static uint32_t host_divergent_if(size_t g, int n)
{
	uint32_t s = 0;

	for (int q = 0; q < n; q++)
		if (x[g] % 3 == (uint32_t)q % 3)
			s += (uint32_t)q;
	return s;
}

/* Kernel name(x, out[, n]) (n < 0: no third argument) over the 1-D ranges,
 * out zeroed first, against host(g, n) for every work-item. */
static void check_1d(cl_program p, const char *name, uint32_t (*host)(size_t g, int n),
		     cl_int n)
{
	cl_kernel k = tu_kernel(p, name);

	clSetKernelArgSVMPointer(k, 0, x);
	clSetKernelArgSVMPointer(k, 1, out);
	if (n >= 0)
		clSetKernelArg(k, 2, sizeof(n), &n);
	for (size_t r = 0; r < sizeof(ranges1) / sizeof(*ranges1); r++) {
		const struct range *rg = &ranges1[r];

		memset(out, 0, sizeof(out));
		memset(want, 0, sizeof(want));
		for (size_t g = rg->offset[0]; g < rg->offset[0] + rg->global[0]; g++)
			want[g] = host(g, n);
		launch(k, rg, name);
		check_out(name, rg, X);
	}
	clReleaseKernel(k);
}

static void check_dims(cl_program p)
{
	static const struct range rs[] = {{3, {3, 1, 2}, {16, 6, 4}, {8, 3, 2}},
					  {3, {0, 0, 0}, {20, 3, 3}, {10, 3, 1}}};
	cl_kernel k = tu_kernel(p, "dims");
	cl_int n = 21;

	clSetKernelArgSVMPointer(k, 0, out);
	clSetKernelArg(k, 1, sizeof(n), &n);
	for (size_t r = 0; r < sizeof(rs) / sizeof(*rs); r++) {
		const struct range *rg = &rs[r];
		size_t l[3], count = rg->global[0] * rg->global[1] * rg->global[2];

		for (int d = 0; d < 3; d++)
			l[d] = rg->local[d];
		memset(out, 0, sizeof(out));
		for (size_t z = 0; z < rg->global[2]; z++)
			for (size_t y = 0; y < rg->global[1]; y++)
				for (size_t xx = 0; xx < rg->global[0]; xx++) {
					size_t gx = xx + rg->offset[0];
					size_t ly = y % l[1], lz = z % l[2], lx = xx % l[0];
					uint32_t s = 0;

					for (int q = 0; q < n; q++)
						s += (uint32_t)(gx * (size_t)q) ^
						     (uint32_t)(ly + 3 * (z / l[2]) +
								lz * (size_t)q);
					want[(z * rg->global[1] + y) * rg->global[0] + xx] =
						s + (uint32_t)lx + 7 * (uint32_t)(y + rg->offset[1]);
				}
		launch(k, rg, "dims");
		check_out("dims", rg, count);
	}
	clReleaseKernel(k);
}

static void check_byval_effects(cl_program p)
{
	struct {
		cl_uint a, b, c[6];
	} prm = {5, 11, {3, 5, 7, 9, 11, 13}};
	cl_kernel k = tu_kernel(p, "byval_struct");
	uint32_t last[4] = {0};
	cl_int n = 13;

	CHECK_OK(clSetKernelArg(k, 0, sizeof(prm), &prm), "byval_struct: struct argument");
	clSetKernelArgSVMPointer(k, 1, out);
	for (size_t r = 0; r < sizeof(ranges1) / sizeof(*ranges1); r++) {
		memset(out, 0, sizeof(out));
		memset(want, 0, sizeof(want));
		for (size_t g = ranges1[r].offset[0]; g < ranges1[r].offset[0] + ranges1[r].global[0];
		     g++) {
			uint32_t s = prm.a;

			for (uint32_t q = 0; q < prm.b; q++)
				s = s * prm.c[q % 6] + (uint32_t)g;
			want[g] = s;
		}
		launch(k, &ranges1[r], "byval_struct");
		check_out("byval_struct", &ranges1[r], X);
	}
	clReleaseKernel(k);

	k = tu_kernel(p, "side_effects");
	clSetKernelArgSVMPointer(k, 0, out);
	clSetKernelArgSVMPointer(k, 1, last);
	clSetKernelArg(k, 2, sizeof(n), &n);
	memset(out, 0, sizeof(out));
	memset(want, 0, sizeof(want));
	for (size_t g = 0; g < 1003; g++)
		for (int q = 0; q < n; q++)
			want[g] += (uint32_t)q * (uint32_t)g;
	launch(k, &ranges1[1], "side_effects");
	check_out("side_effects", &ranges1[1], X);
	CHECK(last[0] == 12 && last[1] == 9 && last[2] == 10 && last[3] == 11,
	      "side_effects: every work-item's stores in order (%u %u %u %u)", last[0], last[1],
	      last[2], last[3]);
	clReleaseKernel(k);
}

/* Kernel name(in, out, n) over `count` work-items on the coarse path
 * (groups of 64) into coarse and on the plain one (groups of 7: no full
 * step of 8) into plain, with the same build. */
static void both_paths(cl_program p, const char *name, const void *in, cl_int n, size_t count,
		       void *coarse, void *plain)
{
	cl_kernel k = tu_kernel(p, name);
	struct range r64 = {1, {0}, {count}, {64}}, r7 = {1, {0}, {count}, {7}};

	clSetKernelArgSVMPointer(k, 0, in);
	clSetKernelArg(k, 2, sizeof(n), &n);
	clSetKernelArgSVMPointer(k, 1, coarse);
	launch(k, &r64, name);
	clSetKernelArgSVMPointer(k, 1, plain);
	launch(k, &r7, name);
	clReleaseKernel(k);
}

/* The coarse and the plain path: the same bits. */
static void check_float(cl_program p)
{
	static float fx[X], coarse[X], plain[X];

	for (size_t i = 0; i < X; i++)
		fx[i] = (float)i * 0.37f - 100.0f;
	both_paths(p, "float_math", fx, 9, 448, coarse, plain);
	CHECK(!memcmp(coarse, plain, 448 * sizeof(float)) && coarse[100] > -2 && coarse[100] <= 1,
	      "float_math: coarse and plain paths agree bit for bit (%a %a)", coarse[100],
	      plain[100]);
}

/* Lists of 0 to 40 nodes, interleaved, NULL-terminated: a work-item that
 * has left the loop must not follow its NULL. */
static void check_list_walk(cl_program p)
{
	struct node {
		struct node *next;
		cl_uint value, index, total;
	} *nodes = clSVMAlloc(env.context, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER,
			      64 * 40 * sizeof(*nodes), 0);
	struct node **heads = clSVMAlloc(env.context,
					 CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER,
					 64 * sizeof(*heads), 0);
	uint32_t *res = clSVMAlloc(env.context, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER,
				   64 * sizeof(uint32_t), 0);
	cl_kernel k = tu_kernel(p, "list_walk");
	size_t bad = 64;

	REQUIRE(nodes && heads && res, "SVM allocations");
	for (size_t w = 0; w < 64; w++) {
		size_t len = (w * 7) % 41;

		heads[w] = NULL;
		for (size_t i = len; i-- > 0;) {
			struct node *nd = &nodes[i * 64 + w];

			nd->value = (cl_uint)(w * 1000 + i);
			nd->next = heads[w];
			heads[w] = nd;
		}
		want[w] = len ? (uint32_t)(len * 100000 + w * 1000 + len - 1) : 12345;
	}
	clSetKernelArgSVMPointer(k, 0, heads);
	clSetKernelArgSVMPointer(k, 1, res);
	for (size_t local = 8; local <= 64; local *= 8) {
		struct range r = {1, {0}, {64}, {local}};

		memset(res, 0, 64 * sizeof(uint32_t));
		launch(k, &r, "list_walk");
		for (size_t w = 0; w < 64 && bad == 64; w++)
			if (res[w] != want[w])
				bad = w;
		CHECK(bad == 64, "list_walk in groups of %zu: out[%zu] = %u, want %u", local, bad,
		      bad < 64 ? res[bad] : 0, bad < 64 ? want[bad] : 0);
		for (size_t w = 0; w < 64 && bad == 64; w++) {
			size_t len = (w * 7) % 41, i = 0;

			for (struct node *nd = heads[w]; nd; nd = nd->next, i++)
				if (nd->index != i || nd->total != len)
					bad = w;
		}
		CHECK(bad == 64, "list_walk in groups of %zu: the stores of both loops in list %zu",
		      local, bad);
	}
	clReleaseKernel(k);
	clSVMFree(env.context, nodes);
	clSVMFree(env.context, heads);
	clSVMFree(env.context, res);
}

/* Escape times: the same on the coarse and the plain path, and the
 * host's (no multiply-add to contract: exact either way). */
static void check_escape(cl_program p)
{
	static float cs[X];
	static uint32_t coarse[X], plain[X];
	size_t spread = 0;

	for (size_t i = 0; i < X; i++)
		cs[i] = -2.0f + (float)(i % 97) * 0.03125f;
	both_paths(p, "escape", cs, 200, 512, coarse, plain);
	for (size_t i = 1; i < 512; i++)
		spread += coarse[i] != coarse[i - 1];
	CHECK(!memcmp(coarse, plain, 512 * sizeof(uint32_t)) && spread > 100,
	      "escape: coarse and plain paths agree (%zu changes of count along the line)",
	      spread);
}

static void check_kept(cl_program p)
{
	cl_kernel k = tu_kernel(p, "any_dim");
	cl_int n = 5, c = 0;
	struct range r = {1, {0}, {256}, {64}};

	for (cl_uint d = 0; d < 2; d++) {
		clSetKernelArgSVMPointer(k, 0, out);
		clSetKernelArg(k, 1, sizeof(n), &n);
		clSetKernelArg(k, 2, sizeof(d), &d);
		launch(k, &r, "any_dim");
		for (size_t g = 0; g < 256; g++)
			want[g] = d ? 0 : (uint32_t)(g % 64) * 10;
		check_out(d ? "any_dim(1)" : "any_dim(0)", &r, 256);
	}
	clReleaseKernel(k);
	k = tu_kernel(p, "with_atomic");
	clSetKernelArgSVMPointer(k, 0, &c);
	clSetKernelArg(k, 1, sizeof(n), &n);
	launch(k, &r, "with_atomic");
	CHECK(c == 256 * 10, "with_atomic: %d, want %d", c, 256 * 10);
	clReleaseKernel(k);
}

int main(void)
{
	char *said;

	tu_env_init(&env, 0);
	for (size_t i = 0; i < X; i++)
		x[i] = (uint32_t)((i * 2654435761u) >> 9) | 1;
	x[9] = 0; /* nested: 9 rows */
	for (int optimised = 1; optimised >= 0; optimised--) {
		cl_program p = tu_build_said(&env, src, optimised ? "" : "-cl-opt-disable", &said);

		check_said(said, optimised);
		free(said);
		check_matmul(p);
		check_1d(p, "private_array", host_private_array, 37);
		check_1d(p, "branches", host_branches, 23);
		check_1d(p, "nested", host_nested, 50);
		check_1d(p, "varying_trip", host_varying_trip, -1);
		check_1d(p, "store_in_loop", host_store_in_loop, -1);
		check_1d(p, "nested_divergent", host_nested_divergent, -1);
		check_1d(p, "divergent_if", host_divergent_if, 5);
		check_dims(p);
		check_byval_effects(p);
		if (optimised) {
			check_float(p);
			check_escape(p);
		}
		check_list_walk(p);
		check_kept(p);
		clReleaseProgram(p);
	}
	tu_env_fini(&env);
	return tu_done();
}
