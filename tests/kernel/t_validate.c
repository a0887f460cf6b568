// SPDX-License-Identifier: GPL-2.0-only
/* uAPI layout, SVM_INIT/SVM_BIND validation rules, sgpu's own checks. */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sgpu_test.h"

/* nouveau's uAPI, from the ioctl numbers down to the field offsets. */
_Static_assert(DRM_IOCTL_SGPU_SVM_INIT == 0xc0106448, "SVM_INIT number");
_Static_assert(DRM_IOCTL_SGPU_SVM_BIND == 0xc0406449, "SVM_BIND number");
_Static_assert(DRM_SGPU_SVM_INIT == 0x08 && DRM_SGPU_SVM_BIND == 0x09,
	       "nouveau offsets");
_Static_assert(sizeof(struct drm_sgpu_svm_init) == 16, "init size");
_Static_assert(sizeof(struct drm_sgpu_svm_bind) == 64, "bind size");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, header) == 0, "header");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, va_start) == 8, "va_start");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, va_end) == 16, "va_end");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, npages) == 24, "npages");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, stride) == 32, "stride");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, result) == 40, "result");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, reserved0) == 48, "r0");
_Static_assert(offsetof(struct drm_sgpu_svm_bind, reserved1) == 56, "r1");
_Static_assert(SGPU_SVM_BIND_VALID_MASK == 0xffffffffffffULL, "valid mask");
_Static_assert(SGPU_SVM_BIND_TARGET__GPU_VRAM == 0x80000000UL, "vram");
#if __has_include(<nouveau_drm.h>)
#include <nouveau_drm.h>
_Static_assert(DRM_NOUVEAU_SVM_INIT == DRM_SGPU_SVM_INIT, "libdrm init");
_Static_assert(DRM_NOUVEAU_SVM_BIND == DRM_SGPU_SVM_BIND, "libdrm bind");
_Static_assert(sizeof(struct drm_nouveau_svm_bind) ==
	       sizeof(struct drm_sgpu_svm_bind), "libdrm bind size");
_Static_assert(NOUVEAU_SVM_BIND_VALID_MASK == SGPU_SVM_BIND_VALID_MASK, "");
#endif

#define VRAM_MIGRATE ((uint64_t)SGPU_SVM_BIND_TARGET__GPU_VRAM << \
		      SGPU_SVM_BIND_TARGET_SHIFT)

static int t_info(void)
{
	struct drm_sgpu_info info;
	int fd = dev_open();

	memset(&info, 0xff, sizeof(info));
	CHECK(ioctl(fd, DRM_IOCTL_SGPU_INFO, &info) == 0);
	CHECK_EQ(info.version, SGPU_UAPI_VERSION);
	CHECK_EQ(info.page_shift, 12);
	CHECK(info.caps & SGPU_CAP_MIRROR);
	/* Migration exactly when the module was given VRAM. */
	CHECK_EQ(!!(info.caps & SGPU_CAP_MIGRATE_VRAM), info.vram_size != 0);
	CHECK_EQ(info.vram_size != 0, getenv("SGPU_EXPECT_VRAM") != NULL);
	CHECK(info.max_engine_bytes >= (1 << 20));
	close(fd);
	return 0;
}

static int t_init_rules(void)
{
	int fd = dev_open();
	int fd2 = dev_open();

	/* A window that wraps: rejected (nouveau would accept it). */
	CHECK_EQ(svm_init(fd, ~0ULL - PAGE, 2 * PAGE), -EINVAL);
	/* A failed INIT leaves the file uninitialised: a good one works. */
	CHECK_EQ(svm_init(fd, 0, 0), 0);
	/* Second INIT, valid or not: -EBUSY, checked first as in nouveau. */
	CHECK_EQ(svm_init(fd, 0, 0), -EBUSY);
	CHECK_EQ(svm_init(fd, ~0ULL, 2), -EBUSY);
	/* Another file of the same process is another client. */
	CHECK_EQ(svm_init(fd2, 1 << 20, 1 << 20), 0);
	close(fd);
	close(fd2);
	return 0;
}

static struct drm_sgpu_svm_bind good_bind(void *p, size_t n)
{
	struct drm_sgpu_svm_bind b = {
		.header = VRAM_MIGRATE,
		.va_start = (uintptr_t)p,
		.va_end = (uintptr_t)p + n,
	};

	return b;
}

static int t_bind_rules(void)
{
	char *p = map_anon(16 * PAGE, PROT_READ | PROT_WRITE);
	struct drm_sgpu_svm_bind b;
	int fd = dev_open();
	/* A valid bind: pages moved, or no VRAM on this device. */
	int ok = have_vram() ? 0 : -EOPNOTSUPP;

	/* Before INIT: a valid bind fails with -EINVAL (after the checks). */
	b = good_bind(p, 4 * PAGE);
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	CHECK_EQ(svm_init(fd, 0, 0), 0);

	/* The valid bind (untouched memory: migrated as zeroed VRAM) */
	b = good_bind(p, 4 * PAGE);
	CHECK_EQ(svm_bind(fd, &b), ok);
	CHECK_EQ(b.result, ok ? 0 : 4);
	/* Priority bits are accepted and ignored, npages is not checked. */
	b = good_bind(p, 4 * PAGE);
	b.header |= 0xffULL << SGPU_SVM_BIND_PRIORITY_SHIFT;
	b.npages = 12345;
	CHECK_EQ(svm_bind(fd, &b), ok);

	/* Rounding: start down, end up, written back as nouveau does. */
	b = good_bind(p + 5, PAGE);
	CHECK_EQ(svm_bind(fd, &b), ok);
	CHECK_EQ(b.va_start, (uintptr_t)p);
	CHECK_EQ(b.va_end, (uintptr_t)p + 2 * PAGE);

	b = good_bind(p, PAGE);
	b.reserved0 = 1;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	b = good_bind(p, PAGE);
	b.reserved1 = 1ULL << 63;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	b = good_bind(p, PAGE);
	b.header |= 1ULL << 48;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	b = good_bind(p, PAGE);
	b.header |= 1ULL << 63;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	/* start >= end, also after rounding */
	b = good_bind(p + PAGE, 0);
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	b = good_bind(p, PAGE);
	b.va_start = (uintptr_t)p + 3 * PAGE;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	/* va_end rounding up past the top wraps to 0 */
	b = good_bind(p, PAGE);
	b.va_end = ~0ULL;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	/* unknown command */
	b = good_bind(p, PAGE);
	b.header |= 1;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	b = good_bind(p, PAGE);
	b.header |= 0xff;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	/* unknown target: system memory is not one yet (as in nouveau) */
	b = good_bind(p, PAGE);
	b.header = 0;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	b = good_bind(p, PAGE);
	b.header = 1ULL << SGPU_SVM_BIND_TARGET_SHIFT;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	b = good_bind(p, PAGE);
	b.header |= 1ULL << (SGPU_SVM_BIND_TARGET_SHIFT + 30);
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	/* non-zero stride */
	b = good_bind(p, PAGE);
	b.stride = PAGE;
	CHECK_EQ(svm_bind(fd, &b), -EINVAL);
	close(fd);
	return 0;
}

static int t_engine_rules(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	struct drm_sgpu_engine e;
	int fd = dev_open();
	char buf[64];

	/* Before INIT */
	memset(&e, 0, sizeof(e));
	e.op = SGPU_ENGINE_READ;
	e.dst = (uintptr_t)p;
	e.size = 8;
	e.data = (uintptr_t)buf;
	CHECK_EQ(engine(fd, &e), -EINVAL);
	CHECK_EQ(svm_init(fd, 0, 0), 0);
	CHECK_EQ(engine(fd, &e), 0);
	CHECK_EQ(e.status, SGPU_STATUS_OK);

#define BAD(field, value) do { \
		struct drm_sgpu_engine x = e; \
		x.field = value; \
		CHECK_EQ(engine(fd, &x), -EINVAL); \
	} while (0)
	BAD(op, SGPU_ENGINE_OP_COUNT);
	BAD(op, ~0U);
	BAD(flags, 1U << 7);
	BAD(pad, 1);
	BAD(size, 0);
	BAD(size, (1ULL << 30) + 1);
	BAD(dst, ~0ULL - 4);
	BAD(dst, 1ULL << 60);
	BAD(data, ~0ULL - 4);
	e.op = SGPU_ENGINE_COPY;
	e.src = (uintptr_t)p + PAGE;
	BAD(src, ~0ULL - 4);
	e.op = SGPU_ENGINE_FILL;
	BAD(dst, (uintptr_t)p + 2);
	BAD(size, 6);
	e.op = SGPU_ENGINE_ATOMIC_ADD;
	BAD(dst, (uintptr_t)p + 4);
	BAD(dst, ~0ULL & ~7ULL);
	e.flags = SGPU_ENGINE_ATOMIC_32;
	BAD(dst, (uintptr_t)p + 2);
	/* The caller's own buffer unreadable: -EFAULT from the ioctl */
	memset(&e, 0, sizeof(e));
	e.op = SGPU_ENGINE_WRITE;
	e.dst = (uintptr_t)p;
	e.size = 8;
	e.data = 8;
	CHECK_EQ(engine(fd, &e), -EFAULT);
	e.op = SGPU_ENGINE_READ;
	CHECK_EQ(engine(fd, &e), -EFAULT);
	/* NOP needs nothing else */
	memset(&e, 0, sizeof(e));
	e.op = SGPU_ENGINE_NOP;
	CHECK_EQ(engine(fd, &e), 0);
	close(fd);
	return 0;
}

static int t_snapshot_rules(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	struct drm_sgpu_snapshot s;
	struct drm_sgpu_counters c;
	uint8_t out[8];
	int fd = dev_open();

	CHECK_EQ(snapshot(fd, p, 4, out, 0), -EINVAL);	/* before INIT */
	CHECK(ioctl(fd, DRM_IOCTL_SGPU_COUNTERS, &c) == -1 && errno == EINVAL);
	CHECK_EQ(svm_init(fd, 0, 0), 0);
	CHECK_EQ(snapshot(fd, p, 4, out, 0), 0);
	CHECK_EQ(snapshot(fd, p + 1, 4, out, 0), -EINVAL);
	CHECK_EQ(snapshot(fd, p, 0, out, 0), -EINVAL);
	CHECK_EQ(snapshot(fd, p, 4, out, 2), -EINVAL);
	CHECK_EQ(snapshot(fd, (void *)(~0ULL & ~4095ULL), 4, out, 0), -EINVAL);
	CHECK_EQ(snapshot(fd, p, 1ULL << 40, out, 0), -EINVAL);
	CHECK_EQ(snapshot(fd, p, 4, (uint8_t *)8, 0), -EFAULT);
	memset(&s, 0, sizeof(s));
	s.addr = (uintptr_t)p;
	s.npages = 1;
	s.ptr = (uintptr_t)out;
	s.pad = 1;
	CHECK(ioctl(fd, DRM_IOCTL_SGPU_SNAPSHOT, &s) == -1 && errno == EINVAL);
	close(fd);
	return 0;
}

/*
 * Bounded random-ioctl fuzzer: random commands in sgpu's and nouveau's
 * ranges with random contents, on initialised and fresh files, against a
 * mix of mapped, unmapped and protected addresses. Passing means nothing
 * crashed; the harness checks the kernel log for WARN/BUG/oops.
 */
static int t_fuzz(void)
{
	char *m = map_anon(64 * PAGE, PROT_READ | PROT_WRITE);
	unsigned int seed = 0x5eed1234, i;
	double t0;
	int fd = dev_open(), fd2 = dev_open_init();
	/* Engine commands may write 3 pages from buf: keep them inside. */
	static uint64_t arena[4 * PAGE / 8];
	uint64_t *buf = arena;

	mprotect(m + 16 * PAGE, 16 * PAGE, PROT_READ);
	mprotect(m + 32 * PAGE, 16 * PAGE, PROT_NONE);
	printf("    seed %#x\n", seed);
	t0 = now_s();
	for (i = 0; i < 20000 && now_s() - t0 < 20; i++) {
		unsigned int nr = rand_r(&seed) % 0x30;
		unsigned int size = rand_r(&seed) % 256;
		unsigned int dir = rand_r(&seed) % 4;
		unsigned long req;
		unsigned int k;

		for (k = 0; k < 32; k++) {
			uint64_t r = ((uint64_t)rand_r(&seed) << 32) ^
				     rand_r(&seed);

			switch (rand_r(&seed) % 6) {
			case 0:
				buf[k] = r;
				break;
			case 1:
				buf[k] = r % 8;
				break;
			case 2:
				buf[k] = (uintptr_t)m + r % (80 * PAGE);
				break;
			case 3:
				buf[k] = (uintptr_t)buf;
				break;
			case 4:
				buf[k] = r % 64 * PAGE;
				break;
			default:
				buf[k] = 0;
				break;
			}
		}
		/* Mostly well-formed requests, sometimes odd sizes/directions */
		if (rand_r(&seed) % 4) {
			static const unsigned long good[] = {
				DRM_IOCTL_SGPU_SVM_INIT, DRM_IOCTL_SGPU_SVM_BIND,
				DRM_IOCTL_SGPU_INFO, DRM_IOCTL_SGPU_ENGINE,
				DRM_IOCTL_SGPU_SNAPSHOT,
				DRM_IOCTL_SGPU_COUNTERS,
			};
			req = good[rand_r(&seed) % 6];
		} else {
			req = _IOC(dir, DRM_IOCTL_BASE, DRM_COMMAND_BASE + nr,
				   size);
		}
		/*
		 * Bounded: engine commands of at most 3 pages (they may write
		 * into the arena), snapshots of at most 4096 pages.
		 */
		if (_IOC_NR(req) == DRM_COMMAND_BASE + DRM_SGPU_ENGINE) {
			buf[0] %= SGPU_ENGINE_OP_COUNT + 1;
			buf[3] %= 3 * PAGE;
		}
		if (_IOC_NR(req) == DRM_COMMAND_BASE + DRM_SGPU_SNAPSHOT)
			buf[1] %= 4096;
		ioctl(rand_r(&seed) % 2 ? fd : fd2, req, buf);
		if (i % 1000 == 999) {	/* some invalidations too */
			madvise(m, 16 * PAGE, MADV_DONTNEED);
			mprotect(m + 48 * PAGE, 16 * PAGE,
				 i % 2000 ? PROT_READ : PROT_READ | PROT_WRITE);
		}
	}
	printf("    %u ioctls in %.1f s\n", i, now_s() - t0);
	close(fd);
	close(fd2);
	return 0;
}

const struct guest_test validate_tests[] = {
	{ "info", t_info },
	{ "init_rules", t_init_rules },
	{ "bind_rules", t_bind_rules },
	{ "engine_rules", t_engine_rules },
	{ "snapshot_rules", t_snapshot_rules },
	{ "fuzz", t_fuzz },
	{ NULL, NULL },
};
