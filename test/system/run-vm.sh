#!/usr/bin/env bash
# Boots the system-test VM (qemu TCG, this machine's root over read-only 9p,
# kernel from build-kernel.sh) to run one guest scenario script, and collects
# its results.
#
#   run-vm.sh --systemd|--shell SCENARIO --out DIR [--timeout SEC] [--env K=V]... [--root ROOT]
#             [--arch x86_64|arm64] [--repo-in-root DIR] [--append ARG]... [--kernel IMAGE]
#
# --systemd  systemd 252 is PID 1; SCENARIO runs as ledd-test.service.
# --shell    a shell script is PID 1 (no systemd); faster.
# DIR        results share (created; a previous run's contents are replaced):
#            status (exit=N), scenario.log, journal.txt (systemd), console.log,
#            plus whatever the scenario writes to $LEDD_RESULTS in the guest.
# ROOT       boot this root filesystem instead of the host's (e.g. a Debian
#            trixie tree); the repo and SCENARIO must be inside it at their
#            host paths, or at --repo-in-root DIR.
# --arch     arm64: the Raspberry Pi 5 twin, qemu-system-aarch64 -M virt -cpu
#            cortex-a76 with build-kernel.sh --arch arm64's 16K-page kernel
#            (then ROOT is an arm64 root).
# --append   one more kernel command-line argument (e.g. ledd.gpio=pi5: the
#            gpio-sim chips laid out as on a Pi 5, see guest/gpio-sim.sh).
# --kernel   boot this kernel image instead of build-kernel.sh's.
# Env: LEDD_VM_KERNEL=IMAGE is --kernel; LEDD_KERNEL_CACHE as in build-kernel.sh.
# Exit: 0 scenario passed, 1 scenario failed, 2 usage/setup, 3 VM died or timed out.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# Paths end up on the kernel command line and in a unit's ExecStart=.
safe_path='^/[A-Za-z0-9_./@+-]+$'

log() { printf 'run-vm: %s\n' "$*" >&2; }
usage() {
	sed -n '6,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
die() {
	log "error: $*"
	exit 2
}

mode='' scenario='' out='' timeout='' envs=() root=/ arch=x86_64 repo_in_root='' extra_append=()
kernel=${LEDD_VM_KERNEL:-}
while (($#)); do
	case $1 in
	--systemd | --shell) mode=${1#--} ;;
	--out) out=${2:?--out needs a directory} && shift ;;
	--timeout) timeout=${2:?--timeout needs seconds} && shift ;;
	--env) envs+=("${2:?--env needs KEY=VALUE}") && shift ;;
	--root) root=${2:?--root needs a directory} && shift ;;
	--arch) arch=${2:?--arch needs x86_64 or arm64} && shift ;;
	--repo-in-root) repo_in_root=${2:?--repo-in-root needs a directory} && shift ;;
	--append)
		[[ ${2:-} =~ ^[A-Za-z0-9_.=,-]+$ ]] || die "--append wants one kernel argument (letters, digits, _.=,-): ${2:-}"
		extra_append+=("$2") && shift
		;;
	--kernel) kernel=${2:?--kernel needs an image} && shift ;;
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
	case $arch in
	x86_64) command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86) ;;
	arm64) command -v qemu-system-aarch64 >/dev/null || missing+=(qemu-system-arm) ;;
	*) die "unknown --arch $arch (x86_64 or arm64)" ;;
	esac
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
	# Where the guest finds this repo's guest/ scripts and the scenario.
	local guest_here=$here guest_scenario=$scenario
	if [[ -n $repo_in_root ]]; then
		[[ $repo_in_root =~ $safe_path ]] || die "--repo-in-root path must match $safe_path: $repo_in_root"
		local repo
		repo=$(cd "$here/../.." && pwd -P)
		[[ $scenario == "$repo"/* ]] || die "the scenario must be in this repo ($repo) with --repo-in-root"
		guest_here=$repo_in_root/test/system
		guest_scenario=$repo_in_root/${scenario#"$repo"/}
	fi
	if [[ $root != / ]]; then
		root=$(cd "$root" && pwd -P) || die "--root: no such directory"
		[[ $root =~ $safe_path ]] || die "--root path must match $safe_path: $root"
		[[ -f $root$guest_here/guest/init.sh && -f $root$guest_scenario ]] ||
			die "--root $root must hold the repo and the scenario at $guest_here, $guest_scenario"
	fi
	prepare_out

	if [[ -z $kernel ]]; then
		kernel=$("$here/build-kernel.sh" --arch "$arch" | tail -n 1)
	fi
	[[ -f $kernel ]] || die "kernel not found: $kernel"

	# shellcheck disable=SC2054 # the commas belong to kernel and qemu options
	local console=ttyS0
	[[ $arch == x86_64 ]] || console=ttyAMA0
	local append=("console=$console" panic=-1 root=root rootfstype=9p ro
		rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose
		"init=$guest_here/guest/init.sh" "ledd.mode=$mode" "ledd.scenario=$guest_scenario"
		${extra_append[@]+"${extra_append[@]}"})
	# systemd as PID 1 outside a container reads its options from here only.
	[[ $mode == shell ]] || append+=(systemd.unit=ledd-test.target)
	# shellcheck disable=SC2054
	local machine=(qemu-system-x86_64 -accel tcg -m 1024)
	# The Pi 5's core; 2 GiB (the smallest Pi 5 has 2).
	[[ $arch == x86_64 ]] || machine=(qemu-system-aarch64 -accel tcg -M virt -cpu cortex-a76 -m 2048)
	local qemu=("${machine[@]}" -nographic
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
