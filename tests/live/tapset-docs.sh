# docs/tapsets.md is what aliases/gen/tapset-docs.py makes of the libraries' doc comments
# (make tapset-docs rewrites it), and every alias and function of the libraries has a doc comment.
. "$LIVE_DIR/../lib.sh"
ROOT=$(cd "$LIVE_DIR/../.." && pwd)
command -v python3 >/dev/null || skip "python3 is not installed: the generator cannot run"
python3 "$ROOT/aliases/gen/tapset-docs.py" "$ROOT/aliases" >t.md 2>err || { cat err; fail "generator"; }
diff -u "$ROOT/docs/tapsets.md" t.md >d || { head -30 d; fail "docs/tapsets.md is out of date: make tapset-docs"; }
# each alias name defined (but nd_syscall.*, documented with syscall.*, and internal _names) and each function
find "$ROOT/aliases" -name '*.stp' | while read -r f; do
	grep -hoE '^probe [A-Za-z_][A-Za-z0-9_.]*( *\+?=)' "$f" | sed -E 's/^probe //; s/ *\+?=$//'
	grep -hoE '^function [A-Za-z_][A-Za-z0-9_]*' "$f" | sed 's/^function //'
done | grep -v -e '^nd_syscall\.' -e '^_' | sort -u >defined
missing=""
while read -r n; do
	grep -qF "\`$n\`" t.md || missing="$missing $n"
done <defined
[ -z "$missing" ] || fail "no doc comment for:$missing"
exit 0
