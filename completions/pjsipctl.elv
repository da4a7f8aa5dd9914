
use builtin;
use str;

set edit:completion:arg-completer[pjsipctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pjsipctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pjsipctl'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand push 'Create an object or merge fields into it (fields apply in order: --from, positionals, -f)'
            cand show 'Show one object with all its attributes'
            cand list 'List stored objects of a type (all types when none is given)'
            cand delete 'Delete one object'
            cand apply 'Push every object of a pjsip.conf, changing only what differs'
            cand diff 'Show what apply would change; exit 0 when in sync, 1 when it differs'
            cand export 'Write the target''s objects as pjsip.conf'
            cand schema 'Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them'
            cand serve 'Answer ARI push-configuration requests from the embedded engine'
            cand ping 'Check that the ARI target answers and the credentials work'
            cand reload 'Reload an Asterisk module (transports and registrations only change on reload)'
            cand generate 'Write completions and man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pjsipctl;push'= {
            cand -f 'One more field (repeatable), e.g. -f ''set_var=A=1'''
            cand --field 'One more field (repeatable), e.g. -f ''set_var=A=1'''
            cand --from 'Read fields from the body of a pjsip.conf section in FILE (''-'' for stdin)'
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --force 'Store even an object Asterisk could not load back (e.g. an endpoint without codecs)'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;show'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --changed 'Only the attributes that differ from the type''s defaults'
            cand --non-default 'Only the attributes that differ from the type''s defaults'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;list'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;delete'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand -y 'Do not ask for confirmation (needed when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (needed when stdin is not a terminal)'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;apply'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;diff'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;export'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;schema'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;serve'= {
            cand --listen 'Address to listen on (loopback by default; anything else is reachable from the network)'
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;ping'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;reload'= {
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;generate'= {
            cand --completions 'Directory for completions'
            cand --man 'Directory for man pages'
            cand --db 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]'
            cand --sorcery 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]'
            cand --confdir 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read'
            cand --ari 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari'
            cand --target 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)'
            cand --user 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt'
            cand --password-file 'Read the ARI password from the first line of FILE'
            cand --cacert 'Trust this CA certificate (PEM) for https'
            cand --timeout 'ARI request timeout in seconds'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --api-key 'Send credentials as ?api_key=user:password instead of HTTP Basic auth'
            cand --insecure 'Do not verify the server''s certificate (prints a warning each time)'
            cand --show-secrets 'Show passwords and other secrets instead of masking them'
            cand -q 'Print only errors on stderr'
            cand --quiet 'Print only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pjsipctl;help'= {
            cand push 'Create an object or merge fields into it (fields apply in order: --from, positionals, -f)'
            cand show 'Show one object with all its attributes'
            cand list 'List stored objects of a type (all types when none is given)'
            cand delete 'Delete one object'
            cand apply 'Push every object of a pjsip.conf, changing only what differs'
            cand diff 'Show what apply would change; exit 0 when in sync, 1 when it differs'
            cand export 'Write the target''s objects as pjsip.conf'
            cand schema 'Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them'
            cand serve 'Answer ARI push-configuration requests from the embedded engine'
            cand ping 'Check that the ARI target answers and the credentials work'
            cand reload 'Reload an Asterisk module (transports and registrations only change on reload)'
            cand generate 'Write completions and man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pjsipctl;help;push'= {
        }
        &'pjsipctl;help;show'= {
        }
        &'pjsipctl;help;list'= {
        }
        &'pjsipctl;help;delete'= {
        }
        &'pjsipctl;help;apply'= {
        }
        &'pjsipctl;help;diff'= {
        }
        &'pjsipctl;help;export'= {
        }
        &'pjsipctl;help;schema'= {
        }
        &'pjsipctl;help;serve'= {
        }
        &'pjsipctl;help;ping'= {
        }
        &'pjsipctl;help;reload'= {
        }
        &'pjsipctl;help;generate'= {
        }
        &'pjsipctl;help;help'= {
        }
    ]
    $completions[$command]
}
