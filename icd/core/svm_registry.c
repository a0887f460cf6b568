// SPDX-License-Identifier: MIT
/* The registry of live clSVMAlloc allocations: an AVL tree keyed by base
 * address under a reader/writer lock. Allocations never overlap, so the one
 * that may contain a pointer is the node with the greatest base not above it
 * (its floor): a lookup is one descent, O(log n), and lookups (every SVM
 * enqueue, kernel arguments) run in parallel; only alloc and free write.
 * Each thread also remembers its last answer (see `last`).
 *
 * The registry keeps bookkeeping only. The storage belongs to api/svm.c, so a
 * context's leftovers are freed through clSVMFree, which does not dereference
 * the context and so works while the context is being destroyed. */
#include "svm_registry.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct node {
	struct svmgpu_svm_alloc a;
	struct node *left, *right;
	int height;
};

static struct {
	pthread_rwlock_t lock;
	struct node *root;
	/* Bumped (under the write lock) by every change: a thread's last
	 * answer holds for as long as the generation it was read at. */
	_Atomic unsigned long gen;
} R = { .lock = PTHREAD_RWLOCK_INITIALIZER, .gen = 1 };

/* Each thread's last lookup: an allocation, or the gap between two, that
 * answers any pointer in [lo, hi). Repeated lookups in one allocation (map,
 * unmap, memcpy on the same buffer; kernel arguments) then cost one atomic
 * load and take no lock, so threads do not contend on the lock's line. */
static _Thread_local struct {
	unsigned long gen; /* 0: empty */
	uintptr_t lo, hi;
	bool found;
	struct svmgpu_svm_alloc a;
} last;

static inline uintptr_t start_of(const struct node *n)
{
	return (uintptr_t)n->a.base;
}

/* ---- AVL balancing ---- */

static inline int height(const struct node *n)
{
	return n ? n->height : 0;
}

static inline void update(struct node *n)
{
	int hl = height(n->left), hr = height(n->right);

	n->height = 1 + (hl > hr ? hl : hr);
}

static struct node *rotate_right(struct node *n)
{
	struct node *l = n->left;

	n->left = l->right;
	l->right = n;
	update(n);
	update(l);
	return l;
}

static struct node *rotate_left(struct node *n)
{
	struct node *r = n->right;

	n->right = r->left;
	r->left = n;
	update(n);
	update(r);
	return r;
}

/* Restores the AVL invariant at n after one insertion or removal below it. */
static struct node *rebalance(struct node *n)
{
	int bal;

	update(n);
	bal = height(n->left) - height(n->right);
	if (bal > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (bal < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

static struct node *insert(struct node *root, struct node *n)
{
	if (!root)
		return n;
	if (start_of(n) < start_of(root))
		root->left = insert(root->left, n);
	else
		root->right = insert(root->right, n);
	return rebalance(root);
}

/* Detaches the leftmost node of root into *min. */
static struct node *take_min(struct node *root, struct node **min)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = take_min(root->left, min);
	return rebalance(root);
}

/* Detaches the node whose base is key into *out (left NULL when none). */
static struct node *take(struct node *root, uintptr_t key, struct node **out)
{
	struct node *succ;

	if (!root)
		return NULL;
	if (key < start_of(root)) {
		root->left = take(root->left, key, out);
	} else if (key > start_of(root)) {
		root->right = take(root->right, key, out);
	} else {
		*out = root;
		if (!root->left || !root->right)
			return root->left ? root->left : root->right;
		root->right = take_min(root->right, &succ);
		succ->left = root->left;
		succ->right = root->right;
		return rebalance(succ);
	}
	return rebalance(root);
}

/* ---- queries (lock held) ---- */

/* The node with the greatest base <= p, or NULL. */
static const struct node *floor_of(uintptr_t p)
{
	const struct node *n = R.root, *best = NULL;

	while (n) {
		if (start_of(n) <= p) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/* The node with the smallest base >= p, or NULL. */
static const struct node *ceil_of(uintptr_t p)
{
	const struct node *n = R.root, *best = NULL;

	while (n) {
		if (start_of(n) >= p) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

static inline bool contains(const struct node *n, uintptr_t p)
{
	/* size is never 0 and base + size never wraps (checked at insertion),
	 * so this cannot match an empty range. */
	return n && p >= start_of(n) && p - start_of(n) < n->a.size;
}

/* ---- the interface ---- */

int svmgpu_svm_register(const struct svmgpu_svm_alloc *a)
{
	uintptr_t b = (uintptr_t)a->base;
	const struct node *below, *above;
	struct node *n;

	/* An empty or wrapping range could never be looked up consistently. */
	if (!a->base || !a->size || a->size > UINTPTR_MAX - b)
		return -EINVAL;
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->a = *a;
	n->left = n->right = NULL;
	n->height = 1;

	pthread_rwlock_wrlock(&R.lock);
	below = floor_of(b);
	above = ceil_of(b);
	if (contains(below, b) || (above && start_of(above) - b < a->size)) {
		/* Two live allocations cannot share an address: the caller
		 * registered twice or freed storage without unregistering. */
		pthread_rwlock_unlock(&R.lock);
		free(n);
		return -EEXIST;
	}
	R.root = insert(R.root, n);
	atomic_fetch_add_explicit(&R.gen, 1, memory_order_release);
	pthread_rwlock_unlock(&R.lock);
	return 0;
}

bool svmgpu_svm_lookup(const void *ptr, struct svmgpu_svm_alloc *out)
{
	uintptr_t p = (uintptr_t)ptr;
	const struct node *n, *next;

	if (!ptr)
		return false;
	if (last.gen == atomic_load_explicit(&R.gen, memory_order_acquire) && p >= last.lo &&
	    p < last.hi)
		goto answer;

	pthread_rwlock_rdlock(&R.lock);
	last.gen = atomic_load_explicit(&R.gen, memory_order_relaxed);
	n = floor_of(p);
	last.found = contains(n, p);
	if (last.found) {
		last.a = n->a;
		last.lo = start_of(n);
		last.hi = start_of(n) + n->a.size;
	} else {
		/* The gap: from the end of the allocation below (which ends
		 * at or before p) to the start of the next one. */
		next = ceil_of(p);
		last.lo = n ? start_of(n) + n->a.size : 0;
		last.hi = next ? start_of(next) : UINTPTR_MAX;
	}
	pthread_rwlock_unlock(&R.lock);
answer:
	if (last.found && out)
		*out = last.a;
	return last.found;
}

bool svmgpu_svm_unregister(const void *base, struct svmgpu_svm_alloc *out)
{
	struct node *n = NULL;

	if (!base)
		return false;
	pthread_rwlock_wrlock(&R.lock);
	R.root = take(R.root, (uintptr_t)base, &n);
	if (n)
		atomic_fetch_add_explicit(&R.gen, 1, memory_order_release);
	pthread_rwlock_unlock(&R.lock);
	if (!n)
		return false;
	if (out)
		*out = n->a;
	free(n);
	return true;
}

#define RELEASE_BATCH 64

/* Collects up to max bases of ctx's allocations, in address order. */
static size_t collect(const struct node *n, cl_context ctx, void **bases, size_t count,
		      size_t max)
{
	if (!n || count == max)
		return count;
	count = collect(n->left, ctx, bases, count, max);
	if (count < max && n->a.context == ctx)
		bases[count++] = n->a.base;
	return collect(n->right, ctx, bases, count, max);
}

void svmgpu_svm_release_context(cl_context ctx)
{
	void *bases[RELEASE_BATCH];
	size_t n;

	/* Batches on the stack: no allocation on a teardown path, and the
	 * storage is freed outside the lock. Each pass removes what it found,
	 * so this ends after ceil(count / RELEASE_BATCH) + 1 passes. */
	do {
		pthread_rwlock_rdlock(&R.lock);
		n = collect(R.root, ctx, bases, 0, RELEASE_BATCH);
		pthread_rwlock_unlock(&R.lock);
		for (size_t i = 0; i < n; i++)
			clSVMFree(ctx, bases[i]);
	} while (n == RELEASE_BATCH);
}
