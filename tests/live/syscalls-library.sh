# Alias library loading (stap(1) PROCESSING): -I and BSTAP_TAPSET_PATH directories, kernel-version
# subdirectories before the directory itself, a file joining for the alias, function or global
# a script uses (and what it needs in turn), errors in a library file at its own path with the
# alias chain, a broken file nobody needs costing nothing, and a script needing no library
# compiling to exactly what it compiles to with no library at all.
. "$LIVE_DIR/../lib.sh"
rel=$(uname -r)
v3=${rel%%[-+_]*}
v2=${v3%.*}
v1=${v2%%.*}
mkdir -p lib/$v2 lib/$v1 lib/9.9 other broken
cat >lib/mine.stp <<'STP'
/**
 * probe mine.tick - generic
 */
probe mine.tick = begin { which = "generic" . __mine_helper() }
function __mine_helper:string() { return "+helper" }
STP
cat >lib/$v2/mine.stp <<'STP'
probe mine.tick = begin { which = "version " . __mine_helper2() }
function __mine_helper2:string() { return __mine_more() }
STP
cat >lib/$v1/mine.stp <<'STP'
probe mine.tick = begin { which = "major only" }
STP
cat >lib/9.9/mine.stp <<'STP'
probe mine.tick = begin { which = "another kernel" }
STP
cat >lib/more.stp <<'STP'
function __mine_more:string() { __mine_count++; return sprintf("%s %d", "more", __mine_count) }
global __mine_count = 40
STP
cat >other/g.stp <<'STP'
global mine_limit = 17
probe begin { printf("other library's begin probe\n") }
STP
cat >broken/unused.stp <<'STP'
probe never.used = begin { this is not ( valid
STP
s='probe mine.tick { printf("%s\n", which); exit() }'
"$BSTAP" -I lib -I broken -e "$s" >out 2>err || { cat err; fail "-I lib"; }
expect_file_eq "version subdirectory $v2 wins, its function pulls more.stp" out "version more 41"
BSTAP_TAPSET_PATH=other:lib "$BSTAP" -e "$s" >out 2>err || { cat err; fail "BSTAP_TAPSET_PATH"; }
expect_file_eq "BSTAP_TAPSET_PATH" out "version more 41"
"$BSTAP" -I lib -r 9.9.1 -p2 -e "$s" >out 2>err || { cat err; fail "-r 9.9.1"; }
expect_grep "-r 9.9.1 selects 9.9/" out 'which = "another kernel"'
"$BSTAP" -I lib -r 2.6.32 -p2 -e "$s" >out 2>err || { cat err; fail "-r 2.6.32"; }
expect_grep "no version directory: the generic file" out 'which = "generic"'
# a global the script uses pulls its file, whose begin probe then runs too
"$BSTAP" -I other -e 'probe begin(10) { printf("limit %d\n", mine_limit); exit() }' >out 2>err ||
	{ cat err; fail "library global"; }
expect_file_eq "library global and its file's probe" out "other library's begin probe
limit 17"
# errors in a needed library file: at its own path, line and column
cat >broken/used.stp <<'STP'
probe bad.alias = begin { x = 1 + }
STP
"$BSTAP" -I broken -p2 -e 'probe bad.alias { }' >out 2>err && fail "a broken library file was accepted"
expect_grep "parse error at the library's path" err "broken/used.stp:1:35: error: expected expression"
rm broken/used.stp
cat >broken/typed.stp <<'STP'
probe typed.alias = begin { x = "a string"; y = x + 1 }
STP
"$BSTAP" -I broken -p2 -e 'probe typed.alias { println(y) }' >out 2>err && fail "a type error was accepted"
expect_grep "type error in the library file" err "broken/typed.stp:1:"
expect_grep "with the alias chain" err "in expansion of alias 'typed.alias'"
# a script that needs no library: none joins, and the C is the same as with no library at all
"$BSTAP" -v -I lib -I broken -p3 -e 'probe timer.s(1) { n++ } global n' >with.c 2>err ||
	{ cat err; fail "-p3 with libraries"; }
expect_grep "no library joins" err "parsed user script and 0 library scripts"
BSTAP_TAPSET_PATH= "$BSTAP" -p3 -e 'probe timer.s(1) { n++ } global n' >without.c 2>err ||
	{ cat err; fail "-p3"; }
cmp -s with.c without.c || fail "the generated C differs when unused libraries are present"
exit 0
