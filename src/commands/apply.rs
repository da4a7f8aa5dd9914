//! `pjsipctl apply FILE`: make the target hold what a pjsip.conf says (issue 5).
//!
//! The file runs through the pipeline of crate::apply: on the embedded engine and on
//! realtime tables each object is compared and written as it is read, in one transaction
//! (over ARI, the dry run and diff compare in one pass too: [`compare_over_ari`]);
//! where the plan must be seen whole first (a confirmation, JSON, ARI, several files), it is
//! collected, then carried out (over ARI object by object, stopping at the first failure
//! unless --keep-going). All problems are reported at once and nothing is written while
//! any remains.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::apply::execute::{self, Execution, Status};
use crate::apply::plan::{Action, Plan};
use crate::apply::read::Source;
use crate::apply::{harden, Collected, Ledger, Outcome, Rendered, Request};
use crate::backend::Backend;
use crate::cli::Format;
use crate::commands::{io_err, Access, Ctx, Workers};
use crate::conf::convert::{self, Conversion};
use crate::conf::reader::{self, Level, Options};
use crate::error::{Error, Exit, Result};
use crate::output::plan::{self, Render};
use crate::output::progress::Progress;
use crate::output::Held;

/// Where the configuration comes from and how its references resolve.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// pjsip.conf to read ('-' for stdin); relative #include names resolve in the file's folder
    /// unless --confdir is given
    pub file: PathBuf,
    /// More files, read after FILE in the order given, as Asterisk loads them (pjsip.conf, then
    /// pjsip_wizard.conf); type=wizard sections expand into the objects Asterisk builds
    pub more: Vec<PathBuf>,
    /// Run #exec programs named in the file (Asterisk runs them only with execincludes=yes)
    #[arg(long)]
    pub allow_exec: bool,
    /// Mark every object with @pjsipctl_owner=NAME; --prune then deletes only objects so marked
    #[arg(long, value_name = "NAME", value_parser = owner_name)]
    pub owner: Option<String>,
}

/// An owner name: printable, no blanks at its ends (it is compared byte for byte).
fn owner_name(s: &str) -> std::result::Result<String, String> {
    if s.is_empty() || s.trim() != s || s.chars().any(char::is_control) {
        return Err(
            "an owner name must be non-empty printable text without blanks at its ends".into(),
        );
    }
    Ok(s.to_string())
}

/// Push every object of a pjsip.conf, changing only what differs
#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Print the plan (+ create, ~ update, - delete) and change nothing
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Also delete stored objects of the file's types that the file does not define (asks first)
    #[arg(long)]
    pub prune: bool,
    /// Do not ask before deleting (needed for --prune without a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Push objects whose data astdb cannot hold as written (set_var, several contacts, deny/permit, ...)
    #[arg(long)]
    pub accept_loss: bool,
    /// Push objects Asterisk could not load back (an endpoint without codecs)
    #[arg(long)]
    pub force: bool,
    /// Over ARI: go on after an object fails instead of stopping there
    #[arg(long)]
    pub keep_going: bool,
    /// Over ARI: push over N connections at once (1-16); each type's objects still all
    /// finish before the next type starts (auths and aors before endpoints)
    #[arg(short = 'j', long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
    /// For logs: no line per object (nor the dry run's plan), only warnings, errors and the summary (unlike -q)
    #[arg(long)]
    pub summary_only: bool,
}

/// Read and convert the file, printing the reader's notes and warnings. Errors are left
/// in the conversion for the caller to report together with its own.
pub fn load(ctx: &Ctx, src: &SourceArgs) -> Result<Conversion> {
    let mut all = reader::Config::default();
    let mut skipped = Vec::new();
    for file in std::iter::once(&src.file).chain(&src.more) {
        let stdin = file.as_os_str() == "-";
        let opts = reader_options_for(ctx, file, src.allow_exec);
        let cfg = if stdin {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                .map_err(|e| Error::usage(format!("cannot read stdin: {e}")))?;
            withheld_stdin(&bytes);
            reader::read_bytes(&bytes, "<stdin>", &opts)
        } else {
            reader::read_file(file, &opts)
                .map_err(|e| Error::usage(format!("cannot read {}: {e}", file.display())))?
        };
        // type=wizard sections become the explicit sections the wizard builds objects from.
        let (mut cfg, mut s) = crate::wizard::expand_config(cfg, crate::wizard::role(file));
        skipped.append(&mut s);
        all.sections.append(&mut cfg.sections);
        all.files.append(&mut cfg.files);
        all.diags.append(&mut cfg.diags);
    }
    let mut conv = convert::convert(all);
    if let Some(owner) = &src.owner {
        for d in &mut conv.objects {
            crate::apply::read::mark_owner(d, owner);
        }
    }
    harden(&mut conv.diags, ctx.settings.output.strict);
    // The wizard's objects that cannot be pushed, before the converter's (file order).
    skipped.append(&mut conv.skipped);
    conv.skipped = skipped;
    print_notes(ctx, &conv);
    Ok(conv)
}

/// How the reader resolves the file's references.
pub fn reader_options(ctx: &Ctx, src: &SourceArgs) -> Options {
    reader_options_for(ctx, &src.file, src.allow_exec)
}

fn reader_options_for(ctx: &Ctx, file: &Path, allow_exec: bool) -> Options {
    let stdin = file.as_os_str() == "-";
    // Relative #include names resolve in Asterisk's config directory: --confdir when given,
    // else the folder of the file being converted (from stdin: the --confdir default).
    let confdir = if ctx.settings.confdir.given || stdin {
        ctx.settings.confdir.path.clone()
    } else {
        file.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    Options {
        confdir,
        allow_exec,
    }
}

/// The files read, then the reader's and the objects' warnings and notes (errors are
/// reported with the refusal).
pub fn print_notes(ctx: &Ctx, conv: &Conversion) {
    if conv.files.len() > 1 {
        ctx.out.status(&format!(
            "read {} files: {}",
            conv.files.len(),
            conv.files.join(", ")
        ));
    }
    // The notes every run repeats (each static section) collapse to one line unless -v.
    let is_static = |d: &crate::conf::reader::Diag| {
        d.level == Level::Note && d.message.contains("stays in the static pjsip.conf")
    };
    for d in &conv.diags {
        match d.level {
            Level::Error => {}
            Level::Warning => ctx.out.warn(&d.to_string()),
            Level::Note if is_static(d) && !ctx.settings.output.verbose => {}
            Level::Note => ctx.out.status(&format!("note: {d}")),
        }
    }
    if !ctx.settings.output.verbose {
        let names: Vec<&str> = conv
            .diags
            .iter()
            .filter(|d| is_static(d))
            .filter_map(|d| d.message.strip_prefix('[')?.split_once(']').map(|(n, _)| n))
            .collect();
        if !names.is_empty() {
            let n = names.len();
            ctx.out.status(&format!(
                "note: {n} section{} in the static file ({}); -v lists {}",
                if n == 1 { " stays" } else { "s stay" },
                names.join(", "),
                if n == 1 { "it" } else { "them" }
            ));
        }
    }
}

thread_local! {
    /// Whether stdin (read once) held secrets that pjsipctl withheld (`export`, `-o conf`).
    static STDIN_WITHHELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn withheld_stdin(bytes: &[u8]) {
    STDIN_WITHHELD.with(|c| c.set(contains_withheld(bytes)));
}

fn contains_withheld(text: &[u8]) -> bool {
    let m = crate::output::conf::WITHHELD.as_bytes();
    text.windows(m.len()).any(|w| w == m)
}

/// Whether the file was written by pjsipctl without --show-secrets (read again only
/// when a password is missing).
fn withheld_in(file: &Path) -> bool {
    if file.as_os_str() == "-" {
        return STDIN_WITHHELD.with(|c| c.get());
    }
    std::fs::read(file).is_ok_and(|t| contains_withheld(&t))
}

/// Print every problem and fail with exit 4 when there is any.
pub fn refuse_if_invalid(
    out: &crate::output::Out,
    file: &Path,
    conv: &Conversion,
    more: Vec<String>,
) -> Result<()> {
    let mut problems = Vec::new();
    let mut withheld = None;
    for d in conv.errors() {
        let mut line = d.to_string();
        if line.contains("password: no password")
            && *withheld.get_or_insert_with(|| withheld_in(file))
        {
            line.push_str(
                " — the secret was withheld when this file was written (by `pjsipctl export`, or \
                 `show`/`list` with -o conf): write it again with --show-secrets (or write the \
                 password= line into the section)",
            );
        }
        out.error(&line);
        problems.push(line);
    }
    for m in more {
        out.error(&m);
        problems.push(m);
    }
    let n = problems.len();
    if n == 0 {
        return Ok(());
    }
    let mut e = Error::invalid(format!(
        "{n} problem{} in {}: nothing was written",
        if n == 1 { "" } else { "s" },
        file.display()
    ))
    .hint("fix them and run it again; `pjsipctl diff` shows what would change");
    e.problems = problems;
    Err(e)
}

fn summary(plan: &Plan, skipped: usize, verb_prefix: &str) -> String {
    let actions: Vec<Action> = plan.changes.iter().map(|c| c.action).collect();
    summary_of(&actions, plan.unchanged, skipped, verb_prefix)
}

fn summary_of(actions: &[Action], unchanged: usize, skipped: usize, verb_prefix: &str) -> String {
    let count = |a: Action| actions.iter().filter(|x| **x == a).count();
    let recreated = count(Action::Recreate);
    format!(
        "{verb_prefix}{} created, {} updated{}, {} unchanged, {} deleted, {} skipped",
        count(Action::Create),
        count(Action::Update) + recreated,
        if recreated > 0 {
            format!(" ({recreated} by delete and create)")
        } else {
            String::new()
        },
        unchanged,
        count(Action::Delete),
        skipped
    )
}

fn note_unlisted(ctx: &Ctx, out: &Outcome, prune: bool) {
    for (ty, id, why) in &out.unprunable {
        ctx.out
            .warn(&format!("{} {id} is not pruned: {why}", ty.name));
    }
    for (ty, why) in &out.unlisted {
        if prune {
            let which = if crate::apply::prune::followed_from_endpoints(ty) {
                "only those that pruned endpoints named and nothing that stays names are pruned"
            } else {
                "none of them is pruned"
            };
            ctx.out.warn(&format!(
                "cannot list {} on this target ({why}): {which}, since pjsipctl cannot prove which \
                 others are not in the file",
                ty.plural
            ));
        }
    }
}

/// Whether the file can be read as it goes (one file, no #exec); else it is read whole.
fn streamable(src: &SourceArgs) -> bool {
    src.more.is_empty() && !src.allow_exec && src.file.as_os_str() != "-"
}

/// Whether the target takes the file in one pass (crate::apply::on_astdb, on_realtime):
/// storage pjsipctl writes itself (astdb, realtime tables) and a file read as it goes.
pub fn fits_one_pass(ctx: &Ctx, src: &SourceArgs) -> bool {
    !ctx.uses_ari() && streamable(src)
}

/// A one-pass comparison's changes on stdout, written as they come out of their spools:
/// as diff text, or as the JSON document (with the warnings given so far).
pub fn print_rendered(
    ctx: &Ctx,
    rendered: &mut Rendered<'_>,
    out: &Outcome,
    skipped: &[convert::Skipped],
    json: bool,
) -> Result<()> {
    if !json {
        let mut sink = crate::output::Sink::stdout();
        rendered.drain(&mut |t| sink.write(t)).map_err(io_err)?;
        return sink.finish().map_err(io_err);
    }
    let mut w = plan::PlanJson::to_stdout(&ctx.out, true).map_err(io_err)?;
    rendered.drain(&mut |t| w.changes(t)).map_err(io_err)?;
    let count = |a: &[Action]| {
        rendered
            .ledger
            .changes()
            .filter(|c| a.contains(&c.0))
            .count()
    };
    let summary = plan::summary_of(
        [
            count(&[Action::Create]),
            count(&[Action::Update, Action::Recreate]),
            count(&[Action::Delete]),
        ],
        out.unchanged,
        skipped.len(),
    );
    w.finish(summary, skipped, None, &ctx.out.warnings())
        .map_err(io_err)?;
    Ok(())
}

/// The file's problems, then the findings that block: reported together, exit 4.
pub fn refuse_outcome(ctx: &Ctx, file: &Path, out: &mut Outcome) -> Result<Conversion> {
    let conv = out.take_conversion();
    print_notes(ctx, &conv);
    refuse_if_invalid(&ctx.out, file, &conv, Vec::new())?;
    for w in &out.warnings {
        ctx.out.warn(w);
    }
    refuse_if_invalid(&ctx.out, file, &conv, std::mem::take(&mut out.blocking))?;
    Ok(conv)
}

/// The one-pass apply on the embedded engine (crate::apply::on_astdb), where nothing must
/// be seen whole first: reported as text, nothing to confirm. `None`: collect instead.
fn run_on_astdb(ctx: &Ctx, args: &ApplyArgs, req: Request<'_>) -> Result<Option<Exit>> {
    let file = &args.source.file;
    let json = ctx.settings.output.format == Format::Json;
    let collect = !fits_one_pass(ctx, &args.source)
        // What became of each change goes into the JSON document.
        || (json && !args.dry_run)
        // The deletes are listed above a question.
        || (args.prune && !args.yes && !args.dry_run);
    let astdb = ctx.pg_url().is_none();
    // No file to compare with: the whole-file run says so.
    if collect || (astdb && args.dry_run && !ctx.db_path()?.exists()) {
        return Ok(None);
    }
    let opts = reader_options(ctx, &args.source);
    let render = Render {
        show_secrets: ctx.settings.output.show_secrets,
    };
    // An astdb file this run creates is removed again when nothing is written to it.
    let db_path = if astdb { Some(ctx.db_path()?) } else { None };
    let existed = db_path.as_ref().is_none_or(|p| p.exists());
    let mut db = ctx.local(if args.dry_run {
        Access::Read
    } else {
        Access::Create
    })?;
    let target = db.describe();
    let read = std::sync::atomic::AtomicU64::new(0);
    let source = Source::File {
        path: file,
        opts: &opts,
        read: &read,
    };
    // The file is read as it goes, so its object count is known only at its end: the
    // bar's total is estimated from the share of the file read so far.
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    let verb = if args.dry_run {
        "comparing with"
    } else {
        "applying to"
    };
    let mut bar = Progress::new(
        &ctx.out,
        (size > 0).then_some(0),
        format!("{verb} {target}"),
    );
    let done = db.run(
        source,
        req,
        args.dry_run.then(|| Rendered::new(&render, json)),
        &mut |n| {
            let (n, done) = (n as u64, read.load(std::sync::atomic::Ordering::Relaxed));
            if let Some(total) = n.saturating_mul(size).checked_div(done) {
                bar.set_length(total.max(n));
            }
            bar.set(n)
        },
    );
    bar.finish();
    drop(db);
    // Nothing written means no new file either.
    let committed = matches!(&done, Ok(Some((o, ..))) if !o.refused()) && !args.dry_run;
    if let (false, false, Some(path)) = (committed, existed, &db_path) {
        let _ = std::fs::remove_file(path);
    }
    let (mut out, ledger, rendered) = match done {
        Ok(Some(done)) => done,
        Ok(None) => return Ok(None),
        Err(e) => {
            let mut err = Error::new(
                e.exit,
                format!(
                    "{}; nothing was written (the apply is one transaction)",
                    e.report()
                ),
            );
            err.hint = e.hint;
            return Err(err);
        }
    };
    let conv = refuse_outcome(ctx, file, &mut out)?;
    let skipped = conv.skipped.len();
    let actions = ledger.actions();
    if let Some(mut rendered) = rendered {
        if json || !args.summary_only {
            print_rendered(ctx, &mut rendered, &out, &conv.skipped, json)?;
        }
        ctx.out.summary(&summary_of(
            &actions,
            out.unchanged,
            skipped,
            "dry run, nothing written: would be ",
        ));
        return Ok(Some(Exit::Ok));
    }
    if actions.is_empty() {
        ctx.out.summary(&format!(
            "{target} is up to date: {}",
            summary_of(&actions, out.unchanged, skipped, "")
        ));
        return Ok(Some(Exit::Ok));
    }
    if args.keep_going {
        ctx.out.warn("--keep-going has no effect on the embedded engine: an apply is one transaction, all or nothing");
    }
    confirmations(ctx, args, &ledger)?;
    ctx.out
        .summary(&summary_of(&actions, out.unchanged, skipped, ""));
    Ok(Some(Exit::Ok))
}

/// One line per object written, on stderr as push and delete give theirs; -q and
/// --summary-only leave them out. Written as it goes: 300,000 lines need not be held.
fn confirmations(ctx: &Ctx, args: &ApplyArgs, ledger: &Ledger) -> Result<()> {
    if ctx.settings.output.quiet || args.summary_only {
        return Ok(());
    }
    let mut o = std::io::BufWriter::new(std::io::stderr().lock());
    for (action, ty, id) in ledger.changes() {
        writeln!(o, "{} {} {id}", verb(action), ty.name).map_err(io_err)?;
    }
    o.flush().map_err(io_err)
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Recreate => "re-created",
        Action::Delete => "deleted",
    }
}

/// The whole file's plan against any target: the same pipeline, its changes collected
/// (crate::apply::Collected) before anything is written. `detail`: every change's
/// resulting attributes (to display them).
pub fn collect(
    ctx: &Ctx,
    src: &SourceArgs,
    req: Request<'_>,
    pool: Pool,
    detail: bool,
) -> Result<Collection> {
    let conv = load(ctx, src)?;
    refuse_if_invalid(&ctx.out, &src.file, &conv, Vec::new())?;
    // With --jobs over ARI: the target resolved once (its warnings said once), one client
    // for the listings and N workers.
    let (mut backend, mut workers) = match pool {
        Pool::Open(jobs, access) => ctx.backend_pool(jobs, access)?,
        Pool::Opened(opened, held) => {
            ctx.out.release(held);
            opened?
        }
    };
    let mut lookup =
        crate::apply::stored::Remote::new(backend.as_mut(), &mut workers, ctx.stored_as());
    let mut sink = Collected::new(detail);
    let mut out = crate::apply::run(
        Source::Whole(conv),
        None,
        &mut lookup,
        &mut sink,
        req,
        &mut |_| {},
    )?
    .expect("a whole conversion is never handed over");
    drop(lookup);
    let plan = sink.plan(&out);
    let conv = refuse_outcome_quiet(ctx, &src.file, &mut out)?;
    Ok(Collection {
        out,
        plan,
        conv,
        backend,
        workers,
    })
}

/// The target [`collect`] compares with: opened there (--jobs, access), or opened already by
/// a one pass that handed the file over ([`compare_over_ari`]), what opening it said held back.
pub enum Pool {
    Open(u16, Access),
    Opened(Result<(Box<dyn Backend>, Workers)>, Held),
}

/// A comparison over ARI done in one pass: its outcome (the file's notes and the warnings
/// already said), its rendered changes, and the target's description.
pub struct Compared<'r> {
    pub out: Outcome,
    pub rendered: Rendered<'r>,
    pub conv: Conversion,
    pub target: String,
}

/// diff and `apply --dry-run` over ARI in one pass, as on the embedded engine: the file read
/// as it goes, each object compared with what the target answers (over the --jobs workers),
/// the changes rendered as they come, so that memory does not follow the file. Stderr says
/// what the collecting run says, in its order. Whatever the one pass does not end cleanly
/// (the file handed over, a problem or refusal in it, a target that fails) is collected
/// instead (`Err`), from the start, with the target already opened: its output is then
/// exactly the collecting run's (which refuses a faulty file before opening the target).
pub fn compare_over_ari<'r>(
    ctx: &Ctx,
    src: &SourceArgs,
    req: Request<'_>,
    jobs: u16,
    render: &'r Render,
) -> std::result::Result<Compared<'r>, Pool> {
    // A password prompt comes after the file is read, as before.
    if !ctx.uses_ari() || !streamable(src) || ctx.asks_password() {
        return Err(Pool::Open(jobs, Access::Read));
    }
    // What opening says (a password file's mode, insecure = true) belongs after the file's
    // notes, which the one pass knows only at the end.
    ctx.out.hold();
    let opened = ctx.backend_pool(jobs, Access::Read);
    let held = ctx.out.held();
    let (mut backend, mut workers) = match opened {
        Ok(o) => o,
        Err(e) => return Err(Pool::Opened(Err(e), held)),
    };
    let opts = reader_options(ctx, src);
    let json = ctx.settings.output.format == Format::Json;
    let mut rendered = Rendered::new(render, json);
    let done = {
        let mut lookup =
            crate::apply::stored::Remote::new(backend.as_mut(), &mut workers, ctx.stored_as());
        let source = Source::File {
            path: &src.file,
            opts: &opts,
            read: &std::sync::atomic::AtomicU64::new(0),
        };
        crate::apply::run(source, None, &mut lookup, &mut rendered, req, &mut |_| {})
    };
    let mut out = match done {
        Ok(Some(out)) if !out.refused() => out,
        _ => return Err(Pool::Opened(Ok((backend, workers)), held)),
    };
    let conv = out.take_conversion();
    print_notes(ctx, &conv);
    ctx.out.release(held);
    for w in &out.warnings {
        ctx.out.warn(w);
    }
    // In type order, as the collecting run meets the file's types.
    out.unlisted.sort_by_key(|(ty, _)| ty.position());
    Ok(Compared {
        out,
        rendered,
        conv,
        target: backend.describe(),
    })
}

/// A collected plan, with the target it was made against.
pub struct Collection {
    pub out: Outcome,
    pub plan: Plan,
    pub conv: Conversion,
    pub backend: Box<dyn crate::backend::Backend>,
    pub workers: crate::commands::Workers,
}

/// [`refuse_outcome`] for a conversion whose notes were printed when it was read.
fn refuse_outcome_quiet(ctx: &Ctx, file: &Path, out: &mut Outcome) -> Result<Conversion> {
    let conv = out.take_conversion();
    for w in &out.warnings {
        ctx.out.warn(w);
    }
    refuse_if_invalid(&ctx.out, file, &conv, std::mem::take(&mut out.blocking))?;
    Ok(conv)
}

pub fn run(ctx: &Ctx, args: &ApplyArgs) -> Result<Exit> {
    let req = Request {
        rules: ctx.rules(args.accept_loss, args.force),
        prune: args.prune,
        owner: args.source.owner.as_deref(),
    };
    if let Some(exit) = run_on_astdb(ctx, args, req)? {
        return Ok(exit);
    }
    let json = ctx.settings.output.format == Format::Json;
    let render = Render {
        show_secrets: ctx.settings.output.show_secrets,
    };
    let pool = if args.dry_run {
        match compare_over_ari(ctx, &args.source, req, args.jobs, &render) {
            Ok(mut c) => {
                note_unlisted(ctx, &c.out, args.prune);
                if json || !args.summary_only {
                    print_rendered(ctx, &mut c.rendered, &c.out, &c.conv.skipped, json)?;
                }
                ctx.out.summary(&summary_of(
                    &c.rendered.ledger.actions(),
                    c.out.unchanged,
                    c.conv.skipped.len(),
                    "dry run, nothing written: would be ",
                ));
                return Ok(Exit::Ok);
            }
            Err(pool) => pool,
        }
    } else {
        Pool::Open(args.jobs, Access::Create)
    };
    let Collection {
        out,
        plan,
        conv,
        mut backend,
        workers,
    } = collect(ctx, &args.source, req, pool, args.dry_run || json)?;
    let skipped = conv.skipped.len();
    note_unlisted(ctx, &out, args.prune);
    if args.dry_run {
        match ctx.settings.output.format {
            Format::Json => {
                plan::print_json(&ctx.out, &render, &plan, (None, &conv.skipped), &[], None)
                    .map_err(io_err)?
            }
            _ if args.summary_only => {}
            _ => {
                let text = render.text(&plan);
                if !text.is_empty() {
                    ctx.out.data(&text).map_err(io_err)?;
                }
            }
        }
        ctx.out.summary(&summary(
            &plan,
            skipped,
            "dry run, nothing written: would be ",
        ));
        return Ok(Exit::Ok);
    }
    if plan.is_empty() {
        // A job parses stdout: one document even when there is nothing to do.
        if json {
            plan::print_json(
                &ctx.out,
                &render,
                &plan,
                (Some(&[]), &conv.skipped),
                &[],
                None,
            )
            .map_err(io_err)?;
        }
        ctx.out.summary(&format!(
            "{} is up to date: {}",
            backend.describe(),
            summary(&plan, skipped, "")
        ));
        return Ok(Exit::Ok);
    }
    let deletes = plan.count(Action::Delete);
    if deletes > 0 && !args.yes {
        // What the answer decides, above the question (on stderr, with it).
        let mut list = format!("apply would change {}:\n", backend.describe());
        for c in &plan.changes {
            let sign = match c.action {
                Action::Create => '+',
                Action::Update | Action::Recreate => '~',
                Action::Delete => '-',
            };
            list.push_str(&format!("  {sign} {} {}\n", c.ty.name, c.id));
        }
        ctx.out.lines(&list);
    }
    if deletes > 0
        && !ctx.confirm(
            &format!(
                "delete {deletes} object{} from {} that {} does not define?",
                if deletes == 1 { "" } else { "s" },
                backend.describe(),
                args.source.file.display()
            ),
            args.yes,
        )?
    {
        ctx.out.status("cancelled: nothing written");
        return Ok(Exit::CANCELLED);
    }
    let transactional = !ctx.uses_ari();
    if transactional && args.keep_going {
        ctx.out.warn("--keep-going has no effect on the embedded engine: an apply is one transaction, all or nothing");
    }
    let total_ops: usize = plan.changes.iter().map(|c| Plan::ops_of(c).len()).sum();
    let mut bar = if total_ops > 50 {
        Progress::new(
            &ctx.out,
            Some(total_ops as u64),
            format!("applying to {}", backend.describe()),
        )
    } else {
        Progress::hidden()
    };
    let mut tick = |n: usize| bar.set(n as u64);
    let (status, warnings, errors) = execute::execute(
        backend.as_mut(),
        &plan,
        Execution {
            transactional,
            keep_going: args.keep_going,
            progress: &mut tick,
            workers,
        },
    );
    bar.finish();
    if !transactional {
        for w in &warnings {
            ctx.out.warn(w);
        }
    }
    // The error the run ends with, if any (built first: with -o json it goes into the document).
    let failure = errors.first().map(|(first_idx, first)| {
        let applied = status.iter().filter(|s| **s == Status::Applied).count();
        let mut msg = if transactional {
            format!(
                "{}; nothing was written (the apply is one transaction)",
                first.report()
            )
        } else {
            let c = &plan.changes[*first_idx];
            format!(
                "{} {}: {}; {applied} of {} changes were applied{}",
                c.ty.name,
                c.id,
                first.report(),
                plan.changes.len(),
                if errors.len() > 1 {
                    format!(", {} failed", errors.len())
                } else {
                    String::new()
                }
            )
        };
        if !transactional {
            msg.push_str(" (run apply again to finish: it only pushes what still differs)");
        }
        let mut err = Error::new(first.exit, msg);
        err.hint = first.hint.clone();
        err
    });
    // What was applied, one line per object.
    match ctx.settings.output.format {
        Format::Json => {
            plan::print_json(
                &ctx.out,
                &render,
                &plan,
                (Some(&status), &conv.skipped),
                &errors,
                failure.as_ref(),
            )
            .map_err(io_err)?;
        }
        _ if args.summary_only => {}
        _ => {
            let mut report = String::new();
            for (c, st) in plan.changes.iter().zip(&status) {
                let verb = match st {
                    Status::Applied => verb(c.action),
                    Status::Failed => "FAILED",
                    Status::NotRun => continue,
                };
                // -q leaves out the confirmations, never a failure.
                if ctx.settings.output.quiet && *st != Status::Failed {
                    continue;
                }
                report.push_str(&format!("{verb} {} {}\n", c.ty.name, c.id));
            }
            // Confirmations on stderr, as push and delete give theirs.
            ctx.out.lines(&report);
        }
    }
    let Some(err) = failure else {
        ctx.out.summary(&summary(&plan, skipped, ""));
        return Ok(Exit::Ok);
    };
    for (i, e) in errors.iter().skip(1) {
        let c = &plan.changes[*i];
        let line = format!("{} {}: {}", c.ty.name, c.id, e.report());
        ctx.out.error(&line);
    }
    Err(err)
}
