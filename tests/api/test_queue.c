// SPDX-License-Identifier: MIT
/* Command queues: creation and its errors, info, in-order execution order,
 * flush/finish, release with work in flight. */
#include "testutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

static void create_errors(struct tu_env *env)
{
	cl_int err;
	cl_command_queue q;
	cl_queue_properties bad_key[] = {0x7777, 1, 0};
	cl_queue_properties on_dev[] = {CL_QUEUE_PROPERTIES,
					CL_QUEUE_ON_DEVICE | CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, 0};
	cl_queue_properties size_only[] = {CL_QUEUE_SIZE, 1024, 0};
	cl_queue_properties twice[] = {CL_QUEUE_PROPERTIES, 0, CL_QUEUE_PROPERTIES, 0, 0};
	cl_queue_properties junk_bits[] = {CL_QUEUE_PROPERTIES, (cl_queue_properties)1 << 40, 0};
	cl_queue_properties ood_no_ooo[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_ON_DEVICE, 0};

	q = clCreateCommandQueueWithProperties(NULL, env->device, NULL, &err);
	CHECK(q == NULL, "NULL context gives no queue");
	CHECK_ERR(err, CL_INVALID_CONTEXT, "NULL context");
	q = clCreateCommandQueueWithProperties((cl_context)env->device, env->device, NULL, &err);
	CHECK_ERR(err, CL_INVALID_CONTEXT, "a device passed as context");
	q = clCreateCommandQueueWithProperties(env->context, NULL, NULL, &err);
	CHECK_ERR(err, CL_INVALID_DEVICE, "NULL device");
	q = clCreateCommandQueueWithProperties(env->context, (cl_device_id)env->context, NULL,
					       &err);
	CHECK_ERR(err, CL_INVALID_DEVICE, "a context passed as device");
	q = clCreateCommandQueueWithProperties(env->context, env->device, bad_key, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "unknown property key");
	q = clCreateCommandQueueWithProperties(env->context, env->device, junk_bits, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "unknown property bits");
	q = clCreateCommandQueueWithProperties(env->context, env->device, twice, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "CL_QUEUE_PROPERTIES twice");
	q = clCreateCommandQueueWithProperties(env->context, env->device, on_dev, &err);
	CHECK_ERR(err, CL_INVALID_QUEUE_PROPERTIES, "on-device queue is not supported");
	q = clCreateCommandQueueWithProperties(env->context, env->device, ood_no_ooo, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "ON_DEVICE without OUT_OF_ORDER");
	q = clCreateCommandQueueWithProperties(env->context, env->device, size_only, &err);
	CHECK_ERR(err, CL_INVALID_VALUE, "CL_QUEUE_SIZE for a host queue");
	q = clCreateCommandQueue(env->context, env->device, CL_QUEUE_ON_DEVICE, &err);
	CHECK(err == CL_INVALID_VALUE || err == CL_INVALID_QUEUE_PROPERTIES,
	      "deprecated create with ON_DEVICE: %s", tu_errname(err));
	/* errcode_ret may be NULL */
	q = clCreateCommandQueueWithProperties(NULL, env->device, NULL, NULL);
	CHECK(q == NULL, "NULL errcode_ret is allowed");
}

static void info(struct tu_env *env)
{
	cl_int err;
	cl_queue_properties props[] = {CL_QUEUE_PROPERTIES,
				       CL_QUEUE_PROFILING_ENABLE | CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE,
				       0};
	cl_command_queue q = clCreateCommandQueueWithProperties(env->context, env->device, props,
								 &err);
	cl_queue_properties got[8];
	cl_command_queue_properties qp = 0;
	cl_context ctx = NULL;
	cl_device_id dev = NULL;
	cl_command_queue dq = (cl_command_queue)1;
	cl_uint refs = 0;
	size_t size = 0;

	REQUIRE(err == CL_SUCCESS, "create with properties");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(ctx), &ctx, &size), "context");
	CHECK(ctx == env->context && size == sizeof(ctx), "CL_QUEUE_CONTEXT value");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(dev), &dev, NULL), "device");
	CHECK(dev == env->device, "CL_QUEUE_DEVICE value");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES, sizeof(qp), &qp, NULL), "props");
	CHECK(qp == (CL_QUEUE_PROFILING_ENABLE | CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE),
	      "CL_QUEUE_PROPERTIES value");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY, 0, NULL, &size), "array size");
	CHECK(size == sizeof(props), "CL_QUEUE_PROPERTIES_ARRAY size %zu", size);
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY, sizeof(got), got, NULL),
		 "array");
	CHECK(memcmp(got, props, sizeof(props)) == 0, "CL_QUEUE_PROPERTIES_ARRAY echoes the list");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_DEVICE_DEFAULT, sizeof(dq), &dq, NULL), "dflt");
	CHECK(dq == NULL, "no default device queue");
	CHECK_ERR(clGetCommandQueueInfo(q, CL_QUEUE_SIZE, sizeof(cl_uint), &refs, NULL),
		  CL_INVALID_COMMAND_QUEUE, "CL_QUEUE_SIZE of a host queue");
	CHECK_ERR(clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, 1, &ctx, NULL), CL_INVALID_VALUE,
		  "too small a buffer");
	CHECK_ERR(clGetCommandQueueInfo(q, 0x7fff, sizeof(refs), &refs, NULL), CL_INVALID_VALUE,
		  "unknown param");
	CHECK_ERR(clGetCommandQueueInfo(NULL, CL_QUEUE_CONTEXT, sizeof(ctx), &ctx, NULL),
		  CL_INVALID_COMMAND_QUEUE, "NULL queue");

	CHECK_OK(clRetainCommandQueue(q), "retain");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, sizeof(refs), &refs, NULL),
		 "refcount");
	CHECK(refs == 2, "refcount after retain is 2, got %u", refs);
	CHECK_OK(clReleaseCommandQueue(q), "release");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, sizeof(refs), &refs, NULL),
		 "refcount");
	CHECK(refs == 1, "refcount after release is 1, got %u", refs);
	CHECK_OK(clReleaseCommandQueue(q), "last release");

	/* The deprecated entry point; an empty properties array. */
	q = clCreateCommandQueue(env->context, env->device, CL_QUEUE_PROFILING_ENABLE, &err);
	CHECK_OK(err, "clCreateCommandQueue");
	CHECK_OK(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY, 0, NULL, &size), "array");
	CHECK(size == 0, "no properties array for clCreateCommandQueue, got %zu bytes", size);
	CHECK_OK(clReleaseCommandQueue(q), "release");

	CHECK_ERR(clRetainCommandQueue(NULL), CL_INVALID_COMMAND_QUEUE, "retain NULL");
	CHECK_ERR(clReleaseCommandQueue(NULL), CL_INVALID_COMMAND_QUEUE, "release NULL");
	CHECK_ERR(clFlush(NULL), CL_INVALID_COMMAND_QUEUE, "flush NULL");
	CHECK_ERR(clFinish(NULL), CL_INVALID_COMMAND_QUEUE, "finish NULL");
	CHECK_ERR(clFinish((cl_command_queue)env->context), CL_INVALID_COMMAND_QUEUE,
		  "finish a context");
	CHECK_ERR(clSetDefaultDeviceCommandQueue(env->context, env->device, env->queue),
		  CL_INVALID_OPERATION, "no on-device queues to make default");
	CHECK_ERR(clSetDefaultDeviceCommandQueue(env->context, env->device, NULL),
		  CL_INVALID_OPERATION, "no device enqueue: CL_INVALID_OPERATION before the queue");
}

#define NORDER 64
static atomic_int ncompleted;

static void CL_CALLBACK count_completion(cl_event ev, cl_int status, void *data)
{
	(void)ev;
	(void)data;
	if (status == CL_COMPLETE)
		ncompleted++;
}

/* Commands of an in-order queue run one after the other, and none before
 * what holds the first back. Each pair of copies goes through one shared
 * cell: any reordering shows in the history. */
static void in_order(struct tu_env *env)
{
	cl_int err, st;
	cl_event gate = clCreateUserEvent(env->context, &err), evs[3 * NORDER];
	int vals[NORDER], hist[NORDER], cell = -1;
	int n = 0;

	REQUIRE(err == CL_SUCCESS, "user event");
	ncompleted = 0;
	for (int i = 0; i < NORDER; i++) {
		vals[i] = i * 7 + 1;
		hist[i] = -1;
		CHECK_OK(clEnqueueMarkerWithWaitList(env->queue, i == 0 ? 1 : 0,
						     i == 0 ? &gate : NULL, &evs[n++]), "marker");
		CHECK_OK(clEnqueueSVMMemcpy(env->queue, CL_FALSE, &cell, &vals[i], sizeof(int), 0,
					    NULL, &evs[n++]), "set %d", i);
		CHECK_OK(clEnqueueSVMMemcpy(env->queue, CL_FALSE, &hist[i], &cell, sizeof(int), 0,
					    NULL, &evs[n++]), "get %d", i);
	}
	for (int i = 0; i < n; i++)
		CHECK_OK(clSetEventCallback(evs[i], CL_COMPLETE, count_completion, NULL), "cb");
	CHECK_OK(clFlush(env->queue), "flush");
	usleep(20000);
	CHECK(ncompleted == 0, "nothing completes before the gate opens (%d did)",
	      (int)ncompleted);
	CHECK_OK(clGetEventInfo(evs[n - 1], CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st,
				NULL), "status");
	CHECK(st == CL_SUBMITTED || st == CL_QUEUED, "last command still waiting (%d)", st);
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "open gate");
	CHECK_OK(clFinish(env->queue), "finish");
	for (int i = 0; i < NORDER; i++)
		CHECK(hist[i] == vals[i], "command pair %d ran in order (%d)", i, hist[i]);
	for (int i = 0; i < 1000 && ncompleted < n; i++)
		usleep(1000);
	CHECK(ncompleted == n, "every command called back (%d of %d)", (int)ncompleted, n);
	for (int i = 0; i < n; i++)
		clReleaseEvent(evs[i]);
	clReleaseEvent(gate);
}

/* Releasing a queue with work in flight: the work still completes. */
static void release_in_flight(struct tu_env *env)
{
	cl_int err, st = 1;
	cl_command_queue q = clCreateCommandQueueWithProperties(env->context, env->device, NULL,
								 &err);
	cl_event gate = clCreateUserEvent(env->context, &err), done;
	int a = 42, b = 0;

	REQUIRE(q != NULL, "queue");
	CHECK_OK(clEnqueueSVMMemcpy(q, CL_FALSE, &b, &a, sizeof(a), 1, &gate, &done), "copy");
	CHECK_OK(clReleaseCommandQueue(q), "release with a command pending");
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "open gate");
	CHECK_OK(clWaitForEvents(1, &done), "wait");
	CHECK_OK(clGetEventInfo(done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL),
		 "status");
	CHECK(st == CL_COMPLETE && b == 42, "the command ran after its queue was released");
	clReleaseEvent(done);
	clReleaseEvent(gate);
}

static void set_property(struct tu_env *env)
{
	cl_command_queue_properties old = 99, now = 0;

	CHECK_OK(clSetCommandQueueProperty(env->queue, CL_QUEUE_PROFILING_ENABLE, CL_TRUE, &old),
		 "enable profiling");
	CHECK(old == 0, "old properties returned");
	clGetCommandQueueInfo(env->queue, CL_QUEUE_PROPERTIES, sizeof(now), &now, NULL);
	CHECK(now == CL_QUEUE_PROFILING_ENABLE, "profiling now enabled");
	CHECK_OK(clSetCommandQueueProperty(env->queue, CL_QUEUE_PROFILING_ENABLE, CL_FALSE, NULL),
		 "disable profiling");
	CHECK_ERR(clSetCommandQueueProperty(env->queue, CL_QUEUE_ON_DEVICE, CL_TRUE, NULL),
		  CL_INVALID_VALUE, "ON_DEVICE without out-of-order");
	CHECK_ERR(clSetCommandQueueProperty(NULL, CL_QUEUE_PROFILING_ENABLE, CL_TRUE, NULL),
		  CL_INVALID_COMMAND_QUEUE, "NULL queue");
}

int main(void)
{
	struct tu_env env;

	tu_env_init(&env, 0);
	create_errors(&env);
	info(&env);
	in_order(&env);
	release_in_flight(&env);
	set_property(&env);
	tu_env_fini(&env);
	return tu_done();
}
