// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * test_facts.c - live facts read regular files only: a FIFO or a device
 * an install left where a package.json, a lockfile or a file it wrote is
 * looked up must not hang the analysis at the end of the run (an open of a
 * FIFO without a writer blocks), nor feed it a device's endless bytes.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "facts.h"
#include "unit.h"

static void test_regular_files_only(void)
{
	char dir[] = "/tmp/pkgtrace-facts.XXXXXX", fifo[64], file[64];
	struct facts *f = facts_new(1);
	const char *data;
	size_t len;
	FILE *fp;

	CHECK(f && mkdtemp(dir));
	if (!f)
		return;
	snprintf(fifo, sizeof(fifo), "%s/package.json", dir);
	snprintf(file, sizeof(file), "%s/package-lock.json", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	fp = fopen(file, "w");
	if (fp) {
		fputs("{\"lockfileVersion\": 3}\n", fp);
		fclose(fp);
	}
	alarm(10); /* a hang fails the binary instead of the suite's patience */
	CHECK(facts_read_file(f, fifo, 65536, &data, &len) == -EINVAL);
	CHECK(facts_read_file(f, "/dev/zero", 65536, &data, &len) == -EINVAL);
	CHECK(facts_read_file(f, file, 65536, &data, &len) == 0 && len == 23);
	CHECK(facts_read_file(f, dir, 65536, &data, &len) < 0);
	alarm(0);
	unlink(fifo);
	unlink(file);
	rmdir(dir);
	facts_free(f);
}

int main(void)
{
	TEST(test_regular_files_only);
	UNIT_EXIT();
}
