/*
 * cgroupctx.h - who a process belongs to on a container node, from its
 * cgroup v2 id alone: the cgroup path (resolved on the cgroup2 mount found
 * in /proc/self/mountinfo), the container id and runtime in it (containerd,
 * cri-o, docker, podman naming, systemd or cgroupfs driver), the pod uid,
 * and the pod's name and namespace from the kubelet's log folders
 * (/var/log/pods/<namespace>_<name>_<uid>), so no API server is needed.
 */
#ifndef PKGTRACE_CGROUPCTX_H
#define PKGTRACE_CGROUPCTX_H

#include <stddef.h>
#include <stdint.h>

#define CGCTX_PODS_DIR "/var/log/pods"

struct cgroup_meta {
	char path[1024];          /* relative to the cgroup2 root, "/..."; "" unknown */
	char container_id[72];    /* "" when not in a container */
	const char *runtime;      /* "containerd", "cri-o", "docker", "podman"; NULL unknown */
	char pod_uid[72];         /* "" when not in a pod */
	char pod_name[256];       /* "" when no pods-dir folder names it */
	char pod_namespace[256];
};

struct cgroupctx;

/* cgroupctx_new: cgroup_root NULL finds the cgroup2 mount in
 * /proc/self/mountinfo; pods_dir NULL is CGCTX_PODS_DIR.  Returns 0 and
 * *out, or -errno (-ENOENT: no cgroup2 mount). */
int cgroupctx_new(const char *cgroup_root, const char *pods_dir, struct cgroupctx **out);
void cgroupctx_free(struct cgroupctx *c);

/* cgroupctx_root: the cgroup2 directory in use. */
const char *cgroupctx_root(const struct cgroupctx *c);

/* cgroupctx_path: the path of cgroup id relative to the root ("/" for the
 * root itself), by file handle (open_by_handle_at) or, without
 * CAP_DAC_READ_SEARCH, by walking the tree for the directory whose inode
 * number is id.  Answers are cached (ids are never reused).  0 or -errno
 * (-ENOENT: no such cgroup any more). */
int cgroupctx_path(struct cgroupctx *c, uint64_t id, char *out, size_t len);

/* cgroupctx_parse: container and pod uid from a cgroup path (pure; the
 * pod name and namespace are left empty).  Always fills *m; returns 0. */
int cgroupctx_parse(const char *path, struct cgroup_meta *m);

/* cgroupctx_pod_names: namespace and name of the pod uid from the
 * "<namespace>_<name>_<uid>" folder in pods_dir.  0, -ENOENT, -errno. */
int cgroupctx_pod_names(const char *pods_dir, const char *uid, char *ns, size_t nslen,
			char *name, size_t namelen);

/* cgroupctx_lookup: everything above for cgroup id; fields that cannot be
 * known stay empty.  0, or -errno when the path is unknown (m still filled
 * with empty values). */
int cgroupctx_lookup(struct cgroupctx *c, uint64_t id, struct cgroup_meta *m);

#endif
