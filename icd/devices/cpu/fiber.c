// SPDX-License-Identifier: MIT
/* Fibers for the work-items of kernels with barriers (see fiber.h). */
#include "fiber.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef SVMGPU_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define SVMGPU_VALGRIND 1
#endif
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

#define DEFAULT_STACK (256u << 10)
#define MIN_STACK (32u << 10)
#define MAX_STACK (64u << 20)
#define MIN_BUDGET 8192 /* two groups of the largest size */
#define GUARD (64u << 10) /* below each stack: large frames do not jump over it */
#define VALGRIND_PAD (4u << 20) /* around a chunk of stacks, under valgrind */

struct svmgpu_fiber {
	struct svmgpu_fctx ctx;
	struct svmgpu_fiber *prev, *next; /* ring of the group's live fibers */
	uint32_t item;                    /* the work-item it runs, linear */
	unsigned vg_id;
	char *lo;                         /* usable stack, above the guard page */
	size_t size;
};

struct svmgpu_fiber_chunk {
	void *base;
	size_t len;
};

/* Process-wide: the stack size, the guard kind and the stack budget. */
static struct {
	pthread_once_t once;
	size_t page, guard, slot; /* a slot: guard, stack, struct svmgpu_fiber */
	bool madv_guard;        /* MADV_GUARD_INSTALL works: guards cost no mapping */
	atomic_long budget;     /* stacks that may still be reserved */
} G = { .once = PTHREAD_ONCE_INIT };

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	return *end ? 0 : (size_t)v;
}

static void global_init(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t stack = parse_size(getenv("SVMGPU_FIBER_STACK"));
	long budget = 65536;
	void *probe;

	G.page = page > 0 ? (size_t)page : 4096;
	if (!stack)
		stack = DEFAULT_STACK;
	if (stack < MIN_STACK)
		stack = MIN_STACK;
	if (stack > MAX_STACK)
		stack = MAX_STACK;
	G.guard = (GUARD + G.page - 1) & ~(G.page - 1);
	G.slot = ((stack + G.page - 1) & ~(G.page - 1)) + G.guard;

	/* Guard regions that do not split the mapping, where the kernel has them. */
	probe = mmap(NULL, 2 * G.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (probe != MAP_FAILED) {
		G.madv_guard = madvise(probe, G.page, MADV_GUARD_INSTALL) == 0;
		munmap(probe, 2 * G.page);
	}
	if (!G.madv_guard) {
		/* Two mappings per stack: a quarter of the process' limit. */
		long max_maps = 65530;
		FILE *f = fopen("/proc/sys/vm/max_map_count", "re");

		if (f) {
			if (fscanf(f, "%ld", &max_maps) != 1)
				max_maps = 65530;
			fclose(f);
		}
		budget = max_maps / 8;
		if (budget < MIN_BUDGET)
			budget = MIN_BUDGET;
	}
	atomic_store(&G.budget, budget);
}

size_t svmgpu_fiber_stack_size(void)
{
	pthread_once(&G.once, global_init);
	return G.slot - G.guard;
}

/* ---- context switch ---------------------------------------------------- */

#ifdef SVMGPU_FIBER_ASM
/* svmgpu_fctx_swap(&from->sp, to->sp): saves the callee-saved state of the
 * System V ABI on the current stack, switches stacks, restores. A new
 * context starts in svmgpu_fctx_start with r12 = argument, r13 = function. */
__attribute__((visibility("hidden"))) void svmgpu_fctx_swap(void **save_sp, void *new_sp);
__attribute__((visibility("hidden"))) extern const char svmgpu_fctx_start[];
__asm__(".text\n"
	".globl svmgpu_fctx_swap\n"
	".hidden svmgpu_fctx_swap\n"
	".type svmgpu_fctx_swap,@function\n"
	".p2align 4\n"
	"svmgpu_fctx_swap:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size svmgpu_fctx_swap, .-svmgpu_fctx_swap\n"
	".globl svmgpu_fctx_start\n"
	".hidden svmgpu_fctx_start\n"
	".type svmgpu_fctx_start,@function\n"
	"svmgpu_fctx_start:\n"
	"	movq %r12, %rdi\n"
	"	callq *%r13\n"
	"	ud2\n"
	".size svmgpu_fctx_start, .-svmgpu_fctx_start\n");

static void fctx_make(struct svmgpu_fctx *c, char *lo, size_t size, void (*fn)(void *), void *arg)
{
	uint64_t *sp = (uint64_t *)((((uintptr_t)lo + size) & ~(uintptr_t)15) - 80);
	uint32_t mxcsr;
	uint16_t fpucw;

	/* The new context inherits the floating-point modes of this thread. */
	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(fpucw));
	sp[0] = mxcsr | (uint64_t)fpucw << 32;
	sp[1] = sp[2] = 0;           /* r15, r14 */
	sp[3] = (uintptr_t)fn;       /* r13 */
	sp[4] = (uintptr_t)arg;      /* r12 */
	sp[5] = sp[6] = 0;           /* rbx, rbp: the end of the frame chain */
	sp[7] = (uintptr_t)svmgpu_fctx_start;
	c->sp = sp;
}

static inline void fctx_jump(struct svmgpu_fctx *from, struct svmgpu_fctx *to)
{
	svmgpu_fctx_swap(&from->sp, to->sp);
}
#else
/* makecontext passes int arguments only: the new context finds its function
 * here, set just before the switch that starts it. */
static __thread struct {
	void (*fn)(void *);
	void *arg;
} uc_start;

static void uc_entry(void)
{
	uc_start.fn(uc_start.arg);
	abort();
}

static void fctx_make(struct svmgpu_fctx *c, char *lo, size_t size, void (*fn)(void *), void *arg)
{
	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = lo;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, uc_entry, 0);
	uc_start.fn = fn;
	uc_start.arg = arg;
}

static inline void fctx_jump(struct svmgpu_fctx *from, struct svmgpu_fctx *to)
{
	swapcontext(&from->uc, &to->uc);
}
#endif

#ifdef SVMGPU_ASAN
/* The context that switched to this one, to record its stack for ASan. */
static __thread struct svmgpu_fctx *asan_from;
#endif

/* Switches from one context to another; from_done: never resumed. */
static inline void fctx_switch(struct svmgpu_fctx *from, struct svmgpu_fctx *to, bool from_done)
{
#ifdef SVMGPU_ASAN
	__sanitizer_start_switch_fiber(from_done ? NULL : &from->fake_stack, to->stack_bottom,
				       to->stack_size);
	asan_from = from;
#else
	(void)from_done;
#endif
	fctx_jump(from, to);
#ifdef SVMGPU_ASAN
	__sanitizer_finish_switch_fiber(from->fake_stack, &asan_from->stack_bottom,
					&asan_from->stack_size);
#endif
}

/* A fresh context on a fiber's stack. */
static void fiber_make(struct svmgpu_fiber *f, void (*fn)(void *), void *arg)
{
#ifdef SVMGPU_VALGRIND
	/* Where the first frame is written, before any stack pointer goes there. */
	VALGRIND_MAKE_MEM_UNDEFINED(f->lo + f->size - 512, 512);
#endif
	fctx_make(&f->ctx, f->lo, f->size, fn, arg);
}

/* ---- stacks ------------------------------------------------------------ */

bool svmgpu_fibers_reserve(struct svmgpu_fibers *fs, uint32_t n, bool force)
{
	long need;

	pthread_once(&G.once, global_init);
	if (n <= fs->reserved)
		return true;
	need = (long)(n - fs->reserved);
	if (force) {
		atomic_fetch_sub(&G.budget, need);
	} else {
		long left = atomic_load(&G.budget);

		do {
			if (left < need)
				return false;
		} while (!atomic_compare_exchange_weak(&G.budget, &left, left - need));
	}
	fs->reserved = n;
	return true;
}

void svmgpu_fibers_unreserve(struct svmgpu_fibers *fs)
{
	if (fs->reserved > fs->count) {
		atomic_fetch_add(&G.budget, (long)(fs->reserved - fs->count));
		fs->reserved = fs->count;
	}
}

/* Maps more fibers: at least one, up to what is reserved. */
static bool fibers_grow(struct svmgpu_fibers *fs)
{
	uint32_t k = fs->count < 8 ? 8 : fs->count;
	size_t len, pad = 0;
	void *map;
	char *base;

	if (fs->count >= fs->reserved)
		return false;
	if (k > fs->reserved - fs->count)
		k = fs->reserved - fs->count;
	if (fs->count + k > fs->cap) {
		uint32_t cap = fs->count + k;
		struct svmgpu_fiber **fib = realloc(fs->fib, cap * sizeof(*fib));

		if (!fib)
			return false;
		fs->fib = fib;
		fs->cap = cap;
	}
	if (fs->nchunks == fs->chunk_cap) {
		uint32_t cap = fs->chunk_cap ? 2 * fs->chunk_cap : 8;
		struct svmgpu_fiber_chunk *c = realloc(fs->chunks, cap * sizeof(*c));

		if (!c)
			return false;
		fs->chunks = c;
		fs->chunk_cap = cap;
	}
	len = (size_t)k * G.slot;
#ifdef SVMGPU_VALGRIND
	/* Valgrind takes a jump between registered stacks, or one farther than
	 * --max-stackframe (2 MiB by default), for a stack switch; a jump back to
	 * a thread stack's part it did not register (the frames above where the
	 * thread started, up to a page) that is nearer would read as pushing or
	 * popping that many bytes of frames. Megabytes of nothing on both sides. */
	if (RUNNING_ON_VALGRIND)
		pad = VALGRIND_PAD;
#endif
	map = mmap(NULL, len + 2 * pad, pad ? PROT_NONE : PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return false;
	base = (char *)map + pad;
	if (pad && mprotect(base, len, PROT_READ | PROT_WRITE)) {
		munmap(map, len + 2 * pad);
		return false;
	}
#ifdef SVMGPU_VALGRIND
	/* Memcheck makes the frames addressable as the stack pointer goes down;
	 * the rest it must neither accept nor scan for leaks (gigabytes). */
	VALGRIND_MAKE_MEM_NOACCESS(base, len);
#endif
	for (uint32_t i = 0; i < k; i++) {
		char *slot = base + (size_t)i * G.slot;
		struct svmgpu_fiber *f;

		if (!G.madv_guard || madvise(slot, G.guard, MADV_GUARD_INSTALL))
			mprotect(slot, G.guard, PROT_NONE);
		/* The fiber's own structure sits at the top of its slot. */
		f = (struct svmgpu_fiber *)(slot + G.slot - ((sizeof(*f) + 63) & ~(size_t)63));
#ifdef SVMGPU_VALGRIND
		VALGRIND_MAKE_MEM_DEFINED(f, sizeof(*f));
#endif
		f->lo = slot + G.guard;
		f->size = (size_t)((char *)f - f->lo);
#ifdef SVMGPU_ASAN
		f->ctx.stack_bottom = f->lo;
		f->ctx.stack_size = f->size;
#endif
#ifdef SVMGPU_VALGRIND
		f->vg_id = VALGRIND_STACK_REGISTER(f->lo, f->lo + f->size);
#endif
		fs->fib[fs->count++] = f;
	}
	fs->chunks[fs->nchunks++] = (struct svmgpu_fiber_chunk){ map, len + 2 * pad };
	return true;
}

void svmgpu_fibers_fini(struct svmgpu_fibers *fs)
{
#ifdef SVMGPU_VALGRIND
	for (uint32_t i = 0; i < fs->count; i++)
		VALGRIND_STACK_DEREGISTER(fs->fib[i]->vg_id);
#endif
	for (uint32_t i = 0; i < fs->nchunks; i++)
		munmap(fs->chunks[i].base, fs->chunks[i].len);
	if (fs->reserved)
		atomic_fetch_add(&G.budget, (long)fs->reserved);
	free(fs->chunks);
	free(fs->fib);
	memset(fs, 0, sizeof(*fs));
}

/* ---- running a work-group ---------------------------------------------- */

static inline void set_local_id(struct svmgpu_fibers *fs, uint32_t k)
{
	uint64_t *lid = fs->ctx->local_id;

	lid[0] = k % fs->lsize[0];
	k /= fs->lsize[0];
	lid[1] = k % fs->lsize[1];
	lid[2] = k / fs->lsize[1];
}

static struct svmgpu_fiber *take_fiber(struct svmgpu_fibers *fs)
{
	if (fs->used == fs->count && !fibers_grow(fs))
		return NULL;
	return fs->fib[fs->used++];
}

static void fiber_main(void *arg);

/* A fiber runs work-items until none is left to start. */
static void fiber_main(void *arg)
{
	struct svmgpu_fibers *fs = arg;
	struct svmgpu_fiber *f = fs->cur, *next;

#ifdef SVMGPU_ASAN
	__sanitizer_finish_switch_fiber(NULL, &asan_from->stack_bottom, &asan_from->stack_size);
	fs->guard->stack_bottom = fs->main.stack_bottom;
	fs->guard->stack_size = fs->main.stack_size;
#endif
	for (;;) {
		fs->wi(fs->args, fs->ctx);
		if (fs->started < fs->n) {
			f->item = fs->started++;
			set_local_id(fs, f->item);
			continue;
		}
		/* Done: the others go on without this one. */
		next = f->next;
		f->prev->next = next;
		next->prev = f->prev;
		if (--fs->live == 0) {
			fctx_switch(&f->ctx, &fs->main, true);
		} else {
			fs->cur = next;
			fctx_switch(&f->ctx, &next->ctx, true);
		}
		__builtin_trap(); /* a finished fiber is only ever made anew */
	}
}

/* ctx->barrier of groups of one work-item. */
static void barrier_alone(struct svmgpu_wg_ctx *ctx, uint32_t flags)
{
	(void)ctx;
	(void)flags;
}

/* ctx->barrier in fibers: on to the next work-item; back when all arrived. */
static void barrier_fibers(struct svmgpu_wg_ctx *ctx, uint32_t flags)
{
	struct svmgpu_fibers *fs = ctx->executor;
	struct svmgpu_fiber *f = fs->cur, *to;

	(void)flags; /* one thread runs the group: program order is enough */
	if (fs->started < fs->n) {
		/* First pass: start the next work-item on a fiber of its own. */
		to = take_fiber(fs);
		if (!to) {
			fs->failed = true;
			fctx_switch(&f->ctx, &fs->main, true);
			__builtin_trap();
		}
		to->item = fs->started++;
		set_local_id(fs, to->item);
		to->prev = f;
		to->next = f->next;
		f->next->prev = to;
		f->next = to;
		fs->live++;
		fiber_make(to, fiber_main, fs);
	} else {
		to = f->next;
		if (to == f)
			return; /* the only one left */
	}
	fs->cur = to;
	fctx_switch(&f->ctx, &to->ctx, false);
}

int svmgpu_fibers_run_group(struct svmgpu_fibers *fs, svmgpu_launcher_fn wi, void *const *args,
			    struct svmgpu_wg_ctx *ctx, struct svmgpu_fault_guard *guard)
{
	uint64_t n = ctx->local_size[0] * ctx->local_size[1] * ctx->local_size[2];
	struct svmgpu_fiber *f;

	ctx->executor = fs;
	ctx->local_id[0] = ctx->local_id[1] = ctx->local_id[2] = 0;
	fs->cur = NULL;
	if (n == 1) {
		ctx->barrier = barrier_alone;
		guard->armed = 1;
		wi(args, ctx);
		guard->armed = 0;
		return 0;
	}
	ctx->barrier = barrier_fibers;
#ifdef SVMGPU_ASAN
	if (fs->dirty) {
		/* Frames of abandoned work-items left their redzones behind. */
		for (uint32_t i = 0; i < fs->count; i++)
			__asan_unpoison_memory_region(fs->fib[i]->lo, fs->fib[i]->size);
	}
#endif
	fs->dirty = false;
	fs->ctx = ctx;
	fs->wi = wi;
	fs->args = args;
	fs->guard = guard;
	fs->n = (uint32_t)n;
	fs->lsize[0] = (uint32_t)ctx->local_size[0];
	fs->lsize[1] = (uint32_t)ctx->local_size[1];
	fs->used = 0;
	fs->failed = false;
	f = take_fiber(fs);
	if (!f)
		return -1;
	f->item = 0;
	f->prev = f->next = f;
	fs->cur = f;
	fs->started = 1;
	fs->live = 1;
	fiber_make(f, fiber_main, fs);
	guard->on_fiber = 1;
	guard->armed = 1;
	fctx_switch(&fs->main, &f->ctx, false);
	guard->armed = 0;
	guard->on_fiber = 0;
	if (fs->failed) {
		fs->dirty = true;
		return -1;
	}
	return 0;
}

bool svmgpu_fibers_on_stack(const struct svmgpu_fibers *fs, const void *p)
{
	const struct svmgpu_fiber *f = fs->live ? fs->cur : NULL;

	return f && (const char *)p >= f->lo && (const char *)p < f->lo + f->size;
}

bool svmgpu_fibers_abandoned(struct svmgpu_fibers *fs, const void *addr, uint64_t local_id[3])
{
	bool overflow = false;

	local_id[0] = local_id[1] = local_id[2] = 0;
	if (fs->cur) {
		uint32_t k = fs->cur->item;
		const char *a = addr;

		local_id[0] = k % fs->lsize[0];
		k /= fs->lsize[0];
		local_id[1] = k % fs->lsize[1];
		local_id[2] = k / fs->lsize[1];
		overflow = a < fs->cur->lo && a >= fs->cur->lo - G.guard;
		fs->dirty = true;
	}
	fs->cur = NULL;
	return overflow;
}
