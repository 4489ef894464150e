#!/bin/bash
# PID 1 of the system-test VM (kernel `init=`). The root is the host's own
# filesystem over read-only 9p; this script gives it a writable tmpfs overlay,
# creates the gpio-sim chips, mounts the results share, then either
#   ledd.mode=systemd: execs systemd in the overlay with ledd-test.target, or
#   ledd.mode=shell:   runs the scenario in the overlay and reboots (qemu exits).
# The scenario path comes from `ledd.scenario=` on the kernel command line; the
# repo is the one this script lives in (same absolute path as on the host).
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

guest_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$guest_dir/../../.." && pwd -P)
newroot=/run/vm/root
results=/run/ledd-results

say() { echo "ledd-vm: [$(cut -d' ' -f1 /proc/uptime)] $*" >/dev/console; }
# Whatever happens, end the VM promptly (-no-reboot turns a reboot into exit).
finish() {
	local rc=$?
	((rc == 0)) || say "init failed (exit $rc); rebooting"
	sync
	reboot -f --no-wtmp
}
trap finish EXIT

cmdline_value() {
	local arg
	for arg in $(</proc/cmdline); do
		[[ $arg == "$1="* ]] && printf '%s\n' "${arg#*=}" && return 0
	done
	return 1
}

mount_base() {
	mount -t proc -o nosuid,nodev,noexec proc /proc
	mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
	mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
	mount -t configfs configfs /sys/kernel/config
	# Scratch for the overlay layers; not visible from inside the new root.
	mount -t tmpfs -o mode=0755 vmscratch /run
}

mount_overlay_root() {
	mkdir -p /run/vm/upper /run/vm/work "$newroot"
	mount -t overlay overlay -o lowerdir=/,upperdir=/run/vm/upper,workdir=/run/vm/work "$newroot"
	mount --rbind /dev "$newroot/dev"
	mount --rbind /sys "$newroot/sys"
	mount -t proc -o nosuid,nodev,noexec proc "$newroot/proc"
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$newroot/run"
	mkdir -p "$newroot$results" "$newroot/run/ledd-vm"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results "$newroot$results"
	mkdir -p "$newroot/dev/shm"
	mountpoint -q "$newroot/dev/shm" || mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$newroot/dev/shm"
	# The host's fstab means nothing here; keep systemd's generator quiet.
	: >"$newroot/etc/fstab"
	# The host may be a container. Seeing these, systemd would think it runs in
	# one too: skip units, and take options from argv instead of /proc/cmdline.
	rm -f "$newroot/.dockerenv" "$newroot/run/.containerenv"
}

# The guest sees the host's files (or a cached root's): whatever ledd left
# there (an install, its state, its configuration, its users) is removed from
# the overlay, so every scenario starts from a machine that never had ledd.
forget_ledd() {
	local path name file
	for path in /var/lib/ledd /var/lib/private/ledd /etc/default/ledd /etc/default/ledd-mqtt /opt/ledd \
		/usr/local/bin/ledd /usr/local/bin/ledctl /usr/local/bin/ledd-mqtt /etc/sysusers.d/ledd.conf \
		/etc/udev/rules.d/60-ledd-gpio.rules; do
		rm -rf "${newroot:?}$path"
	done
	rm -rf "$newroot"/etc/systemd/system/ledd*.service "$newroot"/etc/systemd/system/ledd*.service.d \
		"$newroot"/etc/systemd/system/*.wants/ledd*.service
	# The scenarios create these users and groups themselves, as a fresh Raspberry Pi OS would have them.
	for file in passwd shadow group gshadow; do
		[[ -f $newroot/etc/$file ]] || continue
		for name in ledd gpio ledd-outsider ledd-member; do
			sed -i "/^$name:/d" "$newroot/etc/$file"
		done
	done
}

# Environment every scenario gets (sourced by run-scenario.sh).
write_env() {
	local mode=$1 scenario=$2 gpio_env=$3 line
	{
		printf 'export LEDD_VM_INIT=%q\n' "$mode"
		printf 'export LEDD_REPO=%q\n' "$repo"
		printf 'export LEDD_SCENARIO=%q\n' "$scenario"
		printf 'export LEDD_RESULTS=%q\n' "$results"
		printf 'export LEDD_GPIO_LINE=GPIO17\n'
		while read -r line; do printf 'export %s\n' "$line"; done <<<"$gpio_env"
	} >"$newroot/run/ledd-vm/env"
}

# Units that only cost time here (1 min+ over 9p for tmpfiles) or need
# hardware/network the VM lacks.
mask_units() {
	local unit
	for unit in systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service \
		systemd-tmpfiles-clean.timer systemd-sysctl.service systemd-update-utmp.service \
		e2scrub_reap.service e2scrub_all.timer fstrim.timer apt-daily.timer \
		apt-daily-upgrade.timer man-db.timer logrotate.timer dpkg-db-backup.timer \
		systemd-timesyncd.service systemd-pstore.service ldconfig.service \
		systemd-hwdb-update.service systemd-journal-catalog-update.service \
		systemd-update-done.service systemd-sysusers.service systemd-modules-load.service \
		systemd-firstboot.service systemd-machine-id-commit.service systemd-random-seed.service \
		systemd-networkd.service systemd-resolved.service systemd-userdbd.socket \
		systemd-boot-update.service systemd-confext.service systemd-sysext.service; do
		ln -sfn /dev/null "$newroot/etc/systemd/system/$unit"
	done
	# Generators (fstab, getty, sysv, cryptsetup, the host's own packages...)
	# have nothing to do here but cost ~0.5 s each under TCG, at boot and on
	# every daemon-reload.
	local gen
	mkdir -p "$newroot/etc/systemd/system-generators"
	for gen in "$newroot"/usr/lib/systemd/system-generators/*; do
		ln -sfn /dev/null "$newroot/etc/systemd/system-generators/${gen##*/}"
	done
}

install_test_units() {
	local units=$newroot/etc/systemd/system
	cat >"$units/ledd-test.target" <<-EOF
		[Unit]
		Description=ledd system test
		Requires=basic.target ledd-test.service
		After=basic.target ledd-test.service
		AllowIsolate=yes
	EOF
	# ExecStopPost runs on success and failure alike, so the VM always ends.
	# (Not `systemctl reboot`: that first asks logind over D-Bus, starting both.)
	cat >"$units/ledd-test.service" <<-EOF
		[Unit]
		Description=ledd system-test scenario
		After=basic.target

		[Service]
		Type=oneshot
		ExecStart=/bin/bash $guest_dir/run-scenario.sh
		ExecStopPost=/bin/systemctl start --no-block --job-mode=replace-irreversibly reboot.target
		StandardOutput=journal+console
		StandardError=journal+console
		TimeoutStartSec=infinity
	EOF
}

main() {
	mount_base
	local mode scenario gpio_env
	mode=$(cmdline_value ledd.mode) || mode=shell
	scenario=$(cmdline_value ledd.scenario) || {
		say "no ledd.scenario= on the kernel command line"
		exit 1
	}
	say "mode=$mode scenario=$scenario"
	gpio_env=$("$guest_dir/gpio-sim.sh" "$(cmdline_value ledd.gpio || echo x86)")
	mount_overlay_root
	forget_ledd
	write_env "$mode" "$scenario" "$gpio_env"
	case $mode in
	systemd)
		mask_units
		install_test_units
		trap - EXIT
		# run-vm.sh put systemd.unit=ledd-test.target on the kernel command line.
		exec chroot "$newroot" /lib/systemd/systemd
		;;
	shell)
		chroot "$newroot" /bin/bash "$guest_dir/run-scenario.sh" </dev/console >/dev/console 2>&1 || true
		;;
	*)
		say "unknown ledd.mode=$mode (want systemd or shell)"
		exit 1
		;;
	esac
}

main
