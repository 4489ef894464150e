#!/usr/bin/env bash
# npm run package [-- --out DIR] [--version-suffix SUFFIX]
# Builds ledd_<version>_<arch>.deb for this machine's Debian release and
# architecture with Debian's own tools (dpkg-buildpackage, debhelper: see
# debian/rules) from a staged copy of the project (the working tree, without
# what a build makes), into DIR (default build/deb). The version is
# package.json's, plus SUFFIX (e.g. +b2, a rebuild that apt sees as newer).
# For arm64 and armhf, test/platforms/run-foreign-arch.sh runs this script in
# its trixie root under qemu-user (LEDD_PACKAGE=1).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$repo/build/deb
suffix=
die() {
	echo "package: $1" >&2
	exit "${2:-1}"
}
while (($#)); do
	case $1 in
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	--version-suffix)
		suffix=${2?--version-suffix needs a value}
		[[ $suffix =~ ^[+~][a-z0-9.+~]*$ ]] || die "--version-suffix: \"$suffix\" is not + or ~ then letters, digits, . + ~" 2
		shift 2
		;;
	-h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" 2 ;;
	esac
done
for tool in dpkg-buildpackage dh help2man node npm; do
	command -v "$tool" >/dev/null || die "$tool is missing: install the packages in .ci/packages (debhelper, help2man, dpkg-dev) and Node.js 20"
done

version=$(node -p 'require(process.argv[1]).version' "$repo/package.json")$suffix
arch=$(dpkg --print-architecture)
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
stage=$repo/build/deb-stage/$arch
rm -rf "$stage"
mkdir -p "$stage/ledd-$version" "$out"
out=$(cd "$out" && pwd -P)

tar -C "$repo" --exclude=./.git --exclude=./node_modules --exclude=./dist --exclude=./build \
	--exclude=./native/build --exclude=./test/build --exclude=./bench/build -cf - . |
	tar -C "$stage/ledd-$version" -xf -
cat >"$stage/ledd-$version/debian/changelog" <<CHANGELOG
ledd ($version) $codename; urgency=medium

  * Built from the project by npm run package; see README.md for what changed.

 -- ledd maintainers <maintainers@users.noreply.h-seed-757bfc92.example>  $(date -R)
CHANGELOG

echo "package: building ledd $version for $arch ($codename) in $stage"
(cd "$stage/ledd-$version" && dpkg-buildpackage -b -us -uc) >"$stage/build.log" 2>&1 ||
	die "dpkg-buildpackage failed (log: $stage/build.log):
$(tail -n 25 "$stage/build.log")"
deb=ledd_${version}_$arch.deb
mv "$stage/$deb" "$out/$deb"
# The staged tree is kept only when the build failed, for its log.
rm -rf "$stage"
echo "package: $out/$deb"
