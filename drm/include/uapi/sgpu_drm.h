/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * sgpu: an emulated GPU whose shared virtual memory (SVM) core mirrors the
 * process page tables with HMM.
 *
 * Two groups of ioctls:
 *
 * - SVM_INIT and SVM_BIND: the structures, constants and ioctl numbers are
 *   byte-identical to nouveau's drm_nouveau_svm_init / drm_nouveau_svm_bind
 *   (include/uapi/drm/nouveau_drm.h), so one userspace path serves both
 *   drivers. Argument validation happens in the same order with the same
 *   error codes as nouveau. Where sgpu differs, it is compatible:
 *     - SVM_INIT rejects an unmanaged window that wraps around the address
 *       space (-EINVAL; nouveau accepts it), checked after the -EBUSY test.
 *     - SVM_BIND reports the number of pages migrated in @result (nouveau
 *       always writes 0).
 *     - The emulated VRAM is either MEMORY_DEVICE_COHERENT memory carved
 *       out of RAM at boot (memmap=SIZE$BASE, module parameters vram_base
 *       and vram_size), which works without CONFIG_DEVICE_PRIVATE
 *       (Debian's stock kernels lack it), or, with vram_size alone on a
 *       kernel that has it, MEMORY_DEVICE_PRIVATE memory the CPU cannot
 *       reach (SGPU_CAP_VRAM_PRIVATE). Without VRAM a valid SVM_BIND
 *       fails with -EOPNOTSUPP and SGPU_CAP_MIGRATE_VRAM is clear in
 *       DRM_SGPU_INFO. Only anonymous memory migrates (as with
 *       migrate_vma_* everywhere); @result tells how many pages did.
 *
 * - sgpu's own ioctls, which make the emulated GPU observable: INFO
 *   (capabilities), ENGINE (one command that reads, writes, copies, fills or
 *   does an atomic through the GPU page table, faulting like hardware),
 *   SNAPSHOT (the GPU page table, one byte per page) and COUNTERS.
 *
 * The GPU address space is the process address space: a GPU virtual address
 * is the CPU virtual address of the process that called SVM_INIT.
 */
#ifndef SGPU_DRM_H
#define SGPU_DRM_H

/* The kernel's include/uapi/drm/drm.h, or libdrm's copy in userspace. */
#include "drm.h"


#if defined(__cplusplus)
extern "C" {
#endif

/* ---- nouveau-compatible SVM uAPI ---------------------------------------- */

#define DRM_SGPU_SVM_INIT		0x08	/* == DRM_NOUVEAU_SVM_INIT */
#define DRM_SGPU_SVM_BIND		0x09	/* == DRM_NOUVEAU_SVM_BIND */

/*
 * struct drm_sgpu_svm_init - enable SVM for this file (once; -EBUSY after).
 * @unmanaged_addr: start of a window the GPU never mirrors (the part of
 *                  the GPU address space userspace manages itself)
 * @unmanaged_size: its size in bytes (0: no window)
 */
struct drm_sgpu_svm_init {
	__u64 unmanaged_addr;
	__u64 unmanaged_size;
};

/*
 * struct drm_sgpu_svm_bind - apply a command to a range of the address space.
 * @header:    command (bits 0-7), priority (bits 8-15), target (bits 16-47);
 *             bits 48-63 must be zero
 * @va_start:  start (rounded down to a page)
 * @va_end:    end, exclusive (rounded up to a page)
 * @npages:    unused by the migrate command (kept for layout compatibility)
 * @stride:    must be 0
 * @result:    out: pages migrated
 * @reserved0: must be 0
 * @reserved1: must be 0
 */
struct drm_sgpu_svm_bind {
	__u64 header;
	__u64 va_start;
	__u64 va_end;
	__u64 npages;
	__u64 stride;
	__u64 result;
	__u64 reserved0;
	__u64 reserved1;
};

#define SGPU_SVM_BIND_COMMAND_SHIFT		0
#define SGPU_SVM_BIND_COMMAND_BITS		8
#define SGPU_SVM_BIND_COMMAND_MASK		((1 << 8) - 1)
#define SGPU_SVM_BIND_PRIORITY_SHIFT		8
#define SGPU_SVM_BIND_PRIORITY_BITS		8
#define SGPU_SVM_BIND_PRIORITY_MASK		((1 << 8) - 1)
#define SGPU_SVM_BIND_TARGET_SHIFT		16
#define SGPU_SVM_BIND_TARGET_BITS		32
#define SGPU_SVM_BIND_TARGET_MASK		0xffffffff

/* Bits of @header above this are invalid. */
#define SGPU_SVM_BIND_VALID_BITS		48
#define SGPU_SVM_BIND_VALID_MASK		((1ULL << SGPU_SVM_BIND_VALID_BITS) - 1)

/* Synchronous migration of the range to the target memory. */
#define SGPU_SVM_BIND_COMMAND__MIGRATE		0
/* The GPU's VRAM (the only target nouveau and sgpu accept). */
#define SGPU_SVM_BIND_TARGET__GPU_VRAM		(1UL << 31)

/* ---- sgpu's own ioctls --------------------------------------------------- */

#define DRM_SGPU_INFO			0x20
#define DRM_SGPU_ENGINE			0x21
#define DRM_SGPU_SNAPSHOT		0x22
#define DRM_SGPU_COUNTERS		0x23

#define SGPU_UAPI_VERSION		1

/* Capabilities in drm_sgpu_info.caps */
#define SGPU_CAP_MIRROR			(1ULL << 0) /* HMM page-table mirror */
#define SGPU_CAP_MIGRATE_VRAM		(1ULL << 1) /* SVM_BIND to VRAM works */
#define SGPU_CAP_HUGE			(1ULL << 2) /* huge entries reported */
/* VRAM is device-private: a CPU access migrates the page back */
#define SGPU_CAP_VRAM_PRIVATE		(1ULL << 3)

/*
 * struct drm_sgpu_info - what this device can do.
 * @version:    SGPU_UAPI_VERSION
 * @page_shift: the GPU page size (the CPU's)
 * @caps:       SGPU_CAP_*
 * @vram_size:  bytes of emulated VRAM (0: none, no migration)
 * @max_engine_bytes: largest @size one ENGINE command accepts
 */
struct drm_sgpu_info {
	__u32 version;
	__u32 page_shift;
	__u64 caps;
	__u64 vram_size;
	__u64 max_engine_bytes;
};

/* ENGINE operations */
#define SGPU_ENGINE_READ	0 /* @size bytes at @dst (GPU) -> @data (user) */
#define SGPU_ENGINE_WRITE	1 /* @size bytes from @data (user) -> @dst */
#define SGPU_ENGINE_COPY	2 /* @size bytes from @src -> @dst (both GPU) */
#define SGPU_ENGINE_FILL	3 /* @size bytes at @dst, 32-bit @operand */
#define SGPU_ENGINE_ATOMIC_ADD	4 /* *@dst += @operand; @result: old */
#define SGPU_ENGINE_ATOMIC_XCHG	5 /* *@dst = @operand; @result: old */
#define SGPU_ENGINE_ATOMIC_CMPXCHG 6 /* if *@dst == @compare: *@dst = @operand */
#define SGPU_ENGINE_NOP		7 /* nothing: a round trip */
#define SGPU_ENGINE_PREFETCH	8 /* fault @size bytes at @dst in, no access */
#define SGPU_ENGINE_OP_COUNT	9

/* ENGINE flags */
#define SGPU_ENGINE_ATOMIC_32	(1U << 0) /* atomics on 32 bits (else 64) */
#define SGPU_ENGINE_NO_FAULT	(1U << 1) /* a missing entry is an error */
#define SGPU_ENGINE_PREFETCH_WRITE (1U << 2) /* PREFETCH writable entries */
#define SGPU_ENGINE_FLAGS_ALL	(SGPU_ENGINE_ATOMIC_32 | SGPU_ENGINE_NO_FAULT | \
				 SGPU_ENGINE_PREFETCH_WRITE)

/* ENGINE status: how the command ended (the ioctl itself returned 0) */
#define SGPU_STATUS_OK		0
#define SGPU_STATUS_FAULT	1 /* no CPU mapping allows the access */
#define SGPU_STATUS_UNMANAGED	2 /* address inside the unmanaged window */
#define SGPU_STATUS_BUSY	3 /* could not get a stable mapping in time */
#define SGPU_STATUS_NOT_MAPPED	4 /* SGPU_ENGINE_NO_FAULT and no entry */

/*
 * struct drm_sgpu_engine - one engine command, executed synchronously.
 *
 * The ioctl fails (-EINVAL) on malformed arguments: unknown @op or @flags,
 * non-zero @pad, @size of 0 or above max_engine_bytes, a range that wraps,
 * a misaligned atomic, SVM_INIT not done (-EINVAL, like SVM_BIND). A GPU
 * fault that cannot be resolved is not an ioctl failure: the ioctl returns
 * 0 with @status != SGPU_STATUS_OK and @fault_addr set, like a GPU channel
 * that reports an error on its fence and carries on.
 *
 * @op:        SGPU_ENGINE_*
 * @flags:     SGPU_ENGINE_ATOMIC_32, SGPU_ENGINE_NO_FAULT,
 *             SGPU_ENGINE_PREFETCH_WRITE
 * @dst:       GPU address written (read by READ and atomics too)
 * @src:       GPU address read by COPY
 * @size:      bytes (READ, WRITE, COPY, FILL, PREFETCH)
 * @data:      user pointer of the caller (READ, WRITE)
 * @operand:   FILL pattern (low 32 bits), atomic operand
 * @compare:   CMPXCHG comparand
 * @result:    out: old value of an atomic
 * @status:    out: SGPU_STATUS_*
 * @pad:       must be 0
 * @fault_addr: out: GPU address of the fault that ended the command
 * @faults:    out: GPU faults this command took (resolved or not)
 */
struct drm_sgpu_engine {
	__u32 op;
	__u32 flags;
	__u64 dst;
	__u64 src;
	__u64 size;
	__u64 data;
	__u64 operand;
	__u64 compare;
	__u64 result;
	__u32 status;
	__u32 pad;
	__u64 fault_addr;
	__u64 faults;
};

/* One byte per page in a snapshot */
#define SGPU_PTE_NONE		0x00 /* no GPU mapping */
#define SGPU_PTE_READ		0x01 /* readable */
#define SGPU_PTE_WRITE		0x02 /* writable (always with READ) */
#define SGPU_PTE_HUGE		0x04 /* part of a huge (PMD or larger) mapping */
#define SGPU_PTE_VRAM		0x08 /* backed by device memory (VRAM) */
#define SGPU_PTE_UNMANAGED	0x10 /* inside the unmanaged window */
#define SGPU_PTE_ERROR		0x80 /* CPU snapshot: no valid mapping possible */

/* SNAPSHOT flags */
#define SGPU_SNAPSHOT_CPU	(1U << 0) /* the CPU page table, seen by HMM */

/*
 * struct drm_sgpu_snapshot - the GPU page table over [@addr, @addr +
 * @npages pages), one SGPU_PTE_* byte per page into @ptr. With
 * SGPU_SNAPSHOT_CPU, what hmm_range_fault() reports without faulting
 * (the state the GPU would mirror).
 */
struct drm_sgpu_snapshot {
	__u64 addr;
	__u64 npages;
	__u64 ptr;
	__u32 flags;
	__u32 pad;
};

/* struct drm_sgpu_counters - this file's counters since SVM_INIT. */
struct drm_sgpu_counters {
	__u64 faults;		/* GPU faults the engine took */
	__u64 faults_failed;	/* of which the CPU mapping did not allow */
	__u64 pages_faulted;	/* pages entered in the GPU page table */
	__u64 retries;		/* fault loops restarted by an invalidation */
	__u64 invalidations;	/* notifier callbacks touching the mirror */
	__u64 pages_invalidated; /* GPU page-table entries removed */
	__u64 migrations;	/* pages migrated to VRAM */
	__u64 mirrored_pages;	/* entries in the GPU page table now */
	__u64 engine_cmds;	/* engine commands executed */
	__u64 invalidate_ns;	/* time spent removing entries, in total */
	__u64 reserved[6];
};

#define DRM_IOCTL_SGPU_SVM_INIT  DRM_IOWR(DRM_COMMAND_BASE + DRM_SGPU_SVM_INIT, struct drm_sgpu_svm_init)
#define DRM_IOCTL_SGPU_SVM_BIND  DRM_IOWR(DRM_COMMAND_BASE + DRM_SGPU_SVM_BIND, struct drm_sgpu_svm_bind)
#define DRM_IOCTL_SGPU_INFO      DRM_IOR(DRM_COMMAND_BASE + DRM_SGPU_INFO, struct drm_sgpu_info)
#define DRM_IOCTL_SGPU_ENGINE    DRM_IOWR(DRM_COMMAND_BASE + DRM_SGPU_ENGINE, struct drm_sgpu_engine)
#define DRM_IOCTL_SGPU_SNAPSHOT  DRM_IOW(DRM_COMMAND_BASE + DRM_SGPU_SNAPSHOT, struct drm_sgpu_snapshot)
#define DRM_IOCTL_SGPU_COUNTERS  DRM_IOR(DRM_COMMAND_BASE + DRM_SGPU_COUNTERS, struct drm_sgpu_counters)

#if defined(__cplusplus)
}
#endif

#endif /* SGPU_DRM_H */
