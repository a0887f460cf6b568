/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SVM core of sgpu: a GPU page table per client that mirrors one
 * process address space with HMM. It knows nothing of DRM: the device glue
 * (sgpu_drv.c) and the engine (sgpu_engine.c) call it, another driver could.
 *
 * Locking: svm->lock (a mutex) protects the page table. The mmu interval
 * notifier takes it to remove entries, so an entry found under the lock
 * points at a page the CPU still maps: the engine touches memory only while
 * holding it and never calls into user memory (copy_*_user) under it.
 */
#ifndef SGPU_SVM_H
#define SGPU_SVM_H

#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct mm_struct;
struct page;

/* GPU page-table entry flags (kept in the xarray value with the pfn) */
#define SGPU_SVM_E_WRITE	0x1UL
#define SGPU_SVM_E_HUGE		0x2UL
#define SGPU_SVM_E_VRAM		0x4UL
#define SGPU_SVM_E_SHIFT	3

struct sgpu_svm_stats {
	u64 faults;
	u64 faults_failed;
	u64 pages_faulted;
	u64 retries;
	u64 invalidations;
	u64 pages_invalidated;
	u64 migrations;
	u64 mirrored_pages;
	u64 invalidate_ns;
};

struct sgpu_svm {
	struct mmu_interval_notifier notifier;
	struct mm_struct *mm;		/* mmgrab()bed */
	unsigned long unmanaged_start;
	unsigned long unmanaged_end;	/* exclusive; == start: none */
	struct mutex lock;		/* page table and stats */
	struct xarray pt;		/* va >> PAGE_SHIFT -> xa value */
	struct sgpu_svm_stats stats;
};

/* Largest CPU mapping entered whole in the GPU page table (a PMD). */
#define SGPU_SVM_HUGE_ORDER	(PMD_SHIFT - PAGE_SHIFT)

/* Largest range one fault resolves, in pages (a PMD). */
#define SGPU_SVM_FAULT_PAGES	512

struct sgpu_svm *sgpu_svm_create(struct mm_struct *mm,
				 unsigned long unmanaged_start,
				 unsigned long unmanaged_size);
void sgpu_svm_destroy(struct sgpu_svm *svm);

static inline bool sgpu_svm_unmanaged(const struct sgpu_svm *svm,
				      unsigned long addr)
{
	return addr >= svm->unmanaged_start && addr < svm->unmanaged_end;
}

/*
 * sgpu_svm_lookup - the page mapped at @addr (page aligned), with @svm->lock
 * held; NULL when the GPU page table has no entry, or no writable one when
 * @write. *@flags gets the entry's SGPU_SVM_E_* flags.
 */
struct page *sgpu_svm_lookup(struct sgpu_svm *svm, unsigned long addr,
			     bool write, unsigned long *flags);

/*
 * sgpu_svm_fault - resolve a GPU fault at @addr (page aligned): mirror
 * the CPU mapping of [@addr, @end) (at most SGPU_SVM_FAULT_PAGES, clipped to
 * the VMA) into the GPU page table, writable if @write. Falls back to the
 * single page when the larger range cannot be faulted. Returns 0, -EFAULT
 * or -EPERM (the CPU mapping does not allow it), -EBUSY (no stable mapping
 * in time), -ESRCH (the address space is gone), -ENOMEM.
 */
int sgpu_svm_fault(struct sgpu_svm *svm, unsigned long addr,
		   unsigned long end, bool write);

/* One SGPU_PTE_* byte per page of the GPU page table into @out. */
void sgpu_svm_snapshot(struct sgpu_svm *svm, unsigned long addr,
		       unsigned long npages, u8 *out);
/* Same for the CPU page table, as HMM reports it without faulting. */
int sgpu_svm_snapshot_cpu(struct sgpu_svm *svm, unsigned long addr,
			  unsigned long npages, u8 *out);

void sgpu_svm_get_stats(struct sgpu_svm *svm, struct sgpu_svm_stats *out);

/*
 * Migration to the emulated VRAM (sgpu_vram.c): pages migrated, or
 * -EOPNOTSUPP when the device has no VRAM.
 */
bool sgpu_svm_can_migrate(void);
long sgpu_svm_migrate_to_vram(struct sgpu_svm *svm, unsigned long start,
			      unsigned long end);

#endif /* SGPU_SVM_H */
