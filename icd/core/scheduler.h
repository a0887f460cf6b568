/* SPDX-License-Identifier: MIT */
/* The command scheduler: dependencies between events, in-order and
 * out-of-order queues, a pool of worker threads, host waits.
 *
 * Every entry point that enqueues follows one pattern:
 *   err = svmgpu_check_wait_list(q, n, list);            validate first
 *   ev = svmgpu_command_new(q, CL_COMMAND_X, run, payload, payload_free);
 *   return svmgpu_command_submit(ev, n, list, blocking, event_out);
 * svmgpu_command_submit consumes the caller's reference to ev. */
#ifndef SVMGPU_SCHEDULER_H
#define SVMGPU_SCHEDULER_H

#include "event.h"

/* CL_INVALID_EVENT_WAIT_LIST / CL_INVALID_CONTEXT per the specification. */
cl_int svmgpu_check_wait_list(cl_context ctx, cl_uint n, const cl_event *list);

/* A new command event (status CL_QUEUED), or NULL when out of memory (then
 * payload_free(payload) has been called). */
cl_event svmgpu_command_new(cl_command_queue q, cl_command_type type,
			    svmgpu_command_fn run, void *payload,
			    void (*payload_free)(void *));

/* Links the command after its dependencies (wait list, in-order predecessor,
 * barriers) and hands it to the workers. When blocking, waits for it and
 * returns CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST if it did not complete
 * successfully. *event_out, when given, receives a new reference. */
cl_int svmgpu_command_submit(cl_event ev, cl_uint n, const cl_event *wait_list,
			     bool blocking, cl_event *event_out);

/* Markers and barriers: a command with no work. Without a wait list a marker
 * waits for every earlier command of the queue; a barrier also holds back
 * every later one. */
cl_int svmgpu_enqueue_marker(cl_command_queue q, cl_uint n, const cl_event *list,
			     cl_event *event_out, bool barrier);

/* Host waits. These help: a waiting thread runs ready commands itself. */
cl_int svmgpu_event_wait(cl_event ev); /* the event's final status */
void svmgpu_queue_finish(cl_command_queue q);

/* True when q has no incomplete command: lets no-op commands (SVM map on a
 * device that shares host memory) skip the queue entirely. */
bool svmgpu_queue_idle(cl_command_queue q);

/* User events. */
cl_event svmgpu_user_event_new(cl_context ctx);
cl_int svmgpu_user_event_set_status(cl_event ev, cl_int status);

cl_int svmgpu_event_add_callback(cl_event ev, cl_int trigger,
				 void(CL_CALLBACK *fn)(cl_event, cl_int, void *),
				 void *user_data);
void svmgpu_event_retain(cl_event ev);
void svmgpu_event_release(cl_event ev);

/* Monotonic nanoseconds, the clock of profiling info and host timers. */
cl_ulong svmgpu_now_ns(void);

#endif
