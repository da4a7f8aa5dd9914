//! `pjsipctl show TYPE ID`: one object, as the Asterisk CLI, ARI JSON or pjsip.conf.

use clap::Args;

use crate::backend::Backend;
use crate::cli::Format;
use crate::commands::{io_err, resolve_type, Access, Ctx};
use crate::error::{Exit, Result};
use crate::model::Objectset;
use crate::output;
use crate::schema::TypeDef;

/// Show one object with all its attributes
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Object type
    pub r#type: String,
    /// Object id
    pub id: String,
    /// Only the attributes that differ from the type's defaults
    #[arg(long, visible_alias = "non-default")]
    pub changed: bool,
}

pub fn run(ctx: &Ctx, args: &ShowArgs) -> Result<Exit> {
    let ty = resolve_type(&args.r#type)?;
    crate::backend::check_id(&args.id)?;
    let mut backend = ctx.backend(Access::Read)?;
    let full = backend.get(ty, &args.id)?;
    let set = if args.changed {
        output::changed(ty, &full)
    } else {
        full.clone()
    };
    let text = match ctx.settings.output.format {
        Format::Json => output::json::object(&set),
        Format::Conf => {
            // A conf section lists what differs from defaults, so it can be pushed back as is.
            let set = if args.changed {
                set
            } else {
                output::changed(ty, &full)
            };
            output::conf::section(ty, &args.id, &set, ctx.settings.output.show_secrets)
        }
        Format::Table => {
            let masked = output::mask(ty, &set, ctx.settings.output.show_secrets);
            format!(
                "{}\n{}",
                summary(backend.as_mut(), ty, &args.id, &full),
                output::table::parameters(&masked)
            )
        }
    };
    ctx.out.data(&text).map_err(io_err)?;
    Ok(Exit::Ok)
}

fn value<'a>(set: &'a Objectset, name: &str) -> &'a str {
    set.iter()
        .find(|a| a.attribute == name)
        .map(|a| a.value.as_str())
        .unwrap_or("")
}

/// The lines above the parameter table in `pjsip show endpoint`: the object and what it references.
pub fn summary(
    backend: &mut dyn Backend,
    ty: &'static TypeDef,
    id: &str,
    set: &Objectset,
) -> String {
    let mut s = String::new();
    match ty.name {
        "endpoint" => {
            let cid = value(set, "callerid");
            let num = cid
                .rsplit_once('<')
                .map(|(_, n)| n.trim_end_matches('>'))
                .unwrap_or(cid);
            s.push_str(&format!(" Endpoint:  {id}/{num}\n"));
            for (title, attr) in [("OutAuth", "outbound_auth"), ("InAuth", "auth")] {
                for a in value(set, attr).split(',').filter(|a| !a.is_empty()) {
                    let user = crate::schema::find_type("auth")
                        .and_then(|t| backend.get(t, a).ok())
                        .map(|o| value(&o, "username").to_string())
                        .unwrap_or_else(|| "(missing)".into());
                    s.push_str(&format!("{title:>11}:  {a}/{user}\n"));
                }
            }
            for a in value(set, "aors")
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                let max = crate::schema::find_type("aor")
                    .and_then(|t| backend.get(t, a).ok())
                    .map(|o| value(&o, "max_contacts").to_string())
                    .unwrap_or_else(|| "(missing)".into());
                s.push_str(&format!("{:>11}:  {a:<50} {max}\n", "Aor"));
            }
        }
        "aor" => s.push_str(&format!(
            "{:>9}:  {id:<50} {}\n",
            "Aor",
            value(set, "max_contacts")
        )),
        "auth" => s.push_str(&format!(
            "{:>9}:  {id}/{}\n",
            "Auth",
            value(set, "username")
        )),
        _ => s.push_str(&format!(" {}:  {id}\n", ty.name)),
    }
    s
}
