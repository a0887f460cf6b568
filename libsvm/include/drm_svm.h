/* SPDX-License-Identifier: MIT */
/*
 * libdrm_svm: shared virtual memory (SVM) on DRM render nodes, in the style of
 * libdrm's per-driver libraries.
 *
 * The GPU address space of an SVM client is the process address space: after
 * drm_svm_init() the GPU dereferences the same pointers as the CPU, the kernel
 * keeping the GPU page table coherent with the process page tables (HMM).
 * Userspace may keep one window of the address space for itself (the
 * "unmanaged" window, which the GPU never mirrors), and may migrate ranges
 * to device memory (VRAM).
 *
 * Drivers:
 *   - "sgpu": svmgpu's emulated GPU (drm/ in this project). Everything below
 *     works and is tested against it.
 *   - "nouveau": the same SVM_INIT/SVM_BIND ioctls on NVIDIA hardware. Only
 *     drm_svm_init*() and drm_svm_migrate() apply; capabilities are fixed
 *     documented defaults (see drm_svm_device_get_caps()). Untested here.
 *
 * Conventions:
 *   - Every function that can fail returns 0 (or a count, where documented)
 *     on success and a negative errno on failure; it never sets errno on
 *     purpose and never prints.
 *   - No global state: every call works on the handle it is given. A handle
 *     may be used by several threads at once; drm_svm_device_close() must
 *     not race with other calls on the same handle.
 *   - Addresses are CPU virtual addresses of the calling process (which are
 *     the GPU's), passed as pointers or as uint64_t.
 *   - Reserved fields of output structures are zeroed; unknown flag bits in
 *     inputs are rejected with -EINVAL.
 *
 * Names: library libdrm_svm, this header drm_svm.h, symbols drm_svm_*, so
 * nothing clashes with the machine-learning libsvm (libsvm.so, svm.h).
 */
#ifndef DRM_SVM_H
#define DRM_SVM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DRM_SVM_VERSION_MAJOR 1
#define DRM_SVM_VERSION_MINOR 0

/* An open render node (one DRM file: one GPU client). Opaque. */
struct drm_svm_device;

/* ---- devices ------------------------------------------------------------ */

enum drm_svm_driver {
	DRM_SVM_DRIVER_UNKNOWN = 0,
	DRM_SVM_DRIVER_SGPU = 1,	/* "sgpu", drm/ of svmgpu */
	DRM_SVM_DRIVER_NOUVEAU = 2,	/* "nouveau" */
};

/* drm_svm_device_open() flags */
/* Discovery considers only sgpu render nodes (never nouveau). */
#define DRM_SVM_OPEN_SGPU_ONLY		(1u << 0)

/*
 * drm_svm_device_open - open a render node for SVM.
 * @path:  a render node (e.g. "/dev/dri/renderD128"), or NULL for the first
 *         SVM-capable one: the render nodes libdrm's drmGetDevices2() lists,
 *         then (when libdrm lists none) /dev/dri/renderD128..191 in order,
 *         keeping the first whose driver (drmGetVersion) is sgpu with the
 *         mirror capability, or nouveau. A nouveau node cannot be probed
 *         without using up its one SVM_INIT: drm_svm_init() tells.
 * @flags: DRM_SVM_OPEN_*
 * @out:   the new handle (set only on success)
 *
 * Returns 0; -EINVAL (NULL @out, unknown flags), -ENODEV (no SVM-capable
 * node, or @path is a render node of another driver), -ENOTTY (@path is not
 * a DRM device), -ENOMEM, or open(2)'s error.
 */
int drm_svm_device_open(const char *path, uint32_t flags,
			struct drm_svm_device **out);

/*
 * drm_svm_device_open_fd - a handle on an already open DRM file.
 * The handle works on its own duplicate of @fd (F_DUPFD_CLOEXEC): the caller
 * keeps @fd and may close it. Both name the same DRM file, so the same SVM
 * client: this is how a tool observes another process's client through a
 * descriptor obtained with pidfd_getfd(2) (svm-stat does).
 * Returns 0; -EBADF (bad @fd), -EINVAL (NULL @out, unknown @flags),
 * -ENOTTY (not a DRM device), -ENODEV (a driver without SVM), -ENOMEM.
 */
int drm_svm_device_open_fd(int fd, uint32_t flags,
			   struct drm_svm_device **out);

/*
 * drm_svm_device_close - close the handle's file, which ends its SVM client
 * (the kernel tears the GPU page table down), and unmap the window that
 * drm_svm_init_reserved() reserved. NULL is accepted.
 */
void drm_svm_device_close(struct drm_svm_device *dev);

/* The handle's DRM file descriptor (owned by the handle), or -EINVAL. */
int drm_svm_device_get_fd(const struct drm_svm_device *dev);

/* DRM_SVM_DRIVER_*, or DRM_SVM_DRIVER_UNKNOWN for NULL. */
enum drm_svm_driver drm_svm_device_get_driver(const struct drm_svm_device *dev);

/*
 * The node's path ("fd:N" for drm_svm_device_open_fd() when the descriptor's
 * path cannot be read back), valid until drm_svm_device_close(); NULL for NULL.
 */
const char *drm_svm_device_get_path(const struct drm_svm_device *dev);

/* ---- capabilities ------------------------------------------------------- */

/* drm_svm_caps.flags */
#define DRM_SVM_CAP_MIRROR		(1ull << 0) /* GPU mirrors the CPU page tables: any pointer (malloc, stack, files) is a GPU pointer */
#define DRM_SVM_CAP_DEVICE_MEMORY	(1ull << 1) /* drm_svm_migrate() to VRAM works */
#define DRM_SVM_CAP_DEVICE_PRIVATE	(1ull << 2) /* VRAM is device-private: a CPU access migrates the page back to system memory */
#define DRM_SVM_CAP_ATOMICS		(1ull << 3) /* GPU atomics on mirrored memory are atomic with respect to CPU atomics */
#define DRM_SVM_CAP_HUGE		(1ull << 4) /* huge pages are mirrored as huge entries */
#define DRM_SVM_CAP_ENGINE		(1ull << 5) /* drm_svm_engine_*() work */
#define DRM_SVM_CAP_SNAPSHOT		(1ull << 6) /* drm_svm_snapshot(), drm_svm_residency() work */
#define DRM_SVM_CAP_COUNTERS		(1ull << 7) /* drm_svm_get_counters() works */
#define DRM_SVM_CAP_MIGRATE_COUNT	(1ull << 8) /* drm_svm_migrate() reports the pages it moved */

/*
 * struct drm_svm_caps - what the device offers.
 *
 * sgpu: from its INFO ioctl. nouveau (documented defaults, untested here):
 * MIRROR | DEVICE_MEMORY | DEVICE_PRIVATE, page_size the CPU's, everything
 * else 0 (nouveau reports neither its VRAM size for SVM nor atomics
 * guarantees through this uAPI).
 */
struct drm_svm_caps {
	uint32_t driver;		/* enum drm_svm_driver */
	uint32_t uapi_version;		/* sgpu: SGPU_UAPI_VERSION; nouveau: 0 */
	uint64_t flags;			/* DRM_SVM_CAP_* */
	uint64_t page_size;		/* bytes of a GPU page */
	uint64_t vram_size;		/* bytes of device memory (0: unknown or none) */
	uint64_t max_engine_bytes;	/* largest size of one engine command */
	uint64_t reserved[4];
};

/* Fills @caps (read once, when the handle was opened). -EINVAL for NULL
 * arguments. */
int drm_svm_device_get_caps(struct drm_svm_device *dev,
			    struct drm_svm_caps *caps);

/* ---- SVM init ----------------------------------------------------------- */

/*
 * drm_svm_init - make the handle's file an SVM client of the calling process
 * (SVM_INIT), once per handle.
 * @unmanaged_addr, @unmanaged_size: the window the GPU never mirrors (both 0:
 *         none); page aligned.
 * Returns 0; -EINVAL (misaligned or wrapping window), -EBUSY (done already),
 * or the driver's error (nouveau: -ENOSYS on hardware without SVM).
 */
int drm_svm_init(struct drm_svm_device *dev, uint64_t unmanaged_addr,
		 uint64_t unmanaged_size);

/*
 * drm_svm_window_reserve - reserve @size bytes (page multiple, > 0) of
 * address space with a PROT_NONE, MAP_NORESERVE anonymous mapping aligned to
 * @align (a power of two, 0 = page): as Mesa does for the GPU-only part of
 * the address space. Nothing in it is ever mirrored; the caller maps GPU
 * buffers there itself. Release with drm_svm_window_release().
 */
int drm_svm_window_reserve(uint64_t size, uint64_t align, void **addr);
int drm_svm_window_release(void *addr, uint64_t size);

/*
 * drm_svm_init_reserved - drm_svm_window_reserve(@size, @align) then
 * drm_svm_init() with that window; the handle owns the window and
 * drm_svm_device_close() unmaps it. @window (may be NULL) gets its address.
 */
int drm_svm_init_reserved(struct drm_svm_device *dev, uint64_t size,
			  uint64_t align, void **window);

/*
 * drm_svm_get_window - the window given to drm_svm_init*(): -EINVAL before
 * a successful init (or NULL arguments), else 0 with *addr, *size set.
 */
int drm_svm_get_window(struct drm_svm_device *dev, uint64_t *addr,
		       uint64_t *size);

/* ---- bind / migrate ----------------------------------------------------- */

enum drm_svm_target {
	DRM_SVM_TARGET_VRAM = 0,	/* device memory */
	DRM_SVM_TARGET_SYSTEM = 1,	/* system memory, the CPU's */
};

#define DRM_SVM_PRIORITY_MAX	255	/* nouveau's 8-bit priority field */

/*
 * drm_svm_migrate - move the anonymous pages of [@addr, @addr + @size) to
 * @target; a best-effort operation, as in nouveau (pinned, file-backed or
 * already-resident pages stay where they are).
 *
 *   VRAM:   SVM_BIND, command MIGRATE, target GPU_VRAM, @priority in bits
 *           8-15 of the header (nouveau's encoding). -EOPNOTSUPP when the
 *           device has no usable VRAM.
 *   SYSTEM: the uAPI has no such command; device-private pages move back when
 *           the CPU faults on them, so the library reads one byte of every
 *           page through process_vm_readv(2) on itself (which faults like
 *           the CPU, and fails instead of SIGSEGV on inaccessible pages, which
 *           are skipped). Device-coherent VRAM (sgpu without
 *           DRM_SVM_CAP_DEVICE_PRIVATE) is CPU memory already: nothing moves
 *           and the call succeeds with 0 pages.
 *
 * @addr, @size: page aligned, @size > 0, no wrap-around (else -EINVAL)
 * @priority: 0..DRM_SVM_PRIORITY_MAX
 * @flags:   0 (reserved)
 * @pages:   may be NULL; with DRM_SVM_CAP_MIGRATE_COUNT the pages moved
 *           (sgpu), else 0 (nouveau writes 0)
 * Returns 0 or a negative errno (-EINVAL also before drm_svm_init()).
 */
int drm_svm_migrate(struct drm_svm_device *dev, const void *addr,
		    uint64_t size, enum drm_svm_target target,
		    unsigned int priority, uint32_t flags, uint64_t *pages);

/* ---- residency (sgpu) --------------------------------------------------- */

/* One byte per page in a snapshot (bit values of sgpu's uAPI). */
#define DRM_SVM_PTE_NONE	0x00	/* no GPU mapping */
#define DRM_SVM_PTE_READ	0x01	/* readable */
#define DRM_SVM_PTE_WRITE	0x02	/* writable (always with READ) */
#define DRM_SVM_PTE_HUGE	0x04	/* part of a huge mapping */
#define DRM_SVM_PTE_VRAM	0x08	/* backed by device memory */
#define DRM_SVM_PTE_UNMANAGED	0x10	/* inside the unmanaged window */
#define DRM_SVM_PTE_ERROR	0x80	/* CPU snapshot: no valid mapping possible */

/* drm_svm_snapshot() / drm_svm_residency() flags */
/* The CPU page table as the GPU would mirror it (without faulting). */
#define DRM_SVM_SNAPSHOT_CPU	(1u << 0)

/*
 * drm_svm_snapshot - the GPU page table over @npages pages from @addr (page
 * aligned), one DRM_SVM_PTE_* byte per page into @out. Any @npages > 0: the
 * library splits it into calls the kernel accepts.
 * Returns 0; -EINVAL (misaligned, 0 pages, wrap, unknown flags, no init),
 * -EOPNOTSUPP (nouveau), -EFAULT.
 */
int drm_svm_snapshot(struct drm_svm_device *dev, const void *addr,
		     uint64_t npages, uint8_t *out, uint32_t flags);

/* struct drm_svm_residency - page counts of a range (drm_svm_residency()). */
struct drm_svm_residency {
	uint64_t pages;		/* pages in the range */
	uint64_t mapped;	/* with a GPU (or CPU, with _SNAPSHOT_CPU) entry */
	uint64_t writable;
	uint64_t huge;
	uint64_t vram;
	uint64_t unmanaged;	/* inside the unmanaged window */
	uint64_t error;		/* DRM_SVM_PTE_ERROR (CPU snapshot only) */
	uint64_t reserved[3];
};

/* Counts of a snapshot of [@addr, @addr + @size), page aligned. */
int drm_svm_residency(struct drm_svm_device *dev, const void *addr,
		      uint64_t size, uint32_t flags,
		      struct drm_svm_residency *res);

/* ---- counters (sgpu) ---------------------------------------------------- */

/* struct drm_svm_counters - the client's counters since drm_svm_init(). */
struct drm_svm_counters {
	uint64_t faults;		/* GPU faults taken */
	uint64_t faults_failed;		/* of which the CPU mapping did not allow */
	uint64_t pages_faulted;		/* pages entered in the GPU page table */
	uint64_t retries;		/* fault loops restarted by an invalidation */
	uint64_t invalidations;		/* notifier callbacks touching the mirror */
	uint64_t pages_invalidated;	/* GPU page-table entries removed */
	uint64_t migrations;		/* pages migrated to VRAM */
	uint64_t mirrored_pages;	/* entries in the GPU page table now */
	uint64_t engine_cmds;		/* engine commands executed */
	uint64_t invalidate_ns;		/* time spent removing entries */
	uint64_t reserved[6];
};

/* -EINVAL before drm_svm_init(); -EOPNOTSUPP (nouveau). */
int drm_svm_get_counters(struct drm_svm_device *dev,
			 struct drm_svm_counters *counters);

/* ---- engine (sgpu) ------------------------------------------------------ */

/*
 * The emulated GPU's copy engine: each command runs synchronously and
 * accesses memory through the GPU page table, faulting entries in from the
 * CPU page tables like hardware would. Sizes above the device's
 * max_engine_bytes are split into several commands (in address order; the
 * first failing one ends the call, @info describing it, with the faults of
 * all). Sizes must be > 0 and ranges must not wrap around (-EINVAL).
 *
 * Returns 0 when the command completed; a negative errno when the ioctl
 * rejected it (-EINVAL: bad arguments or no drm_svm_init(); -EOPNOTSUPP:
 * nouveau) or when the GPU could not complete it:
 *   -EFAULT  a GPU fault no CPU mapping allows (status DRM_SVM_STATUS_FAULT)
 *   -ENXIO   the address is inside the unmanaged window (_UNMANAGED)
 *   -EAGAIN  no stable mapping in time (_BUSY)
 *   -ENOENT  DRM_SVM_ENGINE_NO_FAULT and no entry (_NOT_MAPPED)
 * @info (may be NULL) tells more in every case where the command ran.
 */
#define DRM_SVM_STATUS_OK		0
#define DRM_SVM_STATUS_FAULT		1
#define DRM_SVM_STATUS_UNMANAGED	2
#define DRM_SVM_STATUS_BUSY		3
#define DRM_SVM_STATUS_NOT_MAPPED	4

struct drm_svm_engine_info {
	uint32_t status;	/* DRM_SVM_STATUS_* */
	uint32_t pad;
	uint64_t fault_addr;	/* GPU address of the fault that ended it */
	uint64_t faults;	/* GPU faults the command took */
	uint64_t reserved[2];
};

/* Engine flags */
#define DRM_SVM_ENGINE_NO_FAULT		(1u << 0) /* a missing GPU entry is an error */
#define DRM_SVM_ENGINE_ATOMIC_32	(1u << 1) /* atomics: 32-bit (else 64) */
#define DRM_SVM_ENGINE_PREFETCH_WRITE	(1u << 2) /* prefetch: writable entries */

/* @size bytes at GPU address @gpu into @buf. Flags: NO_FAULT. */
int drm_svm_engine_read(struct drm_svm_device *dev, const void *gpu,
			void *buf, uint64_t size, uint32_t flags,
			struct drm_svm_engine_info *info);
/* @size bytes of @buf to GPU address @gpu. Flags: NO_FAULT. */
int drm_svm_engine_write(struct drm_svm_device *dev, void *gpu,
			 const void *buf, uint64_t size, uint32_t flags,
			 struct drm_svm_engine_info *info);
/* @size bytes from @src to @dst, both GPU addresses. Flags: NO_FAULT. */
int drm_svm_engine_copy(struct drm_svm_device *dev, void *dst,
			const void *src, uint64_t size, uint32_t flags,
			struct drm_svm_engine_info *info);
/* @size bytes at @dst with the 32-bit @pattern (in memory order, as the
 * CPU stores it); @dst and @size 4-byte aligned (else -EINVAL). Flags:
 * NO_FAULT. */
int drm_svm_engine_fill(struct drm_svm_device *dev, void *dst,
			uint32_t pattern, uint64_t size, uint32_t flags,
			struct drm_svm_engine_info *info);
/*
 * @size bytes at @dst with copies of the @pattern_size bytes at @pattern
 * (clEnqueueSVMMemFill's semantics): @pattern_size 1..4096, @size a multiple
 * of it, any alignment. One FILL for 1, 2 and 4-byte patterns on 4-byte
 * aligned memory; else one WRITE of whole patterns and engine copies that
 * double the filled part (about log2(@size / 4096) commands). Flags:
 * NO_FAULT.
 */
int drm_svm_engine_fill_pattern(struct drm_svm_device *dev, void *dst,
				const void *pattern, size_t pattern_size,
				uint64_t size, uint32_t flags,
				struct drm_svm_engine_info *info);
/* Fault @size bytes at @gpu into the GPU page table without accessing them.
 * Flags: NO_FAULT, PREFETCH_WRITE. */
int drm_svm_engine_prefetch(struct drm_svm_device *dev, const void *gpu,
			    uint64_t size, uint32_t flags,
			    struct drm_svm_engine_info *info);
/* An engine round trip that does nothing. */
int drm_svm_engine_nop(struct drm_svm_device *dev);

enum drm_svm_atomic_op {
	DRM_SVM_ATOMIC_ADD = 0,		/* *@gpu += @operand */
	DRM_SVM_ATOMIC_XCHG = 1,	/* *@gpu = @operand */
	DRM_SVM_ATOMIC_CMPXCHG = 2,	/* if (*@gpu == @compare) *@gpu = @operand */
};

/*
 * An atomic on the naturally aligned 64-bit (or, with ATOMIC_32, 32-bit)
 * value at @gpu; @old (may be NULL) gets the value before. Flags: NO_FAULT,
 * ATOMIC_32. -EINVAL for a misaligned @gpu or an unknown @op.
 */
int drm_svm_engine_atomic(struct drm_svm_device *dev, enum drm_svm_atomic_op op,
			  void *gpu, uint64_t operand, uint64_t compare,
			  uint32_t flags, uint64_t *old,
			  struct drm_svm_engine_info *info);

/* ---- misc --------------------------------------------------------------- */

/* A static string naming a DRM_SVM_STATUS_* ("ok", "fault", ...). */
const char *drm_svm_status_string(uint32_t status);

#ifdef __cplusplus
}
#endif

#endif /* DRM_SVM_H */
