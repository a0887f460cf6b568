// SPDX-License-Identifier: MIT
/* The platform: discovery through the loader, every clGetPlatformInfo query,
 * the ICD entry points, and svmgpu's own argument checks (reached through its
 * dispatch table, since the loader answers some bad calls itself). */
#include "testutil.h"
#include <CL/cl_icd.h>

/* An object the loader dispatches to svmgpu but that svmgpu does not know. */
struct fake {
	const cl_icd_dispatch *dispatch;
	cl_uint magic, refcount;
};

static size_t str_size(cl_platform_id p, cl_platform_info what)
{
	size_t sz = 0;

	CHECK_OK(clGetPlatformInfo(p, what, 0, NULL, &sz), "size of 0x%x", what);
	return sz;
}

static void get_str(cl_platform_id p, cl_platform_info what, char *buf, size_t size)
{
	size_t sz = 0, want = str_size(p, what);

	buf[0] = '\0';
	REQUIRE(want > 0 && want <= size, "0x%x fits (%zu bytes)", what, want);
	CHECK_OK(clGetPlatformInfo(p, what, size, buf, &sz), "query 0x%x", what);
	CHECK(sz == want, "0x%x: size %zu, then %zu", what, want, sz);
	CHECK(strlen(buf) + 1 == sz, "0x%x: NUL-terminated string of size_ret bytes", what);
	/* One byte short: CL_INVALID_VALUE, and the size is still what it is. */
	CHECK_ERR(clGetPlatformInfo(p, what, want - 1, buf, NULL), CL_INVALID_VALUE,
		  "0x%x into a short buffer", what);
}

/* Every name of a space separated list appears in the versioned list and the
 * other way round, each at version 1.0.0 or later. */
static void check_ext_lists(const char *str, const cl_name_version *v, size_t n)
{
	char copy[1024], *save = NULL;
	size_t tokens = 0;

	snprintf(copy, sizeof(copy), "%s", str);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		size_t i = 0;

		tokens++;
		while (i < n && strcmp(v[i].name, t) != 0)
			i++;
		CHECK(i < n, "extension %s has a version", t);
	}
	CHECK(tokens == n, "%zu extensions in the string, %zu with version", tokens, n);
	for (size_t i = 0; i < n; i++)
		CHECK(v[i].version >= CL_MAKE_VERSION(1, 0, 0), "%s version", v[i].name);
}

static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *s = strstr(list, word); s; s = strstr(s + 1, word))
		if ((s == list || s[-1] == ' ') && (s[len] == ' ' || s[len] == '\0'))
			return true;
	return false;
}

int main(void)
{
	cl_platform_id p = tu_platform(NULL), all[16], q = NULL;
	const cl_icd_dispatch *d = *(const cl_icd_dispatch **)p;
	struct fake fake = {d, 0, 1};
	cl_platform_id bad = (cl_platform_id)&fake;
	cl_uint n = 0;
	char buf[1024], dev_ext[2048];
	cl_name_version exts[16];
	size_t sz = 0;
	cl_version ver = 0;
	cl_ulong res = 0;
	cl_device_id dev;

	/* Discovery through the loader. */
	CHECK_OK(clGetPlatformIDs(16, all, &n), "clGetPlatformIDs");
	CHECK(n >= 1, "at least one platform");
	REQUIRE(d && d->clGetPlatformIDs && d->clGetPlatformInfo, "a dispatch table");

	/* svmgpu's own clGetPlatformIDs (the table's entry) and its checks. */
	CHECK_ERR(d->clGetPlatformIDs(0, NULL, NULL), CL_INVALID_VALUE, "no output at all");
	CHECK_ERR(d->clGetPlatformIDs(0, &q, NULL), CL_INVALID_VALUE, "num_entries 0 with array");
	n = 0;
	CHECK_OK(d->clGetPlatformIDs(0, NULL, &n), "count only");
	CHECK(n == 1, "one svmgpu platform (%u)", n);
	CHECK_OK(d->clGetPlatformIDs(1, &q, NULL), "array only");
	CHECK(q == p, "the same platform object as the loader's");

	/* The ICD entry point, as the loader finds it. */
	{
		clIcdGetPlatformIDsKHR_fn icd = (clIcdGetPlatformIDsKHR_fn)
			d->clGetExtensionFunctionAddressForPlatform(p, "clIcdGetPlatformIDsKHR");

		REQUIRE(icd != NULL, "clIcdGetPlatformIDsKHR is an extension function");
		CHECK(d->clGetExtensionFunctionAddress("clIcdGetPlatformIDsKHR") == (void *)icd,
		      "both lookups agree");
		n = 0;
		q = NULL;
		CHECK_OK(icd(1, &q, &n), "clIcdGetPlatformIDsKHR");
		CHECK(n == 1 && q == p, "it returns the platform");
		CHECK_ERR(icd(0, &q, NULL), CL_INVALID_VALUE, "clIcdGetPlatformIDsKHR(0, array)");
		CHECK_ERR(icd(0, NULL, NULL), CL_INVALID_VALUE, "clIcdGetPlatformIDsKHR(0, NULL)");
	}
	CHECK(d->clGetExtensionFunctionAddressForPlatform(p, "clNoSuchFunctionSVMGPU") == NULL,
	      "unknown extension function");
	CHECK(d->clGetExtensionFunctionAddressForPlatform(p, NULL) == NULL, "NULL name");
	CHECK(d->clGetExtensionFunctionAddressForPlatform(bad, "clIcdGetPlatformIDsKHR") == NULL,
	      "unknown platform");
	CHECK(clGetExtensionFunctionAddressForPlatform(p, "clNoSuchFunctionSVMGPU") == NULL,
	      "unknown extension function through the loader");

	/* Strings. */
	get_str(p, CL_PLATFORM_NAME, buf, sizeof(buf));
	CHECK(strcmp(buf, "svmgpu") == 0, "name \"%s\"", buf);
	get_str(p, CL_PLATFORM_VENDOR, buf, sizeof(buf));
	CHECK(strcmp(buf, "svmgpu") == 0, "vendor \"%s\"", buf);
	get_str(p, CL_PLATFORM_PROFILE, buf, sizeof(buf));
	CHECK(strcmp(buf, "FULL_PROFILE") == 0, "profile \"%s\"", buf);
	get_str(p, CL_PLATFORM_VERSION, buf, sizeof(buf));
	CHECK(strncmp(buf, "OpenCL 3.0 svmgpu ", 18) == 0 && buf[18], "version \"%s\"", buf);
	get_str(p, CL_PLATFORM_ICD_SUFFIX_KHR, buf, sizeof(buf));
	CHECK(strcmp(buf, "svmgpu") == 0, "ICD suffix \"%s\"", buf);

	get_str(p, CL_PLATFORM_EXTENSIONS, buf, sizeof(buf));
	CHECK(has_word(buf, "cl_khr_icd"), "cl_khr_icd in \"%s\"", buf);
	CHECK(has_word(buf, "cl_khr_extended_versioning"), "cl_khr_extended_versioning");
	CHECK_OK(clGetPlatformInfo(p, CL_PLATFORM_EXTENSIONS_WITH_VERSION, 0, NULL, &sz),
		 "size of extensions with version");
	REQUIRE(sz > 0 && sz % sizeof(cl_name_version) == 0 && sz <= sizeof(exts),
		"whole cl_name_version entries (%zu bytes)", sz);
	CHECK_OK(clGetPlatformInfo(p, CL_PLATFORM_EXTENSIONS_WITH_VERSION, sz, exts, NULL),
		 "extensions with version");
	CHECK_ERR(clGetPlatformInfo(p, CL_PLATFORM_EXTENSIONS_WITH_VERSION, sz - 1, exts, NULL),
		  CL_INVALID_VALUE, "extensions with version, short buffer");
	check_ext_lists(buf, exts, sz / sizeof(cl_name_version));

	/* Platform extensions must hold for every device (cl_khr_icd aside,
	 * which is the loader's business). */
	n = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &dev, NULL) == CL_SUCCESS;
	REQUIRE(n, "a device");
	CHECK_OK(clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, sizeof(dev_ext), dev_ext, NULL),
		 "device extensions");
	for (size_t i = 0; i < sz / sizeof(cl_name_version); i++)
		if (strcmp(exts[i].name, "cl_khr_icd") != 0)
			CHECK(has_word(dev_ext, exts[i].name), "device has %s", exts[i].name);

	/* Scalars: exact sizes. */
	CHECK_OK(clGetPlatformInfo(p, CL_PLATFORM_NUMERIC_VERSION, 0, NULL, &sz), "size");
	CHECK(sz == sizeof(cl_version), "numeric version size %zu", sz);
	CHECK_OK(clGetPlatformInfo(p, CL_PLATFORM_NUMERIC_VERSION, sizeof(ver), &ver, NULL),
		 "numeric version");
	CHECK(ver == CL_MAKE_VERSION(3, 0, 0), "numeric version 0x%x", ver);
	CHECK_ERR(clGetPlatformInfo(p, CL_PLATFORM_NUMERIC_VERSION, 2, &ver, NULL),
		  CL_INVALID_VALUE, "numeric version into 2 bytes");
	CHECK_OK(clGetPlatformInfo(p, CL_PLATFORM_HOST_TIMER_RESOLUTION, 0, NULL, &sz), "size");
	CHECK(sz == sizeof(cl_ulong), "timer resolution size %zu", sz);
	CHECK_OK(clGetPlatformInfo(p, CL_PLATFORM_HOST_TIMER_RESOLUTION, sizeof(res), &res, NULL),
		 "host timer resolution");
	/* Not 0: clGetHostTimer is supported. */
	CHECK(res > 0 && res <= 1000000, "host timer resolution %llu ns", (unsigned long long)res);

	/* Both size outputs NULL: allowed, nothing happens. */
	CHECK_OK(clGetPlatformInfo(p, CL_PLATFORM_NAME, 0, NULL, NULL), "no outputs");
	CHECK_ERR(clGetPlatformInfo(p, 0xdead, sizeof(buf), buf, &sz), CL_INVALID_VALUE,
		  "unknown param_name");
	CHECK_ERR(clGetPlatformInfo(p, CL_DEVICE_NAME, sizeof(buf), buf, &sz), CL_INVALID_VALUE,
		  "a device query on the platform");

	/* NULL selects svmgpu itself; an unknown handle is refused. */
	buf[0] = '\0';
	CHECK_OK(d->clGetPlatformInfo(NULL, CL_PLATFORM_NAME, sizeof(buf), buf, NULL),
		 "NULL platform");
	CHECK(strcmp(buf, "svmgpu") == 0, "NULL platform is svmgpu");
	CHECK_ERR(d->clGetPlatformInfo(bad, CL_PLATFORM_NAME, sizeof(buf), buf, NULL),
		  CL_INVALID_PLATFORM, "unknown platform handle");

	/* Compiler unloading: a hint. */
	CHECK_OK(clUnloadPlatformCompiler(p), "clUnloadPlatformCompiler");
	CHECK_ERR(d->clUnloadPlatformCompiler(bad), CL_INVALID_PLATFORM,
		  "clUnloadPlatformCompiler(unknown)");
	CHECK_ERR(d->clUnloadPlatformCompiler(NULL), CL_INVALID_PLATFORM,
		  "clUnloadPlatformCompiler(NULL)");
	CHECK_OK(d->clUnloadCompiler(), "clUnloadCompiler");

	return tu_done();
}
