// SPDX-License-Identifier: MIT
/* The CPU work-group executor on its own: hand-written launchers in the two
 * forms that compiled kernels take (icd/compiler/kernel_abi.h) check what
 * every work-group and work-item sees, __local blocks, barriers, fault
 * containment and concurrent launches. No ICD, no compiler. */
#include "testutil.h"
#include "devices/cpu/executor.h"

#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_VALGRIND 1
#endif
#endif

/* Launchers that fault on purpose stand for compiled kernels, which are not
 * instrumented either. */
#define KERNEL_CODE __attribute__((noinline, no_sanitize("address", "undefined")))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* An NDRange as the tests describe it. */
struct geom {
	uint32_t dim;
	uint64_t off[3], gs[3], ls[3];
};

static struct svmgpu_launch launch_of(const struct geom *g, svmgpu_launcher_fn wg,
				      svmgpu_launcher_fn wi, void *const *args, uint32_t nargs,
				      const uint32_t *local_sizes)
{
	struct svmgpu_launch l = {
		.wg = wg, .wi = wi, .args = args, .num_args = nargs,
		.local_arg_sizes = local_sizes, .work_dim = g->dim,
	};

	for (int d = 0; d < 3; d++) {
		/* Unused dimensions hold junk: the executor must ignore it. */
		l.global_offset[d] = d < (int)g->dim ? g->off[d] : 12345;
		l.global_size[d] = d < (int)g->dim ? g->gs[d] : 77;
		l.local_size[d] = d < (int)g->dim ? g->ls[d] : 0;
	}
	return l;
}

static uint64_t gsz(const struct geom *g, int d)
{
	return d < (int)g->dim ? g->gs[d] : 1;
}

static uint64_t lsz(const struct geom *g, int d)
{
	return d < (int)g->dim ? g->ls[d] : 1;
}

static uint64_t total_items(const struct geom *g)
{
	return gsz(g, 0) * gsz(g, 1) * gsz(g, 2);
}

/* Does ctx describe the group it claims to, within g? */
static bool ctx_ok(const struct svmgpu_wg_ctx *ctx, const struct geom *g)
{
	if (ctx->work_dim != g->dim)
		return false;
	for (int d = 0; d < 3; d++) {
		uint64_t gs = gsz(g, d), ls = lsz(g, d), ng = (gs + ls - 1) / ls;
		uint64_t off = d < (int)g->dim ? g->off[d] : 0;
		uint64_t want = gs - ctx->group_id[d] * ls < ls ? gs - ctx->group_id[d] * ls : ls;

		if (ctx->global_offset[d] != off || ctx->global_size[d] != gs ||
		    ctx->enqueued_local_size[d] != ls || ctx->num_groups[d] != ng ||
		    ctx->group_id[d] >= ng || ctx->local_size[d] != want)
			return false;
	}
	return true;
}

/* The linear index, in the global range, of a work-item. */
static uint64_t global_index(const struct svmgpu_wg_ctx *ctx, const uint64_t lid[3])
{
	uint64_t i = 0;

	for (int d = 2; d >= 0; d--)
		i = i * ctx->global_size[d] + ctx->group_id[d] * ctx->enqueued_local_size[d] +
		    lid[d];
	return i;
}

static uint64_t group_index(const struct svmgpu_wg_ctx *ctx)
{
	return ctx->group_id[0] +
	       ctx->num_groups[0] * (ctx->group_id[1] + ctx->num_groups[1] * ctx->group_id[2]);
}

/* ---- loop form: vector add ------------------------------------------------ */

/* args: hits, geom (by value), a, b, c, errors */
static void vecadd_wg(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	atomic_uint *hits = *(atomic_uint *const *)args[0];
	const struct geom *g = args[1];
	const float *a = *(float *const *)args[2], *b = *(float *const *)args[3];
	float *c = *(float *const *)args[4];
	atomic_uint *errors = *(atomic_uint *const *)args[5];
	uint64_t lid[3];

	if (!ctx_ok(ctx, g))
		atomic_fetch_add(errors, 1);
	for (lid[2] = 0; lid[2] < ctx->local_size[2]; lid[2]++)
		for (lid[1] = 0; lid[1] < ctx->local_size[1]; lid[1]++)
			for (lid[0] = 0; lid[0] < ctx->local_size[0]; lid[0]++) {
				uint64_t i = global_index(ctx, lid);

				atomic_fetch_add_explicit(&hits[i], 1, memory_order_relaxed);
				c[i] = a[i] + b[i];
			}
}

/* Runs vecadd over g; the number of failures (0: all good). */
static int run_vecadd(const struct geom *g)
{
	uint64_t n = total_items(g);
	atomic_uint *hits = calloc(n, sizeof(*hits)), errors = 0, *errp = &errors;
	float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
	float *c = calloc(n, sizeof(float));
	void *args[] = { &hits, (void *)g, &a, &b, &c, &errp };
	struct svmgpu_launch l = launch_of(g, vecadd_wg, NULL, args, 6, NULL);
	char msg[256];
	int bad = 0;

	for (uint64_t i = 0; i < n; i++) {
		a[i] = (float)i;
		b[i] = (float)(2 * i + 1);
	}
	if (svmgpu_cpu_execute(&l, msg, sizeof(msg)) != CL_SUCCESS || msg[0])
		bad++;
	for (uint64_t i = 0; i < n; i++)
		bad += atomic_load(&hits[i]) != 1 || c[i] != (float)(3 * i + 1);
	bad += (int)atomic_load(&errors);
	free(hits);
	free(a);
	free(b);
	free(c);
	return bad;
}

static void test_vecadd(void)
{
	static const struct geom shapes[] = {
		{ 1, { 0 }, { 1 }, { 1 } },
		{ 1, { 5 }, { 1000 }, { 64 } },       /* non-uniform edge of 40 */
		{ 1, { 0 }, { 4096 }, { 256 } },
		{ 1, { 0 }, { 10 }, { 64 } },         /* one group smaller than enqueued */
		{ 1, { 1 << 20 }, { 1 << 20 }, { 128 } },
		{ 1, { 0 }, { 100003 }, { 1 } },      /* many tiny groups */
		{ 2, { 3, 7 }, { 37, 19 }, { 8, 4 } },
		{ 2, { 0, 0 }, { 512, 300 }, { 32, 8 } },
		{ 3, { 1, 2, 3 }, { 13, 7, 5 }, { 4, 3, 2 } },
		{ 3, { 0, 0, 0 }, { 64, 33, 17 }, { 16, 4, 4 } },
	};

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		const struct geom *g = &shapes[i];

		CHECK(run_vecadd(g) == 0, "vecadd %uD global (%" PRIu64 ",%" PRIu64 ",%" PRIu64
		      ") local (%" PRIu64 ",%" PRIu64 ",%" PRIu64 "): every id exactly once",
		      g->dim, gsz(g, 0), gsz(g, 1), gsz(g, 2), lsz(g, 0), lsz(g, 1), lsz(g, 2));
	}
}

/* ---- __local blocks are private to each group ------------------------------- */

/* args: local int[25], errors, local int[750], by-value marker 42, runs */
static void local_wg(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	int *x = *(int *const *)args[0], *y = *(int *const *)args[2];
	atomic_uint *errors = *(atomic_uint *const *)args[1];
	atomic_uint *runs = *(atomic_uint *const *)args[4];
	int id = (int)group_index(ctx) + 1;

	if (((uintptr_t)x | (uintptr_t)y) % 128 || *(const int *)args[3] != 42 ||
	    !((char *)x + 100 <= (char *)y || (char *)y + 3000 <= (char *)x))
		atomic_fetch_add(errors, 1);
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 25; i++)
			x[i] = id + round;
		for (int i = 0; i < 750; i++)
			y[i] = -(id + round);
		for (volatile int spin = 0; spin < 200; spin++)
			;
		for (int i = 0; i < 25; i++)
			if (x[i] != id + round)
				atomic_fetch_add(errors, 1);
		for (int i = 0; i < 750; i++)
			if (y[i] != -(id + round))
				atomic_fetch_add(errors, 1);
	}
	atomic_fetch_add(runs, 1);
}

static int run_local(uint64_t groups)
{
	atomic_uint errors = 0, runs = 0;
	atomic_uint *errp = &errors, *runp = &runs;
	int marker = 42;
	void *placeholder = (void *)0x1234;
	void *args[] = { &placeholder, &errp, &placeholder, &marker, &runp };
	const uint32_t local_sizes[] = { 100, 0, 3000, 0, 0 };
	struct geom g = { 2, { 0, 0 }, { groups * 2, 3 }, { 2, 1 } };
	struct svmgpu_launch l = launch_of(&g, local_wg, NULL, args, 5, local_sizes);
	int bad = svmgpu_cpu_execute(&l, NULL, 0) != CL_SUCCESS;

	bad += atomic_load(&runs) != groups * 3;
	bad += args[0] != &placeholder || placeholder != (void *)0x1234; /* ours untouched */
	return bad + (int)atomic_load(&errors);
}

static void test_local(void)
{
	CHECK(run_local(1) == 0, "__local blocks: one group");
	CHECK(run_local(3000) == 0, "__local blocks: 9000 groups, aligned, private per group");
}

/* ---- fiber form: reduction with barriers ------------------------------------ */

/* args: local u64[group], geom, in, out, hits, errors */
static void reduce_wi(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	uint64_t *loc = *(uint64_t *const *)args[0];
	const struct geom *g = args[1];
	const uint64_t *in = *(uint64_t *const *)args[2];
	uint64_t *out = *(uint64_t *const *)args[3];
	atomic_uint *hits = *(atomic_uint *const *)args[4];
	atomic_uint *errors = *(atomic_uint *const *)args[5];
	/* What the built-in library keeps per work-item across barriers. */
	uint64_t lid[3] = { ctx->local_id[0], ctx->local_id[1], ctx->local_id[2] };
	uint64_t n = ctx->local_size[0] * ctx->local_size[1] * ctx->local_size[2];
	uint64_t me = lid[0] + ctx->local_size[0] * (lid[1] + ctx->local_size[1] * lid[2]);
	uint64_t gi = global_index(ctx, lid);

	if (!ctx_ok(ctx, g) || lid[0] >= ctx->local_size[0] || lid[1] >= ctx->local_size[1] ||
	    lid[2] >= ctx->local_size[2])
		atomic_fetch_add(errors, 1);
	atomic_fetch_add_explicit(&hits[gi], 1, memory_order_relaxed);
	loc[me] = in[gi];
	ctx->barrier(ctx, 1);
	for (uint64_t s = 1; s < n; s *= 2) {
		if (me % (2 * s) == 0 && me + s < n)
			loc[me] += loc[me + s];
		ctx->barrier(ctx, 1);
	}
	if (me == 0)
		out[group_index(ctx)] = loc[0];
}

static int run_reduce(const struct geom *g)
{
	uint64_t n = total_items(g), ng = 1, items = lsz(g, 0) * lsz(g, 1) * lsz(g, 2);
	uint64_t *in = malloc(n * sizeof(*in)), *out, *want;
	atomic_uint *hits = calloc(n, sizeof(*hits)), errors = 0, *errp = &errors;
	void *placeholder = NULL;
	void *args[] = { &placeholder, (void *)g, &in, &out, &hits, &errp };
	uint32_t local_sizes[6] = { (uint32_t)(items * sizeof(uint64_t)) };
	struct svmgpu_launch l;
	char msg[256];
	int bad = 0;

	for (int d = 0; d < 3; d++)
		ng *= (gsz(g, d) + lsz(g, d) - 1) / lsz(g, d);
	out = calloc(ng, sizeof(*out));
	want = calloc(ng, sizeof(*want));
	for (uint64_t i = 0; i < n; i++) {
		uint64_t c[3] = { i % gsz(g, 0), i / gsz(g, 0) % gsz(g, 1),
				  i / gsz(g, 0) / gsz(g, 1) };
		uint64_t gr = c[0] / lsz(g, 0) + (gsz(g, 0) + lsz(g, 0) - 1) / lsz(g, 0) *
			      (c[1] / lsz(g, 1) + (gsz(g, 1) + lsz(g, 1) - 1) / lsz(g, 1) *
			       (c[2] / lsz(g, 2)));

		in[i] = i * 2654435761u % 1000003;
		want[gr] += in[i];
	}
	l = launch_of(g, NULL, reduce_wi, args, 6, local_sizes);
	if (svmgpu_cpu_execute(&l, msg, sizeof(msg)) != CL_SUCCESS) {
		printf("# %s\n", msg);
		bad++;
	}
	for (uint64_t i = 0; i < n; i++)
		bad += atomic_load(&hits[i]) != 1;
	for (uint64_t i = 0; i < ng; i++)
		bad += out[i] != want[i];
	bad += (int)atomic_load(&errors);
	free(in);
	free(out);
	free(want);
	free(hits);
	return bad;
}

static void test_reduce(void)
{
	static const uint64_t sizes[] = { 1, 2, 7, 64, 256, 1000, 4096 };
	static const struct geom shapes[] = {
		{ 2, { 0, 0 }, { 40, 20 }, { 16, 8 } },
		{ 2, { 9, 1 }, { 128, 128 }, { 64, 64 } },
		{ 3, { 1, 2, 3 }, { 10, 9, 8 }, { 4, 4, 4 } },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t ls = sizes[i];
		struct geom uni = { 1, { 3 }, { 4 * ls }, { ls } };
		struct geom edge = { 1, { 0 }, { 3 * ls + ls / 2 + 1 }, { ls } };

		CHECK(run_reduce(&uni) == 0, "fiber reduction, groups of %" PRIu64, ls);
		CHECK(run_reduce(&edge) == 0, "fiber reduction, groups of %" PRIu64
		      ", non-uniform edge", ls);
	}
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		CHECK(run_reduce(&shapes[i]) == 0, "fiber reduction %uD, local (%" PRIu64 ",%"
		      PRIu64 ",%" PRIu64 ")", shapes[i].dim, shapes[i].ls[0], shapes[i].ls[1],
		      lsz(&shapes[i], 2));
}

/* ---- barriers with work-items that return early ------------------------------ */

#define STAGES 4

/* The stage at which work-item i of n returns (STAGES: it never does). */
static int quit_stage(int mode, uint64_t i, uint64_t n)
{
	switch (mode) {
	case 0: return i % 2 ? 0 : STAGES;          /* odd ones at once */
	case 1: return i == 0 ? 0 : STAGES;         /* the first one */
	case 2: return i == n - 1 ? 1 : STAGES;     /* the last one, after a barrier */
	case 3: return i < n - 1 ? 0 : STAGES;      /* all but the last */
	default: return (int)(i % (STAGES + 1));    /* staggered */
	}
}

/* args: local u64[group], mode, errors, finished */
static void early_wi(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	uint64_t *loc = *(uint64_t *const *)args[0];
	int mode = *(const int *)args[1];
	atomic_uint *errors = *(atomic_uint *const *)args[2];
	atomic_uint *finished = *(atomic_uint *const *)args[3];
	uint64_t n = ctx->local_size[0], me = ctx->local_id[0];
	int q = quit_stage(mode, me, n);

	for (int s = 0; s < STAGES; s++) {
		if (q == s)
			return;
		loc[me] = (uint64_t)s * 100000 + me + 1;
		ctx->barrier(ctx, 1);
		for (uint64_t j = 0; j < n; j++) {
			if (quit_stage(mode, j, n) > s && loc[j] != (uint64_t)s * 100000 + j + 1)
				atomic_fetch_add(errors, 1);
		}
		ctx->barrier(ctx, 1);
	}
	atomic_fetch_add(finished, 1);
}

static void test_early_return(void)
{
	static const uint64_t sizes[] = { 2, 5, 64, 1000 };

	for (int mode = 0; mode < 5; mode++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint64_t ls = sizes[i], gs = 3 * ls + ls / 2 + 1, want = 0;
			atomic_uint errors = 0, finished = 0, *errp = &errors, *finp = &finished;
			void *placeholder = NULL;
			void *args[] = { &placeholder, &mode, &errp, &finp };
			uint32_t local_sizes[] = { (uint32_t)(ls * 8), 0, 0, 0 };
			struct geom g = { 1, { 0 }, { gs }, { ls } };
			struct svmgpu_launch l = launch_of(&g, NULL, early_wi, args, 4, local_sizes);
			cl_int err = svmgpu_cpu_execute(&l, NULL, 0);

			for (uint64_t k = 0; k < gs; k++) {
				uint64_t n = k / ls < gs / ls ? ls : gs % ls;

				want += quit_stage(mode, k % ls, n) == STAGES;
			}
			CHECK(err == CL_SUCCESS && atomic_load(&errors) == 0 &&
			      atomic_load(&finished) == want,
			      "barriers, early returns (mode %d), groups of %" PRIu64
			      ": %u errors, %u of %" PRIu64 " finished", mode, ls,
			      atomic_load(&errors), atomic_load(&finished), want);
		}
	}
}

/* ---- fault containment ------------------------------------------------------ */

static volatile int sink;
/* Kernels fault at bad_ptr + 16: NULL + 16, or under valgrind a page that
 * faults although memcheck takes it for valid (it would report the access). */
static int *bad_ptr;
static char bad_addr[32]; /* "0x10" */

static void init_bad_ptr(void)
{
#ifdef HAVE_VALGRIND
	if (RUNNING_ON_VALGRIND) {
		long page = sysconf(_SC_PAGESIZE);
		char *p = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED) {
			VALGRIND_MAKE_MEM_DEFINED(p, page);
			bad_ptr = (int *)p;
		}
	}
#endif
	snprintf(bad_addr, sizeof(bad_addr), "0x%" PRIxPTR, (uintptr_t)bad_ptr + 16);
}
static atomic_int app_hits;      /* calls of the application's own SIGSEGV handler */
static volatile int app_jump;
static sigjmp_buf app_jb;

static void app_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	atomic_fetch_add(&app_hits, 1);
	if (app_jump) {
		app_jump = 0;
		siglongjmp(app_jb, 1);
	}
}

/* args: NULL pointer, target group, mode (0 write, 1 read, 2 divide, 3 raise) */
KERNEL_CODE static void fault_wg(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	int *p = *(int *const *)args[0];
	uint64_t target = *(const uint64_t *)args[1];
	int mode = *(const int *)args[2];
	volatile int zero = 0;

	if (group_index(ctx) != target)
		return;
	switch (mode) {
	case 0: p[4] = 1; break;
	case 1: sink = p[4]; break;
	case 2: sink = sink / zero; break;
	default: raise(SIGSEGV); break;
	}
}

/* args: NULL pointer, target group, target work-item; faults after a barrier */
KERNEL_CODE static void fault_wi(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	int *p = *(int *const *)args[0];
	uint64_t group = *(const uint64_t *)args[1], item = *(const uint64_t *)args[2];
	uint64_t me = ctx->local_id[0];

	ctx->barrier(ctx, 1);
	if (group_index(ctx) == group && me == item)
		p[4] = 1;
	ctx->barrier(ctx, 1);
}

static volatile int bottomless = 1 << 30;

KERNEL_CODE static int deep(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	return depth < bottomless ? deep(depth + 1) + frame[0] : 0;
}

KERNEL_CODE static void overflow_wi(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	uint64_t me = ctx->local_id[0]; /* ctx->local_id is only right at the start */

	(void)args;
	ctx->barrier(ctx, 1);
	if (me == 3)
		sink = deep(0);
}

/* Not kernel code: the executor's handler must pass this on. */
KERNEL_CODE static void fault_outside(void)
{
	volatile int *volatile p = bad_ptr;

	p[4] = 1;
}

static cl_int run_fault(svmgpu_launcher_fn wg, svmgpu_launcher_fn wi, uint64_t gs, uint64_t ls,
			uint64_t target, uint64_t mode, char *msg, size_t msg_size)
{
	int *bad = bad_ptr, m = (int)mode;
	void *args[] = { &bad, &target, wg ? (void *)&m : (void *)&mode };
	struct geom g = { 1, { 0 }, { gs }, { ls } };
	struct svmgpu_launch l = launch_of(&g, wg, wi, args, 3, NULL);

	return svmgpu_cpu_execute(&l, msg, msg_size);
}

static void test_faults(void)
{
	struct geom g = { 1, { 0 }, { 1000 }, { 64 } };
	char msg[256];
	cl_int err;
	int hits;

	err = run_fault(fault_wg, NULL, 8 * 16, 16, 3, 0, msg, sizeof(msg));
	CHECK_ERR(err, CL_OUT_OF_RESOURCES, "a write to %s in group 3", bad_addr);
	CHECK(strstr(msg, "invalid write at ") && strstr(msg, bad_addr) &&
	      strstr(msg, "work-group (3,0,0)"), "message: %s", msg);
	printf("# %s\n", msg);
	CHECK(run_vecadd(&g) == 0, "a launch after a fault runs normally");

	err = run_fault(fault_wg, NULL, 16, 16, 0, 1, msg, sizeof(msg));
	CHECK(err == CL_OUT_OF_RESOURCES && strstr(msg, "invalid read at ") &&
	      strstr(msg, bad_addr) && strstr(msg, "(0,0,0)"),
	      "a read in the only group: %s", msg);

	err = run_fault(fault_wg, NULL, 100000 * 16, 16, 77777, 0, msg, sizeof(msg));
	CHECK(err == CL_OUT_OF_RESOURCES && strstr(msg, "(77777,0,0)"),
	      "a fault in one of 100000 groups on the pool: %s", msg);
	err = run_fault(fault_wg, NULL, 64 * 16, 16, 40, 2, msg, sizeof(msg));
	CHECK(err == CL_OUT_OF_RESOURCES && strstr(msg, "division by zero"),
	      "an integer division by zero: %s", msg);
	CHECK(run_vecadd(&g) == 0, "a launch after faults on the pool runs normally");

	err = run_fault(NULL, fault_wi, 4 * 64, 64, 2, 5, msg, sizeof(msg));
	CHECK(err == CL_OUT_OF_RESOURCES && strstr(msg, "invalid write at ") &&
	      strstr(msg, bad_addr) && strstr(msg, "work-group (2,0,0), work-item (5,0,0)"),
	      "a fault in a fiber after a barrier: %s", msg);
	printf("# %s\n", msg);
	err = run_fault(NULL, fault_wi, 64 * 64, 64, 50, 63, msg, sizeof(msg));
	CHECK(err == CL_OUT_OF_RESOURCES && strstr(msg, "work-group (50,0,0), work-item (63,0,0)"),
	      "a fault in a fiber on the pool: %s", msg);
	for (int i = 0; i < 3; i++) {
		struct geom r = { 1, { 0 }, { 64 * 64 + 5 }, { 64 } };

		CHECK(run_reduce(&r) == 0, "fiber launch %d after fiber faults runs normally", i);
	}
	err = run_fault(NULL, overflow_wi, 8 * 8, 8, 0, 0, msg, sizeof(msg));
	CHECK(err == CL_OUT_OF_RESOURCES && strstr(msg, "stack overflow") &&
	      strstr(msg, "work-item (3,0,0)"), "a fiber stack overflow: %s", msg);
	printf("# %s\n", msg);
	{
		struct geom r = { 1, { 0 }, { 1000 }, { 100 } };

		CHECK(run_reduce(&r) == 0, "a fiber launch after a stack overflow runs normally");
	}

	/* Signals that are not a kernel's go to the application's handler. */
	CHECK(atomic_load(&app_hits) == 0, "the application's handler saw no kernel fault");
	err = run_fault(fault_wg, NULL, 4, 1, 2, 3, msg, sizeof(msg));
	CHECK(err == CL_SUCCESS && atomic_load(&app_hits) == 1,
	      "a SIGSEGV raised (not a fault) in kernel code reaches the application: %d",
	      atomic_load(&app_hits));
	app_jump = 1;
	if (!sigsetjmp(app_jb, 1))
		fault_outside();
	hits = atomic_load(&app_hits);
	CHECK(hits == 2, "a fault outside kernels reaches the application's handler (%d)", hits);
	CHECK(run_vecadd(&g) == 0, "launches still work after that");
}

/* ---- malformed and empty launches ------------------------------------------- */

static atomic_int calls;

static void count_wg(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	(void)args;
	(void)ctx;
	atomic_fetch_add(&calls, 1);
}

static void test_malformed(void)
{
	struct geom g = { 1, { 0 }, { 64 }, { 8 } };
	struct svmgpu_launch l = launch_of(&g, count_wg, NULL, NULL, 0, NULL);
	char msg[128];

	l.wi = count_wg;
	CHECK_ERR(svmgpu_cpu_execute(&l, msg, sizeof(msg)), CL_INVALID_VALUE, "both forms");
	l.wg = l.wi = NULL;
	CHECK_ERR(svmgpu_cpu_execute(&l, msg, sizeof(msg)), CL_INVALID_VALUE, "no form");
	l.wg = count_wg;
	l.work_dim = 4;
	CHECK_ERR(svmgpu_cpu_execute(&l, msg, sizeof(msg)), CL_INVALID_VALUE, "work_dim 4");
	l.work_dim = 1;
	l.local_size[0] = 0;
	CHECK_ERR(svmgpu_cpu_execute(&l, msg, sizeof(msg)), CL_INVALID_VALUE, "local size 0");
	CHECK(msg[0] != 0, "with a message");
	l.local_size[0] = 8;
	l.global_size[0] = 0;
	CHECK_OK(svmgpu_cpu_execute(&l, msg, sizeof(msg)), "global size 0");
	CHECK(atomic_load(&calls) == 0 && msg[0] == 0, "runs nothing");
	l.wg = NULL;
	l.wi = count_wg;
	l.global_size[0] = l.local_size[0] = 4097;
	CHECK_ERR(svmgpu_cpu_execute(&l, msg, sizeof(msg)), CL_INVALID_VALUE,
		  "fiber group over 4096");
	CHECK_ERR(svmgpu_cpu_execute(NULL, NULL, 0), CL_INVALID_VALUE, "NULL launch");
}

/* ---- kernel output on stdout ----------------------------------------------- */

/* Kernels' printf (builtins/printf.c) writes into stdout's buffer with one
 * fwrite a call; the executor must flush it before the launch returns. These
 * print without a newline, so the text stays in the buffer (line-buffered
 * or fully buffered) until something flushes it. args: text, fault group */
KERNEL_CODE static void print_wg(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	const char *text = *(const char *const *)args[0];
	uint64_t fault_group = *(const uint64_t *)args[1];

	fwrite(text, 1, strlen(text), stdout);
	if (ctx->group_id[0] == fault_group)
		bad_ptr[4] = 1;
}

static void print_wi(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	const char *text = *(const char *const *)args[0];
	uint64_t me = ctx->local_id[0]; /* ctx's changes at the barrier */

	ctx->barrier(ctx, 1);
	if (me == 0)
		fwrite(text, 1, strlen(text), stdout);
}

/* Runs l with fd 1 on a pipe, then writes "|host" to fd 1 directly: buf gets
 * what came through the pipe, *pending what stdout still held when the launch
 * had returned. */
static cl_int print_launch(const struct svmgpu_launch *l, char *buf, size_t size,
			   size_t *pending)
{
	char msg[256];
	size_t n = 0;
	ssize_t r;
	int p[2], saved;
	cl_int err;

	buf[0] = 0;
	*pending = 0;
	fflush(stdout);
	if (pipe(p))
		return -1;
	saved = dup(1);
	if (saved < 0 || dup2(p[1], 1) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	err = svmgpu_cpu_execute(l, msg, sizeof(msg));
	*pending = __fpending(stdout);
	if (write(1, "|host", 5) != 5)
		err = -1;
	fflush(stdout); /* what the launch left behind, after the marker */
	dup2(saved, 1);
	close(saved);
	close(p[1]);
	while (n + 1 < size && (r = read(p[0], buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(p[0]);
	return err;
}

static int count_of(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

static void test_printf_flush(void)
{
	const char *text = "k";
	uint64_t no_fault = UINT64_MAX, fault_group = 5;
	void *args[] = { &text, &no_fault };
	void *fault_args[] = { &text, &fault_group };
	struct geom one = { 1, { 0 }, { 8 }, { 8 } }, pool = { 1, { 0 }, { 16 * 16 }, { 16 } };
	struct geom fibers = { 1, { 0 }, { 4 * 8 }, { 8 } };
	struct svmgpu_launch l;
	char buf[256];
	size_t pending;
	cl_int err;

	l = launch_of(&one, print_wg, NULL, args, 2, NULL);
	err = print_launch(&l, buf, sizeof(buf), &pending);
	CHECK(err == CL_SUCCESS && pending == 0 && strcmp(buf, "k|host") == 0,
	      "output of a group on the calling thread is out when the launch returns: "
	      "%d, %zu left, \"%s\"", (int)err, pending, buf);
	l = launch_of(&pool, print_wg, NULL, args, 2, NULL);
	err = print_launch(&l, buf, sizeof(buf), &pending);
	CHECK(err == CL_SUCCESS && pending == 0 && count_of(buf, 'k') == 16 &&
	      strspn(buf, "k") == 16 && strcmp(buf + 16, "|host") == 0,
	      "output of 16 groups on the pool is out when the launch returns: "
	      "%d, %zu left, \"%s\"", (int)err, pending, buf);
	l = launch_of(&fibers, NULL, print_wi, args, 1, NULL);
	err = print_launch(&l, buf, sizeof(buf), &pending);
	CHECK(err == CL_SUCCESS && pending == 0 && strcmp(buf, "kkkk|host") == 0,
	      "output of fibers is out when the launch returns: %d, %zu left, \"%s\"",
	      (int)err, pending, buf);
	/* Group 5 faults after printing: groups before it printed, and so may
	 * groups that ran beside it; what was printed is out all the same. */
	l = launch_of(&pool, print_wg, NULL, fault_args, 2, NULL);
	err = print_launch(&l, buf, sizeof(buf), &pending);
	CHECK(err == CL_OUT_OF_RESOURCES && pending == 0 && count_of(buf, 'k') >= 6 &&
	      strcmp(buf + strspn(buf, "k"), "|host") == 0,
	      "output of a launch that faulted is out when it returns: %d, %zu left, \"%s\"",
	      (int)err, pending, buf);
}

/* ---- concurrent launches ---------------------------------------------------- */

static void *launcher_thread(void *arg)
{
	int id = (int)(intptr_t)arg, bad = 0;
	char msg[256];

	for (int it = 0; it < 30; it++) {
		struct geom v = { 1, { 0 }, { 20000 + (uint64_t)id * 7 }, { 64 } };
		struct geom r = { 1, { 0 }, { 2000 + (uint64_t)it }, { 128 } };

		if (id == 0 && it % 3 == 0) {
			/* One thread's kernels fault meanwhile. */
			bad += run_fault(fault_wg, NULL, 512 * 16, 16, (uint64_t)it, 0, msg,
					 sizeof(msg)) != CL_OUT_OF_RESOURCES;
			bad += run_fault(NULL, fault_wi, 16 * 32, 32, 3, 7, msg, sizeof(msg)) !=
			       CL_OUT_OF_RESOURCES;
			continue;
		}
		bad += run_vecadd(&v);
		bad += run_reduce(&r);
		bad += run_local(100);
	}
	return (void *)(intptr_t)bad;
}

static void test_concurrent(void)
{
	pthread_t th[6];
	int bad = 0;

	for (int i = 0; i < 6; i++)
		REQUIRE(pthread_create(&th[i], NULL, launcher_thread, (void *)(intptr_t)i) == 0,
			"thread %d", i);
	for (int i = 0; i < 6; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad += (int)(intptr_t)r;
	}
	CHECK(bad == 0, "6 threads launching at once (one of them faulting): %d failures", bad);
}

/* ---- local size picking ----------------------------------------------------- */

static void test_pick(void)
{
	static const uint64_t shapes[][4] = {
		{ 1, 1 }, { 1, 7 }, { 1, 1024 }, { 1, 1 << 20 }, { 1, 1000003 }, { 1, 1000 },
		{ 1, 640 * 480 }, { 2, 4096, 4096 }, { 2, 7, 1000 }, { 2, 1, 1 << 16 },
		{ 2, 1920, 1080 }, { 3, 64, 64, 64 }, { 3, 3, 5, 7 }, { 3, 1, 1, 1 << 20 },
		{ 1, (uint64_t)1 << 40 },
	};
	static const uint64_t maxes[] = { 4096, 1024, 256, 64, 3, 1 };
	int bad = 0;

	for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
		for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
			uint32_t dim = (uint32_t)shapes[i][0];
			uint64_t gs[3] = { 1, 1, 1 }, ls[3] = { 99, 99, 99 }, prod = 1;

			for (uint32_t d = 0; d < dim; d++)
				gs[d] = shapes[i][1 + d];
			svmgpu_cpu_pick_local_size(dim, gs, maxes[m], m & 1, ls);
			for (int d = 0; d < 3; d++) {
				if (ls[d] < 1 || gs[d] % ls[d] || (d >= (int)dim && ls[d] != 1))
					bad++;
				prod *= ls[d];
			}
			if (prod > maxes[m])
				bad++;
			/* Dimension 0 first: another dimension only gets more than one
			 * work-item once dimension 0 took all it could. */
			if ((ls[1] > 1 || ls[2] > 1) && ls[0] < gs[0] && gs[0] % (ls[0] * 2) == 0 &&
			    ls[0] * 2 * ls[1] * ls[2] <= maxes[m])
				bad++;
		}
	}
	CHECK(bad == 0, "picked local sizes divide the range, fit the maximum, favour dim 0");
	{
		uint64_t gs[3] = { 1 << 20, 1, 1 }, ls[3];

		svmgpu_cpu_pick_local_size(1, gs, 4096, false, ls);
		CHECK(ls[0] >= 1024 && ls[0] <= 4096, "1M items: groups of %" PRIu64, ls[0]);
		svmgpu_cpu_pick_local_size(1, gs, 4096, true, ls);
		CHECK(ls[0] >= 64 && ls[0] <= 256, "1M items as fibers: groups of %" PRIu64, ls[0]);
		gs[0] = 4096;
		gs[1] = 4096;
		svmgpu_cpu_pick_local_size(2, gs, 4096, false, ls);
		CHECK(ls[0] >= 64 && ls[1] == 1, "4096x4096: (%" PRIu64 ",%" PRIu64 ")", ls[0],
		      ls[1]);
		gs[0] = 256;
		svmgpu_cpu_pick_local_size(1, gs, 4096, false, ls);
		CHECK(256 / ls[0] >= 2 || svmgpu_cpu_thread_count() == 1,
		      "256 items still make several groups (%" PRIu64 ")", ls[0]);
	}
}

/* ---- timings (printed, not checked) ----------------------------------------- */

static void empty_wg(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	(void)args;
	(void)ctx;
}

/* args: barriers to pass */
static void switch_wi(void *const *args, struct svmgpu_wg_ctx *ctx)
{
	int n = *(const int *)args[0];

	for (int i = 0; i < n; i++)
		ctx->barrier(ctx, 1);
}

static double time_launch(const struct geom *g, svmgpu_launcher_fn wg, svmgpu_launcher_fn wi,
			  void *const *args, int reps)
{
	struct svmgpu_launch l = launch_of(g, wg, wi, args, 1, NULL);
	double t0;

#ifdef HAVE_VALGRIND
	if (RUNNING_ON_VALGRIND)
		reps = reps / 1000 + 1; /* the figures mean nothing there */
#endif
	svmgpu_cpu_execute(&l, NULL, 0);
	t0 = now();
	for (int i = 0; i < reps; i++)
		svmgpu_cpu_execute(&l, NULL, 0);
	return (now() - t0) / reps;
}

static void timings(void)
{
	struct geom one = { 1, { 0 }, { 1 }, { 1 } };
	struct geom many = { 1, { 0 }, { 1 << 16 }, { 256 } };
	struct geom fib = { 1, { 0 }, { 256 }, { 256 } };
	int barriers = 0, zero = 0;
	void *args[] = { &barriers };
	double t;

	printf("# timing: %u threads run work-groups\n", svmgpu_cpu_thread_count());
	t = time_launch(&one, empty_wg, NULL, args, 200000);
	printf("# timing: empty launch, 1 group: %.0f ns\n", t * 1e9);
	t = time_launch(&many, empty_wg, NULL, args, 2000);
	printf("# timing: empty launch, 256 groups on the pool: %.2f us\n", t * 1e6);
	args[0] = &zero;
	t = time_launch(&fib, NULL, switch_wi, args, 2000);
	printf("# timing: fiber form, 1 group of 256 without barriers: %.2f us\n", t * 1e6);
	barriers = 1000;
	args[0] = &barriers;
	t = time_launch(&fib, NULL, switch_wi, args, 5);
	printf("# timing: fiber switch (256 work-items x 1000 barriers): %.1f ns\n",
	       t * 1e9 / (256.0 * 1000));
}

int main(void)
{
	struct sigaction sa;

	setvbuf(stdout, NULL, _IOLBF, 0);
	init_bad_ptr();
	/* An application handler, installed before the executor's. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = app_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);

	test_malformed();
	test_vecadd();
	test_local();
	test_reduce();
	test_early_return();
	test_faults();
	test_printf_flush();
	test_concurrent();
	test_pick();
	timings();
	return tu_done();
}
