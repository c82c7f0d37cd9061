# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# bash completion for pkgtrace(8): subcommands, each one's options, their
# values (formats, severities, files, directories), and after `--` the
# traced command's own completion.
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
				COMPREPLY=($(compgen -c -- "$cur"))
			fi
			return
		fi
		case ${words[i]} in
		doctor | replay | daemon | baseline | help | version) sub=${words[i]} ;;
		esac
	done

	case $prev in
	--format)
		COMPREPLY=($(compgen -W "text json sarif markdown" -- "$cur"))
		return ;;
	--fail-on)
		COMPREPLY=($(compgen -W "info low medium high critical never" -- "$cur"))
		return ;;
	--events | --report | --sarif | --markdown | --record | --policy | --baseline | --output)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--record-dir | --pods-dir | --cgroup-root)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--grace | --linger-watch | --max-sessions | --max-duration | --session-cmds)
		return ;;
	esac

	case $sub in
	replay)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global $replay" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	daemon)
		COMPREPLY=($(compgen -W "$global $daemon" -- "$cur")) ;;
	baseline)
		COMPREPLY=($(compgen -W "--print" -- "$cur")) ;;
	doctor | help | version)
		COMPREPLY=($(compgen -W "$global" -- "$cur")) ;;
	*)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global $run -- --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "doctor replay daemon baseline help version" -- "$cur"))
		fi ;;
	esac
}
complete -F _pkgtrace pkgtrace
