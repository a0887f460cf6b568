#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Stages what the cuda device's checks need on a GPU machine that has no
# compiler (no clang, no LLVM) and no OpenCL ICD loader, into build-gpu/:
# the runtime (which does not link LLVM), the PTX library, the loader, the
# test, sample and benchmark programs, and a program cache filled here for
# sm_90 by the offline cuda device (PTX cache keys hold no machine paths).
# Then run scripts/cuda-device-check.sh on the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
S=build-gpu
rm -rf "$S"
mkdir -p "$S/icd/builtins" "$S/lib" "$S/bin" "$S/cache"
cp -a "$B"/icd/libSvmgpuOpenCL.so.0 "$B"/icd/libSvmgpuOpenCL.so.0.*[0-9] "$B"/icd/libsvmgpu-codegen.so "$S/icd/"
# What the runtime links: libdrm_svm (the sgpu device) and libdrm.
cp -L "$B"/libsvm/libdrm_svm.so.1 /usr/lib/x86_64-linux-gnu/libdrm.so.2 "$S/lib/"
cp "$B"/icd/builtins/svmgpu-builtins.bc "$B"/icd/builtins/svmgpu-ptx-builtins.bc \
	"$S/icd/builtins/"
cp -L /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$S/lib/"
progs=(tests/cuda/test_cuda_device samples/svm-basics samples/svm-vecadd samples/svm-reduce
	samples/svm-migrate samples/svm-linked-list samples/svm-atomics bench/svm-bench
	bench/kernel-bench bench/cuda-bench tests/diff/diff_runner)
for p in "${progs[@]}"; do
	cp "$B/$p" "$S/bin/"
done
# Fill the cache: every program builds its kernels for the offline sm_90
# device (their launches fail there, which is expected).
export OCL_ICD_VENDORS=$PWD/$B/icd/svmgpu.icd SVMGPU_CACHE_DIR=$PWD/$S/cache
export SVMGPU_CUDA_OFFLINE=sm_90 SVMGPU_DEFAULT_DEVICE=cuda
"$S/bin/test_cuda_device" --build-only
for p in svm-basics svm-vecadd svm-reduce svm-migrate svm-linked-list svm-atomics; do
	timeout 60 "$S/bin/$p" >/dev/null 2>&1 || true
done
timeout 120 "$S/bin/kernel-bench" -r 1 >/dev/null 2>&1 || true
timeout 120 "$S/bin/cuda-bench" -r 1 >/dev/null 2>&1 || true
# The differential corpus, quick: side B is whatever reference is here.
if [ "${DIFF:-1}" = 1 ]; then
	DIFF_QUICK=1 timeout 900 "$S/bin/diff_runner" --vendors "$PWD/$B/tests/diff/vendors" \
		>/dev/null 2>&1 || true
fi
echo "cuda-stage: $(ls "$S/cache" | wc -l) programs cached, $(du -sh "$S" | cut -f1) in $S/"
