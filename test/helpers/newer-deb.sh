#!/usr/bin/env bash
# A newer build of a Debian package, as an upgrade installs it: the same
# package with its control file's Version raised by a suffix.
#
#   newer-deb.sh DEB SUFFIX OUT      e.g. newer-deb.sh ledd_0.1.0_amd64.deb +test1 ledd_0.1.0+test1_amd64.deb
set -euo pipefail
(($# == 3)) || {
	echo "usage: newer-deb.sh DEB SUFFIX OUT" >&2
	exit 2
}
deb=$1 suffix=$2 out=$3
[[ $suffix =~ ^[+~.a-z0-9]+$ ]] || {
	echo "newer-deb.sh: a version suffix is made of + ~ . a-z 0-9, not \"$suffix\"" >&2
	exit 2
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb --raw-extract "$deb" "$work/unpacked"
sed -i "s/^Version: \(.*\)$/Version: \1${suffix}/" "$work/unpacked/DEBIAN/control"
dpkg-deb --root-owner-group --build "$work/unpacked" "$out" >/dev/null
