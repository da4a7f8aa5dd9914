//! `pjsipctl diff FILE`: what `apply` would change (issue 5).

use clap::Args;

use crate::cli::Format;
use crate::commands::apply::{load, refuse_if_invalid, traps, SourceArgs};
use crate::commands::{io_err, Ctx};
use crate::error::{Exit, Result};
use crate::sync::{self, Render};

/// Show what apply would change; exit 0 when in sync, 1 when it differs
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Also show the stored objects of the file's types that the file does not define (apply --prune deletes them)
    #[arg(long)]
    pub prune: bool,
}

pub fn run(ctx: &Ctx, args: &DiffArgs) -> Result<Exit> {
    let conv = load(ctx, &args.source)?;
    // What astdb would lose is said, but does not stop a comparison.
    traps(ctx, &conv, false, false, true, None);
    refuse_if_invalid(&args.source.file, &conv, Vec::new())?;
    let mut backend = ctx.backend()?;
    let plan = sync::plan(
        backend.as_mut(),
        &conv.objects,
        args.prune,
        ctx.uses_ari(),
        true,
    )?;
    if args.prune {
        for (ty, why) in &plan.unlisted {
            ctx.out.warn(&format!(
                "cannot list {} on this target ({why}): extra ones are not shown",
                ty.plural
            ));
        }
    }
    let render = Render {
        show_secrets: ctx.global.show_secrets,
    };
    let text = match ctx.global.output {
        Format::Json => render.json(&plan, None, &conv.skipped),
        _ => render.text(&plan),
    };
    if !text.is_empty() {
        ctx.out.data(&text).map_err(io_err)?;
    }
    if plan.is_empty() {
        ctx.out.status(&format!(
            "{} matches {}",
            backend.describe(),
            args.source.file.display()
        ));
        Ok(Exit::Ok)
    } else {
        ctx.out.status(&format!(
            "{} differs from {}: {} to create, {} to update, {} to delete ({} unchanged)",
            backend.describe(),
            args.source.file.display(),
            plan.count(sync::Action::Create),
            plan.count(sync::Action::Update) + plan.count(sync::Action::Recreate),
            plan.count(sync::Action::Delete),
            plan.unchanged
        ));
        Ok(Exit::Differs)
    }
}
