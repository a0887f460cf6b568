// SPDX-License-Identifier: MIT
/* The front end: options as the OpenCL specification defines them, mapped to
 * the clang driver, which runs as a child process with its input, output
 * and diagnostics in anonymous memory files (no temporary files, no pipes to
 * deadlock on). */
#include "frontend.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The device's OpenCL C features, as the built-in library was built with
 * them (icd/builtins/meson.build). */
#ifndef SVMGPU_FEATURE_ARGS
#define SVMGPU_FEATURE_ARGS "-D__svmgpu_no_features__"
#endif
static const char *const feature_args[] = {SVMGPU_FEATURE_ARGS};

#ifndef SVMGPU_CLANG
#define SVMGPU_CLANG "clang-19"
#endif

const char *svmgpu_clang_path(void)
{
	const char *env = getenv("SVMGPU_CLANG");

	return env && *env ? env : SVMGPU_CLANG;
}

/* ---- options ---- */

struct option_rule {
	const char *name;
	unsigned sets; /* bit per enum svmgpu_option_set */
	bool to_clang;
};

#define B (1u << SVMGPU_OPTIONS_BUILD)
#define C (1u << SVMGPU_OPTIONS_COMPILE)
#define L (1u << SVMGPU_OPTIONS_LINK)

static const struct option_rule rules[] = {
	{"-cl-single-precision-constant", B | C, true},
	{"-cl-denorms-are-zero", B | C | L, true},
	{"-cl-fp32-correctly-rounded-divide-sqrt", B | C, true},
	{"-cl-opt-disable", B | C, false},
	{"-cl-strict-aliasing", B | C, false}, /* deprecated, accepted and ignored */
	{"-cl-uniform-work-group-size", B | C, true},
	{"-cl-no-subgroup-ifp", B | C | L, false},
	{"-cl-mad-enable", B | C, true},
	{"-cl-no-signed-zeros", B | C | L, true},
	{"-cl-unsafe-math-optimizations", B | C | L, true},
	{"-cl-finite-math-only", B | C | L, true},
	{"-cl-fast-relaxed-math", B | C | L, true},
	{"-cl-kernel-arg-info", B | C, false}, /* always on */
	{"-w", B | C, true},
	{"-Werror", B | C, true},
	{"-g", B | C, false},
	{"-create-library", L, false},
	{"-enable-link-options", L, false},
};

static bool push_arg(struct svmgpu_options *o, const char *a, size_t len)
{
	char **v = realloc(o->clang_args, (o->num_clang_args + 2) * sizeof(*v));

	if (!v)
		return false;
	o->clang_args = v;
	v[o->num_clang_args] = strndup(a, len);
	if (!v[o->num_clang_args])
		return false;
	v[++o->num_clang_args] = NULL;
	return true;
}

void svmgpu_options_free(struct svmgpu_options *o)
{
	for (size_t i = 0; i < o->num_clang_args; i++)
		free(o->clang_args[i]);
	free(o->clang_args);
	memset(o, 0, sizeof(*o));
}

/* Next whitespace-separated token; double quotes group (for -D X="a b"). */
static const char *next_token(const char *p, size_t *len)
{
	const char *s;
	bool quoted = false;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (!*p)
		return NULL;
	for (s = p; *p && (quoted || !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'));
	     p++)
		if (*p == '"')
			quoted = !quoted;
	*len = (size_t)(p - s);
	return s;
}

static bool valid_std(const char *v, size_t n)
{
	/* The device's CL_DEVICE_OPENCL_C_ALL_VERSIONS: not 2.0, whose
	 * mandatory pipes and device-side enqueue it lacks. */
	static const char *const stds[] = {"CL1.0", "CL1.1", "CL1.2", "CL3.0"};

	for (size_t i = 0; i < sizeof(stds) / sizeof(stds[0]); i++)
		if (strlen(stds[i]) == n && !memcmp(v, stds[i], n))
			return true;
	return false;
}

cl_int svmgpu_options_parse(const char *options, enum svmgpu_option_set set,
			    struct svmgpu_options *o, char **bad)
{
	const char *t, *p = options ? options : "";
	const char *std = NULL;
	size_t n, std_len = 0;

	memset(o, 0, sizeof(*o));
	*bad = NULL;
	while ((t = next_token(p, &n))) {
		const struct option_rule *r = NULL;

		p = t + n;
		if (set != SVMGPU_OPTIONS_LINK && n >= 2 && (!strncmp(t, "-D", 2) ||
							    !strncmp(t, "-I", 2))) {
			if (n == 2) { /* "-D NAME": the value is the next token */
				const char *v = next_token(p, &n);

				if (!v)
					goto invalid;
				if (!push_arg(o, t, 2) || !push_arg(o, v, n))
					goto oom;
				p = v + n;
			} else if (!push_arg(o, t, n)) {
				goto oom;
			}
			continue;
		}
		if (set != SVMGPU_OPTIONS_LINK && n > 8 && !strncmp(t, "-cl-std=", 8)) {
			if (!valid_std(t + 8, n - 8))
				goto invalid;
			std = t + 8;
			std_len = n - 8;
			continue;
		}
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			if (strlen(rules[i].name) == n && !memcmp(rules[i].name, t, n))
				r = &rules[i];
		if (!r || !(r->sets & (1u << set)))
			goto invalid;
		if (r->to_clang && !push_arg(o, t, n))
			goto oom;
		if (!strcmp(r->name, "-cl-opt-disable"))
			o->opt_disable = true;
		else if (!strcmp(r->name, "-create-library"))
			o->create_library = true;
		else if (!strcmp(r->name, "-cl-uniform-work-group-size"))
			o->uniform_work_groups = true;
		else if (!strcmp(r->name, "-cl-fast-relaxed-math") ||
			 !strcmp(r->name, "-cl-unsafe-math-optimizations"))
			o->fast_math = true;
		continue;
invalid:
		*bad = strndup(t, n);
		svmgpu_options_free(o);
		return CL_INVALID_BUILD_OPTIONS;
	}
	if (set != SVMGPU_OPTIONS_LINK) {
		char buf[32];

		/* Without -cl-std, the highest OpenCL C 1.x version (spec 5.8.6.5). */
		if (!std) {
			std = "CL1.2";
			std_len = 5;
		}
		if (std[2] == '1')
			o->uniform_work_groups = true;
		snprintf(buf, sizeof(buf), "-cl-std=%.*s", (int)std_len, std);
		if (!push_arg(o, buf, strlen(buf)))
			goto oom;
	}
	return CL_SUCCESS;
oom:
	svmgpu_options_free(o);
	return CL_OUT_OF_HOST_MEMORY;
}

/* ---- running a tool ---- */

static int memfd_with(const char *name, const void *data, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	const char *p = data;

	if (fd < 0)
		return -1;
	while (size) {
		ssize_t w = write(fd, p, size);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		size -= (size_t)w;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void *read_fd(int fd, size_t *size)
{
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fstat(fd, &st) || lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return NULL;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = 0;
	*size = got;
	return buf;
}

int svmgpu_run_tool(char *const argv[], const void *in, size_t in_size, void **out,
		    size_t *out_size, char **err)
{
	int fds[3] = {-1, -1, -1}, status = -1;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	size_t n;

	fds[0] = in ? memfd_with("svmgpu-in", in, in_size) : open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = memfd_create("svmgpu-out", MFD_CLOEXEC);
	fds[2] = memfd_create("svmgpu-err", MFD_CLOEXEC);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
		goto done;
	posix_spawn_file_actions_init(&fa);
	for (int i = 0; i < 3; i++)
		posix_spawn_file_actions_adddup2(&fa, fds[i], i);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) == 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	} else {
		status = -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (out)
		*out = read_fd(fds[1], out_size ? out_size : &n);
	if (err)
		*err = read_fd(fds[2], &n);
done:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return status;
}

const char *svmgpu_tmpdir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/tmp";
}

char *svmgpu_make_temp_dir(const char *what)
{
	char *dir;

	if (asprintf(&dir, "%s/svmgpu-%s-XXXXXX", svmgpu_tmpdir(), what) < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* ---- the front end ---- */

/* Writes the headers of clCompileProgram into a fresh directory. */
static char *write_headers(size_t n, const struct svmgpu_header *h)
{
	char *dir = svmgpu_make_temp_dir("headers");

	if (!dir)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		FILE *f;

		if (strstr(h[i].name, ".."))
			continue; /* stay inside the directory */
		snprintf(path, sizeof(path), "%s/%s", dir, h[i].name);
		for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
			*s = 0;
			mkdir(path, 0700);
			*s = '/';
		}
		f = fopen(path, "w");
		if (f) {
			fputs(h[i].source, f);
			fclose(f);
		}
	}
	return dir;
}

/* Removes what write_headers made (only that: the name is checked). */
static void remove_tree(char *dir)
{
	char *argv[] = {"rm", "-rf", dir, NULL};
	const char *base = dir ? strrchr(dir, '/') : NULL;

	if (base && !strncmp(base, "/svmgpu-headers-", 16))
		svmgpu_run_tool(argv, NULL, 0, NULL, NULL, NULL);
}

/* The cuda device's OpenCL C: what libclc's nvptx64--nvidiacl library
 * implements (devices/cuda/cuda_device.c reports the same). */
static const char *const ptx_feature_args[] = {
	"-Xclang", "-cl-ext=-all,+cl_khr_fp64,+__opencl_c_fp64,+__opencl_c_int64,"
	"+__opencl_c_program_scope_global_variables,"
	"+cl_khr_int64_base_atomics,+cl_khr_int64_extended_atomics,"
	"+cl_khr_global_int32_base_atomics,+cl_khr_global_int32_extended_atomics,"
	"+cl_khr_local_int32_base_atomics,+cl_khr_local_int32_extended_atomics,"
	"+cl_khr_byte_addressable_store",
};

/* The program's source for the cuda device: __constant as global const,
 * and the OpenCL C version it asked for (the last -cl-std; 1.2 when none)
 * in __OPENCL_C_VERSION__, then the source from its line 1. */
static char *ptx_prefixed(const struct svmgpu_options *o, const char *source)
{
	const char *std = "CL1.2";
	char version[64] = "", *out;

	for (size_t i = 0; i < o->num_clang_args; i++)
		if (!strncmp(o->clang_args[i], "-cl-std=", 8))
			std = o->clang_args[i] + 8;
	if (!strncmp(std, "CL1.", 4) && std[4] >= '0' && std[4] <= '2' && !std[5])
		snprintf(version, sizeof(version),
			 "#undef __OPENCL_C_VERSION__\n#define __OPENCL_C_VERSION__ 1%c0\n", std[4]);
	if (asprintf(&out, "#define constant global const\n#define __constant global const\n"
		     "%s#line 1\n%s", version, source) < 0)
		return NULL;
	return out;
}

cl_int svmgpu_frontend(const char *source, const struct svmgpu_options *o, size_t num_headers,
		       const struct svmgpu_header *headers, void **bc, size_t *bc_size, char **log)
{
	static const char *const fixed[] = {
		"-x", "cl", "-c", "-emit-llvm", "-o", "-",
		"-Xclang", "-finclude-default-header",
		"-cl-kernel-arg-info",
		"-fno-color-diagnostics",
		/* The device's OpenCL version: clang leaves it to the device. */
		"-D__OPENCL_VERSION__=300",
	};
	static const char *const host_args[] = {
		"-target", "x86_64-unknown-linux-gnu",
		"-Xclang", "-ffake-address-space-map",
		"-Wno-psabi", /* vector arguments passed in memory: both sides agree */
		"-fPIC", /* a shared object: TLS must not assume an executable */
	};
	static const char *const ptx_args[] = {"-target", "nvptx64-nvidia-cuda"};
	bool ptx = o->isa == SVMGPU_ISA_PTX;
	const char *const *target = ptx ? ptx_args : host_args;
	const char *const *feat = ptx ? ptx_feature_args : feature_args;
	size_t ntarget = ptx ? sizeof(ptx_args) / sizeof(ptx_args[0])
			     : sizeof(host_args) / sizeof(host_args[0]);
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), argc = 0;
	size_t nfeat = ptx ? sizeof(ptx_feature_args) / sizeof(ptx_feature_args[0])
			   : sizeof(feature_args) / sizeof(feature_args[0]);
	char **argv = calloc(nfixed + ntarget + nfeat + o->num_clang_args + 12, sizeof(char *));
	char *hdir = NULL, *incl = NULL, *err = NULL, *ptx_source = NULL;
	int rc;

	*bc = NULL;
	if (!argv)
		return CL_OUT_OF_HOST_MEMORY;
	argv[argc++] = (char *)svmgpu_clang_path();
	for (size_t i = 0; i < nfixed; i++)
		argv[argc++] = (char *)fixed[i];
	for (size_t i = 0; i < ntarget; i++)
		argv[argc++] = (char *)target[i];
	for (size_t i = 0; i < nfeat; i++)
		argv[argc++] = (char *)feat[i];
	/* Optimisation happens once, after the launchers are in: the front end
	 * only emits IR (without optnone unless optimisation is disabled). */
	if (o->opt_disable) {
		argv[argc++] = "-O0";
	} else {
		argv[argc++] = "-O2";
		argv[argc++] = "-Xclang";
		argv[argc++] = "-disable-llvm-passes";
	}
	for (size_t i = 0; i < o->num_clang_args; i++)
		argv[argc++] = o->clang_args[i];
	/* NVPTX's constant address space is the constant bank, which the
	 * buffers behind __constant pointer arguments are not in: the program
	 * (not the built-in headers, nor string literals) gets __constant as
	 * global const, which needs program-scope globals, so OpenCL C 3.0
	 * (after the application's -cl-std: the last one counts). */
	if (ptx) {
		argv[argc++] = "-cl-std=CL3.0";
		ptx_source = ptx_prefixed(o, source);
		if (!ptx_source) {
			free(argv);
			return CL_OUT_OF_HOST_MEMORY;
		}
		source = ptx_source;
	}
	if (num_headers) {
		hdir = write_headers(num_headers, headers);
		if (hdir && asprintf(&incl, "-I%s", hdir) > 0)
			argv[argc++] = incl;
	}
	argv[argc++] = "-";
	argv[argc] = NULL;
	rc = svmgpu_run_tool(argv, source, strlen(source), bc, bc_size, &err);
	remove_tree(hdir);
	free(hdir);
	free(incl);
	free(argv);
	free(ptx_source);
	if (log)
		*log = err ? err : strdup("");
	else
		free(err);
	if (rc < 0) {
		free(*bc);
		*bc = NULL;
		if (log) {
			free(*log);
			if (asprintf(log, "svmgpu: could not run the OpenCL C compiler %s\n",
				     svmgpu_clang_path()) < 0)
				*log = NULL;
		}
		return CL_COMPILER_NOT_AVAILABLE;
	}
	if (rc != 0 || !*bc || !*bc_size) {
		free(*bc);
		*bc = NULL;
		return CL_BUILD_PROGRAM_FAILURE;
	}
	return CL_SUCCESS;
}
