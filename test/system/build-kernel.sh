#!/usr/bin/env bash
# Builds a kernel for a system-test VM from Debian's linux-source-6.1, or
# reuses the cached one. Progress goes to stderr; the last stdout line is the
# kernel image's path.
#
#   build-kernel.sh                 x86-64 bzImage: tinyconfig + kernel.fragment
#   build-kernel.sh --arch arm64    the Raspberry Pi 5 twin's Image, cross-built
#                                   (gcc-aarch64-linux-gnu): tinyconfig +
#                                   kernel.fragment less its x86-only lines +
#                                   kernel-arm64.fragment (16K pages)
#   build-kernel.sh --arch arm64 --pages 4k
#                                   the same with 4K pages: not the Pi 5's
#                                   kernel, for seeing the twin's check fail
#
# Cache: ${LEDD_KERNEL_CACHE:-$HOME/.cache/ledd-kernel}/<key>/<image>, where
# <key> = sha256(the merged fragment + linux-source-6.1 package version); the
# x86 key is the hash of kernel.fragment alone, as before arm64 came.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
arch=x86_64 pages=''
while (($#)); do
	case $1 in
	--arch) arch=${2:?--arch needs x86_64 or arm64} && shift ;;
	--pages) pages=${2:?--pages needs 4k} && shift ;;
	*)
		echo "usage: build-kernel.sh [--arch x86_64|arm64 [--pages 4k]]" >&2
		exit 2
		;;
	esac
	shift
done
[[ -z $pages || ($arch == arm64 && $pages == 4k) ]] || {
	echo "build-kernel: --pages 4k goes with --arch arm64 only" >&2
	exit 2
}
case $arch in
x86_64)
	image=bzImage image_path=arch/x86/boot/bzImage cross='' cross_gcc=gcc cross_pkg=gcc
	;;
arm64)
	image=Image image_path=arch/arm64/boot/Image cross=aarch64-linux-gnu-
	cross_gcc=aarch64-linux-gnu-gcc cross_pkg=gcc-aarch64-linux-gnu
	;;
*)
	echo "build-kernel: unknown --arch $arch (x86_64 or arm64)" >&2
	exit 2
	;;
esac
# The fragment this build merges, written by write_fragment.
fragment=''
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
	local -A pkg_of=([make]=make [gcc]=gcc [$cross_gcc]=$cross_pkg [flex]=flex [bison]=bison [bc]=bc
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

# The x86 fragment as it is; for arm64, without the lines only x86 has, then
# the arm64 one (whose ARM64_16K_PAGES replaces tinyconfig's 4K choice).
write_fragment() {
	fragment=$(mktemp "${TMPDIR:-/tmp}/ledd-kernel-fragment.XXXXXX")
	if [[ $arch == x86_64 ]]; then
		cat "$here/kernel.fragment" >"$fragment"
	else
		grep -Ev '^CONFIG_(64BIT|SERIAL_8250[A-Z_0-9]*|RTC_DRV_CMOS)=' "$here/kernel.fragment" >"$fragment"
		if [[ $pages == 4k ]]; then
			sed 's/^CONFIG_ARM64_16K_PAGES=y$/CONFIG_ARM64_4K_PAGES=y/' "$here/kernel-$arch.fragment" >>"$fragment"
		else
			cat "$here/kernel-$arch.fragment" >>"$fragment"
		fi
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
	if ! make -C "$src" ARCH="$arch" ${cross:+CROSS_COMPILE=$cross} "$@" >>"$work/build.log" 2>&1; then
		tail -n 40 "$work/build.log" >&2
		die "make $* failed"
	fi
}

build() {
	local started=$SECONDS
	work=$(mktemp -d "${TMPDIR:-/tmp}/ledd-kernel.XXXXXX")
	stage=''
	trap 'rm -rf "$work" "$fragment" ${stage:+"$stage"}' EXIT
	src=$work/linux-source-6.1
	log "unpacking $src_tar into $work"
	tar -C "$work" -xJf "$src_tar"
	kmake tinyconfig
	(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$fragment") >>"$work/build.log" 2>&1 ||
		die "merge_config.sh failed (see above)"
	kmake olddefconfig
	verify_config "$src/.config" || die "kernel config check failed"
	log "compiling the $arch $image with $(($(nproc) + 1)) jobs (about 3 min on 2 cores for x86_64, 9.5 for arm64)"
	kmake -j"$(($(nproc) + 1))" "$image"

	# Publish atomically: a reader sees either no entry or a complete one.
	stage=$(mktemp -d "$cache_root/.staging.XXXXXX")
	chmod 755 "$stage"
	cp "$src/$image_path" "$stage/$image"
	cp "$src/.config" "$stage/config"
	if mv -T "$stage" "$entry" 2>/dev/null; then
		stage=''
	else
		[[ -f $entry/$image ]] || die "could not publish $entry"
	fi
	log "built in $((SECONDS - started)) s"
}

main() {
	check_prerequisites
	write_fragment
	trap 'rm -f "$fragment"' EXIT
	local key
	key=$(cache_key)
	entry=$cache_root/$key
	mkdir -p "$cache_root"
	if [[ ! -f $entry/$image ]]; then
		# One build per key at a time; late arrivals wait, then reuse it.
		exec 9>"$cache_root/$key.lock"
		flock 9
		if [[ ! -f $entry/$image ]]; then
			build
		else
			log "using the $arch kernel another build just made (key $key)"
		fi
	else
		log "using cached $arch kernel (key $key)"
	fi
	printf '%s\n' "$entry/$image"
}

main "$@"
