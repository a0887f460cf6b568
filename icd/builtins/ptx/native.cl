// SPDX-License-Identifier: MIT
/* native_ math: libclc maps some to LLVM intrinsics that the NVPTX back end
 * cannot select for float (native_cos: "Cannot select fcos"). The full
 * precision functions are valid native_ implementations (their accuracy is
 * implementation-defined), so every native_ function is defined here. */
#define NATIVE1(name, full)                                                    \
	__attribute__((overloadable)) float name(float x) { return full(x); }   \
	__attribute__((overloadable)) float2 name(float2 x) { return full(x); } \
	__attribute__((overloadable)) float3 name(float3 x) { return full(x); } \
	__attribute__((overloadable)) float4 name(float4 x) { return full(x); } \
	__attribute__((overloadable)) float8 name(float8 x) { return full(x); } \
	__attribute__((overloadable)) float16 name(float16 x) { return full(x); }
#define NATIVE2(name, full)                                                              \
	__attribute__((overloadable)) float name(float x, float y) { return full(x, y); }   \
	__attribute__((overloadable)) float2 name(float2 x, float2 y) { return full(x, y); } \
	__attribute__((overloadable)) float3 name(float3 x, float3 y) { return full(x, y); } \
	__attribute__((overloadable)) float4 name(float4 x, float4 y) { return full(x, y); } \
	__attribute__((overloadable)) float8 name(float8 x, float8 y) { return full(x, y); } \
	__attribute__((overloadable)) float16 name(float16 x, float16 y) { return full(x, y); }

#define RECIP(x) (1.0f / (x))
#define DIVIDE(x, y) ((x) / (y))

NATIVE1(native_cos, cos)
NATIVE1(native_sin, sin)
NATIVE1(native_tan, tan)
NATIVE1(native_exp, exp)
NATIVE1(native_exp2, exp2)
NATIVE1(native_exp10, exp10)
NATIVE1(native_log, log)
NATIVE1(native_log2, log2)
NATIVE1(native_log10, log10)
NATIVE1(native_sqrt, sqrt)
NATIVE1(native_rsqrt, rsqrt)
NATIVE1(native_recip, RECIP)
NATIVE2(native_powr, powr)
NATIVE2(native_divide, DIVIDE)
