// SPDX-License-Identifier: MIT
/* Events seen from the application: waits, info, profiling, callbacks, user
 * events, markers and barriers. The machinery is in core/sched.c. */
#include "context.h"
#include "info.h"
#include "log.h"
#include "queue.h"
#include "scheduler.h"

SVMGPU_API cl_int CL_API_CALL clWaitForEvents(cl_uint num_events, const cl_event *event_list)
{
	cl_int result = CL_SUCCESS;

	if (num_events == 0 || !event_list)
		return SVMGPU_ERR(CL_INVALID_VALUE, "no events to wait for");
	for (cl_uint i = 0; i < num_events; i++) {
		if (!svmgpu_event_valid(event_list[i]))
			return SVMGPU_ERR(CL_INVALID_EVENT, "event_list[%u] is not an event", i);
		if (event_list[i]->context != event_list[0]->context)
			return SVMGPU_ERR(CL_INVALID_CONTEXT,
					  "event_list[%u] belongs to another context", i);
	}
	for (cl_uint i = 0; i < num_events; i++) {
		if (svmgpu_event_wait(event_list[i]) < 0)
			result = CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
	}
	return result;
}

SVMGPU_API cl_int CL_API_CALL clGetEventInfo(cl_event ev, cl_event_info param_name,
					     size_t param_value_size, void *param_value,
					     size_t *param_value_size_ret)
{
	if (!svmgpu_event_valid(ev))
		return SVMGPU_ERR(CL_INVALID_EVENT, "bad event");
	switch (param_name) {
	case CL_EVENT_COMMAND_QUEUE:
		SVMGPU_INFO_VAL(cl_command_queue, ev->queue);
	case CL_EVENT_CONTEXT:
		SVMGPU_INFO_VAL(cl_context, ev->context);
	case CL_EVENT_COMMAND_TYPE:
		SVMGPU_INFO_VAL(cl_command_type, ev->type);
	case CL_EVENT_COMMAND_EXECUTION_STATUS:
		SVMGPU_INFO_VAL(cl_int, atomic_load(&ev->status));
	case CL_EVENT_REFERENCE_COUNT:
		SVMGPU_INFO_VAL(cl_uint, svmgpu_object_refcount(ev));
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown event info 0x%x", param_name);
	}
}

SVMGPU_API cl_int CL_API_CALL clGetEventProfilingInfo(cl_event ev, cl_profiling_info param_name,
						      size_t param_value_size, void *param_value,
						      size_t *param_value_size_ret)
{
	cl_ulong t;

	if (!svmgpu_event_valid(ev))
		return SVMGPU_ERR(CL_INVALID_EVENT, "bad event");
	if (!ev->queue || !(ev->queue->props & CL_QUEUE_PROFILING_ENABLE))
		return SVMGPU_ERR(CL_PROFILING_INFO_NOT_AVAILABLE,
				  "user event or queue without CL_QUEUE_PROFILING_ENABLE");
	if (atomic_load(&ev->status) != CL_COMPLETE)
		return SVMGPU_ERR(CL_PROFILING_INFO_NOT_AVAILABLE, "command not complete");
	switch (param_name) {
	case CL_PROFILING_COMMAND_QUEUED:
		t = ev->t_queued;
		break;
	case CL_PROFILING_COMMAND_SUBMIT:
		t = ev->t_submit;
		break;
	case CL_PROFILING_COMMAND_START:
		t = ev->t_start;
		break;
	case CL_PROFILING_COMMAND_END:
		t = ev->t_end;
		break;
	case CL_PROFILING_COMMAND_COMPLETE:
		t = ev->t_complete;
		break;
	default:
		return SVMGPU_ERR(CL_INVALID_VALUE, "unknown profiling info 0x%x", param_name);
	}
	return svmgpu_info(param_value_size, param_value, param_value_size_ret, &t, sizeof(t));
}

SVMGPU_API cl_int CL_API_CALL clRetainEvent(cl_event ev)
{
	if (!svmgpu_event_valid(ev))
		return SVMGPU_ERR(CL_INVALID_EVENT, "bad event");
	svmgpu_event_retain(ev);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clReleaseEvent(cl_event ev)
{
	if (!svmgpu_event_valid(ev))
		return SVMGPU_ERR(CL_INVALID_EVENT, "bad event");
	svmgpu_event_release(ev);
	return CL_SUCCESS;
}

SVMGPU_API cl_int CL_API_CALL clSetEventCallback(cl_event ev, cl_int command_exec_callback_type,
						 void(CL_CALLBACK *pfn_notify)(cl_event, cl_int,
									       void *),
						 void *user_data)
{
	if (!svmgpu_event_valid(ev))
		return SVMGPU_ERR(CL_INVALID_EVENT, "bad event");
	if (!pfn_notify)
		return SVMGPU_ERR(CL_INVALID_VALUE, "pfn_notify is NULL");
	if (command_exec_callback_type != CL_SUBMITTED && command_exec_callback_type != CL_RUNNING &&
	    command_exec_callback_type != CL_COMPLETE)
		return SVMGPU_ERR(CL_INVALID_VALUE, "callback type %d is not SUBMITTED, RUNNING "
				  "or COMPLETE", command_exec_callback_type);
	return svmgpu_event_add_callback(ev, command_exec_callback_type, pfn_notify, user_data);
}

SVMGPU_API cl_event CL_API_CALL clCreateUserEvent(cl_context context, cl_int *errcode_ret)
{
	cl_event ev;

	if (!svmgpu_context_valid(context))
		return svmgpu_fail(errcode_ret, SVMGPU_ERR(CL_INVALID_CONTEXT, "bad context"));
	ev = svmgpu_user_event_new(context);
	svmgpu_set_err(errcode_ret, ev ? CL_SUCCESS : CL_OUT_OF_HOST_MEMORY);
	return ev;
}

SVMGPU_API cl_int CL_API_CALL clSetUserEventStatus(cl_event ev, cl_int execution_status)
{
	if (!svmgpu_event_valid(ev) || ev->type != CL_COMMAND_USER)
		return SVMGPU_ERR(CL_INVALID_EVENT, "not a user event");
	if (execution_status > CL_COMPLETE)
		return SVMGPU_ERR(CL_INVALID_VALUE, "status %d is neither CL_COMPLETE nor an error",
				  execution_status);
	return svmgpu_user_event_set_status(ev, execution_status);
}

static cl_int enqueue_sync(cl_command_queue q, cl_uint n, const cl_event *list, cl_event *event,
			   bool barrier)
{
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	err = svmgpu_check_wait_list(q->context, n, list);
	if (err)
		return err;
	return svmgpu_enqueue_marker(q, n, list, event, barrier);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueMarkerWithWaitList(cl_command_queue q, cl_uint n,
							  const cl_event *list, cl_event *event)
{
	return enqueue_sync(q, n, list, event, false);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueBarrierWithWaitList(cl_command_queue q, cl_uint n,
							   const cl_event *list, cl_event *event)
{
	return enqueue_sync(q, n, list, event, true);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueMarker(cl_command_queue q, cl_event *event)
{
	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	if (!event)
		return SVMGPU_ERR(CL_INVALID_VALUE, "event is NULL");
	return svmgpu_enqueue_marker(q, 0, NULL, event, false);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueBarrier(cl_command_queue q)
{
	return enqueue_sync(q, 0, NULL, NULL, true);
}

SVMGPU_API cl_int CL_API_CALL clEnqueueWaitForEvents(cl_command_queue q, cl_uint num_events,
						     const cl_event *event_list)
{
	cl_int err;

	if (!svmgpu_queue_valid(q))
		return SVMGPU_ERR(CL_INVALID_COMMAND_QUEUE, "bad queue");
	if (num_events == 0 || !event_list)
		return SVMGPU_ERR(CL_INVALID_VALUE, "no events to wait for");
	for (cl_uint i = 0; i < num_events; i++) {
		if (!svmgpu_event_valid(event_list[i]))
			return SVMGPU_ERR(CL_INVALID_EVENT, "event_list[%u] is not an event", i);
	}
	err = svmgpu_check_wait_list(q->context, num_events, event_list);
	if (err)
		return err;
	/* Later commands wait for these events: a barrier on those events. */
	return svmgpu_enqueue_marker(q, num_events, event_list, NULL, true);
}
