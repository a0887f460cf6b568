// SPDX-License-Identifier: MIT
// Conversions that need more than a cast, bit-exact: integer and double to
// float (and 64-bit integer to double) with a directed rounding mode, and
// half to and from float and double in every rounding mode. The generated
// convert_* and vload/vstore_half built-ins call these.
#include "builtins.h"

// Rounding modes, as the generator numbers them.
#define RTE 0
#define RTZ 1
#define RTP 2
#define RTN 3

// Neighbours of a float or double; r is finite or infinite, never NaN.
static float f_up(float r)
{
	if (r == 0)
		return as_float(1);
	return as_float(as_int(r) + (r > 0 ? 1 : -1));
}

static float f_down(float r)
{
	if (r == 0)
		return as_float(0x80000001);
	return as_float(as_int(r) + (r > 0 ? -1 : 1));
}

static double d_up(double r)
{
	if (r == 0)
		return as_double(1L);
	return as_double(as_long(r) + (r > 0 ? 1L : -1L));
}

static double d_down(double r)
{
	if (r == 0)
		return as_double((long)0x8000000000000001UL);
	return as_double(as_long(r) + (r > 0 ? -1L : 1L));
}

// r is x rounded to nearest; cmp is the sign of r - x (exact). Moves r one
// step where the mode wants the other side of x.
static float f_adjust(float r, int cmp, int x_neg, int mode)
{
	if (cmp == 0 || mode == RTE)
		return r;
	if (mode == RTZ)
		return (cmp > 0) != x_neg ? (x_neg ? f_up(r) : f_down(r)) : r;
	if (mode == RTP)
		return cmp < 0 ? f_up(r) : r;
	return cmp > 0 ? f_down(r) : r;
}

static double d_adjust(double r, int cmp, int x_neg, int mode)
{
	if (cmp == 0 || mode == RTE)
		return r;
	if (mode == RTZ)
		return (cmp > 0) != x_neg ? (x_neg ? d_up(r) : d_down(r)) : r;
	if (mode == RTP)
		return cmp < 0 ? d_up(r) : r;
	return cmp > 0 ? d_down(r) : r;
}

OVL float __svm_cvt_float(double x, int mode)
{
	float r = (float)x;
	double rd = (double)r;

	if (x != x)
		return r;
	return f_adjust(r, (rd > x) - (rd < x), x < 0, mode);
}

OVL float __svm_cvt_float(int x, int mode)
{
	return __svm_cvt_float((double)x, mode);
}

OVL float __svm_cvt_float(uint x, int mode)
{
	return __svm_cvt_float((double)x, mode);
}

OVL float __svm_cvt_float(long x, int mode)
{
	float r = (float)x;
	int cmp;

	// (long)r is exact below 2^63: r is an integer once x needs rounding.
	if (r >= 0x1p63f) {
		cmp = 1;
	} else {
		long ri = (long)r;

		cmp = (ri > x) - (ri < x);
	}
	return f_adjust(r, cmp, x < 0, mode);
}

OVL float __svm_cvt_float(ulong x, int mode)
{
	float r = (float)x;
	int cmp;

	if (r >= 0x1p64f) {
		cmp = 1;
	} else {
		ulong ri = (ulong)r;

		cmp = (ri > x) - (ri < x);
	}
	return f_adjust(r, cmp, 0, mode);
}

OVL double __svm_cvt_double(long x, int mode)
{
	double r = (double)x;
	int cmp;

	if (r >= 0x1p63) {
		cmp = 1;
	} else {
		long ri = (long)r;

		cmp = (ri > x) - (ri < x);
	}
	return d_adjust(r, cmp, x < 0, mode);
}

OVL double __svm_cvt_double(ulong x, int mode)
{
	double r = (double)x;
	int cmp;

	if (r >= 0x1p64) {
		cmp = 1;
	} else {
		ulong ri = (ulong)r;

		cmp = (ri > x) - (ri < x);
	}
	return d_adjust(r, cmp, 0, mode);
}

// The half helpers are written without branches (selects only), so that
// loops over vload_half / vstore_half vectorise.
OVL float __svm_half2float(ushort h)
{
	uint s = (uint)(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
	// Zero or subnormal: exactly m * 2^-24 (no float denormal involved).
	float sub = (float)m * 0x1p-24f;
	uint normal = s | ((e + 112) << 23) | (m << 13);
	uint special = s | 0x7f800000 | (m << 13);

	sub = s ? -sub : sub;
	return e == 0 ? sub : as_float(e == 0x1f ? special : normal);
}

// The magnitude rounding of a signed mode: 0 nearest even, 1 truncate,
// 2 away from zero.
static int mag_mode(int mode, int neg)
{
	return mode == RTE ? 0 : mode == RTZ ? 1 : mode == RTP ? (neg ? 1 : 2) : (neg ? 2 : 1);
}

// The half bits (no sign) of a finite magnitude mant * 2^(e - frac_bits),
// mant < 2^(frac_bits + 1), rounded by mm. Bits below the half's last
// place (at 2^(max(e, -14) - 10)) are dropped and decide the rounding.
static uint half_bits(ulong mant, int e, int frac_bits, int mm)
{
	int te = e > -14 ? e : -14;
	int d = te - e + frac_bits - 10;
	ulong kept, rem, mid;
	uint up, h;

	d = d > 63 ? 63 : d;
	kept = mant >> d;
	rem = mant & ((1UL << d) - 1);
	mid = 1UL << (d - 1);
	up = mm == 0 ? (rem > mid || (rem == mid && (kept & 1))) : mm == 2 ? rem != 0 : 0;
	// The exponent field te + 15, less the implicit bit that kept carries.
	h = ((uint)(te + 14) << 10) + (uint)kept + up;
	return te > 16 || h >= 0x7c00 ? (mm == 1 ? 0x7bff : 0x7c00) : h;
}

OVL ushort __svm_float2half(float f, int mode)
{
	uint b = as_uint(f), s = (b >> 16) & 0x8000, a = b & 0x7fffffff;
	int normal = a >= 0x800000;
	int e = normal ? (int)(a >> 23) - 127 : -126;
	ulong mant = (a & 0x7fffff) | (normal ? 0x800000 : 0);
	uint h = half_bits(mant, e, 23, mag_mode(mode, s != 0));

	h = a == 0x7f800000 ? 0x7c00 : h;
	h = a > 0x7f800000 ? 0x7e00 | (a >> 13) : h;
	return (ushort)(s | h);
}

OVL ushort __svm_float2half(double f, int mode)
{
	ulong b = as_ulong(f), a = b & 0x7fffffffffffffffUL;
	uint s = (uint)(b >> 48) & 0x8000;
	int normal = a >= 0x10000000000000UL;
	int e = normal ? (int)(a >> 52) - 1023 : -1022;
	ulong mant = (a & 0xfffffffffffffUL) | (normal ? 0x10000000000000UL : 0);
	uint h = half_bits(mant, e, 52, mag_mode(mode, s != 0));

	h = a == 0x7ff0000000000000UL ? 0x7c00 : h;
	h = a > 0x7ff0000000000000UL ? 0x7e00 | (uint)(a >> 42) : h;
	return (ushort)(s | h);
}
