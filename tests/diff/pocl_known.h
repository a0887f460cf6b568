/* SPDX-License-Identifier: MIT */
/* Deviations of pocl 3.1 (Debian 3.1-3+deb12u1, LLVM 15, skylake-avx512
 * kernels) from the OpenCL 3.0 specification, found by this suite with
 * DIFF_A=pocl. Scalars are right in every case; the vector forms are not.
 * Included by diff_runner.c: { fnmatch pattern on the test name, why }. */
{"math/float/sin", "vector forms (w2-16): a small lane is wrong when another lane is huge "
		   "or inf: sin((float2)(0x1p-20f, 1e30f)).x = 0x1.fffeaap-8"},
{"math/float/cos", "vector forms (w2-16): wrong lanes next to huge or inf lanes, as sin"},
{"math/float/sincos", "vector forms (w2-16): wrong lanes next to huge or inf lanes, as sin"},
{"math/float/tan", "vector forms (w2-16): wrong lanes next to huge or inf lanes, as sin"},
{"math/double/fmod", "double8/double16 only: fmod(-7.0, 1.0) = -0.875, fmod(DBL_MAX, 0.5) = nan"},
{"math/double/remainder", "double8/double16 only: remainder(-7.0, 1.0) = 0.125"},
{"math/double/remquo", "double8/double16 only: remquo(-7.0, 1.0) = (0.125, -1)"},
{"math/double/frexp", "double8/double16 only: frexp(-0.0) exponent -1022, denormals wrong"},
{"math/double/pow", "double8/double16 only: pow(0x1p-1022, 1.0) = 0, denormal x wrong"},
{"math/double/pown", "double8/double16 only: pown(0x1p-40, 2) = 0x1p-2, extreme x wrong"},
{"math/double/powr", "double8/double16 only: powr(denormal, 1.0) wrong"},
{"math/double/rootn", "double8/double16 only: rootn(DBL_MAX, -9) = inf, denormal x wrong"},
