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
    /// Over ARI: read over N connections at once (1-16), as `apply --jobs` does
    #[arg(short = 'j', long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
}

pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<Exit> {
    let types: Vec<&'static TypeDef> = match &args.r#type {
        Some(t) => vec![resolve_type(t)?],
        None => TYPES.iter().collect(),
    };
    let (mut backend, mut workers) = ctx.backend_pool(args.jobs, Access::Read)?;
    let mut p = Printer {
        ctx,
        sink: output::Sink::stdout(),
        json: output::json::Listing::default(),
        broken: 0,
    };
    let mut endpoints: Option<Vec<Listed>> = None;
    for ty in &types {
        // Each object is printed as it is read; a table keeps its own rows (as text).
        let mut t = TypePrint::new(ty, ctx);
        let coverage = match endpoints.take() {
            // Listed already, to follow its references.
            Some(e) if ari::lists(ty) => {
                for l in e {
                    p.item(&mut t, l)?;
                }
                Coverage::Complete
            }
            cached if !workers.is_empty() => {
                endpoints = cached;
                let (items, coverage) =
                    crate::backend::pool::list_with(backend.as_mut(), &mut workers, ty)?;
                for l in items {
                    p.item(&mut t, l)?;
                }
                coverage
            }
            cached => {
                endpoints = cached;
                backend.each(ty, &mut |l| p.item(&mut t, l))?
            }
        };
        if let Coverage::Unavailable(why) = &coverage {
            let reached = match ctx.uses_ari() {
                true => reached_over_ari(ctx, backend.as_mut(), &mut workers, ty, &mut endpoints)?,
                false => None,
            };
            match reached {
                Some(r) => {
                    t.label = Some(format!(
                        "{} that endpoints reference ({} found; ARI cannot list {}, so others are not shown)",
                        ty.plural,
                        r.len(),
                        ty.plural
                    ));
                    // The label goes above the table; elsewhere, and for a type left out
                    // of `list` because nothing was reached, it goes to stderr.
                    let hidden = args.r#type.is_none() && r.is_empty();
                    if let (Some(l), true) = (
                        &t.label,
                        ctx.settings.output.format != Format::Table || hidden,
                    ) {
                        ctx.out.warn(&format!("listing only the {l}"));
                    }
                    for l in r {
                        p.item(&mut t, l)?;
                    }
                }
                None => {
                    if args.r#type.is_some() || ctx.uses_ari() {
                        ctx.out.warn(&format!("cannot list {}: {why}", ty.plural));
                    }
                    continue;
                }
            }
        }
        // `list` without a type leaves out the types that hold nothing.
        if args.r#type.is_none() && t.count == 0 {
            continue;
        }
        if ctx.settings.output.format == Format::Table {
            let mut text = String::new();
            if types.len() > 1 {
                text.push_str(&format!("== {} ==\n", ty.plural));
            }
            if let Some(l) = &t.label {
                text.push_str(&format!("Only the {l}:\n"));
            }
            p.sink.write(&text).map_err(io_err)?;
            t.rows.write(&mut |l| p.sink.write(l)).map_err(io_err)?;
            p.sink.write("\n").map_err(io_err)?;
        }
    }
    let Printer {
        mut sink,
        json,
        broken,
        ..
    } = p;
    if ctx.settings.output.format == Format::Json {
        sink.write(json.end()).map_err(io_err)?;
    } else if !sink.wrote() {
        sink.write("No objects found.\n").map_err(io_err)?;
    }
    sink.finish().map_err(io_err)?;
    Ok(if broken > 0 { Exit::Storage } else { Exit::Ok })
}

/// What `list` writes as it reads.
struct Printer<'a> {
    ctx: &'a Ctx,
    sink: output::Sink,
    /// The one JSON array across all types.
    json: output::json::Listing,
    broken: usize,
}

/// One type's part of the listing.
struct TypePrint {
    ty: &'static TypeDef,
    count: usize,
    /// A table's rows, as text: its column widths depend on all of them.
    rows: output::table::ListTable,
    /// Over ARI: which of the type's objects are shown.
    label: Option<String>,
    /// For `-o conf`: the type's defaults, which are not written.
    defaults: Option<output::Defaults>,
}

impl TypePrint {
    fn new(ty: &'static TypeDef, ctx: &Ctx) -> TypePrint {
        TypePrint {
            ty,
            count: 0,
            rows: output::table::ListTable::new(&ty.list.headers()),
            label: None,
            defaults: (ctx.settings.output.format == Format::Conf)
                .then(|| output::Defaults::of(ty)),
        }
    }
}

impl Printer<'_> {
    fn item(&mut self, t: &mut TypePrint, l: Listed) -> Result<()> {
        let (ctx, ty) = (self.ctx, t.ty);
        t.count += 1;
        if let Err(e) = &l.object {
            // Over ARI the target itself lists what it cannot read: reported, not a
            // failure of the listing (a damaged astdb row is).
            if ctx.uses_ari() {
                ctx.out
                    .warn(&format!("{} {}: unreadable: {e}", ty.name, l.id));
            } else {
                self.broken += 1;
                ctx.out
                    .warn(&format!("{} {}: unreadable row: {e}", ty.name, l.id));
            }
        }
        match ctx.settings.output.format {
            Format::Json => {
                // Unlike show -o json (ARI's own answer), a listing is pjsipctl's: masked.
                let masked;
                let l = if ctx.settings.output.show_secrets {
                    &l
                } else {
                    masked = Listed {
                        id: l.id.clone(),
                        object: l
                            .object
                            .as_ref()
                            .map(|set| output::mask(ty, set, false))
                            .map_err(Clone::clone),
                    };
                    &masked
                };
                let text = self.json.element(ty.name, l);
                self.sink.write(text).map_err(io_err)?;
            }
            Format::Conf => {
                if let (Ok(set), Some(d)) = (&l.object, &t.defaults) {
                    let mut text = output::conf::section(
                        ty,
                        &l.id,
                        &d.changed(set),
                        ctx.settings.output.show_secrets,
                    );
                    text.push('\n');
                    self.sink.write(&text).map_err(io_err)?;
                }
            }
            Format::Table => row(&l, &ty.list, &mut t.rows),
        }
        Ok(())
    }
}

/// Over ARI, which lists endpoints only: the objects of `ty` the endpoints reference
/// (`None` when endpoints cannot reference `ty`). Dangling references are named.
pub fn reached_over_ari(
    ctx: &Ctx,
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    ty: &'static TypeDef,
    endpoints: &mut Option<Vec<Listed>>,
) -> Result<Option<Vec<Listed>>> {
    if ari::reaching(ty).is_empty() {
        return Ok(None);
    }
    if endpoints.is_none() {
        let ep = find_type(ari::LISTED).expect("the listed type");
        *endpoints = Some(crate::backend::pool::list_with(backend, workers, ep)?.0);
    }
    let Some(r) = ari::reached(
        backend,
        workers,
        ty,
        endpoints.as_deref().unwrap_or_default(),
    )?
    else {
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

/// One object's table row: the type's list columns (schema `TypeDef::list`).
fn row(l: &Listed, list: &crate::schema::facts::List, table: &mut output::table::ListTable) {
    let id = std::iter::once(l.id.as_str());
    match &l.object {
        Ok(set) => table.push(id.chain(list.attributes().map(|c| v(set, c)))),
        Err(_) => table.push(id.chain((0..list.columns.len()).map(|i| {
            if i == 0 {
                "(unreadable)"
            } else {
                ""
            }
        }))),
    }
}
