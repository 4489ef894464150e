#!/bin/bash
# The Raspberry Pi 5 twin's first day (issue 19), inside the arm64 VM booted by
# test/twin/run-twin.sh: a Cortex-A76, the 16K-page kernel, systemd 257 as PID
# 1, gpio-sim chips laid out as on a 2026 Pi 5 (guest/gpio-sim.sh pi5), the
# arm64 Debian trixie root. As a Pi user would: apt installs ledd's arm64
# package, then systemctl, ledctl, the chapter's C client, a crash, the MQTT
# bridge, an upgrade with commands pending, the purge; last, the queue
# binding's and some of the daemon's own tests on this kernel.
#
# Environment (from run-twin.sh through run-vm.sh --env): LEDD_DEB and
# LEDD_DEB_NEWER (the same package with a higher version), paths in the root;
# LEDD_TWIN_DAEMON_TESTS, the daemon test files to run here.
#
# It only gathers facts (facts.env, as ledd-system.sh); pi5-twin.test.ts judges
# them. Every step is bounded by a timeout; a failed one does not stop the rest.
set -uo pipefail

results=$LEDD_RESULTS
sim=$LEDD_GPIO_SIM_DIR/sim_gpio17/value
key=1234
unit=ledd.service
dropins=/etc/systemd/system/ledd.service.d
client=/run/chapter-command
MQTT_NODE=pi5twin
# shellcheck source=../../system/guest/lib.sh
source "$LEDD_REPO/test/system/guest/lib.sh"
export DEBIAN_FRONTEND=noninteractive
apt_get() { RUN_TIMEOUT=400 run "$1" apt-get "${@:2}"; }

step "the machine"
fact machine.page_size "$(getconf PAGESIZE)"
fact machine.uname_m "$(uname -m)"
fact machine.cpu_part "$(sed -n 's/^CPU part[[:space:]]*: //p' /proc/cpuinfo | sort -u | tr '\n' ' ')"
fact machine.kernel "$(uname -r)"
fact machine.systemd "$(systemctl --version | head -n 1)"
fact machine.os "$(. /etc/os-release && echo "$PRETTY_NAME")"
run machine.gpiodetect gpiodetect
run machine.gpioinfo gpioinfo GPIO17
fact machine.header_chip "$LEDD_GPIO_CHIP"
fact machine.dev "$(cd /dev && echo gpiochip*)"
# Raspberry Pi OS has the gpio group and a udev rule giving it the chips; this
# root has neither until ledd's package brings both.
fact machine.gpio_group "$(getent group gpio || echo none)"
# On a machine that is not shaped like a Pi 5, nothing below would say
# anything about one: stop here (pi5-twin.test.ts says what was wrong).
if [[ $(getconf PAGESIZE) != 16384 || $(uname -m) != aarch64 ]]; then
	fact machine.not_a_twin "page size $(getconf PAGESIZE), $(uname -m): not the Pi 5's 16K-page aarch64 kernel"
	step "stopped: not a Pi 5 twin"
	exit 0
fi

step "install"
# man-db's trigger would index every man page again, for minutes under TCG.
rm -f /var/lib/man-db/auto-update
apt_get install install -y --no-install-recommends "${LEDD_DEB:?}"
show install.show
fact install.enabled "$(systemctl is-enabled ledd.service)"
fact install.user "$(getent passwd ledd || echo none)"
fact install.gpio_group "$(getent group gpio || echo none)"
fact install.chip_access "$(stat -c '%U:%G %a' "$LEDD_GPIO_DEV")"
fact install.ledctl "$(command -v ledctl)"
queue_info
fact install.queue "$QUEUE"

step "ledctl"
# Under TCG an emulated Cortex-A76 runs ledd's first request, compiled then,
# in about 5 s (CI of 44143d0: 4.9 s, so ledctl's default 5 s ran out once):
# each ledctl here waits up to 20 s (run's limit is 30), a Pi takes milliseconds.
ledctl_sim ledctl.on --timeout 20 on
ledctl_sim ledctl.off --timeout 20 off
run ledctl.blink ledctl --timeout 20 blink --on 300ms --off 300ms
count_changes 3
fact ledctl.blink.changes "$CHANGES"
run ledctl.status ledctl --timeout 20 status
ledctl_sim ledctl.on_again --timeout 20 on

step "the chapter's client"
run client.cc cc -O2 -o "$client" "$LEDD_REPO/test/daemon/fixtures/chapter/command.c"
client_sim client.off off 0
client_sim client.on on 1

step "kill -9"
show kill.before
signal KILL "${S[MainPID]}"
restarted kill "${S[MainPID]}"
show kill.after
sim_value
fact kill.sim "$SIM"
run kill.status ledctl --timeout 20 status

step "systemctl stop and start"
run stop systemctl stop "$unit"
wait_no_queue 30
fact stop.queue "$QUEUE"
sim_value
fact stop.sim "$SIM"
run stop.ipcs ipcs -q
start_ledd start
queue_info
fact start.queue "$QUEUE"
sim_value
fact start.sim "$SIM"

step "ledd-mqtt"
start_broker mqtt.broker
run mqtt.start systemctl start ledd-mqtt.service
mqtt_wait mqtt.discovery homeassistant/light/pi5twin/led/config '"schema":"json"' 60
mqtt_wait mqtt.online ledd/pi5twin/availability 'online$' 30
run mqtt.set timeout 10 mosquitto_pub -h 127.0.0.1 -p 18830 -q 1 -t ledd/pi5twin/set -m '{"state":"OFF"}'
wait_sim 0 20
fact mqtt.set.sim "$SIM"
mqtt_wait mqtt.state_off ledd/pi5twin/state '"state":"OFF"' 30
run mqtt.stop systemctl stop ledd-mqtt.service
run mqtt.broker_stop systemctl stop ledd-test-broker

step "upgrade with commands pending"
# ledd held stopped (SIGSTOP) while the client queues ON then OFF, for as long
# as apt takes: longer than the unit's watchdog under TCG, so ledd is first
# restarted with one that waits longer (the x86 VM's item 15 does the same).
# Only carrying out both, in order, leaves the LED off.
dropin twin-watchdog "WatchdogSec=10min"
run upgrade.restart systemctl restart "$unit"
fact upgrade.watchdog_usec "$(systemctl show -p WatchdogUSec --value "$unit")"
ledctl_sim upgrade.on --timeout 20 on
show upgrade.before
pid=${S[MainPID]}
signal STOP "$pid"
run upgrade.pending_on "$client" on
run upgrade.pending_off "$client" off
queue_info
fact upgrade.pending_queue "$QUEUE"
apt_get upgrade.apt install -y --no-install-recommends "${LEDD_DEB_NEWER:?}"
signal CONT "$pid" 2>/dev/null
UNIT=$unit wait_until 60 is_running_other_than "$pid"
show upgrade.after
fact upgrade.version "$(dpkg-query -W -f='${Version}' ledd)"
wait_sim 0 20
fact upgrade.sim "$SIM"
run upgrade.status ledctl --timeout 20 status
rm -rf "$dropins"
timeout 30 systemctl daemon-reload

step "purge"
apt_get purge purge -y ledd
queue_info
fact purge.queue "$QUEUE"
fact purge.active "$(systemctl is-active ledd.service)"
fact purge.user "$(getent passwd ledd >/dev/null && echo kept || echo gone)"
fact purge.state "$([[ -e /var/lib/ledd ]] && echo kept || echo gone)"
fact purge.conffiles "$(ls /etc/default/ledd /etc/default/ledd-mqtt 2>/dev/null | tr '\n' ' ')"
fact purge.ledctl "$(command -v ledctl || echo gone)"

step "the project's own tests on this kernel"
# The arm64 build the package came from; each suite's TAP goes to the results.
cd "$LEDD_REPO" || exit 1
for suite in native daemon; do
	case $suite in
	native) files=(native/sysvmq/dist/test/) ;;
	daemon) read -r -a files <<<"${LEDD_TWIN_DAEMON_TESTS:-}" ;;
	esac
	now
	started=$NOW
	rc=0
	timeout 900 node --test --test-concurrency=1 --test-reporter=tap \
		--test-reporter-destination="$results/$suite.tap" "${files[@]}" >/dev/null 2>&1 || rc=$?
	now
	fact "tests.$suite.rc" "$rc"
	fact "tests.$suite.ms" $((NOW - started))
done
queue_info
fact tests.queue_after "$QUEUE"

step "journal"
timeout 30 journalctl -b -u "$unit" -u ledd-cleanup.service -u ledd-mqtt.service -o short-monotonic \
	--no-pager >"$results/ledd-journal.txt" 2>&1
fact end ok
step "end"
exit 0
