#!/bin/bash
# Creates the guest's gpio-sim chips through configfs and prints, as shell
# assignments, where the real one ended up:
#   LEDD_GPIO_CHIP=gpiochip1  LEDD_GPIO_DEV=/dev/gpiochip1
#   LEDD_GPIO_SIM_DIR=/sys/devices/platform/gpio-sim.1/gpiochip1
# A decoy chip goes live first so that it takes gpiochip0 and the code under
# test has to find the line by name, as on a Raspberry Pi 5 where the header
# bank is not guaranteed to be chip 0. The real chip mimics the Pi 5's RP1
# bank: label pinctrl-rp1, 54 lines, GPIO0..GPIO27 named.
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
		mkdir "$dev/bank0/line$n"
		echo "GPIO$n" >"$dev/bank0/line$n/name"
	done
	echo 1 >"$dev/live"
}

make_chip decoy decoy 8
make_chip ledd pinctrl-rp1 54 28

chip=$(cat "$cfg/ledd/bank0/chip_name")
platform_dev=$(cat "$cfg/ledd/dev_name")
printf 'LEDD_GPIO_CHIP=%s\n' "$chip"
printf 'LEDD_GPIO_DEV=/dev/%s\n' "$chip"
printf 'LEDD_GPIO_SIM_DIR=/sys/devices/platform/%s/%s\n' "$platform_dev" "$chip"
