// SPDX-License-Identifier: MIT
// Math built-ins against the C library at higher precision (double for the
// float functions, x87 long double for the double ones), within OpenCL's
// ulp bounds, on special values, random bit patterns and uniform ranges;
// the vector variants must give exactly the scalar results; plus the edge
// cases the specification spells out for the functions written here.
#include "harness.h"
#include "lists.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N TEST_N
#define PI_L 3.141592653589793238462643383279502884L

// References: x is exact (a float or double); f selects the float case.
// sinpi and friends reduce exactly first, so integers give exact zeros.
static long double sinpi_l(long double x)
{
	long double r = fmodl(fabsl(x), 2), v;
	int neg = x < 0;

	if (isinf(x) || isnan(x))
		return NAN;
	if (r >= 1) {
		r -= 1;
		neg = !neg;
	}
	if (r > 0.5L)
		r = 1 - r;
	v = r <= 0.25L ? sinl(PI_L * r) : cosl(PI_L * (0.5L - r));
	return neg ? -v : v;
}

static long double cospi_l(long double x)
{
	long double r = fmodl(fabsl(x), 2);

	if (isinf(x) || isnan(x))
		return NAN;
	if (r > 1)
		r = 2 - r;
	if (r > 0.5L)
		return -(r >= 0.75L ? cosl(PI_L * (1 - r)) : sinl(PI_L * (r - 0.5L)));
	return r <= 0.25L ? cosl(PI_L * r) : sinl(PI_L * (0.5L - r));
}

static long double tanpi_l(long double x)
{
	long double r = fmodl(fabsl(x), 1);
	long double v;

	if (isinf(x) || isnan(x))
		return NAN;
	if (r == 0.5L) // +inf after an even integer, -inf after an odd one
		return fmodl(floorl(x), 2) == 0 ? INFINITY : -INFINITY;
	else if (r > 0.5L)
		v = -(r >= 0.75L ? tanl(PI_L * (1 - r)) : 1 / tanl(PI_L * (r - 0.5L)));
	else
		v = r <= 0.25L ? tanl(PI_L * r) : 1 / tanl(PI_L * (0.5L - r));
	return x < 0 ? -v : v;
}

#define REF1(name, expr_f, expr_d)                                              \
	static long double ref_##name(long double x, int f)                     \
	{                                                                       \
		return f ? (long double)(expr_f) : (expr_d);                    \
	}
#define LIBM1(name) REF1(name, name((double)x), name##l(x))
LIBM1(acos) LIBM1(acosh) LIBM1(asin) LIBM1(asinh) LIBM1(atan) LIBM1(atanh)
LIBM1(cbrt) LIBM1(ceil) LIBM1(cos) LIBM1(cosh) LIBM1(erf) LIBM1(erfc) LIBM1(exp)
LIBM1(exp2) LIBM1(exp10) LIBM1(expm1) LIBM1(fabs) LIBM1(floor) LIBM1(lgamma)
LIBM1(log) LIBM1(log10) LIBM1(log1p) LIBM1(log2) LIBM1(logb) LIBM1(rint)
LIBM1(round) LIBM1(sin) LIBM1(sinh) LIBM1(sqrt) LIBM1(tan) LIBM1(tanh)
LIBM1(tgamma) LIBM1(trunc)
REF1(acospi, acos((double)x) / M_PI, acosl(x) / PI_L)
REF1(asinpi, asin((double)x) / M_PI, asinl(x) / PI_L)
REF1(atanpi, atan((double)x) / M_PI, atanl(x) / PI_L)
REF1(cospi, cospi_l(x), cospi_l(x))
REF1(sinpi, sinpi_l(x), sinpi_l(x))
REF1(tanpi, tanpi_l(x), tanpi_l(x))
REF1(rsqrt, 1 / sqrt((double)x), 1 / sqrtl(x))

#define REF2(name, expr_f, expr_d)                                              \
	static long double ref_##name(long double x, long double y, int f)      \
	{                                                                       \
		return f ? (long double)(expr_f) : (expr_d);                    \
	}
#define LIBM2(name) REF2(name, name((double)x, (double)y), name##l(x, y))
LIBM2(atan2) LIBM2(copysign) LIBM2(fdim) LIBM2(fmax) LIBM2(fmin) LIBM2(fmod)
LIBM2(hypot) LIBM2(pow) LIBM2(remainder)
REF2(atan2pi, atan2((double)x, (double)y) / M_PI, atan2l(x, y) / PI_L)
REF2(nextafter, nextafterf((float)x, (float)y), nextafter((double)x, (double)y))

static long double ref_maxmag(long double x, long double y, int f)
{
	(void)f;
	return fabsl(x) > fabsl(y) ? x : fabsl(y) > fabsl(x) ? y : fmaxl(x, y);
}

static long double ref_minmag(long double x, long double y, int f)
{
	(void)f;
	return fabsl(x) < fabsl(y) ? x : fabsl(y) < fabsl(x) ? y : fminl(x, y);
}

static long double ref_powr(long double x, long double y, int f)
{
	if (x < 0 || isnan(x) || isnan(y) || (x == 0 && y == 0) || (isinf(x) && y == 0) ||
	    (x == 1 && isinf(y)))
		return NAN;
	return f ? pow((double)fabsl(x), (double)y) : powl(fabsl(x), y);
}

static long double ref_pown(long double x, int n, int f)
{
	return f ? pow((double)x, n) : powl(x, n);
}

static long double ref_rootn(long double x, int n, int f)
{
	long double r;

	(void)f;
	if (n == 0 || isnan(x) || (x < 0 && !(n & 1)))
		return NAN;
	r = powl(fabsl(x), 1.0L / n);
	return signbit(x) ? -r : r;
}

static long double ref_ldexp(long double x, int n, int f)
{
	return f ? ldexpf((float)x, n) : ldexp((double)x, n);
}

struct fn1 {
	const char *name;
	int ulp_f, ulp_d;
	long double (*ref)(long double, int);
};
struct fn2 {
	const char *name;
	int ulp_f, ulp_d;
	long double (*ref)(long double, long double, int);
};
struct fni {
	const char *name;
	int ulp_f, ulp_d;
	long double (*ref)(long double, int, int);
};
#define X(n, uf, ud) {#n, uf, ud, ref_##n},
static const struct fn1 unary[] = {MATH_UNARY(X)};
static const struct fn2 binary[] = {MATH_BINARY(X)};
static const struct fni intarg[] = {MATH_INTARG(X)};
#undef X
#define NUNARY (int)(sizeof(unary) / sizeof(unary[0]))
#define NBINARY (int)(sizeof(binary) / sizeof(binary[0]))

static const double specials[] = {
	0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1.5, -1.5, 0.25, -0.25, 0.75, 3.0, -3.0,
	10.0, 100.0, -100.0, 1e10, -1e10, 1e-10, 1e30, -1e30, 1e-30, 88.7, 89.0, -103.0,
	709.0, 710.0, -745.0, 0.999999, 1.000001, 1e-45, 1e-310, FLT_MIN, DBL_MIN,
	FLT_MAX, DBL_MAX, 0x1p-149, 0x1p-1074, 0x1p63, 0x1p64, INFINITY, -INFINITY, NAN,
	6.5, -7.5, 1e15, -1e15, 4503599627370497.0,
};
#define NSPECIAL (int)(sizeof(specials) / sizeof(specials[0]))

// Inputs: special values, random bit patterns, then uniform in growing ranges.
static double input(int i, int is_float, int stream)
{
	static const double range[] = {1, 4, 40, 1000};

	if (i < NSPECIAL && stream == 0)
		return is_float ? (double)(float)specials[i] : specials[i];
	if (i % 3 == 0)
		return is_float ? (double)h_rand_float_bits() : h_rand_double_bits();
	double v = h_rand_uniform(-range[i % 4], range[i % 4]);

	return is_float ? (double)(float)v : v;
}

typedef void (*unary_fn)(const void *, void *, int);
typedef void (*binary_fn)(const void *, const void *, void *, int);
typedef void (*other_fn)(const void *, const void *, const void *, const int *, void *, int *,
			 int);

// Value i of an array of floats (is_float) or doubles.
static double get(const void *a, int i, int is_float)
{
	return is_float ? (double)((const float *)a)[i] : ((const double *)a)[i];
}

static int same(const void *a, const void *b, int i, int is_float)
{
	return is_float ? h_same_f(((const float *)a)[i], ((const float *)b)[i]) :
			  h_same_d(((const double *)a)[i], ((const double *)b)[i]);
}

// The largest error seen per function and type (SVMGPU_TEST_ULPS=1 prints them).
static struct {
	const char *name;
	int is_float, bound;
	double max;
} worst[128];

static void note_worst(const char *name, int is_float, int bound, double err)
{
	int i;

	for (i = 0; i < 128 && worst[i].name; i++)
		if (worst[i].is_float == is_float && !strcmp(worst[i].name, name))
			break;
	if (i == 128)
		return;
	worst[i].name = name;
	worst[i].is_float = is_float;
	worst[i].bound = bound;
	if (isfinite(err) && err > worst[i].max)
		worst[i].max = err;
}

static void print_worst(void)
{
	if (!getenv("SVMGPU_TEST_ULPS"))
		return;
	for (int i = 0; i < 128 && worst[i].name; i++)
		printf("%-7s %-12s max %.3f ulp (bound %d)\n", worst[i].is_float ? "float" : "double",
		       worst[i].name, worst[i].max, worst[i].bound);
}

static void check_ulps(const char *name, int bound, long double ref, double got, int is_float,
		       double x, double y)
{
	double err = h_ulp_err(ref, got, is_float);

	note_worst(name, is_float, bound, err);

	if (bound < 0) {
		CHECK(isnan(ref) == isnan(got), "%s(%a, %a) = %a, want %La", name, x, y, got, ref);
		return;
	}
	CHECK(err <= (bound > 0 ? bound : 0.5), "%s%s(%a, %a) = %a, want %La (%.1f ulp)",
	      is_float ? "float " : "double ", name, x, y, got, ref, err);
}

// The vector forms must reproduce the scalar results exactly.
static void check_vectors(const char *what, const void *scalar, const void *v3,
			  const void *v16, int count, int is_float)
{
	int bad3 = 0, bad16 = 0;

	for (int i = 0; i < count; i++) {
		bad3 += !same(scalar, v3, i, is_float);
		bad16 += !same(scalar, v16, i, is_float);
	}
	CHECK(!bad3 && !bad16, "%s: %d 3-vector and %d 16-vector results differ from scalar",
	      what, bad3, bad16);
}

static void test_type(int is_float)
{
	const char *t = is_float ? "float" : "double";
	size_t es = is_float ? 4 : 8;
	char name[64];
	void *x = malloc(N * es), *y = malloc(N * es), *z = malloc(N * es);
	int *e = malloc(N * sizeof(int)), *io[3];
	void *out[3];
	int nout = NUNARY > NBINARY + 2 ? NUNARY : NBINARY + 2;

	for (int k = 0; k < 3; k++) {
		out[k] = calloc((size_t)(nout + 20) * N, es);
		io[k] = calloc(4 * N, sizeof(int));
	}
	for (int i = 0; i < N; i++) {
		double a = input(i, is_float, 0), b = input(i, is_float, 1), c = input(i, is_float, 1);

		if (is_float) {
			((float *)x)[i] = (float)a;
			((float *)y)[i] = (float)b;
			((float *)z)[i] = (float)c;
		} else {
			((double *)x)[i] = a;
			((double *)y)[i] = b;
			((double *)z)[i] = c;
		}
		e[i] = (int)(h_rand() % 41) - 20;
	}
	e[0] = 3;

	h_group(is_float ? "math unary float" : "math unary double");
	snprintf(name, sizeof(name), "t_unary_%s", t);
	((unary_fn)h_sym(name))(x, out[0], N);
	snprintf(name, sizeof(name), "t_unary_v3_%s", t);
	((unary_fn)h_sym(name))(x, out[1], N);
	snprintf(name, sizeof(name), "t_unary_v16_%s", t);
	((unary_fn)h_sym(name))(x, out[2], N);
	check_vectors("unary", out[0], out[1], out[2], NUNARY * N, is_float);
	for (int k = 0; k < NUNARY; k++) {
		for (int i = 0; i < N; i++) {
			double a = get(x, i, is_float);

			check_ulps(unary[k].name, is_float ? unary[k].ulp_f : unary[k].ulp_d,
				   unary[k].ref(a, is_float), get(out[0], k * N + i, is_float),
				   is_float, a, 0);
		}
	}

	h_group(is_float ? "math binary float" : "math binary double");
	snprintf(name, sizeof(name), "t_binary_%s", t);
	((binary_fn)h_sym(name))(x, y, out[0], N);
	snprintf(name, sizeof(name), "t_binary_v3_%s", t);
	((binary_fn)h_sym(name))(x, y, out[1], N);
	snprintf(name, sizeof(name), "t_binary_v16_%s", t);
	((binary_fn)h_sym(name))(x, y, out[2], N);
	check_vectors("binary", out[0], out[1], out[2], (NBINARY + 2) * N, is_float);
	for (int k = 0; k < NBINARY; k++) {
		for (int i = 0; i < N; i++) {
			double a = get(x, i, is_float), b = get(y, i, is_float);

			check_ulps(binary[k].name, is_float ? binary[k].ulp_f : binary[k].ulp_d,
				   binary[k].ref(a, b, is_float), get(out[0], k * N + i, is_float),
				   is_float, a, b);
		}
	}
	for (int i = 0; i < N; i++) {
		double a = get(x, i, is_float), b = get(y, 0, is_float);

		check_ulps("fmax(v, s)", 0, fmaxl(a, b), get(out[0], NBINARY * N + i, is_float),
			   is_float, a, b);
		check_ulps("fmin(v, s)", 0, fminl(a, b), get(out[0], (NBINARY + 1) * N + i, is_float),
			   is_float, a, b);
	}

	h_group(is_float ? "math other float" : "math other double");
	snprintf(name, sizeof(name), "t_other_%s", t);
	((other_fn)h_sym(name))(x, y, z, e, out[0], io[0], N);
	snprintf(name, sizeof(name), "t_other_v3_%s", t);
	((other_fn)h_sym(name))(x, y, z, e, out[1], io[1], N);
	snprintf(name, sizeof(name), "t_other_v16_%s", t);
	((other_fn)h_sym(name))(x, y, z, e, out[2], io[2], N);
	check_vectors("other", out[0], out[1], out[2], 16 * N, is_float);
	CHECK(!memcmp(io[0], io[1], 4 * N * sizeof(int)) &&
	      !memcmp(io[0], io[2], 4 * N * sizeof(int)),
	      "int results of the vector forms differ from scalar");
	for (int i = 0; i < N; i++) {
		double a = get(x, i, is_float), b = get(y, i, is_float), c = get(z, i, is_float);
		int q;
		double r;

		// fma: the exact a*b+c rounded once (long double holds a*b exactly for floats).
		if (is_float)
			check_ulps("fma", 0, (long double)fmaf((float)a, (float)b, (float)c),
				   get(out[0], i, 1), 1, a, b);
		else
			check_ulps("fma", 0, (long double)fma(a, b, c), get(out[0], i, 0), 0, a, b);
		for (int k = 0; k < 3; k++)
			check_ulps(intarg[k].name, is_float ? intarg[k].ulp_f : intarg[k].ulp_d,
				   intarg[k].ref(a, e[i], is_float),
				   get(out[0], (2 + k) * N + i, is_float), is_float, a, e[i]);
		check_ulps("ldexp(v, s)", 0, ref_ldexp(a, e[0], is_float),
			   get(out[0], 5 * N + i, is_float), is_float, a, e[0]);
		CHECK(io[0][i] == (isnan(a) ? INT_MAX : isinf(a) ? INT_MAX : a == 0 ? INT_MIN :
				   ilogb(a)), "ilogb(%a) = %d", a, io[0][i]);
		// fract: fmin(x - floor(x), 0x1.fffffep-1f) and floor(x).
		r = is_float ? (double)fminf((float)a - floorf((float)a), 0x1.fffffep-1f) :
			       fmin(a - floor(a), 0x1.fffffffffffffp-1);
		if (isinf(a))
			r = copysign(0, a);
		if (a == 0 || isnan(a))
			r = a;
		CHECK(h_same_d(get(out[0], 6 * N + i, is_float), r) &&
		      h_same_d(get(out[0], 7 * N + i, is_float), floor(a)),
		      "fract(%a) = %a, %a", a, get(out[0], 6 * N + i, is_float),
		      get(out[0], 7 * N + i, is_float));
		{
			double ip, m = modf(a, &ip);

			CHECK(h_same_d(get(out[0], 8 * N + i, is_float), m) &&
			      h_same_d(get(out[0], 9 * N + i, is_float), ip), "modf(%a)", a);
		}
		check_ulps("sincos.sin", 4, ref_sin(a, is_float), get(out[0], 10 * N + i, is_float),
			   is_float, a, 0);
		check_ulps("sincos.cos", 4, ref_cos(a, is_float), get(out[0], 11 * N + i, is_float),
			   is_float, a, 0);
		{
			double m = frexp(a, &q);

			CHECK(h_same_d(get(out[0], 12 * N + i, is_float), m) &&
			      (isinf(a) || isnan(a) || io[0][N + i] == q), "frexp(%a)", a);
		}
		if (!isnan(a) && !(a <= 0 && a == floor(a))) {
			int sg;

			lgamma_r(a, &sg);
			CHECK(io[0][2 * N + i] == sg, "lgamma_r(%a) sign %d, want %d", a,
			      io[0][2 * N + i], sg);
		}
		// remquo: the remainder exactly, the quotient's low 7 bits and sign.
		r = is_float ? (double)remainderf((float)a, (float)b) : remainder(a, b);
		CHECK(h_same_d(get(out[0], 14 * N + i, is_float), r), "remquo(%a, %a) = %a, want %a",
		      a, b, get(out[0], 14 * N + i, is_float), r);
		if (isfinite(a) && isfinite(b) && b != 0 && fabs(a / b) < 0x1p30) {
			long double qq = nearbyintl((long double)a / b);
			int want = (int)((long long)fabsl(qq) & 127);

			want = signbit(a) != signbit(b) ? -want : want;
			CHECK(io[0][3 * N + i] == want, "remquo(%a, %a) quotient %d, want %d", a, b,
			      io[0][3 * N + i], want);
		}
	}
	free(x);
	free(y);
	free(z);
	free(e);
	for (int k = 0; k < 3; k++) {
		free(out[k]);
		free(io[k]);
	}
}

// Edge cases of the specification for the functions written here (not
// thin wrappers of the C library), compared bit for bit.
struct edge {
	const char *fn;
	double x, y, want;
};

static const struct edge edges[] = {
	{"sinpi", 0.0, 0, 0.0}, {"sinpi", -0.0, 0, -0.0}, {"sinpi", 1, 0, 0.0},
	{"sinpi", -1, 0, -0.0}, {"sinpi", 2, 0, 0.0}, {"sinpi", -2, 0, -0.0},
	{"sinpi", 0.5, 0, 1}, {"sinpi", -0.5, 0, -1}, {"sinpi", 1.5, 0, -1},
	{"sinpi", 1e30, 0, 0.0}, {"sinpi", -1e30, 0, -0.0}, {"sinpi", INFINITY, 0, NAN},
	{"cospi", 0.0, 0, 1}, {"cospi", -0.0, 0, 1}, {"cospi", 0.5, 0, 0.0},
	{"cospi", -0.5, 0, 0.0}, {"cospi", 1.5, 0, 0.0}, {"cospi", 1, 0, -1}, {"cospi", 2, 0, 1},
	{"cospi", -INFINITY, 0, NAN}, {"tanpi", 0.0, 0, 0.0}, {"tanpi", -0.0, 0, -0.0},
	{"tanpi", 1, 0, -0.0}, {"tanpi", -1, 0, 0.0}, {"tanpi", 2, 0, 0.0},
	{"tanpi", 0.5, 0, INFINITY}, {"tanpi", 1.5, 0, -INFINITY}, {"tanpi", -0.5, 0, -INFINITY},
	{"tanpi", 0.25, 0, 1}, {"tanpi", -0.25, 0, -1}, {"tanpi", INFINITY, 0, NAN},
	{"asinpi", 1, 0, 0.5}, {"acospi", -1, 0, 1}, {"atanpi", INFINITY, 0, 0.5},
	{"atan2pi", 0.0, -0.0, 1}, {"atan2pi", -0.0, -0.0, -1}, {"atan2pi", 0.0, 0.0, 0.0},
	{"atan2pi", -0.0, 0.0, -0.0}, {"atan2pi", INFINITY, -INFINITY, 0.75},
	{"atan2pi", -INFINITY, INFINITY, -0.25}, {"atan2pi", 1, 0, 0.5},
	{"rootn", 8, 3, 2}, {"rootn", -8, 3, -2}, {"rootn", -8, 2, NAN},
	{"rootn", 0.0, -3, INFINITY},
	{"rootn", -0.0, -3, -INFINITY}, {"rootn", -0.0, 3, -0.0}, {"rootn", -0.0, 2, 0.0},
	{"rootn", 0.0, -2, INFINITY}, {"rootn", 5, 0, NAN}, {"rootn", INFINITY, 2, INFINITY},
	{"rootn", -INFINITY, 3, -INFINITY}, {"rootn", INFINITY, -2, 0.0}, {"rootn", 32, 5, 2},
	{"rootn", 1, 7, 1}, {"pown", 0.0, 0, 1}, {"pown", NAN, 0, 1}, {"pown", -0.0, -3, -INFINITY},
	{"pown", -2, 3, -8}, {"pown", 2, -2, 0.25}, {"powr", -1, 2, NAN}, {"powr", 0.0, 0.0, NAN},
	{"powr", INFINITY, 0.0, NAN}, {"powr", 1, INFINITY, NAN}, {"powr", 0.0, -1, INFINITY},
	{"powr", -0.0, -3, INFINITY}, {"powr", 2, 3, 8}, {"powr", 1, 5, 1}, {"powr", 0.0, 2, 0.0},
	{"fdim", NAN, 1, NAN}, {"fdim", 1, 2, 0.0}, {"fdim", 3, 1, 2},
	{"maxmag", 1, -2, -2}, {"maxmag", -2, 2, 2}, {"minmag", 1, -2, 1}, {"minmag", -2, 2, -2},
	{"rsqrt", 4, 0, 0.5}, {"rsqrt", 0.0, 0, INFINITY}, {"rsqrt", -0.0, 0, -INFINITY},
	{"rsqrt", INFINITY, 0, 0.0},
};

typedef float (*f1)(float);
typedef float (*f2)(float, float);
typedef double (*d1)(double);
typedef double (*d2)(double, double);

static void test_edges(void)
{
	void (*uf)(const float *, float *, int) = h_sym("t_unary_float");
	void (*ud)(const double *, double *, int) = h_sym("t_unary_double");
	void (*bf)(const float *, const float *, float *, int) = h_sym("t_binary_float");
	void (*bd)(const double *, const double *, double *, int) = h_sym("t_binary_double");
	other_fn of = (other_fn)h_sym("t_other_float"), od = (other_fn)h_sym("t_other_double");
	static float fo[64 * 4], fx[4], fy[4], fz[4];
	static double dd[64 * 4], dx[4], dy[4], dz[4];
	static int io[16];

	h_group("math edge cases");
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const struct edge *c = &edges[i];
		int k, kind = 0, ex[4] = {(int)c->y, 0, 0, 0};
		float gf;
		double gd;

		for (k = 0; k < NUNARY && strcmp(unary[k].name, c->fn); k++)
			;
		if (k == NUNARY) {
			kind = 1;
			for (k = 0; k < NBINARY && strcmp(binary[k].name, c->fn); k++)
				;
		}
		if (kind == 1 && k == NBINARY)
			kind = 2, k = !strcmp(c->fn, "pown") ? 2 : 3;
		fx[0] = (float)c->x;
		fy[0] = (float)c->y;
		dx[0] = c->x;
		dy[0] = c->y;
		if (kind == 0) {
			uf(fx, fo, 1);
			ud(dx, dd, 1);
		} else if (kind == 1) {
			bf(fx, fy, fo, 1);
			bd(dx, dy, dd, 1);
		} else {
			of(fx, fy, fz, ex, fo, io, 1);
			od(dx, dy, dz, ex, dd, io, 1);
		}
		gf = fo[k];
		gd = dd[k];
		CHECK(h_same_f(gf, (float)c->want), "float %s(%a, %a) = %a, want %a", c->fn, c->x,
		      c->y, gf, c->want);
		CHECK(h_same_d(gd, c->want), "double %s(%a, %a) = %a, want %a", c->fn, c->x, c->y,
		      gd, c->want);
	}
	// remquo keeps seven bits of the quotient, fract and modf their edges.
	{
		float x[4] = {1000, -10, 5, 7}, y[4] = {3, 3, 2, 2}, z[4] = {0};
		int e[4] = {0}, iq[16];
		static float o[16 * 4];
		static const int want_q[4] = {333 & 127, -3, 2, 4};
		static const float want_r[4] = {1, -1, 1, -1};

		of(x, y, z, e, o, iq, 4);
		for (int i = 0; i < 4; i++)
			CHECK(iq[12 + i] == want_q[i] && o[56 + i] == want_r[i],
			      "remquo(%g, %g) = %g, %d", x[i], y[i], o[56 + i], iq[12 + i]);
	}
	{
		float x[4] = {-0.0f, INFINITY, -INFINITY, -1e-30f}, y[4] = {0}, z[4] = {0};
		int e[4] = {0}, iq[16];
		static float o[16 * 4];
		static const float want[4] = {-0.0f, 0.0f, -0.0f, 0x1.fffffep-1f};
		static const float want_ip[4] = {-0.0f, INFINITY, -INFINITY, -1};

		of(x, y, z, e, o, iq, 4);
		for (int i = 0; i < 4; i++)
			CHECK(h_same_f(o[24 + i], want[i]) && h_same_f(o[28 + i], want_ip[i]),
			      "fract(%g) = %a, %a", x[i], o[24 + i], o[28 + i]);
		x[0] = NAN;
		of(x, y, z, e, o, iq, 1);
		CHECK(isnan(o[6]) && isnan(o[7]), "fract(NaN) = %a, %a", o[6], o[7]);
	}
	(void)dz;
}

static void test_relaxed(void)
{
	void (*r)(const float *, const float *, float *, int) = h_sym("t_relaxed");
	void (*r16)(const float *, const float *, float *, int) = h_sym("t_relaxed_v16");
	void (*u)(const float *, float *, int) = h_sym("t_unary_float");
	void (*b)(const float *, const float *, float *, int) = h_sym("t_binary_float");
	enum { M = 48, NR = 28 };
	static float x[M], y[M], o[NR * M], o16[NR * M], ou[64 * M], ob[32 * M];
	static const char *const names[] = {"cos", "exp", "exp10", "exp2", "log", "log10",
					    "log2", "rsqrt", "sin", "sqrt", "tan"};

	h_group("math half_ and native_");
	for (int i = 0; i < M; i++) {
		x[i] = (float)h_rand_uniform(0.01, 20);
		y[i] = (float)h_rand_uniform(-3, 3);
	}
	r(x, y, o, M);
	r16(x, y, o16, M);
	u(x, ou, M);
	b(x, y, ob, M);
	CHECK(!memcmp(o, o16, sizeof(o)), "16-vector half_/native_ differ from scalar");
	for (int k = 0; k < 11; k++) {
		int uk;

		for (uk = 0; strcmp(unary[uk].name, names[k]); uk++)
			;
		for (int i = 0; i < M; i++)
			CHECK(h_same_f(o[2 * k * M + i], ou[uk * M + i]) &&
			      h_same_f(o[(2 * k + 1) * M + i], ou[uk * M + i]),
			      "half_/native_%s(%a)", names[k], x[i]);
	}
	for (int i = 0; i < M; i++) {
		CHECK(o[22 * M + i] == x[i] / y[i] && o[23 * M + i] == x[i] / y[i], "divide");
		CHECK(o[24 * M + i] == 1 / x[i] && o[25 * M + i] == 1 / x[i], "recip");
		CHECK(h_same_f(o[26 * M + i], ob[12 * M + i]) && h_same_f(o[27 * M + i], ob[12 * M + i]),
		      "half_/native_powr(%a, %a)", x[i], y[i]);
	}
}

static void test_nan(void)
{
	void (*fn)(const uint32_t *, const uint64_t *, float *, double *, int) = h_sym("t_nan");
	uint32_t c[4] = {0, 1, 0x1234, 0x3fffff};
	uint64_t cl[4] = {0, 1, 0x123456789ull, 0x7ffffffffffffull};
	float f[8];
	double d[8];

	h_group("math nan");
	fn(c, cl, f, d, 4);
	for (int i = 0; i < 8; i++) {
		uint32_t fb;
		uint64_t db;

		memcpy(&fb, &f[i], 4);
		memcpy(&db, &d[i], 8);
		CHECK(isnan(f[i]) && (fb & 0x3fffff) == c[i % 4], "nan(%#x) = %#x", c[i % 4], fb);
		CHECK(isnan(d[i]) && (db & 0x7ffffffffffffull) == cl[i % 4], "nan(%#llx)",
		      (unsigned long long)cl[i % 4]);
	}
}

int test_math(void)
{
	test_type(1);
	test_type(0);
	test_edges();
	test_relaxed();
	test_nan();
	print_worst();
	return 0;
}
