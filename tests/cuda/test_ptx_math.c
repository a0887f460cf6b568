// SPDX-License-Identifier: MIT
/* The cuda device's own math (icd/builtins/ptx/math_impl.cl and
 * gamma_impl.cl, which replace libclc functions found wrong on an H100),
 * run on the CPU device, on any machine: the same OpenCL C, built into a
 * program with test kernels, against the host's references. tgamma and
 * acospi within the specification's bounds (16 and 5 ulp), ldexp, frexp
 * and nextafter exact. On the GPU the functions they call (exp, sinpi, acos)
 * are libclc's, within their own bounds, which the error budgets in the
 * sources allow for.
 *
 * usage: test_ptx_math MATH_IMPL.cl GAMMA_IMPL.cl */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

#define N 24576

static const char kernels[] =
	"kernel void t_tgamma(global const double *x, global double *r)\n"
	"{ size_t i = get_global_id(0); r[i] = svm_tgamma_d(x[i]); }\n"
	"kernel void t_acospi(global const double *x, global double *r)\n"
	"{ size_t i = get_global_id(0); r[i] = svm_acospi_d(x[i]); }\n"
	"kernel void t_ldexp(global const double *x, global const int *n, global double *r)\n"
	"{ size_t i = get_global_id(0); r[i] = svm_ldexp_d(x[i], n[i]); }\n"
	"kernel void t_frexp(global const double *x, global double *r, global int *e)\n"
	"{ size_t i = get_global_id(0); int k; r[i] = svm_frexp_d(x[i], &k); e[i] = k; }\n"
	"kernel void t_nextafter(global const double *x, global const double *y,\n"
	"                        global double *r)\n"
	"{ size_t i = get_global_id(0); r[i] = svm_nextafter_d(x[i], y[i]); }\n"
	"kernel void t_ldexpf(global const float *x, global const int *n, global float *r)\n"
	"{ size_t i = get_global_id(0); r[i] = svm_ldexp_1(x[i], n[i]); }\n"
	"kernel void t_nextafterf(global const float *x, global const float *y, global float *r)\n"
	"{ size_t i = get_global_id(0); r[i] = svm_nextafter_1(x[i], y[i]); }\n";

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	return tu_xorshift(&rng_state);
}

/* Uniform in [lo, hi). */
static double uniform(double lo, double hi)
{
	return lo + (hi - lo) * (double)(rnd() >> 11) * 0x1p-53;
}

static double bits_double(uint64_t b)
{
	double d;

	memcpy(&d, &b, 8);
	return d;
}

static float bits_float(uint32_t b)
{
	float f;

	memcpy(&f, &b, 4);
	return f;
}

static bool same_double(double a, double b)
{
	return (isnan(a) && isnan(b)) || !memcmp(&a, &b, 8);
}

static bool same_float(float a, float b)
{
	return (isnan(a) && isnan(b)) || !memcmp(&a, &b, 4);
}

/* |r - ref| in units of the last place of ref rounded to double. */
static double ulps(double r, long double ref)
{
	double d = (double)ref;
	int e;

	if (isnan(ref) || isnan(r))
		return isnan(ref) && isnan(r) ? 0 : INFINITY;
	if (isinf(d)) /* beyond DBL_MAX: in units of DBL_MAX's last place */
		return r == d ? 0 : (isinf(r) ? INFINITY : fabsl(ref - r) / 0x1p971L);
	if (isinf(r))
		return INFINITY;
	frexp(d, &e);
	return (double)(fabsl(ref - (long double)r) / ldexpl(1, (e - 53 < -1074) ? -1074 : e - 53));
}

struct run {
	struct tu_env *env;
	cl_program prog;
};

/* Runs kernel name over n items with buffers of the given sizes (inputs
 * first, copied in; outputs after, copied out). */
static void run_kernel(struct run *r, const char *name, int nin, int nout, void **ptrs,
		       const size_t *sizes)
{
	cl_kernel k = tu_kernel(r->prog, name);
	cl_mem bufs[4];
	size_t global = N;
	cl_int err;

	for (int i = 0; i < nin + nout; i++) {
		bufs[i] = clCreateBuffer(r->env->context,
					 CL_MEM_COPY_HOST_PTR * (i < nin) | CL_MEM_READ_WRITE,
					 sizes[i] * N, i < nin ? ptrs[i] : NULL, &err);
		REQUIRE(bufs[i], "buffer for %s", name);
		clSetKernelArg(k, (cl_uint)i, sizeof(cl_mem), &bufs[i]);
	}
	err = clEnqueueNDRangeKernel(r->env->queue, k, 1, NULL, &global, NULL, 0, NULL, NULL);
	CHECK_OK(err, "run %s", name);
	for (int i = nin; i < nin + nout; i++)
		clEnqueueReadBuffer(r->env->queue, bufs[i], CL_TRUE, 0, sizes[i] * N, ptrs[i], 0,
				    NULL, NULL);
	for (int i = 0; i < nin + nout; i++)
		clReleaseMemObject(bufs[i]);
	clReleaseKernel(k);
}

static const double tgamma_specials[] = {
	0.0, -0.0, INFINITY, -INFINITY, NAN, 1, 2, 3, 0.5, -0.5, -1, -2, -100, -1e300, 20,
	19.999999999999996, 20.000000000000004, 171.6, 171.62, 171.625, 171.63, 171.7, 171.8,
	171.9, 171.99, 172, 200, 1e300,
	1e-300, -1e-300, 0x1p-54, -0x1p-54, 0x1.0000000000001p-54, -0x1.0000000000001p-54,
	0x1p-1074, -0x1p-1074, -170.5, -171.5, -177.5, -183.7, -189.99, -190.5, 1e-20, 0.1,
	1.5, 2.5, 0x1.fffffffffffffp-1, 0x1.0000000000001p+0, 0x1.fffffffffffffp+0,
	0x1.0000000000001p+1,
};

static long double acospil(long double x)
{
	return acosl(x) / 3.141592653589793238462643383279502884L;
}

/* Prints and checks the largest error of y = name(x) against ref over the
 * N inputs. */
static void check_worst(const char *name, const double *x, const double *y,
			long double (*ref)(long double), double bound)
{
	double worst = 0, worst_x = 0;

	for (size_t i = 0; i < N; i++) {
		double e = ulps(y[i], ref(x[i]));

		if (!(e <= worst)) {
			worst = e;
			worst_x = x[i];
		}
	}
	printf("# %s: worst %.2f ulp at %a (%d values)\n", name, worst, worst_x, N);
	CHECK(worst <= bound, "%s within %g ulp (worst %.2f at %a)", name, bound, worst, worst_x);
}

static void check_tgamma(struct run *r)
{
	static double x[N], y[N];
	size_t sizes[] = {8, 8}, ns = sizeof(tgamma_specials) / sizeof(tgamma_specials[0]);
	void *ptrs[] = {x, y};

	for (size_t i = 0; i < N; i++) {
		if (i < ns)
			x[i] = tgamma_specials[i];
		else if (i % 4 == 0) /* positive, log-uniform */
			x[i] = exp2(uniform(-60, 7.42));
		else if (i % 4 == 1) /* negative */
			x[i] = -uniform(0, 190);
		else if (i % 4 == 2) /* next to a negative integer */
			x[i] = -(double)(rnd() % 180 + 1) + ldexp((rnd() & 1) ? 1 : -1,
								   -(int)(rnd() % 40 + 3));
		else if (i % 16 == 3) /* where the result overflows */
			x[i] = uniform(171.6, 172);
		else /* where the argument shift changes */
			x[i] = uniform(0.25, 24);
	}
	run_kernel(r, "t_tgamma", 1, 1, ptrs, sizes);
	check_worst("tgamma", x, y, tgammal, 16);
	CHECK(y[0] == INFINITY && y[1] == -INFINITY && y[2] == INFINITY && isnan(y[3]) &&
	      isnan(y[4]) && isnan(y[10]) && isnan(y[12]) && isnan(y[13]) && y[5] == 1 && y[6] == 1,
	      "tgamma's special values");
}

static void check_acospi(struct run *r)
{
	static double x[N], y[N];
	static const double specials[] = {1, -1, 0, -0.0, 2, -2, NAN, INFINITY, 0x1p-1074,
					  0x1.fffffffffffffp-1, -0x1.fffffffffffffp-1, 0.5, -0.5};
	size_t sizes[] = {8, 8}, ns = sizeof(specials) / sizeof(specials[0]);
	void *ptrs[] = {x, y};

	for (size_t i = 0; i < N; i++)
		x[i] = i < ns ? specials[i] : i % 2 ? uniform(-1, 1)
				: (1 - exp2(-uniform(1, 53))) * ((rnd() & 1) ? 1 : -1);
	run_kernel(r, "t_acospi", 1, 1, ptrs, sizes);
	check_worst("acospi", x, y, acospil, 5);
	CHECK(y[0] == 0 && y[1] == 1 && y[2] == 0.5 && isnan(y[4]), "acospi(1, -1, 0, 2)");
}

/* A random double: any bit pattern, or a small or subnormal one. */
static double any_double(size_t i)
{
	switch (i % 3) {
	case 0: return bits_double(rnd());
	case 1: return bits_double(rnd() & 0x800fffffffffffffull); /* subnormal */
	default: return uniform(-4, 4);
	}
}

static void check_exact_double(struct run *r)
{
	static double x[N], y[N], m[N];
	static int n[N], e[N];
	size_t sizes3[] = {8, 4, 8}, sizes2[] = {8, 8, 4}, sizes_next[] = {8, 8, 8};
	void *lp[] = {x, n, m}, *fp[] = {x, m, e}, *np[] = {x, y, m};
	int bad_ldexp = 0, bad_frexp = 0, bad_next = 0;

	for (size_t i = 0; i < N; i++) {
		x[i] = i < 6 ? (double[]){0.0, -0.0, INFINITY, -INFINITY, NAN, DBL_MAX}[i]
			     : any_double(i);
		n[i] = i % 2 ? (int)(rnd() % 4401) - 2200 : (int)(rnd() % 121) - 60;
		if (i % 97 == 0)
			n[i] = (i & 128) ? INT32_MAX : INT32_MIN;
	}
	run_kernel(r, "t_ldexp", 2, 1, lp, sizes3);
	for (size_t i = 0; i < N; i++)
		if (!same_double(m[i], ldexp(x[i], n[i])) && bad_ldexp++ < 5)
			printf("# ldexp(%a, %d) = %a, want %a\n", x[i], n[i], m[i], ldexp(x[i], n[i]));
	CHECK(bad_ldexp == 0, "double ldexp exact (%d wrong)", bad_ldexp);

	run_kernel(r, "t_frexp", 1, 2, fp, sizes2);
	for (size_t i = 0; i < N; i++) {
		int want_e = 0;
		double want = frexp(x[i], &want_e);

		if (!isfinite(x[i]))
			want_e = 0;
		if ((!same_double(m[i], want) || e[i] != want_e) && bad_frexp++ < 5)
			printf("# frexp(%a) = %a, %d, want %a, %d\n", x[i], m[i], e[i], want, want_e);
	}
	CHECK(bad_frexp == 0, "double frexp exact (%d wrong)", bad_frexp);

	for (size_t i = 0; i < N; i++)
		y[i] = i % 5 == 0 ? x[i] : i % 5 == 1 ? -x[i] : i % 5 == 2 ? NAN : any_double(i + 1);
	run_kernel(r, "t_nextafter", 2, 1, np, sizes_next);
	for (size_t i = 0; i < N; i++)
		if (!same_double(m[i], nextafter(x[i], y[i])) && bad_next++ < 5)
			printf("# nextafter(%a, %a) = %a\n", x[i], y[i], m[i]);
	CHECK(bad_next == 0, "double nextafter exact (%d wrong)", bad_next);
}

static void check_exact_float(struct run *r)
{
	static float x[N], y[N], m[N];
	static int n[N];
	size_t sizes[] = {4, 4, 4};
	void *lp[] = {x, n, m}, *np[] = {x, y, m};
	int bad_ldexp = 0, bad_next = 0;

	for (size_t i = 0; i < N; i++) {
		x[i] = i % 3 == 0 ? bits_float((uint32_t)rnd())
		     : i % 3 == 1 ? bits_float((uint32_t)rnd() & 0x807fffffu)
				  : (float)uniform(-4, 4);
		n[i] = i % 2 ? (int)(rnd() % 801) - 400 : (int)(rnd() % 61) - 30;
		if (i % 97 == 0)
			n[i] = (i & 128) ? INT32_MAX : INT32_MIN;
		y[i] = i % 4 == 0 ? x[i] : i % 4 == 1 ? -x[i] : bits_float((uint32_t)rnd());
	}
	run_kernel(r, "t_ldexpf", 2, 1, lp, sizes);
	for (size_t i = 0; i < N; i++)
		if (!same_float(m[i], ldexpf(x[i], n[i])) && bad_ldexp++ < 5)
			printf("# ldexpf(%a, %d) = %a, want %a\n", x[i], n[i], m[i],
			       ldexpf(x[i], n[i]));
	CHECK(bad_ldexp == 0, "float ldexp exact (%d wrong)", bad_ldexp);
	run_kernel(r, "t_nextafterf", 2, 1, np, sizes);
	for (size_t i = 0; i < N; i++)
		if (!same_float(m[i], nextafterf(x[i], y[i])) && bad_next++ < 5)
			printf("# nextafterf(%a, %a) = %a\n", x[i], y[i], m[i]);
	CHECK(bad_next == 0, "float nextafter exact (%d wrong)", bad_next);
}

int main(int argc, char **argv)
{
	struct tu_env env;
	struct run r = {&env, NULL};
	char *impl, *gamma;
	const char *srcs[3];
	cl_int err;

	if (argc != 3) {
		fprintf(stderr, "usage: test_ptx_math MATH_IMPL.cl GAMMA_IMPL.cl\n");
		return 2;
	}
	impl = tu_read_file(argv[1]);
	gamma = tu_read_file(argv[2]);
	REQUIRE(impl && gamma, "read %s and %s", argv[1], argv[2]);
	tu_env_init(&env, 0);
	srcs[0] = impl;
	srcs[1] = gamma;
	srcs[2] = kernels;
	r.prog = clCreateProgramWithSource(env.context, 3, srcs, NULL, &err);
	err = clBuildProgram(r.prog, 1, &env.device, "-cl-std=CL3.0", NULL, NULL);
	if (err) {
		static char log[65536];

		clGetProgramBuildInfo(r.prog, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log), log,
				      NULL);
		printf("# build log:\n%s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "the cuda device's math builds for the CPU device");
	check_tgamma(&r);
	check_acospi(&r);
	check_exact_double(&r);
	check_exact_float(&r);
	clReleaseProgram(r.prog);
	tu_env_fini(&env);
	free(impl);
	free(gamma);
	return tu_done();
}
