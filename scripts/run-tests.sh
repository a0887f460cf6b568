#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds and runs the whole test suite:
#   build/      the normal build (-Wall -Wextra -Werror): every meson suite,
#               then a few api tests and the sample again under valgrind;
#   build-san/  AddressSanitizer + UndefinedBehaviorSanitizer: every suite.
# The kernel suite boots a second kernel with CONFIG_DEVICE_PRIVATE: built
# once (scripts/kernel-private.sh, 4-8 minutes on 2 cores, kept outside the
# checkout) in the background while the userspace builds and tests run; the
# suite waits for it. SVMGPU_KERNEL_PRIVATE=0 leaves that kernel out.
# Ends with the line "N passed, N failed" (", N skipped" appended when tests
# were skipped); exits non-zero when anything failed.
set -uo pipefail

cd "$(dirname "$0")/.."
src=$PWD
start=$SECONDS

bash scripts/install-deps.sh || { echo "run-tests: installing dependencies failed"; exit 1; }

export SVMGPU_KERNEL_PRIVATE=${SVMGPU_KERNEL_PRIVATE:-1}
if [ "$SVMGPU_KERNEL_PRIVATE" = 1 ] && ! bash scripts/kernel-private.sh --check >/dev/null; then
	echo "== the DEVICE_PRIVATE kernel: building in the background (log: kernel-private.log)"
	bash scripts/kernel-private.sh >kernel-private.log 2>&1 &
fi

# Tests run under valgrind: the ones that cover most of the runtime without
# the thread counts of the stress test, which valgrind serialises, and
# without test_ndrange's deliberate invalid accesses. Their programs come
# from the cache the normal run filled (LLVM under valgrind is slow).
valgrind_tests=(test_event test_buffer test_map test_svm_alloc test_svm_enqueue test_kernel
	test_executor svm-basics svm-linked-list svm-reduce)

steps=() # label|testlog|exit status, for the summary

# build LABEL DIR OPTIONS...: set up (or reconfigure) and compile DIR; the
# logs stay in DIR/ and are shown only on failure.
build() {
	local label=$1 dir=$2 setup=(meson setup)
	shift 2
	echo "== $label: configure and build $dir/"
	if [ -f "$dir/meson-private/coredata.dat" ]; then
		setup+=(--reconfigure)
	else
		rm -rf "$dir"
		mkdir -p "$dir"
	fi
	if ! "${setup[@]}" "$dir" "$@" >"$dir/setup.log" 2>&1; then
		tail -n 40 "$dir/setup.log"
		echo "== $label: meson setup failed (log: $dir/setup.log)"
		steps+=("$label: meson setup||1")
		return 1
	fi
	if ! meson compile -C "$dir" >"$dir/compile.log" 2>&1; then
		grep -E -A8 'error|warning' "$dir/compile.log" | head -n 80
		echo "== $label: build failed (log: $dir/compile.log)"
		steps+=("$label: build||1")
		return 1
	fi
}

# tests LABEL DIR LOGBASE MESON-TEST-ARGS...
tests() {
	local label=$1 dir=$2 logbase=$3 rc
	shift 3
	echo "== $label: meson test $*"
	rm -f "$dir/meson-logs/$logbase"*.json
	meson test -C "$dir" --no-rebuild --print-errorlogs --logbase "$logbase" "$@"
	rc=$?
	# meson appends the wrapper's name to the log's name: LOGBASE-valgrind.json
	steps+=("$label|$(ls "$dir/meson-logs/$logbase"*.json 2>/dev/null | head -n 1)|$rc")
}

if build "build" build -Dwerror=true -Db_sanitize=none; then
	tests "build" build testlog
	tests "build, valgrind" build valgrind --timeout-multiplier 10 \
		--wrapper "valgrind -q --error-exitcode=1 --leak-check=full \
--show-leak-kinds=definite --errors-for-leak-kinds=definite --track-origins=yes \
--suppressions=$src/tests/valgrind.supp" \
		"${valgrind_tests[@]}"
fi

if build "build-san" build-san -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false; then
	tests "build-san (ASan+UBSan)" build-san testlog
fi

echo
echo "== summary ($((SECONDS - start)) s)"
python3 - "${steps[@]}" <<'EOF'
import json, sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}
total = {"passed": 0, "failed": 0, "skipped": 0}
for step in sys.argv[1:]:
    label, log, rc = step.rsplit("|", 2)
    n = {"passed": 0, "failed": 0, "skipped": 0}
    bad = []
    try:
        with open(log) as f:
            for line in f:
                if not line.strip():
                    continue
                t = json.loads(line)
                r = t.get("result")
                if r in PASS:
                    n["passed"] += 1
                elif r in SKIP:
                    n["skipped"] += 1
                else:
                    n["failed"] += 1
                    bad.append("%s (%s)" % (t.get("name"), r))
    except (OSError, ValueError) as e:
        if log:
            bad.append("no test log: %s" % e)
    # A step that failed without a failing test (setup, build, meson itself)
    # counts as one failure.
    if rc != "0" and n["failed"] == 0:
        n["failed"] = 1
        bad.append("exit status %s" % rc)
    line = "%s: %d passed, %d failed" % (label, n["passed"], n["failed"])
    if n["skipped"]:
        line += ", %d skipped" % n["skipped"]
    print(line)
    for b in bad:
        print("    failed: " + b)
    for k in total:
        total[k] += n[k]
if not sys.argv[1:]:
    total["failed"] = 1
    print("nothing ran")
line = "%d passed, %d failed" % (total["passed"], total["failed"])
if total["skipped"]:
    line += ", %d skipped" % total["skipped"]
print(line)
sys.exit(1 if total["failed"] else 0)
EOF
