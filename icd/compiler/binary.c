// SPDX-License-Identifier: MIT
#include "binary.h"

#include <stdlib.h>
#include <string.h>

static const char magic[8] = {'S', 'V', 'M', 'G', 'P', 'U', 'B', '1'};

struct header {
	char magic[8];
	uint32_t kind;
	uint32_t abi;
	uint64_t meta_size;
	uint64_t payload_size;
};

struct writer {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct writer *w, const void *p, size_t n)
{
	if (w->failed)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		char *b;

		while (cap < w->len + n)
			cap *= 2;
		b = realloc(w->buf, cap);
		if (!b) {
			w->failed = true;
			return;
		}
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_u64(struct writer *w, uint64_t v)
{
	put(w, &v, sizeof(v));
}

static void put_str(struct writer *w, const char *s)
{
	uint64_t n = s ? strlen(s) : 0;

	put_u64(w, n);
	put(w, s, n);
}

struct reader {
	const char *p, *end;
	bool failed;
};

static uint64_t get_u64(struct reader *r)
{
	uint64_t v = 0;

	if (r->end - r->p < 8) {
		r->failed = true;
		return 0;
	}
	memcpy(&v, r->p, 8);
	r->p += 8;
	return v;
}

static char *get_str(struct reader *r)
{
	uint64_t n = get_u64(r);
	char *s;

	if (r->failed || (uint64_t)(r->end - r->p) < n) {
		r->failed = true;
		return NULL;
	}
	s = strndup(r->p, n);
	r->p += n;
	if (!s)
		r->failed = true;
	return s;
}

void *svmgpu_binary_pack(enum svmgpu_binary_kind kind, const struct svmgpu_kernel_meta *k,
			 uint32_t nk, uint64_t globals_size, const void *payload,
			 size_t payload_size, size_t *size)
{
	struct writer meta = {0}, out = {0};
	struct header h;

	put_u64(&meta, nk);
	for (uint32_t i = 0; i < nk; i++) {
		put_str(&meta, k[i].name);
		put_str(&meta, k[i].attributes);
		put_u64(&meta, k[i].num_args);
		put_u64(&meta, k[i].uses_barrier);
		put_u64(&meta, k[i].local_mem_size);
		put_u64(&meta, k[i].private_mem_size);
		for (int d = 0; d < 3; d++) {
			put_u64(&meta, k[i].reqd_work_group_size[d]);
			put_u64(&meta, k[i].work_group_size_hint[d]);
		}
		for (uint32_t a = 0; a < k[i].num_args; a++) {
			const struct svmgpu_kernel_arg *arg = &k[i].args[a];

			put_str(&meta, arg->name);
			put_str(&meta, arg->type_name);
			put_u64(&meta, arg->address);
			put_u64(&meta, arg->access);
			put_u64(&meta, arg->type_qual);
			put_u64(&meta, arg->size);
			put_u64(&meta, (uint64_t)arg->is_pointer | (uint64_t)arg->is_local << 1);
		}
	}
	put_u64(&meta, globals_size);
	memcpy(h.magic, magic, sizeof(magic));
	h.kind = kind;
	h.abi = SVMGPU_KERNEL_ABI_VERSION;
	h.meta_size = meta.len;
	h.payload_size = payload_size;
	put(&out, &h, sizeof(h));
	put(&out, meta.buf, meta.len);
	put(&out, payload, payload_size);
	free(meta.buf);
	if (meta.failed || out.failed) {
		free(out.buf);
		return NULL;
	}
	*size = out.len;
	return out.buf;
}

static bool read_kernels(struct reader *r, struct svmgpu_kernel_meta **out, uint32_t *num)
{
	uint64_t nk = get_u64(r);
	struct svmgpu_kernel_meta *k;

	if (r->failed || nk > 65536)
		return false;
	k = calloc(nk ? nk : 1, sizeof(*k));
	if (!k)
		return false;
	*out = k;
	*num = (uint32_t)nk;
	for (uint64_t i = 0; i < nk && !r->failed; i++) {
		k[i].name = get_str(r);
		k[i].attributes = get_str(r);
		k[i].num_args = (uint32_t)get_u64(r);
		k[i].uses_barrier = get_u64(r) != 0;
		k[i].local_mem_size = get_u64(r);
		k[i].private_mem_size = get_u64(r);
		for (int d = 0; d < 3; d++) {
			k[i].reqd_work_group_size[d] = get_u64(r);
			k[i].work_group_size_hint[d] = get_u64(r);
		}
		if (r->failed || k[i].num_args > 4096)
			return false;
		k[i].args = calloc(k[i].num_args ? k[i].num_args : 1, sizeof(*k[i].args));
		if (!k[i].args)
			return false;
		for (uint32_t a = 0; a < k[i].num_args && !r->failed; a++) {
			struct svmgpu_kernel_arg *arg = &k[i].args[a];
			uint64_t flags;

			arg->name = get_str(r);
			arg->type_name = get_str(r);
			arg->address = (cl_kernel_arg_address_qualifier)get_u64(r);
			arg->access = (cl_kernel_arg_access_qualifier)get_u64(r);
			arg->type_qual = get_u64(r);
			arg->size = (uint32_t)get_u64(r);
			flags = get_u64(r);
			arg->is_pointer = flags & 1;
			arg->is_local = flags & 2;
		}
	}
	return !r->failed;
}

enum svmgpu_binary_kind svmgpu_binary_unpack(const void *binary, size_t size,
					     struct svmgpu_kernel_meta **k, uint32_t *nk,
					     uint64_t *globals_size, const void **payload,
					     size_t *payload_size)
{
	struct header h;
	struct reader r;

	if (k) {
		*k = NULL;
		*nk = 0;
	}
	if (!binary || size < sizeof(h))
		return SVMGPU_BINARY_INVALID;
	memcpy(&h, binary, sizeof(h));
	if (memcmp(h.magic, magic, sizeof(magic)) || h.abi != SVMGPU_KERNEL_ABI_VERSION ||
	    h.kind < SVMGPU_BINARY_OBJECT || h.kind > SVMGPU_BINARY_PTX ||
	    h.meta_size > size - sizeof(h) || h.payload_size != size - sizeof(h) - h.meta_size)
		return SVMGPU_BINARY_INVALID;
	r.p = (const char *)binary + sizeof(h);
	r.end = r.p + h.meta_size;
	r.failed = false;
	if (k && !read_kernels(&r, k, nk)) {
		svmgpu_kernel_meta_free(*k, *nk);
		*k = NULL;
		*nk = 0;
		return SVMGPU_BINARY_INVALID;
	}
	if (k && globals_size)
		*globals_size = get_u64(&r);
	if (payload) {
		*payload = (const char *)binary + sizeof(h) + h.meta_size;
		*payload_size = h.payload_size;
	}
	return (enum svmgpu_binary_kind)h.kind;
}

enum svmgpu_binary_kind svmgpu_binary_kind(const void *binary, size_t size)
{
	return svmgpu_binary_unpack(binary, size, NULL, NULL, NULL, NULL, NULL);
}

void svmgpu_kernel_meta_free(struct svmgpu_kernel_meta *k, uint32_t n)
{
	if (!k)
		return;
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t a = 0; k[i].args && a < k[i].num_args; a++) {
			free(k[i].args[a].name);
			free(k[i].args[a].type_name);
		}
		free(k[i].args);
		free(k[i].name);
		free(k[i].attributes);
	}
	free(k);
}
