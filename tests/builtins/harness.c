// SPDX-License-Identifier: MIT
// The harness of the built-in library tests (see harness.h).
//
// usage: test_builtins LIB.so LIB12.so FAMILY
#include "harness.h"

#include <dlfcn.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define VALGRIND_STACK_REGISTER(lo, hi) 0
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#define RUNNING_ON_VALGRIND 0
#endif

int h_checks, h_failures;
static int group_failures;
static const char *group_name = "";
static void *lib, *lib12;

#define MAX_PRINTED 8

void h_group(const char *name)
{
	group_name = name;
	group_failures = 0;
}

void h_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	h_failures++;
	if (group_failures++ >= MAX_PRINTED) {
		if (group_failures == MAX_PRINTED + 1)
			printf("  (%s: further failures not shown)\n", group_name);
		return;
	}
	printf("FAIL %s (%s:%d): ", group_name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void *sym_in(void *l, const char *name)
{
	void *p = dlsym(l, name);

	if (!p) {
		printf("FAIL: symbol %s missing: %s\n", name, dlerror());
		exit(1);
	}
	return p;
}

void *h_sym(const char *name)
{
	return sym_in(lib, name);
}

void *h_sym12(const char *name)
{
	return sym_in(lib12, name);
}

/* What a launcher does on entry: the context, and its geometry copied into
 * the thread-local state (kernel_abi.h). */
void h_attach(struct svmgpu_wi_state *wi, struct svmgpu_wg_ctx *ctx)
{
	wi->ctx = ctx;
	wi->g.work_dim = ctx->work_dim;
	memcpy(wi->g.global_offset, ctx->global_offset, sizeof(ctx->global_offset));
	memcpy(wi->g.global_size, ctx->global_size, sizeof(ctx->global_size));
	memcpy(wi->g.enqueued_local_size, ctx->enqueued_local_size,
	       sizeof(ctx->enqueued_local_size));
	memcpy(wi->g.local_size, ctx->local_size, sizeof(ctx->local_size));
	memcpy(wi->g.num_groups, ctx->num_groups, sizeof(ctx->num_groups));
	memcpy(wi->g.group_id, ctx->group_id, sizeof(ctx->group_id));
}

struct svmgpu_wi_state *h_wi(void)
{
	// dlsym of a thread-local symbol gives this thread's instance.
	return h_sym(SVMGPU_WI_STATE_SYMBOL);
}

void h_ctx_init(struct svmgpu_wg_ctx *ctx, uint32_t dims, const size_t gsize[3],
		const size_t lsize[3], const size_t offset[3], const size_t group[3])
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->work_dim = dims;
	for (int d = 0; d < 3; d++) {
		ctx->global_size[d] = gsize[d];
		ctx->enqueued_local_size[d] = lsize[d];
		ctx->num_groups[d] = (gsize[d] + lsize[d] - 1) / lsize[d];
		ctx->group_id[d] = group[d];
		ctx->global_offset[d] = offset[d];
		// This group's size: smaller at the edge of a non-uniform range.
		ctx->local_size[d] = gsize[d] - group[d] * lsize[d] < lsize[d] ?
				     gsize[d] - group[d] * lsize[d] : lsize[d];
	}
	h_attach(h_wi(), ctx);
}

// Fibers: work-item i runs on fibers[i]; a barrier passes control to the
// next work-item, and the last one's barrier resumes the first, so all of
// them have arrived whenever a barrier returns.
#define FIBER_STACK (256 * 1024)
static struct {
	struct svmgpu_wi_state *wi;
	ucontext_t main, *uc;
	size_t n, cur, lsize[3];
	void (*fn)(void *, size_t);
	void *arg;
} fib;

static void set_local_id(size_t lid)
{
	struct svmgpu_wi_state *wi = fib.wi;

	wi->local_id[0] = lid % fib.lsize[0];
	wi->local_id[1] = lid / fib.lsize[0] % fib.lsize[1];
	wi->local_id[2] = lid / (fib.lsize[0] * fib.lsize[1]);
}

static void fiber_main(void)
{
	size_t me = fib.cur;

	set_local_id(me);
	fib.fn(fib.arg, me);
}

static void fiber_barrier(struct svmgpu_wg_ctx *ctx, uint32_t flags)
{
	size_t me = fib.cur, next = (me + 1) % fib.n;

	(void)ctx;
	(void)flags;
	// Scramble this thread's work-item state: the library must restore it.
	fib.wi->local_id[0] = fib.wi->local_id[1] = fib.wi->local_id[2] = 999;
	fib.cur = next;
	swapcontext(&fib.uc[me], &fib.uc[next]);
	fib.cur = me;
}

void h_run_group(struct svmgpu_wg_ctx *ctx, struct svmgpu_wi_state *wi,
		 void (*fn)(void *arg, size_t lid), void *arg)
{
	char *stacks;
	unsigned *vg_ids;

	fib.wi = wi;
	h_attach(wi, ctx);
	fib.n = ctx->local_size[0] * ctx->local_size[1] * ctx->local_size[2];
	memcpy(fib.lsize, ctx->local_size, sizeof(fib.lsize));
	fib.fn = fn;
	fib.arg = arg;
	fib.uc = calloc(fib.n, sizeof(*fib.uc));
	stacks = malloc(fib.n * FIBER_STACK);
	if (!fib.uc || !stacks) {
		printf("FAIL: out of memory\n");
		exit(1);
	}
	ctx->barrier = fiber_barrier;
	vg_ids = calloc(fib.n, sizeof(*vg_ids));
	for (size_t i = 0; i < fib.n; i++) {
		// Tell valgrind these are stacks (no-ops elsewhere).
		vg_ids[i] = VALGRIND_STACK_REGISTER(stacks + i * FIBER_STACK,
						    stacks + (i + 1) * FIBER_STACK);
		getcontext(&fib.uc[i]);
		fib.uc[i].uc_stack.ss_sp = stacks + i * FIBER_STACK;
		fib.uc[i].uc_stack.ss_size = FIBER_STACK;
		fib.uc[i].uc_link = &fib.main;
		makecontext(&fib.uc[i], fiber_main, 0);
	}
	// Each work-item runs until it ends; the barriers interleave them.
	for (size_t i = 0; i < fib.n; i++) {
		fib.cur = i;
		swapcontext(&fib.main, &fib.uc[i]);
	}
	for (size_t i = 0; i < fib.n; i++)
		VALGRIND_STACK_DEREGISTER(vg_ids[i]);
	free(vg_ids);
	free(stacks);
	free(fib.uc);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

uint64_t h_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

float h_rand_float_bits(void)
{
	uint32_t b = (uint32_t)h_rand();
	float f;

	memcpy(&f, &b, 4);
	return f;
}

double h_rand_double_bits(void)
{
	uint64_t b = h_rand();
	double d;

	memcpy(&d, &b, 8);
	return d;
}

double h_rand_uniform(double lo, double hi)
{
	return lo + (hi - lo) * (double)(h_rand() >> 11) * 0x1p-53;
}

double h_ulp_err(long double ref, double got, bool is_float)
{
	int mant = is_float ? 24 : 53, emin = is_float ? -126 : -1022, emax = is_float ? 127 : 1023;
	long double top = ldexpl(1, emax + 1), g = got, ulp;
	int e;

	if (isnan(ref) || isnan(got))
		return isnan(ref) && isnan(got) ? 0 : INFINITY;
	if (isinf(ref))
		return got == ref ? 0 : INFINITY;
	// Past the largest finite value: infinity is right from half an ulp
	// above it; otherwise infinity counts as the next power of two.
	if (isinf(got)) {
		if (!signbit(got) == !signbit(ref) && fabsl(ref) >= top - ldexpl(1, emax - mant))
			return 0;
		g = copysignl(top, got);
	}
	frexpl(ref, &e);
	e -= 1;
	if (ref == 0 || e < emin)
		e = emin;
	if (e > emax)
		e = emax;
	ulp = ldexpl(1, e - (mant - 1));
	return (double)(fabsl(g - ref) / ulp);
}

bool h_same_f(float a, float b)
{
	return (isnan(a) && isnan(b)) || memcmp(&a, &b, 4) == 0;
}

bool h_same_d(double a, double b)
{
	return (isnan(a) && isnan(b)) || memcmp(&a, &b, 8) == 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} families[] = {
	{"math", test_math},         {"convert", test_convert},   {"integer", test_integer},
	{"common", test_common},     {"memory", test_memory},     {"atomic", test_atomic},
	{"workitem", test_workitem}, {"workgroup", test_workgroup}, {"printf", test_printf},
	{"cl12", test_cl12},
};

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s LIB.so LIB12.so FAMILY\n", argv[0]);
		return 2;
	}
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	lib12 = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
	if (!lib || !lib12) {
		printf("FAIL: %s\n", dlerror());
		return 1;
	}
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (strcmp(argv[3], families[i].name) != 0)
			continue;
		// The references need x87 long double and the FPU's rounding modes,
		// which valgrind does not emulate.
		if (RUNNING_ON_VALGRIND && (!strcmp(argv[3], "math") || !strcmp(argv[3], "convert") ||
					    !strcmp(argv[3], "common"))) {
			printf("%s: skipped under valgrind (no 80-bit long double)\n", argv[3]);
			return 77;
		}
		families[i].fn();
		printf("%s: %d checks, %d failed\n", argv[3], h_checks, h_failures);
		return h_failures ? 1 : 0;
	}
	fprintf(stderr, "unknown family %s\n", argv[3]);
	return 2;
}
