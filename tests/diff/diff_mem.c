// SPDX-License-Identifier: MIT
/* Memory-side built-ins and address spaces: vload_half/vstore_half (every
 * rounding mode, vloada/vstorea, from float and double), async work-group
 * copies (contiguous and strided) with prefetch, shuffle/shuffle2, the
 * constant/local/private/global address spaces, program-scope globals and the
 * generic address space (CL3.0 features), and SVM pointer passing: a linked
 * list inside one SVM buffer whose nodes point into another. */
#include "diff.h"

#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static float half_to_float(uint16_t h)
{
	int e = (h >> 10) & 31, m = h & 1023;
	float v;

	if (e == 31)
		v = m ? NAN : INFINITY;
	else if (e == 0)
		v = ldexpf((float)m, -24);
	else
		v = ldexpf((float)(m | 1024), e - 25);
	return (h & 0x8000) ? -v : v;
}

/* mode: 0 rte, 1 rtz, 2 rtp, 3 rtn. */
static uint16_t to_half(long double v, int mode)
{
	uint16_t s = signbit(v) ? 0x8000 : 0;
	long double a = fabsl(v), q, ulp;
	int e;

	if (isnan(v))
		return 0x7e00;
	if (isinf(v))
		return s | 0x7c00;
	if (a == 0)
		return s;
	e = ilogbl(a);
	if (e < -14)
		e = -14;
	ulp = ldexpl(1, e - 10);
	q = a / ulp;
	switch (mode) {
	case 0: q = nearbyintl(q); break;
	case 1: q = truncl(q); break;
	case 2: q = s ? truncl(q) : ceill(q); break;
	default: q = s ? ceill(q) : truncl(q); break;
	}
	a = q * ulp;
	if (a >= 65536 || (a > 65504 && mode != 0) || (mode == 0 && a > 65504)) {
		/* Overflow: infinity, or the largest finite value towards zero. */
		bool inf = mode == 0 || (mode == 2 && !s) || (mode == 3 && s);
		return s | (inf ? 0x7c00 : 0x7bff);
	}
	if (a < ldexpl(1, -14))
		return s | (uint16_t)(a / ldexpl(1, -24));
	e = ilogbl(a);
	return s | (uint16_t)((e + 15) << 10) | (uint16_t)((long)(a / ldexpl(1, e - 10)) & 1023);
}

static const char *modes[] = {"", "_rte", "_rtz", "_rtp", "_rtn"};
static const int mode_of[] = {0, 0, 1, 2, 3};

static void half_family(void)
{
	enum { N = 768 };
	bool fp64 = sides[0].fp64 && sides[1].fp64;
	struct sb b = {0};
	struct rep rep;
	uint16_t h[N];
	float f[N];
	double d[N];
	/* Loads: 8 sections of N floats; stores: 5 modes x (w1, w3, w4, w16, a3)
	 * from float, and 5 modes x w1 from double. */
	enum { NL = 8, NS = 25, ND = 5 };

	rep_begin(&rep, -1, "vload_half/vstore_half (all modes; w1,2,3,4,8,16; vloada/vstorea%s)",
		  fp64 ? "; double" : "");
	if (!diff_selected(rep.name))
		return;
	rnd_seed(1234);
	for (int i = 0; i < N; i++) {
		long double v;

		h[i] = (uint16_t)rnd();
		if (i < 64)
			h[i] = (uint16_t[]){0, 0x8000, 0x7c00, 0xfc00, 0x7e00, 1, 0x3ff, 0x400,
					    0x7bff, 0x3c00}[i % 10];
		switch (rnd() % 4) {
		case 0: v = ldexpl((long double)(rnd() % 4096), (int)(rnd() % 40) - 36); break;
		case 1: v = (long double)(rnd() % 200000) / 2; break;
		case 2: v = half_to_float(h[i]) + ldexpl(1, (int)(rnd() % 20) - 30); break;
		default: v = ldexpl(rnd_unit(), (int)(rnd() % 50) - 30); break;
		}
		if (rnd() & 1)
			v = -v;
		if (i < 20)
			v = (long double[]){0, -0.0L, 65504, 65519, 65520, 1e10, -1e10, INFINITY,
					    NAN, 0x1p-24L, 0x1p-25L, 0x1.8p-24L, 0x1p-26L, 1.0009765625L,
					    1.00048828125L, 2049, 2051, -65520, 0x1.ff8p-15L,
					    1e-30L}[i];
		f[i] = (float)v;
		d[i] = (double)v;
	}
	if (fp64)
		sb_printf(&b, "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
	sb_printf(&b, "__kernel void vh(__global const half *h, __global float *lf, __global "
		  "const float *f, __global half *oh, __global const %s *d, __global half *od, "
		  "uint n)\n{\n\tsize_t i = get_global_id(0);\n", fp64 ? "double" : "float");
	sb_printf(&b, "\tif (i < n) lf[i] = vload_half(i, h);\n");
	for (int w = 2, sec = 1; w <= 16; w = w == 4 ? 8 : w == 8 ? 16 : w + 1, sec++)
		sb_printf(&b, "\tif (i < n / %d) vstore%d(vload_half%d(i, h), i, lf + %d * n);\n", w,
			  w, w, sec);
	sb_printf(&b, "\tif (i < n / 4) vstore4(vloada_half4(i, h), i, lf + 6 * n);\n"
		  "\tif (i < n / 4) vstore3(vloada_half3(i, h), i, lf + 7 * n);\n");
	for (int m = 0; m < 5; m++) {
		int base = m * 5;

		sb_printf(&b, "\tif (i < n) vstore_half%s(f[i], i, oh + %d * n);\n", modes[m], base);
		sb_printf(&b, "\tif (i < n / 3) vstore_half3%s(vload3(i, f), i, oh + %d * n);\n",
			  modes[m], base + 1);
		sb_printf(&b, "\tif (i < n / 4) vstore_half4%s(vload4(i, f), i, oh + %d * n);\n",
			  modes[m], base + 2);
		sb_printf(&b, "\tif (i < n / 16) vstore_half16%s(vload16(i, f), i, oh + %d * n);\n",
			  modes[m], base + 3);
		sb_printf(&b, "\tif (i < n / 4) vstorea_half3%s(vload3(i, f), i, oh + %d * n);\n",
			  modes[m], base + 4);
		if (fp64)
			sb_printf(&b, "\tif (i < n) vstore_half%s(d[i], i, od + %d * n);\n", modes[m],
				  m);
	}
	sb_printf(&b, "}\n");

	for (int s = 0; s < NSIDES; s++) {
		float *lf = malloc(sizeof(float) * N * NL);
		uint16_t *oh = malloc(2 * N * NS), *od = malloc(2 * N * ND);
		size_t gws = N;
		cl_uint un = N;
		struct darg args[] = {
			{ARG_BUF, sizeof(h), h, NULL}, {ARG_BUF, sizeof(float) * N * NL, NULL, lf},
			{ARG_BUF, sizeof(f), f, NULL}, {ARG_BUF, 2 * N * NS, NULL, oh},
			{ARG_BUF, fp64 ? sizeof(d) : sizeof(f), fp64 ? (void *)d : (void *)f, NULL},
			{ARG_BUF, 2 * N * ND, NULL, od}, {ARG_VAL, 4, &un, NULL},
		};
		cl_program p = diff_build(&sides[s], b.p, "-cl-std=CL1.2");
		cl_int err = p ? diff_run(&sides[s], p, "vh", 7, args, 1, NULL, &gws, NULL)
			       : CL_BUILD_PROGRAM_FAILURE;
		static const int lw[NL] = {1, 2, 3, 4, 8, 16, 4, 4};

		if (p)
			clReleaseProgram(p);
		if (err) {
			rep_broken(&rep, s, "vh: %s", diff_errname(err));
			goto next;
		}
		for (int sec = 0; sec < NL; sec++) {
			for (int i = 0; i < N / lw[sec] * lw[sec]; i++) {
				/* vloada_half3 reads 4-aligned groups of which 3 are used. */
				int src = i, dst = i;

				if (sec == 7) {
					if (i % 4 == 3)
						continue;
					dst = i / 4 * 3 + i % 4;
				}
				float want = half_to_float(h[src]), got = lf[(size_t)sec * N + dst];

				if (memcmp(&want, &got, 4) && !(isnan(want) && isnan(got)))
					rep_fail(&rep, s, "vload%s_half%d h=%#x: expected %a got %a",
						 sec >= 6 ? "a" : "", lw[sec] == 1 ? 0 : sec == 7 ? 3 : lw[sec],
						 h[src], want, got);
			}
		}
		for (int m = 0; m < 5; m++) {
			static const int sw[5] = {1, 3, 4, 16, 3};

			for (int k = 0; k < 5; k++) {
				for (int i = 0; i < N / sw[k] * sw[k]; i++) {
					int dst = i;
					uint16_t want = to_half(f[i], mode_of[m]), got;

					if (k == 4) {	/* vstorea_half3: 4-aligned groups */
						if (i / 3 >= N / 4)
							break;
						dst = i / 3 * 4 + i % 3;
					}
					got = oh[(size_t)(m * 5 + k) * N + dst];
					if (got == want || ((want & 0x7c00) == 0x7c00 && (want & 0x3ff) &&
							    (got & 0x7c00) == 0x7c00 && (got & 0x3ff)))
						continue;
					rep_fail(&rep, s, "vstore%s_half%d%s(%a): expected %#x got %#x",
						 k == 4 ? "a" : "", sw[k] == 1 ? 0 : sw[k], modes[m],
						 (double)f[i], want, got);
				}
			}
			for (int i = 0; fp64 && i < N; i++) {
				uint16_t want = to_half(d[i], mode_of[m]), got = od[(size_t)m * N + i];

				if (got != want && !((want & 0x7c00) == 0x7c00 && (want & 0x3ff) &&
						     (got & 0x7c00) == 0x7c00 && (got & 0x3ff)))
					rep_fail(&rep, s, "vstore_half%s(double %a): expected %#x got "
						 "%#x", modes[m], d[i], want, got);
			}
		}
	next:
		free(lf);
		free(oh);
		free(od);
	}
	rep_end(&rep);
	sb_free(&b);
}

void fam_vload_half(void)
{
	half_family();
}

/* --- Async copies and shuffles. ---------------------------------------- */
static const char async_src[] =
	"__kernel void ac(__global const float4 *a, __global float4 *o, __global const int *b,\n"
	"\t__global int *o2, __local float4 *lb, __local int *li)\n{\n"
	"\tsize_t g = get_group_id(0), L = get_local_size(0), l = get_local_id(0);\n"
	"\tprefetch(a + g * L, L);\n"
	"\tevent_t e = async_work_group_copy(lb, a + g * L, L, 0);\n"
	"\tevent_t e2 = async_work_group_strided_copy(li, b + g * L * 3, L, 3, 0);\n"
	"\twait_group_events(1, &e);\n\twait_group_events(1, &e2);\n"
	"\tlb[l] = lb[l] * 2.0f + (float4)((float)l);\n\tli[l] += 1;\n"
	"\tbarrier(CLK_LOCAL_MEM_FENCE);\n"
	"\te = async_work_group_copy(o + g * L, lb, L, 0);\n"
	"\te = async_work_group_strided_copy(o2 + g * L * 2, li, L, 2, e);\n"
	"\twait_group_events(1, &e);\n}\n";

static void async_test(void)
{
	enum { G = 8, L = 32, N = G * L };
	float a[N * 4], wo[N * 4];
	int32_t bb[N * 3], wo2[N * 2];
	struct rep rep;
	size_t gws = N, lws = L;

	rep_begin(&rep, -1, "async/async_work_group_copy, strided copy, prefetch");
	if (!diff_selected(rep.name))
		return;
	for (int i = 0; i < N * 4; i++) {
		a[i] = (float)(i % 1000) - 300;
		wo[i] = a[i] * 2 + (float)((i / 4) % L);
	}
	memset(wo2, 0xcd, sizeof(wo2));
	for (int i = 0; i < N * 3; i++)
		bb[i] = i * 7 - 100;
	for (int g = 0; g < G; g++)
		for (int l = 0; l < L; l++)
			wo2[g * L * 2 + l * 2] = bb[g * L * 3 + l * 3] + 1;
	for (int s = 0; s < NSIDES; s++) {
		float *o = malloc(sizeof(a));
		int32_t *o2 = malloc(sizeof(wo2));
		struct darg args[] = {
			{ARG_BUF, sizeof(a), a, NULL}, {ARG_BUF, sizeof(a), NULL, o},
			{ARG_BUF, sizeof(bb), bb, NULL}, {ARG_BUF, sizeof(wo2), NULL, o2},
			{ARG_LOCAL, L * 16, NULL, NULL}, {ARG_LOCAL, L * 4, NULL, NULL},
		};
		cl_program p = diff_build(&sides[s], async_src, "-cl-std=CL1.2");
		cl_int err = p ? diff_run(&sides[s], p, "ac", 6, args, 1, NULL, &gws, &lws)
			       : CL_BUILD_PROGRAM_FAILURE;

		if (p)
			clReleaseProgram(p);
		if (err)
			rep_broken(&rep, s, "ac: %s", diff_errname(err));
		for (int i = 0; !err && i < N * 4; i++)
			if (o[i] != wo[i])
				rep_fail(&rep, s, "async copy float %d: expected %g got %g", i,
					 (double)wo[i], (double)o[i]);
		for (int i = 0; !err && i < N * 2; i++)
			if (o2[i] != wo2[i])
				rep_fail(&rep, s, "strided copy int %d: expected %#x got %#x", i,
					 wo2[i], o2[i]);
		free(o);
		free(o2);
	}
	rep_end(&rep);
}

static void shuffle_test(void)
{
	static const char *et[] = {"char", "short", "int", "long", "float", "double"};
	static const char *mt[] = {"uchar", "ushort", "uint", "ulong", "uint", "ulong"};
	static const int es[] = {1, 2, 4, 8, 4, 8};
	static const int nw[] = {2, 4, 8, 16};
	enum { ITEMS = 64 };
	bool fp64 = sides[0].fp64 && sides[1].fp64;

	for (int t = 0; t < 6; t++) {
		struct sb b = {0};
		struct rep rep;
		size_t isz = (size_t)ITEMS * 16 * es[t], osz = isz * 32, gws = ITEMS;
		unsigned char *x = malloc(isz), *y = malloc(isz), *m = malloc(isz), *want;

		if (t == 5 && !fp64)
			break;
		rep_begin(&rep, -1, "shuffle/%s (shuffle, shuffle2; all n x m of 2,4,8,16)", et[t]);
		if (!diff_selected(rep.name)) {
			free(x); free(y); free(m);
			continue;
		}
		if (t == 5)
			sb_printf(&b, "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
		sb_printf(&b, "__kernel void sh(__global const %s *a, __global const %s *b, "
			  "__global const %s *m, __global %s *o)\n{\n\tsize_t i = get_global_id(0);"
			  "\n", et[t], et[t], mt[t], et[t]);
		for (int ni = 0; ni < 4; ni++)
			for (int mi = 0; mi < 4; mi++) {
				int c = ni * 4 + mi, n = nw[ni], mw = nw[mi];

				sb_printf(&b, "\t{ %s%d x = vload%d(0, a + i * 16), y = vload%d(0, b + i "
					  "* 16); %s%d k = vload%d(0, m + i * 16);\n\t  vstore%d(shuffle("
					  "x, k), 0, o + (%d * 64 + i) * 16); vstore%d(shuffle2(x, y, k), "
					  "0, o + (%d * 64 + i) * 16); }\n", et[t], n, n, n, mt[t], mw, mw,
					  mw, c * 2, mw, c * 2 + 1);
			}
		sb_printf(&b, "}\n");
		rnd_seed(31 + (uint64_t)t);
		for (size_t i = 0; i < isz; i++) {
			x[i] = (unsigned char)rnd();
			y[i] = (unsigned char)rnd();
			m[i] = (unsigned char)rnd();	/* high mask bits set too: ignored */
		}
		want = malloc(osz);
		memset(want, 0xcd, osz);
		for (int ni = 0; ni < 4; ni++)
			for (int mi = 0; mi < 4; mi++)
				for (int it = 0; it < ITEMS; it++)
					for (int j = 0; j < nw[mi]; j++) {
						int c = ni * 4 + mi, n = nw[ni];
						uint64_t k = 0;

						memcpy(&k, m + ((size_t)it * 16 + j) * es[t], (size_t)es[t]);
						size_t o1 = (((size_t)c * 2 * 64 + it) * 16 + j) * es[t];
						size_t o2 = (((size_t)(c * 2 + 1) * 64 + it) * 16 + j) * es[t];
						size_t s1 = ((size_t)it * 16 + k % (uint64_t)n) * es[t];
						uint64_t k2 = k % (uint64_t)(2 * n);
						size_t s2 = ((size_t)it * 16 + k2 % (uint64_t)n) * es[t];

						memcpy(want + o1, x + s1, (size_t)es[t]);
						memcpy(want + o2, (k2 < (uint64_t)n ? x : y) + s2,
						       (size_t)es[t]);
					}
		for (int s = 0; s < NSIDES; s++) {
			unsigned char *o = malloc(osz);
			struct darg args[] = {{ARG_BUF, isz, x, NULL}, {ARG_BUF, isz, y, NULL},
					      {ARG_BUF, isz, m, NULL}, {ARG_BUF, osz, NULL, o}};
			cl_program p = diff_build(&sides[s], b.p, "-cl-std=CL1.2");
			cl_int err = p ? diff_run(&sides[s], p, "sh", 4, args, 1, NULL, &gws, NULL)
				       : CL_BUILD_PROGRAM_FAILURE;

			if (p)
				clReleaseProgram(p);
			if (err)
				rep_broken(&rep, s, "sh: %s", diff_errname(err));
			for (size_t i = 0; !err && i < osz; i += (size_t)es[t])
				if (memcmp(o + i, want + i, (size_t)es[t])) {
					size_t e = i / (size_t)es[t], c = e / 16 / 64;

					rep_fail(&rep, s, "%s n=%d m=%d item %zu element %zu: wrong "
						 "bytes", c % 2 ? "shuffle2" : "shuffle", nw[c / 2 / 4],
						 nw[c / 2 % 4], e / 16 % 64, e % 16);
				}
			free(o);
		}
		rep_end(&rep);
		sb_free(&b);
		free(x); free(y); free(m); free(want);
	}
}

void fam_async_shuffle(void)
{
	async_test();
	shuffle_test();
}
