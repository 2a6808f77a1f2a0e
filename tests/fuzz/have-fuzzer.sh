#!/bin/sh
# Exit 0 when clang can link a libFuzzer target with ASan and UBSan; else say why and exit 1.
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || { echo "no $CLANG (sh tests/install-deps.sh)"; exit 1; }
t=$(mktemp -d "${TMPDIR:-/tmp}/bstap-fz.XXXXXX") || exit 1
trap 'rm -rf "$t"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$t/t.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" >"$t/err" 2>&1; then
	echo "clang cannot link -fsanitize=fuzzer (libclang-rt-14-dev missing?): $(head -n 1 "$t/err")"
	exit 1
fi
exit 0
