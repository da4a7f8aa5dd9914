
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pjsipctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pjsipctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pjsipctl' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Create an object or merge fields into it (fields apply in order: --from, positionals, -f)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one object with all its attributes')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored objects of a type (all types when none is given)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one object')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Push every object of a pjsip.conf, changing only what differs')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what apply would change; exit 0 when in sync, 1 when it differs')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the target''s objects as pjsip.conf')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer ARI push-configuration requests from the embedded engine')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Check that the ARI target answers and the credentials work')
            [CompletionResult]::new('reload', 'reload', [CompletionResultType]::ParameterValue, 'Reload an Asterisk module (transports and registrations only change on reload)')
            [CompletionResult]::new('wizard', 'wizard', [CompletionResultType]::ParameterValue, 'Work with pjsip_wizard.conf (res_pjsip_config_wizard) files')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write completions and man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pjsipctl;push' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'One more field (repeatable), e.g. -f ''set_var=A=1''')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'One more field (repeatable), e.g. -f ''set_var=A=1''')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read fields from the body of a pjsip.conf section in FILE (''-'' for stdin)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Store even an object Asterisk could not load back (e.g. an endpoint without codecs)')
            [CompletionResult]::new('--accept-loss', '--accept-loss', [CompletionResultType]::ParameterName, 'Store data astdb cannot hold as written (set_var, several contacts, deny/permit, ...)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--changed', '--changed', [CompletionResultType]::ParameterName, 'Only the attributes that differ from the type''s defaults')
            [CompletionResult]::new('--non-default', '--non-default', [CompletionResultType]::ParameterName, 'Only the attributes that differ from the type''s defaults')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;list' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;delete' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when stdin is not a terminal)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;apply' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Over ARI: push over N connections at once (1-16); each type''s objects still all finish before the next type starts (auths and aors before endpoints)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Over ARI: push over N connections at once (1-16); each type''s objects still all finish before the next type starts (auths and aors before endpoints)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--allow-exec', '--allow-exec', [CompletionResultType]::ParameterName, 'Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print the plan (+ create, ~ update, - delete) and change nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (+ create, ~ update, - delete) and change nothing')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also delete stored objects of the file''s types that the file does not define (asks first)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask before deleting (needed for --prune without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before deleting (needed for --prune without a terminal)')
            [CompletionResult]::new('--accept-loss', '--accept-loss', [CompletionResultType]::ParameterName, 'Push objects whose data astdb cannot hold as written (set_var, several contacts, deny/permit, ...)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Push objects Asterisk could not load back (an endpoint without codecs)')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'Over ARI: go on after an object fails instead of stopping there')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;diff' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--allow-exec', '--allow-exec', [CompletionResultType]::ParameterName, 'Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also show the stored objects of the file''s types that the file does not define (apply --prune deletes them)')
            [CompletionResult]::new('--accept-loss', '--accept-loss', [CompletionResultType]::ParameterName, 'As apply --accept-loss: do not count what astdb cannot hold as a refusal')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'As apply --force: do not count objects Asterisk could not load back as a refusal')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;export' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Over ARI: read over N connections at once (1-16), as `apply --jobs` does')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Write every attribute, not only those that differ from Asterisk''s defaults')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;schema' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (loopback by default; anything else is reachable from the network)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;ping' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;reload' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;wizard' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('expand', 'expand', [CompletionResultType]::ParameterValue, 'Print the explicit sections (auth, aor, endpoint, identify, registration) that the wizard sections of FILE expand to, as pjsip.conf (secrets only with --show-secrets)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pjsipctl;wizard;expand' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--allow-exec', '--allow-exec', [CompletionResultType]::ParameterName, 'Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;wizard;help' {
            [CompletionResult]::new('expand', 'expand', [CompletionResultType]::ParameterValue, 'Print the explicit sections (auth, aor, endpoint, identify, registration) that the wizard sections of FILE expand to, as pjsip.conf (secrets only with --show-secrets)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pjsipctl;wizard;help;expand' {
            break
        }
        'pjsipctl;wizard;help;help' {
            break
        }
        'pjsipctl;generate' {
            [CompletionResult]::new('--completions', '--completions', [CompletionResultType]::ParameterName, 'Directory for completions')
            [CompletionResult]::new('--man', '--man', [CompletionResultType]::ParameterName, 'Directory for man pages')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]')
            [CompletionResult]::new('--sorcery', '--sorcery', [CompletionResultType]::ParameterName, 'sorcery.conf giving each type''s astdb prefix [default: the mapping Asterisk''s docs suggest]')
            [CompletionResult]::new('--confdir', '--confdir', [CompletionResultType]::ParameterName, 'Asterisk''s config directory, where `config` wizard files (pjsip.conf) are read')
            [CompletionResult]::new('--ari', '--ari', [CompletionResultType]::ParameterName, 'Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the ARI password from the first line of FILE')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for https')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'ARI request timeout in seconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Send credentials as ?api_key=user:password instead of HTTP Basic auth')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (prints a warning each time)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show passwords and other secrets instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat every warning about what would be stored as an error (exit 4, nothing written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'pjsipctl;help' {
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Create an object or merge fields into it (fields apply in order: --from, positionals, -f)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one object with all its attributes')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List stored objects of a type (all types when none is given)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one object')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Push every object of a pjsip.conf, changing only what differs')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what apply would change; exit 0 when in sync, 1 when it differs')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the target''s objects as pjsip.conf')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer ARI push-configuration requests from the embedded engine')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Check that the ARI target answers and the credentials work')
            [CompletionResult]::new('reload', 'reload', [CompletionResultType]::ParameterValue, 'Reload an Asterisk module (transports and registrations only change on reload)')
            [CompletionResult]::new('wizard', 'wizard', [CompletionResultType]::ParameterValue, 'Work with pjsip_wizard.conf (res_pjsip_config_wizard) files')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write completions and man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pjsipctl;help;push' {
            break
        }
        'pjsipctl;help;show' {
            break
        }
        'pjsipctl;help;list' {
            break
        }
        'pjsipctl;help;delete' {
            break
        }
        'pjsipctl;help;apply' {
            break
        }
        'pjsipctl;help;diff' {
            break
        }
        'pjsipctl;help;export' {
            break
        }
        'pjsipctl;help;schema' {
            break
        }
        'pjsipctl;help;serve' {
            break
        }
        'pjsipctl;help;ping' {
            break
        }
        'pjsipctl;help;reload' {
            break
        }
        'pjsipctl;help;wizard' {
            [CompletionResult]::new('expand', 'expand', [CompletionResultType]::ParameterValue, 'Print the explicit sections (auth, aor, endpoint, identify, registration) that the wizard sections of FILE expand to, as pjsip.conf (secrets only with --show-secrets)')
            break
        }
        'pjsipctl;help;wizard;expand' {
            break
        }
        'pjsipctl;help;generate' {
            break
        }
        'pjsipctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
