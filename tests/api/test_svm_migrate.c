// SPDX-License-Identifier: MIT
/* clEnqueueSVMMigrateMem of application memory (fine-grain system SVM)
 * towards the CPU device: the data is kept, and the huge-page-aligned part
 * of the range is collapsed into transparent huge pages where the kernel
 * can (MADV_COLLAPSE, Linux 6.1 and later; the check says so and is left
 * out where it cannot). The API's argument checks are in test_svm_enqueue. */
#include "testutil.h"
#include <stdint.h>
#include <sys/mman.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

static struct tu_env env;

/* kB of AnonHugePages in the mapping that holds p (from /proc/self/smaps),
 * -1 when not found. */
static long huge_kb(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool inside = false;
	long kb = -1;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (inside && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb;
}

/* Whether this kernel collapses anonymous memory into huge pages on
 * request (Linux 6.1 and THP not "never"): tried on a mapping of its own. */
static bool collapse_works(size_t huge)
{
	unsigned char *m = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *a;
	bool ok;

	if (m == MAP_FAILED)
		return false;
	a = (unsigned char *)(((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1));
	memset(a, 1, huge);
	ok = madvise(a, huge, MADV_COLLAPSE) == 0 && huge_kb(a) >= (long)(huge >> 10);
	munmap(m, 2 * huge);
	return ok;
}

/* Towards the CPU device, application memory (fine-grain system SVM) is
 * collapsed into transparent huge pages where the kernel can: the data
 * stays, and the aligned part of the range gets huge pages. */
static void migrate_collapses(void)
{
	const size_t huge = 2u << 20, len = 4 * huge;
	unsigned char *m = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *a;
	const void *ptrs[1];
	size_t sizes[1] = {len - 100};
	long before;
	bool same = true;
	cl_device_type type = 0;

	REQUIRE(m != MAP_FAILED, "mmap");
	a = (unsigned char *)(((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1));
	for (size_t i = 0; i < len; i++)
		a[i] = (unsigned char)(i * 13 + i / 4096);
	before = huge_kb(a);
	ptrs[0] = a + 100; /* not aligned: the aligned part in it is 3 huge pages */
	CHECK_OK(clEnqueueSVMMigrateMem(env.queue, 1, ptrs, sizes, 0, 0, NULL, NULL),
		 "migrate application memory to the device");
	CHECK_OK(clFinish(env.queue), "finish");
	for (size_t i = 0; i < len; i++)
		same &= a[i] == (unsigned char)(i * 13 + i / 4096);
	CHECK(same, "the data is kept");
	clGetDeviceInfo(env.device, CL_DEVICE_TYPE, sizeof(type), &type, NULL);
	if (type != CL_DEVICE_TYPE_CPU)
		printf("# not the CPU device: its migration is its own, huge pages not checked\n");
	else if (!collapse_works(huge))
		printf("# MADV_COLLAPSE does not work here: the huge pages are not checked\n");
	else if (before >= 3 * 2048)
		printf("# the range had huge pages before (THP \"always\"?): not checked\n");
	else
		CHECK(huge_kb(a) >= 3 * 2048, "collapsed into huge pages: %ld kB, %ld before",
		      huge_kb(a), before);
	munmap(m, len + huge);
}

int main(void)
{
	tu_env_init(&env, 0);
	migrate_collapses();
	tu_env_fini(&env);
	return tu_done();
}
