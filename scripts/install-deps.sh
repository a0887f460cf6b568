#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages svmgpu needs, only those that are missing.
#   scripts/install-deps.sh            every group below
#   scripts/install-deps.sh build icd  only the named groups
# Quiet when nothing is missing; runs apt-get update only when it must install.
# Uses sudo only when not root.
set -euo pipefail

declare -A groups
# meson is a Python program, so python3 comes with it anyway; the test
# summary uses it (standard library only).
# libdrm-dev: libsvm (libdrm_svm) is always built; its guest tests link libdrm.a.
groups[build]="meson ninja-build pkg-config gcc libc6-dev python3 libdrm-dev"
# The ICD: OpenCL headers, the ICD loader to link tests against.
groups[icd]="opencl-c-headers ocl-icd-opencl-dev"
# Tests and the benchmark: clinfo, pocl as the reference platform, valgrind.
groups[test]="clinfo pocl-opencl-icd valgrind"
# The OpenCL C compiler of the CPU device: clang-19 as the front end, LLVM 19
# (its C API) for code generation, libclc for the NVPTX built-ins.
groups[compiler]="clang-19 llvm-19-dev libclc-19"
# The kernel suite (tests/kernel/run.sh): Debian's kernel and its headers to
# build drm/sgpu.ko against, QEMU to boot it, busybox for the initramfs, and
# what the harness itself calls (make, kmod, cpio, gzip, xz, bc); libdrm-dev for
# libdrm.a, which the statically linked libsvm guest tests link.
groups[kernel]="linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static make kmod cpio gzip xz-utils bc libdrm-dev"
# The kernel suite's second kernel (scripts/kernel-private.sh, opt-in): Debian's
# kernel source and what building it needs.
groups[kernel-private]="linux-source-6.1 make gcc flex bison bc libelf-dev libssl-dev xz-utils"
# Later issues add groups here, e.g. the kernel compiler (clang-19 libclc-19
# llvm-19).
order="build icd compiler test kernel"

want=("$@")
[ ${#want[@]} -gt 0 ] || read -r -a want <<<"$order"

missing=()
for g in "${want[@]}"; do
	if [ -z "${groups[$g]+x}" ]; then
		echo "install-deps: unknown group '$g' (groups: $order)" >&2
		exit 2
	fi
	for p in ${groups[$g]}; do
		if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
			missing+=("$p")
		fi
	done
done
[ ${#missing[@]} -gt 0 ] || exit 0

if ! command -v apt-get >/dev/null; then
	echo "install-deps: missing ${missing[*]}, and no apt-get to install them (Debian 12 expected)" >&2
	exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
		exit 1
	fi
	sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
