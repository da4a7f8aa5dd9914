//! `pjsipctl show TYPE ID`: one object, as the Asterisk CLI, ARI JSON or pjsip.conf.

use clap::Args;

use crate::backend::Backend;
use crate::cli::Format;
use crate::commands::{io_err, resolve_type, Access, Ctx};
use crate::error::{Exit, Result};
use crate::model::Objectset;
use crate::output;
use crate::schema::facts::Shows;
use crate::schema::{Kind, TypeDef};

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

/// The lines above the parameter table in `pjsip show endpoint`: the object and what it
/// references, as the type's table says (schema `TypeDef::summary`).
pub fn summary(
    backend: &mut dyn Backend,
    ty: &'static TypeDef,
    id: &str,
    set: &Objectset,
) -> String {
    let Some(head) = &ty.summary.head else {
        return format!(" {}:  {id}\n", ty.name);
    };
    let mut s = line(
        9,
        head.title,
        id,
        &head.shows,
        value(set, head.shows.attribute()),
    );
    for r in ty.summary.refs {
        let target = ty.reference(r.attr);
        for a in named(ty, r.attr, value(set, r.attr)) {
            let shown = target
                .and_then(|t| backend.get(t, a).ok())
                .map(|o| value(&o, r.shows.attribute()).to_string())
                .unwrap_or_else(|| "(missing)".into());
            s.push_str(&line(11, r.title, a, &r.shows, &shown));
        }
    }
    s
}

/// One summary line, its title right-aligned to `width`.
fn line(width: usize, title: &str, id: &str, shows: &Shows, v: &str) -> String {
    match shows {
        Shows::Slash(_) => format!("{title:>width$}:  {id}/{v}\n"),
        Shows::Column(_) => format!("{title:>width$}:  {id:<50} {v}\n"),
        Shows::CallerNumber(_) => {
            let num = v
                .rsplit_once('<')
                .map(|(_, n)| n.trim_end_matches('>'))
                .unwrap_or(v);
            format!("{title:>width$}:  {id}/{num}\n")
        }
    }
}

/// The ids a reference attribute names: an id list prints its items as they are; a plain
/// text (`aors`) may hold blanks around them.
fn named<'a>(ty: &'static TypeDef, attr: &str, v: &'a str) -> Vec<&'a str> {
    let items = ty
        .field_index_exact(attr)
        .is_some_and(|i| matches!(ty.fields[i].kind, Kind::IdList));
    v.split(',')
        .map(|a| if items { a } else { a.trim() })
        .filter(|a| !a.is_empty())
        .collect()
}
