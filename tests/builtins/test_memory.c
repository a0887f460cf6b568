// SPDX-License-Identifier: MIT
// Vector loads and stores of every type and width through each address
// space, half loads of all 65536 halves and half stores in every rounding
// mode against an independent reference (a search among all halves), and
// shuffles.
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const types[] = {"char", "uchar", "short", "ushort", "int",
				    "uint", "long", "ulong", "float", "double"};
static const int tsize[] = {1, 1, 2, 2, 4, 4, 8, 8, 4, 8};

static void test_vload_store(void)
{
	h_group("vload/vstore");
	for (int t = 0; t < 10; t++) {
		char name[32];
		void (*fn)(const void *, void *, void *, const void *);
		static unsigned char in[64 * 8], cin[64 * 8], out[5 * 128 * 8], tmp[64 * 8];
		int s = tsize[t];

		for (size_t i = 0; i < sizeof(in); i++) {
			in[i] = (unsigned char)(i * 7 + 3);
			cin[i] = (unsigned char)(i * 5 + 1);
		}
		memset(out, 0xee, sizeof(out));
		snprintf(name, sizeof(name), "t_vls_%s", types[t]);
		fn = (void (*)(const void *, void *, void *, const void *))h_sym(name);
		fn(in, out, tmp, cin);
		for (int w = 0; w < 5; w++) {
			unsigned char *o = out + (size_t)w * 128 * s;

			// Elements 1..48 copied, element 0 and 49.. untouched.
			CHECK(!memcmp(o + s, in + s, 48 * (size_t)s), "%s width %d via private/local",
			      types[t], (int[]){2, 3, 4, 8, 16}[w]);
			CHECK(!memcmp(o + 65 * s, cin + s, 48 * (size_t)s), "%s width %d from constant",
			      types[t], (int[]){2, 3, 4, 8, 16}[w]);
			CHECK(o[0] == 0xee && o[49 * s] == 0xee, "%s width %d wrote outside",
			      types[t], (int[]){2, 3, 4, 8, 16}[w]);
		}
	}
}

// All finite halves and infinity, as doubles, ascending (non-negative).
static double half_value(unsigned h)
{
	unsigned e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) :
		   ldexp(m | 0x400, (int)e - 25);

	return h & 0x8000 ? -v : v;
}

// The half of x rounded by mode (0 rte, 1 rtz, 2 rtp, 3 rtn): bracketing
// among the positive halves by binary search, infinity past the largest.
static unsigned ref_half(double x, int mode)
{
	unsigned neg = signbit(x) ? 0x8000 : 0, lo = 0, hi = 0x7c00, mid;
	double a = fabs(x), vlo, vhi;
	int up;

	if (isnan(x))
		return 0x7e00;
	if (a >= INFINITY)
		return neg | 0x7c00;
	// Largest lo with value(lo) <= a (0x7c00 is infinity, above everything).
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (half_value(mid) <= a)
			lo = mid;
		else
			hi = mid;
	}
	if (half_value(lo) == a)
		return neg | lo;
	hi = lo + 1;
	vlo = half_value(lo);
	vhi = hi == 0x7c00 ? 65536.0 : half_value(hi); // rounding past 65504 goes to infinity
	switch (mode) {
	case 0: up = a - vlo > vhi - a || (a - vlo == vhi - a && (lo & 1)); break;
	case 1: up = 0; break;
	case 2: up = !neg; break;
	default: up = !!neg; break;
	}
	return neg | (up ? hi : lo);
}

static void test_half(void)
{
	enum { NH = 65536, NS = 4800 };
	static uint16_t h[NH];
	static float f[5 * NH];
	static uint16_t o[5 * NS], o2[5 * NS];
	static float xf[NS];
	static double xd[NS];
	void (*ld)(const uint16_t *, float *, int) = h_sym("t_vload_half");
	void (*sf)(const float *, uint16_t *, uint16_t *, int) = h_sym("t_vstore_half_float");
	void (*sd)(const double *, uint16_t *, uint16_t *, int) = h_sym("t_vstore_half_double");
	void (*s3)(uint16_t *) = h_sym("t_vstorea_half3");

	h_group("vload_half");
	for (unsigned i = 0; i < NH; i++)
		h[i] = (uint16_t)i;
	ld(h, f, NH);
	for (unsigned i = 0; i < NH; i++) {
		double want = half_value(i);

		CHECK(h_same_d(f[i], want) && h_same_f(f[i], f[NH + i]) && h_same_f(f[i], f[2 * NH + i]),
		      "vload_half(%#x) = %a, want %a", i, f[i], want);
		if (i < NH / 3 * 3)
			CHECK(h_same_f(f[i], f[4 * NH + i]), "vload_half3 at %u", i);
		// vloada_half3 reads halves 4i .. 4i+2 into elements 3i .. 3i+2.
		if (i % 4 < 3)
			CHECK(h_same_f(f[i], f[3 * NH + i / 4 * 3 + i % 4]), "vloada_half3 at %u", i);
	}

	h_group("vstore_half");
	for (int i = 0; i < NS; i++) {
		double v;

		if (i < 2 * NH / 16)
			v = half_value((unsigned)i * 8 + (h_rand() & 7)) *
			    (1 + ((int)(h_rand() % 3) - 1) * 0x1p-11); // near halves and midpoints
		else if (i % 3 == 0)
			v = h_rand_float_bits();
		else
			v = h_rand_uniform(-70000, 70000) * pow(2, -(double)(h_rand() % 40));
		if (i < 16)
			v = (double[]){0.0, -0.0, 65504, 65519.99, 65520, -65520, 1e9, -1e9, NAN,
				       INFINITY, -INFINITY, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-26,
				       -0x1.0000001p-25}[i];
		xf[i] = (float)v;
		xd[i] = i % 2 ? v : (double)xf[i] + ldexp((double)xf[i], -30);
	}
	for (int src = 0; src < 2; src++) {
		if (src == 0)
			sf(xf, o, o2, NS);
		else
			sd(xd, o, o2, NS);
		for (int k = 0; k < 5; k++) {
			int mode = k == 0 ? 0 : k - 1;

			for (int i = 0; i < NS; i++) {
				double x = src ? xd[i] : xf[i];
				unsigned want = ref_half(x, mode), got = o[k * NS + i];

				if (isnan(x))
					CHECK((got & 0x7c00) == 0x7c00 && (got & 0x3ff), "NaN to half: %#x",
					      got);
				else
					CHECK(got == want, "%s %a to half (mode %d) = %#x, want %#x",
					      src ? "double" : "float", x, mode, got, want);
				CHECK(o2[k * NS + i] == got, "vector vstore_half (mode %d) at %d: %#x",
				      mode, i, o2[k * NS + i]);
			}
		}
	}
	{
		uint16_t a[16];

		memset(a, 0xee, sizeof(a));
		s3(a);
		CHECK(a[4] == 0x3c00 && a[5] == 0x4000 && a[6] == 0x4200 && a[7] == 0xeeee &&
		      a[9] == 0x4400 && a[10] == 0x4500 && a[11] == 0x4600 && a[12] == 0xeeee,
		      "vstorea_half3 steps by 4, vstore_half3 by 3");
	}
}

static void test_shuffle(void)
{
	void (*fn)(const int *, const uint32_t *, int *, double *) = h_sym("t_shuffle");
	int x[16], o[64];
	uint32_t m[16];
	double od[4];

	h_group("shuffle");
	for (int i = 0; i < 16; i++) {
		x[i] = 100 + i;
		m[i] = (uint32_t)(h_rand() & 0xffff);
	}
	fn(x, m, o, od);
	for (int i = 0; i < 4; i++) {
		CHECK(o[i] == x[m[i] % 4], "shuffle(int4)[%d] = %d", i, o[i]);
		CHECK(o[4 + i] == x[m[i] % 8], "shuffle2(int4)[%d] = %d", i, o[4 + i]);
		CHECK(od[i] == x[m[i] % 2], "shuffle(double2)[%d]", i);
	}
	for (int i = 0; i < 8; i++)
		CHECK(o[8 + i] == x[m[i] % 16], "shuffle(int16 -> 8)[%d]", i);
	for (int i = 0; i < 2; i++)
		CHECK(o[16 + i] == x[m[i] % 2], "shuffle(int2)[%d]", i);
	for (int i = 0; i < 16; i++) {
		unsigned k = m[i] % 32;

		CHECK(o[32 + i] == (k < 16 ? x[k] : x[k - 16] + 100), "shuffle2(int16)[%d]", i);
	}
}

int test_memory(void)
{
	test_vload_store();
	test_half();
	test_shuffle();
	return 0;
}
