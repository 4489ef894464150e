#!/bin/bash
# Creates the guest's gpio-sim chips through configfs and prints, as shell
# assignments, where the real one ended up (gpio-sim.sh [x86|pi5]: the layout;
# pi5 is the Raspberry Pi 5 twin's, see below):
#   LEDD_GPIO_CHIP=gpiochip1  LEDD_GPIO_DEV=/dev/gpiochip1
#   LEDD_GPIO_SIM_DIR=/sys/devices/platform/gpio-sim.1/gpiochip1
# Either way the code under test has to find its line by name, as on a
# Raspberry Pi 5, where the header bank's chip number has moved across kernels:
#   x86  a decoy chip goes live first and takes gpiochip0; the real chip mimics
#        the Pi 5's RP1 bank: label pinctrl-rp1, 54 lines, GPIO0..GPIO27 named.
#   pi5  as a 2026 Pi 5 kernel shows it: four gpio-brcmstb banks, then the
#        header (pinctrl-rp1, its 54 lines named as bcm2712-rpi-5-b.dts names
#        them: ID_SDA, ID_SCL, GPIO2 ... GPIO27, PCIE_RP1_WAKE, ...) on
#        gpiochip4, and no gpiochip0 (the first bank goes away).
set -euo pipefail

cfg=/sys/kernel/config/gpio-sim
[[ -d $cfg ]] || {
	echo "gpio-sim.sh: $cfg missing (configfs not mounted or CONFIG_GPIO_SIM off)" >&2
	exit 1
}

# make_chip NAME LABEL NUM_LINES [NAMED_LINES]: NAMED_LINES lines get GPIO<n>.
make_chip() {
	local dev=$cfg/$1 n
	mkdir "$dev" "$dev/bank0"
	echo "$2" >"$dev/bank0/label"
	echo "$3" >"$dev/bank0/num_lines"
	for ((n = 0; n < ${4:-0}; n++)); do
		name_line "$1" "$n" "GPIO$n"
	done
}
name_line() {
	mkdir "$cfg/$1/bank0/line$2"
	echo "$3" >"$cfg/$1/bank0/line$2/name"
}
go_live() { echo 1 >"$cfg/$1/live"; }

# The Raspberry Pi 5's header bank as bcm2712-rpi-5-b.dts names its 54 lines.
pi5_header() {
	local names=(ID_SDA ID_SCL GPIO2 GPIO3 GPIO4 GPIO5 GPIO6 GPIO7 GPIO8 GPIO9 GPIO10 GPIO11 GPIO12 GPIO13
		GPIO14 GPIO15 GPIO16 GPIO17 GPIO18 GPIO19 GPIO20 GPIO21 GPIO22 GPIO23 GPIO24 GPIO25 GPIO26 GPIO27
		PCIE_RP1_WAKE FAN_TACH HOST_SDA HOST_SCL ETH_RST_N '' CD0_IO0_MICCLK CD0_IO0_MICDAT0 RP1_PCIE_CLKREQ_N
		'' CD0_SDA CD0_SCL CD1_SDA CD1_SCL USB_VBUS_EN USB_OC_N RP1_STAT_LED FAN_PWM CD1_IO0_MICCLK 2712_WAKE
		CD1_IO1_MICDAT1 EN_MAX_USB_CUR '' '' '' '') n
	make_chip ledd pinctrl-rp1 54
	for n in "${!names[@]}"; do
		[[ -z ${names[n]} ]] || name_line ledd "$n" "${names[n]}"
	done
}

case ${1:-x86} in
x86)
	make_chip decoy decoy 8
	go_live decoy
	make_chip ledd pinctrl-rp1 54 28
	go_live ledd
	;;
pi5)
	# As a 2026 Pi 5 kernel shows it: the SoC's four small banks come first, so
	# the header is not gpiochip0; then the first of them goes away, so there is
	# no gpiochip0 at all (those kernels number their chips from 10 up).
	make_chip brcmstb-0 gpio-brcmstb@107d508500 32
	make_chip brcmstb-1 gpio-brcmstb@107d508520 4
	make_chip brcmstb-2 gpio-brcmstb@107d517c00 17
	make_chip brcmstb-3 gpio-brcmstb@107d517c20 6
	for n in 0 1 2 3; do go_live "brcmstb-$n"; done
	pi5_header
	go_live ledd
	echo 0 >"$cfg/brcmstb-0/live"
	rmdir "$cfg/brcmstb-0/bank0" "$cfg/brcmstb-0"
	;;
*)
	echo "gpio-sim.sh: unknown layout $1 (x86 or pi5)" >&2
	exit 1
	;;
esac

chip=$(cat "$cfg/ledd/bank0/chip_name")
platform_dev=$(cat "$cfg/ledd/dev_name")
printf 'LEDD_GPIO_CHIP=%s\n' "$chip"
printf 'LEDD_GPIO_DEV=/dev/%s\n' "$chip"
printf 'LEDD_GPIO_SIM_DIR=/sys/devices/platform/%s/%s\n' "$platform_dev" "$chip"
