# CONFIG_* preprocessor conditions read the target kernel's configuration: /proc/config.gz (or
# /boot/config-RELEASE, or the build tree's .config), or --kernel-config FILE; an option the
# configuration lacks is unset (""). HZ comes from it too (timer.jiffies). With no
# configuration to be found there is one warning naming the files tried (not with -w), and
# every option reads as unset. -r RELEASE sets kernel_vr and where the configuration is looked
# for. A script that reads the configuration has it in its compile cache key.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"

# the running kernel's own options, as its /proc/config.gz says
if [ -r /proc/config.gz ]; then
	bpf=$(zcat /proc/config.gz | sed -n 's/^CONFIG_BPF=//p')
	hz=$(zcat /proc/config.gz | sed -n 's/^CONFIG_HZ=//p')
	"$BSTAP" -e "%( CONFIG_BPF == \"$bpf\" && CONFIG_HZ == \"$hz\" && CONFIG_NO_SUCH_OPTION == \"\" && CONFIG_NO_SUCH_OPTION != \"y\" %? probe begin { println(\"match\"); exit() } %: probe begin { println(\"differ\"); exit() } %)" >out 2>err ||
		{ cat err; fail "running kernel: status $?"; }
	expect_file_eq "the running kernel's options" out "match"
fi

# a configuration given with --kernel-config: y, m, a number, a quoted string, unset
cat >fleet.config <<'CFG'
CONFIG_BPF=y
CONFIG_NFSD=m
CONFIG_HZ=1000
CONFIG_DEFAULT_HOSTNAME="(none) here"
# CONFIG_KPROBES is not set
CFG
cat >c.stp <<'STP'
probe begin {
	println(%( CONFIG_BPF == "y" %? "bpf y" %: "bpf not y" %))
	println(%( CONFIG_NFSD == "m" || CONFIG_NFSD == "y" %? "nfsd built" %: "no nfsd" %))
	println(%( CONFIG_NFSD == "y" %? "nfsd y" %: "nfsd not y" %))
	println(%( CONFIG_HZ == "1000" %? "hz 1000" %: "hz other" %))
	println(%( CONFIG_DEFAULT_HOSTNAME == "(none) here" %? "string" %: "no string" %))
	println(%( CONFIG_KPROBES == "" %? "kprobes unset" %: "kprobes set" %))
	println(%( CONFIG_KPROBES == "n" %? "kprobes n" %: "kprobes not n" %))
	exit()
}
STP
"$BSTAP" --kernel-config fleet.config c.stp >out 2>err || { cat err; fail "--kernel-config: status $?"; }
expect_file_eq "--kernel-config" out "bpf y
nfsd built
nfsd not y
hz 1000
string
kprobes unset
kprobes not n"

# HZ: timer.jiffies(100) is 100 ms at HZ=1000, 400 ms at 250
cat >j.stp <<'STP'
global n
probe timer.jiffies(100) { n++ }
probe timer.ms(1050) { printf("%s\n", n >= 8 && n <= 11 ? "10 ticks" : n >= 2 && n <= 3 ? "2 ticks" : sprint(n)); exit() }
STP
"$BSTAP" --kernel-config fleet.config j.stp >out 2>err || { cat err; fail "jiffies: status $?"; }
expect_file_eq "timer.jiffies at HZ=1000" out "10 ticks"
echo 'CONFIG_HZ=250' >hz250.config
"$BSTAP" --kernel-config hz250.config j.stp >out 2>err || { cat err; fail "jiffies 250: status $?"; }
expect_file_eq "timer.jiffies at HZ=250" out "2 ticks"

# none to be found: one warning naming what was tried, options unset; -w silences it
mkdir -p empty
BSTAP_KCONFIG_ROOT=$PWD/empty "$BSTAP" -e '%( CONFIG_BPF == "y" %? probe begin { println("y") } %: probe begin { println("unset") } %) %( CONFIG_HZ == "" %? probe begin { println("hz unset"); exit() } %)' >out 2>err ||
	{ cat err; fail "no config: status $?"; }
expect_file_eq "no config: unset" out "unset
hz unset"
expect_eq "one warning" "$(grep -c warning err)" 1
expect_grep "the warning names the files" err "^bstap: warning: no configuration found for kernel .* \\(tried $PWD/empty/proc/config.gz, $PWD/empty/boot/config-.*, $PWD/empty/lib/modules/.*/build/.config\\)"
BSTAP_KCONFIG_ROOT=$PWD/empty "$BSTAP" -w -e '%( CONFIG_BPF == "y" %? probe begin { exit() } %: probe begin { exit() } %)' >out 2>err ||
	{ cat err; fail "-w: status $?"; }
expect_no_grep "-w: no warning" err warning

# -r RELEASE: kernel_vr, and /boot/config-RELEASE under the root
mkdir -p other/boot
printf 'CONFIG_BPF=m\n' >other/boot/config-9.9.9-test
BSTAP_KCONFIG_ROOT=$PWD/other "$BSTAP" -r 9.9.9-test -v -p1 -e '%( kernel_vr == "9.9.9-test" && kernel_v == "9.9.9" && CONFIG_BPF == "m" %? probe begin { println("other kernel") } %)' >out 2>err ||
	{ cat err; fail "-r: status $?"; }
expect_grep "-r: the other kernel's configuration" out 'println\("other kernel"\)'
expect_grep "-v names kernel and configuration" err "^bstap: kernel 9\\.9\\.9-test, configuration $PWD/other/boot/config-9\\.9\\.9-test"

# the configuration is part of the cache key of a script that reads it
cat >k.stp <<'STP'
%( CONFIG_BPF == "y" %? %)
probe timer.ms(1) { exit() }
STP
printf 'CONFIG_BPF=y\nCONFIG_A=1\n' >a.config
printf 'CONFIG_BPF=y\nCONFIG_A=2\n' >b.config
"$BSTAP" --cache-dir "$SCRATCH/cache" -v --kernel-config a.config k.stp >/dev/null 2>err1 || { cat err1; fail "cache 1"; }
"$BSTAP" --cache-dir "$SCRATCH/cache" -v --kernel-config a.config k.stp >/dev/null 2>err2 || { cat err2; fail "cache 2"; }
"$BSTAP" --cache-dir "$SCRATCH/cache" -v --kernel-config b.config k.stp >/dev/null 2>err3 || { cat err3; fail "cache 3"; }
expect_grep "same configuration: a hit" err2 'cache hit'
expect_no_grep "another configuration: compiled again" err3 'cache hit'
exit 0
