/* The run options shared by bstap and bstap-run, parsed once so the two cannot drift apart. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gvar.h"

int sess_opt(struct sess_opts *o, int c, const char *arg, const char *prog)
{
	char *end;
	switch (c) {
	case 'o':
		o->out_path = arg;
		return 1;
	case 'T':
		o->timeout_s = strtod(arg, &end);
		if (*end || end == arg || !(o->timeout_s > 0)) {
			fprintf(stderr, "%s: error: -T takes a positive number of seconds, not '%s'\n",
				prog, arg);
			return -1;
		}
		/* the deadline is kept in nanoseconds of a 64-bit clock; inf and nan are refused */
		if (!(o->timeout_s <= SESS_MAX_TIMEOUT_S)) {
			fprintf(stderr, "%s: error: -T %s: at most %d seconds (about 31 years)\n",
				prog, arg, SESS_MAX_TIMEOUT_S);
			return -1;
		}
		return 1;
	case 'c':
		if (!*arg) {
			fprintf(stderr, "%s: error: -c needs a command\n", prog);
			return -1;
		}
		o->target_cmd = arg;
		return 1;
	case 'x': {
		long long pid = strtoll(arg, &end, 10);
		if (*end || !*arg || pid < 1 || pid > 0x3fffffff) {
			fprintf(stderr, "%s: error: -x takes a process id, not '%s'\n", prog, arg);
			return -1;
		}
		o->target_pid = pid;
		return 1;
	}
	case 's': {
		unsigned long mb = strtoul(arg, &end, 10);
		if (*end || !*arg || mb < 1 || mb > 2048) {
			fprintf(stderr, "%s: error: -s takes a buffer size in megabytes from 1 to 2048, "
				"not '%s'\n", prog, arg);
			return -1;
		}
		o->bufsize_mb = (uint32_t)mb;
		return 1;
	}
	case 'G':
		if (!gvar_eq(arg)) {
			fprintf(stderr, "%s: error: -G takes NAME=VALUE (NAME a global variable), not "
				"'%s'\n", prog, arg);
			return -1;
		}
		if (o->ngvars == SESS_MAX_GVARS) {
			fprintf(stderr, "%s: error: more than %d -G options\n", prog, SESS_MAX_GVARS);
			return -1;
		}
		o->gvars[o->ngvars++] = arg;
		return 1;
	}
	return 0;
}

int sess_opts_check(const struct sess_opts *o, const char *prog)
{
	if (o->target_cmd && o->target_pid) {
		fprintf(stderr, "%s: error: -c and -x cannot be used together: -c sets target() to "
			"the command's pid\n", prog);
		return -1;
	}
	return 0;
}
