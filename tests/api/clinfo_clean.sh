#!/bin/sh
# SPDX-License-Identifier: MIT
# clinfo through the ICD loader must show the svmgpu platform and its device
# and no error. Usage: clinfo_clean.sh /path/to/clinfo (meson sets
# OCL_ICD_VENDORS to the build tree's svmgpu.icd).
#
# What clinfo prints when a query fails (clinfo 3.0 sources, error.h and
# clinfo.c): "<function:line: what : error -30>" in place of a value,
# "<error: ...>" for inconsistencies, "size mismatch" when a size query and
# the value disagree, "Invalid device type ..." and, with --raw, the
# CL_INVALID_* names; unknown bits and enum values show as "Unknown bit N" or
# "unknown (N)". Fatal errors go to stderr as "function:line: what : error N".
# None of these appear for a healthy platform such as pocl, whose output
# contains "Error Correction support" and "No devices found in platform" (for
# device types it lacks): neither is an error, and neither matches below.
#
# PLATFORM_RE / DEVICE_RE override the expected names, to try the patterns
# on another platform: OCL_ICD_VENDORS=/etc/OpenCL/vendors/pocl.icd
# PLATFORM_RE='Portable Computing Language' DEVICE_RE=pthread clinfo_clean.sh clinfo
set -u

clinfo=${1:?usage: $0 /path/to/clinfo}
platform_re=${PLATFORM_RE:-svmgpu}
device_re=${DEVICE_RE:-svmgpu cpu}
errors='<error|: error -?[0-9]+|size mismatch|CL_INVALID|Invalid|No platform'
errors="$errors|(^|[^A-Za-z_])error([^A-Za-z_]|$)|[Uu]nknown"
status=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

run() { # mode args...
	mode=$1
	shift
	"$clinfo" "$@" >"$tmp/$mode" 2>"$tmp/$mode.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: clinfo${*:+ $*} exited with status $rc"
		status=1
	fi
	cat "$tmp/$mode.err" >>"$tmp/$mode"
	if grep -En "$errors" "$tmp/$mode" >"$tmp/$mode.bad"; then
		echo "FAIL: clinfo${*:+ $*} printed errors:"
		cat "$tmp/$mode.bad"
		status=1
	fi
}

run human
run raw --raw

if ! grep -Eq "^ *Platform Name +$platform_re\$" "$tmp/human"; then
	echo "FAIL: no platform named '$platform_re'"
	status=1
fi
if ! grep -Eq "^ *Device Name +$device_re" "$tmp/human"; then
	echo "FAIL: no device named '$device_re'"
	status=1
fi
if ! grep -Eq "CL_PLATFORM_NAME +$platform_re\$" "$tmp/raw"; then
	echo "FAIL: raw output lacks the platform"
	status=1
fi
if ! grep -Eq "CL_DEVICE_SVM_CAPABILITIES +.*CL_DEVICE_SVM_FINE_GRAIN_SYSTEM" "$tmp/raw" &&
   [ "$platform_re" = svmgpu ]; then
	echo "FAIL: no fine-grain system SVM in the raw device output"
	status=1
fi

if [ $status -ne 0 ]; then
	echo "--- clinfo output ---"
	cat "$tmp/human"
else
	echo "clinfo clean: $(grep -c . "$tmp/human") lines, $(grep -c . "$tmp/raw") raw lines"
fi
exit $status
