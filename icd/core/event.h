/* SPDX-License-Identifier: MIT */
/* Events are commands: every enqueue creates one, whether or not the
 * application asked for it. core/scheduler.c owns the scheduling fields. */
#ifndef SVMGPU_EVENT_H
#define SVMGPU_EVENT_H

#include "object.h"

typedef cl_int (*svmgpu_command_fn)(cl_event ev);

struct svmgpu_event_cb {
	struct svmgpu_event_cb *next;
	cl_int trigger; /* CL_SUBMITTED, CL_RUNNING or CL_COMPLETE */
	void(CL_CALLBACK *fn)(cl_event, cl_int, void *);
	void *user_data;
};

/* A command waiting for this event. Only wait-list dependencies pass a
 * failure on; the implicit order of an in-order queue does not. */
struct svmgpu_dependent {
	cl_event ev;
	bool propagate_error;
};

struct _cl_event {
	struct svmgpu_object obj;
	cl_context context;
	cl_command_queue queue; /* NULL for user events; retained otherwise */
	cl_command_type type;
	_Atomic cl_int status;

	/* The command: run() on a worker when every dependency completed.
	 * payload_free() runs exactly once, whether the command ran or not. */
	svmgpu_command_fn run;
	void *payload;
	void (*payload_free)(void *payload);

	/* Scheduling (under the scheduler lock). */
	cl_uint pending;        /* incomplete dependencies, +1 until submitted */
	cl_int dep_error;       /* a dependency failed: do not run */
	struct svmgpu_dependent *dependents; /* woken on completion: inline_deps
					      * until more are needed */
	size_t num_dependents, cap_dependents;
	struct svmgpu_dependent inline_deps[2]; /* an in-order queue's next command */
	cl_event next_ready;    /* ready list */
	cl_event qprev, qnext;  /* queue's in-flight list */
	bool is_barrier;        /* later commands of an out-of-order queue wait for it */
	bool wait_all;          /* waits for every earlier command of its queue */
	_Atomic bool has_callbacks; /* callbacks is non-empty: take the lock to run them */

	struct svmgpu_event_cb *callbacks;

	cl_ulong t_queued, t_submit, t_start, t_end, t_complete;
};

static inline bool svmgpu_event_valid(cl_event e)
{
	return svmgpu_object_is(e, SVMGPU_MAGIC_EVENT);
}

#endif
