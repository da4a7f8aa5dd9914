//! `pjsipctl apply FILE`: make the target hold what a pjsip.conf says (issue 5).
//!
//! The file is read as Asterisk reads it and every object is built offline first; all
//! problems are reported at once and nothing is written while any remains. Then the plan
//! pushes only what differs, in the order PJSIP needs, in one transaction on the embedded
//! engine (over ARI: object by object, stopping at the first failure unless --keep-going).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::backend::PushOptions;
use crate::cli::Format;
use crate::commands::{io_err, Access, Ctx};
use crate::conf::convert::{self, Conversion, Desired};
use crate::conf::reader::{self, Level, Options};
use crate::error::{Error, Exit, Result};
use crate::output::plan::{self, Render};
use crate::output::progress::Progress;
use crate::policy::{self, Rules};
use crate::sync::{self, Action, Execution, Plan, Status};

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

/// The extended attribute `--owner` marks objects with.
pub const OWNER_MARK: &str = "@pjsipctl_owner";

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
        // Pushed last, so it is the object's newest extended attribute, as Sorcery links it.
        for d in &mut conv.objects {
            d.fields.push(convert::SrcField {
                attr: crate::model::Attr::new(OWNER_MARK, owner.as_str()),
                origin: d.origin.clone(),
                inherited: false,
            });
            d.object.set_extended(OWNER_MARK, owner);
        }
    }
    harden(&mut conv.diags, ctx.global.strict);
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
    let confdir = if confdir_given() || stdin {
        ctx.global.confdir.clone()
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
            Level::Note if is_static(d) && !ctx.global.verbose => {}
            Level::Note => ctx.out.status(&format!("note: {d}")),
        }
    }
    if !ctx.global.verbose {
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

/// Whether the global --confdir was set (flag or PJSIPCTL_CONFDIR) rather than defaulted.
fn confdir_given() -> bool {
    std::env::var_os("PJSIPCTL_CONFDIR").is_some_and(|v| !v.is_empty())
        || std::env::args_os()
            .any(|a| a == "--confdir" || a.to_string_lossy().starts_with("--confdir="))
}

/// The astdb traps (policy::check) judged by the user's rules: warnings are printed, the
/// messages that block the apply are returned. `only`: the objects that would be written.
/// A reference counts as satisfied when the file defines its object or `stored` finds it.
pub fn traps(
    ctx: &Ctx,
    conv: &Conversion,
    rules: Rules,
    only: Option<&std::collections::HashSet<(&str, &str)>>,
    stored: &mut dyn FnMut(&'static crate::schema::TypeDef, &str) -> bool,
) -> Vec<String> {
    let defined: std::collections::HashSet<(&str, &str)> = conv
        .objects
        .iter()
        .map(|d| (d.ty.name, d.id.as_str()))
        .collect();
    let mut blocking = Vec::new();
    for d in &conv.objects {
        if only.is_some_and(|o| !o.contains(&(d.ty.name, d.id.as_str()))) {
            continue;
        }
        let mut findings = policy::check_for(&d.object, &rules);
        for (attr, rty, name) in policy::references(&d.object) {
            if !defined.contains(&(rty.name, name.as_str())) && !stored(rty, &name) {
                findings.push(policy::missing_reference(
                    (d.ty.name, &d.id),
                    attr,
                    rty.name,
                    &name,
                ));
            }
        }
        let mut warnings = Vec::new();
        judge_all(d, findings, rules, &mut warnings, &mut blocking);
        for w in &warnings {
            ctx.out.warn(w);
        }
    }
    blocking
}

/// One object's findings as messages naming where it was defined: a warning where the
/// rules allow it, else a blocking message naming the flag.
pub fn judge_all(
    d: &Desired,
    findings: Vec<policy::Finding>,
    rules: Rules,
    warnings: &mut Vec<String>,
    blocking: &mut Vec<String>,
) {
    for f in findings {
        match rules.judge(&f) {
            Ok(m) => warnings.push(format!("{}: {m}", d.origin)),
            Err(m) => blocking.push(format!("{}: {m}", d.origin)),
        }
    }
}

/// With --strict, the reader's and converter's warnings are errors.
pub fn harden(diags: &mut [reader::Diag], strict: bool) {
    if !strict {
        return;
    }
    for d in diags.iter_mut().filter(|d| d.level == Level::Warning) {
        d.level = Level::Error;
        d.message.push_str(" (an error with --strict)");
    }
}

thread_local! {
    /// Whether stdin (read once) held secrets that `export` withheld.
    static STDIN_WITHHELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn withheld_stdin(bytes: &[u8]) {
    STDIN_WITHHELD.with(|c| c.set(contains_withheld(bytes)));
}

fn contains_withheld(text: &[u8]) -> bool {
    let m = crate::output::conf::WITHHELD.as_bytes();
    text.windows(m.len()).any(|w| w == m)
}

/// Whether the file was written by `export` without --show-secrets (read again only
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
                " — the secret was withheld by `pjsipctl export`: export again with --show-secrets \
                 (or write the password= line into the section)",
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

fn note_unlisted(ctx: &Ctx, plan: &Plan, prune: bool) {
    for (ty, id, why) in &plan.unprunable {
        ctx.out
            .warn(&format!("{} {id} is not pruned: {why}", ty.name));
    }
    for (ty, why) in &plan.unlisted {
        if prune {
            let which = if crate::sync::followed_from_endpoints(ty) {
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

/// PJSIPCTL_ONE_PASS=0 sends apply and diff through the planner (which holds the whole
/// file): an escape hatch, and how the tests compare the two.
pub fn one_pass_off() -> bool {
    std::env::var_os("PJSIPCTL_ONE_PASS").is_some_and(|v| v == "0")
}

/// Why the one-pass reader hands a file to the planner.
pub const HANDED_OVER: &str =
    "the one-pass reader handed the file over (a section adds to or inherits from one \
     already handed over, or a problem the planner words)";

/// The planner instead of the one pass (`None`), or with PJSIPCTL_ONE_PASS=1 a usage error
/// saying why: so a test knows which path ran, and no fallback goes unnoticed.
pub fn to_planner(why: &str) -> Result<Option<Exit>> {
    if std::env::var_os("PJSIPCTL_ONE_PASS").is_some_and(|v| v == "1") {
        return Err(Error::usage(format!(
            "PJSIPCTL_ONE_PASS=1, but this runs through the planner: {why}"
        )));
    }
    Ok(None)
}

/// The one-pass apply (crate::stream) where it gives what the planner gives: a file into
/// the embedded engine, applied for real, reported as text, nothing to confirm.
/// `None`: plan instead.
fn run_streamed(ctx: &Ctx, args: &ApplyArgs) -> Result<Option<Exit>> {
    let file = &args.source.file;
    if one_pass_off() {
        return Ok(None);
    }
    // Targets without an astdb file first: the checks below read its path.
    if ctx.uses_ari() {
        return to_planner("ARI");
    }
    if ctx.pg_url().is_some() {
        return to_planner("PostgreSQL");
    }
    let planner = [
        (!args.source.more.is_empty(), "several files"),
        (args.source.owner.is_some(), "--owner"),
        (ctx.global.output == Format::Json, "-o json"),
        (
            args.prune && !args.yes && !args.dry_run,
            "--prune without --yes",
        ),
        (args.source.allow_exec, "--allow-exec"),
        (file.as_os_str() == "-", "stdin"),
        // No file to compare with: the planner says so (or reads static objects).
        (
            args.dry_run && !ctx.db_path()?.exists(),
            "a dry run without an astdb file",
        ),
    ];
    if let Some((_, why)) = planner.iter().find(|(on, _)| *on) {
        return to_planner(why);
    }
    let opts = reader_options(ctx, &args.source);
    let render = Render {
        show_secrets: ctx.global.show_secrets,
    };
    let db_path = ctx.db_path()?;
    let existed = db_path.exists();
    let mut db = ctx.embedded(if args.dry_run {
        Access::Read
    } else {
        Access::Create
    })?;
    // Nothing written means no new file either.
    let forget = |committed: bool| {
        if !committed && !existed {
            let _ = std::fs::remove_file(&db_path);
        }
    };
    let read = std::sync::atomic::AtomicU64::new(0);
    let req = crate::stream::Request {
        path: file,
        opts: &opts,
        rules: ctx.rules(args.accept_loss, args.force),
        prune: args.prune,
        compare: args.dry_run.then_some(&render),
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
        format!("{verb} astdb {}", db_path.display()),
    );
    let out = crate::stream::apply(&mut db, &req, &mut |n| {
        let (n, done) = (n as u64, read.load(std::sync::atomic::Ordering::Relaxed));
        if let Some(total) = n.saturating_mul(size).checked_div(done) {
            bar.set_length(total.max(n));
        }
        bar.set(n)
    });
    bar.finish();
    drop(db);
    forget(matches!(&out, Ok(Some(o)) if o.committed));
    let mut out = match out {
        Ok(Some(out)) => out,
        Ok(None) => return to_planner(HANDED_OVER),
        Err(e) => {
            let mut err = Error::new(
                e.exit,
                format!(
                    "{}; nothing was written (the apply is one transaction)",
                    e.message
                ),
            );
            err.hint = e.hint;
            return Err(err);
        }
    };
    let conv = out.take_conversion();
    print_notes(ctx, &conv);
    refuse_if_invalid(&ctx.out, file, &conv, Vec::new())?;
    for w in &out.warnings {
        ctx.out.warn(w);
    }
    refuse_if_invalid(&ctx.out, file, &conv, std::mem::take(&mut out.blocking))?;
    let skipped = conv.skipped.len();
    let actions: Vec<Action> = out.changes().map(|c| c.0).collect();
    if args.dry_run {
        let text = out.text();
        if !text.is_empty() && !args.summary_only {
            ctx.out.data(&text).map_err(io_err)?;
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
            "astdb {} is up to date: {}",
            db_path.display(),
            summary_of(&actions, out.unchanged, skipped, "")
        ));
        return Ok(Some(Exit::Ok));
    }
    if args.keep_going {
        ctx.out.warn("--keep-going has no effect on the embedded engine: an apply is one transaction, all or nothing");
    }
    // Confirmations on stderr, as push and delete give theirs; -q and --summary-only leave
    // them out. Written as it goes: 300,000 lines need not be held.
    let mut o = std::io::BufWriter::new(std::io::stderr().lock());
    for (action, ty, id) in out
        .changes()
        .filter(|_| !ctx.global.quiet && !args.summary_only)
    {
        let verb = match action {
            Action::Create => "created",
            Action::Update => "updated",
            Action::Recreate => "re-created",
            Action::Delete => "deleted",
        };
        writeln!(o, "{verb} {} {id}", ty.name).map_err(io_err)?;
    }
    o.flush().map_err(io_err)?;
    drop(o);
    ctx.out
        .summary(&summary_of(&actions, out.unchanged, skipped, ""));
    Ok(Some(Exit::Ok))
}

pub fn run(ctx: &Ctx, args: &ApplyArgs) -> Result<Exit> {
    if let Some(exit) = run_streamed(ctx, args)? {
        return Ok(exit);
    }
    let conv = load(ctx, &args.source)?;
    refuse_if_invalid(&ctx.out, &args.source.file, &conv, Vec::new())?;
    let skipped = conv.skipped.len();
    // With --jobs over ARI: the target resolved once (its warnings said once), one client
    // for the plan's listings and N workers.
    let (mut backend, mut workers) = ctx.backend_pool(
        args.jobs,
        if args.dry_run {
            Access::Read
        } else {
            Access::Create
        },
    )?;
    let plan = sync::plan_with(
        backend.as_mut(),
        &mut workers,
        &conv.objects,
        args.prune.then_some(sync::Prune {
            owner: args.source.owner.as_deref(),
        }),
        ctx.stored_as(),
        args.dry_run || ctx.global.output == Format::Json,
    )?;
    // The astdb traps matter for what will be written; an object already stored as the
    // file says is left alone.
    let changing: std::collections::HashSet<(&str, &str)> = plan
        .changes
        .iter()
        .map(|c| (c.ty.name, c.id.as_str()))
        .collect();
    let blocking = traps(
        ctx,
        &conv,
        ctx.rules(args.accept_loss, args.force),
        Some(&changing),
        &mut |t, id| backend.get(t, id).is_ok(),
    );
    if !blocking.is_empty() {
        refuse_if_invalid(&ctx.out, &args.source.file, &conv, blocking)?;
    }
    note_unlisted(ctx, &plan, args.prune);
    let render = Render {
        show_secrets: ctx.global.show_secrets,
    };
    if args.dry_run {
        match ctx.global.output {
            Format::Json => ctx
                .out
                .document(render.json(&plan, None, &conv.skipped))
                .map_err(io_err)?,
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
        if ctx.global.output == Format::Json {
            ctx.out
                .document(render.json(&plan, Some(&[]), &conv.skipped))
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
    let (status, warnings, errors) = sync::execute(
        backend.as_mut(),
        &plan,
        Execution {
            opts: PushOptions {
                rules: ctx.rules(args.accept_loss, args.force),
            },
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
                first.message
            )
        } else {
            let c = &plan.changes[*first_idx];
            format!(
                "{} {}: {}; {applied} of {} changes were applied{}",
                c.ty.name,
                c.id,
                first.message,
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
    match ctx.global.output {
        Format::Json => {
            let mut doc = render.json(&plan, Some(&status), &conv.skipped);
            plan::json_errors(&mut doc, &errors, failure.as_ref());
            ctx.out.document(doc).map_err(io_err)?;
        }
        _ if args.summary_only => {}
        _ => {
            let mut report = String::new();
            for (c, st) in plan.changes.iter().zip(&status) {
                let verb = match (st, c.action) {
                    (Status::Applied, Action::Create) => "created",
                    (Status::Applied, Action::Update) => "updated",
                    (Status::Applied, Action::Recreate) => "re-created",
                    (Status::Applied, Action::Delete) => "deleted",
                    (Status::Failed, _) => "FAILED",
                    (Status::NotRun, _) => continue,
                };
                // -q leaves out the confirmations, never a failure.
                if ctx.global.quiet && *st != Status::Failed {
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
        let line = format!("{} {}: {}", c.ty.name, c.id, e.message);
        ctx.out.error(&line);
    }
    Err(err)
}
