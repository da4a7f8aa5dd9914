//! `apply` on the embedded engine in one pass: each section is converted, compared with
//! its stored row and written as soon as the reader hands it over, inside one write
//! transaction. Memory follows the templates rather than the file, each object is built
//! and serialised once, and nothing can change between the comparison and the write.
//! Anything unusual (a file that looks back at a handed-over section, a type not mapped
//! to astdb) rolls back and leaves the work to the planner in `sync`.

use std::path::Path;

use crate::backend::embedded::Embedded;
use crate::backend::{Op, PushOptions};
use crate::conf::convert::{Converter, Skipped};
use crate::conf::reader::{self, Diag, Level, Options, Streamed};
use crate::error::Result;
use crate::policy;
use crate::schema::{TypeDef, TYPES};
use crate::sync::{self, Action, Plan};

/// What to read and how to treat what astdb cannot hold.
pub struct Request<'a> {
    pub data: &'a [u8],
    /// The name shown in origins.
    pub name: &'a str,
    /// The file itself, when it is one (include cycles are found through it).
    pub path: Option<&'a Path>,
    pub opts: &'a Options,
    pub accept_loss: bool,
    pub force: bool,
    pub prune: bool,
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
    /// The changes, in the planner's order: by type, then file order; deletes last.
    pub changes: Vec<(Action, &'static TypeDef, String)>,
    pub unchanged: usize,
    pub committed: bool,
}

fn rank(ty: &TypeDef) -> usize {
    TYPES
        .iter()
        .position(|t| std::ptr::eq(t, ty))
        .unwrap_or(usize::MAX)
}

/// Apply the file in one transaction. `None`: rolled back, read it whole and plan instead.
pub fn apply(db: &mut Embedded, req: &Request<'_>) -> Result<Option<Outcome>> {
    let families: Vec<Option<String>> = TYPES.iter().map(|t| db.family(t)).collect();
    let push_opts = PushOptions {
        force: req.force,
        checked: true,
    };
    let flags = (req.accept_loss, req.force, false);
    db.astdb().write_if(|w| {
        let mut out = Outcome::default();
        let mut conv = Converter::default();
        let mut changes: Vec<(usize, Action, &'static TypeDef, String)> = Vec::new();
        let mut warnings: Vec<(usize, String)> = Vec::new();
        let mut types_seen = vec![false; TYPES.len()];
        let mut failure = None;
        let mut fallback = false;
        let end = reader::stream(req.data, req.name, req.path, req.opts, &mut |sec| {
            if failure.is_some() || fallback {
                return;
            }
            let Some(d) = conv.section(sec) else { return };
            let r = rank(d.ty);
            types_seen[r] = true;
            let Some(family) = &families[r] else {
                // Read-only through sorcery.conf: the planner explains that.
                fallback = true;
                return;
            };
            if conv.failed() {
                // Refused at the end anyway: only the problems are still collected.
                return;
            }
            let key = format!("/{family}/{}", d.id);
            let row = d.object.row_json();
            let stored = match w.get(&key) {
                Ok(s) => s,
                Err(e) => return failure = Some(e),
            };
            let change = match stored {
                Some(s) if s == row => None,
                None => Some(sync::change_for(&d, None, false, false)),
                Some(s) => {
                    let current = Some(sync::row_set(d.ty, &d.id, &s));
                    Some(sync::change_for(&d, current, false, false))
                }
            };
            let Some(Some(change)) = change else {
                out.unchanged += 1;
                return;
            };
            let mut warns = Vec::new();
            let findings = policy::check(&d.object);
            crate::commands::apply::sort_findings(
                &d,
                findings,
                flags,
                &mut warns,
                &mut out.blocking,
            );
            warnings.extend(warns.into_iter().map(|m| (r, m)));
            let done = if change.action == Action::Create {
                // The object is the file's, built once: its row is what a push would store.
                w.put(&key, &row)
            } else {
                run_ops(w, &key, &change, push_opts)
            };
            if let Err(e) = done {
                return failure = Some(e);
            }
            changes.push((r, change.action, d.ty, d.id));
        });
        let (files, diags) = match end {
            _ if fallback => return Ok((None, false)),
            Streamed::Revisit => return Ok((None, false)),
            Streamed::Done { files, diags } => (files, diags),
        };
        if let Some(e) = failure {
            return Err(e);
        }
        out.files = files;
        out.diags = diags;
        out.diags.append(&mut conv.diags);
        out.skipped = std::mem::take(&mut conv.skipped);
        let invalid = out.diags.iter().any(|d| d.level == Level::Error);
        // The planner's order: by type (stable, so file order within one), deletes last.
        changes.sort_by_key(|c| c.0);
        warnings.sort_by_key(|w| w.0);
        out.warnings = warnings.into_iter().map(|(_, m)| m).collect();
        out.changes = changes
            .into_iter()
            .map(|(_, a, ty, id)| (a, ty, id))
            .collect();
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
                        w.delete(&key)?;
                        out.changes.push((Action::Delete, ty, id.to_string()));
                    }
                }
            }
        }
        out.committed = true;
        Ok((Some(out), true))
    })
}

/// An update (or delete and create) of a stored object, as the planner's batch runs it.
/// (The push's own warnings repeat the conversion's, which are already reported.)
fn run_ops(
    w: &crate::store::Writer<'_>,
    key: &str,
    change: &sync::Change,
    opts: PushOptions,
) -> Result<()> {
    for op in Plan::ops_of(change) {
        match op {
            Op::Push { ty, id, fields } => {
                Embedded::push_in(w, ty, key, &id, &fields, opts, false)?;
            }
            Op::Delete { .. } => {
                w.delete(key)?;
            }
        }
    }
    Ok(())
}
