#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: installs what is missing, builds build/, and runs the SVM
# sample (samples/svm-basics.c) through the real ICD loader on svmgpu's
# default device, the CPU device.
set -euo pipefail

cd "$(dirname "$0")/.."

# What building and running the sample needs (the test suite installs the
# rest: pocl, valgrind, the kernel test packages).
bash scripts/install-deps.sh build icd compiler
echo "building build/ (meson, ninja)"
if [ -f build/meson-private/coredata.dat ]; then
	meson setup --reconfigure build >build/setup.log 2>&1 || { cat build/setup.log; exit 1; }
else
	rm -rf build
	mkdir -p build
	meson setup build >build/setup.log 2>&1 || { cat build/setup.log; exit 1; }
fi
meson compile -C build >build/compile.log 2>&1 || { cat build/compile.log; exit 1; }

export OCL_ICD_VENDORS=$PWD/build/icd/svmgpu.icd
echo "running samples/svm-basics through the ICD loader (OCL_ICD_VENDORS=build/icd/svmgpu.icd)"
build/samples/svm-basics || exit 1
echo
echo "running samples/svm-linked-list: a kernel walks lists the host built with malloc"
exec build/samples/svm-linked-list
