# Sourced by the benchmarks: make `stap --runtime=bpf` runnable here, or say why it cannot be.
# SystemTap's BPF runtime needs a kernel build tree at /lib/modules/$(uname -r)/build even for
# 'probe begin' (STAP_LINK_BUILD=DIR links one there for the run; the caller's EXIT trap runs
# $CLEANUP, which removes it), and refuses to start when it cannot raise RLIMIT_MEMLOCK, which
# kernels since 5.11 do not need and this VM does not allow: an LD_PRELOAD shim whose setrlimit()
# ignores that one failure lets it run.
#
# stap_prepare DIR SCRIPT WANT: builds DIR/memlock.so and tries SCRIPT, which must print WANT.
# Returns 0 (and sets STAP_VERSION) when stap can run, else prints why and returns 1.
stap_prepare() {
	_w=$1
	if ! command -v stap >/dev/null 2>&1; then
		echo "  stap: not installed (apt-get install systemtap)"
		return 1
	fi
	cat >"$_w/memlock.c" <<'SHIM'
/* LD_PRELOAD shim for the benchmark: setrlimit(RLIMIT_MEMLOCK) failing with EPERM reports success. */
#include <dlfcn.h>
#include <errno.h>
#include <sys/resource.h>

int setrlimit(__rlimit_resource_t r, const struct rlimit *l)
{
	int (*real)(__rlimit_resource_t, const struct rlimit *) =
		(int (*)(__rlimit_resource_t, const struct rlimit *))dlsym(RTLD_NEXT, "setrlimit");
	int rc = real(r, l);
	if (rc && errno == EPERM && r == RLIMIT_MEMLOCK)
		return 0;
	return rc;
}
SHIM
	_build=/lib/modules/$(uname -r)/build
	if [ ! -e "$_build" ] && [ -n "${STAP_LINK_BUILD:-}" ] && [ -d "$STAP_LINK_BUILD" ]; then
		_made=
		[ -d /lib/modules ] || _made="/lib/modules"
		[ -d "${_build%/build}" ] || _made="${_build%/build} $_made"
		mkdir -p "${_build%/build}" && ln -s "$STAP_LINK_BUILD" "$_build" &&
			CLEANUP="rm -f '$_build'; for d in $_made; do rmdir \"\$d\"; done; $CLEANUP"
	fi
	if ! ${CC:-cc} -D_GNU_SOURCE -shared -fPIC -O2 "$_w/memlock.c" -o "$_w/memlock.so" -ldl 2>"$_w/shim.err"; then
		echo "  stap: cannot build the RLIMIT_MEMLOCK shim: $(head -n 1 "$_w/shim.err")"
		return 1
	fi
	if [ ! -d "$_build" ]; then
		echo "  stap --runtime=bpf: skipped: no kernel build tree at $_build"
		echo "    (it needs one even for 'probe begin': STAP_LINK_BUILD=/usr/src/linux-headers-... links one"
		echo "     there for the run; 'apt-get install linux-headers-amd64' provides Debian's)"
		return 1
	fi
	if ! LD_PRELOAD=$_w/memlock.so timeout 120 stap --runtime=bpf -e "$2" >"$_w/stap.out" 2>"$_w/stap.err" ||
		! grep -q "$3" "$_w/stap.out"; then
		echo "  stap --runtime=bpf: skipped: a trial run failed:"
		head -n 5 "$_w/stap.err" | sed 's/^/    /'
		return 1
	fi
	STAP_VERSION=$(stap -V 2>&1 | head -n 1 | sed 's/.*(version \([^/ ,]*\).*/\1/')
	return 0
}
