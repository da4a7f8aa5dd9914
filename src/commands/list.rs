//! `pjsipctl list [TYPE]`: every stored object of a type, as `pjsip show endpoints` lists them.

use clap::Args;

use crate::backend::{ari, Backend, Coverage, Listed};
use crate::cli::Format;
use crate::commands::{io_err, resolve_type, Access, Ctx};
use crate::error::{Exit, Result};
use crate::model::Objectset;
use crate::output;
use crate::schema::{find_type, TypeDef, TYPES};

/// List stored objects of a type (all types when none is given)
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Object type (endpoint, endpoints, aor, auth, ...)
    pub r#type: Option<String>,
}

pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<Exit> {
    let types: Vec<&'static TypeDef> = match &args.r#type {
        Some(t) => vec![resolve_type(t)?],
        None => TYPES.iter().collect(),
    };
    let mut backend = ctx.backend(Access::Read)?;
    let mut text = String::new();
    let mut json = Vec::new();
    let mut broken = 0;
    let mut endpoints: Option<Vec<Listed>> = None;
    for ty in &types {
        let (mut items, coverage) = match endpoints.take() {
            // Listed already, to follow its references.
            Some(e) if ty.name == "endpoint" => (e, Coverage::Complete),
            cached => {
                endpoints = cached;
                backend.list(ty)?
            }
        };
        let mut label = None;
        if let Coverage::Unavailable(why) = &coverage {
            let reached = match ctx.uses_ari() {
                true => reached_over_ari(ctx, backend.as_mut(), ty, &mut endpoints)?,
                false => None,
            };
            match reached {
                Some(r) => {
                    label = Some(format!(
                        "{} that endpoints reference ({} found; ARI cannot list {}, so others are not shown)",
                        ty.plural,
                        r.len(),
                        ty.plural
                    ));
                    items = r;
                }
                None => {
                    if args.r#type.is_some() || ctx.uses_ari() {
                        ctx.out.warn(&format!("cannot list {}: {why}", ty.plural));
                    }
                    continue;
                }
            }
        }
        // The label goes above the table; elsewhere, and for a type left out of `list`
        // because nothing was reached, it goes to stderr.
        let hidden = args.r#type.is_none() && items.is_empty();
        if let (Some(l), true) = (&label, ctx.global.output != Format::Table || hidden) {
            ctx.out.warn(&format!("listing only the {l}"));
        }
        if args.r#type.is_none() && items.is_empty() {
            continue;
        }
        for l in &items {
            if let Err(e) = &l.object {
                // Over ARI the target itself lists what it cannot read: reported, not a
                // failure of the listing (a damaged astdb row is).
                if ctx.uses_ari() {
                    ctx.out
                        .warn(&format!("{} {}: unreadable: {e}", ty.name, l.id));
                } else {
                    broken += 1;
                    ctx.out
                        .warn(&format!("{} {}: unreadable row: {e}", ty.name, l.id));
                }
            }
        }
        match ctx.global.output {
            Format::Json => {
                // Unlike show -o json (ARI's own answer), a listing is pjsipctl's: masked.
                let items: Vec<Listed> = items
                    .iter()
                    .map(|l| Listed {
                        id: l.id.clone(),
                        object: l
                            .object
                            .as_ref()
                            .map(|set| output::mask(ty, set, ctx.global.show_secrets))
                            .map_err(Clone::clone),
                    })
                    .collect();
                json.push(output::json::listing(ty.name, &items))
            }
            Format::Conf => {
                for l in &items {
                    if let Ok(set) = &l.object {
                        text.push_str(&output::conf::section(
                            ty,
                            &l.id,
                            &output::changed(ty, set),
                            ctx.global.show_secrets,
                        ));
                        text.push('\n');
                    }
                }
            }
            Format::Table => {
                if types.len() > 1 {
                    text.push_str(&format!("== {} ==\n", ty.plural));
                }
                if let Some(l) = &label {
                    text.push_str(&format!("Only the {l}:\n"));
                }
                text.push_str(&table(ty, &items));
                text.push('\n');
            }
        }
    }
    if ctx.global.output == Format::Json {
        // One JSON array across types: merge the per-type arrays.
        let mut all: Vec<serde_json::Value> = Vec::new();
        for j in json {
            if let Ok(serde_json::Value::Array(a)) = serde_json::from_str(&j) {
                all.extend(a);
            }
        }
        text = serde_json::to_string_pretty(&all).expect("serialisable");
    } else if text.is_empty() {
        text = "No objects found.\n".into();
    }
    ctx.out.data(text.trim_end()).map_err(io_err)?;
    Ok(if broken > 0 { Exit::Storage } else { Exit::Ok })
}

/// Over ARI, which lists endpoints only: the objects of `ty` the endpoints reference
/// (`None` when endpoints cannot reference `ty`). Dangling references are named.
pub fn reached_over_ari(
    ctx: &Ctx,
    backend: &mut dyn Backend,
    ty: &'static TypeDef,
    endpoints: &mut Option<Vec<Listed>>,
) -> Result<Option<Vec<Listed>>> {
    if !ari::REFERENCES.iter().any(|(t, _)| *t == ty.name) {
        return Ok(None);
    }
    if endpoints.is_none() {
        let ep = find_type("endpoint").expect("endpoint is a type");
        *endpoints = Some(backend.list(ep)?.0);
    }
    let Some(r) = ari::reached(backend, ty, endpoints.as_deref().unwrap_or_default())? else {
        return Ok(None);
    };
    for (by, id) in &r.dangling {
        ctx.out.warn(&format!(
            "endpoint {by} references {} {id}, which does not exist",
            ty.name
        ));
    }
    Ok(Some(r.items))
}

fn v<'a>(set: &'a Objectset, name: &str) -> &'a str {
    set.iter()
        .find(|a| a.attribute == name)
        .map(|a| a.value.as_str())
        .unwrap_or("")
}

fn table(ty: &TypeDef, items: &[Listed]) -> String {
    let (header, cols): (Vec<&str>, Vec<&str>) = match ty.name {
        "endpoint" => (
            vec![
                "Endpoint",
                "CallerID",
                "Context",
                "Auth",
                "Aors",
                "Codecs",
                "Transport",
            ],
            vec!["callerid", "context", "auth", "aors", "allow", "transport"],
        ),
        "aor" => (
            vec!["Aor", "MaxContact", "Contact", "QualifyFreq"],
            vec!["max_contacts", "contact", "qualify_frequency"],
        ),
        "auth" => (
            vec!["Auth", "UserName", "AuthType", "Realm"],
            vec!["username", "auth_type", "realm"],
        ),
        "identify" => (
            vec!["Identify", "Endpoint", "Match"],
            vec!["endpoint", "match"],
        ),
        "registration" => (
            vec!["Registration", "ServerURI", "ClientURI", "OutboundAuth"],
            vec!["server_uri", "client_uri", "outbound_auth"],
        ),
        "contact" => (vec!["Contact", "URI", "Endpoint"], vec!["uri", "endpoint"]),
        "domain_alias" => (vec!["DomainAlias", "Domain"], vec!["domain"]),
        _ => (vec!["Id"], vec![]),
    };
    let rows = items
        .iter()
        .map(|l| {
            let mut r = vec![l.id.clone()];
            match &l.object {
                Ok(set) => r.extend(cols.iter().map(|c| v(set, c).to_string())),
                Err(_) => r.extend(cols.iter().enumerate().map(|(i, _)| {
                    if i == 0 {
                        "(unreadable)".into()
                    } else {
                        String::new()
                    }
                })),
            }
            r
        })
        .collect();
    output::table::list(&header, rows)
}
