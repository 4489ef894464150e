#!/usr/bin/env bash
# binfmt-setup.sh QEMU_ARCH...: binfmt_misc mounted and the qemu-user handler
# of each QEMU_ARCH (aarch64, arm) registered and enabled, with the F flag.
# Idempotent, and safe when several runs (the arm64 and armhf stages) do it at
# once: they take turns on a lock, "already mounted" counts as mounted, and a
# handler is registered only where it is missing.
# Exit: 0 ready; 2 it cannot be done here (the reason is printed).
set -euo pipefail

mnt=/proc/sys/fs/binfmt_misc
die() {
	printf 'binfmt-setup: error: %s\n' "$1" >&2
	exit 2
}
(($# > 0)) || die "usage: binfmt-setup.sh QEMU_ARCH..."
((EUID == 0)) || die "must run as root (mount, update-binfmts)"
command -v update-binfmts >/dev/null || die "update-binfmts is missing: apt-get install -y binfmt-support"

lock_dir=/run/lock
[[ -d $lock_dir ]] || lock_dir=/tmp
exec 8>"$lock_dir/ledd-binfmt-setup.lock"
flock 8

if [[ ! -e $mnt/status ]]; then
	# Someone else (systemd-binfmt, another tool) may mount it between the test and the mount.
	error=$(mount -t binfmt_misc binfmt_misc "$mnt" 2>&1) || [[ -e $mnt/status ]] ||
		die "binfmt_misc is not mounted and cannot be (mount -t binfmt_misc binfmt_misc $mnt: $error); a container must be privileged"
fi

for arch in "$@"; do
	entry=$mnt/qemu-$arch
	[[ -x /usr/bin/qemu-$arch-static ]] || die "/usr/bin/qemu-$arch-static is missing: apt-get install -y qemu-user-static"
	if [[ ! -e $entry ]]; then
		error=$(update-binfmts --enable "qemu-$arch" 2>&1) || [[ -e $entry ]] ||
			die "update-binfmts --enable qemu-$arch failed: $error"
	fi
	grep -qx enabled "$entry" || echo 1 >"$entry"
	grep -qx enabled "$entry" || die "the handler qemu-$arch is registered but cannot be enabled"
	# The F flag loads the interpreter now, so it works inside a chroot without a copy.
	grep -q '^flags: .*F' "$entry" || die "the handler qemu-$arch lacks the F flag (Debian's qemu-user-static sets it)"
done
