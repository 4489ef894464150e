#!/usr/bin/env bash
# npm run package [-- --arch arm64|armhf] [--out DIR] [--version-suffix SUFFIX]
# Builds ledd_<version>_<arch>.deb with Debian's own tools (dpkg-buildpackage,
# debhelper: see debian/rules) from a staged copy of the project (the working
# tree, without what a build makes), into DIR (default build/deb). The version
# is package.json's, plus SUFFIX (e.g. +b2, a rebuild that apt sees as newer).
# Without --arch: for this machine's Debian release and architecture. With
# --arch arm64 or armhf: in a Debian trixie root of that architecture under
# qemu-user (test/platforms/run-foreign-arch.sh builds or reuses it, and the
# project in it, then runs this script there with --prebuilt); needs root.
# --prebuilt: the tree's node_modules, dist/ and native/build are already
# built for this machine and go into the stage as they are (no npm ci).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$repo/build/deb
suffix=
target=
prebuilt=0
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
	--arch)
		target=${2:?--arch needs arm64 or armhf}
		[[ $target == arm64 || $target == armhf ]] || die "--arch: \"$target\" is not arm64 or armhf (without --arch: this machine's)" 2
		shift 2
		;;
	--prebuilt) prebuilt=1; shift ;;
	-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" 2 ;;
	esac
done
if [[ -n $target ]]; then
	# The root's own build: the tree built there, packaged there.
	work=$repo/build/deb-foreign/$target
	rm -rf "$work"
	mkdir -p "$out" "$work"
	LEDD_FOREIGN_SUITES=package LEDD_PACKAGE_VERSION_SUFFIX=$suffix \
		bash "$repo/test/platforms/run-foreign-arch.sh" "$target" "$work" ||
		die "the $target build failed: see $work/package.log (and package-build.log, npm.log there)"
	for deb in "$work"/ledd_*_"$target".deb; do
		mv "$deb" "$out/"
		echo "package: $(cd "$out" && pwd -P)/$(basename "$deb")"
	done
	exit 0
fi

for tool in dpkg-buildpackage dh help2man node npm; do
	command -v "$tool" >/dev/null || die "$tool is missing: install the packages in .ci/packages (build-essential, dpkg-dev, debhelper, help2man) and Node.js 20"
done

version=$(node -p 'require(process.argv[1]).version' "$repo/package.json")$suffix
arch=$(dpkg --print-architecture)
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
stage=$repo/build/deb-stage/$arch
rm -rf "$stage"
mkdir -p "$stage/ledd-$version" "$out"
out=$(cd "$out" && pwd -P)

built=(--exclude=./node_modules --exclude=./dist --exclude=./native/sysvmq/dist --exclude=./test/kit/dist)
if ((prebuilt)); then
	for made in node_modules dist/ledd.cjs dist/ledctl.cjs dist/ledd-mqtt.cjs native/sysvmq/build/Release/sysv_mq.node native/build/Release/edge_timer.node; do
		[[ -e $repo/$made ]] || die "--prebuilt: $repo/$made is missing; build first (npm ci)"
	done
	built=()
fi
tar -C "$repo" --exclude=./.git --exclude=./build --exclude=./native/build --exclude=./native/sysvmq/build \
	--exclude=./native/sysvmq/bench/floor/build --exclude=./test/build "${built[@]}" -cf - . | tar -C "$stage/ledd-$version" -xf -
if ((prebuilt)); then
	mkdir -p "$stage/ledd-$version/native/build/Release" "$stage/ledd-$version/native/sysvmq/build/Release"
	cp -a "$repo"/native/build/Release/*.node "$stage/ledd-$version/native/build/Release/"
	cp -a "$repo"/native/sysvmq/build/Release/*.node "$stage/ledd-$version/native/sysvmq/build/Release/"
fi
cat >"$stage/ledd-$version/debian/changelog" <<CHANGELOG
ledd ($version) $codename; urgency=medium

  * Built from the project by npm run package; see README.md for what changed.

 -- ledd maintainers <maintainers@users.noreply.h-seed-757bfc92.example>  $(date -R)
CHANGELOG

# dpkg-buildpackage would stop on the same check, with the reason deep in its log.
if ! unmet=$(cd "$stage/ledd-$version" && dpkg-checkbuilddeps 2>&1); then
	unmet=$(sed -n 's/.*Unmet build dependencies: //p' <<<"$unmet")
	rm -rf "$stage"
	die "these Debian packages are needed to build and are missing: $unmet
install them (as root): apt-get install $(sed -E 's/:native//g; s/ \([^)]*\)//g; s/ \| [^ ]+//g' <<<"$unmet")"
fi
echo "package: building ledd $version for $arch ($codename) in $stage"
(cd "$stage/ledd-$version" && LEDD_PREBUILT=$prebuilt dpkg-buildpackage -b -us -uc) >"$stage/build.log" 2>&1 ||
	die "dpkg-buildpackage failed (log: $stage/build.log):
$(tail -n 25 "$stage/build.log")"
deb=ledd_${version}_$arch.deb
mv "$stage/$deb" "$out/$deb"
# The staged tree is kept only when the build failed, for its log.
rm -rf "$stage"
echo "package: $out/$deb"
