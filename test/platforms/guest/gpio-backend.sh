#!/bin/bash
# Guest scenario (test/system/run-vm.sh, shell or systemd mode): ledd on the
# gpio-sim line through the libgpiod backend this root was built with.
#   --env LEDD_EXPECT_BACKEND=libgpiod2         the backend `auto` must pick
#   --env LEDD_OTHER_BACKEND=libgpiod1          a backend that must be unavailable here
# Each check appends "NAME ok" or "NAME FAIL: why" to $LEDD_RESULTS/checks.txt;
# the outputs of ledd and ledctl go to $LEDD_RESULTS/logs/. Exit 0 when all passed.
set -uo pipefail

: "${LEDD_EXPECT_BACKEND:?} ${LEDD_OTHER_BACKEND:?}"
checks=$LEDD_RESULTS/checks.txt
logs=$LEDD_RESULTS/logs
mkdir -p "$logs"
: >"$checks"
failures=0
sim=$LEDD_GPIO_SIM_DIR/sim_gpio17/value
ledd=("$(command -v node)" "$LEDD_REPO/dist/ledd.cjs")
ledctl=("$(command -v node)" "$LEDD_REPO/dist/ledctl.cjs")
started=$(date +%s%N)

elapsed() { echo "$((($(date +%s%N) - started) / 1000000)) ms"; }
pass() { echo "$1 ok" | tee -a "$checks"; echo "  at $(elapsed)"; }
fail() {
	echo "$1 FAIL: $2" | tee -a "$checks"
	failures=$((failures + 1))
}
# expect NAME EXPECTED ACTUAL
expect() { if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }
# expect_match NAME FILE EXTENDED-REGEX
expect_match() {
	if grep -Eq -- "$3" "$2"; then pass "$1"; else fail "$1" "no match for /$3/ in ${2##*/}: $(tail -c 400 "$2" | tr '\n' ' ')"; fi
}
# sim_value EXPECTED: polls up to 5 s, prints the last value read.
sim_value() {
	local value='' i
	for ((i = 0; i < 50; i++)); do
		value=$(<"$sim")
		[[ $value == "$1" ]] && break
		sleep 0.1
	done
	printf '%s\n' "$value"
}
# Whether the gpiod tools are libgpiod 2.x's ("gpioset (libgpiod) v2.2.1"; later
# lines of --version mention "LGPLv2.1", whatever the version).
tools_v2() { gpioset --version 2>/dev/null | head -n 1 | grep -q ' v2\.'; }
# The consumer holding GPIO17 on the chip, or "unused" (libgpiod 1.x and 2.x tools).
line_consumer() {
	local info
	if tools_v2; then
		info=$(gpioinfo -c "$LEDD_GPIO_CHIP" 17)
		[[ $info =~ consumer=\"([^\"]*)\" ]] && echo "${BASH_REMATCH[1]}" && return
		[[ $info =~ consumer=([^[:space:]]+) ]] && echo "${BASH_REMATCH[1]}" && return
	else
		info=$(gpioinfo "$LEDD_GPIO_CHIP" | grep -E '^\s*line\s+17:')
		[[ $info =~ \"GPIO17\"[[:space:]]+\"([^\"]*)\" ]] && echo "${BASH_REMATCH[1]}" && return
	fi
	echo unused
}
queue_exists() { ipcs -q | awk -v key="$(printf '0x%08x' "$1")" '$1 == key { found = 1 } END { exit !found }'; }

# start_ledd NAME KEY ARGS...: ledd in the background, logs in $logs/NAME.log; waits for "ready".
ledd_pid=''
start_ledd() {
	local name=$1 key=$2 i
	shift 2
	"${ledd[@]}" --key "$key" --state-file none --log-format json "$@" >"$logs/$name.log" 2>&1 &
	ledd_pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '"msg":"ready"' "$logs/$name.log" && return 0
		kill -0 "$ledd_pid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
# run_ledd NAME ARGS...: ledd that is expected to stop by itself; its exit status in $status.
status=''
run_ledd() {
	local name=$1
	shift
	status=0
	timeout 60 "${ledd[@]}" --state-file none --log-format json "$@" >"$logs/$name.log" 2>&1 || status=$?
}
# command NAME KEY ARGS...: ledctl; its exit status in $status, output in $logs/NAME.log.
command_led() {
	local name=$1 key=$2
	shift 2
	status=0
	"${ledctl[@]}" --key "$key" "$@" >"$logs/$name.log" 2>&1 || status=$?
}
# wait_exit PID: waits (in this shell: a subshell cannot) and leaves the exit status in $status.
wait_exit() {
	status=0
	wait "$1" || status=$?
}

# (Every Node.js start costs 5-10 s under TCG: ledd --version is checked outside the VM.)
echo "gpio-backend: expecting $LEDD_EXPECT_BACKEND on $LEDD_GPIO_CHIP"

# The cycle with the default backend (auto), the line found by name on gpiochip1.
key=0x1d1
if start_ledd cycle "$key"; then
	pass cycle_ready
	expect cycle_start_off 0 "$(sim_value 0)"
	expect cycle_consumer ledd "$(line_consumer)"
	command_led cycle-on "$key" on
	expect cycle_on_status 0 "$status"
	expect cycle_on_sim 1 "$(sim_value 1)"
	command_led cycle-status "$key" status --json
	expect_match cycle_backend "$logs/cycle-status.log" "\"backend\": *\"$LEDD_EXPECT_BACKEND\""
	expect_match cycle_line_by_name "$logs/cycle-status.log" "GPIO17 on $LEDD_GPIO_CHIP line 17"
	command_led cycle-off "$key" off
	expect cycle_off_status 0 "$status"
	expect cycle_off_sim 0 "$(sim_value 0)"
	command_led cycle-toggle "$key" toggle
	expect cycle_toggle_status 0 "$status"
	expect cycle_toggle_sim 1 "$(sim_value 1)"
	command_led cycle-exit "$key" exit
	expect cycle_exit_status 0 "$status"
	wait_exit "$ledd_pid"
	expect cycle_ledd_exit 0 "$status"
	expect cycle_exit_led_off 0 "$(sim_value 0)"
	expect cycle_exit_released unused "$(line_consumer)"
	if queue_exists "$key"; then fail cycle_exit_no_queue "queue $key still exists"; else pass cycle_exit_no_queue; fi
else
	fail cycle_ready "ledd did not report ready: $(tail -c 400 "$logs/cycle.log")"
	kill "$ledd_pid" 2>/dev/null
fi

# Explicit backend, chip by label, line by offset, active-low; SIGTERM ends it.
key=0x1d2
if start_ledd active-low "$key" --backend "$LEDD_EXPECT_BACKEND" --chip pinctrl-rp1 --line 17 --active-low --start-state on; then
	pass active_low_ready
	expect active_low_on_drives_low 0 "$(sim_value 0)"
	command_led active-low-off "$key" off
	expect active_low_off_drives_high 1 "$(sim_value 1)"
	kill -TERM "$ledd_pid"
	wait_exit "$ledd_pid"
	expect active_low_sigterm_exit 0 "$status"
	expect active_low_released unused "$(line_consumer)"
else
	fail active_low_ready "ledd did not report ready: $(tail -c 400 "$logs/active-low.log")"
	kill "$ledd_pid" 2>/dev/null
fi

# Several LEDs' lines on two chips: one request and one call per chip (drive-lines.mjs checks, one line each).
drive_lines() {
	node "$LEDD_REPO/test/platforms/guest/drive-lines.mjs" "$LEDD_EXPECT_BACKEND" "$@" >"$logs/drive-lines-${1:-cycle}.log" 2>&1
	grep -E '^lines_[a-z_]+ (ok|FAIL: .*)$' "$logs/drive-lines-${1:-cycle}.log" | tee -a "$checks"
	failures=$((failures + $(grep -c ' FAIL: ' "$logs/drive-lines-${1:-cycle}.log")))
}
drive_lines

# The other libgpiod binding is not built here: exit 4, saying so.
run_ledd other-backend --key 0x1d3 --backend "$LEDD_OTHER_BACKEND"
expect other_backend_exit 4 "$status"
expect_match other_backend_message "$logs/other-backend.log" 'not (installed or not )?built'

# Busy: gpioset holds the line (libgpiod 2.x: while it runs; 1.x: --mode=signal).
if tools_v2; then
	gpioset -c "$LEDD_GPIO_CHIP" 17=1 &
else
	gpioset --mode=signal "$LEDD_GPIO_CHIP" 17=1 &
fi
holder=$!
for ((i = 0; i < 50; i++)); do
	[[ $(line_consumer) == gpioset ]] && break
	sleep 0.1
done
expect busy_holder gpioset "$(line_consumer)"
run_ledd busy --key 0x1d4 --backend "$LEDD_EXPECT_BACKEND"
expect busy_exit 4 "$status"
expect_match busy_names_consumer "$logs/busy.log" 'GPIO17 on [a-z0-9]+ line 17 is busy: it is held by \\"gpioset\\"'
if queue_exists 0x1d4; then fail busy_no_queue "the queue was left behind"; else pass busy_no_queue; fi
drive_lines busy
kill "$holder"
wait "$holder" 2>/dev/null

# Permission: /dev/gpiochip* belong to group gpio (0660); ledd runs as nobody.
getent group gpio >/dev/null || groupadd --system gpio
chgrp gpio /dev/gpiochip*
chmod 0660 /dev/gpiochip*
status=0
timeout 60 setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp \
	"${ledd[@]}" --key 0x1d5 --state-file none --log-format json >"$logs/permission.log" 2>&1 || status=$?
expect permission_exit 4 "$status"
expect_match permission_names_group "$logs/permission.log" 'permission denied opening /dev/gpiochip[0-9]+: add the user running ledd to group gpio'

echo "elapsed_ms=$((($(date +%s%N) - started) / 1000000))" >"$LEDD_RESULTS/timing.env"
echo "gpio-backend: $failures failed"
((failures == 0))
