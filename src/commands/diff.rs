//! `pjsipctl diff FILE`: what `apply` would change (issue 5).

use clap::Args;

use crate::cli::Format;
use crate::commands::apply::{
    load, one_pass_off, print_notes, reader_options, refuse_if_invalid, to_planner, traps,
    SourceArgs, HANDED_OVER,
};
use crate::commands::{io_err, Access, Ctx};
use crate::error::{Exit, Result};
use crate::output::plan::Render;
use crate::sync;

/// Show what apply would change; exit 0 when in sync, 1 when it differs
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Also show the stored objects of the file's types that the file does not define (apply --prune deletes them)
    #[arg(long)]
    pub prune: bool,
    /// As apply --accept-loss: do not count what astdb cannot hold as a refusal
    #[arg(long)]
    pub accept_loss: bool,
    /// As apply --force: do not count objects Asterisk could not load back as a refusal
    #[arg(long)]
    pub force: bool,
    /// Over ARI: read over N connections at once (1-16), as `apply --jobs` does
    #[arg(short = 'j', long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
}

/// The one-pass comparison (crate::stream) of a file with the embedded engine, as text:
/// memory follows the templates, not the file. `None`: plan instead.
fn run_streamed(ctx: &Ctx, args: &DiffArgs) -> Result<Option<Exit>> {
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
    let db_path = ctx.db_path()?;
    let planner = [
        (!args.source.more.is_empty(), "several files"),
        (args.source.owner.is_some(), "--owner"),
        (ctx.settings.output.format == Format::Json, "-o json"),
        (args.source.allow_exec, "--allow-exec"),
        (file.as_os_str() == "-", "stdin"),
        (!db_path.exists(), "no astdb file yet"),
    ];
    if let Some((_, why)) = planner.iter().find(|(on, _)| *on) {
        return to_planner(why);
    }
    let opts = reader_options(ctx, &args.source);
    let render = Render {
        show_secrets: ctx.settings.output.show_secrets,
    };
    let req = crate::stream::Request {
        path: file,
        opts: &opts,
        rules: ctx.rules(args.accept_loss, args.force),
        prune: args.prune,
        compare: Some(&render),
        read: &std::sync::atomic::AtomicU64::new(0),
    };
    let mut db = ctx.embedded(Access::Read)?;
    let Some(mut out) = crate::stream::apply(&mut db, &req, &mut |_| {})? else {
        return to_planner(HANDED_OVER);
    };
    let conv = out.take_conversion();
    print_notes(ctx, &conv);
    refuse_if_invalid(&ctx.out, file, &conv, Vec::new())?;
    for w in &out.warnings {
        ctx.out.warn(w);
    }
    // What apply would refuse, diff refuses too (exit 4), so that it predicts apply.
    refuse_if_invalid(&ctx.out, file, &conv, std::mem::take(&mut out.blocking))?;
    let text = out.text();
    if !text.is_empty() {
        ctx.out.data(&text).map_err(io_err)?;
    }
    let count = |a: sync::Action| out.changes().filter(|c| c.0 == a).count();
    Ok(Some(report(
        ctx,
        &format!("astdb {}", db_path.display()),
        file,
        [
            count(sync::Action::Create),
            count(sync::Action::Update) + count(sync::Action::Recreate),
            count(sync::Action::Delete),
            out.unchanged,
        ],
    )))
}

/// The closing status line and exit code: in sync, or what differs.
fn report(
    ctx: &Ctx,
    target: &str,
    file: &std::path::Path,
    [create, update, delete, unchanged]: [usize; 4],
) -> Exit {
    if create + update + delete == 0 {
        ctx.out
            .status(&format!("{target} matches {}", file.display()));
        Exit::Ok
    } else {
        ctx.out.status(&format!(
            "{target} differs from {}: {create} to create, {update} to update, {delete} to delete ({unchanged} unchanged)",
            file.display(),
        ));
        Exit::Differs
    }
}

pub fn run(ctx: &Ctx, args: &DiffArgs) -> Result<Exit> {
    if let Some(exit) = run_streamed(ctx, args)? {
        return Ok(exit);
    }
    let conv = load(ctx, &args.source)?;
    refuse_if_invalid(&ctx.out, &args.source.file, &conv, Vec::new())?;
    let (mut backend, mut workers) = ctx.backend_pool(args.jobs, Access::Read)?;
    let plan = sync::plan_with(
        backend.as_mut(),
        &mut workers,
        &conv.objects,
        args.prune.then_some(sync::Prune {
            owner: args.source.owner.as_deref(),
        }),
        ctx.stored_as(),
        true,
    )?;
    // As apply judges them: only what would be written.
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
    refuse_if_invalid(&ctx.out, &args.source.file, &conv, blocking)?;
    if args.prune {
        for (ty, id, why) in &plan.unprunable {
            ctx.out
                .warn(&format!("{} {id} would not be pruned: {why}", ty.name));
        }
        for (ty, why) in &plan.unlisted {
            ctx.out.warn(&format!(
                "cannot list {} on this target ({why}): extra ones are not shown{}",
                ty.plural,
                if crate::sync::followed_from_endpoints(ty) {
                    " (but those only pruned endpoints name are)"
                } else {
                    ""
                }
            ));
        }
    }
    let render = Render {
        show_secrets: ctx.settings.output.show_secrets,
    };
    match ctx.settings.output.format {
        Format::Json => ctx
            .out
            .document(render.json(&plan, None, &conv.skipped))
            .map_err(io_err)?,
        _ => {
            let text = render.text(&plan);
            if !text.is_empty() {
                ctx.out.data(&text).map_err(io_err)?;
            }
        }
    }
    Ok(report(
        ctx,
        &backend.describe(),
        &args.source.file,
        [
            plan.count(sync::Action::Create),
            plan.count(sync::Action::Update) + plan.count(sync::Action::Recreate),
            plan.count(sync::Action::Delete),
            plan.unchanged,
        ],
    ))
}
