#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmarks of one boot, for scripts/bench. Each result is a console line
#   # bench NAME VALUE UNIT
# that scripts/bench-report collects; a benchmark that cannot run prints
#   # bench-skip NAME REASON
# Usage: bench.sh EDU_BDF VFIO_BDF SET...
#   boot       seconds from boot to this script
#   bind       bind/unbind loop of pci-stub on EDU_BDF (the blocked-until-bound cost)
#   dma        dma_map_benchmark on EDU_BDF: single and scatter-gather map/unmap
#   replace    domain replace through iommufd: mock device, and VFIO_BDF through vfio-pci
#   selftests  wall time of the iommufd selftest, and of vfio_dma_mapping_test on VFIO_BDF
edu=$1 vfio=$2
shift 2
tools=/opt/selftests/bench
dev=/sys/bus/pci/devices

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# elapsed START END COUNT SCALE: (END - START) * SCALE / COUNT
elapsed() { awk -v s="$1" -v e="$2" -v n="$3" -v k="$4" 'BEGIN { printf "%.2f", (e - s) * k / n }'; }

# bind_driver BDF DRIVER: let only DRIVER take BDF, and bind it
bind_driver() {
	[ -e "$dev/$1/driver" ] && echo "$1" >"$dev/$1/driver/unbind"
	echo "$2" >"$dev/$1/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/$1/driver")")" = "$2" ]
}

bench_boot() {
	echo "# bench boot_to_bench $(uptime_s) s"
}

bench_bind() {
	n=500
	bind_driver "$edu" pci-stub || { echo "# bench-skip bind_unbind no pci-stub"; return; }
	echo "$edu" >/sys/bus/pci/drivers/pci-stub/unbind
	s=$(uptime_s)
	i=0
	while [ $i -lt $n ]; do
		echo "$edu" >/sys/bus/pci/drivers_probe
		echo "$edu" >/sys/bus/pci/drivers/pci-stub/unbind
		i=$((i + 1))
	done
	echo "# bench bind_unbind $(elapsed "$s" "$(uptime_s)" $n 1000000) us"
}

# dma_run MODE NAME: one dma_map_benchmark run, map and unmap latency
dma_run() {
	out=$("$tools/dma_map_benchmark" -t 1 -s 5 -g 1 -b 48 -m "$1" 2>&1) ||
		{ echo "# bench-skip dma_$2 $(echo "$out" | tail -n 1)"; return; }
	echo "$out" | sed -n "s/^average map latency(us):\([0-9.]*\).*/# bench dma_${2}_map \1 us/p"
	echo "$out" | sed -n "s/^average unmap latency(us):\([0-9.]*\).*/# bench dma_${2}_unmap \1 us/p"
}

bench_dma() {
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
	bind_driver "$edu" dma_map_benchmark || { echo "# bench-skip dma no dma_map_benchmark driver"; return; }
	dma_run 0 single
	dma_run 1 sg
	echo "$edu" >"$dev/$edu/driver/unbind"
}

bench_replace() {
	"$tools/bench-replace" mock 2000 || echo "# bench-skip replace_mock failed"
	if bind_driver "$vfio" vfio-pci; then
		"$tools/bench-replace" vfio "$vfio" 500 || echo "# bench-skip replace_vfio failed"
	else
		echo "# bench-skip replace_vfio $vfio not bound to vfio-pci"
	fi
}

# wall NAME CMD...: wall time of CMD, whatever it reports (at most 900 s)
wall() {
	name=$1
	shift
	[ -x "$1" ] || { echo "# bench-skip $name no $1"; return; }
	s=$(uptime_s)
	timeout 900 "$@" >/dev/null 2>&1
	rc=$?
	[ $rc -ne 124 ] || { echo "# bench-skip $name timed out"; return; }
	echo "# bench $name $(elapsed "$s" "$(uptime_s)" 1 1) s"
}

bench_selftests() {
	wall selftest_iommufd /opt/selftests/iommu/iommufd
	bind_driver "$vfio" vfio-pci &&
		wall selftest_vfio_dma_mapping /opt/selftests/vfio/vfio_dma_mapping_test "$vfio"
}

for b in "$@"; do
	"bench_$b"
done
