// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * rules.c - the rule table: for each rule id of schemas/report.schema.json
 * its title, the highest severity it gives, and the hooks it judges with
 * (rules/<id>.c).  A new rule is a file of its own and a row here.
 */
#include "rules.h"

const struct rule_info rule_info[R_NRULES] = {
	[R_INSTALL_SCRIPT] = { "install-script", "A dependency ran a lifecycle or build script", SEV_INFO,
			       .on_script = install_script_on_script },
	[R_UNEXPECTED_EXEC] = { "unexpected-exec", "A script ran something a pure-library build would not", SEV_CRITICAL,
				.on_script = unexpected_exec_on_script, /* keeps the environment the PM gave */
				.on_exec = unexpected_exec_on_exec },
	[R_NETWORK_EGRESS] = { "network-egress", "A connection to something that is not a configured registry", SEV_HIGH,
			       .on_event = network_egress_on_event, .on_finish = network_egress_on_finish,
			       .finish_late = true /* its severity reads dropper's verdicts */ },
	[R_DNS_QUERY] = { "dns-query", "A script sent a DNS query", SEV_HIGH,
			  .on_event = dns_query_on_event, .on_finish = dns_query_on_finish },
	[R_CREDENTIAL_ACCESS] = { "credential-access", "A script read credentials or another process's secrets", SEV_HIGH,
				  .on_read = credential_access_on_read, .on_write = credential_access_on_write,
				  .on_cred = credential_access_on_cred },
	[R_WRITE_OUTSIDE_PROJECT] = { "write-outside-project", "A write outside the project, the package's folder, caches and temp", SEV_MEDIUM,
				      .on_write = write_outside_project_on_write,
				      .on_finish = write_outside_project_on_finish },
	[R_PERSISTENCE] = { "persistence", "The install planted something that runs later", SEV_HIGH,
			    .on_write = persistence_on_write, .on_finish = persistence_on_finish },
	[R_COMMAND_SHADOWING] = { "command-shadowing", "The install created an executable named like an existing command", SEV_HIGH,
				  .on_chmod = command_shadowing_on_chmod, .on_write = command_shadowing_on_write,
				  .on_finish = command_shadowing_on_finish },
	[R_DROPPER] = { "dropper", "A file written during the install was then executed or loaded", SEV_HIGH,
			.on_exec = dropper_on_exec, .on_read = dropper_on_read, .on_finish = dropper_on_finish },
	[R_FILELESS_EXEC] = { "fileless-exec", "Exec of a memfd or a deleted file", SEV_CRITICAL,
			      .on_exec = fileless_exec_on_exec },
	[R_LINGERING_PROCESS] = { "lingering-process", "A process of the install outlived it", SEV_HIGH,
				  .on_finish = lingering_process_on_finish },
	[R_TAMPER] = { "tamper", "Writes to another package, the project's sources or CI configuration", SEV_HIGH,
		       .on_write = tamper_on_write, .on_finish = tamper_on_finish },
	[R_LISTEN_SOCKET] = { "listen-socket", "A script opened a listening socket", SEV_MEDIUM,
			      .on_net = listen_socket_on_net },
	[R_PRIVILEGE_CHANGE] = { "privilege-change", "setuid/setgid bits, ptrace or a credential change", SEV_HIGH,
				 .on_chmod = privilege_change_on_chmod, .on_cred = privilege_change_on_cred },
	[R_TRACE_INCOMPLETE] = { "trace-incomplete", "Events were lost; the report may miss something", SEV_HIGH,
				 .on_finish = trace_incomplete_on_finish },
	[R_IPC_OUTSIDE] = { "ipc-outside", "A script handed work to a process outside the install (unix socket, FIFO, memory)", SEV_HIGH,
			    .on_net = ipc_outside_on_net, .on_write = ipc_outside_on_write,
			    .on_cred = ipc_outside_on_cred, .on_event = ipc_outside_on_event },
	[R_IDENTITY_MISMATCH] = { "identity-mismatch", "A package's package.json claims another name than the one it was installed under", SEV_HIGH,
				  .on_finish = identity_mismatch_on_finish },
	[R_MONITOR_TAMPER] = { "monitor-tamper", "Something in the install attacked the monitor", SEV_CRITICAL,
			       .on_event = monitor_tamper_on_event },
	[R_EVASION] = { "evasion", "A script used a way around a syscall monitor's view", SEV_HIGH,
			.on_event = evasion_on_event },
	/* no hooks: the policy (user/policy.c) adds it, after the analysis */
	[R_POLICY_EXPIRED] = { "policy-expired", "A suppression in the policy file has expired and no longer applies", SEV_LOW,
			       .on_finish = NULL },
};
