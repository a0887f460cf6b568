// SPDX-License-Identifier: MIT
/* clSVMAlloc and clSVMFree: the flag matrix, alignment, sizes, many live
 * allocations (no overlap, interior pointers found), frees that must be
 * ignored (NULL, interior pointers, another context, host memory, twice),
 * a context's leftovers freed with it, allocation from several threads, and
 * CL_MEM_USES_SVM_POINTER on buffers created over SVM memory.
 *
 * Whether an allocation is live is observed through the specification's own
 * rule: clEnqueueSVMMigrateMem with a size of 0 succeeds only for a pointer
 * within a live clSVMAlloc allocation. */
#include "testutil.h"
#include <pthread.h>
#include <stdint.h>

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

static cl_command_queue g_queue; /* the environment's queue, for live() */

/* True when p lies within a live clSVMAlloc allocation. */
static bool live(const void *p)
{
	return clEnqueueSVMMigrateMem(g_queue, 1, &p, NULL, 0, 0, NULL, NULL) == CL_SUCCESS;
}

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	return tu_xorshift(&rng_state);
}

static bool aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

/* Writes then reads back every byte: the whole range is usable memory. */
static bool usable(void *p, size_t size, unsigned char seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < size; i++)
		b[i] = (unsigned char)(seed + i * 7);
	for (size_t i = 0; i < size; i++)
		if (b[i] != (unsigned char)(seed + i * 7))
			return false;
	return true;
}

static void flag_matrix(struct tu_env *env, cl_device_svm_capabilities caps)
{
	static const cl_svm_mem_flags access[] = {
		0, CL_MEM_READ_WRITE, CL_MEM_WRITE_ONLY, CL_MEM_READ_ONLY,
	};
	static const cl_svm_mem_flags grain[] = {
		0, CL_MEM_SVM_FINE_GRAIN_BUFFER, CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS,
		CL_MEM_SVM_ATOMICS,
	};
	static const cl_svm_mem_flags invalid[] = {
		CL_MEM_READ_WRITE | CL_MEM_READ_ONLY,
		CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY,
		CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY,
		CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY,
		CL_MEM_USE_HOST_PTR, CL_MEM_ALLOC_HOST_PTR, CL_MEM_COPY_HOST_PTR,
		CL_MEM_HOST_WRITE_ONLY, CL_MEM_HOST_READ_ONLY, CL_MEM_HOST_NO_ACCESS,
		CL_MEM_KERNEL_READ_AND_WRITE, CL_MEM_READ_WRITE | ((cl_svm_mem_flags)1 << 40),
		CL_MEM_SVM_ATOMICS | CL_MEM_READ_ONLY,
	};

	for (size_t i = 0; i < sizeof(access) / sizeof(access[0]); i++) {
		for (size_t j = 0; j < sizeof(grain) / sizeof(grain[0]); j++) {
			cl_svm_mem_flags f = access[i] | grain[j];
			bool fine = f & CL_MEM_SVM_FINE_GRAIN_BUFFER;
			bool want = fine || !(f & CL_MEM_SVM_ATOMICS);
			void *p;

			if ((f & CL_MEM_SVM_FINE_GRAIN_BUFFER) &&
			    !(caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER))
				want = false;
			if ((f & CL_MEM_SVM_ATOMICS) && !(caps & CL_DEVICE_SVM_ATOMICS))
				want = false;
			p = clSVMAlloc(env->context, f, 1000, 0);
			CHECK(!!p == want, "flags 0x%llx: %s expected",
			      (unsigned long long)f, want ? "success" : "NULL");
			if (p) {
				CHECK(aligned(p, 128), "flags 0x%llx: default alignment 128",
				      (unsigned long long)f);
				CHECK(usable(p, 1000, (unsigned char)f), "flags 0x%llx: usable",
				      (unsigned long long)f);
				CHECK(live(p), "flags 0x%llx: registered", (unsigned long long)f);
				clSVMFree(env->context, p);
				CHECK(!live(p), "flags 0x%llx: freed", (unsigned long long)f);
			}
		}
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		void *p = clSVMAlloc(env->context, invalid[i], 1000, 0);

		CHECK(p == NULL, "invalid flags 0x%llx refused", (unsigned long long)invalid[i]);
		clSVMFree(env->context, p);
	}
	CHECK(clSVMAlloc(NULL, CL_MEM_READ_WRITE, 1000, 0) == NULL, "NULL context refused");
}

static void alignments(struct tu_env *env)
{
	static const cl_uint bad[] = { 3, 6, 12, 100, 129, 1000, 4097, 3u << 20, 4u << 20,
				       1u << 31, 0xffffffffu };

	/* Every power of two up to the documented maximum (2 MiB), with sizes
	 * on both sides of the heap / mapping boundary. */
	for (cl_uint a = 1; a <= (2u << 20); a <<= 1) {
		static const size_t sizes[] = { 1, 100, 64 * KiB - 1, 64 * KiB, 300 * KiB + 3 };

		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			unsigned char *p = clSVMAlloc(env->context, CL_MEM_READ_WRITE, sizes[s], a);

			CHECK(p != NULL, "alignment %u size %zu", a, sizes[s]);
			if (!p)
				continue;
			CHECK(aligned(p, a < 128 ? 128 : a), "%p aligned to %u (at least 128)",
			      (void *)p, a);
			p[sizes[s] - 1] = 2;
			p[0] = 1;
			CHECK(p[0] == 1 && (sizes[s] == 1 || p[sizes[s] - 1] == 2),
			      "both ends writable");
			/* Interior pointers: found while live, never freed by
			 * clSVMFree (only the base frees). */
			CHECK(live(p + sizes[s] - 1), "last byte is inside the allocation");
			if (sizes[s] > 1) {
				clSVMFree(env->context, p + sizes[s] / 2);
				CHECK(live(p), "clSVMFree of an interior pointer is ignored");
			}
			clSVMFree(env->context, p);
			CHECK(!live(p) && !live(p + sizes[s] - 1), "gone after clSVMFree");
		}
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *p = clSVMAlloc(env->context, CL_MEM_READ_WRITE, 4096, bad[i]);

		CHECK(p == NULL, "alignment %u refused", bad[i]);
		clSVMFree(env->context, p);
	}
}

static void sizes(struct tu_env *env)
{
	cl_ulong max_alloc = 0;
	unsigned char *p;

	CHECK_OK(clGetDeviceInfo(env->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(max_alloc),
				 &max_alloc, NULL), "CL_DEVICE_MAX_MEM_ALLOC_SIZE");
	CHECK(clSVMAlloc(env->context, CL_MEM_READ_WRITE, 0, 0) == NULL, "size 0 refused");
	CHECK(clSVMAlloc(env->context, CL_MEM_SVM_FINE_GRAIN_BUFFER, 0, 0) == NULL,
	      "size 0 fine grain refused");
	if (max_alloc < SIZE_MAX)
		CHECK(clSVMAlloc(env->context, CL_MEM_READ_WRITE, (size_t)max_alloc + 1, 0) == NULL,
		      "CL_DEVICE_MAX_MEM_ALLOC_SIZE + 1 refused");
	CHECK(clSVMAlloc(env->context, CL_MEM_READ_WRITE, SIZE_MAX, 0) == NULL,
	      "SIZE_MAX refused");
	CHECK(clSVMAlloc(env->context, CL_MEM_READ_WRITE, SIZE_MAX - 4095, 4096) == NULL,
	      "SIZE_MAX - 4095 aligned to a page refused");

	/* A large allocation: every byte usable, both ends inside, one past
	 * the end outside. */
	p = clSVMAlloc(env->context, CL_MEM_READ_WRITE, 32 * MiB + 5, 0);
	REQUIRE(p != NULL, "32 MiB + 5");
	CHECK(aligned(p, 4096), "a large allocation is page-aligned");
	CHECK(usable(p, 32 * MiB + 5, 3), "32 MiB + 5 usable");
	CHECK(live(p) && live(p + 32 * MiB + 4), "both ends are inside");
	CHECK(!live(p + 32 * MiB + 5), "one past the end is outside");
	clSVMFree(env->context, p);
}

#define MANY 1500

static void many(struct tu_env *env)
{
	static unsigned char *ptr[MANY];
	static size_t size[MANY];
	static const void *probe[MANY];
	size_t bad = 0;

	for (size_t i = 0; i < MANY; i++) {
		/* Mostly small, some across the mapping threshold. */
		size[i] = 1 + rnd() % (i % 10 == 0 ? 200 * KiB : 2 * KiB);
		ptr[i] = clSVMAlloc(env->context, i % 3 ? CL_MEM_READ_WRITE :
					CL_MEM_SVM_FINE_GRAIN_BUFFER, size[i], 0);
		if (!ptr[i]) {
			CHECK(ptr[i] != NULL, "allocation %zu of %zu bytes", i, size[i]);
			return;
		}
		memset(ptr[i], (int)(i & 0xff), size[i]);
	}
	/* No two allocations overlap: every one still holds its own bytes. */
	for (size_t i = 0; i < MANY; i++)
		for (size_t j = 0; j < size[i]; j++)
			bad += ptr[i][j] != (unsigned char)(i & 0xff);
	CHECK(bad == 0, "%zu bytes were overwritten by other allocations", bad);

	/* One migrate of random interior pointers, sizes omitted: every one
	 * must be found. */
	for (size_t i = 0; i < MANY; i++)
		probe[i] = ptr[i] + rnd() % size[i];
	CHECK_OK(clEnqueueSVMMigrateMem(env->queue, MANY, probe, NULL, 0, 0, NULL, NULL),
		 "migrate %d interior pointers", MANY);
	CHECK_OK(clFinish(env->queue), "finish");

	/* Free in a scrambled order; each one disappears alone. */
	for (size_t k = 0; k < MANY; k++) {
		size_t i = (k * 7919) % MANY; /* 7919 is prime: a permutation */
		size_t next = ((k + 1) * 7919) % MANY;

		clSVMFree(env->context, ptr[i]);
		if (k % 50 == 0) {
			CHECK(!live(ptr[i]) && !live(ptr[i] + size[i] - 1), "freed %zu is gone", i);
			if (k + 1 < MANY)
				CHECK(live(ptr[next] + size[next] - 1), "%zu is still there", next);
		}
	}
	CHECK_OK(clFinish(env->queue), "finish");
}

static void bad_frees(struct tu_env *env)
{
	cl_int err;
	cl_context other = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	unsigned char *p = clSVMAlloc(env->context, CL_MEM_READ_WRITE, 4096, 0);
	unsigned char *host = malloc(256);

	REQUIRE(err == CL_SUCCESS && other && p && host, "setup");
	clSVMFree(env->context, NULL);
	clSVMFree(other, p);
	CHECK(live(p), "clSVMFree with another context is ignored");
	p[4095] = 9;
	CHECK(p[4095] == 9, "and the memory is still usable");
	clSVMFree(env->context, host);
	host[255] = 1; /* still ours: ASan and valgrind would object otherwise */
	free(host);
	clSVMFree(env->context, p + 1);
	CHECK(live(p), "clSVMFree of base + 1 is ignored");
	clSVMFree(env->context, p);
	CHECK(!live(p), "clSVMFree of the base frees");
	clSVMFree(env->context, p); /* a double free is ignored, not a crash */
	CHECK(!live(p), "still gone after a second clSVMFree");
	CHECK_OK(clReleaseContext(other), "release the other context");
}

static void context_leftovers(struct tu_env *env)
{
	cl_int err;
	cl_context other = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	void *p[70];
	bool all = true;

	REQUIRE(err == CL_SUCCESS, "second context");
	/* More than one batch of the registry's release loop. */
	for (size_t i = 0; i < 70; i++) {
		p[i] = clSVMAlloc(other, CL_MEM_READ_WRITE, i % 2 ? 100 : 100 * KiB, 0);
		all = all && p[i];
	}
	REQUIRE(all, "70 allocations in the second context");
	CHECK(live(p[0]) && live(p[69]), "live before the context goes");
	CHECK_OK(clReleaseContext(other), "release it with allocations left");
	all = true;
	for (size_t i = 0; i < 70; i++)
		all = all && !live(p[i]);
	CHECK(all, "a destroyed context's SVM allocations are freed with it");
}

struct thread_arg {
	cl_context ctx;
	unsigned seed;
	int failures;
};

static void *alloc_thread(void *argp)
{
	struct thread_arg *arg = argp;
	unsigned s = arg->seed;

	for (int i = 0; i < 400; i++) {
		size_t size = 1 + (s = s * 1103515245u + 12345u) % (i % 8 ? 4096 : 150000);
		unsigned char *p = clSVMAlloc(arg->ctx, CL_MEM_READ_WRITE, size, 0);

		if (!p) {
			arg->failures++;
			continue;
		}
		memset(p, (int)arg->seed, size);
		for (size_t j = 0; j < size; j += 97)
			arg->failures += p[j] != (unsigned char)arg->seed;
		arg->failures += !live(p + size - 1);
		clSVMFree(arg->ctx, p);
	}
	return NULL;
}

static void threads(struct tu_env *env)
{
	pthread_t t[4];
	struct thread_arg arg[4];
	int failures = 0;

	for (int i = 0; i < 4; i++) {
		int rc;

		arg[i] = (struct thread_arg){ .ctx = env->context, .seed = 11u + (unsigned)i };
		rc = pthread_create(&t[i], NULL, alloc_thread, &arg[i]);
		REQUIRE(rc == 0, "thread"); /* REQUIRE evaluates its condition twice */
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		failures += arg[i].failures;
	}
	CHECK(failures == 0, "%d failures allocating from 4 threads", failures);
	CHECK_OK(clFinish(env->queue), "finish");
}

static cl_bool uses_svm(cl_mem m)
{
	cl_bool v = 7;
	cl_int err = clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(v), &v, NULL);

	CHECK_OK(err, "CL_MEM_USES_SVM_POINTER");
	return v;
}

static void svm_buffers(struct tu_env *env)
{
	cl_buffer_region region = { .origin = 0, .size = 512 };
	void *p = clSVMAlloc(env->context, CL_MEM_READ_WRITE, 4096, 0);
	void *host = malloc(4096);
	cl_mem over, sub, plain, hostbuf, big;
	cl_int err;

	REQUIRE(p && host, "setup");
	over = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, 4096, p, &err);
	CHECK_OK(err, "buffer over an SVM allocation");
	plain = clCreateBuffer(env->context, CL_MEM_READ_WRITE, 4096, NULL, &err);
	CHECK_OK(err, "plain buffer");
	hostbuf = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, 4096, host, &err);
	CHECK_OK(err, "buffer over malloc memory");
	if (over) {
		CHECK(uses_svm(over) == CL_TRUE, "USE_HOST_PTR over SVM: CL_TRUE");
		sub = clCreateSubBuffer(over, 0, CL_BUFFER_CREATE_TYPE_REGION, &region, &err);
		CHECK_OK(err, "sub-buffer of it");
		if (sub) {
			CHECK(uses_svm(sub) == CL_TRUE, "its sub-buffer: CL_TRUE");
			clReleaseMemObject(sub);
		}
		clReleaseMemObject(over);
	}
	if (plain) {
		CHECK(uses_svm(plain) == CL_FALSE, "plain buffer: CL_FALSE");
		clReleaseMemObject(plain);
	}
	if (hostbuf) {
		CHECK(uses_svm(hostbuf) == CL_FALSE, "malloc host_ptr: CL_FALSE");
		clReleaseMemObject(hostbuf);
	}
	/* Larger than the SVM allocation (the CTS's negative case). */
	big = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, 8192, p, &err);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "buffer larger than its SVM allocation");
	CHECK(big == NULL, "no buffer");
	clSVMFree(env->context, p);
	free(host);
}

int main(void)
{
	struct tu_env env;
	cl_device_svm_capabilities caps = 0;

	tu_env_init(&env, 0);
	g_queue = env.queue;
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps,
				 NULL), "CL_DEVICE_SVM_CAPABILITIES");
	REQUIRE(caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER, "the device supports SVM");

	flag_matrix(&env, caps);
	alignments(&env);
	sizes(&env);
	many(&env);
	bad_frees(&env);
	context_leftovers(&env);
	threads(&env);
	svm_buffers(&env);

	tu_env_fini(&env);
	return tu_done();
}
