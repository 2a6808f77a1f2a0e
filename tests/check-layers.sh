#!/bin/sh
# make check-layers: each folder includes only headers of the folders below it, and the runner
# (bstap-run) links nothing of the compiler.
#
#   sh tests/check-layers.sh BUILD_DIR
#
# Layers, bottom up: prog/ (the contract) < lang/ (passes 1-2) < bpf/ (passes 3-4), and
# prog/ < loader/ < runtime/ (pass 5); driver/ ties all passes together and may include any.
# Exit 1, naming each offence, if a file breaks the rule or bstap-run's link map holds a
# lang/ or bpf/ object.
set -u
B=${1:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
# LAYERS_ROOT: the source tree to check (default: this one; the test suite checks a broken copy)
cd "${LAYERS_ROOT:-$(dirname "$0")/..}" || exit 1
bad=0

allowed() {	# allowed FOLDER: the folders FOLDER may include from
	case $1 in
	prog) echo "prog" ;;
	lang) echo "prog lang" ;;
	bpf) echo "prog bpf" ;;
	loader) echo "prog loader" ;;
	runtime) echo "prog loader runtime" ;;
	driver) echo "prog lang bpf loader runtime driver" ;;
	esac
}

for dir in prog lang bpf loader runtime driver; do
	ok=$(allowed $dir)
	for f in $dir/*.c $dir/*.h; do
		[ -f "$f" ] || continue
		# every quoted include: "folder/name.h" or a same-folder "name.h"
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r inc; do
			case $f:$inc in
			# the BPF-side header is compiled in clang's directory, where bpf/clang.c writes
			# prog/abi.h beside it as bstap_abi.h
			*.bpf.h:bstap_abi.h) continue ;;
			esac
			case $inc in
			*/*) top=${inc%%/*} ;;
			*) [ -f "$dir/$inc" ] && continue
			   echo "check-layers: $f includes \"$inc\", which is not in $dir/"; echo x >>"$B/.layers-bad"; continue ;;
			esac
			case " $ok " in
			*" $top "*) ;;
			*) echo "check-layers: $f includes \"$inc\": $dir/ may include only $ok"
			   echo x >>"$B/.layers-bad" ;;
			esac
		done
	done
done
if [ -s "$B/.layers-bad" ]; then
	bad=1
fi
rm -f "$B/.layers-bad"

map=$B/bstap-run.map
if [ ! -s "$map" ]; then
	echo "check-layers: $map is missing: build bstap-run first"
	bad=1
elif grep -E 'obj/(lang|bpf|driver)/' "$map" >"$B/.layers-map"; then
	echo "check-layers: bstap-run links compiler objects:"
	sed 's/^/    /' "$B/.layers-map" | sort -u | head -20
	bad=1
elif ! grep -q 'obj/runtime/run_main.o' "$map"; then
	echo "check-layers: $map does not list bstap-run's own objects: is it the link map?"
	bad=1
fi
rm -f "$B/.layers-map"
[ $bad = 0 ] && echo "check-layers: ok"
exit $bad
