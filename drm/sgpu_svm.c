// SPDX-License-Identifier: GPL-2.0-only
/*
 * sgpu SVM core: a GPU page table kept coherent with one process address
 * space. Faults go through the canonical HMM sequence
 *
 *	seq = mmu_interval_read_begin();
 *	mmap_read_lock(); hmm_range_fault(); mmap_read_unlock();
 *	lock(page table);
 *	if (mmu_interval_read_retry(seq)) { unlock; start again; }
 *	update the page table; unlock;
 *
 * and the mmu interval notifier removes entries under the same lock for
 * every reason the core MM invalidates (munmap, mprotect, madvise, COW,
 * migration, THP split, exit).
 */
#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "sgpu_svm.h"
#include "sgpu_vram.h"
#include "include/uapi/sgpu_drm.h"

static bool sgpu_svm_is_vram(struct page *page)
{
	return is_device_private_page(page) || is_device_coherent_page(page);
}

/* Remove the entries of [start, end); how many there were. */
static unsigned long sgpu_svm_clear(struct sgpu_svm *svm, unsigned long start,
				    unsigned long end)
{
	unsigned long first = start >> PAGE_SHIFT;
	unsigned long last = (end - 1) >> PAGE_SHIFT;
	unsigned long idx, n = 0;
	void *entry;

	lockdep_assert_held(&svm->lock);
	xa_for_each_range(&svm->pt, idx, entry, first, last) {
		xa_erase(&svm->pt, idx);
		n++;
	}
	if (n) {
		svm->stats.invalidations++;
		svm->stats.pages_invalidated += n;
		svm->stats.mirrored_pages -= n;
	}
	return n;
}

static bool sgpu_svm_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	struct sgpu_svm *svm = container_of(mni, struct sgpu_svm, notifier);

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&svm->lock);
	else if (!mutex_trylock(&svm->lock))
		return false;

	mmu_interval_set_seq(mni, cur_seq);
	if (range->end > range->start) {
		u64 t0 = ktime_get_ns();

		if (sgpu_svm_clear(svm, range->start, range->end))
			svm->stats.invalidate_ns += ktime_get_ns() - t0;
	}
	mutex_unlock(&svm->lock);
	return true;
}

static const struct mmu_interval_notifier_ops sgpu_svm_mni_ops = {
	.invalidate = sgpu_svm_invalidate,
};

struct sgpu_svm *sgpu_svm_create(struct mm_struct *mm,
				 unsigned long unmanaged_start,
				 unsigned long unmanaged_size)
{
	struct sgpu_svm *svm;
	int ret;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL);
	if (!svm)
		return ERR_PTR(-ENOMEM);
	mutex_init(&svm->lock);
	xa_init(&svm->pt);
	/* The window is rounded outwards to whole pages. */
	if (unmanaged_size) {
		svm->unmanaged_start = unmanaged_start & PAGE_MASK;
		svm->unmanaged_end = PAGE_ALIGN(unmanaged_start + unmanaged_size);
		if (!svm->unmanaged_end)
			svm->unmanaged_end = PAGE_MASK;
	}
	svm->mm = mm;
	mmgrab(mm);
	ret = mmu_interval_notifier_insert(&svm->notifier, mm, 0,
					   ULONG_MAX & PAGE_MASK,
					   &sgpu_svm_mni_ops);
	if (ret) {
		mmdrop(mm);
		kfree(svm);
		return ERR_PTR(ret);
	}
	return svm;
}

void sgpu_svm_destroy(struct sgpu_svm *svm)
{
	/* Waits for invalidations in flight; none can start afterwards. */
	mmu_interval_notifier_remove(&svm->notifier);
	xa_destroy(&svm->pt);
	mmdrop(svm->mm);
	mutex_destroy(&svm->lock);
	kfree(svm);
}

struct page *sgpu_svm_lookup(struct sgpu_svm *svm, unsigned long addr,
			     bool write, unsigned long *flags)
{
	struct page *page;
	void *entry;
	unsigned long v;

	lockdep_assert_held(&svm->lock);
	entry = xa_load(&svm->pt, addr >> PAGE_SHIFT);
	if (!entry)
		return NULL;
	v = xa_to_value(entry);
	if (write && !(v & SGPU_SVM_E_WRITE))
		return NULL;
	if (flags)
		*flags = v & ((1UL << SGPU_SVM_E_SHIFT) - 1);
	page = pfn_to_page(v >> SGPU_SVM_E_SHIFT);
	/* Device-private VRAM: the engine reaches its data elsewhere. */
	return v & SGPU_SVM_E_VRAM ? sgpu_vram_cpu_page(page) : page;
}

static int sgpu_svm_store(struct sgpu_svm *svm, unsigned long addr,
			  unsigned long v)
{
	void *old;

	/*
	 * No sleeping allocation here: reclaim may call the notifier, which
	 * takes svm->lock.
	 */
	old = xa_store(&svm->pt, addr >> PAGE_SHIFT, xa_mk_value(v), GFP_ATOMIC);
	if (xa_is_err(old))
		return xa_err(old);
	if (!old)
		svm->stats.mirrored_pages++;
	svm->stats.pages_faulted++;
	return 0;
}

/*
 * Enter what hmm_range_fault() found; svm->lock held, sequence checked.
 * A page the CPU maps huge (up to a PMD) is entered whole, as nouveau does:
 * the whole mapping has the same protections, and any change to part of it
 * splits it first, which invalidates all of it.
 */
static int sgpu_svm_update(struct sgpu_svm *svm, struct hmm_range *range)
{
	unsigned long npages = (range->end - range->start) >> PAGE_SHIFT;
	unsigned long i = 0;
	int ret;

	while (i < npages) {
		unsigned long hpfn = range->hmm_pfns[i];
		unsigned long addr = range->start + (i << PAGE_SHIFT);
		unsigned long first, count, pfn, v, j;
		unsigned int order;
		struct page *page;

		if (!(hpfn & HMM_PFN_VALID)) {
			i++;
			continue;
		}
		page = hmm_pfn_to_page(hpfn);
		pfn = page_to_pfn(page);
		v = 0;
		if (hpfn & HMM_PFN_WRITE)
			v |= SGPU_SVM_E_WRITE;
		if (sgpu_svm_is_vram(page))
			v |= SGPU_SVM_E_VRAM;
		order = hmm_pfn_to_map_order(hpfn);
		if (order && order <= SGPU_SVM_HUGE_ORDER) {
			v |= SGPU_SVM_E_HUGE;
			first = ALIGN_DOWN(addr, PAGE_SIZE << order);
			pfn -= (addr - first) >> PAGE_SHIFT;
			count = 1UL << order;
		} else {
			first = addr;
			count = 1;
		}
		for (j = 0; j < count; j++) {
			unsigned long a = first + (j << PAGE_SHIFT);

			if (sgpu_svm_unmanaged(svm, a))
				continue;
			ret = sgpu_svm_store(svm, a,
					     ((pfn + j) << SGPU_SVM_E_SHIFT) | v);
			if (ret)
				return ret;
		}
		/* next entry after this mapping, within the range */
		j = (first + (count << PAGE_SHIFT) - range->start) >> PAGE_SHIFT;
		i = max(i + 1, j);
	}
	return 0;
}

/*
 * The canonical loop. With @update false this is a snapshot: the range's
 * default_flags fault nothing in and the page table is not touched.
 */
static int sgpu_svm_range(struct sgpu_svm *svm, struct hmm_range *range,
			  unsigned long end, bool update)
{
	unsigned long timeout =
		jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct mm_struct *mm = svm->mm;
	struct vm_area_struct *vma;
	int ret;

	for (;;) {
		if (time_after(jiffies, timeout))
			return -EBUSY;
		range->notifier_seq = mmu_interval_read_begin(range->notifier);
		mmap_read_lock(mm);
		if (update) {
			vma = vma_lookup(mm, range->start);
			if (!vma) {
				mmap_read_unlock(mm);
				return -EFAULT;
			}
			range->end = min(end, vma->vm_end);
		}
		ret = hmm_range_fault(range);
		mmap_read_unlock(mm);
		if (ret) {
			if (ret == -EBUSY) {
				mutex_lock(&svm->lock);
				svm->stats.retries++;
				mutex_unlock(&svm->lock);
				continue;
			}
			return ret;
		}
		mutex_lock(&svm->lock);
		if (mmu_interval_read_retry(range->notifier,
					    range->notifier_seq)) {
			svm->stats.retries++;
			mutex_unlock(&svm->lock);
			continue;
		}
		break;
	}
	ret = update ? sgpu_svm_update(svm, range) : 0;
	mutex_unlock(&svm->lock);
	return ret;
}

static int sgpu_svm_fault_one(struct sgpu_svm *svm, unsigned long addr,
			      unsigned long end, bool write,
			      unsigned long *pfns)
{
	struct hmm_range range = {
		.notifier = &svm->notifier,
		.start = addr,
		.end = end,
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT |
				 (write ? HMM_PFN_REQ_WRITE : 0),
		/* sgpu's private VRAM pages stay where they are */
		.dev_private_owner = sgpu_vram_owner(),
	};

	return sgpu_svm_range(svm, &range, end, true);
}

int sgpu_svm_fault(struct sgpu_svm *svm, unsigned long addr,
		   unsigned long end, bool write)
{
	unsigned long *pfns;
	int ret;

	end = PAGE_ALIGN(end);
	if (end <= addr || end - addr > SGPU_SVM_FAULT_PAGES * PAGE_SIZE)
		end = addr + SGPU_SVM_FAULT_PAGES * PAGE_SIZE;
	if (end < addr)
		end = PAGE_MASK;
	/* Never mirror into the unmanaged window. */
	if (addr < svm->unmanaged_start && end > svm->unmanaged_start)
		end = svm->unmanaged_start;

	pfns = kmalloc_array((end - addr) >> PAGE_SHIFT, sizeof(*pfns),
			     GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;

	mutex_lock(&svm->lock);
	svm->stats.faults++;
	mutex_unlock(&svm->lock);

	if (!mmget_not_zero(svm->mm)) {
		ret = -ESRCH;
		goto out;
	}
	ret = sgpu_svm_fault_one(svm, addr, end, write, pfns);
	/* Part of a larger range may be unmappable: try the page alone. */
	if ((ret == -EFAULT || ret == -EPERM) && end - addr > PAGE_SIZE)
		ret = sgpu_svm_fault_one(svm, addr, addr + PAGE_SIZE, write,
					 pfns);
	mmput(svm->mm);
out:
	if (ret) {
		mutex_lock(&svm->lock);
		svm->stats.faults_failed++;
		mutex_unlock(&svm->lock);
	}
	kfree(pfns);
	return ret;
}

void sgpu_svm_snapshot(struct sgpu_svm *svm, unsigned long addr,
		       unsigned long npages, u8 *out)
{
	unsigned long i, flags;
	struct page *page;

	mutex_lock(&svm->lock);
	for (i = 0; i < npages; i++, addr += PAGE_SIZE) {
		u8 code = SGPU_PTE_NONE;

		page = sgpu_svm_lookup(svm, addr, false, &flags);
		if (page) {
			code = SGPU_PTE_READ;
			if (flags & SGPU_SVM_E_WRITE)
				code |= SGPU_PTE_WRITE;
			if (flags & SGPU_SVM_E_HUGE)
				code |= SGPU_PTE_HUGE;
			if (flags & SGPU_SVM_E_VRAM)
				code |= SGPU_PTE_VRAM;
		}
		if (sgpu_svm_unmanaged(svm, addr))
			code |= SGPU_PTE_UNMANAGED;
		out[i] = code;
	}
	mutex_unlock(&svm->lock);
}

int sgpu_svm_snapshot_cpu(struct sgpu_svm *svm, unsigned long addr,
			  unsigned long npages, u8 *out)
{
	struct hmm_range range = {
		.notifier = &svm->notifier,
		.start = addr,
		.end = addr + npages * PAGE_SIZE,
		.dev_private_owner = sgpu_vram_owner(),
	};
	unsigned long i, *pfns;
	int ret;

	pfns = kmalloc_array(npages, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	range.hmm_pfns = pfns;
	if (!mmget_not_zero(svm->mm)) {
		kfree(pfns);
		return -ESRCH;
	}
	ret = sgpu_svm_range(svm, &range, range.end, false);
	mmput(svm->mm);
	for (i = 0; !ret && i < npages; i++) {
		unsigned long h = pfns[i];
		u8 code = SGPU_PTE_NONE;

		if (h & HMM_PFN_ERROR) {
			code = SGPU_PTE_ERROR;
		} else if (h & HMM_PFN_VALID) {
			code = SGPU_PTE_READ;
			if (h & HMM_PFN_WRITE)
				code |= SGPU_PTE_WRITE;
			if (hmm_pfn_to_map_order(h))
				code |= SGPU_PTE_HUGE;
			if (sgpu_svm_is_vram(hmm_pfn_to_page(h)))
				code |= SGPU_PTE_VRAM;
		}
		if (sgpu_svm_unmanaged(svm, addr + i * PAGE_SIZE))
			code |= SGPU_PTE_UNMANAGED;
		out[i] = code;
	}
	kfree(pfns);
	return ret;
}

void sgpu_svm_get_stats(struct sgpu_svm *svm, struct sgpu_svm_stats *out)
{
	mutex_lock(&svm->lock);
	*out = svm->stats;
	mutex_unlock(&svm->lock);
}

bool sgpu_svm_can_migrate(void)
{
	return sgpu_vram_present();
}

long sgpu_svm_migrate_to_vram(struct sgpu_svm *svm, unsigned long start,
			      unsigned long end)
{
	bool full = false;
	long ret;

	if (!sgpu_vram_present())
		return -EOPNOTSUPP;
	if (!mmget_not_zero(svm->mm))
		return -ESRCH;
	/*
	 * migrate_vma_setup() invalidates what it moves: the notifier drops
	 * the GPU entries and the next GPU access faults the VRAM pages in.
	 */
	ret = sgpu_vram_migrate(svm->mm, start, end, &full);
	mmput(svm->mm);
	if (ret > 0) {
		mutex_lock(&svm->lock);
		svm->stats.migrations += ret;
		mutex_unlock(&svm->lock);
	}
	return ret;
}
