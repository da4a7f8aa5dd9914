//! One file per subcommand: its clap `Args` and a `run` beside it.

pub mod apply;
pub mod delete;
pub mod diff;
pub mod export;
pub mod generate;
pub mod list;
pub mod ping;
pub mod push;
pub mod reload;
pub mod schema;
pub mod serve;
pub mod show;
pub mod wizard;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::backend::embedded::Embedded;
use crate::backend::Backend;
use crate::cli::{Cli, Command, Global};
use crate::error::{Error, Exit, Result};
use crate::output::Out;
use crate::schema::{find_type, type_names, TypeDef};
use crate::sorcery_conf::Mapping;

/// Resolved settings and the output handle, shared by every command.
pub struct Ctx {
    pub global: Global,
    pub out: Out,
}

impl Ctx {
    /// The astdb file: --db, $PJSIPCTL_DB, else under the XDG data directory.
    pub fn db_path(&self) -> PathBuf {
        if let Some(p) = &self.global.db {
            return p.clone();
        }
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("pjsipctl").join("astdb.sqlite3")
    }

    pub fn mapping(&self) -> Result<Mapping> {
        let m = match &self.global.sorcery {
            Some(p) => Mapping::load(p)?,
            None => Mapping::builtin(),
        };
        Ok(m.with_confdir(&self.global.confdir))
    }

    pub fn uses_ari(&self) -> bool {
        self.global.ari.is_some() || self.global.target.is_some()
    }

    /// The backend the flags choose: ARI when a URL or target is given, else the embedded engine.
    pub fn backend(&self) -> Result<Box<dyn Backend>> {
        if self.uses_ari() {
            return crate::backend::open_ari(&self.global, &self.out);
        }
        Ok(Box::new(Embedded::open(&self.db_path(), self.mapping()?)?))
    }

    /// The backend, and over ARI with `jobs` above 1 that many more clients (each its own
    /// kept-alive connection) for workers; the target is resolved once, its warnings said once.
    pub fn backends(&self, jobs: u16) -> Result<(Box<dyn Backend>, Vec<Box<dyn Backend + Send>>)> {
        if !self.uses_ari() || jobs <= 1 {
            return Ok((self.backend()?, Vec::new()));
        }
        let mut pool = crate::backend::ari::open_pool(&self.global, &self.out, jobs as usize + 1)?;
        let main: Box<dyn Backend> = pool.pop().expect("a client");
        Ok((main, pool))
    }

    /// What a command's flags allow to be stored (the backend sets where it goes).
    pub fn rules(&self, accept_loss: bool, force: bool) -> crate::policy::Rules {
        crate::policy::Rules {
            accept_loss,
            force,
            strict: self.global.strict,
            remote: self.uses_ari(),
        }
    }

    /// Ask on a terminal; without one, a destructive command needs --yes.
    pub fn confirm(&self, question: &str, yes: bool) -> Result<bool> {
        if yes {
            return Ok(true);
        }
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(Error::usage(format!(
                "{question} — refusing without a terminal to ask on"
            ))
            .hint("pass --yes to confirm"));
        }
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .map_err(|e| Error::usage(format!("cannot ask for confirmation: {e}")))
    }
}

/// A type named on the command line: `endpoint`, or its plural `endpoints`.
pub fn resolve_type(name: &str) -> Result<&'static TypeDef> {
    find_type(name).ok_or_else(|| {
        Error::usage(format!("unknown object type '{name}'"))
            .hint(format!("types on res_pjsip: {}", type_names().join(", ")))
    })
}

pub fn run(cli: Cli) -> Result<Exit> {
    let ctx = Ctx {
        out: Out {
            quiet: cli.global.quiet,
        },
        global: cli.global,
    };
    if ctx.global.insecure {
        // Every run, even with --quiet: nobody should forget it is on.
        eprintln!("warning: --insecure: the server's TLS certificate is not verified");
    }
    // Host names and files are checked where the objects will be used (issue 11, item 7).
    use crate::schema::values::{set_locality, Locality};
    set_locality(match &cli.command {
        Command::Serve(_) => Locality::Here,
        _ if ctx.uses_ari() => Locality::Remote,
        _ => Locality::Embedded,
    });
    match &cli.command {
        Command::Push(a) => push::run(&ctx, a),
        Command::Show(a) => show::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Delete(a) => delete::run(&ctx, a),
        Command::Apply(a) => apply::run(&ctx, a),
        Command::Diff(a) => diff::run(&ctx, a),
        Command::Export(a) => export::run(&ctx, a),
        Command::Schema(a) => schema::run(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, a),
        Command::Ping(a) => ping::run(&ctx, a),
        Command::Reload(a) => reload::run(&ctx, a),
        Command::Wizard(a) => wizard::run(&ctx, a),
        Command::Generate(a) => generate::run(&ctx, a),
    }
}

pub(crate) fn io_err(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::new(Exit::Ok, "")
    } else {
        Error::storage(format!("cannot write output: {e}"))
    }
}
