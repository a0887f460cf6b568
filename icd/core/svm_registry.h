/* SPDX-License-Identifier: MIT */
/* Every live clSVMAlloc allocation, so that calls given an interior pointer
 * or no size find the allocation it belongs to. Thread-safe; lookups are
 * O(log n). */
#ifndef SVMGPU_SVM_REGISTRY_H
#define SVMGPU_SVM_REGISTRY_H

#include "object.h"

struct svmgpu_svm_alloc {
	void *base;
	size_t size;
	cl_svm_mem_flags flags;
	cl_context context;
};

/* 0; -ENOMEM; -EINVAL for a NULL base, size 0 or a wrapping range;
 * -EEXIST when the range overlaps a live allocation. */
int svmgpu_svm_register(const struct svmgpu_svm_alloc *a);
/* The allocation containing ptr (base <= ptr < base + size). */
bool svmgpu_svm_lookup(const void *ptr, struct svmgpu_svm_alloc *out);
/* Removes the allocation starting exactly at base; false when none does. */
bool svmgpu_svm_unregister(const void *base, struct svmgpu_svm_alloc *out);
/* Frees every allocation of a context that is being destroyed (through
 * clSVMFree, which never dereferences the context). */
void svmgpu_svm_release_context(cl_context ctx);

#endif
