//! `apply` on the embedded engine in one pass: each section is converted, compared with
//! its stored row and written as soon as the reader hands it over, inside one write
//! transaction. Memory follows the templates rather than the file, each object is built
//! and serialised once, and nothing can change between the comparison and the write.
//! Anything unusual (a file that looks back at a handed-over section, a type not mapped
//! to astdb) rolls back and leaves the work to the planner in `sync`.

use std::path::Path;

use crate::backend::embedded::Embedded;
use crate::backend::{Op, PushOptions};
use crate::commands::apply::{harden, judge_all};
use crate::conf::convert::{Conversion, Converter, Desired, Skipped};
use crate::conf::reader::{self, Diag, Level, Options, Streamed};
use crate::error::Result;
use crate::model::Objectset;
use crate::output::plan::Render;
use crate::policy;
use crate::schema::{TypeDef, TYPES};
use crate::store::Writer;
use crate::sync::{self, Action, Plan};

/// What to read and how to treat what astdb cannot hold.
pub struct Request<'a> {
    pub path: &'a Path,
    pub opts: &'a Options,
    /// What the user allows; the same for apply, its dry run and diff.
    pub rules: policy::Rules,
    pub prune: bool,
    /// `diff` and `apply --dry-run`: write nothing, render each change.
    pub compare: Option<&'a Render>,
    /// Bytes of the file read so far (a progress bar estimates the total from it).
    pub read: &'a std::sync::atomic::AtomicU64,
}

/// What a one-pass apply did; when `committed` is false, nothing was written.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<String>,
    /// The reader's remarks, then the objects' problems.
    pub diags: Vec<Diag>,
    pub skipped: Vec<Skipped>,
    /// astdb findings that block the apply, and those that only warn.
    pub blocking: Vec<String>,
    pub warnings: Vec<String>,
    /// The pushes by type (index in TYPES), each in file order.
    pushes: Vec<Vec<(Action, String)>>,
    /// The deletes of --prune, in the planner's order.
    deletes: Vec<(&'static TypeDef, String)>,
    /// Comparing: each type's changes as the plan's text, and its defaults.
    texts: Vec<String>,
    defaults: Vec<Option<Objectset>>,
    pub unchanged: usize,
    pub committed: bool,
    /// References of what is written, checked once the whole file is known.
    refs: Vec<Ref>,
}

/// A reference an object to be written makes: where it was defined, and what it names.
#[derive(Debug)]
struct Ref {
    rank: usize,
    origin: String,
    object: (&'static str, String),
    attr: &'static str,
    target: &'static TypeDef,
    name: String,
}

impl Outcome {
    /// What the file held besides its objects (files read, problems, skipped sections),
    /// for the reports the planner's path prints.
    pub fn take_conversion(&mut self) -> Conversion {
        Conversion {
            objects: Vec::new(),
            skipped: std::mem::take(&mut self.skipped),
            diags: std::mem::take(&mut self.diags),
            files: std::mem::take(&mut self.files),
        }
    }

    /// Comparing: the changes as `Render::text` prints a plan.
    pub fn text(&self) -> String {
        let mut s = self.texts.concat();
        for (ty, id) in &self.deletes {
            s.push_str(&format!("- {} {id}\n", ty.name));
        }
        s
    }

    /// The changes in the planner's order: pushes by type, then file order; deletes last.
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
}

/// Objects per message from the reading thread.
const BATCH: usize = 64;

/// One object of the file, built on the reading thread.
struct Item {
    rank: usize,
    desired: Desired,
    key: String,
    row: String,
}

/// What the reading thread leaves behind.
struct Read {
    end: std::io::Result<Streamed>,
    conv: Converter,
    types_seen: Vec<bool>,
    fallback: bool,
}

/// Read, convert and serialise on one thread while the caller's compares, checks and
/// writes: the two halves take about as long, and a provisioning host has two cores.
fn read_file(
    req: &Request<'_>,
    families: &[Option<String>],
    tx: std::sync::mpsc::SyncSender<Vec<Item>>,
) -> Read {
    // An object takes about 70 bytes of a typical file.
    let size = std::fs::metadata(req.path).map_or(0, |m| m.len() as usize);
    let mut conv = Converter::with_capacity((size / 70).min(1 << 20));
    let mut types_seen = vec![false; TYPES.len()];
    let mut fallback = false;
    let mut stopped = false;
    // Items go over in batches: one wake-up of the writer per batch, not per object.
    let mut batch = Vec::with_capacity(BATCH);
    let role = crate::wizard::role(req.path);
    let end = reader::stream_file(req.path, req.opts, req.read, &mut |sec| {
        // Wizard files are expanded by the planner's reader (crate::wizard), which also
        // leaves out what pjsip_wizard.conf holds besides wizard sections.
        let wizard = match role {
            crate::wizard::Role::Plain => false,
            crate::wizard::Role::Wizard => true,
            crate::wizard::Role::Both => crate::wizard::is_wizard(&sec),
        };
        if fallback || wizard {
            fallback = true;
            return;
        }
        let Some(d) = conv.section(sec) else { return };
        let r = d.ty.position();
        types_seen[r] = true;
        let Some(family) = &families[r] else {
            // Read-only through sorcery.conf: the planner explains that.
            fallback = true;
            return;
        };
        if stopped || (conv.failed() && req.compare.is_none()) {
            // Refused at the end anyway: only the problems are still collected.
            return;
        }
        let key = format!("/{family}/{}", d.id);
        let row = d.object.row_json();
        let item = Item {
            rank: r,
            desired: d,
            key,
            row,
        };
        batch.push(item);
        if batch.len() == BATCH {
            // The writer stopped at a storage failure: nothing more is needed from here.
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            stopped = tx.send(full).is_err();
        }
    });
    if !batch.is_empty() && !stopped {
        let _ = tx.send(batch);
    }
    Read {
        end,
        conv,
        types_seen,
        fallback,
    }
}

/// Apply the file in one transaction. `None`: rolled back, read it whole and plan instead.
/// `progress` gets the number of objects handled so far, now and then.
pub fn apply(
    db: &mut Embedded,
    req: &Request<'_>,
    progress: &mut dyn FnMut(usize),
) -> Result<Option<Outcome>> {
    let families: Vec<Option<String>> = TYPES.iter().map(|t| db.family(t)).collect();
    let push_opts = PushOptions { rules: req.rules };
    let flags = req.rules;
    let mut body = |w: &Writer<'_>| {
        let mut out = Outcome {
            pushes: vec![Vec::new(); TYPES.len()],
            texts: vec![String::new(); TYPES.len()],
            defaults: vec![None; TYPES.len()],
            ..Default::default()
        };
        let mut warnings: Vec<(usize, String)> = Vec::new();
        // Types with nothing stored when the apply began: their objects need no lookup
        // (the file defines each object once, and the write lock keeps others out).
        let mut empty: Vec<Option<bool>> = vec![None; TYPES.len()];
        let mut failure = None;
        let mut pending = Pending::default();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(8);
        let read = std::thread::scope(|s| {
            let reading = s.spawn(|| read_file(req, &families, tx));
            for (n, item) in rx.iter().flatten().enumerate() {
                if n % 1024 == 0 {
                    progress(n);
                }
                let done = match req.compare {
                    Some(render) => compare_item(
                        w,
                        item,
                        (&mut empty, &families),
                        (render, flags),
                        &mut out,
                        &mut warnings,
                    ),
                    None => write_item(
                        w,
                        item,
                        &mut empty,
                        &families,
                        &mut pending,
                        (push_opts, flags),
                        &mut out,
                        &mut warnings,
                    ),
                };
                if let Err(e) = done {
                    failure = Some(e);
                    break;
                }
            }
            drop(rx);
            reading.join().expect("the reading thread")
        });
        let Read {
            end,
            mut conv,
            types_seen,
            fallback,
        } = read;
        let (files, diags) = match end {
            _ if fallback => return Ok((None, false)),
            // The planner reads it again and says why it cannot.
            Err(_) | Ok(Streamed::Revisit) => return Ok((None, false)),
            Ok(Streamed::Done { files, diags }) => (files, diags),
        };
        if let Some(e) = failure {
            return Err(e);
        }
        pending.flush(w)?;
        out.files = files;
        out.diags = diags;
        out.diags.append(&mut conv.diags);
        harden(&mut out.diags, req.rules.strict);
        out.skipped = std::mem::take(&mut conv.skipped);
        // A reference is satisfied by the file or by what was stored before it.
        for r in std::mem::take(&mut out.refs) {
            let stored = || match families[r.target.position()].as_ref() {
                Some(f) => w.get(&format!("/{f}/{}", r.name)).map(|v| v.is_some()),
                None => Ok(false),
            };
            if conv.defines(r.target, &r.name) || stored()? {
                continue;
            }
            let f = policy::missing_reference(
                (r.object.0, &r.object.1),
                r.attr,
                r.target.name,
                &r.name,
            );
            match req.rules.judge(&f) {
                Ok(m) => warnings.push((r.rank, format!("{}: {m}", r.origin))),
                Err(m) => out.blocking.push(format!("{}: {m}", r.origin)),
            }
        }
        let invalid = out.diags.iter().any(|d| d.level == Level::Error);
        // The planner's order: by type (stable, so file order within one).
        warnings.sort_by_key(|w| w.0);
        out.warnings = warnings.into_iter().map(|(_, m)| m).collect();
        if invalid || !out.blocking.is_empty() {
            return Ok((Some(out), false));
        }
        if req.prune {
            for (r, ty) in TYPES.iter().enumerate().rev() {
                let Some(family) = families[r].as_ref().filter(|_| types_seen[r]) else {
                    continue;
                };
                for key in w.family_keys(family)? {
                    let id = &key[family.len() + 2..];
                    if !conv.defines(ty, id) {
                        if req.compare.is_none() {
                            w.delete(&key)?;
                        }
                        out.deletes.push((ty, id.to_string()));
                    }
                }
            }
        }
        out.committed = req.compare.is_none();
        let commit = out.committed;
        Ok((Some(out), commit))
    };
    match req.compare {
        None => db.astdb().write_if(body),
        Some(_) => db.astdb().read(|w| body(w).map(|(o, _)| o)),
    }
}

/// `diff` and `apply --dry-run`: what writing this object would change, rendered; its
/// traps count as for an apply (only for what would be written), so both predict it.
fn compare_item(
    w: &Writer<'_>,
    item: Item,
    (empty, families): (&mut [Option<bool>], &[Option<String>]),
    (render, flags): (&Render, policy::Rules),
    out: &mut Outcome,
    warnings: &mut Vec<(usize, String)>,
) -> Result<()> {
    let r = item.rank;
    let d = &item.desired;
    let change = match stored_row(w, &item, empty, families)? {
        Some(s) if s == item.row => None,
        None => sync::change_for(d, None, false, true),
        Some(s) => sync::change_for(d, Some(sync::row_set(d.ty, &d.id, &s)), false, true),
    };
    let Some(c) = change else {
        out.unchanged += 1;
        return Ok(());
    };
    traps(&item, flags, r, out, warnings);
    let defaults =
        out.defaults[r].get_or_insert_with(|| crate::schema::rules::defaults(d.ty).objectset());
    render.change_text(&c, defaults, &mut out.texts[r]);
    out.pushes[r].push((c.action, item.desired.id));
    Ok(())
}

/// An item's astdb traps (policy::check on the row it holds), as blocking messages and
/// warnings; `order` places the warnings among the others.
fn traps(
    item: &Item,
    rules: policy::Rules,
    order: usize,
    out: &mut Outcome,
    warnings: &mut Vec<(usize, String)>,
) {
    let d = &item.desired;
    let mut warns = Vec::new();
    let findings = policy::check_with_row(&d.object, &item.row, rules.remote);
    judge_all(d, findings, rules, &mut warns, &mut out.blocking);
    for (attr, target, name) in policy::references(&d.object) {
        out.refs.push(Ref {
            rank: order,
            origin: d.origin.to_string(),
            object: (d.ty.name, d.id.clone()),
            attr,
            target,
            name,
        });
    }
    warnings.extend(warns.into_iter().map(|m| (order, m)));
}

/// The stored row of an item (no lookup for a type that held nothing at the start).
fn stored_row(
    w: &Writer<'_>,
    item: &Item,
    empty: &mut [Option<bool>],
    families: &[Option<String>],
) -> Result<Option<String>> {
    let r = item.rank;
    Ok(match empty[r] {
        Some(true) => None,
        Some(false) => w.get(&item.key)?,
        None => {
            let family = families[r].as_deref().unwrap_or_default();
            let e = w.family_is_empty(family)?;
            empty[r] = Some(e);
            if e {
                None
            } else {
                w.get(&item.key)?
            }
        }
    })
}

/// Compare one object with its stored row and write what differs.
#[allow(clippy::too_many_arguments)]
fn write_item(
    w: &Writer<'_>,
    item: Item,
    empty: &mut [Option<bool>],
    families: &[Option<String>],
    pending: &mut Pending,
    (push_opts, flags): (PushOptions, policy::Rules),
    out: &mut Outcome,
    warnings: &mut Vec<(usize, String)>,
) -> Result<()> {
    let r = item.rank;
    let d = &item.desired;
    let stored = stored_row(w, &item, empty, families)?;
    // An absent object is created from the row at hand; a stored one that differs
    // is changed as the planner would change it.
    let change = match stored {
        Some(s) if s == item.row => None,
        None => Some(None),
        Some(s) => {
            let current = Some(sync::row_set(d.ty, &d.id, &s));
            sync::change_for(d, current, false, false).map(Some)
        }
    };
    let Some(change) = change else {
        out.unchanged += 1;
        return Ok(());
    };
    // The astdb traps matter for what is written.
    traps(&item, flags, r, out, warnings);
    let action = match &change {
        Some(c) => {
            run_ops(w, &item.key, c, push_opts)?;
            c.action
        }
        // The object is the file's, built once: its row is what a push would store.
        None => {
            pending.put(w, item.key, item.row)?;
            Action::Create
        }
    };
    out.pushes[r].push((action, item.desired.id));
    Ok(())
}

/// An update (or delete and create) of a stored object, as the planner's batch runs it.
/// (The push's own warnings repeat the conversion's, which are already reported.)
fn run_ops(w: &Writer<'_>, key: &str, change: &sync::Change, _: PushOptions) -> Result<()> {
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

/// New rows, written a few megabytes at a time in key order: a user's auth, aor and
/// endpoint sit far apart in the table, and SQLite appends in order much faster than it
/// inserts here and there.
#[derive(Default)]
struct Pending {
    rows: Vec<(String, String)>,
    bytes: usize,
}

impl Pending {
    const LIMIT: usize = 4 << 20;

    fn put(&mut self, w: &Writer<'_>, key: String, row: String) -> Result<()> {
        self.bytes += key.len() + row.len();
        self.rows.push((key, row));
        if self.bytes > Self::LIMIT {
            self.flush(w)?;
        }
        Ok(())
    }

    fn flush(&mut self, w: &Writer<'_>) -> Result<()> {
        self.rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (k, v) in self.rows.drain(..) {
            w.put(&k, &v)?;
        }
        self.bytes = 0;
        Ok(())
    }
}
