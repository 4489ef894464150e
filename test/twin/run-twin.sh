#!/usr/bin/env bash
# The Raspberry Pi 5 twin: ledd's arm64 package installed by apt and run under
# systemd on a 16K-page Cortex-A76 kernel, against gpio-sim chips laid out as
# on a Pi 5. Runs guest/pi5-twin.sh there and leaves its facts for
# pi5-twin.test.ts to judge.
#
#   run-twin.sh OUT
#
# 1. The kernel: ../system/build-kernel.sh --arch arm64 (cached by its inputs),
#    built while step 2 runs.
# 2. The arm64 trixie root and ledd's arm64 package built in it:
#    ../platforms/run-foreign-arch.sh arm64 with the package suite alone (the
#    root and its node_modules are cached; the root also has what the twin
#    boots: systemd, udev, gpiod, Mosquitto). The package the platform stage
#    built there from the same sources is taken as it is
#    (LEDD_FOREIGN_REUSE_PACKAGE). OUT/arm64/.
# 3. The newer build for the upgrade: the same package with its Version raised
#    (+twin1), by test/helpers/newer-deb.sh, as the x86 one (+test1).
# 4. ../system/run-vm.sh --arch arm64 --systemd, booting that root read-only
#    under a tmpfs overlay, with the Pi 5's chip layout (ledd.gpio=pi5).
#    OUT/vm/ (facts.env, journal.txt, console.log, the in-guest suites' TAP).
# OUT/timings.env: each part's wall seconds, and whether the kernel and the
# root were built or cached.
# Env: LEDD_TWIN_KERNEL=IMAGE boots that kernel instead of building one (a
# 4K-page one, say, to see the stage fail); LEDD_TWIN_DAEMON_TESTS, the
# daemon test files (dist/test/daemon/*.js) run in the guest.
# Exit: 0 the guest scenario ran to its end (its facts still to be judged),
# 1 it did not, 2 a step before the boot failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
out=${1:?usage: run-twin.sh OUT}
# Where run-foreign-arch.sh puts the project inside the root.
project=/build/ledd
# Under TCG a Node.js start takes about 4 s: ledd's tests in the guest get the
# emulator's allowances (test/helpers/wait.ts), more than under qemu-user.
daemon_tests=${LEDD_TWIN_DAEMON_TESTS:-dist/test/daemon/startup.test.js dist/test/daemon/handover.test.js}

log() { printf 'run-twin: [%s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
	log "error: $*"
	exit 2
}

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
rm -rf "$out/arm64" "$out/kernel.log" "$out/timings.env"
started=$SECONDS

kernel=${LEDD_TWIN_KERNEL:-}
kernel_pid=''
if [[ -z $kernel ]]; then
	log "kernel: build-kernel.sh --arch arm64 (log: $out/kernel.log)"
	bash "$repo/test/system/build-kernel.sh" --arch arm64 >"$out/kernel.out" 2>"$out/kernel.log" &
	kernel_pid=$!
fi

log "root and package: run-foreign-arch.sh arm64, package suite (log: $out/arm64.log)"
t0=$SECONDS
rc=0
LEDD_FOREIGN_SUITES=package LEDD_FOREIGN_REUSE_PACKAGE=1 bash "$repo/test/platforms/run-foreign-arch.sh" arm64 \
	"$out/arm64" >"$out/arm64.log" 2>&1 || rc=$?
package_s=$((SECONDS - t0))
if [[ -n $kernel_pid ]]; then
	wait "$kernel_pid" || die "the arm64 kernel build failed: $(tail -n 20 "$out/kernel.log")"
	kernel=$(tail -n 1 "$out/kernel.out")
fi
prepare_s=$((SECONDS - started))
((rc == 0)) || die "run-foreign-arch.sh arm64 failed (exit $rc): $(tail -n 20 "$out/arm64.log")"
root=$(sed -n 's/^root_dir=//p' "$out/arm64/build.env")
[[ -d $root$project ]] || die "no project in the arm64 root ($root$project)"
deb=$(cd "$out/arm64" && ls -- ledd_*_arm64.deb | head -n 1)
[[ -n $deb ]] || die "no arm64 package in $out/arm64"

# The packages where the guest sees them: in the project's build/ in the root.
version=$(dpkg-deb --field "$out/arm64/$deb" Version)
debs=$root$project/build/twin
rm -rf "$debs"
mkdir -p "$debs"
cp "$out/arm64/$deb" "$debs/"
newer=ledd_${version}+twin1_arm64.deb
bash "$repo/test/helpers/newer-deb.sh" "$debs/$deb" +twin1 "$debs/$newer"

log "booting the twin (log: $out/vm/console.log)"
t0=$SECONDS
vm_rc=0
bash "$repo/test/system/run-vm.sh" --systemd --arch arm64 --root "$root" --repo-in-root "$project" \
	--append ledd.gpio=pi5 --kernel "$kernel" --timeout "${LEDD_TWIN_TIMEOUT:-1800}" --out "$out/vm" \
	--env "LEDD_DEB=$project/build/twin/$deb" --env "LEDD_DEB_NEWER=$project/build/twin/$newer" \
	--env "LEDD_TWIN_DAEMON_TESTS=$daemon_tests" \
	--env LEDD_TEST_TIMEOUT_SCALE=10 --env LEDD_TEST_BOUND_SCALE=10 \
	"$repo/test/twin/guest/pi5-twin.sh" >"$out/vm.log" 2>&1 || vm_rc=$?
vm_s=$((SECONDS - t0))
{
	if [[ -n ${LEDD_TWIN_KERNEL:-} ]]; then
		echo kernel=given
	elif grep -q 'using cached\|another build just made' "$out/kernel.log"; then
		echo kernel=cached
	else
		echo kernel=built
		sed -n 's/^build-kernel: built in \([0-9]*\) s$/kernel_s=\1/p' "$out/kernel.log"
	fi
	echo "kernel_image=$kernel"
	sed -n 's/^root=/root_state=/p' "$out/arm64/timings.env"
	echo "package=$(sed -n 's/^install=//p' "$out/arm64/build.env")"
	echo "package_s=$package_s"
	echo "prepare_s=$prepare_s"
	echo "vm_s=$vm_s"
	echo "total_s=$((SECONDS - started))"
} >"$out/timings.env"
log "kernel and package side by side ${prepare_s}s (package ${package_s}s), VM ${vm_s}s: $(tail -n 1 "$out/vm.log")"
((vm_rc == 0)) || exit 1
