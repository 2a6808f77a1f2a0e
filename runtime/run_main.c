/* bstap-run: run an object compiled by `bstap -p4`, with no compiler, headers or script. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gvar.h"
#include "prog/objcodec.h"
#include "prog/objfmt.h"
#include "runtime/session.h"

#include "prog/version.h"

static void usage(FILE *o)
{
	fputs("Usage: bstap-run [OPTIONS] OBJECT.bpf.o [NAME=VALUE...]\n"
	      "Run a probe object compiled by 'bstap -p4' (no clang or headers needed).\n"
	      "\n"
	      "  -o FILE        write the script's output to FILE instead of stdout\n"
	      "  -T SECONDS     stop after SECONDS, as if exit() had been called\n"
	      "  -c CMD         start the probes, run CMD (with /bin/sh -c), and stop when it\n"
	      "                 ends; target() is its pid\n"
	      "  -x PID         set target() to PID\n"
	      "  -G NAME=VALUE  start the global NAME with VALUE (a number or a string);\n"
	      "                 NAME=VALUE after the object means the same, as with staprun\n"
	      "  -s MB          output buffer of MB megabytes (default 1)\n"
	      "  -v             print load timings (repeat for libbpf's messages)\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\n"
	      "Script arguments ($1, @1) were fixed when the object was compiled.\n"
	      "Exit status: 0 on success (also when the reader of the output goes away);\n"
	      "1 on a runtime error, error(), a failed write of the output, end probes\n"
	      "interrupted by a second signal, or a failure to read, load or attach the object.\n",
	      o);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sess_opts so = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "+vhV" SESS_OPT_LETTERS, longopts, NULL)) != -1) {
		int r = sess_opt(&so, c, optarg, "bstap-run");
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		switch (c) {
		case 'v':
			so.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("bstap-run %s\n", BSTAP_VERSION);
			return 0;
		default:
			fputs("Try 'bstap-run --help' for more information.\n", stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		fputs("bstap-run: error: no object given\n"
		      "Try 'bstap-run --help' for more information.\n", stderr);
		return 1;
	}
	/* staprun's module parameters: NAME=VALUE after the object sets a global, like -G */
	for (int i = optind + 1; i < argc; i++) {
		if (!gvar_eq(argv[i])) {
			fprintf(stderr, "bstap-run: error: '%s' after the object is not NAME=VALUE; "
				"script arguments ($1, @1) were fixed when the object was compiled\n",
				argv[i]);
			return 1;
		}
		if (sess_opt(&so, 'G', argv[i], "bstap-run") < 0)
			return 1;
	}
	if (sess_opts_check(&so, "bstap-run"))
		return 1;
	const char *path = argv[optind];
	struct objprog *o = NULL;
	uint32_t version = 0;
	const char *why = "unreadable";
	int err = objcodec_load(path, &o, &version, &why);
	if (err) {
		if (err == -ENODATA || err == -ENOEXEC)
			fprintf(stderr, "bstap-run: error: %s has no .bstap section: not an object "
				"compiled by 'bstap -p4'\n", path);
		else if (err == -EPROTONOSUPPORT)
			fprintf(stderr, "bstap-run: error: %s: compiled for object format %u, and this "
				"bstap-run reads format %u: compile the script again with this version's "
				"'bstap -p4'\n", path, version, BSTAP_OBJ_VERSION);
		else if (err == -EPROTO)
			fprintf(stderr, "bstap-run: %s: damaged .bstap section: %s\n", path, why);
		else
			fprintf(stderr, "bstap-run: error: cannot read %s: %s\n", path, strerror(-err));
		return 1;
	}
	const struct program *p = objprog_program(o);
	bool kernel = objprog_meta(o)->ngroups > 0;
	int status = sess_run(p, objprog_meta(o), kernel ? path : NULL, &so);
	objprog_free(o);
	return status;
}
