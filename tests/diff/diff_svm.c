// SPDX-License-Identifier: MIT
/* Address spaces (constant, local, private, global; program-scope globals and
 * the generic address space where the device reports them) and SVM pointer
 * passing: a list inside one SVM buffer whose nodes point into a second one
 * (reached only through pointers: clSetKernelExecInfo), in coarse-grain,
 * fine-grain and, where reported, system (malloc) memory. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

static const char as_src[] =
	"__constant int tab[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};\n"
	"__kernel void as(__global const int *a, __constant int *ct, __global int *o,\n"
	"\t__local int *la)\n{\n"
	"\tsize_t i = get_global_id(0), l = get_local_id(0);\n"
	"\t__local int ls[64];\n\tint priv[16];\n"
	"\tfor (int k = 0; k < 16; k++) priv[k] = a[i] * k;\n"
	"\tls[l] = (int)i; la[l] = a[i] + 1;\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\to[i] = tab[i % 16] + ct[(i * 3) % 16] * 10 + priv[(i * 5) % 16] +\n"
	"\t\tls[63 - l] * 1000 + la[(l + 1) % 64] * 7;\n}\n";

static const char pvar_src[] =
	"__global int counter = 5;\n__global int arr[64];\n"
	"__kernel void pw(void) { size_t i = get_global_id(0); arr[i] = (int)(i * i);"
	" if (i == 0) counter += 37; }\n"
	"__kernel void pr(__global int *o) { size_t i = get_global_id(0);"
	" o[i] = arr[63 - i] + counter; }\n";

static const char generic_src[] =
	"int sum2(int *p) { return p[0] + p[1]; }\n"
	"int kind(int *p) { return (to_global(p) ? 1 : 0) + (to_local(p) ? 2 : 0) +"
	" (to_private(p) ? 4 : 0); }\n"
	"__kernel void gen(__global int *g, __global int *o)\n{\n"
	"\t__local int l[2];\n\tint pv[2] = {5, 6};\n\tsize_t i = get_global_id(0);\n"
	"\tif (get_local_id(0) == 0) { l[0] = 10; l[1] = 20; }\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\tint *p = (i & 1) ? (int *)l : (int *)(g + i);\n"
	"\to[i * 5] = sum2(g + i); o[i * 5 + 1] = sum2(l); o[i * 5 + 2] = sum2(pv);\n"
	"\to[i * 5 + 3] = sum2(p); o[i * 5 + 4] = kind(g + i) + kind(l) * 8 + kind(pv) * 64;\n}\n";

static const char *need_pvars(const struct side *s)
{
	return s->pvars ? NULL : "no __opencl_c_program_scope_global_variables";
}

static const char *need_generic(const struct side *s)
{
	return s->generic ? NULL : "no __opencl_c_generic_address_space";
}

void fam_addrspace(void)
{
	enum { N = 256, L = 64 };
	int32_t a[N + 1], ct[16], want[N];
	struct rep rep;
	size_t gws = N, lws = L;
	static const int tab[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};

	for (int i = 0; i <= N; i++)
		a[i] = i * 3 - 50;
	for (int k = 0; k < 16; k++)
		ct[k] = 100 - k * k;
	for (int i = 0; i < N; i++) {
		int l = i % L, g = i / L;

		want[i] = tab[i % 16] + ct[(i * 3) % 16] * 10 + a[i] * ((i * 5) % 16) +
			  (g * L + 63 - l) * 1000 + (a[g * L + (l + 1) % L] + 1) * 7;
	}
	rep_begin(&rep, -1, "addrspace/constant (program scope + arg), local, private");
	if (diff_selected(rep.name)) {
		for (int s = 0; s < NSIDES; s++) {
			int32_t o[N];
			struct darg args[] = {{ARG_BUF, N * 4, a, NULL}, {ARG_BUF, sizeof(ct), ct, NULL},
					      {ARG_BUF, sizeof(o), NULL, o}, {ARG_LOCAL, L * 4, NULL, NULL}};
			cl_program p = diff_build(&sides[s], as_src, "-cl-std=CL1.2");
			cl_int err = p ? diff_run(&sides[s], p, "as", 4, args, 1, NULL, &gws, &lws)
				       : CL_BUILD_PROGRAM_FAILURE;

			if (p)
				clReleaseProgram(p);
			if (err)
				rep_broken(&rep, s, "as: %s", diff_errname(err));
			for (int i = 0; !err && i < N; i++)
				if (o[i] != want[i])
					rep_fail(&rep, s, "item %d: expected %d got %d", i, want[i], o[i]);
		}
		rep_end(&rep);
	}

	rep_begin(&rep, -1, "addrspace/program-scope globals across launches (CL3.0)");
	if (diff_selected(rep.name)) {
		for (int s = 0; s < NSIDES; s++) {
			int32_t o[64];
			size_t g64 = 64;
			struct darg args[] = {{ARG_BUF, sizeof(o), NULL, o}};
			cl_program p;
			cl_int err;

			if (need_pvars(&sides[s])) {
				rep_skip(&rep, s, need_pvars(&sides[s]));
				continue;
			}
			p = diff_build(&sides[s], pvar_src, "-cl-std=CL3.0");
			err = p ? diff_run(&sides[s], p, "pw", 0, NULL, 1, NULL, &g64, NULL)
				: CL_BUILD_PROGRAM_FAILURE;
			if (!err)
				err = diff_run(&sides[s], p, "pr", 1, args, 1, NULL, &g64, NULL);
			if (p)
				clReleaseProgram(p);
			if (err)
				rep_broken(&rep, s, "pw/pr: %s", diff_errname(err));
			for (int i = 0; !err && i < 64; i++)
				if (o[i] != (63 - i) * (63 - i) + 42)
					rep_fail(&rep, s, "item %d: expected %d got %d", i,
						 (63 - i) * (63 - i) + 42, o[i]);
		}
		rep_end(&rep);
	}

	rep_begin(&rep, -1, "addrspace/generic pointers, to_global/to_local/to_private (CL3.0)");
	if (diff_selected(rep.name)) {
		for (int s = 0; s < NSIDES; s++) {
			int32_t o[N * 5];
			struct darg args[] = {{ARG_BUF, (N + 1) * 4, a, NULL},
					      {ARG_BUF, sizeof(o), NULL, o}};
			cl_program p;
			cl_int err;

			if (need_generic(&sides[s])) {
				rep_skip(&rep, s, need_generic(&sides[s]));
				continue;
			}
			p = diff_build(&sides[s], generic_src, "-cl-std=CL3.0");
			err = p ? diff_run(&sides[s], p, "gen", 2, args, 1, NULL, &gws, &lws)
				: CL_BUILD_PROGRAM_FAILURE;
			if (p)
				clReleaseProgram(p);
			if (err)
				rep_broken(&rep, s, "gen: %s", diff_errname(err));
			for (int i = 0; !err && i < N; i++) {
				int g2 = a[i] + a[i + 1];
				int w[5] = {g2, 30, 11, (i & 1) ? 30 : g2, 1 + 2 * 8 + 4 * 64};

				for (int k = 0; k < 5; k++)
					if (o[i * 5 + k] != w[k])
						rep_fail(&rep, s, "item %d value %d: expected %d got %d",
							 i, k, w[k], o[i * 5 + k]);
			}
		}
		rep_end(&rep);
	}
}

/* --- SVM. ---------------------------------------------------------------- */
static const char svm_src[] =
	"struct node { __global struct node *next; __global int *data; int val; int pad; };\n"
	"__kernel void walk(__global struct node *head, __global long *out, int skip)\n{\n"
	"\tlong s = 0; int n = 0;\n"
	"\tfor (__global struct node *p = head; p; p = p->next) {\n"
	"\t\ts += (long)p->val * 3 + *p->data; p->val += skip; n++;\n\t}\n"
	"\tout[0] = s; out[1] = n;\n}\n";

struct node {
	struct node *next;
	int32_t *data;
	int32_t val, pad;
};

enum { SVM_COARSE, SVM_FINE, SVM_SYSTEM };

static void svm_kind(int kind)
{
	enum { NN = 1000 };
	static const char *names[] = {"coarse-grain buffer", "fine-grain buffer",
				      "fine-grain system (malloc)"};
	struct rep rep;

	rep_begin(&rep, -1, "svm/linked list in %s, data in a second allocation", names[kind]);
	if (!diff_selected(rep.name))
		return;
	for (int s = 0; s < NSIDES; s++) {
		struct side *sd = &sides[s];
		cl_svm_mem_flags fl = CL_MEM_READ_WRITE |
				      (kind == SVM_FINE ? CL_MEM_SVM_FINE_GRAIN_BUFFER : 0);
		struct node *nodes;
		int32_t *data;
		int64_t out[2] = {0, 0}, want = 0;
		int perm[NN];
		cl_program p;
		cl_int err;
		size_t one = 1;

		if ((kind == SVM_FINE && !sd->svm_fine) || (kind == SVM_SYSTEM && !sd->svm_system)) {
			rep_skip(&rep, s, "not reported by the device");
			continue;
		}
		if (kind == SVM_SYSTEM) {
			nodes = malloc(sizeof(*nodes) * NN);
			data = malloc(4 * NN);
		} else {
			nodes = clSVMAlloc(sd->ctx, fl, sizeof(*nodes) * NN, 0);
			data = clSVMAlloc(sd->ctx, fl, 4 * NN, 0);
		}
		if (!nodes || !data) {
			rep_broken(&rep, s, "allocation failed");
			continue;
		}
		if (kind == SVM_COARSE) {
			clEnqueueSVMMap(sd->q, CL_TRUE, CL_MAP_WRITE, nodes, sizeof(*nodes) * NN, 0,
					NULL, NULL);
			clEnqueueSVMMap(sd->q, CL_TRUE, CL_MAP_WRITE, data, 4 * NN, 0, NULL, NULL);
		}
		/* A shuffled order, so that the walk jumps around the buffer. */
		for (int i = 0; i < NN; i++)
			perm[i] = i;
		rnd_seed(8);
		for (int i = NN - 1; i > 0; i--) {
			int j = (int)(rnd() % (uint64_t)(i + 1)), t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		for (int i = 0; i < NN; i++) {
			struct node *nd = &nodes[perm[i]];

			nd->next = i + 1 < NN ? &nodes[perm[i + 1]] : NULL;
			nd->data = &data[(perm[i] * 7) % NN];
			nd->val = i - 300;
			data[i] = i * 11;
		}
		for (int i = 0; i < NN; i++)
			want += (int64_t)(i - 300) * 3 + ((perm[i] * 7) % NN) * 11;
		if (kind == SVM_COARSE) {
			clEnqueueSVMUnmap(sd->q, nodes, 0, NULL, NULL);
			clEnqueueSVMUnmap(sd->q, data, 0, NULL, NULL);
		}
		cl_int skip = 5;
		struct darg args[] = {{ARG_SVM, 0, &nodes[perm[0]], NULL},
				      {ARG_BUF, sizeof(out), out, out}, {ARG_VAL, 4, &skip, NULL},
				      {ARG_SVM_EXTRA, 0, data, NULL}, {ARG_SVM_EXTRA, 0, nodes, NULL}};
		p = diff_build(sd, svm_src, sd->cl20 ? "-cl-std=CL2.0"
					    : sd->cl30 ? "-cl-std=CL3.0" : "-cl-std=CL1.2");
		err = p ? diff_run(sd, p, "walk", 5, args, 1, NULL, &one, &one)
			: CL_BUILD_PROGRAM_FAILURE;
		if (p)
			clReleaseProgram(p);
		if (err) {
			rep_broken(&rep, s, "walk: %s", diff_errname(err));
		} else {
			if (out[0] != want || out[1] != NN)
				rep_fail(&rep, s, "walk: sum %lld count %lld, expected %lld %d",
					 (long long)out[0], (long long)out[1], (long long)want, NN);
			if (kind == SVM_COARSE)
				clEnqueueSVMMap(sd->q, CL_TRUE, CL_MAP_READ, nodes,
						sizeof(*nodes) * NN, 0, NULL, NULL);
			for (int i = 0; i < NN; i++)
				if (nodes[perm[i]].val != i - 300 + 5 ||
				    nodes[perm[i]].next != (i + 1 < NN ? &nodes[perm[i + 1]] : NULL)) {
					rep_fail(&rep, s, "node %d: val %d (expected %d) or next "
						 "changed", i, nodes[perm[i]].val, i - 295);
					break;
				}
			if (kind == SVM_COARSE)
				clEnqueueSVMUnmap(sd->q, nodes, 0, NULL, NULL);
		}
		clFinish(sd->q);
		if (kind == SVM_SYSTEM) {
			free(nodes);
			free(data);
		} else {
			clSVMFree(sd->ctx, nodes);
			clSVMFree(sd->ctx, data);
		}
	}
	rep_end(&rep);
}

void fam_svm(void)
{
	svm_kind(SVM_COARSE);
	svm_kind(SVM_FINE);
	svm_kind(SVM_SYSTEM);
}
