// SPDX-License-Identifier: MIT
/* Buffers: the creation flag matrix with every error, properties, info
 * queries, sub-buffers (flag inheritance and conflicts, bounds, alignment,
 * lifetime), destructor callback order, read/write/copy/fill (every fill
 * pattern size, overlap errors, host access flags), CL_MEM_USES_SVM_POINTER,
 * non-blocking commands gated by events, and migration. */
#include "testutil.h"
#include <stdint.h>

static unsigned long long rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	return tu_xorshift(&rng_state);
}

static size_t g_align; /* the device's CL_DEVICE_MEM_BASE_ADDR_ALIGN in bytes */

static cl_mem_flags mem_flags(cl_mem m)
{
	cl_mem_flags f = 0;

	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_FLAGS, sizeof(f), &f, NULL), "CL_MEM_FLAGS");
	return f;
}

/* The specification's verdict on (flags, host_ptr), computed independently. */
static cl_int expected_create(cl_mem_flags f, bool has_ptr)
{
	cl_mem_flags acc = f & (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY);
	cl_mem_flags host = f & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY |
				 CL_MEM_HOST_NO_ACCESS);
	bool use = f & CL_MEM_USE_HOST_PTR, copy = f & CL_MEM_COPY_HOST_PTR;

	if (__builtin_popcountll(acc) > 1 || __builtin_popcountll(host) > 1)
		return CL_INVALID_VALUE;
	if (use && (f & (CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR)))
		return CL_INVALID_VALUE;
	if ((use || copy) != has_ptr)
		return CL_INVALID_HOST_PTR;
	return CL_SUCCESS;
}

static void flag_matrix(struct tu_env *env)
{
	static const cl_mem_flags bits[] = {
		CL_MEM_READ_WRITE,     CL_MEM_WRITE_ONLY,	CL_MEM_READ_ONLY,
		CL_MEM_USE_HOST_PTR,   CL_MEM_ALLOC_HOST_PTR,	CL_MEM_COPY_HOST_PTR,
		CL_MEM_HOST_WRITE_ONLY, CL_MEM_HOST_READ_ONLY, CL_MEM_HOST_NO_ACCESS,
	};
	unsigned char host[256];
	int bad = 0, good = 0;

	for (size_t i = 0; i < sizeof(host); i++)
		host[i] = (unsigned char)(i * 3 + 1);
	for (unsigned combo = 0; combo < 1u << 9; combo++) {
		cl_mem_flags f = 0;

		for (int b = 0; b < 9; b++)
			if (combo & (1u << b))
				f |= bits[b];
		for (int has_ptr = 0; has_ptr < 2; has_ptr++) {
			cl_int err = 12345, want = expected_create(f, has_ptr);
			cl_mem m = clCreateBuffer(env->context, f, sizeof(host),
						  has_ptr ? host : NULL, &err);

			if (err != want || (want == CL_SUCCESS) != (m != NULL)) {
				bad++;
				CHECK_ERR(err, want, "create flags 0x%llx host_ptr %d",
					  (unsigned long long)f, has_ptr);
			}
			if (!m)
				continue;
			good++;
			/* What was asked is what CL_MEM_FLAGS reports (READ_WRITE
			 * being the default access). */
			cl_mem_flags want_f = f;
			if (!(f & (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY)))
				want_f |= CL_MEM_READ_WRITE;
			CHECK(mem_flags(m) == want_f, "flags 0x%llx reported as asked",
			      (unsigned long long)f);
			if (f & (CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR)) {
				unsigned char back[256];

				/* Initial contents come from host_ptr; read through
				 * a copy since the host flags may forbid reads. */
				cl_mem probe = clCreateBuffer(env->context, 0, sizeof(back), NULL,
							      &err);
				CHECK_OK(clEnqueueCopyBuffer(env->queue, m, probe, 0, 0,
							     sizeof(back), 0, NULL, NULL),
					 "copy out");
				CHECK_OK(clEnqueueReadBuffer(env->queue, probe, CL_TRUE, 0,
							     sizeof(back), back, 0, NULL, NULL),
					 "read");
				CHECK(memcmp(back, host, sizeof(back)) == 0,
				      "initial contents of flags 0x%llx", (unsigned long long)f);
				clReleaseMemObject(probe);
			}
			CHECK_OK(clReleaseMemObject(m), "release");
		}
	}
	CHECK(bad == 0, "flag matrix: %d mismatches", bad);
	CHECK(good == 4 * 4 * 5, "flag matrix: %d buffers created", good);
}

static void create_errors(struct tu_env *env)
{
	static const cl_mem_flags junk[] = {
		CL_MEM_KERNEL_READ_AND_WRITE, CL_MEM_SVM_FINE_GRAIN_BUFFER, CL_MEM_SVM_ATOMICS,
		(cl_mem_flags)1 << 40, (cl_mem_flags)1 << 63,
	};
	cl_mem_properties empty[] = {0}, unknown[] = {0x7777, 1, 0};
	cl_mem_properties got[4];
	cl_ulong max_alloc = 0;
	char host[64] = {0};
	size_t size = 99;
	cl_int err;
	cl_mem m;

	CHECK_OK(clGetDeviceInfo(env->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(max_alloc),
				 &max_alloc, NULL), "max alloc");
	m = clCreateBuffer(NULL, 0, 64, NULL, &err);
	CHECK(m == NULL, "no buffer without context");
	CHECK_ERR(err, CL_INVALID_CONTEXT, "NULL context");
	clCreateBuffer((cl_context)env->queue, 0, 64, NULL, &err);
	CHECK_ERR(err, CL_INVALID_CONTEXT, "a queue passed as context");
	clCreateBuffer(env->context, 0, 0, NULL, &err);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "size 0");
	if (max_alloc < SIZE_MAX) {
		clCreateBuffer(env->context, 0, (size_t)max_alloc + 1, NULL, &err);
		CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "size above CL_DEVICE_MAX_MEM_ALLOC_SIZE");
	}
	clCreateBuffer(env->context, 0, SIZE_MAX, NULL, &err);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "SIZE_MAX");
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		clCreateBuffer(env->context, junk[i], 64, NULL, &err);
		CHECK_ERR(err, CL_INVALID_VALUE, "flag 0x%llx is not a buffer flag",
			  (unsigned long long)junk[i]);
	}
	/* The specification's order: context, properties, flags, size, host_ptr. */
	clCreateBuffer(NULL, 1ull << 40, 0, host, &err);
	CHECK_ERR(err, CL_INVALID_CONTEXT, "context checked first");
	clCreateBuffer(env->context, CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY, 0, host, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "flags before size");
	clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, 0, NULL, &err);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "size before host_ptr");
	clCreateBufferWithProperties(env->context, unknown, 1ull << 40, 64, NULL, &err);
	CHECK_ERR(err, CL_INVALID_PROPERTY, "properties before flags");
	/* errcode_ret may be NULL, both ways. */
	CHECK(clCreateBuffer(env->context, 0, 0, NULL, NULL) == NULL, "NULL errcode_ret");
	m = clCreateBuffer(env->context, 0, 64, NULL, NULL);
	CHECK(m != NULL, "NULL errcode_ret, success");
	clReleaseMemObject(m);

	/* Properties: none are defined; NULL and the empty list are fine. */
	m = clCreateBufferWithProperties(env->context, NULL, 0, 64, NULL, &err);
	CHECK_OK(err, "NULL properties");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_PROPERTIES, 0, NULL, &size), "props size");
	CHECK(size == 0, "NULL properties report nothing (%zu)", size);
	clReleaseMemObject(m);
	m = clCreateBufferWithProperties(env->context, empty, CL_MEM_COPY_HOST_PTR, 64, host,
					 &err);
	CHECK_OK(err, "empty properties");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_PROPERTIES, sizeof(got), got, &size), "props");
	CHECK(size == sizeof(cl_mem_properties) && got[0] == 0, "empty list echoed (%zu)", size);
	CHECK_ERR(clGetMemObjectInfo(m, CL_MEM_PROPERTIES, 1, got, NULL), CL_INVALID_VALUE,
		  "properties into a 1-byte buffer");
	clReleaseMemObject(m);
	m = clCreateBufferWithProperties(env->context, unknown, 0, 64, NULL, &err);
	CHECK(m == NULL, "no buffer with an unknown property");
	CHECK_ERR(err, CL_INVALID_PROPERTY, "unknown property");
	m = clCreateBuffer(env->context, 0, 64, NULL, &err);
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_PROPERTIES, 0, NULL, &size), "props size");
	CHECK(size == 0, "clCreateBuffer has no properties");
	clReleaseMemObject(m);
}

static void info(struct tu_env *env)
{
	char host[300];
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR | CL_MEM_READ_ONLY,
				  sizeof(host), host, &err);
	cl_mem c = clCreateBuffer(env->context, CL_MEM_COPY_HOST_PTR, sizeof(host), host, &err);
	cl_mem_object_type type = 0;
	size_t size = 0, ret = 0, offset = 1;
	void *hp = NULL;
	cl_uint u = 99;
	cl_context ctx = NULL;
	cl_mem assoc = (cl_mem)1;
	cl_bool svm = CL_TRUE;

	REQUIRE(m && c, "buffers for info");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_TYPE, sizeof(type), &type, &ret), "type");
	CHECK(type == CL_MEM_OBJECT_BUFFER && ret == sizeof(type), "CL_MEM_TYPE");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof(size), &size, NULL), "size");
	CHECK(size == sizeof(host), "CL_MEM_SIZE");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_HOST_PTR, sizeof(hp), &hp, NULL), "host ptr");
	CHECK(hp == host, "CL_MEM_HOST_PTR of USE_HOST_PTR");
	CHECK_OK(clGetMemObjectInfo(c, CL_MEM_HOST_PTR, sizeof(hp), &hp, NULL), "host ptr");
	CHECK(hp == NULL, "CL_MEM_HOST_PTR of COPY_HOST_PTR is NULL");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_MAP_COUNT, sizeof(u), &u, NULL), "map count");
	CHECK(u == 0, "CL_MEM_MAP_COUNT");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof(u), &u, NULL), "refs");
	CHECK(u == 1, "CL_MEM_REFERENCE_COUNT 1");
	CHECK_OK(clRetainMemObject(m), "retain");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof(u), &u, NULL), "refs");
	CHECK(u == 2, "CL_MEM_REFERENCE_COUNT 2");
	CHECK_OK(clReleaseMemObject(m), "release");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_CONTEXT, sizeof(ctx), &ctx, NULL), "context");
	CHECK(ctx == env->context, "CL_MEM_CONTEXT");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof(assoc), &assoc, NULL),
		 "associated");
	CHECK(assoc == NULL, "no associated object");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_OFFSET, sizeof(offset), &offset, NULL), "offset");
	CHECK(offset == 0, "CL_MEM_OFFSET 0");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(svm), &svm, NULL), "svm");
	CHECK(svm == CL_FALSE, "malloc memory is no SVM pointer");
	CHECK(mem_flags(m) == (CL_MEM_USE_HOST_PTR | CL_MEM_READ_ONLY), "flags");

	CHECK_ERR(clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof(size) - 1, &size, NULL),
		  CL_INVALID_VALUE, "too small a param_value");
	CHECK_ERR(clGetMemObjectInfo(m, 0x7777, sizeof(size), &size, NULL), CL_INVALID_VALUE,
		  "unknown param_name");
	CHECK_ERR(clGetMemObjectInfo(m, CL_IMAGE_FORMAT, sizeof(size), &size, NULL),
		  CL_INVALID_VALUE, "an image query is no memory object query");
	CHECK_ERR(clGetMemObjectInfo(NULL, CL_MEM_SIZE, sizeof(size), &size, NULL),
		  CL_INVALID_MEM_OBJECT, "NULL object");
	CHECK_ERR(clGetMemObjectInfo((cl_mem)env->context, CL_MEM_SIZE, sizeof(size), &size, NULL),
		  CL_INVALID_MEM_OBJECT, "a context passed as memory object");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_SIZE, 0, NULL, &ret), "size only");
	CHECK(ret == sizeof(size_t), "size of CL_MEM_SIZE");

	CHECK_ERR(clRetainMemObject(NULL), CL_INVALID_MEM_OBJECT, "retain NULL");
	CHECK_ERR(clReleaseMemObject(NULL), CL_INVALID_MEM_OBJECT, "release NULL");
	CHECK_ERR(clRetainMemObject((cl_mem)env->queue), CL_INVALID_MEM_OBJECT, "retain a queue");
	CHECK_ERR(clReleaseMemObject((cl_mem)env->queue), CL_INVALID_MEM_OBJECT,
		  "release a queue");
	clReleaseMemObject(m);
	clReleaseMemObject(c);
}

static int g_order[8], g_norder;

static void CL_CALLBACK dtor_cb(cl_mem m, void *data)
{
	(void)m;
	if (g_norder < 8)
		g_order[g_norder++] = (int)(intptr_t)data;
}

static void destructors(struct tu_env *env)
{
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, 64, NULL, &err), s;
	cl_buffer_region r = {0, 32};

	REQUIRE(m, "buffer for callbacks");
	CHECK_ERR(clSetMemObjectDestructorCallback(NULL, dtor_cb, NULL), CL_INVALID_MEM_OBJECT,
		  "NULL object");
	CHECK_ERR(clSetMemObjectDestructorCallback(m, NULL, NULL), CL_INVALID_VALUE, "NULL pfn");
	g_norder = 0;
	for (int i = 1; i <= 3; i++)
		CHECK_OK(clSetMemObjectDestructorCallback(m, dtor_cb, (void *)(intptr_t)i), "set");
	clRetainMemObject(m);
	clReleaseMemObject(m);
	CHECK(g_norder == 0, "no callback while referenced");
	clReleaseMemObject(m);
	CHECK(g_norder == 3 && g_order[0] == 3 && g_order[1] == 2 && g_order[2] == 1,
	      "callbacks in reverse order: %d calls %d %d %d", g_norder, g_order[0], g_order[1],
	      g_order[2]);

	/* A parent outlives its sub-buffers: its callbacks wait for them. */
	g_norder = 0;
	m = clCreateBuffer(env->context, 0, 64, NULL, &err);
	s = clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
	CHECK_OK(clSetMemObjectDestructorCallback(m, dtor_cb, (void *)10), "parent cb");
	CHECK_OK(clSetMemObjectDestructorCallback(s, dtor_cb, (void *)20), "sub cb");
	CHECK_OK(clReleaseMemObject(m), "release the parent first");
	CHECK(g_norder == 0, "parent kept alive by its sub-buffer");
	CHECK_OK(clEnqueueFillBuffer(env->queue, s, "x", 1, 0, 32, 0, NULL, NULL),
		 "the sub-buffer still works");
	CHECK_OK(clFinish(env->queue), "finish");
	CHECK_OK(clReleaseMemObject(s), "release the sub-buffer");
	CHECK(g_norder == 2 && g_order[0] == 20 && g_order[1] == 10,
	      "sub-buffer then parent callbacks (%d calls)", g_norder);
}

static void sub_buffers(struct tu_env *env)
{
	static const cl_mem_flags acc[] = {0, CL_MEM_READ_WRITE, CL_MEM_WRITE_ONLY,
					   CL_MEM_READ_ONLY};
	static const cl_mem_flags hst[] = {0, CL_MEM_HOST_WRITE_ONLY, CL_MEM_HOST_READ_ONLY,
					   CL_MEM_HOST_NO_ACCESS};
	size_t a = g_align, size = 8 * a;
	char *host = malloc(size);
	cl_buffer_region r = {2 * a, 3 * a}, tmp;
	cl_int err;
	cl_mem p, s, ss;
	size_t v = 0;
	void *hp = NULL;
	cl_mem assoc = NULL;
	unsigned char buf[64];

	for (size_t i = 0; i < size; i++)
		host[i] = (char)i;
	p = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, size, host, &err);
	REQUIRE(p, "parent buffer");
	s = clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
	CHECK_OK(err, "sub-buffer");
	REQUIRE(s, "sub-buffer");
	CHECK_OK(clGetMemObjectInfo(s, CL_MEM_SIZE, sizeof(v), &v, NULL), "size");
	CHECK(v == r.size, "sub-buffer size");
	CHECK_OK(clGetMemObjectInfo(s, CL_MEM_OFFSET, sizeof(v), &v, NULL), "offset");
	CHECK(v == r.origin, "sub-buffer offset");
	CHECK_OK(clGetMemObjectInfo(s, CL_MEM_HOST_PTR, sizeof(hp), &hp, NULL), "host ptr");
	CHECK(hp == host + r.origin, "sub-buffer host_ptr is host_ptr + origin");
	CHECK_OK(clGetMemObjectInfo(s, CL_MEM_ASSOCIATED_MEMOBJECT, sizeof(assoc), &assoc, NULL),
		 "assoc");
	CHECK(assoc == p, "associated object is the parent");
	CHECK(mem_flags(s) == (CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR),
	      "sub-buffer inherits access and USE_HOST_PTR: 0x%llx",
	      (unsigned long long)mem_flags(s));
	/* The same storage: a write through the sub-buffer shows in host. */
	CHECK_OK(clEnqueueWriteBuffer(env->queue, s, CL_TRUE, 1, 4, "abcd", 0, NULL, NULL), "w");
	CHECK(memcmp(host + r.origin + 1, "abcd", 4) == 0, "sub-buffer writes the parent");
	CHECK_OK(clEnqueueReadBuffer(env->queue, s, CL_TRUE, 0, 1, buf, 0, NULL, NULL), "r");
	CHECK(buf[0] == (unsigned char)r.origin, "sub-buffer reads the parent");

	ss = clCreateSubBuffer(s, 0, CL_BUFFER_CREATE_TYPE_REGION, &(cl_buffer_region){0, a},
			       &err);
	CHECK(ss == NULL, "no sub-buffer of a sub-buffer");
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT, "sub-buffer of a sub-buffer");
	clCreateSubBuffer(NULL, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT, "NULL buffer");
	clCreateSubBuffer((cl_mem)env->context, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
	CHECK_ERR(err, CL_INVALID_MEM_OBJECT, "a context as buffer");
	clCreateSubBuffer(p, 0, 0x7777, &r, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "bad create type");
	clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, NULL, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "NULL create info");
	tmp = (cl_buffer_region){0, 0};
	clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, &tmp, &err);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "size 0");
	tmp = (cl_buffer_region){6 * a, 2 * a + 1};
	clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, &tmp, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "region past the end");
	tmp = (cl_buffer_region){9 * a, 1};
	clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, &tmp, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "origin past the end");
	tmp = (cl_buffer_region){a, SIZE_MAX};
	clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, &tmp, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "origin + size wraps");
	tmp = (cl_buffer_region){6 * a, 2 * a};
	ss = clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, &tmp, &err);
	CHECK_OK(err, "region up to the end");
	clReleaseMemObject(ss);
	if (a > 1) {
		tmp = (cl_buffer_region){a / 2, a};
		clCreateSubBuffer(p, 0, CL_BUFFER_CREATE_TYPE_REGION, &tmp, &err);
		CHECK_ERR(err, CL_MISALIGNED_SUB_BUFFER_OFFSET, "misaligned origin");
	}
	for (size_t i = 0; i < 3; i++) {
		static const cl_mem_flags ptrf[] = {CL_MEM_USE_HOST_PTR, CL_MEM_ALLOC_HOST_PTR,
						    CL_MEM_COPY_HOST_PTR};
		clCreateSubBuffer(p, ptrf[i], CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
		CHECK_ERR(err, CL_INVALID_VALUE, "host pointer flag 0x%llx on a sub-buffer",
			  (unsigned long long)ptrf[i]);
	}
	clCreateSubBuffer(p, 1ull << 40, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "unknown flag");
	clCreateSubBuffer(p, CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY, CL_BUFFER_CREATE_TYPE_REGION,
			  &r, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "exclusive access flags");
	CHECK_OK(clReleaseMemObject(s), "release sub");
	CHECK_OK(clReleaseMemObject(p), "release parent");

	/* The flag inheritance and conflict matrix. */
	for (int pa = 0; pa < 4; pa++)
		for (int ph = 0; ph < 4; ph++) {
			cl_mem_flags pf = acc[pa] | hst[ph] | CL_MEM_ALLOC_HOST_PTR;

			p = clCreateBuffer(env->context, pf, size, NULL, &err);
			REQUIRE(p, "parent 0x%llx", (unsigned long long)pf);
			for (int sa = 0; sa < 4; sa++)
				for (int sh = 0; sh < 4; sh++) {
					cl_mem_flags sf = acc[sa] | hst[sh];
					cl_mem_flags pacc = acc[pa] ? acc[pa] : CL_MEM_READ_WRITE;
					bool bad = (pacc == CL_MEM_WRITE_ONLY &&
						    (acc[sa] == CL_MEM_READ_WRITE ||
						     acc[sa] == CL_MEM_READ_ONLY)) ||
						   (pacc == CL_MEM_READ_ONLY &&
						    (acc[sa] == CL_MEM_READ_WRITE ||
						     acc[sa] == CL_MEM_WRITE_ONLY)) ||
						   (hst[ph] == CL_MEM_HOST_WRITE_ONLY &&
						    hst[sh] == CL_MEM_HOST_READ_ONLY) ||
						   (hst[ph] == CL_MEM_HOST_READ_ONLY &&
						    hst[sh] == CL_MEM_HOST_WRITE_ONLY) ||
						   (hst[ph] == CL_MEM_HOST_NO_ACCESS && hst[sh] &&
						    hst[sh] != CL_MEM_HOST_NO_ACCESS);
					cl_mem_flags want = (acc[sa] ? acc[sa] : pacc) |
							    (hst[sh] ? hst[sh] : hst[ph]) |
							    CL_MEM_ALLOC_HOST_PTR;

					s = clCreateSubBuffer(p, sf, CL_BUFFER_CREATE_TYPE_REGION,
							      &r, &err);
					CHECK_ERR(err, bad ? CL_INVALID_VALUE : CL_SUCCESS,
						  "parent 0x%llx sub 0x%llx",
						  (unsigned long long)pf, (unsigned long long)sf);
					if (!s)
						continue;
					CHECK(mem_flags(s) == want,
					      "sub flags 0x%llx of parent 0x%llx: 0x%llx",
					      (unsigned long long)sf, (unsigned long long)pf,
					      (unsigned long long)mem_flags(s));
					clReleaseMemObject(s);
				}
			clReleaseMemObject(p);
		}
	free(host);
}

/* Read, write and copy correctness and errors. */
static void read_write_copy(struct tu_env *env)
{
	enum { N = 4096 };
	unsigned char *src = malloc(N), *dst = malloc(N);
	cl_int err;
	cl_mem a = clCreateBuffer(env->context, 0, N, NULL, &err);
	cl_mem b = clCreateBuffer(env->context, 0, N, NULL, &err);
	cl_context ctx2 = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	cl_mem other = clCreateBuffer(ctx2, 0, N, NULL, &err);
	cl_event foreign = clCreateUserEvent(ctx2, &err), bad_list[1] = {NULL};
	cl_mem s1, s2;

	REQUIRE(a && b && other && foreign, "buffers");
	for (int i = 0; i < N; i++)
		src[i] = (unsigned char)rnd();
	CHECK_OK(clEnqueueWriteBuffer(env->queue, a, CL_TRUE, 0, N, src, 0, NULL, NULL), "write");
	CHECK_OK(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 0, N, dst, 0, NULL, NULL), "read");
	CHECK(memcmp(src, dst, N) == 0, "write/read round trip");
	memset(dst, 0, N);
	CHECK_OK(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 100, 200, dst + 7, 0, NULL, NULL),
		 "read at an offset");
	CHECK(memcmp(dst + 7, src + 100, 200) == 0 && dst[6] == 0 && dst[207] == 0,
	      "offset read");
	CHECK_OK(clEnqueueWriteBuffer(env->queue, a, CL_TRUE, N - 3, 3, "xyz", 0, NULL, NULL),
		 "write the last bytes");
	CHECK_OK(clEnqueueReadBuffer(env->queue, a, CL_TRUE, N - 4, 4, dst, 0, NULL, NULL), "r");
	CHECK(dst[0] == src[N - 4] && memcmp(dst + 1, "xyz", 3) == 0, "tail write");
	CHECK_OK(clEnqueueReadBuffer(env->queue, a, CL_TRUE, N, 0, dst, 0, NULL, NULL),
		 "empty read at the end is in bounds");

	/* Errors, in the specification's order. */
	CHECK_ERR(clEnqueueReadBuffer(NULL, a, CL_TRUE, 0, 4, dst, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "NULL queue");
	CHECK_ERR(clEnqueueReadBuffer((cl_command_queue)a, a, CL_TRUE, 0, 4, dst, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "a buffer as queue");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, NULL, CL_TRUE, 0, 4, dst, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "NULL buffer");
	CHECK_ERR(clEnqueueWriteBuffer(env->queue, (cl_mem)env->queue, CL_TRUE, 0, 4, dst, 0,
				       NULL, NULL), CL_INVALID_MEM_OBJECT, "a queue as buffer");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, other, CL_TRUE, 0, 4, dst, 0, NULL, NULL),
		  CL_INVALID_CONTEXT, "buffer of another context");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 0, 4, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL ptr");
	CHECK_ERR(clEnqueueWriteBuffer(env->queue, a, CL_TRUE, 0, 4, NULL, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL ptr (write)");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, a, CL_TRUE, N - 3, 4, dst, 0, NULL, NULL),
		  CL_INVALID_VALUE, "one byte past the end");
	CHECK_ERR(clEnqueueWriteBuffer(env->queue, a, CL_TRUE, N + 1, 0, src, 0, NULL, NULL),
		  CL_INVALID_VALUE, "offset past the end");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, a, CL_TRUE, SIZE_MAX, 2, dst, 0, NULL, NULL),
		  CL_INVALID_VALUE, "offset + size wraps");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 0, 4, dst, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "NULL list with a count");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 0, 4, dst, 0, &foreign, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "a list with count 0");
	CHECK_ERR(clEnqueueWriteBuffer(env->queue, a, CL_TRUE, 0, 4, dst, 1, bad_list, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "NULL event in the list");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 0, 4, dst, 1, &foreign, NULL),
		  CL_INVALID_CONTEXT, "event of another context");

	/* Copies: whole, partial, within one buffer, overlap. */
	CHECK_OK(clEnqueueWriteBuffer(env->queue, a, CL_TRUE, 0, N, src, 0, NULL, NULL), "w");
	CHECK_OK(clEnqueueCopyBuffer(env->queue, a, b, 0, 0, N, 0, NULL, NULL), "copy");
	CHECK_OK(clEnqueueReadBuffer(env->queue, b, CL_TRUE, 0, N, dst, 0, NULL, NULL), "r");
	CHECK(memcmp(src, dst, N) == 0, "copy contents");
	CHECK_OK(clEnqueueCopyBuffer(env->queue, a, a, 0, 1000, 1000, 0, NULL, NULL),
		 "adjacent ranges of one buffer do not overlap");
	CHECK_OK(clEnqueueReadBuffer(env->queue, a, CL_TRUE, 1000, 1000, dst, 0, NULL, NULL), "r");
	CHECK(memcmp(src, dst, 1000) == 0, "copy within one buffer");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, a, 0, 999, 1000, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "overlap by one byte");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, a, 10, 10, 1, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "same range");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, a, 500, 0, 501, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "overlap, source after destination");
	s1 = clCreateSubBuffer(a, 0, CL_BUFFER_CREATE_TYPE_REGION,
			       &(cl_buffer_region){0, 2 * g_align}, &err);
	s2 = clCreateSubBuffer(a, 0, CL_BUFFER_CREATE_TYPE_REGION,
			       &(cl_buffer_region){g_align, 2 * g_align}, &err);
	REQUIRE(s1 && s2, "overlapping sub-buffers");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, s1, s2, g_align, 0, 1, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "sub-buffers sharing a byte");
	CHECK_OK(clEnqueueCopyBuffer(env->queue, s1, s2, 0, 0, g_align, 0, NULL, NULL),
		 "sub-buffers, disjoint ranges");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, s2, g_align + 5, 5, 1, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP, "a buffer and its sub-buffer sharing a byte");
	CHECK_OK(clEnqueueCopyBuffer(env->queue, a, s2, 0, 0, g_align, 0, NULL, NULL),
		 "buffer and sub-buffer, disjoint");
	CHECK_OK(clEnqueueReadBuffer(env->queue, a, CL_TRUE, g_align, g_align, dst, 0, NULL, NULL),
		 "r");
	CHECK(memcmp(dst, src, g_align) == 0, "copy into a sub-buffer lands in the parent");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, b, N - 1, 0, 2, 0, NULL, NULL),
		  CL_INVALID_VALUE, "source out of bounds");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, b, 0, SIZE_MAX, 2, 0, NULL, NULL),
		  CL_INVALID_VALUE, "destination wraps");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, other, 0, 0, 2, 0, NULL, NULL),
		  CL_INVALID_CONTEXT, "destination of another context");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, NULL, b, 0, 0, 2, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "NULL source");
	CHECK_ERR(clEnqueueCopyBuffer(NULL, a, b, 0, 0, 2, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "NULL queue");
	CHECK_ERR(clEnqueueCopyBuffer(env->queue, a, b, 0, 0, 2, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "copy wait list");

	clReleaseMemObject(s1);
	clReleaseMemObject(s2);
	clReleaseMemObject(a);
	clReleaseMemObject(b);
	clReleaseMemObject(other);
	clReleaseEvent(foreign);
	clReleaseContext(ctx2);
	free(src);
	free(dst);
}

/* Reads and writes honour the host access flags; copies and fills do not. */
static void host_access(struct tu_env *env)
{
	static const struct {
		cl_mem_flags f;
		bool read, write;
	} cases[] = {
		{0, true, true},
		{CL_MEM_HOST_WRITE_ONLY, false, true},
		{CL_MEM_HOST_READ_ONLY, true, false},
		{CL_MEM_HOST_NO_ACCESS, false, false},
	};
	char buf[16] = {0};
	cl_int err;

	for (size_t i = 0; i < 4; i++) {
		cl_mem m = clCreateBuffer(env->context, cases[i].f, 64, NULL, &err), o;

		REQUIRE(m, "buffer");
		CHECK_ERR(clEnqueueReadBuffer(env->queue, m, CL_TRUE, 0, 16, buf, 0, NULL, NULL),
			  cases[i].read ? CL_SUCCESS : CL_INVALID_OPERATION, "read, flags 0x%llx",
			  (unsigned long long)cases[i].f);
		CHECK_ERR(clEnqueueWriteBuffer(env->queue, m, CL_TRUE, 0, 16, buf, 0, NULL, NULL),
			  cases[i].write ? CL_SUCCESS : CL_INVALID_OPERATION,
			  "write, flags 0x%llx", (unsigned long long)cases[i].f);
		CHECK_OK(clEnqueueFillBuffer(env->queue, m, buf, 4, 0, 64, 0, NULL, NULL),
			 "fill ignores host flags");
		o = clCreateBuffer(env->context, 0, 64, NULL, &err);
		CHECK_OK(clEnqueueCopyBuffer(env->queue, m, o, 0, 0, 64, 0, NULL, NULL),
			 "copy ignores host flags");
		/* A sub-buffer inherits the restriction. */
		cl_mem s = clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION,
					     &(cl_buffer_region){0, 16}, &err);
		CHECK_ERR(clEnqueueReadBuffer(env->queue, s, CL_TRUE, 0, 16, buf, 0, NULL, NULL),
			  cases[i].read ? CL_SUCCESS : CL_INVALID_OPERATION, "sub-buffer read");
		clReleaseMemObject(s);
		clReleaseMemObject(o);
		clReleaseMemObject(m);
	}
}

static void fills(struct tu_env *env)
{
	enum { N = 2048 };
	unsigned char pattern[128], *want = malloc(N), *got = malloc(N);
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, N, NULL, &err);

	REQUIRE(m, "fill buffer");
	for (size_t ps = 1; ps <= 128; ps *= 2) {
		size_t off = ps * (1 + rnd() % 3), size = ps * (1 + rnd() % ((N - off) / ps));

		for (size_t i = 0; i < ps; i++)
			pattern[i] = (unsigned char)rnd();
		for (size_t i = 0; i < N; i++)
			want[i] = (unsigned char)(i ^ ps);
		CHECK_OK(clEnqueueWriteBuffer(env->queue, m, CL_TRUE, 0, N, want, 0, NULL, NULL),
			 "background");
		for (size_t i = 0; i < size; i++)
			want[off + i] = pattern[i % ps];
		CHECK_OK(clEnqueueFillBuffer(env->queue, m, pattern, ps, off, size, 0, NULL, NULL),
			 "fill, pattern size %zu", ps);
		memset(pattern, 0xee, sizeof(pattern)); /* the call copied it */
		CHECK_OK(clEnqueueReadBuffer(env->queue, m, CL_TRUE, 0, N, got, 0, NULL, NULL),
			 "r");
		CHECK(memcmp(want, got, N) == 0, "fill with a %zu-byte pattern at %zu+%zu", ps, off,
		      size);
	}
	CHECK_OK(clEnqueueFillBuffer(env->queue, m, pattern, 4, N, 0, 0, NULL, NULL),
		 "empty fill at the end");
	CHECK_ERR(clEnqueueFillBuffer(env->queue, m, NULL, 4, 0, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL pattern");
	for (size_t ps = 0; ps <= 260; ps++) {
		if (ps && ps <= 128 && !(ps & (ps - 1)))
			continue;
		CHECK_ERR(clEnqueueFillBuffer(env->queue, m, pattern, ps, 0, 0, 0, NULL, NULL),
			  CL_INVALID_VALUE, "pattern size %zu", ps);
	}
	CHECK_ERR(clEnqueueFillBuffer(env->queue, m, pattern, 4, 2, 16, 0, NULL, NULL),
		  CL_INVALID_VALUE, "offset not a multiple");
	CHECK_ERR(clEnqueueFillBuffer(env->queue, m, pattern, 4, 0, 18, 0, NULL, NULL),
		  CL_INVALID_VALUE, "size not a multiple");
	CHECK_ERR(clEnqueueFillBuffer(env->queue, m, pattern, 4, N - 4, 8, 0, NULL, NULL),
		  CL_INVALID_VALUE, "past the end");
	CHECK_ERR(clEnqueueFillBuffer(env->queue, NULL, pattern, 4, 0, 8, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "NULL buffer");
	CHECK_ERR(clEnqueueFillBuffer(NULL, m, pattern, 4, 0, 8, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "NULL queue");
	CHECK_ERR(clEnqueueFillBuffer(env->queue, m, pattern, 4, 0, 8, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "wait list");
	clReleaseMemObject(m);
	free(want);
	free(got);
}

static void svm_pointer(struct tu_env *env)
{
	cl_device_svm_capabilities caps = 0;
	cl_int err;
	cl_bool uses = CL_FALSE;
	char *svm;
	cl_mem m, s, c;

	clGetDeviceInfo(env->device, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL);
	REQUIRE(caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER, "the device has SVM");
	svm = clSVMAlloc(env->context, CL_MEM_READ_WRITE, 4096, 0);
	REQUIRE(svm, "clSVMAlloc");
	m = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, 4096, svm, &err);
	CHECK_OK(err, "buffer over SVM memory");
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(uses), &uses, NULL), "q");
	CHECK(uses == CL_TRUE, "CL_MEM_USES_SVM_POINTER");
	s = clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION,
			      &(cl_buffer_region){g_align, g_align}, &err);
	uses = CL_FALSE;
	CHECK_OK(clGetMemObjectInfo(s, CL_MEM_USES_SVM_POINTER, sizeof(uses), &uses, NULL), "q");
	CHECK(uses == CL_TRUE, "a sub-buffer of it too");
	CHECK_OK(clEnqueueWriteBuffer(env->queue, s, CL_TRUE, 0, 5, "hello", 0, NULL, NULL), "w");
	CHECK(memcmp(svm + g_align, "hello", 5) == 0, "the buffer is the SVM memory");
	clReleaseMemObject(s);
	clReleaseMemObject(m);
	m = clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, 1024, svm + 1024, &err);
	uses = CL_FALSE;
	CHECK_OK(clGetMemObjectInfo(m, CL_MEM_USES_SVM_POINTER, sizeof(uses), &uses, NULL), "q");
	CHECK(uses == CL_TRUE, "interior SVM pointer");
	clReleaseMemObject(m);
	c = clCreateBuffer(env->context, CL_MEM_COPY_HOST_PTR, 4096, svm, &err);
	uses = CL_TRUE;
	CHECK_OK(clGetMemObjectInfo(c, CL_MEM_USES_SVM_POINTER, sizeof(uses), &uses, NULL), "q");
	CHECK(uses == CL_FALSE, "a copy of SVM memory does not use it");
	clReleaseMemObject(c);
	clCreateBuffer(env->context, CL_MEM_USE_HOST_PTR, 4097, svm, &err);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "larger than the SVM allocation");
	clCreateBuffer(env->context, CL_MEM_COPY_HOST_PTR, 2049, svm + 2048, &err);
	CHECK_ERR(err, CL_INVALID_BUFFER_SIZE, "past the SVM allocation's end (copy)");
	clSVMFree(env->context, svm);
}

static cl_command_type cmd_type(cl_event ev)
{
	cl_command_type t = 0;

	CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL), "type");
	return t;
}

static cl_int ev_status(cl_event ev)
{
	cl_int st = 0;

	CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL), "s");
	return st;
}

static void events_and_migrate(struct tu_env *env)
{
	char in[256], out[256] = {0};
	cl_int err;
	cl_mem m = clCreateBuffer(env->context, 0, sizeof(in), NULL, &err), list[2];
	cl_event gate = clCreateUserEvent(env->context, &err), w, r, c, f, mg, bad;
	cl_context ctx2 = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	cl_mem other = clCreateBuffer(ctx2, 0, 64, NULL, &err);

	REQUIRE(m && gate && other, "objects");
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 5);
	CHECK_OK(clEnqueueWriteBuffer(env->queue, m, CL_FALSE, 0, sizeof(in), in, 1, &gate, &w),
		 "gated write");
	CHECK_OK(clEnqueueReadBuffer(env->queue, m, CL_FALSE, 0, sizeof(out), out, 0, NULL, &r),
		 "read after it");
	CHECK(ev_status(w) > CL_COMPLETE && ev_status(r) > CL_COMPLETE, "both wait for the gate");
	CHECK(out[1] == 0, "nothing read yet");
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "open the gate");
	CHECK_OK(clWaitForEvents(1, &r), "wait");
	CHECK(memcmp(in, out, sizeof(in)) == 0, "non-blocking write then read");
	CHECK(cmd_type(w) == CL_COMMAND_WRITE_BUFFER && cmd_type(r) == CL_COMMAND_READ_BUFFER,
	      "command types");
	CHECK_OK(clEnqueueCopyBuffer(env->queue, m, m, 0, 128, 128, 0, NULL, &c), "copy");
	CHECK_OK(clEnqueueFillBuffer(env->queue, m, "z", 1, 0, 1, 0, NULL, &f), "fill");
	CHECK(cmd_type(c) == CL_COMMAND_COPY_BUFFER && cmd_type(f) == CL_COMMAND_FILL_BUFFER,
	      "copy and fill types");

	/* A failed dependency: a blocking read reports it. */
	bad = clCreateUserEvent(env->context, &err);
	CHECK_OK(clEnqueueWriteBuffer(env->queue, m, CL_FALSE, 0, 4, "EEEE", 1, &bad, NULL), "w");
	CHECK_OK(clSetUserEventStatus(bad, -1234), "fail the gate");
	CHECK_ERR(clEnqueueReadBuffer(env->queue, m, CL_TRUE, 0, 4, out, 1, &bad, NULL),
		  CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, "blocking read after a failure");

	/* Migration is a hint that completes. */
	list[0] = m;
	list[1] = clCreateBuffer(env->context, 0, 64, NULL, &err);
	static const cl_mem_migration_flags ok_flags[] = {
		0, CL_MIGRATE_MEM_OBJECT_HOST, CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED,
		CL_MIGRATE_MEM_OBJECT_HOST | CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED};
	for (int i = 0; i < 4; i++)
		CHECK_OK(clEnqueueMigrateMemObjects(env->queue, 2, list, ok_flags[i], 0, NULL,
						    NULL),
			 "migrate flags 0x%llx", (unsigned long long)ok_flags[i]);
	CHECK_OK(clEnqueueMigrateMemObjects(env->queue, 1, list, 0, 0, NULL, &mg), "migrate");
	CHECK_OK(clWaitForEvents(1, &mg), "migration completes");
	CHECK(cmd_type(mg) == CL_COMMAND_MIGRATE_MEM_OBJECTS && ev_status(mg) == CL_COMPLETE,
	      "migrate event");
	CHECK_ERR(clEnqueueMigrateMemObjects(env->queue, 0, list, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE, "no objects");
	CHECK_ERR(clEnqueueMigrateMemObjects(env->queue, 1, NULL, 0, 0, NULL, NULL),
		  CL_INVALID_VALUE, "NULL list");
	CHECK_ERR(clEnqueueMigrateMemObjects(env->queue, 1, list, 4, 0, NULL, NULL),
		  CL_INVALID_VALUE, "unknown flag");
	CHECK_ERR(clEnqueueMigrateMemObjects(NULL, 1, list, 0, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "NULL queue");
	cl_mem with_bad[2] = {m, NULL}, with_other[2] = {m, other};
	CHECK_ERR(clEnqueueMigrateMemObjects(env->queue, 2, with_bad, 0, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "NULL object in the list");
	CHECK_ERR(clEnqueueMigrateMemObjects(env->queue, 2, with_other, 0, 0, NULL, NULL),
		  CL_INVALID_CONTEXT, "object of another context");
	CHECK_ERR(clEnqueueMigrateMemObjects(env->queue, 1, list, 0, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "wait list");

	CHECK_OK(clFinish(env->queue), "finish");
	cl_event evs[] = {gate, w, r, c, f, mg, bad};
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		clReleaseEvent(evs[i]);
	clReleaseMemObject(list[1]);
	clReleaseMemObject(m);
	clReleaseMemObject(other);
	clReleaseContext(ctx2);
}

int main(void)
{
	struct tu_env env;
	cl_uint bits = 0;

	tu_env_init(&env, 0);
	CHECK_OK(clGetDeviceInfo(env.device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof(bits), &bits,
				 NULL), "base address alignment");
	g_align = bits / 8 ? bits / 8 : 1;
	flag_matrix(&env);
	create_errors(&env);
	info(&env);
	destructors(&env);
	sub_buffers(&env);
	read_write_copy(&env);
	host_access(&env);
	fills(&env);
	svm_pointer(&env);
	events_and_migrate(&env);
	tu_env_fini(&env);
	return tu_done();
}
