// SPDX-License-Identifier: MIT
/* What every code generator of the plugin shares: reading and linking
 * bitcode, LLVM's diagnostics in the build log, and the kernels' metadata
 * (clang's !kernel_arg_* nodes, in OpenCL's address-space numbering on every
 * target). */
#include "codegen_llvm.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Linker.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_append_log(char **log, const char *fmt, const char *arg)
{
	char *msg, *joined;

	if (!log || asprintf(&msg, fmt, arg) < 0)
		return;
	if (asprintf(&joined, "%s%s", *log ? *log : "", msg) >= 0) {
		free(*log);
		*log = joined;
	}
	free(msg);
}

LLVMModuleRef cg_parse(LLVMContextRef ctx, const void *bc, size_t size, char **log)
{
	LLVMMemoryBufferRef buf =
		LLVMCreateMemoryBufferWithMemoryRangeCopy(bc, size, "svmgpu-object");
	LLVMModuleRef m = NULL;

	if (LLVMParseBitcodeInContext2(ctx, buf, &m)) {
		cg_append_log(log, "%s", "svmgpu: an object is not valid LLVM bitcode\n");
		m = NULL;
	}
	LLVMDisposeMemoryBuffer(buf);
	return m;
}

/* LLVM's diagnostics (the linker's "symbol multiply defined: f") go to
 * the build log. */
static void diagnostic_to_log(LLVMDiagnosticInfoRef info, void *log)
{
	char *msg;

	/* Remarks and notes (instruction counts...) are not for the log. */
	if (LLVMGetDiagInfoSeverity(info) != LLVMDSError)
		return;
	msg = LLVMGetDiagInfoDescription(info);

	cg_append_log(log, "svmgpu: %s\n", msg);
	LLVMDisposeMessage(msg);
}

/* Links every module into the first; NULL on failure. */
LLVMModuleRef cg_link_all(LLVMContextRef ctx, size_t n, const void *const *bcs,
			      const size_t *sizes, char **log)
{
	LLVMModuleRef dst = NULL;

	LLVMContextSetDiagnosticHandler(ctx, diagnostic_to_log, log);
	for (size_t i = 0; i < n; i++) {
		LLVMModuleRef m = cg_parse(ctx, bcs[i], sizes[i], log);

		if (!m)
			goto fail;
		if (!dst) {
			dst = m;
		} else if (LLVMLinkModules2(dst, m)) {
			cg_append_log(log, "%s", "svmgpu: linking the objects failed\n");
			goto fail;
		}
	}
	return dst;
fail:
	if (dst)
		LLVMDisposeModule(dst);
	return NULL;
}

cl_int svmgpu_codegen_link_bitcode(size_t n, const void *const *bcs, const size_t *sizes,
				   void **out, size_t *out_size, char **log)
{
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMModuleRef m = cg_link_all(ctx, n, bcs, sizes, log);
	LLVMMemoryBufferRef buf;
	cl_int err = CL_LINK_PROGRAM_FAILURE;

	if (m) {
		buf = LLVMWriteBitcodeToMemoryBuffer(m);
		*out_size = LLVMGetBufferSize(buf);
		*out = malloc(*out_size);
		if (*out) {
			memcpy(*out, LLVMGetBufferStart(buf), *out_size);
			err = CL_SUCCESS;
		} else {
			err = CL_OUT_OF_HOST_MEMORY;
		}
		LLVMDisposeMemoryBuffer(buf);
		LLVMDisposeModule(m);
	}
	LLVMContextDispose(ctx);
	return err;
}

/* ---- kernel metadata ---- */

static LLVMValueRef kernel_md(LLVMContextRef ctx, LLVMValueRef fn, const char *kind)
{
	unsigned id = LLVMGetMDKindIDInContext(ctx, kind, (unsigned)strlen(kind));
	size_t n;
	LLVMValueMetadataEntry *e = LLVMGlobalCopyAllMetadata(fn, &n);
	LLVMValueRef v = NULL;

	for (size_t i = 0; i < n; i++)
		if (LLVMValueMetadataEntriesGetKind(e, (unsigned)i) == id)
			v = LLVMMetadataAsValue(ctx, LLVMValueMetadataEntriesGetMetadata(e, (unsigned)i));
	if (e)
		LLVMDisposeValueMetadataEntries(e);
	return v;
}

static LLVMValueRef md_op(LLVMValueRef node, unsigned i)
{
	LLVMValueRef ops[64], *all = ops, v = NULL;
	unsigned n;

	if (!node)
		return NULL;
	n = LLVMGetMDNodeNumOperands(node);
	if (i >= n)
		return NULL;
	if (n > 64)
		all = malloc(n * sizeof(*all));
	if (!all)
		return NULL;
	LLVMGetMDNodeOperands(node, all);
	v = all[i];
	if (all != ops)
		free(all);
	return v;
}

static char *md_str(LLVMValueRef node, unsigned i)
{
	LLVMValueRef v = md_op(node, i);
	unsigned len = 0;
	const char *s = v ? LLVMGetMDString(v, &len) : NULL;

	return s ? strndup(s, len) : strdup("");
}

static uint64_t md_int(LLVMValueRef node, unsigned i)
{
	LLVMValueRef v = md_op(node, i);

	return v && LLVMIsAConstantInt(v) ? LLVMConstIntGetZExtValue(v) : 0;
}

static cl_kernel_arg_address_qualifier address_of(uint64_t as)
{
	switch (as) {
	case 1: return CL_KERNEL_ARG_ADDRESS_GLOBAL;
	case 2: return CL_KERNEL_ARG_ADDRESS_CONSTANT;
	case 3: return CL_KERNEL_ARG_ADDRESS_LOCAL;
	default: return CL_KERNEL_ARG_ADDRESS_PRIVATE;
	}
}

static cl_kernel_arg_access_qualifier access_of(const char *s)
{
	if (!strcmp(s, "read_only"))
		return CL_KERNEL_ARG_ACCESS_READ_ONLY;
	if (!strcmp(s, "write_only"))
		return CL_KERNEL_ARG_ACCESS_WRITE_ONLY;
	if (!strcmp(s, "read_write"))
		return CL_KERNEL_ARG_ACCESS_READ_WRITE;
	return CL_KERNEL_ARG_ACCESS_NONE;
}

static cl_kernel_arg_type_qualifier type_qual_of(const char *s, bool pointer)
{
	cl_kernel_arg_type_qualifier q = CL_KERNEL_ARG_TYPE_NONE;

	if (strstr(s, "const"))
		q |= CL_KERNEL_ARG_TYPE_CONST;
	if (strstr(s, "restrict"))
		q |= CL_KERNEL_ARG_TYPE_RESTRICT;
	if (strstr(s, "volatile"))
		q |= CL_KERNEL_ARG_TYPE_VOLATILE;
	if (strstr(s, "pipe"))
		q |= CL_KERNEL_ARG_TYPE_PIPE;
	(void)pointer;
	return q;
}

unsigned cg_attr_kind(const char *name)
{
	return LLVMGetEnumAttributeKindForName(name, strlen(name));
}

LLVMAttributeRef cg_param_attr(LLVMValueRef fn, unsigned i, const char *name)
{
	return LLVMGetEnumAttributeAtIndex(fn, i + 1, cg_attr_kind(name));
}

bool cg_debugging(void)
{
	const char *v = getenv("SVMGPU_DEBUG");

	return v && *v && *v != '0';
}

void cg_force_inline(LLVMContextRef ctx, LLVMValueRef fn)
{
	LLVMRemoveEnumAttributeAtIndex(fn, LLVMAttributeFunctionIndex, cg_attr_kind("noinline"));
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(ctx, cg_attr_kind("alwaysinline"), 0));
}

void cg_copy_attributes(LLVMValueRef from, LLVMValueRef to, bool (*keep)(LLVMAttributeRef a))
{
	long last = (long)LLVMCountParams(from);

	for (long idx = -1; idx <= last; idx++) {
		LLVMAttributeIndex at = idx < 0 ? (LLVMAttributeIndex)LLVMAttributeFunctionIndex
						: (LLVMAttributeIndex)idx;
		unsigned count = LLVMGetAttributeCountAtIndex(from, at);
		LLVMAttributeRef *attrs;

		if (!count)
			continue;
		attrs = calloc(count, sizeof(*attrs));
		if (!attrs)
			continue;
		LLVMGetAttributesAtIndex(from, at, attrs);
		for (unsigned a = 0; a < count; a++)
			if (!keep || keep(attrs[a]))
				LLVMAddAttributeAtIndex(to, at, attrs[a]);
		free(attrs);
	}
}

const char *cg_callee_name(LLVMValueRef call)
{
	LLVMValueRef callee = LLVMGetCalledValue(call);
	size_t len;

	return callee && LLVMIsAFunction(callee) ? LLVMGetValueName2(callee, &len) : NULL;
}

/* vec_type_hint(T) from clang's !vec_type_hint {T undef, i32 signed}. */
static void vec_type_hint(LLVMValueRef node, char *out, size_t size, bool space)
{
	LLVMValueRef v = md_op(node, 0);
	LLVMTypeRef t, e;
	unsigned n = 1, bits;
	bool is_signed = md_int(node, 1) != 0;
	const char *name;

	if (!v)
		return;
	t = e = LLVMTypeOf(v);
	if (LLVMGetTypeKind(t) == LLVMVectorTypeKind) {
		n = LLVMGetVectorSize(t);
		e = LLVMGetElementType(t);
	}
	switch (LLVMGetTypeKind(e)) {
	case LLVMHalfTypeKind: name = "half"; break;
	case LLVMFloatTypeKind: name = "float"; break;
	case LLVMDoubleTypeKind: name = "double"; break;
	case LLVMIntegerTypeKind:
		bits = LLVMGetIntTypeWidth(e);
		name = bits == 8 ? (is_signed ? "char" : "uchar")
		       : bits == 16 ? (is_signed ? "short" : "ushort")
		       : bits == 32 ? (is_signed ? "int" : "uint")
				    : (is_signed ? "long" : "ulong");
		break;
	default:
		return;
	}
	if (n > 1)
		snprintf(out, size, "%svec_type_hint(%s%u)", space ? " " : "", name, n);
	else
		snprintf(out, size, "%svec_type_hint(%s)", space ? " " : "", name);
}

bool cg_fill_meta(LLVMContextRef ctx, LLVMTargetDataRef td, LLVMValueRef fn,
		      struct svmgpu_kernel_meta *k)
{
	LLVMValueRef as = kernel_md(ctx, fn, "kernel_arg_addr_space");
	LLVMValueRef acc = kernel_md(ctx, fn, "kernel_arg_access_qual");
	LLVMValueRef ty = kernel_md(ctx, fn, "kernel_arg_type");
	LLVMValueRef tq = kernel_md(ctx, fn, "kernel_arg_type_qual");
	LLVMValueRef nm = kernel_md(ctx, fn, "kernel_arg_name");
	LLVMValueRef reqd = kernel_md(ctx, fn, "reqd_work_group_size");
	LLVMValueRef hint = kernel_md(ctx, fn, "work_group_size_hint");
	size_t len;
	const char *name = LLVMGetValueName2(fn, &len);
	char attrs[256] = "";

	k->name = strndup(name, len);
	k->num_args = LLVMCountParams(fn);
	k->args = calloc(k->num_args ? k->num_args : 1, sizeof(*k->args));
	if (!k->name || !k->args)
		return false;
	for (unsigned i = 0; i < k->num_args; i++) {
		struct svmgpu_kernel_arg *a = &k->args[i];
		LLVMTypeRef t = LLVMTypeOf(LLVMGetParam(fn, i));
		LLVMAttributeRef byval = cg_param_attr(fn, i, "byval");
		char *qual = md_str(tq, i), *access = md_str(acc, i);

		a->name = md_str(nm, i);
		a->type_name = md_str(ty, i);
		a->address = address_of(md_int(as, i));
		a->access = access_of(access ? access : "none");
		free(access);
		a->is_local = a->address == CL_KERNEL_ARG_ADDRESS_LOCAL;
		a->is_pointer = !a->is_local && !byval &&
				LLVMGetTypeKind(t) == LLVMPointerTypeKind;
		a->type_qual = type_qual_of(qual ? qual : "", a->is_pointer);
		free(qual);
		if (byval)
			a->size = (uint32_t)LLVMABISizeOfType(td, LLVMGetTypeAttributeValue(byval));
		else if (a->is_pointer || a->is_local)
			a->size = sizeof(void *);
		else
			a->size = (uint32_t)LLVMABISizeOfType(td, t);
		if (!a->name || !a->type_name)
			return false;
	}
	for (int d = 0; d < 3; d++) {
		k->reqd_work_group_size[d] = md_int(reqd, (unsigned)d);
		k->work_group_size_hint[d] = md_int(hint, (unsigned)d);
	}
	if (reqd)
		snprintf(attrs, sizeof(attrs), "reqd_work_group_size(%llu,%llu,%llu)",
			 (unsigned long long)k->reqd_work_group_size[0],
			 (unsigned long long)k->reqd_work_group_size[1],
			 (unsigned long long)k->reqd_work_group_size[2]);
	if (hint)
		snprintf(attrs + strlen(attrs), sizeof(attrs) - strlen(attrs),
			 "%swork_group_size_hint(%llu,%llu,%llu)", *attrs ? " " : "",
			 (unsigned long long)k->work_group_size_hint[0],
			 (unsigned long long)k->work_group_size_hint[1],
			 (unsigned long long)k->work_group_size_hint[2]);
	vec_type_hint(kernel_md(ctx, fn, "vec_type_hint"), attrs + strlen(attrs),
		      sizeof(attrs) - strlen(attrs), *attrs != 0);
	k->attributes = strdup(attrs);
	return k->attributes != NULL;
}

uint32_t cg_count_kernels(LLVMModuleRef m)
{
	uint32_t n = 0;

	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		n += cg_is_kernel(f);
	return n;
}

cl_int cg_collect_kernels(LLVMContextRef ctx, LLVMModuleRef m, LLVMTargetDataRef td,
			  struct svmgpu_kernel_meta **out, uint32_t *num)
{
	uint32_t nk = cg_count_kernels(m), i = 0;
	struct svmgpu_kernel_meta *k = calloc(nk ? nk : 1, sizeof(*k));

	*out = NULL;
	*num = 0;
	if (!k)
		return CL_OUT_OF_HOST_MEMORY;
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		if (!cg_is_kernel(f))
			continue;
		if (!cg_fill_meta(ctx, td, f, &k[i++])) {
			svmgpu_kernel_meta_free(k, i);
			return CL_OUT_OF_HOST_MEMORY;
		}
	}
	*out = k;
	*num = nk;
	return CL_SUCCESS;
}

bool cg_run_pipeline(LLVMModuleRef m, LLVMTargetMachineRef tm, const char *pipeline,
		     bool vectorize, const char *failed, char **log)
{
	LLVMPassBuilderOptionsRef popts = LLVMCreatePassBuilderOptions();
	LLVMErrorRef perr;

	LLVMPassBuilderOptionsSetLoopVectorization(popts, vectorize);
	LLVMPassBuilderOptionsSetSLPVectorization(popts, vectorize);
	perr = LLVMRunPasses(m, pipeline, tm, popts);
	LLVMDisposePassBuilderOptions(popts);
	if (perr) {
		char *pm = LLVMGetErrorMessage(perr);

		cg_append_log(log, failed, pm);
		LLVMDisposeErrorMessage(pm);
		return false;
	}
	return true;
}

bool cg_run_passes(LLVMModuleRef m, LLVMTargetMachineRef tm, bool optimize, char **log)
{
	return cg_run_pipeline(m, tm, optimize ? "default<O3>" : "default<O0>", optimize,
			       "svmgpu: optimisation failed: %s\n", log);
}

uint64_t cg_globals_size(LLVMModuleRef m, LLVMTargetDataRef td)
{
	uint64_t total = 0;
	size_t len;

	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
		const char *name = LLVMGetValueName2(g, &len);

		if (LLVMIsDeclaration(g) || LLVMGetPointerAddressSpace(LLVMTypeOf(g)) != 1 ||
		    !strncmp(name, "__svmgpu", 8))
			continue;
		total += LLVMABISizeOfType(td, LLVMGlobalGetValueType(g));
	}
	return total;
}

void cg_internalise(LLVMModuleRef m, bool (*keep)(LLVMValueRef v))
{
	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
		if (!LLVMIsDeclaration(f) && !keep(f))
			LLVMSetLinkage(f, LLVMInternalLinkage);
	for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g))
		if (!LLVMIsDeclaration(g) && !keep(g))
			LLVMSetLinkage(g, LLVMInternalLinkage);
}

bool cg_check_unresolved(LLVMModuleRef m, const char *(*unresolved)(const char *name),
			 char **log)
{
	bool ok = true;
	size_t len;

	for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
		const char *name = LLVMGetValueName2(f, &len), *why;

		if (!LLVMIsDeclaration(f) || LLVMGetIntrinsicID(f) || !LLVMGetFirstUse(f))
			continue;
		why = unresolved(name);
		if (why) {
			cg_append_log(log, why, name);
			ok = false;
		}
	}
	return ok;
}

/* SVMGPU_DUMP_IR=file: the optimised module of each build, for those who
 * work on the code generators (appended; a cached build does not come here);
 * SVMGPU_DUMP_IR_BEFORE=file: the module the optimiser gets, to replay with
 * opt (its remarks say why a loop does not vectorise). */
static void dump_module(LLVMModuleRef m, const char *var)
{
	const char *path = getenv(var);
	char *text;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "ae");
	if (!f)
		return;
	text = LLVMPrintModuleToString(m);
	fputs(text, f);
	LLVMDisposeMessage(text);
	fclose(f);
}

cl_int cg_emit(LLVMModuleRef m, LLVMTargetMachineRef tm, bool optimize,
	       const char *(*unresolved)(const char *name), LLVMCodeGenFileType type,
	       char **out, size_t *size, char **log)
{
	LLVMMemoryBufferRef buf = NULL;
	char *msg = NULL;
	cl_int err = CL_BUILD_PROGRAM_FAILURE;

	*out = NULL;
	if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
		cg_append_log(log, "svmgpu: internal error, invalid module: %s\n", msg);
		goto done;
	}
	LLVMDisposeMessage(msg);
	msg = NULL;
	dump_module(m, "SVMGPU_DUMP_IR_BEFORE");
	if (!cg_run_passes(m, tm, optimize, log) || !cg_check_unresolved(m, unresolved, log))
		goto done;
	dump_module(m, "SVMGPU_DUMP_IR");
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, m, type, &msg, &buf)) {
		cg_append_log(log, "svmgpu: code generation failed: %s\n", msg);
		goto done;
	}
	*size = LLVMGetBufferSize(buf);
	*out = malloc(*size + 1);
	if (!*out) {
		err = CL_OUT_OF_HOST_MEMORY;
		goto done;
	}
	memcpy(*out, LLVMGetBufferStart(buf), *size);
	(*out)[*size] = 0;
	err = CL_SUCCESS;
done:
	if (msg)
		LLVMDisposeMessage(msg);
	if (buf)
		LLVMDisposeMemoryBuffer(buf);
	return err;
}
