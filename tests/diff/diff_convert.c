// SPDX-License-Identifier: MIT
/* Conversions: convert_<dst>[_sat][_rte|_rtz|_rtp|_rtn] between every pair of
 * the ten scalar types (char to ulong, float, double) at widths 1, 3 and 16,
 * bit-exact. Out-of-range float-to-integer conversions without _sat are
 * undefined and skipped. The host rounds with fesetround (this file is built
 * with -frounding-math). */
#include "diff.h"

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct ctype {
	const char *name;
	int bytes;
	bool sgn, fp;
} ctypes[] = {
	{"char", 1, true, false}, {"uchar", 1, false, false}, {"short", 2, true, false},
	{"ushort", 2, false, false}, {"int", 4, true, false}, {"uint", 4, false, false},
	{"long", 8, true, false}, {"ulong", 8, false, false}, {"float", 4, true, true},
	{"double", 8, true, true},
};
#define NCT 10
static const char *rmodes[] = {"", "_rte", "_rtz", "_rtp", "_rtn"};
static const int cws[] = {1, 3, 16};
#define NCW 3
#define NVAR 10	/* (sat, mode) */

static long double load_val(const struct ctype *t, const void *p)
{
	switch (t->bytes * (t->fp ? -1 : 1) * (t->sgn ? 1 : 2)) {
	case 1: return *(const int8_t *)p;
	case 2: return *(const uint8_t *)p;
	case 4: return t->bytes == 2 ? (long double)*(const int16_t *)p : *(const int32_t *)p;
	case 8: return t->bytes == 4 ? (long double)*(const uint32_t *)p : *(const int64_t *)p;
	case 16: return *(const uint64_t *)p;
	case -4: return *(const float *)p;
	case -8: return *(const double *)p;
	}
	return 0;
}

static void store_val(const struct ctype *t, void *p, long double v)
{
	if (t->fp) {
		if (t->bytes == 4) {
			float f = (float)v;
			memcpy(p, &f, 4);
		} else {
			double d = (double)v;
			memcpy(p, &d, 8);
		}
		return;
	}
	/* Integers: v is in range (the caller wrapped or clamped it). */
	uint64_t u = v < 0 ? (uint64_t)(int64_t)v : (uint64_t)v;
	memcpy(p, &u, (size_t)t->bytes);
}

static long double tmin(const struct ctype *t)
{
	return t->sgn ? -ldexpl(1, t->bytes * 8 - 1) : 0;
}

static long double tmax(const struct ctype *t)
{
	return t->sgn ? ldexpl(1, t->bytes * 8 - 1) - 1 : ldexpl(1, t->bytes * 8) - 1;
}

static const int fe_modes[] = {FE_TONEAREST, FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD,
			       FE_DOWNWARD};

/* The expected bits of convert_<d><sat><mode>(v); false when undefined. */
static bool conv_ref(const struct ctype *src, const struct ctype *d, bool satv, int mode,
		     long double v, unsigned char *out)
{
	memset(out, 0, 8);
	if (d->fp) {
		/* Default rounding to a floating-point type: to nearest even. */
		volatile long double in = v;

		fesetround(fe_modes[mode]);
		if (d->bytes == 4) {
			volatile float f = (float)in;
			memcpy(out, (const void *)&f, 4);
		} else {
			volatile double f = (double)in;
			memcpy(out, (const void *)&f, 8);
		}
		fesetround(FE_TONEAREST);
		return true;
	}
	if (src->fp) {
		if (isnan(v)) {
			if (!satv)
				return false;
			v = 0;
		}
		switch (mode) {
		case 0: case 2: v = truncl(v); break;	/* float to int: rtz by default */
		case 1: v = nearbyintl(v); break;
		case 3: v = ceill(v); break;
		case 4: v = floorl(v); break;
		}
		if (v < tmin(d) || v > tmax(d)) {
			if (!satv)
				return false;
			v = v < tmin(d) ? tmin(d) : tmax(d);
		}
		store_val(d, out, v);
		return true;
	}
	if (satv) {
		v = v < tmin(d) ? tmin(d) : v > tmax(d) ? tmax(d) : v;
		store_val(d, out, v);
	} else {
		/* Integer to integer: modulo 2^bits. */
		uint64_t u = v < 0 ? (uint64_t)(int64_t)v : (uint64_t)v;
		memcpy(out, &u, (size_t)d->bytes);
	}
	return true;
}

static bool usable(const struct ctype *t, bool fp64)
{
	return fp64 || strcmp(t->name, "double");
}

static char *gen(const struct ctype *src, bool fp64)
{
	struct sb b = {0};

	if (fp64)
		sb_printf(&b, "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
	sb_printf(&b, "__kernel void cv(__global const %s *a, __global uchar *o, uint n)\n{\n"
		  "\tsize_t i = get_global_id(0);\n", src->name);
	for (int wi = 0; wi < NCW; wi++) {
		int w = cws[wi];

		if (w == 1)
			sb_printf(&b, "\tif (i < n) {\n\t\t%s x = a[i];\n", src->name);
		else
			sb_printf(&b, "\tif (i < n / %d) {\n\t\t%s%d x = vload%d(i, a);\n", w,
				  src->name, w, w);
		for (int di = 0; di < NCT; di++) {
			const struct ctype *d = &ctypes[di];

			if (!usable(d, fp64))
				continue;
			for (int v = 0; v < NVAR; v++) {
				bool satv = v >= 5;
				int sec = (di * NVAR + v) * NCW + wi;
				char fn[48];

				if (satv && d->fp)
					continue;
				if (w > 1)
					snprintf(fn, sizeof(fn), "convert_%s%d%s%s", d->name, w,
						 satv ? "_sat" : "", rmodes[v % 5]);
				else
					snprintf(fn, sizeof(fn), "convert_%s%s%s", d->name,
						 satv ? "_sat" : "", rmodes[v % 5]);
				if (w == 1)
					sb_printf(&b, "\t\t((__global %s *)(o + %dul * n * 8))[i] = "
						  "%s(x);\n", d->name, sec, fn);
				else
					sb_printf(&b, "\t\tvstore%d(%s(x), i, (__global %s *)(o + %dul "
						  "* n * 8));\n", w, fn, d->name, sec);
			}
		}
		sb_printf(&b, "\t}\n");
	}
	sb_printf(&b, "}\n");
	return b.p;
}

static long double gen_input(const struct ctype *t, int i)
{
	static const long double sp[] = {
		0.0L, -0.0L, 0.5L, -0.5L, 1.5L, -1.5L, 2.5L, -2.5L, 1, -1, 0.49999997L, 127, 128,
		-128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536, 2147483647.0L,
		2147483648.0L, -2147483648.0L, -2147483649.0L, 4294967295.0L, 4294967296.0L,
		9223372036854775807.0L, 9223372036854775808.0L, -9223372036854775808.0L,
		18446744073709551615.0L, 18446744073709551616.0L, 16777217, 16777219,
		9007199254740993.0L, 127.5L, 255.5L, -128.5L, 1e30L, -1e30L, 1e300L, 1e-40L,
		1e-310L, 3.4028235677973366e38L, 1.7976931348623157e308L, INFINITY, -INFINITY,
		NAN, 0x1.fffffep-1L, 2147483520.0L, 4294967040.0L,
	};
	int ns = (int)(sizeof(sp) / sizeof(sp[0]));
	long double v;

	if (i < ns) {
		v = sp[i];
	} else if (t->fp) {
		uint64_t r = rnd();

		if (r & 1) {
			v = ldexpl((long double)(rnd() >> 11), (int)(rnd() % 80) - 60 - 53);
			v = (r & 2) ? -v : v;
			if (r & 4)
				v = roundl(v * 2) / 2;	/* ties */
		} else if (t->bytes == 4) {
			float f;
			uint32_t u = (uint32_t)rnd();
			memcpy(&f, &u, 4);
			v = f;
		} else {
			double f;
			uint64_t u = rnd();
			memcpy(&f, &u, 8);
			v = f;
		}
	} else {
		uint64_t r = rnd() >> (rnd() % 64);

		v = (rnd() & 1) && t->sgn ? -(long double)r : (long double)r;
	}
	/* Make it a value of the source type. */
	if (t->fp)
		v = t->bytes == 4 ? (long double)(float)v : (long double)(double)v;
	else if (isnan(v) || v != truncl(v) || v < tmin(t) || v > tmax(t))
		v = fmodl(isfinite(v) ? truncl(v) : 3, tmax(t) + 1) * (t->sgn ? 1 : 1);
	if (!t->fp && (v < tmin(t) || v > tmax(t)))
		v = 5;
	return t->fp ? v : v + 0.0L;	/* no -0 among the integers */
}

void fam_convert(void)
{
	int n = nsamples / 2 / 48 * 48;
	bool fp64 = sides[0].fp64 && sides[1].fp64;

	for (int si = 0; si < NCT; si++) {
		const struct ctype *src = &ctypes[si];
		cl_program prog[NSIDES];
		unsigned char *in;
		long double *x;
		size_t osz = (size_t)NCT * NVAR * NCW * n * 8;
		char *code;
		struct rep rep[NCT];

		if (!usable(src, fp64))
			continue;
		{
			char nm[64];

			snprintf(nm, sizeof(nm), "convert/%s", src->name);
			if (!diff_selected(nm))
				continue;
		}
		code = gen(src, fp64);
		for (int s = 0; s < NSIDES; s++)
			prog[s] = diff_build(&sides[s], code, "-cl-std=CL1.2");
		free(code);
		in = malloc((size_t)n * 8);
		x = malloc(sizeof(*x) * (size_t)n);
		rnd_seed(5000 + (uint64_t)si);
		for (int i = 0; i < n; i++) {
			x[i] = gen_input(src, i);
			store_val(src, in + (size_t)i * src->bytes, x[i]);
		}
		for (int di = 0; di < NCT; di++)
			rep_begin(&rep[di], -1, "convert/%s->%s (sat, rounding modes; w1,3,16)",
				  src->name, ctypes[di].name);
		for (int s = 0; s < NSIDES; s++) {
			unsigned char *o = malloc(osz);
			size_t gws = (size_t)n;
			cl_uint un = (cl_uint)n;
			struct darg args[] = {{ARG_BUF, (size_t)n * src->bytes, in, NULL},
					      {ARG_BUF, osz, NULL, o}, {ARG_VAL, 4, &un, NULL}};
			cl_int err = prog[s] ? diff_run(&sides[s], prog[s], "cv", 3, args, 1, NULL,
							&gws, NULL)
					     : CL_BUILD_PROGRAM_FAILURE;

			for (int di = 0; di < NCT && err == CL_SUCCESS; di++) {
				const struct ctype *d = &ctypes[di];

				if (!usable(d, fp64))
					continue;
				for (int v = 0; v < NVAR; v++) {
					if (v >= 5 && d->fp)
						continue;
					for (int wi = 0; wi < NCW; wi++) {
						int sec = (di * NVAR + v) * NCW + wi;

						for (int i = 0; i < n / cws[wi] * cws[wi]; i++) {
							unsigned char want[8], *got = o +
								(size_t)sec * n * 8 + (size_t)i * d->bytes;

							if (!conv_ref(src, d, v >= 5, v % 5, x[i], want))
								continue;
							if (!memcmp(want, got, (size_t)d->bytes))
								continue;
							if (d->fp && isnan(load_val(d, want)) &&
							    isnan(load_val(d, got)))
								continue;
							rep_fail(&rep[di], s, "convert_%s%s%s w=%d x=%La: "
								 "expected %La got %La", d->name,
								 v >= 5 ? "_sat" : "", rmodes[v % 5],
								 cws[wi], x[i], load_val(d, want),
								 load_val(d, got));
						}
					}
				}
			}
			if (err)
				for (int di = 0; di < NCT; di++)
					rep_broken(&rep[di], s, "cv: %s", diff_errname(err));
			free(o);
		}
		for (int di = 0; di < NCT; di++)
			if (usable(&ctypes[di], fp64))
				rep_end(&rep[di]);
		for (int s = 0; s < NSIDES; s++)
			if (prog[s])
				clReleaseProgram(prog[s]);
		free(in);
		free(x);
	}
}
