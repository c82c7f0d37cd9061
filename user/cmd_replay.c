// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_replay.c - pkgtrace replay [OPTIONS] TRACE
 *
 * Feeds a recorded trace through the same pipeline a live run uses, with
 * the facts the live run read answered from the trace: with the same
 * baseline the report is byte for byte the live one.  Needs no root and
 * no BPF.  A damaged trace is judged up to its last good block, and one
 * line on stderr says what is wrong and where; the exit status is then 65.
 * The report says the trace is damaged ("trace_file"), not that the run
 * was interrupted: only the trace's own end record can say that.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "analyze.h"
#include "behaviour.h"
#include "diff.h"
#include "clock.h"
#include "cmds.h"
#include "err.h"
#include "facts.h"
#include "pipeline.h"
#include "policy.h"
#include "replay.h"
#include "trace.h"

struct replay_opts {
	struct pipeline_opts po;
	const char *baseline_path;
	const char *trace_path;
	const char *policy_path;    /* --policy, or NULL: ./.pkgtrace.json if any */
	bool no_policy;
	int fail_on;
	bool no_color;
	bool help;
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: pkgtrace replay [--baseline F] [--report F] [--html F]\n"
		"                       [--format text|json|sarif|markdown]\n"
		"                       [--sarif F] [--markdown F] [--policy F | --no-policy]\n"
		"                       [--events F] [--fail-on SEV] [--compare OLD] [-q] [--no-color] TRACE\n");
}

#define REPLAY_SYNOPSIS "pkgtrace replay [OPTIONS] TRACE  (pkgtrace replay --help for more)"

/* parse_args: fills o.  Returns 0 (o->help set after --help), or
 * PT_EXIT_USAGE with the problem reported (p_usage). */
static int parse_args(int argc, char **argv, struct replay_opts *o)
{
	enum { O_EVENTS = 256, O_REPORT, O_HTML, O_FORMAT, O_FAIL_ON, O_BASELINE, O_COMPARE, O_SARIF,
	       O_MARKDOWN, O_POLICY, O_NO_POLICY, O_NO_COLOR, O_JSON_ERRORS };
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, O_EVENTS },
		{ "report", required_argument, NULL, O_REPORT },
		{ "html", required_argument, NULL, O_HTML },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "compare", required_argument, NULL, O_COMPARE },
		{ "sarif", required_argument, NULL, O_SARIF },
		{ "markdown", required_argument, NULL, O_MARKDOWN },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "no-policy", no_argument, NULL, O_NO_POLICY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-color", no_argument, NULL, O_NO_COLOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json-errors", no_argument, NULL, O_JSON_ERRORS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->fail_on = SEV_HIGH;
	o->po.format = FMT_TEXT;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			o->help = true;
			return 0;
		case O_EVENTS: o->po.events_path = optarg; break;
		case O_REPORT: o->po.report_path = optarg; break;
		case O_HTML: o->po.html_path = optarg; break;
		case O_BASELINE: o->baseline_path = optarg; break;
		case O_COMPARE: o->po.compare_label = optarg; break;
		case O_SARIF: o->po.sarif_path = optarg; break;
		case O_MARKDOWN: o->po.markdown_path = optarg; break;
		case O_POLICY: o->policy_path = optarg; break;
		case O_NO_POLICY: o->no_policy = true; break;
		case O_FORMAT: {
			int fmt = report_format_parse(optarg);

			if (fmt < 0)
				return p_usage(REPLAY_SYNOPSIS, "--format: '%s' is not text, json, sarif or markdown", optarg);
			o->po.format = (enum report_format)fmt;
			break;
		}
		case O_FAIL_ON:
			o->fail_on = severity_parse(optarg);
			if (o->fail_on < 0)
				return p_usage(REPLAY_SYNOPSIS, "--fail-on: '%s' is not info, low, medium, high, critical or never", optarg);
			break;
		case 'q': o->po.quiet = true; break;
		case O_NO_COLOR: o->no_color = true; break;
		case 'v': verbose++; break;
		case O_JSON_ERRORS: err_json = true; break;
		case ':':
			return p_usage(REPLAY_SYNOPSIS, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return p_usage(REPLAY_SYNOPSIS, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return p_usage(REPLAY_SYNOPSIS, "missing the trace file");
	if (optind + 1 < argc)
		return p_usage(REPLAY_SYNOPSIS, "one trace file only ('%s' is extra)", argv[optind + 1]);
	o->trace_path = argv[optind];
	return 0;
}

static double now_ms(void)
{
	return (double)clock_ns(CLOCK_MONOTONIC) / 1e6;
}

int replay_trace(const char *path, struct pipeline_opts *po, struct replay_result *res)
{
	struct trace_reader *tr = NULL;
	struct facts *facts = NULL;
	struct pipeline *pipe = NULL;
	struct session_info fin;
	struct trace_damage *damage = NULL;
	struct trace_item it;
	bool have_fin = false;
	uint64_t events = 0, first_ns = 0, last_ns = 0;
	uint32_t root_pid = 0;
	int ret = -ENOMEM, n, sev;
	char msg[512];
	double t0, t1, t2;

	memset(&fin, 0, sizeof(fin));
	memset(res, 0, sizeof(*res));
	res->max_sev = -1;
	if (trace_reader_open(path, &tr, msg, sizeof(msg))) {
		p_err("%s: %s", path, msg);
		return -EINVAL;
	}
	facts = facts_new(0);
	damage = calloc(1, sizeof(*damage));
	if (!facts || !damage) {
		p_err("out of memory");
		goto cleanup;
	}
	po->facts = facts;
	if (pipeline_new(po, trace_reader_session(tr), &pipe)) {
		ret = -EIO;
		goto cleanup;
	}
	t0 = now_ms();
	while ((n = trace_reader_next(tr, &it)) > 0) {
		if (it.kind == TRACE_ITEM_EVENT) {
			const struct pt_event *ev = it.raw;

			/* what cmd_run counts, for a trace without its end record */
			events++;
			if (it.size >= sizeof(*ev)) {
				if (ev->type == PT_EV_ROOT && !root_pid)
					root_pid = ev->pid;
				if (ev->time_ns && (!first_ns || ev->time_ns < first_ns))
					first_ns = ev->time_ns;
				if (ev->time_ns > last_ns)
					last_ns = ev->time_ns;
			}
			pipeline_feed(pipe, it.raw, it.size);
		} else if (it.kind == TRACE_ITEM_FACT) {
			if (facts_put(facts, it.path, it.err, it.data, it.len)) {
				p_err("out of memory");
				goto cleanup;
			}
		} else if (it.kind == TRACE_ITEM_END) {
			if (session_copy(&fin, it.si)) {
				p_err("out of memory");
				goto cleanup;
			}
			have_fin = true;
		}
	}
	if (n == -ENOMEM) {
		p_err("out of memory");
		goto cleanup;
	}
	if (n < 0) {
		/* judge what was read.  Without the end record, the session info
		 * is the header's plus what the events say; how the command ended
		 * is unknown, which is not the same as interrupted. */
		res->damaged = true;
		if (!have_fin) {
			if (session_copy(&fin, trace_reader_session(tr))) {
				p_err("out of memory");
				goto cleanup;
			}
			have_fin = true;
			fin.events = events;
			fin.root_pid = root_pid;
			/* a live run stamps its start after the header is written:
			 * the events read are the time span known */
			if (!fin.start_ns)
				fin.start_ns = first_ns;
			fin.end_ns = last_ns;
			fin.exit_status = -1;
		}
		if (!trace_reader_damage(tr, damage))
			pipeline_set_trace_damage(pipe, damage);
		p_err("%s: %s; the report covers the %llu event(s) before it", path,
		      trace_reader_problem(tr), (unsigned long long)events);
	}
	t1 = now_ms();
	sev = pipeline_finish_report(pipe, &fin, &res->report);
	pipe = NULL;
	t2 = now_ms();
	/* -v: the event loop's rate apart from the report's fixed cost */
	p_info("replay: %llu events in %.1f ms (%.2f M events/s), report in %.1f ms",
	       (unsigned long long)events, t1 - t0, t1 > t0 ? (double)events / (t1 - t0) / 1e3 : 0.0,
	       t2 - t1);
	if (sev < -1) {
		ret = sev;
		goto cleanup;
	}
	res->max_sev = sev;
	ret = 0;
cleanup:
	if (pipe) {
		struct session_info *si = have_fin ? &fin : NULL;
		struct session_info tmp;

		if (!si) {
			tmp = *trace_reader_session(tr);
			si = &tmp;
		}
		pipeline_finish(pipe, si);
	}
	if (ret) {
		report_free(res->report);
		res->report = NULL;
	}
	/* the report points at the damage: it lives as long as the report */
	if (res->report && res->damaged)
		res->damage = damage;
	else
		free(damage);
	if (have_fin)
		session_free(&fin);
	trace_reader_free(tr);
	facts_free(facts);
	po->facts = NULL;
	return ret;
}

void replay_result_free(struct replay_result *res)
{
	report_free(res->report);
	free(res->damage);
	memset(res, 0, sizeof(*res));
}

int cmd_replay(int argc, char **argv)
{
	struct replay_opts o = { 0 };
	struct replay_result res = { 0 };
	struct baseline *bl = NULL;
	struct bh_set *since = NULL;
	struct policy *policy = NULL;
	int ret = PT_EXIT_INTERNAL, n;
	char msg[512];
	bool is_trace;

	n = parse_args(argc, argv, &o);
	if (n)
		return n;
	if (o.help) {
		usage(stdout);
		return PT_EXIT_OK;
	}
	bl = baseline_load(o.baseline_path, msg, sizeof(msg));
	if (!bl) {
		p_err("%s", msg);
		return PT_EXIT_BAD_INPUT;
	}
	ret = pipeline_load_policy(o.policy_path, o.no_policy, &policy);
	if (ret)
		goto cleanup;
	ret = PT_EXIT_INTERNAL;
	o.po.baseline = bl;
	o.po.policy = policy;
	o.po.fail_on = o.fail_on;
	o.po.color = !o.no_color && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (o.po.compare_label) {
		ret = diff_load(o.po.compare_label, bl, &since, &is_trace);
		if (ret)
			goto cleanup;
		o.po.compare = since;
	}
	n = replay_trace(o.trace_path, &o.po, &res);
	if (n == -EINVAL || (!n && res.damaged))
		ret = PT_EXIT_BAD_INPUT;
	else if (n)
		ret = PT_EXIT_INTERNAL;
	else if (o.fail_on != SEV_NEVER && res.max_sev >= o.fail_on) {
		ret = PT_EXIT_FINDINGS;
		pipeline_explain_fail(res.report, o.fail_on);
	} else
		ret = PT_EXIT_OK;
cleanup:
	replay_result_free(&res);
	behaviour_free(since);
	policy_free(policy);
	baseline_free(bl);
	return ret;
}
