# bash completion for husk, the OCI container runtime        -*- shell-script -*-
#
# Installed as $(PREFIX)/share/bash-completion/completions/husk, or source
# it by hand. Needs bash 4; works with or without the bash-completion
# package. Container ids come from `husk list -q`, run with the --root
# given earlier on the command line.
#
# To add a subcommand: add it to _husk_commands and give it a case in
# _husk_command_spec (its flags, and what its positional arguments are).

_husk_commands="create start run exec state list kill delete spec wait events checkpoint restore pause resume update ps features"

# Global flags that take a value, and those that don't.
_husk_global_value_flags="--root --log --log-format --criu --rootless"
_husk_global_flags="--debug --systemd-cgroup -v --version -h --help"

# The spec of subcommand $1, in the caller's variables:
#   value_flags  flags that take a value
#   flags        flags that don't
#   args         what each positional argument is, in order; the last one
#                repeats: new-id (a name of your choice), id (an existing
#                container), signal, command (the rest of the line is the
#                command to run: no more husk flags), none
_husk_command_spec()
{
	value_flags= flags= args=none
	case $1 in
	create)	value_flags="-b --bundle --pid-file --console-socket --preserve-fds"
		flags="--monitor --no-pivot --no-new-keyring"
		args="new-id none" ;;
	run)	value_flags="-b --bundle --pid-file --console-socket --preserve-fds"
		flags="-d --detach --keep --monitor --no-pivot --no-new-keyring"
		args="new-id none" ;;
	exec)	value_flags="--console-socket --pid-file --cwd -e --env -u --user
			--additional-gids -c --cap --apparmor --process-label
			-p --process --preserve-fds"
		flags="-d --detach -t --tty --no-new-privs --ignore-paused"
		args="id command" ;;
	start|state|wait|pause|resume)
		args="id none" ;;
	events)	value_flags="--interval"
		flags="--no-follow --stats"
		args="id none" ;;
	update)	value_flags="-r --resources --blkio-weight --cpu-period --cpu-quota --cpu-burst
			--cpu-share --cpu-shares --cpu-rt-period --cpu-rt-runtime --cpuset-cpus
			--cpuset-mems --cpu-idle --memory --memory-reservation --memory-swap
			--pids-limit --kernel-memory --kernel-memory-tcp --l3-cache-schema
			--mem-bw-schema"
		args="id none" ;;
	ps)	value_flags="-f --format"
		args="id none" ;;
	kill)	flags="-a --all"
		args="id signal none" ;;
	delete)	flags="-f --force"
		args="id none" ;;
	list)	value_flags="-f --format"
		flags="-q --quiet" ;;
	spec)	value_flags="-b --bundle"
		flags="--rootless" ;;
	checkpoint)
		value_flags="--image-path --work-path --parent-path --manage-cgroups-mode
			--empty-ns --page-server --status-fd"
		flags="--leave-running --tcp-established --ext-unix-sk --shell-job
			--file-locks --pre-dump --auto-dedup --lazy-pages"
		args="id none" ;;
	restore)
		value_flags="--image-path --work-path -b --bundle --pid-file --console-socket
			--manage-cgroups-mode --empty-ns --lsm-profile --lsm-mount-context"
		flags="-d --detach --no-pivot --no-subreaper --tcp-established --ext-unix-sk
			--shell-job --file-locks --auto-dedup --lazy-pages"
		args="new-id none" ;;
	features)
		;;
	*)	return 1 ;;
	esac
	flags="$flags -h --help"
}

_husk_caps="CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF
CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER
CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE
CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE
CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP CAP_SETGID CAP_SETPCAP
CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE
CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_RESOURCE
CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM"

_husk_signals="HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM
STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS"

# Ids of the containers under the --root of the command line.
_husk_ids()
{
	local bin=${COMP_WORDS[0]/#\~/$HOME}
	[[ $bin == */* && -x $bin ]] || bin=husk
	"$bin" ${_husk_root:+--root "$_husk_root"} list -q 2>/dev/null
}

# Complete the value of flag $1 (of subcommand $2, empty for a global flag)
# from $val into COMPREPLY.
_husk_value()
{
	local flag=$1 cmd=$2
	case $cmd:$flag in
	:--root|*:-b|*:--bundle)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$val")) ;;
	:--log|*:--pid-file|*:--console-socket|exec:-p|exec:--process)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$val")) ;;
	:--log-format)
		COMPREPLY=($(compgen -W "text json" -- "$val")) ;;
	:--rootless)
		COMPREPLY=($(compgen -W "true false auto" -- "$val")) ;;
	:--criu)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -c -- "$val")) ;;
	checkpoint:--image-path|checkpoint:--work-path|restore:--image-path|restore:--work-path)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$val")) ;;
	*:--manage-cgroups-mode)
		COMPREPLY=($(compgen -W "soft full strict ignore" -- "$val")) ;;
	*:--empty-ns)
		COMPREPLY=($(compgen -W "network" -- "$val")) ;;
	restore:--lsm-profile)
		COMPREPLY=($(compgen -W "apparmor: selinux:" -- "$val"))
		compopt -o nospace 2>/dev/null ;;
	list:-f|list:--format|ps:-f|ps:--format)
		COMPREPLY=($(compgen -W "table json" -- "$val")) ;;
	update:-r|update:--resources)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$val")) ;;
	update:--cpu-idle)
		COMPREPLY=($(compgen -W "0 1" -- "$val")) ;;
	exec:-c|exec:--cap)
		COMPREPLY=($(compgen -W "$_husk_caps" -- "$val")) ;;
	*)	COMPREPLY=() ;;	# a number, or nothing husk can guess
	esac
}

# Is $1 in the rest of the arguments?
_husk_in()
{
	local w=$1 x
	shift
	for x in $*; do
		[[ $x == "$w" ]] && return 0
	done
	return 1
}

# "-root" is "--root" to husk (as to runc); "-b" stays "-b".
_husk_flag_name()
{
	local name=${1%%=*}
	[[ $name == -[!-]?* ]] && name=-$name
	printf '%s' "$name"
}

_husk()
{
	local -a ws=() kinds
	local i w name value split=0 glue=0
	local cmd= want= npos=0 dashdash= _husk_root= cur val
	local value_flags=$_husk_global_value_flags flags=$_husk_global_flags args=

	COMPREPLY=()
	# With '=' in COMP_WORDBREAKS (the default), "--root=DIR" arrives as
	# "--root" "=" "DIR" (and "-e K=V" as "-e" "K" "=" "V"): glue such
	# words back together.
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((glue)); then
			ws[-1]+=$w glue=0
			((i == COMP_CWORD)) && split=1
		elif [[ $w == = && ${#ws[@]} -gt 1 ]]; then
			ws[-1]+== glue=1
			((i == COMP_CWORD)) && split=1
		else
			ws+=("$w")
		fi
	done
	local n=${#ws[@]}

	# Walk the words before the cursor: global flags, the subcommand, then
	# its flags and positional arguments.
	for ((i = 1; i < n - 1; i++)); do
		w=${ws[i]}
		if [[ -z $dashdash && $w == -?* ]]; then
			if [[ $w == -- ]]; then
				[[ -n $cmd ]] && dashdash=1
				continue
			fi
			name=$(_husk_flag_name "$w") value=
			if [[ $w == *=* ]]; then
				value=${w#*=}
			elif _husk_in "$name" $value_flags; then
				((i + 1 == n - 1)) && want=$name
				value=${ws[i+1]}
				((i++))
			fi
			[[ -z $cmd && $name == --root ]] && _husk_root=${value/#\~/$HOME}
		elif [[ -z $cmd ]]; then
			cmd=$w
			_husk_command_spec "$cmd" || return 0
		else
			((npos++))
			# exec: what follows the id is the container's command
			kinds=($args)
			[[ ${kinds[npos]:-${kinds[-1]}} == command ]] && dashdash=1
		fi
	done
	cur=${ws[n-1]}

	# The value of a flag: "--flag VALUE" or "--flag=VALUE".
	if [[ -n $want ]]; then
		val=$cur
		_husk_value "$want" "$cmd"
		return 0
	fi
	if [[ -z $dashdash && $cur == -?*=* ]]; then
		name=$(_husk_flag_name "$cur") val=${cur#*=}
		_husk_in "$name" $value_flags || return 0
		_husk_value "$name" "$cmd"
		# without the split, the word to replace includes "--flag="
		((split)) || COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		return 0
	fi

	if [[ -z $dashdash && $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$value_flags $flags" -- "$cur"))
		return 0
	fi
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$_husk_commands" -- "$cur"))
		return 0
	fi
	kinds=($args)
	case ${kinds[npos]:-${kinds[-1]}} in
	id)	COMPREPLY=($(compgen -W "$(_husk_ids)" -- "$cur")) ;;
	signal)
		if [[ $cur == [Ss][Ii][Gg]* ]]; then
			COMPREPLY=($(compgen -P SIG -W "$_husk_signals" -- "${cur:3}"))
		else
			COMPREPLY=($(compgen -W "$_husk_signals" -- "$cur"))
		fi ;;
	esac
	return 0
}

complete -F _husk husk
