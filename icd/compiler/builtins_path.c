// SPDX-License-Identifier: MIT
#include "builtins_path.h"

#include <dlfcn.h>
#include <libgen.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BUILTINS_NAME "svmgpu-builtins.bc"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char path[4096], id[4352];
static void *bitcode;
static size_t bitcode_size;

static bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void locate(void)
{
	const char *env = getenv("SVMGPU_BUILTINS");
	Dl_info info;
	struct stat st;
	FILE *f;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s", env);
	} else if (dladdr((void *)locate, &info) && info.dli_fname) {
		char self[4096], *dir;
		/* Build tree, installed beside the runtime, installed beside the
		 * code generator plugin. */
		static const char *const subdirs[] = {"builtins", "svmgpu", "."};

		snprintf(self, sizeof(self), "%s", info.dli_fname);
		dir = dirname(self);
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, subdirs[i], BUILTINS_NAME);
			if (exists(path))
				break;
		}
	}
	if (stat(path, &st) == 0)
		snprintf(id, sizeof(id), "%s|%lld|%lld", path, (long long)st.st_size,
			 (long long)st.st_mtime);
	f = fopen(path, "rb");
	if (!f)
		return;
	bitcode = malloc((size_t)st.st_size ? (size_t)st.st_size : 1);
	if (bitcode && fread(bitcode, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
		bitcode_size = (size_t)st.st_size;
	} else {
		free(bitcode);
		bitcode = NULL;
	}
	fclose(f);
}

const char *svmgpu_builtins_path(void)
{
	pthread_once(&once, locate);
	return path;
}

const void *svmgpu_builtins_bitcode(size_t *size)
{
	pthread_once(&once, locate);
	*size = bitcode_size;
	return bitcode;
}

const char *svmgpu_builtins_id(void)
{
	pthread_once(&once, locate);
	return id;
}

void svmgpu_builtins_sibling(const char *name, char *buf, size_t size)
{
	const char *p = svmgpu_builtins_path(), *slash = strrchr(p, '/');
	int dirlen = slash ? (int)(slash - p + 1) : 0;

	snprintf(buf, size, "%.*s%s", dirlen, p, name);
}
