//! Command-line definitions. Help text comes from the `///` comments: say what a flag
//! does and its default in one line; longer explanations belong in the README.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// astdb SQLite file of the embedded engine [default: $XDG_DATA_HOME/pjsipctl/astdb.sqlite3]
    #[arg(long, env = "PJSIPCTL_DB", global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// sorcery.conf giving each type's astdb prefix [default: the mapping Asterisk's docs suggest]
    #[arg(long, env = "PJSIPCTL_SORCERY", global = true, value_name = "FILE")]
    pub sorcery: Option<PathBuf>,
    /// Asterisk's config directory, where `config` wizard files (pjsip.conf) are read
    #[arg(
        long,
        env = "PJSIPCTL_CONFDIR",
        global = true,
        value_name = "DIR",
        default_value = "/etc/asterisk"
    )]
    pub confdir: PathBuf,
    /// Use a live Asterisk over ARI instead, e.g. http://127.0.0.1:8088/ari
    #[arg(long, env = "PJSIPCTL_ARI", global = true, value_name = "URL")]
    pub ari: Option<String>,
    /// A named target from the config file ($XDG_CONFIG_HOME/pjsipctl/config.toml)
    #[arg(long, env = "PJSIPCTL_TARGET", global = true, value_name = "NAME")]
    pub target: Option<String>,
    /// ARI user name; the password comes from PJSIPCTL_PASSWORD, --password-file or a prompt
    #[arg(long, env = "PJSIPCTL_USER", global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Read the ARI password from the first line of FILE
    #[arg(long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Send credentials as ?api_key=user:password instead of HTTP Basic auth
    #[arg(long, global = true)]
    pub api_key: bool,
    /// Trust this CA certificate (PEM) for https
    #[arg(long, global = true, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Do not verify the server's certificate (prints a warning each time)
    #[arg(long, global = true)]
    pub insecure: bool,
    /// ARI request timeout in seconds
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Output format
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Show passwords and other secrets instead of masking them
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Print only errors (and apply's closing counts) on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
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

#[derive(Debug, Subcommand)]
pub enum Command {
    Push(crate::commands::push::PushArgs),
    Show(crate::commands::show::ShowArgs),
    List(crate::commands::list::ListArgs),
    Delete(crate::commands::delete::DeleteArgs),
    Apply(crate::commands::apply::ApplyArgs),
    Diff(crate::commands::diff::DiffArgs),
    Export(crate::commands::export::ExportArgs),
    Schema(crate::commands::schema::SchemaArgs),
    Serve(crate::commands::serve::ServeArgs),
    Ping(crate::commands::ping::PingArgs),
    Reload(crate::commands::reload::ReloadArgs),
    #[command(hide = true)]
    Generate(crate::commands::generate::GenerateArgs),
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
