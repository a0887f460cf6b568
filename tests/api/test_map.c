// SPDX-License-Identifier: MIT
/* clEnqueueMapBuffer and clEnqueueUnmapMemObject: zero-copy pointers
 * (host_ptr + offset for USE_HOST_PTR, parent + origin for sub-buffers),
 * visibility of writes both ways, CL_MEM_MAP_COUNT, overlapping mappings for
 * writing, non-blocking maps gated by events, a failed dependency, and every
 * argument error. */
#include "testutil.h"
#include <pthread.h>
#include <stdint.h>

static size_t g_align;

static cl_uint map_count(cl_mem m)
{
	cl_uint n = 999;

	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_MAP_COUNT, sizeof(n), &n, NULL), "map count");
	return n;
}

static void *map(struct tu_env *env, cl_mem m, cl_map_flags f, size_t off, size_t size,
		 cl_int *err)
{
	return clEnqueueMapBuffer(env->queue, m, CL_TRUE, f, off, size, 0, NULL, NULL, err);
}

static void semantics(struct tu_env *env)
{
	enum { N = 8192 };
	char *host = malloc(N), buf[64];
	cl_int err;
	cl_mem u = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, N, host, &err);
	cl_mem a = clCreateBuffer(env->context, 0, N, NULL, &err);
	char *p, *q;

	REQUIRE(u && a, "buffers");
	/* USE_HOST_PTR: the pointer derives from host_ptr. */
	p = map(env, u, CL_MAP_READ, 100, 50, &err);
	CHECK_OK(err, "map USE_HOST_PTR buffer");
	CHECK(p == host + 100, "mapped pointer is host_ptr + offset");
	CHECK(map_count(u) == 1, "map count 1");
	q = map(env, u, CL_MAP_READ, 120, 50, &err);
	CHECK_OK(err, "overlapping read mappings are fine");
	CHECK(map_count(u) == 2, "map count 2");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, u, p, 0, NULL, NULL), "unmap");
	CHECK(map_count(u) == 1, "map count back to 1");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, u, p, 0, NULL, NULL), CL_INVALID_VALUE,
		  "unmap twice");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, u, q, 0, NULL, NULL), "unmap");
	CHECK(map_count(u) == 0, "map count 0");

	/* Write-then-map: the map sees a write enqueued before it. */
	for (int i = 0; i < 64; i++)
		buf[i] = (char)(i * 3);
	CHECK_OK(clEnqueueWriteBuffer(env->queue, a, CL_FALSE, 4000, 64, buf, 0, NULL, NULL), "w");
	p = map(env, a, CL_MAP_READ, 4000, 64, &err);
	CHECK(p && memcmp(p, buf, 64) == 0, "map shows the earlier write");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, p, 0, NULL, NULL), "unmap");
	/* Map-write-unmap: a later read sees what the host wrote. */
	p = map(env, a, CL_MAP_WRITE_INVALIDATE_REGION, 10, 20, &err);
	REQUIRE(p, "map for writing");
	memcpy(p, "mapped-write-visible", 20);
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, p, 0, NULL, NULL), "unmap");
	CHECK_OK(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 10, 20, buf, 0, NULL, NULL), "r");
	CHECK(memcmp(buf, "mapped-write-visible", 20) == 0, "host writes through the map");
	p = map(env, a, CL_MAP_READ | CL_MAP_WRITE, 0, N, &err);
	CHECK_OK(err, "map READ|WRITE");
	CHECK(p && memcmp(p + 10, "mapped-write-visible", 20) == 0, "whole-buffer map");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, p, 0, NULL, NULL), "unmap");
	p = map(env, a, 0, 0, 16, &err);
	CHECK_OK(err, "map flags 0");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, p, 0, NULL, NULL), "unmap");

	/* Sub-buffers map into their parent's storage. */
	cl_mem s = clCreateSubBuffer(a, 0, CL_BUFFER_CREATE_TYPE_REGION,
				     &(cl_buffer_region){2 * g_align, g_align}, &err);
	p = map(env, a, CL_MAP_READ, 0, 4 * g_align, &err);
	q = map(env, s, CL_MAP_READ, 3, 5, &err);
	CHECK_OK(err, "map a sub-buffer");
	CHECK(q == p + 2 * g_align + 3, "sub-buffer pointer is parent + origin + offset");
	CHECK(map_count(a) == 1 && map_count(s) == 1, "each object counts its own maps");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, a, q, 0, NULL, NULL), CL_INVALID_VALUE,
		  "a sub-buffer's pointer is not the parent's mapping");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, s, q, 0, NULL, NULL), "unmap sub");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, p, 0, NULL, NULL), "unmap parent");

	/* Overlapping mappings where one is for writing are an error, also
	 * across a buffer and its sub-buffer; disjoint ones are not. */
	p = map(env, a, CL_MAP_WRITE, 0, 100, &err);
	CHECK_OK(err, "map for writing");
	q = map(env, a, CL_MAP_READ, 99, 10, &err);
	CHECK(q == NULL, "no pointer");
	CHECK_ERR(err, CL_INVALID_OPERATION, "read map overlapping a write map");
	map(env, a, CL_MAP_WRITE_INVALIDATE_REGION, 50, 10, &err);
	CHECK_ERR(err, CL_INVALID_OPERATION, "two write maps overlapping");
	CHECK(map_count(a) == 1, "failed maps do not count");
	q = map(env, a, CL_MAP_WRITE, 100, 10, &err);
	CHECK_OK(err, "adjacent write map");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, q, 0, NULL, NULL), "unmap");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, p, 0, NULL, NULL), "unmap");
	p = map(env, s, CL_MAP_WRITE, 0, 8, &err);
	CHECK_OK(err, "write map of a sub-buffer");
	map(env, a, CL_MAP_READ, 2 * g_align + 7, 4, &err);
	CHECK_ERR(err, CL_INVALID_OPERATION, "parent map over a sub-buffer's write map");
	q = map(env, a, CL_MAP_READ, 2 * g_align + 8, 4, &err);
	CHECK_OK(err, "parent map next to it");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, q, 0, NULL, NULL), "unmap");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, s, p, 0, NULL, NULL), "unmap");
	p = map(env, a, CL_MAP_WRITE, 0, 64, &err);
	CHECK_OK(err, "writing is allowed again after the unmap");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, a, p, 0, NULL, NULL), "unmap");

	/* Releasing a mapped object forgets its mappings. */
	cl_mem t = clCreateBuffer(env->context, 0, 64, NULL, &err);
	p = map(env, t, CL_MAP_WRITE, 0, 64, &err);
	CHECK(p != NULL, "map before release");
	CHECK_OK(clFinish(env->queue), "finish");
	CHECK_OK(clReleaseMemObject(t), "release a mapped buffer");

	CHECK_OK(clFinish(env->queue), "finish");
	clReleaseMemObject(s);
	clReleaseMemObject(u);
	clReleaseMemObject(a);
	free(host);
}

static void events(struct tu_env *env)
{
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, 256, NULL, &err);
	cl_event gate = clCreateUserEvent(env->context, &err), w, mev, uev, bad;
	cl_command_type t = 0;
	cl_int st = 0;
	char data[256];
	char *p;

	REQUIRE(m && gate, "objects");
	for (int i = 0; i < 256; i++)
		data[i] = (char)(255 - i);
	CHECK_OK(clEnqueueWriteBuffer(env->queue, m, CL_FALSE, 0, 256, data, 1, &gate, &w), "w");
	p = clEnqueueMapBuffer(env->queue, m, CL_FALSE, CL_MAP_READ, 0, 256, 0, NULL, &mev, &err);
	CHECK_OK(err, "non-blocking map");
	CHECK(p != NULL, "the pointer comes at once");
	CHECK(map_count(m) == 1, "counted at enqueue");
	clGetEventInfo(mev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	CHECK(st > CL_COMPLETE, "the map waits for the gated write");
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "open");
	CHECK_OK(clWaitForEvents(1, &mev), "wait for the map");
	CHECK(memcmp(p, data, 256) == 0, "mapped data after the event");
	clGetEventInfo(mev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL);
	CHECK(t == CL_COMMAND_MAP_BUFFER, "map command type");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, m, p, 0, NULL, &uev), "unmap");
	CHECK_OK(clWaitForEvents(1, &uev), "wait for the unmap");
	clGetEventInfo(uev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL);
	CHECK(t == CL_COMMAND_UNMAP_MEM_OBJECT, "unmap command type");
	CHECK(map_count(m) == 0, "count back to 0");

	/* A blocking map after a failed dependency: no pointer, no mapping. */
	bad = clCreateUserEvent(env->context, &err);
	CHECK_OK(clSetUserEventStatus(bad, -77), "fail");
	p = clEnqueueMapBuffer(env->queue, m, CL_TRUE, CL_MAP_WRITE, 0, 16, 1, &bad, NULL, &err);
	CHECK(p == NULL, "no pointer from a failed blocking map");
	CHECK_ERR(err, CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, "failed dependency");
	CHECK(map_count(m) == 0, "a failed map is not counted");
	p = map(env, m, CL_MAP_WRITE, 0, 16, &err);
	CHECK_OK(err, "the range is free for writing");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, m, p, 0, NULL, NULL), "unmap");

	CHECK_OK(clFinish(env->queue), "finish");
	clReleaseEvent(gate);
	clReleaseEvent(w);
	clReleaseEvent(mev);
	clReleaseEvent(uev);
	clReleaseEvent(bad);
	clReleaseMemObject(m);
}

static void errors(struct tu_env *env)
{
	static const struct {
		cl_mem_flags f;
		bool read, write;
	} hosts[] = {
		{0, true, true},
		{CL_MEM_HOST_WRITE_ONLY, false, true},
		{CL_MEM_HOST_READ_ONLY, true, false},
		{CL_MEM_HOST_NO_ACCESS, false, false},
	};
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, 1024, NULL, &err);
	cl_mem m2 = clCreateBuffer(env->context, 0, 1024, NULL, &err);
	cl_context ctx2 = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	cl_mem other = clCreateBuffer(ctx2, 0, 1024, NULL, &err);
	cl_event foreign = clCreateUserEvent(ctx2, &err);
	char local[16];
	void *p;

	REQUIRE(m && m2 && other && foreign, "objects");
	p = clEnqueueMapBuffer(NULL, m, CL_TRUE, CL_MAP_READ, 0, 16, 0, NULL, NULL, &err);
	CHECK(p == NULL, "NULL on error");
	CHECK_ERR(err, CL_INVALID_COMMAND_QUEUE, "NULL queue");
	map(env, NULL, CL_MAP_READ, 0, 16, &err);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT, "NULL buffer");
	map(env, (cl_mem)env->context, CL_MAP_READ, 0, 16, &err);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT, "a context as buffer");
	map(env, other, CL_MAP_READ, 0, 16, &err);
	CHECK_ERR(err, CL_INVALID_CONTEXT, "buffer of another context");
	map(env, m, CL_MAP_READ, 0, 0, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "size 0");
	map(env, m, CL_MAP_READ, 1000, 25, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "past the end");
	map(env, m, CL_MAP_READ, SIZE_MAX, 2, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "offset + size wraps");
	map(env, m, 1 << 5, 0, 16, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "unknown map flag");
	map(env, m, CL_MAP_WRITE_INVALIDATE_REGION | CL_MAP_READ, 0, 16, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "WRITE_INVALIDATE_REGION with READ");
	map(env, m, CL_MAP_WRITE_INVALIDATE_REGION | CL_MAP_WRITE, 0, 16, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "WRITE_INVALIDATE_REGION with WRITE");
	clEnqueueMapBuffer(env->queue, m, CL_TRUE, CL_MAP_READ, 0, 16, 1, NULL, NULL, &err);
	CHECK_ERR(err, CL_INVALID_EVENT_WAIT_LIST, "wait list");
	clEnqueueMapBuffer(env->queue, m, CL_TRUE, CL_MAP_READ, 0, 16, 1, &foreign, NULL, &err);
	CHECK_ERR(err, CL_INVALID_CONTEXT, "event of another context");
	CHECK(map_count(m) == 0, "no failed map counted");
	p = clEnqueueMapBuffer(env->queue, m, CL_TRUE, CL_MAP_READ, 0, 16, 0, NULL, NULL, NULL);
	CHECK(p != NULL, "NULL errcode_ret");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, m, p, 0, NULL, NULL), "unmap");

	for (int i = 0; i < 4; i++) {
		cl_mem h = clCreateBuffer(env->context, hosts[i].f, 64, NULL, &err);
		static const cl_map_flags mf[] = {CL_MAP_READ, CL_MAP_WRITE,
						  CL_MAP_WRITE_INVALIDATE_REGION,
						  CL_MAP_READ | CL_MAP_WRITE};

		for (int j = 0; j < 4; j++) {
			bool ok = (!(mf[j] & CL_MAP_READ) || hosts[i].read) &&
				  (!(mf[j] & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION)) ||
				   hosts[i].write);

			p = map(env, h, mf[j], 0, 64, &err);
			CHECK_ERR(err, ok ? CL_SUCCESS : CL_INVALID_OPERATION,
				  "map flags 0x%llx of a buffer with 0x%llx",
				  (unsigned long long)mf[j], (unsigned long long)hosts[i].f);
			if (p)
				clEnqueueUnmapMemObject(env->queue, h, p, 0, NULL, NULL);
		}
		clReleaseMemObject(h);
	}

	p = map(env, m, CL_MAP_READ, 0, 16, &err);
	REQUIRE(p, "a live mapping");
	CHECK_ERR(clEnqueueUnmapMemObject(NULL, m, p, 0, NULL, NULL), CL_INVALID_COMMAND_QUEUE,
		  "unmap, NULL queue");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, NULL, p, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "unmap, NULL object");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, other, p, 0, NULL, NULL), CL_INVALID_CONTEXT,
		  "unmap, object of another context");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, m2, p, 0, NULL, NULL), CL_INVALID_VALUE,
		  "unmap with another object");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, m, (char *)p + 1, 0, NULL, NULL),
		  CL_INVALID_VALUE, "unmap an interior pointer");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, m, local, 0, NULL, NULL), CL_INVALID_VALUE,
		  "unmap a host pointer");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, m, NULL, 0, NULL, NULL), CL_INVALID_VALUE,
		  "unmap NULL");
	CHECK_ERR(clEnqueueUnmapMemObject(env->queue, m, p, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "unmap wait list");
	CHECK(map_count(m) == 1, "failed unmaps leave the mapping");
	CHECK_OK(clEnqueueUnmapMemObject(env->queue, m, p, 0, NULL, NULL), "unmap");
	CHECK(map_count(m) == 0, "count 0");

	CHECK_OK(clFinish(env->queue), "finish");
	clReleaseEvent(foreign);
	clReleaseMemObject(m);
	clReleaseMemObject(m2);
	clReleaseMemObject(other);
	clReleaseContext(ctx2);
}

/* Threads map disjoint slices of one buffer for writing, fill them through
 * the pointer and unmap, over and over: no false overlap, no lost count. */
enum { NTHREADS = 4, SLICE = 256, ROUNDS = 200 };

struct worker {
	struct tu_env *env;
	cl_mem m;
	int id, failures;
};

static void *map_worker(void *arg)
{
	struct worker *w = arg;
	cl_int err;

	for (int r = 0; r < ROUNDS; r++) {
		unsigned char *p = clEnqueueMapBuffer(w->env->queue, w->m, CL_TRUE, CL_MAP_WRITE,
						      (size_t)w->id * SLICE, SLICE, 0, NULL, NULL,
						      &err);

		if (!p) {
			w->failures++;
			continue;
		}
		memset(p, w->id + r, SLICE);
		if (clEnqueueUnmapMemObject(w->env->queue, w->m, p, 0, NULL, NULL) != CL_SUCCESS)
			w->failures++;
	}
	return NULL;
}

static void threads(struct tu_env *env)
{
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, NTHREADS * SLICE, NULL, &err);
	struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	unsigned char back[NTHREADS * SLICE];
	int failures = 0;
	bool ok = true;

	REQUIRE(m, "buffer");
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){env, m, i, 0};
		pthread_create(&t[i], NULL, map_worker, &w[i]);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		failures += w[i].failures;
	}
	CHECK(failures == 0, "concurrent disjoint write maps: %d failures", failures);
	CHECK(map_count(m) == 0, "all unmapped");
	CHECK_OK(clEnqueueReadBuffer(env->queue, m, CL_TRUE, 0, sizeof(back), back, 0, NULL, NULL),
		 "read back");
	for (int i = 0; i < NTHREADS * SLICE; i++)
		ok &= back[i] == (unsigned char)(i / SLICE + ROUNDS - 1);
	CHECK(ok, "every thread's last write is there");
	clReleaseMemObject(m);
}

int main(void)
{
	struct tu_env env;
	cl_uint bits = 0;

	tu_env_init(&env, 0);
	clGetDeviceInfo(env.device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof(bits), &bits, NULL);
	g_align = bits / 8 ? bits / 8 : 1;
	semantics(&env);
	events(&env);
	errors(&env);
	threads(&env);
	tu_env_fini(&env);
	return tu_done();
}
