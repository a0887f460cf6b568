// SPDX-License-Identifier: MIT
/* clSVMAlloc and clSVMFree.
 *
 * Every device of the platform addresses host memory, so an SVM allocation
 * is host memory with the same address everywhere. Large allocations get
 * their own anonymous mapping, page-aligned and page-granular: the kernel
 * side of svmgpu mirrors and migrates page ranges, and a page that holds one
 * allocation only can move without dragging unrelated heap data along. Small
 * ones come from the heap, where a page of their own would waste most of it.
 * Freed mappings are kept a while for reuse (see cache_put). The contents of
 * a new allocation are unspecified, as the specification has it: neither
 * heap blocks nor reused mappings are cleared.
 *
 * Each allocation is recorded in the registry (core/svm_registry.c) with its
 * size, flags and context: that is what lets calls given an interior pointer
 * or no size find it, and what clSVMFree checks before freeing anything. */
#include "context.h"
#include "device.h"
#include "log.h"
#include "svm_registry.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* alignment 0: the size of the largest OpenCL C type, long16 / double16. */
#define SVM_DEFAULT_ALIGN ((size_t)128)
/* The largest alignment clSVMAlloc honours. The specification only asks for
 * powers of two up to the largest type (128); larger ones are accepted up to
 * the x86-64 huge page, which is what applications ask for when they want an
 * allocation the GPU can map with large pages. */
#define SVM_MAX_ALIGN ((size_t)2 << 20)
/* From this size on an allocation gets its own mapping. Size alone decides,
 * so clSVMFree knows how to release an allocation from its recorded size. */
#define SVM_MMAP_MIN ((size_t)64 << 10)
/* From this size on a mapping is aligned to the huge page and asks for
 * transparent huge pages (MADV_HUGEPAGE; Debian's default THP mode honours
 * only such requests): copies and fills run about a quarter faster with 512
 * times fewer TLB entries, and first touch takes 512 times fewer faults. */
#define SVM_HUGE ((size_t)2 << 20)

#define SVM_ACCESS_FLAGS (CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY)
#define SVM_KNOWN_FLAGS (SVM_ACCESS_FLAGS | CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS)

static inline size_t page_size(void)
{
	long v = sysconf(_SC_PAGESIZE); /* glibc: a load, no system call */

	return v > 0 ? (size_t)v : 4096;
}

static inline size_t round_up(size_t v, size_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/* Recently freed mappings, kept for the next allocation of the same length:
 * applications free and allocate buffers of one size over and over, and a
 * fresh mapping costs two system calls plus a page fault per page touched.
 * The cache is small and bounded, as glibc's own heap trimming is. */
#define SVM_CACHE_SLOTS 8
#define SVM_CACHE_BYTES ((size_t)64 << 20)

static struct {
	pthread_mutex_t lock;
	unsigned n;
	size_t bytes;
	struct {
		void *base;
		size_t len;
	} slot[SVM_CACHE_SLOTS]; /* oldest first */
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* A cached mapping of exactly len bytes aligned to align, or NULL. */
static void *cache_take(size_t len, size_t align)
{
	void *p = NULL;

	pthread_mutex_lock(&cache.lock);
	for (unsigned i = cache.n; i-- > 0;) { /* newest first: warmest in cache */
		if (cache.slot[i].len != len || ((uintptr_t)cache.slot[i].base & (align - 1)))
			continue;
		p = cache.slot[i].base;
		cache.bytes -= len;
		cache.n--;
		memmove(&cache.slot[i], &cache.slot[i + 1], (cache.n - i) * sizeof(cache.slot[0]));
		break;
	}
	pthread_mutex_unlock(&cache.lock);
	return p;
}

/* Keeps a freed mapping, evicting the oldest ones past the bounds. */
static void cache_put(void *base, size_t len)
{
	struct {
		void *base;
		size_t len;
	} evict[SVM_CACHE_SLOTS];
	unsigned ne = 0;

	if (len > SVM_CACHE_BYTES / 4) {
		munmap(base, len);
		return;
	}
	pthread_mutex_lock(&cache.lock);
	while (cache.n && (cache.n == SVM_CACHE_SLOTS || cache.bytes + len > SVM_CACHE_BYTES)) {
		evict[ne].base = cache.slot[0].base;
		evict[ne++].len = cache.slot[0].len;
		cache.bytes -= cache.slot[0].len;
		cache.n--;
		memmove(&cache.slot[0], &cache.slot[1], cache.n * sizeof(cache.slot[0]));
	}
	cache.slot[cache.n].base = base;
	cache.slot[cache.n++].len = len;
	cache.bytes += len;
	pthread_mutex_unlock(&cache.lock);
	while (ne--) /* system calls outside the lock */
		munmap(evict[ne].base, evict[ne].len);
}

static void *storage_alloc(size_t size, size_t align)
{
	size_t ps = page_size(), len, slack;
	char *map, *p;

	if (size < SVM_MMAP_MIN) {
		void *mem;

		return posix_memalign(&mem, align, size) ? NULL : mem;
	}
	len = round_up(size, ps);
	if (len >= SVM_HUGE && align < SVM_HUGE)
		align = SVM_HUGE;
	if (align < ps)
		align = ps;
	p = cache_take(len, align);
	if (p)
		return p;
	/* Over-map by the alignment beyond a page, then trim both ends. */
	slack = align - ps;
	map = mmap(NULL, len + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	p = (char *)round_up((uintptr_t)map, align);
	if (p > map)
		munmap(map, (size_t)(p - map));
	if (map + len + slack > p + len)
		munmap(p + len, (size_t)(map + len + slack - (p + len)));
	if (len >= SVM_HUGE)
		(void)madvise(p, len, MADV_HUGEPAGE); /* a wish: fails where THP is off */
	return p;
}

static void storage_free(void *base, size_t size)
{
	if (size < SVM_MMAP_MIN)
		free(base);
	else
		cache_put(base, round_up(size, page_size()));
}

static inline bool is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

/* Why clSVMAlloc refuses, for SVMGPU_DEBUG; NULL when it may go ahead. The
 * context's requirements are the strictest of its devices: every
 * SVM-capable device must offer fine grain (atomics) for a fine-grain
 * (atomic) allocation, since any of them may be handed the pointer, and the
 * size must fit every device's largest allocation. */
static const char *check_alloc(cl_context ctx, cl_svm_mem_flags flags, size_t size,
			       cl_uint alignment, size_t *align_out)
{
	cl_device_svm_capabilities need = CL_DEVICE_SVM_COARSE_GRAIN_BUFFER;
	cl_svm_mem_flags access = flags & SVM_ACCESS_FLAGS;
	size_t align = SVM_DEFAULT_ALIGN;
	bool any_svm = false;

	if (flags & ~(cl_svm_mem_flags)SVM_KNOWN_FLAGS)
		return "unknown flag bits";
	if (access && !is_pow2(access))
		return "more than one of READ_WRITE, WRITE_ONLY, READ_ONLY";
	if ((flags & CL_MEM_SVM_ATOMICS) && !(flags & CL_MEM_SVM_FINE_GRAIN_BUFFER))
		return "CL_MEM_SVM_ATOMICS without CL_MEM_SVM_FINE_GRAIN_BUFFER";
	if (flags & CL_MEM_SVM_FINE_GRAIN_BUFFER)
		need |= CL_DEVICE_SVM_FINE_GRAIN_BUFFER;
	if (flags & CL_MEM_SVM_ATOMICS)
		need |= CL_DEVICE_SVM_ATOMICS;
	if (alignment && (!is_pow2(alignment) || alignment > SVM_MAX_ALIGN))
		return "alignment is not a power of two up to 2 MiB";
	if (size == 0)
		return "size is 0";
	for (cl_uint i = 0; i < ctx->num_devices; i++) {
		cl_device_id d = ctx->devices[i];

		if (size > d->max_mem_alloc_size)
			return "size exceeds CL_DEVICE_MAX_MEM_ALLOC_SIZE";
		if (!d->svm_caps)
			continue;
		any_svm = true;
		if ((d->svm_caps & need) != need)
			return "a device of the context lacks the SVM capability the flags ask for";
		if (d->mem_base_addr_align / 8 > align)
			align = d->mem_base_addr_align / 8;
	}
	if (!any_svm)
		return "no device of the context supports SVM";
	*align_out = alignment > align ? alignment : align;
	return NULL;
}

SVMGPU_API void *CL_API_CALL clSVMAlloc(cl_context context, cl_svm_mem_flags flags, size_t size,
					cl_uint alignment)
{
	struct svmgpu_svm_alloc a;
	const char *why;
	size_t align = 0;
	cl_device_id md;
	void *p;

	if (!svmgpu_context_valid(context)) {
		(void)SVMGPU_ERR(CL_INVALID_CONTEXT, "context %p is not valid", (void *)context);
		return NULL;
	}
	why = check_alloc(context, flags, size, alignment, &align);
	if (why) {
		(void)SVMGPU_ERR(CL_INVALID_VALUE, "flags 0x%llx size %zu alignment %u: %s",
				 (unsigned long long)flags, size, alignment, why);
		return NULL;
	}
	md = svmgpu_context_mem_device(context);
	p = md ? md->ops->alloc_mem(md, size, align) : storage_alloc(size, align);
	if (!p) {
		(void)SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "%zu bytes aligned to %zu", size, align);
		return NULL;
	}
	a = (struct svmgpu_svm_alloc){
		.base = p, .size = size, .flags = flags, .context = context,
	};
	if (svmgpu_svm_register(&a)) {
		if (md)
			md->ops->free_mem(md, p);
		else
			storage_free(p, size);
		(void)SVMGPU_ERR(CL_OUT_OF_HOST_MEMORY, "cannot record the allocation");
		return NULL;
	}
	if (svmgpu_debug_enabled)
		svmgpu_log("svmgpu: clSVMAlloc: %p, %zu bytes, flags 0x%llx, %s\n", p, size,
			   (unsigned long long)flags, size < SVM_MMAP_MIN ? "heap" : "mapped");
	return p;
}

/* Also what frees a context's leftovers (svmgpu_svm_release_context) and what
 * clEnqueueSVMFree runs: the context is compared, never dereferenced. */
SVMGPU_API void CL_API_CALL clSVMFree(cl_context context, void *svm_pointer)
{
	struct svmgpu_svm_alloc a;
	cl_device_id md;

	if (!svm_pointer)
		return;
	/* Anything but the base of a live allocation of this context is an
	 * application error the specification leaves undefined: ignore it
	 * rather than free memory we do not own. */
	if (!svmgpu_svm_lookup(svm_pointer, &a) || a.base != svm_pointer ||
	    a.context != context) {
		(void)SVMGPU_ERR(CL_INVALID_VALUE,
				 "%p is not an allocation of context %p: ignored", svm_pointer,
				 (void *)context);
		return;
	}
	/* Fails only when another thread freed it meanwhile (a double free). */
	if (!svmgpu_svm_unregister(svm_pointer, &a))
		return;
	/* The context is still alive: an application must not free SVM of a
	 * released context (its leftovers are freed before it goes). */
	md = svmgpu_context_mem_device(context);
	if (md)
		md->ops->free_mem(md, a.base);
	else
		storage_free(a.base, a.size);
}
