/*
 * nsinit.c - the traced command's PID namespace and its init.  See nsinit.h
 * for the contract and the reasons.
 *
 * The init and the collector talk over two pipes: ctl (collector -> init:
 * 'k' keeps the survivors; end of file ends the namespace) and status
 * (init -> collector: struct ns_msg).  The init waits on a signalfd, so a
 * signal is read with its sender: ssi_pid is 0 for a sender outside the
 * namespace (the collector forwarding SIGTERM), the sender's pid for one
 * inside (ignored), and ssi_code SI_KERNEL for the terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include "err.h"
#include "nsinit.h"

/* init -> collector */
enum { MSG_EXIT = 1, MSG_TTY_SIGNAL, MSG_TTY_STOP, MSG_KEPT };

struct ns_msg {
	int type;
	int value;
};

struct nsinit {
	pid_t pid;   /* the init, in our namespace; 0 once reaped or left */
	int ctl;     /* write end, -1 once closed */
	int status;  /* read end (non-blocking), -1 once the init is gone */
	int tty;     /* our controlling terminal, -1 when we have none */
	bool tty_given; /* the install's group is the terminal's foreground */
};

/* ---- the init (pid 1 of the namespace) --------------------------------- */

static void msg_send(int fd, int type, int value)
{
	struct ns_msg m = { .type = type, .value = value };
	ssize_t unused;

	if (fd < 0)
		return;
	unused = write(fd, &m, sizeof(m)); /* < PIPE_BUF: atomic */
	(void)unused;
}

/* Closes every descriptor from 3 up but the three the init keeps. */
static void close_all_but(int a, int b, int c)
{
	int keep[3] = { a, b, c }, t;
	unsigned int from = 3;

	for (int i = 0; i < 3; i++) /* sort the three */
		for (int j = i + 1; j < 3; j++)
			if (keep[j] < keep[i]) {
				t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (int i = 0; i < 3; i++) {
		if ((unsigned int)keep[i] > from)
			close_range(from, (unsigned int)keep[i] - 1, 0);
		from = (unsigned int)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

/* The init's standard streams go to /dev/null: it writes nothing, and a
 * kept init must not hold the collector's output pipe open. */
static void quiet_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void init_signals(sigset_t *wanted)
{
	static const int sigs[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGTSTP, SIGTTIN, SIGTTOU };

	sigemptyset(wanted);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(wanted, sigs[i]);
}

/* Reaps every exited child; the command's status goes to the collector.
 * True when the init has no child left. */
static bool init_reap(pid_t *cmd, int st)
{
	pid_t pid;
	int ws;

	while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
		if (pid == *cmd) {
			msg_send(st, MSG_EXIT, ws);
			*cmd = 0;
		}
	}
	return pid < 0 && errno == ECHILD;
}

/* One signal read from the signalfd. */
static void init_on_signal(const struct signalfd_siginfo *si, pid_t cmd, int st)
{
	int sig = (int)si->ssi_signo;

	switch (sig) {
	case SIGINT:
	case SIGTERM:
	case SIGHUP:
	case SIGQUIT:
		/* the terminal reached the whole group: the command has it too */
		if (si->ssi_code == SI_KERNEL)
			msg_send(st, MSG_TTY_SIGNAL, sig);
		else if (si->ssi_pid == 0 && cmd > 0) /* from outside: forward */
			kill(cmd, sig);
		/* from inside the namespace: ignored */
		break;
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		if (si->ssi_code == SI_KERNEL) /* job control: stop the collector's job too */
			msg_send(st, MSG_TTY_STOP, sig);
		break;
	}
}

static __attribute__((noreturn)) void init_main(int ctl, int st, nsinit_child_fn fn, void *arg)
{
	sigset_t wanted, orig;
	bool keep = false, childless;
	pid_t cmd;
	int sfd;

	/* The install dies with the collector.  A collector that died before
	 * this line is seen below: ctl reads end of file. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "pkgtrace-init"); /* in ps: clearly the monitor's */
	setpgid(0, 0);
	signal(SIGPIPE, SIG_IGN);
	init_signals(&wanted);
	sigprocmask(SIG_BLOCK, &wanted, &orig);
	sfd = signalfd(-1, &wanted, SFD_CLOEXEC);
	cmd = sfd < 0 ? -1 : fork();
	if (cmd == 0) {
		close(ctl);
		close(st);
		close(sfd);
		for (int sig = 1; sig < NSIG; sig++)
			if (sigismember(&wanted, sig) == 1)
				signal(sig, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &orig, NULL);
		fn(arg);
		_exit(PT_EXIT_INTERNAL);
	}
	if (cmd < 0) {
		msg_send(st, MSG_EXIT, PT_EXIT_INTERNAL << 8);
		_exit(PT_EXIT_INTERNAL);
	}
	close_all_but(ctl, st, sfd);
	quiet_stdio();

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = keep ? -1 : ctl, .events = POLLIN },
		};
		struct signalfd_siginfo si;

		if (poll(pf, 2, -1) < 0)
			continue;
		if (pf[1].revents) {
			char c;
			ssize_t r = read(ctl, &c, 1);

			if (r == 1 && c == 'k') {
				/* survivors stay: so does their reaper, untied */
				prctl(PR_SET_PDEATHSIG, 0);
				keep = true;
				msg_send(st, MSG_KEPT, 0);
				close(st);
				close(ctl);
				st = ctl = -1;
			} else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
				_exit(0); /* the collector is done or gone: the namespace ends */
			}
		}
		if ((pf[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo != SIGCHLD)
			init_on_signal(&si, cmd, st);
		childless = init_reap(&cmd, st);
		if (keep && childless)
			_exit(0);
	}
}

/* ---- the collector's side ---------------------------------------------- */

/* tcsetpgrp from a background group raises SIGTTOU unless it is blocked. */
static void tty_set_foreground(int fd, pid_t pgrp)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(fd, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void tty_give(struct nsinit *n)
{
	if (n->tty >= 0 && !n->tty_given && n->pid > 0 && tcgetpgrp(n->tty) == getpgrp()) {
		tty_set_foreground(n->tty, n->pid);
		n->tty_given = true;
	}
}

static void tty_take_back(struct nsinit *n)
{
	if (n->tty_given) {
		tty_set_foreground(n->tty, getpgrp());
		n->tty_given = false;
	}
}

/* The controlling terminal on 0, 1 or 2, when our group is its foreground. */
static int tty_find(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd) && tcgetpgrp(fd) == getpgrp())
			return fd;
	return -1;
}

/* The install was stopped by the terminal: stop our own job the same way
 * (the shell waits on it, not on the install), and continue the install
 * once continued ourselves; in the foreground again if the shell gave us
 * the terminal (fg), in the background otherwise (bg). */
static void job_stop(struct nsinit *n, int sig)
{
	bool had_tty = n->tty_given;

	tty_take_back(n);
	kill(0, sig); /* returns once continued */
	if (had_tty)
		tty_give(n);
	kill(-n->pid, SIGCONT);
}

int nsinit_start(nsinit_child_fn fn, void *arg, struct nsinit **out)
{
	struct nsinit *n;
	int ctl[2] = { -1, -1 }, st[2] = { -1, -1 };
	int err;

	*out = NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->ctl = n->status = n->tty = -1;
	if (pipe2(ctl, O_CLOEXEC) || pipe2(st, O_CLOEXEC)) {
		err = -errno;
		goto cleanup;
	}
	if (unshare(CLONE_NEWPID)) {
		err = -errno;
		goto cleanup;
	}
	n->pid = fork();
	if (n->pid < 0) {
		err = -errno;
		n->pid = 0;
		goto cleanup;
	}
	if (n->pid == 0) {
		close(ctl[1]);
		close(st[0]);
		init_main(ctl[0], st[1], fn, arg);
	}
	close(ctl[0]);
	close(st[1]);
	n->ctl = ctl[1];
	n->status = st[0];
	fcntl(n->status, F_SETFL, O_NONBLOCK);
	setpgid(n->pid, n->pid); /* as the init does itself: whichever runs first */
	n->tty = tty_find();
	tty_give(n);
	*out = n;
	return 0;

cleanup:
	for (int i = 0; i < 2; i++) {
		if (ctl[i] >= 0)
			close(ctl[i]);
		if (st[i] >= 0)
			close(st[i]);
	}
	free(n);
	return err;
}

pid_t nsinit_pid(const struct nsinit *n)
{
	return n ? n->pid : 0;
}

int nsinit_fd(const struct nsinit *n)
{
	return n ? n->status : -1;
}

/* One message, or -EAGAIN, or 0 at end of file (the init is gone). */
static int msg_read(struct nsinit *n, struct ns_msg *m)
{
	ssize_t r;

	if (n->status < 0)
		return 0;
	do
		r = read(n->status, m, sizeof(*m));
	while (r < 0 && errno == EINTR);
	if (r == sizeof(*m))
		return 1;
	if (r < 0 && errno == EAGAIN)
		return -EAGAIN;
	close(n->status); /* end of file or a broken pipe: the init is gone */
	n->status = -1;
	return 0;
}

enum nsinit_event nsinit_next(struct nsinit *n, int *value)
{
	struct ns_msg m;
	int r;

	while ((r = msg_read(n, &m)) > 0) {
		switch (m.type) {
		case MSG_EXIT:
			tty_take_back(n); /* ^C now reaches us: it ends the grace period */
			*value = m.value;
			return NSINIT_EXITED;
		case MSG_TTY_SIGNAL:
			*value = m.value;
			return NSINIT_TTY_SIGNAL;
		case MSG_TTY_STOP:
			job_stop(n, m.value);
			break;
		}
	}
	if (r == 0) {
		tty_take_back(n);
		return NSINIT_GONE;
	}
	return NSINIT_NONE;
}

int nsinit_end(struct nsinit *n, bool keep)
{
	int err = 0;

	if (!n || n->pid <= 0)
		return 0;
	tty_take_back(n);
	if (keep && n->ctl >= 0 && n->status >= 0) {
		struct pollfd pf = { .fd = n->status, .events = POLLIN };
		struct ns_msg m;
		int r;

		if (write(n->ctl, "k", 1) != 1)
			err = -errno;
		/* wait until the init is untied from us: we may exit right after */
		while (!err) {
			r = msg_read(n, &m);
			if (r > 0 && m.type == MSG_KEPT)
				break;
			if (r == 0)
				err = -EPIPE;
			else if (r < 0 && poll(&pf, 1, 5000) == 0)
				err = -ETIMEDOUT;
		}
		if (!err) {
			close(n->ctl);
			n->ctl = -1;
			n->pid = 0; /* not ours to reap: it outlives us */
			return 0;
		}
	}
	/* the init exits on end of file; its exit kills the namespace, and the
	 * kernel reports it exited only once every process in it is gone */
	if (n->ctl >= 0)
		close(n->ctl);
	n->ctl = -1;
	while (waitpid(n->pid, NULL, 0) < 0 && errno == EINTR)
		;
	n->pid = 0;
	return err;
}

void nsinit_free(struct nsinit *n)
{
	if (!n)
		return;
	nsinit_end(n, false);
	if (n->status >= 0)
		close(n->status);
	free(n);
}
