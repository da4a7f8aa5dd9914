//! `pjsipctl export [TYPE...]`: the target's objects as pjsip.conf (issue 5), written so
//! that `pjsipctl apply` of the output onto the same target changes nothing.

use clap::Args;

use crate::backend::{Coverage, Listed};
use crate::commands::list::reached_over_ari;
use crate::commands::{io_err, resolve_type, Access, Ctx};
use crate::error::{Exit, Result};
use crate::output::conf::{export_section, ExportOptions};
use crate::schema::{TypeDef, TYPES};

/// Write the target's objects as pjsip.conf
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Types to export [default: every type the target stores]
    pub types: Vec<String>,
    /// Write every attribute, not only those that differ from Asterisk's defaults
    #[arg(long)]
    pub all: bool,
}

pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<Exit> {
    let named = !args.types.is_empty();
    let types: Vec<&'static TypeDef> = if named {
        args.types
            .iter()
            .map(|t| resolve_type(t))
            .collect::<Result<_>>()?
    } else {
        TYPES.iter().filter(|t| !t.static_only()).collect()
    };
    let mut backend = ctx.backend(Access::Read)?;
    let opts = ExportOptions {
        show_secrets: ctx.global.show_secrets,
        all: args.all,
    };
    let mut body = String::new();
    let (mut objects, mut unreadable, mut withheld) = (0, 0, false);
    // Over ARI: the types exported as far as endpoint references reach, and those not at all.
    let (mut reached, mut missing): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let mut endpoints = None;
    // Endpoints first, so that their references are known.
    let mut types = types;
    if ctx.uses_ari() {
        types.sort_by_key(|t| t.name != "endpoint");
    }
    let mut sections: Vec<(usize, String)> = Vec::new();
    for ty in types {
        if ty.static_only() {
            ctx.out.warn(&format!(
                "{} objects live in the static pjsip.conf: nothing to export",
                ty.name
            ));
            continue;
        }
        let (mut items, coverage) = backend.list(ty)?;
        if ctx.uses_ari() && ty.name == "endpoint" {
            let copy = items.iter().map(|l| Listed {
                id: l.id.clone(),
                object: l.object.clone(),
            });
            endpoints = Some(copy.collect());
        }
        if let Coverage::Unavailable(why) = coverage {
            let r = match ctx.uses_ari() {
                true => reached_over_ari(ctx, backend.as_mut(), ty, &mut endpoints)?,
                false => None,
            };
            match r {
                Some(r) => {
                    reached.push(ty.plural);
                    items = r;
                }
                None => {
                    if ctx.uses_ari() {
                        missing.push(ty.plural);
                    } else if named || !why.contains("static") {
                        ctx.out.warn(&format!("cannot list {}: {why}", ty.plural));
                    }
                    continue;
                }
            }
        }
        let mut body = String::new();
        for l in items {
            match l.object {
                Ok(set) => {
                    let e = export_section(ty, &l.id, &set, &opts);
                    for w in e.warnings {
                        // What the file cannot say exactly: an error with --strict.
                        match ctx.rules(false, false).warning(w) {
                            Ok(w) => ctx.out.warn(&w),
                            Err(e) => return Err(crate::error::Error::invalid(e)),
                        }
                    }
                    withheld |= e.withheld;
                    body.push_str(&e.text);
                    body.push('\n');
                    objects += 1;
                }
                Err(e) => {
                    unreadable += 1;
                    ctx.out.warn(&format!(
                        "{} {}: unreadable row, not exported: {e}",
                        ty.name, l.id
                    ));
                    body.push_str(&format!(
                        "; {} {}: not exported, the stored row is unreadable: {e}\n\n",
                        ty.name, l.id
                    ));
                }
            }
        }
        sections.push((ty.position(), body));
    }
    // In the type order apply pushes in (auth and aor before endpoint).
    sections.sort_by_key(|(p, _)| *p);
    for (_, s) in sections {
        body.push_str(&s);
    }
    let mut text = format!(
        "; pjsip.conf written by `pjsipctl export` from {}\n; {objects} object{}",
        backend.describe(),
        if objects == 1 { "" } else { "s" }
    );
    let incomplete = !missing.is_empty() || !reached.is_empty();
    if incomplete {
        // ARI lists endpoints only: say what this file cannot hold.
        let mut what = Vec::new();
        if !reached.is_empty() {
            what.push(format!(
                "{} only as far as endpoints reference them (aors, auth, outbound_auth)",
                reached.join(" and ")
            ));
        }
        if !missing.is_empty() {
            what.push(format!("no {} at all", missing.join(", ")));
        }
        let line = format!(
            "INCOMPLETE: ARI lists endpoints only, so this export holds {}",
            what.join(", and ")
        );
        text.push_str(&format!(
            ".\n; {line}.\n; `pjsipctl apply` of it recreates only what it holds; export the astdb file on the Asterisk host (pjsipctl --db FILE export) for a complete copy.\n"
        ));
        ctx.out.warn(&format!(
            "export over ARI is incomplete: it holds {}",
            what.join(", and ")
        ));
    } else {
        text.push_str("; `pjsipctl apply` of this file onto the same target changes nothing.\n");
    }
    if withheld {
        text.push_str("; Secrets are withheld (commented out): this file cannot recreate them. Export with --show-secrets.\n");
    }
    text.push('\n');
    text.push_str(&body);
    ctx.out.data(text.trim_end()).map_err(io_err)?;
    ctx.out.status(&format!(
        "exported {objects} object{}",
        if objects == 1 { "" } else { "s" }
    ));
    // An incomplete copy is not a success a script may rely on; the file is still written.
    Ok(if unreadable > 0 || incomplete {
        Exit::Storage
    } else {
        Exit::Ok
    })
}
