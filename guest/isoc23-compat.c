// SPDX-License-Identifier: GPL-2.0
/*
 * The riscv64 sysroot's static libraries come from Debian trixie (bookworm has no riscv64),
 * built against glibc >= 2.38, which maps strtoul() and fscanf() to their C23 variants
 * under the __isoc23_ names. The cross toolchain's glibc (bookworm, 2.36) has only the
 * classic ones: link the guest programs with these forwarders. The C23 variants differ
 * only in accepting "0b" binary prefixes, which libuuid and libcap never parse.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

unsigned long __isoc23_strtoul(const char *s, char **end, int base);
int __isoc23_fscanf(FILE *f, const char *fmt, ...);

unsigned long __isoc23_strtoul(const char *s, char **end, int base)
{
	return strtoul(s, end, base);
}

int __isoc23_fscanf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfscanf(f, fmt, ap);
	va_end(ap);
	return ret;
}
