//! `pjsipctl delete TYPE ID`: remove an object (asks first on a terminal).

use clap::Args;

use crate::commands::{resolve_type, Ctx};
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
    let mut backend = ctx.backend()?;
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
        ctx.out.status("nothing deleted");
        return Ok(Exit::Ok);
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
        // A target that cannot list them cannot say; the delete itself still works.
        let Ok((listed, _)) = backend.list(t) else {
            continue;
        };
        for l in listed {
            let Ok(set) = &l.object else { continue };
            let value = |a: &str| {
                set.iter()
                    .find(|x| x.attribute == a)
                    .map_or("", |x| x.value.as_str())
            };
            for (attr, target, name) in crate::policy::references_in(t.name, value) {
                if target == ty.name && name == id {
                    names.push(format!("{} {} ({attr})", t.name, l.id));
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
