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
	local run="--events --report --sarif --markdown --record --format --fail-on --policy
		--no-policy --baseline --grace --linger-watch --keep-survivors -q --quiet --no-color"
	local replay="--events --report --sarif --markdown --format --fail-on --policy --no-policy
		--baseline -q --quiet --no-color -h --help"
	local daemon="--output --record-dir --baseline --policy --pods-dir --cgroup-root --grace
		--session-cmds --max-sessions --max-duration -h --help"
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
		doctor | replay | daemon | baseline | help | version) sub=${words[i]} ;;
		esac
	done

	case $prev in
	--format)
		_pkgtrace_reply -W "text json sarif markdown"
		return ;;
	--fail-on)
		_pkgtrace_reply -W "info low medium high critical never"
		return ;;
	--events | --report | --sarif | --markdown | --record | --policy | --baseline | --output)
		_pkgtrace_reply -f
		return ;;
	--record-dir | --pods-dir | --cgroup-root)
		_pkgtrace_reply -d
		return ;;
	--grace | --linger-watch | --max-sessions | --max-duration | --session-cmds)
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
	baseline)
		_pkgtrace_reply -W "--print" ;;
	doctor | help | version)
		_pkgtrace_reply -W "$global" ;;
	*)
		if [[ $cur == -* ]]; then
			_pkgtrace_reply -W "$global $run -- --help --version"
		else
			_pkgtrace_reply -W "doctor replay daemon baseline help version"
		fi ;;
	esac
}
complete -F _pkgtrace pkgtrace
