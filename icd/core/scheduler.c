// SPDX-License-Identifier: MIT
/* The command scheduler.
 *
 * One lock guards the dependency graph of every queue of the platform: an
 * event's dependents, pending counts, each queue's in-flight list and the
 * ready list. Commands run outside the lock, on a pool of worker threads or
 * on a host thread that waits (a blocking call whose command is ready runs it
 * itself, and clFinish/clWaitForEvents run ready commands instead of
 * sleeping): the common enqueue-then-wait pattern then costs no thread
 * switch. */
#include "join.h"
#include "scheduler.h"
#include "context.h"
#include "log.h"
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SVMGPU_MAX_WORKERS 64

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work_cv; /* workers: the ready list is non-empty */
	pthread_cond_t done_cv; /* host waiters: some command finished */
	cl_event ready_head, ready_tail;
	atomic_uint nready;  /* on the ready list: read by a spinning worker */
	unsigned sleepers;   /* workers in work_cv */
	bool spinning;       /* one worker spins before it sleeps */
	unsigned host_waiters;
	bool stopping;
	unsigned num_workers;
	pthread_t workers[SVMGPU_MAX_WORKERS];
} S = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work_cv = PTHREAD_COND_INITIALIZER,
	.done_cv = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t workers_once = PTHREAD_ONCE_INIT;

cl_ulong svmgpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (cl_ulong)ts.tv_sec * 1000000000ull + (cl_ulong)ts.tv_nsec;
}

static inline bool finished(cl_int status)
{
	return status <= CL_COMPLETE;
}

static inline cl_int status_of(cl_event ev)
{
	return atomic_load_explicit(&ev->status, memory_order_acquire);
}

void svmgpu_event_retain(cl_event ev)
{
	svmgpu_object_retain(ev);
}

static void event_free(cl_event ev)
{
	struct svmgpu_event_cb *cb, *next;

	for (cb = ev->callbacks; cb; cb = next) {
		next = cb->next;
		free(cb);
	}
	if (ev->dependents != ev->inline_deps)
		free(ev->dependents);
	if (ev->queue)
		svmgpu_queue_release(ev->queue);
	svmgpu_context_release(ev->context);
	free(ev);
}

void svmgpu_event_release(cl_event ev)
{
	if (svmgpu_object_release(ev))
		event_free(ev);
}

/* ---- the ready list (lock held) ---- */

/* Set on the worker threads, which look for ready commands again after
 * each one they complete. */
static _Thread_local bool on_worker;

/* wake: signal a sleeping worker (not when the caller runs it next). */
static void push_ready(cl_event ev, bool wake)
{
	ev->next_ready = NULL;
	if (S.ready_tail)
		S.ready_tail->next_ready = ev;
	else
		S.ready_head = ev;
	S.ready_tail = ev;
	atomic_fetch_add_explicit(&S.nready, 1, memory_order_relaxed);
	if (wake && S.sleepers && !S.spinning)
		pthread_cond_signal(&S.work_cv);
}

static cl_event pop_ready(void)
{
	cl_event ev = S.ready_head;

	if (ev) {
		S.ready_head = ev->next_ready;
		if (!S.ready_head)
			S.ready_tail = NULL;
		ev->next_ready = NULL;
		atomic_fetch_sub_explicit(&S.nready, 1, memory_order_relaxed);
	}
	return ev;
}

/* ---- callbacks ---- */

static void call_callbacks(cl_event ev, struct svmgpu_event_cb *list, cl_int status)
{
	struct svmgpu_event_cb *cb, *next;

	for (cb = list; cb; cb = next) {
		next = cb->next;
		cb->fn(ev, status < 0 ? status : cb->trigger, cb->user_data);
		free(cb);
	}
}

/* Detaches the callbacks whose trigger the status has reached (lock held). */
static struct svmgpu_event_cb *take_callbacks(cl_event ev, cl_int status)
{
	struct svmgpu_event_cb *taken = NULL, **tail = &taken, **pp = &ev->callbacks;

	while (*pp) {
		struct svmgpu_event_cb *cb = *pp;

		if (status <= cb->trigger) {
			*pp = cb->next;
			cb->next = NULL;
			*tail = cb;
			tail = &cb->next;
		} else {
			pp = &cb->next;
		}
	}
	atomic_store(&ev->has_callbacks, ev->callbacks != NULL);
	return taken;
}

cl_int svmgpu_event_add_callback(cl_event ev, cl_int trigger,
				 void(CL_CALLBACK *fn)(cl_event, cl_int, void *), void *user_data)
{
	struct svmgpu_event_cb *cb = calloc(1, sizeof(*cb));
	cl_int status;

	if (!cb)
		return CL_OUT_OF_HOST_MEMORY;
	cb->trigger = trigger;
	cb->fn = fn;
	cb->user_data = user_data;
	pthread_mutex_lock(&S.lock);
	status = status_of(ev);
	if (status > trigger) {
		/* Not reached yet: the transition will call it. Callbacks run
		 * in registration order. */
		struct svmgpu_event_cb **pp = &ev->callbacks;

		while (*pp)
			pp = &(*pp)->next;
		*pp = cb;
		atomic_store(&ev->has_callbacks, true);
		cb = NULL;
	}
	pthread_mutex_unlock(&S.lock);
	if (cb) /* already reached: call it now, from this thread */
		call_callbacks(ev, cb, status);
	return CL_SUCCESS;
}

/* ---- dependencies (lock held) ---- */

static bool add_dependent(cl_event dep, cl_event ev, bool propagate)
{
	if (!dep->cap_dependents) {
		dep->dependents = dep->inline_deps;
		dep->cap_dependents = sizeof(dep->inline_deps) / sizeof(dep->inline_deps[0]);
	}
	if (dep->num_dependents == dep->cap_dependents) {
		size_t cap = 2 * dep->cap_dependents;
		bool inl = dep->dependents == dep->inline_deps;
		struct svmgpu_dependent *d = realloc(inl ? NULL : dep->dependents,
						     cap * sizeof(*d));

		if (!d)
			return false;
		if (inl)
			memcpy(d, dep->inline_deps, sizeof(dep->inline_deps));
		dep->dependents = d;
		dep->cap_dependents = cap;
	}
	dep->dependents[dep->num_dependents++] =
		(struct svmgpu_dependent){ .ev = ev, .propagate_error = propagate };
	return true;
}

/* ev waits for dep. A dependency that already failed fails ev at once. */
static void add_dep(cl_event ev, cl_event dep, bool propagate)
{
	cl_int st;

	if (!dep || dep == ev)
		return;
	st = status_of(dep);
	if (finished(st)) {
		if (st < 0 && propagate)
			ev->dep_error = CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
		return;
	}
	if (add_dependent(dep, ev, propagate)) {
		ev->pending++;
	} else {
		/* Out of memory while linking: fail the command rather than
		 * let it run out of order. */
		ev->dep_error = CL_OUT_OF_HOST_MEMORY;
	}
}

static void queue_link(cl_command_queue q, cl_event ev)
{
	ev->qprev = q->inflight_tail;
	ev->qnext = NULL;
	if (q->inflight_tail)
		q->inflight_tail->qnext = ev;
	else
		q->inflight = ev;
	q->inflight_tail = ev;
	atomic_fetch_add_explicit(&q->num_inflight, 1, memory_order_relaxed);
	q->last = ev;
	if (ev->is_barrier)
		q->last_barrier = ev;
}

static void queue_unlink(cl_command_queue q, cl_event ev)
{
	if (ev->qprev)
		ev->qprev->qnext = ev->qnext;
	else
		q->inflight = ev->qnext;
	if (ev->qnext)
		ev->qnext->qprev = ev->qprev;
	else
		q->inflight_tail = ev->qprev;
	ev->qprev = ev->qnext = NULL;
	atomic_fetch_sub_explicit(&q->num_inflight, 1, memory_order_release);
	if (q->last == ev)
		q->last = NULL;
	if (q->last_barrier == ev)
		q->last_barrier = NULL;
}

/* ---- completion ---- */

/* Sets the final status, wakes dependents, calls callbacks. The scheduler's
 * reference is dropped by the caller. */
/* The locked part of completion; returns the callbacks to call unlocked. */
static struct svmgpu_event_cb *complete_locked(cl_event ev, cl_int status, cl_ulong now)
{
	struct svmgpu_event_cb *cbs = NULL;
	bool readied = false;

	if (!ev->t_start)
		ev->t_start = now;
	ev->t_end = ev->t_complete = now;
	atomic_store_explicit(&ev->status, status, memory_order_release);
	if (ev->queue)
		queue_unlink(ev->queue, ev);
	for (size_t i = 0; i < ev->num_dependents; i++) {
		struct svmgpu_dependent *d = &ev->dependents[i];

		if (status < 0 && d->propagate_error)
			d->ev->dep_error = CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST;
		/* A worker runs the first command its completion made ready
		 * itself: waking another for it only made them take turns. */
		if (--d->ev->pending == 0) {
			push_ready(d->ev, !on_worker || readied);
			readied = true;
		}
	}
	ev->num_dependents = 0;
	if (atomic_load(&ev->has_callbacks))
		cbs = take_callbacks(ev, status);
	if (S.host_waiters)
		pthread_cond_broadcast(&S.done_cv);
	return cbs;
}

/* Only a profiling queue's commands can be asked for their times: the
 * others skip reading the clock (four reads were ~10% of an enqueue). */
static cl_ulong stamp(cl_event ev)
{
	return ev->queue && (ev->queue->props & CL_QUEUE_PROFILING_ENABLE) ? svmgpu_now_ns() : 0;
}

static void complete(cl_event ev, cl_int status)
{
	struct svmgpu_event_cb *cbs;
	cl_ulong now = stamp(ev);

	if (ev->payload_free) {
		ev->payload_free(ev->payload);
		ev->payload_free = NULL;
	}
	pthread_mutex_lock(&S.lock);
	cbs = complete_locked(ev, status, now);
	pthread_mutex_unlock(&S.lock);
	if (cbs)
		call_callbacks(ev, cbs, status);
}

/* Runs a ready command and completes it; drops the scheduler's reference. */
static void execute(cl_event ev)
{
	cl_int status = ev->dep_error;

	if (status == CL_SUCCESS && ev->run) {
		ev->t_start = stamp(ev);
		atomic_store_explicit(&ev->status, CL_RUNNING, memory_order_release);
		if (atomic_load(&ev->has_callbacks)) {
			struct svmgpu_event_cb *cbs;

			pthread_mutex_lock(&S.lock);
			cbs = take_callbacks(ev, CL_RUNNING);
			pthread_mutex_unlock(&S.lock);
			call_callbacks(ev, cbs, CL_RUNNING);
		}
		status = ev->run(ev);
		if (status > 0) /* a run function must not report a non-final state */
			status = CL_OUT_OF_RESOURCES;
	}
	complete(ev, status);
	svmgpu_event_release(ev);
}

/* Commands often come in bursts, one every fraction of a microsecond: going
 * to sleep and being woken for each (two system calls and a thread switch)
 * cost more than the command. So one worker at a time (the other threads
 * stay free for the application) polls the ready list for a few
 * microseconds before it sleeps; while it does, enqueues wake nobody.
 * Called and returns with the lock held. */
#define SPIN_ROUNDS 4000

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static void spin(void)
{
	S.spinning = true;
	pthread_mutex_unlock(&S.lock);
	for (int i = 0; i < SPIN_ROUNDS; i++) {
		if (atomic_load_explicit(&S.nready, memory_order_relaxed))
			break;
		cpu_relax();
	}
	pthread_mutex_lock(&S.lock);
	/* What came while it spun (push_ready woke nobody) is its to run. */
	S.spinning = false;
}

static void *worker_main(void *arg)
{
	bool spun = false;

	(void)arg;
	on_worker = true;
	pthread_mutex_lock(&S.lock);
	for (;;) {
		cl_event ev;

		/* At exit, commands not started yet stay unstarted. */
		if (S.stopping)
			break;
		ev = pop_ready();
		if (ev) {
			pthread_mutex_unlock(&S.lock);
			execute(ev);
			pthread_mutex_lock(&S.lock);
			spun = false;
			continue;
		}
		if (!spun && !S.spinning) {
			spin();
			spun = true;
			continue;
		}
		S.sleepers++;
		pthread_cond_wait(&S.work_cv, &S.lock);
		S.sleepers--;
	}
	pthread_mutex_unlock(&S.lock);
	return NULL;
}

static void start_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 2)
		n = 2;
	if (n > SVMGPU_MAX_WORKERS)
		n = SVMGPU_MAX_WORKERS;
	for (long i = 0; i < n; i++) {
		if (pthread_create(&S.workers[S.num_workers], NULL, worker_main, NULL))
			break;
		S.num_workers++;
	}
	if (!S.num_workers)
		svmgpu_log("svmgpu: no worker thread could start: commands run when waited for\n");
}

__attribute__((destructor)) static void stop_workers(void)
{
	pthread_mutex_lock(&S.lock);
	S.stopping = true;
	pthread_cond_broadcast(&S.work_cv);
	pthread_mutex_unlock(&S.lock);
	/* A worker still running a command (a kernel that never returns, a
	 * long copy) must not hold the process's exit: wait a little for each,
	 * then let exit end them. */
	for (unsigned i = 0; i < S.num_workers; i++)
		if (!svmgpu_join_within(S.workers[i], 100) && svmgpu_debug_enabled)
			svmgpu_log("svmgpu: exiting while a command still runs\n");
	S.num_workers = 0;
}

/* ---- waiting ---- */

/* Waits (lock held) until done() holds, running ready commands meanwhile. */
static void wait_until(bool (*done)(void *), void *arg)
{
	while (!done(arg)) {
		cl_event ev = pop_ready();

		if (ev) {
			pthread_mutex_unlock(&S.lock);
			execute(ev);
			pthread_mutex_lock(&S.lock);
			continue;
		}
		S.host_waiters++;
		pthread_cond_wait(&S.done_cv, &S.lock);
		S.host_waiters--;
	}
}

static bool event_done(void *arg)
{
	return finished(status_of(arg));
}

cl_int svmgpu_event_wait(cl_event ev)
{
	if (!finished(status_of(ev))) {
		pthread_mutex_lock(&S.lock);
		wait_until(event_done, ev);
		pthread_mutex_unlock(&S.lock);
	}
	return status_of(ev);
}

static bool queue_drained(void *arg)
{
	return ((cl_command_queue)arg)->inflight == NULL;
}

void svmgpu_queue_finish(cl_command_queue q)
{
	pthread_mutex_lock(&S.lock);
	wait_until(queue_drained, q);
	pthread_mutex_unlock(&S.lock);
}

bool svmgpu_queue_idle(cl_command_queue q)
{
	return atomic_load_explicit(&q->num_inflight, memory_order_acquire) == 0;
}

/* ---- enqueue ---- */

cl_int svmgpu_check_wait_list(cl_context ctx, cl_uint n, const cl_event *list)
{
	if ((n == 0) != (list == NULL))
		return SVMGPU_ERR(CL_INVALID_EVENT_WAIT_LIST,
				  "num_events_in_wait_list %u with event_wait_list %p", n,
				  (const void *)list);
	for (cl_uint i = 0; i < n; i++) {
		if (!svmgpu_event_valid(list[i]))
			return SVMGPU_ERR(CL_INVALID_EVENT_WAIT_LIST,
					  "event_wait_list[%u] is not a valid event", i);
		if (ctx && list[i]->context != ctx)
			return SVMGPU_ERR(CL_INVALID_CONTEXT,
					  "event_wait_list[%u] belongs to another context", i);
	}
	return CL_SUCCESS;
}

cl_event svmgpu_command_new(cl_command_queue q, cl_command_type type, svmgpu_command_fn run,
			    void *payload, void (*payload_free)(void *))
{
	cl_event ev = calloc(1, sizeof(*ev));

	if (!ev) {
		if (payload_free)
			payload_free(payload);
		return NULL;
	}
	svmgpu_object_init(&ev->obj, SVMGPU_MAGIC_EVENT);
	ev->context = q->context;
	svmgpu_context_retain(q->context);
	ev->queue = q;
	svmgpu_queue_retain(q);
	ev->type = type;
	atomic_init(&ev->status, CL_QUEUED);
	atomic_init(&ev->has_callbacks, false);
	ev->run = run;
	ev->payload = payload;
	ev->payload_free = payload_free;
	ev->pending = 1; /* held until submitted */
	ev->t_queued = stamp(ev);
	return ev;
}

cl_int svmgpu_command_submit(cl_event ev, cl_uint n, const cl_event *wait_list, bool blocking,
			     cl_event *event_out)
{
	cl_command_queue q = ev->queue;
	bool run_here;
	cl_int status;

	pthread_once(&workers_once, start_workers);
	if (event_out) {
		svmgpu_event_retain(ev);
		*event_out = ev;
	}
	if (blocking)
		svmgpu_event_retain(ev);

	pthread_mutex_lock(&S.lock);
	for (cl_uint i = 0; i < n; i++)
		add_dep(ev, wait_list[i], true);
	if (svmgpu_queue_in_order(q)) {
		add_dep(ev, q->last, false);
	} else {
		add_dep(ev, q->last_barrier, false);
		if (ev->wait_all) {
			for (cl_event e = q->inflight; e; e = e->qnext)
				add_dep(ev, e, false);
		}
	}
	queue_link(q, ev);
	ev->t_submit = stamp(ev);
	atomic_store_explicit(&ev->status, CL_SUBMITTED, memory_order_release);
	/* A blocking call whose command is ready runs it on this thread. */
	run_here = --ev->pending == 0 && blocking;
	if (ev->pending == 0 && !run_here)
		push_ready(ev, true);
	pthread_mutex_unlock(&S.lock);

	if (!blocking)
		return CL_SUCCESS;
	if (run_here)
		execute(ev); /* drops the scheduler's reference; ours stays */
	status = svmgpu_event_wait(ev);
	svmgpu_event_release(ev);
	return status < 0 ? CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST : CL_SUCCESS;
}

cl_int svmgpu_enqueue_marker(cl_command_queue q, cl_uint n, const cl_event *list,
			     cl_event *event_out, bool barrier)
{
	cl_event ev = svmgpu_command_new(q, barrier ? CL_COMMAND_BARRIER : CL_COMMAND_MARKER,
					 NULL, NULL, NULL);

	if (!ev)
		return CL_OUT_OF_HOST_MEMORY;
	ev->is_barrier = barrier;
	ev->wait_all = n == 0;
	return svmgpu_command_submit(ev, n, list, false, event_out);
}

/* ---- user events ---- */

cl_event svmgpu_user_event_new(cl_context ctx)
{
	cl_event ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	svmgpu_object_init(&ev->obj, SVMGPU_MAGIC_EVENT);
	ev->context = ctx;
	svmgpu_context_retain(ctx);
	ev->type = CL_COMMAND_USER;
	atomic_init(&ev->status, CL_SUBMITTED);
	atomic_init(&ev->has_callbacks, false);
	/* No timestamps: user events have no profiling information. */
	return ev;
}

cl_int svmgpu_user_event_set_status(cl_event ev, cl_int status)
{
	struct svmgpu_event_cb *cbs = NULL;
	bool first;

	pthread_mutex_lock(&S.lock);
	first = !finished(status_of(ev));
	if (first)
		cbs = complete_locked(ev, status, 0); /* no profiling for user events */
	pthread_mutex_unlock(&S.lock);
	if (!first)
		return SVMGPU_ERR(CL_INVALID_OPERATION, "user event status already set");
	if (cbs)
		call_callbacks(ev, cbs, status);
	return CL_SUCCESS;
}
