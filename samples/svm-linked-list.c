// SPDX-License-Identifier: MIT
/* svm-linked-list: fine-grain system SVM. The host builds linked lists with
 * plain malloc, one list per work-item, its nodes interleaved in memory with
 * those of the other lists. A first kernel walks each list and writes running
 * sums and the list total into the nodes, a second one reverses each list in
 * place (the device writes pointers the host then follows). The host reads
 * everything directly, with no copy and no map. Skipped (exit 0) when the
 * device does not report CL_DEVICE_SVM_FINE_GRAIN_SYSTEM. */
#include "common.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LISTS 4096
#define LEN 256 /* nodes per list */

/* Same layout on both sides: the device shares the host's address space. */
struct node {
	struct node *next;
	int32_t value;
	int32_t prefix;	/* kernel: sum of the values from the head to here */
	int64_t total;	/* kernel: sum of the whole list */
};

static const char *src =
	"struct node {\n"
	"	global struct node *next;\n"
	"	int value;\n"
	"	int prefix;\n"
	"	long total;\n"
	"};\n"
	"\n"
	"kernel void walk(global struct node *global *heads, global long *sums,\n"
	"		  global uint *lengths)\n"
	"{\n"
	"	size_t l = get_global_id(0);\n"
	"	global struct node *p;\n"
	"	long s = 0;\n"
	"	uint len = 0;\n"
	"\n"
	"	for (p = heads[l]; p; p = p->next) {\n"
	"		s += p->value;\n"
	"		p->prefix = (int)s;\n"
	"		len++;\n"
	"	}\n"
	"	for (p = heads[l]; p; p = p->next)\n"
	"		p->total = s;\n"
	"	sums[l] = s;\n"
	"	lengths[l] = len;\n"
	"}\n"
	"\n"
	"kernel void reverse(global struct node *global *heads)\n"
	"{\n"
	"	size_t l = get_global_id(0);\n"
	"	global struct node *p = heads[l], *prev = 0;\n"
	"\n"
	"	while (p) {\n"
	"		global struct node *next = p->next;\n"
	"\n"
	"		p->next = prev;\n"
	"		prev = p;\n"
	"		p = next;\n"
	"	}\n"
	"	heads[l] = prev;\n"
	"}\n";

static int32_t value_of(size_t list, size_t pos)
{
	return (int32_t)((list * 2654435761u + pos * 40503u) % 1000);
}

int main(void)
{
	cl_int err;
	cl_uint addr_bits;

	sample_init("svm-linked-list");
	cl_device_id dev = pick_device(NULL);
	if (!(device_svm_caps(dev, true) & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		printf("svm-linked-list: SKIPPED: the device does not report "
		       "CL_DEVICE_SVM_FINE_GRAIN_SYSTEM (kernels cannot use malloc memory)\n");
		return 0;
	}
	CL_CHECK(clGetDeviceInfo(dev, CL_DEVICE_ADDRESS_BITS, sizeof(addr_bits), &addr_bits,
				 NULL));
	if (addr_bits != sizeof(void *) * 8) {
		printf("svm-linked-list: %u-bit device pointers, %zu-bit host pointers\n",
		       addr_bits, sizeof(void *) * 8);
		return 1;
	}
	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CL_CHECK_ERR(err);
	cl_queue_properties qprops[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, dev, qprops, &err);
	CL_CHECK_ERR(err);
	/* OpenCL C 1.2, the default, forbids pointer-to-pointer kernel arguments
	 * (heads); 2.0 and later allow them, and fine-grain system SVM comes
	 * with 2.0 or later. */
	cl_program prog = build_program(ctx, dev, src,
					device_has_c_version(dev, 3, 0) ? "-cl-std=CL3.0"
									: "-cl-std=CL2.0");
	cl_kernel kwalk = clCreateKernel(prog, "walk", &err);
	CL_CHECK_ERR(err);
	cl_kernel krev = clCreateKernel(prog, "reverse", &err);
	CL_CHECK_ERR(err);

	/* Everything below comes from plain malloc. Nodes are allocated one at
	 * a time, round-robin over the lists, so that lists interleave. */
	struct node **heads = malloc(LISTS * sizeof(*heads));
	struct node **tails = malloc(LISTS * sizeof(*tails));
	struct node **all = malloc((size_t)LISTS * LEN * sizeof(*all));
	int64_t *sums = malloc(LISTS * sizeof(*sums));
	uint32_t *lengths = malloc(LISTS * sizeof(*lengths));
	if (!heads || !tails || !all || !sums || !lengths)
		sample_die("malloc", CL_OUT_OF_HOST_MEMORY, __FILE__, __LINE__);
	double t = now_ms();
	for (size_t pos = 0; pos < LEN; pos++) {
		for (size_t l = 0; l < LISTS; l++) {
			struct node *n = malloc(sizeof(*n));

			if (!n)
				sample_die("malloc", CL_OUT_OF_HOST_MEMORY, __FILE__, __LINE__);
			*n = (struct node){.next = NULL, .value = value_of(l, pos),
					   .prefix = -1, .total = -1};
			if (pos == 0)
				heads[l] = n;
			else
				tails[l]->next = n;
			tails[l] = n;
			all[pos * LISTS + l] = n;
		}
	}
	for (size_t l = 0; l < LISTS; l++) {
		sums[l] = -1;
		lengths[l] = 0;
	}
	printf("host built %d lists of %d nodes with malloc (%zu-byte nodes) in %.1f ms\n",
	       LISTS, LEN, sizeof(struct node), now_ms() - t);

	/* The kernels reach malloc memory through pointers they find in it:
	 * tell the runtime so. */
	cl_bool yes = CL_TRUE;
	CL_CHECK(clSetKernelExecInfo(kwalk, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				     sizeof(yes), &yes));
	CL_CHECK(clSetKernelExecInfo(krev, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				     sizeof(yes), &yes));
	CL_CHECK(clSetKernelArgSVMPointer(kwalk, 0, heads));
	CL_CHECK(clSetKernelArgSVMPointer(kwalk, 1, sums));
	CL_CHECK(clSetKernelArgSVMPointer(kwalk, 2, lengths));
	CL_CHECK(clSetKernelArgSVMPointer(krev, 0, heads));

	size_t global = LISTS;
	cl_event ev_walk, ev_rev;
	t = now_ms();
	CL_CHECK(clEnqueueNDRangeKernel(q, kwalk, 1, NULL, &global, NULL, 0, NULL, &ev_walk));
	CL_CHECK(clEnqueueNDRangeKernel(q, krev, 1, NULL, &global, NULL, 0, NULL, &ev_rev));
	CL_CHECK(clFinish(q));
	t = now_ms() - t;
	printf("walk kernel: %.2f ms (%.1f M nodes/s over two passes), reverse kernel: %.2f ms, "
	       "both: %.2f ms enqueue-to-finish\n", event_ms(ev_walk),
	       2.0 * LISTS * LEN / (event_ms(ev_walk) * 1e3 + 1e-9), event_ms(ev_rev), t);

	/* The host reads the malloc memory directly: no copy, no map. */
	size_t bad = 0;
	for (size_t l = 0; l < LISTS; l++) {
		int64_t s = 0;

		for (size_t pos = 0; pos < LEN; pos++)
			s += value_of(l, pos);
		if (sums[l] != s || lengths[l] != LEN) {
			if (!bad++)
				printf("MISMATCH: list %zu: sum %lld length %u, expected %lld %d\n",
				       l, (long long)sums[l], lengths[l], (long long)s, LEN);
			continue;
		}
		/* Reversed: the old tail first, running sums going down. */
		struct node *n = heads[l];
		int32_t prefix = (int32_t)s;
		bool ok = true;
		for (size_t pos = LEN; pos-- > 0;) {
			struct node *want = all[pos * LISTS + l];

			/* Only follow pointers known to be ours. */
			if (n != want) {
				if (!bad)
					printf("MISMATCH: list %zu, node %zu is %p, expected %p\n",
					       l, pos, (void *)n, (void *)want);
				ok = false;
				break;
			}
			ok = n->value == value_of(l, pos) && n->prefix == prefix && n->total == s;
			if (!ok) {
				if (!bad)
					printf("MISMATCH: list %zu, node %zu: value %d prefix %d "
					       "total %lld, expected %d %d %lld\n", l, pos,
					       n->value, n->prefix, (long long)n->total,
					       value_of(l, pos), prefix, (long long)s);
				break;
			}
			prefix -= n->value;
			n = n->next;
		}
		if (ok && n) {
			ok = false;
			if (!bad)
				printf("MISMATCH: list %zu longer than %d after reversal\n", l,
				       LEN);
		}
		bad += !ok;
	}
	if (!bad)
		printf("verified %d list sums and lengths, and all %d nodes' running sums, totals "
		       "and reversed links, read directly by the host\n", LISTS, LISTS * LEN);

	for (size_t i = 0; i < (size_t)LISTS * LEN; i++)
		free(all[i]);
	free(all);
	free(heads);
	free(tails);
	free(sums);
	free(lengths);
	CL_CHECK(clReleaseEvent(ev_walk));
	CL_CHECK(clReleaseEvent(ev_rev));
	CL_CHECK(clReleaseKernel(kwalk));
	CL_CHECK(clReleaseKernel(krev));
	CL_CHECK(clReleaseProgram(prog));
	CL_CHECK(clReleaseCommandQueue(q));
	CL_CHECK(clReleaseContext(ctx));
	if (bad) {
		printf("svm-linked-list: FAILED (%zu lists wrong)\n", bad);
		return 1;
	}
	printf("svm-linked-list: all checks passed\n");
	return 0;
}
