//! The flags, the environment and config.toml resolved once into what a run uses: the
//! target (an astdb file, a live Asterisk over ARI, or a realtime PostgreSQL database),
//! where files are read from, and how output looks. Commands read [`Settings`] through
//! `Ctx`; a backend gets only what it opens (a path, an ARI [`ari::Target`], a URL) and
//! never sees clap.

pub mod config_file;

use std::path::{Path, PathBuf};

use crate::backend::ari::target::{self as ari, env_password, Credentials, Password, Tls};
use crate::cli::{Format, Given, Global};
use crate::error::{Error, Result};
use crate::sorcery_conf::Mapping;
use config_file::FileTarget;

/// Everything a command needs to know from the command line and its surroundings.
pub struct Settings {
    pub target: Target,
    pub confdir: Confdir,
    pub output: Output,
    /// The credential `serve` asks of its clients: --user with --password-file or
    /// PJSIPCTL_PASSWORD (config.toml is not read for it).
    pub clients: Credentials,
    /// `--insecure` was given: every run says so, whatever the command.
    pub insecure_flag: bool,
}

/// Where objects are stored. Which of the three it is, is decided here once; a target
/// that cannot be resolved keeps its kind and its error (see [`Deferred`]).
pub enum Target {
    /// The embedded engine on an astdb SQLite file.
    Astdb {
        path: Deferred<PathBuf>,
        /// Named by --db / PJSIPCTL_DB rather than the default: its folder is never created.
        given: bool,
        sorcery: Sorcery,
    },
    /// A live Asterisk over ARI (--ari, or a named target with a `url`).
    Ari(Deferred<ari::Target>),
    /// The ps_* tables of a PostgreSQL database (--db postgresql://…, or a named target
    /// with a `db`).
    Realtime { url: String, sorcery: Sorcery },
}

/// A setting that could not be resolved, reported where a command uses it: commands
/// that need no target (schema, wizard, generate) still run with a broken one in the
/// environment.
pub struct Deferred<T>(Result<T>);

impl<T> Deferred<T> {
    pub fn get(&self) -> Result<&T> {
        self.0.as_ref().map_err(Error::clone)
    }
}

/// How sorcery.conf maps types to storage: --sorcery (else the built-in mapping), and
/// the folder its `config` wizards' files (pjsip.conf) are read from.
#[derive(Debug, Clone)]
pub struct Sorcery {
    pub conf: Option<PathBuf>,
    pub confdir: PathBuf,
}

impl Sorcery {
    /// Read sorcery.conf now (a command that needs no mapping never reads it).
    pub fn mapping(&self) -> Result<Mapping> {
        let m = match &self.conf {
            Some(p) => Mapping::load(p)?,
            None => Mapping::builtin(),
        };
        Ok(m.with_confdir(&self.confdir))
    }
}

/// Asterisk's config directory (--confdir / PJSIPCTL_CONFDIR, else /etc/asterisk).
#[derive(Debug, Clone)]
pub struct Confdir {
    pub path: PathBuf,
    /// Set by the user rather than defaulted: only then does `apply FILE` resolve the
    /// file's relative #include names there instead of beside the file.
    pub given: bool,
}

/// How a command reports.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub format: Format,
    pub show_secrets: bool,
    pub quiet: bool,
    /// Every warning about what would be stored is an error.
    pub strict: bool,
    pub verbose: bool,
}

impl Settings {
    /// Flags win over the environment (clap has already merged those two), which wins over
    /// config.toml. Only a contradiction fails here (--ari with a target that is a
    /// database); any other problem with the target is kept for the command that uses it.
    pub fn resolve(g: &Global, given: Given) -> Result<Settings> {
        let sorcery = Sorcery {
            conf: g.sorcery.clone(),
            confdir: g.confdir.clone(),
        };
        let target = match g
            .target
            .as_deref()
            .map(|n| (n, config_file::load_target(n)))
        {
            // A named target with `db = "postgresql://…"` is the realtime backend: the run is
            // the same as with that --db (the target's choice beats --db/PJSIPCTL_DB).
            Some((name, Ok(FileTarget { db: Some(url), .. }))) => {
                if let Some(ari) = &g.ari {
                    return Err(Error::usage(format!(
                        "--target {name} is the database {url}; --ari {ari} asks for an ARI"
                    ))
                    .hint("give one of them"));
                }
                Target::Realtime { url, sorcery }
            }
            Some((_, file)) => Target::Ari(Deferred(file.and_then(|f| ari_target(g, f, given)))),
            None if g.ari.is_some() => {
                Target::Ari(Deferred(ari_target(g, FileTarget::default(), given)))
            }
            None => match g.db.as_deref() {
                Some(db) if db.to_str().is_some_and(crate::realtime::is_url) => Target::Realtime {
                    url: db.to_string_lossy().into_owned(),
                    sorcery,
                },
                Some(db) => Target::Astdb {
                    path: Deferred(db_location(db)),
                    given: true,
                    sorcery,
                },
                None => Target::Astdb {
                    path: Deferred(Ok(default_db_path())),
                    given: false,
                    sorcery,
                },
            },
        };
        Ok(Settings {
            target,
            confdir: Confdir {
                path: g.confdir.clone(),
                given: given.confdir,
            },
            output: Output {
                format: g.output,
                show_secrets: g.show_secrets,
                quiet: g.quiet,
                strict: g.strict,
                verbose: g.verbose,
            },
            clients: Credentials {
                user: nonempty(&g.user),
                password: match &g.password_file {
                    Some(f) => Password::File(f.clone()),
                    None => env_password().map_or(Password::None, Password::Given),
                },
                api_key: false,
            },
            insecure_flag: g.insecure,
        })
    }
}

/// The ARI of `--ari` and the other flags, over the named target's table.
fn ari_target(g: &Global, file: FileTarget, given: Given) -> Result<ari::Target> {
    let url = g.ari.clone().or(file.url).ok_or_else(|| {
        Error::usage(format!(
            "target '{}' has no url",
            g.target.as_deref().unwrap_or("")
        ))
        .hint("add url = \"http://HOST:8088/ari\" to its [targets.NAME] table, or pass --ari URL")
    })?;
    let url = ari::normalize_url(&url)?;
    let user = nonempty(&g.user).or(file.user);
    let password = if let Some(f) = &g.password_file {
        Password::File(f.clone())
    } else if let Some(p) = env_password() {
        Password::Given(p)
    } else if let Some(f) = file.password_file {
        Password::File(f)
    } else if user.is_some() {
        Password::Prompt
    } else {
        Password::None
    };
    Ok(ari::Target {
        url,
        credentials: Credentials {
            user,
            password,
            api_key: g.api_key || file.api_key.unwrap_or(false),
        },
        tls: Tls {
            cacert: g.cacert.clone().or(file.cacert),
            insecure: g.insecure || file.insecure.unwrap_or(false),
        },
        timeout: if given.timeout {
            g.timeout
        } else {
            file.timeout.unwrap_or(g.timeout)
        },
    })
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.clone().filter(|s| !s.is_empty())
}

/// The astdb file `--db` / PJSIPCTL_DB names (`~/` expanded as in config.toml). A
/// `postgresql://` URL is the realtime backend's, never a file; any other URL is refused.
pub fn db_location(given: &Path) -> Result<PathBuf> {
    let s = given.to_string_lossy();
    if crate::realtime::is_url(&s) {
        return Err(Error::usage(format!(
            "--db {s}: this needs an astdb file, not a PostgreSQL database"
        ))
        .hint("give the path of astdb.sqlite3 for this command"));
    }
    if let Some((scheme, _)) = s.split_once("://") {
        let is_scheme = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            return Err(Error::usage(format!(
                "--db {s}: not a file path; the embedded engine stores objects in an astdb SQLite file"
            ))
            .hint("give the path of astdb.sqlite3 (e.g. /var/lib/asterisk/astdb.sqlite3), postgresql://USER@HOST/DB for realtime tables, or --ari URL for a running Asterisk"));
        }
    }
    Ok(config_file::expand_home(given))
}

/// `$XDG_DATA_HOME/pjsipctl/astdb.sqlite3`, else under `~/.local/share`.
fn default_db_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("pjsipctl").join("astdb.sqlite3")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ARI target of a command line over a target table of config.toml.
    fn ari(args: &[&str], file: FileTarget) -> ari::Target {
        use clap::FromArgMatches;
        let m = crate::cli::command()
            .try_get_matches_from(
                ["pjsipctl", "--ari", "http://h:8088/ari"]
                    .iter()
                    .chain(args),
            )
            .unwrap();
        let g = Global::from_arg_matches(&m).unwrap();
        ari_target(&g, file, Given::of(&m)).unwrap()
    }

    #[test]
    fn a_flag_beats_the_file_even_at_its_default() {
        let file = || FileTarget {
            timeout: Some(2.5),
            cacert: Some("/file.pem".into()),
            ..FileTarget::default()
        };
        assert_eq!(ari(&["ping"], file()).timeout, 2.5);
        assert_eq!(ari(&["--timeout", "3", "ping"], file()).timeout, 3.0);
        // `--timeout 10` is the default's value, and still the user's choice.
        assert_eq!(ari(&["--timeout", "10", "ping"], file()).timeout, 10.0);
        assert_eq!(ari(&["ping"], FileTarget::default()).timeout, 10.0);
        let t = ari(&["--cacert", "/flag.pem", "ping"], file());
        assert_eq!(t.tls.cacert.as_deref(), Some(Path::new("/flag.pem")));
        assert_eq!(
            ari(&["ping"], file()).tls.cacert.as_deref(),
            Some(Path::new("/file.pem"))
        );
    }
}
