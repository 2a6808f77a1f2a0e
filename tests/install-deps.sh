#!/bin/sh
# Install the Debian packages bstap needs to build and test, only those that are missing.
set -e
# systemtap-sdt-dev: <sys/sdt.h> for the user-space probe test program
# libclang-rt-14-dev: the libFuzzer, ASan and UBSan runtimes of clang 14 (make fuzz, the fuzz tests)
# busybox-static, qemu-system-x86: the kprobe tests in a VM (tests/vm/, make test-vm)
need="clang llvm libclang-rt-14-dev libbpf-dev libelf-dev zlib1g-dev bpftool pkg-config make gcc libc6-dev strace systemtap-sdt-dev busybox-static qemu-system-x86"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing
