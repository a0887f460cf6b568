// SPDX-License-Identifier: MIT
/* Edge cases of kernel execution on svmgpu: zero-size and huge NDRanges, odd
 * work-group sizes with non-uniform remainders in 1 to 3 dimensions, 64
 * arguments, a 1 KiB by-value struct, 10000-node pointer chains in SVM buffers
 * and in malloc memory, and global offsets past 2^32. */
#include "testutil.h"

#include <stdint.h>

static struct tu_env env;

static cl_program build(const char *src, const char *opts)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(env.context, 1, &src, NULL, &err);

	REQUIRE(p, "clCreateProgramWithSource: %s", tu_errname(err));
	err = clBuildProgram(p, 1, &env.device, opts, NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[4096] = "";

		clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log) - 1, log,
				      NULL);
		printf("# build log: %s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "clBuildProgram: %s", tu_errname(err));
	return p;
}

static cl_mem buffer(size_t size, void *init)
{
	cl_int err;
	cl_mem m = clCreateBuffer(env.context, CL_MEM_READ_WRITE | (init ? CL_MEM_COPY_HOST_PTR : 0),
				  size, init, &err);

	REQUIRE(m, "clCreateBuffer(%zu): %s", size, tu_errname(err));
	return m;
}

static void zero_and_huge(void)
{
	const char *src = "__kernel void mark(__global uchar *o) { size_t i = get_global_id(0) + "
			  "get_global_id(1) * get_global_size(0);\n"
			  "o[i] = (uchar)(i * 7 + (i >> 8) + (i >> 16) + 0x5a); }\n";
	cl_program p = build(src, "");
	cl_kernel k = tu_kernel(p, "mark");
	size_t huge = (size_t)1 << 26, zero[2] = {0, 8}, g1 = 0;
	unsigned char *host = malloc(huge), init = 0x11;
	cl_mem o = buffer(huge, NULL);
	cl_event ev;
	cl_int st = 1;
	size_t bad = 0;

	CHECK_OK(clSetKernelArg(k, 0, sizeof(o), &o), "set arg");
	CHECK_OK(clEnqueueFillBuffer(env.queue, o, &init, 1, 0, huge, 0, NULL, NULL), "fill");
	/* OpenCL 2.1 and later: a zero global size is a no-op that completes. */
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &g1, NULL, 0, NULL, &ev),
		 "1D NDRange of size 0");
	CHECK_OK(clWaitForEvents(1, &ev), "wait for the empty NDRange");
	clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	CHECK(st == CL_COMPLETE, "empty NDRange event status %d", st);
	clReleaseEvent(ev);
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 2, NULL, zero, NULL, 0, NULL, NULL),
		 "2D NDRange 0x8");
	CHECK_OK(clEnqueueReadBuffer(env.queue, o, CL_TRUE, 0, 4096, host, 0, NULL, NULL), "read");
	for (size_t i = 0; i < 4096; i++)
		bad += host[i] != 0x11;
	CHECK(bad == 0, "a zero-size NDRange wrote %zu bytes", bad);

	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &huge, NULL, 0, NULL, NULL),
		 "2^26 work-items");
	CHECK_OK(clEnqueueReadBuffer(env.queue, o, CL_TRUE, 0, huge, host, 0, NULL, NULL), "read");
	bad = 0;
	for (size_t i = 0; i < huge; i++)
		bad += host[i] != (unsigned char)(i * 7 + (i >> 8) + (i >> 16) + 0x5a);
	CHECK(bad == 0, "2^26 work-items: %zu wrong bytes", bad);
	free(host);
	clReleaseMemObject(o);
	clReleaseKernel(k);
	clReleaseProgram(p);
}

/* Every work-item records its ids; non-uniform remainders included. */
static void odd_groups(void)
{
	const char *src =
		"__kernel void ids(__global uint *o) {\n"
		"\tsize_t l = get_global_linear_id();\n"
		"\tfor (uint k = 0; k < 3; k++) { o[l * 9 + k] = get_local_id(k);\n"
		"\t\to[l * 9 + 3 + k] = get_local_size(k); o[l * 9 + 6 + k] = get_group_id(k); }\n}\n";
	static const struct {
		cl_uint dim;
		size_t g[3], l[3];
	} cfg[] = {
		{1, {1000}, {1}}, {1, {1000}, {3}}, {1, {1000}, {7}}, {1, {1000}, {13}},
		{1, {1000}, {255}}, {2, {50, 9}, {7, 3}}, {2, {13, 13}, {13, 1}},
		{3, {13, 5, 7}, {3, 5, 2}}, {3, {9, 10, 11}, {7, 3, 1}}, {3, {255, 2, 2}, {255, 1, 1}},
	};
	cl_bool nonuni = CL_FALSE;
	cl_program p;
	cl_kernel k;

	clGetDeviceInfo(env.device, CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT, sizeof(nonuni),
			&nonuni, NULL);
	CHECK(nonuni, "the device reports non-uniform work-groups");
	p = build(src, "-cl-std=CL3.0");
	k = tu_kernel(p, "ids");
	for (size_t c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++) {
		size_t g[3] = {1, 1, 1}, l[3] = {1, 1, 1}, total, bad = 0;
		uint32_t *h;
		cl_mem o;
		cl_int err;

		for (cl_uint d = 0; d < cfg[c].dim; d++) {
			g[d] = cfg[c].g[d];
			l[d] = cfg[c].l[d];
		}
		total = g[0] * g[1] * g[2];
		h = malloc(total * 36);
		o = buffer(total * 36, NULL);
		clSetKernelArg(k, 0, sizeof(o), &o);
		err = clEnqueueNDRangeKernel(env.queue, k, cfg[c].dim, NULL, cfg[c].g, cfg[c].l, 0,
					     NULL, NULL);
		CHECK_OK(err, "%uD %zux%zux%zu in groups of %zux%zux%zu", cfg[c].dim, g[0], g[1],
			 g[2], l[0], l[1], l[2]);
		if (err == CL_SUCCESS) {
			clEnqueueReadBuffer(env.queue, o, CL_TRUE, 0, total * 36, h, 0, NULL, NULL);
			for (size_t z = 0; z < g[2]; z++)
				for (size_t y = 0; y < g[1]; y++)
					for (size_t x = 0; x < g[0]; x++) {
						size_t idx[3] = {x, y, z}, lin = (z * g[1] + y) * g[0] + x;

						for (int d = 0; d < 3; d++) {
							size_t grp = idx[d] / l[d];
							size_t ls = g[d] - grp * l[d] < l[d] ?
								    g[d] - grp * l[d] : l[d];

							bad += h[lin * 9 + d] != idx[d] % l[d] ||
							       h[lin * 9 + 3 + d] != ls ||
							       h[lin * 9 + 6 + d] != grp;
						}
					}
			CHECK(bad == 0, "%uD groups of %zux%zux%zu: %zu wrong ids", cfg[c].dim,
			      l[0], l[1], l[2], bad);
		}
		clReleaseMemObject(o);
		free(h);
	}
	clReleaseKernel(k);
	clReleaseProgram(p);
}

/* 32 buffers and 32 scalars: 64 arguments. */
static void many_args(void)
{
	char src[8192];
	int n = 0;
	cl_program p;
	cl_kernel k;
	cl_mem bufs[32];
	int32_t vals[32], out = 0, want = 0;

	n += snprintf(src + n, sizeof(src) - (size_t)n, "__kernel void many(");
	for (int i = 0; i < 32; i++)
		n += snprintf(src + n, sizeof(src) - (size_t)n, "%s__global int *b%d, int v%d",
			      i ? ", " : "", i, i);
	n += snprintf(src + n, sizeof(src) - (size_t)n, ")\n{\n\tint s = 0;\n");
	for (int i = 1; i < 32; i++)
		n += snprintf(src + n, sizeof(src) - (size_t)n, "\ts += b%d[0] * v%d;\n", i, i);
	snprintf(src + n, sizeof(src) - (size_t)n, "\tb0[0] = s + v0;\n}\n");
	p = build(src, "");
	k = tu_kernel(p, "many");
	for (int i = 0; i < 32; i++) {
		int32_t init = i * 3 + 1;

		bufs[i] = buffer(4, &init);
		vals[i] = 100 - i;
		CHECK_OK(clSetKernelArg(k, (cl_uint)(2 * i), sizeof(cl_mem), &bufs[i]), "arg %d", 2 * i);
		CHECK_OK(clSetKernelArg(k, (cl_uint)(2 * i + 1), 4, &vals[i]), "arg %d", 2 * i + 1);
		if (i)
			want += init * vals[i];
	}
	want += vals[0];
	CHECK_OK(clEnqueueTask(env.queue, k, 0, NULL, NULL), "64-argument kernel");
	CHECK_OK(clEnqueueReadBuffer(env.queue, bufs[0], CL_TRUE, 0, 4, &out, 0, NULL, NULL), "read");
	CHECK(out == want, "64 arguments: got %d, want %d", out, want);
	for (int i = 0; i < 32; i++)
		clReleaseMemObject(bufs[i]);
	clReleaseKernel(k);
	clReleaseProgram(p);
}

/* A by-value struct as large as the device's parameter space allows (1 KiB
 * with the full profile's minimum of 1024 bytes less the other argument). */
static void big_struct(void)
{
	size_t maxp = 0, words;
	char src[1024];
	cl_program p;
	cl_kernel k;
	cl_mem o;
	int32_t s[256], h[256];
	bool ok = true;

	clGetDeviceInfo(env.device, CL_DEVICE_MAX_PARAMETER_SIZE, sizeof(maxp), &maxp, NULL);
	CHECK(maxp >= 1024, "CL_DEVICE_MAX_PARAMETER_SIZE %zu >= 1024", maxp);
	words = maxp >= 1024 + 8 ? 256 : (maxp - 8) / 4;
	snprintf(src, sizeof(src),
		 "typedef struct { int v[%zu]; } big;\n"
		 "__kernel void bs(big s, __global int *o) { size_t i = get_global_id(0);\n"
		 "o[i] = s.v[i] * 2 + s.v[%zu - 1 - i]; }\n", words, words);
	p = build(src, "");
	k = tu_kernel(p, "bs");
	for (size_t i = 0; i < words; i++)
		s[i] = (int32_t)(i * i) - 77;
	o = buffer(words * 4, NULL);
	CHECK_OK(clSetKernelArg(k, 0, words * 4, s), "%zu-byte struct by value", words * 4);
	CHECK_OK(clSetKernelArg(k, 1, sizeof(o), &o), "out");
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &words, NULL, 0, NULL, NULL), "run");
	CHECK_OK(clEnqueueReadBuffer(env.queue, o, CL_TRUE, 0, words * 4, h, 0, NULL, NULL), "read");
	for (size_t i = 0; i < words; i++)
		ok &= h[i] == s[i] * 2 + s[words - 1 - i];
	CHECK(ok, "the struct arrived whole");
	clReleaseMemObject(o);
	clReleaseKernel(k);
	clReleaseProgram(p);
}

struct node {
	struct node *next;
	int64_t val;
};

/* 10000 nodes in one allocation, linked in a scrambled order; 64 work-items
 * walk from different starting nodes. */
static void deep_chain(bool system)
{
	enum { NN = 10000, W = 64 };
	const char *src =
		"struct node { __global struct node *next; long val; };\n"
		"__kernel void walk(__global struct node *nodes, __global long *out) {\n"
		"\tsize_t i = get_global_id(0); long s = 0; int n = 0;\n"
		"\tfor (__global struct node *p = nodes + (i * 151) % 10000; p; p = p->next)"
		" { s += p->val; n++; }\n\tout[i * 2] = s; out[i * 2 + 1] = n; }\n";
	cl_device_svm_capabilities caps = 0;
	struct node *nodes;
	int64_t *out;
	int *order = malloc(NN * sizeof(int)), *pos = malloc(NN * sizeof(int));
	cl_program p;
	cl_kernel k;
	size_t w = W;
	bool fine, ok = true;

	clGetDeviceInfo(env.device, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL);
	if (system && !(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		printf("# no fine-grain system SVM: malloc chain skipped\n");
		free(order);
		free(pos);
		return;
	}
	fine = caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER;
	if (system) {
		nodes = malloc(sizeof(*nodes) * NN);
		out = malloc(16 * W);
	} else {
		cl_svm_mem_flags fl = CL_MEM_READ_WRITE | (fine ? CL_MEM_SVM_FINE_GRAIN_BUFFER : 0);

		nodes = clSVMAlloc(env.context, fl, sizeof(*nodes) * NN, 0);
		out = clSVMAlloc(env.context, fl, 16 * W, 0);
	}
	REQUIRE(nodes && out, "allocations");
	if (!system && !fine) {
		clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_WRITE, nodes, sizeof(*nodes) * NN, 0, NULL,
				NULL);
		clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_WRITE, out, 16 * W, 0, NULL, NULL);
	}
	for (int i = 0; i < NN; i++)
		order[i] = (int)(((int64_t)i * 7919) % NN);	/* 7919 is prime to 10000 */
	for (int i = 0; i < NN; i++) {
		pos[order[i]] = i;
		nodes[order[i]].next = i + 1 < NN ? &nodes[order[i + 1]] : NULL;
		nodes[order[i]].val = (int64_t)order[i] * 1000003 - 5;
	}
	if (!system && !fine) {
		clEnqueueSVMUnmap(env.queue, nodes, 0, NULL, NULL);
		clEnqueueSVMUnmap(env.queue, out, 0, NULL, NULL);
	}
	p = build(src, "-cl-std=CL3.0");
	k = tu_kernel(p, "walk");
	CHECK_OK(clSetKernelArgSVMPointer(k, 0, nodes), "node pointer");
	CHECK_OK(clSetKernelArgSVMPointer(k, 1, out), "out pointer");
	if (system) {
		cl_bool on = CL_TRUE;

		CHECK_OK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(on),
					     &on), "fine-grain system exec info");
	}
	CHECK_OK(clEnqueueNDRangeKernel(env.queue, k, 1, NULL, &w, NULL, 0, NULL, NULL),
		 "walk %s", system ? "malloc chain" : "SVM chain");
	clFinish(env.queue);
	if (!system && !fine)
		clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, out, 16 * W, 0, NULL, NULL);
	for (int i = 0; i < W; i++) {
		int start = pos[(i * 151) % NN];
		int64_t s = 0;

		for (int j = start; j < NN; j++)
			s += nodes[order[j]].val;
		ok &= out[i * 2] == s && out[i * 2 + 1] == NN - start;
	}
	CHECK(ok, "10000-node chain in %s walked from 64 starts",
	      system ? "malloc memory" : fine ? "a fine-grain SVM buffer" : "a coarse-grain SVM buffer");
	if (!system && !fine)
		clEnqueueSVMUnmap(env.queue, out, 0, NULL, NULL);
	clFinish(env.queue);
	if (system) {
		free(nodes);
		free(out);
	} else {
		clSVMFree(env.context, nodes);
		clSVMFree(env.context, out);
	}
	free(order);
	free(pos);
	clReleaseKernel(k);
	clReleaseProgram(p);
}

static void offsets(void)
{
	const char *src = "__kernel void off(__global ulong *o) {\n"
			  "\tsize_t i = (get_global_id(1) - get_global_offset(1)) * get_global_size(0) +"
			  " get_global_id(0) - get_global_offset(0);\n"
			  "\to[i * 2] = get_global_id(0); o[i * 2 + 1] = get_global_id(1); }\n";
	static const size_t offs[][2] = {{0, 0}, {1, 3}, {1000000, 7}, {((size_t)5 << 32) + 9, 2}};
	size_t g[2] = {37, 5}, l[2] = {1, 5};
	cl_program p = build(src, "");
	cl_kernel k = tu_kernel(p, "off");
	cl_mem o = buffer(37 * 5 * 16, NULL);
	uint64_t h[37 * 5 * 2];

	clSetKernelArg(k, 0, sizeof(o), &o);
	for (size_t c = 0; c < 4; c++) {
		bool ok = true;
		cl_int err = clEnqueueNDRangeKernel(env.queue, k, 2, offs[c], g, l, 0, NULL, NULL);

		CHECK_OK(err, "global offset %zu,%zu", offs[c][0], offs[c][1]);
		if (err)
			continue;
		clEnqueueReadBuffer(env.queue, o, CL_TRUE, 0, sizeof(h), h, 0, NULL, NULL);
		for (size_t y = 0; y < 5; y++)
			for (size_t x = 0; x < 37; x++)
				ok &= h[(y * 37 + x) * 2] == offs[c][0] + x &&
				      h[(y * 37 + x) * 2 + 1] == offs[c][1] + y;
		CHECK(ok, "ids with global offset %zu,%zu", offs[c][0], offs[c][1]);
	}
	clReleaseMemObject(o);
	clReleaseKernel(k);
	clReleaseProgram(p);
}

int main(void)
{
	tu_env_init(&env, 0);
	zero_and_huge();
	odd_groups();
	many_args();
	big_struct();
	deep_chain(false);
	deep_chain(true);
	offsets();
	tu_env_fini(&env);
	return tu_done();
}
