// SPDX-License-Identifier: MIT
/* Integer built-ins and operators on the eight integer types, widths 1 to 16,
 * bit-exact against 128-bit host arithmetic. Scalars of char and short are
 * promoted to int in the operators (so a scalar shift masks its count by 31),
 * vectors are not (the count is masked by the element width). */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

typedef __int128 i128;

static const struct itype {
	const char *name, *uname, *wide;	/* wide: upsample's result, "" if none */
	int bits;
	bool sgn;
} itypes[] = {
	{"char", "uchar", "short", 8, true}, {"uchar", "uchar", "ushort", 8, false},
	{"short", "ushort", "int", 16, true}, {"ushort", "ushort", "uint", 16, false},
	{"int", "uint", "long", 32, true}, {"uint", "uint", "ulong", 32, false},
	{"long", "ulong", "", 64, true}, {"ulong", "ulong", "", 64, false},
};

enum {
	I_ABS, I_ABSDIFF, I_ADDSAT, I_HADD, I_RHADD, I_CLAMP, I_CLZ, I_CTZ, I_MADHI, I_MADSAT,
	I_MAX, I_MIN, I_MULHI, I_ROTATE, I_SUBSAT, I_UPSAMPLE, I_POPCOUNT, I_MAD24, I_MUL24,
	I_ADD, I_SUB, I_MUL, I_DIV, I_REM, I_SHL, I_SHR, I_AND, I_OR, I_XOR, I_NOT, I_ANY,
	I_ALL, I_SELECT, I_BITSELECT, NIFN
};
static const char *iname[NIFN] = {
	"abs", "abs_diff", "add_sat", "hadd", "rhadd", "clamp", "clz", "ctz", "mad_hi",
	"mad_sat", "max", "min", "mul_hi", "rotate", "sub_sat", "upsample", "popcount", "mad24",
	"mul24", "add", "sub", "mul", "div", "rem", "shl", "shr", "and", "or", "xor", "not", "any",
	"all", "select", "bitselect",
};
static const char *iexpr[NIFN] = {
	"abs(x)", "abs_diff(x, y)", "add_sat(x, y)", "hadd(x, y)", "rhadd(x, y)",
	"clamp(x, min(y, z), max(y, z))", "clz(x)", "ctz(x)", "mad_hi(x, y, z)",
	"mad_sat(x, y, z)", "max(x, y)", "min(x, y)", "mul_hi(x, y)", "rotate(x, y)",
	"sub_sat(x, y)", "UPSAMPLE", "popcount(x)", "mad24(x, y, z)", "mul24(x, y)", "x + y",
	"x - y", "x * y", "x / y", "x % y", "x << y", "x >> y", "x & y", "x | y", "x ^ y", "~x",
	"ANY", "ALL", "select(x, y, z)", "bitselect(x, y, z)",
};

static i128 val(uint64_t v, const struct itype *t)
{
	if (t->bits < 64)
		v &= (1ull << t->bits) - 1;
	if (t->sgn && t->bits < 64 && (v >> (t->bits - 1)) & 1)
		return (i128)v - ((i128)1 << t->bits);
	if (t->sgn && t->bits == 64)
		return (i128)(int64_t)v;
	return (i128)v;
}

static uint64_t wrap(i128 v, const struct itype *t)
{
	uint64_t u = (uint64_t)v;

	return t->bits < 64 ? u & ((1ull << t->bits) - 1) : u;
}

static i128 tmin(const struct itype *t)
{
	return t->sgn ? -((i128)1 << (t->bits - 1)) : 0;
}

static i128 tmax(const struct itype *t)
{
	return t->sgn ? ((i128)1 << (t->bits - 1)) - 1 : ((i128)1 << t->bits) - 1;
}

static uint64_t sat(i128 v, const struct itype *t)
{
	return wrap(v < tmin(t) ? tmin(t) : v > tmax(t) ? tmax(t) : v, t);
}

/* Floor division by 2^bits of a possibly 128-bit product. */
static uint64_t mulhi(uint64_t a, uint64_t b, const struct itype *t)
{
	if (t->bits == 64 && !t->sgn) {
		unsigned __int128 p = (unsigned __int128)a * b;
		return (uint64_t)(p >> 64);
	}
	i128 p = val(a, t) * val(b, t);

	return wrap(p >> t->bits, t);
}

/* Reference; *undef set when the result is undefined for these inputs. */
static uint64_t iref(int f, const struct itype *t, uint64_t a, uint64_t b, uint64_t c, int w,
		     bool *undef)
{
	i128 x = val(a, t), y = val(b, t), z = val(c, t);
	int bits = t->bits;
	uint64_t ua = wrap(x, t), m = bits < 64 ? (1ull << bits) - 1 : ~0ull;
	bool promoted = w == 1 && bits < 32;	/* scalar char/short: int arithmetic */

	*undef = false;
	switch (f) {
	case I_ABS: return wrap(x < 0 ? -x : x, t);
	case I_ABSDIFF: return wrap(x > y ? x - y : y - x, t);
	case I_ADDSAT: return sat(x + y, t);
	case I_HADD: return wrap((x + y) >> 1, t);
	case I_RHADD: return wrap((x + y + 1) >> 1, t);
	case I_CLAMP: {
		i128 lo = y < z ? y : z, hi = y < z ? z : y;
		return wrap(x < lo ? lo : x > hi ? hi : x, t);
	}
	case I_CLZ: {
		int n = 0;
		for (int i = bits - 1; i >= 0 && !((ua >> i) & 1); i--)
			n++;
		return (uint64_t)n;
	}
	case I_CTZ: {
		int n = 0;
		for (int i = 0; i < bits && !((ua >> i) & 1); i++)
			n++;
		return (uint64_t)n;
	}
	case I_MADHI: return wrap(val(mulhi(a, b, t), t) + z, t);
	case I_MADSAT:
		if (bits == 64 && !t->sgn) {
			unsigned __int128 p = (unsigned __int128)(uint64_t)x * (uint64_t)y +
					      (uint64_t)z;
			return p > m ? m : (uint64_t)p;
		}
		return sat(x * y + z, t);
	case I_MAX: return wrap(x > y ? x : y, t);
	case I_MIN: return wrap(x < y ? x : y, t);
	case I_MULHI: return mulhi(a, b, t);
	case I_ROTATE: {
		int s = (int)(wrap(y, t) & (uint64_t)(bits - 1));
		return s ? ((ua << s) | (ua >> (bits - s))) & m : ua;
	}
	case I_SUBSAT: return sat(x - y, t);
	case I_UPSAMPLE: return (ua << bits) | wrap(y, t);
	case I_POPCOUNT: return (uint64_t)__builtin_popcountll(ua);
	/* Wrapping results: computed unsigned, where overflow is defined. */
	case I_MAD24: return wrap((i128)((unsigned __int128)x * (unsigned __int128)y +
					 (unsigned __int128)z), t);
	case I_MUL24: return wrap((i128)((unsigned __int128)x * (unsigned __int128)y), t);
	case I_ADD: return wrap((i128)((unsigned __int128)x + (unsigned __int128)y), t);
	case I_SUB: return wrap((i128)((unsigned __int128)x - (unsigned __int128)y), t);
	case I_MUL: return wrap((i128)((unsigned __int128)x * (unsigned __int128)y), t);
	case I_DIV: case I_REM:
		if (y == 0 || (t->sgn && x == tmin(t) && y == -1 && !promoted)) {
			*undef = true;
			return 0;
		}
		return wrap(f == I_DIV ? x / y : x % y, t);
	case I_SHL: case I_SHR: {
		int s = (int)(wrap(y, t) & (uint64_t)((promoted ? 32 : bits) - 1));
		if (f == I_SHL)
			return wrap((__int128)((unsigned __int128)x << s), t); /* no signed overflow */
		return wrap(x >> s, t);	/* arithmetic for signed: i128 sign-extends */
	}
	case I_AND: return ua & wrap(y, t);
	case I_OR: return ua | wrap(y, t);
	case I_XOR: return ua ^ wrap(y, t);
	case I_NOT: return ~ua & m;
	case I_SELECT:
		if (w == 1)
			return z != 0 ? wrap(y, t) : ua;
		return z < 0 || (!t->sgn && (wrap(z, t) >> (bits - 1))) ? wrap(y, t) : ua;
	case I_BITSELECT: return (ua & ~wrap(z, t)) | (wrap(y, t) & wrap(z, t));
	}
	return 0;
}

static bool fn_applies(int f, const struct itype *t)
{
	if ((f == I_MAD24 || f == I_MUL24) && t->bits != 32)
		return false;
	if (f == I_UPSAMPLE && t->bits == 64)
		return false;
	if ((f == I_ANY || f == I_ALL) && !t->sgn)
		return false;
	return true;
}

static const int ws[] = {1, 2, 3, 4, 8, 16};

static void gen(struct sb *b, int f, const struct itype *t)
{
	sb_printf(b, "__kernel void i_%s(__global const %s *a, __global const %s *b, __global "
		  "const %s *c, __global %s *o, __global %s *ow, uint n)\n{\n\tsize_t i = "
		  "get_global_id(0);\n", iname[f], t->name, t->name, t->name, t->uname,
		  *t->wide ? t->wide : "int");
	for (int s = 0; s < 6; s++) {
		int w = ws[s];
		char V[16], U[16], W[16], e[96];

		snprintf(V, sizeof(V), w == 1 ? "%s" : "%s%d", t->name, w);
		snprintf(U, sizeof(U), w == 1 ? "%s" : "%s%d", t->uname, w);
		snprintf(W, sizeof(W), w == 1 ? "%s" : "%s%d", t->wide, w);
		if (w == 1)
			sb_printf(b, "\tif (i < n) {\n\t\t%s x = a[i], y = b[i], z = c[i];\n", V);
		else
			sb_printf(b, "\tif (i < n / %d) {\n\t\t%s x = vload%d(i, a), y = vload%d(i, "
				  "b), z = vload%d(i, c);\n", w, V, w, w, w);
		if (f == I_UPSAMPLE) {
			snprintf(e, sizeof(e), "upsample(x, as_%s(y))", U);
			if (w == 1)
				sb_printf(b, "\t\tow[%d * n + i] = %s;\n\t}\n", s, e);
			else
				sb_printf(b, "\t\tvstore%d(%s, i, ow + %d * n);\n\t}\n", w, e, s);
			continue;
		}
		if (f == I_ANY || f == I_ALL)
			snprintf(e, sizeof(e), "(%s)((%s)%s(x))", V, t->name,
				 f == I_ANY ? "any" : "all");
		else
			snprintf(e, sizeof(e), "%s", iexpr[f]);
		/* abs and abs_diff return the unsigned type: as_ takes both; scalar
		 * char and short operators give an int: a cast truncates it. */
		if (w == 1)
			sb_printf(b, "\t\t%s r = (%s)(%s);\n", U, U, e);
		else
			sb_printf(b, "\t\t%s r = as_%s(%s);\n", U, U, e);
		if (w == 1)
			sb_printf(b, "\t\to[%d * n + i] = r;\n\t}\n", s);
		else
			sb_printf(b, "\t\tvstore%d(r, i, o + %d * n);\n\t}\n", w, s);
	}
	sb_printf(b, "}\n");
}

static uint64_t gen_input(const struct itype *t, int f, int i, int arg)
{
	static const int64_t sp[] = {0, 1, -1, 2, -2, 3, 7, 8, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
				     0xffff, 0x7fffffff, 0x80000000ll, INT64_MAX, INT64_MIN,
				     0x5555555555555555ll, 0x0123456789abcdefll};
	int ns = (int)(sizeof(sp) / sizeof(sp[0]));
	uint64_t v;

	if (i < ns * ns)
		v = (uint64_t)sp[arg == 0 ? i % ns : arg == 1 ? i / ns : (i * 7) % ns];
	else
		v = rnd() >> (rnd() % 64);	/* all magnitudes */
	if (rnd() % 4 == 0 && i >= ns * ns)
		v = -v;
	if (f == I_MAD24 || f == I_MUL24) {
		/* Only 24-bit operands are defined. */
		v &= 0xffffff;
		if (t->sgn && (v & 0x800000))
			v |= ~0xffffffull;
	}
	if ((f == I_SHL || f == I_SHR || f == I_ROTATE) && arg == 1 && rnd() % 2)
		v %= (uint64_t)(t->bits + 8);
	return v;
}

static void run_type(const struct itype *t)
{
	struct sb b = {0};
	cl_program prog[NSIDES];
	int n = nsamples, es = t->bits / 8;
	char opts[32];
	bool all30 = sides[0].cl30 && sides[1].cl30;

	/* ctz needs OpenCL C 2.0 or later. */
	snprintf(opts, sizeof(opts), "-cl-std=CL%s", all30 ? "3.0" : "1.2");
	for (int f = 0; f < NIFN; f++)
		if (fn_applies(f, t) && (all30 || f != I_CTZ))
			gen(&b, f, t);
	for (int s = 0; s < NSIDES; s++)
		prog[s] = diff_build(&sides[s], b.p, opts);
	sb_free(&b);
	for (int f = 0; f < NIFN; f++) {
		struct rep rep;
		char kname[32];
		uint64_t *x[3];
		unsigned char *in[3];
		size_t osz = (size_t)n * 6;
		int wes = f == I_UPSAMPLE ? es * 2 : es;

		if (!fn_applies(f, t) || (!all30 && f == I_CTZ))
			continue;
		rep_begin(&rep, -1, "integer/%s/%s", t->name, iname[f]);
		if (!diff_selected(rep.name))
			continue;
		rnd_seed((uint64_t)f * 1000 + (uint64_t)t->bits + t->sgn);
		for (int a = 0; a < 3; a++) {
			x[a] = malloc((size_t)n * 8);
			in[a] = malloc((size_t)n * (size_t)es);
			for (int i = 0; i < n; i++) {
				x[a][i] = gen_input(t, f, i, a);
				memcpy(in[a] + (size_t)i * es, &x[a][i], (size_t)es);
			}
		}
		snprintf(kname, sizeof(kname), "i_%s", iname[f]);
		for (int s = 0; s < NSIDES; s++) {
			unsigned char *o = malloc(osz * es), *ow = malloc(osz * (size_t)wes);
			size_t gws = (size_t)n;
			cl_uint un = (cl_uint)n;
			struct darg args[] = {
				{ARG_BUF, (size_t)n * es, in[0], NULL},
				{ARG_BUF, (size_t)n * es, in[1], NULL},
				{ARG_BUF, (size_t)n * es, in[2], NULL}, {ARG_BUF, osz * es, NULL, o},
				{ARG_BUF, osz * (size_t)(*t->wide ? wes : 4), NULL, ow},
				{ARG_VAL, 4, &un, NULL},
			};
			cl_int err = prog[s] ? diff_run(&sides[s], prog[s], kname, 6, args, 1, NULL,
							&gws, NULL)
					     : CL_BUILD_PROGRAM_FAILURE;

			if (err) {
				rep_broken(&rep, s, "%s: %s", kname, diff_errname(err));
				free(o);
				free(ow);
				continue;
			}
			for (int wi = 0; wi < 6; wi++) {
				int w = ws[wi];

				for (int i = 0; i < n / w * w; i++) {
					size_t j = (size_t)wi * n + i;
					uint64_t got = 0, want;
					bool undef;

					if (f == I_ANY || f == I_ALL) {
						/* The whole vector's MSBs. */
						int v0 = i / w * w, cnt = 0;
						for (int e = 0; e < w; e++)
							cnt += val(x[0][v0 + e], t) < 0;
						want = f == I_ANY ? cnt > 0 : cnt == w;
						undef = false;
					} else {
						want = iref(f, t, x[0][i], x[1][i], x[2][i], w, &undef);
					}
					if (undef)
						continue;
					if (f == I_UPSAMPLE)
						memcpy(&got, ow + j * wes, (size_t)wes);
					else
						memcpy(&got, o + j * es, (size_t)es);
					if (f == I_ANY || f == I_ALL)
						got = val(got, t) != 0;	/* broadcast of the int */
					if (got == want)
						continue;
					rep_fail(&rep, s, "%s w=%d x=%#llx y=%#llx z=%#llx: expected "
						 "%#llx got %#llx", iname[f], w,
						 (unsigned long long)wrap(val(x[0][i], t), t),
						 (unsigned long long)wrap(val(x[1][i], t), t),
						 (unsigned long long)wrap(val(x[2][i], t), t),
						 (unsigned long long)want, (unsigned long long)got);
				}
			}
			free(o);
			free(ow);
		}
		rep_end(&rep);
		for (int a = 0; a < 3; a++) {
			free(x[a]);
			free(in[a]);
		}
	}
	for (int s = 0; s < NSIDES; s++)
		if (prog[s])
			clReleaseProgram(prog[s]);
}

void fam_integer(void)
{
	for (size_t i = 0; i < sizeof(itypes) / sizeof(itypes[0]); i++)
		run_type(&itypes[i]);
}
