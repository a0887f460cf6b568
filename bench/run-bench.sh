#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs svm-bench and kernel-bench with svmgpu (from the build tree) and pocl (the system's
# vendor file) both visible to the ICD loader.
#   bench/run-bench.sh [BUILD_DIR] [-r REPETITIONS]
# Also reachable as `ninja -C build bench`.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	build=$1
	shift
fi
case $build in /*) ;; *) build=$src/$build ;; esac
if [ ! -x "$build/bench/svm-bench" ]; then
	echo "run-bench: $build/bench/svm-bench is not built (meson setup build && ninja -C build)" >&2
	exit 1
fi

vendors=$build/bench/vendors
mkdir -p "$vendors"
ln -sf "$build/icd/svmgpu.icd" "$vendors/svmgpu.icd"
if [ -e /etc/OpenCL/vendors/pocl.icd ]; then
	ln -sf /etc/OpenCL/vendors/pocl.icd "$vendors/pocl.icd"
else
	echo "run-bench: /etc/OpenCL/vendors/pocl.icd missing (apt-get install pocl-opencl-icd):" \
	     "pocl figures will be empty" >&2
	rm -f "$vendors/pocl.icd"
fi
export OCL_ICD_VENDORS=$vendors
"$build/bench/svm-bench" "$@"
echo
exec "$build/bench/kernel-bench" "$@"
