#!/usr/bin/env bash
# Installs ledd as a systemd service: the built project under PREFIX, ledctl
# (and ledd, ledd-mqtt) in BINDIR, the units, the ledd user and gpio group, a
# udev rule where the distribution has none, /etc/default/ledd and
# /etc/default/ledd-mqtt; then enables and starts ledd.service. The MQTT
# bridge, ledd-mqtt.service, is installed but not enabled. Run as root from a
# built checkout (.ci/setup, or npm ci).
#
#   systemd/install.sh [--prefix /opt/ledd] [--bindir /usr/local/bin] [--no-start]
set -euo pipefail

prefix=/opt/ledd
bindir=/usr/local/bin
start=yes
while (($#)); do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --bindir) bindir=${2:?--bindir needs a directory}; shift 2 ;;
    --no-start) start=no; shift ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "install.sh: $*" >&2; exit 1; }
((EUID == 0)) || fail "run as root (sudo $0)"
source_dir=$(cd "$(dirname "$0")/.." && pwd)
node=$(command -v node) || fail "node is not on PATH: install Node.js 20 or later"
major=$("$node" -p 'process.versions.node.split(".")[0]')
((major >= 20)) || fail "Node.js $major is too old: ledd needs 20 or later"
for built in dist/ledd.cjs dist/ledctl.cjs dist/ledd-cleanup.cjs dist/ledd-mqtt.cjs native/sysvmq/build/Release/sysv_mq.node \
  native/build/Release/edge_timer.node node_modules/sd-notify/build/Release/notify.node; do
  [[ -e $source_dir/$built ]] || fail "$built is missing: build first (.ci/setup, or npm ci)"
done
# The GPIO binding for this machine's libgpiod: node-libgpiod (1.x) or native/build/Release/gpiod2.node (2.x).
"$node" "$source_dir/native/check-gpio-build.mjs" --strict || fail "no GPIO binding fits this machine (see above)"

echo "installing ledd into $prefix"
rm -rf "$prefix.new"
mkdir -p "$prefix.new/native/build/Release" "$prefix.new/dist"
cp -a "$source_dir/package.json" "$source_dir/package-lock.json" "$source_dir/README.md" "$prefix.new/"
# The programs are bundles (scripts/bundle.mjs): the module trees beside them are not loaded.
cp -a "$source_dir"/dist/{ledd,ledctl,ledd-cleanup,ledd-mqtt}.cjs "$prefix.new/dist/"
# Only the production packages, as npm ci built them: package-lock.json's
# top-level entries not marked dev (what `npm prune --omit=dev` keeps, without
# copying the development tree first; npm is not needed here). The queue
# binding, a workspace (a link there), comes after: its package.json and addon.
packages=$("$node" -e '
const fs = require("fs"), path = require("path");
const lock = JSON.parse(fs.readFileSync(path.join(process.argv[1], "package-lock.json"), "utf8"));
if (!lock.packages) throw new Error("package-lock.json has no \"packages\" (written by npm 7 or later)");
for (const [name, entry] of Object.entries(lock.packages)) {
  if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(name) || entry.dev || entry.link) continue;
  if (fs.existsSync(path.join(process.argv[1], name))) console.log(name);
  else if (!entry.optional) throw new Error(name + " is missing: run npm ci");
}' "$source_dir") || fail "cannot list the production packages (see above)"
mapfile -t packages <<<"$packages"
(cd "$source_dir" && cp -a --parents "${packages[@]}" "$prefix.new/")
mkdir -p "$prefix.new/node_modules/@ledd/sysvmq/build/Release"
cp -a "$source_dir/native/sysvmq/package.json" "$prefix.new/node_modules/@ledd/sysvmq/"
cp -a "$source_dir/native/sysvmq/build/Release/sysv_mq.node" "$prefix.new/node_modules/@ledd/sysvmq/build/Release/"
cp -a "$source_dir/native/build/Release/edge_timer.node" "$prefix.new/native/build/Release/"
[[ ! -e $source_dir/native/build/Release/gpiod2.node ]] ||
  cp -a "$source_dir/native/build/Release/gpiod2.node" "$prefix.new/native/build/Release/"
# An upgrade: a clean-up under way (ledd going down) finishes from the files
# it started with before they are replaced (at most a minute).
if [[ -d /run/systemd/system ]]; then
  for _ in $(seq 120); do
    [[ $(systemctl show -p ActiveState --value ledd.service ledd-cleanup.service 2>/dev/null) == *deactivating* ]] ||
      break
    sleep 0.5
  done
fi
rm -rf "$prefix.old"
[[ -e $prefix ]] && mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"
chown -R root:root "$prefix"
chmod -R go-w "$prefix"

mkdir -p "$bindir"
for program in ledctl:ledctl.cjs ledd:ledd.cjs ledd-mqtt:ledd-mqtt.cjs; do
  name=${program%%:*}
  printf '#!/bin/sh\nexec %s %s/dist/%s "$@"\n' "$node" "$prefix" "${program#*:}" >"$bindir/$name"
  chmod 755 "$bindir/$name"
done

install -D -m 644 "$source_dir/systemd/ledd.sysusers" /etc/sysusers.d/ledd.conf
systemd-sysusers /etc/sysusers.d/ledd.conf

if ! grep -qs 'gpiochip.*GROUP="gpio"\|GROUP="gpio".*gpiochip\|SUBSYSTEM=="gpio".*GROUP="gpio"' \
  /etc/udev/rules.d/*.rules /lib/udev/rules.d/*.rules /usr/lib/udev/rules.d/*.rules; then
  echo "no udev rule gives the gpio group /dev/gpiochip*: installing 60-ledd-gpio.rules"
  install -D -m 644 "$source_dir/systemd/60-ledd-gpio.rules" /etc/udev/rules.d/60-ledd-gpio.rules
  if command -v udevadm >/dev/null && [[ -d /run/udev ]]; then
    udevadm control --reload
    # --settle: ledd, started below, must find the chips already in the gpio group.
    udevadm trigger --settle --subsystem-match=gpio --action=change
  fi
fi

[[ -e /etc/default/ledd ]] || install -D -m 644 "$source_dir/systemd/ledd.default" /etc/default/ledd
# Holds no secret (the password goes in as a credential), but names the broker and the user.
[[ -e /etc/default/ledd-mqtt ]] ||
  install -D -m 640 "$source_dir/systemd/ledd-mqtt.default" /etc/default/ledd-mqtt

for unit in ledd.service ledd-cleanup.service ledd-mqtt.service; do
  sed -e "s|@NODE@|$node|g" -e "s|@PREFIX@|$prefix|g" "$source_dir/systemd/$unit" >"/etc/systemd/system/$unit"
  chmod 644 "/etc/systemd/system/$unit"
done
# systemctl enable reloads systemd's configuration itself (no daemon-reload needed first).
if [[ $start == yes ]]; then
  systemctl enable --now ledd.service
  systemctl --no-pager --lines=0 status ledd.service || true
  # An upgrade: a bridge the administrator enabled runs the new code.
  systemctl try-restart ledd-mqtt.service ||
    echo "install.sh: ledd-mqtt.service did not restart; see systemctl status ledd-mqtt" >&2
else
  systemctl enable ledd.service
fi
echo "done: try 'ledctl status' (as root, or as a member of the gpio group)"
echo "MQTT / Home Assistant: set the broker in /etc/default/ledd-mqtt, then 'systemctl enable --now ledd-mqtt'"
