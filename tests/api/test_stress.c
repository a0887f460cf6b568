// SPDX-License-Identifier: MIT
/* Many threads, queues and events at once: no command is lost, run twice or
 * run out of order. Each thread drives its own queue (in-order or
 * out-of-order with explicit event chains) and also waits on events of its
 * neighbour's queue. */
#include "testutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define NTHREADS 6
#define NCMDS 3000

static struct tu_env env;
static atomic_int completions;
static cl_event published[NTHREADS]; /* latest event of each thread */
static pthread_mutex_t pub_lock = PTHREAD_MUTEX_INITIALIZER;

struct worker {
	int id;
	int failures;
	int cell;
	int vals[NCMDS];
	int hist[NCMDS];
};

static void CL_CALLBACK count(cl_event ev, cl_int status, void *data)
{
	(void)ev;
	(void)data;
	if (status == CL_COMPLETE)
		completions++;
}

static cl_event neighbour_event(int id)
{
	cl_event ev;

	pthread_mutex_lock(&pub_lock);
	ev = published[(id + 1) % NTHREADS];
	if (ev)
		clRetainEvent(ev);
	pthread_mutex_unlock(&pub_lock);
	return ev;
}

static void publish(int id, cl_event ev)
{
	pthread_mutex_lock(&pub_lock);
	if (published[id])
		clReleaseEvent(published[id]);
	clRetainEvent(ev);
	published[id] = ev;
	pthread_mutex_unlock(&pub_lock);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	bool ooo = w->id % 2;
	cl_queue_properties props[] = {CL_QUEUE_PROPERTIES,
				       ooo ? CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE : 0, 0};
	cl_int err;
	cl_command_queue q = clCreateCommandQueueWithProperties(env.context, env.device, props,
								 &err);
	cl_event prev = NULL;

	if (!q) {
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < NCMDS; i++) {
		cl_event wait[2], set, get;
		cl_uint n = 0;
		cl_event nb = (i % 97 == 0) ? neighbour_event(w->id) : NULL;

		w->vals[i] = w->id * 1000000 + i;
		w->hist[i] = -1;
		/* Out-of-order queues are chained by events; in-order ones by
		 * the queue. Either way "set" then "get" must run in order. */
		if (ooo && prev)
			wait[n++] = prev;
		if (nb)
			wait[n++] = nb;
		err = clEnqueueSVMMemcpy(q, CL_FALSE, &w->cell, &w->vals[i], sizeof(int), n,
					 n ? wait : NULL, &set);
		if (err != CL_SUCCESS) {
			w->failures++;
			break;
		}
		err = clEnqueueSVMMemcpy(q, CL_FALSE, &w->hist[i], &w->cell, sizeof(int),
					 ooo ? 1 : 0, ooo ? &set : NULL, &get);
		if (err != CL_SUCCESS) {
			w->failures++;
			break;
		}
		clSetEventCallback(get, CL_COMPLETE, count, NULL);
		if (nb)
			clReleaseEvent(nb);
		if (prev)
			clReleaseEvent(prev);
		clReleaseEvent(set);
		prev = get;
		if (i % 101 == 0)
			publish(w->id, get);
		if (i % 500 == 499 && clWaitForEvents(1, &get) != CL_SUCCESS)
			w->failures++;
	}
	if (clFinish(q) != CL_SUCCESS)
		w->failures++;
	if (prev)
		clReleaseEvent(prev);
	clReleaseCommandQueue(q);
	return NULL;
}

int main(void)
{
	static struct worker workers[NTHREADS];
	pthread_t threads[NTHREADS];

	tu_env_init(&env, 0);
	for (int t = 0; t < NTHREADS; t++) {
		workers[t].id = t;
		pthread_create(&threads[t], NULL, run, &workers[t]);
	}
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(threads[t], NULL);
	for (int t = 0; t < NTHREADS; t++) {
		int wrong = 0, first = -1;

		CHECK(workers[t].failures == 0, "thread %d: %d API failures", t,
		      workers[t].failures);
		for (int i = 0; i < NCMDS; i++) {
			if (workers[t].hist[i] != workers[t].vals[i]) {
				if (first < 0)
					first = i;
				wrong++;
			}
		}
		CHECK(wrong == 0, "thread %d: %d commands lost or reordered (first at %d)", t,
		      wrong, first);
	}
	/* Completion callbacks may still be running on a worker thread. */
	for (int i = 0; i < 2000 && completions < NTHREADS * NCMDS; i++)
		usleep(1000);
	CHECK(completions == NTHREADS * NCMDS, "every command called back once: %d of %d",
	      (int)completions, NTHREADS * NCMDS);
	for (int t = 0; t < NTHREADS; t++)
		if (published[t])
			clReleaseEvent(published[t]);
	tu_env_fini(&env);
	return tu_done();
}
