/* SPDX-License-Identifier: MIT */
/*
 * libdrm_svm internals: the device handle and the helpers the sources share
 * (and the unit tests reach through the static library). Not installed.
 */
#ifndef DRM_SVM_PRIV_H
#define DRM_SVM_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "drm_svm.h"
#include "sgpu_drm.h"

#define DRM_SVM_EXPORT __attribute__((visibility("default")))

/* An ioctl: 0 or a negative errno. The seam the unit tests replace. */
typedef int (*drm_svm_ioctl_fn)(int fd, unsigned long request, void *arg);

struct drm_svm_device {
	int fd;
	enum drm_svm_driver driver;
	drm_svm_ioctl_fn ioctl;
	struct drm_svm_caps caps;	/* read at open: INFO never changes */
	pthread_mutex_t lock;		/* the fields below */
	int initialized;
	uint64_t win_addr, win_size;
	int win_owned;			/* unmapped at close */
	char path[64];
};

/* The default ioctl: drmIoctl (restarts on EINTR/EAGAIN), 0 or -errno. */
int drm_svm__ioctl(int fd, unsigned long request, void *arg);

/*
 * A handle on @fd (taken over: closed on failure too) of @driver, its ioctls
 * going through @fn; reads the capabilities. -ENODEV when an sgpu device
 * lacks the mirror capability.
 */
int drm_svm__device_new(int fd, enum drm_svm_driver driver,
			drm_svm_ioctl_fn fn, const char *path,
			struct drm_svm_device **out);

/* "sgpu" -> DRM_SVM_DRIVER_SGPU, "nouveau" -> _NOUVEAU, else _UNKNOWN. */
enum drm_svm_driver drm_svm__driver_from_name(const char *name);

/* 0 when [@addr, @addr + @size) is page aligned, non-empty and no wrap. */
int drm_svm__check_range(uint64_t page_size, uint64_t addr, uint64_t size);

/* nouveau's SVM_BIND header: command MIGRATE, @priority, target VRAM. */
uint64_t drm_svm__bind_header(unsigned int priority);

/* Fills a migrate-to-VRAM SVM_BIND. -EINVAL for a priority above 255. */
int drm_svm__encode_bind(uint64_t addr, uint64_t size, unsigned int priority,
			 struct drm_sgpu_svm_bind *bind);

/* DRM_SVM_STATUS_* of an engine command -> 0 or the documented -errno. */
int drm_svm__status_errno(uint32_t status);

/*
 * Reads one byte of each of @npages pages from @addr the way a CPU access
 * would fault them in (process_vm_readv on itself, /proc/self/mem where the
 * kernel lacks it); inaccessible pages are skipped. Returns pages reached.
 */
int64_t drm_svm__touch_pages(uint64_t page_size, uint64_t addr,
			     uint64_t npages);

#endif /* DRM_SVM_PRIV_H */
