// SPDX-License-Identifier: MIT
/* Compiled objects and libraries (binary.h): LLVM bitcode for each ISA the
 * program's devices run, so that clLinkProgram can build for every one of
 * them. The payload: a magic, the bitcode sizes by ISA (0: absent), then
 * the bitcodes in ISA order. A payload of bare bitcode (the older form)
 * holds the host's only. */
#include "binary.h"

#include <stdlib.h>
#include <string.h>

static const char object_magic[8] = {'S', 'V', 'M', 'O', 'B', 'J', 0, 1};

void *svmgpu_object_pack(enum svmgpu_binary_kind kind, const void *const bcs[SVMGPU_ISA_COUNT],
			 const size_t sizes[SVMGPU_ISA_COUNT], size_t *size)
{
	size_t total = sizeof(object_magic) + SVMGPU_ISA_COUNT * sizeof(uint64_t), at;
	char *payload;
	void *bin;

	for (int i = 0; i < SVMGPU_ISA_COUNT; i++)
		total += bcs[i] ? sizes[i] : 0;
	payload = malloc(total);
	if (!payload)
		return NULL;
	memcpy(payload, object_magic, sizeof(object_magic));
	at = sizeof(object_magic) + SVMGPU_ISA_COUNT * sizeof(uint64_t);
	for (int i = 0; i < SVMGPU_ISA_COUNT; i++) {
		uint64_t n = bcs[i] ? sizes[i] : 0;

		memcpy(payload + sizeof(object_magic) + (size_t)i * sizeof(uint64_t), &n, sizeof(n));
		if (n)
			memcpy(payload + at, bcs[i], n);
		at += n;
	}
	bin = svmgpu_binary_pack(kind, NULL, 0, 0, payload, total, size);
	free(payload);
	return bin;
}

enum svmgpu_binary_kind svmgpu_object_bitcode(const void *binary, size_t size,
					      enum svmgpu_isa isa, const void **bc,
					      size_t *bc_size)
{
	const void *payload;
	size_t len, head = sizeof(object_magic) + SVMGPU_ISA_COUNT * sizeof(uint64_t), at;
	enum svmgpu_binary_kind kind = svmgpu_binary_unpack(binary, size, NULL, NULL, NULL,
							    &payload, &len);

	*bc = NULL;
	*bc_size = 0;
	if (kind != SVMGPU_BINARY_OBJECT && kind != SVMGPU_BINARY_LIBRARY)
		return SVMGPU_BINARY_INVALID;
	if (len < head || memcmp(payload, object_magic, sizeof(object_magic))) {
		if (isa == SVMGPU_ISA_HOST) { /* bare bitcode */
			*bc = payload;
			*bc_size = len;
		}
		return kind;
	}
	at = head;
	for (int i = 0; i < SVMGPU_ISA_COUNT; i++) {
		uint64_t n;

		memcpy(&n, (const char *)payload + sizeof(object_magic) + (size_t)i * sizeof(n),
		       sizeof(n));
		if (n > len - at)
			return SVMGPU_BINARY_INVALID;
		if (i == (int)isa && n) {
			*bc = (const char *)payload + at;
			*bc_size = n;
		}
		at += n;
	}
	return kind;
}

unsigned svmgpu_object_isas(const void *binary, size_t size)
{
	unsigned isas = 0;

	for (int i = 0; i < SVMGPU_ISA_COUNT; i++) {
		const void *bc;
		size_t n;

		if (svmgpu_object_bitcode(binary, size, (enum svmgpu_isa)i, &bc, &n) !=
			    SVMGPU_BINARY_INVALID &&
		    bc)
			isas |= 1u << i;
	}
	return isas;
}
