//! `pjsipctl delete TYPE ID`: remove an object (asks first on a terminal).

use clap::Args;

use crate::commands::{resolve_type, Access, Ctx};
use crate::error::{Exit, Result};

/// Delete one object
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Object type
    pub r#type: String,
    /// Object id
    pub id: String,
    /// Do not ask for confirmation (needed when stdin is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

pub fn run(ctx: &Ctx, args: &DeleteArgs) -> Result<Exit> {
    let ty = resolve_type(&args.r#type)?;
    crate::backend::check_id(&args.id)?;
    let mut backend = ctx.backend(Access::Write)?;
    // Not there: say so rather than ask (with --yes the delete itself says so, one request
    // less over ARI). A stored row that cannot be read is there: ask.
    if !args.yes {
        if let Err(e) = backend.get(ty, &args.id) {
            if e.exit == Exit::NotFound {
                return Err(e);
            }
        }
    }
    if !ctx.confirm(
        &format!(
            "delete {} {} from {}?",
            ty.name,
            args.id,
            backend.describe()
        ),
        args.yes,
    )? {
        ctx.out.status("cancelled: nothing deleted");
        return Ok(Exit::CANCELLED);
    }
    backend.delete(ty, &args.id)?;
    ctx.out.status(&format!("deleted {} {}", ty.name, args.id));
    Ok(Exit::Ok)
}
