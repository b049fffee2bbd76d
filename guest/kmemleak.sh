#!/bin/sh
# After a debug kernel's tests: have kmemleak scan and report the objects it suspects
# (TAP, one case). Usage: kmemleak.sh
k=/sys/kernel/debug/kmemleak
echo "TAP version 13"
echo "1..1"
if [ ! -e "$k" ]; then
	echo "ok 1 kmemleak # SKIP $k is missing (CONFIG_DEBUG_KMEMLEAK off)"
	exit 0
fi
# Objects younger than kmemleak's minimum age (5 s) are not reported: scan, wait, scan.
if ! echo scan >"$k" || ! sleep 6 || ! echo scan >"$k"; then
	echo "not ok 1 kmemleak: the scan was refused (kmemleak disabled itself, see the console)"
	exit 1
fi
n=$(grep -c '^unreferenced object' "$k")
head -n 400 "$k" | sed 's/^/# /'
if [ "$n" -gt 0 ]; then
	echo "not ok 1 kmemleak: $n suspected leaks"
	exit 1
fi
echo "ok 1 kmemleak: no suspected leaks"
