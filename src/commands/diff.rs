//! `pjsipctl diff FILE`: what `apply` would change (issue 5).

use clap::Args;

use crate::apply::plan::Action;
use crate::apply::read::Source;
use crate::apply::{Rendered, Request};
use crate::cli::Format;
use crate::commands::apply::{
    collect, compare_over_ari, fits_one_pass, print_rendered, reader_options, refuse_outcome,
    Collection, SourceArgs,
};
use crate::commands::{io_err, Access, Ctx};
use crate::error::{Exit, Result};
use crate::output::plan::Render;

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

/// The comparison in one pass over the astdb file or the realtime tables
/// (crate::apply::on_astdb, on_realtime), as text or JSON: memory follows the templates,
/// not the file. `None`: collect instead.
fn run_on_astdb(ctx: &Ctx, args: &DiffArgs, req: Request<'_>) -> Result<Option<Exit>> {
    let file = &args.source.file;
    if !fits_one_pass(ctx, &args.source) || (ctx.pg_url().is_none() && !ctx.db_path()?.exists()) {
        return Ok(None);
    }
    let opts = reader_options(ctx, &args.source);
    let render = Render {
        show_secrets: ctx.settings.output.show_secrets,
    };
    let json = ctx.settings.output.format == Format::Json;
    let source = Source::File {
        path: file,
        opts: &opts,
        read: &std::sync::atomic::AtomicU64::new(0),
    };
    let mut db = ctx.local(Access::Read)?;
    let target = db.describe();
    let sink = Rendered::new(&render, json);
    let Some((mut out, ledger, Some(mut rendered))) =
        db.run(source, req, Some(sink), &mut |_| {})?
    else {
        return Ok(None);
    };
    // What apply would refuse, diff refuses too (exit 4), so that it predicts apply.
    let conv = refuse_outcome(ctx, file, &mut out)?;
    print_rendered(ctx, &mut rendered, &out, &conv.skipped, json)?;
    let count = |a: Action| ledger.changes().filter(|c| c.0 == a).count();
    Ok(Some(report(
        ctx,
        &target,
        file,
        [
            count(Action::Create),
            count(Action::Update) + count(Action::Recreate),
            count(Action::Delete),
            out.unchanged,
        ],
    )))
}

/// What --prune would leave: objects the target lists but cannot read, and types it cannot
/// list.
fn prune_warnings(ctx: &Ctx, out: &crate::apply::Outcome) {
    for (ty, id, why) in &out.unprunable {
        ctx.out
            .warn(&format!("{} {id} would not be pruned: {why}", ty.name));
    }
    for (ty, why) in &out.unlisted {
        ctx.out.warn(&format!(
            "cannot list {} on this target ({why}): extra ones are not shown{}",
            ty.plural,
            if crate::apply::prune::followed_from_endpoints(ty) {
                " (but those only pruned endpoints name are)"
            } else {
                ""
            }
        ));
    }
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
    let req = Request {
        rules: ctx.rules(args.accept_loss, args.force),
        prune: args.prune,
        owner: args.source.owner.as_deref(),
    };
    if let Some(exit) = run_on_astdb(ctx, args, req)? {
        return Ok(exit);
    }
    let render = Render {
        show_secrets: ctx.settings.output.show_secrets,
    };
    let pool = match compare_over_ari(ctx, &args.source, req, args.jobs, &render) {
        Ok(mut c) => {
            if args.prune {
                prune_warnings(ctx, &c.out);
            }
            let json = ctx.settings.output.format == Format::Json;
            print_rendered(ctx, &mut c.rendered, &c.out, &c.conv.skipped, json)?;
            let count = |a: &[Action]| {
                c.rendered
                    .ledger
                    .changes()
                    .filter(|ch| a.contains(&ch.0))
                    .count()
            };
            return Ok(report(
                ctx,
                &c.target,
                &args.source.file,
                [
                    count(&[Action::Create]),
                    count(&[Action::Update, Action::Recreate]),
                    count(&[Action::Delete]),
                    c.out.unchanged,
                ],
            ));
        }
        Err(pool) => pool,
    };
    let Collection {
        out,
        plan,
        conv,
        backend,
        ..
    } = collect(ctx, &args.source, req, pool, true)?;
    if args.prune {
        prune_warnings(ctx, &out);
    }
    match ctx.settings.output.format {
        Format::Json => crate::output::plan::print_json(
            &ctx.out,
            &render,
            &plan,
            (None, &conv.skipped),
            &[],
            None,
        )
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
            plan.count(Action::Create),
            plan.count(Action::Update) + plan.count(Action::Recreate),
            plan.count(Action::Delete),
            plan.unchanged,
        ],
    ))
}
