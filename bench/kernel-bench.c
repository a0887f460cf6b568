// SPDX-License-Identifier: MIT
/* kernel-bench: kernel figures of svmgpu and pocl side by side, in one run,
 * through the ICD loader (bench/run-bench.sh sets OCL_ICD_VENDORS): launch
 * round trip and enqueue throughput of an empty kernel, streaming kernels on
 * SVM (vecadd, saxpy on malloc'd memory where the device has fine-grain
 * system SVM, on clSVMAlloc memory otherwise) against this machine's memcpy
 * (the better of one thread and one thread per CPU, on written memory),
 * vecadd again after clEnqueueSVMMigrateMem of its buffers,
 * vecadd again on clSVMAlloc memory on both (the same kind of memory: both
 * ask for transparent huge pages, which malloc'd memory does not get), a
 * local-memory reduction, a naive sgemm, a linked-list walk and atomics on
 * clSVMAlloc memory on both, the walk again on malloc'd nodes and on nodes in
 * shuffled order, a stencil whose radius is an argument, and a cached
 * rebuild of a program. */
#include "bench_util.h"
#include "host_bandwidth.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N (16u << 20) /* floats per stream: 64 MiB */
#define WG 64
#define SGEMM_N 512
#define NODES (1u << 20)

static const char *source =
	"__kernel void empty(void) {}\n"
	"__kernel void vecadd(__global const float *a, __global const float *b,\n"
	"                     __global float *c) {\n"
	"  size_t i = get_global_id(0); c[i] = a[i] + b[i]; }\n"
	"__kernel void saxpy(float s, __global const float *x, __global float *y) {\n"
	"  size_t i = get_global_id(0); y[i] = s * x[i] + y[i]; }\n"
	"__kernel void reduce(__global const float *in, __global float *out,\n"
	"                     __local float *tmp) {\n"
	"  size_t l = get_local_id(0), n = get_local_size(0);\n"
	"  tmp[l] = in[get_global_id(0)];\n"
	"  for (size_t s = n / 2; s > 0; s /= 2) {\n"
	"    barrier(CLK_LOCAL_MEM_FENCE);\n"
	"    if (l < s) tmp[l] += tmp[l + s];\n"
	"  }\n"
	"  if (l == 0) out[get_group_id(0)] = tmp[0]; }\n"
	"__kernel void sgemm(int n, __global const float *a, __global const float *b,\n"
	"                    __global float *c) {\n"
	"  int i = get_global_id(1), j = get_global_id(0); float s = 0;\n"
	"  for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];\n"
	"  c[i * n + j] = s; }\n"
	"typedef struct node { __global struct node *next; int value; } node;\n"
	"__kernel void walk(__global node *__global const *heads, int steps,\n"
	"                   __global int *out) {\n"
	"  __global node *p = heads[get_global_id(0)]; int s = 0;\n"
	"  for (int i = 0; i < steps && p; i++) { s += p->value; p = p->next; }\n"
	"  out[get_global_id(0)] = s; }\n"
	"__kernel void stencil(__global const float *a, __global const float *w,\n"
	"                      __global float *o, int r) {\n"
	"  size_t i = get_global_id(0) + 16; float s = 0;\n"
	"  for (int k = -r; k <= r; k++) s += a[i + k] * w[k + r];\n"
	"  o[i] = s; }\n"
	"__kernel void count(__global int *counter) { atomic_inc(counter); }\n"
	"__kernel void ticket(__global int *counter, __global int *out) {\n"
	"  out[get_global_id(0)] = atomic_inc(counter); }\n";

/* K_VECADD_SVM: vecadd on clSVMAlloc buffers on both platforms. */
enum {
	K_EMPTY, K_VECADD, K_SAXPY, K_REDUCE, K_SGEMM, K_WALK, K_COUNT, K_TICKET, K_VECADD_SVM,
	K_WALK_SYS, K_WALK_SHUFFLED, K_STENCIL, K_NUM
};
static const char *const names[K_NUM] = {"empty", "vecadd", "saxpy", "reduce", "sgemm",
					 "walk", "count", "ticket", "vecadd", "walk",
					 "walk", "stencil"};

struct kstate {
	cl_program prog;
	cl_kernel k[K_NUM];
	bool system_svm; /* malloc'd memory works for kernels */
	bool migrated;   /* a, b, c moved with clEnqueueSVMMigrateMem */
	float *a, *b, *c;
	float *ga, *gb, *gc;
	float *svm[3]; /* clSVMAlloc'd whatever the device supports: a, b, c */
	void *nodes, **heads;         /* clSVMAlloc'd */
	void *sys_nodes, **sys_heads; /* malloc'd where the device allows it */
	void *rnd_nodes, **rnd_heads; /* clSVMAlloc'd, in shuffled order */
	float *weights;
	int *counter, *out;
};

#define KS(p) ((struct kstate *)(p)->priv)

static void *alloc(struct plat *p, size_t size)
{
	return KS(p)->system_svm ? malloc(size)
				 : clSVMAlloc(p->ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER,
					      size, 0);
}

/* The same kind of memory on both platforms: fine-grain buffers, which both
 * back with transparent huge pages (malloc'd memory gets 4 KiB pages here,
 * a TLB miss every few KiB). */
static void *svm_alloc(struct plat *p, size_t size)
{
	return clSVMAlloc(p->ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER, size, 0);
}

static void release(struct plat *p, void *m)
{
	if (KS(p)->system_svm)
		free(m);
	else
		clSVMFree(p->ctx, m);
}

static double run1(struct plat *p, int k, cl_uint dim, const size_t *global,
		   const size_t *local)
{
	double t = now_us();

	FAIL_IF(clEnqueueNDRangeKernel(p->q, KS(p)->k[k], dim, NULL, global, local, 0, NULL,
				       NULL));
	FAIL_IF(clFinish(p->q));
	return now_us() - t;
}

static double s_round_trip(struct plat *p)
{
	size_t one = 1;

	return run1(p, K_EMPTY, 1, &one, &one);
}

static double s_enqueue(struct plat *p)
{
	enum { R = 1000 };
	size_t one = 1;
	double t = now_us();

	for (int i = 0; i < R; i++)
		FAIL_IF(clEnqueueNDRangeKernel(p->q, KS(p)->k[K_EMPTY], 1, NULL, &one, &one, 0, NULL,
					       NULL));
	t = now_us() - t;
	FAIL_IF(clFinish(p->q));
	return t / R;
}

static double s_vecadd(struct plat *p)
{
	size_t g = N;
	double us = run1(p, K_VECADD, 1, &g, NULL);

	return 12.0 * N / (us * 1e3); /* GB/s: two reads and a write */
}

/* vecadd after clEnqueueSVMMigrateMem of its buffers, once, untimed (on
 * svmgpu's CPU device: malloc'd memory collapsed into huge pages). */
static double s_vecadd_migrated(struct plat *p)
{
	struct kstate *s = KS(p);

	if (!s->migrated) {
		const void *ptrs[] = {s->a, s->b, s->c};
		const size_t sizes[] = {N * sizeof(float), N * sizeof(float), N * sizeof(float)};

		FAIL_IF(clEnqueueSVMMigrateMem(p->q, 3, ptrs, sizes, 0, 0, NULL, NULL));
		FAIL_IF(clFinish(p->q));
		s->migrated = true;
	}
	return s_vecadd(p);
}

static double s_vecadd_svm(struct plat *p)
{
	size_t g = N;
	double us = run1(p, K_VECADD_SVM, 1, &g, NULL);

	return 12.0 * N / (us * 1e3);
}

static double s_saxpy(struct plat *p)
{
	size_t g = N;
	double us = run1(p, K_SAXPY, 1, &g, NULL);

	return 12.0 * N / (us * 1e3);
}

static double s_reduce(struct plat *p)
{
	size_t g = N, l = WG;
	double us = run1(p, K_REDUCE, 1, &g, &l);

	return 4.0 * N / (us * 1e3);
}

static double s_sgemm(struct plat *p)
{
	size_t g[2] = {SGEMM_N, SGEMM_N};
	double us = run1(p, K_SGEMM, 2, g, NULL);

	return 2.0 * SGEMM_N * SGEMM_N * SGEMM_N / (us * 1e3); /* GFLOP/s */
}

/* Million list nodes per second: 1024 work-items, each walking its list. */
static double walk_rate(struct plat *p, int k)
{
	size_t g = 1024;

	return g * (NODES / 1024) / run1(p, k, 1, &g, NULL);
}

static double s_walk(struct plat *p)
{
	return walk_rate(p, K_WALK);
}

static double s_walk_sys(struct plat *p)
{
	return walk_rate(p, K_WALK_SYS);
}

static double s_walk_shuffled(struct plat *p)
{
	return walk_rate(p, K_WALK_SHUFFLED);
}

#define STENCIL_R 4

/* Million points per second of a 9-point stencil whose radius is an
 * argument (a loop the compiler cannot unroll). */
static double s_stencil(struct plat *p)
{
	size_t g = N - 64;

	return g / run1(p, K_STENCIL, 1, &g, NULL);
}

/* Million atomic increments per second: one per work-item. */
static double atomic_rate(struct plat *p, int k)
{
	size_t g = 1 << 20;

	return g / run1(p, k, 1, &g, NULL);
}

static double s_atomics(struct plat *p)
{
	return atomic_rate(p, K_COUNT);
}

/* The old values used: tickets. */
static double s_tickets(struct plat *p)
{
	return atomic_rate(p, K_TICKET);
}

static double s_rebuild(struct plat *p)
{
	double t = now_us();
	cl_int err;
	cl_program prog = clCreateProgramWithSource(p->ctx, 1, &source, NULL, &err);

	FAIL_IF(err);
	FAIL_IF(clBuildProgram(prog, 1, &p->dev, "-cl-std=CL3.0", NULL, NULL));
	t = now_us() - t;
	clReleaseProgram(prog);
	return t / 1e3; /* ms */
}

/* 1024 lists, interleaved through memory so walking them misses caches;
 * node i of the walk at place[i] (NULL: in order). */
static void fill_list(void *mem, void **heads, const unsigned *place)
{
	struct node {
		void *next;
		int value;
	} *nodes = mem;

	for (unsigned i = 0; i < NODES; i++) {
		unsigned at = place ? place[i] : i, next = i + 1024;

		nodes[at].value = 1;
		nodes[at].next = next < NODES ? &nodes[place ? place[next] : next] : NULL;
	}
	for (unsigned i = 0; i < 1024; i++)
		heads[i] = &nodes[place ? place[i] : i];
}

/* The nodes in a random order: every step of a walk a cache and TLB miss,
 * its latency exposed. */
static void fill_shuffled(void *mem, void **heads)
{
	unsigned *place = malloc(NODES * sizeof(*place));
	uint32_t x = 12345;

	if (!place)
		return;
	for (unsigned i = 0; i < NODES; i++)
		place[i] = i;
	for (unsigned i = NODES - 1; i > 0; i--) {
		unsigned j, t;

		x = x * 1664525u + 1013904223u;
		j = (unsigned)(((uint64_t)x * (i + 1)) >> 32);
		t = place[i];
		place[i] = place[j];
		place[j] = t;
	}
	fill_list(mem, heads, place);
	free(place);
}

static bool set_args(struct plat *p)
{
	struct kstate *s = KS(p);
	float scale = 2.0f;
	cl_int n = SGEMM_N, steps = NODES / 1024, radius = STENCIL_R;

	for (int k = 1; k < K_NUM; k++)
		if (s->system_svm &&
		    failed(p, "clSetKernelExecInfo",
			   clSetKernelExecInfo(s->k[k], CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
					       sizeof(cl_bool), &(cl_bool){CL_TRUE})))
			return false;
	return !failed(p, "args",
		       clSetKernelArgSVMPointer(s->k[K_VECADD], 0, s->a) |
			       clSetKernelArgSVMPointer(s->k[K_VECADD], 1, s->b) |
			       clSetKernelArgSVMPointer(s->k[K_VECADD], 2, s->c) |
			       clSetKernelArgSVMPointer(s->k[K_VECADD_SVM], 0, s->svm[0]) |
			       clSetKernelArgSVMPointer(s->k[K_VECADD_SVM], 1, s->svm[1]) |
			       clSetKernelArgSVMPointer(s->k[K_VECADD_SVM], 2, s->svm[2]) |
			       clSetKernelArg(s->k[K_SAXPY], 0, sizeof(scale), &scale) |
			       clSetKernelArgSVMPointer(s->k[K_SAXPY], 1, s->a) |
			       clSetKernelArgSVMPointer(s->k[K_SAXPY], 2, s->c) |
			       clSetKernelArgSVMPointer(s->k[K_REDUCE], 0, s->svm[0]) |
			       clSetKernelArgSVMPointer(s->k[K_REDUCE], 1, s->svm[2]) |
			       clSetKernelArg(s->k[K_REDUCE], 2, WG * sizeof(float), NULL) |
			       clSetKernelArg(s->k[K_SGEMM], 0, sizeof(n), &n) |
			       clSetKernelArgSVMPointer(s->k[K_SGEMM], 1, s->ga) |
			       clSetKernelArgSVMPointer(s->k[K_SGEMM], 2, s->gb) |
			       clSetKernelArgSVMPointer(s->k[K_SGEMM], 3, s->gc) |
			       clSetKernelArgSVMPointer(s->k[K_WALK], 0, s->heads) |
			       clSetKernelArg(s->k[K_WALK], 1, sizeof(steps), &steps) |
			       clSetKernelArgSVMPointer(s->k[K_WALK], 2, s->out) |
			       clSetKernelArgSVMPointer(s->k[K_COUNT], 0, s->counter) |
			       clSetKernelArgSVMPointer(s->k[K_TICKET], 0, s->counter) |
			       clSetKernelArgSVMPointer(s->k[K_TICKET], 1, s->svm[2]) |
			       clSetKernelArgSVMPointer(s->k[K_WALK_SYS], 0, s->sys_heads) |
			       clSetKernelArg(s->k[K_WALK_SYS], 1, sizeof(steps), &steps) |
			       clSetKernelArgSVMPointer(s->k[K_WALK_SYS], 2, s->out) |
			       clSetKernelArgSVMPointer(s->k[K_WALK_SHUFFLED], 0, s->rnd_heads) |
			       clSetKernelArg(s->k[K_WALK_SHUFFLED], 1, sizeof(steps), &steps) |
			       clSetKernelArgSVMPointer(s->k[K_WALK_SHUFFLED], 2, s->out) |
			       clSetKernelArgSVMPointer(s->k[K_STENCIL], 0, s->svm[0]) |
			       clSetKernelArgSVMPointer(s->k[K_STENCIL], 1, s->weights) |
			       clSetKernelArgSVMPointer(s->k[K_STENCIL], 2, s->svm[2]) |
			       clSetKernelArg(s->k[K_STENCIL], 3, sizeof(radius), &radius));
}

static void setup(struct plat *p, bool want_pocl, struct kstate *s)
{
	cl_device_svm_capabilities caps = 0;
	cl_int err;

	p->priv = s;
	plat_setup(p, want_pocl);
	if (!p->ok)
		return;
	p->ok = false;
	clGetDeviceInfo(p->dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL);
	s->system_svm = caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM;
	printf("        streams on %s\n", s->system_svm ? "malloc'd memory (fine-grain system SVM)"
						   : "clSVMAlloc fine-grain buffers");
	s->prog = clCreateProgramWithSource(p->ctx, 1, &source, NULL, &err);
	if (failed(p, "clCreateProgramWithSource", err))
		return;
	if (failed(p, "clBuildProgram",
		   clBuildProgram(s->prog, 1, &p->dev, "-cl-std=CL3.0", NULL, NULL))) {
		char log[4096] = "";

		clGetProgramBuildInfo(s->prog, p->dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		fprintf(stderr, "%s\n", log);
		return;
	}
	for (int k = 0; k < K_NUM; k++) {
		s->k[k] = clCreateKernel(s->prog, names[k], &err);
		if (failed(p, names[k], err))
			return;
	}
	s->a = alloc(p, N * sizeof(float));
	s->b = alloc(p, N * sizeof(float));
	s->c = alloc(p, N * sizeof(float));
	for (int i = 0; i < 3; i++)
		s->svm[i] = clSVMAlloc(p->ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER,
					 N * sizeof(float), 0);
	s->ga = svm_alloc(p, SGEMM_N * SGEMM_N * sizeof(float));
	s->gb = svm_alloc(p, SGEMM_N * SGEMM_N * sizeof(float));
	s->gc = svm_alloc(p, SGEMM_N * SGEMM_N * sizeof(float));
	s->nodes = svm_alloc(p, NODES * 2 * sizeof(void *));
	s->heads = svm_alloc(p, 1024 * sizeof(void *));
	s->sys_nodes = alloc(p, NODES * 2 * sizeof(void *));
	s->sys_heads = alloc(p, 1024 * sizeof(void *));
	s->rnd_nodes = svm_alloc(p, NODES * 2 * sizeof(void *));
	s->rnd_heads = svm_alloc(p, 1024 * sizeof(void *));
	s->weights = svm_alloc(p, (2 * STENCIL_R + 1) * sizeof(float));
	s->out = svm_alloc(p, 1024 * sizeof(int));
	s->counter = svm_alloc(p, sizeof(int));
	if (!s->a || !s->b || !s->c || !s->svm[0] || !s->svm[1] || !s->svm[2] || !s->ga ||
	    !s->gb || !s->gc || !s->nodes || !s->heads || !s->sys_nodes || !s->sys_heads ||
	    !s->rnd_nodes || !s->rnd_heads || !s->weights ||
	    !s->out || !s->counter) {
		failed(p, "allocation", CL_OUT_OF_RESOURCES);
		return;
	}
	for (size_t i = 0; i < N; i++) {
		s->a[i] = (float)(i % 1000);
		s->b[i] = 1.0f;
		s->c[i] = 0.0f;
		s->svm[0][i] = s->a[i];
		s->svm[1][i] = 1.0f;
		s->svm[2][i] = 0.0f;
	}
	/* Multiples of 1/8 whose sums are exact in any order: checkable. */
	for (size_t i = 0; i < SGEMM_N * SGEMM_N; i++) {
		s->ga[i] = (float)(i % 7) * 0.25f;
		s->gb[i] = (float)(i % 5) * 0.5f;
	}
	*s->counter = 0;
	fill_list(s->nodes, s->heads, NULL);
	fill_list(s->sys_nodes, s->sys_heads, NULL);
	fill_shuffled(s->rnd_nodes, s->rnd_heads);
	for (int i = 0; i <= 2 * STENCIL_R; i++)
		s->weights[i] = 1.0f / (float)(2 * STENCIL_R + 1);
	p->ok = set_args(p);
}

static void teardown(struct plat *p, struct kstate *s)
{
	void *bufs[] = {s->a, s->b, s->c, s->sys_nodes, s->sys_heads};
	void *svm[] = {s->svm[0], s->svm[1], s->svm[2], s->ga, s->gb, s->gc, s->nodes, s->heads,
		       s->out, s->counter, s->rnd_nodes, s->rnd_heads, s->weights};

	if (p->q)
		clFinish(p->q);
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		if (bufs[i])
			release(p, bufs[i]);
	for (size_t i = 0; i < sizeof(svm) / sizeof(svm[0]); i++)
		if (svm[i])
			clSVMFree(p->ctx, svm[i]);
	for (int k = 0; k < K_NUM; k++)
		if (s->k[k])
			clReleaseKernel(s->k[k]);
	if (s->prog)
		clReleaseProgram(s->prog);
	plat_teardown(p);
}

/* The figures mean nothing if the kernels compute something else: sgemm's
 * result (every 37th row) against the host's, after the timed runs. */
static bool sgemm_correct(struct plat *p)
{
	struct kstate *s = KS(p);

	if (!p->ok)
		return true;
	for (size_t i = 0; i < SGEMM_N; i += 37)
		for (size_t j = 0; j < SGEMM_N; j++) {
			float want = 0;

			for (size_t k = 0; k < SGEMM_N; k++)
				want += s->ga[i * SGEMM_N + k] * s->gb[k * SGEMM_N + j];
			if (s->gc[i * SGEMM_N + j] != want) {
				fprintf(stderr, "%s: sgemm computed c[%zu][%zu] = %g, want %g\n",
					p->label, i, j, s->gc[i * SGEMM_N + j], want);
				return false;
			}
		}
	return true;
}

int main(int argc, char **argv)
{
	struct plat plats[2] = {{.label = "svmgpu"}, {.label = "pocl"}};
	struct kstate states[2] = {{0}};
	struct host_bandwidth bw;
	double host_memcpy;
	bool correct;

	if (!bench_args(argc, argv))
		return 2;
	if (!host_bandwidth_measure(N * sizeof(float), &bw))
		return 1;
	host_memcpy = 2 * host_bandwidth_best(&bw); /* read + write, as a kernel counts */
	setup(&plats[0], false, &states[0]);
	setup(&plats[1], true, &states[1]);
	printf("host    memcpy %.1f GB/s one thread, %.1f GB/s %d threads (64 MiB, read+write "
	       "counted; streams are compared with the better)\n",
	       2 * bw.one_thread, 2 * bw.all_threads, bw.threads);
	printf("median of %d repetitions after a warm-up; ratio > 1: svmgpu is better\n\n",
	       bench_reps);

	const struct figure figs[] = {
		{"empty kernel enqueue-to-finish", "us", s_round_trip, TIME, NULL, NULL},
		{"empty kernel enqueue, per kernel", "us", s_enqueue, TIME, NULL, NULL},
		{"vecadd, 16M floats", "GB/s", s_vecadd, RATE, &host_memcpy, "memcpy"},
		{"saxpy, 16M floats", "GB/s", s_saxpy, RATE, &host_memcpy, "memcpy"},
		{"vecadd, 16M floats, migrated first", "GB/s", s_vecadd_migrated, RATE, &host_memcpy,
		 "memcpy"},
		{"vecadd, 16M floats, both clSVMAlloc", "GB/s", s_vecadd_svm, RATE, &host_memcpy,
		 "memcpy"},
		{"local-memory reduction, 16M floats", "GB/s", s_reduce, RATE, NULL, NULL},
		{"naive sgemm 512x512", "GF/s", s_sgemm, RATE, NULL, NULL},
		{"linked-list walk, 1M nodes", "M/s", s_walk, RATE, NULL, NULL},
		{"linked-list walk, malloc'd nodes", "M/s", s_walk_sys, RATE, NULL, NULL},
		{"linked-list walk, shuffled nodes", "M/s", s_walk_shuffled, RATE, NULL, NULL},
		{"9-point stencil, radius an argument", "M/s", s_stencil, RATE, NULL, NULL},
		{"atomic_inc on one counter", "M/s", s_atomics, RATE, NULL, NULL},
		{"atomic_inc, old values stored", "M/s", s_tickets, RATE, NULL, NULL},
		{"cached rebuild of the program", "ms", s_rebuild, TIME, NULL, NULL},
	};
	print_figures(figs, sizeof(figs) / sizeof(figs[0]), plats);
	correct = sgemm_correct(&plats[0]) & sgemm_correct(&plats[1]);
	teardown(&plats[0], &states[0]);
	teardown(&plats[1], &states[1]);
	return correct ? 0 : 1;
}
