// SPDX-License-Identifier: GPL-2.0-only
/* Concurrency (faults racing invalidations) and the figures of the note. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sgpu_test.h"

#define RACE_PAGES	64
#define RACE_SECONDS	2.0

struct race {
	int fd;
	char *p;
	volatile int stop;
	unsigned long bad, ops;
};

/*
 * Faulting threads: every word of the region is either 0 (just dropped
 * by madvise) or its own page number + 1 (written by the CPU thread), never
 * anything else, whatever the GPU page table raced with.
 */
static void *gpu_thread(void *arg)
{
	struct race *r = arg;
	uint64_t buf[PAGE / 8];
	unsigned int seed = (unsigned int)(uintptr_t)&buf, i;

	while (!r->stop) {
		unsigned int pg = rand_r(&seed) % RACE_PAGES;
		struct drm_sgpu_engine e = { .op = SGPU_ENGINE_READ,
			.dst = (uintptr_t)r->p + pg * PAGE, .size = PAGE,
			.data = (uintptr_t)buf };

		if (engine(r->fd, &e)) {
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (e.status == SGPU_STATUS_OK) {
			for (i = 0; i < PAGE / 8; i++)
				if (buf[i] != 0 && buf[i] != pg + 1u)
					break;
			if (i < PAGE / 8)
				__atomic_fetch_add(&r->bad, 1,
						   __ATOMIC_RELAXED);
		} else if (e.status != SGPU_STATUS_FAULT &&
			   e.status != SGPU_STATUS_BUSY) {
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&r->ops, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *gpu_writer(void *arg)
{
	struct race *r = arg;
	unsigned int seed = 77;

	while (!r->stop) {
		unsigned int pg = rand_r(&seed) % RACE_PAGES;

		/* atomics on the page's first word keep its value */
		gpu_atomic(r->fd, SGPU_ENGINE_ATOMIC_ADD, 0,
			   r->p + pg * PAGE, 0, 0, NULL);
	}
	return NULL;
}

static void fill_pages(char *p, unsigned int first, unsigned int n)
{
	unsigned int pg, i;

	for (pg = first; pg < first + n; pg++)
		for (i = 0; i < PAGE / 8; i++)
			((uint64_t *)(p + pg * PAGE))[i] = pg + 1u;
}

static int t_race(void)
{
	struct race r = { .fd = dev_open_init() };
	struct drm_sgpu_counters c;
	pthread_t th[4];
	unsigned int seed = 5, i, rounds = 0;
	double t0;

	r.p = map_anon(RACE_PAGES * PAGE, PROT_READ | PROT_WRITE);
	fill_pages(r.p, 0, RACE_PAGES);
	for (i = 0; i < 3; i++)
		CHECK(pthread_create(&th[i], NULL, gpu_thread, &r) == 0);
	CHECK(pthread_create(&th[3], NULL, gpu_writer, &r) == 0);
	t0 = now_s();
	while (now_s() - t0 < RACE_SECONDS) {
		unsigned int pg = rand_r(&seed) % (RACE_PAGES - 4);

		switch (rounds++ % 4) {
		case 0:
			madvise(r.p + pg * PAGE, 4 * PAGE, MADV_DONTNEED);
			break;
		case 1:
			fill_pages(r.p, pg, 4);
			break;
		case 2:
			mprotect(r.p + pg * PAGE, 4 * PAGE, PROT_READ);
			mprotect(r.p + pg * PAGE, 4 * PAGE,
				 PROT_READ | PROT_WRITE);
			break;
		default:	/* unmap and map again: faults in between */
			mmap(r.p + pg * PAGE, 4 * PAGE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			mmap(r.p + pg * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			fill_pages(r.p, pg, 4);
			break;
		}
	}
	r.stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	counters(r.fd, &c);
	printf("    %lu GPU reads, %u CPU changes, %llu faults, %llu retries, "
	       "%llu invalidations\n", r.ops, rounds,
	       (unsigned long long)c.faults, (unsigned long long)c.retries,
	       (unsigned long long)c.invalidations);
	CHECK_EQ(r.bad, 0);
	CHECK(r.ops > 0);
	CHECK(c.invalidations > 0);
	return 0;
}

/* Threads sharing one client fault the same fresh pages at once. */
static void *same_fault(void *arg)
{
	struct race *r = arg;
	char buf[8];

	while (!r->stop)
		;
	for (unsigned int pg = 0; pg < 256; pg++)
		if (gpu_read(r->fd, r->p + pg * PAGE, buf, 8) !=
		    SGPU_STATUS_OK)
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int t_concurrent_faults(void)
{
	struct race r = { .fd = dev_open_init(), .stop = 0 };
	struct drm_sgpu_counters c;
	pthread_t th[4];
	int i;

	/*
	 * A VMA of its own filling its 2 MiB: thread stacks next to it would
	 * share a huge page with it, and glibc's madvise(DONTNEED) on exiting
	 * stacks would then legitimately invalidate part of the mirror.
	 */
	r.p = map_aligned(2UL << 20, 2UL << 20);
	CHECK(madvise(r.p, 2UL << 20, MADV_NOHUGEPAGE) == 0);
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&th[i], NULL, same_fault, &r) == 0);
	r.stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK_EQ(r.bad, 0);
	counters(r.fd, &c);
	CHECK_EQ(c.mirrored_pages, 256);
	{
		uint8_t snap[256];

		CHECK_EQ(snapshot(r.fd, r.p, 256, snap, 0), 0);
		for (i = 0; i < 256; i++)
			CHECK(snap[i] & SGPU_PTE_READ);
	}
	return 0;
}

static int prefetch(int fd, void *p, size_t n)
{
	struct drm_sgpu_engine e = { .op = SGPU_ENGINE_PREFETCH,
		.dst = (uintptr_t)p, .size = n };

	CHECK_EQ(engine(fd, &e), 0);
	return (int)e.status;
}

/*
 * The figures: GPU faults resolved per second, pages mirrored per second,
 * invalidation latency (time the notifier spends removing entries, as the
 * kernel measures it), engine bandwidth and round trip.
 */
static int t_figures(void)
{
	int fd = dev_open_init();
	size_t n = 64UL << 20, i;
	char *p = map_aligned(n, 2UL << 20);
	char *buf = malloc(n), b8[8];
	struct drm_sgpu_counters c0, c1;
	struct drm_sgpu_engine nop = { .op = SGPU_ENGINE_NOP };
	double t0, t;
	unsigned int k;

	/* 4 KiB pages */
	CHECK(madvise(p, n, MADV_NOHUGEPAGE) == 0);
	memset(p, 1, n);
	/* one page per fault: 1-byte reads of distinct pages */
	counters(fd, &c0);
	t0 = now_s();
	for (i = 0; i < 4096; i++)
		CHECK_EQ(gpu_read(fd, p + i * PAGE, b8, 1), SGPU_STATUS_OK);
	t = now_s() - t0;
	counters(fd, &c1);
	CHECK_EQ(c1.faults - c0.faults, 4096);
	figure("faults_per_s", 4096 / t,
	       "GPU faults/s (one 4 KiB page each, engine read included)");
	/* bulk: prefetch the rest, faults of up to 512 pages */
	counters(fd, &c0);
	t0 = now_s();
	CHECK_EQ(prefetch(fd, p + 4096 * PAGE, n - 4096 * PAGE),
		 SGPU_STATUS_OK);
	t = now_s() - t0;
	counters(fd, &c1);
	CHECK_EQ(c1.pages_faulted - c0.pages_faulted, n / PAGE - 4096);
	figure("pages_mirrored_per_s", (c1.pages_faulted - c0.pages_faulted) /
	       t, "pages/s (4 KiB pages, prefetch of 48 MiB)");
	t0 = now_s();
	CHECK_EQ(gpu_read(fd, p, buf, n), SGPU_STATUS_OK);
	t = now_s() - t0;
	figure("engine_read_GBps", n / t / 1e9,
	       "GB/s (64 MiB engine read of mirrored memory)");
	/*
	 * invalidation: madvise(DONTNEED) of single mirrored pages (an
	 * mprotect would split the VMA, and a VMA boundary inside a 2 MiB
	 * range invalidates all of it: vma_adjust_trans_huge()).
	 */
	counters(fd, &c0);
	for (k = 0; k < 1000; k++)
		CHECK(madvise(p + k * PAGE, PAGE, MADV_DONTNEED) == 0);
	counters(fd, &c1);
	CHECK_EQ(c1.invalidations - c0.invalidations, 1000);
	CHECK_EQ(c1.pages_invalidated - c0.pages_invalidated, 1000);
	figure("invalidation_ns", (double)(c1.invalidate_ns - c0.invalidate_ns) /
	       1000, "ns (notifier removing one 4 KiB entry)");
	counters(fd, &c0);
	t0 = now_s();
	CHECK(munmap(p + (32UL << 20), 32UL << 20) == 0);
	t = now_s() - t0;
	counters(fd, &c1);
	figure("invalidation_8192_pages_us",
	       (c1.invalidate_ns - c0.invalidate_ns) / 1e3,
	       "us (notifier removing 32 MiB of entries)");
	figure("munmap_32MiB_mirrored_us", t * 1e6, "us (the whole munmap)");
	/* huge pages: one fault enters 512 entries */
	{
		size_t m = 32UL << 20;
		char *q = map_aligned(m, 2UL << 20);

		CHECK(madvise(q, m, MADV_HUGEPAGE) == 0);
		memset(q, 2, m);
		counters(fd, &c0);
		t0 = now_s();
		CHECK_EQ(prefetch(fd, q, m), SGPU_STATUS_OK);
		t = now_s() - t0;
		counters(fd, &c1);
		figure("pages_mirrored_per_s_thp",
		       (c1.pages_faulted - c0.pages_faulted) / t,
		       "pages/s (prefetch of 32 MiB of transparent huge pages)");
	}
	t0 = now_s();
	for (k = 0; k < 10000; k++)
		engine(fd, &nop);
	figure("engine_nop_us", (now_s() - t0) / 10000 * 1e6,
	       "us (engine ioctl round trip)");
	return 0;
}

/* Long engine commands in flight while the process exits under them. */
static void *long_reader(void *arg)
{
	struct race *r = arg;
	size_t n = 32UL << 20;
	char *buf = malloc(n);

	for (;;) {
		struct drm_sgpu_engine e = { .op = SGPU_ENGINE_READ,
			.dst = (uintptr_t)r->p, .size = n,
			.data = (uintptr_t)buf };

		engine(r->fd, &e);
		madvise(r->p, n, MADV_DONTNEED);
	}
	return NULL;
}

static int t_exit_during_engine(void)
{
	int i, status;

	for (i = 0; i < 4; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct race r = { .fd = dev_open_init() };
			pthread_t th[2];

			r.p = map_anon(32UL << 20, PROT_READ | PROT_WRITE);
			memset(r.p, 1, 32UL << 20);
			pthread_create(&th[0], NULL, long_reader, &r);
			pthread_create(&th[1], NULL, long_reader, &r);
			usleep(20000 + i * 30000);
			_exit(0);	/* exit_group: threads die mid-command */
		}
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return 0;
}

const struct guest_test stress_tests[] = {
	{ "race_invalidate", t_race },
	{ "concurrent_faults", t_concurrent_faults },
	{ "exit_during_engine", t_exit_during_engine },
	{ "figures", t_figures },
	{ NULL, NULL },
};
