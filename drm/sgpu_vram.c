// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated VRAM of sgpu (see sgpu_vram.h): ZONE_DEVICE pages, a free list,
 * and migration to and from it. Two kinds:
 *  - MEMORY_DEVICE_COHERENT over a physical range reserved at boot: the
 *    pages are the memory (the CPU reaches them directly);
 *  - MEMORY_DEVICE_PRIVATE over a free physical address range (kernels with
 *    CONFIG_DEVICE_PRIVATE): the pages have no memory behind them, so each
 *    has a system page standing for its VRAM, and a CPU access faults
 *    through migrate_to_ram() back to system memory.
 */
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "sgpu_vram.h"

/* Pages migrated by one migrate_vma_setup() call. */
#define SGPU_MIGRATE_PAGES	64

struct sgpu_vram {
	struct dev_pagemap pgmap;
	spinlock_t lock;		/* the free list */
	struct page *free;		/* linked through zone_device_data */
	unsigned long nfree;
	unsigned long npages;
	unsigned long first_pfn;
	struct page **backing;		/* DEVICE_PRIVATE: the "VRAM" itself */
	struct resource *res;		/* DEVICE_PRIVATE: the address range */
	struct mutex evict_lock;	/* the eviction clock */
	unsigned long evict_hand;	/* where the next eviction looks first */
	atomic_long_t generation;	/* of migrations: who brought a page in */
};

static struct sgpu_vram *sgpu_vram;

static void sgpu_vram_page_free(struct page *page)
{
	struct sgpu_vram *vram = container_of(page->pgmap, struct sgpu_vram,
					      pgmap);

	spin_lock(&vram->lock);
	page->zone_device_data = vram->free;
	vram->free = page;
	vram->nfree++;
	spin_unlock(&vram->lock);
}

static void sgpu_vram_free_backing(struct sgpu_vram *vram, unsigned long n)
{
	unsigned long i;

	if (!vram->backing)
		return;
	for (i = 0; i < n; i++)
		if (vram->backing[i])
			__free_page(vram->backing[i]);
	kvfree(vram->backing);
	vram->backing = NULL;
}

static bool sgpu_vram_private(const struct sgpu_vram *vram)
{
	return vram->pgmap.type == MEMORY_DEVICE_PRIVATE;
}

/* Where the data of a VRAM page lives, for the CPU. */
static struct page *sgpu_vram_data(struct sgpu_vram *vram, struct page *page)
{
	if (!sgpu_vram_private(vram))
		return page;
	return vram->backing[page_to_pfn(page) - vram->first_pfn];
}

struct page *sgpu_vram_cpu_page(struct page *page)
{
	struct sgpu_vram *vram = sgpu_vram;

	if (!vram || !is_zone_device_page(page) || page->pgmap != &vram->pgmap)
		return page;
	return sgpu_vram_data(vram, page);
}

void *sgpu_vram_owner(void)
{
	return sgpu_vram;
}

bool sgpu_vram_is_private(void)
{
	return sgpu_vram && sgpu_vram_private(sgpu_vram);
}

/*
 * A CPU access to a DEVICE_PRIVATE page: bring the page back to system
 * memory. Invalidates (MMU_NOTIFY_MIGRATE), so the GPU page table follows.
 */
static vm_fault_t sgpu_vram_migrate_to_ram(struct vm_fault *vmf)
{
	struct sgpu_vram *vram = container_of(vmf->page->pgmap,
					      struct sgpu_vram, pgmap);
	unsigned long src = 0, dst = 0;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = vmf->address & PAGE_MASK,
		.end = (vmf->address & PAGE_MASK) + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.pgmap_owner = vram,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	struct page *spage, *dpage;

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;
	spage = migrate_pfn_to_page(src);
	if (spage && (src & MIGRATE_PFN_MIGRATE)) {
		dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vmf->vma,
				       vmf->address);
		if (!dpage) {
			migrate_vma_finalize(&args);
			return VM_FAULT_OOM;
		}
		lock_page(dpage);
		copy_highpage(dpage, sgpu_vram_data(vram, spage));
		dst = migrate_pfn(page_to_pfn(dpage));
		if (src & MIGRATE_PFN_WRITE)
			dst |= MIGRATE_PFN_WRITE;
	}
	migrate_vma_pages(&args);
	migrate_vma_finalize(&args);
	return 0;
}

static const struct dev_pagemap_ops sgpu_vram_coherent_ops = {
	.page_free = sgpu_vram_page_free,
};

static const struct dev_pagemap_ops sgpu_vram_private_ops = {
	.page_free = sgpu_vram_page_free,
	.migrate_to_ram = sgpu_vram_migrate_to_ram,
};

/*
 * A page of VRAM with one reference, locked (as migration wants it), tagged
 * with the generation of the migration that takes it.
 */
static struct page *sgpu_vram_alloc(struct sgpu_vram *vram, unsigned long gen)
{
	struct page *page;

	spin_lock(&vram->lock);
	page = vram->free;
	if (page) {
		vram->free = page->zone_device_data;
		vram->nfree--;
	}
	spin_unlock(&vram->lock);
	if (page) {
		page->zone_device_data = (void *)gen;
		zone_device_page_init(page);
	}
	return page;
}

/* DEVICE_PRIVATE: a free physical range and the memory standing for it. */
static int sgpu_vram_init_private(struct sgpu_vram *vram, u64 size)
{
	unsigned long i, n = size >> PAGE_SHIFT;

	if (!IS_ENABLED(CONFIG_DEVICE_PRIVATE)) {
		pr_err("sgpu: this kernel has no CONFIG_DEVICE_PRIVATE: give vram_base (a range kept with memmap=) for device-coherent VRAM\n");
		return -EOPNOTSUPP;
	}
	vram->res = request_free_mem_region(&iomem_resource, size, "sgpu-vram");
	if (IS_ERR_OR_NULL(vram->res))
		return vram->res ? PTR_ERR(vram->res) : -ENOMEM;
	vram->backing = kvcalloc(n, sizeof(*vram->backing), GFP_KERNEL);
	if (!vram->backing)
		goto fail;
	for (i = 0; i < n; i++) {
		vram->backing[i] = alloc_page(GFP_HIGHUSER);
		if (!vram->backing[i])
			goto fail;
	}
	vram->pgmap.type = MEMORY_DEVICE_PRIVATE;
	vram->pgmap.range.start = vram->res->start;
	vram->pgmap.range.end = vram->res->end;
	vram->pgmap.ops = &sgpu_vram_private_ops;
	return 0;
fail:
	sgpu_vram_free_backing(vram, n);
	release_mem_region(vram->res->start, resource_size(vram->res));
	return -ENOMEM;
}

static int sgpu_vram_init_coherent(struct sgpu_vram *vram, u64 base, u64 size)
{
	/* Checked here: memremap_pages() would WARN on System RAM. */
	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("sgpu: VRAM range %#llx+%#llx is System RAM: boot with memmap=%lluM$%#llx\n",
		       base, size, size >> 20, base);
		return -EINVAL;
	}
	vram->pgmap.type = MEMORY_DEVICE_COHERENT;
	vram->pgmap.range.start = base;
	vram->pgmap.range.end = base + size - 1;
	vram->pgmap.ops = &sgpu_vram_coherent_ops;
	return 0;
}

int sgpu_vram_init(u64 base, u64 size)
{
	struct sgpu_vram *vram;
	unsigned long pfn, last;
	void *addr;
	int ret;

	if (!size)
		return 0;
	/* ZONE_DEVICE memory is added in 2 MiB subsections. */
	if (!IS_ALIGNED(base, SZ_2M) || !IS_ALIGNED(size, SZ_2M) ||
	    base + size < base) {
		pr_err("sgpu: vram_base and vram_size must be 2 MiB aligned\n");
		return -EINVAL;
	}
	vram = kzalloc(sizeof(*vram), GFP_KERNEL);
	if (!vram)
		return -ENOMEM;
	spin_lock_init(&vram->lock);
	mutex_init(&vram->evict_lock);
	atomic_long_set(&vram->generation, 0);
	ret = base ? sgpu_vram_init_coherent(vram, base, size) :
		     sgpu_vram_init_private(vram, size);
	if (ret)
		goto fail;
	vram->pgmap.nr_range = 1;
	vram->pgmap.owner = vram;
	vram->npages = size >> PAGE_SHIFT;
	vram->first_pfn = vram->pgmap.range.start >> PAGE_SHIFT;
	addr = memremap_pages(&vram->pgmap, numa_node_id());
	if (IS_ERR(addr)) {
		ret = PTR_ERR(addr);
		goto fail_private;
	}
	last = vram->first_pfn + vram->npages;
	for (pfn = last; pfn-- > vram->first_pfn;) {
		struct page *page = pfn_to_page(pfn);

		page->zone_device_data = vram->free;
		vram->free = page;
	}
	vram->nfree = vram->npages;
	sgpu_vram = vram;
	return 0;

fail_private:
	if (vram->res) {
		sgpu_vram_free_backing(vram, vram->npages);
		release_mem_region(vram->res->start, resource_size(vram->res));
	}
fail:
	kfree(vram);
	return ret;
}

/*
 * The VRAM pages that migrate_device_range() collected in @src back to
 * system memory: a page that cannot be had (without __GFP_NOFAIL in @gfp)
 * leaves its VRAM page where it is. Returns the pages moved.
 */
static unsigned long sgpu_vram_evict_pages(struct sgpu_vram *vram,
					   unsigned long *src, unsigned long *dst,
					   unsigned long n, gfp_t gfp)
{
	unsigned long i, moved = 0;

	for (i = 0; i < n; i++) {
		struct page *spage = migrate_pfn_to_page(src[i]);
		struct page *dpage;

		dst[i] = 0;
		if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = alloc_page(gfp);
		if (!dpage)
			continue;
		lock_page(dpage);
		copy_highpage(dpage, sgpu_vram_data(vram, spage));
		dst[i] = migrate_pfn(page_to_pfn(dpage));
		if (src[i] & MIGRATE_PFN_WRITE)
			dst[i] |= MIGRATE_PFN_WRITE;
	}
	migrate_device_pages(src, dst, n);
	for (i = 0; i < n; i++)
		if (dst[i] && (src[i] & MIGRATE_PFN_MIGRATE))
			moved++;
	migrate_device_finalize(src, dst, n);
	return moved;
}

/*
 * Make room for @want pages when VRAM is full: move pages in use back to
 * system memory, going round VRAM like a clock from where the last
 * eviction stopped, so the pages longest without their turn go first.
 * Pages that the running migration (@gen) brought in stay: one SVM_BIND
 * larger than VRAM fills it rather than chasing its own tail. The owners'
 * CPU and GPU mappings follow through the usual invalidation
 * (MMU_NOTIFY_MIGRATE). Returns the pages freed.
 */
static unsigned long sgpu_vram_evict(struct sgpu_vram *vram, unsigned long want,
				     unsigned long gen)
{
	unsigned long scanned, freed = 0;

	mutex_lock(&vram->evict_lock);
	for (scanned = 0; scanned < vram->npages && freed < want; scanned++) {
		unsigned long pfn = vram->first_pfn + vram->evict_hand;
		struct page *page = pfn_to_page(pfn);
		unsigned long src = 0, dst = 0;

		vram->evict_hand = (vram->evict_hand + 1) % vram->npages;
		/* Free pages have no reference; ours carry our generation. */
		if (!page_ref_count(page) ||
		    (unsigned long)READ_ONCE(page->zone_device_data) == gen)
			continue;
		if (migrate_device_range(&src, pfn, 1))
			continue;
		freed += sgpu_vram_evict_pages(vram, &src, &dst, 1,
					       GFP_HIGHUSER_MOVABLE);
		cond_resched();
	}
	mutex_unlock(&vram->evict_lock);
	return freed;
}

/* Migrate every page still in use back to system memory, then unmap. */
void sgpu_vram_fini(void)
{
	struct sgpu_vram *vram = sgpu_vram;
	unsigned long n, *src, *dst;

	if (!vram)
		return;
	n = vram->npages;
	src = kvcalloc(n, sizeof(*src), GFP_KERNEL | __GFP_NOFAIL);
	dst = kvcalloc(n, sizeof(*dst), GFP_KERNEL | __GFP_NOFAIL);
	migrate_device_range(src, vram->pgmap.range.start >> PAGE_SHIFT, n);
	sgpu_vram_evict_pages(vram, src, dst, n,
			      GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL);
	kvfree(src);
	kvfree(dst);
	memunmap_pages(&vram->pgmap);
	sgpu_vram = NULL;
	if (vram->res) {
		sgpu_vram_free_backing(vram, vram->npages);
		release_mem_region(vram->res->start, resource_size(vram->res));
	}
	kfree(vram);
}

bool sgpu_vram_present(void)
{
	return sgpu_vram;
}

u64 sgpu_vram_size(void)
{
	return sgpu_vram ? (u64)sgpu_vram->npages << PAGE_SHIFT : 0;
}

u64 sgpu_vram_free_pages(void)
{
	u64 n;

	if (!sgpu_vram)
		return 0;
	spin_lock(&sgpu_vram->lock);
	n = sgpu_vram->nfree;
	spin_unlock(&sgpu_vram->lock);
	return n;
}

/* One migrate_vma_setup() batch: [start, end) inside @vma. */
static long sgpu_vram_migrate_batch(struct sgpu_vram *vram,
				    struct vm_area_struct *vma,
				    unsigned long start, unsigned long end,
				    unsigned long *src, unsigned long *dst,
				    unsigned long gen, bool *full)
{
	struct migrate_vma args = {
		.vma = vma,
		.src = src,
		.dst = dst,
		.start = start,
		.end = end,
		.pgmap_owner = vram,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	unsigned long i, npages = (end - start) >> PAGE_SHIFT;
	long done = 0;

	memset(dst, 0, npages * sizeof(*dst));
	if (migrate_vma_setup(&args))
		return 0;
	if (!args.cpages) {
		migrate_vma_finalize(&args);
		return 0;
	}
	for (i = 0; i < npages; i++) {
		struct page *spage, *dpage;

		if (!(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		spage = migrate_pfn_to_page(src[i]);
		if (spage && is_zone_device_page(spage))
			continue;
		dpage = sgpu_vram_alloc(vram, gen);
		if (!dpage) {
			*full = true;
			continue;
		}
		if (spage)
			copy_highpage(sgpu_vram_data(vram, dpage), spage);
		else
			clear_highpage(sgpu_vram_data(vram, dpage));
		dst[i] = migrate_pfn(page_to_pfn(dpage));
		if ((src[i] & MIGRATE_PFN_WRITE) ||
		    (!spage && (vma->vm_flags & VM_WRITE)))
			dst[i] |= MIGRATE_PFN_WRITE;
	}
	migrate_vma_pages(&args);
	for (i = 0; i < npages; i++)
		if (dst[i] && (src[i] & MIGRATE_PFN_MIGRATE))
			done++;
	/* Unlocks and releases the pages, ours that did not move included. */
	migrate_vma_finalize(&args);
	return done;
}

long sgpu_vram_migrate(struct mm_struct *mm, unsigned long start,
		       unsigned long end, bool *full)
{
	struct sgpu_vram *vram = sgpu_vram;
	unsigned long addr, next, *src, *dst, gen;
	long done = 0;

	if (!vram)
		return -EOPNOTSUPP;
	/* Never 0, and never a page pointer (the free list's links). */
	gen = ((unsigned long)atomic_long_inc_return(&vram->generation) << 1) | 1;
	src = kmalloc_array(2 * SGPU_MIGRATE_PAGES, sizeof(*src), GFP_KERNEL);
	if (!src)
		return -ENOMEM;
	dst = src + SGPU_MIGRATE_PAGES;
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		struct vm_area_struct *vma;

		vma = find_vma_intersection(mm, addr, end);
		if (!vma)
			break;
		addr = max(addr, vma->vm_start);
		next = min3(end, vma->vm_end,
			    addr + SGPU_MIGRATE_PAGES * PAGE_SIZE);
		if (sgpu_vram_free_pages() < (next - addr) >> PAGE_SHIFT)
			sgpu_vram_evict(vram, (next - addr) >> PAGE_SHIFT, gen);
		done += sgpu_vram_migrate_batch(vram, vma, addr, next, src, dst,
						gen, full);
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	mmap_read_unlock(mm);
	kfree(src);
	return done;
}
