#!/bin/bash
# Helpers for the VM scenarios (ledd-system.sh, and the Raspberry Pi 5 twin's
# test/twin/guest/pi5-twin.sh), sourced after they set:
#   results  the results share ($LEDD_RESULTS)   sim   the GPIO17 sim value file
#   key      ledd's queue key                     unit  ledd.service
#   dropins  ledd.service's drop-in directory     client  the chapter's C client
# MQTT_NODE (default vmtest) is the bridge's node id for start_broker.
# Builtins where possible: under TCG a process start costs ~5 ms to ~3 s, and
# polling competes with what it waits for.

# Facts are collected on the guest's tmpfs and copied to the results share at
# every step (and at the end). A background subshell keeps its own file: a
# long fact (systemd-analyze security's table) goes out in several write()s,
# and a line another process appended between them was lost inside it.
facts=/run/ledd-system-facts.env
rm -f "$facts" "$facts".*
: >"$facts"
fact() {
	local file=$facts
	((BASHPID == $$)) || file=$facts.$BASHPID
	printf '%s=%s\n' "$1" "${2//$'\n'/\\n}" >>"$file"
}
flush_facts() {
	local others=("$facts".*)
	[[ -e ${others[0]} ]] || others=()
	cat "$facts" "${others[@]}" >"$results/facts.env"
}
step() {
	local uptime _
	read -r uptime _ </proc/uptime
	flush_facts
	printf '=== %s [%s]\n' "$*" "$uptime"
}

# nap SECONDS: sleeps without starting a process (reads a FIFO nobody writes).
nap_fifo=/run/ledd-system-nap
mkfifo "$nap_fifo"
exec {nap_fd}<>"$nap_fifo"
nap() { read -r -t "$1" -u "$nap_fd" || true; }

# now: milliseconds into $NOW.
now() { NOW=$((${EPOCHREALTIME/./} / 1000)); }

# sim_value: the level driven on the gpio-sim line, into $SIM.
sim_value() { read -r SIM <"$sim" || SIM=unreadable; }

# wait_sim VALUE SECONDS: polls until the line reads VALUE; $SIM is the last read.
wait_sim() {
	local deadline
	now
	deadline=$((NOW + $2 * 1000))
	sim_value
	while [[ $SIM != "$1" ]] && ((NOW < deadline)); do
		nap 0.05
		sim_value
		now
	done
}

# wait_gone PATH SECONDS: polls until PATH is gone, e.g. a unit's cgroup,
# which systemd removes once the unit is down (its ExecStopPost= done too).
cgroups=/sys/fs/cgroup/system.slice
wait_gone() {
	local deadline
	now
	deadline=$((NOW + $2 * 1000))
	while [[ -e $1 ]] && ((NOW < deadline)); do
		nap 0.1
		now
	done
}

# queue_info: the queue under $key from /proc/sysvipc/msg (what ipcs -q shows)
# into $QUEUE: "none", or "id=N qnum=N uid=N gid=N perms=N".
queue_info() {
	local k id perms qnum uid gid
	QUEUE=none
	# Columns: key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid ...
	while read -r k id perms _ qnum _ _ uid gid _; do
		if [[ $k == "$key" ]]; then QUEUE="id=$id qnum=$qnum uid=$uid gid=$gid perms=$perms"; fi
	done </proc/sysvipc/msg
}

# wait_no_queue SECONDS: polls until no queue is left under $key.
wait_no_queue() {
	local deadline
	now
	deadline=$((NOW + $1 * 1000))
	queue_info
	while [[ $QUEUE != none ]] && ((NOW < deadline)); do
		nap 0.1
		queue_info
		now
	done
}

# show PREFIX [UNIT]: `systemctl show` of the properties below into the
# associative array S; with a non-empty PREFIX, each becomes a fact.
declare -A S
show_props=ActiveState,SubState,Result,MainPID,NRestarts,StatusText,ExecMainCode,ExecMainStatus,Type,ExecMainStartTimestampMonotonic,ActiveEnterTimestampMonotonic
show() {
	local line
	S=()
	while IFS= read -r line; do
		[[ $line == *=* ]] || continue
		S[${line%%=*}]=${line#*=}
		if [[ -n $1 ]]; then fact "$1.${line%%=*}" "${line#*=}"; fi
	done < <(systemctl show -p "$show_props" "${2:-$unit}")
}

# wait_until SECONDS CONDITION...: re-reads `show` for ${UNIT:-ledd.service}
# until CONDITION (a command) succeeds; returns 1 at the time limit.
wait_until() {
	local deadline
	now
	deadline=$((NOW + $1 * 1000))
	shift
	while :; do
		show '' "${UNIT:-$unit}"
		"$@" && return 0
		now
		((NOW < deadline)) || return 1
		nap 0.3
	done
}
# shellcheck disable=SC2317 # called through wait_until
is_running_other_than() { [[ ${S[ActiveState]} == active && ${S[SubState]} == running && ${S[MainPID]} != "$1" && ${S[MainPID]} != 0 ]]; }
# shellcheck disable=SC2317
is_down() { [[ ${S[ActiveState]} == inactive || ${S[ActiveState]} == failed ]]; }

# restarted PREFIX OLD_PID: waits for systemd to have restarted ledd: the
# line released (gpio-sim reads 0), driven again to the restored 1, then the
# unit active with a new main process. Records the time it took.
restarted() {
	local started
	now
	started=$NOW
	wait_sim 0 20
	wait_sim 1 40
	UNIT=$unit wait_until 20 is_running_other_than "$2"
	now
	fact "$1.restart_ms" $((NOW - started))
}

# run PREFIX COMMAND...: runs COMMAND (RUN_TIMEOUT, 30 s by default); records rc, ms, output.
run() {
	local prefix=$1 started output rc=0
	shift
	now
	started=$NOW
	output=$(timeout "${RUN_TIMEOUT:-30}" "$@" 2>&1) || rc=$?
	now
	fact "$prefix.rc" "$rc"
	fact "$prefix.ms" $((NOW - started))
	fact "$prefix.out" "$output"
	OUT=$output
}

# ledctl_sim PREFIX ARGS...: ledctl as root, then the line's level at once
# (ledd drives the line before it answers).
ledctl_sim() {
	local prefix=$1
	shift
	run "$prefix" ledctl "$@"
	sim_value
	fact "$prefix.sim" "$SIM"
}

# client_sim PREFIX on|off|exit VALUE: the chapter's C client, which waits
# for no answer: the line is polled for up to 5 s.
client_sim() {
	run "$1" "$client" "$2"
	wait_sim "$3" 5
	fact "$1.sim" "$SIM"
}

# signal SIGNAL PID: never to PID 0 or 1 (with no MainPID, kill -STOP 0 would
# stop this script's own process group).
signal() {
	if [[ $2 =~ ^[0-9]+$ ]] && (($2 > 1)); then
		kill "-$1" "$2"
	else
		echo "not sending SIG$1 to \"$2\": ledd has no main process"
	fi
}

# dropin NAME TEXT: a test drop-in for ledd.service, then daemon-reload.
dropin() {
	mkdir -p "$dropins"
	printf '[Service]\n%s\n' "$2" >"$dropins/$1.conf"
	timeout 30 systemctl daemon-reload
}

# start_ledd PREFIX: systemctl start, then the unit's state at once.
start_ledd() {
	# This scenario starts ledd more often than StartLimitBurst= allows in a
	# minute; reset-failed also resets the start-limit counter.
	systemctl reset-failed "$unit" 2>/dev/null
	run "$1" systemctl start "$unit"
	show "$1.after"
}

# count_changes SECONDS: how often the line's level changed, sampled every 10 ms, into $CHANGES.
count_changes() {
	local deadline last
	now
	deadline=$((NOW + $1 * 1000))
	sim_value
	last=$SIM
	CHANGES=0
	while ((NOW < deadline)); do
		nap 0.01
		sim_value
		[[ $SIM != "$last" ]] && CHANGES=$((CHANGES + 1))
		last=$SIM
		now
	done
}

# mqtt_wait PREFIX TOPIC PATTERN SECONDS: waits for the first message on TOPIC
# (retained ones included) that matches PATTERN, from the broker on the
# guest's loopback; records rc (0 found, 1 not) and the line (or all seen).
mqtt_wait() {
	local prefix=$1 topic=$2 pattern=$3 seconds=$4 seen=/run/ledd-vm/mqtt-seen deadline line='' pid
	mosquitto_sub -h 127.0.0.1 -p 18830 -v -t "$topic" -W "$seconds" >"$seen" 2>&1 &
	pid=$!
	now
	deadline=$((NOW + seconds * 1000))
	while ((NOW < deadline)); do
		line=$(grep -m 1 -E "$pattern" "$seen") && break
		kill -0 "$pid" 2>/dev/null || break
		nap 0.1
		now
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	fact "$prefix.rc" "$([[ -n $line ]] && echo 0 || echo 1)"
	fact "$prefix.out" "${line:-$(<"$seen")}"
}

# start_broker PREFIX: a Mosquitto on the guest's loopback (unit
# ledd-test-broker), once it takes a publish; and ledd-mqtt's settings for it.
start_broker() {
	printf 'listener 18830 127.0.0.1\nallow_anonymous true\npersistence false\n' >/run/ledd-vm/broker.conf
	run "$1" systemd-run --unit=ledd-test-broker /usr/sbin/mosquitto -c /run/ledd-vm/broker.conf
	for _ in $(seq 1 100); do
		timeout 5 mosquitto_pub -h 127.0.0.1 -p 18830 -t probe -m up 2>/dev/null && break
		nap 0.2
	done
	printf 'LEDD_MQTT_BROKER=mqtt://127.0.0.1:18830\nLEDD_MQTT_NODE_ID=%s\n' "${MQTT_NODE:-vmtest}" >/etc/default/ledd-mqtt
}

