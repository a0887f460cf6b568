// SPDX-License-Identifier: MIT
/* The runtime's side of the code generator plugin: loads
 * libsvmgpu-codegen.so on first use ($SVMGPU_CODEGEN, else beside this
 * library, else in its svmgpu/ folder, as installed) and forwards to it.
 * Without the plugin (or LLVM) every call fails with
 * CL_COMPILER_NOT_AVAILABLE and a line in the log saying why. */
#include "codegen.h"
#include "log.h"

#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct svmgpu_codegen_plugin *plugin;
static char why[512];

static void *try_open(const char *path)
{
	void *h = access(path, R_OK) == 0 ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;

	if (!h && access(path, R_OK) == 0)
		snprintf(why, sizeof(why), "%s", dlerror());
	return h;
}

static void load(void)
{
	const char *env = getenv("SVMGPU_CODEGEN");
	void *h = NULL;
	Dl_info info;

	snprintf(why, sizeof(why), "%s not found", SVMGPU_CODEGEN_PLUGIN_NAME);
	if (env && *env) {
		h = try_open(env);
	} else if (dladdr((void *)load, &info) && info.dli_fname) {
		char self[4096], path[4400], *dir;

		snprintf(self, sizeof(self), "%s", info.dli_fname);
		dir = dirname(self);
		snprintf(path, sizeof(path), "%s/%s", dir, SVMGPU_CODEGEN_PLUGIN_NAME);
		h = try_open(path);
		if (!h) {
			snprintf(path, sizeof(path), "%s/svmgpu/%s", dir, SVMGPU_CODEGEN_PLUGIN_NAME);
			h = try_open(path);
		}
	}
	if (!h)
		goto fail;
	plugin = dlsym(h, SVMGPU_CODEGEN_PLUGIN_SYMBOL);
	if (plugin && plugin->version == SVMGPU_CODEGEN_PLUGIN_VERSION &&
	    plugin->abi == SVMGPU_KERNEL_ABI_VERSION)
		return; /* kept loaded for the process's lifetime */
	snprintf(why, sizeof(why), "%s is from another svmgpu version",
		 SVMGPU_CODEGEN_PLUGIN_NAME);
	plugin = NULL;
	dlclose(h);
fail:
	if (svmgpu_debug_enabled)
		svmgpu_log("svmgpu: no code generator: %s\n", why);
}

bool svmgpu_codegen_available(void)
{
	pthread_once(&once, load);
	return plugin != NULL;
}

static cl_int unavailable(char **log)
{
	if (log) {
		char *joined;

		if (asprintf(&joined, "%ssvmgpu: the code generator could not be loaded: %s\n",
			     *log ? *log : "", why) >= 0) {
			free(*log);
			*log = joined;
		}
	}
	return CL_COMPILER_NOT_AVAILABLE;
}

const char *svmgpu_codegen_id(void)
{
	return svmgpu_codegen_available() ? plugin->id() : "no-codegen";
}

bool svmgpu_codegen_ptx_available(void)
{
	return svmgpu_codegen_available() && plugin->ptx_available();
}

cl_int svmgpu_codegen_link_bitcode(size_t n, const void *const *bcs, const size_t *sizes,
				   void **out, size_t *out_size, char **log)
{
	*out = NULL;
	if (!svmgpu_codegen_available())
		return unavailable(log);
	return plugin->link_bitcode(n, bcs, sizes, out, out_size, log);
}

cl_int svmgpu_codegen(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
		      struct svmgpu_kernel_meta **kernels, uint32_t *num_kernels, void **obj,
		      size_t *obj_size, uint64_t *globals_size, char **log)
{
	*kernels = NULL;
	*num_kernels = 0;
	*obj = NULL;
	if (!svmgpu_codegen_available())
		return unavailable(log);
	return plugin->host(n, bcs, sizes, optimize, kernels, num_kernels, obj, obj_size,
			    globals_size, log);
}

cl_int svmgpu_codegen_ptx(size_t n, const void *const *bcs, const size_t *sizes, bool optimize,
			  const char *arch, struct svmgpu_kernel_meta **kernels,
			  uint32_t *num_kernels, char **ptx, size_t *ptx_size,
			  uint64_t *globals_size, char **log)
{
	*kernels = NULL;
	*num_kernels = 0;
	*ptx = NULL;
	if (!svmgpu_codegen_available())
		return unavailable(log);
	return plugin->ptx(n, bcs, sizes, optimize, arch, kernels, num_kernels, ptx, ptx_size,
			   globals_size, log);
}
