/*
 * rules.h - the hooks of each rule, one file per rule id of
 * schemas/report.schema.json; the table that names them is rules.c.
 * Every hook takes the analyzer and what it judges (analyzer.h).
 */
#ifndef PKGTRACE_ANALYZE_RULES_H
#define PKGTRACE_ANALYZE_RULES_H

#include "../analyzer.h"

/* Summaries and keys are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

void install_script_on_script(struct analyzer *an, const struct act *a);
void unexpected_exec_on_exec(struct analyzer *an, const struct act *a);
void network_egress_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void dns_query_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void credential_access_on_read(struct analyzer *an, const struct act *a);
void credential_access_on_write(struct analyzer *an, const struct act *a);
void credential_access_on_cred(struct analyzer *an, const struct act *a);
void write_outside_project_on_write(struct analyzer *an, const struct act *a);
void write_outside_project_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void persistence_on_write(struct analyzer *an, const struct act *a);
void persistence_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void command_shadowing_on_chmod(struct analyzer *an, const struct act *a);
void command_shadowing_on_write(struct analyzer *an, const struct act *a);
void command_shadowing_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void dropper_on_exec(struct analyzer *an, const struct act *a);
void dropper_on_read(struct analyzer *an, const struct act *a);
void dropper_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void fileless_exec_on_exec(struct analyzer *an, const struct act *a);
void lingering_process_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void tamper_on_write(struct analyzer *an, const struct act *a);
void tamper_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void listen_socket_on_net(struct analyzer *an, const struct act *a);
void privilege_change_on_chmod(struct analyzer *an, const struct act *a);
void privilege_change_on_cred(struct analyzer *an, const struct act *a);
void identity_mismatch_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void trace_incomplete_on_finish(struct analyzer *an, const struct finish_ctx *fc);
void ipc_outside_on_net(struct analyzer *an, const struct act *a);
void ipc_outside_on_write(struct analyzer *an, const struct act *a);
void ipc_outside_on_cred(struct analyzer *an, const struct act *a);
void network_egress_on_event(struct analyzer *an, const struct act *a);
void dns_query_on_event(struct analyzer *an, const struct act *a);
void ipc_outside_on_event(struct analyzer *an, const struct act *a);
void monitor_tamper_on_event(struct analyzer *an, const struct act *a);
void evasion_on_event(struct analyzer *an, const struct act *a);
void unexpected_exec_on_script(struct analyzer *an, const struct act *a);

#endif
