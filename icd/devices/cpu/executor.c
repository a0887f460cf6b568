// SPDX-License-Identifier: MIT
/* The CPU device's work-group executor (see executor.h).
 *
 * A launch is a job. The calling thread posts it on the pool's list (unless
 * it is too small to share), then claims chunks of work-groups from the job's
 * atomic counter like every helper that joined; when nothing is left to claim
 * it takes the job off the list and waits for the helpers still running a
 * group. Workers pick the open job with the fewest helpers, so concurrent
 * launches share the pool, and spin briefly after a job before they sleep,
 * so back-to-back launches do not pay a wake-up each. */
#include "join.h"
#include "executor.h"
#include "fault.h"
#include "fiber.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ volatile("yield" ::: "memory")
#else
#define cpu_relax() ((void)0)
#endif

#define LOCAL_ALIGN 128
#define INLINE_MAX_ITEMS 64 /* NDRanges this small run on the caller alone */
#define CHUNKS_PER_THREAD 8 /* chunks of groups per thread: balance vs. contention */
#define MAX_CHUNK 64
#define SPIN_ROUNDS 2000    /* pauses (~10-100 us) before a worker or caller sleeps */
#define MAX_WORKERS 255

struct job {
	const struct svmgpu_launch *l;
	struct svmgpu_wg_ctx tmpl; /* the per-launch fields of every group's ctx */
	uint64_t last_local[3];    /* local size of the last group of each dimension */
	uint64_t groups;
	uint32_t group_items;      /* enqueued work-group size */
	uint32_t chunk;
	size_t local_bytes;        /* the __local blocks of one group */
	_Atomic uint64_t next;     /* the next group to claim */
	atomic_bool stop;
	atomic_int status;         /* CL_SUCCESS or the first failure, which wrote msg */
	char msg[384];
	/* The pool's, under P.lock. */
	struct job *link;
	uint64_t id;
	atomic_uint helpers;
	bool waiting;
};

/* What a thread keeps between launches. */
struct exec_thread {
	struct svmgpu_fibers fibers;
	char *local_mem;
	size_t local_cap;
	size_t local_used;  /* the running job's __local blocks */
	const char *stack_lo, *stack_hi; /* the thread's own stack, once known */
	void **args;       /* the launcher's args when some are __local */
	void **local_ptrs; /* what those point at */
	uint32_t args_cap;
	uint64_t skip_job; /* a job this worker could not take part in */
	char *scratch;     /* region form: the work-items' frames */
	size_t scratch_cap, scratch_used;
	size_t scratch_failed; /* the size the last group could not have, or 0 */
};

static __thread struct exec_thread *tls_thread;
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static bool thread_key_ok;

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work_cv; /* workers: a job was posted */
	pthread_cond_t done_cv; /* callers: a helper left a job */
	struct job *jobs;       /* open jobs */
	uint64_t last_id;
	_Atomic uint64_t posted; /* jobs posted so far: what spinning workers watch */
	unsigned workers, sleeping;
	bool stopping;              /* the process exits: workers leave */
	pthread_t threads[MAX_WORKERS];
} P = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work_cv = PTHREAD_COND_INITIALIZER,
	.done_cv = PTHREAD_COND_INITIALIZER,
};
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static pthread_once_t ncpu_once = PTHREAD_ONCE_INIT;
static unsigned ncpu;

/* ---- per-thread state -------------------------------------------------- */

static void thread_free(void *p)
{
	struct exec_thread *t = p;

	svmgpu_fibers_fini(&t->fibers);
	free(t->local_mem);
	free(t->scratch);
	free(t->args);
	free(t->local_ptrs);
	free(t);
	tls_thread = NULL;
}

static void thread_key_init(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_free) == 0;
}

static struct exec_thread *thread_get(void)
{
	struct exec_thread *t = tls_thread;

	if (t)
		return t;
	pthread_once(&thread_key_once, thread_key_init);
	if (!thread_key_ok)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (pthread_setspecific(thread_key, t)) {
		free(t);
		return NULL;
	}
	tls_thread = t;
	return t;
}

/* Gets the thread ready for the job: fiber stacks reserved, __local blocks
 * and the args array that points at them. */
/* *buf holds at least size bytes aligned to align (a power of two), zeroed
 * when it grows (what it held is not kept): the thread's __local blocks and
 * region-form frames, kept between groups and launches. */
static bool buffer_reserve(char **buf, size_t *cap, size_t size, size_t align)
{
	size_t want = (size + align - 1) & ~(align - 1);
	char *p;

	if (*cap >= size)
		return true;
	p = aligned_alloc(align, want);
	if (!p)
		return false;
	memset(p, 0, want);
	free(*buf);
	*buf = p;
	*cap = want;
	return true;
}

static cl_int thread_prepare(struct exec_thread *t, const struct job *j, bool caller,
			     void *const **args)
{
	const struct svmgpu_launch *l = j->l;
	char *p;

	*args = l->args;
	t->local_used = j->local_bytes;
	t->scratch_used = 0;
	if (l->wi && j->group_items > 1 &&
	    !svmgpu_fibers_reserve(&t->fibers, j->group_items, caller))
		return CL_OUT_OF_RESOURCES;
	if (!j->local_bytes)
		return CL_SUCCESS;
	if (!buffer_reserve(&t->local_mem, &t->local_cap, j->local_bytes, LOCAL_ALIGN))
		return CL_OUT_OF_HOST_MEMORY;
	if (t->args_cap < l->num_args) {
		void **a = realloc(t->args, l->num_args * sizeof(*a));

		if (!a)
			return CL_OUT_OF_HOST_MEMORY;
		t->args = a;
		a = realloc(t->local_ptrs, l->num_args * sizeof(*a));
		if (!a)
			return CL_OUT_OF_HOST_MEMORY;
		t->local_ptrs = a;
		t->args_cap = l->num_args;
	}
	p = t->local_mem;
	for (uint32_t i = 0; i < l->num_args; i++) {
		uint32_t size = l->local_arg_sizes[i];

		if (size) {
			t->local_ptrs[i] = p;
			t->args[i] = &t->local_ptrs[i];
			p += ((size_t)size + LOCAL_ALIGN - 1) & ~(size_t)(LOCAL_ALIGN - 1);
		} else {
			t->args[i] = l->args[i];
		}
	}
	*args = t->args;
	return CL_SUCCESS;
}

/* ---- running work-groups ----------------------------------------------- */

/* The first failure of a job stops it and says why. */
static void job_fail(struct job *j, cl_int err, const char *msg)
{
	int expected = CL_SUCCESS;

	if (atomic_compare_exchange_strong(&j->status, &expected, err))
		snprintf(j->msg, sizeof(j->msg), "%s", msg);
	atomic_store(&j->stop, true);
}

static void group_coords(const struct job *j, uint64_t k, uint64_t gid[3])
{
	gid[0] = k % j->tmpl.num_groups[0];
	k /= j->tmpl.num_groups[0];
	gid[1] = k % j->tmpl.num_groups[1];
	gid[2] = k / j->tmpl.num_groups[1];
}

static void report_fault(struct job *j, struct exec_thread *t, struct svmgpu_fault_guard *g,
			 uint64_t k)
{
	char what[160], msg[384];
	uint64_t gid[3], lid[3];

	group_coords(j, k, gid);
	svmgpu_fault_describe(g, what, sizeof(what));
	if (j->l->wi) {
		if (svmgpu_fibers_abandoned(&t->fibers, g->addr, lid))
			snprintf(what, sizeof(what), "stack overflow (a work-item needs more "
				 "than %zu KiB: set SVMGPU_FIBER_STACK)",
				 svmgpu_fiber_stack_size() >> 10);
		snprintf(msg, sizeof(msg), "kernel fault: %s in work-group (%" PRIu64 ",%" PRIu64
			 ",%" PRIu64 "), work-item (%" PRIu64 ",%" PRIu64 ",%" PRIu64 ")",
			 what, gid[0], gid[1], gid[2], lid[0], lid[1], lid[2]);
	} else {
		snprintf(msg, sizeof(msg), "kernel fault: %s in work-group (%" PRIu64 ",%" PRIu64
			 ",%" PRIu64 ")", what, gid[0], gid[1], gid[2]);
	}
	job_fail(j, CL_OUT_OF_RESOURCES, msg);
}

/* Whether p is on the calling thread's own stack (found once per thread). */
static bool on_thread_stack(struct exec_thread *t, const void *p)
{
	if (!t->stack_hi) {
		pthread_attr_t a;
		void *lo;
		size_t size;

		if (pthread_getattr_np(pthread_self(), &a))
			return false;
		if (!pthread_attr_getstack(&a, &lo, &size)) {
			t->stack_lo = lo;
			t->stack_hi = (const char *)lo + size;
		}
		pthread_attr_destroy(&a);
	}
	return (const char *)p >= t->stack_lo && (const char *)p < t->stack_hi;
}

/* ctx->classify (kernel_abi.h): the group's __local blocks, the running
 * work-item's stack, or global memory. */
static int classify(struct svmgpu_wg_ctx *ctx, const void *p)
{
	struct exec_thread *t = tls_thread;
	const char *c = p;

	(void)ctx;
	if (!t || !p)
		return SVMGPU_ADDR_GLOBAL;
	if (t->local_used && c >= t->local_mem && c < t->local_mem + t->local_used)
		return SVMGPU_ADDR_LOCAL;
	if (svmgpu_fibers_on_stack(&t->fibers, p) || on_thread_stack(t, p) ||
	    (t->scratch_used && c >= t->scratch && c < t->scratch + t->scratch_used))
		return SVMGPU_ADDR_PRIVATE;
	return SVMGPU_ADDR_GLOBAL;
}

/* ctx->scratch (kernel_abi.h): a buffer kept per thread, grown as groups
 * need. Zeroed when it grows, so no frame is ever read uninitialised. */
static void *scratch(struct svmgpu_wg_ctx *ctx, uint64_t size)
{
	struct exec_thread *t = tls_thread;

	(void)ctx;
	if (!t || size > SIZE_MAX / 2 || !buffer_reserve(&t->scratch, &t->scratch_cap, size, 4096))
		goto fail;
	t->scratch_used = size;
	return t->scratch;
fail:
	if (t)
		t->scratch_failed = size ? size : 1;
	return NULL;
}

/* ctx->barrier in the loop form: the compiler only uses that form for kernels
 * that never reach a barrier. */
static void barrier_loop(struct svmgpu_wg_ctx *ctx, uint32_t flags)
{
	(void)ctx;
	(void)flags;
}

/* Claims and runs groups until none is left; *current: the running group. */
static __attribute__((noinline)) void run_loop(struct job *j, struct exec_thread *t,
					       void *const *args,
					       struct svmgpu_fault_guard *guard,
					       volatile uint64_t *current)
{
	const struct svmgpu_launch *l = j->l;
	const uint64_t *ng = j->tmpl.num_groups;
	struct svmgpu_wg_ctx ctx = j->tmpl;
	uint64_t gid[3];

	ctx.executor = t;
	while (!atomic_load_explicit(&j->stop, memory_order_relaxed)) {
		uint64_t b = atomic_fetch_add_explicit(&j->next, j->chunk, memory_order_relaxed);
		uint64_t e = b + j->chunk < j->groups ? b + j->chunk : j->groups;

		if (b >= j->groups)
			break;
		group_coords(j, b, gid);
		for (uint64_t k = b; k < e; k++) {
			for (int d = 0; d < 3; d++) {
				ctx.group_id[d] = gid[d];
				ctx.local_size[d] = gid[d] + 1 == ng[d] ? j->last_local[d]
									: ctx.enqueued_local_size[d];
			}
			*current = k;
			if (l->wg) {
				guard->armed = 1;
				l->wg(args, &ctx);
				guard->armed = 0;
				if (t->scratch_failed) {
					char msg[160];

					snprintf(msg, sizeof(msg), "cannot allocate %zu bytes for "
						 "the work-items' state across barriers",
						 t->scratch_failed);
					t->scratch_failed = 0;
					job_fail(j, CL_OUT_OF_RESOURCES, msg);
					return;
				}
			} else if (svmgpu_fibers_run_group(&t->fibers, l->wi, args, &ctx, guard)) {
				char msg[160];

				snprintf(msg, sizeof(msg), "cannot map fiber stacks for work-groups "
					 "of %" PRIu32 " work-items", j->group_items);
				job_fail(j, CL_OUT_OF_RESOURCES, msg);
				return;
			}
			if (++gid[0] == ng[0]) {
				gid[0] = 0;
				if (++gid[1] == ng[1]) {
					gid[1] = 0;
					gid[2]++;
				}
			}
		}
	}
}

/* run_loop under a fault guard. */
static void run_groups(struct job *j, struct exec_thread *t, void *const *args)
{
	struct svmgpu_fault_guard guard;
	volatile uint64_t current = 0;

	svmgpu_fault_thread_setup();
	guard.armed = 0;
	guard.on_fiber = 0;
	guard.stack_bottom = NULL;
	guard.stack_size = 0;
	if (sigsetjmp(guard.jb, 0)) {
		svmgpu_fault_recovered(&guard);
		svmgpu_fault_set_guard(NULL);
		report_fault(j, t, &guard, current);
		return;
	}
	svmgpu_fault_set_guard(&guard);
	run_loop(j, t, args, &guard, &current);
	svmgpu_fault_set_guard(NULL);
}

/* ---- the pool ---------------------------------------------------------- */

static void count_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	/* A process confined to fewer CPUs (taskset, cgroup cpusets) uses those. */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0 &&
	    CPU_COUNT(&set) < n)
		n = CPU_COUNT(&set);
	ncpu = n > 0 ? (unsigned)n : 1;
}

unsigned svmgpu_cpu_thread_count(void)
{
	pthread_once(&ncpu_once, count_cpus);
	return ncpu;
}

/* The open job with work left and the fewest helpers (under P.lock). */
static struct job *pick_job(uint64_t skip)
{
	struct job *best = NULL;

	for (struct job *j = P.jobs; j; j = j->link) {
		if (j->id == skip || atomic_load(&j->stop) ||
		    atomic_load_explicit(&j->next, memory_order_relaxed) >= j->groups)
			continue;
		if (!best || atomic_load(&j->helpers) < atomic_load(&best->helpers))
			best = j;
	}
	return best;
}

static void help(struct job *j, struct exec_thread *t)
{
	void *const *args;

	if (thread_prepare(t, j, false, &args) == CL_SUCCESS)
		run_groups(j, t, args);
	else
		t->skip_job = j->id; /* the caller and the others do without */
	svmgpu_fibers_unreserve(&t->fibers);
}

static void *worker_main(void *arg)
{
	struct exec_thread *t = thread_get();
	bool spun = false;

	(void)arg;
	svmgpu_fault_thread_setup();
	pthread_mutex_lock(&P.lock);
	for (;;) {
		struct job *j = t ? pick_job(t->skip_job) : NULL;

		if (!j) {
			uint64_t seen = atomic_load(&P.posted);

			if (P.stopping)
				break;
			if (!spun) {
				spun = true;
				pthread_mutex_unlock(&P.lock);
				for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(
						&P.posted, memory_order_relaxed) == seen; i++)
					cpu_relax();
				pthread_mutex_lock(&P.lock);
				continue;
			}
			P.sleeping++;
			pthread_cond_wait(&P.work_cv, &P.lock);
			P.sleeping--;
			continue;
		}
		spun = false;
		atomic_fetch_add(&j->helpers, 1);
		pthread_mutex_unlock(&P.lock);
		help(j, t);
		pthread_mutex_lock(&P.lock);
		if (atomic_fetch_sub(&j->helpers, 1) == 1 && j->waiting)
			pthread_cond_broadcast(&P.done_cv);
	}
	pthread_mutex_unlock(&P.lock);
	return NULL;
}

/* At exit the idle workers leave and are joined, so that nothing tears a
 * thread down while the process's last work runs (LeakSanitizer's thread
 * walk among it). One still in a launch gets a moment, then exit ends it. */
__attribute__((destructor)) static void pool_stop(void)
{
	unsigned n;

	pthread_mutex_lock(&P.lock);
	P.stopping = true;
	n = P.workers;
	pthread_cond_broadcast(&P.work_cv);
	pthread_mutex_unlock(&P.lock);
	for (unsigned i = 0; i < n; i++)
		if (!svmgpu_join_within(P.threads[i], 200))
			pthread_detach(P.threads[i]);
}

/* A forked child has no workers: it runs every launch on the calling thread. */
static void pool_after_fork(void)
{
	pthread_mutex_init(&P.lock, NULL);
	pthread_cond_init(&P.work_cv, NULL);
	pthread_cond_init(&P.done_cv, NULL);
	P.jobs = NULL;
	P.workers = P.sleeping = 0;
	P.stopping = false;
}

static void pool_start(void)
{
	unsigned n = svmgpu_cpu_thread_count() - 1;
	sigset_t all, old;

	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	/* Workers leave the application's signals to its own threads, but not
	 * the synchronous ones: a blocked fault would kill the process. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_mutex_lock(&P.lock);
	for (unsigned i = 0; i < n; i++) {
		if (pthread_create(&P.threads[P.workers], NULL, worker_main, NULL))
			break;
		P.workers++;
	}
	pthread_mutex_unlock(&P.lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_atfork(NULL, NULL, pool_after_fork);
}

static void job_post(struct job *j, unsigned want)
{
	pthread_mutex_lock(&P.lock);
	j->id = ++P.last_id;
	j->link = P.jobs;
	P.jobs = j;
	atomic_fetch_add(&P.posted, 1);
	if (want >= P.sleeping) {
		if (P.sleeping)
			pthread_cond_broadcast(&P.work_cv);
	} else {
		for (unsigned i = 0; i < want; i++)
			pthread_cond_signal(&P.work_cv);
	}
	pthread_mutex_unlock(&P.lock);
}

/* Takes the job off the list (no one joins any more) and waits for its helpers. */
static void job_close(struct job *j)
{
	pthread_mutex_lock(&P.lock);
	for (struct job **pp = &P.jobs; *pp; pp = &(*pp)->link) {
		if (*pp == j) {
			*pp = j->link;
			break;
		}
	}
	pthread_mutex_unlock(&P.lock);
	for (int i = 0; i < SPIN_ROUNDS && atomic_load(&j->helpers); i++)
		cpu_relax();
	/* Also when the spin saw none left: a helper leaves under the lock. */
	pthread_mutex_lock(&P.lock);
	while (atomic_load(&j->helpers)) {
		j->waiting = true;
		pthread_cond_wait(&P.done_cv, &P.lock);
	}
	pthread_mutex_unlock(&P.lock);
}

/* ---- entry points ------------------------------------------------------ */

static cl_int launch_error(char *msg, size_t msg_size, cl_int err, const char *why)
{
	if (msg && msg_size)
		snprintf(msg, msg_size, "%s", why);
	return err;
}

/* Fills the job from the launch: CL_SUCCESS, or CL_INVALID_VALUE with why. */
static cl_int job_init(struct job *j, const struct svmgpu_launch *l, bool *empty,
		       uint64_t *items, const char **why)
{
	struct svmgpu_wg_ctx *c = &j->tmpl;
	uint64_t group_items = 1;

	memset(c, 0, sizeof(*c));
	*why = "malformed launch";
	if (!l->wg == !l->wi || l->work_dim < 1 || l->work_dim > 3 || (l->num_args && !l->args))
		return CL_INVALID_VALUE;
	c->work_dim = l->work_dim;
	c->barrier = barrier_loop;
	c->classify = classify;
	c->scratch = scratch;
	j->groups = 1;
	*items = 1;
	*empty = false;
	for (uint32_t d = 0; d < 3; d++) {
		uint64_t gs = d < l->work_dim ? l->global_size[d] : 1;
		uint64_t ls = d < l->work_dim ? l->local_size[d] : 1;
		uint64_t ng;

		if (!ls) {
			*why = "local size of 0";
			return CL_INVALID_VALUE;
		}
		ng = gs / ls + (gs % ls != 0);
		c->global_offset[d] = d < l->work_dim ? l->global_offset[d] : 0;
		c->global_size[d] = gs;
		c->enqueued_local_size[d] = c->local_size[d] = ls;
		c->num_groups[d] = ng;
		j->last_local[d] = gs - (ng ? ng - 1 : 0) * ls;
		*empty |= gs == 0;
		if (__builtin_mul_overflow(group_items, ls, &group_items) ||
		    __builtin_mul_overflow(j->groups, ng, &j->groups)) {
			*why = "NDRange too large";
			return CL_INVALID_VALUE;
		}
		if (__builtin_mul_overflow(*items, gs, items))
			*items = UINT64_MAX;
	}
	if (l->wi && group_items > SVMGPU_CPU_MAX_WG_SIZE) {
		*why = "work-group larger than SVMGPU_CPU_MAX_WG_SIZE work-items";
		return CL_INVALID_VALUE;
	}
	j->group_items = group_items > UINT32_MAX ? UINT32_MAX : (uint32_t)group_items;
	j->local_bytes = 0;
	for (uint32_t i = 0; l->local_arg_sizes && i < l->num_args; i++)
		j->local_bytes += ((size_t)l->local_arg_sizes[i] + LOCAL_ALIGN - 1) &
				  ~(size_t)(LOCAL_ALIGN - 1);
	j->l = l;
	atomic_init(&j->next, 0);
	atomic_init(&j->stop, false);
	atomic_init(&j->status, CL_SUCCESS);
	atomic_init(&j->helpers, 0);
	j->waiting = false;
	j->msg[0] = 0;
	return CL_SUCCESS;
}

cl_int svmgpu_cpu_execute(const struct svmgpu_launch *l, char *msg, size_t msg_size)
{
	struct job j;
	struct exec_thread *t;
	void *const *args;
	const char *why;
	uint64_t items;
	bool empty, shared;
	unsigned want = 0;
	cl_int err;

	if (msg && msg_size)
		msg[0] = 0;
	if (!l)
		return launch_error(msg, msg_size, CL_INVALID_VALUE, "no launch");
	err = job_init(&j, l, &empty, &items, &why);
	if (err)
		return launch_error(msg, msg_size, err, why);
	if (empty)
		return CL_SUCCESS;
	t = thread_get();
	if (!t)
		return launch_error(msg, msg_size, CL_OUT_OF_HOST_MEMORY, "out of host memory");
	err = thread_prepare(t, &j, true, &args);
	if (err) {
		svmgpu_fibers_unreserve(&t->fibers);
		return launch_error(msg, msg_size, err, err == CL_OUT_OF_HOST_MEMORY
				    ? "out of host memory for __local arguments"
				    : "cannot reserve fiber stacks");
	}
	shared = j.groups > 1 && items > INLINE_MAX_ITEMS;
	if (shared) {
		pthread_once(&pool_once, pool_start);
		shared = P.workers > 0;
	}
	if (shared) {
		uint64_t chunk = j.groups / ((uint64_t)(P.workers + 1) * CHUNKS_PER_THREAD);
		uint64_t chunks;

		j.chunk = chunk < 1 ? 1 : chunk > MAX_CHUNK ? MAX_CHUNK : (uint32_t)chunk;
		chunks = (j.groups + j.chunk - 1) / j.chunk;
		want = chunks - 1 < P.workers ? (unsigned)(chunks - 1) : P.workers;
		job_post(&j, want);
	} else {
		j.chunk = j.groups > UINT32_MAX ? UINT32_MAX : (uint32_t)j.groups;
	}
	run_groups(&j, t, args);
	if (shared)
		job_close(&j);
	svmgpu_fibers_unreserve(&t->fibers);
	/* Kernels' printf writes into stdout's buffer (builtins/printf.c): the
	 * output is out when the command completes. Nothing pending, nothing to
	 * do: a launch that did not print costs no system call. (Output that the
	 * application left in the buffer goes out with it, as it could at any
	 * later write.) */
	if (__fpending(stdout))
		fflush(stdout);
	err = atomic_load(&j.status);
	if (err)
		launch_error(msg, msg_size, err, j.msg);
	return err;
}

/* The largest divisor of n that is at most max (at least 1). */
static uint64_t divisor_below(uint64_t n, uint64_t max)
{
	if (n <= max)
		return n;
	for (uint64_t d = max; d > 1; d--) {
		if (n % d == 0)
			return d;
	}
	return 1;
}

void svmgpu_cpu_pick_local_size(uint32_t work_dim, const uint64_t global_size[3],
				uint64_t max_wg_size, bool fibers, uint64_t local_size[3])
{
	uint64_t total = 1, target, budget;

	local_size[0] = local_size[1] = local_size[2] = 1;
	if (work_dim < 1 || work_dim > 3)
		return;
	for (uint32_t d = 0; d < work_dim; d++) {
		if (__builtin_mul_overflow(total, global_size[d], &total))
			total = UINT64_MAX;
	}
	/* Several groups per thread for balance; 16 to 1024 work-items each:
	 * a vector loop's worth at least, and as many as the group size allows,
	 * since each group costs (tens of nanoseconds: a streaming kernel's
	 * groups of 256 ran ~20% slower than of 1024); fibers: 256, beyond
	 * which the per-group cost no longer shows while stacks get expensive. */
	target = total / (svmgpu_cpu_thread_count() * (uint64_t)CHUNKS_PER_THREAD);
	if (target < 16)
		target = 16;
	if (target > (fibers ? 256u : 1024u))
		target = fibers ? 256u : 1024u;
	if (max_wg_size > SVMGPU_CPU_MAX_WG_SIZE)
		max_wg_size = SVMGPU_CPU_MAX_WG_SIZE;
	if (target > max_wg_size)
		target = max_wg_size ? max_wg_size : 1;
	budget = target;
	for (uint32_t d = 0; d < work_dim && budget > 1; d++) {
		if (!global_size[d])
			continue;
		local_size[d] = divisor_below(global_size[d], budget);
		budget /= local_size[d];
	}
}
