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

systemctl disable ledd-mqtt.service ledd.service 2>/dev/null || true
if [[ -d /run/systemd/system ]]; then
  # One systemctl call, which waits for all three: the bridge, then ledd, then
  # ledd-cleanup.service (ordered after ledd), whose ExecStop= removes the queue
  # and drives the LED to its exit state if ledd could not (killed, or down in
  # its restart delay). Only then are the files it runs deleted. (Stopping
  # ledd.service alone would leave ledd-cleanup.service to stop afterwards, on
  # its own, while the files below go.)
  systemctl stop ledd-mqtt.service ledd.service ledd-cleanup.service 2>/dev/null || true
  if systemctl is-failed --quiet ledd-cleanup.service; then
    echo "uninstall.sh: the clean-up after ledd failed, so its queue or the LED may be left as they were;" \
      "see journalctl -u ledd-cleanup.service (systemctl --failed lists it until reset-failed)" >&2
  fi
fi
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
