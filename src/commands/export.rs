//! `pjsipctl export [TYPE...]`: the target's objects as pjsip.conf (issue 5), written so
//! that `pjsipctl apply` of the output onto the same target changes nothing.

use clap::Args;

use crate::backend::Coverage;
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
    for ty in types {
        if ty.static_only() {
            ctx.out.warn(&format!(
                "{} objects live in the static pjsip.conf: nothing to export",
                ty.name
            ));
            continue;
        }
        let (items, coverage) = backend.list(ty)?;
        if let Coverage::Unavailable(why) = coverage {
            if named || !why.contains("static") {
                ctx.out.warn(&format!("cannot list {}: {why}", ty.plural));
            }
            continue;
        }
        for l in items {
            match l.object {
                Ok(set) => {
                    let e = export_section(ty, &l.id, &set, &opts);
                    for w in &e.warnings {
                        ctx.out.warn(w);
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
    }
    let mut text = format!(
        "; pjsip.conf written by `pjsipctl export` from {}\n; {objects} object{}; `pjsipctl apply` of this file onto the same target changes nothing.\n",
        backend.describe(),
        if objects == 1 { "" } else { "s" }
    );
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
    Ok(if unreadable > 0 {
        Exit::Storage
    } else {
        Exit::Ok
    })
}
