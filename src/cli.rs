//! Command-line definitions. Help text comes from the `///` comments: say what a flag
//! does and its default in one line; longer explanations belong in the README.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Parser, ValueEnum};

/// Administer Asterisk PJSIP push configuration (auth, aor, endpoint, ...) on an
/// astdb file (the embedded engine, default) or a live Asterisk over ARI.
#[derive(Debug, Parser)]
#[command(
    name = "pjsipctl",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: crate::commands::Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// astdb SQLite file of the embedded engine, or postgresql://USER@HOST[:PORT]/DBNAME for realtime
    /// ps_* tables [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]
    // The doc comment is clap's help text, not Markdown: `[:PORT]` is no link.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(
        help_heading = "Storage",
        long,
        env = "PJSIPCTL_DB",
        hide_env_values = true,
        global = true,
        value_name = "PATH"
    )]
    pub db: Option<PathBuf>,
    /// sorcery.conf giving each type's astdb prefix [default: the mapping Asterisk's docs suggest]
    #[arg(
        help_heading = "Storage",
        long,
        env = "PJSIPCTL_SORCERY",
        hide_env_values = true,
        global = true,
        value_name = "FILE"
    )]
    pub sorcery: Option<PathBuf>,
    /// Asterisk's config directory, where `config` wizard files (pjsip.conf) are read
    #[arg(
        help_heading = "Storage",
        long,
        env = "PJSIPCTL_CONFDIR",
        hide_env_values = true,
        global = true,
        value_name = "DIR",
        default_value = "/etc/asterisk"
    )]
    pub confdir: PathBuf,
    /// Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari
    #[arg(
        help_heading = "ARI target",
        long,
        env = "PJSIPCTL_ARI",
        hide_env_values = true,
        global = true,
        value_name = "URL"
    )]
    pub ari: Option<String>,
    /// A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml): an ARI, or a
    /// realtime database (`db = "postgresql://…"`)
    #[arg(
        help_heading = "ARI target",
        long,
        env = "PJSIPCTL_TARGET",
        hide_env_values = true,
        global = true,
        value_name = "NAME"
    )]
    pub target: Option<String>,
    /// ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt
    #[arg(
        help_heading = "ARI target",
        long,
        env = "PJSIPCTL_USER",
        hide_env_values = true,
        global = true,
        value_name = "NAME"
    )]
    pub user: Option<String>,
    /// Read the ARI password from the first line of FILE
    #[arg(help_heading = "ARI target", long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Send credentials as ?api_key=user:password instead of HTTP Basic auth
    #[arg(help_heading = "ARI target", long, global = true)]
    pub api_key: bool,
    /// Trust this CA certificate (PEM) for https
    #[arg(help_heading = "ARI target", long, global = true, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Do not verify the server's certificate (prints a warning each time)
    #[arg(help_heading = "ARI target", long, global = true)]
    pub insecure: bool,
    /// ARI request timeout in seconds
    #[arg(
        help_heading = "ARI target",
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 10.0
    )]
    pub timeout: f64,
    /// Output format
    #[arg(help_heading = "Output", short = 'o', long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Show passwords and other secrets instead of masking them
    #[arg(help_heading = "Output", long, global = true)]
    pub show_secrets: bool,
    /// Print only errors (and apply's closing counts) on stderr
    #[arg(help_heading = "Output", short, long, global = true)]
    pub quiet: bool,
    /// Treat every warning about what would be stored as an error (exit 4, nothing written)
    #[arg(help_heading = "Output", long, global = true)]
    pub strict: bool,
    /// List every note instead of a summary (e.g. each section that stays in the static file)
    #[arg(help_heading = "Output", short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables resembling the Asterisk CLI
    Table,
    /// ARI's attribute/value list
    Json,
    /// pjsip.conf sections
    Conf,
}

const STORAGE: &[&str] = &["db", "sorcery", "confdir"];
const ARI: &[&str] = &[
    "ari",
    "target",
    "user",
    "password_file",
    "api_key",
    "cacert",
    "insecure",
    "timeout",
];

/// The global options a subcommand's help leaves out because it never reads them.
/// They are still accepted there (as before), so `pjsipctl schema --db X` is no error.
/// Subcommands not named here show every global option.
fn unused_globals(sub: &str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    match sub {
        "schema" => {
            v.extend(STORAGE);
            v.extend(ARI);
            v.push("show_secrets");
        }
        // serve's --user and --password-file are the credential its clients must give.
        "serve" => {
            v.extend(
                ARI.iter()
                    .filter(|a| !matches!(**a, "user" | "password_file")),
            );
            v.extend(["output", "show_secrets"]);
        }
        "ping" => v.extend(STORAGE.iter().chain(&["show_secrets"])),
        "reload" => v.extend(STORAGE.iter().chain(&["output", "show_secrets"])),
        "export" => v.push("output"),
        "delete" => v.push("show_secrets"),
        "generate" => {
            v.extend(STORAGE);
            v.extend(ARI);
            v.extend(["output", "show_secrets"]);
        }
        // wizard expand reads files only and prints pjsip.conf.
        "wizard" => {
            v.extend(STORAGE);
            v.extend(ARI);
            v.push("output");
        }
        _ => {}
    }
    // --strict judges what would be stored (push, apply, diff) or written (export).
    if !matches!(sub, "push" | "apply" | "diff" | "export") {
        v.push("strict");
    }
    // -v lists the notes only apply and diff print.
    if matches!(
        sub,
        "push"
            | "show"
            | "list"
            | "delete"
            | "export"
            | "schema"
            | "serve"
            | "ping"
            | "reload"
            | "generate"
            | "wizard"
    ) {
        v.push("verbose");
    }
    v
}

/// Examples closing each subcommand's long help (the README's everyday lines).
pub fn examples(sub: &str) -> &'static [&'static str] {
    match sub {
        "push" => &[
            "pjsipctl push aor alice max_contacts=1",
            "pjsipctl push endpoint alice context=default disallow=all allow=g722,ulaw auth=alice aors=alice",
            "pjsipctl push auth alice auth_type=userpass username=alice --from alice.secret   # password=... in a file",
            "pjsipctl --target lab push endpoint alice direct_media=no",
        ],
        "show" => &[
            "pjsipctl show endpoint alice",
            "pjsipctl show endpoint alice -o json",
            "pjsipctl show endpoint alice --changed -o conf",
        ],
        "list" => &[
            "pjsipctl list endpoints",
            "pjsipctl list",
            "pjsipctl --target lab list endpoints -o json",
        ],
        "delete" => &[
            "pjsipctl delete endpoint alice",
            "pjsipctl delete endpoint alice --yes",
        ],
        "apply" => &[
            "pjsipctl apply --dry-run /etc/asterisk/pjsip.conf",
            "pjsipctl apply /etc/asterisk/pjsip.conf",
            "pjsipctl apply --prune --yes pjsip.conf",
            "pjsipctl --target lab apply --jobs 8 pjsip.conf",
        ],
        "diff" => &[
            "pjsipctl diff /etc/asterisk/pjsip.conf",
            "pjsipctl diff --prune pjsip.conf",
            "pjsipctl diff -o json pjsip.conf",
        ],
        "export" => &[
            "pjsipctl export > pushed.conf",
            "pjsipctl --show-secrets export auth > auths.conf",
            "pjsipctl export endpoint --all",
        ],
        "schema" => &[
            "pjsipctl schema",
            "pjsipctl schema endpoint",
            "pjsipctl schema endpoint direct_media",
            "pjsipctl schema endpoint -o conf > endpoint-template.conf",
        ],
        "serve" => &[
            "pjsipctl --db ./astdb.sqlite3 --user asterisk --password-file ari.password serve",
            "pjsipctl --user asterisk --password-file ari.password serve --listen 127.0.0.1:0",
        ],
        "ping" => &[
            "pjsipctl --ari http://127.0.0.1:8088/ari --user asterisk ping",
            "pjsipctl --target lab ping -o json",
        ],
        "pjsipctl" => &[
            "pjsipctl push endpoint alice context=default allow=ulaw auth=alice aors=alice",
            "pjsipctl show endpoint alice",
            "pjsipctl diff /etc/asterisk/pjsip.conf",
            "pjsipctl --target lab apply pjsip.conf",
        ],
        "reload" => &[
            "pjsipctl --target lab reload res_pjsip_outbound_registration",
            "pjsipctl --target lab reload res_pjsip",
        ],
        "wizard" => &[
            "pjsipctl wizard expand /etc/asterisk/pjsip_wizard.conf > explicit.conf",
            "pjsipctl apply --dry-run /etc/asterisk/pjsip.conf /etc/asterisk/pjsip_wizard.conf",
        ],
        _ => &[],
    }
}

pub fn examples_text(sub: &str) -> Option<String> {
    let ex = examples(sub);
    (!ex.is_empty()).then(|| {
        let mut s = String::from("Examples:\n");
        for e in ex {
            s.push_str("  ");
            s.push_str(e);
            s.push('\n');
        }
        s.trim_end().to_string()
    })
}

/// The command as the binary, `generate` and the completion engine see it: derived from
/// [`Cli`], with each subcommand's help trimmed to the options it reads, examples, usage
/// lines that do not depend on the environment, and completers.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in &names {
        let unused = unused_globals(name);
        let ex = examples_text(name);
        cmd = cmd.mut_subcommand(name, |mut sc| {
            // A same-id argument in the subcommand keeps clap from propagating the global
            // one there; its value still reaches `Global` (clap matches globals by id).
            for a in globals
                .iter()
                .filter(|a| unused.contains(&a.get_id().as_str()))
            {
                sc = sc.arg(a.clone().global(false).hide(true).help_heading(None));
            }
            if let Some(ex) = &ex {
                sc = sc.after_long_help(ex.clone());
            }
            sc
        });
    }
    if let Some(serve) = globals.iter().find(|a| a.get_id() == "user") {
        let user = serve.clone().global(false).help_heading("Clients").help(
            "The user name clients must give (password from PJSIPCTL_PASSWORD or --password-file)",
        );
        let file = globals
            .iter()
            .find(|a| a.get_id() == "password_file")
            .expect("defined above")
            .clone()
            .global(false)
            .help_heading("Clients")
            .help("Read the clients' password from the first line of FILE");
        cmd = cmd.mut_subcommand("serve", |sc| sc.arg(user).arg(file));
    }
    if let Some(ex) = examples_text("pjsipctl") {
        cmd = cmd.after_long_help(ex);
    }
    cmd = crate::complete::add_completers(cmd);
    // clap's usage line lists options whose environment variable is set as if they were
    // required ("pjsipctl apply --db <PATH> <FILE>"): fix each usage line as it reads
    // without any.
    let mut built = cmd.clone();
    built.build();
    let usage = |c: &clap::Command| {
        let mut c = c.clone();
        let u = c.render_usage().to_string();
        u.strip_prefix("Usage: ").unwrap_or(&u).to_string()
    };
    let top = usage(&built);
    let subs: Vec<(String, String)> = built
        .get_subcommands()
        .map(|s| (s.get_name().to_string(), usage(s)))
        .collect();
    // (`help` exists only once built.)
    for (name, u) in subs.into_iter().filter(|(n, _)| names.contains(n)) {
        cmd = cmd.mut_subcommand(&name, |sc| sc.override_usage(u));
    }
    cmd.override_usage(top)
}

/// The command the completion engine walks: without the hidden subcommands, which it
/// would otherwise offer once a prefix matches only them (`gen` → `generate`).
pub fn completion_command() -> clap::Command {
    let full = command();
    let mut c = clap::Command::new("pjsipctl")
        .version(env!("CARGO_PKG_VERSION"))
        .args(full.get_arguments().cloned());
    for s in full.get_subcommands().filter(|s| !s.is_hide_set()) {
        c = c.subcommand(s.clone());
    }
    c
}

/// Which options with a default the user set (flag or environment): a [`Global`] cannot
/// tell `--timeout 10` from no flag, which lets a target's `timeout` apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given {
    pub confdir: bool,
    pub timeout: bool,
}

impl Given {
    pub fn of(m: &ArgMatches) -> Given {
        let set = |id: &str| {
            matches!(
                m.value_source(id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        };
        Given {
            confdir: set("confdir"),
            timeout: set("timeout"),
        }
    }
}

/// Parse the command line: clap's answer, with "did you mean" only where it is plausible.
pub fn parse() -> (Cli, Given) {
    use clap::FromArgMatches;
    let mut cmd = command();
    let matches = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .unwrap_or_else(|e| plausible(e, &cmd).exit());
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    (cli, Given::of(&matches))
}

/// clap suggests the nearest flag however far it is (`delete --force` → `--sorcery`).
/// Keep a suggestion only when it is a small edit away, and say which subcommands take
/// an unknown flag instead.
fn plausible(e: clap::Error, cmd: &clap::Command) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return e;
    }
    let Some(ContextValue::String(invalid)) = e.get(ContextKind::InvalidArg) else {
        return e;
    };
    let flag = invalid.split('=').next().unwrap_or(invalid);
    let name = flag.trim_start_matches('-');
    let mut out = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(cmd);
    for (k, v) in e.context() {
        if !matches!(k, ContextKind::SuggestedArg | ContextKind::Suggested) {
            out.insert(k, v.clone());
        }
    }
    if let Some(ContextValue::String(s)) = e.get(ContextKind::SuggestedArg) {
        let sug = s.trim_start_matches('-');
        let close = crate::engine::distance(name, sug) <= 2.max(name.len() / 4)
            || (name.len() >= 3 && (sug.starts_with(name) || name.starts_with(sug)));
        if close && flag.starts_with("--") == s.starts_with("--") {
            out.insert(ContextKind::SuggestedArg, ContextValue::String(s.clone()));
        }
    }
    if flag.starts_with("--") {
        let takers: Vec<&str> = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .filter(|s| {
                s.get_arguments()
                    .any(|a| !a.is_global_set() && !a.is_hide_set() && a.get_long() == Some(name))
            })
            .map(|s| s.get_name())
            .collect();
        if !takers.is_empty() {
            out.insert(
                ContextKind::Suggested,
                ContextValue::StyledStrs(vec![format!(
                    "'{flag}' is an option of {}",
                    takers.join(", ")
                )
                .into()]),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_consistent() {
        super::command().debug_assert();
    }
}
