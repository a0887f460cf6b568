// SPDX-License-Identifier: MIT
/* The SVM commands: clEnqueueSVMMemcpy (blocking, non-blocking, events,
 * chained dependencies, failed dependencies, overlap, host memory),
 * clEnqueueSVMMemFill (every pattern size, legal unaligned offsets, every
 * byte and its neighbours, pattern copied at enqueue), clEnqueueSVMMap/Unmap
 * (with and without events and wait lists, ordering), clEnqueueSVMFree (with
 * and without callback), clEnqueueSVMMigrateMem (valid and invalid), and the
 * argument checks of each, in the specification's order. */
#include "testutil.h"
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

static struct tu_env env;
static cl_command_queue ooo; /* an out-of-order queue on the same context */

static bool live(const void *p)
{
	return clEnqueueSVMMigrateMem(env.queue, 1, &p, NULL, 0, 0, NULL, NULL) == CL_SUCCESS;
}

static cl_int status_of(cl_event ev)
{
	cl_int st = 99;

	clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	return st;
}

static cl_command_type type_of(cl_event ev)
{
	cl_command_type t = 0;

	clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL);
	return t;
}

static cl_event user_event(void)
{
	cl_int err;
	cl_event ev = clCreateUserEvent(env.context, &err);

	REQUIRE(err == CL_SUCCESS && ev, "user event");
	return ev;
}

/* Completes a user event from another thread after a delay, so that a
 * blocking call on this thread has something to wait for. */
struct late {
	pthread_t thread;
	cl_event ev;
	cl_int status;
};

static void *late_main(void *arg)
{
	struct late *l = arg;

	usleep(50 * 1000);
	clSetUserEventStatus(l->ev, l->status);
	return NULL;
}

static void late_start(struct late *l, cl_event ev, cl_int status)
{
	int rc;

	l->ev = ev;
	l->status = status;
	rc = pthread_create(&l->thread, NULL, late_main, l);
	REQUIRE(rc == 0, "thread"); /* REQUIRE evaluates its condition twice */
}

static void fill_bytes(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 13 + (i >> 8));
}

/* ---- argument checks common to every entry point ---- */

static void common_errors(void)
{
	/* A handle of our platform that is not a queue reaches our entry
	 * points (a NULL one is answered by the loader). */
	cl_command_queue notq = (cl_command_queue)env.context;
	unsigned char *p = clSVMAlloc(env.context, CL_MEM_READ_WRITE, 256, 0);
	const void *cp = p;
	void *vp = p;
	cl_event bogus = (cl_event)env.context, other_ev;
	cl_context other;
	cl_int err;
	int pat = 0;

	REQUIRE(p, "alloc");
	CHECK_ERR(clEnqueueSVMMemcpy(notq, CL_TRUE, p, p + 128, 16, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "memcpy: not a queue");
	CHECK_ERR(clEnqueueSVMMemFill(notq, p, &pat, 4, 16, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "fill: not a queue");
	CHECK_ERR(clEnqueueSVMMap(notq, CL_TRUE, CL_MAP_READ, p, 16, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "map: not a queue");
	CHECK_ERR(clEnqueueSVMUnmap(notq, p, 0, NULL, NULL), CL_INVALID_COMMAND_QUEUE,
		  "unmap: not a queue");
	CHECK_ERR(clEnqueueSVMFree(notq, 1, &vp, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "free: not a queue");
	CHECK_ERR(clEnqueueSVMMigrateMem(notq, 1, &cp, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "migrate: not a queue");
	/* The queue is checked before the other arguments. */
	CHECK_ERR(clEnqueueSVMMemcpy(notq, CL_TRUE, NULL, NULL, 16, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "memcpy: queue checked first");
	CHECK_ERR(clEnqueueSVMMigrateMem(notq, 0, NULL, NULL, 0xff, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "migrate: queue checked first");

	/* Wait lists. */
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, p, p + 128, 16, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "memcpy: count without list");
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, p, &pat, 4, 16, 0, &bogus, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "fill: list without count");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_FALSE, CL_MAP_READ, p, 16, 1, &bogus, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "map: not an event");
	CHECK_ERR(clEnqueueSVMUnmap(env.queue, p, 1, NULL, NULL), CL_INVALID_EVENT_WAIT_LIST,
		  "unmap: count without list");
	CHECK_ERR(clEnqueueSVMFree(env.queue, 1, &vp, NULL, NULL, 1, &bogus, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "free: not an event");
	CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 1, &cp, NULL, 0, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "migrate: count without list");
	CHECK(live(p), "the refused free freed nothing");

	/* Arguments are checked before the wait list. */
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, NULL, p, 16, 1, NULL, NULL),
		  CL_INVALID_VALUE, "memcpy: arguments before wait list");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, p, 0, 1, NULL, NULL),
		  CL_INVALID_VALUE, "map: arguments before wait list");

	other = clCreateContext(NULL, 1, &env.device, NULL, NULL, &err);
	REQUIRE(err == CL_SUCCESS, "second context");
	other_ev = clCreateUserEvent(other, &err);
	REQUIRE(err == CL_SUCCESS, "its user event");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, p, p + 128, 16, 1, &other_ev, NULL),
		  CL_INVALID_CONTEXT, "memcpy: event of another context");
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, p, &pat, 4, 16, 1, &other_ev, NULL),
		  CL_INVALID_CONTEXT, "fill: event of another context");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_FALSE, CL_MAP_WRITE, p, 16, 1, &other_ev, NULL),
		  CL_INVALID_CONTEXT, "map: event of another context");
	CHECK_ERR(clEnqueueSVMUnmap(env.queue, p, 1, &other_ev, NULL), CL_INVALID_CONTEXT,
		  "unmap: event of another context");
	CHECK_ERR(clEnqueueSVMFree(env.queue, 1, &vp, NULL, NULL, 1, &other_ev, NULL),
		  CL_INVALID_CONTEXT, "free: event of another context");
	CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 1, &cp, NULL, 0, 1, &other_ev, NULL),
		  CL_INVALID_CONTEXT, "migrate: event of another context");
	clSetUserEventStatus(other_ev, CL_COMPLETE);
	clReleaseEvent(other_ev);
	clReleaseContext(other);
	CHECK(live(p), "nothing freed by refused calls");
	clSVMFree(env.context, p);
}

/* ---- clEnqueueSVMMemcpy ---- */

static void memcpy_basic(void)
{
	const size_t n = 256 * 1024 + 3;
	unsigned char *a = clSVMAlloc(env.context, CL_MEM_READ_WRITE, n, 0);
	unsigned char *b = clSVMAlloc(env.context, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
	unsigned char *h1 = malloc(n), *h2 = malloc(n), stack[512];
	cl_event ev = NULL;

	REQUIRE(a && b && h1 && h2, "alloc");
	fill_bytes(a, n, 1);
	memset(b, 0, n);
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, b, a, n, 0, NULL, NULL), "blocking");
	CHECK(memcmp(a, b, n) == 0, "blocking copy complete on return");

	fill_bytes(a, n, 2);
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_FALSE, b, a, n, 0, NULL, &ev), "non-blocking");
	CHECK(type_of(ev) == CL_COMMAND_SVM_MEMCPY, "CL_COMMAND_SVM_MEMCPY");
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	CHECK(status_of(ev) == CL_COMPLETE, "complete");
	CHECK(memcmp(a, b, n) == 0, "non-blocking copy complete after its event");
	clReleaseEvent(ev);

	/* Fine-grain system SVM: any host memory, in both directions. */
	fill_bytes(h1, n, 3);
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, h2, h1, n, 0, NULL, NULL), "host->host");
	CHECK(memcmp(h1, h2, n) == 0, "host->host data");
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a, h1, n, 0, NULL, NULL), "host->svm");
	CHECK(memcmp(a, h1, n) == 0, "host->svm data");
	fill_bytes(b, n, 4);
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_FALSE, h2, b, n, 0, NULL, NULL), "svm->host");
	CHECK_OK(clFinish(env.queue), "finish");
	CHECK(memcmp(h2, b, n) == 0, "svm->host data");
	fill_bytes(stack, sizeof(stack), 5);
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, b + 1001, stack, sizeof(stack), 0, NULL,
				    NULL), "stack -> unaligned svm");
	CHECK(memcmp(b + 1001, stack, sizeof(stack)) == 0, "stack data at an odd offset");

	/* Size 0 is not an error (OpenCL 3.0 lists none): nothing is written. */
	memset(h2, 0x5a, 16);
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, h2, a, 0, 0, NULL, &ev), "size 0");
	CHECK(type_of(ev) == CL_COMMAND_SVM_MEMCPY && status_of(ev) == CL_COMPLETE,
	      "size 0 has a complete CL_COMMAND_SVM_MEMCPY event");
	clReleaseEvent(ev);
	CHECK(h2[0] == 0x5a, "size 0 writes nothing");
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a, a, 0, 0, NULL, NULL),
		 "size 0 onto itself is no overlap");

	/* Errors. */
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, NULL, a, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL dst");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a, NULL, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL src");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a + n - 8, b, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "dst range runs past its SVM allocation");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, h1, b + 8, n, 0, NULL, NULL),
		  CL_INVALID_VALUE, "src range runs past its SVM allocation");
	/* The CTS's three overlap cases, plus neighbours that do not overlap. */
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a + 16, a, 32, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "end of src overlaps start of dst");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a, a + 16, 32, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "start of src overlaps end of dst");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a, a, 32, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "src is dst");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, h1 + 1, h1, 2, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "overlap in host memory");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a + 31, a, 32, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "one byte of overlap, dst after src");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a, a + 31, 32, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "one byte of overlap, src after dst");
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a + 32, a, 32, 0, NULL, NULL),
		 "adjacent ranges do not overlap");
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, a, a + 32, 32, 0, NULL, NULL),
		 "adjacent ranges do not overlap (reversed)");
	CHECK(memcmp(a, a + 32, 32) == 0, "adjacent copy data");

	clSVMFree(env.context, a);
	clSVMFree(env.context, b);
	free(h1);
	free(h2);
}

/* fill -> copy -> copy on an out-of-order queue, held by a user event. */
static void memcpy_chain(void)
{
	const size_t n = 100002; /* not a multiple of 4: the fill leaves a tail */
	unsigned char *a = clSVMAlloc(env.context, CL_MEM_READ_WRITE, n, 0);
	unsigned char *b = clSVMAlloc(env.context, CL_MEM_READ_WRITE, n, 0);
	unsigned char *h = malloc(n);
	cl_event gate = user_event(), ev[3];
	const cl_uint pattern = 0xa1b2c3d4;
	bool ok = true;

	REQUIRE(a && b && h, "alloc");
	memset(a, 0, n);
	memset(b, 0, n);
	memset(h, 0, n);
	CHECK_OK(clEnqueueSVMMemFill(ooo, a, &pattern, 4, n / 4 * 4, 1, &gate, &ev[0]), "fill");
	CHECK_OK(clEnqueueSVMMemcpy(ooo, CL_FALSE, b, a, n, 1, &ev[0], &ev[1]), "a->b");
	CHECK_OK(clEnqueueSVMMemcpy(ooo, CL_FALSE, h, b, n, 1, &ev[1], &ev[2]), "b->h");
	usleep(20 * 1000);
	CHECK(status_of(ev[0]) > CL_RUNNING && status_of(ev[2]) > CL_RUNNING,
	      "nothing runs before the gate opens");
	CHECK(a[0] == 0 && b[0] == 0 && h[0] == 0, "nothing written yet");
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "open the gate");
	CHECK_OK(clWaitForEvents(1, &ev[2]), "wait for the last");
	CHECK(status_of(ev[0]) == CL_COMPLETE && status_of(ev[1]) == CL_COMPLETE,
	      "its dependencies completed first");
	for (size_t i = 0; i < n / 4 * 4; i++)
		ok = ok && h[i] == ((const unsigned char *)&pattern)[i % 4];
	CHECK(ok, "the pattern travelled a -> b -> h");
	CHECK(h[n - 1] == 0 && h[n - 2] == 0, "the tail past the fill stayed 0");
	for (int i = 0; i < 3; i++)
		clReleaseEvent(ev[i]);
	clReleaseEvent(gate);

	/* A failed dependency: the copy does not run, a blocking one says so. */
	gate = user_event();
	memset(h, 0x11, n);
	CHECK_OK(clEnqueueSVMMemcpy(ooo, CL_FALSE, h, a, n, 1, &gate, &ev[0]), "gated copy");
	CHECK_OK(clSetUserEventStatus(gate, -1234), "fail the gate");
	clWaitForEvents(1, &ev[0]);
	CHECK(status_of(ev[0]) < 0, "the dependent copy failed (%d)", status_of(ev[0]));
	CHECK(h[0] == 0x11, "and did not copy");
	CHECK_ERR(clEnqueueSVMMemcpy(env.queue, CL_TRUE, h, a, n, 1, &gate, NULL),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, "blocking after a failed event");
	CHECK(h[0] == 0x11, "still not copied");
	clReleaseEvent(ev[0]);
	clReleaseEvent(gate);

	/* A long in-order chain: each copy reads what the previous wrote. */
	fill_bytes(a, n, 9);
	for (int i = 0; i < 50; i++) {
		CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_FALSE, b, a, n, 0, NULL, NULL), "a->b");
		CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_FALSE, a, b, n, 0, NULL, NULL), "b->a");
	}
	CHECK_OK(clEnqueueSVMMemcpy(env.queue, CL_TRUE, h, a, n, 0, NULL, NULL), "a->h");
	fill_bytes(b, n, 9);
	CHECK(memcmp(h, b, n) == 0, "an in-order chain keeps its order");

	clSVMFree(env.context, a);
	clSVMFree(env.context, b);
	free(h);
}

/* ---- clEnqueueSVMMemFill ---- */

static void fill_one(unsigned char *base, size_t cap, size_t ps, size_t off, size_t count,
		     const char *where)
{
	unsigned char pattern[128];
	size_t size = ps * count;
	cl_event ev;
	bool ok = true;

	fill_bytes(pattern, ps, (unsigned)ps);
	memset(base, 0xee, cap);
	CHECK_OK(clEnqueueSVMMemFill(env.queue, base + off, pattern, ps, size, 0, NULL, &ev),
		 "%s: pattern %zu at offset %zu", where, ps, off);
	memset(pattern, 0, sizeof(pattern)); /* copied at enqueue: reusable at once */
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	CHECK(type_of(ev) == CL_COMMAND_SVM_MEMFILL, "CL_COMMAND_SVM_MEMFILL");
	clReleaseEvent(ev);
	fill_bytes(pattern, ps, (unsigned)ps);
	for (size_t i = 0; i < off; i++)
		ok = ok && base[i] == 0xee;
	CHECK(ok, "%s: pattern %zu: bytes before untouched", where, ps);
	ok = true;
	for (size_t i = 0; i < size; i++)
		ok = ok && base[off + i] == pattern[i % ps];
	CHECK(ok, "%s: pattern %zu: every byte of %zu filled", where, ps, size);
	ok = true;
	for (size_t i = off + size; i < cap; i++)
		ok = ok && base[i] == 0xee;
	CHECK(ok, "%s: pattern %zu: bytes after untouched", where, ps);
}

static void memfill(void)
{
	const size_t cap = 8192;
	unsigned char *svm = clSVMAlloc(env.context, CL_MEM_READ_WRITE, cap, 0);
	unsigned char *host = aligned_alloc(128, cap);
	unsigned char pattern[256] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	cl_event gate, ev;
	cl_uint word;

	REQUIRE(svm && host, "alloc");
	for (size_t ps = 1; ps <= 128; ps *= 2) {
		/* An odd multiple of the pattern size: aligned as required,
		 * but not to any larger power of two. */
		fill_one(svm, cap, ps, ps * 3, 5, "svm");
		fill_one(svm, cap, ps, ps, 1, "svm");
		fill_one(svm, cap, ps, 0, (cap - ps) / ps, "svm");
		fill_one(host, cap, ps, ps * 7, 9, "host");
	}

	/* The pattern is read at enqueue, not when the command runs. */
	gate = user_event();
	word = 0x12345678;
	CHECK_OK(clEnqueueSVMMemFill(env.queue, svm, &word, 4, 64, 1, &gate, &ev), "gated fill");
	word = 0xdeadbeef;
	clSetUserEventStatus(gate, CL_COMPLETE);
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	memcpy(&word, svm + 60, 4);
	CHECK(word == 0x12345678, "the pattern as it was at enqueue (0x%x)", word);
	clReleaseEvent(ev);
	clReleaseEvent(gate);

	/* Size 0 is allowed. */
	CHECK_OK(clEnqueueSVMMemFill(env.queue, svm, pattern, 4, 0, 0, NULL, NULL), "size 0");

	/* Errors. */
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, NULL, pattern, 4, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL svm_ptr");
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, svm, NULL, 4, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL pattern");
	{
		static const size_t bad[] = { 0, 3, 6, 12, 24, 96, 129, 256 };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			CHECK_ERR(clEnqueueSVMMemFill(env.queue, svm, pattern, bad[i],
						      bad[i] * 2, 0, NULL, NULL),
				  CL_INVALID_VALUE, "pattern_size %zu", bad[i]);
	}
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, svm + 2, pattern, 4, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "svm_ptr not aligned to pattern_size");
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, svm + 64, pattern, 128, 128, 0, NULL, NULL),
		  CL_INVALID_VALUE, "svm_ptr not aligned to pattern_size 128");
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, svm, pattern, 4, 6, 0, NULL, NULL),
		  CL_INVALID_VALUE, "size not a multiple of pattern_size");
	CHECK_ERR(clEnqueueSVMMemFill(env.queue, svm + cap - 64, pattern, 4, 128, 0, NULL, NULL),
		  CL_INVALID_VALUE, "range runs past its SVM allocation");

	clSVMFree(env.context, svm);
	free(host);
}

/* ---- clEnqueueSVMMap / Unmap ---- */

static void map_unmap(void)
{
	const size_t n = 64 * 1024;
	unsigned char *p = clSVMAlloc(env.context, CL_MEM_READ_WRITE, n, 0);
	unsigned char *host = malloc(n);
	cl_event gate, fill_ev, ev, ev2;
	struct late late;
	cl_uint word = 0x01020304, got;

	REQUIRE(p && host, "alloc");
	/* Nothing to wait for, nothing asked: trivially succeeds. */
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, p, n, 0, NULL,
				 NULL), "blocking map");
	p[0] = 7;
	CHECK_OK(clEnqueueSVMUnmap(env.queue, p, 0, NULL, NULL), "unmap");
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_FALSE, CL_MAP_WRITE_INVALIDATE_REGION, p + 100, 10,
				 0, NULL, NULL), "non-blocking map, interior pointer");
	CHECK_OK(clEnqueueSVMUnmap(env.queue, p + 100, 0, NULL, NULL), "unmap interior");
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_TRUE, 0, p, 1, 0, NULL, NULL), "map_flags 0");
	CHECK_OK(clEnqueueSVMUnmap(env.queue, p, 0, NULL, NULL), "unmap");
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, host, n, 0, NULL, NULL),
		 "map host memory (fine-grain system)");
	CHECK_OK(clEnqueueSVMUnmap(env.queue, host, 0, NULL, NULL), "unmap host memory");

	/* With events. */
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_FALSE, CL_MAP_READ, p, n, 0, NULL, &ev), "map ev");
	CHECK_OK(clWaitForEvents(1, &ev), "wait map");
	CHECK(type_of(ev) == CL_COMMAND_SVM_MAP && status_of(ev) == CL_COMPLETE,
	      "complete CL_COMMAND_SVM_MAP event");
	CHECK_OK(clEnqueueSVMUnmap(env.queue, p, 1, &ev, &ev2), "unmap after the map's event");
	CHECK_OK(clWaitForEvents(1, &ev2), "wait unmap");
	CHECK(type_of(ev2) == CL_COMMAND_SVM_UNMAP && status_of(ev2) == CL_COMPLETE,
	      "complete CL_COMMAND_SVM_UNMAP event");
	clReleaseEvent(ev);
	clReleaseEvent(ev2);

	/* A wait list holds the map back. */
	gate = user_event();
	CHECK_OK(clEnqueueSVMMap(ooo, CL_FALSE, CL_MAP_WRITE, p, n, 1, &gate, &ev), "gated map");
	CHECK_OK(clEnqueueSVMUnmap(ooo, p, 1, &ev, &ev2), "unmap after it");
	usleep(10 * 1000);
	CHECK(status_of(ev) > CL_RUNNING && status_of(ev2) > CL_RUNNING,
	      "map and unmap wait for the gate");
	clSetUserEventStatus(gate, CL_COMPLETE);
	CHECK_OK(clWaitForEvents(1, &ev2), "then complete");
	CHECK(status_of(ev) == CL_COMPLETE, "map completed before its unmap");
	clReleaseEvent(ev);
	clReleaseEvent(ev2);
	clReleaseEvent(gate);

	/* Order in an in-order queue: the map waits for the fill before it. */
	gate = user_event();
	CHECK_OK(clEnqueueSVMMemFill(env.queue, p, &word, 4, n, 1, &gate, &fill_ev), "gated fill");
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_FALSE, CL_MAP_READ, p, n, 0, NULL, &ev),
		 "map behind it");
	usleep(10 * 1000);
	CHECK(status_of(ev) > CL_RUNNING, "the map waits for the earlier fill");
	late_start(&late, gate, CL_COMPLETE);
	/* A blocking map, no event: must not return before the fill ran. */
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, p, n, 0, NULL, NULL),
		 "blocking map on a busy queue");
	memcpy(&got, p + n - 4, 4);
	CHECK(got == word && status_of(fill_ev) == CL_COMPLETE,
	      "a blocking map returns after earlier commands");
	pthread_join(late.thread, NULL);
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	clReleaseEvent(ev);
	clReleaseEvent(fill_ev);
	clReleaseEvent(gate);
	CHECK_OK(clEnqueueSVMUnmap(env.queue, p, 0, NULL, NULL), "unmap");

	/* A non-blocking map with nothing asked does not reorder anything:
	 * the gated fill still lands before clFinish returns. */
	gate = user_event();
	word = 0x0a0b0c0d;
	CHECK_OK(clEnqueueSVMMemFill(env.queue, p, &word, 4, n, 1, &gate, NULL), "gated fill");
	CHECK_OK(clEnqueueSVMMap(env.queue, CL_FALSE, CL_MAP_READ, p, n, 0, NULL, NULL), "map");
	CHECK_OK(clEnqueueSVMUnmap(env.queue, p, 0, NULL, NULL), "unmap");
	clSetUserEventStatus(gate, CL_COMPLETE);
	CHECK_OK(clFinish(env.queue), "finish");
	memcpy(&got, p, 4);
	CHECK(got == word, "the fill ran");
	clReleaseEvent(gate);

	/* A failed event in a blocking map's wait list. */
	gate = user_event();
	clSetUserEventStatus(gate, -55);
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, p, n, 1, &gate, NULL),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, "blocking map after a failure");
	clReleaseEvent(gate);

	/* Errors. */
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, NULL, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "map NULL");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, p, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE, "map size 0");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE_INVALIDATE_REGION,
				  p, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "READ with WRITE_INVALIDATE_REGION");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION,
				  p, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "WRITE with WRITE_INVALIDATE_REGION");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, 0x100, p, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "unknown map flag");
	CHECK_ERR(clEnqueueSVMMap(env.queue, CL_TRUE, CL_MAP_READ, p + n - 8, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "range runs past its SVM allocation");
	CHECK_ERR(clEnqueueSVMUnmap(env.queue, NULL, 0, NULL, NULL), CL_INVALID_VALUE,
		  "unmap NULL");

	clSVMFree(env.context, p);
	free(host);
}

/* ---- clEnqueueSVMFree ---- */

struct free_record {
	cl_command_queue queue;
	cl_uint n;
	void *ptrs[8];
	void *user_data;
	int calls;
};

static void CL_CALLBACK free_cb(cl_command_queue q, cl_uint n, void *ptrs[], void *user_data)
{
	struct free_record *r = user_data;

	r->queue = q;
	r->n = n;
	for (cl_uint i = 0; i < n && i < 8; i++)
		r->ptrs[i] = ptrs[i];
	r->user_data = user_data;
	r->calls++;
}

static void CL_CALLBACK free_host_cb(cl_command_queue q, cl_uint n, void *ptrs[], void *user_data)
{
	(void)q;
	for (cl_uint i = 0; i < n; i++)
		free(ptrs[i]);
	*(int *)user_data += (int)n;
}

static void svm_free(void)
{
	void *p[4], *keep[4];
	struct free_record rec = { 0 };
	cl_event gate, ev;
	int freed = 0;
	void *host[2] = { malloc(10), malloc(20) };

	for (int i = 0; i < 4; i++) {
		p[i] = clSVMAlloc(env.context, i % 2 ? CL_MEM_SVM_FINE_GRAIN_BUFFER : 0,
				  i == 3 ? 1 << 20 : 100, 0);
		REQUIRE(p[i], "alloc");
	}
	memcpy(keep, p, sizeof(p));

	/* Without callback, held back by a gate: nothing freed before it. */
	gate = user_event();
	CHECK_OK(clEnqueueSVMFree(env.queue, 4, p, NULL, NULL, 1, &gate, &ev), "enqueue free");
	memset(p, 0, sizeof(p)); /* the array was copied */
	CHECK(type_of(ev) == CL_COMMAND_SVM_FREE, "CL_COMMAND_SVM_FREE");
	CHECK(live(keep[0]) && live(keep[3]), "not freed before the gate opens");
	clSetUserEventStatus(gate, CL_COMPLETE);
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	CHECK(!live(keep[0]) && !live(keep[1]) && !live(keep[2]) && !live(keep[3]),
	      "all four freed: a size-0 migrate on them fails");
	clReleaseEvent(ev);
	clReleaseEvent(gate);

	/* With callback: it gets the queue, a copy of the array and
	 * user_data, and we free nothing. */
	for (int i = 0; i < 3; i++) {
		p[i] = clSVMAlloc(env.context, 0, 64, 0);
		REQUIRE(p[i] != NULL, "alloc");
	}
	memcpy(keep, p, sizeof(p));
	gate = user_event();
	CHECK_OK(clEnqueueSVMFree(ooo, 3, p, free_cb, &rec, 1, &gate, &ev), "with callback");
	p[0] = p[1] = p[2] = NULL;
	CHECK(rec.calls == 0, "callback not called before the gate");
	clSetUserEventStatus(gate, CL_COMPLETE);
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	CHECK(rec.calls == 1, "called once (%d)", rec.calls);
	CHECK(rec.queue == ooo, "with the queue");
	CHECK(rec.n == 3, "with the count");
	CHECK(rec.ptrs[0] == keep[0] && rec.ptrs[1] == keep[1] && rec.ptrs[2] == keep[2],
	      "with the pointers as enqueued");
	CHECK(rec.user_data == &rec, "with user_data");
	CHECK(live(keep[0]) && live(keep[1]) && live(keep[2]),
	      "a callback frees: the runtime does not");
	for (int i = 0; i < 3; i++)
		clSVMFree(env.context, keep[i]);
	clReleaseEvent(ev);
	clReleaseEvent(gate);

	/* System memory is freed by a callback. */
	CHECK_OK(clEnqueueSVMFree(env.queue, 2, host, free_host_cb, &freed, 0, NULL, NULL),
		 "free malloc memory through a callback");
	CHECK_OK(clFinish(env.queue), "finish");
	CHECK(freed == 2, "the callback freed both");

	/* An empty list is valid (only count/list mismatches are errors). */
	CHECK_OK(clEnqueueSVMFree(env.queue, 0, NULL, NULL, NULL, 0, NULL, &ev), "empty");
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	CHECK(type_of(ev) == CL_COMMAND_SVM_FREE, "empty free is CL_COMMAND_SVM_FREE");
	clReleaseEvent(ev);

	/* Errors. */
	p[0] = clSVMAlloc(env.context, 0, 64, 0);
	p[1] = NULL;
	REQUIRE(p[0], "alloc");
	CHECK_ERR(clEnqueueSVMFree(env.queue, 0, p, NULL, NULL, 0, NULL, NULL), CL_INVALID_VALUE,
		  "count 0 with a list");
	CHECK_ERR(clEnqueueSVMFree(env.queue, 1, NULL, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE, "list NULL with a count");
	CHECK_ERR(clEnqueueSVMFree(env.queue, 2, p, NULL, NULL, 0, NULL, NULL), CL_INVALID_VALUE,
		  "a NULL pointer in the list");
	CHECK_OK(clFinish(env.queue), "finish");
	CHECK(live(p[0]), "a refused free frees nothing");
	clSVMFree(env.context, p[0]);
}

/* ---- clEnqueueSVMMigrateMem ---- */

static void migrate(void)
{
	unsigned char *a = clSVMAlloc(env.context, CL_MEM_READ_WRITE, 4096, 0);
	unsigned char *b = clSVMAlloc(env.context, CL_MEM_SVM_FINE_GRAIN_BUFFER, 1 << 20, 0);
	unsigned char *host = malloc(1000);
	cl_event ev;

	REQUIRE(a && b && host, "alloc");
	a[0] = 42;
	{
		const void *ptrs[] = { a, b };

		CHECK_OK(clEnqueueSVMMigrateMem(env.queue, 2, ptrs, NULL, 0, 0, NULL, &ev),
			 "whole allocations, sizes NULL");
		CHECK_OK(clWaitForEvents(1, &ev), "wait");
		CHECK(type_of(ev) == CL_COMMAND_SVM_MIGRATE_MEM, "CL_COMMAND_SVM_MIGRATE_MEM");
		clReleaseEvent(ev);
	}
	{
		/* The CTS's mixes: interior pointers, zero and non-zero sizes,
		 * repeated and overlapping ranges. */
		const void *ptrs[] = { a + 1, b + 3, b + 5, a, a, b + (1 << 20) - 1 };
		const size_t sizes[] = { 1, 1, 0, 0, 4096, 1 };

		CHECK_OK(clEnqueueSVMMigrateMem(env.queue, 6, ptrs, sizes,
						CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL, NULL),
			 "interior pointers, to host");
		CHECK_OK(clEnqueueSVMMigrateMem(ooo, 6, ptrs, sizes,
						CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED, 0, NULL,
						NULL), "content undefined");
		CHECK_OK(clEnqueueSVMMigrateMem(env.queue, 6, ptrs, sizes,
						CL_MIGRATE_MEM_OBJECT_HOST |
						CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED,
						0, NULL, NULL), "both flags");
	}
	{
		const void *ptrs[] = { host + 10 };
		const size_t sizes[] = { 100 };

		CHECK_OK(clEnqueueSVMMigrateMem(env.queue, 1, ptrs, sizes, 0, 0, NULL, NULL),
			 "host memory with a size (fine-grain system)");
		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 1, ptrs, NULL, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "host memory without a size");
	}
	CHECK_OK(clFinish(env.queue), "finish");
	CHECK_OK(clFinish(ooo), "finish");
	CHECK(a[0] == 42, "a hint: contents kept");

	/* Errors. */
	{
		const void *ptrs[] = { a, NULL };
		const void *past[] = { a + 4000 };
		const size_t sizes[] = { 200, 16 };

		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 0, ptrs, NULL, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "num_svm_pointers 0");
		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 1, NULL, NULL, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "svm_pointers NULL");
		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 2, ptrs, NULL, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "a NULL pointer");
		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 2, ptrs, sizes, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "a NULL pointer with a size");
		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 1, ptrs, NULL, 1 << 5, 0, NULL, NULL),
			  CL_INVALID_VALUE, "unknown flag");
		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 1, past, sizes, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "range runs past the allocation");
	}
	clSVMFree(env.context, a);
	{
		const void *ptrs[] = { a, b };

		CHECK_ERR(clEnqueueSVMMigrateMem(env.queue, 2, ptrs, NULL, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "a freed allocation is no longer found");
	}
	clSVMFree(env.context, b);
	free(host);
}

int main(void)
{
	cl_queue_properties props[] = { CL_QUEUE_PROPERTIES,
					CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, 0 };
	cl_int err;

	tu_env_init(&env, 0);
	ooo = clCreateCommandQueueWithProperties(env.context, env.device, props, &err);
	REQUIRE(err == CL_SUCCESS, "out-of-order queue");

	common_errors();
	memcpy_basic();
	memcpy_chain();
	memfill();
	map_unmap();
	svm_free();
	migrate();

	CHECK_OK(clFinish(ooo), "finish");
	CHECK_OK(clReleaseCommandQueue(ooo), "release the out-of-order queue");
	tu_env_fini(&env);
	return tu_done();
}
