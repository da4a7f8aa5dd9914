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
    // Said before the question, and with --yes too: it is about what the delete breaks.
    if let Some(w) = referrers(backend.as_mut(), ty, &args.id)? {
        match ctx.rules(false, false).warning(w) {
            Ok(w) => ctx.out.warn(&w),
            Err(e) => return Err(crate::error::Error::invalid(e).hint("nothing was deleted")),
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

/// The stored objects that name `ty`/`id` (policy::REFERENCES), as a warning.
fn referrers(
    backend: &mut dyn crate::backend::Backend,
    ty: &'static crate::schema::TypeDef,
    id: &str,
) -> Result<Option<String>> {
    let mut names = Vec::new();
    let from: Vec<&str> = crate::policy::REFERENCES
        .iter()
        .filter(|r| r.2 == ty.name)
        .map(|r| r.0)
        .collect();
    for t in from.iter().filter_map(|t| crate::schema::find_type(t)) {
        // Only where the rows are at hand (the embedded engine): over ARI this would be a
        // GET per endpoint for every delete. A row is read only if it holds the id at all.
        let Ok(Some(rows)) = backend.raw_rows(t) else {
            continue;
        };
        // (An id JSON would escape is looked for in every row.)
        let plain = id
            .chars()
            .all(|c| c.is_ascii() && !c.is_control() && c != '"' && c != '\\');
        for (rid, row) in rows.iter().filter(|(_, r)| !plain || r.contains(id)) {
            let Ok((obj, _)) = crate::engine::from_row(t, rid, row) else {
                continue;
            };
            for (attr, target, name) in crate::policy::references(&obj) {
                if target.name == ty.name && name == id {
                    names.push(format!("{} {rid} ({attr})", t.name));
                }
            }
        }
    }
    Ok((!names.is_empty()).then(|| {
        format!(
            "{} {id} is still referenced by {}: Asterisk keeps those references, and calls through them fail",
            ty.name,
            names.join(", ")
        )
    }))
}
