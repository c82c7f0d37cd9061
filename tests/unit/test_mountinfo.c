// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* test_mountinfo.c - finding mounts by type in mountinfo text. */
#include <errno.h>
#include <stdio.h>
#include "mountinfo.h"
#include "unit.h"

static const char sample[] =
	"22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
	"25 24 0:23 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
	"26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid shared:10 master:3 - cgroup2 cgroup2 rw\n"
	"27 25 0:25 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,name=systemd\n"
	"40 22 0:12 / /sys/kernel/debug rw - debugfs debugfs rw\n"
	"41 22 0:13 / /mnt/with\\040space\\134x rw - tracefs tracefs rw\n";

static int find(const char *text, const char *type, char *out, size_t outlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err = mountinfo_find(f, type, out, outlen);

	fclose(f);
	return err;
}

static void test_cgroup2_hybrid_layout(void)
{
	char out[256];

	/* optional fields vary in number: fstype is after the "-" */
	CHECK_INT(find(sample, "cgroup2", out, sizeof(out)), 0);
	CHECK_STR(out, "/sys/fs/cgroup/unified");
	CHECK_INT(find(sample, "cgroup", out, sizeof(out)), 0);
	CHECK_STR(out, "/sys/fs/cgroup/systemd");
}

static void test_octal_escapes(void)
{
	char out[256];

	CHECK_INT(find(sample, "tracefs", out, sizeof(out)), 0);
	CHECK_STR(out, "/mnt/with space\\x");
}

static void test_missing_and_small_buffer(void)
{
	char out[8];

	CHECK_INT(find(sample, "bpf", out, sizeof(out)), -ENOENT);
	CHECK_INT(find(sample, "cgroup2", out, sizeof(out)), -ENOSPC);
	CHECK_INT(find("", "cgroup2", out, sizeof(out)), -ENOENT);
}

static void test_garbage_lines(void)
{
	char out[64];
	const char *junk = "x\n1 2 3\n- - - - - - - -\n\n"
		"30 1 0:1 / /ok rw - cgroup2 c rw\n";

	CHECK_INT(find(junk, "cgroup2", out, sizeof(out)), 0);
	CHECK_STR(out, "/ok");
}

static void test_self(void)
{
	char out[4096];

	/* this machine has cgroup v2 somewhere (not necessarily /sys/fs/cgroup) */
	CHECK_INT(mountinfo_find_self("cgroup2", out, sizeof(out)), 0);
	CHECK(out[0] == '/');
	CHECK_INT(mountinfo_find_self("no-such-fs", out, sizeof(out)), -ENOENT);
}

int main(void)
{
	TEST(test_cgroup2_hybrid_layout);
	TEST(test_octal_escapes);
	TEST(test_missing_and_small_buffer);
	TEST(test_garbage_lines);
	TEST(test_self);
	UNIT_EXIT();
}
