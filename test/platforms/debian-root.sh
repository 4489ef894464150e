# shellcheck shell=bash
# Sourced by run-trixie.sh and run-foreign-arch.sh. debian_root builds a Debian root with
# mmdebstrap, surviving a mirror (or a caching proxy in front of it) whose
# index files do not match its Release file ("File has unexpected size ...
# Mirror sync in progress?").
#
#   debian_root CODENAME ALIAS ROOT LOG [mmdebstrap options...] [-- MIRROR...]
#
# Tries CODENAME, then ALIAS (the suite name that currently points to it, such
# as `stable` for trixie): the archive serves the same files under both names,
# but a cache holds each under its own address, so one can be stale while the
# other is not. A root built from ALIAS is kept only when its os-release names
# CODENAME. When both give the mirror-sync error, waits 2 minutes and tries the
# pair once more. Returns non-zero (the reason in LOG) when no attempt worked;
# ROOT is removed before each attempt. A cache also keeps Release files past
# their Valid-Until (seen for the security suite): these roots only ever run
# tests, so that date is not checked; the signatures still are.
debian_root() {
	local codename=$1 alias=$2 root=$3 log=$4 round suite
	shift 4
	local -a options=() mirrors=()
	while (($#)) && [[ $1 != -- ]]; do
		options+=("$1")
		shift
	done
	(($#)) && shift && mirrors=("$@")
	: >"$log"
	for round in 1 2; do
		for suite in "$codename" "$alias"; do
			rm -rf "$root"
			echo "== mmdebstrap $suite (round $round)" >>"$log"
			if mmdebstrap --aptopt='Acquire::Check-Valid-Until "false"' "${options[@]}" "$suite" "$root" ${mirrors[@]+"${mirrors[@]}"} >>"$log" 2>&1; then
				if grep -qx "VERSION_CODENAME=$codename" "$root/etc/os-release" 2>/dev/null; then
					return 0
				fi
				echo "suite $suite is not $codename: $(grep VERSION_CODENAME "$root/etc/os-release" 2>/dev/null)" >>"$log"
				rm -rf "$root"
				return 1
			fi
			tail -n 40 "$log" | grep -q 'Mirror sync in progress' || return 1
		done
		((round == 1)) && sleep 120
	done
	return 1
}

# The lines of LOG that say why mmdebstrap failed.
debian_root_failure() {
	{ grep -E '^(E|Err):|unexpected size|is not ' "$1" | tail -n 6; tail -n 3 "$1"; } | uniq
}

# Sets chroot_vars, the environment for npm in a root: nothing of the host's
# npm (npm test runs the platform scripts with npm_config_* set), but its
# registry, proxies and CA bundle (copied into ROOT).
#   chroot_npm_env ROOT
chroot_npm_env() {
	local root=$1 ca='' registry var
	chroot_vars=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
	for var in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
		[[ -n ${!var:-} ]] && chroot_vars+=("$var=${!var}")
	done
	registry=$(env -u npm_config_registry npm config get registry 2>/dev/null || true)
	[[ $registry == http* ]] && chroot_vars+=("npm_config_registry=$registry")
	ca=$(env -u npm_config_cafile npm config get cafile 2>/dev/null || true)
	[[ -f $ca ]] || ca=${NODE_EXTRA_CA_CERTS:-}
	if [[ -f $ca ]]; then
		cp -L "$ca" "$root/etc/ledd-host-ca.crt"
		chroot_vars+=(NODE_EXTRA_CA_CERTS=/etc/ledd-host-ca.crt npm_config_cafile=/etc/ledd-host-ca.crt)
	fi
}

# What mount_root_fs mounted, unmounted (lazily if busy) by unmount_all, which
# the sourcing script runs on EXIT.
mounted=()
unmount_all() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
	done
	mounted=()
}

# proc, sys and /dev in ROOT, and this machine's name resolution (which may
# go through a proxy). Says which mount failed and returns 1 on failure.
#   mount_root_fs ROOT
mount_root_fs() {
	local root=$1
	mount -t proc proc "$root/proc" || { echo "cannot mount proc in $root" >&2 && return 1; }
	mounted+=("$root/proc")
	mount -t sysfs sysfs "$root/sys" || { echo "cannot mount sysfs in $root" >&2 && return 1; }
	mounted+=("$root/sys")
	mount --bind /dev "$root/dev" || { echo "cannot bind /dev into $root" >&2 && return 1; }
	mounted+=("$root/dev")
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
}
