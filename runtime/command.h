/* -c CMD: the command a session runs once its probes are attached, and ends with. */
#ifndef BSTAP_COMMAND_H
#define BSTAP_COMMAND_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct command {
	pid_t pid;	/* until it is reaped; 0 when there is none */
	int go;		/* write end of the pipe the held-back command waits on, or -1 */
};

#define COMMAND_NONE ((struct command){ .pid = 0, .go = -1 })

/*
 * Fork now, so target() has the pid before anything runs, but hold the command back until
 * command_release(). SIGCHLD then wakes the session's poll (EINTR). The command starts with
 * the signals in dfl at their default disposition and every other one as bstap got it.
 * No descriptor of bstap's but 0, 1 and 2 reaches it: all others are close-on-exec.
 * -1 after saying why.
 */
int command_spawn(struct command *c, const char *cmd, const sigset_t *dfl);
/* The probes are attached: let the command run. */
void command_release(struct command *c);
/* Whether the command has ended (and is reaped). */
bool command_done(struct command *c);
/* The session ends: a command never released just goes; a running one gets SIGTERM, then
 * SIGKILL a second later. Safe when there is no command. */
void command_stop(struct command *c);

#endif
