//! `pjsipctl delete TYPE ID…` / `delete --file FILE…`: remove objects (asks first on a
//! terminal). Many objects are one plan of deletes, carried out as apply carries out its
//! own (one transaction on the embedded engine; over ARI one by one, or over --jobs N).

use std::collections::HashSet;
use std::path::PathBuf;

use clap::Args;

use crate::apply::execute::{Execution, Status};
use crate::apply::plan::{Action, Change, Plan};
use crate::backend::Backend;
use crate::cli::Format;
use crate::commands::apply::{load, refuse_if_invalid, SourceArgs};
use crate::commands::{io_err, resolve_type, Access, Ctx};
use crate::error::{Error, Exit, Result};
use crate::output::plan::Render;
use crate::policy::Verdict;
use crate::schema::TypeDef;

/// Delete objects: several ids of one type, or everything pjsip.conf files define
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Object type
    #[arg(required_unless_present = "file")]
    pub r#type: Option<String>,
    /// Object ids
    #[arg(required_unless_present = "file")]
    pub ids: Vec<String>,
    /// Delete every object this pjsip.conf defines, dependants first (repeatable, read in order)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["type", "ids"])]
    pub file: Vec<PathBuf>,
    /// An object that does not exist is not an error (it is counted as unchanged)
    #[arg(long)]
    pub missing_ok: bool,
    /// Print what would be deleted and change nothing
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Over ARI: delete over N connections at once (1-16)
    #[arg(short = 'j', long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
    /// For logs: no line per object, only warnings, errors and the summary (unlike -q)
    #[arg(long)]
    pub summary_only: bool,
    /// Do not ask for confirmation (needed when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

pub fn run(ctx: &Ctx, args: &DeleteArgs) -> Result<Exit> {
    let Targets {
        objects: targets,
        skipped,
        files: label,
    } = targets(ctx, args)?;
    let (mut backend, mut workers) = ctx.backend_pool(args.jobs, Access::Write)?;
    // Which exist, before anything is asked or deleted. A single id with --yes is left to
    // its delete (over ARI one request) unless --missing-ok or --dry-run needs the answer.
    let check =
        !args.yes || targets.len() > 1 || args.missing_ok || args.dry_run || !args.file.is_empty();
    let exists = if check {
        existing(backend.as_mut(), &mut workers, &targets)?
    } else {
        vec![None; targets.len()]
    };
    let missing: Vec<String> = targets
        .iter()
        .zip(&exists)
        .filter(|(_, e)| **e == Some(false))
        .map(|((ty, id), _)| format!("{} {id}", ty.name))
        .collect();
    if !missing.is_empty() && !args.missing_ok {
        return Err(Error::not_found(format!(
            "{} not found in {}",
            list_of(&missing),
            backend.describe()
        ))
        .hint(
            "nothing was deleted; --missing-ok deletes the others and counts these as unchanged",
        ));
    }
    let mut plan = Plan {
        unchanged: missing.len(),
        ..Plan::default()
    };
    for ((ty, id), e) in targets.into_iter().zip(&exists) {
        if *e != Some(false) {
            plan.changes.push(Change {
                action: Action::Delete,
                ty,
                id,
                origin: None,
                before: None,
                after: None,
                fields: Vec::new(),
                note: None,
            });
        }
    }
    // Said before the question, and with --yes too: it is about what the delete breaks.
    if let Some(w) = referrers(backend.as_mut(), &plan)? {
        match ctx.rules(false, false).warning(w) {
            Verdict::Warning(w) => ctx.out.warn(&w),
            Verdict::Refusal(e) => return Err(Error::invalid(e).hint("nothing was deleted")),
        }
    }
    let render = Render {
        show_secrets: ctx.settings.output.show_secrets,
    };
    let json = ctx.settings.output.format == Format::Json;
    let n = plan.changes.len();
    if args.dry_run {
        if json {
            crate::output::plan::print_json(&ctx.out, &render, &plan, (None, &skipped), &[], None)
                .map_err(io_err)?;
        } else if !args.summary_only {
            ctx.out.data(&render.text(&plan)).map_err(io_err)?;
        }
        ctx.out.status(&format!(
            "dry run, nothing deleted: would be {}",
            counts(n, plan.unchanged)
        ));
        return Ok(Exit::Ok);
    }
    if n > 0 {
        let question = match (&plan.changes[..], &label) {
            ([c], None) => format!("delete {} {} from {}?", c.ty.name, c.id, backend.describe()),
            (_, Some(files)) => format!(
                "delete the {n} object{} {files} defines from {}?",
                plural(n),
                backend.describe()
            ),
            _ => format!("delete {n} objects from {}?", backend.describe()),
        };
        if !ctx.confirm(&question, args.yes)? {
            ctx.out.status("cancelled: nothing deleted");
            return Ok(Exit::CANCELLED);
        }
    }
    // Several deletes on the embedded engine are one transaction (one is one anyway).
    let transactional = !ctx.uses_ari() && n > 1;
    let (status, warnings, errors) = crate::apply::execute::execute(
        backend.as_mut(),
        &plan,
        Execution {
            transactional,
            keep_going: false,
            progress: &mut |_| {},
            workers,
        },
    );
    for w in &warnings {
        ctx.out.warn(w);
    }
    let deleted = status.iter().filter(|s| **s == Status::Applied).count();
    let failure = errors.first().map(|(i, first)| {
        let msg = if transactional {
            format!("{}; nothing was deleted (one transaction)", first.report())
        } else if n == 1 {
            first.report()
        } else {
            let c = &plan.changes[*i];
            format!(
                "{} {}: {}; {deleted} of {n} objects were deleted",
                c.ty.name,
                c.id,
                first.report()
            )
        };
        // The cause is in the words now; it stays attached for whoever walks the chain.
        let mut err = Error::new(first.exit, msg);
        err.hint = first.hint.clone();
        err.source = first.source.clone();
        err
    });
    if json {
        crate::output::plan::print_json(
            &ctx.out,
            &render,
            &plan,
            (Some(&status), &skipped),
            &errors,
            failure.as_ref(),
        )
        .map_err(io_err)?;
    } else if !args.summary_only {
        for (c, st) in plan.changes.iter().zip(&status) {
            if *st == Status::Applied {
                ctx.out.status(&format!("deleted {} {}", c.ty.name, c.id));
            }
        }
    }
    if let Some(err) = failure {
        return Err(err);
    }
    // One object: its line says it all (and -q or --summary-only: nothing else to say).
    if n + plan.unchanged > 1 || args.summary_only || n == 0 {
        ctx.out.status(&counts(deleted, plan.unchanged));
    }
    Ok(Exit::Ok)
}

/// What to delete, in order (dependants first for files), the files' skipped sections and,
/// for files, how the question names them.
struct Targets {
    objects: Vec<(&'static TypeDef, String)>,
    skipped: Vec<crate::conf::convert::Skipped>,
    files: Option<String>,
}

fn targets(ctx: &Ctx, args: &DeleteArgs) -> Result<Targets> {
    if let Some((first, more)) = args.file.split_first() {
        let src = SourceArgs {
            file: first.clone(),
            more: more.to_vec(),
            allow_exec: false,
            owner: None,
        };
        let conv = load(ctx, &src)?;
        refuse_if_invalid(&ctx.out, first, &conv, Vec::new())?;
        let mut objs: Vec<(&'static TypeDef, String)> =
            conv.objects.iter().map(|d| (d.ty, d.id.clone())).collect();
        // Reverse dependency order: what references comes out before what it references.
        objs.sort_by_key(|(ty, _)| std::cmp::Reverse(ty.position()));
        let mut seen = HashSet::new();
        objs.retain(|(ty, id)| seen.insert((ty.name, id.clone())));
        let names: Vec<String> = args.file.iter().map(|f| f.display().to_string()).collect();
        return Ok(Targets {
            objects: objs,
            skipped: conv.skipped,
            files: Some(names.join(", ")),
        });
    }
    // clap requires both without --file.
    let ty = resolve_type(args.r#type.as_deref().unwrap_or_default())?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for id in &args.ids {
        crate::backend::check_id(id)?;
        if seen.insert(id.as_str()) {
            out.push((ty, id.clone()));
        }
    }
    Ok(Targets {
        objects: out,
        skipped: Vec::new(),
        files: None,
    })
}

/// Whether each target exists: Some(false) when the target says it does not; None where
/// it cannot tell without trying (a type held in the static pjsip.conf).
fn existing(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    targets: &[(&'static TypeDef, String)],
) -> Result<Vec<Option<bool>>> {
    let mut rows: std::collections::HashMap<&str, Option<HashSet<String>>> = Default::default();
    let mut out = vec![None; targets.len()];
    let mut need = Vec::new();
    for (i, (ty, id)) in targets.iter().enumerate() {
        if !rows.contains_key(ty.name) {
            let ids = backend
                .raw_rows(ty)?
                .map(|r| r.into_iter().map(|(id, _)| id).collect());
            rows.insert(ty.name, ids);
        }
        match &rows[ty.name] {
            Some(ids) => out[i] = Some(ids.contains(id)),
            None => need.push(i),
        }
    }
    // Over ARI: a GET each, over the --jobs connections when there are several.
    let asked: Vec<(&'static TypeDef, String)> = need.iter().map(|&i| targets[i].clone()).collect();
    let answers = if workers.len() > 1 {
        crate::backend::pool::get_parallel(workers, &asked)
    } else {
        asked.iter().map(|(ty, id)| backend.get(ty, id)).collect()
    };
    for (i, r) in need.into_iter().zip(answers) {
        out[i] = match r {
            Ok(_) => Some(true),
            Err(e) if e.exit == Exit::NotFound => Some(false),
            // Refused (a static type) or unreadable: the DELETE will say.
            Err(e) if e.exit == Exit::Refused => None,
            Err(e) => return Err(e),
        };
    }
    Ok(out)
}

/// The stored objects that name what the plan deletes (schema `TypeDef::references`) and are not
/// deleted with it, as one warning.
fn referrers(backend: &mut dyn Backend, plan: &Plan) -> Result<Option<String>> {
    let gone: HashSet<(&str, &str)> = plan
        .changes
        .iter()
        .map(|c| (c.ty.name, c.id.as_str()))
        .collect();
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let from = crate::schema::TYPES.iter().filter(|t| {
        plan.changes
            .iter()
            .any(|c| t.references_to(c.ty).next().is_some())
    });
    for t in from {
        // Only where the rows are at hand (the embedded engine): over ARI this would be a
        // GET per endpoint for every delete. With few targets a row is read only if it
        // holds one of their ids at all (an id JSON would escape is looked for everywhere).
        let Ok(Some(rows)) = backend.raw_rows(t) else {
            continue;
        };
        let few: Option<Vec<&str>> = (gone.len() <= 16)
            .then(|| gone.iter().map(|(_, id)| *id).collect::<Vec<_>>())
            .filter(|ids| {
                ids.iter().all(|id| {
                    id.chars()
                        .all(|c| c.is_ascii() && !c.is_control() && c != '"' && c != '\\')
                })
            });
        for (rid, row) in &rows {
            if gone.contains(&(t.name, rid.as_str()))
                || few
                    .as_ref()
                    .is_some_and(|ids| !ids.iter().any(|id| row.contains(id)))
            {
                continue;
            }
            let Ok((obj, _)) = crate::engine::from_row(t, rid, row) else {
                continue;
            };
            for (attr, target, name) in crate::policy::references(&obj) {
                if gone.contains(&(target.name, name.as_str())) {
                    let what = format!("{} {name}", target.name);
                    let by = format!("{} {rid} ({attr})", t.name);
                    match found.iter_mut().find(|(w, _)| *w == what) {
                        Some((_, v)) => v.push(by),
                        None => found.push((what, vec![by])),
                    }
                }
            }
        }
    }
    Ok((!found.is_empty()).then(|| {
        let parts: Vec<String> = found
            .into_iter()
            .map(|(what, by)| format!("{what} is still referenced by {}", by.join(", ")))
            .collect();
        // One line, however many: the first few are named.
        let shown = if parts.len() > 5 {
            format!("{}; and {} more", parts[..5].join("; "), parts.len() - 5)
        } else {
            parts.join("; ")
        };
        format!("{shown}: Asterisk keeps those references, and calls through them fail")
    }))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `endpoint a, endpoint b and 3 more`: a message stays one line.
fn list_of(items: &[String]) -> String {
    if items.len() <= 5 {
        return items.join(", ");
    }
    format!("{} and {} more", items[..5].join(", "), items.len() - 5)
}

fn counts(deleted: usize, absent: usize) -> String {
    format!("{deleted} deleted, {absent} unchanged (not found)")
}
