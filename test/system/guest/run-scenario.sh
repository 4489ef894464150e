#!/bin/bash
# Runs the scenario inside the VM (as ledd-test.service in systemd mode, from
# init.sh in shell mode) with the harness environment, tees its output to
# $LEDD_RESULTS/scenario.log and records its exit code in $LEDD_RESULTS/status
# (`exit=N`), which the host reads. In systemd mode it also saves the journal.
set -uo pipefail

# shellcheck source=/dev/null
source /run/ledd-vm/env
# Extra variables given to run-vm.sh with --env.
# shellcheck source=/dev/null
[[ -f $LEDD_RESULTS/.ledd-vm/env.sh ]] && source "$LEDD_RESULTS/.ledd-vm/env.sh"
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

cd "$LEDD_REPO" || exit 1
echo "ledd-vm: scenario $LEDD_SCENARIO starting (mode $LEDD_VM_INIT)"
if [[ -x $LEDD_SCENARIO ]]; then
	"$LEDD_SCENARIO" 2>&1 | tee "$LEDD_RESULTS/scenario.log"
else
	bash "$LEDD_SCENARIO" 2>&1 | tee "$LEDD_RESULTS/scenario.log"
fi
rc=${PIPESTATUS[0]}
echo "ledd-vm: scenario exited with $rc"

if [[ $LEDD_VM_INIT == systemd ]]; then
	journalctl --sync
	journalctl -b --no-pager -o short-monotonic >"$LEDD_RESULTS/journal.txt" 2>&1
fi
echo "exit=$rc" >"$LEDD_RESULTS/status"
sync
exit "$rc"
