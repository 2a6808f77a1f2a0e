/* -c CMD: run the user's command under the session, as staprun does (held back until attach). */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void on_sigchld(int sig)
{
	(void)sig;	/* only to wake the session's poll with EINTR; it reaps the command */
}

/*
 * Whether "exec CMD" means the same as CMD to the shell: one simple command, no list, pipeline,
 * subshell or compound command outside quotes, and no leading NAME=value or reserved word.
 */
static bool cmd_is_simple(const char *cmd)
{
	static const char *const reserved[] = { "if", "for", "while", "until", "case", "{", "!",
						"exec", "time", NULL };
	const char *w = cmd + strspn(cmd, " \t");
	size_t wl = strcspn(w, " \t");
	for (int i = 0; reserved[i]; i++)
		if (wl == strlen(reserved[i]) && !strncmp(w, reserved[i], wl))
			return false;
	if (memchr(w, '=', wl) || !*w)
		return false;
	char quote = 0;
	for (const char *p = cmd; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			else if (*p == '\\' && quote == '"' && p[1])
				p++;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (strchr(";&|()`\n", *p)) {
			return false;
		}
	}
	return !quote;
}

/*
 * -c CMD: fork now, so target() has the pid before anything runs, but hold the command back
 * (blocked on a pipe) until the probes are attached, as staprun does with SIGUSR1. Forked
 * before the object is loaded, the child holds no BPF file descriptors.
 */
int command_spawn(struct command *c, const char *cmd, const sigset_t *dfl)
{
	struct sigaction sc;
	memset(&sc, 0, sizeof(sc));
	sc.sa_handler = on_sigchld;
	sc.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sc.sa_mask);
	sigaction(SIGCHLD, &sc, NULL);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "bstap: error: -c: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bstap: error: -c: cannot fork: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[1]);
		char go = 0;
		/* a closed pipe without the go byte: bstap stopped before the probes ran */
		if (read(fds[0], &go, 1) != 1 || go != 'g')
			_exit(127);
		close(fds[0]);
		/* what the session handles or ignores itself; a signal bstap was started with
		 * ignored (nohup's SIGHUP) stays ignored for the command too */
		for (int sig = 1; sig < NSIG; sig++)
			if (sigismember(dfl, sig) == 1)
				signal(sig, SIG_DFL);
		/* a simple command replaces the shell, so target() is the command's own pid */
		bool simple = cmd_is_simple(cmd);
		size_t len = strlen(cmd);
		char *line = simple ? malloc(len + 6) : NULL;
		if (line) {
			memcpy(line, "exec ", 5);
			memcpy(line + 5, cmd, len + 1);
		}
		execl("/bin/sh", "sh", "-c", line ? line : cmd, (char *)NULL);
		fprintf(stderr, "bstap: error: -c: cannot run /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	c->pid = pid;
	c->go = fds[1];
	return 0;
}

void command_release(struct command *c)
{
	if (c->go < 0)
		return;
	if (write(c->go, "g", 1) != 1)
		fprintf(stderr, "bstap: warning: -c: could not start the command: %s\n",
			strerror(errno));
	close(c->go);
	c->go = -1;
}

/* Whether the -c command has ended (and is reaped). */
bool command_done(struct command *c)
{
	if (c->pid <= 0)
		return false;
	if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
		c->pid = 0;
		return true;
	}
	return false;
}

/*
 * The session ends before the command: a command never released just goes; a running one
 * gets SIGTERM and, if it is still there after a second, SIGKILL.
 */
void command_stop(struct command *c)
{
	if (c->go >= 0) {
		close(c->go);	/* EOF without the go byte: the child exits at once */
		c->go = -1;
	} else if (c->pid > 0) {
		kill(c->pid, SIGTERM);
	}
	for (int i = 0; c->pid > 0 && i < 100; i++) {
		if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
			c->pid = 0;
			break;
		}
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	signal(SIGCHLD, SIG_DFL);
}

