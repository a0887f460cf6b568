// SPDX-License-Identifier: MIT
// convert_<dst>[_sat][_rounding](<src>) for every pair of types, bit for bit
// against a reference: values are exact in long double (64-bit mantissa),
// rounded to integers with nearbyintl/truncl/ceill/floorl and to floating
// point by the FPU under fesetround (this file is built with
// -frounding-math). Vector forms must give the scalar results.
#include "harness.h"

#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum ty { CHAR, UCHAR, SHORT, USHORT, INT, UINT, LONG, ULONG, FLOAT, DOUBLE, NTY };
static const char *const names[NTY] = {"char", "uchar", "short", "ushort", "int",
				       "uint", "long", "ulong", "float", "double"};
static const int size[NTY] = {1, 1, 2, 2, 4, 4, 8, 8, 4, 8};
static const long double tmin[NTY] = {-128.0L, 0, -32768.0L, 0, -2147483648.0L, 0,
				      -9223372036854775808.0L, 0};
static const long double tmax[NTY] = {127.0L, 255.0L, 32767.0L, 65535.0L, 2147483647.0L,
				      4294967295.0L, 9223372036854775807.0L,
				      18446744073709551615.0L};

#define N 480 // inputs per pair, a multiple of 3 and 16
#define NV 10 // variants: 5 roundings, then 5 saturating ones

static int is_int(enum ty t)
{
	return t < FLOAT;
}

static long double load(enum ty t, const void *p, int i)
{
	const char *b = (const char *)p + (size_t)i * size[t];

	switch (t) {
	case CHAR: return *(const int8_t *)b;
	case UCHAR: return *(const uint8_t *)b;
	case SHORT: return *(const int16_t *)b;
	case USHORT: return *(const uint16_t *)b;
	case INT: return *(const int32_t *)b;
	case UINT: return *(const uint32_t *)b;
	case LONG: return *(const int64_t *)b;
	case ULONG: return *(const uint64_t *)b;
	case FLOAT: return *(const float *)b;
	default: return *(const double *)b;
	}
}

// Stores v, exact in t's range (or a wrapped integer through bits).
static void store(enum ty t, void *p, int i, long double v, __int128 bits)
{
	char *b = (char *)p + (size_t)i * size[t];

	switch (t) {
	case CHAR: *(int8_t *)b = (int8_t)bits; break;
	case UCHAR: *(uint8_t *)b = (uint8_t)bits; break;
	case SHORT: *(int16_t *)b = (int16_t)bits; break;
	case USHORT: *(uint16_t *)b = (uint16_t)bits; break;
	case INT: *(int32_t *)b = (int32_t)bits; break;
	case UINT: *(uint32_t *)b = (uint32_t)bits; break;
	case LONG: *(int64_t *)b = (int64_t)bits; break;
	case ULONG: *(uint64_t *)b = (uint64_t)bits; break;
	case FLOAT: *(float *)b = (float)v; break;
	default: *(double *)b = (double)v; break;
	}
}

static const int fe_mode[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD};

// The rounded value of v in floating type t under mode (0..3: rte rtz rtp rtn).
static long double round_to(enum ty t, long double v, int mode)
{
	volatile long double in = v;
	volatile float f;
	volatile double d;
	long double r;

	fesetround(fe_mode[mode]);
	if (t == FLOAT) {
		f = (float)in;
		r = f;
	} else {
		d = (double)in;
		r = d;
	}
	fesetround(FE_TONEAREST);
	return r;
}

// Reference of variant k (see kernels_convert.cl) of src value v; false
// where the result is undefined (out of range without _sat, NaN).
static bool reference(enum ty dst, enum ty src, int k, long double v, void *out, int i)
{
	int sat = k >= 5, r = k % 5; // 0 default, 1 rte, 2 rtz, 3 rtp, 4 rtn

	if (!is_int(dst)) {
		store(dst, out, i, round_to(dst, v, r == 0 ? 0 : r - 1), 0);
		return true;
	}
	if (!is_int(src)) {
		if (isnan(v)) {
			if (!sat)
				return false;
			store(dst, out, i, 0, 0);
			return true;
		}
		v = r == 1 ? nearbyintl(v) : r == 3 ? ceill(v) : r == 4 ? floorl(v) : truncl(v);
	}
	if (sat)
		v = v < tmin[dst] ? tmin[dst] : v > tmax[dst] ? tmax[dst] : v;
	else if (!is_int(src) && (v < tmin[dst] || v > tmax[dst]))
		return false;
	// Integers wrap modulo 2^bits; v is an integer within 128 bits here.
	store(dst, out, i, 0, v < 0 ? -(__int128)(unsigned long long)(-v) :
				      (__int128)(unsigned long long)v);
	return true;
}

static long double pick(enum ty src, int i)
{
	static const long double ints[] = {
		0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535,
		65536, 2147483647.0L, 2147483648.0L, -2147483648.0L, -2147483649.0L,
		4294967295.0L, 4294967296.0L, 16777215, 16777216, 16777217, 16777219,
		9007199254740991.0L, 9007199254740993.0L, 9223372036854775807.0L,
		-9223372036854775807.0L - 1, 18446744073709551615.0L, 9223372036854775808.0L,
		0x1.fffffep30L + 64, 0x1.fffffffffffffp62L + 512, 0x1.fffffffffffffp63L + 1024,
	};
	static const long double fracs[] = {
		0.5L, -0.5L, 1.5L, -1.5L, 2.5L, -2.5L, 0.49999997L, -0.49999997L, 0.75L, -0.75L,
		127.5L, 128.5L, -128.5L, -129.5L, 255.5L, 256.5L, -0.25L, 32767.5L, -32768.5L,
		65535.5L, 2147483647.5L, -2147483648.5L, 4294967295.5L, 1e19L, -1e19L, 1e30L,
		0x1p-149L, -0x1p-149L, 0x1p-1074L,
	};
	int ni = (int)(sizeof(ints) / sizeof(ints[0])), nf = (int)(sizeof(fracs) / sizeof(fracs[0]));
	long double v;

	if (is_int(src)) {
		if (i < ni) {
			v = ints[i];
			if (v >= tmin[src] && v <= tmax[src])
				return v;
		}
		v = load(src, &(uint64_t){h_rand()}, 0);
		return v;
	}
	if (i < ni)
		return ints[i];
	if (i < ni + nf)
		return fracs[i - ni];
	switch (i % 6) {
	case 0: return src == FLOAT ? h_rand_float_bits() : h_rand_double_bits();
	case 1: return h_rand_uniform(-300, 300);
	case 2: return h_rand_uniform(-5e9, 5e9);
	case 3: return h_rand_uniform(-3e19, 3e19);
	case 4: return i & 8 ? NAN : i & 16 ? INFINITY : -INFINITY;
	default: return (long double)h_rand_uniform(-70000, 70000) + (h_rand() & 1 ? 0.5L : 0);
	}
}

typedef void (*cv_fn)(const void *, void *, int);

static void test_pair(enum ty dst, enum ty src)
{
	static char in[N * 8], out[NV * N * 8], o3[NV * N * 8], o16[NV * N * 8], want[N * 8];
	char name[64];
	int nv = is_int(dst) ? NV : 5;
	bool defined[N];

	for (int i = 0; i < N; i++) {
		long double v = pick(src, i);

		// Through the source type: rounded once if not exact (wide floats).
		store(src, in, i, v, is_int(src) ? (__int128)v : 0);
	}
	snprintf(name, sizeof(name), "t_cv_%s_%s", names[dst], names[src]);
	((cv_fn)h_sym(name))(in, out, N);
	snprintf(name, sizeof(name), "t_cv_v3_%s_%s", names[dst], names[src]);
	((cv_fn)h_sym(name))(in, o3, N);
	snprintf(name, sizeof(name), "t_cv_v16_%s_%s", names[dst], names[src]);
	((cv_fn)h_sym(name))(in, o16, N);
	for (int k = 0; k < nv; k++) {
		static const char *const sfx[5] = {"", "_rte", "_rtz", "_rtp", "_rtn"};
		int bad_v = 0;

		for (int i = 0; i < N; i++) {
			long double v = load(src, in, i);
			size_t s = (size_t)size[dst], at = (size_t)(k * N + i) * s, w = (size_t)i * s;

			defined[i] = reference(dst, src, k, v, want, i);
			if (!defined[i])
				continue;
			if (is_int(dst))
				CHECK(!memcmp(out + at, want + w, s),
				      "convert_%s%s%s((%s)%.21Lg) = %.21Lg, want %.21Lg", names[dst],
				      k >= 5 ? "_sat" : "", sfx[k % 5], names[src], v,
				      load(dst, out, k * N + i), load(dst, want, i));
			else
				CHECK(dst == FLOAT ? h_same_f(*(float *)(out + at), *(float *)(want + w)) :
				      h_same_d(*(double *)(out + at), *(double *)(want + w)),
				      "convert_%s%s((%s)%.21Lg) = %a, want %a", names[dst], sfx[k % 5],
				      names[src], v, (double)load(dst, out, k * N + i),
				      (double)load(dst, want, i));
			bad_v += memcmp(out + at, o3 + at, s) != 0 &&
				 !(dst >= FLOAT && isnan(load(dst, o3, k * N + i)));
			bad_v += memcmp(out + at, o16 + at, s) != 0 &&
				 !(dst >= FLOAT && isnan(load(dst, o16, k * N + i)));
		}
		CHECK(!bad_v, "convert_%s%s%s vector forms: %d results differ from scalar", names[dst],
		      k >= 5 ? "_sat" : "", sfx[k % 5], bad_v);
	}
}

int test_convert(void)
{
	for (int d = 0; d < NTY; d++) {
		char group[48];

		snprintf(group, sizeof(group), "convert to %s", names[d]);
		h_group(group);
		for (int s = 0; s < NTY; s++)
			test_pair((enum ty)d, (enum ty)s);
	}
	return 0;
}
