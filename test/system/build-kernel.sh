#!/usr/bin/env bash
# Builds the x86-64 bzImage for the system-test VM from Debian's linux-source-6.1
# plus kernel.fragment, or reuses the cached one. Progress goes to stderr; the
# last stdout line is the bzImage path.
#
# Cache: ${LEDD_KERNEL_CACHE:-$HOME/.cache/ledd-kernel}/<key>/bzImage, where
# <key> = sha256(kernel.fragment + linux-source-6.1 package version).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
fragment=$here/kernel.fragment
src_pkg=linux-source-6.1
src_tar=/usr/src/linux-source-6.1.tar.xz
cache_root=${LEDD_KERNEL_CACHE:-${HOME:?HOME is unset; set LEDD_KERNEL_CACHE}/.cache/ledd-kernel}
# Must be =y after olddefconfig or the VM cannot do its job (the build also
# checks every other =y line of the fragment).
key_options=(GPIO_SIM GPIO_CDEV GPIO_CDEV_V1 SYSVIPC 9P_FS NET_9P_VIRTIO OVERLAY_FS
	CONFIGFS_FS CGROUP_BPF SECCOMP_FILTER)

log() { printf 'build-kernel: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

check_prerequisites() {
	local -A pkg_of=([make]=make [gcc]=gcc [flex]=flex [bison]=bison [bc]=bc
		[xz]=xz-utils [perl]=perl [flock]=util-linux [dpkg-query]=dpkg)
	local -A missing=()
	local cmd
	for cmd in "${!pkg_of[@]}"; do
		command -v "$cmd" >/dev/null || missing[${pkg_of[$cmd]}]=1
	done
	[[ -f /usr/include/gelf.h ]] || missing[libelf-dev]=1
	[[ -f /usr/include/openssl/ssl.h ]] || missing[libssl-dev]=1
	[[ -f $src_tar ]] || missing[$src_pkg]=1
	if ((${#missing[@]})); then
		die "missing build prerequisites; install them with: apt-get install -y ${!missing[*]}"
	fi
}

cache_key() {
	local version
	version=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
		die "$src_tar exists but package $src_pkg is not installed (apt-get install -y $src_pkg)"
	{
		cat "$fragment"
		printf '%s %s\n' "$src_pkg" "$version"
	} | sha256sum | cut -d' ' -f1
}

# Fails unless every `CONFIG_X=y` of the fragment (and each key option) is =y
# in the final .config, and every `# CONFIG_X is not set` stayed off.
verify_config() {
	local config=$1 bad=() opt
	while read -r opt; do
		grep -qx "$opt" "$config" || bad+=("$opt")
	done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=y$' "$fragment")
	for opt in "${key_options[@]}"; do
		grep -qx "CONFIG_$opt=y" "$config" || bad+=("CONFIG_$opt=y (key option)")
	done
	while read -r opt; do
		if grep -qx "$opt=y" "$config"; then bad+=("$opt is set but the fragment unsets it"); fi
	done < <(sed -nE 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1/p' "$fragment")
	if ((${#bad[@]})); then
		log "options that did not survive olddefconfig (a missing dependency?):"
		printf '  %s\n' "${bad[@]}" >&2
		return 1
	fi
}

# Runs make quietly into the build log; on failure shows the log's tail.
kmake() {
	if ! make -C "$src" ARCH=x86_64 "$@" >>"$work/build.log" 2>&1; then
		tail -n 40 "$work/build.log" >&2
		die "make $* failed"
	fi
}

build() {
	local started=$SECONDS
	work=$(mktemp -d "${TMPDIR:-/tmp}/ledd-kernel.XXXXXX")
	stage=''
	trap 'rm -rf "$work" ${stage:+"$stage"}' EXIT
	src=$work/linux-source-6.1
	log "unpacking $src_tar into $work"
	tar -C "$work" -xJf "$src_tar"
	kmake tinyconfig
	(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$fragment") >>"$work/build.log" 2>&1 ||
		die "merge_config.sh failed (see above)"
	kmake olddefconfig
	verify_config "$src/.config" || die "kernel config check failed"
	log "compiling bzImage with $(($(nproc) + 1)) jobs (about 3 min on 2 cores)"
	kmake -j"$(($(nproc) + 1))" bzImage

	# Publish atomically: a reader sees either no entry or a complete one.
	stage=$(mktemp -d "$cache_root/.staging.XXXXXX")
	chmod 755 "$stage"
	cp "$src/arch/x86/boot/bzImage" "$stage/bzImage"
	cp "$src/.config" "$stage/config"
	if mv -T "$stage" "$entry" 2>/dev/null; then
		stage=''
	else
		[[ -f $entry/bzImage ]] || die "could not publish $entry"
	fi
	log "built in $((SECONDS - started)) s"
}

main() {
	check_prerequisites
	local key
	key=$(cache_key)
	entry=$cache_root/$key
	mkdir -p "$cache_root"
	if [[ ! -f $entry/bzImage ]]; then
		# One build per key at a time; late arrivals wait, then reuse it.
		exec 9>"$cache_root/$key.lock"
		flock 9
		if [[ ! -f $entry/bzImage ]]; then build; fi
	else
		log "using cached kernel (key $key)"
	fi
	printf '%s\n' "$entry/bzImage"
}

main "$@"
