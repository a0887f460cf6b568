// SPDX-License-Identifier: MIT
/* Work-item functions (1 to 3 dimensions, offsets, non-uniform work-groups),
 * synchronisation (barriers in loops, local and global fences, work-group
 * collectives), atomics (legacy, 64-bit and C11), async copies and shuffles.
 * Every result is exact: the host knows it. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

/* Runs one kernel on every side and compares output argument `outarg` (uint32
 * words) with `want`. need: NULL, or why a side cannot run it. */
typedef const char *(*need_fn)(const struct side *s);
static void run_exact(struct rep *rep, const char *src, const char *opts, const char *kernel,
		      int nargs, const struct darg *args, int outarg, const uint32_t *want,
		      size_t nwords, cl_uint dim, const size_t *off, const size_t *gws,
		      const size_t *lws, need_fn need)
{
	for (int s = 0; s < NSIDES; s++) {
		struct darg a[16];
		uint32_t *got = malloc(args[outarg].size);
		const char *why = need ? need(&sides[s]) : NULL;
		cl_program p;
		cl_int err;
		char o[64];

		if (why) {
			rep_skip(rep, s, why);
			free(got);
			continue;
		}
		snprintf(o, sizeof(o), "%s%s", opts ? opts : "",
			 sides[s].cl30 && !opts ? "-cl-std=CL3.0" : "");
		memcpy(a, args, sizeof(*a) * (size_t)nargs);
		a[outarg].out = got;
		p = diff_build(&sides[s], src, o);
		err = p ? diff_run(&sides[s], p, kernel, nargs, a, dim, off, gws, lws)
			: CL_BUILD_PROGRAM_FAILURE;
		if (p)
			clReleaseProgram(p);
		if (err) {
			rep_broken(rep, s, "%s: %s", kernel, diff_errname(err));
		} else {
			for (size_t i = 0; i < nwords; i++)
				if (got[i] != want[i])
					rep_fail(rep, s, "%s: word %zu: expected %#x got %#x", kernel,
						 i, want[i], got[i]);
		}
		free(got);
	}
}

/* --- Work-item functions. ---------------------------------------------- */
#define NF 20
static const char wi_src[] =
	"__kernel void wi(__global uint *o)\n{\n"
	"\tsize_t l = ((get_global_id(2) - get_global_offset(2)) * get_global_size(1) +\n"
	"\t\t(get_global_id(1) - get_global_offset(1))) * get_global_size(0) +\n"
	"\t\tget_global_id(0) - get_global_offset(0);\n"
	"\t__global uint *p = o + l * 20;\n"
	"\tp[0] = get_work_dim();\n"
	"\tfor (uint k = 0; k < 3; k++) {\n"
	"\t\tp[1 + k] = get_global_id(k); p[4 + k] = get_local_id(k);\n"
	"\t\tp[7 + k] = get_group_id(k); p[10 + k] = get_local_size(k);\n"
	"\t\tp[13 + k] = get_num_groups(k);\n\t}\n"
	"\tp[16] = get_global_size(0) + 1000 * get_global_offset(0) + 100000 * get_global_size(2);\n"
	"#if __OPENCL_C_VERSION__ >= 200\n"
	"\tp[17] = get_enqueued_local_size(0) + 1000 * get_enqueued_local_size(1);\n"
	"\tp[18] = get_global_linear_id(); p[19] = get_local_linear_id();\n"
	"#else\n\tp[17] = p[18] = p[19] = 0;\n#endif\n}\n";

static const char *need_nonuniform(const struct side *s)
{
	return s->nonuniform && s->cl30 ? NULL : "no non-uniform work-groups";
}

static void workitem_cfg(cl_uint dim, const size_t *g, const size_t *l, const size_t *of,
			 bool nonuni)
{
	size_t gs[3] = {1, 1, 1}, ls[3] = {1, 1, 1}, os[3] = {0, 0, 0}, total;
	bool cl30 = sides[0].cl30 && sides[1].cl30;
	struct rep rep;
	uint32_t *want;

	for (cl_uint k = 0; k < dim; k++) {
		gs[k] = g[k];
		ls[k] = l[k];
		os[k] = of[k];
	}
	rep_begin(&rep, -1, "workitem/%uD g=%zux%zux%zu l=%zux%zux%zu off=%zu,%zu,%zu", dim,
		  gs[0], gs[1], gs[2], ls[0], ls[1], ls[2], os[0], os[1], os[2]);
	if (!diff_selected(rep.name))
		return;
	total = gs[0] * gs[1] * gs[2];
	want = calloc(total * NF, 4);
	for (size_t z = 0; z < gs[2]; z++)
		for (size_t y = 0; y < gs[1]; y++)
			for (size_t x = 0; x < gs[0]; x++) {
				size_t idx[3] = {x, y, z}, lin = (z * gs[1] + y) * gs[0] + x;
				size_t lsz[3], lid[3];
				uint32_t *p = want + lin * NF;

				p[0] = dim;
				for (int k = 0; k < 3; k++) {
					size_t grp = idx[k] / ls[k];

					lid[k] = idx[k] % ls[k];
					lsz[k] = gs[k] - grp * ls[k] < ls[k] ? gs[k] - grp * ls[k] : ls[k];
					p[1 + k] = (uint32_t)(os[k] + idx[k]);
					p[4 + k] = (uint32_t)lid[k];
					p[7 + k] = (uint32_t)grp;
					p[10 + k] = (uint32_t)lsz[k];
					p[13 + k] = (uint32_t)((gs[k] + ls[k] - 1) / ls[k]);
				}
				p[16] = (uint32_t)(gs[0] + 1000 * os[0] + 100000 * gs[2]);
				if (cl30) {
					p[17] = (uint32_t)(ls[0] + 1000 * ls[1]);
					p[18] = (uint32_t)lin;
					p[19] = (uint32_t)((lid[2] * lsz[1] + lid[1]) * lsz[0] + lid[0]);
				}
			}
	struct darg args[] = {{ARG_BUF, total * NF * 4, NULL, NULL}};
	char opts[32];

	snprintf(opts, sizeof(opts), "-cl-std=CL%s", cl30 ? "3.0" : "1.2");
	run_exact(&rep, wi_src, opts, "wi", 1, args, 0, want, total * NF, dim, of, g, l,
		  nonuni ? need_nonuniform : NULL);
	rep_end(&rep);
	free(want);
}

void fam_workitem(void)
{
	workitem_cfg(1, (size_t[]){64}, (size_t[]){16}, (size_t[]){0}, false);
	workitem_cfg(1, (size_t[]){60}, (size_t[]){12}, (size_t[]){7}, false);
	workitem_cfg(2, (size_t[]){16, 12}, (size_t[]){4, 3}, (size_t[]){2, 5}, false);
	workitem_cfg(3, (size_t[]){8, 6, 4}, (size_t[]){2, 3, 2}, (size_t[]){1, 2, 3}, false);
	workitem_cfg(1, (size_t[]){37}, (size_t[]){8}, (size_t[]){5}, true);
	workitem_cfg(2, (size_t[]){13, 7}, (size_t[]){4, 3}, (size_t[]){0, 1}, true);
	workitem_cfg(3, (size_t[]){5, 6, 7}, (size_t[]){2, 4, 3}, (size_t[]){3, 0, 1}, true);
}

/* --- Synchronisation. --------------------------------------------------- */
static const char sync_src[] =
	"__kernel void reduce(__global const int *a, __global int *o, __local int *tmp)\n{\n"
	"\tsize_t l = get_local_id(0), n = get_local_size(0);\n"
	"\t__local int fixed[64];\n"
	"\ttmp[l] = a[get_global_id(0)];\n"
	"\tif (l < 64) fixed[l] = (int)l;\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\tfor (size_t s = n / 2; s > 0; s /= 2) {\n"
	"\t\tif (l < s) tmp[l] += tmp[l + s];\n"
	"\t\tbarrier(CLK_LOCAL_MEM_FENCE);\n\t}\n"
	"\tif (l == 0) o[get_group_id(0)] = tmp[0] + fixed[63];\n}\n"
	"__kernel void rot(__global int *a, __local int *tmp)\n{\n"
	"\tsize_t l = get_local_id(0), n = get_local_size(0), g = get_global_id(0);\n"
	"\tint v = a[g];\n"
	"\tfor (int it = 0; it < 5; it++) {\n"
	"\t\ttmp[l] = v;\n\t\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\t\tv = tmp[(l + 1) % n] * 3 + it;\n\t\tbarrier(CLK_LOCAL_MEM_FENCE);\n\t}\n"
	"\ta[g] = v;\n\tbarrier(CLK_GLOBAL_MEM_FENCE);\n"
	"\tint nb = a[get_group_id(0) * n + (l + n - 1) % n];\n"
	"\tbarrier(CLK_GLOBAL_MEM_FENCE);\n\ta[g] = v + nb;\n}\n";

static const char coll_src[] =
	"__kernel void coll(__global const int *a, __global int *o)\n{\n"
	"\tsize_t g = get_global_id(0);\n\tint v = a[g];\n"
	"\to[g * 6 + 0] = work_group_reduce_add(v);\n"
	"\to[g * 6 + 1] = work_group_scan_inclusive_add(v);\n"
	"\to[g * 6 + 2] = work_group_scan_exclusive_max(v);\n"
	"\to[g * 6 + 3] = work_group_broadcast(v, 5);\n"
	"\to[g * 6 + 4] = work_group_any(v > 90);\n"
	"\to[g * 6 + 5] = work_group_all(v > -1000);\n"
	"\twork_group_barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);\n}\n";

static const char *need_wgcoll(const struct side *s)
{
	return s->wgcoll ? NULL : "no __opencl_c_work_group_collective_functions";
}

void fam_sync(void)
{
	enum { N = 1024, L = 128 };
	int32_t a[N], red[N / L], rot[N], coll[N * 6];
	struct rep rep;
	size_t gws = N, lws = L;

	rnd_seed(4242);
	for (int i = 0; i < N; i++)
		a[i] = (int32_t)(rnd() % 201) - 100;
	for (int g = 0; g < N / L; g++) {
		red[g] = 63;
		for (int l = 0; l < L; l++)
			red[g] += a[g * L + l];
	}
	for (int g = 0; g < N / L; g++) {
		int32_t v[L], t[L];

		for (int l = 0; l < L; l++)
			v[l] = a[g * L + l];
		for (int it = 0; it < 5; it++) {
			memcpy(t, v, sizeof(t));
			for (int l = 0; l < L; l++)
				v[l] = (int32_t)((uint32_t)t[(l + 1) % L] * 3u + (uint32_t)it);
		}
		for (int l = 0; l < L; l++)
			rot[g * L + l] = (int32_t)((uint32_t)v[l] + (uint32_t)v[(l + L - 1) % L]);
		for (int l = 0; l < L; l++) {
			int32_t sum = 0, mx = INT32_MIN, any = 0, all = 1, inc = 0;

			for (int k = 0; k < L; k++) {
				sum += a[g * L + k];
				any |= a[g * L + k] > 90;
				all &= a[g * L + k] > -1000;
				if (k <= l)
					inc += a[g * L + k];
				if (k < l && a[g * L + k] > mx)
					mx = a[g * L + k];
			}
			int32_t *p = coll + (g * L + l) * 6;
			p[0] = sum; p[1] = inc; p[2] = mx; p[3] = a[g * L + 5];
			p[4] = any ? 1 : 0; p[5] = all;
		}
	}
	rep_begin(&rep, -1, "sync/barrier local reduction (local arg + kernel __local)");
	if (diff_selected(rep.name)) {
		struct darg args[] = {{ARG_BUF, sizeof(a), a, NULL},
				      {ARG_BUF, sizeof(red), NULL, NULL},
				      {ARG_LOCAL, L * 4, NULL, NULL}};
		run_exact(&rep, sync_src, "-cl-std=CL1.2", "reduce", 3, args, 1,
			  (uint32_t *)red, N / L, 1, NULL, &gws, &lws, NULL);
		rep_end(&rep);
	}
	rep_begin(&rep, -1, "sync/barriers in a loop, global fence");
	if (diff_selected(rep.name)) {
		struct darg args[] = {{ARG_BUF, sizeof(a), a, NULL},
				      {ARG_LOCAL, L * 4, NULL, NULL}};
		run_exact(&rep, sync_src, "-cl-std=CL1.2", "rot", 2, args, 0,
			  (uint32_t *)rot, N, 1, NULL, &gws, &lws, NULL);
		rep_end(&rep);
	}
	rep_begin(&rep, -1, "sync/work-group collectives (CL3.0)");
	if (diff_selected(rep.name)) {
		struct darg args[] = {{ARG_BUF, sizeof(a), a, NULL},
				      {ARG_BUF, sizeof(coll), NULL, NULL}};
		run_exact(&rep, coll_src, "-cl-std=CL3.0", "coll", 2, args, 1,
			  (uint32_t *)coll, N * 6, 1, NULL, &gws, &lws, need_wgcoll);
		rep_end(&rep);
	}
}

/* --- Atomics. ----------------------------------------------------------- */
static const char atom_src[] =
	"#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable\n"
	"__kernel void legacy(__global int *c, __global int *old, __global ulong *c64,\n"
	"\t__global int *lo)\n{\n"
	"\tint i = (int)get_global_id(0);\n\t__local int lc[4];\n"
	"\tif (get_local_id(0) == 0) { lc[0] = 0; lc[1] = 1000; lc[2] = -1000; lc[3] = 0; }\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\tatomic_add(&c[0], i); atomic_sub(&c[1], i);\n"
	"\told[i] = atomic_inc(&c[2]); atomic_dec(&c[3]);\n"
	"\tint v = (i * 7919) % 10007 - 5000;\n"
	"\tatomic_min(&c[4], v); atomic_max(&c[5], v);\n"
	"\tatomic_and(&c[6], ~(1 << (i % 31))); atomic_or(&c[7], 1 << (i % 29));\n"
	"\tatomic_xor(&c[8], i);\n"
	"\told[get_global_size(0) + i] = atomic_xchg(&c[9], i + 1000);\n"
	"\tint e = c[10];\n\twhile (1) { int o = atomic_cmpxchg(&c[10], e, e + 2);"
	" if (o == e) break; e = o; }\n"
	"\tatom_add(&c64[0], (ulong)i << 33); atom_max(&c64[1], (ulong)i << 40);\n"
	"\tatomic_inc(&lc[0]); atomic_min(&lc[1], v); atomic_max(&lc[2], v);\n"
	"\tatomic_add(&lc[3], i);\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\tif (get_local_id(0) < 4) lo[get_group_id(0) * 4 + get_local_id(0)] ="
	" lc[get_local_id(0)];\n}\n"
	"#if __OPENCL_C_VERSION__ >= 300\n"
	"__kernel void c11(__global atomic_int *c, __global int *old)\n{\n"
	"\tint i = (int)get_global_id(0);\n"
	"\tatomic_fetch_add_explicit(&c[0], i, memory_order_relaxed, memory_scope_device);\n"
	"\told[i] = atomic_fetch_add_explicit(&c[1], 1, memory_order_acq_rel,"
	" memory_scope_device);\n"
	"\tatomic_fetch_max_explicit(&c[2], (i * 31) % 1000, memory_order_seq_cst,"
	" memory_scope_device);\n"
	"\tatomic_fetch_or_explicit(&c[3], 1 << (i % 30), memory_order_release,"
	" memory_scope_device);\n"
	"\tint e = atomic_load_explicit(&c[4], memory_order_acquire, memory_scope_device);\n"
	"\twhile (!atomic_compare_exchange_strong_explicit(&c[4], &e, e + 3,"
	" memory_order_acq_rel, memory_order_acquire, memory_scope_device));\n"
	"\t__local atomic_int l;\n"
	"\tif (get_local_id(0) == 0) atomic_store_explicit(&l, 0, memory_order_relaxed,"
	" memory_scope_work_group);\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\tatomic_fetch_add_explicit(&l, 2, memory_order_relaxed, memory_scope_work_group);\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\tif (get_local_id(0) == 0) atomic_fetch_add_explicit(&c[5],"
	" atomic_load_explicit(&l, memory_order_relaxed, memory_scope_work_group),"
	" memory_order_relaxed, memory_scope_device);\n}\n#endif\n";

static bool is_perm(const int32_t *v, int n, int base)
{
	char *seen = calloc((size_t)n, 1);
	bool ok = true;

	for (int i = 0; i < n && ok; i++) {
		int k = v[i] - base;

		ok = k >= 0 && k < n && !seen[k];
		if (ok)
			seen[k] = 1;
	}
	free(seen);
	return ok;
}

static const char *need_cl30(const struct side *s)
{
	return s->cl30 ? NULL : "no OpenCL C 3.0";
}

void fam_atomics(void)
{
	enum { N = 4096, L = 64 };
	struct rep rep;
	size_t gws = N, lws = L;

	rep_begin(&rep, -1, "atomics/legacy 32-bit global+local, atom_* 64-bit");
	if (diff_selected(rep.name)) {
		for (int s = 0; s < NSIDES; s++) {
			int32_t c[11] = {5, 5, 0, 0, 1 << 30, -(1 << 30), -1, 0, 0, 7, 11};
			uint64_t c64[2] = {3, 0};
			int32_t *old = malloc(N * 8), *lo = malloc(N / L * 16);
			struct darg args[] = {{ARG_BUF, sizeof(c), c, c}, {ARG_BUF, N * 8, NULL, old},
					      {ARG_BUF, sizeof(c64), c64, c64},
					      {ARG_BUF, N / L * 16, NULL, lo}};
			cl_program p = diff_build(&sides[s], atom_src, "-cl-std=CL1.2");
			cl_int err = p ? diff_run(&sides[s], p, "legacy", 4, args, 1, NULL, &gws,
						  &lws)
				       : CL_BUILD_PROGRAM_FAILURE;
			int32_t mn = 1 << 30, mx = -(1 << 30), x = 0, xs[N + 1];
			uint32_t sum = 5;

			if (p)
				clReleaseProgram(p);
			if (err) {
				rep_broken(&rep, s, "legacy: %s", diff_errname(err));
				goto next;
			}
			for (int i = 0; i < N; i++) {
				int v = (i * 7919) % 10007 - 5000;

				mn = v < mn ? v : mn;
				mx = v > mx ? v : mx;
				x ^= i;
				sum += (uint32_t)i;
			}
			int32_t want[11] = {(int32_t)sum, (int32_t)(10 - sum), N, -N, mn, mx,
					    (int32_t)0x80000000u, 0x1fffffff, x, 0, 11 + 2 * N};
			for (int k = 0; k < 11; k++)
				if (k != 9 && c[k] != want[k])
					rep_fail(&rep, s, "counter %d: expected %d got %d", k,
						 want[k], c[k]);
			if (!is_perm(old, N, 0))
				rep_fail(&rep, s, "atomic_inc return values are not 0..%d", N - 1);
			/* xchg: the old values and the final one are 7 and i + 1000. */
			memcpy(xs, old + N, N * 4);
			xs[N] = c[9];
			for (int i = 0; i <= N; i++)
				if (xs[i] == 7)
					xs[i] = 999;
			if (!is_perm(xs, N + 1, 999))
				rep_fail(&rep, s, "atomic_xchg values are not a permutation");
			if (c64[0] != 3 + ((uint64_t)(N - 1) * N / 2 << 33) ||
			    c64[1] != (uint64_t)(N - 1) << 40)
				rep_fail(&rep, s, "atom_add/atom_max 64-bit: got %#llx %#llx",
					 (unsigned long long)c64[0], (unsigned long long)c64[1]);
			for (int g = 0; g < N / L; g++) {
				int32_t lmn = 1000, lmx = -1000, ls = 0;

				for (int i = g * L; i < g * L + L; i++) {
					int v = (i * 7919) % 10007 - 5000;
					lmn = v < lmn ? v : lmn;
					lmx = v > lmx ? v : lmx;
					ls += i;
				}
				if (lo[g * 4] != L || lo[g * 4 + 1] != lmn || lo[g * 4 + 2] != lmx ||
				    lo[g * 4 + 3] != ls)
					rep_fail(&rep, s, "local atomics group %d: got %d %d %d %d, "
						 "expected %d %d %d %d", g, lo[g * 4], lo[g * 4 + 1],
						 lo[g * 4 + 2], lo[g * 4 + 3], L, lmn, lmx, ls);
			}
		next:
			free(old);
			free(lo);
		}
		rep_end(&rep);
	}
	rep_begin(&rep, -1, "atomics/C11 explicit (CL3.0) global+local");
	if (diff_selected(rep.name)) {
		for (int s = 0; s < NSIDES; s++) {
			int32_t c[6] = {0, 100, -5, 0, 1, 0};
			int32_t *old = malloc(N * 4);
			struct darg args[] = {{ARG_BUF, sizeof(c), c, c}, {ARG_BUF, N * 4, NULL, old}};
			cl_program p;
			cl_int err;
			int32_t mx = -5;

			if (need_cl30(&sides[s]) || !sides[s].seq_cst) {
				rep_skip(&rep, s, need_cl30(&sides[s]) ? need_cl30(&sides[s])
					 : "no __opencl_c_atomic_order_seq_cst or _scope_device");
				free(old);
				continue;
			}
			p = diff_build(&sides[s], atom_src, "-cl-std=CL3.0");
			err = p ? diff_run(&sides[s], p, "c11", 2, args, 1, NULL, &gws, &lws)
				: CL_BUILD_PROGRAM_FAILURE;
			if (p)
				clReleaseProgram(p);
			if (err) {
				rep_broken(&rep, s, "c11: %s", diff_errname(err));
				free(old);
				continue;
			}
			for (int i = 0; i < N; i++)
				mx = (i * 31) % 1000 > mx ? (i * 31) % 1000 : mx;
			int32_t want[6] = {N * (N - 1) / 2, 100 + N, mx, 0x3fffffff, 1 + 3 * N, 2 * N};
			for (int k = 0; k < 6; k++)
				if (c[k] != want[k])
					rep_fail(&rep, s, "C11 counter %d: expected %d got %d", k,
						 want[k], c[k]);
			if (!is_perm(old, N, 100))
				rep_fail(&rep, s, "atomic_fetch_add return values are not a "
					 "permutation");
			free(old);
		}
		rep_end(&rep);
	}
}
