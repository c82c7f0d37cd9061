/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * compat.bpf.h - the kernel features the BPF side relies on, each with why
 * and the first mainline Linux version that has it.  The newest of them
 * (bpf_rdonly_cast, 6.2) sets pkgtrace's minimum kernel; distribution
 * kernels may have backported a feature to an older version.
 *
 * PT_COMPAT_FEATURES is the one list: `pkgtrace doctor` (user/cmd_doctor.c)
 * prints it against the running kernel, so what the code needs and what
 * doctor says cannot drift apart.  The header is plain C outside the
 * __bpf__ part, so userspace includes it too.
 *
 * X(name, major, minor, why, required): a feature not required is used when
 * the kernel has it (probe.c loads without it otherwise).
 */
#ifndef PKGTRACE_COMPAT_BPF_H
#define PKGTRACE_COMPAT_BPF_H

#define PT_COMPAT_FEATURES(X) \
	X("raw_tp", 4, 17, "sys_exit hook: one raw tracepoint for every syscall", 1) \
	X("global data", 5, 2, ".rodata configuration set before load, .bss counters", 1) \
	X("1M-instruction verifier", 5, 2, "the path walk and argv scans verify in one program", 1) \
	X("bounded loops", 5, 3, "argv scans in daemon mode loop without unrolling", 1) \
	X("tp_btf", 5, 5, "sched_process_fork/exit/exec with typed task and bprm", 1) \
	X("bpf_probe_read_user/kernel", 5, 5, "user strings and kernel fields read apart", 1) \
	X("mmapable arrays", 5, 5, "userspace sets tree_bits through the mapped .bss", 1) \
	X("global functions", 5, 6, "path_walk and the daemon matchers verified once each", 1) \
	X("ring buffers", 5, 8, "records out: BPF_MAP_TYPE_RINGBUF, bpf_ringbuf_output/query", 1) \
	X("bpf_ktime_get_boot_ns", 5, 8, "record times that count suspend, as userspace's", 1) \
	X("map-in-map ring buffers", 5, 10, "one ring per CPU, sized at run time (map_meta_equal)", 1) \
	X("tail calls with subprograms", 5, 10, "sys_exit tail-calls handlers that call path_walk", 1) \
	X("atomic fetch and/or", 5, 12, "tree_bits set and cleared, session ids taken, atomically", 1) \
	X("bpf_loop", 5, 17, "the path walk and failed-exec argv verified as one step", 1) \
	X("bpf_rdonly_cast", 6, 2, "task, file and dentry fields read with plain loads (KCAST)", 1) \
	X("io_uring_submit_req", 6, 0, "io_uring requests recorded at submission (iouring.bpf.h)", 0) \
	X("cgroup.kill", 5, 14, "--enforce: survivors killed with the install's cgroup", 0) \
	X("cgroup/connect_unix", 6, 7, "--enforce: unix sockets outside the install refused (enforce.bpf.c)", 0)

#if defined(__bpf__)
/* bpf_rdonly_cast (kfunc, 6.2) turns a kernel address into a read-only BTF
 * pointer: fields are then read with plain loads (the verifier makes them
 * fault-safe) instead of one bpf_probe_read_kernel call each, which is most
 * of the cost of a walk.  The field offsets still come from CO-RE, as the
 * vmlinux.h types are preserve_access_index. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define KCAST(type, p) ((type *)bpf_rdonly_cast((const void *)(p), bpf_core_type_id_kernel(type)))
#endif

#endif /* PKGTRACE_COMPAT_BPF_H */
