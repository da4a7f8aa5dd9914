//! `pjsipctl export [TYPE...]`: the target's objects as pjsip.conf (issue 5), written so
//! that `pjsipctl apply` of the output onto the same target changes nothing.

use std::collections::BTreeMap;

use clap::Args;

use crate::backend::{ari, pool, Backend, Coverage, Listed};
use crate::commands::spool::Spool;
use crate::commands::{io_err, resolve_type, Access, Ctx, Workers};
use crate::error::{Exit, Result};
use crate::output::conf::{export_section, ExportOptions};
use crate::output::{Defaults, Sink};
use crate::policy::Verdict;
use crate::schema::{find_type, TypeDef, TYPES};

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
    let mut w = Writer {
        ctx,
        opts,
        sink: Sink::stdout(),
        n: Counts::default(),
    };
    let incomplete = if ctx.uses_ari() {
        over_ari(&mut w, backend.as_mut(), &mut workers, &types)?
    } else {
        w.header(backend.as_ref(), &[], &[])?;
        for ty in types {
            let defaults = Defaults::of(ty);
            let coverage = backend.each(ty, &mut |l| w.emit(render(ty, &defaults, l, &w.opts)))?;
            if let Coverage::Unavailable(why) = coverage {
                if named || !why.contains("static") {
                    ctx.out.warn(&format!("cannot list {}: {why}", ty.plural));
                }
            }
        }
        false
    };
    let Writer { mut sink, n, .. } = w;
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

/// Where each exported type's objects come from over ARI.
enum Source {
    /// Endpoints: listed, then read one GET each.
    Listed,
    /// The ids endpoints reference (id → the first endpoint naming it), read one GET each.
    Reached(Vec<&'static str>, BTreeMap<String, String>),
    /// A listing the target answered whole.
    Held(Vec<Listed>),
    /// What ARI cannot discover.
    Missing,
}

/// Over ARI, which lists endpoints only. The file's order puts auths and aors before the
/// endpoints, and which auths and aors there are is known only once every endpoint is
/// read; so the endpoints are read first (in chunks over the `--jobs` connections), each
/// kept on disk (not in memory) until its turn, then the auths and aors are read and
/// written chunk by chunk, then the endpoints' sections. Which types the file holds whole,
/// in part or not at all is known before any read, so the INCOMPLETE header stays first.
/// Returns whether the export is incomplete.
fn over_ari(
    w: &mut Writer,
    backend: &mut dyn Backend,
    workers: &mut Workers,
    types: &[&'static TypeDef],
) -> Result<bool> {
    let mut sources = Vec::with_capacity(types.len());
    let (mut reached, mut missing) = (Vec::new(), Vec::new());
    for ty in types {
        if ty.name == "endpoint" {
            sources.push(Source::Listed);
            continue;
        }
        sources.push(match backend.list(ty)? {
            (items, Coverage::Complete) => Source::Held(items),
            (_, Coverage::Unavailable(_)) => {
                let attrs = ari::reaching(ty);
                if attrs.is_empty() {
                    missing.push(ty.plural);
                    Source::Missing
                } else {
                    reached.push(ty.plural);
                    Source::Reached(attrs, BTreeMap::new())
                }
            }
        });
    }
    let at = sources.iter().position(|s| matches!(s, Source::Listed));
    // The endpoints as read (not rendered: that is done as each is written), on disk
    // until their turn so that memory does not grow with their number.
    let mut spool = match at {
        Some(_) => Some(Spool::new()?),
        None => None,
    };
    if at.is_some() || !reached.is_empty() {
        let ep = find_type("endpoint").expect("endpoint is a type");
        pool::each_listed(backend, workers, ep, &mut |l: Listed| {
            if let Ok(set) = &l.object {
                for s in sources.iter_mut() {
                    if let Source::Reached(attrs, refs) = s {
                        for id in ari::referenced(set, attrs) {
                            refs.entry(id.to_string()).or_insert_with(|| l.id.clone());
                        }
                    }
                }
            }
            match &mut spool {
                Some(s) => s.push(&l),
                None => Ok(()),
            }
        })?;
    }
    let incomplete = w.header(backend, &reached, &missing)?;
    for (ty, source) in types.iter().copied().zip(sources) {
        let defaults = Defaults::of(ty);
        match source {
            Source::Listed => {
                if let Some(s) = spool.take() {
                    s.replay(&mut |l| w.emit(render(ty, &defaults, l, &w.opts)))?;
                }
            }
            Source::Held(items) => items
                .into_iter()
                .try_for_each(|l| w.emit(render(ty, &defaults, l, &w.opts)))?,
            Source::Missing => {}
            Source::Reached(_, refs) => {
                let refs: Vec<(String, String)> = refs.into_iter().collect();
                pool::each_chunk(
                    backend,
                    workers,
                    refs.len(),
                    |b, i| Ok(b.get(ty, &refs[i].0)),
                    &mut |i, got: Result<crate::model::Objectset>| {
                        let (id, by) = &refs[i];
                        let object = match got {
                            Ok(set) => Ok(set),
                            Err(e) if e.exit == Exit::NotFound => {
                                w.ctx.out.warn(&format!(
                                    "endpoint {by} references {} {id}, which does not exist",
                                    ty.name
                                ));
                                return Ok(());
                            }
                            Err(e) if e.exit == Exit::Usage => Err(e.report()),
                            Err(e) => return Err(e),
                        };
                        let l = Listed {
                            id: id.clone(),
                            object,
                        };
                        w.emit(render(ty, &defaults, l, &w.opts))
                    },
                )?
            }
        }
    }
    Ok(incomplete)
}

#[derive(Default)]
struct Counts {
    objects: usize,
    unreadable: usize,
    withheld: bool,
}

/// What the export writes, and what it has counted so far.
struct Writer<'a> {
    ctx: &'a Ctx,
    opts: ExportOptions,
    sink: Sink,
    n: Counts,
}

/// One object's section as text, with what is said of it when it is written.
struct Rendered {
    text: String,
    /// What the file cannot say exactly (an error with --strict).
    warnings: Vec<String>,
    withheld: bool,
    /// For a row that cannot be read: the warning (`text` is then the comment saying so).
    unreadable: Option<String>,
}

/// One object's section (or, for a row that cannot be read, a comment saying so).
fn render(ty: &'static TypeDef, defaults: &Defaults, l: Listed, opts: &ExportOptions) -> Rendered {
    match l.object {
        Ok(set) => {
            let e = export_section(ty, &l.id, &set, opts, defaults);
            Rendered {
                text: e.text,
                warnings: e.warnings,
                withheld: e.withheld,
                unreadable: None,
            }
        }
        Err(e) => Rendered {
            text: format!(
                "; {} {}: not exported, the stored row is unreadable: {e}\n",
                ty.name, l.id
            ),
            warnings: Vec::new(),
            withheld: false,
            unreadable: Some(format!(
                "{} {}: unreadable row, not exported: {e}",
                ty.name, l.id
            )),
        },
    }
}

impl Writer<'_> {
    /// The file's first lines; says (and returns) whether the export is incomplete.
    fn header(
        &mut self,
        backend: &dyn Backend,
        reached: &[&str],
        missing: &[&str],
    ) -> Result<bool> {
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
            self.ctx.out.warn(&format!(
                "export over ARI is incomplete: it holds {}",
                what.join(", and ")
            ));
        } else {
            text.push_str(
                "; `pjsipctl apply` of this file onto the same target changes nothing.\n",
            );
        }
        text.push('\n');
        self.sink.write(&text).map_err(io_err)?;
        Ok(incomplete)
    }

    /// Write one rendered section, saying what it could not hold.
    fn emit(&mut self, r: Rendered) -> Result<()> {
        let ctx = self.ctx;
        if let Some(why) = r.unreadable {
            self.n.unreadable += 1;
            ctx.out.warn(&why);
            return self.sink.write(&format!("{}\n", r.text)).map_err(io_err);
        }
        for w in r.warnings {
            // What the file cannot say exactly: an error with --strict.
            match ctx.rules(false, false).warning(w) {
                Verdict::Warning(w) => ctx.out.warn(&w),
                Verdict::Refusal(e) => return Err(crate::error::Error::invalid(e)),
            }
        }
        self.n.withheld |= r.withheld;
        self.n.objects += 1;
        self.sink.write(&r.text).map_err(io_err)?;
        self.sink.write("\n").map_err(io_err)
    }
}
