//! Hidden `pjsipctl generate`: write shell completions and man pages (committed; a test
//! regenerates them and fails when they are stale).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use clap_complete::env::EnvCompleter;
use clap_mangen::Man;

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Write completions and man pages
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory for completions
    #[arg(long, default_value = "completions")]
    pub completions: PathBuf,
    /// Directory for man pages
    #[arg(long, default_value = "man")]
    pub man: PathBuf,
}

pub fn run(_ctx: &Ctx, args: &GenerateArgs) -> Result<Exit> {
    write_all(&args.completions, &args.man).map_err(|e| Error::reported(Exit::Storage, e))?;
    Ok(Exit::Ok)
}

/// The README's exit-code table.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "success (diff: the target already matches)"),
    ("1", "diff: the target differs from the file"),
    ("2", "usage error: bad flags or arguments, unknown type, refusing to act without --yes"),
    ("3", "not found: the object does not exist"),
    ("4", "validation failed: unknown attribute, invalid value, an object Asterisk could not load or astdb cannot hold, any warning with --strict"),
    ("5", "storage or connection error: the astdb file is locked or unreadable, a stored row is corrupt, ARI or PostgreSQL unreachable, a realtime table missing or a row held too long, db check found differences; an export over ARI that cannot be complete"),
    ("6", "refused by the target: read-only type (Asterisk's 403), access denied, PostgreSQL authentication failed, a type without a realtime table"),
];

/// Every environment variable pjsipctl reads (a test checks the sources against this list).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("PJSIPCTL_DB", "the astdb file, as --db"),
    ("PJSIPCTL_SORCERY", "sorcery.conf giving each type's astdb prefix, as --sorcery"),
    ("PJSIPCTL_CONFDIR", "Asterisk's config directory, as --confdir"),
    ("PJSIPCTL_ARI", "the ARI base URL, as --ari"),
    ("PJSIPCTL_TARGET", "a named target from config.toml, as --target"),
    ("PJSIPCTL_USER", "the ARI user (serve: the user its clients must give), as --user"),
    ("PJSIPCTL_PASSWORD", "the ARI password (serve: the clients' password); there is no flag for it"),
    ("PJSIPCTL_REPORT_PEAK_RSS", "set: print the process's peak memory on stderr at exit (for the benchmark)"),
    ("PGPASSWORD", "the PostgreSQL password when --db postgresql://... names none"),
    ("PGPASSFILE", "the password file read next (else ~/.pgpass), as libpq reads it"),
    ("XDG_DATA_HOME", "where the default astdb file lives (pjsipctl/astdb.sqlite3; else ~/.local/share)"),
    ("XDG_CONFIG_HOME", "where config.toml lives (pjsipctl/config.toml; else ~/.config)"),
    ("HOME", "the base of the two defaults above"),
    ("COLUMNS", "the width tables are fitted to (else the terminal's width; unlimited when stdout is no terminal)"),
    ("CI", "set: no progress bar is drawn, only a plain progress line every few seconds"),
    ("TERM", "dumb: no progress bar is drawn, as with CI"),
    ("NO_COLOR", "always honoured: output is never coloured"),
    ("COMPLETE", "set by the completion scripts: answer a shell's completion request (bash, zsh, fish, powershell)"),
];

const FILES: &[(&str, &str)] = &[
    ("$XDG_CONFIG_HOME/pjsipctl/config.toml", "named ARI targets ([targets.NAME] url, user, password_file, api_key, cacert, insecure, timeout); else ~/.config/pjsipctl/config.toml"),
    ("$XDG_DATA_HOME/pjsipctl/astdb.sqlite3", "the default astdb file of the embedded engine; else ~/.local/share/pjsipctl/astdb.sqlite3"),
    ("~/.pgpass", "PostgreSQL passwords for --db postgresql://... (host:port:database:user:password), as libpq reads it"),
    ("/etc/asterisk", "the default config directory: pjsip.conf for the static types, #include names"),
];

/// The shells whose scripts are committed; each calls back into `pjsipctl` (COMPLETE=...).
fn shells() -> [(&'static dyn EnvCompleter, &'static str); 4] {
    [
        (&clap_complete::env::Bash, "pjsipctl.bash"),
        (&clap_complete::env::Zsh, "_pjsipctl"),
        (&clap_complete::env::Fish, "pjsipctl.fish"),
        (&clap_complete::env::Powershell, "_pjsipctl.ps1"),
    ]
}

pub fn write_all(completions: &Path, man: &Path) -> anyhow::Result<()> {
    for dir in [completions, man] {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for (shell, file) in shells() {
        let mut buf = Vec::new();
        shell.write_registration("COMPLETE", "pjsipctl", "pjsipctl", "pjsipctl", &mut buf)?;
        write(&completions.join(file), buf)?;
    }
    let mut cmd = crate::cli::command().disable_help_subcommand(true);
    cmd.build();
    let subs: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let names: Vec<String> = subs.iter().map(|s| s.get_name().to_string()).collect();
    write_page(&cmd, "pjsipctl", &names, man)?;
    for sc in subs {
        let page = format!("pjsipctl-{}", sc.get_name());
        write_page(&sc, &page, &[], man)?;
    }
    Ok(())
}

/// One page: clap_mangen's sections, then the ones every page shares.
fn write_page(cmd: &clap::Command, page: &str, subs: &[String], dir: &Path) -> anyhow::Result<()> {
    let man = Man::new(cmd.clone());
    let mut w = Vec::new();
    man.render_title(&mut w)?;
    man.render_name_section(&mut w)?;
    man.render_synopsis_section(&mut w)?;
    man.render_description_section(&mut w)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) || cmd.get_positionals().next().is_some() {
        man.render_options_section(&mut w)?;
    }
    if !subs.is_empty() {
        man.render_subcommands_section(&mut w)?;
    }
    let examples = crate::cli::examples(cmd.get_name());
    if !examples.is_empty() {
        writeln!(w, ".SH EXAMPLES")?;
        for e in examples {
            writeln!(w, ".TP\n.B {}", roff(e))?;
        }
    }
    writeln!(w, ".SH EXIT STATUS")?;
    for (code, what) in EXIT_STATUS {
        writeln!(w, ".TP\n.B {code}\n{}", roff(what))?;
    }
    writeln!(w, ".SH ENVIRONMENT")?;
    for (var, what) in ENVIRONMENT {
        writeln!(w, ".TP\n.B {}\n{}", roff(var), roff(what))?;
    }
    writeln!(w, ".SH FILES")?;
    for (file, what) in FILES {
        writeln!(w, ".TP\n.I {}\n{}", roff(file), roff(what))?;
    }
    writeln!(w, ".SH SEE ALSO")?;
    let mut see: Vec<String> = subs.iter().map(|s| format!("pjsipctl-{s}(1)")).collect();
    if subs.is_empty() {
        see.push("pjsipctl(1)".into());
    }
    see.push("asterisk(8)".into());
    writeln!(w, "{}", roff(&see.join(", ")))?;
    man.render_version_section(&mut w)?;
    write(&dir.join(format!("{page}.1")), w)
}

fn write(path: &Path, text: Vec<u8>) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Text as a roff line: backslashes and hyphens escaped, no leading control character.
fn roff(s: &str) -> String {
    let t = s.replace('\\', "\\\\").replace('-', "\\-");
    if t.starts_with(['.', '\'']) {
        format!("\\&{t}")
    } else {
        t
    }
}
