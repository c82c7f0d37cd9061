/*
 * test_probe.c - the real BPF programs under real syscalls.  Loads the probe
 * (and FAILS when it cannot), forks children that register themselves as
 * the traced root and act, then checks the records field by field.
 * Network traffic goes to loopback only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "mountinfo.h"
#include "probe.h"
#include "unit.h"

#define MAX_EVENTS 4096

static struct probe *probe;
static uint64_t cookie;
static struct pt_event *evs[MAX_EVENTS];
static int nevs;
static char dir[PATH_MAX]; /* realpath of the scratch directory */

static int stop_with; /* on_event returns this after storing a record */

static int on_event(void *ctx, const void *raw, size_t size)
{
	(void)ctx;
	if (nevs < MAX_EVENTS && size >= sizeof(struct pt_event)) {
		evs[nevs] = malloc(size);
		if (evs[nevs])
			memcpy(evs[nevs++], raw, size);
	}
	return stop_with;
}

static void clear_events(void)
{
	for (int i = 0; i < nevs; i++)
		free(evs[i]);
	nevs = 0;
}

static const char *field(const struct pt_event *e, int idx)
{
	size_t off = 0;

	for (int i = 0; i < idx; i++)
		off += e->len[i];
	return (const char *)e->data + off;
}

/* Run fn in a child (registered as the traced root when reg); returns its
 * wait status and leaves every record of its tree in evs[]. */
static int run_child(void (*fn)(void), bool reg)
{
	int status = -1;
	pid_t pid;

	clear_events();
	pid = fork();
	if (pid == 0) {
		if (reg)
			probe_register_self(cookie);
		fn();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	probe_drain(probe); /* everything was output before the child was reaped */
	return status;
}

static int run_traced(void (*fn)(void))
{
	return run_child(fn, true);
}

static const struct pt_event *find(uint32_t type, int (*match)(const struct pt_event *, const void *),
				   const void *arg)
{
	for (int i = 0; i < nevs; i++)
		if (evs[i]->type == type && (!match || match(evs[i], arg)))
			return evs[i];
	return NULL;
}

static int f0_is(const struct pt_event *e, const void *path)
{
	return e->len[0] && !strcmp(field(e, 0), path);
}

static int arg1_is(const struct pt_event *e, const void *port)
{
	return e->arg[1] == *(const uint16_t *)port;
}

static uint32_t root_pid(void)
{
	const struct pt_event *e = find(PT_EV_ROOT, NULL, NULL);

	return e ? e->pid : 0;
}

static void path_in_dir(char *out, const char *name)
{
	size_t n = strlen(dir);

	/* dir is a short mkdtemp path: no truncation possible */
	memcpy(out, dir, n);
	out[n] = '/';
	strcpy(out + n + 1, name);
}

/* ---- exec, fork, exit --------------------------------------------------- */

static void child_exec(void)
{
	if (chdir(dir))
		_exit(99);
	execl("/bin/sh", "sh", "-c", "exit 3", (char *)NULL);
	_exit(98);
}

static void test_exec_argv_path_cwd_exit(void)
{
	char sh[PATH_MAX];
	int status = run_traced(child_exec);
	const struct pt_event *e = find(PT_EV_EXEC, NULL, NULL);
	const struct pt_event *x = find(PT_EV_EXIT, NULL, NULL);
	static const char argv[] = "sh\0-c\0exit 3";

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK(realpath("/bin/sh", sh) != NULL);
	CHECK(e != NULL);
	if (e) {
		CHECK(e->pid == root_pid());
		CHECK_INT(e->ret, 0);
		CHECK_STR(field(e, 0), sh); /* the file executed, symlinks resolved */
		CHECK_INT(e->len[1], sizeof(argv));
		CHECK(!memcmp(field(e, 1), argv, sizeof(argv)));
		CHECK_STR(field(e, 2), dir);
		CHECK(e->len[3] > 0); /* environment */
		CHECK_STR(e->comm, "sh");
	}
	CHECK(x != NULL);
	if (x)
		CHECK_INT(x->arg[0], 3 << 8);
}

static void child_long_argv(void)
{
	static char big[6000], env[10000];
	char *const envp[] = { env, NULL };

	memset(big, 'a', sizeof(big) - 1);
	memcpy(env, "BIG=", 4);
	memset(env + 4, 'e', sizeof(env) - 5);
	execle("/bin/true", "true", big, (char *)NULL, envp);
	_exit(98);
}

static void test_exec_argv_truncated(void)
{
	const struct pt_event *e;

	run_traced(child_long_argv);
	e = find(PT_EV_EXEC, NULL, NULL);
	CHECK(e != NULL);
	if (e) {
		CHECK(e->flags & PT_F_TRUNC(1));
		CHECK_INT(e->len[1], PT_ARGV_MAX);
		CHECK_STR(field(e, 1), "true");
		CHECK(field(e, 1)[PT_ARGV_MAX - 1] == 0); /* still NUL-terminated */
		CHECK(!(e->flags & PT_F_TRUNC(0)));
		/* the environment, cut at its own bound, with real bytes */
		CHECK(e->flags & PT_F_TRUNC(3));
		CHECK_INT(e->len[3], PT_ENV_MAX);
		CHECK(!strncmp(field(e, 3), "BIG=eeee", 8));
		CHECK(field(e, 3)[PT_ENV_MAX - 2] == 'e');
	}
}

static void child_fork(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		/* double fork + setsid: the grandchild outlives its parent */
		if (fork() == 0) {
			setsid();
			usleep(100000);
			close(open("/dev/null", O_RDONLY));
			_exit(7);
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	usleep(300000); /* let the grandchild finish */
}

static void test_fork_setsid_grandchild(void)
{
	uint32_t grandchild = 0;
	const struct pt_event *open_ev = NULL;
	int forks = 0;

	run_traced(child_fork);
	for (int i = 0; i < nevs; i++) {
		if (evs[i]->type == PT_EV_FORK) {
			forks++;
			if (evs[i]->pid != root_pid())
				grandchild = evs[i]->arg[0];
		}
	}
	CHECK_INT(forks, 2);
	CHECK(grandchild != 0);
	for (int i = 0; i < nevs; i++)
		if (evs[i]->type == PT_EV_OPEN && evs[i]->pid == grandchild)
			open_ev = evs[i];
	CHECK(open_ev != NULL);
	if (open_ev)
		CHECK_STR(field(open_ev, 0), "/dev/null");
	for (int i = 0; i < nevs; i++)
		if (evs[i]->type == PT_EV_EXIT && evs[i]->pid == grandchild)
			CHECK_INT(evs[i]->arg[0], 7 << 8);
	CHECK_INT(probe_tree_size(probe, 1), 0); /* every mark dropped at exit */
}

/* ---- files ---------------------------------------------------------------- */

static void child_files(void)
{
	int fd;

	if (chdir(dir))
		_exit(99);
	fd = open("rel.txt", O_CREAT | O_WRONLY | O_TRUNC, 0640);
	close(fd);
	open("missing/nothing", O_RDONLY);
	mkdir("sub", 0750);
	rename("rel.txt", "sub/moved.txt");
	unlink("sub/moved.txt");
	rmdir("sub");
	/* through a symlinked directory: the open resolves to the real one */
	mkdir("real", 0755);
	symlink("real", "link");
	fd = open("link/t.txt", O_CREAT | O_WRONLY, 0600);
	close(fd);
	chmod("link/t.txt", 0644);
	truncate("real/t.txt", 0);
}

static void test_file_paths(void)
{
	char p[PATH_MAX], q[PATH_MAX];
	const struct pt_event *e;

	run_traced(child_files);
	path_in_dir(p, "rel.txt");
	e = find(PT_EV_OPEN, f0_is, p);
	CHECK(e != NULL);
	if (e) {
		CHECK(e->ret >= 0);
		CHECK_INT(e->arg[0], O_CREAT | O_WRONLY | O_TRUNC);
		CHECK_INT((uint32_t)e->arg[1], 0640);
		CHECK(e->tid == e->pid);
		/* the opened file's identity (the child removed the file):
		 * an inode, the device of its directory in the kernel's dev_t */
		{
			struct stat st;

			path_in_dir(q, "");
			CHECK(stat(q, &st) == 0);
			CHECK(e->arg[2] != 0);
			CHECK_INT(e->arg[1] >> 32, major(st.st_dev) << 20 | minor(st.st_dev));
		}
	}
	path_in_dir(p, "missing/nothing");
	e = find(PT_EV_OPEN, f0_is, p);
	CHECK(e != NULL);
	if (e)
		CHECK_INT(e->ret, -ENOENT);
	path_in_dir(p, "sub");
	e = find(PT_EV_MKDIR, f0_is, p);
	CHECK(e && e->arg[0] == 0750 && e->ret == 0);
	path_in_dir(p, "rel.txt");
	path_in_dir(q, "sub/moved.txt");
	e = find(PT_EV_RENAME, f0_is, p);
	CHECK(e && e->ret == 0);
	if (e)
		CHECK_STR(field(e, 1), q);
	e = find(PT_EV_UNLINK, f0_is, q);
	CHECK(e && e->ret == 0 && e->arg[0] == 0);
	path_in_dir(p, "sub");
	e = find(PT_EV_UNLINK, f0_is, p);
	CHECK(e && e->ret == 0 && e->arg[0] == 0x200 /* AT_REMOVEDIR */);
	path_in_dir(p, "link");
	e = find(PT_EV_SYMLINK, f0_is, p);
	CHECK(e != NULL);
	if (e)
		CHECK_STR(field(e, 1), "real");
	path_in_dir(p, "real/t.txt");
	e = find(PT_EV_OPEN, f0_is, p);
	CHECK(e && e->ret >= 0);
	path_in_dir(p, "link/t.txt"); /* as given, for a call that has no fd */
	CHECK(find(PT_EV_CHMOD, f0_is, p) != NULL);
	path_in_dir(p, "real/t.txt");
	CHECK(find(PT_EV_TRUNCATE, f0_is, p) != NULL);
}

static void child_deep(void)
{
	if (chdir(dir))
		_exit(99);
	for (int i = 0; i < 80; i++) /* deeper than the walk's bound */
		if (mkdir("d", 0700) || chdir("d"))
			_exit(98);
	close(open("deep.txt", O_CREAT | O_WRONLY, 0600));
}

static void test_deep_path_flagged_truncated(void)
{
	const struct pt_event *e = NULL;

	run_traced(child_deep);
	for (int i = 0; i < nevs; i++)
		if (evs[i]->type == PT_EV_OPEN && evs[i]->ret >= 0 &&
		    strstr(field(evs[i], 0), "/d/deep.txt"))
			e = evs[i];
	CHECK(e != NULL);
	if (e)
		CHECK(e->flags & PT_F_TRUNC(0));
}

static void *thread_open(void *arg)
{
	close(open(arg, O_CREAT | O_WRONLY, 0600));
	return NULL;
}

static char thread_file[PATH_MAX];

static void child_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_open, thread_file) == 0)
		pthread_join(t, NULL);
}

static void test_thread_open(void)
{
	const struct pt_event *e;

	path_in_dir(thread_file, "thread.txt");
	run_traced(child_thread);
	e = find(PT_EV_OPEN, f0_is, thread_file);
	CHECK(e != NULL);
	if (e) {
		CHECK(e->tid != e->pid);
		CHECK(e->pid == root_pid());
	}
	CHECK(find(PT_EV_FORK, NULL, NULL) == NULL); /* threads are not forks */
}

/* ---- the record header -------------------------------------------------- */

#define HDR_UID 4321
#define HDR_COMM "pt-hdr-0123456" /* 15 characters: comm's whole width */

/* Under / rather than the scratch directory, which the new uid may not
 * search: the open must fail with ENOENT. */
#define HDR_MISSING "/no-such-file-pkgtrace-test"

static void child_header(void)
{
	prctl(PR_SET_NAME, HDR_COMM, 0, 0, 0);
	if (setresuid(HDR_UID, HDR_UID, HDR_UID))
		_exit(97);
	open(HDR_MISSING, O_RDONLY);
}

/* The cgroup v2 id of this process: its cgroup directory's inode. */
static uint64_t self_cgroup_id(void)
{
	char root[PATH_MAX], line[PATH_MAX], path[2 * PATH_MAX];
	uint64_t id = 0;
	struct stat st;
	FILE *f;

	if (mountinfo_find_self("cgroup2", root, sizeof(root)))
		return 0;
	f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s%s", root, line + 3);
		if (stat(path, &st) == 0)
			id = st.st_ino;
	}
	fclose(f);
	return id;
}

/* Every header field of a syscall record against what the process knows
 * of itself: the BPF side reads them from the task directly. */
static void test_record_header(void)
{
	const struct pt_event *e;
	uint64_t cg = self_cgroup_id();
	int status;

	status = run_traced(child_header);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	e = find(PT_EV_OPEN, f0_is, HDR_MISSING);
	CHECK(e != NULL);
	CHECK(cg != 0);
	if (!e)
		return;
	CHECK_INT(e->ret, -ENOENT);
	CHECK(e->pid == root_pid());
	CHECK_INT(e->tid, e->pid);
	CHECK_INT(e->ppid, getpid());
	CHECK_INT(e->uid, HDR_UID);
	CHECK_STR(e->comm, HDR_COMM);
	CHECK_INT(e->cgroup_id, cg); /* the child stays in the test's cgroup */
	CHECK(e->session == 1);
	CHECK(e->time_ns > 0);
}

/* ---- records from several CPUs, in time order ------------------------------ */

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static char order_file[3][PATH_MAX];

/* The parent runs on CPU 0, the child on the last CPU: their records go to
 * different rings, and only the merge puts them back in order. */
static void child_two_cpus(void)
{
	pid_t pid;

	pin_to(0);
	close(open(order_file[0], O_CREAT | O_WRONLY, 0600));
	pid = fork();
	if (pid == 0) {
		pin_to(get_nprocs() - 1);
		close(open(order_file[1], O_CREAT | O_WRONLY, 0600));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	close(open(order_file[2], O_CREAT | O_WRONLY, 0600));
}

static int index_of(const struct pt_event *e)
{
	for (int i = 0; i < nevs; i++)
		if (evs[i] == e)
			return i;
	return -1;
}

static void test_records_of_two_cpus_in_time_order(void)
{
	const struct pt_event *fork_ev, *exit_ev, *o[3];
	int i;

	for (i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "order%d.txt", i);
		path_in_dir(order_file[i], name);
	}
	run_traced(child_two_cpus);
	for (i = 0; i < 3; i++) {
		o[i] = find(PT_EV_OPEN, f0_is, order_file[i]);
		CHECK(o[i] != NULL);
	}
	fork_ev = find(PT_EV_FORK, NULL, NULL);
	exit_ev = o[1] ? find(PT_EV_EXIT, NULL, NULL) : NULL;
	CHECK(fork_ev != NULL);
	if (!o[0] || !o[1] || !o[2] || !fork_ev)
		return;
	/* the first EXIT is the child's (the root exits last) */
	CHECK(exit_ev && exit_ev->pid == o[1]->pid);
	CHECK(index_of(o[0]) < index_of(fork_ev));
	CHECK(index_of(fork_ev) < index_of(o[1])); /* fork before the child acts */
	CHECK(index_of(o[1]) < index_of(exit_ev));
	CHECK(index_of(exit_ev) < index_of(o[2])); /* the child's end before the wait returns */
	for (i = 1; i < nevs; i++)
		CHECK(evs[i - 1]->time_ns <= evs[i]->time_ns);
}

/* ---- memfd exec ----------------------------------------------------------- */

static void child_memfd(void)
{
	char *const argv[] = { "true", NULL };
	char *const envp[] = { NULL };
	char buf[65536];
	int src = open("/bin/true", O_RDONLY);
	int fd = memfd_create("pt-test", MFD_CLOEXEC);
	ssize_t n;

	if (src < 0 || fd < 0)
		_exit(99);
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			_exit(98);
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	_exit(97);
}

static void test_memfd_exec(void)
{
	int status = run_traced(child_memfd);
	const struct pt_event *m = find(PT_EV_MEMFD, NULL, NULL);
	const struct pt_event *e = find(PT_EV_EXEC, NULL, NULL);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(m != NULL);
	if (m) {
		CHECK_STR(field(m, 0), "pt-test");
		CHECK(m->ret >= 0);
		CHECK_INT(m->arg[0], MFD_CLOEXEC);
	}
	CHECK(e != NULL);
	if (e) {
		CHECK(e->flags & PT_F_MEMFD);
		CHECK(e->flags & PT_F_DELETED);
		CHECK(strstr(field(e, 0), "memfd:pt-test") != NULL);
	}
}

/* ---- sockets (loopback only) --------------------------------------------- */

static uint16_t port4, port6, port4m;
static int have_v6;

static int listener(int family, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss = {};
	socklen_t len = sizeof(ss);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)&ss;

		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&ss;

		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	if (bind(fd, (void *)&ss, len) || listen(fd, 8) || getsockname(fd, (void *)&ss, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					: ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void connect_to(int family, const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(family, SOCK_STREAM, 0);

	if (family == AF_INET) {
		inet_pton(AF_INET, addr, &sin.sin_addr);
		connect(fd, (void *)&sin, sizeof(sin));
	} else {
		inet_pton(AF_INET6, addr, &sin6.sin6_addr);
		connect(fd, (void *)&sin6, sizeof(sin6));
	}
	close(fd);
}

/* A DNS query for "pkgtrace.test" type A. */
static const unsigned char dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	8, 'p', 'k', 'g', 't', 'r', 'a', 'c', 'e', 4, 't', 'e', 's', 't', 0,
	0x00, 0x01, 0x00, 0x01,
};

static uint16_t server_port;

/* bind + listen + connect to itself + accept, all in the traced child */
static void local_server(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM, 0), c, a;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (l < 0 || bind(l, (void *)&sin, sizeof(sin)) || listen(l, 1) ||
	    getsockname(l, (void *)&sin, &len))
		_exit(90);
	server_port = ntohs(sin.sin_port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (void *)&sin, sizeof(sin)))
		_exit(91);
	a = accept(l, NULL, NULL);
	close(a);
	close(c);
	close(l);
}

static void child_net(void)
{
	struct sockaddr_in dns = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	char p[PATH_MAX];
	int fd;

	local_server();
	/* a unix socket path that does not exist: ENOENT, path reported */
	path_in_dir(p, "no.sock");
	if (strlen(p) >= sizeof(un.sun_path))
		_exit(89);
	memcpy(un.sun_path, p, strlen(p) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(fd, (void *)&un, sizeof(un));
	close(fd);

	connect_to(AF_INET, "127.0.0.1", port4);
	if (have_v6) {
		connect_to(AF_INET6, "::1", port6);
		connect_to(AF_INET6, "::ffff:127.0.0.1", port4m);
	}
	inet_pton(AF_INET, "127.0.0.1", &dns.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(fd, dns_query, sizeof(dns_query), 0, (void *)&dns, sizeof(dns));
	close(fd);
	/* connected UDP: the destination comes from the socket */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	connect(fd, (void *)&dns, sizeof(dns));
	send(fd, dns_query, sizeof(dns_query), 0);
	close(fd);
}

static void test_sockets(void)
{
	int l4 = listener(AF_INET, "127.0.0.1", &port4);
	int l6 = listener(AF_INET6, "::1", &port6);
	int l4m = listener(AF_INET, "127.0.0.1", &port4m);
	const unsigned char lo6[16] = { [15] = 1 };
	const unsigned char mapped[16] = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 };
	const unsigned char lo4[4] = { 127, 0, 0, 1 };
	const struct pt_event *e;
	uint16_t dport = 53;
	int sends = 0;

	have_v6 = l6 >= 0;
	CHECK(l4 >= 0 && l4m >= 0);
	run_traced(child_net);

	e = find(PT_EV_CONNECT, arg1_is, &port4);
	CHECK(e != NULL);
	if (e) {
		CHECK_INT(e->arg[0], AF_INET);
		CHECK_INT(e->ret, 0);
		CHECK_INT(e->arg[2], SOCK_STREAM | IPPROTO_TCP << 16);
		CHECK(e->len[0] == 4 && !memcmp(field(e, 0), lo4, 4));
	}
	if (have_v6) {
		e = find(PT_EV_CONNECT, arg1_is, &port6);
		CHECK(e != NULL);
		if (e) {
			CHECK_INT(e->arg[0], AF_INET6);
			CHECK_INT(e->ret, 0);
			CHECK(e->len[0] == 16 && !memcmp(field(e, 0), lo6, 16));
		}
		e = find(PT_EV_CONNECT, arg1_is, &port4m);
		CHECK(e != NULL);
		if (e) {
			CHECK_INT(e->arg[0], AF_INET6);
			CHECK(e->len[0] == 16 && !memcmp(field(e, 0), mapped, 16));
		}
	} else {
		printf("# no ::1 here: IPv6 connect not checked\n");
	}
	for (int i = 0; i < nevs; i++) {
		e = evs[i];
		if (e->type != PT_EV_SEND || !arg1_is(e, &dport))
			continue;
		sends++;
		CHECK_INT(e->arg[0], AF_INET);
		CHECK_INT(e->ret, sizeof(dns_query));
		CHECK_INT(e->arg[2], SOCK_DGRAM | IPPROTO_UDP << 16);
		CHECK(e->len[0] == 4 && !memcmp(field(e, 0), lo4, 4));
		CHECK(e->len[1] == sizeof(dns_query) &&
		      !memcmp(field(e, 1), dns_query, sizeof(dns_query)));
	}
	CHECK_INT(sends, 2);

	/* the child's own server; its port is only known from the events */
	e = find(PT_EV_LISTEN, NULL, NULL);
	CHECK(e != NULL);
	if (e) {
		uint16_t port = e->arg[1];
		const struct pt_event *b = find(PT_EV_BIND, NULL, NULL);
		const struct pt_event *a = find(PT_EV_ACCEPT, NULL, NULL);
		const struct pt_event *c = find(PT_EV_CONNECT, arg1_is, &port);

		CHECK(port != 0);
		CHECK_INT(e->arg[0], AF_INET);
		CHECK(e->len[0] == 4 && !memcmp(field(e, 0), lo4, 4));
		CHECK(b && b->ret == 0 && b->arg[0] == AF_INET && b->arg[1] == 0);
		CHECK(c && c->ret == 0);
		CHECK(a != NULL);
		if (a) {
			CHECK(a->ret >= 0);
			CHECK_INT(a->arg[0], AF_INET);
			CHECK(a->arg[1] != 0 && a->arg[1] != port); /* the peer's port */
			CHECK(a->len[0] == 4 && !memcmp(field(a, 0), lo4, 4));
		}
	}
	{
		char p[PATH_MAX];
		int found = 0;

		path_in_dir(p, "no.sock");
		for (int i = 0; i < nevs; i++)
			if (evs[i]->type == PT_EV_CONNECT && evs[i]->arg[0] == AF_UNIX) {
				found = 1;
				CHECK_STR(field(evs[i], 0), p);
				CHECK_INT(evs[i]->ret, -ENOENT);
			}
		CHECK(found);
	}
	close(l4);
	close(l4m);
	if (l6 >= 0)
		close(l6);
}

/* ---- mounts: tmpfs, bind mount, relative paths on them ------------------- */

static void child_mounts(void)
{
	char p[PATH_MAX], q[PATH_MAX];

	/* a private mount namespace: nothing leaks to the host */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		_exit(99);
	path_in_dir(p, "tmpfs");
	if (mount("pt-test", p, "tmpfs", 0, NULL))
		_exit(98);
	path_in_dir(p, "bsrc");
	path_in_dir(q, "bdst");
	if (mount(p, q, NULL, MS_BIND, NULL))
		_exit(97);
	path_in_dir(p, "tmpfs/t.txt");
	close(open(p, O_CREAT | O_WRONLY, 0600));
	path_in_dir(p, "bdst/b.txt");
	close(open(p, O_CREAT | O_WRONLY, 0600));
	path_in_dir(p, "tmpfs");
	if (chdir(p))
		_exit(96);
	close(open("rel.txt", O_CREAT | O_WRONLY, 0600));
	mkdir("d", 0700);
}

static void test_tmpfs_and_bind_mount_paths(void)
{
	char p[PATH_MAX];
	int status;

	path_in_dir(p, "tmpfs");
	mkdir(p, 0755);
	path_in_dir(p, "bsrc");
	mkdir(p, 0755);
	path_in_dir(p, "bdst");
	mkdir(p, 0755);
	status = run_traced(child_mounts);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	path_in_dir(p, "tmpfs/t.txt");
	CHECK(find(PT_EV_OPEN, f0_is, p) != NULL);
	path_in_dir(p, "bdst/b.txt"); /* the path it was opened by, not bsrc */
	CHECK(find(PT_EV_OPEN, f0_is, p) != NULL);
	path_in_dir(p, "tmpfs/rel.txt");
	CHECK(find(PT_EV_OPEN, f0_is, p) != NULL);
	path_in_dir(p, "tmpfs/d");
	CHECK(find(PT_EV_MKDIR, f0_is, p) != NULL);
}

/* ---- failed execs ----------------------------------------------------------- */

static char noexec_file[PATH_MAX];

static void child_failed_exec(void)
{
	execl("/nonexistent/pt-missing", "x", (char *)NULL); /* ENOENT: dropped */
	/* argv in writable memory, as a shell builds it: a failed exec never
	 * touches the strings, and BPF cannot fault in a page of .rodata */
	char a0[] = "x", a1[] = "-y";

	execl(noexec_file, a0, a1, (char *)NULL); /* EACCES: reported */
}

static void test_failed_exec(void)
{
	const struct pt_event *e;

	path_in_dir(noexec_file, "noexec.txt");
	close(open(noexec_file, O_CREAT | O_WRONLY, 0644));
	run_traced(child_failed_exec);
	e = find(PT_EV_EXEC, f0_is, noexec_file);
	CHECK(e != NULL);
	if (e) {
		char cwd[PATH_MAX];

		CHECK_INT(e->ret, -EACCES);
		CHECK(e->len[1] == 5 && !memcmp(field(e, 1), "x\0-y", 5));
		CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
		CHECK_STR(field(e, 2), cwd);
	}
	CHECK(find(PT_EV_EXEC, f0_is, "/nonexistent/pt-missing") == NULL);
}

/* ---- every syscall number a handler serves --------------------------------- */

/* Several syscalls share one BPF program, which tells them apart by number
 * (exit_open: open, creat, openat, openat2; exit_paths: eighteen path and
 * fd calls; exit_exec: execve, execveat...).  Each is made here through
 * syscall(), so the C library's choice of call does not hide one. */

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

struct open_how_ {
	uint64_t flags, mode, resolve;
};

static void child_every_syscall(void)
{
	char p[PATH_MAX], q[PATH_MAX];
	char *const argv[] = { "pt-arg", NULL };
	char *const envp[] = { NULL };
	struct open_how_ how = { .flags = O_CREAT | O_WRONLY, .mode = 0604 };
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	int fd;

	if (dfd < 0)
		_exit(99);
#ifdef SYS_open
	path_in_dir(p, "s_open");
	close(syscall(SYS_open, p, O_CREAT | O_WRONLY, 0640));
	path_in_dir(p, "s_creat");
	close(syscall(SYS_creat, p, 0600));
	path_in_dir(p, "s_mkdir");
	syscall(SYS_mkdir, p, 0700);
	path_in_dir(p, "s_open");
	syscall(SYS_chmod, p, 0611);
	syscall(SYS_symlink, "tgt1", (path_in_dir(q, "s_sym"), q));
	syscall(SYS_link, p, (path_in_dir(q, "s_link"), q));
	path_in_dir(p, "s_link");
	syscall(SYS_rename, p, (path_in_dir(q, "s_ren"), q));
	syscall(SYS_unlink, q);
	path_in_dir(p, "s_mkdir");
	syscall(SYS_rmdir, p);
#endif
	close(syscall(SYS_openat, dfd, "s_openat", O_CREAT | O_WRONLY, 0644));
	close(syscall(SYS_openat2, dfd, "s_openat2", &how, sizeof(how)));
	syscall(SYS_mkdirat, dfd, "s_mkdirat", 0750);
	fd = syscall(SYS_openat, dfd, "s_openat", O_WRONLY);
	syscall(SYS_fchmod, fd, 0612);
	syscall(SYS_ftruncate, fd, 7);
	close(fd);
	syscall(SYS_fchmodat, dfd, "s_openat", 0613);
	syscall(SYS_fchmodat2, dfd, "s_openat2", 0614, 0);
	path_in_dir(p, "s_openat");
	syscall(SYS_truncate, p, 5);
	syscall(SYS_symlinkat, "tgt2", dfd, "s_symat");
	syscall(SYS_linkat, dfd, "s_openat", dfd, "s_linkat", 0);
	syscall(SYS_renameat, dfd, "s_linkat", dfd, "s_renat");
	syscall(SYS_renameat2, dfd, "s_renat", dfd, "s_renat2", 0);
	syscall(SYS_unlinkat, dfd, "s_renat2", 0);
	syscall(SYS_unlinkat, dfd, "s_mkdirat", AT_REMOVEDIR);
	/* an empty file with an x bit (0613): both fail with ENOEXEC, which
	 * is recorded (only ENOENT, a PATH lookup, is not) */
	syscall(SYS_execve, p, argv, envp);
	syscall(SYS_execveat, dfd, "s_openat", argv, envp, 0);
	close(dfd);
}

static int f1_is(const struct pt_event *e, const void *path)
{
	return e->len[1] && !strcmp(field(e, 1), path);
}

#define ANY_FD (-1000) /* check_call's ret: any descriptor (>= 0) */

/* The record of type with f0 = dir/name0 (and f1 = dir/name1 or, for a
 * symlink, the target as given), ret and arg0 as expected. */
static void check_call(const char *call, uint32_t type, const char *name0, const char *f1,
		       long ret, uint64_t arg0)
{
	char p[PATH_MAX], q[PATH_MAX];
	const struct pt_event *e = NULL;

	path_in_dir(p, name0);
	if (f1 && type != PT_EV_SYMLINK)
		path_in_dir(q, f1);
	else if (f1)
		snprintf(q, sizeof(q), "%s", f1);
	for (int i = 0; i < nevs && !e; i++)
		if (evs[i]->type == type && f0_is(evs[i], p) && (!f1 || f1_is(evs[i], q)) &&
		    evs[i]->arg[0] == arg0)
			e = evs[i];
	if (!e) {
		printf("#   %s: no record of type %u for %s%s%s with arg0 %#llx\n", call, type, p,
		       f1 ? " -> " : "", f1 ? q : "", (unsigned long long)arg0);
		unit_failed_checks++;
		return;
	}
	if (ret == ANY_FD ? e->ret < 0 : e->ret != ret) {
		printf("#   %s: ret %lld, expected %ld\n", call, (long long)e->ret, ret);
		unit_failed_checks++;
	}
}

static void test_every_syscall_of_the_table(void)
{
	const int wr = O_CREAT | O_WRONLY;
	const struct pt_event *e;
	char p[PATH_MAX];

	run_traced(child_every_syscall);
#ifdef SYS_open
	check_call("open", PT_EV_OPEN, "s_open", NULL, ANY_FD, wr);
	check_call("creat", PT_EV_OPEN, "s_creat", NULL, ANY_FD, O_CREAT | O_WRONLY | O_TRUNC);
	check_call("mkdir", PT_EV_MKDIR, "s_mkdir", NULL, 0, 0700);
	check_call("chmod", PT_EV_CHMOD, "s_open", NULL, 0, 0611);
	check_call("symlink", PT_EV_SYMLINK, "s_sym", "tgt1", 0, 0);
	check_call("link", PT_EV_LINK, "s_open", "s_link", 0, 0);
	check_call("rename", PT_EV_RENAME, "s_link", "s_ren", 0, 0);
	check_call("unlink", PT_EV_UNLINK, "s_ren", NULL, 0, 0);
	check_call("rmdir", PT_EV_UNLINK, "s_mkdir", NULL, 0, AT_REMOVEDIR);
#endif
	check_call("openat", PT_EV_OPEN, "s_openat", NULL, ANY_FD, wr);
	check_call("openat2", PT_EV_OPEN, "s_openat2", NULL, ANY_FD, wr);
	check_call("mkdirat", PT_EV_MKDIR, "s_mkdirat", NULL, 0, 0750);
	check_call("fchmod", PT_EV_CHMOD, "s_openat", NULL, 0, 0612);
	check_call("ftruncate", PT_EV_TRUNCATE, "s_openat", NULL, 0, 7);
	check_call("fchmodat", PT_EV_CHMOD, "s_openat", NULL, 0, 0613);
	check_call("fchmodat2", PT_EV_CHMOD, "s_openat2", NULL, 0, 0614);
	check_call("truncate", PT_EV_TRUNCATE, "s_openat", NULL, 0, 5);
	check_call("symlinkat", PT_EV_SYMLINK, "s_symat", "tgt2", 0, 0);
	check_call("linkat", PT_EV_LINK, "s_openat", "s_linkat", 0, 0);
	check_call("renameat", PT_EV_RENAME, "s_linkat", "s_renat", 0, 0);
	check_call("renameat2", PT_EV_RENAME, "s_renat", "s_renat2", 0, 0);
	check_call("unlinkat", PT_EV_UNLINK, "s_renat2", NULL, 0, 0);
	check_call("unlinkat(AT_REMOVEDIR)", PT_EV_UNLINK, "s_mkdirat", NULL, 0, AT_REMOVEDIR);
	/* openat2's mode comes from struct open_how */
	path_in_dir(p, "s_openat2");
	e = find(PT_EV_OPEN, f0_is, p);
	CHECK(e && (uint32_t)e->arg[1] == 0604);
	/* both failed execs: the path, argv, no event for the success path */
	path_in_dir(p, "s_openat");
	for (int i = 0, n = 0; i <= nevs; i++) {
		if (i == nevs) {
			CHECK_INT(n, 2);
			break;
		}
		e = evs[i];
		if (e->type == PT_EV_EXEC && f0_is(e, p)) {
			n++;
			CHECK_INT(e->ret, -ENOEXEC);
			CHECK(e->len[1] == 7 && !memcmp(field(e, 1), "pt-arg", 7));
		}
	}
}

/* ---- PID namespace: registration from the kernel side ---------------------- */

static void child_pidns(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		_exit(99);
	pid = fork();
	if (pid == 0) { /* pid 1 in its namespace; the kernel sees the host pid */
		probe_register_self(cookie);
		execl("/bin/true", "true", (char *)NULL);
		_exit(98);
	}
	waitpid(pid, NULL, 0);
}

static void test_pid_namespace_root(void)
{
	const struct pt_event *r, *e;

	run_child(child_pidns, false);
	r = find(PT_EV_ROOT, NULL, NULL);
	e = find(PT_EV_EXEC, NULL, NULL);
	CHECK(r != NULL && e != NULL);
	if (r && e) {
		CHECK(r->pid != 1);
		CHECK_INT(r->arg[0], 1);
		CHECK_INT(e->pid, r->pid);
		CHECK_STR(e->comm, "true");
	}
}

/* ---- probe_mark_pid ----------------------------------------------------------- */

static void test_mark_pid(void)
{
	char p[PATH_MAX];
	int go[2];
	pid_t pid;
	char c = 0;
	const struct pt_event *e;

	path_in_dir(p, "marked.txt");
	clear_events();
	CHECK(pipe(go) == 0);
	pid = fork();
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(99);
		close(open(p, O_CREAT | O_WRONLY, 0600));
		_exit(0);
	}
	/* not in a PID namespace here: the pid fork() returned is the host's */
	CHECK_INT(probe_mark_pid(probe, pid, 0x80000001u), 0);
	CHECK(write(go[1], &c, 1) == 1);
	waitpid(pid, NULL, 0);
	probe_drain(probe);
	e = find(PT_EV_OPEN, f0_is, p);
	CHECK(e != NULL);
	if (e)
		CHECK_INT(e->session, 0x80000001u);
	close(go[0]);
	close(go[1]);
}

/* ---- daemon mode: sessions start at a package-manager exec ------------------- */

static char fake_pm[PATH_MAX];

static void child_daemon(void)
{
	execl(fake_pm, "pt-npm", (char *)NULL);
	_exit(98);
}

static void test_daemon_session_start_and_nesting(void)
{
	static const char *const cmds[] = { "pt-npm", NULL };
	struct probe_opts opts = { .daemon = true, .session_cmds = cmds };
	struct probe *daemon = NULL, *saved = probe;
	const struct pt_event *root = NULL;
	int roots = 0, execs = 0, root_idx = -1, first_exec = -1;
	FILE *f;
	int err;

	/* a "package manager" that runs itself again, nested */
	path_in_dir(fake_pm, "pt-npm");
	f = fopen(fake_pm, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "#!/bin/sh\n[ -n \"$PT_NESTED\" ] || PT_NESTED=1 \"$0\"\nexit 0\n");
	fclose(f);
	chmod(fake_pm, 0755);

	err = probe_new(&opts, on_event, NULL, &daemon);
	CHECK_INT(err, 0);
	if (err)
		return;
	probe = daemon; /* run_child drains the probe under test */
	run_child(child_daemon, false);
	probe = saved;
	for (int i = 0; i < nevs; i++) {
		if (evs[i]->type == PT_EV_ROOT) {
			roots++;
			root = evs[i];
			root_idx = i;
		}
		if (evs[i]->type == PT_EV_EXEC) {
			execs++;
			if (first_exec < 0)
				first_exec = i;
		}
	}
	CHECK_INT(roots, 1); /* the nested pt-npm stayed in the outer session */
	CHECK(execs >= 2);
	CHECK(root_idx >= 0 && root_idx < first_exec); /* session starts at the exec */
	if (root) {
		CHECK(root->flags & PT_F_DAEMON_START);
		CHECK(root->arg[0] >= 2);
		for (int i = 0; i < nevs; i++)
			CHECK_INT(evs[i]->session, root->arg[0]);
	}
	CHECK_INT(probe_drops(daemon), 0);
	probe_free(daemon);
}

/* ---- outside the tree ------------------------------------------------------ */

static void test_untracked_process_silent(void)
{
	char p[PATH_MAX];
	pid_t pid;

	path_in_dir(p, "untracked.txt");
	clear_events();
	pid = fork();
	if (pid == 0) { /* never registers */
		close(open(p, O_CREAT | O_WRONLY, 0600));
		if (fork() == 0)
			_exit(0);
		wait(NULL);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	probe_drain(probe);
	CHECK_INT(nevs, 0);
}

/* A traced process leaves the tree and an untraced one gets its pid on
 * the same CPU: sys_exit's per-CPU tree cache must not take the newcomer
 * for the old member. */
static void child_open_on_cpu0(void)
{
	pin_to(0);
	close(open("/dev/null", O_RDONLY));
}

static void test_reused_pid_not_traced(void)
{
	char p[PATH_MAX];
	pid_t old_pid = 0, pid = -1;
	int tries, fd;

	path_in_dir(p, "reused-pid.txt");
	for (tries = 0; tries < 20 && pid != old_pid; tries++) {
		char last[16];
		int n;

		clear_events();
		run_traced(child_open_on_cpu0);
		old_pid = root_pid();
		if (!old_pid)
			break;
		/* the next pid the kernel hands out is old_pid (root only) */
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
		n = snprintf(last, sizeof(last), "%d", old_pid - 1);
		if (fd < 0 || write(fd, last, n) != n) {
			if (fd >= 0)
				close(fd);
			break;
		}
		close(fd);
		clear_events();
		pid = fork();
		if (pid == 0) { /* never registers */
			if (getpid() == old_pid) {
				pin_to(0);
				close(open(p, O_CREAT | O_WRONLY, 0600));
			}
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		probe_drain(probe);
	}
	CHECK(old_pid != 0);
	CHECK_INT(pid, old_pid); /* else another process took the pid 20 times */
	CHECK(find(PT_EV_OPEN, f0_is, p) == NULL);
	CHECK_INT(nevs, 0);
}

static void child_two_opens(void)
{
	close(open("/dev/null", O_RDONLY));
	close(open("/dev/zero", O_RDONLY));
}

static void test_poll_stops_on_callback_value(void)
{
	pid_t pid;
	int rc;

	clear_events();
	pid = fork();
	if (pid == 0) {
		probe_register_self(cookie);
		child_two_opens();
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	stop_with = 42;
	rc = probe_poll(probe, 20);
	stop_with = 0;
	CHECK_INT(rc, 42);
	CHECK_INT(nevs, 1); /* stopped right after the first record */
	probe_drain(probe);
	CHECK(nevs > 1); /* the rest is still there */
}

/* Rings of one page and a collector that never reads them: the records
 * past the first page are lost, and every one is counted, per CPU and for
 * its session. */
static void test_drops_counted_per_session(void)
{
	uint64_t small_cookie = cookie ^ 0x5a5a5a5a5a5a5a5aull;
	struct probe_opts opts = { .reg_cookie = small_cookie, .ringbuf_bytes = 4096 };
	struct probe *small = NULL;
	uint64_t all, mine;
	pid_t pid;
	int err;

	err = probe_new(&opts, on_event, NULL, &small);
	CHECK_INT(err, 0);
	if (err)
		return;
	pid = fork();
	if (pid == 0) {
		probe_register_self(small_cookie);
		for (int i = 0; i < 500; i++)
			close(open("/dev/null", O_RDONLY));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	all = probe_drops(small);
	mine = probe_session_drops(small, 1);
	CHECK(all > 300); /* 500-odd records, ~30 fit in a page */
	CHECK_INT(mine, all);
	CHECK_INT(probe_session_drops(small, 2), 0);
	probe_forget_session(small, 1);
	CHECK_INT(probe_session_drops(small, 1), 0);
	probe_free(small);
}

static void test_no_drops(void)
{
	CHECK_INT(probe_drops(probe), 0);
}

int main(void)
{
	struct probe_opts opts = { 0 };
	char tmpl[] = "/tmp/pt-probe-XXXXXX";
	struct timespec ts;
	int err;

	clock_gettime(CLOCK_REALTIME, &ts);
	cookie = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)getpid() ^ 0x9e3779b97f4a7c15ull;
	opts.reg_cookie = cookie;
	err = probe_new(&opts, on_event, NULL, &probe);
	if (err) {
		printf("#   probe_new: %s\n", strerror(-err));
		printf("FAIL - probe_load\n");
		return 1;
	}
	printf("ok - probe_load\n");
	if (!mkdtemp(tmpl) || !realpath(tmpl, dir)) {
		printf("FAIL - scratch_dir\n");
		return 1;
	}

	TEST(test_exec_argv_path_cwd_exit);
	TEST(test_record_header);
	TEST(test_exec_argv_truncated);
	TEST(test_fork_setsid_grandchild);
	TEST(test_file_paths);
	TEST(test_deep_path_flagged_truncated);
	TEST(test_thread_open);
	TEST(test_records_of_two_cpus_in_time_order);
	TEST(test_memfd_exec);
	TEST(test_sockets);
	TEST(test_tmpfs_and_bind_mount_paths);
	TEST(test_failed_exec);
	TEST(test_every_syscall_of_the_table);
	TEST(test_pid_namespace_root);
	TEST(test_mark_pid);
	TEST(test_untracked_process_silent);
	TEST(test_reused_pid_not_traced);
	TEST(test_daemon_session_start_and_nesting);
	TEST(test_poll_stops_on_callback_value);
	TEST(test_drops_counted_per_session);
	TEST(test_no_drops);

	clear_events();
	probe_free(probe);
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	UNIT_EXIT();
}
