# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pjsipctl_global_optspecs
    string join \n db= sorcery= confdir= ari= target= user= password-file= api-key cacert= insecure timeout= o/output= show-secrets q/quiet strict h/help V/version
end

function __fish_pjsipctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pjsipctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pjsipctl_using_subcommand
    set -l cmd (__fish_pjsipctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "push" -d 'Create an object or merge fields into it (fields apply in order: --from, positionals, -f)'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "show" -d 'Show one object with all its attributes'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "list" -d 'List stored objects of a type (all types when none is given)'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "delete" -d 'Delete one object'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "apply" -d 'Push every object of a pjsip.conf, changing only what differs'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "diff" -d 'Show what apply would change; exit 0 when in sync, 1 when it differs'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "export" -d 'Write the target\'s objects as pjsip.conf'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "schema" -d 'Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "serve" -d 'Answer ARI push-configuration requests from the embedded engine'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "ping" -d 'Check that the ARI target answers and the credentials work'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "reload" -d 'Reload an Asterisk module (transports and registrations only change on reload)'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "wizard" -d 'Work with pjsip_wizard.conf (res_pjsip_config_wizard) files'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "generate" -d 'Write completions and man pages'
complete -c pjsipctl -n "__fish_pjsipctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -s f -l field -d 'One more field (repeatable), e.g. -f \'set_var=A=1\'' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l from -d 'Read fields from the body of a pjsip.conf section in FILE (\'-\' for stdin)' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l force -d 'Store even an object Asterisk could not load back (e.g. an endpoint without codecs)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l accept-loss -d 'Store data astdb cannot hold as written (set_var, several contacts, deny/permit, ...)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand push" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l changed -l non-default -d 'Only the attributes that differ from the type\'s defaults'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand show" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -s j -l jobs -d 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand list" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation (needed when stdin is not a terminal)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand delete" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -s j -l jobs -d 'Over ARI: push over N connections at once (1-16); each type\'s objects still all finish before the next type starts (auths and aors before endpoints)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l allow-exec -d 'Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -s n -l dry-run -d 'Print the plan (+ create, ~ update, - delete) and change nothing'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l prune -d 'Also delete stored objects of the file\'s types that the file does not define (asks first)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -s y -l yes -d 'Do not ask before deleting (needed for --prune without a terminal)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l accept-loss -d 'Push objects whose data astdb cannot hold as written (set_var, several contacts, deny/permit, ...)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l force -d 'Push objects Asterisk could not load back (an endpoint without codecs)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l keep-going -d 'Over ARI: go on after an object fails instead of stopping there'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand apply" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -s j -l jobs -d 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l allow-exec -d 'Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l prune -d 'Also show the stored objects of the file\'s types that the file does not define (apply --prune deletes them)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l accept-loss -d 'As apply --accept-loss: do not count what astdb cannot hold as a refusal'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l force -d 'As apply --force: do not count objects Asterisk could not load back as a refusal'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand diff" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -s j -l jobs -d 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l all -d 'Write every attribute, not only those that differ from Asterisk\'s defaults'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand export" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand schema" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l listen -d 'Address to listen on (loopback by default; anything else is reachable from the network)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand ping" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand reload" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -f -a "expand" -d 'Print the explicit sections (auth, aor, endpoint, identify, registration) that the wizard sections of FILE expand to, as pjsip.conf (secrets only with --show-secrets)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and not __fish_seen_subcommand_from expand help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l allow-exec -d 'Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from expand" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from help" -f -a "expand" -d 'Print the explicit sections (auth, aor, endpoint, identify, registration) that the wizard sections of FILE expand to, as pjsip.conf (secrets only with --show-secrets)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand wizard; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l completions -d 'Directory for completions' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l man -d 'Directory for man pages' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l db -d 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l sorcery -d 'sorcery.conf giving each type\'s astdb prefix [default: the mapping Asterisk\'s docs suggest]' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l confdir -d 'Asterisk\'s config directory, where `config` wizard files (pjsip.conf) are read' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l ari -d 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l target -d 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l user -d 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l password-file -d 'Read the ARI password from the first line of FILE' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l cacert -d 'Trust this CA certificate (PEM) for https' -r -F
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l timeout -d 'ARI request timeout in seconds' -r
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -s o -l output -d 'Output format' -r -f -a "table\t'Tables resembling the Asterisk CLI'
json\t'ARI\'s attribute/value list'
conf\t'pjsip.conf sections'"
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l api-key -d 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l insecure -d 'Do not verify the server\'s certificate (prints a warning each time)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -s q -l quiet -d 'Print only errors on stderr'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -l strict -d 'Treat every warning about what would be stored as an error (exit 4, nothing written)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand generate" -s V -l version -d 'Print version'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "push" -d 'Create an object or merge fields into it (fields apply in order: --from, positionals, -f)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "show" -d 'Show one object with all its attributes'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "list" -d 'List stored objects of a type (all types when none is given)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "delete" -d 'Delete one object'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "apply" -d 'Push every object of a pjsip.conf, changing only what differs'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "diff" -d 'Show what apply would change; exit 0 when in sync, 1 when it differs'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "export" -d 'Write the target\'s objects as pjsip.conf'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "schema" -d 'Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "serve" -d 'Answer ARI push-configuration requests from the embedded engine'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "ping" -d 'Check that the ARI target answers and the credentials work'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "reload" -d 'Reload an Asterisk module (transports and registrations only change on reload)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "wizard" -d 'Work with pjsip_wizard.conf (res_pjsip_config_wizard) files'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "generate" -d 'Write completions and man pages'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and not __fish_seen_subcommand_from push show list delete apply diff export schema serve ping reload wizard generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pjsipctl -n "__fish_pjsipctl_using_subcommand help; and __fish_seen_subcommand_from wizard" -f -a "expand" -d 'Print the explicit sections (auth, aor, endpoint, identify, registration) that the wizard sections of FILE expand to, as pjsip.conf (secrets only with --show-secrets)'
