#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Smoke test of a guest's IOMMU set-up, as TAP. Reads an expectations file:
#   iommu NAME                           an IOMMU named NAME is registered (/sys/class/iommu)
#   device BDF TYPES DRIVER RESV         the PCI device BDF is in an IOMMU group whose
#                                        default domain type is one of TYPES (a|b, or "none":
#                                        no group), bound to DRIVER ("-": none), whose group
#                                        has the reserved regions RESV (START:END:TYPE as in
#                                        reserved_regions, sorted, comma separated; "-": none)
#   log TEXT                             the kernel log has a message that is exactly TEXT
# Every PCI device of the guest must be listed.
expect=${1:-/etc/harness/expect}
n=0
fails=0

out=$(mktemp)
tap() { # tap OK|FAIL DESCRIPTION [DIAGNOSTIC]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n $2" >>"$out"
	else
		echo "not ok $n $2" >>"$out"
		[ -n "$3" ] && echo "# $3" >>"$out"
		fails=$((fails + 1))
	fi
}

group_type() {
	if [ -e "/sys/bus/pci/devices/$1/iommu_group" ]; then
		cat "/sys/bus/pci/devices/$1/iommu_group/type"
	else
		echo none
	fi
}

resv_types() {
	local f="/sys/bus/pci/devices/$1/iommu_group/reserved_regions" t
	t=$( [ -e "$f" ] && awk '{ print $1 ":" $2 ":" $3 }' "$f" | sort | tr '\n' ',')
	t=${t%,}
	echo "${t:--}"
}

driver_of() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo -
	fi
}

[ -r "$expect" ] || { echo "1..0 # SKIP no expectations file $expect"; exit 1; }
listed=" "
while read -r kind a b c d; do
	case "$kind" in
	iommu)
		found=$(ls /sys/class/iommu 2>/dev/null | grep -xF "$a" | head -n 1)
		tap "$([ -n "$found" ] && echo OK || echo FAIL)" "iommu $a registered" \
			"registered: $(ls /sys/class/iommu 2>/dev/null | tr '\n' ' ')"
		;;
	device)
		listed="$listed$a "
		if [ ! -e "/sys/bus/pci/devices/$a" ]; then
			tap FAIL "device $a present" "no such PCI device"
			continue
		fi
		t=$(group_type "$a")
		case "|$b|" in
		*"|$t|"*) tap OK "device $a domain type $t" ;;
		*) tap FAIL "device $a domain type $b" "found $t" ;;
		esac
		dr=$(driver_of "$a")
		tap "$([ "$dr" = "$c" ] && echo OK || echo FAIL)" "device $a driver $c" "found $dr"
		r=$(resv_types "$a")
		tap "$([ "$r" = "$d" ] && echo OK || echo FAIL)" "device $a reserved regions $d" \
			"found $r: $(cat "/sys/bus/pci/devices/$a/iommu_group/reserved_regions" 2>/dev/null | tr '\n' ';')"
		;;
	log)
		# read put the first words in a, b, c and the rest of the line in d.
		text="$a${b:+ $b}${c:+ $c}${d:+ $d}"
		if dmesg | sed 's/^\[[^]]*\] //' | grep -qxF -- "$text"; then
			tap OK "kernel log: $text"
		else
			tap FAIL "kernel log: $text" "no such message in dmesg"
		fi
		;;
	esac
done <"$expect"
for dev in /sys/bus/pci/devices/*; do
	dev=${dev##*/}
	case "$listed" in
	*" $dev "*) ;;
	*) tap FAIL "device $dev is expected" "not listed in $expect" ;;
	esac
done
# The plan comes first for kunit.py's parser.
printf 'TAP version 13\n1..%s\n' "$n"
cat "$out"
rm -f "$out"
[ "$fails" = 0 ]
