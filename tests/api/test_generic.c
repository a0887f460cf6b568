// SPDX-License-Identifier: MIT
/* Generic pointers on the CPU device: to_global, to_local, to_private and
 * get_fence tell a work-group's local memory (kernel-scope __local arrays
 * and __local arguments), a work-item's private memory and global memory
 * apart, in kernels run as a loop (no barrier) and as fibers (a barrier). */
#include "testutil.h"

/* OpenCL C's fence flags (the host headers do not have them). */
#define CLK_LOCAL_MEM_FENCE 0x01
#define CLK_GLOBAL_MEM_FENCE 0x02

static const char *src =
	"int kind(int *p) { return (to_global(p) ? 1 : 0) + (to_local(p) ? 2 : 0) +\n"
	"                          (to_private(p) ? 4 : 0); }\n"
	"int fence(int *p) { return (int)get_fence(p); }\n"
	"kernel void loop(global int *g, local int *la, global int *o)\n"
	"{ local int lv[4]; int pv[2] = {1, 2}; size_t i = get_global_id(0);\n"
	"  lv[i & 3] = pv[i & 1];\n"
	"  o[i * 8] = kind(g + i); o[i * 8 + 1] = kind(la + 1); o[i * 8 + 2] = kind(lv + 2);\n"
	"  o[i * 8 + 3] = kind(pv); o[i * 8 + 4] = fence(g); o[i * 8 + 5] = fence(la);\n"
	"  o[i * 8 + 6] = fence(lv); o[i * 8 + 7] = lv[i & 3] * 0 + fence(pv); }\n"
	"kernel void fibers(global int *g, local int *la, global int *o)\n"
	"{ local int lv[4]; int pv[2] = {1, 2}; size_t i = get_global_id(0);\n"
	"  barrier(CLK_LOCAL_MEM_FENCE);\n"
	"  o[i * 8] = kind(g + i); o[i * 8 + 1] = kind(la + 1); o[i * 8 + 2] = kind(lv + 2);\n"
	"  o[i * 8 + 3] = kind(pv); o[i * 8 + 4] = fence(g); o[i * 8 + 5] = fence(la);\n"
	"  o[i * 8 + 6] = fence(lv); o[i * 8 + 7] = fence(pv); }\n";

static void run(struct tu_env *env, cl_program p, const char *name)
{
	enum { N = 64, L = 16 };
	static const int want[8] = {1, 2, 2, 4, CLK_GLOBAL_MEM_FENCE, CLK_LOCAL_MEM_FENCE,
				    CLK_LOCAL_MEM_FENCE, 0};
	cl_int err, out[N * 8];
	cl_mem g = clCreateBuffer(env->context, CL_MEM_READ_WRITE, N * sizeof(cl_int), NULL, &err);
	cl_mem o = clCreateBuffer(env->context, CL_MEM_READ_WRITE, sizeof(out), NULL, &err);
	cl_kernel k = clCreateKernel(p, name, &err);
	size_t gs = N, ls = L, bad = 0;

	REQUIRE(k && g && o, "%s: kernel and buffers", name);
	clSetKernelArg(k, 0, sizeof(g), &g);
	clSetKernelArg(k, 1, 8 * sizeof(cl_int), NULL);
	clSetKernelArg(k, 2, sizeof(o), &o);
	CHECK_OK(clEnqueueNDRangeKernel(env->queue, k, 1, NULL, &gs, &ls, 0, NULL, NULL), "%s", name);
	CHECK_OK(clEnqueueReadBuffer(env->queue, o, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL),
		 "%s: read", name);
	for (int i = 0; i < N; i++)
		for (int c = 0; c < 8; c++)
			if (out[i * 8 + c] != want[c] && bad++ < 4)
				printf("# %s: work-item %d, check %d: %d, want %d\n", name, i, c,
				       out[i * 8 + c], want[c]);
	CHECK(bad == 0, "%s: global, __local argument, kernel-scope __local and private "
	      "pointers told apart (%zu wrong)", name, bad);
	clReleaseKernel(k);
	clReleaseMemObject(g);
	clReleaseMemObject(o);
}

int main(void)
{
	struct tu_env env;
	cl_program p;
	cl_int err;

	tu_env_init(&env, 0);
	p = clCreateProgramWithSource(env.context, 1, &src, NULL, &err);
	err = clBuildProgram(p, 1, &env.device, "-cl-std=CL3.0", NULL, NULL);
	if (err) {
		char log[8192] = "";

		clGetProgramBuildInfo(p, env.device, CL_PROGRAM_BUILD_LOG, sizeof(log), log, NULL);
		printf("# %s\n", log);
	}
	REQUIRE(err == CL_SUCCESS, "build");
	run(&env, p, "loop");
	run(&env, p, "fibers");
	clReleaseProgram(p);
	{
		/* CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE: 4 + 64 * 8 bytes
		 * of program-scope variables (constants are not counted). */
		static const char *gsrc =
			"global int counter = 1;\n global long table[64];\n"
			"constant int c[4] = {1, 2, 3, 4};\n"
			"kernel void k(global int *o) { table[get_global_id(0)] = counter + c[1];"
			" o[0] = (int)table[0]; }\n";
		size_t total = 0;

		p = clCreateProgramWithSource(env.context, 1, &gsrc, NULL, &err);
		CHECK_OK(clBuildProgram(p, 1, &env.device, "-cl-std=CL3.0", NULL, NULL), "globals");
		CHECK_OK(clGetProgramBuildInfo(p, env.device,
					       CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE,
					       sizeof(total), &total, NULL), "global variable size");
		CHECK(total == 4 + 64 * 8, "program-scope variables: %zu bytes, want %d", total,
		      4 + 64 * 8);
		clReleaseProgram(p);
	}
	tu_env_fini(&env);
	return tu_done();
}
