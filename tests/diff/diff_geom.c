// SPDX-License-Identifier: MIT
/* Geometric built-ins (widths 1 to 4, float and double) within the
 * specification's tolerances, and the relational built-ins, bit-exact:
 * scalar comparisons return 1 or 0, vector ones -1 or 0 in the integer type
 * of the same size (int for float, long for double). */
#include "diff.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void load_fp(const void *buf, size_t i, bool dbl, long double *v)
{
	if (dbl) {
		double d;
		memcpy(&d, (const char *)buf + i * 8, 8);
		*v = d;
	} else {
		float f;
		memcpy(&f, (const char *)buf + i * 4, 4);
		*v = f;
	}
}

static void store_fp(void *buf, size_t i, bool dbl, long double v)
{
	if (dbl) {
		double d = (double)v;
		memcpy((char *)buf + i * 8, &d, 8);
	} else {
		float f = (float)v;
		memcpy((char *)buf + i * 4, &f, 4);
	}
}

static cl_program build_side(int s, const char *src, bool dbl)
{
	if (dbl && !sides[s].fp64)
		return NULL;
	return diff_build(&sides[s], src, "-cl-std=CL1.2");
}

/* --- Geometric. ---------------------------------------------------------- */
enum { G_DOT, G_CROSS, G_DIST, G_LEN, G_NORM, G_FDIST, G_FLEN, G_FNORM };
static const struct {
	const char *name, *expr;
	int kind;
	bool vec_out, fonly;
} gfns[] = {
	{"dot", "dot(x, y)", G_DOT, false, false},
	{"cross", "cross(x, y)", G_CROSS, true, false},
	{"distance", "distance(x, y)", G_DIST, false, false},
	{"length", "length(x)", G_LEN, false, false},
	{"normalize", "normalize(x)", G_NORM, true, false},
	{"fast_distance", "fast_distance(x, y)", G_FDIST, false, true},
	{"fast_length", "fast_length(x)", G_FLEN, false, true},
	{"fast_normalize", "fast_normalize(x)", G_FNORM, true, true},
};
#define NG (int)(sizeof(gfns) / sizeof(gfns[0]))

static void geom_type(bool dbl)
{
	const char *T = dbl ? "double" : "float";
	int n = nsamples / 4, es = dbl ? 8 : 4;
	long double eps = dbl ? DBL_EPSILON : FLT_EPSILON;
	struct sb b = {0};
	cl_program prog[NSIDES];

	if (dbl)
		sb_printf(&b, "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
	for (int f = 0; f < NG; f++) {
		if (dbl && gfns[f].fonly)
			continue;
		for (int w = 1; w <= 4; w++) {
			char VT[16];

			if (gfns[f].kind == G_CROSS && w < 3)
				continue;
			snprintf(VT, sizeof(VT), w == 1 ? "%s" : "%s%d", T, w);
			sb_printf(&b, "__kernel void g_%s%d(__global const %s *a, __global const %s "
				  "*b, __global %s *o)\n{\n\tsize_t i = get_global_id(0);\n", gfns[f].name,
				  w, T, T, T);
			if (w == 1)
				sb_printf(&b, "\t%s x = a[i], y = b[i];\n", VT);
			else
				sb_printf(&b, "\t%s x = vload%d(i, a), y = vload%d(i, b);\n", VT, w, w);
			if (gfns[f].vec_out && w > 1)
				sb_printf(&b, "\tvstore%d(%s, i, o);\n}\n", w, gfns[f].expr);
			else
				sb_printf(&b, "\to[i * %d] = %s;\n}\n", w, gfns[f].expr);
		}
	}
	for (int s = 0; s < NSIDES; s++)
		prog[s] = build_side(s, b.p, dbl);
	sb_free(&b);

	rnd_seed(77 + dbl);
	for (int f = 0; f < NG; f++) {
		if (dbl && gfns[f].fonly)
			continue;
		for (int w = 1; w <= 4; w++) {
			struct rep rep;
			char kname[48];
			size_t tot = (size_t)n * (size_t)w;
			void *a, *bb;
			int kind = gfns[f].kind;

			if (kind == G_CROSS && w < 3)
				continue;
			a = malloc(tot * es);
			bb = malloc(tot * es);
			snprintf(kname, sizeof(kname), "g_%s%d", gfns[f].name, w);
			rep_begin(&rep, -1, "geometric/%s/%s%d", T, gfns[f].name, w);
			if (!diff_selected(rep.name)) {
				free(a);
				free(bb);
				continue;
			}
			for (size_t i = 0; i < tot; i++) {
				/* Magnitudes from 1e-3 to 1e3: no overflow in the squares. */
				double m = pow(10, 6 * rnd_unit() - 3) * (rnd() & 1 ? 1 : -1);
				double m2 = pow(10, 6 * rnd_unit() - 3) * (rnd() & 1 ? 1 : -1);

				store_fp(a, i, dbl, dbl ? m : (float)m);
				store_fp(bb, i, dbl, dbl ? m2 : (float)m2);
			}
			for (int s = 0; s < NSIDES; s++) {
				void *o = malloc(tot * es);
				size_t gws = (size_t)n;
				struct darg args[] = {{ARG_BUF, tot * es, a, NULL},
						      {ARG_BUF, tot * es, bb, NULL},
						      {ARG_BUF, tot * es, NULL, o}};
				cl_int err;

				if (dbl && !sides[s].fp64) {
					rep_skip(&rep, s, "no fp64");
					free(o);
					continue;
				}
				err = prog[s] ? diff_run(&sides[s], prog[s], kname, 3, args, 1, NULL,
							 &gws, NULL)
					      : CL_BUILD_PROGRAM_FAILURE;
				if (err) {
					rep_broken(&rep, s, "%s: %s", kname, diff_errname(err));
					free(o);
					continue;
				}
				rep.maxerr[s] = 0;
				for (int i = 0; i < n; i++) {
					long double x[4], y[4], g[4], r[4], mx = 0, sum = 0, d2 = 0;
					int nout = gfns[f].vec_out ? w : 1;
					double tol[4];
					bool ulp = true;

					for (int j = 0; j < w; j++) {
						load_fp(a, (size_t)i * w + j, dbl, &x[j]);
						load_fp(bb, (size_t)i * w + j, dbl, &y[j]);
						load_fp(o, (size_t)i * w + j, dbl, &g[j]);
						mx = fmaxl(mx, fmaxl(fabsl(x[j]), fabsl(y[j])));
						sum += x[j] * x[j];
						d2 += (x[j] - y[j]) * (x[j] - y[j]);
					}
					switch (kind) {
					case G_DOT:
						r[0] = 0;
						for (int j = 0; j < w; j++)
							r[0] += x[j] * y[j];
						tol[0] = (double)(mx * mx * (2 * w - 1) * eps);
						ulp = false;
						break;
					case G_CROSS:
						r[0] = x[1] * y[2] - x[2] * y[1];
						r[1] = x[2] * y[0] - x[0] * y[2];
						r[2] = x[0] * y[1] - x[1] * y[0];
						r[3] = 0;
						for (int j = 0; j < 4; j++)
							tol[j] = (double)(mx * mx * 3 * eps);
						ulp = false;
						break;
					case G_DIST: case G_FDIST:
						r[0] = sqrtl(d2);
						tol[0] = kind == G_FDIST ? 8192 : 2.5 + 2 * w;
						break;
					case G_LEN: case G_FLEN:
						r[0] = sqrtl(sum);
						tol[0] = kind == G_FLEN ? 8192 : 3 + 0.5 * w;
						break;
					default:
						for (int j = 0; j < w; j++) {
							r[j] = x[j] / sqrtl(sum);
							tol[j] = kind == G_FNORM ? 8192 : 2 + w;
						}
					}
					for (int j = 0; j < nout; j++) {
						double e = ulp ? (dbl ? ulp_err_d((double)g[j], r[j])
								      : ulp_err_f((float)g[j], r[j]))
							       : (double)fabsl(g[j] - r[j]);
						if (e <= tol[j]) {
							if (ulp && e > rep.maxerr[s])
								rep.maxerr[s] = e;
							continue;
						}
						rep_fail(&rep, s, "%s%d element %d component %d: x0=%La "
							 "y0=%La expected %La got %La (error %g, "
							 "tolerance %g %s)", gfns[f].name, w, i, j, x[0],
							 y[0], r[j], g[j], e, tol[j],
							 ulp ? "ulp" : "absolute");
					}
				}
				free(o);
			}
			rep_end(&rep);
			free(a);
			free(bb);
		}
	}
	for (int s = 0; s < NSIDES; s++)
		if (prog[s])
			clReleaseProgram(prog[s]);
}

/* --- Relational. -------------------------------------------------------- */
static const char *rel1[] = {"isfinite", "isinf", "isnan", "isnormal", "signbit"};
static const char *rel2[] = {"isequal", "isnotequal", "isgreater", "isgreaterequal",
			     "isless", "islessequal", "islessgreater", "isordered",
			     "isunordered"};
#define NR1 5
#define NR2 9
#define NRF (NR1 + NR2)

static long rel_ref(int f, long double x, long double y, bool dbl)
{
	long double mn = dbl ? DBL_MIN : FLT_MIN;

	switch (f) {
	case 0: return isfinite(x);
	case 1: return isinf(x) != 0;
	case 2: return isnan(x) != 0;
	case 3: return isfinite(x) && fabsl(x) >= mn;
	case 4: return signbit(x) != 0;
	case 5: return x == y;
	case 6: return x != y;	/* true for unordered operands */
	case 7: return x > y;
	case 8: return x >= y;
	case 9: return x < y;
	case 10: return x <= y;
	case 11: return x < y || x > y;
	case 12: return !isnan(x) && !isnan(y);
	default: return isnan(x) || isnan(y);
	}
}

static void rel_type(bool dbl)
{
	static const int ws[] = {1, 2, 3, 4, 8, 16};
	const char *T = dbl ? "double" : "float", *I = dbl ? "long" : "int";
	int n = nsamples, es = dbl ? 8 : 4;
	struct sb b = {0};
	cl_program prog[NSIDES];
	struct rep rep;
	static const double sp[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 1e-40,
				    -1e-310, 2.0, 1e300, 3e38};

	rep_begin(&rep, -1, "relational/%s (14 predicates, select, bitselect; w1-16)", T);
	if (!diff_selected(rep.name))
		return;
	if (dbl)
		sb_printf(&b, "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
	sb_printf(&b, "__kernel void rel(__global const %s *a, __global const %s *b, __global "
		  "const %s *c, __global %s *o, __global %s *of, uint n)\n{\n\tsize_t i = "
		  "get_global_id(0);\n", T, T, I, I, T);
	for (int wi = 0; wi < 6; wi++) {
		int w = ws[wi];
		char V[16], IV[16], L[64], LC[64];

		snprintf(V, sizeof(V), w == 1 ? "%s" : "%s%d", T, w);
		snprintf(IV, sizeof(IV), w == 1 ? "%s" : "%s%d", I, w);
		snprintf(L, sizeof(L), w == 1 ? "a[i]" : "vload%d(i, a)", w);
		snprintf(LC, sizeof(LC), w == 1 ? "c[i]" : "vload%d(i, c)", w);
		sb_printf(&b, "\tif (i < n / %d) {\n\t\t%s x = %s, y = %s; %s k = %s;\n", w, V, L,
			  w == 1 ? "b[i]" : (w == 2 ? "vload2(i, b)" : w == 3 ? "vload3(i, b)" :
					     w == 4 ? "vload4(i, b)" : w == 8 ? "vload8(i, b)"
									: "vload16(i, b)"),
			  IV, LC);
		for (int f = 0; f < NRF; f++) {
			char call[64];

			if (f < NR1)
				snprintf(call, sizeof(call), "%s(x)", rel1[f]);
			else
				snprintf(call, sizeof(call), "%s(x, y)", rel2[f - NR1]);
			if (w == 1)
				sb_printf(&b, "\t\to[%d * n + i] = %s;\n", wi * NRF + f, call);
			else
				sb_printf(&b, "\t\tvstore%d(convert_%s(%s), i, o + %d * n);\n", w, IV,
					  call, wi * NRF + f);
		}
		if (w == 1)
			sb_printf(&b, "\t\tof[%d * n + i] = select(x, y, k);\n\t\tof[%d * n + i] = "
				  "bitselect(x, y, as_%s(k));\n\t}\n", wi * 2, wi * 2 + 1, T);
		else
			sb_printf(&b, "\t\tvstore%d(select(x, y, k), i, of + %d * n);\n\t\tvstore%d("
				  "bitselect(x, y, as_%s(k)), i, of + %d * n);\n\t}\n", w, wi * 2,
				  w, V, wi * 2 + 1);
	}
	sb_printf(&b, "}\n");
	for (int s = 0; s < NSIDES; s++)
		prog[s] = build_side(s, b.p, dbl);
	sb_free(&b);

	void *a = malloc((size_t)n * es), *bb = malloc((size_t)n * es);
	int64_t *k = malloc((size_t)n * 8);
	int ns = (int)(sizeof(sp) / sizeof(sp[0]));

	rnd_seed(99 + dbl);
	for (int i = 0; i < n; i++) {
		long double x, y;

		if (i < ns * ns) {
			x = sp[i % ns];
			y = sp[i / ns];
		} else {
			x = (double)((int)(rnd() % 9) - 4);
			y = (double)((int)(rnd() % 9) - 4);
		}
		store_fp(a, (size_t)i, dbl, x);
		store_fp(bb, (size_t)i, dbl, y);
		k[i] = (int64_t)rnd();
		if (!dbl)
			((int32_t *)k)[i] = (int32_t)k[i];
	}
	for (int s = 0; s < NSIDES; s++) {
		size_t osz = (size_t)n * 6 * NRF * es, fsz = (size_t)n * 12 * es;
		void *o = malloc(osz), *of = malloc(fsz);
		size_t gws = (size_t)n;
		cl_uint un = (cl_uint)n;
		struct darg args[] = {
			{ARG_BUF, (size_t)n * es, a, NULL}, {ARG_BUF, (size_t)n * es, bb, NULL},
			{ARG_BUF, (size_t)n * es, k, NULL}, {ARG_BUF, osz, NULL, o},
			{ARG_BUF, fsz, NULL, of}, {ARG_VAL, 4, &un, NULL},
		};
		cl_int err;

		if (dbl && !sides[s].fp64) {
			rep_skip(&rep, s, "no fp64");
			goto next;
		}
		err = prog[s] ? diff_run(&sides[s], prog[s], "rel", 6, args, 1, NULL, &gws, NULL)
			      : CL_BUILD_PROGRAM_FAILURE;
		if (err) {
			rep_broken(&rep, s, "rel: %s", diff_errname(err));
			goto next;
		}
		for (int wi = 0; wi < 6; wi++) {
			int w = ws[wi];

			for (int i = 0; i < n / w * w; i++) {
				long double x, y;
				int64_t kv = dbl ? k[i] : ((int32_t *)k)[i];

				load_fp(a, (size_t)i, dbl, &x);
				load_fp(bb, (size_t)i, dbl, &y);
				for (int f = 0; f < NRF; f++) {
					size_t j = (size_t)(wi * NRF + f) * n + i;
					int64_t got = dbl ? ((int64_t *)o)[j] : ((int32_t *)o)[j];
					int64_t want = rel_ref(f, x, y, dbl) ? (w == 1 ? 1 : -1) : 0;

					if (got != want)
						rep_fail(&rep, s, "%s w=%d x=%La y=%La: expected %lld "
							 "got %lld", f < NR1 ? rel1[f] : rel2[f - NR1], w,
							 x, y, (long long)want, (long long)got);
				}
				/* select: vectors test the MSB of k, scalars k != 0. */
				bool take_y = w == 1 ? kv != 0 : kv < 0;
				uint64_t xb = 0, yb = 0, gs = 0, gb = 0, mask = dbl ? ~0ull : 0xffffffffull;
				size_t js = (size_t)(wi * 2) * n + i, jb = js + (size_t)n;

				memcpy(&xb, (char *)a + (size_t)i * es, es);
				memcpy(&yb, (char *)bb + (size_t)i * es, es);
				memcpy(&gs, (char *)of + js * es, es);
				memcpy(&gb, (char *)of + jb * es, es);
				if (gs != (take_y ? yb : xb))
					rep_fail(&rep, s, "select w=%d x=%La y=%La k=%lld: got 0x%llx",
						 w, x, y, (long long)kv, (unsigned long long)gs);
				if (gb != (((xb & ~(uint64_t)kv) | (yb & (uint64_t)kv)) & mask))
					rep_fail(&rep, s, "bitselect w=%d x=%La y=%La k=%llx: got "
						 "0x%llx", w, x, y, (unsigned long long)kv,
						 (unsigned long long)gb);
			}
		}
	next:
		free(o);
		free(of);
	}
	rep_end(&rep);
	free(a);
	free(bb);
	free(k);
	for (int s = 0; s < NSIDES; s++)
		if (prog[s])
			clReleaseProgram(prog[s]);
}

void fam_common_geom(void)
{
	geom_type(false);
	geom_type(true);
}

void fam_relational(void)
{
	rel_type(false);
	rel_type(true);
}
