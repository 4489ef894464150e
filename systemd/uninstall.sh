#!/usr/bin/env bash
# Stops and removes what install.sh installed. Keeps /etc/default/ledd,
# /etc/default/ledd-mqtt, the ledd user and its state in /var/lib/ledd unless
# --purge is given.
#
#   systemd/uninstall.sh [--prefix /opt/ledd] [--bindir /usr/local/bin] [--purge]
set -euo pipefail

prefix=/opt/ledd
bindir=/usr/local/bin
purge=no
while (($#)); do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --bindir) bindir=${2:?--bindir needs a directory}; shift 2 ;;
    --purge) purge=yes; shift ;;
    -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
((EUID == 0)) || { echo "uninstall.sh: run as root" >&2; exit 1; }

systemctl disable --now ledd-mqtt.service 2>/dev/null || true
systemctl disable --now ledd.service 2>/dev/null || true
rm -f /etc/systemd/system/ledd.service /etc/systemd/system/ledd-cleanup.service /etc/systemd/system/ledd-mqtt.service
systemctl daemon-reload
rm -f "$bindir/ledctl" "$bindir/ledd" "$bindir/ledd-mqtt"
rm -rf "$prefix"
rm -f /etc/udev/rules.d/60-ledd-gpio.rules
if [[ $purge == yes ]]; then
  rm -f /etc/default/ledd /etc/default/ledd-mqtt /etc/sysusers.d/ledd.conf
  rm -rf /var/lib/ledd
  userdel ledd 2>/dev/null || true
fi
[[ $purge == yes ]] && echo "ledd removed, with its user, settings and state" || echo "ledd removed"
