//! `pjsipctl export [TYPE...]`: the target's objects as pjsip.conf (issue 5), written so
//! that `pjsipctl apply` of the output onto the same target changes nothing.

use clap::Args;

use crate::backend::{Coverage, Listed};
use crate::commands::list::reached_over_ari;
use crate::commands::{io_err, resolve_type, Access, Ctx};
use crate::error::{Exit, Result};
use crate::output::conf::{export_section, ExportOptions};
use crate::output::Sink;
use crate::schema::{TypeDef, TYPES};

/// Write the target's objects as pjsip.conf
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Types to export [default: every type the target stores]
    pub types: Vec<String>,
    /// Write every attribute, not only those that differ from Asterisk's defaults
    #[arg(long)]
    pub all: bool,
    /// Over ARI: read over N connections at once (1-16), as `apply --jobs` does
    #[arg(short = 'j', long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
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
    let (mut backend, mut workers) = ctx.backend_pool(args.jobs, Access::Read)?;
    let opts = ExportOptions {
        show_secrets: ctx.settings.output.show_secrets,
        all: args.all,
    };
    // In the type order apply pushes in (auth and aor before endpoint).
    let mut types: Vec<&'static TypeDef> = types
        .into_iter()
        .filter(|ty| {
            if ty.static_only() {
                ctx.out.warn(&format!(
                    "{} objects live in the static pjsip.conf: nothing to export",
                    ty.name
                ));
            }
            !ty.static_only()
        })
        .collect();
    types.sort_by_key(|t| t.position());
    // Over ARI: the types exported as far as endpoint references reach, and those not at
    // all. Following references needs the endpoints first, so over ARI (a few thousand
    // objects at most) the objects are read before anything is written; the embedded
    // engine's are written as its cursor reads them.
    let (mut reached, mut missing): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let mut held: Vec<Option<Vec<Listed>>> = types.iter().map(|_| None).collect();
    if ctx.uses_ari() {
        let mut endpoints = None;
        let mut order: Vec<usize> = (0..types.len()).collect();
        order.sort_by_key(|&i| types[i].name != "endpoint");
        for i in order {
            let ty = types[i];
            let (items, coverage) =
                crate::backend::pool::list_with(backend.as_mut(), &mut workers, ty)?;
            if ty.name == "endpoint" {
                let copy = items.iter().map(|l| Listed {
                    id: l.id.clone(),
                    object: l.object.clone(),
                });
                endpoints = Some(copy.collect());
            }
            held[i] = Some(match coverage {
                Coverage::Complete => items,
                Coverage::Unavailable(_) => {
                    match reached_over_ari(ctx, backend.as_mut(), &mut workers, ty, &mut endpoints)?
                    {
                        Some(r) => {
                            reached.push(ty.plural);
                            r
                        }
                        None => {
                            missing.push(ty.plural);
                            continue;
                        }
                    }
                }
            });
        }
    }
    let mut text = format!(
        "; pjsip.conf written by `pjsipctl export` from {}\n",
        backend.describe()
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
            "; {line}.\n; `pjsipctl apply` of it recreates only what it holds; export the astdb file on the Asterisk host (pjsipctl --db FILE export) for a complete copy.\n"
        ));
        ctx.out.warn(&format!(
            "export over ARI is incomplete: it holds {}",
            what.join(", and ")
        ));
    } else {
        text.push_str("; `pjsipctl apply` of this file onto the same target changes nothing.\n");
    }
    text.push('\n');
    let mut sink = Sink::stdout();
    sink.write(&text).map_err(io_err)?;
    let mut n = Counts::default();
    for (ty, held) in types.into_iter().zip(held) {
        let defaults = crate::output::Defaults::of(ty);
        let mut emit = |l: Listed| section(ctx, (ty, &defaults), l, &opts, &mut n, &mut sink);
        match held {
            Some(items) => items.into_iter().try_for_each(emit)?,
            None if ctx.uses_ari() => {}
            None => {
                if let Coverage::Unavailable(why) = backend.each(ty, &mut emit)? {
                    if named || !why.contains("static") {
                        ctx.out.warn(&format!("cannot list {}: {why}", ty.plural));
                    }
                }
            }
        }
    }
    // Known only at the end, since every object is written as it is read.
    let mut tail = format!(
        "; {} object{}\n",
        n.objects,
        if n.objects == 1 { "" } else { "s" }
    );
    if n.withheld {
        tail.push_str("; Secrets are withheld (commented out): this file cannot recreate them. Export with --show-secrets.\n");
    }
    sink.write(&tail).map_err(io_err)?;
    sink.finish().map_err(io_err)?;
    ctx.out.status(&format!(
        "exported {} object{}",
        n.objects,
        if n.objects == 1 { "" } else { "s" }
    ));
    // An incomplete copy is not a success a script may rely on; the file is still written.
    Ok(if n.unreadable > 0 || incomplete {
        Exit::Storage
    } else {
        Exit::Ok
    })
}

#[derive(Default)]
struct Counts {
    objects: usize,
    unreadable: usize,
    withheld: bool,
}

/// Write one object's section (or, for a row that cannot be read, a comment saying so).
fn section(
    ctx: &Ctx,
    (ty, defaults): (&'static TypeDef, &crate::output::Defaults),
    l: Listed,
    opts: &ExportOptions,
    n: &mut Counts,
    sink: &mut Sink,
) -> Result<()> {
    match l.object {
        Ok(set) => {
            let e = export_section(ty, &l.id, &set, opts, defaults);
            for w in e.warnings {
                // What the file cannot say exactly: an error with --strict.
                match ctx.rules(false, false).warning(w) {
                    Ok(w) => ctx.out.warn(&w),
                    Err(e) => return Err(crate::error::Error::invalid(e)),
                }
            }
            n.withheld |= e.withheld;
            n.objects += 1;
            sink.write(&e.text).map_err(io_err)?;
            sink.write("\n").map_err(io_err)?;
        }
        Err(e) => {
            n.unreadable += 1;
            ctx.out.warn(&format!(
                "{} {}: unreadable row, not exported: {e}",
                ty.name, l.id
            ));
            sink.write(&format!(
                "; {} {}: not exported, the stored row is unreadable: {e}\n\n",
                ty.name, l.id
            ))
            .map_err(io_err)?;
        }
    }
    Ok(())
}
