// SPDX-License-Identifier: MIT
/* libdrm_svm: SVM_INIT, the unmanaged window, migration, residency, counters. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* process_vm_readv, F_DUPFD_CLOEXEC, MAP_NORESERVE */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "drm_svm_priv.h"

/* The public constants are sgpu's uAPI values: snapshots pass through. */
_Static_assert(DRM_SVM_PTE_READ == SGPU_PTE_READ, "PTE bits");
_Static_assert(DRM_SVM_PTE_WRITE == SGPU_PTE_WRITE, "PTE bits");
_Static_assert(DRM_SVM_PTE_HUGE == SGPU_PTE_HUGE, "PTE bits");
_Static_assert(DRM_SVM_PTE_VRAM == SGPU_PTE_VRAM, "PTE bits");
_Static_assert(DRM_SVM_PTE_UNMANAGED == SGPU_PTE_UNMANAGED, "PTE bits");
_Static_assert(DRM_SVM_PTE_ERROR == SGPU_PTE_ERROR, "PTE bits");
_Static_assert(DRM_SVM_SNAPSHOT_CPU == SGPU_SNAPSHOT_CPU, "snapshot flags");
_Static_assert(sizeof(struct drm_svm_counters) ==
	       sizeof(struct drm_sgpu_counters), "counters");

/* Pages per SNAPSHOT call (the kernel takes up to 1 << 24). */
#define SNAPSHOT_CALL_PAGES	(1ull << 20)
/* Pages of the snapshot buffer drm_svm_residency() and migration use. */
#define SCAN_PAGES		4096u
#define TOUCH_BATCH		256u

int drm_svm__check_range(uint64_t page_size, uint64_t addr, uint64_t size)
{
	if (!page_size || (page_size & (page_size - 1)))
		return -EINVAL;
	if (!size || (addr | size) & (page_size - 1))
		return -EINVAL;
	if (addr + size < addr)
		return -EINVAL;
	return 0;
}

uint64_t drm_svm__bind_header(unsigned int priority)
{
	return ((uint64_t)SGPU_SVM_BIND_COMMAND__MIGRATE
		<< SGPU_SVM_BIND_COMMAND_SHIFT) |
	       ((uint64_t)(priority & SGPU_SVM_BIND_PRIORITY_MASK)
		<< SGPU_SVM_BIND_PRIORITY_SHIFT) |
	       ((uint64_t)SGPU_SVM_BIND_TARGET__GPU_VRAM
		<< SGPU_SVM_BIND_TARGET_SHIFT);
}

int drm_svm__encode_bind(uint64_t addr, uint64_t size, unsigned int priority,
			 struct drm_sgpu_svm_bind *bind)
{
	if (priority > DRM_SVM_PRIORITY_MAX)
		return -EINVAL;
	memset(bind, 0, sizeof(*bind));
	bind->header = drm_svm__bind_header(priority);
	bind->va_start = addr;
	bind->va_end = addr + size;
	return 0;
}

/* ---- init and the window ------------------------------------------------ */

DRM_SVM_EXPORT int drm_svm_init(struct drm_svm_device *dev,
				uint64_t unmanaged_addr,
				uint64_t unmanaged_size)
{
	struct drm_sgpu_svm_init args = { .unmanaged_addr = unmanaged_addr,
					  .unmanaged_size = unmanaged_size };
	int ret;

	if (!dev)
		return -EINVAL;
	if (unmanaged_size &&
	    drm_svm__check_range(dev->caps.page_size, unmanaged_addr,
				 unmanaged_size))
		return -EINVAL;
	if (!unmanaged_size && unmanaged_addr)
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	if (dev->initialized) {
		ret = -EBUSY;
	} else {
		ret = dev->ioctl(dev->fd, DRM_IOCTL_SGPU_SVM_INIT, &args);
		if (ret == 0) {
			dev->initialized = 1;
			dev->win_addr = unmanaged_addr;
			dev->win_size = unmanaged_size;
		}
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

DRM_SVM_EXPORT int drm_svm_window_reserve(uint64_t size, uint64_t align,
					  void **addr)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t base, start;
	uint64_t total;
	void *p;

	if (!addr || page <= 0 || drm_svm__check_range((uint64_t)page, 0, size))
		return -EINVAL;
	if (align < (uint64_t)page)
		align = (uint64_t)page;
	if (align & (align - 1))
		return -EINVAL;
	total = size + align - (uint64_t)page;
	if (total < size || total > SIZE_MAX)
		return -ENOMEM;
	p = mmap(NULL, (size_t)total, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	base = (uintptr_t)p;
	start = (base + align - 1) & ~(uintptr_t)(align - 1);
	/* Give back the slack before and after the aligned window. */
	if (start > base)
		munmap(p, start - base);
	if (base + total > start + size)
		munmap((void *)(start + size), base + total - (start + size));
	*addr = (void *)start;
	return 0;
}

DRM_SVM_EXPORT int drm_svm_window_release(void *addr, uint64_t size)
{
	long page = sysconf(_SC_PAGESIZE);

	if (!addr || page <= 0 ||
	    drm_svm__check_range((uint64_t)page, (uintptr_t)addr, size) ||
	    size > SIZE_MAX)
		return -EINVAL;
	return munmap(addr, (size_t)size) ? -errno : 0;
}

DRM_SVM_EXPORT int drm_svm_init_reserved(struct drm_svm_device *dev,
					 uint64_t size, uint64_t align,
					 void **window)
{
	void *addr;
	int ret;

	if (!dev)
		return -EINVAL;
	ret = drm_svm_window_reserve(size, align, &addr);
	if (ret)
		return ret;
	ret = drm_svm_init(dev, (uintptr_t)addr, size);
	if (ret) {
		drm_svm_window_release(addr, size);
		return ret;
	}
	pthread_mutex_lock(&dev->lock);
	dev->win_owned = 1;
	pthread_mutex_unlock(&dev->lock);
	if (window)
		*window = addr;
	return 0;
}

DRM_SVM_EXPORT int drm_svm_get_window(struct drm_svm_device *dev,
				      uint64_t *addr, uint64_t *size)
{
	int ret = -EINVAL;

	if (!dev || !addr || !size)
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	if (dev->initialized) {
		*addr = dev->win_addr;
		*size = dev->win_size;
		ret = 0;
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

/* ---- snapshots ---------------------------------------------------------- */

static int snapshot_checked(struct drm_svm_device *dev, uint64_t addr,
			    uint64_t npages, uint8_t *out, uint32_t flags)
{
	uint64_t done = 0, page = dev->caps.page_size;
	int ret;

	while (done < npages) {
		uint64_t n = npages - done;
		struct drm_sgpu_snapshot s;

		if (n > SNAPSHOT_CALL_PAGES)
			n = SNAPSHOT_CALL_PAGES;
		memset(&s, 0, sizeof(s));
		s.addr = addr + done * page;
		s.npages = n;
		s.ptr = (uintptr_t)(out + done);
		s.flags = flags;
		ret = dev->ioctl(dev->fd, DRM_IOCTL_SGPU_SNAPSHOT, &s);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

/* Checks shared by snapshot and residency; the range in pages. */
static int snapshot_args(struct drm_svm_device *dev, uint64_t addr,
			 uint64_t size, uint32_t flags)
{
	if (flags & ~DRM_SVM_SNAPSHOT_CPU)
		return -EINVAL;
	if (drm_svm__check_range(dev->caps.page_size, addr, size))
		return -EINVAL;
	if (!(dev->caps.flags & DRM_SVM_CAP_SNAPSHOT))
		return -EOPNOTSUPP;
	return 0;
}

DRM_SVM_EXPORT int drm_svm_snapshot(struct drm_svm_device *dev,
				    const void *addr, uint64_t npages,
				    uint8_t *out, uint32_t flags)
{
	int ret;

	if (!dev || !out || !npages)
		return -EINVAL;
	if (npages > UINT64_MAX / dev->caps.page_size)
		return -EINVAL;
	ret = snapshot_args(dev, (uintptr_t)addr, npages * dev->caps.page_size,
			    flags);
	if (ret)
		return ret;
	return snapshot_checked(dev, (uintptr_t)addr, npages, out, flags);
}

DRM_SVM_EXPORT int drm_svm_residency(struct drm_svm_device *dev,
				     const void *addr, uint64_t size,
				     uint32_t flags,
				     struct drm_svm_residency *res)
{
	uint64_t page, npages, done = 0;
	uint8_t *buf;
	int ret;

	if (!dev || !res)
		return -EINVAL;
	ret = snapshot_args(dev, (uintptr_t)addr, size, flags);
	if (ret)
		return ret;
	buf = malloc(SCAN_PAGES);
	if (!buf)
		return -ENOMEM;
	page = dev->caps.page_size;
	npages = size / page;
	memset(res, 0, sizeof(*res));
	res->pages = npages;
	while (done < npages) {
		uint64_t i, n = npages - done;

		if (n > SCAN_PAGES)
			n = SCAN_PAGES;
		ret = snapshot_checked(dev, (uintptr_t)addr + done * page, n,
				       buf, flags);
		if (ret)
			break;
		for (i = 0; i < n; i++) {
			uint8_t c = buf[i];

			res->mapped += !!(c & DRM_SVM_PTE_READ);
			res->writable += !!(c & DRM_SVM_PTE_WRITE);
			res->huge += !!(c & DRM_SVM_PTE_HUGE);
			res->vram += !!(c & DRM_SVM_PTE_VRAM);
			res->unmanaged += !!(c & DRM_SVM_PTE_UNMANAGED);
			res->error += !!(c & DRM_SVM_PTE_ERROR);
		}
		done += n;
	}
	free(buf);
	if (ret)
		memset(res, 0, sizeof(*res));
	return ret;
}

/* ---- migration ---------------------------------------------------------- */

/* One byte of each page through /proc/self/mem: where process_vm_readv is
 * not built into the kernel. */
static int64_t touch_proc_mem(uint64_t page_size, uint64_t addr,
			      uint64_t npages)
{
	int64_t reached = 0;
	uint64_t i;
	char byte;
	int fd;

	fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < npages; i++)
		if (pread(fd, &byte, 1, (off_t)(addr + i * page_size)) == 1)
			reached++;
	close(fd);
	return reached;
}

int64_t drm_svm__touch_pages(uint64_t page_size, uint64_t addr,
			     uint64_t npages)
{
	struct iovec remote[TOUCH_BATCH], local;
	char scratch[TOUCH_BATCH];
	pid_t self = getpid();
	int64_t reached = 0;
	uint64_t i = 0;

	local.iov_base = scratch;
	while (i < npages) {
		uint64_t j, n = npages - i;
		ssize_t got;

		if (n > TOUCH_BATCH)
			n = TOUCH_BATCH;
		for (j = 0; j < n; j++) {
			remote[j].iov_base = (void *)(uintptr_t)(addr + (i + j) * page_size);
			remote[j].iov_len = 1;
		}
		local.iov_len = n;
		got = process_vm_readv(self, &local, 1, remote, n, 0);
		if (got < 0 && errno == ENOSYS)
			return reached + touch_proc_mem(page_size,
					addr + i * page_size, npages - i);
		if (got < 0)
			got = 0;	/* the first page is inaccessible */
		reached += got;
		/* A short read stops at an inaccessible page: skip it. */
		i += (uint64_t)got < n ? (uint64_t)got + 1 : n;
	}
	return reached;
}

/* Pages of the range in VRAM as the CPU sees them (sgpu). */
static int count_vram_cpu(struct drm_svm_device *dev, uint64_t addr,
			  uint64_t size, uint64_t *vram)
{
	struct drm_svm_residency r;
	int ret;

	memset(&r, 0, sizeof(r));
	ret = drm_svm_residency(dev, (const void *)(uintptr_t)addr, size,
				DRM_SVM_SNAPSHOT_CPU, &r);
	*vram = r.vram;
	return ret;
}

static int migrate_to_system(struct drm_svm_device *dev, uint64_t addr,
			     uint64_t size, uint64_t *pages)
{
	uint64_t before = 0, after = 0;
	int64_t reached;
	int ret;

	if (dev->driver == DRM_SVM_DRIVER_SGPU) {
		/* Also the "no SVM_INIT" check, as SVM_BIND has it. */
		ret = count_vram_cpu(dev, addr, size, &before);
		if (ret)
			return ret;
		if (!(dev->caps.flags & DRM_SVM_CAP_DEVICE_PRIVATE) || !before)
			return 0;	/* coherent VRAM: the CPU's already */
	}
	reached = drm_svm__touch_pages(dev->caps.page_size, addr,
				       size / dev->caps.page_size);
	if (reached < 0)
		return (int)reached;
	if (dev->driver == DRM_SVM_DRIVER_SGPU) {
		ret = count_vram_cpu(dev, addr, size, &after);
		if (ret)
			return ret;
		*pages = before > after ? before - after : 0;
	}
	return 0;
}

DRM_SVM_EXPORT int drm_svm_migrate(struct drm_svm_device *dev,
				   const void *addr, uint64_t size,
				   enum drm_svm_target target,
				   unsigned int priority, uint32_t flags,
				   uint64_t *pages)
{
	struct drm_sgpu_svm_bind bind;
	uint64_t moved = 0;
	int ret;

	if (pages)
		*pages = 0;
	if (!dev || flags)
		return -EINVAL;
	if (drm_svm__check_range(dev->caps.page_size, (uintptr_t)addr, size))
		return -EINVAL;
	if (priority > DRM_SVM_PRIORITY_MAX)
		return -EINVAL;
	switch (target) {
	case DRM_SVM_TARGET_VRAM:
		ret = drm_svm__encode_bind((uintptr_t)addr, size, priority,
					   &bind);
		if (ret)
			return ret;
		ret = dev->ioctl(dev->fd, DRM_IOCTL_SGPU_SVM_BIND, &bind);
		if (ret)
			return ret;
		if (dev->caps.flags & DRM_SVM_CAP_MIGRATE_COUNT)
			moved = bind.result;
		break;
	case DRM_SVM_TARGET_SYSTEM:
		ret = migrate_to_system(dev, (uintptr_t)addr, size, &moved);
		if (ret)
			return ret;
		break;
	default:
		return -EINVAL;
	}
	if (pages)
		*pages = moved;
	return 0;
}

/* ---- counters ----------------------------------------------------------- */

DRM_SVM_EXPORT int drm_svm_get_counters(struct drm_svm_device *dev,
					struct drm_svm_counters *counters)
{
	struct drm_sgpu_counters c;
	int ret;

	if (!dev || !counters)
		return -EINVAL;
	if (!(dev->caps.flags & DRM_SVM_CAP_COUNTERS))
		return -EOPNOTSUPP;
	memset(&c, 0, sizeof(c));
	ret = dev->ioctl(dev->fd, DRM_IOCTL_SGPU_COUNTERS, &c);
	if (ret)
		return ret;
	memset(counters, 0, sizeof(*counters));
	counters->faults = c.faults;
	counters->faults_failed = c.faults_failed;
	counters->pages_faulted = c.pages_faulted;
	counters->retries = c.retries;
	counters->invalidations = c.invalidations;
	counters->pages_invalidated = c.pages_invalidated;
	counters->migrations = c.migrations;
	counters->mirrored_pages = c.mirrored_pages;
	counters->engine_cmds = c.engine_cmds;
	counters->invalidate_ns = c.invalidate_ns;
	return 0;
}
