// SPDX-License-Identifier: MIT
// Relational, common and geometric built-ins: relational results are 1/0
// for scalars and -1/0 per element for vectors; geometric functions avoid
// overflow and underflow and treat zero and infinite vectors as specified.
#include "harness.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 480

static double val(const void *p, int i, int is_float)
{
	return is_float ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

static void fill(void *p, int i, int is_float, double v)
{
	if (is_float)
		((float *)p)[i] = (float)v;
	else
		((double *)p)[i] = v;
}

static void test_relational(int is_float)
{
	static char x[N * 8], y[N * 8];
	static int o[28 * N];
	static const double sp[] = {0.0, -0.0, 1, -1, INFINITY, -INFINITY, NAN, 1e-40, 1e-310,
				    DBL_MIN, FLT_MIN, 3};
	void (*fn)(const void *, const void *, int *, int) =
		h_sym(is_float ? "t_rel_float" : "t_rel_double");

	h_group(is_float ? "relational float" : "relational double");
	for (int i = 0; i < N; i++) {
		int ns = (int)(sizeof(sp) / sizeof(sp[0]));

		fill(x, i, is_float, i < ns * ns ? sp[i % ns] : h_rand_uniform(-2, 2));
		fill(y, i, is_float, i < ns * ns ? sp[i / ns] : i % 7 ? h_rand_uniform(-2, 2) :
			  val(x, i, is_float));
	}
	fn(x, y, o, N);
	for (int i = 0; i < N; i++) {
		double a = val(x, i, is_float), b = val(y, i, is_float);
		int want[14] = {a == b, a != b, a > b, a >= b, a < b, a <= b, a < b || a > b,
				!isnan(a) && !isnan(b), isnan(a) || isnan(b), isfinite(a) != 0,
				isinf(a) != 0, isnan(a) != 0, 0, signbit(a) != 0};

		want[12] = is_float ? isnormal((float)a) != 0 : isnormal(a) != 0;
		for (int k = 0; k < 14; k++) {
			CHECK(o[k * N + i] == want[k], "relational %d (%a, %a) = %d, want %d", k, a,
			      b, o[k * N + i], want[k]);
			CHECK(o[(14 + k) * N + i] == -want[k], "vector relational %d (%a, %a) = %d",
			      k, a, b, o[(14 + k) * N + i]);
		}
	}
}

static void test_common_fns(int is_float)
{
	static char x[N * 8], y[N * 8], z[N * 8], o[18 * N * 8];
	void (*fn)(const void *, const void *, const void *, void *, int) =
		h_sym(is_float ? "t_common_float" : "t_common_double");

	h_group(is_float ? "common float" : "common double");
	for (int i = 0; i < N; i++) {
		fill(x, i, is_float, i < 8 ? (double[]){0.0, -0.0, NAN, 1, -1, 0.5, 2, -3}[i] :
			  h_rand_uniform(-10, 10));
		fill(y, i, is_float, h_rand_uniform(-10, 10));
		fill(z, i, is_float, h_rand_uniform(-10, 10));
	}
	fn(x, y, z, o, N);
	for (int i = 0; i < N; i++) {
		double a = val(x, i, is_float), b = val(y, i, is_float), c = val(z, i, is_float);
		double lo = fmin(b, c), hi = fmax(b, c), t, want;
#define OUT(k) val(o, (k) * N + i, is_float)

		CHECK(h_same_d(OUT(0), fmin(fmax(a, lo), hi)), "clamp(%a)", a);
		if (!isnan(a)) {
			CHECK(h_ulp_err(a * (180 / 3.14159265358979323846264338327950288L),
					OUT(1), is_float) <= 2, "degrees(%a)", a);
			CHECK(h_ulp_err(a * (3.14159265358979323846264338327950288L / 180),
					OUT(2), is_float) <= 2, "radians(%a)", a);
			CHECK(OUT(3) == fmax(a, b) && OUT(4) == fmin(a, b),
			      "max/min(%a, %a)", a, b);
			want = is_float ? (double)((float)a + ((float)b - (float)a) * (float)c) :
					  a + (b - a) * c;
			CHECK(h_same_d(OUT(5), want), "mix(%a, %a, %a)", a, b, c);
			CHECK(OUT(6) == (a < b ? 0.0 : 1.0), "step(%a, %a)", b, a);
			if (lo < hi) {
				t = fmin(fmax((a - lo) / (hi - lo), 0), 1);
				want = t * t * (3 - 2 * t);
				CHECK(fabs(OUT(7) - want) < 1e-5, "smoothstep(%a)", a);
			}
		}
		want = a > 0 ? 1 : a < 0 ? -1 : isnan(a) ? 0 : a;
		CHECK(h_same_d(OUT(8), want), "sign(%a) = %a", a, OUT(8));
		for (int k = 0; k < 9; k++)
			CHECK(h_same_d(OUT(k), OUT(9 + k)),
			      "16-vector common function %d differs at %d", k, i);
	}
#undef OUT
}

static void test_geometric(int is_float)
{
	enum { M = 64 };
	static char x[M * 4 * 8], y[M * 4 * 8], o[24 * M * 4 * 8];
	void (*fn)(const void *, const void *, void *, int) =
		h_sym(is_float ? "t_geom_float" : "t_geom_double");
	double big = is_float ? 1e30 : 1e200, tiny = is_float ? 1e-30 : 1e-300;
	int n = M * 4;

	h_group(is_float ? "geometric float" : "geometric double");
	for (int i = 0; i < n; i++) {
		fill(x, i, is_float, h_rand_uniform(-5, 5));
		fill(y, i, is_float, h_rand_uniform(-5, 5));
	}
	// Vectors 0..3: huge, tiny, zero, with infinities.
	for (int j = 0; j < 4; j++) {
		fill(x, j, is_float, j < 2 ? big : 0);
		fill(x, 4 + j, is_float, j < 2 ? tiny : 0);
		fill(x, 8 + j, is_float, j == 1 ? -0.0 : 0);
		fill(x, 12 + j, is_float, j == 0 ? -INFINITY : j == 1 ? INFINITY : 2);
		// Vectors 4 and 5: subnormal, all four elements and only the first
		// (scaling such a vector up to 1 needs a factor above DBL_MAX).
		fill(x, 16 + j, is_float, is_float ? 0x1.8p-140 : 0x1.8p-1060);
		fill(x, 20 + j, is_float, j ? 0 : is_float ? -0x1.2345p-135 : -0x0.28c0ce4bada6p-1022);
	}
	fn(x, y, o, n);
#define G(k) val(o, k, is_float)
	for (int v = 0; v < M; v++) {
		long double p[4], q[4], dot = 0, len = 0, dist = 0, len3, want, c[3];
		long double eps = is_float ? FLT_EPSILON : DBL_EPSILON;

		for (int j = 0; j < 4; j++) {
			p[j] = val(x, 4 * v + j, is_float);
			q[j] = val(y, 4 * v + j, is_float);
			dot += p[j] * q[j];
			len += p[j] * p[j];
			dist += (p[j] - q[j]) * (p[j] - q[j]);
		}
		len3 = len - p[3] * p[3];
		if (v != 3) {
			CHECK(h_ulp_err(sqrtl(len), G(8 * v + 1), is_float) <= 4.5,
			      "length(vector %d) = %a, want %La", v, G(8 * v + 1), sqrtl(len));
			CHECK(h_ulp_err(sqrtl(dist), G(8 * v + 2), is_float) <= 13.5,
			      "distance(vector %d)", v);
			CHECK(h_ulp_err(sqrtl(len3), G(8 * v + 3), is_float) <= 3.5,
			      "length(vector %d .xyz)", v);
		} else {
			CHECK(isinf(G(8 * v + 1)) && isinf(G(8 * v + 3)), "length with infinity");
		}
		if (v >= 4) {
			// Tolerances of the specification: max * max * (2n - 1) * eps.
			CHECK(fabsl(G(8 * v) - dot) <= 25 * 7 * eps, "dot(vector %d)", v);
			CHECK(fabsl(G(8 * v + 5) - p[0] * q[0] - p[1] * q[1]) <= 25 * 3 * eps,
			      "dot(vector %d .xy)", v);
			CHECK(G(8 * v + 4) == fabsl(p[0]), "length(scalar)");
		}
		for (int j = 0; j < 4; j++) {
			double got = G(8 * n + 4 * v + j);

			if (v == 2) {
				CHECK(h_same_d(got, (double)p[j]), "normalize(0)[%d]", j);
				continue;
			}
			want = v == 3 ? (j < 2 ? copysignl(0.70710678118654752440L, p[j]) : 0) :
					p[j] / sqrtl(len);
			CHECK(h_ulp_err(want, got, is_float) <= 6.5 || fabsl(want - got) < 1e-300,
			      "normalize(vector %d)[%d] = %a, want %La", v, j, got, want);
			if (j == 3 || v == 3)
				continue;
			want = p[j] / sqrtl(len3);
			got = G(20 * n + 4 * v + j);
			CHECK(h_ulp_err(want, got, is_float) <= 5.5 || fabsl(want - got) < 1e-300,
			      "normalize(vector %d .xyz)[%d] = %a, want %La", v, j, got, want);
		}
		if (v < 4)
			continue;
		c[0] = p[1] * q[2] - p[2] * q[1];
		c[1] = p[2] * q[0] - p[0] * q[2];
		c[2] = p[0] * q[1] - p[1] * q[0];
		for (int j = 0; j < 3; j++)
			CHECK(fabsl(G(12 * n + 4 * v + j) - c[j]) < 25 * 3 * eps &&
			      G(16 * n + 4 * v + j) == G(12 * n + 4 * v + j),
			      "cross(vector %d)[%d]", v, j);
		CHECK(G(12 * n + 4 * v + 3) == 0, "cross(4)[3]");
	}
#undef G
}

static void test_select(void)
{
	void (*fn)(const int *, const int *, const int *, int *, const double *, const double *,
		   const int64_t *, double *) = h_sym("t_select");
	int a[16] = {1, 2, 3, 4}, b[16] = {10, 20, 30, 40}, c[16] = {-1, 0, 0x7fffffff, INT32_MIN};
	double da[4] = {1, 2, 3, 4}, db[4] = {10, 20, 30, 40}, od[8];
	int64_t dc[4] = {-1, 0, INT64_MAX, INT64_MIN};
	int o[20];

	h_group("select, bitselect, any, all");
	fn(a, b, c, o, da, db, dc, od);
	for (int i = 0; i < 4; i++) {
		int want = c[i] < 0 ? b[i] : a[i];

		CHECK(o[i] == want && o[4 + i] == want, "select(%d) = %d, %d", i, o[i], o[4 + i]);
		CHECK(o[8 + i] == ((a[i] & ~c[i]) | (b[i] & c[i])), "bitselect(%d)", i);
		CHECK(od[i] == (dc[i] < 0 ? db[i] : da[i]), "select(double %d)", i);
	}
	CHECK(o[12] == b[0] && o[13] == a[0], "scalar select: %d %d", o[12], o[13]);
	CHECK(o[14] == 1 && o[15] == 0 && o[16] == 1 && o[17] == 0, "any/all: %d %d %d %d", o[14],
	      o[15], o[16], o[17]);
	CHECK(o[18] == 1 && o[19] == 0, "any(char16) %d all(long3) %d", o[18], o[19]);
	CHECK(od[4] == 10 && od[5] == 2, "bitselect(double)");
}

static void test_fast_geometric(void)
{
	void (*fn)(const float *, float *, int) = h_sym("t_fast_geom");
	static float x[64], o[6 * 64 + 64];

	h_group("fast_ geometric");
	for (int i = 0; i < 64; i++)
		x[i] = i < 4 ? 0 : (float)h_rand_uniform(-100, 100);
	fn(x, o, 64);
	for (int v = 0; v < 16; v++) {
		double len = 0;

		for (int j = 0; j < 4; j++)
			len += (double)x[4 * v + j] * x[4 * v + j];
		len = sqrt(len);
		CHECK(h_ulp_err(len, o[6 * v], 1) <= 8192 && h_ulp_err(len, o[6 * v + 1], 1) <= 8192,
		      "fast_length(%d)", v);
		for (int j = 0; j < 4; j++)
			CHECK(v == 0 ? o[6 * 64 + j] == 0 :
			      h_ulp_err(x[4 * v + j] / len, o[6 * 64 + 4 * v + j], 1) <= 8192,
			      "fast_normalize(%d)[%d]", v, j);
	}
}

int test_common(void)
{
	for (int f = 1; f >= 0; f--) {
		test_relational(f);
		test_common_fns(f);
		test_geometric(f);
	}
	test_select();
	test_fast_geometric();
	return 0;
}
