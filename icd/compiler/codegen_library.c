// SPDX-License-Identifier: MIT
/* Linking a bitcode library (the built-in library) into a program: only the
 * functions the program calls, and what those call. The host's built-in
 * library holds some 11000 functions; parsing it whole took ~100 ms of
 * every build, and every later pass walked it. The first link in a process
 * parses it whole and records which function refers to which; later links
 * load it lazily, delete what the program cannot reach before any body is
 * read, and link the rest. */
#include "codegen_llvm.h"
#include "codegen_cfg.h"

#include <llvm-c/BitReader.h>
#include <llvm-c/Linker.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* What a library's functions refer to, by index into the sorted names. */
struct lib_index {
	const void *bc; /* the library indexed */
	size_t n;
	char **names;
	size_t *ref_at, *refs; /* function i's: refs[ref_at[i]] to refs[ref_at[i + 1] - 1] */
	bool *pinned;          /* used outside function bodies: always linked */
};

#define MAX_LIBS 4
static struct lib_index libs[MAX_LIBS];
static size_t nlibs;
static pthread_mutex_t libs_lock = PTHREAD_MUTEX_INITIALIZER;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static long find_name(const struct lib_index *x, const char *name)
{
	char *const *hit = bsearch(&name, x->names, x->n, sizeof(*x->names), cmp_name);

	return hit ? (long)(hit - x->names) : -1;
}

static const char *fn_name(LLVMValueRef f)
{
	size_t len;

	return LLVMGetValueName2(f, &len);
}

static void index_free(struct lib_index *x)
{
	for (size_t i = 0; x->names && i < x->n; i++)
		free(x->names[i]);
	free(x->names);
	free(x->ref_at);
	free(x->refs);
	free(x->pinned);
	*x = (struct lib_index){0};
}

/* Function f's references to the library's functions, appended to x->refs. */
static bool index_refs(struct lib_index *x, LLVMValueRef f, size_t *cap, size_t *nrefs)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
		     in = LLVMGetNextInstruction(in)) {
			int nops = LLVMGetNumOperands(in);

			for (int o = 0; o < nops; o++) {
				LLVMValueRef v = LLVMGetOperand(in, (unsigned)o);
				long j;
				size_t *r;

				if (!v || !LLVMIsAFunction(v) || (j = find_name(x, fn_name(v))) < 0)
					continue;
				r = cg_grow(x->refs, cap, *nrefs, sizeof(*r));
				if (!r)
					return false;
				x->refs = r;
				x->refs[(*nrefs)++] = (size_t)j;
			}
		}
	return true;
}

/* Whether f is used other than by instructions (an initialiser, a constant). */
static bool used_outside_bodies(LLVMValueRef f)
{
	for (LLVMUseRef u = LLVMGetFirstUse(f); u; u = LLVMGetNextUse(u))
		if (!LLVMIsAInstruction(LLVMGetUser(u)))
			return true;
	return false;
}

static bool index_build(struct lib_index *x, const void *bc, LLVMModuleRef lib)
{
	size_t cap = 0, nrefs = 0;

	*x = (struct lib_index){.bc = bc};
	for (LLVMValueRef f = LLVMGetFirstFunction(lib); f; f = LLVMGetNextFunction(f))
		x->n += !LLVMIsDeclaration(f);
	x->names = calloc(x->n + 1, sizeof(*x->names));
	x->ref_at = calloc(x->n + 1, sizeof(*x->ref_at));
	x->pinned = calloc(x->n + 1, sizeof(*x->pinned));
	if (!x->names || !x->ref_at || !x->pinned)
		goto fail;
	x->n = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(lib); f; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f) && !(x->names[x->n++] = strdup(fn_name(f))))
			goto fail;
	qsort(x->names, x->n, sizeof(*x->names), cmp_name);
	for (size_t i = 0; i < x->n; i++) {
		LLVMValueRef f = LLVMGetNamedFunction(lib, x->names[i]);

		x->ref_at[i] = nrefs;
		/* The runtime's own entry points: the code generator looks them up. */
		x->pinned[i] = used_outside_bodies(f) || !strncmp(x->names[i], "__svmgpu", 8);
		if (!index_refs(x, f, &cap, &nrefs))
			goto fail;
	}
	x->ref_at[x->n] = nrefs;
	return true;
fail:
	index_free(x);
	return false;
}

/* The index of bc, or NULL when there is none yet. */
static const struct lib_index *index_of(const void *bc)
{
	for (size_t i = 0; i < nlibs; i++)
		if (libs[i].bc == bc)
			return &libs[i];
	return NULL;
}

/* The functions of the lazily loaded lib that m cannot reach, deleted. */
static bool prune(const struct lib_index *x, LLVMModuleRef m, LLVMModuleRef lib)
{
	bool *need = calloc(x->n + 1, sizeof(*need));
	size_t *stack = calloc(x->n + 1, sizeof(*stack)), top = 0;
	LLVMValueRef next;

	if (!need || !stack) {
		free(need);
		free(stack);
		return false;
	}
	for (size_t i = 0; i < x->n; i++)
		if (x->pinned[i] && !need[i]) {
			need[i] = true;
			stack[top++] = i;
		}
	/* What m calls, and what m defines too: linking that fails, as when the
	 * library is linked whole. */
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		long i = find_name(x, fn_name(f));

		if (i >= 0 && !need[i]) {
			need[i] = true;
			stack[top++] = (size_t)i;
		}
	}
	while (top) {
		size_t i = stack[--top];

		for (size_t r = x->ref_at[i]; r < x->ref_at[i + 1]; r++)
			if (!need[x->refs[r]]) {
				need[x->refs[r]] = true;
				stack[top++] = x->refs[r];
			}
	}
	for (LLVMValueRef f = LLVMGetFirstFunction(lib); f; f = next) {
		long i = find_name(x, fn_name(f));

		next = LLVMGetNextFunction(f);
		/* Bodies not read yet: nothing uses f but what is deleted too. */
		if (i >= 0 && !need[i] && !LLVMGetFirstUse(f))
			LLVMDeleteFunction(f);
	}
	free(need);
	free(stack);
	return true;
}

bool cg_link_library(LLVMContextRef ctx, LLVMModuleRef m, const void *bc, size_t size,
		     char **log)
{
	const struct lib_index *x;
	LLVMModuleRef lib = NULL;
	bool lazy;

	pthread_mutex_lock(&libs_lock);
	x = index_of(bc);
	lazy = x != NULL;
	if (!lazy) {
		lib = cg_parse(ctx, bc, size, log);
		if (lib && nlibs < MAX_LIBS && index_build(&libs[nlibs], bc, lib))
			nlibs++;
	}
	pthread_mutex_unlock(&libs_lock);
	if (lazy) {
		/* The module owns the buffer; bc outlives it. */
		LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(bc, size, "library",
										0);

		if (LLVMGetBitcodeModuleInContext2(ctx, buf, &lib)) {
			cg_append_log(log, "%s", "svmgpu: a library is not valid LLVM bitcode\n");
			return false;
		}
		if (!prune(x, m, lib)) {
			LLVMDisposeModule(lib);
			return false;
		}
	}
	if (!lib)
		return false;
	LLVMSetTarget(lib, LLVMGetTarget(m));
	if (*LLVMGetDataLayoutStr(m))
		LLVMSetDataLayout(lib, LLVMGetDataLayoutStr(m));
	if (LLVMLinkModules2(m, lib)) {
		cg_append_log(log, "%s", "svmgpu: the program redefines a built-in function\n");
		return false;
	}
	return true;
}
