// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVM_BIND migration to the emulated VRAM (device-coherent pages carved
 * out of RAM at boot). Skipped when the module was loaded without VRAM.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sgpu_test.h"

#define VRAM_TARGET ((uint64_t)SGPU_SVM_BIND_TARGET__GPU_VRAM << \
		     SGPU_SVM_BIND_TARGET_SHIFT)

static uint64_t caps(void)
{
	struct drm_sgpu_info info;
	int fd = dev_open();

	CHECK(ioctl(fd, DRM_IOCTL_SGPU_INFO, &info) == 0);
	close(fd);
	return info.caps;
}

int have_vram(void)
{
	return !!(caps() & SGPU_CAP_MIGRATE_VRAM);
}

/* Pages migrated, or -errno. */
static long migrate(int fd, void *p, size_t n)
{
	struct drm_sgpu_svm_bind b = {
		.header = VRAM_TARGET,
		.va_start = (uintptr_t)p,
		.va_end = (uintptr_t)p + n,
	};
	int ret = svm_bind(fd, &b);

	return ret ? ret : (long)b.result;
}

static size_t count_vram(int fd, void *p, size_t npages, unsigned int flags)
{
	uint8_t *snap = malloc(npages);
	size_t i, n = 0;

	CHECK_EQ(snapshot(fd, p, npages, snap, flags), 0);
	for (i = 0; i < npages; i++)
		n += !!(snap[i] & SGPU_PTE_VRAM);
	free(snap);
	return n;
}

static void pattern(void *p, size_t n, uint64_t seed)
{
	uint64_t *w = p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		w[i] = seed * 1000003 + i;
}

static int same_pattern(const void *p, size_t n, uint64_t seed)
{
	const uint64_t *w = p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		if (w[i] != seed * 1000003 + i)
			return 0;
	return 1;
}

static int t_migrate_anon(void)
{
	size_t n = 64 * PAGE;
	char *p, *buf = malloc(n);
	struct drm_sgpu_counters c;
	uint64_t cap = caps();
	int fd, private = !!(cap & SGPU_CAP_VRAM_PRIVATE);

	if (!(cap & SGPU_CAP_MIGRATE_VRAM))
		return 77;
	fd = dev_open_init();
	p = map_anon(n, PROT_READ | PROT_WRITE);
	CHECK(madvise(p, n, MADV_NOHUGEPAGE) == 0);
	pattern(p, n, 1);
	/* the GPU mirrors the system pages first */
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	CHECK_EQ(count_vram(fd, p, 64, 0), 0);
	CHECK_EQ(migrate(fd, p, n), 64);
	/* the migration invalidated the mirror */
	counters(fd, &c);
	CHECK_EQ(c.migrations, 64);
	CHECK_EQ(c.mirrored_pages, 0);
	CHECK_EQ(count_vram(fd, p, 64, SGPU_SNAPSHOT_CPU), 64);
	/* the GPU faults the VRAM pages in and reads them in place */
	memset(buf, 0, n);
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	CHECK(same_pattern(buf, n, 1));
	CHECK_EQ(count_vram(fd, p, 64, 0), 64);
	CHECK_EQ(count_vram(fd, p, 64, SGPU_SNAPSHOT_CPU), 64);
	/* GPU writes to VRAM */
	pattern(buf, n, 2);
	CHECK_EQ(gpu_write(fd, p, buf, n), SGPU_STATUS_OK);
	/*
	 * The CPU reads them: in place (coherent VRAM), or after migrating
	 * the pages back to system memory (private VRAM: migrate_to_ram(),
	 * which invalidates the GPU's entries too)
	 */
	CHECK(same_pattern(p, n, 2));
	if (private) {
		CHECK_EQ(count_vram(fd, p, 64, SGPU_SNAPSHOT_CPU), 0);
		CHECK_EQ(count_vram(fd, p, 64, 0), 0);
		CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
		CHECK(same_pattern(buf, n, 2));
		/* back in system memory: a second bind moves them again */
		CHECK_EQ(migrate(fd, p, n), 64);
	} else {
		CHECK_EQ(count_vram(fd, p, 64, SGPU_SNAPSHOT_CPU), 64);
		/* a second bind finds nothing left to move */
		CHECK_EQ(migrate(fd, p, n), 0);
	}
	CHECK(same_pattern(p, n, 2));
	return 0;
}

static int t_migrate_mixed(void)
{
	size_t n = 16 * PAGE;
	char *p, *f;
	int fd, file;

	if (!have_vram())
		return 77;
	fd = dev_open_init();
	p = map_anon(n, PROT_READ | PROT_WRITE);
	CHECK(madvise(p, n, MADV_NOHUGEPAGE) == 0);
	/* never touched pages migrate as zeroed VRAM */
	CHECK_EQ(migrate(fd, p, n), 16);
	CHECK_EQ(p[5 * PAGE], 0);
	p[5 * PAGE] = 7;
	/* a hole in the range: the rest still migrates */
	CHECK(munmap(p + 4 * PAGE, 4 * PAGE) == 0);
	CHECK(munmap(p + 12 * PAGE, 4 * PAGE) == 0);
	p = map_anon(n, PROT_READ | PROT_WRITE);
	CHECK(madvise(p, n, MADV_NOHUGEPAGE) == 0);
	CHECK(munmap(p + 8 * PAGE, 4 * PAGE) == 0);
	memset(p, 3, 8 * PAGE);
	CHECK_EQ(migrate(fd, p, n), 12);
	CHECK_EQ(p[PAGE], 3);
	/* a range with no mapping at all: nothing, no error */
	CHECK_EQ(migrate(fd, p + 8 * PAGE, 4 * PAGE), 0);
	/* file-backed memory stays in the page cache */
	file = open("/tmp/sgpu-mig", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(file >= 0);
	CHECK(ftruncate(file, 4 * PAGE) == 0);
	f = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	CHECK(f != MAP_FAILED);
	memset(f, 1, 4 * PAGE);
	CHECK_EQ(migrate(fd, f, 4 * PAGE), 0);
	close(file);
	unlink("/tmp/sgpu-mig");
	return 0;
}

static int t_migrate_fork(void)
{
	size_t n = 16 * PAGE;
	char *p, *buf = malloc(n);
	int fd, status;
	pid_t pid;

	if (!have_vram())
		return 77;
	fd = dev_open_init();
	p = map_anon(n, PROT_READ | PROT_WRITE);
	pattern(p, n, 5);
	CHECK_EQ(migrate(fd, p, n), 16);
	pid = fork();
	if (pid == 0) {
		/* the child shares the VRAM pages copy-on-write */
		CHECK(same_pattern(p, n, 5));
		pattern(p, n, 6);
		CHECK(same_pattern(p, n, 6));
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(same_pattern(p, n, 5));
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	CHECK(same_pattern(buf, n, 5));
	/* GPU write after fork: breaks COW in the parent only */
	pattern(buf, n, 7);
	CHECK_EQ(gpu_write(fd, p, buf, n), SGPU_STATUS_OK);
	CHECK(same_pattern(p, n, 7));
	return 0;
}

/* The VRAM size in pages. */
static size_t vram_pages(int fd)
{
	struct drm_sgpu_info info;

	CHECK(ioctl(fd, DRM_IOCTL_SGPU_INFO, &info) == 0);
	return info.vram_size / PAGE;
}

/* VRAM runs out: best effort, and freed pages come back to the pool. */
static int t_migrate_full(void)
{
	size_t vram, n;
	long first, again;
	double t0;
	char *p;
	int fd;

	if (!have_vram())
		return 77;
	fd = dev_open_init();
	vram = vram_pages(fd);
	n = vram + 1024;
	p = map_anon(n * PAGE, PROT_READ | PROT_WRITE);
	memset(p, 9, n * PAGE);
	t0 = now_s();
	first = migrate(fd, p, n * PAGE);
	figure("pages_migrated_per_s", first / (now_s() - t0),
	       "pages/s (SVM_BIND to VRAM, 4 KiB pages, copy included)");
	CHECK(first > 0);
	CHECK((size_t)first <= vram);
	CHECK((size_t)first > vram - 1024);	/* other tests freed theirs */
	CHECK_EQ(p[0], 9);
	CHECK_EQ(p[n * PAGE - 1], 9);
	/* freeing the memory frees the VRAM */
	CHECK(munmap(p, n * PAGE) == 0);
	p = map_anon(n * PAGE, PROT_READ | PROT_WRITE);
	memset(p, 8, n * PAGE);
	again = migrate(fd, p, n * PAGE);
	CHECK_EQ(again, first);
	CHECK(munmap(p, n * PAGE) == 0);
	return 0;
}

/*
 * VRAM full: a later bind evicts pages that earlier binds brought in to
 * make room, never its own, and the evicted data is intact in system
 * memory.
 */
static int t_migrate_evict(void)
{
	size_t vram, half, in_a;
	char *a, *b;
	int fd;

	if (!have_vram())
		return 77;
	fd = dev_open_init();
	vram = vram_pages(fd);
	half = vram / 2 + 512; /* the two exceed VRAM by 1024 pages */
	a = map_anon(half * PAGE, PROT_READ | PROT_WRITE);
	b = map_anon(half * PAGE, PROT_READ | PROT_WRITE);
	CHECK(madvise(a, half * PAGE, MADV_NOHUGEPAGE) == 0);
	CHECK(madvise(b, half * PAGE, MADV_NOHUGEPAGE) == 0);
	pattern(a, half * PAGE, 5);
	pattern(b, half * PAGE, 6);
	CHECK_EQ(migrate(fd, a, half * PAGE), (long)half);
	CHECK_EQ(count_vram(fd, a, half, SGPU_SNAPSHOT_CPU), half);
	/* all of b moves: pages of a make room */
	CHECK_EQ(migrate(fd, b, half * PAGE), (long)half);
	CHECK_EQ(count_vram(fd, b, half, SGPU_SNAPSHOT_CPU), half);
	in_a = count_vram(fd, a, half, SGPU_SNAPSHOT_CPU);
	CHECK(in_a <= vram - half);
	CHECK(in_a > 0);
	/* the GPU still reads a, evicted or not */
	{
		char *buf = malloc(half * PAGE);

		CHECK_EQ(gpu_read(fd, a, buf, half * PAGE), SGPU_STATUS_OK);
		CHECK(same_pattern(buf, half * PAGE, 5));
		free(buf);
	}
	CHECK(same_pattern(a, half * PAGE, 5));
	CHECK(same_pattern(b, half * PAGE, 6));
	CHECK(munmap(a, half * PAGE) == 0);
	CHECK(munmap(b, half * PAGE) == 0);
	return 0;
}

static int t_migrate_race(void)
{
	size_t n = 64 * PAGE;
	char *p, *buf = malloc(PAGE);
	int fd, i, status;
	pid_t pid;

	if (!have_vram())
		return 77;
	fd = dev_open_init();
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 4, n);
	pid = fork();
	if (pid == 0) {
		/* a GPU client of its own reading while its pages move */
		int cfd = dev_open_init();

		for (i = 0; i < 200; i++) {
			int pg = i % 64;

			CHECK_EQ(gpu_read(cfd, p + pg * PAGE, buf, PAGE),
				 SGPU_STATUS_OK);
			CHECK_EQ(buf[100], 4);
			if (i % 16 == 0)
				migrate(cfd, p, n);
			if (i % 16 == 8)
				madvise(p + pg * PAGE, PAGE, MADV_PAGEOUT);
		}
		_exit(0);
	}
	for (i = 0; i < 20; i++)
		migrate(fd, p, n);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}

/*
 * Run by the guest's init around `rmmod sgpu`: migrate memory to VRAM,
 * close the device, wait for the module to go (its unload must move the
 * pages back to system memory), then check the data.
 */
int hold_vram(void)
{
	size_t n = 256 * PAGE;
	char *p = map_anon(n, PROT_READ | PROT_WRITE);
	const char *prefix = getenv("SGPU_TEST_PREFIX");
	struct stat st;
	int fd = dev_open_init(), i;
	long moved;

	if (!prefix)
		prefix = "";
	pattern(p, n, 77);
	moved = migrate(fd, p, n);
	close(fd);
	creat("/tmp/hold-ready", 0600);
	for (i = 0; i < 600 && stat("/tmp/hold-go", &st) != 0; i++)
		usleep(100000);
	if (moved != 256 || !same_pattern(p, n, 77)) {
		printf("SGPU-TEST FAIL %sevict_on_unload (moved %ld)\n", prefix,
		       moved);
		return 1;
	}
	printf("SGPU-TEST PASS %sevict_on_unload (%ld pages)\n", prefix, moved);
	return 0;
}

const struct guest_test migrate_tests[] = {
	{ "migrate_anon", t_migrate_anon },
	{ "migrate_mixed", t_migrate_mixed },
	{ "migrate_fork", t_migrate_fork },
	{ "migrate_full", t_migrate_full },
	{ "migrate_evict", t_migrate_evict },
	{ "migrate_race", t_migrate_race },
	{ NULL, NULL },
};
