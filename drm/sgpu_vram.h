/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated VRAM: ZONE_DEVICE pages and migration of process memory into
 * them with migrate_vma_*(). Two kinds, chosen at load time:
 *  - base != 0: MEMORY_DEVICE_COHERENT over physical memory kept from the
 *    kernel at boot (memmap=SIZE$BASE). The CPU still reaches the pages
 *    directly, so this works without CONFIG_DEVICE_PRIVATE (Debian's
 *    kernels).
 *  - base == 0: MEMORY_DEVICE_PRIVATE (CONFIG_DEVICE_PRIVATE kernels):
 *    the CPU cannot reach the pages; its accesses migrate them back.
 * Pages return to the pool when the process frees them, or when a
 * migration needs room (eviction); unloading the module migrates whatever
 * is still in use back to system memory.
 */
#ifndef SGPU_VRAM_H
#define SGPU_VRAM_H

#include <linux/types.h>

struct mm_struct;

/* 0 and no VRAM when @size is 0; -errno when the range cannot be used. */
int sgpu_vram_init(u64 base, u64 size);
struct page;
void sgpu_vram_fini(void);

bool sgpu_vram_present(void);
u64 sgpu_vram_size(void);
u64 sgpu_vram_free_pages(void);
bool sgpu_vram_is_private(void);
/* The owner of sgpu's device pages (hmm_range.dev_private_owner); or NULL */
void *sgpu_vram_owner(void);
/* The page holding the data of @page for the CPU (itself unless private) */
struct page *sgpu_vram_cpu_page(struct page *page);

/*
 * Migrate the anonymous memory of [@start, @end) (page aligned) to VRAM,
 * best effort: pages already there, file pages and pinned pages are left
 * where they are. When VRAM is full, pages that earlier migrations brought
 * in (of any process) go back to system memory to make room; what this
 * migration brought in stays, so what no longer fits beside it is left in
 * system memory. Takes mmap_read_lock(@mm). Returns the number of pages
 * migrated (and sets *@full when VRAM ran out), or -EOPNOTSUPP without VRAM.
 */
long sgpu_vram_migrate(struct mm_struct *mm, unsigned long start,
		       unsigned long end, bool *full);

#endif /* SGPU_VRAM_H */
