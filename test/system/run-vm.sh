#!/usr/bin/env bash
# Boots the system-test VM (qemu TCG, this machine's root over read-only 9p,
# kernel from build-kernel.sh) to run one guest scenario script, and collects
# its results.
#
#   run-vm.sh --systemd|--shell SCENARIO --out DIR [--timeout SEC] [--env K=V]... [--root ROOT]
#
# --systemd  systemd 252 is PID 1; SCENARIO runs as ledd-test.service.
# --shell    a shell script is PID 1 (no systemd); faster.
# DIR        results share (created; a previous run's contents are replaced):
#            status (exit=N), scenario.log, journal.txt (systemd), console.log,
#            plus whatever the scenario writes to $LEDD_RESULTS in the guest.
# ROOT       boot this root filesystem instead of the host's (e.g. a Debian
#            trixie tree); the repo and SCENARIO must be inside it at their
#            host paths.
# Env: LEDD_VM_KERNEL=bzImage skips build-kernel.sh; LEDD_KERNEL_CACHE as there.
# Exit: 0 scenario passed, 1 scenario failed, 2 usage/setup, 3 VM died or timed out.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# Paths end up on the kernel command line and in a unit's ExecStart=.
safe_path='^/[A-Za-z0-9_./@+-]+$'

log() { printf 'run-vm: %s\n' "$*" >&2; }
usage() {
	sed -n '6,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	log "error: $*"
	exit 2
}

mode='' scenario='' out='' timeout='' envs=() root=/
while (($#)); do
	case $1 in
	--systemd | --shell) mode=${1#--} ;;
	--out) out=${2:?--out needs a directory} && shift ;;
	--timeout) timeout=${2:?--timeout needs seconds} && shift ;;
	--env) envs+=("${2:?--env needs KEY=VALUE}") && shift ;;
	--root) root=${2:?--root needs a directory} && shift ;;
	-h | --help) usage ;;
	-*) die "unknown option $1" ;;
	*)
		[[ -z $scenario ]] || die "only one scenario per run"
		scenario=$1
		;;
	esac
	shift
done
[[ -n $mode && -n $scenario && -n $out ]] || usage
timeout=${timeout:-$([[ $mode == systemd ]] && echo 180 || echo 90)}

check_prerequisites() {
	local missing=()
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	command -v timeout >/dev/null || missing+=(coreutils)
	if [[ $mode == systemd && ! -x $root/lib/systemd/systemd ]]; then missing+=(systemd); fi
	((${#missing[@]} == 0)) || die "missing packages; install them with: apt-get install -y ${missing[*]}"
}

# The guest writes straight into DIR, so only ever empty a directory that a
# previous run made (marked by .ledd-vm/).
prepare_out() {
	mkdir -p "$out"
	out=$(cd "$out" && pwd -P)
	[[ $out =~ $safe_path ]] || die "--out path must match $safe_path: $out"
	if [[ -n $(ls -A "$out") ]]; then
		[[ -d $out/.ledd-vm ]] || die "$out is not empty and not a previous run-vm output; refusing to clear it"
		find "$out" -mindepth 1 -delete
	fi
	mkdir "$out/.ledd-vm"
	local kv
	for kv in ${envs[@]+"${envs[@]}"}; do
		[[ $kv =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env wants KEY=VALUE, got: $kv"
		printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
	done >"$out/.ledd-vm/env.sh"
}

main() {
	check_prerequisites
	[[ -f $scenario ]] || die "scenario not found: $scenario"
	scenario=$(realpath "$scenario")
	[[ $scenario =~ $safe_path ]] || die "scenario path must match $safe_path: $scenario"
	[[ $here =~ $safe_path ]] || die "repo path must match $safe_path: $here"
	if [[ $root != / ]]; then
		root=$(cd "$root" && pwd -P) || die "--root: no such directory"
		[[ $root =~ $safe_path ]] || die "--root path must match $safe_path: $root"
		[[ -f $root$here/guest/init.sh && -f $root$scenario ]] ||
			die "--root $root must hold the repo and the scenario at their host paths ($here, $scenario)"
	fi
	prepare_out

	local kernel=${LEDD_VM_KERNEL:-}
	if [[ -z $kernel ]]; then
		kernel=$("$here/build-kernel.sh" | tail -n 1)
	fi
	[[ -f $kernel ]] || die "kernel not found: $kernel"

	# shellcheck disable=SC2054 # the commas belong to kernel and qemu options
	local append=(console=ttyS0 panic=-1 root=root rootfstype=9p ro
		rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose
		"init=$here/guest/init.sh" "ledd.mode=$mode" "ledd.scenario=$scenario")
	# systemd as PID 1 outside a container reads its options from here only.
	[[ $mode == shell ]] || append+=(systemd.unit=ledd-test.target)
	# shellcheck disable=SC2054
	local qemu=(qemu-system-x86_64 -accel tcg -m 1024 -nographic
		-smp 2,sockets=2,cores=1,threads=1 -no-reboot
		-kernel "$kernel" -append "${append[*]}"
		-fsdev "local,id=rootfs,path=$root,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=rootfs,mount_tag=root
		-fsdev "local,id=resfs,path=$out,security_model=none,multidevs=remap"
		-device virtio-9p-pci,fsdev=resfs,mount_tag=results
		-device virtio-rng-pci)

	log "booting ($mode) $scenario, limit ${timeout}s, console in $out/console.log"
	local started=$SECONDS qemu_rc=0
	timeout --kill-after=5 "$timeout" "${qemu[@]}" </dev/null >"$out/console.log" 2>&1 || qemu_rc=$?
	local elapsed=$((SECONDS - started))

	local status=''
	[[ -f $out/status ]] && status=$(cat "$out/status")
	if [[ $status == exit=0 ]]; then
		echo "run-vm: PASS $mode $scenario in ${elapsed}s; results in $out"
		return 0
	fi
	if [[ -z $status ]]; then
		((qemu_rc != 124 && qemu_rc != 137)) || log "time limit of ${timeout}s reached; qemu killed"
		log "no result from the guest (qemu exit $qemu_rc); console tail:"
	else
		log "scenario failed ($status); console tail:"
	fi
	tail -n 40 "$out/console.log" >&2
	echo "run-vm: FAIL $mode $scenario in ${elapsed}s; results in $out"
	[[ -n $status ]] && return 1
	return 3
}

main
