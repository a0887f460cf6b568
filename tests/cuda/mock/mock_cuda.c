// SPDX-License-Identifier: MIT
/* The CUDA driver stand-in of mock_cuda.h: the entry points the cuda device
 * loads (icd/devices/cuda/cuda_api.c), by their exported names. */
#include "mock_cuda.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
typedef struct {
	int type, id;
} CUmemLocation;

#define EXPORT __attribute__((visibility("default")))

enum {
	OK = 0,
	ERR_INVALID_VALUE = 1,
	ERR_OUT_OF_MEMORY = 2,
	ERR_INVALID_DEVICE = 101,
	ERR_INVALID_IMAGE = 200,
	ERR_NOT_FOUND = 500,
	ATTR_MAX_THREADS_PER_BLOCK = 1,
	ATTR_MAX_SHARED_PER_BLOCK = 8,
	FUNC_ATTR_MAX_DYNAMIC_SHARED = 8,
	LOC_DEVICE = 1,
};

/* An H100's figures (device attribute number, value). */
static int attrs[128] = {
	[1] = 1024, [2] = 1024, [3] = 1024, [4] = 64, [8] = 49152, [9] = 65536, [10] = 32,
	[13] = 1980000, [16] = 132, [32] = 1, [38] = 52428800, [41] = 1, [75] = 9, [76] = 0,
	[83] = 1, [86] = 0, [88] = 0, [89] = 1, [91] = 1, [97] = 232448,
};

static struct {
	int alloc, module, launch, prefetch, reg, copy, memset;
} fail;

struct module;

struct entry {
	struct module *module;
	char name[64];
	unsigned num_params, param_size[MOCK_CUDA_MAX_PARAMS];
	int dynamic_limit;
};

struct module {
	unsigned num_entries;
	struct entry entries[64];
	unsigned char *geometry;
	size_t geometry_size;
};

static struct mock_cuda_record rec;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int dummy_ctx, dummy_stream;

EXPORT struct mock_cuda_record *mock_cuda_record(void)
{
	return &rec;
}

/* One more call of a kind (calls come from the runtime's worker threads). */
static void count(unsigned *counter)
{
	pthread_mutex_lock(&lock);
	(*counter)++;
	pthread_mutex_unlock(&lock);
}

EXPORT void mock_cuda_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(&rec, 0, sizeof(rec));
	pthread_mutex_unlock(&lock);
}

/* "a=1,b=2": calls set(key, value) for each pair. */
static void parse_pairs(const char *s, void (*set)(const char *key, size_t len, long v))
{
	while (s && *s) {
		const char *eq = strchr(s, '='), *comma = strchr(s, ',');

		if (!eq || (comma && comma < eq))
			return;
		set(s, (size_t)(eq - s), strtol(eq + 1, NULL, 0));
		s = comma ? comma + 1 : NULL;
	}
}

static void set_attr(const char *key, size_t len, long v)
{
	long id = strtol(key, NULL, 10);

	(void)len;
	if (id > 0 && id < 128)
		attrs[id] = (int)v;
}

static void set_fail(const char *key, size_t len, long v)
{
	static const struct {
		const char *name;
		int *slot;
	} names[] = {{"alloc", &fail.alloc}, {"module", &fail.module}, {"launch", &fail.launch},
		     {"prefetch", &fail.prefetch}, {"register", &fail.reg}, {"copy", &fail.copy},
		     {"memset", &fail.memset}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len && !strncmp(key, names[i].name, len))
			*names[i].slot = (int)v;
}

EXPORT CUresult cuInit(unsigned flags)
{
	parse_pairs(getenv("MOCK_CUDA_ATTRS"), set_attr);
	parse_pairs(getenv("MOCK_CUDA_FAIL"), set_fail);
	return flags ? ERR_INVALID_VALUE : OK;
}

EXPORT CUresult cuDriverGetVersion(int *v)
{
	*v = 13000;
	return OK;
}

EXPORT CUresult cuDeviceGetCount(int *n)
{
	*n = 1;
	return OK;
}

EXPORT CUresult cuDeviceGet(int *d, int ordinal)
{
	*d = ordinal;
	return ordinal == 0 ? OK : ERR_INVALID_DEVICE;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, int d)
{
	snprintf(name, (size_t)len, "Mock GPU %d", d);
	return OK;
}

EXPORT CUresult cuDeviceGetAttribute(int *v, int attr, int d)
{
	if (d != 0 || attr <= 0 || attr >= 128)
		return ERR_INVALID_VALUE;
	*v = attrs[attr];
	return OK;
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t *bytes, int d)
{
	*bytes = (size_t)8 << 30;
	return d == 0 ? OK : ERR_INVALID_DEVICE;
}

EXPORT CUresult cuDevicePrimaryCtxRetain(void **c, int d)
{
	*c = &dummy_ctx;
	return d == 0 ? OK : ERR_INVALID_DEVICE;
}

EXPORT CUresult cuCtxSetCurrent(void *c)
{
	return c == &dummy_ctx ? OK : ERR_INVALID_VALUE;
}

EXPORT CUresult cuStreamCreate(void **s, unsigned flags)
{
	(void)flags;
	*s = &dummy_stream;
	return OK;
}

EXPORT CUresult cuStreamSynchronize(void *s)
{
	return s == &dummy_stream ? OK : ERR_INVALID_VALUE;
}

/* Managed memory is host memory here, zeroed as the driver's is. */
EXPORT CUresult cuMemAllocManaged(CUdeviceptr *p, size_t size, unsigned flags)
{
	void *m;

	if (fail.alloc)
		return fail.alloc;
	if (!size || flags != 1)
		return ERR_INVALID_VALUE;
	m = aligned_alloc(256, (size + 255) & ~(size_t)255);
	if (!m)
		return ERR_OUT_OF_MEMORY;
	memset(m, 0, size);
	*p = (CUdeviceptr)(uintptr_t)m;
	pthread_mutex_lock(&lock);
	rec.managed_allocs++;
	rec.managed_live++;
	pthread_mutex_unlock(&lock);
	return OK;
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr p)
{
	free((void *)(uintptr_t)p);
	pthread_mutex_lock(&lock);
	rec.managed_frees++;
	rec.managed_live--;
	pthread_mutex_unlock(&lock);
	return OK;
}

EXPORT CUresult cuMemHostRegister_v2(void *p, size_t size, unsigned flags)
{
	(void)p;
	(void)size;
	(void)flags;
	if (fail.reg)
		return fail.reg;
	count(&rec.host_registers);
	return OK;
}

EXPORT CUresult cuMemHostUnregister(void *p)
{
	(void)p;
	count(&rec.host_unregisters);
	return OK;
}

EXPORT CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t size)
{
	if (fail.copy)
		return fail.copy;
	memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, size);
	count(&rec.memcpys);
	return OK;
}

EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t size, void *s)
{
	if (s != &dummy_stream)
		return ERR_INVALID_VALUE;
	memcpy((void *)(uintptr_t)dst, src, size);
	count(&rec.geometry_writes);
	return OK;
}

EXPORT CUresult cuMemsetD8_v2(CUdeviceptr p, unsigned char v, size_t n)
{
	if (fail.memset)
		return fail.memset;
	memset((void *)(uintptr_t)p, v, n);
	count(&rec.memsets8);
	return OK;
}

EXPORT CUresult cuMemsetD32_v2(CUdeviceptr p, unsigned v, size_t n)
{
	unsigned *w = (unsigned *)(uintptr_t)p;

	if (fail.memset)
		return fail.memset;
	for (size_t i = 0; i < n; i++)
		w[i] = v;
	count(&rec.memsets32);
	return OK;
}

EXPORT CUresult cuMemPrefetchAsync_v2(CUdeviceptr p, size_t size, CUmemLocation loc,
				      unsigned flags, void *s)
{
	if (flags || s != &dummy_stream)
		return ERR_INVALID_VALUE;
	if (fail.prefetch)
		return fail.prefetch;
	pthread_mutex_lock(&lock);
	if (loc.type == LOC_DEVICE)
		rec.prefetch_device++;
	else
		rec.prefetch_host++;
	rec.last_prefetch_ptr = p;
	rec.last_prefetch_size = size;
	pthread_mutex_unlock(&lock);
	return OK;
}

/* Bytes of one PTX parameter declaration (".param .u64 k_param_0",
 * ".param .align 16 .b8 k_param_1[16]"). */
static unsigned param_bytes(const char *p, const char *end)
{
	static const struct {
		const char *type;
		unsigned bytes;
	} types[] = {{".u64", 8}, {".b64", 8}, {".s64", 8}, {".f64", 8}, {".u32", 4},
		     {".b32", 4}, {".s32", 4}, {".f32", 4}, {".u16", 2}, {".b16", 2},
		     {".s16", 2}, {".u8", 1}, {".b8", 1}, {".s8", 1}};
	const char *bracket = memchr(p, '[', (size_t)(end - p));

	if (bracket)
		return (unsigned)strtoul(bracket + 1, NULL, 10);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const char *t = memmem(p, (size_t)(end - p), types[i].type, strlen(types[i].type));

		if (t && (t[strlen(types[i].type)] == ' ' || t[strlen(types[i].type)] == '\t'))
			return types[i].bytes;
	}
	return 0;
}

/* Each ".entry name(params)" of the PTX text. */
static bool parse_entries(struct module *m, const char *ptx)
{
	for (const char *e = strstr(ptx, ".entry "); e; e = strstr(e + 1, ".entry ")) {
		struct entry *en = &m->entries[m->num_entries];
		const char *name = e + 7, *open = strchr(name, '('), *close, *p;

		if (!open || m->num_entries == 64 || open - name >= (long)sizeof(en->name))
			return false;
		memcpy(en->name, name, (size_t)(open - name));
		en->name[open - name] = 0;
		close = strchr(open, ')');
		if (!close)
			return false;
		for (p = strstr(open, ".param"); p && p < close; p = strstr(p + 1, ".param")) {
			const char *next = strpbrk(p, ",)");

			if (en->num_params == MOCK_CUDA_MAX_PARAMS)
				return false;
			en->param_size[en->num_params++] = param_bytes(p, next);
		}
		en->module = m;
		en->dynamic_limit = attrs[ATTR_MAX_SHARED_PER_BLOCK];
		m->num_entries++;
	}
	return m->num_entries > 0;
}

EXPORT CUresult cuModuleLoadDataEx(void **mod, const void *image, unsigned n, int *options,
				   void **values)
{
	const char *ptx = image, *g;
	struct module *m;

	(void)n;
	(void)options;
	(void)values;
	if (fail.module)
		return fail.module;
	if (!strstr(ptx, "// Generated by LLVM NVPTX") || !strstr(ptx, ".version"))
		return ERR_INVALID_IMAGE;
	m = calloc(1, sizeof(*m));
	if (!m)
		return ERR_OUT_OF_MEMORY;
	if (!parse_entries(m, ptx)) {
		free(m);
		return ERR_INVALID_IMAGE;
	}
	g = strstr(ptx, "__svmgpu_geom[");
	if (g) {
		m->geometry_size = strtoul(g + 14, NULL, 10);
		m->geometry = calloc(1, m->geometry_size ? m->geometry_size : 1);
	}
	*mod = m;
	count(&rec.modules_loaded);
	return OK;
}

EXPORT CUresult cuModuleUnload(void *mod)
{
	struct module *m = mod;

	free(m->geometry);
	free(m);
	count(&rec.modules_unloaded);
	return OK;
}

EXPORT CUresult cuModuleGetFunction(void **f, void *mod, const char *name)
{
	struct module *m = mod;

	for (unsigned i = 0; i < m->num_entries; i++)
		if (!strcmp(m->entries[i].name, name)) {
			*f = &m->entries[i];
			return OK;
		}
	return ERR_NOT_FOUND;
}

EXPORT CUresult cuModuleGetGlobal_v2(CUdeviceptr *p, size_t *size, void *mod, const char *name)
{
	struct module *m = mod;

	if (strcmp(name, "__svmgpu_geom") || !m->geometry)
		return ERR_NOT_FOUND;
	*p = (CUdeviceptr)(uintptr_t)m->geometry;
	*size = m->geometry_size;
	return OK;
}

EXPORT CUresult cuFuncGetAttribute(int *v, int attr, void *f)
{
	(void)f;
	*v = 0; /* no static shared memory: the kernels' __local is dynamic */
	return attr == 1 ? OK : ERR_INVALID_VALUE;
}

EXPORT CUresult cuFuncSetAttribute(void *f, int attr, int v)
{
	struct entry *en = f;

	if (attr != FUNC_ATTR_MAX_DYNAMIC_SHARED || v < 0 || v > attrs[97])
		return ERR_INVALID_VALUE;
	en->dynamic_limit = v;
	return OK;
}

/* Checks the launch as the driver would, and records it; runs nothing. */
EXPORT CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
			       unsigned by, unsigned bz, unsigned shared, void *s, void **params,
			       void **extra)
{
	struct entry *en = f;
	struct module *m = en->module;
	struct mock_cuda_launch *l;

	if (fail.launch)
		return fail.launch;
	if (s != &dummy_stream || extra || !gx || !gy || !gz || !bx || !by || !bz ||
	    (unsigned long)bx * by * bz > (unsigned long)attrs[ATTR_MAX_THREADS_PER_BLOCK] ||
	    shared > (unsigned)en->dynamic_limit || (en->num_params && !params))
		return ERR_INVALID_VALUE;
	pthread_mutex_lock(&lock);
	if (rec.num_launches < MOCK_CUDA_MAX_LAUNCHES) {
		l = &rec.launch[rec.num_launches];
		memset(l, 0, sizeof(*l));
		snprintf(l->entry, sizeof(l->entry), "%s", en->name);
		l->grid[0] = gx, l->grid[1] = gy, l->grid[2] = gz;
		l->block[0] = bx, l->block[1] = by, l->block[2] = bz;
		l->shared = shared;
		l->dynamic_shared_limit = en->dynamic_limit;
		l->num_params = en->num_params;
		for (unsigned i = 0; i < en->num_params; i++) {
			l->param_size[i] = en->param_size[i];
			memcpy(&l->param[i], params[i], en->param_size[i] < 8 ? en->param_size[i] : 8);
		}
		if (m->geometry)
			memcpy(l->geometry, m->geometry,
			       m->geometry_size < sizeof(l->geometry) ? m->geometry_size
								      : sizeof(l->geometry));
	}
	rec.num_launches++;
	pthread_mutex_unlock(&lock);
	return OK;
}

EXPORT CUresult cuGetErrorString(CUresult r, const char **s)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "CUDA error %d (mock driver)", r);
	*s = buf;
	return OK;
}
