/* -c CMD: the command a session runs once its probes are attached, and ends with. */
#ifndef BSTAP_COMMAND_H
#define BSTAP_COMMAND_H

#include <stdbool.h>
#include <sys/types.h>

struct command {
	pid_t pid;	/* until it is reaped; 0 when there is none */
	int go;		/* write end of the pipe the held-back command waits on, or -1 */
};

#define COMMAND_NONE ((struct command){ .pid = 0, .go = -1 })

/*
 * Fork now, so target() has the pid before anything runs, but hold the command back until
 * command_release(). SIGCHLD then wakes the session's poll (EINTR). -1 after saying why.
 */
int command_spawn(struct command *c, const char *cmd);
/* The probes are attached: let the command run. */
void command_release(struct command *c);
/* Whether the command has ended (and is reaped). */
bool command_done(struct command *c);
/* The session ends: a command never released just goes; a running one gets SIGTERM, then
 * SIGKILL a second later. Safe when there is no command. */
void command_stop(struct command *c);

#endif
