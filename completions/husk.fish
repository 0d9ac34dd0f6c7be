# fish completion for husk, the OCI container runtime.
#
# Installed as $(PREFIX)/share/fish/vendor_completions.d/husk.fish.
# Container ids come from `husk list -q`, run with the --root given earlier
# on the command line.
#
# To add a subcommand: add it to __husk_commands and give it its flags and
# arguments below, in a block of its own.

set -l __husk_commands create start run state list kill delete spec

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
            string match -qr -- '^(-b|--?bundle|--?pid-file|--?preserve-fds)$' $argv[2]
        case list
            string match -qr -- '^(-f|--?format)$' $argv[2]
        case spec
            string match -qr -- '^(-b|--?bundle)$' $argv[2]
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
complete -c husk -n __husk_needs_command -a state -d 'Print the state of a container as JSON'
complete -c husk -n __husk_needs_command -a list -d 'List containers'
complete -c husk -n __husk_needs_command -a kill -d "Send a signal to a container's init"
complete -c husk -n __husk_needs_command -a delete -d 'Delete a container and everything it holds'
complete -c husk -n __husk_needs_command -a spec -d 'Write a default config.json'

# Every subcommand
complete -c husk -n "__husk_using_command $__husk_commands" -s h -l help -d 'Print the help of the command'

# create and run
complete -c husk -n '__husk_using_command create run' -s b -l bundle -x -a '(__fish_complete_directories)' -d 'Bundle directory (default: current directory)'
complete -c husk -n '__husk_using_command create run' -l pid-file -r -F -d "Write the init's pid to a file"
complete -c husk -n '__husk_using_command create run' -l no-pivot -d 'Use MS_MOVE and chroot instead of pivot_root'
complete -c husk -n '__husk_using_command create run' -l no-new-keyring -d "Keep the caller's session keyring"
complete -c husk -n '__husk_using_command create run' -l preserve-fds -x -d 'Pass N extra fds (from 3) to the container'
complete -c husk -n '__husk_using_command run' -s d -l detach -d 'Start the container and return at once'
complete -c husk -n '__husk_using_command run' -l keep -d 'Keep the stopped container (do not delete it)'

# start, state, delete: one existing container
complete -c husk -n '__husk_using_command start state delete; and __husk_arg_is 0' -a '(__husk_ids)' -d Container

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
