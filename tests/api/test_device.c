// SPDX-License-Identifier: MIT
/* Devices: enumeration by type, every OpenCL 3.0 clGetDeviceInfo query with
 * its exact size, the values the CPU device must report (SVM, atomics,
 * features consistent with capabilities, the machine's own figures),
 * partitioning, timers, the device's fill operation at every alignment, and
 * the image, sampler and pipe entry points of a device without them. */
#include "testutil.h"
#include <CL/cl_icd.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fake {
	const cl_icd_dispatch *dispatch;
	cl_uint magic, refcount;
};

enum kind { STR, NV, FIXED, EMPTY_OK };

/* Every query, with the size of its answer (0 for strings / lists). */
static const struct query {
	cl_device_info name;
	const char *what;
	enum kind kind;
	size_t size;
} queries[] = {
#define Q(n, k, s) {n, #n, k, s}
	Q(CL_DEVICE_TYPE, FIXED, sizeof(cl_device_type)),
	Q(CL_DEVICE_VENDOR_ID, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_COMPUTE_UNITS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_WORK_GROUP_SIZE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_MAX_WORK_ITEM_SIZES, FIXED, 3 * sizeof(size_t)),
	Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_INT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_CLOCK_FREQUENCY, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_ADDRESS_BITS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_MEM_ALLOC_SIZE, FIXED, sizeof(cl_ulong)),
	Q(CL_DEVICE_IMAGE_SUPPORT, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_MAX_READ_IMAGE_ARGS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_WRITE_IMAGE_ARGS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_READ_WRITE_IMAGE_ARGS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_IMAGE2D_MAX_WIDTH, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_IMAGE2D_MAX_HEIGHT, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_IMAGE3D_MAX_WIDTH, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_IMAGE3D_MAX_HEIGHT, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_IMAGE3D_MAX_DEPTH, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_IMAGE_MAX_BUFFER_SIZE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_IMAGE_MAX_ARRAY_SIZE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_MAX_SAMPLERS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_IMAGE_PITCH_ALIGNMENT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_IMAGE_BASE_ADDRESS_ALIGNMENT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_PIPE_ARGS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PIPE_MAX_ACTIVE_RESERVATIONS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PIPE_MAX_PACKET_SIZE, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_PARAMETER_SIZE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_MEM_BASE_ADDR_ALIGN, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MIN_DATA_TYPE_ALIGN_SIZE, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_HALF_FP_CONFIG, FIXED, sizeof(cl_device_fp_config)),
	Q(CL_DEVICE_SINGLE_FP_CONFIG, FIXED, sizeof(cl_device_fp_config)),
	Q(CL_DEVICE_DOUBLE_FP_CONFIG, FIXED, sizeof(cl_device_fp_config)),
	Q(CL_DEVICE_GLOBAL_MEM_CACHE_TYPE, FIXED, sizeof(cl_device_mem_cache_type)),
	Q(CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, FIXED, sizeof(cl_ulong)),
	Q(CL_DEVICE_GLOBAL_MEM_SIZE, FIXED, sizeof(cl_ulong)),
	Q(CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE, FIXED, sizeof(cl_ulong)),
	Q(CL_DEVICE_MAX_CONSTANT_ARGS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_GLOBAL_VARIABLE_PREFERRED_TOTAL_SIZE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_LOCAL_MEM_TYPE, FIXED, sizeof(cl_device_local_mem_type)),
	Q(CL_DEVICE_LOCAL_MEM_SIZE, FIXED, sizeof(cl_ulong)),
	Q(CL_DEVICE_ERROR_CORRECTION_SUPPORT, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_HOST_UNIFIED_MEMORY, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_PROFILING_TIMER_RESOLUTION, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_ENDIAN_LITTLE, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_AVAILABLE, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_COMPILER_AVAILABLE, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_LINKER_AVAILABLE, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_EXECUTION_CAPABILITIES, FIXED, sizeof(cl_device_exec_capabilities)),
	Q(CL_DEVICE_QUEUE_ON_HOST_PROPERTIES, FIXED, sizeof(cl_command_queue_properties)),
	Q(CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES, FIXED, sizeof(cl_command_queue_properties)),
	Q(CL_DEVICE_QUEUE_ON_DEVICE_PREFERRED_SIZE, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_QUEUE_ON_DEVICE_MAX_SIZE, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_ON_DEVICE_QUEUES, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_MAX_ON_DEVICE_EVENTS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_BUILT_IN_KERNELS, STR, 0),
	Q(CL_DEVICE_BUILT_IN_KERNELS_WITH_VERSION, NV, 0),
	Q(CL_DEVICE_PLATFORM, FIXED, sizeof(cl_platform_id)),
	Q(CL_DEVICE_NAME, STR, 0),
	Q(CL_DEVICE_VENDOR, STR, 0),
	Q(CL_DRIVER_VERSION, STR, 0),
	Q(CL_DEVICE_PROFILE, STR, 0),
	Q(CL_DEVICE_VERSION, STR, 0),
	Q(CL_DEVICE_NUMERIC_VERSION, FIXED, sizeof(cl_version)),
	Q(CL_DEVICE_OPENCL_C_VERSION, STR, 0),
	Q(CL_DEVICE_OPENCL_C_NUMERIC_VERSION_KHR, FIXED, sizeof(cl_version)),
	Q(CL_DEVICE_OPENCL_C_ALL_VERSIONS, NV, 0),
	Q(CL_DEVICE_OPENCL_C_FEATURES, NV, 0),
	Q(CL_DEVICE_EXTENSIONS, STR, 0),
	Q(CL_DEVICE_EXTENSIONS_WITH_VERSION, NV, 0),
	Q(CL_DEVICE_PRINTF_BUFFER_SIZE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_PREFERRED_INTEROP_USER_SYNC, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_PARENT_DEVICE, FIXED, sizeof(cl_device_id)),
	Q(CL_DEVICE_PARTITION_MAX_SUB_DEVICES, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PARTITION_PROPERTIES, FIXED, sizeof(cl_device_partition_property)),
	Q(CL_DEVICE_PARTITION_AFFINITY_DOMAIN, FIXED, sizeof(cl_device_affinity_domain)),
	Q(CL_DEVICE_PARTITION_TYPE, EMPTY_OK, 0),
	Q(CL_DEVICE_REFERENCE_COUNT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_SVM_CAPABILITIES, FIXED, sizeof(cl_device_svm_capabilities)),
	Q(CL_DEVICE_PREFERRED_PLATFORM_ATOMIC_ALIGNMENT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_GLOBAL_ATOMIC_ALIGNMENT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_PREFERRED_LOCAL_ATOMIC_ALIGNMENT, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_IL_VERSION, STR, 0),
	Q(CL_DEVICE_ILS_WITH_VERSION, NV, 0),
	Q(CL_DEVICE_MAX_NUM_SUB_GROUPS, FIXED, sizeof(cl_uint)),
	Q(CL_DEVICE_SUB_GROUP_INDEPENDENT_FORWARD_PROGRESS, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES, FIXED, sizeof(cl_device_atomic_capabilities)),
	Q(CL_DEVICE_ATOMIC_FENCE_CAPABILITIES, FIXED, sizeof(cl_device_atomic_capabilities)),
	Q(CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, FIXED, sizeof(size_t)),
	Q(CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES, FIXED,
	  sizeof(cl_device_device_enqueue_capabilities)),
	Q(CL_DEVICE_PIPE_SUPPORT, FIXED, sizeof(cl_bool)),
	Q(CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED, STR, 0),
#undef Q
};

static cl_device_id dev;
static unsigned char big[64 * 1024];

/* Every query answers with its size; a one-byte-short buffer is refused. */
static void check_all_queries(void)
{
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		const struct query *q = &queries[i];
		size_t sz = (size_t)-1, sz2 = 0;

		CHECK_OK(clGetDeviceInfo(dev, q->name, 0, NULL, &sz), "size of %s", q->what);
		if (q->kind == FIXED)
			CHECK(sz == q->size, "%s: size %zu, want %zu", q->what, sz, q->size);
		else if (q->kind == STR)
			CHECK(sz >= 1 && sz <= sizeof(big), "%s: string size %zu", q->what, sz);
		else if (q->kind == NV)
			CHECK(sz % sizeof(cl_name_version) == 0, "%s: %zu bytes of name versions",
			      q->what, sz);
		if (sz > sizeof(big))
			continue;
		memset(big, 0xa5, sizeof(big));
		CHECK_OK(clGetDeviceInfo(dev, q->name, sz, big, &sz2), "value of %s", q->what);
		CHECK(sz2 == sz, "%s: size %zu then %zu", q->what, sz, sz2);
		if (q->kind == STR)
			CHECK(sz && big[sz - 1] == '\0' && strlen((char *)big) == sz - 1,
			      "%s: one NUL-terminated string", q->what);
		if (sz)
			CHECK_ERR(clGetDeviceInfo(dev, q->name, sz - 1, big, NULL),
				  CL_INVALID_VALUE, "%s into %zu bytes", q->what, sz - 1);
	}
}

#define GET(param, var)                                                                 \
	CHECK_OK(clGetDeviceInfo(dev, param, sizeof(var), &(var), NULL), #param)

static char *get_str(cl_device_info param, char *buf, size_t size)
{
	buf[0] = '\0';
	CHECK_OK(clGetDeviceInfo(dev, param, size, buf, NULL), "string 0x%x", param);
	return buf;
}

static size_t get_nv(cl_device_info param, cl_name_version *v, size_t max)
{
	size_t sz = 0;

	CHECK_OK(clGetDeviceInfo(dev, param, max * sizeof(*v), v, &sz), "list 0x%x", param);
	return sz / sizeof(*v);
}

static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *s = strstr(list, word); s; s = strstr(s + 1, word))
		if ((s == list || s[-1] == ' ') && (s[len] == ' ' || s[len] == '\0'))
			return true;
	return false;
}

static bool nv_has(const cl_name_version *v, size_t n, const char *name, cl_version ver)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0 && (!ver || v[i].version == ver))
			return true;
	return false;
}


/* The format the specification gives CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED
 * (and the CTS checks): vYYYY-MM-DD-XX, digits, with a month 01-12 and a day
 * 01-31 (a device never submitted says so with an old date, not zeros). */
static bool conformance_version_valid(const char *s)
{
	static const char shape[] = "v9999-99-99-99";
	int month, day;

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == '9' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	}
	month = (s[6] - '0') * 10 + (s[7] - '0');
	day = (s[9] - '0') * 10 + (s[10] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}
static void check_values(cl_platform_id p)
{
	cl_device_type type = 0;
	cl_device_svm_capabilities svm = 0;
	cl_device_atomic_capabilities amem = 0, afence = 0;
	cl_command_queue_properties qp = 0, qdev = 1;
	cl_bool b = CL_TRUE, gas = 0, wgc = 0;
	cl_uint u = 0, dims = 0;
	cl_ulong gmem = 0, alloc = 0, ul = 0;
	size_t sz = 0, wis[3] = {0}, wgs = 0, gvar = 0;
	cl_version ver = 0;
	cl_platform_id dp = NULL;
	cl_device_id parent = (cl_device_id)1;
	cl_device_fp_config dfp = 0;
	cl_device_partition_property pp = 1;
	cl_device_exec_capabilities exec = 0;
	char s[4096], ext[4096];
	cl_name_version nv[64];
	size_t n;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cl_ulong phys = (cl_ulong)sysconf(_SC_PHYS_PAGES) * (cl_ulong)sysconf(_SC_PAGESIZE);

	/* One type, and never CL_DEVICE_TYPE_DEFAULT (OpenCL 3.0.16). */
	GET(CL_DEVICE_TYPE, type);
	CHECK(type == CL_DEVICE_TYPE_CPU, "type 0x%llx", (unsigned long long)type);
	GET(CL_DEVICE_PLATFORM, dp);
	CHECK(dp == p, "device's platform");
	CHECK(strncmp(get_str(CL_DEVICE_NAME, s, sizeof(s)), "svmgpu cpu (", 12) == 0 &&
	      s[strlen(s) - 1] == ')' && strlen(s) > 13, "name \"%s\"", s);
	CHECK(strcmp(get_str(CL_DEVICE_PROFILE, s, sizeof(s)), "FULL_PROFILE") == 0, "profile");
	CHECK(strncmp(get_str(CL_DEVICE_VERSION, s, sizeof(s)), "OpenCL 3.0 ", 11) == 0,
	      "version \"%s\"", s);
	GET(CL_DEVICE_NUMERIC_VERSION, ver);
	CHECK(ver == CL_MAKE_VERSION(3, 0, 0), "numeric version");
	CHECK(strncmp(get_str(CL_DEVICE_OPENCL_C_VERSION, s, sizeof(s)), "OpenCL C 1.2 ", 13) == 0,
	      "OpenCL C version \"%s\"", s);
	GET(CL_DEVICE_OPENCL_C_NUMERIC_VERSION_KHR, ver);
	CHECK(ver == CL_MAKE_VERSION(1, 2, 0), "OpenCL C numeric version (extended versioning)");
	CHECK(conformance_version_valid(get_str(CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED, s,
						sizeof(s))),
	      "conformance version \"%s\" is vYYYY-MM-DD-XX with a real month and day", s);
	CHECK(get_str(CL_DRIVER_VERSION, s, sizeof(s))[0] != '\0', "driver version");
	CHECK(get_str(CL_DEVICE_VENDOR, s, sizeof(s))[0] != '\0', "vendor");

	/* The SVM capabilities, exactly. */
	GET(CL_DEVICE_SVM_CAPABILITIES, svm);
	CHECK(svm == (CL_DEVICE_SVM_COARSE_GRAIN_BUFFER | CL_DEVICE_SVM_FINE_GRAIN_BUFFER |
		      CL_DEVICE_SVM_FINE_GRAIN_SYSTEM | CL_DEVICE_SVM_ATOMICS),
	      "SVM capabilities 0x%llx", (unsigned long long)svm);
	/* Atomics consistent with fine-grain SVM atomics: every order, every
	 * scope up to all devices; work-item scope for fences only. */
	GET(CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES, amem);
	GET(CL_DEVICE_ATOMIC_FENCE_CAPABILITIES, afence);
	CHECK(amem == (CL_DEVICE_ATOMIC_ORDER_RELAXED | CL_DEVICE_ATOMIC_ORDER_ACQ_REL |
		       CL_DEVICE_ATOMIC_ORDER_SEQ_CST | CL_DEVICE_ATOMIC_SCOPE_WORK_GROUP |
		       CL_DEVICE_ATOMIC_SCOPE_DEVICE | CL_DEVICE_ATOMIC_SCOPE_ALL_DEVICES),
	      "atomic memory capabilities 0x%llx", (unsigned long long)amem);
	CHECK(afence == (amem | CL_DEVICE_ATOMIC_SCOPE_WORK_ITEM),
	      "atomic fence capabilities 0x%llx", (unsigned long long)afence);

	GET(CL_DEVICE_QUEUE_ON_HOST_PROPERTIES, qp);
	CHECK(qp == (CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE | CL_QUEUE_PROFILING_ENABLE),
	      "queue properties 0x%llx", (unsigned long long)qp);
	GET(CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES, qdev);
	GET(CL_DEVICE_MAX_ON_DEVICE_QUEUES, u);
	CHECK(qdev == 0 && u == 0, "no on-device queues");
	GET(CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES, ul);
	CHECK(ul == 0, "no device enqueue");
	GET(CL_DEVICE_IMAGE_SUPPORT, b);
	CHECK(b == CL_FALSE, "no images");
	GET(CL_DEVICE_MAX_READ_IMAGE_ARGS, u);
	CHECK(u == 0, "no image arguments");
	GET(CL_DEVICE_PIPE_SUPPORT, b);
	CHECK(b == CL_FALSE, "no pipes");
	GET(CL_DEVICE_COMPILER_AVAILABLE, b);
	CHECK(b == CL_TRUE, "the OpenCL C compiler is available");
	GET(CL_DEVICE_LINKER_AVAILABLE, b);
	CHECK(b == CL_TRUE, "the linker is available");
	GET(CL_DEVICE_AVAILABLE, b);
	CHECK(b == CL_TRUE, "available");
	GET(CL_DEVICE_EXECUTION_CAPABILITIES, exec);
	CHECK(exec == CL_EXEC_KERNEL, "kernels, no native kernels");
	CHECK(get_str(CL_DEVICE_IL_VERSION, s, sizeof(s))[0] == '\0', "no IL");

	/* The machine's own figures. */
	GET(CL_DEVICE_MAX_COMPUTE_UNITS, u);
	CHECK(ncpu > 0 && u == (cl_uint)ncpu, "%u compute units, %ld CPUs", u, ncpu);
	GET(CL_DEVICE_GLOBAL_MEM_SIZE, gmem);
	CHECK(gmem == phys || (phys < (256u << 20) && gmem == (256u << 20)),
	      "global memory %llu, RAM %llu", (unsigned long long)gmem, (unsigned long long)phys);
	GET(CL_DEVICE_MAX_MEM_ALLOC_SIZE, alloc);
	CHECK(alloc >= gmem / 4 && alloc >= (128u << 20) && alloc <= gmem,
	      "max alloc %llu", (unsigned long long)alloc);
	GET(CL_DEVICE_ADDRESS_BITS, u);
	CHECK(u == sizeof(void *) * 8, "address bits %u", u);
	GET(CL_DEVICE_ENDIAN_LITTLE, b);
	CHECK(b == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__), "endianness");
	GET(CL_DEVICE_HOST_UNIFIED_MEMORY, b);
	CHECK(b == CL_TRUE, "host unified memory");

	/* Full profile minimums. */
	GET(CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, dims);
	CHECK(dims == 3, "3 dimensions");
	GET(CL_DEVICE_MAX_WORK_ITEM_SIZES, wis);
	GET(CL_DEVICE_MAX_WORK_GROUP_SIZE, wgs);
	CHECK(wgs >= 1 && wis[0] >= 1 && wis[1] >= 1 && wis[2] >= 1 && wis[0] <= wgs,
	      "work-group sizes");
	GET(CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, sz);
	CHECK(sz >= 1 && sz <= wgs, "preferred work-group multiple %zu", sz);
	GET(CL_DEVICE_MAX_PARAMETER_SIZE, sz);
	CHECK(sz >= 1024, "max parameter size %zu", sz);
	GET(CL_DEVICE_MAX_CONSTANT_ARGS, u);
	CHECK(u >= 8, "max constant args %u", u);
	GET(CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE, ul);
	CHECK(ul >= 64 * 1024, "max constant buffer %llu", (unsigned long long)ul);
	GET(CL_DEVICE_LOCAL_MEM_SIZE, ul);
	CHECK(ul >= 32 * 1024, "local memory %llu", (unsigned long long)ul);
	GET(CL_DEVICE_PRINTF_BUFFER_SIZE, sz);
	CHECK(sz >= 1024 * 1024, "printf buffer %zu", sz);
	GET(CL_DEVICE_MEM_BASE_ADDR_ALIGN, u);
	CHECK(u >= 1024 && (u & (u - 1)) == 0, "base address alignment %u bits", u);
	GET(CL_DEVICE_SINGLE_FP_CONFIG, dfp);
	CHECK((dfp & (CL_FP_ROUND_TO_NEAREST | CL_FP_INF_NAN)) ==
	      (CL_FP_ROUND_TO_NEAREST | CL_FP_INF_NAN), "single precision minimum");
	GET(CL_DEVICE_PROFILING_TIMER_RESOLUTION, sz);
	CHECK(sz >= 1, "profiling resolution %zu", sz);

	/* Root device, no partitioning. */
	GET(CL_DEVICE_PARENT_DEVICE, parent);
	CHECK(parent == NULL, "root device");
	GET(CL_DEVICE_REFERENCE_COUNT, u);
	CHECK(u == 1, "root device reference count %u", u);
	GET(CL_DEVICE_PARTITION_MAX_SUB_DEVICES, u);
	CHECK(u == 0, "no sub-devices");
	GET(CL_DEVICE_PARTITION_PROPERTIES, pp);
	CHECK(pp == 0, "no partition types");
	CHECK_OK(clGetDeviceInfo(dev, CL_DEVICE_PARTITION_TYPE, 0, NULL, &sz), "partition type");
	CHECK(sz == 0 || sz == sizeof(cl_device_partition_property), "partition type size");

	/* Extensions: string and versioned list agree. */
	get_str(CL_DEVICE_EXTENSIONS, ext, sizeof(ext));
	n = get_nv(CL_DEVICE_EXTENSIONS_WITH_VERSION, nv, 64);
	for (size_t i = 0; i < n; i++)
		CHECK(has_word(ext, nv[i].name), "%s in the extension string", nv[i].name);
	{
		char copy[4096], *save = NULL;
		size_t words = 0;

		snprintf(copy, sizeof(copy), "%s", ext);
		for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
			words++;
		CHECK(words == n, "%zu extensions, %zu with version", words, n);
	}
	CHECK(has_word(ext, "cl_khr_extended_versioning"), "cl_khr_extended_versioning");
	CHECK(!has_word(ext, "cl_khr_il_program") && !has_word(ext, "cl_khr_3d_image_writes") &&
	      !has_word(ext, "cl_khr_fp16") && !has_word(ext, "cl_khr_subgroups"),
	      "no extension the device cannot honour");

	/* OpenCL C versions. */
	n = get_nv(CL_DEVICE_OPENCL_C_ALL_VERSIONS, nv, 64);
	CHECK(nv_has(nv, n, "OpenCL C", CL_MAKE_VERSION(1, 0, 0)) &&
	      nv_has(nv, n, "OpenCL C", CL_MAKE_VERSION(1, 1, 0)) &&
	      nv_has(nv, n, "OpenCL C", CL_MAKE_VERSION(1, 2, 0)) &&
	      nv_has(nv, n, "OpenCL C", CL_MAKE_VERSION(3, 0, 0)) && n == 4,
	      "OpenCL C 1.0, 1.1, 1.2, 3.0");

	/* Features, each matching its capability. */
	n = get_nv(CL_DEVICE_OPENCL_C_FEATURES, nv, 64);
	for (size_t i = 0; i < n; i++)
		CHECK(nv[i].version == CL_MAKE_VERSION(3, 0, 0), "%s at 3.0.0", nv[i].name);
	CHECK(nv_has(nv, n, "__opencl_c_atomic_order_acq_rel", 0) ==
	      !!(amem & CL_DEVICE_ATOMIC_ORDER_ACQ_REL), "acq_rel feature");
	CHECK(nv_has(nv, n, "__opencl_c_atomic_order_seq_cst", 0) ==
	      !!(amem & CL_DEVICE_ATOMIC_ORDER_SEQ_CST), "seq_cst feature");
	CHECK(nv_has(nv, n, "__opencl_c_atomic_scope_device", 0) ==
	      !!(amem & CL_DEVICE_ATOMIC_SCOPE_DEVICE), "device scope feature");
	CHECK(nv_has(nv, n, "__opencl_c_atomic_scope_all_devices", 0) ==
	      !!(amem & CL_DEVICE_ATOMIC_SCOPE_ALL_DEVICES), "all devices scope feature");
	GET(CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT, gas);
	CHECK(nv_has(nv, n, "__opencl_c_generic_address_space", 0) == (gas == CL_TRUE),
	      "generic address space feature");
	GET(CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT, wgc);
	CHECK(nv_has(nv, n, "__opencl_c_work_group_collective_functions", 0) == (wgc == CL_TRUE),
	      "work-group collectives feature");
	GET(CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE, gvar);
	CHECK(nv_has(nv, n, "__opencl_c_program_scope_global_variables", 0) == (gvar >= 65536),
	      "program scope globals feature (max global variable size %zu)", gvar);
	GET(CL_DEVICE_DOUBLE_FP_CONFIG, dfp);
	CHECK(nv_has(nv, n, "__opencl_c_fp64", 0) == has_word(ext, "cl_khr_fp64") &&
	      has_word(ext, "cl_khr_fp64") == (dfp != 0), "fp64 feature, extension and config");
	/* The conformance tests still ask OpenCL 1.0's double minimum: every
	 * rounding mode. */
	CHECK(!dfp || (dfp & (CL_FP_FMA | CL_FP_ROUND_TO_NEAREST | CL_FP_ROUND_TO_ZERO |
			      CL_FP_ROUND_TO_INF | CL_FP_INF_NAN | CL_FP_DENORM)) ==
			      (CL_FP_FMA | CL_FP_ROUND_TO_NEAREST | CL_FP_ROUND_TO_ZERO |
			       CL_FP_ROUND_TO_INF | CL_FP_INF_NAN | CL_FP_DENORM),
	      "double precision minimum");
	CHECK(nv_has(nv, n, "__opencl_c_int64", 0), "int64 (full profile)");
	CHECK(!nv_has(nv, n, "__opencl_c_images", 0) &&
	      !nv_has(nv, n, "__opencl_c_read_write_images", 0) &&
	      !nv_has(nv, n, "__opencl_c_3d_image_writes", 0) &&
	      !nv_has(nv, n, "__opencl_c_pipes", 0) &&
	      !nv_has(nv, n, "__opencl_c_device_enqueue", 0) &&
	      !nv_has(nv, n, "__opencl_c_subgroups", 0) && !nv_has(nv, n, "__opencl_c_fp16", 0),
	      "no feature of an unsupported capability");
	GET(CL_DEVICE_MAX_NUM_SUB_GROUPS, u);
	CHECK(u == 0, "no sub-groups");
	GET(CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF, u);
	CHECK(u == 0, "no half vectors without cl_khr_fp16");
	GET(CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE, u);
	CHECK(u >= 1, "double vectors with fp64");
}

static void check_enumeration(cl_platform_id p, const cl_icd_dispatch *d, cl_platform_id bad)
{
	cl_device_id devs[4] = {0};
	cl_uint n = 0;
	static const cl_device_type found[] = {
		CL_DEVICE_TYPE_DEFAULT, CL_DEVICE_TYPE_CPU, CL_DEVICE_TYPE_ALL,
		CL_DEVICE_TYPE_DEFAULT | CL_DEVICE_TYPE_GPU,
		CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_GPU,
	};
	static const cl_device_type none[] = {
		CL_DEVICE_TYPE_GPU, CL_DEVICE_TYPE_ACCELERATOR, CL_DEVICE_TYPE_CUSTOM,
		CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR,
	};

	for (size_t i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
		n = 0;
		devs[0] = NULL;
		CHECK_OK(clGetDeviceIDs(p, found[i], 4, devs, &n), "type 0x%llx",
			 (unsigned long long)found[i]);
		CHECK(n == 1 && devs[0] == dev, "type 0x%llx: the cpu device",
		      (unsigned long long)found[i]);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		n = 7;
		CHECK_ERR(clGetDeviceIDs(p, none[i], 4, devs, &n), CL_DEVICE_NOT_FOUND,
			  "type 0x%llx", (unsigned long long)none[i]);
	}
	CHECK_ERR(clGetDeviceIDs(p, 0, 4, devs, &n), CL_INVALID_DEVICE_TYPE, "type 0");
	CHECK_ERR(clGetDeviceIDs(p, (cl_device_type)1 << 40, 4, devs, &n), CL_INVALID_DEVICE_TYPE,
		  "undefined type bit");
	CHECK_ERR(clGetDeviceIDs(p, CL_DEVICE_TYPE_CPU | ((cl_device_type)1 << 9), 4, devs, &n),
		  CL_INVALID_DEVICE_TYPE, "a valid bit with an undefined one");
	CHECK_ERR(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, devs, &n), CL_INVALID_VALUE,
		  "num_entries 0 with an array");
	CHECK_ERR(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 4, NULL, NULL), CL_INVALID_VALUE,
		  "no output");
	n = 0;
	CHECK_OK(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, NULL, &n), "count only");
	CHECK(n == 1, "one device");
	devs[0] = NULL;
	CHECK_OK(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, devs, NULL), "array only");
	CHECK(devs[0] == dev, "array only: the device");
	/* svmgpu's own platform checks. */
	CHECK_ERR(d->clGetDeviceIDs(bad, CL_DEVICE_TYPE_ALL, 4, devs, &n), CL_INVALID_PLATFORM,
		  "unknown platform");
	n = 0;
	CHECK_OK(d->clGetDeviceIDs(NULL, CL_DEVICE_TYPE_ALL, 4, devs, &n), "NULL platform");
	CHECK(n == 1, "NULL platform is svmgpu");
}

static void check_errors(const cl_icd_dispatch *d)
{
	struct fake fake = {d, 0, 1};
	cl_device_id bad = (cl_device_id)&fake, sub[4];
	cl_uint u = 0;
	cl_ulong t1 = 0, t2 = 0;
	cl_device_partition_property eq[] = {CL_DEVICE_PARTITION_EQUALLY, 1, 0};
	cl_device_partition_property counts[] = {CL_DEVICE_PARTITION_BY_COUNTS, 1, 1,
						 CL_DEVICE_PARTITION_BY_COUNTS_LIST_END, 0};
	cl_device_partition_property aff[] = {CL_DEVICE_PARTITION_BY_AFFINITY_DOMAIN,
					      CL_DEVICE_AFFINITY_DOMAIN_NUMA, 0};
	cl_device_partition_property junk[] = {0x4242, 1, 0};

	CHECK_ERR(clGetDeviceInfo(bad, CL_DEVICE_NAME, 0, NULL, &t1), CL_INVALID_DEVICE,
		  "unknown device");
	CHECK_ERR(clGetDeviceInfo(dev, 0x4242, sizeof(u), &u, NULL), CL_INVALID_VALUE,
		  "unknown param_name");
	CHECK_ERR(clGetDeviceInfo(dev, CL_PLATFORM_NAME, sizeof(u), &u, NULL), CL_INVALID_VALUE,
		  "a platform query on a device");

	/* Partitioning: no type is supported by the device. */
	CHECK_ERR(clCreateSubDevices(dev, eq, 4, sub, &u), CL_INVALID_VALUE, "equally");
	CHECK_ERR(clCreateSubDevices(dev, counts, 4, sub, &u), CL_INVALID_VALUE, "by counts");
	CHECK_ERR(clCreateSubDevices(dev, aff, 4, sub, &u), CL_INVALID_VALUE, "by affinity");
	CHECK_ERR(clCreateSubDevices(dev, junk, 4, sub, &u), CL_INVALID_VALUE, "junk property");
	CHECK_ERR(clCreateSubDevices(dev, NULL, 4, sub, &u), CL_INVALID_VALUE, "no properties");
	CHECK_ERR(clCreateSubDevices(bad, eq, 4, sub, &u), CL_INVALID_DEVICE, "unknown device");

	/* Root devices: retain and release succeed and change nothing. */
	CHECK_OK(clRetainDevice(dev), "retain root device");
	CHECK_OK(clReleaseDevice(dev), "release root device");
	CHECK_OK(clReleaseDevice(dev), "release root device again");
	CHECK_OK(clGetDeviceInfo(dev, CL_DEVICE_REFERENCE_COUNT, sizeof(u), &u, NULL), "count");
	CHECK(u == 1, "root device reference count stays 1");
	CHECK_ERR(clRetainDevice(bad), CL_INVALID_DEVICE, "retain unknown device");
	CHECK_ERR(clReleaseDevice(bad), CL_INVALID_DEVICE, "release unknown device");

	/* Timers. */
	CHECK_ERR(clGetDeviceAndHostTimer(dev, NULL, &t2), CL_INVALID_VALUE, "no device ts");
	CHECK_ERR(clGetDeviceAndHostTimer(dev, &t1, NULL), CL_INVALID_VALUE, "no host ts");
	CHECK_ERR(clGetDeviceAndHostTimer(bad, &t1, &t2), CL_INVALID_DEVICE, "unknown device");
	CHECK_ERR(clGetHostTimer(dev, NULL), CL_INVALID_VALUE, "no host timestamp");
	CHECK_ERR(clGetHostTimer(bad, &t1), CL_INVALID_DEVICE, "host timer, unknown device");
}

static void check_timers(void)
{
	cl_ulong dts = 0, hts = 0, h1 = 0, h2 = 0, d2 = 0, h3 = 0;
	struct timespec pause = {0, 2000000};

	CHECK_OK(clGetDeviceAndHostTimer(dev, &dts, &hts), "device and host timer");
	CHECK(dts > 0 && hts > 0, "timestamps");
	CHECK(dts > hts ? dts - hts < 1000000 : hts - dts < 1000000,
	      "device and host timestamps agree (%llu, %llu)", (unsigned long long)dts,
	      (unsigned long long)hts);
	CHECK_OK(clGetHostTimer(dev, &h1), "host timer");
	CHECK(h1 >= hts, "host timer is monotonic");
	nanosleep(&pause, NULL);
	CHECK_OK(clGetHostTimer(dev, &h2), "host timer");
	CHECK(h2 - h1 >= 2000000 && h2 - h1 < 2000000000ull, "2 ms later: +%llu ns",
	      (unsigned long long)(h2 - h1));
	CHECK_OK(clGetDeviceAndHostTimer(dev, &d2, &h3), "device and host timer again");
	CHECK(d2 >= dts + 2000000 && h3 >= h2, "device timer advances");
}

/* The device's fill (clEnqueueSVMMemFill runs it) at every pattern size,
 * with heads and tails of every kind around its aligned stores, and nothing
 * written outside the range. */
static void check_fill(void)
{
	cl_context ctx;
	cl_command_queue q;
	cl_int err;
	const size_t total = (4u << 20) + 4096;
	unsigned char *svm, pat[128];
	static const size_t offs[] = {0, 1, 3, 64, 128, 200, 4096 - 128};
	static const size_t lens[] = {1, 2, 63, 65, 130, 1000, 4096, 65536 + 17, 4u << 20};
	int bad = 0, runs = 0;

	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	REQUIRE(err == CL_SUCCESS, "context");
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	REQUIRE(err == CL_SUCCESS, "queue");
	svm = clSVMAlloc(ctx, CL_MEM_READ_WRITE | CL_MEM_SVM_FINE_GRAIN_BUFFER, total, 4096);
	REQUIRE(svm != NULL, "fine-grain SVM allocation");

	for (size_t ps = 1; ps <= 128; ps *= 2) {
		for (size_t i = 0; i < ps; i++)
			pat[i] = (unsigned char)(ps == 4 ? 0x77 : 31 * i + ps + 1);
		for (size_t oi = 0; oi < sizeof(offs) / sizeof(offs[0]); oi++) {
			for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
				size_t off = offs[oi] / ps * ps, len = lens[li] / ps * ps;
				size_t lo = off ? off - 1 : 0, hi = off + len;

				if (!len || off + len + 1 > total)
					continue;
				runs++;
				svm[lo] = 0x11;
				svm[hi] = 0x22;
				err = clEnqueueSVMMemFill(q, svm + off, pat, ps, len, 0, NULL,
							  NULL);
				if (err == CL_SUCCESS)
					err = clFinish(q);
				if (err != CL_SUCCESS) {
					bad++;
					continue;
				}
				for (size_t i = 0; i < len; i++)
					if (svm[off + i] != pat[i % ps]) {
						if (bad++ < 5)
							printf("# fill ps %zu off %zu len %zu: "
							       "byte %zu\n", ps, off, len, i);
						break;
					}
				if ((off && svm[lo] != 0x11) || svm[hi] != 0x22)
					if (bad++ < 5)
						printf("# fill ps %zu off %zu len %zu wrote "
						       "outside\n", ps, off, len);
			}
		}
	}
	CHECK(bad == 0 && runs > 300, "%d of %d fills wrong", bad, runs);
	clSVMFree(ctx, svm);
	CHECK_OK(clReleaseCommandQueue(q), "release queue");
	CHECK_OK(clReleaseContext(ctx), "release context");
}

/* No images, samplers or pipes: creation refused with CL_INVALID_OPERATION
 * after the arguments check out; no handle of those kinds is valid. */
static void check_unsupported(const cl_icd_dispatch *d)
{
	cl_context ctx;
	cl_command_queue q;
	cl_mem buf;
	cl_int err = 0;
	cl_uint n = 7;
	cl_image_format fmt = {CL_RGBA, CL_UNORM_INT8}, badfmt = {0x1234, CL_UNORM_INT8};
	cl_image_desc desc = {.image_type = CL_MEM_OBJECT_IMAGE2D, .image_width = 4,
			      .image_height = 4};
	cl_image_format formats[4];
	size_t origin[3] = {0}, region[3] = {1, 1, 1}, pitch = 0;
	char host[64];
	struct fake fake = {d, 0, 1};
	cl_sampler bad_sampler = (cl_sampler)&fake;
	cl_sampler_properties sp[] = {CL_SAMPLER_NORMALIZED_COORDS, CL_TRUE,
				      CL_SAMPLER_FILTER_MODE, CL_FILTER_LINEAR, 0};
	cl_sampler_properties sp_dup[] = {CL_SAMPLER_FILTER_MODE, CL_FILTER_LINEAR,
					  CL_SAMPLER_FILTER_MODE, CL_FILTER_NEAREST, 0};
	cl_sampler_properties sp_bad[] = {CL_SAMPLER_ADDRESSING_MODE, 0x9999, 0};
	cl_mem_properties mp[] = {0x4242, 1, 0};

	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	REQUIRE(err == CL_SUCCESS, "context");
	q = clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	REQUIRE(err == CL_SUCCESS, "queue");
	buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 64, NULL, &err);
	REQUIRE(err == CL_SUCCESS, "buffer");

	CHECK(clCreateImage(ctx, CL_MEM_READ_WRITE, &fmt, &desc, NULL, &err) == NULL &&
	      err == CL_INVALID_OPERATION, "clCreateImage: %s", tu_errname(err));
	CHECK(clCreateImage(ctx, CL_MEM_READ_WRITE, NULL, &desc, NULL, &err) == NULL &&
	      err == CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, "no format: %s", tu_errname(err));
	CHECK(clCreateImage(ctx, CL_MEM_READ_WRITE, &badfmt, &desc, NULL, &err) == NULL &&
	      err == CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, "bad format: %s", tu_errname(err));
	CHECK(clCreateImage(ctx, CL_MEM_READ_WRITE, &fmt, NULL, NULL, &err) == NULL &&
	      err == CL_INVALID_IMAGE_DESCRIPTOR, "no descriptor: %s", tu_errname(err));
	CHECK(clCreateImage(ctx, CL_MEM_READ_WRITE | CL_MEM_READ_ONLY, &fmt, &desc, NULL,
			    &err) == NULL && err == CL_INVALID_VALUE,
	      "conflicting flags: %s", tu_errname(err));
	CHECK(clCreateImageWithProperties(ctx, NULL, 0, &fmt, &desc, NULL, &err) == NULL &&
	      err == CL_INVALID_OPERATION, "clCreateImageWithProperties: %s", tu_errname(err));
	CHECK(clCreateImageWithProperties(ctx, mp, 0, &fmt, &desc, NULL, &err) == NULL &&
	      err == CL_INVALID_PROPERTY, "unknown image property: %s", tu_errname(err));
	CHECK(clCreateImage2D(ctx, 0, &fmt, 4, 4, 0, NULL, &err) == NULL &&
	      err == CL_INVALID_OPERATION, "clCreateImage2D: %s", tu_errname(err));
	CHECK(clCreateImage3D(ctx, 0, &fmt, 4, 4, 4, 0, 0, NULL, &err) == NULL &&
	      err == CL_INVALID_OPERATION, "clCreateImage3D: %s", tu_errname(err));
	CHECK(d->clCreateImage((cl_context)&fake, 0, &fmt, &desc, NULL, &err) == NULL &&
	      err == CL_INVALID_CONTEXT, "image in an unknown context: %s", tu_errname(err));

	CHECK_OK(clGetSupportedImageFormats(ctx, CL_MEM_READ_ONLY, CL_MEM_OBJECT_IMAGE2D, 4,
					    formats, &n), "supported formats");
	CHECK(n == 0, "no format (%u)", n);
	CHECK_ERR(clGetSupportedImageFormats(ctx, CL_MEM_READ_ONLY, CL_MEM_OBJECT_BUFFER, 4,
					     formats, &n), CL_INVALID_VALUE, "buffer type");
	CHECK_ERR(clGetSupportedImageFormats(ctx, CL_MEM_READ_ONLY, CL_MEM_OBJECT_IMAGE2D, 0,
					     formats, &n), CL_INVALID_VALUE, "0 entries, array");
	CHECK_ERR(clGetSupportedImageFormats(ctx, (cl_mem_flags)1 << 40, CL_MEM_OBJECT_IMAGE2D,
					     4, formats, &n), CL_INVALID_VALUE, "bad flags");

	CHECK_ERR(clGetImageInfo(buf, CL_IMAGE_WIDTH, sizeof(pitch), &pitch, NULL),
		  CL_INVALID_MEM_OBJECT, "a buffer is not an image");
	CHECK_ERR(clEnqueueReadImage(q, buf, CL_TRUE, origin, region, 0, 0, host, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "read image");
	CHECK_ERR(clEnqueueWriteImage(q, buf, CL_TRUE, origin, region, 0, 0, host, 0, NULL,
				      NULL), CL_INVALID_MEM_OBJECT, "write image");
	CHECK_ERR(clEnqueueFillImage(q, buf, host, origin, region, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "fill image");
	CHECK_ERR(clEnqueueCopyImage(q, buf, buf, origin, origin, region, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "copy image");
	CHECK_ERR(clEnqueueCopyImageToBuffer(q, buf, buf, origin, region, 0, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "copy image to buffer");
	CHECK_ERR(clEnqueueCopyBufferToImage(q, buf, buf, 0, origin, region, 0, NULL, NULL),
		  CL_INVALID_MEM_OBJECT, "copy buffer to image");
	CHECK(clEnqueueMapImage(q, buf, CL_TRUE, CL_MAP_READ, origin, region, &pitch, NULL, 0,
				NULL, NULL, &err) == NULL && err == CL_INVALID_MEM_OBJECT,
	      "map image: %s", tu_errname(err));
	CHECK_ERR(d->clEnqueueReadImage((cl_command_queue)&fake, buf, CL_TRUE, origin, region,
					0, 0, host, 0, NULL, NULL),
		  CL_INVALID_COMMAND_QUEUE, "read image, unknown queue");

	CHECK(clCreateSampler(ctx, CL_TRUE, CL_ADDRESS_CLAMP, CL_FILTER_NEAREST, &err) == NULL &&
	      err == CL_INVALID_OPERATION, "clCreateSampler: %s", tu_errname(err));
	CHECK(clCreateSampler(ctx, 7, CL_ADDRESS_CLAMP, CL_FILTER_NEAREST, &err) == NULL &&
	      err == CL_INVALID_VALUE, "bad normalized_coords: %s", tu_errname(err));
	CHECK(clCreateSampler(ctx, CL_TRUE, 0x9999, CL_FILTER_NEAREST, &err) == NULL &&
	      err == CL_INVALID_VALUE, "bad addressing mode: %s", tu_errname(err));
	CHECK(clCreateSamplerWithProperties(ctx, sp, &err) == NULL && err == CL_INVALID_OPERATION,
	      "clCreateSamplerWithProperties: %s", tu_errname(err));
	CHECK(clCreateSamplerWithProperties(ctx, NULL, &err) == NULL &&
	      err == CL_INVALID_OPERATION, "sampler, default properties: %s", tu_errname(err));
	CHECK(clCreateSamplerWithProperties(ctx, sp_dup, &err) == NULL &&
	      err == CL_INVALID_VALUE, "duplicate sampler property: %s", tu_errname(err));
	CHECK(clCreateSamplerWithProperties(ctx, sp_bad, &err) == NULL &&
	      err == CL_INVALID_VALUE, "bad sampler property value: %s", tu_errname(err));
	CHECK_ERR(clRetainSampler(bad_sampler), CL_INVALID_SAMPLER, "retain sampler");
	CHECK_ERR(clReleaseSampler(bad_sampler), CL_INVALID_SAMPLER, "release sampler");
	CHECK_ERR(clGetSamplerInfo(bad_sampler, CL_SAMPLER_REFERENCE_COUNT, sizeof(n), &n, NULL),
		  CL_INVALID_SAMPLER, "sampler info");

	CHECK(clCreatePipe(ctx, 0, 4, 16, NULL, &err) == NULL && err == CL_INVALID_OPERATION,
	      "clCreatePipe: %s", tu_errname(err));
	CHECK(d->clCreatePipe((cl_context)&fake, 0, 4, 16, NULL, &err) == NULL &&
	      err == CL_INVALID_CONTEXT, "pipe in an unknown context: %s", tu_errname(err));
	CHECK_ERR(clGetPipeInfo(buf, CL_PIPE_PACKET_SIZE, sizeof(n), &n, NULL),
		  CL_INVALID_MEM_OBJECT, "a buffer is not a pipe");

	CHECK_OK(clReleaseMemObject(buf), "release buffer");
	CHECK_OK(clReleaseCommandQueue(q), "release queue");
	CHECK_OK(clReleaseContext(ctx), "release context");
}

int main(void)
{
	cl_platform_id p = tu_platform(NULL);
	const cl_icd_dispatch *d = *(const cl_icd_dispatch **)p;
	struct fake fake = {d, 0, 1};
	cl_int err;

	err = clGetDeviceIDs(p, CL_DEVICE_TYPE_DEFAULT, 1, &dev, NULL);
	REQUIRE(err == CL_SUCCESS, "default device: %s", tu_errname(err));

	check_enumeration(p, d, (cl_platform_id)&fake);
	check_all_queries();
	check_values(p);
	check_errors(d);
	check_timers();
	check_fill();
	check_unsupported(d);
	return tu_done();
}
