#!/usr/bin/env bash
# ledd on a foreign architecture under qemu-user: arm64 (the Pi 5's own) and
# armhf (32-bit ARM, where a C `long` is 32 bits). Builds (or reuses) a Debian
# trixie root of that architecture with mmdebstrap, copies this repo into it,
# builds the native modules there (our queue addon sysv_mq, the pattern edge
# timer edge_timer and the libgpiod 2.x binding gpiod2) with `npm ci` in a
# chroot, then runs test suites inside
# the root. Programs in the root run under qemu-user through binfmt_misc; the
# kernel, and so its System V queues, is this machine's.
#
#   run-foreign-arch.sh ARCH OUT        ARCH: arm64 or armhf
#
# Suites (node --test inside the root, one per suite, all at the same time;
# TAP kept in OUT/<suite>.tap):
#   arm64: native (native/sysvmq/dist/test/: the queue binding), daemon (the daemon
#          tests that can differ by architecture; see suite_files); daemon-all
#          (every daemon test file but pattern-timing) on request
#   armhf: native, chapter (dist/test/daemon/foreign-clients.test.js: the
#          chapter's C client, compiled with the root's cc, driving ledd --backend sim)
#   both:  package (not node --test: scripts/package.sh --prebuilt, ledd's
#          Debian package for ARCH built by dpkg-buildpackage in the root
#          from the tree just built there; OUT/ledd_<version>_<arch>.deb)
# LEDD_FOREIGN_SUITES="native daemon ..." overrides the list (npm run package
# -- --arch ARCH runs the package suite alone). With LEDD_FOREIGN_REUSE_PACKAGE=1
# and the package suite alone, a package an earlier run built in the same root
# from the same sources and node_modules (the same tar of the tree, mtimes
# included) is copied out with the tree it was built from left in the root,
# instead of built again: the Raspberry Pi 5 twin (test/twin/) takes the
# platform stage's package this way. LEDD_PACKAGE_VERSION_SUFFIX is
# passed to package.sh as --version-suffix.
#
# OUT (emptied first) gets: npm.log (npm ci, or the rebuild on a warm run),
# build.env (tool versions, what was built, the addon's LONG_BITS), probe.txt
# (message-type limits checked in the root), <suite>.tap, <suite>.log,
# results.env (counts per suite), timings.env and archive-packages.txt (the
# names of the suite's packages for ARCH).
#
# Cache: ${LEDD_ARCH_CACHE:-$HOME/.cache/ledd-arch}/<arch>-<key>/ where <key>
# hashes the recipe, suite, architecture and package list: a changed
# list builds a new root. node_modules is reused while package.json and
# package-lock.json are unchanged (keyed by their hash); our own native/ addon
# and dist/ are always rebuilt from the current source (dist/ by the root's
# TypeScript on this machine's node when node_modules is reused). One run at a time per
# root (flock). Needs root (mmdebstrap, chroot, mount).
# LEDD_ARCH_MIRROR_<arch> (e.g. LEDD_ARCH_MIRROR_armhf), else LEDD_ARCH_MIRROR:
# mmdebstrap's mirror argument (a URL or a sources.list line) instead of
# Debian's default mirror (e.g. a local apt cache).
# Exit: 0 passed, 1 failed, 2 missing prerequisites (the Debian packages are named).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=debian-root.sh
source "$here/debian-root.sh"
repo=$(cd "$here/../.." && pwd -P)
arch=${1:?usage: run-foreign-arch.sh arm64|armhf OUT}
out=${2:?usage: run-foreign-arch.sh arm64|armhf OUT}
suite=trixie
# The suite name that points to trixie today, tried when a mirror cache serves trixie's index files stale.
suite_alias=stable
# What npm ci and the tests need in the root: Node.js and its headers for
# node-gyp (libnode-dev), the build (python3, make, g++; libgpiod 2.x and
# libsystemd for the GPIO binding and sd-notify), the queue tests' peers
# (util-linux ipcmk/ipcs/ipcrm and setpriv, Python sysv_ipc, Perl IPC::Msg
# from perl's libperl) and procps; for the package suite Debian's packaging
# tools (dpkg-dev, debhelper, help2man). Not Debian's npm (9.2, with some 340 node-*
# packages to fetch): this machine's npm, the one CI runs, is JavaScript that
# any architecture's node runs, so it is copied into the root and runs there on
# the root's node.
packages=(nodejs libnode-dev g++ make python3 pkg-config libgpiod-dev libsystemd-dev
	util-linux procps python3-sysv-ipc perl dpkg-dev debhelper help2man)
# The arm64 root is also the Raspberry Pi 5 twin's (test/twin/): booted with
# systemd as PID 1, it installs ledd's package with apt and runs it with the
# tools a Pi user has (mount and reboot for its init, gpiodetect, Mosquitto).
twin_packages=(systemd systemd-sysv udev mount apt init-system-helpers gpiod mosquitto mosquitto-clients)
# Bumped when the recipe below changes in a way the package list does not show.
recipe=4
cache_root=${LEDD_ARCH_CACHE:-${HOME:?HOME is unset; set LEDD_ARCH_CACHE}/.cache/ledd-arch}
# Where the project lives inside the root, and where this machine's npm goes.
project=/build/ledd
root_npm=/opt/ledd-npm

case $arch in
arm64)
	qemu_arch=aarch64
	node_arch=arm64
	long_bits=64
	default_suites='native daemon package'
	packages+=("${twin_packages[@]}")
	;;
armhf)
	qemu_arch=arm
	node_arch=arm
	long_bits=32
	default_suites='native chapter package'
	;;
*)
	echo "run-foreign-arch: unknown architecture $arch (arm64 or armhf)" >&2
	exit 2
	;;
esac
read -r -a suites <<<"${LEDD_FOREIGN_SUITES:-$default_suites}"

log() { printf 'run-foreign-arch[%s]: [%s] %s\n' "$arch" "$(date +%T)" "$*" >&2; }
die() {
	log "error: $*"
	exit "${2:-1}"
}

check_prerequisites() {
	((EUID == 0)) || die "must run as root (mmdebstrap, chroot and mount need it)" 2
	local -A pkg_of=([mmdebstrap]=mmdebstrap [update-binfmts]=binfmt-support [arch-test]=arch-test
		[flock]=util-linux [mount]=mount [chroot]=coreutils [sha256sum]=coreutils [tar]=tar)
	local -A missing=()
	local cmd
	for cmd in "${!pkg_of[@]}"; do
		command -v "$cmd" >/dev/null || missing[${pkg_of[$cmd]}]=1
	done
	[[ -x /usr/bin/qemu-$qemu_arch-static ]] || missing[qemu-user-static]=1
	[[ -f /etc/ssl/certs/ca-certificates.crt ]] || missing[ca-certificates]=1
	host_npm=$(command -v npm || true)
	[[ -n $host_npm ]] && host_npm=$(dirname "$(dirname "$(readlink -f "$host_npm")")")
	[[ -f $host_npm/bin/npm-cli.js && -f $host_npm/package.json ]] ||
		die "npm not found (the npm that came with Node.js 20 is copied into the root)" 2
	((${#missing[@]} == 0)) || die "missing packages; install them with: apt-get install -y ${!missing[*]}" 2
	# binfmt_misc runs the root's programs under qemu-user (the other architecture's run may set it up at the same time).
	local error
	error=$(bash "$here/binfmt-setup.sh" "$qemu_arch" 2>&1) || die "${error#binfmt-setup: error: }" 2
	arch-test "$arch" >/dev/null 2>&1 || die "arch-test says $arch programs do not run here: $(arch-test "$arch" 2>&1)" 2
}

# The root is extracted, not installed: mmdebstrap's extract variant unpacks
# the essential set, the packages above and their dependencies with this
# machine's own tools, and runs no maintainer script. Installing them with
# dpkg inside the root instead runs dpkg, tar, xz and every maintainer script
# under emulation: 30 minutes per root here (against 2 to 5 for this), far
# beyond CI's time. What the tests need of the maintainer scripts' work is
# done by fix_root: the users and groups of base-passwd, the alternatives for
# cc, c++ and awk, and the dynamic linker's cache. dpkg's database is written
# by register_packages from the downloaded packages, as "installed": the
# package build needs it (dpkg-checkbuilddeps, and dpkg-shlibdeps, which
# finds the package and symbols file of each library ledd's addons link).
build_root() {
	local root=$1 log=$2 include
	include=$(
		IFS=,
		echo "${packages[*]}"
	)
	local -a mirror=()
	local mirror_var=LEDD_ARCH_MIRROR_$arch
	mirror_var=${!mirror_var:-${LEDD_ARCH_MIRROR:-}}
	[[ -n $mirror_var ]] && mirror=("$mirror_var")
	debian_root "$suite" "$suite_alias" "$root" "$log" --architectures="$arch" --variant=extract \
		--include='?essential' --include="$include" \
		--dpkgopt='path-exclude=/usr/share/{doc,man,locale,info}/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--skip=cleanup/apt -- ${mirror[@]+"${mirror[@]}"}
}

# dpkg's database in ROOT, written with this machine's dpkg-deb from the
# packages mmdebstrap extracted (kept in its apt cache, then deleted): each
# one's control fields as "install ok installed", its file list, and the
# control files that tools query (shlibs, symbols, triggers, md5sums). And
# archive-packages.txt beside ROOT: every package name the suite has for the
# architecture (from apt's lists, then deleted), which the package's Depends
# must name.
register_packages() {
	local root=$1 admin=$1/var/lib/dpkg deb name multi_arch package_arch control entry file
	control=$(mktemp -d)
	: >"$admin/status"
	# The database layout where a Multi-Arch: same package's files are NAME:ARCH.*
	echo 1 >"$admin/info/format"
	for deb in "$root"/var/cache/apt/archives/*.deb; do
		IFS='|' read -r name multi_arch package_arch < <(dpkg-deb --show \
			--showformat='${Package}|${Multi-Arch}|${Architecture}\n' "$deb")
		# dpkg knows a Multi-Arch: same package as NAME:ARCH.
		[[ $multi_arch == same ]] && name=$name:$package_arch
		entry=$(dpkg-deb --field "$deb")
		printf '%s\nStatus: install ok installed\n\n' "$entry" >>"$admin/status"
		dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' -e 's|^$|/.|' >"$admin/info/$name.list"
		rm -rf "${control:?}"/*
		dpkg-deb --control "$deb" "$control"
		for file in shlibs symbols triggers md5sums conffiles; do
			if [[ -f $control/$file ]]; then cp "$control/$file" "$admin/info/$name.$file"; fi
		done
	done
	rm -rf "$control"
	rm -f "$root"/var/cache/apt/archives/*.deb
	sed -n 's/^Package: //p' "$root"/var/lib/apt/lists/*_Packages | sort -u >"$root/../archive-packages.txt"
	find "$root/var/lib/apt/lists" -type f ! -name lock -delete
	rm -f "$root"/var/cache/apt/*.bin
	[[ -s $root/../archive-packages.txt ]] || {
		echo "no package names in apt's lists in $root/var/lib/apt/lists"
		return 1
	}
	[[ -s $admin/status ]] || {
		echo "no packages to register: mmdebstrap kept none in $root/var/cache/apt/archives"
		return 1
	}
}

fix_root() {
	local root=$1
	[[ -f $root/etc/passwd ]] || cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
	[[ -f $root/etc/group ]] || cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
	local link target
	for link in cc:gcc c++:g++ cpp:cpp-14 awk:mawk which:which.debianutils; do
		target=${link#*:}
		link=${link%%:*}
		[[ -e $root/usr/bin/$link || ! -e $root/usr/bin/$target ]] || ln -s "$target" "$root/usr/bin/$link"
	done
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
	chroot "$root" /sbin/ldconfig
	# What the build and the tests run, at least once, under emulation.
	local check
	for check in 'node --version' 'cc --version' 'c++ --version' 'make --version' 'python3 -c "import sysv_ipc"' \
		'perl -MIPC::Msg -e 1' 'pkg-config --exists libgpiod libsystemd' 'setpriv --version' 'ipcmk -V' 'id nobody' \
		'dpkg-query --show debhelper dpkg-dev help2man libgpiod3 nodejs' 'dpkg-query --search /usr/bin/dh'; do
		chroot "$root" /bin/sh -c "$check" >/dev/null 2>&1 || {
			echo "the $arch root fails: $check: $(chroot "$root" /bin/sh -c "$check" 2>&1 | tail -n 2)"
			return 1
		}
	done
}

# Builds the root once per key; a failed build leaves nothing behind.
ensure_root() {
	local dir=$1
	[[ -f $dir/complete ]] && return 0
	log "building the $suite $arch root in $dir (mmdebstrap)"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	build_root "$dir.tmp/root" "$dir.tmp/mmdebstrap.log" ||
		die "mmdebstrap failed; see $dir.tmp/mmdebstrap.log: $(debian_root_failure "$dir.tmp/mmdebstrap.log")"
	register_packages "$dir.tmp/root" >>"$dir.tmp/mmdebstrap.log" 2>&1 ||
		die "cannot write the $arch root's dpkg database; see $dir.tmp/mmdebstrap.log: $(tail -n 3 "$dir.tmp/mmdebstrap.log")"
	fix_root "$dir.tmp/root" >>"$dir.tmp/mmdebstrap.log" 2>&1 ||
		die "the $arch root does not work; see $dir.tmp/mmdebstrap.log: $(tail -n 3 "$dir.tmp/mmdebstrap.log")"
	touch "$dir.tmp/complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# The files copy_project copies, as a tar stream on stdout.
project_tar() {
	tar -C "$repo" --exclude=./.git --exclude=./node_modules --exclude=./dist --exclude=./native/build \
		--exclude=./native/sysvmq/build --exclude=./native/sysvmq/dist --exclude=./native/sysvmq/bench/floor/build \
		--exclude=./test/kit/dist --exclude=./test/build --exclude=./build --exclude='./*.log' -cf - .
}

# The repo without what a build makes. node_modules of the previous run stays
# when the dependency manifest is unchanged and that install completed.
copy_project() {
	local dir=$1 deps_key=$2 root=$1/root
	local keep=0
	if [[ -f $dir/deps-installed && $(<"$dir/deps-installed") == "$deps_key" && -d $root$project/node_modules ]]; then
		keep=1
		mv "$root$project/node_modules" "$root/build/node_modules.keep"
	else
		rm -f "$dir/deps-installed"
		rm -rf "$root/build/node_modules.keep"
	fi
	rm -rf "${root:?}$project"
	mkdir -p "$root$project"
	project_tar | tar -C "$root$project" -xf -
	((keep)) && mv "$root/build/node_modules.keep" "$root$project/node_modules"
	return 0
}

trap 'unmount_all; rm -f "$cpu_file"' EXIT

# This machine's npm, at $root_npm in the root, as the root's npm and npx.
install_npm() {
	local root=$1 version
	version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$host_npm/package.json")
	if [[ ! -f $root$root_npm/package.json ]] || ! cmp -s "$host_npm/package.json" "$root$root_npm/package.json"; then
		rm -rf "${root:?}$root_npm"
		mkdir -p "$root$root_npm"
		cp -a "$host_npm/." "$root$root_npm/"
	fi
	local tool
	mkdir -p "$root/usr/local/bin"
	for tool in npm npx; do
		printf '#!/bin/sh\nexec node %s/bin/%s-cli.js "$@"\n' "$root_npm" "$tool" >"$root/usr/local/bin/$tool"
		chmod 755 "$root/usr/local/bin/$tool"
	done
	echo "$version"
}

mount_chroot() {
	local root=$1
	mount_root_fs "$root" || die "cannot prepare $root"
	mount -t tmpfs -o mode=1777 tmpfs "$root/tmp" || die "cannot mount a tmpfs on $root/tmp"
	mounted+=("$root/tmp")
	# TLS as on this machine (which may trust a proxy's CA): Debian's node reads
	# the system's CA bundle, which ca-certificates' maintainer script would make.
	mkdir -p "$root/etc/ssl/certs"
	cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || true
}

# The environment in the chroot (chroot_npm_env), and node-gyp's headers.
chroot_env() {
	chroot_npm_env "$1"
	# node-gyp takes the headers of the root's node from libnode-dev (/usr/include/node).
	chroot_vars+=(npm_config_nodedir=/usr npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false)
}

in_chroot() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i "${chroot_vars[@]}" /bin/bash -c "cd '$project' && $*"
}

# CPU seconds (user + system) used so far by this script's finished children:
# a measure of the work that does not grow with other load on the machine.
# Sets cpu; `times` must run in this shell, not in a command substitution's.
cpu_file=$(mktemp)
cpu=0
cpu_now() {
	times >"$cpu_file"
	cpu=$(sed -n 2p "$cpu_file" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%d", t }')
}

# qemu-user before 10.2 (Debian 12 has 7.2) reports msg_lrpid as 0 from
# msgctl(IPC_STAT) on 64-bit guests (see foreign-arch/lrpid-probe.c). Where
# the probe shows it, the tests run with foreign-arch/msqid-fix.c preloaded,
# which takes both PIDs from /proc/sysvipc/msg; nothing else is changed.
# Prints qemu_msqid_bug=yes|no and qemu_msqid_fix=LIBRARY (empty for none).
check_msqid_bug() {
	local root=$1 helper=/opt/ledd-foreign-arch
	rm -rf "${root:?}$helper"
	mkdir -p "$root$helper"
	cp "$here"/foreign-arch/*.c "$root$helper/"
	in_chroot "$root" "cc -O2 -Wall -o $helper/lrpid-probe $helper/lrpid-probe.c" >&2 || return 1
	local report
	report=$(in_chroot "$root" "$helper/lrpid-probe") || return 1
	if [[ $(sed -n 's/^lrpid //p' <<<"$report") == "$(sed -n 's/^self //p' <<<"$report")" ]]; then
		printf 'qemu_msqid_bug=no\nqemu_msqid_fix=\n'
		return 0
	fi
	in_chroot "$root" "cc -O2 -Wall -shared -fPIC -o $helper/libmsqid-fix.so $helper/msqid-fix.c -ldl" >&2 || return 1
	report=$(in_chroot "$root" "LD_PRELOAD=$helper/libmsqid-fix.so $helper/lrpid-probe") || return 1
	[[ $(sed -n 's/^lrpid //p' <<<"$report") == "$(sed -n 's/^self //p' <<<"$report")" ]] || {
		echo "the msg_lrpid fix does not work: $report" >&2
		return 1
	}
	printf 'qemu_msqid_bug=yes\nqemu_msqid_fix=%s\n' "$helper/libmsqid-fix.so"
}

# Counts from a TAP stream of node --test: tests pass fail cancelled skipped todo.
tap_counts() {
	local file=$1 name
	for name in tests pass fail cancelled skipped todo; do
		printf '%s ' "$(sed -n "s/^# $name \([0-9]*\)$/\1/p" "$file" | tail -n 1)"
	done
}

suite_files() {
	case $1 in
	native) echo native/sysvmq/dist/test/ ;;
	# The daemon's tests whose outcome can differ by architecture: the native
	# modules under ledd (edge-clock: the edge timer; gpio-backends: the
	# libgpiod 2.x binding and node-libgpiod), the queue driven by ledctl, the
	# chapter's C client and hostile senders (cycle, foreign-clients, hostile).
	# The rest is the same JavaScript on the same 64-bit ABI as this machine's
	# run; all of it under emulation took 32 minutes of this stage's 39.
	daemon)
		local file
		for file in edge-clock gpio-backends cycle foreign-clients hostile; do
			printf 'dist/test/daemon/%s.test.js ' "$file"
		done
		;;
	# Every daemon test file but pattern-timing: an emulated process's timers
	# measure the emulator, not ledd (that file says so; it runs natively).
	daemon-all)
		local file
		for file in "$repo"/test/daemon/*.test.ts; do
			file=$(basename "$file" .ts)
			[[ $file == pattern-timing.test ]] || printf 'dist/test/daemon/%s.js ' "$file"
		done
		;;
	chapter) echo dist/test/daemon/foreign-clients.test.js ;;
	package) echo '(scripts/package.sh --prebuilt)' ;;
	*) die "unknown suite $1" 2 ;;
	esac
}

# The package suite, in a background subshell: dpkg-buildpackage in the root
# from the tree built there. OUT/package.log, the .deb, package.status; on a
# failure also OUT/package-build.log (the staged tree's build log).
run_package() {
	local root=$1 t0=$SECONDS rc=0 deb suffix=${LEDD_PACKAGE_VERSION_SUFFIX:-}
	cpu_file=$cpu_file.package
	rm -rf "${root:?}/tmp/deb"
	in_chroot "$root" "bash scripts/package.sh --prebuilt --out /tmp/deb ${suffix:+--version-suffix '$suffix'}" \
		>"$out/package.log" 2>&1 || rc=$?
	for deb in "$root"/tmp/deb/*.deb; do
		if [[ -f $deb ]]; then cp "$deb" "$out/"; fi
	done
	if [[ -f $root$project/build/deb-stage/$arch/build.log ]]; then
		cp "$root$project/build/deb-stage/$arch/build.log" "$out/package-build.log"
	fi
	# For LEDD_FOREIGN_REUSE_PACKAGE: the package, and what it was built from.
	rm -rf "$dir/package"
	if ((rc == 0)); then
		mkdir -p "$dir/package"
		cp "$root"/tmp/deb/*.deb "$dir/package/"
		echo "$source_key" >"$dir/package/source-key"
	fi
	cpu_now
	rm -f "$cpu_file"
	printf 'rc=%s\nseconds=%s\nsuite_cpu=%s\n' "$rc" "$((SECONDS - t0))" "$cpu" >"$out/package.status"
}

# LEDD_FOREIGN_REUSE_PACKAGE: copies out the package built from these sources
# (see the top), writing what a run writes; false when there is none.
reuse_package() {
	[[ ${LEDD_FOREIGN_REUSE_PACKAGE:-} == 1 && ${suites[*]} == package && -f $dir/complete ]] || return 1
	[[ -f $dir/package/source-key && $(<"$dir/package/source-key") == "$source_key" ]] || return 1
	[[ -d $root$project/dist && -n $(ls "$dir"/package/*.deb 2>/dev/null) ]] || return 1
	cp "$dir"/package/*.deb "$out/"
	cp "$dir/archive-packages.txt" "$out/archive-packages.txt"
	printf 'root_dir=%s\ninstall=reused\nnpm_exit=0\n' "$root" >"$out/build.env"
	printf 'package=exit:0 deb:%s seconds:0 reused\n' "$(cd "$out" && ls -- *.deb | tr '\n' ' ')" >"$out/results.env"
	printf 'root=cached\nroot_s=0\nroot_cpu=0\ninstall=reused\nbuild_s=0\nbuild_cpu=0\npackage_s=0\npackage_cpu=0\n' \
		>"$out/timings.env"
	log "the package built from these sources in this root is reused: $(cd "$out" && ls -- *.deb)"
}

# Message types at the edges of this root's C long, straight through the addon.
probe_types() {
	cat <<'EOF'
import { MessageQueue, native } from './native/sysvmq/dist/lib/index.js';
import { REPLY_TYPE_MAX, REQUEST_TYPE_MAX } from './dist/protocol/constants.js';
const { LONG_BITS, LONG_MAX, LONG_MIN } = native.constants;
const queue = MessageQueue.createPrivate();
const drain = () => { while (queue.tryReceive()) {} };
const outcome = (f) => { try { f(); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } finally { drain(); } };
const back = (type) => { drain(); queue.trySend(type, 'x'); const m = queue.tryReceive(); return `${typeof m.type} ${m.type}`; };
try {
  console.log(`arch=${process.arch}`);
  console.log(`long_bits=${LONG_BITS}`);
  console.log(`long_max=${LONG_MAX}`);
  console.log(`long_min=${LONG_MIN}`);
  console.log(`send_2_31_minus_1=${outcome(() => queue.trySend(2 ** 31 - 1, 'x'))}`);
  console.log(`type_2_31_minus_1_back=${back(2 ** 31 - 1)}`);
  console.log(`send_2_31=${outcome(() => queue.trySend(2 ** 31, 'x'))}`);
  console.log(`send_2_31n=${outcome(() => queue.trySend(2n ** 31n, 'x'))}`);
  console.log(`receive_2_31=${outcome(() => queue.tryReceive({ type: 2 ** 31 }))}`);
  console.log(`send_long_max=${outcome(() => queue.trySend(LONG_MAX, 'x'))}`);
  console.log(`type_long_max_back=${back(LONG_MAX)}`);
  console.log(`reply_type_max=${REPLY_TYPE_MAX}`);
  console.log(`reply_type_max_fits=${BigInt(REPLY_TYPE_MAX) <= LONG_MAX}`);
  console.log(`request_type_max=${REQUEST_TYPE_MAX}`);
  console.log(`send_reply_type_max=${outcome(() => queue.trySend(REPLY_TYPE_MAX, 'x'))}`);
  console.log(`type_reply_type_max_back=${back(REPLY_TYPE_MAX)}`);
  drain();
  queue.trySend(7, 'abcdefgh');
  console.log(`payload_back=${queue.tryReceive().data.toString()}`);
} finally {
  queue.remove();
}
EOF
}

# One suite, in a background subshell: OUT/<suite>.log, .tap and .status (rc, seconds, suite_cpu).
run_suite() {
	local root=$1 name=$2 t0=$SECONDS rc=0
	cpu_file=$cpu_file.$name
	in_chroot "$root" "node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
		--test-reporter=tap --test-reporter-destination=/tmp/$name.tap $(suite_files "$name")" >"$out/$name.log" 2>&1 || rc=$?
	cp "$root/tmp/$name.tap" "$out/$name.tap" 2>/dev/null || true
	cpu_now
	rm -f "$cpu_file"
	printf 'rc=%s\nseconds=%s\nsuite_cpu=%s\n' "$rc" "$((SECONDS - t0))" "$cpu" >"$out/$name.status"
}

# The root's cache directory and the key of the sources (main sets them; run_package reads them).
dir='' source_key=''

main() {
	local name
	for name in "${suites[@]}"; do suite_files "$name" >/dev/null; done
	check_prerequisites
	mkdir -p "$out"
	out=$(cd "$out" && pwd -P)
	if [[ -n $(ls -A "$out") ]]; then
		[[ -f $out/.run-foreign-arch ]] || die "$out is not empty and not a previous run's output; refusing to clear it" 2
		find "$out" -mindepth 1 -delete
	fi
	touch "$out/.run-foreign-arch"
	local key root deps_key
	key=$(printf '%s\n' "recipe $recipe" "$suite" "$arch" "${packages[@]}" | sha256sum | cut -c1-16)
	dir=$cache_root/$arch-$key
	root=$dir/root
	mkdir -p "$cache_root"
	exec 9>"$dir.lock"
	flock -n 9 || {
		log "waiting for another run using $dir"
		flock 9
	}

	local t0=$SECONDS c0 root_state=cached
	cpu_now
	c0=$cpu
	[[ -f $dir/complete ]] || root_state=built
	ensure_root "$dir"
	cpu_now
	local root_s=$((SECONDS - t0)) root_cpu=$((cpu - c0))
	log "root $root_state in ${root_s}s: $root"
	cp "$dir/archive-packages.txt" "$out/archive-packages.txt"

	local npm_version
	npm_version=$(install_npm "$root")
	# node_modules depends on the manifest, the root itself and npm.
	deps_key=$(cat "$repo/package.json" "$repo/package-lock.json" <(echo "$key npm $npm_version") | sha256sum | cut -c1-16)
	# The sources and node_modules a package is built from.
	source_key=$( (project_tar && echo "$deps_key") | sha256sum | cut -c1-16)
	if reuse_package; then
		unmount_all
		return 0
	fi
	t0=$SECONDS
	cpu_now
	c0=$cpu
	copy_project "$dir" "$deps_key"
	local install=rebuild
	[[ -d $root$project/node_modules ]] || install='npm ci'
	mount_chroot "$root"
	chroot_env "$root"
	local npm_rc=0
	if [[ $install == 'npm ci' ]]; then
		# Builds sysv_mq and gpiod2 (install script), sd-notify, tries node-libgpiod (optional), runs tsc (prepare).
		log "npm ci in the $arch root (log: $out/npm.log)"
		in_chroot "$root" 'npm ci --foreground-scripts' >"$out/npm.log" 2>&1 || npm_rc=$?
		((npm_rc == 0)) && echo "$deps_key" >"$dir/deps-installed"
	else
		# node_modules (its native modules included) as npm ci left it; our addons rebuilt in the
		# root from this source, and dist/ (ledctl's bundle included, by this machine's esbuild)
		# by the root's TypeScript run on this machine's node: the JavaScript is the same, made
		# in 5 s instead of 55 s under emulation.
		log "node_modules reused; rebuilding native/ in the $arch root and dist/ (log: $out/npm.log)"
		{ in_chroot "$root" 'npm run install --foreground-scripts && npm run install -w @ledd/sysvmq --foreground-scripts' &&
			(cd "$root$project" && node node_modules/typescript/bin/tsc -b) &&
			node "$repo/scripts/bundle.mjs" "$root$project"; } >"$out/npm.log" 2>&1 || npm_rc=$?
	fi
	cpu_now
	local build_s=$((SECONDS - t0)) build_cpu=$((cpu - c0))
	{
		echo "root_dir=$root"
		echo "install=$install"
		echo "npm_exit=$npm_rc"
		echo "uname_m=$(in_chroot "$root" 'uname -m')"
		echo "node=$(in_chroot "$root" 'node --version')"
		echo "node_arch=$(in_chroot "$root" 'node -p process.arch')"
		echo "npm=$(in_chroot "$root" 'npm --version') (this machine's, copied in)"
		echo "libgpiod=$(in_chroot "$root" 'pkg-config --modversion libgpiod')"
		local addon
		for addon in native/sysvmq/build/Release/sysv_mq.node native/build/Release/edge_timer.node native/build/Release/gpiod2.node \
			node_modules/sd-notify/build/Release/notify.node; do
			echo "$(basename "$addon" .node)_node=$([[ -f $root$project/$addon ]] && echo built || echo missing)"
			echo "$(basename "$addon" .node)_machine=$(od -An -tu2 -j18 -N2 "$root$project/$addon" 2>/dev/null | tr -d ' ')"
		done
		echo "node_libgpiod=$([[ -e $root$project/node_modules/node-libgpiod ]] && echo present || echo absent)"
		echo "dist=$([[ -f $root$project/dist/ledd.cjs && -d $root$project/native/sysvmq/dist/test ]] && echo built || echo missing)"
	} >"$out/build.env"
	((npm_rc == 0)) || die "the build failed in the $arch root (exit $npm_rc): $(tail -n 20 "$out/npm.log")"
	in_chroot "$root" 'node native/check-gpio-build.mjs --strict' >>"$out/npm.log" 2>&1 ||
		die "native/check-gpio-build.mjs --strict failed in the $arch root: $(tail -n 5 "$out/npm.log")"
	local msqid
	msqid=$(check_msqid_bug "$root" 2>>"$out/npm.log") || die "the msg_lrpid probe failed: $(tail -n 5 "$out/npm.log")"
	echo "$msqid" >>"$out/build.env"
	local fix
	fix=$(sed -n 's/^qemu_msqid_fix=//p' <<<"$msqid")
	[[ -n $fix ]] && log "qemu-user reports msg_lrpid as 0 (fixed in QEMU 10.2): the tests run with $fix preloaded"
	# Under emulation a Node.js child takes seconds to start (4 s of CPU for
	# `node -e 0` on arm64), and every step is several times slower: the tests'
	# deadlines for giving up, and the bounds they assert on how soon something
	# happens (a cancel within 100 ms), grow (see test/helpers/wait.ts).
	chroot_vars+=(LEDD_TEST_TIMEOUT_SCALE="${LEDD_TEST_TIMEOUT_SCALE:-6}" LEDD_TEST_BOUND_SCALE="${LEDD_TEST_BOUND_SCALE:-5}"
		${fix:+LD_PRELOAD=$fix})
	in_chroot "$root" 'node --input-type=module' <<<"$(probe_types)" >"$out/probe.txt" 2>&1 ||
		die "the message type probe failed: $(cat "$out/probe.txt")"
	echo "long_bits_expected=$long_bits node_arch_expected=$node_arch" >>"$out/build.env"

	# The suites run at the same time, each in its own node --test (one file at a time).
	local status=0 name rc tests pass fail cancelled skipped todo seconds suite_cpu
	local -a test_times=() pids=()
	: >"$out/results.env"
	for name in "${suites[@]}"; do
		log "suite $name: $([[ $name == package ]] || echo 'node --test ')$(suite_files "$name") (log: $out/$name.log)"
		if [[ $name == package ]]; then run_package "$root" & else run_suite "$root" "$name" & fi
		pids+=($!)
	done
	wait "${pids[@]}" || true
	for name in "${suites[@]}"; do
		rc=1 seconds=0 suite_cpu=0
		# shellcheck disable=SC1090
		[[ -f $out/$name.status ]] && source "$out/$name.status"
		test_times+=("${name}_s=$seconds" "${name}_cpu=$suite_cpu")
		if [[ $name == package ]]; then
			local debs
			debs=$(cd "$out" && ls -- *.deb 2>/dev/null | tr '\n' ' ')
			debs=${debs% }
			echo "package=exit:$rc deb:$debs seconds:$seconds" >>"$out/results.env"
			log "suite package: exit $rc, ${debs:-no .deb} in ${seconds}s"
			((rc == 0)) || status=1
			continue
		fi
		read -r tests pass fail cancelled skipped todo <<<"$(tap_counts "$out/$name.tap")"
		echo "${name}=exit:$rc tests:${tests:-?} pass:${pass:-?} fail:${fail:-?} cancelled:${cancelled:-?} skipped:${skipped:-?} todo:${todo:-?} seconds:$seconds" >>"$out/results.env"
		log "suite $name: exit $rc, $tests tests, $pass pass, $fail fail, $cancelled cancelled, $skipped skipped in ${seconds}s"
		((rc == 0)) || status=1
	done
	unmount_all
	printf 'root=%s\nroot_s=%s\nroot_cpu=%s\ninstall=%s\nbuild_s=%s\nbuild_cpu=%s\n' \
		"$root_state" "$root_s" "$root_cpu" "$install" "$build_s" "$build_cpu" >"$out/timings.env"
	printf '%s\n' "${test_times[@]}" >>"$out/timings.env"
	log "timings (wall, CPU): root $root_state ${root_s}s ${root_cpu}s, copy + $install ${build_s}s ${build_cpu}s; ${test_times[*]}"
	return "$status"
}

main
