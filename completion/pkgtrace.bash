# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# bash completion for pkgtrace(8): subcommands, each one's options, their
# values (formats, severities, files, directories), and after `--` the
# traced command's own completion.
# _pkgtrace_reply COMPGEN-ARGS: COMPREPLY from compgen on $cur, one word a
# line (file names with blanks stay whole)
_pkgtrace_reply()
{
	mapfile -t COMPREPLY < <(compgen "$@" -- "$cur")
}

_pkgtrace()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}

	local global="-v --verbose --json-errors"
	local run="--events --report --sarif --markdown --html --record --format --fail-on --policy
		--no-policy --baseline --compare --grace --linger-watch --keep-survivors --enforce --allow
		--user --shield -q --quiet --no-color"
	local replay="--events --report --sarif --markdown --html --format --fail-on --policy
		--no-policy --baseline --compare -q --quiet --no-color -h --help"
	local daemon="--output --record-dir --baseline --policy --pods-dir --cgroup-root --grace
		--session-cmds --max-sessions --max-duration --status-file --health --health-max-age
		--traces-max-bytes --traces-max-age --webhook --webhook-header --webhook-ca
		--webhook-retries --webhook-timeout --webhook-queue -h --help"
	local diff="--format --fail-on --baseline --no-color -h --help"
	local approve="--write --pm --format --report --keep --user --allow --no-color"
	local sub="" i

	# after `--`: the traced command and its own completion
	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} == -- ]]; then
			if declare -F _command_offset >/dev/null; then
				_command_offset $((i + 1))
			else
				_pkgtrace_reply -c
			fi
			return
		fi
		case ${words[i]} in
		doctor | replay | daemon | diff | approve | baseline | help | version) sub=${words[i]} ;;
		esac
	done

	case $prev in
	--format)
		case $sub in
		diff) _pkgtrace_reply -W "text json markdown" ;;
		approve) _pkgtrace_reply -W "text json" ;;
		*) _pkgtrace_reply -W "text json sarif markdown" ;;
		esac
		return ;;
	--pm)
		_pkgtrace_reply -W "npm pnpm bun yarn"
		return ;;
	--user)
		_pkgtrace_reply -u
		return ;;
	--fail-on)
		_pkgtrace_reply -W "info low medium high critical never"
		return ;;
	--events | --report | --sarif | --markdown | --html | --record | --policy | --baseline | --output | \
	--compare | --status-file | --webhook-ca)
		_pkgtrace_reply -f
		return ;;
	--record-dir | --pods-dir | --cgroup-root)
		_pkgtrace_reply -d
		return ;;
	--grace | --linger-watch | --max-sessions | --max-duration | --session-cmds | --allow | \
	--health-max-age | --traces-max-bytes | --traces-max-age | --webhook | --webhook-header | \
	--webhook-retries | --webhook-timeout | --webhook-queue)
		return ;;
	esac

	case $sub in
	replay)
		if [[ $cur == -* ]]; then
			_pkgtrace_reply -W "$global $replay"
		else
			_pkgtrace_reply -f
		fi ;;
	daemon)
		_pkgtrace_reply -W "$global $daemon" ;;
	diff)
		if [[ $cur == -* ]]; then
			_pkgtrace_reply -W "$global $diff"
		else
			_pkgtrace_reply -f
		fi ;;
	approve)
		_pkgtrace_reply -W "$global $approve --" ;;
	baseline)
		_pkgtrace_reply -W "--print" ;;
	doctor | help | version)
		_pkgtrace_reply -W "$global" ;;
	*)
		if [[ $cur == -* ]]; then
			_pkgtrace_reply -W "$global $run -- --help --version"
		else
			_pkgtrace_reply -W "doctor replay daemon diff approve baseline help version"
		fi ;;
	esac
}
complete -F _pkgtrace pkgtrace
