// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_cgroupctx.c - container and pod from cgroup paths, pod names from
 * the kubelet's log folders, and cgroup id -> path on the real cgroup2
 * mount (needs root, as every test here runs). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroupctx.h"
#include "mountinfo.h"
#include "unit.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID_ "8d1f2c3a-4b5e-4f60-9a7b-0c1d2e3f4a5b"
#define UID_US "8d1f2c3a_4b5e_4f60_9a7b_0c1d2e3f4a5b"

static void test_systemd_containerd(void)
{
	struct cgroup_meta m;

	cgroupctx_parse("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_US
			".slice/cri-containerd-" CID ".scope", &m);
	CHECK_STR(m.container_id, CID);
	CHECK_STR(m.runtime, "containerd");
	CHECK_STR(m.pod_uid, UID_);
}

static void test_systemd_crio_guaranteed(void)
{
	struct cgroup_meta m;

	/* guaranteed QoS: no qos slice; cri-o's conmon scope is no container */
	cgroupctx_parse("/kubepods.slice/kubepods-pod" UID_US ".slice/crio-conmon-" CID ".scope", &m);
	CHECK_STR(m.container_id, "");
	CHECK_STR(m.pod_uid, UID_);
	cgroupctx_parse("/kubepods.slice/kubepods-pod" UID_US ".slice/crio-" CID ".scope", &m);
	CHECK_STR(m.container_id, CID);
	CHECK_STR(m.runtime, "cri-o");
}

static void test_cgroupfs_driver(void)
{
	struct cgroup_meta m;

	cgroupctx_parse("/kubepods/besteffort/pod" UID_ "/" CID, &m);
	CHECK_STR(m.container_id, CID);
	CHECK(m.runtime == NULL); /* the bare id does not say which runtime */
	CHECK_STR(m.pod_uid, UID_);
	cgroupctx_parse("/docker/" CID, &m);
	CHECK_STR(m.container_id, CID);
	CHECK_STR(m.runtime, "docker");
	CHECK_STR(m.pod_uid, "");
	cgroupctx_parse("/system.slice/docker-" CID ".scope", &m);
	CHECK_STR(m.runtime, "docker");
	cgroupctx_parse("/machine.slice/libpod-" CID ".scope/container", &m);
	CHECK_STR(m.runtime, "podman");
	CHECK_STR(m.container_id, CID);
}

static void test_not_a_container(void)
{
	struct cgroup_meta m;

	cgroupctx_parse("/user.slice/user-0.slice/session-3.scope", &m);
	CHECK_STR(m.container_id, "");
	CHECK_STR(m.pod_uid, "");
	CHECK(m.runtime == NULL);
	CHECK_STR(m.path, "/user.slice/user-0.slice/session-3.scope");
	/* near misses: short id, "pod" inside a word, uid with a bad char */
	cgroupctx_parse("/cri-containerd-0123.scope/ipod" UID_ "/kubepods-podZZ", &m);
	CHECK_STR(m.container_id, "");
	CHECK_STR(m.pod_uid, "");
	cgroupctx_parse(NULL, &m);
	CHECK_STR(m.path, "");
}

static void test_pod_names(void)
{
	char dir[] = "/tmp/pkgtrace-pods.XXXXXX", path[512], ns[64], name[64];

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/ci-runners_build-7f9c_" UID_, dir);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/other_pod_11111111-2222-3333-4444-555555555555", dir);
	CHECK_INT(mkdir(path, 0755), 0);
	CHECK_INT(cgroupctx_pod_names(dir, UID_, ns, sizeof(ns), name, sizeof(name)), 0);
	CHECK_STR(ns, "ci-runners");
	CHECK_STR(name, "build-7f9c");
	CHECK_INT(cgroupctx_pod_names(dir, "99999999-2222-3333-4444-555555555555", ns, sizeof(ns),
				      name, sizeof(name)), -ENOENT);
	CHECK_INT(cgroupctx_pod_names("/nonexistent-pods", UID_, ns, sizeof(ns), name, sizeof(name)),
		  -ENOENT);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/ci-runners_build-7f9c_" UID_, dir);
	rmdir(path);
	rmdir(dir);
}

/* A real cgroup: its directory's inode number is its id. */
static void test_path_by_id(void)
{
	char root[512], dir[600], out[1024];
	struct cgroupctx *c = NULL;
	struct stat st;
	int err;

	CHECK_INT(mountinfo_find_self("cgroup2", root, sizeof(root)), 0);
	snprintf(dir, sizeof(dir), "%s/pkgtrace-unit-%d", root, (int)getpid());
	CHECK_INT(mkdir(dir, 0755), 0);
	CHECK_INT(stat(dir, &st), 0);
	CHECK_INT(cgroupctx_new(NULL, "/nonexistent-pods", &c), 0);
	if (c) {
		CHECK_STR(cgroupctx_root(c), root);
		err = cgroupctx_path(c, st.st_ino, out, sizeof(out));
		CHECK_INT(err, 0);
		snprintf(dir, sizeof(dir), "/pkgtrace-unit-%d", (int)getpid());
		CHECK_STR(out, dir);
		/* cached: still answered after the cgroup is gone */
		snprintf(dir, sizeof(dir), "%s/pkgtrace-unit-%d", root, (int)getpid());
		rmdir(dir);
		CHECK_INT(cgroupctx_path(c, st.st_ino, out, sizeof(out)), 0);
		CHECK_INT(cgroupctx_path(c, 1ull << 62, out, sizeof(out)) < 0, 1);
		CHECK_INT(stat(root, &st), 0);
		CHECK_INT(cgroupctx_path(c, st.st_ino, out, sizeof(out)), 0);
		CHECK_STR(out, "/");
	} else {
		rmdir(dir);
	}
	cgroupctx_free(c);
}

int main(void)
{
	TEST(test_systemd_containerd);
	TEST(test_systemd_crio_guaranteed);
	TEST(test_cgroupfs_driver);
	TEST(test_not_a_container);
	TEST(test_pod_names);
	TEST(test_path_by_id);
	UNIT_EXIT();
}
