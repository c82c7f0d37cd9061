/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * proc.bpf.h - credentials and ptrace: what a process does to
 * its own identity or to another process.
 *
 * Included by pkgtrace.bpf.c only, after the record builders (it owns the
 * maps; see the file map at its top).
 */
#ifndef PKGTRACE_PROC_BPF_H
#define PKGTRACE_PROC_BPF_H

/* credentials and ptrace: arg0 kind, arg1/arg2 the (first two) ids */

/* One program for the six set*id calls: the kind by syscall number, filled
 * by probe.c (one program instead of six, see exit_paths). */
const volatile __u8 sc_setid_kind[NR_MAX] = {};

EXIT(setid, PT_EV_SETID)
{
	barrier_var(nr); /* see sys_exit */
	EV(s)->arg[0] = sc_setid_kind[nr & (NR_MAX - 1)];
	EV(s)->arg[1] = (__u32)a->a[0];
	/* setuid/setgid have one argument: the second register is garbage */
	EV(s)->arg[2] = EV(s)->arg[0] <= PT_SETID_GID ? (__u32)-1 : (__u32)a->a[1];
}

EXIT(ptrace, PT_EV_PTRACE)
{
	EV(s)->arg[0] = a->a[0];
	EV(s)->arg[1] = a->a[1];
}

#endif /* PKGTRACE_PROC_BPF_H */
