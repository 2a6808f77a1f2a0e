/* bstap's command line: getopt over stap's options, -D limits, and the help text. */
#include "driver/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/abi.h"
#include "prog/version.h"
#include "runtime/gvar.h"

static void usage(FILE *o)
{
	fputs("Usage: bstap [OPTIONS] FILE [ARGS...]\n"
	      "       bstap [OPTIONS] -e SCRIPT [ARGS...]\n"
	      "Run a SystemTap-language probe script on eBPF.\n"
	      "\n"
	      "  -e SCRIPT      run SCRIPT given on the command line instead of a file\n"
	      "  -p N           stop after pass N and print its result: 1 parsed script,\n"
	      "                 2 resolved probes (with alias chains), 3 generated BPF C,\n"
	      "                 4 path of the compiled object\n"
	      "  -v             print each pass with its time (repeat for more detail)\n"
	      "  -l PROBEPOINT  list the probe points PROBEPOINT matches (wildcards allowed), one\n"
	      "                 per line, and exit: bstap -l 'kernel.trace(\"sched:*\")'\n"
	      "  -L PROBEPOINT  as -l, with each point's target variables and their types\n"
	      "  -I DIR         also look for alias libraries (*.stp) in DIR (repeatable); so does\n"
	      "                 each directory of BSTAP_TAPSET_PATH (colon-separated)\n"
	      "  -o FILE        write the script's output to FILE instead of stdout\n"
	      "  -T SECONDS     stop after SECONDS, as if exit() had been called\n"
	      "  -c CMD         start the probes, run CMD (with /bin/sh -c), and stop when it\n"
	      "                 ends; target() is its pid\n"
	      "  -x PID         set target() to PID\n"
	      "  -G NAME=VALUE  start the global NAME with VALUE (a number or a string)\n"
	      "  -s MB          output buffer of MB megabytes (default 1)\n"
	      "  -D NAME=VALUE  set a limit: MAXACTION (statements per probe run, default 1000),\n"
	      "                 MAXMAPENTRIES (entries of a global array, default 2048),\n"
	      "                 MAXSTRINGLEN (bytes of a string: 32 to 512; default 512)\n"
	      "  -m NAME        also write the compiled object to NAME.bpf.o (run it with bstap-run)\n"
	      "  -k             keep the temporary directory (generated C, object) and say where\n"
	      "  -w             suppress warnings\n"
	      "  -g, -u, --runtime=bpf, --bpf\n"
	      "                 accepted for stap's command lines; they change nothing here\n"
	      "  --no-cache     always compile; neither read nor write the compile cache\n"
	      "  --cache-dir DIR\n"
	      "                 keep compiled objects in DIR (default: $XDG_CACHE_HOME/bstap,\n"
	      "                 else /var/cache/bstap as root, else ~/.cache/bstap)\n"
	      "  --kernel-btf FILE\n"
	      "                 compile for the kernel whose BTF is FILE (with -p4)\n"
	      "  --fentry, --kprobes\n"
	      "                 attach kernel.function probes as fentry/fexit, or as kprobes\n"
	      "                 (default: fentry when the running kernel accepts it, else kprobes)\n"
	      "  -r RELEASE, -r BUILD_DIR\n"
	      "                 compile for that kernel release (kernel_v, kernel_vr, where its\n"
	      "                 configuration is looked for), or the kernel built in BUILD_DIR\n"
	      "  --kernel-config FILE\n"
	      "                 the target kernel's configuration, for CONFIG_* conditions and HZ\n"
	      "                 (default: /proc/config.gz, /boot/config-RELEASE, the build tree's\n"
	      "                 .config)\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\n"
	      "ARGS are available to the script as $1, $2 ... (numbers) and @1, @2 ... (strings).\n"
	      "Exit status: 0 on success (also when the reader of the output goes away); 1 on a\n"
	      "script error, a runtime error, error(), a failed write of the output, end probes\n"
	      "interrupted by a second signal, or a failure to compile, load or attach.\n",
	      o);
}


enum { OPT_NO_CACHE = 256, OPT_CACHE_DIR, OPT_KERNEL_BTF, OPT_RUNTIME, OPT_BPF, OPT_KERNEL_CONFIG, OPT_FENTRY,
       OPT_KPROBES };

/*
 * -D NAME=VALUE: stap hands these to the C compiler of its module. bstap honours the limits
 * that mean something here and says which ones it cannot change.
 */
static int set_define(struct opts *o, const char *def)
{
	const char *eq = strchr(def, '=');
	size_t n = eq ? (size_t)(eq - def) : strlen(def);
	char *end;
	unsigned long v = eq ? strtoul(eq + 1, &end, 0) : 0;
	bool num = eq && eq[1] && !*end && v > 0 && v <= 100000000;
	if (n == 9 && !strncmp(def, "MAXACTION", n)) {
		if (!num)
			goto bad_value;
		o->maxaction = (uint32_t)v;
	} else if (n == 13 && !strncmp(def, "MAXMAPENTRIES", n)) {
		if (!num)
			goto bad_value;
		o->maxmapentries = (uint32_t)v;
	} else if (n == 12 && !strncmp(def, "MAXSTRINGLEN", n)) {
		if (!num)
			goto bad_value;
		if (v < BSTAP_MINSTRINGLEN || v > BSTAP_MAXSTRINGLEN) {
			/* userspace values hold BSTAP_MAXSTRINGLEN bytes, BPF map keys at most 512 */
			fprintf(stderr, "bstap: error: -D MAXSTRINGLEN=%lu: bstap's strings are %u to %u "
				"bytes (the default is %u)\n", v, BSTAP_MINSTRINGLEN, BSTAP_MAXSTRINGLEN,
				BSTAP_MAXSTRINGLEN);
			return -1;
		}
		o->maxstringlen = (uint32_t)v;
	} else {
		/* said once all options are read, so that -w anywhere silences it */
		if (o->nignored < (int)(sizeof(o->ignored) / sizeof(o->ignored[0])))
			o->ignored[o->nignored++] = def;
	}
	return 0;
bad_value:
	fprintf(stderr, "bstap: error: -D %.*s needs a positive number, as in -D %.*s=1000\n",
		(int)n, def, (int)n, def);
	return -1;
}

int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "kernel-btf", required_argument, NULL, OPT_KERNEL_BTF },
		{ "fentry", no_argument, NULL, OPT_FENTRY },
		{ "kprobes", no_argument, NULL, OPT_KPROBES },
		{ "kernel-config", required_argument, NULL, OPT_KERNEL_CONFIG },
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "bpf", no_argument, NULL, OPT_BPF },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	/* '+': options end at the script name, so script arguments may look like options */
	while ((c = getopt_long(argc, argv, "+e:p:vkm:D:hVwgul:L:r:I:" SESS_OPT_LETTERS, longopts, NULL)) != -1) {
		char *end;
		int r = sess_opt(&o->sess, c, optarg, "bstap");
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		switch (c) {
		case 'e':
			o->script_text = optarg;
			break;
		case 'l':
		case 'L':
			o->list_pattern = optarg;
			o->list_vars = c == 'L';
			break;
		case 'p':
			o->last_pass = (int)strtol(optarg, &end, 10);
			if (*end || o->last_pass < 1 || o->last_pass > 5) {
				fprintf(stderr, "bstap: error: -p takes a pass number from 1 to 5, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'D':
			if (set_define(o, optarg))
				return -1;
			break;
		case 'k':
			o->keep = true;
			break;
		case OPT_NO_CACHE:
			o->no_cache = true;
			break;
		case OPT_CACHE_DIR:
			if (!*optarg) {
				fputs("bstap: error: --cache-dir needs a directory\n", stderr);
				return -1;
			}
			o->cache_dir = optarg;
			break;
		case OPT_KERNEL_BTF:
			o->kernel_btf = optarg;
			break;
		case OPT_FENTRY:
			o->fentry = 1;
			break;
		case OPT_KPROBES:
			o->fentry = -1;
			break;
		case OPT_KERNEL_CONFIG:
			o->kernel_config = optarg;
			break;
		case 'r':
			o->release = optarg;
			break;
		case 'I':
			if (o->nincdirs == (int)(sizeof(o->incdirs) / sizeof(o->incdirs[0]))) {
				fputs("bstap: error: too many -I directories\n", stderr);
				return -1;
			}
			o->incdirs[o->nincdirs++] = optarg;
			break;
		case OPT_RUNTIME:
			if (strcmp(optarg, "bpf")) {
				fprintf(stderr, "bstap: error: --runtime=%s: bstap has the bpf runtime only\n",
					optarg);
				return -1;
			}
			break;
		case OPT_BPF:	/* stap's --runtime=bpf: what bstap always does */
			break;
		case 'w':
			o->sess.no_warnings = true;
			break;
		case 'g':	/* stap's guru mode: bstap has no embedded C for it to allow */
		case 'u':	/* stap's unoptimized translation: nothing to turn off */
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("bstap %s (SystemTap language, eBPF backend; claims systemtap_v 4.8)\n",
			       BSTAP_VERSION);
			exit(0);
		default:
			fputs("Try 'bstap --help' for more information.\n", stderr);
			return -1;
		}
	}
	if (o->list_pattern) {
		/* the points a probe on the pattern would get, optional so that none is no error */
		static char text[4096];
		snprintf(text, sizeof(text), "probe %s ? {}", o->list_pattern);
		o->script_text = text;
		o->last_pass = 2;
	}
	if (!o->script_text) {
		if (optind >= argc) {
			fputs("bstap: error: no script given: name a FILE or use -e SCRIPT\n"
			      "Try 'bstap --help' for more information.\n", stderr);
			return -1;
		}
		o->script_path = argv[optind++];
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	o->sess.verbose = o->verbose;
	o->sess.gvars_checked = true;
	for (int i = 0; i < o->nignored && !o->sess.no_warnings; i++)
		fprintf(stderr, "bstap: warning: -D %.*s has no effect in bstap (it knows MAXACTION, "
			"MAXMAPENTRIES and MAXSTRINGLEN)\n", (int)strcspn(o->ignored[i], "="), o->ignored[i]);
	return sess_opts_check(&o->sess, "bstap");
}
