//! One file per subcommand: its clap `Args` and a `run` beside it.

pub mod apply;
pub mod db;
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
mod spool;
pub mod wizard;

use std::cell::{Cell, RefCell};
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Subcommand;

use crate::backend::ari;
use crate::backend::embedded::Embedded;
use crate::backend::Backend;
use crate::error::{Error, Exit, Result};
use crate::output::Out;
use crate::schema::{find_type, type_names, TypeDef, TYPES};
use crate::settings::{Settings, Target};
use crate::sorcery_conf::Mapping;

/// The subcommands, each defined in its own file below.
#[derive(Debug, Subcommand)]
pub enum Command {
    Push(push::PushArgs),
    Show(show::ShowArgs),
    List(list::ListArgs),
    Delete(delete::DeleteArgs),
    Apply(apply::ApplyArgs),
    Diff(diff::DiffArgs),
    Export(export::ExportArgs),
    Schema(schema::SchemaArgs),
    Serve(serve::ServeArgs),
    Ping(ping::PingArgs),
    Reload(reload::ReloadArgs),
    Wizard(wizard::WizardArgs),
    Db(db::DbArgs),
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

/// The extra connections of `--jobs`, one per worker.
pub type Workers = Vec<Box<dyn Backend + Send>>;

/// Resolved settings and the output handle, shared by every command.
pub struct Ctx {
    pub settings: Settings,
    pub out: Out,
    /// The astdb file this run created, if any: announced on success, removed on failure.
    pub created: RefCell<Option<PathBuf>>,
    /// The target's `insecure = true` has been said (once, when the target is first used).
    insecure_said: Cell<bool>,
}

/// The storage a one-pass apply or diff works in: the astdb file or the realtime tables.
pub enum Local {
    Astdb(Embedded),
    Realtime(crate::realtime::backend::Realtime),
}

impl Local {
    /// `astdb PATH` or `PostgreSQL URL`.
    pub fn describe(&self) -> String {
        match self {
            Local::Astdb(db) => db.describe(),
            Local::Realtime(db) => db.describe(),
        }
    }

    /// The one pass (crate::apply::on_astdb, on_realtime; `render`: compare only).
    /// `Ok(None)`: handed over, nothing written.
    pub fn run<'r>(
        &mut self,
        source: crate::apply::read::Source<'_>,
        req: crate::apply::Request<'_>,
        render: Option<crate::apply::Rendered<'r>>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Option<crate::apply::OnAstdb<'r>>> {
        match self {
            Local::Astdb(db) => crate::apply::on_astdb(db, source, req, render, progress),
            Local::Realtime(db) => {
                crate::apply::realtime::on_realtime(db, source, req, render, progress)
            }
        }
    }
}

/// What a command does with the astdb file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only reads: the file must exist and is never changed.
    Read,
    /// Writes to objects that must already be there (delete).
    Write,
    /// Writes, creating the file when there is none (push, apply, serve).
    Create,
}

impl Ctx {
    pub fn new(settings: Settings, out: Out) -> Ctx {
        Ctx {
            settings,
            out,
            created: Default::default(),
            insecure_said: Cell::new(false),
        }
    }

    /// The astdb file of the embedded engine.
    pub fn db_path(&self) -> Result<PathBuf> {
        match &self.settings.target {
            Target::Astdb { path, .. } => path.get().cloned(),
            Target::Realtime { url, .. } => Err(Error::usage(format!(
                "--db {url}: this needs an astdb file, not a PostgreSQL database"
            ))
            .hint("give the path of astdb.sqlite3 for this command")),
            Target::Ari(_) => Err(Error::usage("this needs an astdb file, not an ARI")
                .hint("give --db PATH of astdb.sqlite3 for this command")),
        }
    }

    /// The embedded engine on the astdb file. Only `Access::Create` makes a new file (its
    /// folder must exist, except the default location's, which is created); the run says so.
    pub fn embedded(&self, access: Access) -> Result<Embedded> {
        let path = self.db_path()?;
        let Target::Astdb { given, sorcery, .. } = &self.settings.target else {
            unreachable!("db_path answers only for an astdb target")
        };
        if access == Access::Create && !path.exists() {
            if !given {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        Error::storage(format!("cannot create {}", dir.display())).because(e)
                    })?;
                }
            }
            crate::store::create(&path)?;
            *self.created.borrow_mut() = Some(path.clone());
        }
        let mapping = sorcery.mapping()?;
        if !path.exists() {
            return Embedded::without_astdb(&path, mapping);
        }
        Embedded::open(&path, mapping, access != Access::Read)
    }

    /// The storage pjsipctl writes itself, where apply and diff run in one pass.
    pub fn local(&self, access: Access) -> Result<Local> {
        Ok(match self.pg_url() {
            Some(url) => Local::Realtime(crate::realtime::backend::Realtime::open(url)?),
            None => Local::Astdb(self.embedded(access)?),
        })
    }

    /// The PostgreSQL database of the realtime backend.
    pub fn pg_url(&self) -> Option<&str> {
        match &self.settings.target {
            Target::Realtime { url, .. } => Some(url),
            _ => None,
        }
    }

    /// How the chosen target stores objects (what apply and diff compare with).
    pub fn stored_as(&self) -> crate::apply::plan::StoredAs {
        match &self.settings.target {
            Target::Astdb { .. } => crate::apply::plan::StoredAs::Astdb,
            Target::Ari(_) => crate::apply::plan::StoredAs::Ari,
            Target::Realtime { .. } => crate::apply::plan::StoredAs::Realtime,
        }
    }

    /// sorcery.conf's mapping, where pjsipctl reads the storage itself (astdb, realtime).
    pub fn mapping(&self) -> Result<Mapping> {
        match &self.settings.target {
            Target::Astdb { sorcery, .. } | Target::Realtime { sorcery, .. } => sorcery.mapping(),
            Target::Ari(_) => Err(Error::usage(
                "an ARI target's sorcery.conf is on the Asterisk host, not read here",
            )),
        }
    }

    pub fn uses_ari(&self) -> bool {
        matches!(self.settings.target, Target::Ari(_))
    }

    /// The ARI target, or what kept it from resolving. The first use says when
    /// config.toml turned certificate checks off (--insecure is said on every run).
    pub fn ari_target(&self) -> Result<&ari::Target> {
        let Target::Ari(t) = &self.settings.target else {
            return Err(Error::usage("this needs an ARI target")
                .hint("pass --ari URL (or --target NAME) and --user NAME"));
        };
        let t = t.get()?;
        if t.tls.insecure && !self.settings.insecure_flag && !self.insecure_said.replace(true) {
            // Every run, even with --quiet, as for --insecure.
            self.out.summary(
                "warning: insecure = true in the target: the server's TLS certificate is not verified",
            );
        }
        Ok(t)
    }

    /// The backend the settings chose: ARI, realtime PostgreSQL, or the embedded engine.
    pub fn backend(&self, access: Access) -> Result<Box<dyn Backend>> {
        match &self.settings.target {
            Target::Ari(_) => crate::backend::open_ari(self.ari_target()?, &self.out),
            Target::Realtime { url, .. } => {
                Ok(Box::new(crate::realtime::backend::Realtime::open(url)?))
            }
            Target::Astdb { .. } => Ok(Box::new(self.embedded(access)?)),
        }
    }

    /// The backend, and over ARI with `jobs` above 1 that many more clients (each its own
    /// kept-alive connection) for workers; the password is read once.
    pub fn backend_pool(&self, jobs: u16, access: Access) -> Result<(Box<dyn Backend>, Workers)> {
        if self.uses_ari() && jobs > 1 {
            let mut pool = ari::open_pool(self.ari_target()?, &self.out, jobs as usize + 1)?;
            let main: Box<dyn Backend> = pool.pop().expect("a client");
            return Ok((main, pool));
        }
        Ok((self.backend(access)?, Vec::new()))
    }

    /// Whether opening the ARI target asks for the password on the terminal.
    pub fn asks_password(&self) -> bool {
        use crate::backend::ari::target::Password;
        let Target::Ari(t) = &self.settings.target else {
            return false;
        };
        t.get().is_ok_and(|t| {
            matches!(t.credentials.password, Password::Prompt)
                && t.credentials.user.is_some()
                && std::io::stdin().is_terminal()
                && std::io::stderr().is_terminal()
        })
    }

    /// What a command's flags allow to be stored (the backend sets where it goes).
    pub fn rules(&self, accept_loss: bool, force: bool) -> crate::policy::Rules {
        crate::policy::Rules {
            accept_loss,
            force,
            strict: self.settings.output.strict,
            remote: self.uses_ari(),
            realtime: self.pg_url().is_some(),
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
        ask(&self.out, question)
    }
}

/// A `[y/N]` question on stderr, answered by a line on stdin. The terminal stays in its
/// normal (cooked) mode, so there is nothing to restore: Ctrl-D (end of input) is no, and
/// Ctrl-C ends the program with 130 as a shell expects.
fn ask(out: &Out, question: &str) -> Result<bool> {
    extern "C" fn interrupted(_: libc::c_int) {
        // Only async-signal-safe calls here: end the prompt's line and leave.
        unsafe {
            libc::write(2, b"\n".as_ptr().cast(), 1);
            libc::_exit(130);
        }
    }
    let handler = interrupted as extern "C" fn(libc::c_int);
    // SAFETY: installs a handler that calls only write(2) and _exit(2).
    let previous = unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
    out.ask(question);
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    // SAFETY: puts back what was there before.
    unsafe { libc::signal(libc::SIGINT, previous) };
    match read {
        Ok(0) => {
            out.end_line();
            Ok(false)
        }
        Ok(_) => Ok(matches!(
            line.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        )),
        Err(e) => Err(Error::usage("cannot read the answer").because(e)),
    }
}

/// A type as people type it: any case, `_` or `-`, singular or plural
/// (`Endpoint`, `ENDPOINTS`, `outbound_publish`, `domain-alias`).
pub fn lookup_type(name: &str) -> Option<&'static TypeDef> {
    let key = fold_type(name);
    find_type(name).or_else(|| {
        TYPES
            .iter()
            .find(|t| fold_type(t.name) == key || fold_type(t.plural) == key)
    })
}

fn fold_type(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// A type named on the command line, or a usage error with the nearest type.
pub fn resolve_type(name: &str) -> Result<&'static TypeDef> {
    lookup_type(name).ok_or_else(|| {
        let key = fold_type(name);
        let nearest = TYPES
            .iter()
            .flat_map(|t| [(t.name, t.name), (t.plural, t.name)])
            .map(|(spelling, t)| (crate::engine::distance(&key, &fold_type(spelling)), t))
            .min();
        let mut e = Error::usage(format!("unknown object type '{name}'"));
        if let Some((_, t)) = nearest.filter(|(d, _)| *d <= 3.max(key.len() / 3)) {
            e.message.push_str(&format!(" (did you mean '{t}'?)"));
        }
        e.hint(format!("types on res_pjsip: {}", type_names().join(", ")))
    })
}

/// Run one command with the settings resolved from its command line.
pub fn run(settings: Settings, command: &Command) -> Result<Exit> {
    let out = Out {
        quiet: settings.output.quiet,
        ..Out::default()
    };
    let ctx = Ctx::new(settings, out);
    let result = dispatch(&ctx, command);
    // A new file is worth one line (a mistyped path shows at once); a run that stored
    // nothing in it (failed, or had nothing to write) leaves none.
    if let Some(path) = ctx.created.borrow().as_ref() {
        crate::store::remove_if_empty(path);
        if path.exists() {
            ctx.out
                .status(&format!("created new astdb at {}", path.display()));
        }
    }
    // With -o json a failure is a document too (stderr keeps its line, printed by main); a
    // command that already printed its document has put the error into it.
    if let Err(e) = &result {
        if ctx.settings.output.format == crate::cli::Format::Json
            && e.exit != Exit::Ok
            && !ctx.out.printed.load(std::sync::atomic::Ordering::SeqCst)
        {
            let _ = ctx
                .out
                .document(serde_json::json!({"error": crate::output::error_json(e)}));
        }
    }
    result
}

fn dispatch(ctx: &Ctx, command: &Command) -> Result<Exit> {
    if ctx.settings.insecure_flag {
        // Every run, even with --quiet: nobody should forget it is on.
        let w = "--insecure: the server's TLS certificate is not verified";
        ctx.out.warn_always(w);
    }
    // Host names and files are checked where the objects will be used (issue 11, item 7).
    use crate::schema::values::{set_locality, Locality};
    set_locality(match command {
        Command::Serve(_) => Locality::Here,
        _ if ctx.uses_ari() => Locality::Remote,
        _ => Locality::Embedded,
    });
    match command {
        Command::Push(a) => push::run(ctx, a),
        Command::Show(a) => show::run(ctx, a),
        Command::List(a) => list::run(ctx, a),
        Command::Delete(a) => delete::run(ctx, a),
        Command::Apply(a) => apply::run(ctx, a),
        Command::Diff(a) => diff::run(ctx, a),
        Command::Export(a) => export::run(ctx, a),
        Command::Schema(a) => schema::run(ctx, a),
        Command::Serve(a) => serve::run(ctx, a),
        Command::Ping(a) => ping::run(ctx, a),
        Command::Reload(a) => reload::run(ctx, a),
        Command::Wizard(a) => wizard::run(ctx, a),
        Command::Db(a) => db::run(ctx, a),
        Command::Generate(a) => generate::run(ctx, a),
    }
}

pub(crate) fn io_err(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::new(Exit::Ok, "")
    } else {
        Error::storage("cannot write output").because(e)
    }
}
