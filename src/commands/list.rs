//! `pjsipctl list [TYPE]`: every stored object of a type, as `pjsip show endpoints` lists them.

use clap::Args;

use std::collections::BTreeMap;

use crate::backend::{ari, pool, Backend, Coverage, Listed};
use crate::cli::Format;
use crate::commands::spool::Spool;
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
    // Over ARI: what the endpoints reference (ids only), once they are read, and the
    // endpoints read for it before their own turn (on disk until then).
    let mut reach: Option<Reach> = None;
    let mut spooled: Option<Spool> = None;
    for (at, ty) in types.iter().enumerate() {
        // Each object is printed as it is read; a table keeps its own rows (as text).
        let mut t = TypePrint::new(ty, ctx);
        let coverage = match spooled.take() {
            // Read already, to follow its references.
            Some(s) if ari::lists(ty) => {
                s.replay(&mut |l| p.item(&mut t, l))?;
                Coverage::Complete
            }
            kept => {
                spooled = kept;
                let mut noted =
                    (ctx.uses_ari() && ari::lists(ty) && reach.is_none()).then(Reach::default);
                let coverage = pool::each_listed(backend.as_mut(), &mut workers, ty, &mut |l| {
                    if let Some(r) = &mut noted {
                        r.note(&l);
                    }
                    p.item(&mut t, l)
                })?;
                if noted.is_some() {
                    reach = noted;
                }
                coverage
            }
        };
        if let Coverage::Unavailable(why) = &coverage {
            let reached = match ctx.uses_ari() {
                true => {
                    // Endpoints still to be listed are kept as they are read for this.
                    let later = types[at + 1..].iter().any(|t| ari::lists(t));
                    let keep = (later && spooled.is_none()).then_some(&mut spooled);
                    let reach = &mut reach;
                    reached_over_ari(ctx, backend.as_mut(), &mut workers, ty, reach, keep)?
                }
                false => None,
            };
            match reached {
                Some(r) => {
                    t.label = Some(format!(
                        "{} that endpoints reference ({} found; ARI cannot list {}, so others are not shown)",
                        ty.plural,
                        r.len,
                        ty.plural
                    ));
                    // The label goes above the table; elsewhere, and for a type left out
                    // of `list` because nothing was reached, it goes to stderr.
                    let hidden = args.r#type.is_none() && r.len == 0;
                    if let (Some(l), true) = (
                        &t.label,
                        ctx.settings.output.format != Format::Table || hidden,
                    ) {
                        ctx.out.warn(&format!("listing only the {l}"));
                    }
                    r.replay(&mut |l| p.item(&mut t, l))?;
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

/// What the endpoints reference, by type: each id with the first endpoint naming it.
#[derive(Default)]
pub struct Reach(Vec<(&'static str, BTreeMap<String, String>)>);

impl Reach {
    fn note(&mut self, l: &Listed) {
        let Ok(set) = &l.object else { return };
        if self.0.is_empty() {
            self.0 = TYPES
                .iter()
                .filter(|t| !ari::reaching(t).is_empty())
                .map(|t| (t.name, BTreeMap::new()))
                .collect();
        }
        for (name, refs) in &mut self.0 {
            let attrs = ari::reaching(find_type(name).expect("a type"));
            for id in ari::referenced(set, &attrs) {
                refs.entry(id.to_string()).or_insert_with(|| l.id.clone());
            }
        }
    }

    fn of(&self, ty: &TypeDef) -> Vec<(String, String)> {
        self.0
            .iter()
            .find(|(n, _)| *n == ty.name)
            .map(|(_, r)| r.iter().map(|(a, b)| (a.clone(), b.clone())).collect())
            .unwrap_or_default()
    }
}

/// Over ARI, which lists endpoints only: the objects of `ty` the endpoints reference
/// (`None` when endpoints cannot reference `ty`), each read with a GET (over the `--jobs`
/// connections a chunk at a time) and kept on disk until they are counted. Dangling
/// references are named. `keep`: where the endpoints, when they are read here, are kept
/// for their own turn.
pub fn reached_over_ari(
    ctx: &Ctx,
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    ty: &'static TypeDef,
    reach: &mut Option<Reach>,
    keep: Option<&mut Option<Spool>>,
) -> Result<Option<Spool>> {
    if ari::reaching(ty).is_empty() {
        return Ok(None);
    }
    if reach.is_none() {
        let ep = find_type(ari::LISTED).expect("the listed type");
        let mut r = Reach::default();
        let mut kept = match keep {
            Some(_) => Some(Spool::new()?),
            None => None,
        };
        pool::each_listed(backend, workers, ep, &mut |l| {
            r.note(&l);
            match &mut kept {
                Some(s) => s.push(&l),
                None => Ok(()),
            }
        })?;
        if let Some(k) = keep {
            *k = kept;
        }
        *reach = Some(r);
    }
    let refs = reach.as_ref().map(|r| r.of(ty)).unwrap_or_default();
    let mut found = Spool::new()?;
    let mut dangling = Vec::new();
    pool::each_chunk(
        backend,
        workers,
        refs.len(),
        |b, i| Ok(b.get(ty, &refs[i].0)),
        &mut |i, got: Result<Objectset>| {
            let id = &refs[i].0;
            let object = match got {
                Ok(set) => Ok(set),
                Err(e) if e.exit == Exit::NotFound => {
                    dangling.push(i);
                    return Ok(());
                }
                Err(e) if e.exit == Exit::Usage => Err(e.report()),
                Err(e) => return Err(e),
            };
            found.push(&Listed {
                id: id.clone(),
                object,
            })?;
            Ok(())
        },
    )?;
    for i in dangling {
        let (id, by) = &refs[i];
        ctx.out.warn(&format!(
            "endpoint {by} references {} {id}, which does not exist",
            ty.name
        ));
    }
    Ok(Some(found))
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
