// SPDX-License-Identifier: MIT
/*
 * libdrm_svm unit tests that need no kernel module: the SVM_BIND encoding
 * (checked against libdrm's copy of nouveau_drm.h), argument checking and
 * error paths, the capability mapping, the engine status mapping and thread
 * safety, with the ioctls answered by a fake (the library's ioctl seam).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <stdint.h>
#include <nouveau_drm.h>

#include "drm_svm_priv.h"

static int failures, checks;

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	checks++; \
	if (_a != _b) { \
		printf("  %s:%d: %s == %lld, expected %s == %lld\n", \
		       __FILE__, __LINE__, #a, _a, #b, _b); \
		failures++; \
	} \
} while (0)
#define CHECK(c) CHECK_EQ(!!(c), 1)

/* ---- the fake kernel ------------------------------------------------------ */

static struct {
	pthread_mutex_t lock;
	unsigned long last_request;
	unsigned int calls;
	struct drm_sgpu_svm_bind bind;
	struct drm_sgpu_engine engine;
	struct drm_sgpu_snapshot snapshot;
	int inits;
	/* answers */
	uint64_t info_caps;
	uint32_t engine_status;
	uint64_t engine_result;
	int fail;		/* -errno every ioctl returns, 0: succeed */
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int fake_ioctl(int fd, unsigned long request, void *arg)
{
	int ret = 0;

	(void)fd;
	pthread_mutex_lock(&fake.lock);
	fake.calls++;
	fake.last_request = request;
	if (fake.fail) {
		ret = fake.fail;
		goto out;
	}
	if (request == DRM_IOCTL_SGPU_INFO) {
		struct drm_sgpu_info *i = arg;

		i->version = SGPU_UAPI_VERSION;
		i->page_shift = 12;
		i->caps = fake.info_caps;
		i->vram_size = 64 << 20;
		i->max_engine_bytes = 1 << 20;
	} else if (request == DRM_IOCTL_SGPU_SVM_INIT) {
		ret = fake.inits++ ? -EBUSY : 0;
	} else if (request == DRM_IOCTL_SGPU_SVM_BIND) {
		struct drm_sgpu_svm_bind *b = arg;

		fake.bind = *b;
		b->result = (b->va_end - b->va_start) >> 12;
	} else if (request == DRM_IOCTL_SGPU_ENGINE) {
		struct drm_sgpu_engine *e = arg;

		fake.engine = *e;
		e->status = fake.engine_status;
		e->result = fake.engine_result;
		e->fault_addr = e->status ? e->dst : 0;
		e->faults = e->status ? 1 : 0;
	} else if (request == DRM_IOCTL_SGPU_SNAPSHOT) {
		struct drm_sgpu_snapshot *s = arg;
		uint8_t *out = (uint8_t *)(uintptr_t)s->ptr;
		uint64_t i;

		fake.snapshot = *s;
		for (i = 0; i < s->npages; i++)
			out[i] = (i % 4 == 0) ? (SGPU_PTE_READ | SGPU_PTE_WRITE |
						 SGPU_PTE_VRAM) :
				 (i % 4 == 1) ? SGPU_PTE_READ : SGPU_PTE_NONE;
	} else if (request == DRM_IOCTL_SGPU_COUNTERS) {
		struct drm_sgpu_counters *c = arg;

		memset(c, 0, sizeof(*c));
		c->faults = 3;
		c->mirrored_pages = 7;
		c->engine_cmds = 11;
		c->invalidate_ns = 13;
	} else {
		ret = -ENOTTY;
	}
out:
	pthread_mutex_unlock(&fake.lock);
	return ret;
}

static struct drm_svm_device *fake_device(enum drm_svm_driver driver,
					  uint64_t caps)
{
	struct drm_svm_device *dev = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	pthread_mutex_lock(&fake.lock);
	fake.info_caps = caps;
	fake.inits = 0;
	fake.calls = 0;
	fake.fail = 0;
	fake.engine_status = 0;
	pthread_mutex_unlock(&fake.lock);
	if (drm_svm__device_new(fd, driver, fake_ioctl, "fake", &dev) != 0) {
		printf("  fake device: could not create\n");
		exit(1);
	}
	return dev;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_bind_encoding(void)
{
	struct drm_sgpu_svm_bind b;
	unsigned int p;

	/* Layouts and request numbers: nouveau's, from libdrm's header. */
	CHECK_EQ(sizeof(struct drm_sgpu_svm_bind), sizeof(struct drm_nouveau_svm_bind));
	CHECK_EQ(sizeof(struct drm_sgpu_svm_init), sizeof(struct drm_nouveau_svm_init));
	CHECK_EQ(DRM_IOCTL_SGPU_SVM_INIT,
		 DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_SVM_INIT, struct drm_nouveau_svm_init));
	CHECK_EQ(DRM_IOCTL_SGPU_SVM_BIND,
		 DRM_IOWR(DRM_COMMAND_BASE + DRM_NOUVEAU_SVM_BIND, struct drm_nouveau_svm_bind));
	CHECK_EQ(DRM_IOCTL_SGPU_SVM_BIND, 0xc0406449);

	for (p = 0; p <= DRM_SVM_PRIORITY_MAX; p += 17) {
		uint64_t want = ((uint64_t)NOUVEAU_SVM_BIND_COMMAND__MIGRATE <<
				 NOUVEAU_SVM_BIND_COMMAND_SHIFT) |
				((uint64_t)p << NOUVEAU_SVM_BIND_PRIORITY_SHIFT) |
				((uint64_t)NOUVEAU_SVM_BIND_TARGET__GPU_VRAM <<
				 NOUVEAU_SVM_BIND_TARGET_SHIFT);

		CHECK_EQ(drm_svm__bind_header(p), want);
		CHECK_EQ(drm_svm__bind_header(p) & ~NOUVEAU_SVM_BIND_VALID_MASK, 0);
	}
	CHECK_EQ(drm_svm__bind_header(0), 0x800000000000ull);
	CHECK_EQ(drm_svm__bind_header(255), 0x80000000ff00ull);
	CHECK_EQ(drm_svm__encode_bind(0x10000, 0x3000, 5, &b), 0);
	CHECK_EQ(b.header, 0x800000000500ull);
	CHECK_EQ(b.va_start, 0x10000);
	CHECK_EQ(b.va_end, 0x13000);
	CHECK_EQ(b.npages | b.stride | b.result | b.reserved0 | b.reserved1, 0);
	CHECK_EQ(drm_svm__encode_bind(0x10000, 0x3000, 256, &b), -EINVAL);
}

static void test_range_checks(void)
{
	CHECK_EQ(drm_svm__check_range(4096, 0x1000, 0x1000), 0);
	CHECK_EQ(drm_svm__check_range(4096, 0x1001, 0x1000), -EINVAL);
	CHECK_EQ(drm_svm__check_range(4096, 0x1000, 0x0fff), -EINVAL);
	CHECK_EQ(drm_svm__check_range(4096, 0x1000, 0), -EINVAL);
	CHECK_EQ(drm_svm__check_range(4096, ~0xfffull, 0x2000), -EINVAL);
	CHECK_EQ(drm_svm__check_range(3000, 0, 3000), -EINVAL);
	CHECK_EQ(drm_svm__driver_from_name("sgpu"), DRM_SVM_DRIVER_SGPU);
	CHECK_EQ(drm_svm__driver_from_name("nouveau"), DRM_SVM_DRIVER_NOUVEAU);
	CHECK_EQ(drm_svm__driver_from_name("i915"), DRM_SVM_DRIVER_UNKNOWN);
	CHECK_EQ(drm_svm__driver_from_name(NULL), DRM_SVM_DRIVER_UNKNOWN);
	CHECK_EQ(drm_svm__status_errno(DRM_SVM_STATUS_OK), 0);
	CHECK_EQ(drm_svm__status_errno(DRM_SVM_STATUS_FAULT), -EFAULT);
	CHECK_EQ(drm_svm__status_errno(DRM_SVM_STATUS_UNMANAGED), -ENXIO);
	CHECK_EQ(drm_svm__status_errno(DRM_SVM_STATUS_BUSY), -EAGAIN);
	CHECK_EQ(drm_svm__status_errno(DRM_SVM_STATUS_NOT_MAPPED), -ENOENT);
	CHECK_EQ(drm_svm__status_errno(99), -EIO);
	CHECK(strcmp(drm_svm_status_string(DRM_SVM_STATUS_FAULT), "fault") == 0);
	CHECK(strcmp(drm_svm_status_string(99), "unknown") == 0);
}

static void test_open_errors(void)
{
	struct drm_svm_device *dev = NULL;
	char tmpl[] = "/tmp/drm_svm_test.XXXXXX";
	int fd;

	CHECK_EQ(drm_svm_device_open(NULL, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_device_open("/dev/null", 1u << 7, &dev), -EINVAL);
	CHECK_EQ(drm_svm_device_open("/nonexistent/renderD128", 0, &dev), -ENOENT);
	CHECK_EQ(drm_svm_device_open("/dev/null", 0, &dev), -ENOTTY);
	CHECK_EQ(drm_svm_device_open_fd(-1, 0, &dev), -EBADF);
	CHECK_EQ(drm_svm_device_open_fd(1000000, 0, &dev), -EBADF);
	CHECK_EQ(drm_svm_device_open_fd(0, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_device_open_fd(0, 1u << 9, &dev), -EINVAL);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK_EQ(drm_svm_device_open_fd(fd, 0, &dev), -ENOTTY);
	close(fd);
	CHECK_EQ(drm_svm_device_open_fd(fd, 0, &dev), -EBADF);	/* closed */
	fd = mkstemp(tmpl);
	CHECK(fd >= 0);
	CHECK_EQ(drm_svm_device_open_fd(fd, 0, &dev), -ENOTTY);
	close(fd);
	unlink(tmpl);
	CHECK(dev == NULL);

	/* Discovery on this machine: an SVM device, or -ENODEV. */
	fd = drm_svm_device_open(NULL, 0, &dev);
	CHECK(fd == 0 || fd == -ENODEV);
	if (fd == 0) {
		printf("  (an SVM render node is present: %s)\n",
		       drm_svm_device_get_path(dev));
		drm_svm_device_close(dev);
	}
}

static void test_null_handles(void)
{
	struct drm_svm_residency res;
	struct drm_svm_counters cnt;
	struct drm_svm_caps caps;
	uint64_t a, s, old;
	uint8_t buf[8];

	drm_svm_device_close(NULL);
	CHECK_EQ(drm_svm_device_get_fd(NULL), -EINVAL);
	CHECK_EQ(drm_svm_device_get_driver(NULL), DRM_SVM_DRIVER_UNKNOWN);
	CHECK(drm_svm_device_get_path(NULL) == NULL);
	CHECK_EQ(drm_svm_device_get_caps(NULL, &caps), -EINVAL);
	CHECK_EQ(drm_svm_init(NULL, 0, 0), -EINVAL);
	CHECK_EQ(drm_svm_init_reserved(NULL, 1 << 20, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_get_window(NULL, &a, &s), -EINVAL);
	CHECK_EQ(drm_svm_migrate(NULL, (void *)0x10000, 4096,
				 DRM_SVM_TARGET_VRAM, 0, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_snapshot(NULL, (void *)0x10000, 1, buf, 0), -EINVAL);
	CHECK_EQ(drm_svm_residency(NULL, (void *)0x10000, 4096, 0, &res), -EINVAL);
	CHECK_EQ(drm_svm_get_counters(NULL, &cnt), -EINVAL);
	CHECK_EQ(drm_svm_engine_read(NULL, buf, buf, 8, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_write(NULL, buf, buf, 8, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_copy(NULL, buf, buf, 8, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill(NULL, buf, 0, 8, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_prefetch(NULL, buf, 8, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_nop(NULL), -EINVAL);
	CHECK_EQ(drm_svm_engine_atomic(NULL, DRM_SVM_ATOMIC_ADD, &old, 1, 0, 0,
				       &old, NULL), -EINVAL);
}

static void test_caps(void)
{
	struct drm_svm_device *dev;
	struct drm_svm_caps caps;

	dev = fake_device(DRM_SVM_DRIVER_SGPU, SGPU_CAP_MIRROR | SGPU_CAP_HUGE |
			  SGPU_CAP_MIGRATE_VRAM | SGPU_CAP_VRAM_PRIVATE);
	CHECK_EQ(drm_svm_device_get_caps(dev, NULL), -EINVAL);
	CHECK_EQ(drm_svm_device_get_caps(dev, &caps), 0);
	CHECK_EQ(caps.driver, DRM_SVM_DRIVER_SGPU);
	CHECK_EQ(caps.uapi_version, SGPU_UAPI_VERSION);
	CHECK_EQ(caps.page_size, 4096);
	CHECK_EQ(caps.vram_size, 64 << 20);
	CHECK_EQ(caps.max_engine_bytes, 1 << 20);
	CHECK_EQ(caps.flags, DRM_SVM_CAP_MIRROR | DRM_SVM_CAP_DEVICE_MEMORY |
		 DRM_SVM_CAP_DEVICE_PRIVATE | DRM_SVM_CAP_ATOMICS |
		 DRM_SVM_CAP_HUGE | DRM_SVM_CAP_ENGINE | DRM_SVM_CAP_SNAPSHOT |
		 DRM_SVM_CAP_COUNTERS | DRM_SVM_CAP_MIGRATE_COUNT);
	CHECK_EQ(drm_svm_device_get_driver(dev), DRM_SVM_DRIVER_SGPU);
	CHECK(strcmp(drm_svm_device_get_path(dev), "fake") == 0);
	CHECK(drm_svm_device_get_fd(dev) >= 0);
	drm_svm_device_close(dev);

	/* Without VRAM: no device memory. */
	dev = fake_device(DRM_SVM_DRIVER_SGPU, SGPU_CAP_MIRROR);
	CHECK_EQ(drm_svm_device_get_caps(dev, &caps), 0);
	CHECK_EQ(caps.flags & (DRM_SVM_CAP_DEVICE_MEMORY | DRM_SVM_CAP_DEVICE_PRIVATE |
			       DRM_SVM_CAP_HUGE), 0);
	drm_svm_device_close(dev);

	/* nouveau: the documented defaults, no INFO ioctl. */
	dev = fake_device(DRM_SVM_DRIVER_NOUVEAU, 0);
	CHECK_EQ(fake.calls, 0);
	CHECK_EQ(drm_svm_device_get_caps(dev, &caps), 0);
	CHECK_EQ(caps.flags, DRM_SVM_CAP_MIRROR | DRM_SVM_CAP_DEVICE_MEMORY |
		 DRM_SVM_CAP_DEVICE_PRIVATE);
	CHECK_EQ(caps.vram_size, 0);
	CHECK(caps.page_size >= 4096);
	drm_svm_device_close(dev);

	/* An sgpu without the mirror is no SVM device; INFO errors pass on. */
	{
		struct drm_svm_device *d = NULL;
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		fake.info_caps = 0;
		CHECK_EQ(drm_svm__device_new(fd, DRM_SVM_DRIVER_SGPU, fake_ioctl,
					     "x", &d), -ENODEV);
		fake.fail = -EACCES;
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		CHECK_EQ(drm_svm__device_new(fd, DRM_SVM_DRIVER_SGPU, fake_ioctl,
					     "x", &d), -EACCES);
		fake.fail = 0;
		CHECK(d == NULL);
	}
}

static void test_init(void)
{
	struct drm_svm_device *dev = fake_device(DRM_SVM_DRIVER_SGPU, SGPU_CAP_MIRROR);
	uint64_t a = 1, s = 1;
	void *win = NULL;

	CHECK_EQ(drm_svm_get_window(dev, &a, &s), -EINVAL);
	CHECK_EQ(drm_svm_get_window(dev, NULL, &s), -EINVAL);
	CHECK_EQ(drm_svm_init(dev, 0x10001, 0x1000), -EINVAL);
	CHECK_EQ(drm_svm_init(dev, 0x10000, 0x1001), -EINVAL);
	CHECK_EQ(drm_svm_init(dev, 0x10000, 0), -EINVAL);
	CHECK_EQ(drm_svm_init(dev, ~0xfffull, 0x2000), -EINVAL);
	CHECK_EQ(fake.calls, 1);	/* INFO only: nothing reached the kernel */
	CHECK_EQ(drm_svm_init_reserved(dev, 0, 0, &win), -EINVAL);
	CHECK_EQ(drm_svm_init_reserved(dev, 1 << 20, 3 << 20, &win), -EINVAL);
	CHECK_EQ(drm_svm_init_reserved(dev, 1 << 20, 2 << 20, &win), 0);
	CHECK(win != NULL);
	CHECK_EQ((uintptr_t)win & ((2 << 20) - 1), 0);
	CHECK_EQ(drm_svm_get_window(dev, &a, &s), 0);
	CHECK_EQ(a, (uintptr_t)win);
	CHECK_EQ(s, 1 << 20);
	CHECK_EQ(drm_svm_init(dev, 0, 0), -EBUSY);
	CHECK_EQ(drm_svm_init_reserved(dev, 1 << 20, 0, NULL), -EBUSY);
	/* The window is PROT_NONE: mprotect it readable, touch, and close
	 * (which unmaps it: ASan/valgrind would see a leak otherwise). */
	drm_svm_device_close(dev);

	/* A failed SVM_INIT gives the window back, and sets no state. */
	dev = fake_device(DRM_SVM_DRIVER_SGPU, SGPU_CAP_MIRROR);
	fake.fail = -ENOSYS;
	CHECK_EQ(drm_svm_init_reserved(dev, 1 << 20, 0, &win), -ENOSYS);
	CHECK_EQ(drm_svm_get_window(dev, &a, &s), -EINVAL);
	fake.fail = 0;
	CHECK_EQ(drm_svm_init(dev, 0, 0), 0);
	CHECK_EQ(drm_svm_get_window(dev, &a, &s), 0);
	CHECK_EQ(a | s, 0);
	drm_svm_device_close(dev);
}

static void test_window(void)
{
	unsigned char vec[4];
	void *w = NULL;

	CHECK_EQ(drm_svm_window_reserve(0, 0, &w), -EINVAL);
	CHECK_EQ(drm_svm_window_reserve(4095, 0, &w), -EINVAL);
	CHECK_EQ(drm_svm_window_reserve(4096, 0, NULL), -EINVAL);
	CHECK_EQ(drm_svm_window_reserve(4096, 12288, &w), -EINVAL);
	CHECK_EQ(drm_svm_window_reserve(4 << 20, 1 << 30, &w), 0);
	CHECK_EQ((uintptr_t)w & ((1 << 30) - 1), 0);
	/* Reserved, not populated, not accessible (mprotect would succeed). */
	CHECK_EQ(mincore(w, 4 * 4096, vec), 0);
	CHECK_EQ(vec[0] & 1, 0);
	CHECK_EQ(drm_svm_window_release(w, 4095), -EINVAL);
	CHECK_EQ(drm_svm_window_release(NULL, 4096), -EINVAL);
	CHECK_EQ(drm_svm_window_release((char *)w + 1, 4096), -EINVAL);
	CHECK_EQ(drm_svm_window_release(w, 4 << 20), 0);
	/* Gone: mincore on unmapped memory fails with ENOMEM. */
	CHECK_EQ(mincore(w, 4096, vec), -1);
}

static void test_migrate(void)
{
	struct drm_svm_device *dev = fake_device(DRM_SVM_DRIVER_SGPU,
		SGPU_CAP_MIRROR | SGPU_CAP_MIGRATE_VRAM);
	uint64_t pages = 99;
	unsigned int calls;

	calls = fake.calls;
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10001, 4096, DRM_SVM_TARGET_VRAM,
				 0, 0, &pages), -EINVAL);
	CHECK_EQ(pages, 0);
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4095, DRM_SVM_TARGET_VRAM,
				 0, 0, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 0, DRM_SVM_TARGET_VRAM,
				 0, 0, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, (void *)~0xfffull, 8192, DRM_SVM_TARGET_VRAM,
				 0, 0, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4096, DRM_SVM_TARGET_VRAM,
				 256, 0, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4096, DRM_SVM_TARGET_VRAM,
				 0, 1, &pages), -EINVAL);
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4096,
				 (enum drm_svm_target)7, 0, 0, &pages), -EINVAL);
	CHECK_EQ(fake.calls, calls);	/* none reached the kernel */

	CHECK_EQ(drm_svm_migrate(dev, (void *)0x7f0000000000ull, 5 * 4096,
				 DRM_SVM_TARGET_VRAM, 200, 0, &pages), 0);
	CHECK_EQ(fake.last_request, DRM_IOCTL_SGPU_SVM_BIND);
	CHECK_EQ(fake.bind.header, 0x80000000c800ull);
	CHECK_EQ(fake.bind.va_start, 0x7f0000000000ull);
	CHECK_EQ(fake.bind.va_end, 0x7f0000005000ull);
	CHECK_EQ(fake.bind.reserved0 | fake.bind.reserved1 | fake.bind.stride, 0);
	CHECK_EQ(pages, 5);
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4096, DRM_SVM_TARGET_VRAM,
				 0, 0, NULL), 0);
	fake.fail = -EOPNOTSUPP;
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4096, DRM_SVM_TARGET_VRAM,
				 0, 0, &pages), -EOPNOTSUPP);
	CHECK_EQ(pages, 0);
	fake.fail = 0;
	/* Coherent VRAM: "to system" moves nothing, after the init check. */
	calls = fake.calls;
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4096, DRM_SVM_TARGET_SYSTEM,
				 0, 0, &pages), 0);
	CHECK_EQ(pages, 0);
	CHECK_EQ(fake.last_request, DRM_IOCTL_SGPU_SNAPSHOT);
	CHECK_EQ(fake.snapshot.flags, SGPU_SNAPSHOT_CPU);
	CHECK(fake.calls > calls);
	drm_svm_device_close(dev);

	/* nouveau: the same SVM_BIND; result not trusted. */
	dev = fake_device(DRM_SVM_DRIVER_NOUVEAU, 0);
	CHECK_EQ(drm_svm_migrate(dev, (void *)0x10000, 4096, DRM_SVM_TARGET_VRAM,
				 1, 0, &pages), 0);
	CHECK_EQ(fake.bind.header, 0x800000000100ull);
	CHECK_EQ(pages, 0);
	drm_svm_device_close(dev);
}

static void test_touch(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[8];
	int i, resident = 0;

	CHECK(p != MAP_FAILED);
	CHECK_EQ(mprotect(p + 3 * page, page, PROT_NONE), 0);
	CHECK_EQ(drm_svm__touch_pages(page, (uintptr_t)p, 8), 7);
	CHECK_EQ(drm_svm__touch_pages(page, (uintptr_t)p + 3 * page, 1), 0);
	CHECK_EQ(mincore(p, 8 * page, vec), 0);
	for (i = 0; i < 8; i++)
		resident += vec[i] & 1;
	/* Reading anonymous memory maps the zero page: resident or not, the
	 * reads happened without a signal; what counts is the count above. */
	CHECK(resident >= 0);
	munmap(p, 8 * page);
}

static void test_snapshot_counters(void)
{
	struct drm_svm_device *dev = fake_device(DRM_SVM_DRIVER_SGPU, SGPU_CAP_MIRROR);
	struct drm_svm_residency res;
	struct drm_svm_counters c;
	uint8_t buf[16];

	CHECK_EQ(drm_svm_snapshot(dev, (void *)0x10000, 4, NULL, 0), -EINVAL);
	CHECK_EQ(drm_svm_snapshot(dev, (void *)0x10000, 0, buf, 0), -EINVAL);
	CHECK_EQ(drm_svm_snapshot(dev, (void *)0x10001, 4, buf, 0), -EINVAL);
	CHECK_EQ(drm_svm_snapshot(dev, (void *)0x10000, 4, buf, 2), -EINVAL);
	CHECK_EQ(drm_svm_snapshot(dev, (void *)0x10000, ~0ull, buf, 0), -EINVAL);
	CHECK_EQ(drm_svm_snapshot(dev, (void *)0x10000, 16, buf, DRM_SVM_SNAPSHOT_CPU), 0);
	CHECK_EQ(fake.snapshot.addr, 0x10000);
	CHECK_EQ(fake.snapshot.npages, 16);
	CHECK_EQ(fake.snapshot.flags, SGPU_SNAPSHOT_CPU);
	CHECK_EQ(buf[4], DRM_SVM_PTE_READ | DRM_SVM_PTE_WRITE | DRM_SVM_PTE_VRAM);
	CHECK_EQ(buf[5], DRM_SVM_PTE_READ);

	CHECK_EQ(drm_svm_residency(dev, (void *)0x10000, 4095, 0, &res), -EINVAL);
	CHECK_EQ(drm_svm_residency(dev, (void *)0x10000, 4096, 0, NULL), -EINVAL);
	/* 10000 pages: three snapshot calls of the library's buffer. */
	CHECK_EQ(drm_svm_residency(dev, (void *)0x100000, 10000 * 4096ull, 0, &res), 0);
	CHECK_EQ(res.pages, 10000);
	CHECK_EQ(res.vram, 1024 + 1024 + 452);	/* 4096/4, 4096/4, ceil(1808/4) */
	CHECK_EQ(res.mapped, 2 * 2048 + 452 + 452);
	CHECK_EQ(res.writable, res.vram);
	CHECK_EQ(res.huge | res.unmanaged | res.error, 0);
	CHECK_EQ(fake.snapshot.addr, 0x100000 + 8192 * 4096ull);

	CHECK_EQ(drm_svm_get_counters(dev, NULL), -EINVAL);
	memset(&c, 0xff, sizeof(c));
	CHECK_EQ(drm_svm_get_counters(dev, &c), 0);
	CHECK_EQ(c.faults, 3);
	CHECK_EQ(c.mirrored_pages, 7);
	CHECK_EQ(c.engine_cmds, 11);
	CHECK_EQ(c.invalidate_ns, 13);
	CHECK_EQ(c.reserved[0] | c.reserved[5], 0);
	fake.fail = -EINVAL;	/* before SVM_INIT */
	CHECK_EQ(drm_svm_get_counters(dev, &c), -EINVAL);
	CHECK_EQ(drm_svm_residency(dev, (void *)0x10000, 4096, 0, &res), -EINVAL);
	fake.fail = 0;
	drm_svm_device_close(dev);

	dev = fake_device(DRM_SVM_DRIVER_NOUVEAU, 0);
	CHECK_EQ(drm_svm_snapshot(dev, (void *)0x10000, 4, buf, 0), -EOPNOTSUPP);
	CHECK_EQ(drm_svm_get_counters(dev, &c), -EOPNOTSUPP);
	CHECK_EQ(fake.calls, 0);
	drm_svm_device_close(dev);
}

static void test_engine(void)
{
	struct drm_svm_device *dev = fake_device(DRM_SVM_DRIVER_SGPU, SGPU_CAP_MIRROR);
	struct drm_svm_engine_info info;
	uint64_t v[4] = { 0 }, old = 0;
	char buf[64];

	/* Argument errors, before any ioctl. */
	fake.calls = 0;
	CHECK_EQ(drm_svm_engine_read(dev, v, NULL, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_read(dev, v, buf, 0, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_read(dev, (void *)~0ull, buf, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_read(dev, v, buf, 8, DRM_SVM_ENGINE_ATOMIC_32, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_write(dev, v, buf, 8, 1u << 20, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_copy(dev, v, buf, 8, DRM_SVM_ENGINE_PREFETCH_WRITE, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill(dev, v, 0, 0, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill(dev, (char *)v + 2, 0, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill(dev, v, 0, 6, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, v, NULL, 4, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, v, buf, 0, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, v, buf, 3, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, v, buf, 4097, 4097, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_fill_pattern(dev, v, buf, 4, 8, 1u << 1, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_copy(dev, v, (void *)~0ull, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_write(dev, v, (void *)~0ull, 8, 0, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_prefetch(dev, v, 8, DRM_SVM_ENGINE_ATOMIC_32, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_ADD, (char *)v + 4, 1, 0,
				       0, &old, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_ADD, (char *)v + 2, 1, 0,
				       DRM_SVM_ENGINE_ATOMIC_32, &old, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_atomic(dev, (enum drm_svm_atomic_op)3, v, 1, 0,
				       0, &old, &info), -EINVAL);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_ADD, NULL, 1, 0,
				       0, &old, &info), -EINVAL);
	CHECK_EQ(fake.calls, 0);

	/* Encoding of each command. */
	CHECK_EQ(drm_svm_engine_read(dev, v, buf, 8, DRM_SVM_ENGINE_NO_FAULT, &info), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_READ);
	CHECK_EQ(fake.engine.flags, SGPU_ENGINE_NO_FAULT);
	CHECK_EQ(fake.engine.dst, (uintptr_t)v);
	CHECK_EQ(fake.engine.data, (uintptr_t)buf);
	CHECK_EQ(fake.engine.size, 8);
	CHECK_EQ(drm_svm_engine_copy(dev, buf, v, 16, 0, NULL), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_COPY);
	CHECK_EQ(fake.engine.src, (uintptr_t)v);
	CHECK_EQ(fake.engine.dst, (uintptr_t)buf);
	CHECK_EQ(drm_svm_engine_fill(dev, buf, 0xdeadbeef, 64, 0, NULL), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_FILL);
	CHECK_EQ(fake.engine.operand, 0xdeadbeef);
	CHECK_EQ(drm_svm_engine_prefetch(dev, buf, 64, DRM_SVM_ENGINE_PREFETCH_WRITE, NULL), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_PREFETCH);
	CHECK_EQ(fake.engine.flags, SGPU_ENGINE_PREFETCH_WRITE);
	CHECK_EQ(drm_svm_engine_nop(dev), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_NOP);
	fake.engine_result = 41;
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_CMPXCHG, (char *)v + 4, 7, 41,
				       DRM_SVM_ENGINE_ATOMIC_32, &old, NULL), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_ATOMIC_CMPXCHG);
	CHECK_EQ(fake.engine.flags, SGPU_ENGINE_ATOMIC_32);
	CHECK_EQ(fake.engine.operand, 7);
	CHECK_EQ(fake.engine.compare, 41);
	CHECK_EQ(old, 41);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_XCHG, v, 1, 0, 0, NULL, NULL), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_ATOMIC_XCHG);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_ADD, v, 1, 0, 0, NULL, NULL), 0);
	CHECK_EQ(fake.engine.op, SGPU_ENGINE_ATOMIC_ADD);

	/* Above max_engine_bytes (1 MiB here): split, in order. */
	fake.calls = 0;
	CHECK_EQ(drm_svm_engine_read(dev, (void *)0x100000, (void *)0x40000000,
				     (2 << 20) + 8, 0, &info), 0);
	CHECK_EQ(fake.calls, 3);
	CHECK_EQ(fake.engine.dst, 0x100000 + (2 << 20));
	CHECK_EQ(fake.engine.data, 0x40000000 + (2 << 20));
	CHECK_EQ(fake.engine.size, 8);
	fake.calls = 0;
	CHECK_EQ(drm_svm_engine_copy(dev, (void *)0x100000, (void *)0x40000000,
				     (1 << 20) + 4096, 0, NULL), 0);
	CHECK_EQ(fake.calls, 2);
	CHECK_EQ(fake.engine.src, 0x40000000 + (1 << 20));
	CHECK_EQ(fake.engine.size, 4096);

	/* Pattern fills: one FILL where it can, else WRITE then doubling COPYs. */
	{
		static const unsigned char pat[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9,
						       10, 11, 12, 13, 14, 15, 16 };

		fake.calls = 0;
		CHECK_EQ(drm_svm_engine_fill_pattern(dev, (void *)0x10000, pat, 1,
						     64, 0, &info), 0);
		CHECK_EQ(fake.calls, 1);
		CHECK_EQ(fake.engine.op, SGPU_ENGINE_FILL);
		CHECK_EQ(fake.engine.operand, 0x01010101);
		CHECK_EQ(drm_svm_engine_fill_pattern(dev, (void *)0x10000, pat, 2,
						     64, 0, &info), 0);
		CHECK_EQ(fake.engine.operand, 0x02010201);
		CHECK_EQ(drm_svm_engine_fill_pattern(dev, (void *)0x10000, pat, 4,
						     64, 0, &info), 0);
		CHECK_EQ(fake.engine.operand, 0x04030201);
		fake.calls = 0;
		CHECK_EQ(drm_svm_engine_fill_pattern(dev, (void *)0x10001, pat, 1,
						     63, 0, &info), 0);
		CHECK_EQ(fake.calls, 1);
		CHECK_EQ(fake.engine.op, SGPU_ENGINE_WRITE);
		CHECK_EQ(fake.engine.size, 63);
		fake.calls = 0;
		CHECK_EQ(drm_svm_engine_fill_pattern(dev, (void *)0x10000, pat, 3,
						     3000, 0, &info), 0);
		CHECK_EQ(fake.calls, 1);
		CHECK_EQ(fake.engine.size, 3000);
		fake.calls = 0;
		CHECK_EQ(drm_svm_engine_fill_pattern(dev, (void *)0x10000, pat, 16,
						     16000, 0, &info), 0);
		CHECK_EQ(fake.calls, 3);	/* WRITE 4096, COPY 4096, COPY 7808 */
		CHECK_EQ(fake.engine.op, SGPU_ENGINE_COPY);
		CHECK_EQ(fake.engine.dst, 0x10000 + 8192);
		CHECK_EQ(fake.engine.src, 0x10000);
		CHECK_EQ(fake.engine.size, 16000 - 8192);
		fake.engine_status = SGPU_STATUS_FAULT;
		CHECK_EQ(drm_svm_engine_fill_pattern(dev, (void *)0x10000, pat, 16,
						     16000, 0, &info), -EFAULT);
		CHECK_EQ(info.status, DRM_SVM_STATUS_FAULT);
		CHECK_EQ(info.faults, 1);
		fake.engine_status = 0;
	}

	/* A GPU fault: the ioctl succeeded, the command did not. */
	fake.engine_status = SGPU_STATUS_FAULT;
	old = 5;
	CHECK_EQ(drm_svm_engine_write(dev, v, buf, 8, 0, &info), -EFAULT);
	CHECK_EQ(info.status, DRM_SVM_STATUS_FAULT);
	CHECK_EQ(info.fault_addr, (uintptr_t)v);
	CHECK_EQ(info.faults, 1);
	CHECK_EQ(drm_svm_engine_atomic(dev, DRM_SVM_ATOMIC_ADD, v, 1, 0, 0, &old, &info), -EFAULT);
	CHECK_EQ(old, 5);	/* untouched on failure */
	fake.engine_status = SGPU_STATUS_NOT_MAPPED;
	CHECK_EQ(drm_svm_engine_read(dev, v, buf, 8, DRM_SVM_ENGINE_NO_FAULT, &info), -ENOENT);
	fake.engine_status = SGPU_STATUS_UNMANAGED;
	CHECK_EQ(drm_svm_engine_fill(dev, v, 1, 8, 0, &info), -ENXIO);
	CHECK_EQ(info.status, DRM_SVM_STATUS_UNMANAGED);
	fake.engine_status = 0;
	fake.fail = -EINVAL;	/* e.g. no SVM_INIT */
	CHECK_EQ(drm_svm_engine_nop(dev), -EINVAL);
	fake.fail = 0;
	drm_svm_device_close(dev);

	dev = fake_device(DRM_SVM_DRIVER_NOUVEAU, 0);
	CHECK_EQ(drm_svm_engine_nop(dev), -EOPNOTSUPP);
	CHECK_EQ(drm_svm_engine_read(dev, v, buf, 8, 0, &info), -EOPNOTSUPP);
	CHECK_EQ(fake.calls, 0);
	drm_svm_device_close(dev);
}

#define NTHREADS 8
static struct drm_svm_device *race_dev;
static int race_ret[NTHREADS];

static void *race_init(void *arg)
{
	int i = (int)(intptr_t)arg;

	race_ret[i] = (i & 1) ? drm_svm_init(race_dev, 0, 0) :
			drm_svm_init_reserved(race_dev, 1 << 20, 0, NULL);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[NTHREADS];
	int i, ok = 0, busy = 0;

	race_dev = fake_device(DRM_SVM_DRIVER_SGPU, SGPU_CAP_MIRROR);
	for (i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, race_init, (void *)(intptr_t)i), 0);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		ok += race_ret[i] == 0;
		busy += race_ret[i] == -EBUSY;
	}
	CHECK_EQ(ok, 1);
	CHECK_EQ(busy, NTHREADS - 1);
	CHECK_EQ(fake.inits, 1);	/* the library never asked twice */
	drm_svm_device_close(race_dev);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "bind_encoding", test_bind_encoding },
		{ "range_checks", test_range_checks },
		{ "open_errors", test_open_errors },
		{ "null_handles", test_null_handles },
		{ "caps", test_caps },
		{ "init", test_init },
		{ "window", test_window },
		{ "migrate", test_migrate },
		{ "touch", test_touch },
		{ "snapshot_counters", test_snapshot_counters },
		{ "engine", test_engine },
		{ "threads", test_threads },
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int before = failures;

		tests[i].fn();
		printf("%s %s\n", failures == before ? "PASS" : "FAIL",
		       tests[i].name);
	}
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
