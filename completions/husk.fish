# fish completion for husk, the OCI container runtime.
#
# Installed as $(PREFIX)/share/fish/vendor_completions.d/husk.fish.
# Container ids come from `husk list -q`, run with the --root given earlier
# on the command line.
#
# To add a subcommand: add it to __husk_commands and give it its flags and
# arguments below, in a block of its own.

set -l __husk_commands create start run exec state list kill delete spec wait events checkpoint restore pause resume update ps features

# Global flags that take a value (their value is not the subcommand).
function __husk_global_takes_value
    string match -qr -- '^--?(root|log|log-format|criu|rootless)$' $argv[1]
end

# The subcommand on the command line, if there is one yet (and 1 if not).
function __husk_command
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
        else if test "$w" = --
            continue
        else if string match -q -- '-*' $w
            if not string match -q -- '*=*' $w; and __husk_global_takes_value $w
                set skip 1
            end
        else
            echo $w
            return 0
        end
    end
    return 1
end

function __husk_needs_command
    not __husk_command >/dev/null
end

function __husk_using_command
    set -l cmd (__husk_command); or return 1
    contains -- $cmd $argv
end

# Flags of subcommand $argv[1] that take a value.
function __husk_command_takes_value
    switch $argv[1]
        case create run
            string match -qr -- '^(-b|--?bundle|--?pid-file|--?console-socket|--?preserve-fds)$' $argv[2]
        case exec
            string match -qr -- '^(-[eucp]|--?(console-socket|pid-file|cwd|env|user|additional-gids|cap|apparmor|process-label|process|preserve-fds))$' $argv[2]
        case list
            string match -qr -- '^(-f|--?format)$' $argv[2]
        case spec
            string match -qr -- '^(-b|--?bundle)$' $argv[2]
        case checkpoint
            string match -qr -- '^--?(image-path|work-path|parent-path|manage-cgroups-mode|empty-ns|page-server|status-fd)$' $argv[2]
        case restore
            string match -qr -- '^(-b|--?(bundle|image-path|work-path|pid-file|console-socket|manage-cgroups-mode|empty-ns|lsm-profile|lsm-mount-context))$' $argv[2]
        case events
            string match -qr -- '^--?interval$' $argv[2]
        case update
            string match -qr -- '^(-r|--?(resources|blkio-weight|cpu-period|cpu-quota|cpu-burst|cpu-shares?|cpu-rt-period|cpu-rt-runtime|cpuset-cpus|cpuset-mems|cpu-idle|memory|memory-reservation|memory-swap|pids-limit|kernel-memory|kernel-memory-tcp|l3-cache-schema|mem-bw-schema))$' $argv[2]
        case ps
            string match -qr -- '^(-f|--?format)$' $argv[2]
        case '*'
            return 1
    end
end

# How many positional arguments follow the subcommand so far (flags and
# their values not counted).
function __husk_npos
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmd ''
    set -l skip 0
    set -l n 0
    set -l dashdash 0
    for w in $words
        if test $skip = 1
            set skip 0
        else if test -z "$cmd"
            if string match -q -- '-*' $w
                if not string match -q -- '*=*' $w; and __husk_global_takes_value $w
                    set skip 1
                end
            else
                set cmd $w
            end
        else if test $dashdash = 0; and test "$w" = --
            set dashdash 1
        else if test $dashdash = 0; and test $cmd = exec; and test $n -ge 1
            # exec: what follows the id is the container's command
            set n (math $n + 1)
        else if test $dashdash = 0; and string match -q -- '-*' $w
            if not string match -q -- '*=*' $w; and __husk_command_takes_value $cmd $w
                set skip 1
            end
        else
            set n (math $n + 1)
        end
    end
    echo $n
end

function __husk_arg_is
    test (__husk_npos) -eq $argv[1]
end

# The --root given before the subcommand, if any.
function __husk_root
    set -l words (commandline -opc)
    set -e words[1]
    set -l next 0
    for w in $words
        if test $next = 1
            echo $w
            return 0
        end
        switch $w
            case --root -root
                set next 1
            case '--root=*' '-root=*'
                string replace -r -- '^--?root=' '' $w
                return 0
            case '-*'
                continue
            case '*'
                return 1
        end
    end
    return 1
end

function __husk_ids
    set -l bin (commandline -opc)[1]
    set bin (string replace -r -- '^~' $HOME $bin)
    if not string match -q -- '*/*' $bin; or not test -x $bin
        set bin husk
    end
    set -l root (__husk_root | string replace -r -- '^~' $HOME)
    if test -n "$root"
        $bin --root $root list -q 2>/dev/null
    else
        $bin list -q 2>/dev/null
    end
end

set -l __husk_signals HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM \
    STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS
set -l __husk_sig_signals SIG$__husk_signals
set -l __husk_caps CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF \
    CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID \
    CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN \
    CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW \
    CAP_PERFMON CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN \
    CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE \
    CAP_SYS_RAWIO CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM

complete -c husk -f

# Global flags
complete -c husk -n __husk_needs_command -l root -r -x -a '(__fish_complete_directories)' -d 'Directory of the container states'
complete -c husk -n __husk_needs_command -l log -r -F -d 'Also write messages to a file'
complete -c husk -n __husk_needs_command -l log-format -x -a 'text json' -d 'Format of the --log file'
complete -c husk -n __husk_needs_command -l debug -d 'Log debug messages'
complete -c husk -n __husk_needs_command -l systemd-cgroup -d 'Accepted for runc compatibility'
complete -c husk -n __husk_needs_command -l rootless -x -a 'true false auto' -d 'Accepted for runc compatibility'
complete -c husk -n __husk_needs_command -l criu -x -a '(__fish_complete_command)' -d 'criu binary'
complete -c husk -n __husk_needs_command -s v -l version -d 'Print the version'
complete -c husk -n __husk_needs_command -s h -l help -d 'Print the help'

# Subcommands
complete -c husk -n __husk_needs_command -a create -d 'Create a container from a bundle, ready to start'
complete -c husk -n __husk_needs_command -a start -d 'Run the user process of a created container'
complete -c husk -n __husk_needs_command -a run -d 'Create and start a container'
complete -c husk -n __husk_needs_command -a exec -d 'Run a process in a running container'
complete -c husk -n __husk_needs_command -a state -d 'Print the state of a container as JSON'
complete -c husk -n __husk_needs_command -a list -d 'List containers'
complete -c husk -n __husk_needs_command -a kill -d "Send a signal to a container's init"
complete -c husk -n __husk_needs_command -a delete -d 'Delete a container and everything it holds'
complete -c husk -n __husk_needs_command -a spec -d 'Write a default config.json'
complete -c husk -n __husk_needs_command -a wait -d 'Wait for a container to stop and exit with its code'
complete -c husk -n __husk_needs_command -a events -d "Stream a container's lifecycle events"
complete -c husk -n __husk_needs_command -a checkpoint -d 'Checkpoint a running container with criu'
complete -c husk -n __husk_needs_command -a restore -d 'Restore a container from a checkpoint'
complete -c husk -n __husk_needs_command -a pause -d 'Freeze every process of a container'
complete -c husk -n __husk_needs_command -a resume -d 'Thaw a paused container'
complete -c husk -n __husk_needs_command -a update -d 'Change the resource limits of a container'
complete -c husk -n __husk_needs_command -a ps -d 'List the processes of a container'
complete -c husk -n __husk_needs_command -a features -d 'Print the runtime-spec features this husk implements'

# Every subcommand
complete -c husk -n "__husk_using_command $__husk_commands; and not __husk_using_command exec" -s h -l help -d 'Print the help of the command'

# create and run
complete -c husk -n '__husk_using_command create run' -s b -l bundle -x -a '(__fish_complete_directories)' -d 'Bundle directory (default: current directory)'
complete -c husk -n '__husk_using_command create run' -l pid-file -r -F -d "Write the init's pid to a file"
complete -c husk -n '__husk_using_command create run' -l console-socket -r -F -d 'Unix socket that receives the pty master'
complete -c husk -n '__husk_using_command create run' -l monitor -d 'Keep a monitor process that records the exit'
complete -c husk -n '__husk_using_command create run' -l no-pivot -d 'Use MS_MOVE and chroot instead of pivot_root'
complete -c husk -n '__husk_using_command create run' -l no-new-keyring -d "Keep the caller's session keyring"
complete -c husk -n '__husk_using_command create run' -l preserve-fds -x -d 'Pass N extra fds (from 3) to the container'
complete -c husk -n '__husk_using_command run' -s d -l detach -d 'Start the container and return at once'
complete -c husk -n '__husk_using_command run' -l keep -d 'Keep the stopped container (do not delete it)'

# exec: flags only before the id; after it comes the container's command
function __husk_exec_flags
    __husk_using_command exec; and __husk_arg_is 0
end
complete -c husk -n '__husk_exec_flags' -a '(__husk_ids)' -d Container
complete -c husk -n '__husk_exec_flags' -s h -l help -d 'Print the help of the command'
complete -c husk -n '__husk_exec_flags' -s d -l detach -d 'Start the process and return at once'
complete -c husk -n '__husk_exec_flags' -s t -l tty -d 'Give the process a pty'
complete -c husk -n '__husk_exec_flags' -l console-socket -r -F -d 'Unix socket that receives the pty master'
complete -c husk -n '__husk_exec_flags' -l pid-file -r -F -d "Write the process's pid to a file"
complete -c husk -n '__husk_exec_flags' -l cwd -x -d 'Working directory in the container'
complete -c husk -n '__husk_exec_flags' -s e -l env -x -d 'Set an environment variable (KEY=VALUE)'
complete -c husk -n '__husk_exec_flags' -s u -l user -x -d 'User to run as (UID[:GID])'
complete -c husk -n '__husk_exec_flags' -l additional-gids -x -d 'Add a supplementary group'
complete -c husk -n '__husk_exec_flags' -s c -l cap -x -a "$__husk_caps" -d 'Add a capability'
complete -c husk -n '__husk_exec_flags' -l no-new-privs -d 'Set no_new_privs'
complete -c husk -n '__husk_exec_flags' -l apparmor -x -d 'AppArmor profile'
complete -c husk -n '__husk_exec_flags' -l process-label -x -d 'SELinux label'
complete -c husk -n '__husk_exec_flags' -s p -l process -r -F -d 'A runtime-spec process object (JSON)'
complete -c husk -n '__husk_exec_flags' -l preserve-fds -x -d 'Pass N extra fds (from 3) to the process'
complete -c husk -n '__husk_exec_flags' -l ignore-paused -d 'Exec even if the container is paused'

# start, state, delete, wait, events, pause, resume, update, ps: one existing container
complete -c husk -n '__husk_using_command start state delete wait events pause resume update ps; and __husk_arg_is 0' -a '(__husk_ids)' -d Container

# events
complete -c husk -n '__husk_using_command events' -l no-follow -d 'Print the events so far and return'
complete -c husk -n '__husk_using_command events' -l stats -d "Print the container's resource statistics once"
complete -c husk -n '__husk_using_command events' -l interval -x -d 'Print statistics every DURATION (5s, 500ms), and OOM events'

# update
complete -c husk -n '__husk_using_command update' -s r -l resources -r -F -d 'linux.resources JSON to apply (- for stdin)'
complete -c husk -n '__husk_using_command update' -l blkio-weight -x -d 'Block I/O weight, 10-1000'
complete -c husk -n '__husk_using_command update' -l cpu-period -x -d 'CFS period in microseconds'
complete -c husk -n '__husk_using_command update' -l cpu-quota -x -d 'CFS quota in microseconds per period (-1: none)'
complete -c husk -n '__husk_using_command update' -l cpu-burst -x -d 'CFS burst in microseconds'
complete -c husk -n '__husk_using_command update' -l cpu-share -x -d 'CPU shares (relative weight)'
complete -c husk -n '__husk_using_command update' -l cpu-shares -x -d 'The same as --cpu-share'
complete -c husk -n '__husk_using_command update' -l cpu-rt-period -x -d 'Realtime period in microseconds'
complete -c husk -n '__husk_using_command update' -l cpu-rt-runtime -x -d 'Realtime runtime in microseconds'
complete -c husk -n '__husk_using_command update' -l cpuset-cpus -x -d 'CPUs to run on'
complete -c husk -n '__husk_using_command update' -l cpuset-mems -x -d 'Memory nodes to allocate on'
complete -c husk -n '__husk_using_command update' -l cpu-idle -x -a '0 1' -d 'SCHED_IDLE for the cgroup'
complete -c husk -n '__husk_using_command update' -l memory -x -d 'Memory limit (-1: none)'
complete -c husk -n '__husk_using_command update' -l memory-reservation -x -d 'Memory soft limit'
complete -c husk -n '__husk_using_command update' -l memory-swap -x -d 'Memory plus swap limit (-1: none)'
complete -c husk -n '__husk_using_command update' -l pids-limit -x -d 'Maximum number of processes (-1: none)'
complete -c husk -n '__husk_using_command update' -l kernel-memory -x -d 'Ignored (obsolete)'
complete -c husk -n '__husk_using_command update' -l kernel-memory-tcp -x -d 'Ignored (obsolete)'
complete -c husk -n '__husk_using_command update' -l l3-cache-schema -x -d 'Intel RDT (not supported)'
complete -c husk -n '__husk_using_command update' -l mem-bw-schema -x -d 'Intel RDT (not supported)'

# ps
complete -c husk -n '__husk_using_command ps' -s f -l format -x -a 'table json' -d 'Output format'

# kill
complete -c husk -n '__husk_using_command kill' -s a -l all -d 'Signal every process of the container'
complete -c husk -n '__husk_using_command kill; and __husk_arg_is 0' -a '(__husk_ids)' -d Container
complete -c husk -n '__husk_using_command kill; and __husk_arg_is 1' -a "$__husk_signals" -d Signal
complete -c husk -n '__husk_using_command kill; and __husk_arg_is 1; and string match -qi -- "sig*" (commandline -ct)' -a "$__husk_sig_signals" -d Signal

# delete
complete -c husk -n '__husk_using_command delete' -s f -l force -d 'Kill a running container first'

# list
complete -c husk -n '__husk_using_command list' -s q -l quiet -d 'Print only the container ids'
complete -c husk -n '__husk_using_command list' -s f -l format -x -a 'table json' -d 'Output format'

# spec
complete -c husk -n '__husk_using_command spec' -s b -l bundle -x -a '(__fish_complete_directories)' -d 'Where to write config.json (default: .)'
complete -c husk -n '__husk_using_command spec' -l rootless -d 'A config for a container run by an unprivileged user'

# checkpoint and restore
complete -c husk -n '__husk_using_command checkpoint; and __husk_arg_is 0' -a '(__husk_ids)' -d Container
complete -c husk -n '__husk_using_command checkpoint restore' -l image-path -x -a '(__fish_complete_directories)' -d 'criu image directory (default: ./checkpoint)'
complete -c husk -n '__husk_using_command checkpoint restore' -l work-path -x -a '(__fish_complete_directories)' -d 'Where criu writes its log'
complete -c husk -n '__husk_using_command checkpoint restore' -l manage-cgroups-mode -x -a 'soft full strict ignore' -d 'cgroups mode'
complete -c husk -n '__husk_using_command checkpoint restore' -l empty-ns -x -a network -d 'Create the namespace but do not restore its contents'
complete -c husk -n '__husk_using_command checkpoint restore' -l tcp-established -d 'Allow open TCP connections'
complete -c husk -n '__husk_using_command checkpoint restore' -l ext-unix-sk -d 'Allow external unix sockets'
complete -c husk -n '__husk_using_command checkpoint restore' -l shell-job -d "Allow a shell job (stdio on the caller's terminal)"
complete -c husk -n '__husk_using_command checkpoint restore' -l file-locks -d 'Checkpoint and restore file locks'
complete -c husk -n '__husk_using_command checkpoint restore' -l auto-dedup -d 'Deduplicate the memory images'
complete -c husk -n '__husk_using_command checkpoint' -l parent-path -x -a '(__fish_complete_directories)' -d 'Images of a previous pre-dump, relative to --image-path'
complete -c husk -n '__husk_using_command checkpoint' -l leave-running -d 'Leave the container running after the checkpoint'
complete -c husk -n '__husk_using_command checkpoint' -l pre-dump -d 'Save the memory only and leave the container running'
complete -c husk -n '__husk_using_command checkpoint' -l page-server -x -d 'Send the memory pages to a criu page server (ADDRESS:PORT)'
complete -c husk -n '__husk_using_command restore' -s b -l bundle -x -a '(__fish_complete_directories)' -d 'Bundle directory (default: current directory)'
complete -c husk -n '__husk_using_command restore' -l pid-file -r -F -d "Write the restored init's pid to a file"
complete -c husk -n '__husk_using_command restore' -l console-socket -r -F -d 'Unix socket that receives the pty master'
complete -c husk -n '__husk_using_command restore' -s d -l detach -d 'Return once the container is restored'
complete -c husk -n '__husk_using_command restore' -l no-pivot -d 'Accepted for runc compatibility'
complete -c husk -n '__husk_using_command restore' -l no-subreaper -d 'Accepted for runc compatibility'
complete -c husk -n '__husk_using_command checkpoint restore' -l lazy-pages -d 'Lazy migration (not supported)'
complete -c husk -n '__husk_using_command checkpoint' -l status-fd -x -d 'With --lazy-pages: where to say the pages are ready'
complete -c husk -n '__husk_using_command restore' -l lsm-profile -x -a 'apparmor: selinux:' -d 'Security profile of the restored processes (TYPE:NAME)'
complete -c husk -n '__husk_using_command restore' -l lsm-mount-context -x -d 'SELinux context of the restored mounts'
