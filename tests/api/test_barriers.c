// SPDX-License-Identifier: MIT
/* Kernels with barriers, against results computed here: loops around
 * barriers, 2-D groups, work-items that return early, private arrays and
 * by-value structs that live across barriers, barriers in called functions
 * and kernels, non-uniform groups, collectives, frames of 1 KiB per
 * work-item, divergent barriers (undefined, but they must end), and a fault
 * after a barrier. The build says (SVMGPU_DEBUG) which form each kernel got:
 * the region form, or fibers where SVMGPU_BARRIERS=fibers or optimisation is
 * off; the test checks that it is the one expected. */
#include "testutil.h"

#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static struct tu_env env;
static bool fibers_only;

static const char *src =
	"typedef struct { int a; float b[3]; long c; } S;\n"
	"int pass_on(local int *t, int v)\n"
	"{\n"
	"	size_t l = get_local_id(0);\n"
	"	t[l] = v;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	int s = t[(l + 1) % get_local_size(0)];\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	return s;\n"
	"}\n"
	"kernel void tree(global const int *in, global int *out, local int *tmp)\n"
	"{\n"
	"	size_t l = get_local_id(0), n = get_local_size(0);\n"
	"	tmp[l] = in[get_global_id(0)];\n"
	"	for (size_t s = n / 2; s > 0; s /= 2) {\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"		if (l < s)\n"
	"			tmp[l] += tmp[l + s];\n"
	"	}\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	out[get_global_id(0)] = tmp[0] + (int)l;\n"
	"}\n"
	"kernel void transpose2d(global int *out)\n"
	"{\n"
	"	local int t[8][8];\n"
	"	size_t x = get_local_id(0), y = get_local_id(1);\n"
	"	int mine = (int)(get_global_id(1) * 1000 + get_global_id(0));\n"
	"	t[y][x] = mine;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	out[get_global_id(1) * get_global_size(0) + get_global_id(0)] =\n"
	"		t[x][y] * 2 + (mine & 1);\n"
	"}\n"
	"kernel void early_exit(global int *out, local int *tmp)\n"
	"{\n"
	"	size_t l = get_local_id(0), n = get_local_size(0);\n"
	"	if (l & 1) {\n"
	"		out[get_global_id(0)] = -1;\n"
	"		return;\n"
	"	}\n"
	"	tmp[l] = (int)get_global_id(0);\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	out[get_global_id(0)] = tmp[(l + 2) % n];\n"
	"}\n"
	"kernel void private_array(global float *out)\n"
	"{\n"
	"	local float sh[64];\n"
	"	float a[16];\n"
	"	size_t l = get_local_id(0);\n"
	"	for (int i = 0; i < 16; i++)\n"
	"		a[i] = (float)(l * 16 + i);\n"
	"	sh[l] = a[l % 16];\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	float s = 0;\n"
	"	for (int i = 0; i < 16; i++)\n"
	"		s += a[(i + (int)l) % 16];\n"
	"	out[get_global_id(0)] = s + sh[(l + 1) % get_local_size(0)];\n"
	"}\n"
	"kernel void byval(S s, global float *out)\n"
	"{\n"
	"	size_t l = get_local_id(0), g = get_global_id(0);\n"
	"	s.a += (int)l;\n"
	"	s.b[1] *= (float)(l + 1);\n"
	"	s.c -= (long)l;\n"
	"	barrier(CLK_GLOBAL_MEM_FENCE);\n"
	"	out[g * 3] = (float)s.a;\n"
	"	out[g * 3 + 1] = s.b[1];\n"
	"	out[g * 3 + 2] = (float)s.c;\n"
	"}\n"
	"kernel void nested(global int *out, local int *tmp, int rounds)\n"
	"{\n"
	"	size_t l = get_local_id(0), n = get_local_size(0);\n"
	"	int acc = (int)l;\n"
	"	for (int r = 0; r < rounds; r++)\n"
	"		for (int k = 0; k < 2; k++) {\n"
	"			tmp[l] = acc;\n"
	"			barrier(CLK_LOCAL_MEM_FENCE);\n"
	"			acc += tmp[(l + 1 + k) % n];\n"
	"			barrier(CLK_LOCAL_MEM_FENCE);\n"
	"		}\n"
	"	out[get_global_id(0)] = acc;\n"
	"}\n"
	"kernel void calls_helper(global int *out, local int *tmp)\n"
	"{\n"
	"	int a = pass_on(tmp, (int)get_global_id(0));\n"
	"	int b = pass_on(tmp, a * 3);\n"
	"	out[get_global_id(0)] = a + b;\n"
	"}\n"
	"kernel void inner(global int *out, local int *tmp)\n"
	"{\n"
	"	size_t l = get_local_id(0);\n"
	"	tmp[l] = (int)get_global_id(0);\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	out[get_global_id(0)] = tmp[get_local_size(0) - 1 - l];\n"
	"}\n"
	"kernel void outer(global int *out, local int *tmp)\n"
	"{\n"
	"	inner(out, tmp);\n"
	"}\n"
	"kernel void collectives(global const int *in, global int *out)\n"
	"{\n"
	"	size_t g = get_global_id(0);\n"
	"	int v = in[g];\n"
	"	out[4 * g] = work_group_reduce_add(v);\n"
	"	out[4 * g + 1] = work_group_scan_inclusive_add(v);\n"
	"	out[4 * g + 2] = work_group_broadcast(v, 3);\n"
	"	out[4 * g + 3] = work_group_reduce_max(v);\n"
	"}\n"
	"kernel void big_private(global float *out)\n"
	"{\n"
	"	float a[256];\n"
	"	size_t l = get_local_id(0);\n"
	"	for (int i = 0; i < 256; i++)\n"
	"		a[i] = (float)(i ^ (int)(l & 255));\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	float s = 0;\n"
	"	for (int i = 0; i < 256; i += 3)\n"
	"		s += a[(i + l) & 255];\n"
	"	out[get_global_id(0)] = s;\n"
	"}\n"
	"kernel void diverge(global int *out)\n"
	"{\n"
	"	size_t l = get_local_id(0);\n"
	"	if (l < 2) {\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"		out[get_global_id(0)] = 1;\n"
	"	} else {\n"
	"		out[get_global_id(0)] = 2;\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	}\n"
	"}\n"
	"kernel void divergent_values(global int *out, int k)\n"
	"{\n"
	"	size_t l = get_local_id(0);\n"
	"	int x = k, y;\n"
	"	if (l < 4)\n"
	"		y = k + 1;\n"
	"	else\n"
	"		y = k + 2;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	for (int i = 0; i < (int)(l % 3); i++)\n"
	"		x += 10;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	int s = 0;\n"
	"	for (int i = 0; i < 3; i++) {\n"
	"		s += x;\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	}\n"
	"	out[get_global_id(0)] = s * 100 + y;\n"
	"}\n"
	"kernel void fault_late(global int *out, local int *tmp, global int *bad)\n"
	"{\n"
	"	size_t l = get_local_id(0);\n"
	"	tmp[l] = 1;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	if (get_group_id(0) == 1 && l == 5)\n"
	"		bad[0] = 7;\n"
	"	out[get_global_id(0)] = tmp[l];\n"
	"}\n";

static const char *const kernels_with_barriers[] = {
	"tree", "transpose2d", "early_exit", "private_array", "byval", "nested",
	"calls_helper", "inner", "outer", "collectives", "big_private", "diverge", "fault_late",
	"divergent_values",
};

static cl_program build(const char *opts, char **said)
{
	return tu_build_said(&env, src, opts, said);
}

static void check_forms(const char *said, bool regions, const char *how)
{
	for (size_t i = 0; i < sizeof(kernels_with_barriers) / sizeof(*kernels_with_barriers);
	     i++) {
		char want[128];

		snprintf(want, sizeof(want), "kernel %s: %s form", kernels_with_barriers[i],
			 regions ? "region" : "fiber");
		CHECK(strstr(said, want) != NULL, "%s: the build says \"%s\"", how, want);
	}
}

/* The kernel `name` with a zeroed output of `bytes` as its argument 0. */
static cl_kernel with_output(cl_program p, const char *name, size_t bytes, void **out)
{
	cl_kernel k = tu_kernel(p, name);

	*out = calloc(1, bytes);
	REQUIRE(*out != NULL, "memory");
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, *out), "%s: output", name);
	return k;
}

static void done_with(cl_kernel k, void *out)
{
	clReleaseKernel(k);
	free(out);
}

/* Runs k over dim dimensions and waits; the command's status. */
static cl_int run(cl_kernel k, cl_uint dim, const size_t *g, const size_t *l)
{
	cl_event ev;
	cl_int st = 1, err = clEnqueueNDRangeKernel(env.queue, k, dim, NULL, g, l, 0, NULL, &ev);

	if (err)
		return err;
	clWaitForEvents(1, &ev);
	clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	clReleaseEvent(ev);
	return st;
}

static void set_local(cl_kernel k, cl_uint i, size_t bytes)
{
	CHECK_OK(clSetKernelArg(k, i, bytes, NULL), "__local argument %u", i);
}

static void check_tree(cl_program p, size_t n, size_t ls, const char *how)
{
	cl_kernel k = tu_kernel(p, "tree");
	int *in = malloc(n * sizeof(int)), *out = calloc(n, sizeof(int));
	int bad = 0;

	REQUIRE(in && out, "memory");
	for (size_t i = 0; i < n; i++)
		in[i] = (int)(i * 7 % 13) - 5;
	clSetKernelArgSVMPointer(k, 0, in);
	clSetKernelArgSVMPointer(k, 1, out);
	set_local(k, 2, ls * sizeof(int));
	CHECK_OK(run(k, 1, &n, &ls), "%s: tree over %zu in groups of %zu", how, n, ls);
	for (size_t g = 0; g < n; g += ls) {
		int sum = 0;

		for (size_t i = 0; i < ls; i++)
			sum += in[g + i];
		for (size_t i = 0; i < ls; i++)
			bad += out[g + i] != sum + (int)i;
	}
	CHECK(bad == 0, "%s: tree sums, groups of %zu: %d wrong", how, ls, bad);
	clReleaseKernel(k);
	free(in);
	free(out);
}

static void check_transpose(cl_program p, const char *how)
{
	size_t g[2] = {16, 24}, l[2] = {8, 8};
	int bad = 0;

	void *mem;
	cl_kernel k = with_output(p, "transpose2d", 16 * 24 * sizeof(int), &mem);
	int *out = mem;

	CHECK_OK(run(k, 2, g, l), "%s: transpose2d", how);
	for (size_t y = 0; y < 24; y++)
		for (size_t x = 0; x < 16; x++) {
			size_t bx = x / 8 * 8, by = y / 8 * 8, lx = x % 8, ly = y % 8;
			int other = (int)((by + lx) * 1000 + bx + ly);
			int mine = (int)(y * 1000 + x);

			bad += out[y * 16 + x] != other * 2 + (mine & 1);
		}
	CHECK(bad == 0, "%s: 2-D groups see each other's values: %d wrong", how, bad);
	done_with(k, out);
}

static void check_early_exit(cl_program p, const char *how)
{
	size_t n = 256, ls = 32;
	int bad = 0;

	void *mem;
	cl_kernel k = with_output(p, "early_exit", n * sizeof(int), &mem);
	int *out = mem;

	set_local(k, 1, ls * sizeof(int));
	CHECK_OK(run(k, 1, &n, &ls), "%s: early_exit", how);
	for (size_t i = 0; i < n; i++) {
		size_t l = i % ls;

		bad += out[i] != ((l & 1) ? -1 : (int)(i - l + (l + 2) % ls));
	}
	CHECK(bad == 0, "%s: work-items that return count as arrived: %d wrong", how, bad);
	done_with(k, out);
}

static void check_private_array(cl_program p, const char *how)
{
	size_t n = 128, ls = 64;
	int bad = 0;

	void *mem;
	cl_kernel k = with_output(p, "private_array", n * sizeof(float), &mem);
	float *out = mem;

	CHECK_OK(run(k, 1, &n, &ls), "%s: private_array", how);
	for (size_t i = 0; i < n; i++) {
		size_t l = i % ls, m = (l + 1) % ls;

		bad += out[i] != (float)(256 * l + 120) + (float)(m * 16 + m % 16);
	}
	CHECK(bad == 0, "%s: a private array lives across a barrier: %d wrong", how, bad);
	done_with(k, out);
}

struct by_value {
	int a;
	float b[3];
	long c;
};

static void check_byval(cl_program p, const char *how)
{
	cl_kernel k = tu_kernel(p, "byval");
	struct by_value s = {100, {1, 2.5f, 3}, 1000};
	size_t n = 64, ls = 16;
	float *out = calloc(3 * n, sizeof(float));
	int bad = 0;

	REQUIRE(out, "memory");
	CHECK_OK(clSetKernelArg(k, 0, sizeof(s), &s), "struct argument");
	clSetKernelArgSVMPointer(k, 1, out);
	CHECK_OK(run(k, 1, &n, &ls), "%s: byval", how);
	for (size_t i = 0; i < n; i++) {
		size_t l = i % ls;

		bad += out[3 * i] != (float)(100 + l) || out[3 * i + 1] != 2.5f * (float)(l + 1) ||
		       out[3 * i + 2] != (float)(1000 - (long)l);
	}
	CHECK(bad == 0, "%s: each work-item has its own by-value struct: %d wrong", how, bad);
	done_with(k, out);
}

static void check_nested(cl_program p, const char *how)
{
	cl_kernel k = tu_kernel(p, "nested");
	enum { N = 96, LS = 24, ROUNDS = 3 };
	size_t n = N, ls = LS;
	int rounds = ROUNDS, *out = calloc(N, sizeof(int)), bad = 0;

	REQUIRE(out, "memory");
	clSetKernelArgSVMPointer(k, 0, out);
	set_local(k, 1, LS * sizeof(int));
	clSetKernelArg(k, 2, sizeof(rounds), &rounds);
	CHECK_OK(run(k, 1, &n, &ls), "%s: nested", how);
	for (size_t g = 0; g < N; g += LS) {
		int acc[LS], tmp[LS];

		for (int l = 0; l < LS; l++)
			acc[l] = l;
		for (int r = 0; r < ROUNDS; r++)
			for (int kk = 0; kk < 2; kk++) {
				memcpy(tmp, acc, sizeof(tmp));
				for (int l = 0; l < LS; l++)
					acc[l] += tmp[(l + 1 + kk) % LS];
			}
		for (int l = 0; l < LS; l++)
			bad += out[g + (size_t)l] != acc[l];
	}
	CHECK(bad == 0, "%s: barriers in nested loops: %d wrong", how, bad);
	clReleaseKernel(k);
	free(out);
}

static void check_calls(cl_program p, const char *how)
{
	size_t n = 64, ls = 16;
	int *out = calloc(n, sizeof(int)), bad = 0;
	cl_kernel k = tu_kernel(p, "calls_helper");

	REQUIRE(out, "memory");
	clSetKernelArgSVMPointer(k, 0, out);
	set_local(k, 1, ls * sizeof(int));
	CHECK_OK(run(k, 1, &n, &ls), "%s: calls_helper", how);
	for (size_t i = 0; i < n; i++) {
		size_t base = i - i % ls, l = i % ls;

		bad += out[i] != (int)(base + (l + 1) % ls) + 3 * (int)(base + (l + 2) % ls);
	}
	CHECK(bad == 0, "%s: barriers in a called function: %d wrong", how, bad);
	clReleaseKernel(k);

	/* A kernel called by a kernel; and the callee itself over a
	 * non-uniform NDRange (the last group has 4 work-items). */
	for (int callee = 0; callee < 2; callee++) {
		size_t g = callee ? 100 : 64, l = 32;

		k = tu_kernel(p, callee ? "inner" : "outer");
		memset(out, 0, 64 * sizeof(int));
		free(out);
		out = calloc(g, sizeof(int));
		REQUIRE(out, "memory");
		clSetKernelArgSVMPointer(k, 0, out);
		set_local(k, 1, l * sizeof(int));
		CHECK_OK(run(k, 1, &g, &l), "%s: %s", how, callee ? "inner" : "outer");
		bad = 0;
		for (size_t i = 0; i < g; i++) {
			size_t base = i - i % l, size = base + l <= g ? l : g - base;

			bad += out[i] != (int)(base + size - 1 - i % l);
		}
		CHECK(bad == 0, "%s: %s: %d wrong", how,
		      callee ? "non-uniform groups" : "a kernel calling a kernel", bad);
		clReleaseKernel(k);
	}
	free(out);
}

static void check_collectives(cl_program p, const char *how)
{
	cl_kernel k = tu_kernel(p, "collectives");
	size_t n = 192, ls = 64;
	int *in = malloc(n * sizeof(int)), *out = calloc(4 * n, sizeof(int)), bad = 0;

	REQUIRE(in && out, "memory");
	for (size_t i = 0; i < n; i++)
		in[i] = (int)((i * 37) % 101) - 50;
	clSetKernelArgSVMPointer(k, 0, in);
	clSetKernelArgSVMPointer(k, 1, out);
	CHECK_OK(run(k, 1, &n, &ls), "%s: collectives", how);
	for (size_t g = 0; g < n; g += ls) {
		int sum = 0, max = in[g], scan = 0;

		for (size_t i = 0; i < ls; i++) {
			sum += in[g + i];
			max = in[g + i] > max ? in[g + i] : max;
		}
		for (size_t i = 0; i < ls; i++) {
			const int *o = out + 4 * (g + i);

			scan += in[g + i];
			bad += o[0] != sum || o[1] != scan || o[2] != in[g + 3] || o[3] != max;
		}
	}
	CHECK(bad == 0, "%s: work-group collectives: %d wrong", how, bad);
	clReleaseKernel(k);
	free(in);
	free(out);
}

static void check_big_private(cl_program p, const char *how)
{
	cl_kernel k = tu_kernel(p, "big_private");
	size_t max = 0, n, ls;
	float *out;
	int bad = 0;

	clGetKernelWorkGroupInfo(k, env.device, CL_KERNEL_WORK_GROUP_SIZE, sizeof(max), &max,
				 NULL);
	ls = max >= 1024 ? 1024 : max;
	n = 2 * ls;
	out = calloc(n, sizeof(float));
	REQUIRE(out && ls, "memory");
	clSetKernelArgSVMPointer(k, 0, out);
	CHECK_OK(run(k, 1, &n, &ls), "%s: big_private, groups of %zu", how, ls);
	for (size_t i = 0; i < n; i++) {
		size_t l = i % ls;
		float s = 0;

		for (size_t j = 0; j < 256; j += 3)
			s += (float)(((j + l) & 255) ^ (l & 255));
		bad += out[i] != s;
	}
	CHECK(bad == 0, "%s: 1 KiB per work-item across a barrier: %d wrong", how, bad);
	clReleaseKernel(k);
	free(out);
}

static void check_diverge(cl_program p, const char *how)
{
	size_t n = 32, ls = 16;
	int bad = 0;

	void *mem;
	cl_kernel k = with_output(p, "diverge", n * sizeof(int), &mem);
	int *out = mem;

	CHECK_OK(run(k, 1, &n, &ls), "%s: divergent barriers end", how);
	for (size_t i = 0; i < n; i++)
		bad += out[i] != (i % ls < 2 ? 1 : 2);
	CHECK(bad == 0, "%s: divergent barriers: %d wrong", how, bad);
	done_with(k, out);
}

/* Values set under divergent control, or in loops whose trip count differs
 * between work-items, differ between work-items across barriers: the region
 * form must not keep them once per group. */
static void check_divergent_values(cl_program p, const char *how)
{
	size_t n = 64, ls = 16;
	int base = 7, bad = 0;

	void *mem;
	cl_kernel k = with_output(p, "divergent_values", n * sizeof(int), &mem);
	int *out = mem;

	clSetKernelArg(k, 1, sizeof(base), &base);
	CHECK_OK(run(k, 1, &n, &ls), "%s: divergent_values", how);
	for (size_t i = 0; i < n; i++) {
		size_t l = i % ls;
		int x = base + 10 * (int)(l % 3);

		bad += out[i] != 3 * x * 100 + base + (l < 4 ? 1 : 2);
	}
	CHECK(bad == 0, "%s: values that differ between work-items: %d wrong", how, bad);
	done_with(k, out);
}

/* A fault in the region after a barrier fails the command, and the queue
 * goes on. */
static void check_fault(cl_program p, const char *how)
{
	cl_kernel k = tu_kernel(p, "fault_late");
	size_t n = 64, ls = 16;
	int *out = calloc(n, sizeof(int)), bad = 0;
	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	REQUIRE(out && hole != MAP_FAILED, "memory");
	clSetKernelArgSVMPointer(k, 0, out);
	set_local(k, 1, ls * sizeof(int));
	clSetKernelArgSVMPointer(k, 2, hole);
	CHECK(run(k, 1, &n, &ls) < 0, "%s: a fault after a barrier fails the command", how);
	CHECK(out[0] == 1, "%s: group 0 ran: %d", how, out[0]);
	clSetKernelArgSVMPointer(k, 2, out);
	memset(out, 0, n * sizeof(int));
	CHECK_OK(run(k, 1, &n, &ls), "%s: the next launch runs", how);
	for (size_t i = 0; i < n; i++)
		bad += out[i] != (i == 0 ? 7 : 1) && i != 0;
	CHECK(bad == 0 && (out[0] == 7 || out[0] == 1), "%s: next launch's results: %d wrong",
	      how, bad);
	clReleaseKernel(k);
	munmap(hole, 4096);
	free(out);
}

static void check_all(cl_program p, const char *how)
{
	check_tree(p, 4096, 256, how);
	check_tree(p, 192, 64, how);
	check_tree(p, 8, 1, how);
	check_transpose(p, how);
	check_early_exit(p, how);
	check_private_array(p, how);
	check_byval(p, how);
	check_nested(p, how);
	check_calls(p, how);
	check_collectives(p, how);
	check_big_private(p, how);
	check_diverge(p, how);
	check_divergent_values(p, how);
	check_fault(p, how);
}

int main(void)
{
	const char *forced = getenv("SVMGPU_BARRIERS");
	char *said;
	cl_program p;

	fibers_only = forced && !strcmp(forced, "fibers");
	tu_env_init(&env, 0);

	p = build("", &said);
	check_forms(said, !fibers_only, "optimised");
	free(said);
	check_all(p, fibers_only ? "fibers" : "regions");
	clReleaseProgram(p);

	/* Without optimisation nothing is inlined: fibers. */
	p = build("-cl-opt-disable", &said);
	check_forms(said, false, "-cl-opt-disable");
	free(said);
	check_all(p, "fibers, -cl-opt-disable");
	clReleaseProgram(p);

	tu_env_fini(&env);
	return tu_done();
}
