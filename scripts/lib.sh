# Common helpers for the harness scripts. Source it; it defines no behaviour of its own.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# One locale whoever runs us: stable tool output, and compiler cache hits (ccache hashes
# the locale variables) between a developer's shell and CI.
export LANG=C LC_ALL=C
unset LC_CTYPE LC_MESSAGES LANGUAGE
BUILD=${O:-$TOP/build}
RESULTS=${RESULTS:-$TOP/results}
# Kept across clones and runs on this machine: the base tarball and repository, target
# packages, the compiler cache.
CACHE=${HARNESS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/iommu-harness}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# Builds that do not depend on where the checkout is or when it is built: paths under the
# checkout are hashed relative to it, the kernel's build stamp is fixed.
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 KBUILD_BUILD_TIMESTAMP="2000-01-01" \
	KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=harness

die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }
note() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# need_cmd CMD...: fail with one line naming the first missing command.
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' is missing: run 'make deps' (or scripts/install-host-deps)"
	done
}

# conf_get FILE KEY: print the value of KEY=VALUE from a small config file.
conf_get() {
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

# Kernel source tree the series is applied to (ours, or the user's own checkout).
# KERNEL_TREE, set by scripts/bench only, points elsewhere (its worktree of the base).
kernel_tree() {
	if [ -n "${KERNEL_TREE:-}" ]; then
		printf '%s\n' "$KERNEL_TREE"
	elif [ -n "${KERNEL_SRC:-}" ]; then
		printf '%s\n' "$BUILD/linux-src"
	else
		printf '%s\n' "$BUILD/linux"
	fi
}

# Cross prefix and kernel ARCH for a machine architecture name.
cross_compile() {
	case "$1" in
	arm64) echo aarch64-linux-gnu- ;;
	riscv64) echo riscv64-linux-gnu- ;;
	arm) echo arm-linux-gnueabihf- ;;
	x86_64) echo "" ;;
	*) die "unknown architecture '$1'" ;;
	esac
}

kernel_arch() {
	case "$1" in
	riscv64) echo riscv ;;
	*) echo "$1" ;;
	esac
}

# need_space DIR GIB: fail with one line if the file system of DIR has less than GIB free.
need_space() {
	local dir=$1 avail
	mkdir -p "$dir"
	avail=$(df -Pk "$dir" | awk 'NR == 2 { print int($4 / 1048576) }')
	[ "$avail" -ge "$2" ] || die "only ${avail} GiB free under $dir, $2 GiB needed: free some space"
}

# The commit the series applies to in the kernel tree.
base_rev() {
	cat "$(git -C "$1" rev-parse --absolute-git-dir)/harness-base"
}

# base_worktree: a detached worktree of the kernel tree at its base, build/linux-base, for
# the kernels that must be the base's (make bench, make base-record). Prints its path.
base_worktree() {
	local tree base_tree rev
	tree=$(kernel_tree)
	base_tree=$BUILD/linux-base
	rev=$(base_rev "$tree")
	git -C "$tree" worktree prune
	if [ -d "$base_tree" ]; then
		git -C "$base_tree" checkout -q --detach "$rev" || die "cannot check out the base in $base_tree"
	else
		git -C "$tree" worktree add -q --detach "$base_tree" "$rev" ||
			die "cannot add a worktree of the base at $base_tree"
	fi
	printf '%s\n' "$base_tree"
}

# Output directory of one architecture's build (VARIANT=debug and a KERNEL_SRC tree get
# their own).
kernel_out() {
	printf '%s\n' "$BUILD/$1${VARIANT:+-$VARIANT}${KERNEL_SRC:+-src}"
}

# scripts/bench exports MACHINES=machines/bench, its machines, for the scripts it runs.
MACHINES=${MACHINES:-$TOP/machines}
# All machine names, in a stable order.
machine_names() {
	local f
	for f in "$MACHINES"/*.conf; do
		f=${f##*/}
		printf '%s\n' "${f%.conf}"
	done
}

# The debug variant of machine M is "M-debug": M's definition, tests and expectations with
# the kernel of configs/debug (lockdep, KASAN, kmemleak...), its time limits multiplied by
# DEBUG_SLOWDOWN and a kmemleak scan after the last test. machines/debug-machines lists the
# variants `make check` runs.
DEBUG_SLOWDOWN=${DEBUG_SLOWDOWN:-4}
debug_machine_names() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MACHINES/debug-machines" 2>/dev/null || true
}
# What a run without machine names covers: every machine, then the listed debug variants.
default_machine_names() {
	machine_names
	debug_machine_names
}

# machine_conf NAME: the name of the definition a machine (or its debug variant) uses.
machine_conf() {
	case "$1" in
	*-debug) [ -f "$MACHINES/$1.conf" ] || { printf '%s\n' "${1%-debug}"; return; } ;;
	esac
	printf '%s\n' "$1"
}

# load_machine NAME: source machines/NAME.conf (sets ARCH, QEMU, QEMU_ARGS, CMDLINE, TIME_LIMIT),
# then MACHINE_VARIANT (the kernel variant it boots: the caller's VARIANT, or debug for a
# debug variant, debug-base for one with VARIANT=base) and MACHINE_TIMEOUT_SCALE (the
# guest's test timeouts multiplier).
load_machine() {
	local conf
	conf=$(machine_conf "$1")
	[ -f "$MACHINES/$conf.conf" ] || die "unknown machine '$1' (machines: $(machine_names | tr '\n' ' '), and NAME-debug for each)"
	DISK=${DISK:-/dev/null}
	# shellcheck source=/dev/null
	. "$MACHINES/$conf.conf"
	MACHINE_VARIANT=${VARIANT:-}
	MACHINE_TIMEOUT_SCALE=${TIMEOUT_SCALE:-1}
	if [ "$conf" != "$1" ]; then
		# VARIANT=base: the base kernel with the debug options (make base-record)
		case "${VARIANT:-}" in
		"" | debug) MACHINE_VARIANT=debug ;;
		base) MACHINE_VARIANT=debug-base ;;
		*) die "$1: a debug machine boots the debug kernel, not VARIANT=$VARIANT" ;;
		esac
		MACHINE_TIMEOUT_SCALE=$((MACHINE_TIMEOUT_SCALE * DEBUG_SLOWDOWN))
		TIME_LIMIT=$((TIME_LIMIT * DEBUG_SLOWDOWN))
	fi
}

# timed LABEL CMD...: run CMD and print how long it took (the run's own speed figures).
timed() {
	local label=$1 start rc=0
	shift
	start=$(date +%s)
	"$@" || rc=$?
	printf 'time: %-40s %4ss%s\n' "$label" "$(($(date +%s) - start))" "$([ $rc = 0 ] || echo " (failed)")" >&2
	return $rc
}

# kmake ARCH OUTDIR MAKE-ARGS...: make in the kernel tree for ARCH, out of tree in OUTDIR,
# through ccache.
kmake() {
	local cross
	cross=$(cross_compile "$1")
	make -s -C "$(kernel_tree)" O="$2" ARCH="$(kernel_arch "$1")" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" HOSTCC="ccache gcc" "${@:3}"
}

# build_selftests ARCH TREE HEADERS OUT DIR...: cross-build, statically, the kselftest
# directories DIR of TREE against the uAPI HEADERS and the sysroot, into OUT/DIR. The
# selftest Makefiles do not track header dependencies, so objects of an earlier tree could
# be linked with new ones: each directory starts afresh (ccache keeps it fast).
build_selftests() {
	local arch=$1 tree=$2 headers=$3 out=$4 cross sysroot triplet ldflags t
	shift 4
	cross=$(cross_compile "$arch")
	sysroot=$BUILD/sysroot-$arch
	triplet=$(${cross}gcc -dumpmachine)
	mkdir -p "$out"
	# Static libraries of a newer glibc than the cross toolchain's need its C23 names.
	ldflags="-static -L$sysroot/usr/lib/$triplet"
	if [ "$arch" = riscv64 ]; then
		${cross}gcc -O2 -Wall -Wextra -Werror -c -o "$out/isoc23-compat.o" \
			"$TOP/guest/isoc23-compat.c" || die "cannot build guest/isoc23-compat.c"
		ldflags="$out/isoc23-compat.o $ldflags"
	fi
	for t in "$@"; do
		rm -rf "${out:?}/$t"
		mkdir -p "$out/$t"
		make -s -C "$tree/tools/testing/selftests/$t" ARCH="$(kernel_arch "$arch")" \
			CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" OUTPUT="$out/$t" \
			KHDR_INCLUDES="-isystem $headers" \
			USERCFLAGS="-isystem $sysroot/usr/include -isystem $sysroot/usr/include/$triplet" \
			USERLDFLAGS="$ldflags" >"$out/$t.log" 2>&1 ||
			{ tail -n 20 "$out/$t.log" >&2; die "selftests/$t of $tree failed to build for $arch, see $out/$t.log"; }
	done
	rm -f "$out/isoc23-compat.o"
}

# configure_kernel ARCH OUT FRAGMENT...: OUT/kernel/.config = allnoconfig + the fragments,
# merged with the kernel's merge_config.sh (an unchanged result leaves the file alone), and
# every CONFIG_ line of the fragments checked in it (CONFIG_CHECK=no skips that: building
# an intermediate commit of the series, which may predate options the fragments ask for).
configure_kernel() {
	local arch=$1 out=$2 f
	shift 2
	for f in "$@"; do [ -f "$f" ] || die "missing config fragment $f"; done
	mkdir -p "$out/config" "$out/kernel"
	(cd "$(kernel_tree)" && ARCH=$(kernel_arch "$arch") CROSS_COMPILE=$(cross_compile "$arch") \
		scripts/kconfig/merge_config.sh -n -O "$out/config" "$@" >"$out/config/merge.log" 2>&1) ||
		die "merge_config.sh failed, see $out/config/merge.log"
	cmp -s "$out/config/.config" "$out/kernel/.config" ||
		cp "$out/config/.config" "$out/kernel/.config"
	kmake "$arch" "$out/kernel" olddefconfig
	[ "${CONFIG_CHECK:-yes}" = no ] || check_config "$out/kernel/.config" "$@"
}

# check_config CONFIG FRAGMENT...: every CONFIG_ line of the fragments holds in CONFIG.
check_config() {
	local cfg=$1 bad=() line sym
	shift
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$cfg" ||
				bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo unset))")
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -qE "^$sym=[ym]" "$cfg" && bad+=("$line (got: $(grep -E "^$sym=" "$cfg"))")
			;;
		esac
	done < <(cat "$@")
	if [ "${#bad[@]}" -gt 0 ]; then
		for line in "${bad[@]}"; do
			printf '%s: error: config option did not survive: %s\n' "${0##*/}" "$line" >&2
		done
		exit 1
	fi
}
