// SPDX-License-Identifier: MIT
#include "program_cache.h"
#include "builtins_path.h"
#include "codegen.h"
#include "frontend.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SVMGPU_VERSION
#define SVMGPU_VERSION "0"
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char dir[4096];
static char toolchain_id[8192];
static long long runtime_size, runtime_mtime, plugin_size;

/* This library's own build (its front end's flags are part of every
 * program) and the code generator plugin's beside it: sizes alone for keys
 * that must hold across machines. */
static void runtime_build(void)
{
	Dl_info self;
	struct stat st;
	char path[4400], *slash;

	if (!dladdr((void *)runtime_build, &self) || !self.dli_fname || stat(self.dli_fname, &st))
		return;
	runtime_size = (long long)st.st_size;
	runtime_mtime = (long long)st.st_mtime;
	snprintf(path, sizeof(path), "%s", self.dli_fname);
	slash = strrchr(path, '/');
	if (!slash)
		return;
	snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "%s",
		 SVMGPU_CODEGEN_PLUGIN_NAME);
	if (stat(path, &st)) {
		snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "svmgpu/%s",
			 SVMGPU_CODEGEN_PLUGIN_NAME);
		if (stat(path, &st))
			return;
	}
	plugin_size = (long long)st.st_size;
}

static void mkdirs(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(path, 0700);
			*s = '/';
		}
	}
	mkdir(path, 0700);
}

static void init(void)
{
	const char *env = getenv("SVMGPU_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME"), *clang = svmgpu_clang_path();
	struct stat st = {0};

	if (env && (!strcmp(env, "off") || !strcmp(env, "0") || !*env))
		dir[0] = 0;
	else if (env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/svmgpu", xdg);
	else if (home && *home)
		snprintf(dir, sizeof(dir), "%s/.cache/svmgpu", home);
	if (dir[0])
		mkdirs(dir);
	/* The clang binary by size and time: a new clang means new code. */
	if (strchr(clang, '/'))
		stat(clang, &st);
	runtime_build();
	snprintf(toolchain_id, sizeof(toolchain_id), "svmgpu %s abi %d|%lld|%lld|%s|%s|%lld|%lld",
		 SVMGPU_VERSION, SVMGPU_KERNEL_ABI_VERSION, runtime_size, runtime_mtime,
		 svmgpu_codegen_id(), clang, (long long)st.st_size, (long long)st.st_mtime);
}

/* 64-bit FNV-1a with a final avalanche; two seeds make a 128-bit key. */
static uint64_t hash(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static void key_of(const char *const parts[4], char key[64])
{
	uint64_t h[2] = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};

	for (int s = 0; s < 2; s++) {
		for (int i = 0; i < 4; i++) {
			uint64_t len = strlen(parts[i]);

			h[s] = hash(h[s], &len, sizeof(len)); /* no ambiguity between parts */
			h[s] = hash(h[s], parts[i], len);
		}
		h[s] = mix(h[s]);
	}
	snprintf(key, 64, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

void svmgpu_cache_key(const char *source, const char *options, char key[64])
{
	const char *parts[4];

	pthread_once(&once, init);
	parts[0] = toolchain_id;
	parts[1] = svmgpu_builtins_id();
	parts[2] = options ? options : "";
	parts[3] = source;
	key_of(parts, key);
}

void svmgpu_cache_key_ptx(const char *source, const char *options, const char *arch,
			  char key[64])
{
	char toolchain[512], lib[4200];
	const char *parts[4];
	struct stat st = {0};

	pthread_once(&once, init);
	svmgpu_builtins_sibling(SVMGPU_PTX_BUILTINS_NAME, lib, sizeof(lib));
	stat(lib, &st);
	snprintf(toolchain, sizeof(toolchain), "svmgpu %s abi %d|%lld|%lld|ptx %s|llvm %s|%lld",
		 SVMGPU_VERSION, SVMGPU_KERNEL_ABI_VERSION, runtime_size, plugin_size, arch,
		 SVMGPU_LLVM_VERSION, (long long)st.st_size);
	parts[0] = toolchain;
	parts[1] = "";
	parts[2] = options ? options : "";
	parts[3] = source;
	key_of(parts, key);
}

void *svmgpu_cache_get(const char *key, size_t *size)
{
	char path[4200];
	struct stat st;
	void *data = NULL;
	FILE *f;

	pthread_once(&once, init);
	if (!dir[0])
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.bin", dir, key);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && st.st_size > 0 && (data = malloc((size_t)st.st_size)) &&
	    fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
		*size = (size_t)st.st_size;
	} else {
		free(data);
		data = NULL;
	}
	fclose(f);
	return data;
}

void svmgpu_cache_put(const char *key, const void *data, size_t size)
{
	char tmp[4200], path[4200];
	FILE *f;
	bool ok;

	pthread_once(&once, init);
	if (!dir[0])
		return;
	snprintf(path, sizeof(path), "%s/%s.bin", dir, key);
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d.%lx.tmp", dir, key, (int)getpid(),
		 (unsigned long)pthread_self());
	f = fopen(tmp, "wb");
	if (!f)
		return;
	ok = fwrite(data, 1, size, f) == size;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path))
		unlink(tmp);
}
