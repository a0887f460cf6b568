// SPDX-License-Identifier: MIT
/* Events: user events, callbacks at each status, wait lists and their errors,
 * failure propagation, profiling, markers and barriers on out-of-order
 * queues. */
#include "testutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

static cl_int status_of(cl_event ev)
{
	cl_int st = 99;

	clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
	return st;
}

static void user_events(struct tu_env *env)
{
	cl_int err;
	cl_event ev = clCreateUserEvent(env->context, &err);
	cl_command_queue q = (cl_command_queue)1;
	cl_command_type type = 0;
	cl_context ctx = NULL;
	cl_uint refs = 0;
	cl_ulong t;

	REQUIRE(err == CL_SUCCESS && ev, "create user event");
	CHECK(status_of(ev) == CL_SUBMITTED, "a new user event is CL_SUBMITTED");
	CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_QUEUE, sizeof(q), &q, NULL), "queue");
	CHECK(q == NULL, "a user event has no queue");
	CHECK_OK(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type, NULL), "type");
	CHECK(type == CL_COMMAND_USER, "CL_COMMAND_USER");
	CHECK_OK(clGetEventInfo(ev, CL_EVENT_CONTEXT, sizeof(ctx), &ctx, NULL), "context");
	CHECK(ctx == env->context, "context matches");
	CHECK_ERR(clGetEventInfo(ev, 0x7777, sizeof(refs), &refs, NULL), CL_INVALID_VALUE,
		  "unknown param");
	CHECK_ERR(clGetEventInfo(ev, CL_EVENT_CONTEXT, 2, &ctx, NULL), CL_INVALID_VALUE,
		  "short buffer");
	CHECK_ERR(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_QUEUED, sizeof(t), &t, NULL),
		  CL_PROFILING_INFO_NOT_AVAILABLE, "no profiling for user events");
	CHECK_ERR(clSetUserEventStatus(ev, CL_RUNNING), CL_INVALID_VALUE, "RUNNING is not final");
	CHECK_ERR(clSetUserEventStatus(ev, 7), CL_INVALID_VALUE, "positive junk status");
	CHECK_OK(clRetainEvent(ev), "retain");
	CHECK_OK(clGetEventInfo(ev, CL_EVENT_REFERENCE_COUNT, sizeof(refs), &refs, NULL), "refs");
	CHECK(refs == 2, "refcount 2 after retain (%u)", refs);
	CHECK_OK(clReleaseEvent(ev), "release");
	CHECK_OK(clSetUserEventStatus(ev, CL_COMPLETE), "complete");
	CHECK(status_of(ev) == CL_COMPLETE, "status CL_COMPLETE");
	CHECK_ERR(clSetUserEventStatus(ev, CL_COMPLETE), CL_INVALID_OPERATION, "set twice");
	CHECK_OK(clWaitForEvents(1, &ev), "wait on a complete event");
	CHECK_OK(clReleaseEvent(ev), "release");

	CHECK(clCreateUserEvent(NULL, &err) == NULL, "no user event without context");
	CHECK_ERR(err, CL_INVALID_CONTEXT, "user event with NULL context");
	CHECK_ERR(clSetUserEventStatus(NULL, CL_COMPLETE), CL_INVALID_EVENT, "NULL user event");
	CHECK_ERR(clRetainEvent(NULL), CL_INVALID_EVENT, "retain NULL");
	CHECK_ERR(clReleaseEvent(NULL), CL_INVALID_EVENT, "release NULL");
	CHECK_ERR(clGetEventInfo(NULL, CL_EVENT_CONTEXT, sizeof(ctx), &ctx, NULL),
		  CL_INVALID_EVENT, "info of NULL");

	/* A command event is not a user event. */
	CHECK_OK(clEnqueueMarkerWithWaitList(env->queue, 0, NULL, &ev), "marker");
	CHECK_ERR(clSetUserEventStatus(ev, CL_COMPLETE), CL_INVALID_EVENT,
		  "set status of a command event");
	clWaitForEvents(1, &ev);
	clReleaseEvent(ev);
}

struct cb_log {
	atomic_int calls[3]; /* by trigger: COMPLETE, RUNNING, SUBMITTED */
	atomic_int last_status[3];
	cl_event ev;
	atomic_int wrong_event;
};

static void CL_CALLBACK on_status(cl_event ev, cl_int status, void *data)
{
	struct cb_log *log = data;
	int slot = status < 0 ? 0 : status;

	if (ev != log->ev)
		log->wrong_event++;
	if (slot > 2)
		slot = 0;
	log->calls[slot]++;
	log->last_status[slot] = status;
}

static void callbacks(struct tu_env *env)
{
	cl_int err;
	cl_event gate = clCreateUserEvent(env->context, &err), ev, gate2, ev2;
	struct cb_log log = {0}, log2 = {0}, late = {0};
	int src = 5, dst = 0;

	CHECK_OK(clEnqueueSVMMemcpy(env->queue, CL_FALSE, &dst, &src, sizeof(int), 1, &gate, &ev),
		 "gated copy");
	log.ev = ev;
	CHECK_OK(clSetEventCallback(ev, CL_COMPLETE, on_status, &log), "cb complete");
	CHECK_OK(clSetEventCallback(ev, CL_RUNNING, on_status, &log), "cb running");
	CHECK_OK(clSetEventCallback(ev, CL_SUBMITTED, on_status, &log), "cb submitted");
	CHECK_ERR(clSetEventCallback(ev, CL_QUEUED, on_status, &log), CL_INVALID_VALUE,
		  "CL_QUEUED is not a callback type");
	CHECK_ERR(clSetEventCallback(ev, CL_COMPLETE, NULL, &log), CL_INVALID_VALUE, "NULL fn");
	CHECK_ERR(clSetEventCallback(NULL, CL_COMPLETE, on_status, &log), CL_INVALID_EVENT,
		  "NULL event");
	usleep(10000);
	CHECK(log.calls[0] == 0 && log.calls[1] == 0, "no RUNNING/COMPLETE before the gate");
	CHECK(log.calls[2] == 1, "SUBMITTED called once (it was already submitted)");
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "open");
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	clFinish(env->queue);
	/* Callbacks may run on a worker just after the status changes. */
	for (int i = 0; i < 200 && log.calls[0] == 0; i++)
		usleep(1000);
	CHECK(log.calls[0] == 1 && log.calls[1] == 1 && log.calls[2] == 1,
	      "each callback once: complete %d running %d submitted %d", log.calls[0],
	      log.calls[1], log.calls[2]);
	CHECK(log.last_status[0] == CL_COMPLETE, "COMPLETE callback gets CL_COMPLETE");
	CHECK(dst == 5, "the copy ran");
	CHECK(log.wrong_event == 0, "callbacks get their event");
	/* Registered after completion: called right away. */
	late.ev = ev;
	CHECK_OK(clSetEventCallback(ev, CL_COMPLETE, on_status, &late), "late callback");
	CHECK(late.calls[0] == 1, "a callback on a complete event is called at once");

	/* A failing dependency: callbacks get the error, the command does not run. */
	gate2 = clCreateUserEvent(env->context, &err);
	dst = 0;
	CHECK_OK(clEnqueueSVMMemcpy(env->queue, CL_FALSE, &dst, &src, sizeof(int), 1, &gate2,
				    &ev2), "copy gated by a failing event");
	log2.ev = ev2;
	CHECK_OK(clSetEventCallback(ev2, CL_COMPLETE, on_status, &log2), "cb");
	CHECK_OK(clSetUserEventStatus(gate2, -1234), "fail the gate");
	CHECK_ERR(clWaitForEvents(1, &ev2), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
		  "waiting on a failed command");
	CHECK(status_of(ev2) < 0, "the dependent command failed (%d)", status_of(ev2));
	for (int i = 0; i < 200 && log2.calls[0] == 0; i++)
		usleep(1000);
	CHECK(log2.calls[0] == 1 && log2.last_status[0] < 0, "callback got the error status");
	CHECK(dst == 0, "a command whose wait list failed does not run");
	/* The in-order queue itself goes on. */
	src = 9;
	CHECK_OK(clEnqueueSVMMemcpy(env->queue, CL_TRUE, &dst, &src, sizeof(int), 0, NULL, NULL),
		 "the queue goes on after a failed command");
	CHECK(dst == 9, "and its next command runs");
	/* A blocking command whose wait list failed reports it. */
	CHECK_ERR(clEnqueueSVMMemcpy(env->queue, CL_TRUE, &dst, &src, sizeof(int), 1, &gate2,
				     NULL), CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST,
		  "blocking command with a failed wait list");
	clReleaseEvent(ev);
	clReleaseEvent(ev2);
	clReleaseEvent(gate);
	clReleaseEvent(gate2);
}

static void wait_lists(struct tu_env *env)
{
	cl_int err;
	cl_event ok = clCreateUserEvent(env->context, &err), other, bad[2];
	cl_context ctx2 = clCreateContext(NULL, 1, &env->device, NULL, NULL, &err);
	int a = 1, b = 0;

	REQUIRE(ctx2, "second context");
	other = clCreateUserEvent(ctx2, &err);
	CHECK_ERR(clEnqueueMarkerWithWaitList(env->queue, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "count without list");
	CHECK_ERR(clEnqueueMarkerWithWaitList(env->queue, 0, &ok, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "list without count");
	bad[0] = ok;
	bad[1] = NULL;
	CHECK_ERR(clEnqueueMarkerWithWaitList(env->queue, 2, bad, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "NULL event in the list");
	bad[1] = (cl_event)env->context;
	CHECK_ERR(clEnqueueBarrierWithWaitList(env->queue, 2, bad, NULL),
		  CL_INVALID_EVENT_WAIT_LIST, "a context in the list");
	CHECK_ERR(clEnqueueMarkerWithWaitList(env->queue, 1, &other, NULL), CL_INVALID_CONTEXT,
		  "event of another context");
	CHECK_ERR(clEnqueueSVMMemcpy(env->queue, CL_TRUE, &b, &a, sizeof(a), 1, &other, NULL),
		  CL_INVALID_CONTEXT, "copy waiting on another context's event");
	CHECK(b == 0, "rejected command did nothing");
	CHECK_ERR(clEnqueueMarkerWithWaitList(NULL, 0, NULL, NULL), CL_INVALID_COMMAND_QUEUE,
		  "NULL queue");
	CHECK_ERR(clWaitForEvents(0, &ok), CL_INVALID_VALUE, "wait for zero events");
	CHECK_ERR(clWaitForEvents(1, NULL), CL_INVALID_VALUE, "wait for NULL list");
	bad[1] = NULL;
	CHECK_ERR(clWaitForEvents(2, bad), CL_INVALID_EVENT, "wait with NULL event");
	bad[1] = other;
	CHECK_ERR(clWaitForEvents(2, bad), CL_INVALID_CONTEXT, "wait across contexts");
	CHECK_ERR(clEnqueueMarker(env->queue, NULL), CL_INVALID_VALUE, "clEnqueueMarker(NULL)");
	CHECK_ERR(clEnqueueWaitForEvents(env->queue, 0, NULL), CL_INVALID_VALUE,
		  "clEnqueueWaitForEvents with nothing");
	CHECK_ERR(clEnqueueWaitForEvents(env->queue, 1, &other), CL_INVALID_CONTEXT,
		  "clEnqueueWaitForEvents across contexts");
	clSetUserEventStatus(ok, CL_COMPLETE);
	clSetUserEventStatus(other, CL_COMPLETE);
	clReleaseEvent(ok);
	clReleaseEvent(other);
	clReleaseContext(ctx2);
}

static void profiling(struct tu_env *env)
{
	cl_int err;
	cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
	cl_command_queue q = clCreateCommandQueueWithProperties(env->context, env->device, props,
								 &err);
	static char src[1 << 20], dst[1 << 20];
	cl_event ev, gate = clCreateUserEvent(env->context, &err);
	cl_ulong t[5];
	cl_profiling_info names[5] = {CL_PROFILING_COMMAND_QUEUED, CL_PROFILING_COMMAND_SUBMIT,
				      CL_PROFILING_COMMAND_START, CL_PROFILING_COMMAND_END,
				      CL_PROFILING_COMMAND_COMPLETE};
	size_t size = 0;

	REQUIRE(q, "profiling queue");
	CHECK_OK(clEnqueueSVMMemcpy(q, CL_FALSE, dst, src, sizeof(src), 1, &gate, &ev), "copy");
	CHECK_ERR(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(t[0]), t, NULL),
		  CL_PROFILING_INFO_NOT_AVAILABLE, "no profiling before completion");
	usleep(2000);
	clSetUserEventStatus(gate, CL_COMPLETE);
	CHECK_OK(clWaitForEvents(1, &ev), "wait");
	for (int i = 0; i < 5; i++)
		CHECK_OK(clGetEventProfilingInfo(ev, names[i], sizeof(t[i]), &t[i], &size),
			 "profiling %d", i);
	CHECK(size == sizeof(cl_ulong), "profiling values are cl_ulong");
	CHECK(t[0] <= t[1] && t[1] <= t[2] && t[2] <= t[3] && t[3] <= t[4],
	      "QUEUED <= SUBMIT <= START <= END <= COMPLETE");
	CHECK(t[2] - t[0] >= 1000000, "START waited for the gate (%llu ns)",
	      (unsigned long long)(t[2] - t[0]));
	CHECK_ERR(clGetEventProfilingInfo(ev, 0x7777, sizeof(t[0]), t, NULL), CL_INVALID_VALUE,
		  "unknown profiling param");
	CHECK_ERR(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, 4, t, NULL),
		  CL_INVALID_VALUE, "short buffer");
	CHECK_ERR(clGetEventProfilingInfo(NULL, CL_PROFILING_COMMAND_END, 8, t, NULL),
		  CL_INVALID_EVENT, "NULL event");
	clReleaseEvent(ev);
	/* Without CL_QUEUE_PROFILING_ENABLE. */
	CHECK_OK(clEnqueueMarkerWithWaitList(env->queue, 0, NULL, &ev), "marker");
	clWaitForEvents(1, &ev);
	CHECK_ERR(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, 8, t, NULL),
		  CL_PROFILING_INFO_NOT_AVAILABLE, "queue without profiling");
	clReleaseEvent(ev);
	clReleaseEvent(gate);
	clReleaseCommandQueue(q);
}

/* Out-of-order queues: independent commands do not wait for each other; a
 * barrier waits for everything before it and holds back everything after. */
static void out_of_order(struct tu_env *env)
{
	cl_int err;
	cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE,
				       0};
	cl_command_queue q = clCreateCommandQueueWithProperties(env->context, env->device, props,
								 &err);
	cl_event gate = clCreateUserEvent(env->context, &err);
	cl_event held, free_ev, barrier, after, marker;
	int a = 1, b = 0, c = 2, d = 0, e = 3, f = 0;
	cl_command_type type;

	REQUIRE(q, "out-of-order queue");
	CHECK_OK(clEnqueueSVMMemcpy(q, CL_FALSE, &b, &a, sizeof(int), 1, &gate, &held), "held");
	CHECK_OK(clEnqueueSVMMemcpy(q, CL_FALSE, &d, &c, sizeof(int), 0, NULL, &free_ev), "free");
	CHECK_OK(clWaitForEvents(1, &free_ev), "an independent command completes");
	CHECK(d == 2 && status_of(held) > 0, "... while the held one waits");
	CHECK_OK(clEnqueueBarrierWithWaitList(q, 0, NULL, &barrier), "barrier");
	CHECK_OK(clGetEventInfo(barrier, CL_EVENT_COMMAND_TYPE, sizeof(type), &type, NULL), "t");
	CHECK(type == CL_COMMAND_BARRIER, "barrier command type");
	CHECK_OK(clEnqueueSVMMemcpy(q, CL_FALSE, &f, &e, sizeof(int), 0, NULL, &after), "after");
	usleep(10000);
	CHECK(status_of(barrier) > 0, "barrier waits for the held command");
	CHECK(status_of(after) > 0 && f == 0, "a command after the barrier waits too");
	CHECK_OK(clEnqueueMarkerWithWaitList(q, 0, NULL, &marker), "marker");
	CHECK_OK(clGetEventInfo(marker, CL_EVENT_COMMAND_TYPE, sizeof(type), &type, NULL), "t");
	CHECK(type == CL_COMMAND_MARKER, "marker command type");
	CHECK_OK(clSetUserEventStatus(gate, CL_COMPLETE), "open");
	CHECK_OK(clWaitForEvents(1, &marker), "marker completes");
	CHECK(status_of(held) == CL_COMPLETE && status_of(after) == CL_COMPLETE,
	      "a marker without wait list waits for every earlier command");
	CHECK(b == 1 && f == 3, "all copies ran");
	/* Deprecated 1.1 forms. */
	clReleaseEvent(marker);
	CHECK_OK(clEnqueueMarker(q, &marker), "clEnqueueMarker");
	CHECK_OK(clEnqueueBarrier(q), "clEnqueueBarrier");
	CHECK_OK(clEnqueueWaitForEvents(q, 1, &marker), "clEnqueueWaitForEvents");
	CHECK_OK(clFinish(q), "finish");
	CHECK(status_of(marker) == CL_COMPLETE, "marker done after finish");
	clReleaseEvent(marker);
	clReleaseEvent(held);
	clReleaseEvent(free_ev);
	clReleaseEvent(barrier);
	clReleaseEvent(after);
	clReleaseEvent(gate);
	clReleaseCommandQueue(q);
}

/* Cross-queue dependencies and a host thread setting a user event while the
 * main thread blocks. */
static cl_event thread_gate;
static void *opener(void *arg)
{
	(void)arg;
	usleep(5000);
	clSetUserEventStatus(thread_gate, CL_COMPLETE);
	return NULL;
}

static void cross_queue(struct tu_env *env)
{
	cl_int err;
	cl_command_queue q2 = clCreateCommandQueueWithProperties(env->context, env->device, NULL,
								  &err);
	cl_event first;
	int a = 11, b = 0, c = 0;
	pthread_t t;

	thread_gate = clCreateUserEvent(env->context, &err);
	CHECK_OK(clEnqueueSVMMemcpy(env->queue, CL_FALSE, &b, &a, sizeof(int), 1, &thread_gate,
				    &first), "first queue");
	pthread_create(&t, NULL, opener, NULL);
	CHECK_OK(clEnqueueSVMMemcpy(q2, CL_TRUE, &c, &b, sizeof(int), 1, &first, NULL),
		 "second queue waits for the first");
	CHECK(c == 11, "the dependency ran first (c=%d)", c);
	pthread_join(t, NULL);
	clReleaseEvent(first);
	clReleaseEvent(thread_gate);
	clReleaseCommandQueue(q2);
}

int main(void)
{
	struct tu_env env;

	tu_env_init(&env, 0);
	user_events(&env);
	callbacks(&env);
	wait_lists(&env);
	profiling(&env);
	out_of_order(&env);
	cross_queue(&env);
	tu_env_fini(&env);
	return tu_done();
}
