/* cmds.h - the subcommands; main.c holds the {name, fn} table. */
#ifndef PKGTRACE_CMDS_H
#define PKGTRACE_CMDS_H

int cmd_run(int argc, char **argv);     /* cmd_run.c: pkgtrace [OPTIONS] -- CMD */
int cmd_doctor(int argc, char **argv);  /* cmd_doctor.c */
int cmd_replay(int argc, char **argv);  /* cmd_replay.c (issue 4) */
int cmd_daemon(int argc, char **argv);  /* daemon/daemon.c (issue 5) */
int cmd_diff(int argc, char **argv);    /* cmd_diff.c (issue 17) */
int cmd_approve(int argc, char **argv); /* cmd_approve.c (issue 17) */
int cmd_baseline(int argc, char **argv); /* cmd_baseline.c: baseline --print */

#endif
