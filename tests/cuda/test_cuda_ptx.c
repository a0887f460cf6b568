// SPDX-License-Identifier: MIT
/* PTX generation for a kernel corpus, on any machine: the cuda device in
 * offline mode (SVMGPU_CUDA_OFFLINE=sm_90, set by meson) builds each file
 * given on the command line; the PTX in the program binary is checked for
 * its target and every kernel's entry, and assembled with ptxas when the
 * CUDA toolkit is installed (PTXAS, else ptxas on PATH or in
 * /usr/local/cuda/bin).
 *
 * With --library=PTX_BUILTINS.bc, also checks (with llvm-nm, where
 * installed) that svmgpu's PTX built-in library defines the functions it
 * must take over from libclc, whose versions were found wrong on an H100:
 * without them a program still builds, with libclc's.
 *
 * usage: test_cuda_ptx [--library=BC] FILE.cl[:OPTIONS]... */
#include "testutil.h"

/* Mangled names (nvptx64) of functions libclc 19 gets wrong, one or more
 * per family the library replaces. */
static const char *const replaced[] = {
	"_Z6tgammad", "_Z6acospid", "_Z5ldexpdi", "_Z5frexpdPU3AS1i", "_Z5frexpdPi",
	"_Z9nextafterdd", "_Z3nanm", "_Z6tgammaf", "_Z5ldexpfi", "_Z9nextafterff",
	"_Z17convert_float_rtzl", "_Z20convert_long_sat_rtpd", "_Z7mad_satlll",
	"_Z15vstore_half_rtnfmPU3AS1Dh", "_Z10vload_halfmPU3AS3KDh", "_Z3ctzi", "_Z7sub_satii",
	"_Z6mad_hiiii",
};

static void check_library(const char *bc)
{
	char cmd[1200], line[512], *defined = NULL;
	size_t len = 0;
	FILE *p, *list;

	if (system("command -v llvm-nm-19 >/dev/null 2>&1")) {
		printf("# llvm-nm-19 not installed: the PTX library's symbols are not checked\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "llvm-nm-19 --defined-only --format=just-symbols '%s'", bc);
	p = popen(cmd, "r");
	list = open_memstream(&defined, &len);
	REQUIRE(p && list, "run %s", cmd);
	/* One newline-framed list: "\nname\n" finds a whole name. */
	fputc('\n', list);
	while (fgets(line, sizeof(line), p))
		fputs(line, list);
	pclose(p);
	fclose(list);
	REQUIRE(defined && len > 1000, "llvm-nm lists %s", bc);
	for (size_t i = 0; i < sizeof(replaced) / sizeof(replaced[0]); i++) {
		char want[128];

		snprintf(want, sizeof(want), "\n%s\n", replaced[i]);
		CHECK(strstr(defined, want) != NULL, "the PTX library defines %s", replaced[i]);
	}
	free(defined);
}

static void build_file(cl_context ctx, cl_device_id dev, const char *arg, const char *tool)
{
	char file[512], opts[1024] = "", dir[512], *colon, *src, *slash;
	cl_program p;
	cl_int err;
	size_t size = 0, nk = 0;
	unsigned char *bin;
	const char *ptx;
	char names[8192] = "";

	snprintf(file, sizeof(file), "%s", arg);
	colon = strchr(file, ':');
	if (colon)
		*colon = 0;
	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	snprintf(opts, sizeof(opts), "-I%s %s", slash ? dir : ".", colon ? colon + 1 : "");
	src = tu_read_file(file);
	REQUIRE(src, "read %s", file);
	p = clCreateProgramWithSource(ctx, 1, (const char **)&src, NULL, &err);
	err = clBuildProgram(p, 1, &dev, opts, NULL, NULL);
	if (err) {
		char log[16384] = "";

		clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		printf("# %s build log:\n%s\n", file, log);
	}
	CHECK_OK(err, "PTX build of %s (%s)", file, opts);
	if (!err) {
		clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, NULL);
		bin = malloc(size);
		clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(bin), &bin, NULL);
		clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof(nk), &nk, NULL);
		clGetProgramInfo(p, CL_PROGRAM_KERNEL_NAMES, sizeof(names), names, NULL);
		ptx = tu_ptx_of(bin, size);
		CHECK(nk > 0, "%s has kernels", file);
		CHECK(ptx && strstr(ptx, "\n.target sm_90"), "%s: PTX for sm_90", file);
		for (char *n = strtok(names, ";"); ptx && n; n = strtok(NULL, ";")) {
			char entry[300];

			snprintf(entry, sizeof(entry), ".entry %s(", n);
			CHECK(strstr(ptx, entry) != NULL, "%s: entry %s", file, n);
		}
		printf("# %s: %zu kernels, %zu bytes of binary\n", file, nk, size);
		if (ptx && tool)
			CHECK(tu_ptxas_accepts(tool, ptx), "ptxas accepts the PTX of %s", file);
		free(bin);
	}
	clReleaseProgram(p);
	free(src);
}

int main(int argc, char **argv)
{
	cl_platform_id plat = tu_platform(NULL);
	cl_device_id dev = NULL;
	cl_bool avail = CL_TRUE;
	cl_context ctx;
	const char *tool = tu_ptxas();
	cl_int err;

	if (clGetDeviceIDs(plat, CL_DEVICE_TYPE_GPU, 1, &dev, NULL) != CL_SUCCESS) {
		printf("skip: no cuda device (SVMGPU_CUDA_OFFLINE unset?)\n");
		return 77;
	}
	clGetDeviceInfo(dev, CL_DEVICE_AVAILABLE, sizeof(avail), &avail, NULL);
	{
		/* Every extension the device claims is in CL_DEVICE_EXTENSIONS. */
		char ext[1024] = "";
		cl_name_version nv[32];
		size_t nvs = 0;

		clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, sizeof(ext), ext, NULL);
		clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS_WITH_VERSION, sizeof(nv), nv, &nvs);
		CHECK(nvs / sizeof(nv[0]) > 1, "several extensions");
		for (size_t i = 0; i < nvs / sizeof(nv[0]); i++)
			CHECK(strstr(ext, nv[i].name) != NULL, "CL_DEVICE_EXTENSIONS lists %s",
			      nv[i].name);
	}
	CHECK(!avail || !getenv("SVMGPU_CUDA_OFFLINE"), "the offline device is not available");
	printf("# ptxas: %s\n", tool ? tool : "not installed, PTX not assembled");
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	REQUIRE(ctx, "context on the cuda device");
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--library=", 10))
			check_library(argv[i] + 10);
		else
			build_file(ctx, dev, argv[i], tool);
	}
	clReleaseContext(ctx);
	return tu_done();
}
