#!/usr/bin/env bash
# ledd on Debian 13 "trixie" (the base of Raspberry Pi OS trixie), which ships
# libgpiod 2.x: builds (or reuses) a trixie root, copies this repo into it at
# its host path, runs `npm ci` there in a chroot (node-libgpiod must fail
# quietly, ledd's own libgpiod 2.x binding must build), then boots the
# gpio-sim VM of test/system with that root (shell init) and runs
# guest/gpio-backend.sh against the libgpiod 2.x backend.
#
#   run-trixie.sh OUT
#
# OUT (emptied first) gets npm-ci.log, version.txt (ledd --version in the
# chroot), build.env, timings.env and vm/ (run-vm.sh's results: checks.txt...).
# npm ci is skipped when the project's files are those of the last successful
# build in the cached root (LEDD_TRIXIE_REBUILD=1 forces it); its log is kept.
# Root cache: ${LEDD_TRIXIE_CACHE:-$HOME/.cache/ledd-trixie}/<key>/root, where
# <key> hashes the suite, the variant and the package list; one run at a time
# per root (flock). Needs root (mmdebstrap, chroot, mount).
# The minbase root has no reboot(8): at the end init.sh's `reboot -f` fails,
# PID 1 exits, the kernel panics ("Attempted to kill init!" on the console)
# and, with panic=-1 and -no-reboot, qemu exits. That is the normal end here.
# Exit: 0 passed, 1 failed, 2 missing prerequisites (the Debian packages are named).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=debian-root.sh
source "$here/debian-root.sh"
repo=$(cd "$here/../.." && pwd -P)
out=${1:?usage: run-trixie.sh OUT}
suite=trixie
# The suite name that points to trixie today, tried when a mirror cache serves trixie's index files stale.
suite_alias=stable
variant=minbase
packages=(nodejs npm libgpiod-dev gpiod g++ make python3 libsystemd-dev pkg-config util-linux procps)
# Bumped when the recipe below changes in a way the package list does not show.
recipe=1
cache_root=${LEDD_TRIXIE_CACHE:-${HOME:?HOME is unset; set LEDD_TRIXIE_CACHE}/.cache/ledd-trixie}

log() { printf 'run-trixie: [%s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
	log "error: $*"
	exit "${2:-1}"
}

check_prerequisites() {
	((EUID == 0)) || die "must run as root (mmdebstrap, chroot and mount need it)" 2
	local -A pkg_of=([mmdebstrap]=mmdebstrap [flock]=util-linux [mount]=mount [chroot]=coreutils
		[sha256sum]=coreutils [tar]=tar [qemu-system-x86_64]=qemu-system-x86)
	local -A missing=()
	local cmd
	for cmd in "${!pkg_of[@]}"; do
		command -v "$cmd" >/dev/null || missing[${pkg_of[$cmd]}]=1
	done
	((${#missing[@]} == 0)) || die "missing packages; install them with: apt-get install -y ${!missing[*]}" 2
}

# Builds the root once per key; a failed build leaves nothing behind.
ensure_root() {
	local dir=$1
	[[ -f $dir/complete ]] && return 0
	log "building the $suite root in $dir (mmdebstrap, a few minutes)"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	local include
	include=$(
		IFS=,
		echo "${packages[*]}"
	)
	debian_root "$suite" "$suite_alias" "$dir.tmp/root" "$dir.tmp/mmdebstrap.log" --variant="$variant" --include="$include" ||
		die "mmdebstrap failed; see $dir.tmp/mmdebstrap.log: $(debian_root_failure "$dir.tmp/mmdebstrap.log")"
	touch "$dir.tmp/complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# The repo without what a build makes (as a tar stream, file contents only).
project_tar() {
	tar -C "$repo" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --exclude=./.git \
		--exclude=./node_modules --exclude=./dist --exclude=./native/build --exclude=./native/sysvmq/build \
		--exclude=./native/sysvmq/dist --exclude=./native/sysvmq/bench/floor/build --exclude=./test/kit/dist \
		--exclude=./test/build -cf - .
}

# The project at its host path inside the root (the previous copy removed).
copy_project() {
	local dir=$1 root=$1/root previous
	rm -f "$dir/build-stamp"
	if [[ -f $dir/project-path ]]; then
		previous=$(<"$dir/project-path")
		[[ -n $previous && $previous == /* ]] && rm -rf "${root:?}$previous"
	fi
	echo "$repo" >"$dir/project-path"
	mkdir -p "$root$repo"
	project_tar | tar -C "$root$repo" -xf -
}

trap unmount_all EXIT

in_chroot() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i "${chroot_vars[@]}" /bin/bash -c "cd '$repo' && $*"
}

main() {
	check_prerequisites
	mkdir -p "$out"
	out=$(cd "$out" && pwd -P)
	if [[ -n $(ls -A "$out") ]]; then
		[[ -f $out/.run-trixie ]] || die "$out is not empty and not a previous run's output; refusing to clear it" 2
		find "$out" -mindepth 1 -delete
	fi
	touch "$out/.run-trixie"
	local key dir root
	key=$(printf '%s\n' "recipe $recipe" "$suite" "$variant" "${packages[@]}" | sha256sum | cut -c1-16)
	dir=$cache_root/$key
	root=$dir/root
	mkdir -p "$cache_root"
	exec 9>"$dir.lock"
	flock -n 9 || {
		log "waiting for another run using $dir"
		flock 9
	}

	local t0=$SECONDS root_state=cached
	[[ -f $dir/complete ]] || root_state=built
	ensure_root "$dir"
	local root_s=$((SECONDS - t0))
	log "root $root_state in ${root_s}s: $root"

	# npm ci runs again whenever the project's files (or its path) changed since
	# the last successful build in this root; LEDD_TRIXIE_REBUILD=1 forces it.
	t0=$SECONDS
	local stamp npm_rc=0 npm_state=reused
	stamp="$repo $(project_tar | sha256sum | cut -d' ' -f1)"
	mount_root_fs "$root" || die "cannot prepare $root"
	chroot_npm_env "$root"
	if [[ ${LEDD_TRIXIE_REBUILD:-} == 1 || ! -f $dir/build-stamp || $(<"$dir/build-stamp") != "$stamp" ]]; then
		npm_state=ran
		copy_project "$dir"
		log "npm ci in the chroot (log: $out/npm-ci.log)"
		in_chroot "$root" 'npm ci' >"$out/npm-ci.log" 2>&1 || npm_rc=$?
		if ((npm_rc == 0)); then
			cp "$out/npm-ci.log" "$dir/npm-ci.log"
			echo "$stamp" >"$dir/build-stamp"
		fi
	else
		log "project unchanged since the last build in this root: npm ci not run again"
		cp "$dir/npm-ci.log" "$out/npm-ci.log"
	fi
	local npm_s=$((SECONDS - t0))
	{
		echo "npm_ci=$npm_state"
		echo "npm_ci_exit=$npm_rc"
		echo "libgpiod=$(in_chroot "$root" 'pkg-config --modversion libgpiod')"
		echo "node=$(in_chroot "$root" 'node --version')"
		echo "npm=$(in_chroot "$root" 'npm --version')"
		echo "gpiod2_node=$([[ -f $root$repo/native/build/Release/gpiod2.node ]] && echo built || echo missing)"
		echo "node_libgpiod=$([[ -e $root$repo/node_modules/node-libgpiod ]] && echo present || echo absent)"
	} >"$out/build.env"
	((npm_rc == 0)) || die "npm ci failed in the $suite root (exit $npm_rc): $(tail -n 15 "$out/npm-ci.log")"
	in_chroot "$root" 'node dist/ledd.cjs --version' >"$out/version.txt" 2>&1 ||
		die "ledd --version failed in the chroot: $(cat "$out/version.txt")"
	unmount_all

	t0=$SECONDS
	local vm_rc=0
	bash "$repo/test/system/run-vm.sh" --shell "$here/guest/gpio-backend.sh" --root "$root" --out "$out/vm" \
		--timeout 300 --env LEDD_EXPECT_BACKEND=libgpiod2 --env LEDD_OTHER_BACKEND=libgpiod1 || vm_rc=$?
	local vm_s=$((SECONDS - t0))
	printf 'root=%s\nroot_s=%s\nnpm_ci=%s\nnpm_ci_s=%s\nvm_s=%s\n' "$root_state" "$root_s" "$npm_state" "$npm_s" \
		"$vm_s" >"$out/timings.env"
	log "timings: root $root_state ${root_s}s, npm ci $npm_state ${npm_s}s, VM ${vm_s}s"
	return "$vm_rc"
}

main
