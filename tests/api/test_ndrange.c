// SPDX-License-Identifier: MIT
/* clEnqueueNDRangeKernel and clEnqueueTask: the work-item functions in 1 to
 * 3 dimensions with offsets, uniform and non-uniform groups, chosen local
 * sizes, __local memory and barriers, by-value arguments, SVM pointers,
 * faulting kernels, empty, huge and many-argument launches, and the error
 * codes of the specification. */
#include "testutil.h"
#include <stdint.h>
#include <unistd.h>

static struct tu_env env;

#define STRIDE 19 /* values per work-item written by "ids" */

static const char *src =
	"#if __OPENCL_C_VERSION__ >= 200\n"
	"#define ENQ(d) get_enqueued_local_size(d)\n"
	"#else\n"
	"#define ENQ(d) get_local_size(d)\n"
	"#endif\n"
	"kernel void ids(global uint *out)\n"
	"{\n"
	"	size_t x = get_global_id(0) - get_global_offset(0);\n"
	"	size_t y = get_global_id(1) - get_global_offset(1);\n"
	"	size_t z = get_global_id(2) - get_global_offset(2);\n"
	"	size_t i = (z * get_global_size(1) + y) * get_global_size(0) + x;\n"
	"	global uint *o = out + i * 19;\n"
	"	for (uint d = 0; d < 3; d++) {\n"
	"		o[d] = get_global_id(d);\n"
	"		o[3 + d] = get_local_id(d);\n"
	"		o[6 + d] = get_group_id(d);\n"
	"		o[9 + d] = get_local_size(d);\n"
	"		o[12 + d] = get_num_groups(d);\n"
	"		o[16 + d] = ENQ(d);\n"
	"	}\n"
	"	o[15] = get_work_dim();\n"
	"}\n"
	"kernel void lrev(global const int *in, global int *out, local int *tmp)\n"
	"{\n"
	"	local int grp[64];\n"
	"	size_t l = get_local_id(0), n = get_local_size(0), g = get_global_id(0);\n"
	"	tmp[l] = in[g];\n"
	"	grp[l] = (int)get_group_id(0);\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	out[g] = tmp[n - 1 - l] * 1000 + grp[n - 1 - l];\n"
	"}\n"
	"kernel void reduce(global const int *in, global int *out, local int *s)\n"
	"{\n"
	"	size_t l = get_local_id(0);\n"
	"	s[l] = in[get_global_id(0)];\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	for (size_t h = get_local_size(0) / 2; h > 0; h >>= 1) {\n"
	"		if (l < h)\n"
	"			s[l] += s[l + h];\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	}\n"
	"	if (l == 0)\n"
	"		out[get_group_id(0)] = s[0];\n"
	"}\n"
	"typedef struct { char c; int i; double d; float4 v; short s[3]; } P;\n"
	"typedef struct { long w[64]; } Big;\n"
	"kernel void byval(global double *out, P p, Big b, int3 i3, double2 d2, uchar u)\n"
	"{\n"
	"	long sum = 0;\n"
	"	for (int k = 0; k < 64; k++)\n"
	"		sum += b.w[k];\n"
	"	out[0] = p.c; out[1] = p.i; out[2] = p.d; out[3] = p.v.w; out[4] = p.s[2];\n"
	"	out[5] = sum; out[6] = i3.z; out[7] = d2.y; out[8] = u;\n"
	"}\n"
	"kernel void add(global const int *a, global int *b, int v)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	b[i] += a[i] + v;\n"
	"}\n"
	"kernel void huge(global uint *p)\n"
	"{\n"
	"	size_t g = get_global_id(0);\n"
	"	if ((g & 4095) == 0)\n"
	"		p[g >> 12] = (uint)g;\n"
	"}\n"
	"typedef struct node { global struct node *next; long val; } node;\n"
	"kernel void walk(global node *head, global long *out)\n"
	"{\n"
	"	long sum = 0, n = 0;\n"
	"	for (global node *p = head; p; p = p->next) {\n"
	"		sum += p->val;\n"
	"		p->val += 1;\n"
	"		n++;\n"
	"	}\n"
	"	out[0] = sum;\n"
	"	out[1] = n;\n"
	"}\n"
	"__attribute__((reqd_work_group_size(2, 3, 1)))\n"
	"kernel void fixed(global uint *out)\n"
	"{\n"
	"	out[get_global_id(1) * get_global_size(0) + get_global_id(0)] =\n"
	"		get_local_size(0) * 10 + get_local_size(1);\n"
	"}\n";

/* Programs of src: OpenCL C 3.0 (non-uniform groups), 1.2 (the default:
 * uniform), and 3.0 with -cl-uniform-work-group-size. */
static cl_program p30, p12, p30u;

static cl_program build(cl_context ctx, const char *s, const char *opts)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(ctx, 1, &s, NULL, &err);

	REQUIRE(p != NULL, "program: %s", tu_errname(err));
	err = clBuildProgram(p, 0, NULL, opts, NULL, NULL);
	if (err) {
		static char log[8192];

		clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		printf("# build log:\n%s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "build with \"%s\": %s", opts ? opts : "", tu_errname(err));
	return p;
}

static cl_mem buffer(size_t size, const void *init)
{
	cl_int err;
	cl_mem m = clCreateBuffer(env.context, init ? CL_MEM_COPY_HOST_PTR : 0, size,
				  (void *)init, &err);

	REQUIRE(m != NULL, "buffer of %zu bytes: %s", size, tu_errname(err));
	return m;
}

static void read_all(cl_mem m, void *dst, size_t size)
{
	CHECK_OK(clEnqueueReadBuffer(env.queue, m, CL_TRUE, 0, size, dst, 0, NULL, NULL), "read");
}

/* Runs "ids" of p and checks every work-item's values. lsize NULL: the
 * runtime's choice, which must be uniform when uniform is set. */
static void check_ids(cl_program p, cl_uint dim, const size_t *g, const size_t *off,
		      const size_t *lsize, bool uniform)
{
	size_t gs[3] = {1, 1, 1}, of[3] = {0, 0, 0}, n = 1, bad = 0, l[3];
	cl_kernel k = tu_kernel(p, "ids");
	cl_uint *out;
	cl_mem m;

	for (cl_uint d = 0; d < dim; d++) {
		gs[d] = g[d];
		of[d] = off ? off[d] : 0;
		n *= g[d];
	}
	m = buffer(n * STRIDE * sizeof(cl_uint), NULL);
	out = calloc(n * STRIDE, sizeof(cl_uint));
	REQUIRE(out != NULL, "memory");
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "arg");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, dim, off, g, lsize, 0, NULL, NULL),
		 "%uD launch", dim);
	read_all(m, out, n * STRIDE * sizeof(cl_uint));
	/* The chosen local size is what work-item 0 saw. */
	for (int d = 0; d < 3; d++)
		l[d] = lsize && d < (int)dim ? lsize[d] : out[16 + d];
	for (size_t i = 0; i < n && bad < 5; i++) {
		size_t c[3] = {i % gs[0], i / gs[0] % gs[1], i / gs[0] / gs[1]};
		const cl_uint *o = out + i * STRIDE;
		bool ok = o[15] == dim;

		for (int d = 0; d < 3; d++) {
			size_t grp = c[d] / l[d], ng = (gs[d] + l[d] - 1) / l[d];
			size_t ls = grp + 1 < ng ? l[d] : gs[d] - grp * l[d];

			ok &= o[d] == c[d] + of[d] && o[3 + d] == c[d] % l[d] && o[6 + d] == grp &&
			      o[9 + d] == ls && o[12 + d] == ng && o[16 + d] == l[d];
			ok &= !uniform || gs[d] % l[d] == 0;
		}
		if (!ok) {
			bad++;
			CHECK(ok, "%uD item %zu: gid %u,%u,%u lid %u,%u,%u grp %u,%u,%u "
			      "lsz %u,%u,%u ngrp %u,%u,%u dim %u enq %u,%u,%u", dim, i, o[0],
			      o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11],
			      o[12], o[13], o[14], o[15], o[16], o[17], o[18]);
		}
	}
	CHECK(bad == 0, "%uD launch of %zu items (local %zu,%zu,%zu) is right", dim, n, l[0],
	      l[1], l[2]);
	free(out);
	CHECK_OK(clReleaseMemObject(m), "release");
	CHECK_OK(clReleaseKernel(k), "release");
}

static void check_dimensions(void)
{
	const size_t g1[] = {37}, o1[] = {5}, l1[] = {8}, g1u[] = {48}, l1u[] = {16};
	const size_t g2[] = {9, 7}, o2[] = {3, 1}, l2[] = {4, 2}, g2u[] = {16, 6}, l2u[] = {4, 3};
	const size_t g3[] = {5, 4, 3}, o3[] = {1, 2, 3}, l3[] = {2, 2, 3};
	const size_t g3u[] = {6, 4, 6}, l3u[] = {3, 2, 2}, big[] = {1000}, prime[] = {997};
	const size_t g2n[] = {30, 20};

	check_ids(p30, 1, g1, o1, l1, false);
	check_ids(p30, 2, g2, o2, l2, false);
	check_ids(p30, 3, g3, o3, l3, false);
	check_ids(p12, 1, g1u, o1, l1u, true);
	check_ids(p12, 2, g2u, o2, l2u, true);
	check_ids(p12, 3, g3u, o3, l3u, true);
	check_ids(p30u, 2, g2u, NULL, l2u, true);
	/* Local size chosen by the runtime: uniform where it must be. */
	check_ids(p12, 1, big, NULL, NULL, true);
	check_ids(p12, 1, prime, o1, NULL, true);
	check_ids(p12, 2, g2n, NULL, NULL, true);
	check_ids(p30, 1, prime, NULL, NULL, false);
	check_ids(p30, 3, g3, o3, NULL, false);
}

static void check_task_and_reqd(void)
{
	cl_kernel k = tu_kernel(p12, "ids"), f = tu_kernel(p12, "fixed");
	cl_uint out[STRIDE], fout[24];
	cl_mem m = buffer(sizeof(out), NULL), fm = buffer(sizeof(fout), NULL);
	size_t g[2] = {4, 6}, l[2] = {2, 3}, lb[2] = {4, 3};
	cl_command_type type = 0;
	cl_event ev;

	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "arg");
	CHECK_OK(clEnqueueTask(env.queue, k, 0, NULL, &ev), "task");
	CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type, NULL), "type");
	CHECK(type == CL_COMMAND_TASK, "a task's command type 0x%x", type);
	CHECK_OK(clReleaseEvent(ev), "release");
	read_all(m, out, sizeof(out));
	CHECK(out[0] == 0 && out[9] == 1 && out[12] == 1 && out[15] == 1,
	      "one work-item: gid %u, lsize %u, groups %u, dim %u", out[0], out[9], out[12],
	      out[15]);

	CHECK_OK(clSetKernelArg(f, 0, sizeof(fm), &fm), "arg");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, f, 2, NULL, g, l, 0, NULL, &ev),
		 "the required size");
	CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type, NULL), "type");
	CHECK(type == CL_COMMAND_NDRANGE_KERNEL, "an ND-range's command type 0x%x", type);
	CHECK_OK(clReleaseEvent(ev), "release");
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, f, 2, NULL, g, lb, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE, "not the required size");
	CHECK_ERR(clEnqueueTask(env.queue, f, 0, NULL, NULL), CL_INVALID_WORK_GROUP_SIZE,
		  "a task of a kernel that requires 2x3x1");
	memset(fout, 0, sizeof(fout));
	CHECK_OK(clEnqueueWriteBuffer(env.queue, fm, CL_TRUE, 0, sizeof(fout), fout, 0, NULL,
				      NULL), "reset");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, f, 2, NULL, g, NULL, 0, NULL, NULL),
		 "NULL local: the required size is used");
	read_all(fm, fout, sizeof(fout));
	CHECK(fout[0] == 23 && fout[23] == 23, "required size used: %u %u", fout[0], fout[23]);
	g[0] = 5;
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, f, 2, NULL, g, NULL, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE, "1.2: 5 is not a multiple of the required 2");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseKernel(f), "release");
	CHECK_OK(clReleaseMemObject(m), "release");
	CHECK_OK(clReleaseMemObject(fm), "release");
}

/* __local arguments and variables are private to each work-group, even when
 * groups run at the same time; barriers order the work-items. */
static void check_local_memory(void)
{
	enum { L = 64, G = 64 * 64, R = 1 << 16, RL = 256 };
	cl_kernel k = tu_kernel(p30, "lrev"), r = tu_kernel(p30, "reduce");
	int *in = malloc(R * sizeof(int)), *out = malloc(R * sizeof(int)), bad = 0;
	cl_mem mi, mo;
	size_t g = G, l = L, rg = R, rl = RL;

	REQUIRE(in && out, "memory");
	for (int i = 0; i < R; i++)
		in[i] = (i * 7919) % 1000;
	mi = buffer(R * sizeof(int), in);
	mo = buffer(R * sizeof(int), NULL);
	CHECK_OK(clSetKernelArg(k, 0, sizeof(mi), &mi), "in");
	CHECK_OK(clSetKernelArg(k, 1, sizeof(mo), &mo), "out");
	CHECK_OK(clSetKernelArg(k, 2, L * sizeof(int), NULL), "local");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, &l, 0, NULL, NULL), "lrev");
	read_all(mo, out, G * sizeof(int));
	for (int i = 0; i < G; i++) {
		int grp = i / L, want = in[grp * L + L - 1 - i % L] * 1000 + grp;

		if (out[i] != want && bad++ < 3)
			CHECK(0, "lrev[%d] = %d, want %d", i, out[i], want);
	}
	CHECK(bad == 0, "local memory private to each of %d groups", G / L);

	CHECK_OK(clSetKernelArg(r, 0, sizeof(mi), &mi), "in");
	CHECK_OK(clSetKernelArg(r, 1, sizeof(mo), &mo), "out");
	CHECK_OK(clSetKernelArg(r, 2, RL * sizeof(int), NULL), "local");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, r, 1, NULL, &rg, &rl, 0, NULL, NULL),
		 "reduce");
	read_all(mo, out, R / RL * sizeof(int));
	bad = 0;
	for (int grp = 0; grp < R / RL; grp++) {
		int want = 0;

		for (int i = 0; i < RL; i++)
			want += in[grp * RL + i];
		if (out[grp] != want && bad++ < 3)
			CHECK(0, "partial sum %d = %d, want %d", grp, out[grp], want);
	}
	CHECK(bad == 0, "the reduction with barriers is right");
	free(in);
	free(out);
	CHECK_OK(clReleaseMemObject(mi), "release");
	CHECK_OK(clReleaseMemObject(mo), "release");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseKernel(r), "release");
}

typedef struct {
	cl_char c;
	cl_int i;
	cl_double d;
	cl_float4 v;
	cl_short s[3];
} P;

static void check_by_value(void)
{
	cl_kernel k = tu_kernel(p30, "byval");
	P p = {-3, 123456, 2.5, {{1, 2, 3, 4.5f}}, {7, 8, -9}};
	cl_long big[64];
	cl_int3 i3 = {{1, 2, -33, 0}};
	cl_double2 d2 = {{0.25, -0.75}};
	cl_uchar u = 250;
	double out[9] = {0}, want = 0;
	cl_mem m = buffer(sizeof(out), NULL);

	for (int i = 0; i < 64; i++) {
		big[i] = (cl_long)i * 1000000007LL;
		want += (double)big[i];
	}
	CHECK(sizeof(P) == 48, "host struct layout %zu", sizeof(P));
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "out");
	CHECK_OK(clSetKernelArg(k, 1, sizeof(p), &p), "struct");
	CHECK_OK(clSetKernelArg(k, 2, sizeof(big), big), "512-byte struct");
	CHECK_OK(clSetKernelArg(k, 3, sizeof(i3), &i3), "int3");
	CHECK_OK(clSetKernelArg(k, 4, sizeof(d2), &d2), "double2");
	CHECK_OK(clSetKernelArg(k, 5, sizeof(u), &u), "uchar");
	CHECK_OK(clEnqueueTask(env.queue, k, 0, NULL, NULL), "byval");
	read_all(m, out, sizeof(out));
	CHECK(out[0] == -3 && out[1] == 123456 && out[2] == 2.5 && out[3] == 4.5 && out[4] == -9,
	      "struct fields %g %g %g %g %g", out[0], out[1], out[2], out[3], out[4]);
	CHECK(out[5] == want, "big struct sum %g, want %g", out[5], want);
	CHECK(out[6] == -33 && out[7] == -0.75 && out[8] == 250, "vectors and uchar %g %g %g",
	      out[6], out[7], out[8]);
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseMemObject(m), "release");
}

/* Values are taken at enqueue: a later clSetKernelArg does not reach a
 * command that has not run yet. */
static void check_snapshot(void)
{
	cl_kernel k = tu_kernel(p30, "add");
	int a[4] = {1, 2, 3, 4}, b[4] = {0}, v = 10;
	cl_mem ma = buffer(sizeof(a), a), mb = buffer(sizeof(b), b), mc = buffer(sizeof(b), b);
	cl_int err;
	cl_event gate = clCreateUserEvent(env.context, &err);
	size_t g = 4;

	REQUIRE(gate != NULL, "user event: %s", tu_errname(err));
	CHECK_OK(clSetKernelArg(k, 0, sizeof(ma), &ma), "a");
	CHECK_OK(clSetKernelArg(k, 1, sizeof(mb), &mb), "b");
	CHECK_OK(clSetKernelArg(k, 2, sizeof(v), &v), "v");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, NULL, 1, &gate, NULL),
		 "held back");
	v = 1000;
	CHECK_OK(clSetKernelArg(k, 2, sizeof(v), &v), "v changed");
	CHECK_OK(clSetKernelArg(k, 1, sizeof(mc), &mc), "b changed");
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "release the gate");
	read_all(mb, b, sizeof(b));
	CHECK(b[0] == 11 && b[3] == 14, "the values at enqueue were used: %d %d", b[0], b[3]);
	read_all(mc, b, sizeof(b));
	CHECK(b[0] == 0, "the later buffer was untouched: %d", b[0]);
	CHECK_OK(clReleaseEvent(gate), "release");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseMemObject(ma), "release");
	CHECK_OK(clReleaseMemObject(mb), "release");
	CHECK_OK(clReleaseMemObject(mc), "release");
}

static void check_svm(void)
{
	enum { N = 1000 };
	cl_kernel k = tu_kernel(p30, "add");
	int *fa = clSVMAlloc(env.context, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER,
			     N * sizeof(int), 0);
	int *sys = malloc((N + 8) * sizeof(int)), v = 0, bad = 0;
	size_t g = N;

	REQUIRE(fa && sys, "SVM memory");
	for (int i = 0; i < N; i++) {
		fa[i] = i;
		sys[i + 8] = 100 * i;
	}
	/* A fine-grain buffer and an interior pointer of a malloc'd block. */
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, fa), "SVM a");
	CHECK_OK(clSetKernelArgSVMPointer(k, 1, sys + 8), "malloc'd b");
	CHECK_OK(clSetKernelArg(k, 2, sizeof(v), &v), "v");
	CHECK_OK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, sizeof(fa), &fa), "ptrs");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, NULL, 0, NULL, NULL), "run");
	CHECK_OK(clFinish(env.queue), "finish");
	for (int i = 0; i < N; i++)
		bad += sys[i + 8] != 101 * i;
	CHECK(bad == 0, "malloc'd memory updated in place (%d wrong)", bad);
	/* The other way round: the buffer is written through the SVM pointer. */
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, sys + 8), "malloc'd a");
	CHECK_OK(clSetKernelArgSVMPointer(k, 1, fa), "SVM b");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, NULL, 0, NULL, NULL), "run");
	CHECK_OK(clFinish(env.queue), "finish");
	bad = 0;
	for (int i = 0; i < N; i++)
		bad += fa[i] != 102 * i;
	CHECK(bad == 0, "SVM buffer updated (%d wrong)", bad);
	clSVMFree(env.context, fa);
	free(sys);
	CHECK_OK(clReleaseKernel(k), "release");
}

struct node {
	struct node *next;
	cl_long val;
};

/* A list in shuffled order, walked by one work-item: pointers the host made
 * are followed by the kernel, and its updates are seen without a copy. */
static void check_pointer_chain(bool svm)
{
	enum { N = 100000 };
	size_t bytes = N * sizeof(struct node);
	struct node *nodes = svm ? clSVMAlloc(env.context, CL_MEM_SVM_FINE_GRAIN_BUFFER, bytes, 0)
				 : malloc(bytes);
	cl_long *out = svm ? clSVMAlloc(env.context, CL_MEM_SVM_FINE_GRAIN_BUFFER, 16, 0)
			   : malloc(16), sum = 0, bad = 0;
	unsigned *order = malloc(N * sizeof(unsigned)), seed = 12345;
	cl_kernel k = tu_kernel(p30, "walk");

	REQUIRE(nodes && out && order, "list memory");
	for (unsigned i = 0; i < N; i++)
		order[i] = i;
	for (unsigned i = N - 1; i > 0; i--) {
		unsigned j, t;

		seed = seed * 1103515245u + 12345u;
		j = (seed >> 8) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned i = 0; i < N; i++) {
		nodes[order[i]].next = i + 1 < N ? &nodes[order[i + 1]] : NULL;
		nodes[order[i]].val = i;
		sum += i;
	}
	out[0] = out[1] = -1;
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, &nodes[order[0]]), "head");
	CHECK_OK(clSetKernelArgSVMPointer(k, 1, out), "out");
	CHECK_OK(clEnqueueTask(env.queue, k, 0, NULL, NULL), "walk");
	CHECK_OK(clFinish(env.queue), "finish");
	CHECK(out[0] == sum && out[1] == N, "%s list: sum %lld of %lld nodes",
	      svm ? "SVM" : "malloc'd", (long long)out[0], (long long)out[1]);
	for (unsigned i = 0; i < N; i++)
		bad += nodes[order[i]].val != (cl_long)i + 1;
	CHECK(bad == 0, "every node updated in place (%lld wrong)", (long long)bad);
	if (svm) {
		clSVMFree(env.context, nodes);
		clSVMFree(env.context, out);
	} else {
		free(nodes);
		free(out);
	}
	free(order);
	CHECK_OK(clReleaseKernel(k), "release");
}

static int notes;
static char note[512];

static void CL_CALLBACK on_note(const char *msg, const void *info, size_t cb, void *data)
{
	(void)info;
	(void)cb;
	(void)data;
	notes++;
	snprintf(note, sizeof(note), "%s", msg);
}

/* A kernel that writes through NULL or a wild pointer fails its command;
 * the queue, the context and the process go on. */
static void check_fault(void)
{
	cl_int err, st = 0;
	cl_context ctx = clCreateContext(NULL, 1, &env.device, on_note, NULL, &err);
	cl_command_queue q;
	cl_program p;
	cl_kernel k;
	cl_event ev;
	int *good = malloc(64 * sizeof(int)), v = 5;
	size_t g = 64;

	REQUIRE(ctx && good, "context with a callback: %s", tu_errname(err));
	q = clCreateCommandQueueWithProperties(ctx, env.device, NULL, &err);
	REQUIRE(q != NULL, "queue: %s", tu_errname(err));
	p = build(ctx, src, "-cl-std=CL3.0");
	k = tu_kernel(p, "add");
	memset(good, 0, 64 * sizeof(int));
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, good), "a");
	CHECK_OK(clSetKernelArg(k, 2, sizeof(v), &v), "v");
	for (int wild = 0; wild < 2; wild++) {
		notes = 0;
		CHECK_OK(clSetKernelArgSVMPointer(k, 1, wild ? (void *)(uintptr_t)0x10 : NULL),
			 "b: %s", wild ? "wild" : "NULL");
		CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0, NULL, &ev),
			 "the faulting launch is enqueued");
		CHECK_ERR(clWaitForEvents(1, &ev), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
			  "waiting for a faulting kernel");
		CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st,
					NULL), "status");
		CHECK(st < 0, "a fault ends with a negative status: %d", st);
		CHECK(notes == 1 && note[0], "the context callback hears of it: \"%s\"", note);
		CHECK_OK(clReleaseEvent(ev), "release");
		/* The same queue goes on. */
		CHECK_OK(clSetKernelArgSVMPointer(k, 1, good + 32), "b: good");
		g = 32;
		CHECK_OK(clEnqueueNDRangeKernel(q, k, 1, NULL, &g, NULL, 0, NULL, &ev), "next");
		CHECK_OK(clWaitForEvents(1, &ev), "the next command completes");
		CHECK_OK(clReleaseEvent(ev), "release");
		CHECK(good[32] == 5 * (wild + 1) && good[63] == 5 * (wild + 1),
		      "the next command ran: %d", good[32]);
		g = 64;
	}
	CHECK_OK(clFinish(q), "finish");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseProgram(p), "release");
	CHECK_OK(clReleaseCommandQueue(q), "release");
	CHECK_OK(clReleaseContext(ctx), "release");
	free(good);
}

/* Empty ranges: no global size, or a 0 in it, make a command that does
 * nothing; huge ranges run every group. */
static void check_empty_and_huge(void)
{
	cl_kernel k = tu_kernel(p30, "ids"), h = tu_kernel(p30, "huge");
	const size_t zeros[][3] = {{0, 0, 0}, {4, 0, 0}, {0, 4, 4}, {4, 4, 0}};
	size_t hg = (size_t)1 << 26, n = hg >> 12;
	cl_uint canary[4] = {7, 7, 7, 7}, *hout = malloc(n * sizeof(cl_uint));
	cl_mem m = buffer(sizeof(canary), canary), hm = buffer(n * sizeof(cl_uint), NULL);
	cl_int err, st = 0;
	cl_event gate = clCreateUserEvent(env.context, &err), ev;
	size_t bad = 0;

	REQUIRE(gate && hout, "user event: %s", tu_errname(err));
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "arg");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, NULL, NULL, 0, NULL, NULL),
		 "no global size");
	for (int i = 0; i < 4; i++)
		CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 3, NULL, zeros[i], NULL, 0, NULL,
						NULL), "global size with a 0 (%d)", i);
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, zeros[1] + 1, NULL, 1, &gate, &ev),
		 "empty, held back");
	CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL),
		 "status");
	CHECK(st == CL_QUEUED || st == CL_SUBMITTED, "an empty launch waits too: %d", st);
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "gate");
	CHECK_OK(clWaitForEvents(1, &ev), "the empty launch completes");
	read_all(m, canary, sizeof(canary));
	CHECK(canary[0] == 7 && canary[3] == 7, "nothing ran");
	CHECK_OK(clReleaseEvent(ev), "release");
	CHECK_OK(clReleaseEvent(gate), "release");

	CHECK_OK(clSetKernelArg(h, 0, sizeof(hm), &hm), "arg");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, h, 1, NULL, &hg, NULL, 0, NULL, NULL),
		 "2^26 work-items");
	read_all(hm, hout, n * sizeof(cl_uint));
	for (size_t i = 0; i < n; i++)
		bad += hout[i] != (cl_uint)(i << 12);
	CHECK(bad == 0, "every part of the huge range ran (%zu wrong)", bad);
	free(hout);
	CHECK_OK(clReleaseMemObject(m), "release");
	CHECK_OK(clReleaseMemObject(hm), "release");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseKernel(h), "release");
}

/* 64 arguments: a pointer and 63 ints. */
static void check_many_args(void)
{
	enum { NARGS = 64 };
	char *s = malloc(8192);
	size_t pos = 0;
	cl_program p;
	cl_kernel k;
	cl_ulong out = 0, want = 0;
	cl_mem m = buffer(sizeof(out), NULL);
	cl_uint n = 0;

	REQUIRE(s != NULL, "memory");
	pos += (size_t)sprintf(s + pos, "kernel void many(global ulong *out");
	for (int i = 1; i < NARGS; i++)
		pos += (size_t)sprintf(s + pos, ", int a%d", i);
	pos += (size_t)sprintf(s + pos, ")\n{\n\tulong sum = 0;\n");
	for (int i = 1; i < NARGS; i++)
		pos += (size_t)sprintf(s + pos, "\tsum = sum * 3 + (ulong)(long)a%d;\n", i);
	sprintf(s + pos, "\t*out = sum;\n}\n");
	p = build(env.context, s, NULL);
	k = tu_kernel(p, "many");
	CHECK_OK(clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof(n), &n, NULL), "num args");
	CHECK(n == NARGS, "%u arguments", n);
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "out");
	for (int i = 1; i < NARGS; i++) {
		cl_int v = i * 7 - 100;

		CHECK_OK(clSetKernelArg(k, (cl_uint)i, sizeof(v), &v), "a%d", i);
		want = want * 3 + (cl_ulong)(cl_long)v;
	}
	CHECK_OK(clEnqueueTask(env.queue, k, 0, NULL, NULL), "run");
	read_all(m, &out, sizeof(out));
	CHECK(out == want, "every argument arrived: %llu, want %llu", (unsigned long long)out,
	      (unsigned long long)want);
	free(s);
	CHECK_OK(clReleaseMemObject(m), "release");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseProgram(p), "release");
}

static void check_errors(void)
{
	cl_kernel k = tu_kernel(p30, "ids"), u = tu_kernel(p12, "ids"), r = tu_kernel(p30, "reduce");
	cl_mem m = buffer(1 << 20, NULL);
	size_t g[3] = {8, 8, 8}, l[3] = {2, 2, 2}, off[3] = {0, 0, 0}, max[3], maxwg = 0;
	cl_ulong lmem = 0;
	cl_event bad_ev = (cl_event)&g;
	cl_context ctx2;
	cl_command_queue q2;
	cl_int err;

	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(max), max,
				 NULL), "max work-item sizes");
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(maxwg), &maxwg,
				 NULL), "max work-group size");
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(lmem), &lmem, NULL),
		 "local memory size");
	CHECK_OK(clSetKernelArg(k, 0, sizeof(m), &m), "arg");
	CHECK_OK(clSetKernelArg(u, 0, sizeof(m), &m), "arg");
	CHECK_ERR(clEnqueueNDRangeKernel(NULL, k, 1, NULL, g, NULL, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "no queue");
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, (cl_kernel)&g, 1, NULL, g, NULL, 0, NULL,
					 NULL), CL_INVALID_KERNEL, "not a kernel");
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, r, 1, NULL, g, NULL, 0, NULL, NULL),
		  CL_INVALID_KERNEL_ARGS, "arguments not set");
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 0, NULL, g, NULL, 0, NULL, NULL),
		  CL_INVALID_WORK_DIMENSION, "work_dim 0");
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 4, NULL, g, NULL, 0, NULL, NULL),
		  CL_INVALID_WORK_DIMENSION, "work_dim 4");
	off[1] = SIZE_MAX - 4;
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 2, off, g, NULL, 0, NULL, NULL),
		  CL_INVALID_GLOBAL_OFFSET, "offset + size overflows");
	off[1] = SIZE_MAX - 8;
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, off, g, NULL, 0, NULL, NULL),
		 "offset + size at the limit, in a dimension not used");
	l[1] = 0;
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 2, NULL, g, l, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE, "a local size of 0");
	l[0] = max[0] + 1;
	l[1] = 1;
	g[0] = max[0] + 1;
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, g, l, 0, NULL, NULL),
		  CL_INVALID_WORK_ITEM_SIZE, "local size over the maximum in a dimension");
	l[0] = maxwg;
	l[1] = 2;
	g[0] = maxwg;
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 2, NULL, g, l, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE, "a work-group over the maximum");
	g[0] = 10;
	l[0] = 4;
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, u, 1, NULL, g, l, 0, NULL, NULL),
		  CL_INVALID_WORK_GROUP_SIZE, "OpenCL C 1.2: 10 is not a multiple of 4");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, g, l, 0, NULL, NULL),
		 "OpenCL C 3.0: non-uniform groups");
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, g, NULL, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "1 event, list NULL");
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, g, NULL, 1, &bad_ev, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "not an event");

	/* Local memory beyond the device's. */
	CHECK_OK(clSetKernelArg(r, 0, sizeof(m), &m), "in");
	CHECK_OK(clSetKernelArg(r, 1, sizeof(m), &m), "out");
	CHECK_OK(clSetKernelArg(r, 2, (size_t)lmem + 1, NULL), "too much local memory");
	g[0] = 64;
	l[0] = 64;
	CHECK_ERR(clEnqueueNDRangeKernel(env.queue, r, 1, NULL, g, l, 0, NULL, NULL),
		  CL_OUT_OF_RESOURCES, "local memory over the device's");

	/* A kernel and a queue of different contexts. */
	ctx2 = clCreateContext(NULL, 1, &env.device, NULL, NULL, &err);
	REQUIRE(ctx2 != NULL, "context: %s", tu_errname(err));
	q2 = clCreateCommandQueueWithProperties(ctx2, env.device, NULL, &err);
	REQUIRE(q2 != NULL, "queue: %s", tu_errname(err));
	CHECK_ERR(clEnqueueNDRangeKernel(q2, k, 1, NULL, g, NULL, 0, NULL, NULL),
		  CL_INVALID_CONTEXT, "kernel of another context");
	CHECK_ERR(clEnqueueTask(q2, k, 0, NULL, NULL), CL_INVALID_CONTEXT,
		  "task, kernel of another context");
	CHECK_ERR(clEnqueueNativeKernel(env.queue, (void(CL_CALLBACK *)(void *))free, NULL, 0, 0,
					NULL, NULL, 0, NULL, NULL), CL_INVALID_OPERATION,
		  "no native kernels");
	CHECK_ERR(clEnqueueNativeKernel(env.queue, NULL, NULL, 0, 0, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE, "native kernel NULL");
	CHECK_OK(clFinish(env.queue), "finish");
	CHECK_OK(clReleaseCommandQueue(q2), "release");
	CHECK_OK(clReleaseContext(ctx2), "release");
	CHECK_OK(clReleaseMemObject(m), "release");
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseKernel(u), "release");
	CHECK_OK(clReleaseKernel(r), "release");
}

/* printf's output is out when the command completes: the kernels print
 * without a newline, which stdout would keep in its buffer (line-buffered or
 * not) until a flush. With fd 1 on a pipe, the host writes a marker straight
 * to fd 1 after clFinish: the kernels' text must come before it. */
static void check_printf(void)
{
	static const char *psrc =
		"kernel void say(int v)\n"
		"{\n"
		"	printf(\"<%d:%d>\", v, (int)get_global_id(0));\n"
		"}\n";
	cl_program p = build(env.context, psrc, "-cl-std=CL3.0");
	cl_kernel k = tu_kernel(p, "say");
	size_t g = 1, g4 = 4, n = 0;
	int v = 42, fds[2], saved;
	char buf[256];
	ssize_t r;
	cl_int err;

	fflush(stdout);
	REQUIRE(pipe(fds) == 0 && (saved = dup(1)) >= 0 && dup2(fds[1], 1) >= 0, "pipe");
	err = clSetKernelArg(k, 0, sizeof(v), &v);
	if (!err)
		err = clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g, NULL, 0, NULL, NULL);
	if (!err)
		err = clFinish(env.queue);
	if (!err && write(1, "|", 1) != 1)
		err = -1;
	if (!err)
		err = clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g4, NULL, 0, NULL, NULL);
	if (!err)
		err = clFinish(env.queue);
	if (!err && write(1, "|host", 5) != 5)
		err = -1;
	fflush(stdout); /* anything left behind comes after the marker */
	dup2(saved, 1);
	close(saved);
	close(fds[1]);
	while (n + 1 < sizeof(buf) && (r = read(fds[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(fds[0]);
	CHECK_OK(err, "printf kernels");
	/* "<42:0>|", the four work-items' in any order, "|host" */
	CHECK(strncmp(buf, "<42:0>|", 7) == 0 && strlen(buf) == 7 + 4 * 6 + 5 &&
	      strstr(buf + 7, "<42:0>") && strstr(buf, "<42:1>") && strstr(buf, "<42:2>") &&
	      strstr(buf, "<42:3>") && strcmp(buf + 7 + 4 * 6, "|host") == 0,
	      "printf output is out when clFinish returns: \"%s\"", buf);
	CHECK_OK(clReleaseKernel(k), "release");
	CHECK_OK(clReleaseProgram(p), "release");
}

int main(void)
{
	tu_env_init(&env, 0);
	p30 = build(env.context, src, "-cl-std=CL3.0");
	p12 = build(env.context, src, NULL);
	p30u = build(env.context, src, "-cl-std=CL3.0 -cl-uniform-work-group-size");

	check_dimensions();
	check_task_and_reqd();
	check_local_memory();
	check_by_value();
	check_snapshot();
	check_svm();
	check_pointer_chain(true);
	check_pointer_chain(false);
	check_fault();
	check_empty_and_huge();
	check_many_args();
	check_printf();
	check_errors();
	CHECK_OK(clReleaseProgram(p30), "release");
	CHECK_OK(clReleaseProgram(p12), "release");
	CHECK_OK(clReleaseProgram(p30u), "release");
	tu_env_fini(&env);
	return tu_done();
}
