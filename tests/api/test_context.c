// SPDX-License-Identifier: MIT
/* Contexts: creation from devices and from types, properties kept as given,
 * every error case, reference counts (including the references that queues
 * hold), destructor callbacks in reverse order of registration, and
 * creation and destruction from several threads at once. */
#include "testutil.h"
#include <CL/cl_icd.h>
#include <pthread.h>

struct fake {
	const cl_icd_dispatch *dispatch;
	cl_uint magic, refcount;
};

static cl_platform_id plat;
static cl_device_id dev;
static const cl_icd_dispatch *disp;

static cl_uint refcount(cl_context c)
{
	cl_uint n = 0;

	CHECK_OK(clGetContextInfo(c, CL_CONTEXT_REFERENCE_COUNT, sizeof(n), &n, NULL), "count");
	return n;
}

/* Creates a context with these properties and checks that they come back. */
static void check_props_roundtrip(const cl_context_properties *props, size_t n)
{
	cl_context_properties got[16];
	size_t sz = 1;
	cl_int err;
	cl_context c = clCreateContext(props, 1, &dev, NULL, NULL, &err);

	CHECK_OK(err, "context with %zu property entries", n);
	if (!c)
		return;
	CHECK_OK(clGetContextInfo(c, CL_CONTEXT_PROPERTIES, 0, NULL, &sz), "properties size");
	CHECK(sz == n * sizeof(cl_context_properties), "properties size %zu, want %zu", sz,
	      n * sizeof(cl_context_properties));
	if (n) {
		CHECK_OK(clGetContextInfo(c, CL_CONTEXT_PROPERTIES, sizeof(got), got, NULL),
			 "properties");
		CHECK(memcmp(got, props, n * sizeof(*props)) == 0, "properties as given");
		CHECK_ERR(clGetContextInfo(c, CL_CONTEXT_PROPERTIES, sz - 1, got, NULL),
			  CL_INVALID_VALUE, "properties into a short buffer");
	}
	CHECK_OK(clReleaseContext(c), "release");
}

static void check_create(void)
{
	struct fake fake = {disp, 0, 1};
	cl_device_id bad = (cl_device_id)&fake, two[2] = {NULL, NULL}, got[4];
	cl_context_properties none[] = {0};
	cl_context_properties pl[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0};
	cl_context_properties both[] = {CL_CONTEXT_INTEROP_USER_SYNC, CL_TRUE,
					CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0};
	cl_context_properties dup[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat,
				       CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0};
	cl_context_properties sync_bad[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat,
					    CL_CONTEXT_INTEROP_USER_SYNC, 5, 0};
	cl_context_properties unknown[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat,
					   0x2008 /* CL_GL_CONTEXT_KHR */, 1, 0};
	cl_context_properties badplat[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)&fake, 0};
	cl_context c;
	cl_uint n = 0;
	cl_int err;
	size_t sz = 0;
	int token = 0;

	/* The basic case. */
	c = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	REQUIRE(err == CL_SUCCESS && c, "clCreateContext: %s", tu_errname(err));
	CHECK(refcount(c) == 1, "new context: one reference");
	CHECK_OK(clGetContextInfo(c, CL_CONTEXT_NUM_DEVICES, sizeof(n), &n, &sz), "num devices");
	CHECK(n == 1 && sz == sizeof(cl_uint), "one device");
	CHECK_OK(clGetContextInfo(c, CL_CONTEXT_DEVICES, 0, NULL, &sz), "devices size");
	CHECK(sz == sizeof(cl_device_id), "devices size %zu", sz);
	CHECK_OK(clGetContextInfo(c, CL_CONTEXT_DEVICES, sizeof(got), got, NULL), "devices");
	CHECK(got[0] == dev, "the device");
	CHECK_ERR(clGetContextInfo(c, CL_CONTEXT_DEVICES, sizeof(cl_device_id) - 1, got, NULL),
		  CL_INVALID_VALUE, "devices into a short buffer");
	sz = 99;
	CHECK_OK(clGetContextInfo(c, CL_CONTEXT_PROPERTIES, 0, NULL, &sz), "no properties");
	CHECK(sz == 0, "NULL properties: size 0 (%zu)", sz);
	CHECK_ERR(clGetContextInfo(c, 0x4242, sizeof(n), &n, NULL), CL_INVALID_VALUE,
		  "unknown param_name");
	CHECK_ERR(clGetContextInfo(c, CL_CONTEXT_NUM_DEVICES, 2, &n, NULL), CL_INVALID_VALUE,
		  "cl_uint into 2 bytes");
	CHECK_OK(clReleaseContext(c), "release");

	/* Properties come back exactly as given. */
	check_props_roundtrip(none, 1);
	check_props_roundtrip(pl, 3);
	check_props_roundtrip(both, 5);

	/* Property errors (the loader routes by CL_CONTEXT_PLATFORM). */
	c = clCreateContext(dup, 1, &dev, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_PROPERTY, "duplicate property: %s", tu_errname(err));
	c = clCreateContext(sync_bad, 1, &dev, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_PROPERTY, "bad interop value: %s", tu_errname(err));
	c = clCreateContext(unknown, 1, &dev, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_PROPERTY, "unsupported property: %s", tu_errname(err));
	c = clCreateContextFromType(dup, CL_DEVICE_TYPE_ALL, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_PROPERTY, "from type, duplicate: %s", tu_errname(err));
	/* An unknown platform never reaches svmgpu through the loader: ask
	 * svmgpu directly. */
	c = disp->clCreateContext(badplat, 1, &dev, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_PLATFORM, "unknown platform: %s", tu_errname(err));
	c = disp->clCreateContextFromType(badplat, CL_DEVICE_TYPE_ALL, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_PLATFORM, "from type, unknown platform: %s",
	      tu_errname(err));

	/* Device list errors. */
	c = clCreateContext(pl, 0, &dev, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_VALUE, "num_devices 0: %s", tu_errname(err));
	c = clCreateContext(pl, 1, NULL, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_VALUE, "devices NULL: %s", tu_errname(err));
	c = disp->clCreateContext(NULL, 0, NULL, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_VALUE, "svmgpu: no devices: %s", tu_errname(err));
	c = clCreateContext(NULL, 1, &dev, NULL, &token, &err);
	CHECK(!c && err == CL_INVALID_VALUE, "user_data without pfn_notify: %s",
	      tu_errname(err));
	c = clCreateContextFromType(pl, CL_DEVICE_TYPE_ALL, NULL, &token, &err);
	CHECK(!c && err == CL_INVALID_VALUE, "from type, user_data without pfn_notify: %s",
	      tu_errname(err));
	two[0] = dev;
	two[1] = bad;
	c = clCreateContext(NULL, 2, two, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_DEVICE, "unknown device: %s", tu_errname(err));
	two[1] = NULL;
	c = clCreateContext(NULL, 2, two, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_DEVICE, "NULL device: %s", tu_errname(err));
	c = clCreateContext(pl, 1, &bad, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_DEVICE, "only an unknown device: %s", tu_errname(err));

	/* "Duplicate devices specified in devices are ignored." */
	two[1] = dev;
	c = clCreateContext(NULL, 2, two, NULL, NULL, NULL);
	REQUIRE(c != NULL, "duplicate devices, errcode_ret NULL");
	CHECK_OK(clGetContextInfo(c, CL_CONTEXT_NUM_DEVICES, sizeof(n), &n, NULL), "num devices");
	CHECK(n == 1, "duplicates ignored (%u devices)", n);
	CHECK_OK(clReleaseContext(c), "release");
}

static void check_from_type(void)
{
	cl_context_properties pl[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0};
	static const cl_device_type ok[] = {CL_DEVICE_TYPE_DEFAULT, CL_DEVICE_TYPE_CPU,
					    CL_DEVICE_TYPE_ALL,
					    CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_GPU};
	static const cl_device_type none[] = {CL_DEVICE_TYPE_GPU, CL_DEVICE_TYPE_ACCELERATOR,
					      CL_DEVICE_TYPE_CUSTOM};
	cl_device_id got = NULL;
	cl_uint n = 0;
	cl_int err;
	cl_context c;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		c = clCreateContextFromType(pl, ok[i], NULL, NULL, &err);
		CHECK(c && err == CL_SUCCESS, "from type 0x%llx: %s", (unsigned long long)ok[i],
		      tu_errname(err));
		if (!c)
			continue;
		CHECK_OK(clGetContextInfo(c, CL_CONTEXT_NUM_DEVICES, sizeof(n), &n, NULL), "n");
		CHECK_OK(clGetContextInfo(c, CL_CONTEXT_DEVICES, sizeof(got), &got, NULL), "dev");
		CHECK(n == 1 && got == dev, "from type 0x%llx: the cpu device",
		      (unsigned long long)ok[i]);
		CHECK_OK(clReleaseContext(c), "release");
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		c = clCreateContextFromType(pl, none[i], NULL, NULL, &err);
		CHECK(!c && err == CL_DEVICE_NOT_FOUND, "from type 0x%llx: %s",
		      (unsigned long long)none[i], tu_errname(err));
	}
	c = clCreateContextFromType(pl, 0, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_DEVICE_TYPE, "type 0: %s", tu_errname(err));
	c = clCreateContextFromType(pl, (cl_device_type)1 << 33, NULL, NULL, &err);
	CHECK(!c && err == CL_INVALID_DEVICE_TYPE, "junk type: %s", tu_errname(err));
}

static int order[8], norder;
static cl_context seen_ctx;

static void CL_CALLBACK dtor(cl_context c, void *data)
{
	seen_ctx = c;
	order[norder++] = *(int *)data;
}

static void CL_CALLBACK notify(const char *msg, const void *info, size_t cb, void *data)
{
	(void)msg, (void)info, (void)cb, (void)data;
}

static void check_refcounts_and_destructors(void)
{
	struct fake fake = {disp, 0, 1};
	cl_context c, bad = (cl_context)&fake;
	cl_command_queue q;
	cl_int err;
	int ids[3] = {0, 1, 2}, token = 7;

	c = clCreateContext(NULL, 1, &dev, notify, &token, &err);
	REQUIRE(c && err == CL_SUCCESS, "context with an error callback");
	CHECK_OK(clRetainContext(c), "retain");
	CHECK(refcount(c) == 2, "two references");
	CHECK_OK(clReleaseContext(c), "release");
	CHECK(refcount(c) == 1, "one reference");

	CHECK_ERR(clSetContextDestructorCallback(c, NULL, NULL), CL_INVALID_VALUE,
		  "NULL destructor callback");
	CHECK_ERR(clSetContextDestructorCallback(bad, dtor, NULL), CL_INVALID_CONTEXT,
		  "destructor callback, unknown context");
	for (int i = 0; i < 3; i++)
		CHECK_OK(clSetContextDestructorCallback(c, dtor, &ids[i]), "destructor %d", i);

	/* A queue keeps the context alive after the application's release. */
	q = clCreateCommandQueueWithProperties(c, dev, NULL, &err);
	REQUIRE(q && err == CL_SUCCESS, "queue");
	CHECK(refcount(c) >= 2, "the queue holds a reference");
	norder = 0;
	CHECK_OK(clReleaseContext(c), "release while a queue lives");
	CHECK(norder == 0, "no destructor while the queue holds the context");
	CHECK_OK(clReleaseCommandQueue(q), "release queue");
	CHECK(norder == 3, "every destructor ran (%d)", norder);
	CHECK(order[0] == 2 && order[1] == 1 && order[2] == 0,
	      "reverse order of registration: %d %d %d", order[0], order[1], order[2]);
	CHECK(seen_ctx == c, "the destructor gets the context");

	/* Invalid handles. */
	CHECK_ERR(clRetainContext(bad), CL_INVALID_CONTEXT, "retain unknown");
	CHECK_ERR(clReleaseContext(bad), CL_INVALID_CONTEXT, "release unknown");
	CHECK_ERR(clGetContextInfo(bad, CL_CONTEXT_NUM_DEVICES, 0, NULL, NULL),
		  CL_INVALID_CONTEXT, "info of unknown");
}

/* Several threads create, share and destroy contexts; every destructor runs
 * exactly once. */
#define THREADS 4
#define ROUNDS 200

static _Atomic int dtor_runs;

static void CL_CALLBACK count_dtor(cl_context c, void *data)
{
	(void)c, (void)data;
	dtor_runs++;
}

static void *worker(void *arg)
{
	intptr_t fails = 0;

	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		cl_int err;
		cl_context c = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);

		if (!c) {
			fails++;
			continue;
		}
		fails += clSetContextDestructorCallback(c, count_dtor, NULL) != CL_SUCCESS;
		fails += clRetainContext(c) != CL_SUCCESS;
		fails += clReleaseContext(c) != CL_SUCCESS;
		fails += clReleaseContext(c) != CL_SUCCESS;
	}
	return (void *)fails;
}

static void check_threads(void)
{
	pthread_t t[THREADS];
	intptr_t fails = 0;

	dtor_runs = 0;
	for (int i = 0; i < THREADS; i++) {
		int rc = pthread_create(&t[i], NULL, worker, NULL);

		REQUIRE(rc == 0, "thread %d", i);
	}
	for (int i = 0; i < THREADS; i++) {
		void *r;

		pthread_join(t[i], &r);
		fails += (intptr_t)r;
	}
	CHECK(fails == 0, "%ld failed calls in threads", (long)fails);
	CHECK(dtor_runs == THREADS * ROUNDS, "%d destructors for %d contexts", (int)dtor_runs,
	      THREADS * ROUNDS);
}

int main(void)
{
	cl_int err;

	plat = tu_platform(NULL);
	disp = *(const cl_icd_dispatch **)plat;
	err = clGetDeviceIDs(plat, CL_DEVICE_TYPE_DEFAULT, 1, &dev, NULL);
	REQUIRE(err == CL_SUCCESS, "default device: %s", tu_errname(err));

	check_create();
	check_from_type();
	check_refcounts_and_destructors();
	check_threads();
	return tu_done();
}
