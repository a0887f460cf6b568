// SPDX-License-Identifier: MIT
/* The differential suite's driver: finds the two platforms, runs every family
 * and prints one line per test. Exit status: 0 when side A agrees with the
 * reference everywhere, 1 otherwise, 77 (skip) when pocl is not installed.
 *   diff_runner [--quick] [--build-only] [--vendors DIR] [--list-known]
 * --build-only: every program of the corpus is built, its kernels created
 * and their arguments set, and nothing is compared; the exit status says
 * whether side A built them all (for a device that runs nothing, such as the
 * offline cuda device: SVMGPU_CUDA_OFFLINE); where the CUDA toolkit is
 * installed, side A's PTX must also pass ptxas.
 * (meson passes --vendors tests/diff/vendors: svmgpu.icd and pocl.icd)
 * Environment: DIFF_A / DIFF_B (platform of each side: "svmgpu" or "pocl";
 * DIFF_A=pocl checks the harness and the references with pocl alone),
 * DIFF_QUICK=1 (as --quick), DIFF_SAMPLES=N, DIFF_FILTER=substring. */
#include "diff.h"
#include "testutil.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct side sides[NSIDES];
int nsamples = 3072;
bool quick;
static bool build_only;
static const char *ptxas_tool; /* --build-only: ptxas, where installed */
static const char *filter;
static int ntests, nfatal;

/* --build-only: side A's PTX through ptxas (programs for other devices
 * carry none). */
static void assemble_ptx(struct side *s, cl_program p)
{
	size_t size = 0;
	unsigned char *bin;
	const char *ptx;

	if (!ptxas_tool || s != &sides[0] ||
	    clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, NULL) || !size)
		return;
	bin = malloc(size);
	if (bin && !clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bin), &bin, NULL) &&
	    (ptx = tu_ptx_of(bin, size))) {
		if (tu_ptxas_accepts(ptxas_tool, ptx)) {
			s->ptx_assembled++;
		} else {
			printf("#   %s: ptxas rejects a program's PTX\n", s->label);
			s->ptx_rejected++;
		}
	}
	free(bin);
}

/* Known deviations of pocl 3.1 from the specification, found by this suite
 * (see tests/diff/README.md). A failure of pocl that matches one of these is
 * reported but never fatal, on either side. */
static const struct {
	const char *pattern, *why;
} pocl_known[] = {
#include "pocl_known.h"
	{NULL, NULL},
};

/* Known gaps of svmgpu itself, each tracked in the issue notes: reported on
 * every run, not counted, so that fixing one shows. Keep this list short. */
static const struct {
	const char *pattern, *why;
} svmgpu_known[] = {
#include "svmgpu_known.h"
	{NULL, NULL},
};

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->n + (size_t)n + 1 > b->cap) {
		b->cap = (b->n + (size_t)n + 1) * 2 + 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void sb_free(struct sb *b)
{
	free(b->p);
	*b = (struct sb){0};
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

void rnd_seed(uint64_t s)
{
	rnd_state = s * 0x9e3779b97f4a7c15ull + 1;
}

uint64_t rnd(void)
{
	/* splitmix64: deterministic, so a failure reproduces. */
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double rnd_unit(void)
{
	return (double)(rnd() >> 11) * 0x1p-53;
}

static double ulp_err(long double got, long double ref, int mant, int emin, int emax)
{
	long double top = ldexpl(1.0L, emax + 1);
	int e;

	if (isnan(ref))
		return isnan(got) ? 0 : INFINITY;
	if (isnan(got))
		return INFINITY;
	if (isinf(got))
		got = copysignl(top, got);
	/* A reference past the range rounds to infinity. */
	if (isinf(ref) || fabsl(ref) > top)
		ref = copysignl(top, ref);
	if (got == ref)
		return 0;
	e = ref == 0 ? emin : ilogbl(ref);
	if (e < emin)
		e = emin;
	if (e > emax)
		e = emax;
	return (double)(fabsl(got - ref) / ldexpl(1.0L, e - mant));
}

double ulp_err_f(float got, long double ref)
{
	return ulp_err(got, ref, 23, -126, 127);
}

double ulp_err_d(double got, long double ref)
{
	return ulp_err(got, ref, 52, -1022, 1023);
}

const char *diff_errname(cl_int err)
{
	static char buf[32];

	switch (err) {
	case CL_SUCCESS: return "CL_SUCCESS";
	case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
	case CL_INVALID_KERNEL_NAME: return "CL_INVALID_KERNEL_NAME";
	case CL_INVALID_ARG_SIZE: return "CL_INVALID_ARG_SIZE";
	case CL_INVALID_ARG_VALUE: return "CL_INVALID_ARG_VALUE";
	case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
	case CL_INVALID_OPERATION: return "CL_INVALID_OPERATION";
	case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
	case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
	case CL_INVALID_PROGRAM_EXECUTABLE: return "CL_INVALID_PROGRAM_EXECUTABLE";
	case CL_COMPILER_NOT_AVAILABLE: return "CL_COMPILER_NOT_AVAILABLE";
	}
	snprintf(buf, sizeof(buf), "error %d", err);
	return buf;
}

cl_program diff_build(struct side *s, const char *src, const char *opts)
{
	cl_int err;
	cl_program p = clCreateProgramWithSource(s->ctx, 1, &src, NULL, &err);

	if (!p) {
		printf("#   %s: clCreateProgramWithSource: %s\n", s->label, diff_errname(err));
		return NULL;
	}
	err = clBuildProgram(p, 1, &s->dev, opts ? opts : "", NULL, NULL);
	s->builds++;
	if (err != CL_SUCCESS) {
		s->build_failures++;
		size_t n = 0;
		char *log;

		clGetProgramBuildInfo(p, s->dev, CL_PROGRAM_BUILD_LOG, 0, NULL, &n);
		log = calloc(1, n + 1);
		if (log)
			clGetProgramBuildInfo(p, s->dev, CL_PROGRAM_BUILD_LOG, n, log, NULL);
		printf("#   %s: clBuildProgram (%s): %s\n#   log: %.2000s\n", s->label,
		       opts ? opts : "", diff_errname(err), log ? log : "");
		free(log);
		clReleaseProgram(p);
		return NULL;
	}
	if (build_only)
		assemble_ptx(s, p);
	return p;
}

cl_int diff_run(struct side *s, cl_program prog, const char *kernel, int nargs,
		const struct darg *args, cl_uint dim, const size_t *off, const size_t *gws,
		const size_t *lws)
{
	cl_mem mem[64] = {0};
	void *extra[16];
	cl_uint idx = 0, nextra = 0;
	cl_int err, st = CL_SUCCESS;
	cl_event ev = NULL;
	cl_kernel k = clCreateKernel(prog, kernel, &err);

	if (!k)
		return err;
	for (int i = 0; i < nargs && err == CL_SUCCESS; i++) {
		const struct darg *a = &args[i];

		switch (a->kind) {
		case ARG_BUF: {
			void *init = NULL;

			if (!a->in) {
				init = malloc(a->size);
				memset(init, 0xcd, a->size);
			}
			mem[i] = clCreateBuffer(s->ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
						a->size, a->in ? (void *)a->in : init, &err);
			free(init);
			if (mem[i])
				err = clSetKernelArg(k, idx++, sizeof(cl_mem), &mem[i]);
			break;
		}
		case ARG_VAL:
			err = clSetKernelArg(k, idx++, a->size, a->in);
			break;
		case ARG_LOCAL:
			err = clSetKernelArg(k, idx++, a->size, NULL);
			break;
		case ARG_SVM:
			err = clSetKernelArgSVMPointer(k, idx++, a->in);
			break;
		case ARG_SVM_EXTRA:
			if (nextra < 16)
				extra[nextra++] = (void *)a->in;
			break;
		}
	}
	if (err == CL_SUCCESS && nextra)
		err = clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, nextra * sizeof(void *),
					  extra);
	if (err == CL_SUCCESS)
		err = clEnqueueNDRangeKernel(s->q, k, dim, off, gws, lws, 0, NULL, &ev);
	for (int i = 0; i < nargs && err == CL_SUCCESS; i++)
		if (mem[i] && args[i].out)
			err = clEnqueueReadBuffer(s->q, mem[i], CL_FALSE, 0, args[i].size,
						  args[i].out, 0, NULL, NULL);
	if (err == CL_SUCCESS)
		err = clFinish(s->q);
	if (build_only && err != CL_SUCCESS && err != CL_DEVICE_NOT_AVAILABLE) {
		printf("#   %s: %s: %s\n", s->label, kernel, diff_errname(err));
		s->run_errors++;
	}
	if (ev) {
		clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL);
		clReleaseEvent(ev);
		if (err == CL_SUCCESS && st < 0)
			err = st;
	}
	for (int i = 0; i < nargs; i++)
		if (mem[i])
			clReleaseMemObject(mem[i]);
	clReleaseKernel(k);
	return err;
}

bool diff_selected(const char *name)
{
	return !filter || strstr(name, filter);
}

void rep_begin(struct rep *r, double bound, const char *fmt, ...)
{
	va_list ap;

	memset(r, 0, sizeof(*r));
	va_start(ap, fmt);
	vsnprintf(r->name, sizeof(r->name), fmt, ap);
	va_end(ap);
	r->bound = bound;
	for (int s = 0; s < NSIDES; s++)
		r->maxerr[s] = -1;
}

void rep_skip(struct rep *r, int side, const char *why)
{
	r->skip[side] = true;
	snprintf(r->why[side], sizeof(r->why[side]), "%s", why);
}

static void rep_vmsg(struct rep *r, int side, const char *fmt, va_list ap)
{
	if (r->nmsg[side] < 3)
		vsnprintf(r->msg[side][r->nmsg[side]++], sizeof(r->msg[0][0]), fmt, ap);
}

void rep_broken(struct rep *r, int side, const char *fmt, ...)
{
	va_list ap;

	r->failed[side]++;
	va_start(ap, fmt);
	rep_vmsg(r, side, fmt, ap);
	va_end(ap);
}

void rep_fail(struct rep *r, int side, const char *fmt, ...)
{
	va_list ap;

	r->failed[side]++;
	va_start(ap, fmt);
	rep_vmsg(r, side, fmt, ap);
	va_end(ap);
}

static const char *known_why(const struct side *s, const char *name)
{
	if (!s->is_pocl) {
		for (int i = 0; svmgpu_known[i].pattern; i++)
			if (fnmatch(svmgpu_known[i].pattern, name, 0) == 0)
				return svmgpu_known[i].why;
		return NULL;
	}
	for (int i = 0; pocl_known[i].pattern; i++)
		if (fnmatch(pocl_known[i].pattern, name, 0) == 0)
			return pocl_known[i].why;
	return NULL;
}

void rep_end(struct rep *r)
{
	bool bad = false;
	char line[512];
	int n = 0;

	ntests++;
	if (build_only) /* nothing ran: only diff_build and diff_run report */
		return;
	for (int s = 0; s < NSIDES; s++) {
		if (r->skip[s])
			n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s: skipped (%s)",
				      sides[s].label, r->why[s]);
		else if (r->failed[s])
			n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s: %ld wrong",
				      sides[s].label, r->failed[s]);
		else if (r->maxerr[s] >= 0)
			n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s: %.3g ulp",
				      sides[s].label, r->maxerr[s]);
		else
			n += snprintf(line + n, sizeof(line) - (size_t)n, "  %s: ok",
				      sides[s].label);
		if (r->failed[s])
			bad = true;
	}
	if (r->bound >= 0)
		snprintf(line + n, sizeof(line) - (size_t)n, "  (bound %g)", r->bound);
	printf("%s %-40s%s\n", bad ? "FAIL" : "ok  ", r->name, line);
	for (int s = 0; s < NSIDES; s++) {
		const char *why;

		if (!r->failed[s])
			continue;
		for (int m = 0; m < r->nmsg[s]; m++)
			printf("#   %s: %s\n", sides[s].label, r->msg[s][m]);
		if (r->note[s][0])
			printf("#   %s: %s\n", sides[s].label, r->note[s]);
		why = known_why(&sides[s], r->name);
		if (why) {
			printf("#   %s: known deviation (%s): not counted\n", sides[s].label,
			       why);
			sides[s].deviations++;
		} else if (s == 0) {
			sides[s].fatal++;
			nfatal++;
		} else {
			printf("#   %s: deviates from the reference (side B: not counted)\n",
			       sides[s].label);
			sides[s].deviations++;
		}
	}
	fflush(stdout);
}

static bool has_feature(cl_device_id d, const char *feat)
{
	cl_name_version nv[128];
	size_t n = 0;

	if (clGetDeviceInfo(d, CL_DEVICE_OPENCL_C_FEATURES, sizeof(nv), nv, &n) != CL_SUCCESS)
		return false;
	for (size_t i = 0; i < n / sizeof(nv[0]); i++)
		if (!strcmp(nv[i].name, feat))
			return true;
	return false;
}

static bool has_ext(cl_device_id d, const char *ext)
{
	char buf[4096] = "";

	clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, sizeof(buf) - 1, buf, NULL);
	return strstr(buf, ext) != NULL;
}

/* 0: found; 1: no such platform. */
static int side_open(struct side *s, const char *which)
{
	const char *match = !strcmp(which, "pocl") ? "Portable Computing Language" : which;
	cl_platform_id ps[16];
	cl_uint np = 0;
	cl_int err;

	s->label = !strcmp(which, "pocl") ? "pocl" : which;
	s->is_pocl = !strcmp(which, "pocl");
	if (clGetPlatformIDs(16, ps, &np) != CL_SUCCESS)
		np = 0;
	for (cl_uint i = 0; i < np && i < 16; i++) {
		char name[256] = "";

		clGetPlatformInfo(ps[i], CL_PLATFORM_NAME, sizeof(name), name, NULL);
		if (strstr(name, match))
			s->plat = ps[i];
	}
	if (!s->plat)
		return 1;
	if (clGetDeviceIDs(s->plat, CL_DEVICE_TYPE_DEFAULT, 1, &s->dev, NULL) != CL_SUCCESS &&
	    clGetDeviceIDs(s->plat, CL_DEVICE_TYPE_ALL, 1, &s->dev, NULL) != CL_SUCCESS)
		return 1;
	s->ctx = clCreateContext(NULL, 1, &s->dev, NULL, NULL, &err);
	if (!s->ctx)
		return 1;
	s->q = clCreateCommandQueueWithProperties(s->ctx, s->dev, NULL, &err);
	if (!s->q)
		return 1;

	cl_device_fp_config fp = 0, fpd = 0;
	cl_device_svm_capabilities svm = 0;
	cl_bool nu = CL_FALSE;
	cl_name_version cv[16];
	size_t ncv = 0;

	clGetDeviceInfo(s->dev, CL_DEVICE_SINGLE_FP_CONFIG, sizeof(fp), &fp, NULL);
	clGetDeviceInfo(s->dev, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof(fpd), &fpd, NULL);
	clGetDeviceInfo(s->dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm), &svm, NULL);
	clGetDeviceInfo(s->dev, CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT, sizeof(nu), &nu, NULL);
	s->denorm = fp & CL_FP_DENORM;
	s->denorm_d = fpd & CL_FP_DENORM;
	s->fp64 = fpd != 0 && has_ext(s->dev, "cl_khr_fp64");
	s->nonuniform = nu;
	s->svm_fine = svm & CL_DEVICE_SVM_FINE_GRAIN_BUFFER;
	s->svm_system = svm & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM;
	if (clGetDeviceInfo(s->dev, CL_DEVICE_OPENCL_C_ALL_VERSIONS, sizeof(cv), cv, &ncv) ==
	    CL_SUCCESS) {
		for (size_t i = 0; i < ncv / sizeof(cv[0]); i++) {
			s->cl30 |= CL_VERSION_MAJOR(cv[i].version) == 3;
			s->cl20 |= CL_VERSION_MAJOR(cv[i].version) == 2;
		}
	}
	s->generic = has_feature(s->dev, "__opencl_c_generic_address_space");
	s->pvars = has_feature(s->dev, "__opencl_c_program_scope_global_variables");
	s->wgcoll = has_feature(s->dev, "__opencl_c_work_group_collective_functions");
	s->seq_cst = has_feature(s->dev, "__opencl_c_atomic_order_seq_cst") &&
		     has_feature(s->dev, "__opencl_c_atomic_scope_device");
	return 0;
}

static void side_close(struct side *s)
{
	if (s->q)
		clReleaseCommandQueue(s->q);
	if (s->ctx)
		clReleaseContext(s->ctx);
}

int main(int argc, char **argv)
{
	const char *a = getenv("DIFF_A"), *b = getenv("DIFF_B"), *ns = getenv("DIFF_SAMPLES");

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--build-only")) {
			build_only = true;
			ptxas_tool = tu_ptxas();
		} else if (!strcmp(argv[i], "--vendors") && i + 1 < argc) {
			/* Before the first OpenCL call: the loader reads it once. */
			setenv("OCL_ICD_VENDORS", argv[++i], 1);
		} else if (!strcmp(argv[i], "--list-known")) {
			for (int k = 0; pocl_known[k].pattern; k++)
				printf("%-32s %s\n", pocl_known[k].pattern, pocl_known[k].why);
			return 0;
		} else {
			fprintf(stderr, "usage: %s [--quick] [--build-only] [--vendors DIR] "
				"[--list-known]\n", argv[0]);
			return 2;
		}
	}
	if (getenv("DIFF_QUICK") && strcmp(getenv("DIFF_QUICK"), "0"))
		quick = true;
	filter = getenv("DIFF_FILTER");
	nsamples = quick ? 480 : 3072;
	if (ns && atoi(ns) > 0)
		nsamples = (atoi(ns) + 47) / 48 * 48;
	if (side_open(&sides[1], b ? b : "pocl")) {
		printf("SKIP: platform \"%s\" not found through the ICD loader (install "
		       "pocl-opencl-icd; OCL_ICD_VENDORS must list both vendor files)\n",
		       b ? b : "pocl");
		return 77;
	}
	if (side_open(&sides[0], a ? a : "svmgpu")) {
		printf("not ok - platform \"%s\" not found or unusable\n", a ? a : "svmgpu");
		return 1;
	}
	printf("# side A: %s, side B: %s; %d inputs per elementwise test%s\n", sides[0].label,
	       sides[1].label, nsamples, quick ? " (quick)" : "");
	for (int s = 0; s < NSIDES; s++)
		printf("# %s: fp64 %d, denormals %d/%d, CL C 3.0 %d, generic %d, program-scope "
		       "globals %d, wg collectives %d, non-uniform wg %d, SVM fine %d system %d\n",
		       sides[s].label, sides[s].fp64, sides[s].denorm, sides[s].denorm_d,
		       sides[s].cl30, sides[s].generic, sides[s].pvars, sides[s].wgcoll,
		       sides[s].nonuniform, sides[s].svm_fine, sides[s].svm_system);

	fam_workitem();
	fam_math();
	fam_common_geom();
	fam_integer();
	fam_relational();
	fam_convert();
	fam_vload_half();
	fam_async_shuffle();
	fam_sync();
	fam_atomics();
	fam_addrspace();
	fam_svm();

	if (build_only) {
		printf("# %d tests, build only; %s: %d programs built, %d failed, %d launches "
		       "refused; ptxas %s: %d PTX programs assembled, %d rejected\n", ntests,
		       sides[0].label, sides[0].builds, sides[0].build_failures,
		       sides[0].run_errors, ptxas_tool ? ptxas_tool : "not installed",
		       sides[0].ptx_assembled, sides[0].ptx_rejected);
		side_close(&sides[0]);
		side_close(&sides[1]);
		return sides[0].build_failures || sides[0].run_errors || sides[0].ptx_rejected ||
		       !sides[0].builds;
	}
	printf("# %d tests; %s: %d failing; %s: %d deviating (not counted)\n", ntests,
	       sides[0].label, sides[0].fatal, sides[1].label, sides[1].deviations);
	if (sides[0].deviations)
		printf("# %s: %d known deviations (not counted)\n", sides[0].label,
		       sides[0].deviations);
	side_close(&sides[0]);
	side_close(&sides[1]);
	return nfatal ? 1 : 0;
}
