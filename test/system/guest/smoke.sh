#!/bin/bash
# Smoke scenario proving the VM harness; run it with
#   bash test/system/run-vm.sh --systemd test/system/guest/smoke.sh --out DIR
# (--shell runs only the GPIO checks).
# Writes key=value lines to $LEDD_RESULTS/smoke.env (`result=pass` last when
# every check passed) and the smoke unit's journal to smoke-journal.txt.
set -euo pipefail

out=$LEDD_RESULTS/smoke.env
unit=ledd-smoke-notify.service
failures=0
: >"$out"

record() { printf '%s=%s\n' "$1" "$2" | tee -a "$out"; }
# check NAME EXPECTED ACTUAL
check() {
	if [[ $2 == "$3" ]]; then
		record "$1" "ok"
	else
		record "$1" "FAIL(expected '$2', got '$3')"
		failures=$((failures + 1))
	fi
}
# wait_for_value FILE VALUE: polls up to 5 s; prints the last value read.
wait_for_value() {
	local value='' i
	for ((i = 0; i < 50; i++)); do
		value=$(<"$1")
		[[ $value == "$2" ]] && break
		sleep 0.1
	done
	printf '%s\n' "$value"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

check_systemd() {
	check pid1_is_systemd systemd "$(ps -p 1 -o comm=)"
	check journald_active active "$(systemctl is-active systemd-journald.service)"
}

check_notify_unit() {
	cat >"/etc/systemd/system/$unit" <<-EOF
		[Unit]
		Description=ledd harness smoke: Node.js Type=notify service

		[Service]
		Type=notify
		NotifyAccess=all
		ExecStart=$(command -v node) $LEDD_REPO/test/system/guest/notify-service.mjs
		Environment=LEDD_REPO=$LEDD_REPO LEDD_RESULTS=$LEDD_RESULTS LEDD_GPIO_DEV=$LEDD_GPIO_DEV
		DevicePolicy=closed
		DeviceAllow=char-gpiochip rw
		TimeoutStartSec=60
	EOF
	systemctl daemon-reload
	local started rc=0
	started=$(now_ms)
	systemctl start "$unit" || rc=$?
	record notify_start_ms $(($(now_ms) - started))
	check notify_start_rc 0 "$rc"
	check notify_unit_active active "$(systemctl is-active "$unit")"
	local service_env=$LEDD_RESULTS/notify-service.env
	if [[ -f $service_env ]]; then
		record notify_via "$(sed -n 's/^notify_via=//p' "$service_env")"
		check device_allow_gpiochip ok "$(sed -n 's/^gpiochip_open=//p' "$service_env")"
		check device_policy_denies_kmsg EPERM "$(sed -n 's/^kmsg_open=//p' "$service_env")"
	else
		check notify_service_report present missing
	fi
	systemctl stop "$unit"
	journalctl --sync
	journalctl -u "$unit" -b --no-pager -o short-monotonic >"$LEDD_RESULTS/smoke-journal.txt"
	check journal_has_ready_line 1 "$(grep -c 'notify-service: READY sent' "$LEDD_RESULTS/smoke-journal.txt" || true)"
}

check_gpio() {
	gpiodetect >"$LEDD_RESULTS/gpiodetect.txt"
	local found chip offset sim=$LEDD_GPIO_SIM_DIR/sim_gpio17
	found=$(gpiofind GPIO17) || found=''
	read -r chip offset <<<"$found"
	record gpiofind_GPIO17 "$found"
	check gpio17_chip_is_env_chip "$LEDD_GPIO_CHIP" "${chip:-}"
	check gpio17_chip_is_gpiochip1 gpiochip1 "${chip:-}"
	check gpio17_offset 17 "${offset:-}"
	[[ -n ${chip:-} ]] || return 0

	# Input side: gpio-sim's pull is what an input line reads.
	echo pull-up >"$sim/pull"
	check gpioget_pull_up 1 "$(gpioget "$chip" "$offset")"
	echo pull-down >"$sim/pull"
	check gpioget_pull_down 0 "$(gpioget "$chip" "$offset")"

	# Output side: hold the line high while reading the simulator's view.
	gpioset --mode=signal "$chip" "$offset=1" &
	local holder=$!
	check sim_value_driven_high 1 "$(wait_for_value "$sim/value" 1)"
	kill "$holder"
	wait "$holder" || true
	check sim_value_after_release 0 "$(wait_for_value "$sim/value" 0)"
}

for tool in gpiofind gpioget gpioset gpiodetect; do
	command -v "$tool" >/dev/null || {
		record error "$tool missing: apt-get install -y gpiod"
		exit 1
	}
done
if [[ $LEDD_VM_INIT == systemd ]]; then
	check_systemd
	check_notify_unit
else
	record systemd_checks "skipped (mode $LEDD_VM_INIT)"
fi
check_gpio
if ((failures == 0)); then record result pass; else record result fail; fi
((failures == 0))
