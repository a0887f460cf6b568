#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# On a GPU machine, from a tree staged by scripts/cuda-stage.sh: the cuda
# device's test, the samples on the cuda device, and the benchmarks against
# NVIDIA's own OpenCL (its library is found in the driver's folder and
# given a vendor file of our own).
set -uo pipefail
cd "$(dirname "$0")/.."
S=$PWD/build-gpu
V=$(mktemp -d)
echo "$S/icd/libSvmgpuOpenCL.so.0" >"$V/svmgpu.icd"
nv=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so.1/ {print $NF; exit}')
[ -n "$nv" ] || nv=$(find /usr/lib /usr/lib64 /usr/local -name 'libnvidia-opencl.so.1' 2>/dev/null | head -n 1)
[ -n "$nv" ] && echo "$nv" >"$V/nvidia.icd"
export LD_LIBRARY_PATH=$S/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export OCL_ICD_VENDORS=$V SVMGPU_CACHE_DIR=$S/cache SVMGPU_DEFAULT_DEVICE=cuda
nvidia-smi -L 2>/dev/null
fails=0
echo "== test_cuda_device"
timeout 120 "$S/bin/test_cuda_device" >"$V/test.log" 2>&1 || fails=$((fails + 1))
grep -v '^ok' "$V/test.log"
for s in svm-basics svm-vecadd svm-reduce svm-migrate svm-linked-list svm-atomics; do
	echo "== $s (cuda device)"
	timeout 60 "$S/bin/$s" || { echo "$s FAILED"; fails=$((fails + 1)); }
done
if [ "${DIFF:-1}" = 1 ]; then
	# DIFF_B=svmgpu: the cuda device on both sides (no NVIDIA compiles: faster).
	echo "== diff_runner (cuda device against host references; ${DIFF_B:-NVIDIA} beside)"
	DIFF_QUICK=1 DIFF_B=${DIFF_B:-NVIDIA} timeout 300 "$S/bin/diff_runner" >"$V/diff.log" 2>&1 ||
		fails=$((fails + 1))
	grep -v '^ok' "$V/diff.log"
fi
if [ "${1:-}" != --no-bench ]; then
	echo "== cuda-bench (svmgpu cuda vs NVIDIA OpenCL vs CUDA)"
	timeout 150 "$S/bin/cuda-bench" -r 9
	echo "== kernel-bench (svmgpu cuda vs NVIDIA OpenCL)"
	BENCH_REF=NVIDIA timeout 150 "$S/bin/kernel-bench" -r 7
	echo "== svm-bench (svmgpu cuda vs NVIDIA OpenCL)"
	BENCH_REF=NVIDIA timeout 150 "$S/bin/svm-bench" -r 7
fi
echo "cuda-device-check: $fails failed"
exit $((fails > 0))
