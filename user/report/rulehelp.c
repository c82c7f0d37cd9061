// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * rulehelp.c - each rule's help for the reports that carry it (SARIF's
 * rule help): what it means, why it matters, how to allow a finding one
 * trusts.  README.md's "Rule reference" says the same at length, one
 * anchor per rule id (rule_help_uri).
 */
#include <stdio.h>
#include "report_int.h"

static const struct rule_help help[R_NRULES] = {
	[R_INSTALL_SCRIPT] = {
		"A dependency ran a lifecycle (preinstall/install/postinstall) or build script.",
		"Install scripts are where install-time malware runs; every other rule judges what they do.",
		"Informational. Approve the package in the package manager's own list (npm allowScripts, "
		"pnpm onlyBuiltDependencies, bun trustedDependencies) so the report labels it approved." },
	[R_UNEXPECTED_EXEC] = {
		"A script ran what a pure-library build does not: a downloader, a shell piping the network, "
		"an inline payload, a system tool, a reverse shell, an AI agent CLI, or injected code through the "
		"environment (LD_PRELOAD, NODE_OPTIONS --require, ...).",
		"Second stages are fetched and started this way; a build needs a compiler, not curl.",
		"A program a trusted build needs goes into a custom baseline's allowed programs (--baseline); "
		"one package's finding into a policy suppression (package, rule, evidence, reason)." },
	[R_NETWORK_EGRESS] = {
		"A connection to an address that is not a configured registry endpoint.",
		"Exfiltration and second-stage downloads need the network; the registry is the only host an "
		"install must reach.",
		"Configure a mirror as the package manager's registry (.npmrc registry=, pip index-url) or list "
		"the endpoint as allowed in the policy file." },
	[R_DNS_QUERY] = {
		"A script sent a DNS query, perhaps to a resolver of its own choosing.",
		"DNS is the classic covert channel: data leaves as labels of the queried name.",
		"Allow the name's endpoint in the policy file, or suppress it for the package with a reason." },
	[R_CREDENTIAL_ACCESS] = {
		"A script read credentials (cloud, SSH, npm/PyPI tokens, kube/docker config, wallets, browser "
		"profiles) or another process's environment or memory.",
		"Stolen tokens are the most common payload of malicious packages; a library needs none of them.",
		"Rarely legitimate: suppress for the package with a reason and an expiry in the policy file, or "
		"run the install with a HOME that holds no secrets." },
	[R_WRITE_OUTSIDE_PROJECT] = {
		"A write outside the project, the package's own folder, the package manager's cache and temp.",
		"Installs that plant files elsewhere prepare persistence or tamper with the machine.",
		"Declare a cache the package manager uses (npm_config_cache, PIP_CACHE_DIR, cache= in .npmrc), "
		"add the place to a custom baseline's write patterns, or suppress with a reason." },
	[R_PERSISTENCE] = {
		"The install planted something that runs later: shell rc files, cron, systemd units, autostart, "
		"authorized_keys, ld.so.preload, git hooks, .pth files with imports.",
		"Persistence survives the install and the CI job's cleanup of the project.",
		"Do not allow it silently: a tool that installs git hooks (husky) can be suppressed for that "
		"package and hook, with a reason." },
	[R_COMMAND_SHADOWING] = {
		"The install created an executable named like an existing command or a well-known CLI.",
		"A fake 'aws', 'kubectl' or 'ls' on PATH runs instead of the real one and sees its arguments "
		"and credentials.",
		"Suppress for the package and the command name with a reason when the package is the genuine "
		"provider of that command." },
	[R_DROPPER] = {
		"A file written during the install, not one the package shipped, was then executed or loaded.",
		"This is how payloads fetched or unpacked at install time start.",
		"Packages that build native code load what they built in their own folder; anything else: "
		"suppress for the package and the file with a reason." },
	[R_FILELESS_EXEC] = {
		"Exec of a memfd or a deleted file.",
		"Running code that never exists on disk is an evasion technique; no build does it.",
		"Do not allow it." },
	[R_LINGERING_PROCESS] = {
		"A process of the install outlived it and the grace period; it was traced longer, then killed.",
		"Backdoors and miners detach from the install to keep running.",
		"A daemon a build legitimately leaves (a compiler server) can be suppressed for that package with "
		"a reason; --grace gives slow builds longer to finish." },
	[R_TAMPER] = {
		"Writes to another package's files, the project's sources, package.json or the lockfile, "
		".github/workflows or other CI configuration.",
		"Tampering with CI or other packages spreads the compromise beyond the install.",
		"Suppress for the package and path with a reason (a code generator that writes into the project "
		"by design)." },
	[R_LISTEN_SOCKET] = {
		"A script opened a listening socket.",
		"A listener is a backdoor, or a local service a later stage talks to.",
		"Suppress for the package and endpoint with a reason (a test server a build starts)." },
	[R_PRIVILEGE_CHANGE] = {
		"Setuid/setgid bits, ptrace of another process, or a set*id call that gains privilege.",
		"Privilege gained at install time outlasts the install.",
		"Suppress for the package with a reason; dropping privileges as root is only informational." },
	[R_TRACE_INCOMPLETE] = {
		"The trace is incomplete: events were dropped, tracing started late or was interrupted.",
		"What was not seen was not judged; a flood of events can hide an attack.",
		"Do not suppress: rerun the install, on a less loaded machine if events were dropped." },
	[R_IPC_OUTSIDE] = {
		"A script handed work to a process outside the install: the container engine's socket, init, "
		"the D-Bus system bus, a FIFO another process reads, process_vm_writev.",
		"Work done by a process outside the traced tree escapes the trace.",
		"Suppress for the package and socket with a reason (a build that uses docker by design)." },
	[R_IDENTITY_MISMATCH] = {
		"An installed package's package.json claims another name than the one its package manager "
		"installed it under.",
		"A borrowed identity makes allow lists and the report blame the wrong package.",
		"Fix the lockfile or the alias; suppress with a reason only for a known alias." },
	[R_MONITOR_TAMPER] = {
		"An attack on the monitor: bpf() on pkgtrace's maps, detaching its programs, signals to the "
		"collector or to every process, ptrace or process_vm_* of the collector.",
		"An install that tries to blind the monitor is malicious.",
		"Do not allow it." },
	[R_EVASION] = {
		"A script took a way around a path- and syscall-based view: 32-bit syscalls, chroot, mount, "
		"namespaces, open_by_handle_at, io_uring, padded argv.",
		"These techniques exist to hide what a process does from monitors.",
		"Suppress for the package with a reason only after reading what it did (some sandboxes unshare)." },
	[R_POLICY_EXPIRED] = {
		"A suppression of the policy file has passed its expiry date: it no longer applies, and the "
		"findings it covered count again.",
		"An exception granted for a while must be looked at again, not kept by default.",
		"Review the finding again, then renew the suppression's expires date or remove it." },
};

/* A rule added without an entry above still gets help that is not empty:
 * its title (rule_help fills it in) and the README's reference. */
static const struct rule_help generic = {
	NULL, "See the rule reference (helpUri).",
	"Suppress the finding for the package in the policy file, with a reason." };

const struct rule_help *rule_help(int rule)
{
	static struct rule_help fallback;

	if (rule < 0 || rule >= R_NRULES)
		return NULL;
	if (help[rule].what)
		return &help[rule];
	fallback = generic;
	fallback.what = rule_info[rule].title;
	return &fallback;
}

void rule_help_uri(int rule, char *buf, size_t len)
{
	snprintf(buf, len, "%s#%s", PKGTRACE_HOME_URL, rule >= 0 && rule < R_NRULES ?
		 rule_info[rule].id : "rules");
}
