#!/usr/bin/env bash
# Runs the harness smoke scenario in both VM modes; exits non-zero if either
# fails. Results go to DIR/systemd and DIR/shell.
#   run-smoke.sh [DIR]    (default: ${TMPDIR:-/tmp}/ledd-smoke)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
out=${1:-${TMPDIR:-/tmp}/ledd-smoke}
passed=0 failed=0
for mode in systemd shell; do
	if "$here/run-vm.sh" "--$mode" "$here/guest/smoke.sh" --out "$out/$mode"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "vm-smoke: $passed passed, $failed failed"
((failed == 0))
