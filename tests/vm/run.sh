#!/bin/sh
# The VM tests: kernel probes this machine's kernel lacks (kprobes, fentry), run on Debian's stock
# 6.1 kernel in qemu (TCG). One boot runs them all.
#
#   sh tests/vm/run.sh [BUILD_DIR]      (make test-vm; tests/run.sh runs it as its "vm" stage)
#
# Each test is tests/vm/NAME.stp with NAME.expected (its exact stdout inside the VM) and header
# directives:
#     # ARGS: --kprobes         bstap options when compiling it on this host (-p4); @VMBTF@ is
#                               the VM kernel's BTF (from its vmlinuz; the test is skipped when
#                               it cannot be extracted: that needs python3 and objcopy)
#     # VM-CMD: dd if=/t/data   the workload: bstap-run-static -c CMD inside the VM
#     # VM-OPTS: -T 2           other bstap-run-static options inside the VM
#     # EXPECT-STATUS: 1        its exit status inside the VM (default 0)
#     # EXPECT-STDERR: text     its stderr inside the VM must contain text (repeatable)
#     # OUT-SED: expr           sed expression applied to its stdout before the comparison
#                               (addresses, offsets that differ between kernel builds)
# tests/vm/LIVE lists tests of tests/live/ (NAME.stp + NAME.expected) that run once more in the VM.
#
# Prints "PASS vm/NAME", "FAIL vm/NAME" (with why, indented) or "SKIP vm: reason" lines.
# The kernel package and the vmlinuz extracted from it are cached in $BSTAP_VM_CACHE (default
# ~/.cache/bstap-vm). Environment: TESTS=substr selects tests; KEEP=1 keeps the scratch directory;
# BSTAP_VM_DIR=dir runs dir/*.stp instead (bench/vm: the benchmark); BSTAP_VM_BIN="file ..." adds
# static programs to the VM's /bin; SHOW=1 prints each test's output.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
B=$(cd "${1:-build}" 2>/dev/null && pwd) || B="$ROOT/build"
CACHE=${BSTAP_VM_CACHE:-${HOME:-/root}/.cache/bstap-vm}
VMDIR=${BSTAP_VM_DIR:-$ROOT/tests/vm}

skip_all() { echo "SKIP vm: $1"; exit 0; }
selected() { case "$1" in *"${TESTS:-}"*) return 0 ;; esac; return 1; }
directive() { sed -n "1,40s/^#[ ]*$2:[ ]*//p" "$1"; }

# what runs and how
TESTS_LIST=""
for t in "$VMDIR"/*.stp; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .stp)
	selected "vm/$n" && TESTS_LIST="$TESTS_LIST $t"
done
if [ -z "${BSTAP_VM_DIR:-}" ] && [ -f "$VMDIR/LIVE" ]; then
	for n in $(grep -v '^#' "$VMDIR/LIVE"); do
		selected "vm/live-$n" && TESTS_LIST="$TESTS_LIST $ROOT/tests/live/$n.stp"
	done
fi
[ -n "$TESTS_LIST" ] || exit 0

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed (make deps)"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox)
[ -n "$BUSYBOX" ] || skip_all "busybox is not installed (make deps: busybox-static)"
ldd "$BUSYBOX" >/dev/null 2>&1 && skip_all "$BUSYBOX is not statically linked (install busybox-static)"
[ -x "$B/bstap" ] && [ -x "$B/bstap-run-static" ] || skip_all "no $B/bstap or $B/bstap-run-static (make)"

# --- the kernel: Debian's stock 6.1, from the package, cached
mkdir -p "$CACHE" || skip_all "cannot create $CACHE"
deb=$(ls "$CACHE"/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null | sort -V | tail -n 1)
if [ -z "$deb" ]; then
	pkg=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -n 1)
	if [ -z "$pkg" ]; then
		apt-get update -qq >/dev/null 2>&1
		pkg=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -n 1)
	fi
	[ -n "$pkg" ] || skip_all "no linux-image-6.1.0-*-amd64 package in the apt sources"
	(cd "$CACHE" && apt-get download "$pkg" >"$CACHE/download.log" 2>&1) ||
		skip_all "apt-get download $pkg failed: $(tail -n 1 "$CACHE/download.log")"
	deb=$(ls "$CACHE"/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null | sort -V | tail -n 1)
	[ -n "$deb" ] || skip_all "apt-get download $pkg left no .deb in $CACHE"
fi
kernel=$CACHE/$(basename "$deb" .deb).vmlinuz
if [ ! -s "$kernel" ]; then
	x=$CACHE/extract.$$
	rm -rf "$x"
	dpkg -x "$deb" "$x" || skip_all "dpkg -x $deb failed"
	cp "$x"/boot/vmlinuz-* "$kernel.tmp" && mv "$kernel.tmp" "$kernel"
	rm -rf "$x"
	[ -s "$kernel" ] || skip_all "no vmlinuz in $deb"
fi

# the VM kernel's BTF, for --kernel-btf: the .BTF section of the vmlinux inside the vmlinuz
vmbtf=$CACHE/$(basename "$deb" .deb).btf
if [ ! -s "$vmbtf" ] && command -v python3 >/dev/null && command -v objcopy >/dev/null; then
	python3 -c '
import lzma, sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"\xfd7zXZ\x00")
sys.exit(1) if i < 0 else open(sys.argv[2], "wb").write(lzma.LZMADecompressor().decompress(d[i:]))
' "$kernel" "$vmbtf.elf" 2>/dev/null &&
		objcopy -O binary --only-section=.BTF "$vmbtf.elf" "$vmbtf.tmp" 2>/dev/null &&
		[ -s "$vmbtf.tmp" ] && mv "$vmbtf.tmp" "$vmbtf"
	rm -f "$vmbtf.elf" "$vmbtf.tmp"
fi

SCRATCH=$(mktemp -d /tmp/bstap-vm.XXXXXX)
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "(vm scratch kept in $SCRATCH)"; else rm -rf "$SCRATCH"; fi; }
trap cleanup EXIT
R=$SCRATCH/root
mkdir -p "$R/bin" "$R/t" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
cp "$BUSYBOX" "$R/bin/busybox"
cp "$B/bstap-run-static" "$R/bin/bstap-run"
for a in sh mount mkdir cat echo dd poweroff sleep ip nc true ls seq; do ln -s busybox "$R/bin/$a"; done
for f in ${BSTAP_VM_BIN:-}; do cp "$f" "$R/bin/" || skip_all "cannot copy $f"; done
# the workloads' data: 100 bytes
printf '%0100d' 0 >"$R/t/data"

# --- compile each test here (-p4), with this host's BTF: CO-RE makes the object portable
ran=""
for t in $TESTS_LIST; do
	n=$(basename "$t" .stp)
	case "$t" in "$ROOT/tests/live/"*) n=live-$n ;; esac
	dir=$(dirname "$t")
	args=$(directive "$t" ARGS)
	case "$args" in *@VMBTF@*)
		if [ ! -s "$vmbtf" ]; then
			echo "SKIP vm/$n: the VM kernel's BTF could not be extracted (python3, objcopy)"
			continue
		fi
		args=$(printf '%s' "$args" | sed "s|@VMBTF@|$vmbtf|g") ;;
	esac
	# shellcheck disable=SC2086
	obj=$(cd "$dir" && "$B/bstap" -p4 $args "$(basename "$t")" 2>"$SCRATCH/$n.cerr")
	if [ -z "$obj" ] || [ ! -f "$obj" ]; then
		echo "FAIL vm/$n"
		echo "  bstap -p4 failed:"
		sed 's/^/  /' "$SCRATCH/$n.cerr"
		continue
	fi
	cp "$obj" "$R/t/$n.o"
	{
		echo "echo '@@VM BEGIN $n'"
		cmd=$(directive "$t" VM-CMD)
		opts=$(directive "$t" VM-OPTS)
		[ -z "$opts" ] && opts=$(printf '%s' "$args" | grep -o -- '-T *[0-9]*')
		if [ -n "$cmd" ]; then
			printf "bstap-run %s -c '%s' /t/%s.o >/tmp/out 2>/tmp/err\n" "$opts" "$cmd" "$n"
		else
			printf "bstap-run %s /t/%s.o >/tmp/out 2>/tmp/err\n" "$opts" "$n"
		fi
		echo "echo \"@@VM STATUS \$?\""
		echo "echo '@@VM STDOUT'; cat /tmp/out; echo '@@VM STDERR'; cat /tmp/err"
		echo "echo '@@VM END $n'"
	} >>"$SCRATCH/tests.sh"
	ran="$ran $t"
done
[ -n "$ran" ] || exit 0

cat >"$R/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t tmpfs tmp /tmp
ip link set lo up 2>/dev/null
echo "@@VM UP $(cat /proc/sys/kernel/osrelease)"
. /t/tests.sh
echo '@@VM DONE'
poweroff -f
EOF
chmod +x "$R/init"
cp "$SCRATCH/tests.sh" "$R/t/tests.sh"
(cd "$R" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1 >"$SCRATCH/initrd.gz") ||
	skip_all "cannot build the initramfs"

# --- one boot for all: TCG (BSTAP_VM_KVM=1 tries KVM first; on this machine it fails)
boot() {
timeout 170 qemu-system-x86_64 -machine accel=$accel -cpu max -m 1024 -smp 1 \
	-kernel "$kernel" -initrd "$SCRATCH/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet loglevel=1 mitigations=off" \
	-nographic -no-reboot -nic none -monitor none -serial stdio \
	</dev/null >"$SCRATCH/console.raw" 2>"$SCRATCH/qemu.err"
}
accel=tcg
[ "${BSTAP_VM_KVM:-0}" = 1 ] && [ -w /dev/kvm ] && accel=kvm
boot
qrc=$?
if [ $accel = kvm ] && ! grep -q '@@VM UP' "$SCRATCH/console.raw"; then
	accel=tcg
	boot
	qrc=$?
fi
tr -d '\r' <"$SCRATCH/console.raw" >"$SCRATCH/console"
if ! grep -q '@@VM UP' "$SCRATCH/console"; then
	if [ $qrc = 124 ]; then why="the VM did not come up within the time limit"; else why="qemu failed (status $qrc): $(head -n 3 "$SCRATCH/qemu.err" | tr '\n' ' ')"; fi
	skip_all "$why"
fi

# --- compare
for t in $ran; do
	n=$(basename "$t" .stp)
	case "$t" in "$ROOT/tests/live/"*) n=live-$n ;; esac
	sed -n "/^@@VM BEGIN $n\$/,/^@@VM END $n\$/p" "$SCRATCH/console" >"$SCRATCH/$n.all"
	if ! grep -q "^@@VM END $n\$" "$SCRATCH/$n.all"; then
		echo "FAIL vm/$n"
		echo "  no complete output from the VM (it stopped or timed out); console tail:"
		tail -n 15 "$SCRATCH/console" | sed 's/^/  /'
		continue
	fi
	st=$(sed -n 's/^@@VM STATUS //p' "$SCRATCH/$n.all")
	sed -n '/^@@VM STDOUT$/,/^@@VM STDERR$/p' "$SCRATCH/$n.all" | sed '1d;$d' >"$SCRATCH/$n.out"
	outsed=$(directive "$t" OUT-SED)
	if [ -n "$outsed" ]; then
		sed -E "$outsed" "$SCRATCH/$n.out" >"$SCRATCH/$n.out2" && mv "$SCRATCH/$n.out2" "$SCRATCH/$n.out"
	fi
	sed -n '/^@@VM STDERR$/,/^@@VM END /p' "$SCRATCH/$n.all" | sed '1d;$d' >"$SCRATCH/$n.err"
	want_st=$(directive "$t" EXPECT-STATUS)
	want_st=${want_st:-0}
	why=""
	[ "$st" = "$want_st" ] || why="exit status $st, expected $want_st"
	exp="${t%.stp}.expected"
	if [ -f "$exp" ] && ! diff -u "$exp" "$SCRATCH/$n.out" >"$SCRATCH/$n.diff"; then
		why="${why:+$why; }stdout differs"
	fi
	directive "$t" EXPECT-STDERR >"$SCRATCH/$n.want-err"
	while IFS= read -r line; do
		[ -n "$line" ] && ! grep -qF -- "$line" "$SCRATCH/$n.err" && why="${why:+$why; }stderr lacks: $line"
	done <"$SCRATCH/$n.want-err"
	[ "${SHOW:-0}" = 1 ] && sed "s|^|  vm/$n: |" "$SCRATCH/$n.out"
	if [ -z "$why" ]; then
		echo "PASS vm/$n"
	else
		echo "FAIL vm/$n"
		echo "  $why"
		[ -s "$SCRATCH/$n.diff" ] && sed 's/^/  /' "$SCRATCH/$n.diff"
		[ -s "$SCRATCH/$n.err" ] && { echo "  stderr:"; head -n 20 "$SCRATCH/$n.err" | sed 's/^/  /'; }
	fi
done
exit 0
