//! `apply`, `apply --dry-run` and `diff` as one pipeline. The file's objects flow in as the
//! reader hands them over (read.rs); each is compared with what the target holds
//! (stored.rs) and becomes a change (plan.rs); a sink decides what happens to it:
//!
//! - [`Written`]: stored at once inside the astdb transaction the apply holds open
//!   (realtime.rs: the same on realtime tables);
//! - [`Rendered`]: printed as diff text (nothing written);
//! - [`Collected`]: kept as a plan, to confirm, print as JSON or carry out (execute.rs)
//!   over ARI, on realtime tables, or in one astdb transaction.
//!
//! The astdb traps, the references and `--prune` (prune.rs) are judged here, once.

pub mod execute;
pub mod plan;
pub mod prune;
pub mod read;
pub mod realtime;
pub mod stored;

use crate::backend::embedded::Embedded;
use crate::backend::Op;
use crate::conf::convert::{Conversion, Converter, Skipped};
use crate::conf::reader::{Diag, Level};
use crate::error::Result;
use crate::model::Objectset;
use crate::output::plan::Render;
use crate::policy::{self, Verdict};
use crate::schema::{TypeDef, TYPES};
use crate::store::Writer;

use plan::{change_for, Action, Change, Plan, StoredAs};
use prune::{Unprunable, Wanted};
use read::{Item, Source};
use stored::{Current, Lookup};

/// The extended attribute `--owner` marks objects with.
pub const OWNER_MARK: &str = "@pjsipctl_owner";

/// What the user asked for; the same for apply, its dry run and diff.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub rules: policy::Rules,
    pub prune: bool,
    /// `--owner`: objects are marked with it, and only marked ones are pruned.
    pub owner: Option<&'a str>,
}

/// What a run found besides the changes (the sink holds those).
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<String>,
    /// The reader's remarks, then the objects' problems.
    pub diags: Vec<Diag>,
    pub skipped: Vec<Skipped>,
    /// Findings that block the apply, and those that only warn (in the order PJSIP needs).
    pub blocking: Vec<String>,
    pub warnings: Vec<String>,
    pub unchanged: usize,
    /// The file's types the target cannot list, with why: nothing of them is pruned.
    pub unlisted: Vec<(&'static TypeDef, String)>,
    pub unprunable: Unprunable,
}

impl Outcome {
    /// Whether anything stops the apply (the file's problems, or what the rules refuse).
    pub fn refused(&self) -> bool {
        !self.blocking.is_empty() || self.diags.iter().any(|d| d.level == Level::Error)
    }

    /// What the file held besides its objects, for the reports.
    pub fn take_conversion(&mut self) -> Conversion {
        Conversion {
            objects: Vec::new(),
            skipped: std::mem::take(&mut self.skipped),
            diags: std::mem::take(&mut self.diags),
            files: std::mem::take(&mut self.files),
        }
    }
}

/// Where the changes go.
pub trait Sink {
    /// Whether an absent object is written from its row as it is (no change computed).
    fn takes_rows(&self) -> bool {
        false
    }
    /// Whether a change needs every attribute it results in (for display).
    fn detail(&self) -> bool;
    /// Whether the sink writes (after the file's first problem, nothing more is sent).
    fn writes(&self) -> bool {
        false
    }
    /// One object that differs: `None` is a create from the item's row (`takes_rows`).
    /// The item goes on to have its traps judged: take from it only what is kept.
    fn change(&mut self, item: &mut Item, change: Option<Change>) -> Result<()>;
    /// A delete of `--prune`.
    fn delete(&mut self, change: Change) -> Result<()>;
}

/// What was (or would be) done, by type in the order PJSIP needs; deletes last.
#[derive(Debug, Clone)]
pub struct Ledger {
    pushes: Vec<Vec<(Action, String)>>,
    deletes: Vec<(&'static TypeDef, String)>,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger {
            pushes: vec![Vec::new(); TYPES.len()],
            deletes: Vec::new(),
        }
    }
}

impl Ledger {
    pub fn changes(&self) -> impl Iterator<Item = (Action, &'static TypeDef, &str)> + '_ {
        let pushes = self
            .pushes
            .iter()
            .enumerate()
            .flat_map(|(r, v)| v.iter().map(move |(a, id)| (*a, &TYPES[r], id.as_str())));
        let deletes = self
            .deletes
            .iter()
            .map(|(ty, id)| (Action::Delete, *ty, id.as_str()));
        pushes.chain(deletes)
    }

    pub fn actions(&self) -> Vec<Action> {
        self.changes().map(|c| c.0).collect()
    }
}

/// Writes into the astdb transaction as changes come.
pub struct Written<'w, 'c> {
    w: &'w Writer<'c>,
    families: &'w [Option<String>],
    pending: Pending,
    pub ledger: Ledger,
}

impl<'w, 'c> Written<'w, 'c> {
    /// (The changes were judged as they came: writing runs no policy.)
    pub fn new(w: &'w Writer<'c>, families: &'w [Option<String>]) -> Self {
        Written {
            w,
            families,
            pending: Pending::default(),
            ledger: Ledger::default(),
        }
    }

    /// Write what is still held back; before the transaction commits.
    pub fn flush(&mut self) -> Result<()> {
        self.pending.flush(self.w)
    }
}

impl Sink for Written<'_, '_> {
    fn takes_rows(&self) -> bool {
        true
    }
    fn detail(&self) -> bool {
        false
    }
    fn writes(&self) -> bool {
        true
    }

    fn change(&mut self, item: &mut Item, change: Option<Change>) -> Result<()> {
        let action = match change {
            Some(c) => {
                run_ops(self.w, &item.key, &c)?;
                c.action
            }
            // The object is the file's, built once: its row is what a push would store.
            None => {
                let (key, row) = (std::mem::take(&mut item.key), std::mem::take(&mut item.row));
                self.pending.put(self.w, item.rank, key, row)?;
                Action::Create
            }
        };
        let id = std::mem::take(&mut item.desired.id);
        self.ledger.pushes[item.rank].push((action, id));
        Ok(())
    }

    fn delete(&mut self, c: Change) -> Result<()> {
        if let Some(f) = &self.families[c.ty.position()] {
            self.w.delete(&format!("/{f}/{}", c.id))?;
        }
        self.ledger.deletes.push((c.ty, c.id));
        Ok(())
    }
}

/// Text kept until the end, on disk past a few megabytes: the rendered changes of one
/// type, which print only after those of the types before it.
#[derive(Default)]
pub struct Spool {
    mem: String,
    file: Option<std::fs::File>,
}

impl Spool {
    const LIMIT: usize = 4 << 20;

    fn push(&mut self, text: &str) -> Result<()> {
        self.mem.push_str(text);
        if self.mem.len() > Self::LIMIT {
            self.spill().map_err(spool_error)?;
        }
        Ok(())
    }

    fn spill(&mut self) -> std::io::Result<()> {
        use std::io::Write;
        let f = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(tempfile::tempfile()?),
        };
        f.write_all(self.mem.as_bytes())?;
        self.mem.clear();
        Ok(())
    }

    /// Hand the text over in pieces, in the order it came.
    pub fn drain(&mut self, f: &mut dyn FnMut(&str) -> std::io::Result<()>) -> std::io::Result<()> {
        use std::io::{BufRead, Seek};
        if let Some(mut file) = self.file.take() {
            file.rewind()?;
            let mut r = std::io::BufReader::with_capacity(1 << 16, file);
            let mut line = String::new();
            while r.read_line(&mut line)? > 0 {
                f(&line)?;
                line.clear();
            }
        }
        f(&std::mem::take(&mut self.mem))
    }
}

fn spool_error(e: std::io::Error) -> crate::error::Error {
    crate::error::Error::storage(format!(
        "cannot keep the rendered changes in a temporary file: {e}"
    ))
}

/// The changes rendered for diff and `apply --dry-run`: as text, or as the elements of
/// the JSON document. Each type's apart, so that they print in the order PJSIP needs.
pub struct Rendered<'r> {
    render: &'r Render,
    json: bool,
    spools: Vec<Spool>,
    defaults: Vec<Option<Objectset>>,
    pub ledger: Ledger,
}

impl<'r> Rendered<'r> {
    pub fn new(render: &'r Render, json: bool) -> Self {
        Rendered {
            render,
            json,
            spools: (0..TYPES.len()).map(|_| Spool::default()).collect(),
            defaults: vec![None; TYPES.len()],
            ledger: Ledger::default(),
        }
    }

    /// The changes as `Render::text` prints a plan, or the JSON document's elements as
    /// `PlanJson::changes` takes them, in pieces.
    pub fn drain(&mut self, f: &mut dyn FnMut(&str) -> std::io::Result<()>) -> std::io::Result<()> {
        for spool in &mut self.spools {
            spool.drain(f)?;
        }
        for (ty, id) in &self.ledger.deletes {
            let text = if self.json {
                let c = prune::delete_change(ty, id, None);
                crate::output::plan::element(&self.render.change_json(&c, &Objectset::new(), None))
            } else {
                format!("- {} {id}\n", ty.name)
            };
            f(&text)?;
        }
        Ok(())
    }
}

impl Sink for Rendered<'_> {
    fn detail(&self) -> bool {
        true
    }

    fn change(&mut self, item: &mut Item, change: Option<Change>) -> Result<()> {
        let r = item.rank;
        let c = change.expect("a rendered change is computed");
        let defaults = self.defaults[r]
            .get_or_insert_with(|| crate::schema::rules::defaults(c.ty).objectset());
        let mut text = String::new();
        if self.json {
            let v = self.render.change_json(&c, defaults, None);
            text = crate::output::plan::element(&v);
        } else {
            self.render.change_text(&c, defaults, &mut text);
        }
        self.spools[r].push(&text)?;
        self.ledger.pushes[r].push((c.action, c.id));
        Ok(())
    }

    fn delete(&mut self, c: Change) -> Result<()> {
        self.ledger.deletes.push((c.ty, c.id));
        Ok(())
    }
}

/// The changes kept whole, to be confirmed, printed or carried out later.
#[derive(Default)]
pub struct Collected {
    detail: bool,
    pushes: Vec<Vec<Change>>,
    deletes: Vec<Change>,
}

impl Collected {
    pub fn new(detail: bool) -> Self {
        Collected {
            detail,
            pushes: (0..TYPES.len()).map(|_| Vec::new()).collect(),
            deletes: Vec::new(),
        }
    }

    /// The plan: pushes in the order PJSIP needs (file order within a type), then deletes.
    pub fn plan(self, out: &Outcome) -> Plan {
        let mut changes: Vec<Change> = self.pushes.into_iter().flatten().collect();
        changes.extend(self.deletes);
        Plan {
            changes,
            unchanged: out.unchanged,
        }
    }
}

impl Sink for Collected {
    fn detail(&self) -> bool {
        self.detail
    }

    fn change(&mut self, item: &mut Item, change: Option<Change>) -> Result<()> {
        self.pushes[item.rank].push(change.expect("a collected change is computed"));
        Ok(())
    }

    fn delete(&mut self, c: Change) -> Result<()> {
        self.deletes.push(c);
        Ok(())
    }
}

/// A reference an object to be written makes, checked once the whole file is known.
struct Ref {
    rank: usize,
    /// Formatted only for a message.
    origin: crate::conf::reader::Origin,
    object: (&'static str, String),
    attr: &'static str,
    target: &'static TypeDef,
    name: String,
}

/// The astdb traps of the objects that differ and their references, judged in the order
/// the objects came.
#[derive(Default)]
struct Traps {
    blocking: Vec<String>,
    refs: Vec<Ref>,
    warnings: Vec<(usize, String)>,
}

impl Traps {
    /// An item's astdb traps (policy::check on its row), as blocking messages and
    /// warnings; its references (those the reader left open) are checked at the end.
    fn judge(&mut self, item: &mut Item, rules: policy::Rules) {
        let refs = item
            .refs
            .take()
            .unwrap_or_else(|| policy::references(&item.desired.object));
        let d = &item.desired;
        let findings = if rules.realtime {
            // The realtime tables keep what astdb loses (policy::check_for).
            policy::check_for(&d.object, &rules)
        } else {
            // (A sink that writes has taken the row: it is made again only if needed.)
            let row = Some(item.row.as_str()).filter(|r| !r.is_empty());
            policy::check_with_row(&d.object, row, rules.remote)
        };
        let mut warns = Vec::new();
        judge_all(d, findings, rules, &mut warns, &mut self.blocking);
        for (attr, target, name) in refs {
            self.refs.push(Ref {
                rank: item.rank,
                origin: d.origin.clone(),
                object: (d.ty.name, d.object.id.clone()),
                attr,
                target,
                name,
            });
        }
        self.warnings
            .extend(warns.into_iter().map(|m| (item.rank, m)));
    }
}

/// The items handed to a thread of its own that judges their traps while the next ones are
/// compared and written: judging costs about as much as writing, and a result is only needed
/// at the end (an apply that is refused then rolls back).
/// Its batches come back empty to be filled again: a new one for every 64 items was fresh
/// memory for the writing thread each time (the kernel zeroing its pages).
struct Checker {
    tx: std::sync::mpsc::SyncSender<Vec<Item>>,
    spent: std::sync::mpsc::Receiver<Vec<Item>>,
    batch: Vec<Item>,
}

impl Checker {
    fn send(&mut self, item: Item) {
        self.batch.push(item);
        if self.batch.len() == read::BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let empty = self
            .spent
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(read::BATCH));
        let full = std::mem::replace(&mut self.batch, empty);
        // A checking thread that is gone panicked: joining it says so.
        let _ = self.tx.send(full);
    }

    /// Judge items on the receiving end until the sender is dropped. Each batch goes `back`
    /// to the reading thread that made its items, to be freed there (it then hands the
    /// vector on to `spent`); where that is full, the items are freed here and the vector
    /// goes to `spent` itself.
    fn judge_all(
        rx: std::sync::mpsc::Receiver<Vec<Item>>,
        spent: std::sync::mpsc::SyncSender<Vec<Item>>,
        back: std::sync::mpsc::SyncSender<Vec<Item>>,
        rules: policy::Rules,
    ) -> Traps {
        let mut traps = Traps::default();
        for mut batch in rx {
            for item in batch.iter_mut() {
                traps.judge(item, rules);
            }
            if let Err(
                std::sync::mpsc::TrySendError::Full(mut batch)
                | std::sync::mpsc::TrySendError::Disconnected(mut batch),
            ) = back.try_send(batch)
            {
                batch.clear();
                let _ = spent.try_send(batch);
            }
        }
        traps
    }
}

/// The pipeline's state while objects pass.
struct Run<'a> {
    req: Request<'a>,
    out: Outcome,
    /// Whether `wanted` is kept: for --prune, or where no converter knows the file's objects.
    track: bool,
    wanted: Wanted,
    traps: Traps,
    /// Where the traps are judged on a thread of their own.
    checker: Option<Checker>,
}

impl Run<'_> {
    /// Compare one object with what is stored and hand what differs to the sink.
    fn item(&mut self, mut item: Item, lookup: &mut dyn Lookup, sink: &mut dyn Sink) -> Result<()> {
        if self.track {
            self.wanted.add(&item.desired, self.req.owner);
        }
        let stored_as = lookup.stored_as();
        if stored_as == StoredAs::Astdb {
            item.with_row();
        }
        let current = lookup.current(&item)?;
        let change = match current {
            // The row pjsipctl would write is already there, byte for byte.
            Current::Row(r) if stored_as == StoredAs::Astdb && r == item.row => {
                self.out.unchanged += 1;
                return Ok(());
            }
            // The target reads back the very object the file defines.
            Current::Object(o)
                if o.vals == item.desired.object.vals && o.ext == item.desired.object.ext =>
            {
                self.out.unchanged += 1;
                return Ok(());
            }
            Current::Absent if sink.takes_rows() => None,
            c => {
                let d = &item.desired;
                match change_for(d, c.into_set(d.ty, &d.id), stored_as, sink.detail()) {
                    Some(c) => Some(c),
                    None => {
                        self.out.unchanged += 1;
                        return Ok(());
                    }
                }
            }
        };
        sink.change(&mut item, change)?;
        // The astdb traps matter for what is written.
        match &mut self.checker {
            Some(c) => c.send(item),
            None => self.traps.judge(&mut item, self.req.rules),
        }
        Ok(())
    }

    /// After the last object: the references, then (unless refused) the prune.
    /// `conv`: the streamed file's converter, which knows every object the file defines
    /// (also those not sent after a problem).
    fn finish(
        mut self,
        conv: Option<&Converter>,
        lookup: &mut dyn Lookup,
        sink: &mut dyn Sink,
    ) -> Result<Outcome> {
        // A reference is satisfied by the file or by what was stored before it.
        self.out.blocking.append(&mut self.traps.blocking);
        for r in std::mem::take(&mut self.traps.refs) {
            let defined = self.wanted.contains(r.target.name, &r.name)
                || conv.is_some_and(|c| c.defines(r.target, &r.name));
            if defined || lookup.exists(r.target, &r.name)? {
                continue;
            }
            let f = policy::missing_reference(
                (r.object.0, &r.object.1),
                r.attr,
                r.target.name,
                &r.name,
            );
            match self.req.rules.judge(&f) {
                Verdict::Warning(m) => self
                    .traps
                    .warnings
                    .push((r.rank, format!("{}: {m}", r.origin))),
                Verdict::Refusal(m) => self.out.blocking.push(format!("{}: {m}", r.origin)),
            }
        }
        // In the order PJSIP needs (stable, so file order within a type).
        let mut warnings = std::mem::take(&mut self.traps.warnings);
        warnings.sort_by_key(|w| w.0);
        self.out.warnings = warnings.into_iter().map(|(_, m)| m).collect();
        self.out.unlisted = lookup.unlisted();
        if self.out.refused() || !self.req.prune {
            return Ok(self.out);
        }
        let (deletes, unprunable) = prune::deletes(lookup, &self.wanted, self.req.owner)?;
        self.out.unprunable = unprunable;
        for c in deletes {
            sink.delete(c)?;
        }
        Ok(self.out)
    }
}

/// Items the one pass hands to one prefetch at most, where the reader is ahead.
const PREFETCH: usize = 512;

/// Run the file's objects through the pipeline. `None`: the file was handed over (it looks
/// back at a section already handed over, or needs reading whole): nothing was done, run
/// again with `Source::Whole`. `families`: the astdb families, for a sink that writes rows.
pub fn run(
    source: Source<'_>,
    families: Option<&[Option<String>]>,
    lookup: &mut dyn Lookup,
    sink: &mut dyn Sink,
    req: Request<'_>,
    progress: &mut dyn FnMut(usize),
) -> Result<Option<Outcome>> {
    let mut run = Run {
        req,
        out: Outcome::default(),
        track: req.prune || matches!(source, Source::Whole(_)),
        wanted: Wanted::default(),
        traps: Traps::default(),
        checker: None,
    };
    let mut streamed = None;
    match source {
        Source::File { path, opts, read } => {
            let mut failure = None;
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(8);
            // Judged items back to the reading thread; emptied vectors on to this one.
            let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(4);
            let (stx, srx) = std::sync::mpsc::sync_channel::<Vec<Item>>(18);
            let spare_tx = stx.clone();
            let keep_going = !sink.writes();
            let read = std::thread::scope(|s| {
                let reading = s.spawn(|| {
                    read::stream(
                        (path, opts, read),
                        families,
                        req.owner,
                        keep_going,
                        tx,
                        Some(read::Spent {
                            judged: back_rx,
                            emptied: spare_tx,
                        }),
                    )
                });
                let (ctx, crx) = std::sync::mpsc::sync_channel::<Vec<Item>>(16);
                let rules = req.rules;
                let checking = s.spawn(move || Checker::judge_all(crx, stx, back_tx, rules));
                run.checker = Some(Checker {
                    tx: ctx,
                    spent: srx,
                    batch: Vec::with_capacity(read::BATCH),
                });
                let mut n = 0;
                let ahead = lookup.read_ahead();
                let gather = lookup.prefetches();
                for mut batch in rx.iter() {
                    // Over --jobs connections, a full read-ahead: each waits for its slowest GET.
                    while batch.len() < ahead {
                        match rx.recv() {
                            Ok(more) => batch.extend(more),
                            Err(_) => break,
                        }
                    }
                    // With what else the reader has ready: a prefetch reads them all at once
                    // (on PostgreSQL, one round trip per table instead of one per batch).
                    while gather && batch.len() < PREFETCH {
                        match rx.try_recv() {
                            Ok(more) => batch.extend(more),
                            Err(_) => break,
                        }
                    }
                    let done = lookup.prefetch(&batch).and_then(|()| {
                        for item in batch {
                            if n % 1024 == 0 {
                                progress(n);
                            }
                            n += 1;
                            run.item(item, lookup, sink)?;
                        }
                        Ok(())
                    });
                    if let Err(e) = done {
                        failure = Some(e);
                        break;
                    }
                }
                drop(rx);
                // Its last items, then its sender dropped: the checking thread ends.
                if let Some(mut c) = run.checker.take() {
                    c.flush();
                }
                let traps = checking.join().expect("the checking thread");
                (reading.join().expect("the reading thread"), traps)
            });
            let (read, traps) = read;
            run.traps = traps;
            let Some((files, diags)) = read.end else {
                return Ok(None);
            };
            if let Some(e) = failure {
                return Err(e);
            }
            let mut conv = read.conv;
            run.out.files = files;
            run.out.diags = diags;
            run.out.diags.append(&mut conv.diags);
            harden(&mut run.out.diags, req.rules.strict);
            run.out.skipped = std::mem::take(&mut conv.skipped);
            streamed = Some(conv);
        }
        Source::Whole(conv) => {
            // In the order PJSIP needs, as the target is read and the plan is carried out.
            let mut objects = conv.objects;
            objects.sort_by_key(|d| d.ty.position());
            run.out.files = conv.files;
            run.out.diags = conv.diags;
            run.out.skipped = conv.skipped;
            let mut n = 0;
            let mut objects = objects.into_iter().peekable();
            while objects.peek().is_some() {
                let batch: Vec<Item> = objects
                    .by_ref()
                    .take(lookup.read_ahead().max(256))
                    .map(|d| Item::new(d, families))
                    .collect();
                lookup.prefetch(&batch)?;
                for item in batch {
                    progress(n);
                    n += 1;
                    run.item(item, lookup, sink)?;
                }
            }
        }
    }
    run.finish(streamed.as_ref(), lookup, sink).map(Some)
}

/// What the one-pass run gives back: the outcome, what was (or would be) done, and for a
/// comparison its rendered changes.
pub type OnAstdb<'r> = (Outcome, Ledger, Option<Rendered<'r>>);

/// The one-pass apply on the embedded engine: compare and write each object in one
/// transaction as the file is read (`render`: compare only, rendered as text or JSON).
/// `Ok(None)`: handed over, nothing written.
pub fn on_astdb<'r>(
    db: &mut Embedded,
    source: Source<'_>,
    req: Request<'_>,
    render: Option<Rendered<'r>>,
    progress: &mut dyn FnMut(usize),
) -> Result<Option<OnAstdb<'r>>> {
    let families = read::families(db);
    let families = &families[..];
    match render {
        None => db.astdb().write_if(|w| {
            let mut lookup = stored::InTransaction::new(w, families);
            let mut sink = Written::new(w, families);
            let Some(out) = run(
                source,
                Some(families),
                &mut lookup,
                &mut sink,
                req,
                progress,
            )?
            else {
                return Ok((None, false));
            };
            if out.refused() {
                return Ok((Some((out, Ledger::default(), None)), false));
            }
            sink.flush()?;
            Ok((Some((out, sink.ledger, None)), true))
        }),
        Some(mut sink) => db.astdb().read(|w| {
            let mut lookup = stored::InTransaction::new(w, families);
            let out = run(
                source,
                Some(families),
                &mut lookup,
                &mut sink,
                req,
                progress,
            )?;
            Ok(out.map(|o| (o, sink.ledger.clone(), Some(sink))))
        }),
    }
}

/// One object's findings as messages naming where it was defined: a warning where the
/// rules allow it, else a blocking message naming the flag.
pub fn judge_all(
    d: &crate::conf::convert::Desired,
    findings: Vec<policy::Finding>,
    rules: policy::Rules,
    warnings: &mut Vec<String>,
    blocking: &mut Vec<String>,
) {
    for f in findings {
        match rules.judge(&f) {
            Verdict::Warning(m) => warnings.push(format!("{}: {m}", d.origin)),
            Verdict::Refusal(m) => blocking.push(format!("{}: {m}", d.origin)),
        }
    }
}

/// With --strict, the reader's and converter's warnings are errors.
pub fn harden(diags: &mut [Diag], strict: bool) {
    if !strict {
        return;
    }
    for d in diags.iter_mut().filter(|d| d.level == Level::Warning) {
        d.level = Level::Error;
        d.message.push_str(" (an error with --strict)");
    }
}

/// An update (or delete and create) of a stored object, as a plan's batch runs it.
/// (The push's own warnings repeat the conversion's, which are already reported.)
fn run_ops(w: &Writer<'_>, key: &str, change: &Change) -> Result<()> {
    for op in Plan::ops_of(change) {
        match op {
            Op::Push { ty, id, fields } => {
                Embedded::push_in(w, ty, key, &id, &fields, false)?;
            }
            Op::Delete { .. } => {
                w.delete(key)?;
            }
        }
    }
    Ok(())
}

/// New rows, written half a megabyte at a time in key order: a user's auth, aor and
/// endpoint sit far apart in the table, and SQLite appends runs of one family in order
/// much faster than it inserts here and there. Runs of half a megabyte append nearly as
/// fast as the whole table sorted, and keep each pause short (the reader waits during
/// one) and the last one, after the file is read, too.
/// Kept by type: a type's rows usually come in key order already, so the runs of each
/// are merged rather than the whole sorted.
#[derive(Default)]
struct Pending {
    by_type: Vec<Vec<(String, String)>>,
    rows: Vec<(String, String)>,
    bytes: usize,
}

impl Pending {
    const LIMIT: usize = 512 << 10;

    fn put(&mut self, w: &Writer<'_>, rank: usize, key: String, row: String) -> Result<()> {
        self.bytes += key.len() + row.len();
        if self.by_type.len() <= rank {
            self.by_type.resize_with(rank + 1, Vec::new);
        }
        self.by_type[rank].push((key, row));
        if self.bytes > Self::LIMIT {
            self.flush(w)?;
        }
        Ok(())
    }

    fn flush(&mut self, w: &Writer<'_>) -> Result<()> {
        for rows in &mut self.by_type {
            self.rows.append(rows);
        }
        // A stable sort finds the runs already in order and merges them.
        self.rows.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, v) in self.rows.drain(..) {
            w.put(&k, &v)?;
        }
        self.bytes = 0;
        w.start_writeback();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Backend, Coverage, Listed, Pushed};
    use crate::error::Error;
    use crate::model::Attr;

    /// A target that cannot list anything and holds nothing.
    struct Unlisting {
        gets: usize,
    }

    impl Backend for Unlisting {
        fn describe(&self) -> String {
            "unlisting".into()
        }
        fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
            self.gets += 1;
            Err(Error::not_found(format!("{} {id}", ty.name)))
        }
        fn push(&mut self, _: &'static TypeDef, _: &str, _: &[Attr]) -> Result<Pushed> {
            unreachable!("collecting pushes nothing")
        }
        fn delete(&mut self, _: &'static TypeDef, _: &str) -> Result<()> {
            unreachable!("collecting deletes nothing")
        }
        fn list(&mut self, _: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
            Ok((Vec::new(), Coverage::Unavailable("cannot list".into())))
        }
    }

    #[test]
    fn objects_are_read_one_by_one_where_the_target_cannot_list() {
        let conv = crate::conf::convert::convert(crate::conf::reader::read_str(
            "[e]\ntype=endpoint\nallow=ulaw\n[a]\ntype=aor\n",
            "t.conf",
            &crate::conf::reader::Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        ));
        let mut target = Unlisting { gets: 0 };
        let mut lookup = stored::Remote::new(&mut target, &mut [], StoredAs::Ari);
        let mut sink = Collected::new(false);
        let req = Request {
            rules: policy::Rules::default(),
            prune: true,
            owner: None,
        };
        let out = run(
            Source::Whole(conv),
            None,
            &mut lookup,
            &mut sink,
            req,
            &mut |_| {},
        )
        .unwrap()
        .unwrap();
        let plan = sink.plan(&out);
        // In the order PJSIP needs: the aor before the endpoint that names none.
        let got: Vec<(Action, &str)> = plan.changes.iter().map(|c| (c.action, c.ty.name)).collect();
        assert_eq!(got, [(Action::Create, "aor"), (Action::Create, "endpoint")]);
        // Nothing is pruned where nothing could be listed, and the user is told why.
        assert_eq!(out.unlisted.len(), 2);
        assert_eq!(target.gets, 2);
    }
}
