#!/bin/bash
# ledd's system test (issue 4), run inside the VM in systemd mode:
#   bash test/system/run-vm.sh --systemd test/system/guest/ledd-system.sh --out DIR \
#     [--env LEDD_CHAPTER_CLIENT=/path/to/the/chapter's/command]
# (test/system/vm.test.ts does this and judges the results.)
#
# Installs ledd with systemd/install.sh as a user would, with the real
# node-libgpiod backend on the gpio-sim chip, then goes through start, the
# clients, exit, stop, crash, watchdog, permissions, logging, four named LEDs
# on two chips (item 18) and clean-up.
# Test-only changes to the installed unit, as drop-ins: WatchdogSec=3 (from
# item 6 on, so that item 7 waits 3 s, not 10) and, for the last part,
# Restart=no.
#
# It only gathers facts; vm.test.ts judges them. Every step is bounded by a
# timeout and a failed step does not stop the ones after it. Results in
# $LEDD_RESULTS:
#   facts.env       KEY=VALUE lines (newlines as \n), keys `<part>.<what>`,
#                   e.g. i2.on.sim=1 (item 2, `ledctl on`, the line's level)
#   install.txt     install.sh's output
#   security.txt    systemd-analyze security of both units
#   warnings.txt    journalctl -u ledd -p warning -o cat
#   journal.json    ledd.service and ledd-cleanup.service (journalctl -o json)
#   cleanup-journal.txt  ledd-cleanup.service, systemd's lines about it included
# Exit status: 0 when the script ran to its end, whatever the facts say.
set -uo pipefail

results=$LEDD_RESULTS
sim=$LEDD_GPIO_SIM_DIR/sim_gpio17/value
key=1234
unit=ledd.service
dropins=/etc/systemd/system/ledd.service.d
outsider=ledd-outsider
member=ledd-member

# The helpers both VM scenarios use (facts, waiting without processes, the
# line's level, the queue, systemctl show, the clients, the broker).
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shellcheck disable=SC2317 # called through wait_until
is_auto_restart() { [[ ${S[SubState]} == auto-restart ]]; }

# kill_in_restart_delay PREFIX: ledctl on, then kill -9 ledd (under the test
# drop-in RestartSec=300); returns once systemd waits to restart it, with
# $CURSOR at the journal's end. A removal then has the clean-up to do:
# ledd.service's ExecStopPost= left the queue and the LED to the restart.
kill_in_restart_delay() {
	ledctl_sim "$1.on" on
	show "$1.before"
	signal KILL "${S[MainPID]}"
	UNIT=$unit wait_until 20 is_auto_restart
	fact "$1.in" "${S[SubState]}"
	queue_info
	fact "$1.queue_before" "$QUEUE"
	CURSOR=$(timeout 10 journalctl -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p')
}

# after_removal PREFIX: at once, what the removal left: the queue and the
# line; then what ledd-cleanup.service logged since $CURSOR (journald may
# take a moment to store the last lines: up to 10 s for the clean-up's last
# line or a failure).
after_removal() {
	local text deadline
	queue_info
	fact "$1.queue" "$QUEUE"
	sim_value
	fact "$1.sim" "$SIM"
	now
	deadline=$((NOW + 10000))
	while :; do
		text=$(timeout 10 journalctl -u ledd-cleanup.service --after-cursor="$CURSOR" -o cat --no-pager 2>&1)
		[[ $text == *'LED driven to its exit state'* || $text == *FAILURE* || $text == *'not run'* ]] && break
		now
		((NOW < deadline)) || break
		nap 0.3
	done
	fact "$1.cleanup_journal" "$text"
}

# hold_line OFFSET: gpioset holds the line of the Pi-5-like chip (libgpiod 1.x
# tools: --mode=signal, until killed); returns once gpioinfo names it, its pid in $holder.
hold_line() {
	local i
	gpioset --mode=signal "$LEDD_GPIO_CHIP" "$1=1" &
	holder=$!
	for ((i = 0; i < 50; i++)); do
		gpioinfo "$LEDD_GPIO_CHIP" | grep -Eq "^\s*line\s+$1:.*\"gpioset\"" && break
		nap 0.1
	done
}

# --- setup: the GPIO chips and the gpio group as Raspberry Pi OS has them ---

step "setup"
# Raspberry Pi OS has the gpio group and a udev rule giving it the GPIO chips.
# This guest has no udev, so do what the rule does; install.sh's sysusers must
# keep the existing group (`g gpio - -`).
groupadd --system gpio
fact setup.gpio_gid "$(getent group gpio | cut -d: -f3)"
chown root:gpio /dev/gpiochip*
chmod 0660 /dev/gpiochip*
fact setup.run_udev "$([[ -d /run/udev ]] && echo present || echo absent)"
client=${LEDD_CHAPTER_CLIENT:-}
if [[ -z $client ]]; then
	# Standalone run: build the chapter's client here (slow under TCG).
	client=/run/chapter-command
	cc -O2 -o "$client" "$LEDD_REPO/test/daemon/fixtures/chapter/command.c"
fi
fact setup.client "$client"
# The host's leftovers (vm.test.ts plants some on purpose) must not be here:
# init.sh removed them from the overlay before systemd started.
leftovers=()
for path in /var/lib/ledd /etc/default/ledd /opt/ledd /usr/local/bin/ledd /usr/local/bin/ledctl \
	/etc/systemd/system/ledd.service /etc/systemd/system/ledd.service.d /etc/sysusers.d/ledd.conf; do
	[[ -e $path ]] && leftovers+=("$path")
done
getent passwd ledd >/dev/null && leftovers+=("user ledd")
queue_info
[[ $QUEUE == none ]] || leftovers+=("queue $QUEUE")
fact setup.leftovers "${leftovers[*]:-none}"

# --- item 17: several LEDs' lines through node-libgpiod (before ledd holds any) ---

step "17. several LEDs' lines"
# drive-lines.mjs requests GPIO17, GPIO27 and line 22 of the Pi-5-like chip and
# line 3 of the decoy, one request and one call per chip, and checks the levels.
lines_out=$(timeout 120 node "$LEDD_REPO/test/platforms/guest/drive-lines.mjs" libgpiod1 2>&1)
fact i17.rc "$?"
fact i17.out "$lines_out"
# The same with GPIO17 held by gpioset (libgpiod 1.x tools: --mode=signal holds it until killed).
hold_line 17
lines_out=$(timeout 120 node "$LEDD_REPO/test/platforms/guest/drive-lines.mjs" libgpiod1 busy 2>&1)
fact i17.busy_rc "$?"
fact i17.busy_out "$lines_out"
kill "$holder"
wait "$holder" 2>/dev/null

# --- install, as a user would ----------------------------------------------

step "install.sh"
now
started=$NOW
rc=0
timeout 150 "$LEDD_REPO/systemd/install.sh" --prefix /opt/ledd --bindir /usr/local/bin \
	>"$results/install.txt" 2>&1 || rc=$?
now
fact install.rc "$rc"
fact install.ms $((NOW - started))
# Item 1, the start in install.sh's `systemctl enable --now`: was READY=1 awaited?
show i1.install
fact install.ledd_uid "$(id -u ledd)"
fact install.ledd_groups "$(id -nG ledd)"
fact install.ledd_shell "$(getent passwd ledd | cut -d: -f7)"
fact install.gpio_gid "$(getent group gpio | cut -d: -f3)"
fact install.udev_rule "$([[ -f /etc/udev/rules.d/60-ledd-gpio.rules ]] && echo installed || echo missing)"
fact install.enabled "$(systemctl is-enabled "$unit" 2>&1)"
fact install.bins "$(stat -c '%n %a' /usr/local/bin/ledctl /usr/local/bin/ledd 2>&1)"
fact install.dev_packages "$(find /opt/ledd/node_modules -maxdepth 1 \( -name typescript -o -name eslint \) | wc -l)"
fact install.state_dir "$(stat -c '%U:%G %a' /var/lib/ledd 2>&1)"
useradd --no-create-home --shell /usr/sbin/nologin "$outsider"
useradd --no-create-home --shell /usr/sbin/nologin --groups gpio "$member"

# --- item 2: ledctl drives the real line; status shows IPC_STAT; with item
# 10 and item 8's outsider alongside (they do not touch the LED), to use the
# guest's second CPU ----------------------------------------------------------

step "2, 8, 10: ledctl; permissions; systemd-analyze"
(
	run i10.verify systemd-analyze verify /etc/systemd/system/ledd.service /etc/systemd/system/ledd-cleanup.service
	run i10.security systemd-analyze security --no-pager ledd.service ledd-cleanup.service
	printf '%s\n' "$OUT" >"$results/security.txt"
) &
alongside=("$!")
# Item 8: a user outside the group is refused (at msgsnd: nothing reaches ledd).
run i8.outsider runuser -u "$outsider" -- ledctl on &
alongside+=("$!")
fact i8.outsider_groups "$(id -nG "$outsider")"
ledctl_sim i2.on on
ledctl_sim i2.off off
ledctl_sim i2.toggle1 toggle
ledctl_sim i2.toggle2 toggle
# Item 8 too: a member of gpio (not root) may use the queue.
run i2.status runuser -u "$member" -- ledctl status --json
fact i8.member_groups "$(id -nG "$member")"
show i2.show
queue_info
fact i2.queue "$QUEUE"
wait "${alongside[@]}"

# --- item 3: the chapter's C client, unchanged (key 1234) ------------------

step "3: chapter client"
client_sim i3.on on 1
client_sim i3.off off 0

# --- item 9, first half: a bad request, which ledd logs as a warning -------

step "9: a bad request"
run i9.send /usr/bin/python3 -c 'import sysv_ipc; sysv_ipc.MessageQueue(1234).send(b"FLASH\0", type=1)'

# --- item 4: ledctl exit ----------------------------------------------------

step "4: ledctl exit"
ledctl_sim i4.exit exit
wait_gone "$cgroups/$unit" 30
UNIT=$unit wait_until 10 is_down
# A restart would be scheduled at once (activating/auto-restart) and begin
# RestartSec=1 later: look again after that.
nap 2
show i4.after
queue_info
fact i4.queue "$QUEUE"
sim_value
fact i4.sim "$SIM"

# --- item 1: systemctl start returns once READY=1 is in --------------------

step "1: systemctl start"
start_ledd i1.start
sim_value
fact i1.start.sim "$SIM"

# --- item 5: systemctl stop with commands pending on a stopped ledd --------

step "5: stop with commands pending"
pid=${S[MainPID]}
signal STOP "$pid"
fact i5.stopped_state "$(cut -d' ' -f3 "/proc/$pid/stat")"
# The first message may go straight to ledd's blocked msgrcv (the kernel hands
# it over even to a stopped task); the others stay queued.
run i5.client1 "$client" on
run i5.client2 "$client" off
run i5.client3 "$client" on
queue_info
fact i5.queue_pending "$QUEUE"
run i5.stop systemctl stop "$unit"
show i5.after
queue_info
fact i5.queue "$QUEUE"
sim_value
fact i5.sim "$SIM"

# --- item 6: kill -9 (with item 7's drop-in in place) ----------------------

step "6: kill -9"
# WatchdogSec=10 would make item 7 wait 10 s and more; 3 s for this test. A
# running service keeps its timeout, so it is set before this start.
dropin 50-test-watchdog 'WatchdogSec=3'
start_ledd i6.start
pid=${S[MainPID]}
client_sim i6.on on 1
queue_info
fact i6.queue_before "$QUEUE"
signal KILL "$pid"
restarted i6 "$pid"
show i6.after
sim_value
fact i6.after.sim "$SIM"
queue_info
fact i6.queue_after "$QUEUE"
run i6.status ledctl status --json

# --- item 7: the watchdog ---------------------------------------------------

step "7: watchdog"
pid=${S[MainPID]}
signal STOP "$pid"
restarted i7 "$pid"
show i7.after
sim_value
fact i7.after.sim "$SIM"

# --- the final systemctl stop ----------------------------------------------

step "final: systemctl stop"
run final.stop systemctl stop "$unit"
show final.after
queue_info
fact final.queue "$QUEUE"
sim_value
fact final.sim "$SIM"

# --- item 11: kill -9 with commands pending, then kill -9 and a stop
# within the restart delay --------------------------------------------------

step "11: kill -9 with commands pending; kill -9 then stop in the restart delay"
# Test-only: RestartSec=5 (from 1), so that the stop surely lands in the
# delay under TCG, and WatchdogSec=30, so that the SIGSTOP below is not
# ended by the watchdog first.
dropin 55-test-restart-delay $'RestartSec=5\nWatchdogSec=30'
start_ledd i11.start
pid=${S[MainPID]}
client_sim i11.on on 1
queue_info
fact i11.queue_start "$QUEUE"
signal STOP "$pid"
# As in item 5, the first may go to the stopped ledd's blocked msgrcv (and is
# lost with it); the others stay queued. The state file says ON: only the
# pending commands can make the restarted ledd's LED OFF.
run i11.client1 "$client" off
run i11.client2 "$client" on
run i11.client3 "$client" off
queue_info
fact i11.queue_pending "$QUEUE"
signal KILL "$pid"
UNIT=$unit wait_until 40 is_running_other_than "$pid"
show i11.after
# The status request queues behind the pending commands: its answer comes
# once they are carried out.
run i11.status ledctl status --json
sim_value
fact i11.after.sim "$SIM"
queue_info
fact i11.queue_after "$QUEUE"

pid=${S[MainPID]}
client_sim i11.on2 on 1
signal KILL "$pid"
UNIT=$unit wait_until 20 is_auto_restart
fact i11.stop_in "${S[SubState]}"
run i11.stop systemctl stop "$unit"
show i11.stopped
# ledd-cleanup.service is stopped (its ExecStop= run) right after.
wait_no_queue 30
UNIT=ledd-cleanup.service wait_until 30 is_down
show i11.cleanup ledd-cleanup.service
queue_info
fact i11.queue "$QUEUE"
wait_sim 0 10
fact i11.sim "$SIM"
# Past the restart delay: no restart came.
nap 6
show i11.later

# --- item 13: blink under systemd ------------------------------------------

step "13: blink under systemd"
start_ledd i13.start
run i13.blink ledctl blink --on 100ms --off 100ms
count_changes 2
fact i13.changes "$CHANGES"
run i13.status ledctl status --json
show i13.show
run i13.stop systemctl stop "$unit"
wait_sim 0 10
fact i13.stopped.sim "$SIM"
nap 0.5
count_changes 1
fact i13.stopped.changes "$CHANGES"
start_ledd i13.restart
# The state file holds the blink: the start resumes it.
count_changes 2
fact i13.restart.changes "$CHANGES"
pid=${S[MainPID]}
signal KILL "$pid"
UNIT=$unit wait_until 40 is_running_other_than "$pid"
count_changes 2
fact i13.killed.changes "$CHANGES"
run i13.off ledctl off
run i13.final_stop systemctl stop "$unit"
wait_no_queue 30

# --- item 14: the MQTT bridge under systemd --------------------------------

step "14: ledd-mqtt under systemd"
start_ledd i14.ledd
run i14.off ledctl off
start_broker i14.broker
systemctl reset-failed ledd-mqtt.service 2>/dev/null
run i14.start systemctl start ledd-mqtt.service
mqtt_wait i14.discovery homeassistant/light/vmtest/led/config '"schema":"json"' 30
mqtt_wait i14.online ledd/vmtest/availability 'online$' 20
mqtt_wait i14.state_off ledd/vmtest/state '"state":"OFF"' 20
show i14.bridge ledd-mqtt.service
show i14.ledd
fact i14.after "$(systemctl show -p After --value ledd-mqtt.service)"
run i14.set timeout 10 mosquitto_pub -h 127.0.0.1 -p 18830 -q 1 -t ledd/vmtest/set -m '{"state":"ON"}'
wait_sim 1 10
fact i14.set.sim "$SIM"
mqtt_wait i14.state_on ledd/vmtest/state '"state":"ON"' 20
run i14.status ledctl status
run i14.security systemd-analyze security --no-pager ledd-mqtt.service
run i14.stop systemctl stop ledd-mqtt.service
run i14.broker_stop systemctl stop ledd-test-broker
run i14.ledd_stop systemctl stop "$unit"
wait_no_queue 30

# --- item 18: four named LEDs on two chips under systemd ---------------------

# The decoy chip's gpio-sim directory (its line 3 is the fourth LED's).
decoy_sim=/sys/devices/platform/$(</sys/kernel/config/gpio-sim/decoy/dev_name)/$(</sys/kernel/config/gpio-sim/decoy/bank0/chip_name)
# leds_sim: the levels of red (GPIO17), amber (GPIO27), green (GPIO22) and fan (decoy line 3) into $LEDS, e.g. 1000.
leds_sim() {
	local r a g f
	read -r r <"$LEDD_GPIO_SIM_DIR/sim_gpio17/value"
	read -r a <"$LEDD_GPIO_SIM_DIR/sim_gpio27/value"
	read -r g <"$LEDD_GPIO_SIM_DIR/sim_gpio22/value"
	read -r f <"$decoy_sim/sim_gpio3/value"
	LEDS=$r$a$g$f
}
# sample_leds SECONDS: $LEDS as fast as the guest reads them, run-length coded
# into $SAMPLES ("1000*12 0100*11 ..."; one sample reads the four files in turn).
sample_leds() {
	local deadline last='' count=0
	now
	deadline=$((NOW + $1 * 1000))
	SAMPLES=''
	while ((NOW < deadline)); do
		leds_sim
		if [[ $LEDS == "$last" ]]; then
			count=$((count + 1))
		else
			[[ -n $last ]] && SAMPLES+="$last*$count "
			last=$LEDS
			count=1
		fi
		now
	done
	SAMPLES+="$last*$count"
}

step "18: four named LEDs on two chips"
cp /etc/default/ledd /run/ledd-vm/ledd.default.saved
echo 'LEDD_LEDS="red=GPIO17 amber=GPIO27 green=GPIO22 fan=decoy:3"' >>/etc/default/ledd
# The one LED's state as ledd saved it before there were several: it is the first LED's (red).
printf '{"led":"on","at":"2026-01-01T00:00:00.000Z"}' >/var/lib/ledd/state.json
chown ledd:ledd /var/lib/ledd/state.json
start_ledd i18.start
run i18.list ledctl list
# A chase: each LED in turn, 50 ms each (20 Hz), the fourth on the other chip.
run i18.chase ledctl --led red,amber,green,fan pattern "1000 50 0100 50 0010 50 0001 50"
sample_leds 3
fact i18.chase.samples "$SAMPLES"
run i18.stop systemctl stop "$unit"
wait_no_queue 30
fact i18.stop.queue "$QUEUE"
leds_sim
fact i18.stop.leds "$LEDS"
start_ledd i18.restart
run i18.on ledctl --led red,fan on
run i18.blink ledctl --led amber,green blink --on 100ms --off 100ms
show i18.before_kill
pid=${S[MainPID]}
signal KILL "$pid"
UNIT=$unit wait_until 40 is_running_other_than "$pid"
show i18.killed
sample_leds 2
fact i18.killed.samples "$SAMPLES"
run i18.killed_list ledctl list
# A timed blink on red (on by itself) while amber and green blink on their own:
# red blinks for 3 s and is on again after; amber and green never notice.
run i18.timed ledctl --led red blink --on 50ms --off 50ms --for 3s
# ledd took the command before ledctl returned: its 3 s end before this + 3 s.
now
timed_end=$((NOW + 3300))
sample_leds 2
fact i18.timed.during "$SAMPLES"
now
left=$((timed_end - NOW))
((left > 0)) && nap "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
sample_leds 2
fact i18.timed.after "$SAMPLES"
run i18.timed_list ledctl list
run i18.stop2 systemctl stop "$unit"
wait_no_queue 30
# A line held by another program: the start is refused, the holder named.
hold_line 22
CURSOR=$(timeout 10 journalctl -n 0 --show-cursor --no-pager | sed -n 's/^-- cursor: //p')
start_ledd i18.busy
queue_info
fact i18.busy.queue "$QUEUE"
nap 1
fact i18.busy.journal "$(timeout 10 journalctl -u "$unit" --after-cursor="$CURSOR" -o cat --no-pager 2>&1 | grep -m 3 -E 'busy|GPIO22')"
# Its restarts fail the same way while gpioset runs. The stop's clean-up
# (ledd-cleanup.service's ExecStop=) drives red, amber and fan to their exit
# state and leaves GPIO22 to gpioset, which still holds it.
run i18.busy_stop systemctl stop "$unit"
wait_no_queue 30
UNIT=ledd-cleanup.service wait_until 30 is_down
show i18.busy_cleanup ledd-cleanup.service
now
deadline=$((NOW + 10000))
while :; do
	text=$(timeout 10 journalctl -u ledd-cleanup.service --after-cursor="$CURSOR" -o cat --no-pager 2>&1)
	[[ $text == *'exit state'* ]] && break
	now
	((NOW < deadline)) || break
	nap 0.3
done
fact i18.busy.cleanup_journal "$text"
fact i18.busy.held "$(gpioinfo "$LEDD_GPIO_CHIP" | grep -E '^\s*line\s+22:')"
kill "$holder"
wait "$holder" 2>/dev/null
# Back to the one LED of the items after this one, with no state of four.
cp /run/ledd-vm/ledd.default.saved /etc/default/ledd
rm -f /var/lib/ledd/state.json
systemctl reset-failed "$unit" 2>/dev/null

# --- a crash that systemd does not restart: the clean-up -------------------

step "crash without restart"
dropin 60-test-no-restart 'Restart=no'
start_ledd crash.start
pid=${S[MainPID]}
client_sim crash.on on 1
signal KILL "$pid"
now
started=$NOW
# ExecStopPost= leaves the queue (it expects Restart=on-failure to act); once
# ledd.service failed, ledd-cleanup.service is no longer needed, and its
# ExecStop= removes it.
wait_no_queue 60
UNIT=ledd-cleanup.service wait_until 30 is_down
now
fact crash.cleanup_ms $((NOW - started))
show crash.after
show crash.cleanup ledd-cleanup.service
queue_info
fact crash.queue "$QUEUE"
sim_value
fact crash.sim "$SIM"

# --- item 16, install.sh's part: uninstall.sh with ledd killed in its
# restart delay, without and with --purge ---------------------------------

# The removal must run the clean-up (ledd-cleanup.service's ExecStop=) to its
# end before it deletes the files it runs. Test-only: RestartSec=300, so that
# the removal surely reaches its stop within the restart delay under TCG (apt
# took 30 s to its prerm once, with a kernel built beside the VM, and ledd
# restarted first: the clean-up then ran from ledd.service's ExecStopPost).
step "16: uninstall.sh with ledd killed in its restart delay"
rm -rf "$dropins"
dropin 16-restart-delay 'RestartSec=300'
systemctl reset-failed "$unit" ledd-cleanup.service 2>/dev/null
start_ledd i16.uninstall.start
kill_in_restart_delay i16.uninstall
run i16.uninstall "$LEDD_REPO/systemd/uninstall.sh" --prefix /opt/ledd --bindir /usr/local/bin
after_removal i16.uninstall
fact i16.uninstall.prefix "$([[ -e /opt/ledd ]] && echo kept || echo gone)"

step "16: install.sh again, then uninstall.sh --purge with ledd killed in its restart delay"
RUN_TIMEOUT=150 run i16.reinstall "$LEDD_REPO/systemd/install.sh" --prefix /opt/ledd --bindir /usr/local/bin
show i16.reinstall
kill_in_restart_delay i16.uninstall_purge
run i16.uninstall_purge "$LEDD_REPO/systemd/uninstall.sh" --prefix /opt/ledd --bindir /usr/local/bin --purge
after_removal i16.uninstall_purge
fact i16.uninstall_purge.user "$(getent passwd ledd >/dev/null && echo kept || echo gone)"

# --- item 15: the Debian package --------------------------------------------

# The other way to install: the install.sh installation (removed above) and
# the test drop-ins go first. LEDD_DEB and LEDD_DEB_NEWER (the same package
# with a higher version) come from vm.test.ts, built on the host by npm run
# package.
step "15: the Debian package"
rm -rf "$dropins"
timeout 30 systemctl daemon-reload
# The crash above left ledd.service "failed"; the package starts from a clean slate.
systemctl reset-failed ledd.service ledd-cleanup.service 2>/dev/null
export DEBIAN_FRONTEND=noninteractive
# man-db's trigger would index every man page again, for minutes under TCG.
rm -f /var/lib/man-db/auto-update
apt_get() { RUN_TIMEOUT=300 run "$1" apt-get "${@:2}"; }
# A policy-rc.d that forbids starting services (image builds, containers):
# installed and enabled, not started.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
apt_get i15.policy_install install -y --no-install-recommends "${LEDD_DEB:?}"
fact i15.policy.active "$(systemctl is-active ledd.service)"
fact i15.policy.enabled "$(systemctl is-enabled ledd.service)"
apt_get i15.policy_purge purge -y ledd
rm -f /usr/sbin/policy-rc.d
apt_get i15.install install -y --no-install-recommends "$LEDD_DEB"
show i15.installed
fact i15.is_active "$(systemctl is-active ledd.service)"
fact i15.ledctl_path "$(command -v ledctl)"
run i15.dpkg_s dpkg -S /usr/bin/ledctl
ledctl_sim i15.on on
pid=${S[MainPID]}
# The bridge, started by hand (the package neither enables nor starts it):
# an upgrade restarts it, a removal stops it.
start_broker i15.broker
run i15.bridge_start systemctl start ledd-mqtt.service
mqtt_wait i15.bridge_on ledd/vmtest/state '"state":"ON"' 30
bridge_pid=$(systemctl show -p MainPID --value ledd-mqtt.service)
fact i15.bridge_pid "$bridge_pid"
# The pending-commands part below holds ledd stopped (SIGSTOP) for as long as
# apt-get takes, over WatchdogSec=10 under TCG: the watchdog would kill it
# (item 7) and the restart, not the handover, would carry the commands. So the
# ledd started by the upgrade runs with a watchdog that waits longer.
dropin i15-watchdog "WatchdogSec=10min"
fact i15.before_upgrade_pid "$pid"
apt_get i15.upgrade install -y --no-install-recommends "${LEDD_DEB_NEWER:?}"
UNIT=$unit wait_until 30 is_running_other_than "$pid"
show i15.upgraded
fact i15.version "$(dpkg-query -W -f='${Version}' ledd)"
wait_sim 1 10
fact i15.upgraded.sim "$SIM"
run i15.upgraded_status ledctl status
fact i15.bridge_after_upgrade "$(systemctl is-active ledd-mqtt.service) $(systemctl show -p MainPID --value ledd-mqtt.service)"
# Commands pending on the queue while the upgrade hands over: ledd is
# stopped (SIGSTOP) while the chapter's client queues ON then OFF, and gets
# SIGCONT once the reinstall has sent its SIGUSR2. The old ledd may take
# some, the new one the rest; only carrying out the last leaves the LED off.
# The bridge's own requests would be pending beside the two commands: it
# waits out this part, and comes back for the removal.
run i15.bridge_pause systemctl stop ledd-mqtt.service
pid=${S[MainPID]}
fact i15.stopped_pid "$pid"
fact i15.stopped_watchdog_usec "$(systemctl show -p WatchdogUSec --value "$unit")"
signal STOP "$pid"
# What the queue held before the commands: replies nobody collected yet (the
# bridge's last ones), which ledd's housekeeping purges.
queue_info
fact i15.queue_before_commands "$QUEUE"
run i15.pending_on "$client" on
run i15.pending_off "$client" off
queue_info
fact i15.pending_queue "$QUEUE"
apt_get i15.reinstall install -y --reinstall --no-install-recommends "$LEDD_DEB_NEWER"
# (systemctl kill may have woken it already.)
signal CONT "$pid" 2>/dev/null
UNIT=$unit wait_until 30 is_running_other_than "$pid"
show i15.handed_over
wait_sim 0 10
fact i15.pending.sim "$SIM"
ledctl_sim i15.on_again on
run i15.bridge_again systemctl start ledd-mqtt.service
mqtt_wait i15.bridge_retained homeassistant/light/vmtest/led/config '"schema":"json"' 30
# The removal takes the node off the broker (ledd-mqtt --remove): with the
# broker gone it cannot, and says so in one line (the purge below, in item 16,
# has a broker).
run i15.broker_stop systemctl stop ledd-test-broker
# Item 16's package part: apt remove with ledd killed in its restart delay.
dropin 16-restart-delay 'RestartSec=300'
kill_in_restart_delay i16.apt_remove
apt_get i15.remove remove -y ledd
after_removal i16.apt_remove
queue_info
fact i15.remove.queue "$QUEUE"
sim_value
fact i15.remove.sim "$SIM"
fact i15.remove.active "$(systemctl is-active ledd.service)"
fact i15.remove.bridge "$(systemctl is-active ledd-mqtt.service)"
fact i15.remove.state "$([[ -e /var/lib/ledd/state.json ]] && echo kept || echo gone)"
fact i15.remove.user "$(getent passwd ledd >/dev/null && echo kept || echo gone)"
apt_get i15.purge purge -y ledd
fact i15.purge.state "$([[ -e /var/lib/ledd ]] && echo kept || echo gone)"
fact i15.purge.user "$(getent passwd ledd >/dev/null && echo kept || echo gone)"
fact i15.purge.conffiles "$(ls /etc/default/ledd /etc/default/ledd-mqtt 2>/dev/null | tr '\n' ' ')"
run i15.dpkg_s_after dpkg -S /usr/bin/ledctl

step "16: apt purge with ledd killed in its restart delay"
# (The drop-in RestartSec=300 is still there: dpkg leaves /etc/systemd/system alone.)
apt_get i16.apt_purge.install install -y --no-install-recommends "$LEDD_DEB_NEWER"
show i16.apt_purge.installed
# Item 18 (issue 18): the bridge's retained topics on a broker on the
# guest's loopback; the purge must leave none of them.
start_broker i16.broker
run i16.bridge_start systemctl start ledd-mqtt.service
mqtt_wait i16.retained_before homeassistant/light/vmtest/led/config '"schema":"json"' 30
kill_in_restart_delay i16.apt_purge
apt_get i16.apt_purge purge -y ledd
after_removal i16.apt_purge
# A new subscriber to everything: what the broker still retains (none of the node's).
fact i16.retained_after "$(timeout 20 mosquitto_sub -h 127.0.0.1 -p 18830 -v -t '#' --retained-only -W 3 2>&1)"
fact i16.bridge_after_purge "$(systemctl is-active ledd-mqtt.service) $(systemctl is-failed ledd-mqtt.service)"
run i16.broker_stop systemctl stop ledd-test-broker
rm -rf "$dropins"
timeout 30 systemctl daemon-reload

# --- item 9, second half, and the journal for the other checks -------------

step "journal"
(
	timeout 30 journalctl -b -u "$unit" -p warning -o cat --no-pager >"$results/warnings.txt" 2>&1
	fact i9.warnings_rc $?
) &
timeout 30 journalctl -b -u ledd-cleanup.service -o short-monotonic --no-pager >"$results/cleanup-journal.txt" 2>&1
timeout 30 journalctl -b -u "$unit" -u ledd-cleanup.service -o json --no-pager \
	--output-fields=_PID,_SYSTEMD_UNIT,PRIORITY,MESSAGE >"$results/journal.json" 2>&1
fact journal.rc $?
wait
fact end ok
step "end"
exit 0
