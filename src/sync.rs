//! Make a target hold what a converted pjsip.conf says: compare what is stored with what
//! the file defines (both in the form the target reads back), plan the pushes and deletes
//! in the order PJSIP needs, and carry it out (output/plan.rs renders the plan).

use std::collections::{HashMap, HashSet};

use crate::backend::{Backend, Coverage, Listed, Op, PushOptions, Pushed};
use crate::commands::apply::OWNER_MARK;
use crate::conf::convert::Desired;
use crate::conf::reader::Origin;
use crate::engine;
use crate::error::{Error, Exit, Result};
use crate::model::{holds_list, Attr, Object, Objectset};
use crate::schema::{field, Kind, TypeDef, TYPES};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    /// An update cannot reach the file's object (it would only add to what is stored, or
    /// the stored row is unreadable): delete it and create it again.
    Recreate,
    Delete,
}

/// One object the plan changes.
#[derive(Debug)]
pub struct Change {
    pub action: Action,
    pub ty: &'static TypeDef,
    pub id: String,
    pub origin: Option<Origin>,
    /// What the target holds now (None: absent or unreadable).
    pub before: Option<Objectset>,
    /// What it will hold (None for a delete).
    pub after: Option<Objectset>,
    /// The fields pushed, in order.
    pub fields: Vec<Attr>,
    pub note: Option<String>,
}

/// Everything `apply` would do.
#[derive(Debug, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub unchanged: usize,
    /// Types of the file the target cannot list, with its reason: nothing of them is pruned.
    pub unlisted: Vec<(&'static TypeDef, String)>,
    /// Listed objects `--prune` would delete but cannot: over ARI, one Asterisk lists but
    /// cannot read (its DELETE retrieves it first and answers 404). With why it is unreadable.
    pub unprunable: Vec<(&'static TypeDef, String, String)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn count(&self, a: Action) -> usize {
        self.changes.iter().filter(|c| c.action == a).count()
    }

    /// The backend operations of one change.
    pub fn ops_of(c: &Change) -> Vec<Op> {
        let push = || Op::Push {
            ty: c.ty,
            id: c.id.clone(),
            fields: c.fields.clone(),
        };
        match c.action {
            Action::Create | Action::Update => vec![push()],
            Action::Recreate => vec![
                Op::Delete {
                    ty: c.ty,
                    id: c.id.clone(),
                },
                push(),
            ],
            Action::Delete => vec![Op::Delete {
                ty: c.ty,
                id: c.id.clone(),
            }],
        }
    }
}

/// How a target stores objects, which decides what it reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredAs {
    /// pjsipctl's astdb row.
    Astdb,
    /// Asterisk's own astdb row, written over ARI.
    Ari,
    /// ps_* rows, which hold every attribute (or the push is refused by name).
    Realtime,
}

impl From<bool> for StoredAs {
    fn from(over_ari: bool) -> StoredAs {
        if over_ari {
            StoredAs::Ari
        } else {
            StoredAs::Astdb
        }
    }
}

/// What a target reads back after storing `obj`: the row pjsipctl writes (over ARI,
/// Asterisk's own row, which keeps an unset callerid as `<unknown>`), read as
/// res_sorcery_astdb reads it; on realtime tables the object itself (the realtime
/// codec refuses what would read back differently).
pub fn stored_form(
    obj: &Object,
    target: impl Into<StoredAs>,
) -> std::result::Result<Objectset, String> {
    let target = target.into();
    if target == StoredAs::Realtime {
        return Ok(obj.objectset());
    }
    let over_ari = target == StoredAs::Ari;
    let mut row = obj.row_json();
    if over_ari && obj.ty.name == "endpoint" && obj.str("callerid") == "<unknown>" {
        row = if row == "{}" {
            r#"{"callerid":"<unknown>"}"#.to_string()
        } else {
            format!(r#"{{"callerid":"<unknown>",{}"#, &row[1..])
        };
    }
    engine::from_row(obj.ty, &obj.id, &row)
        .map(|(o, _)| o.objectset())
        .map_err(|e| e.to_string())
}

/// A stored objectset in the form Asterisk reads it back: over ARI an unset callerid
/// (`<unknown>`, as `serve` keeps it) is the number `unknown` once Asterisk has stored it,
/// which is what [`stored_form`] expects, so either form means "pushed without callerid".
fn as_read_back(set: &Objectset, over_ari: bool) -> Objectset {
    let mut set = set.clone();
    if over_ari {
        for a in set.iter_mut() {
            if a.attribute == "callerid" && a.value == "<unknown>" {
                a.value = "unknown".into();
            }
        }
    }
    set
}

/// A stored objectset as an object, the way the target rebuilds it before an update.
fn object_from_set(
    ty: &'static TypeDef,
    id: &str,
    set: &Objectset,
) -> std::result::Result<Object, String> {
    let fields: Vec<Attr> = set
        .iter()
        .filter(|a| ty.has_attribute_exact(&a.attribute))
        .cloned()
        .collect();
    let mut obj = Object::new(ty, id);
    engine::apply_fields(&mut obj, &fields, &mut Vec::new()).map_err(|e| e.to_string())?;
    Ok(obj)
}

/// An objectset grouped by attribute, in order of first appearance (multi-valued
/// attributes such as aor `contact` appear once with every value).
pub fn groups(set: &Objectset) -> Vec<(&str, Vec<&str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::with_capacity(set.len());
    let mut at: HashMap<&str, usize> = HashMap::with_capacity(set.len());
    for a in set {
        match at.get(a.attribute.as_str()) {
            Some(&i) => out[i].1.push(&a.value),
            None => {
                at.insert(&a.attribute, out.len());
                out.push((&a.attribute, vec![&a.value]));
            }
        }
    }
    out
}

/// One attribute's values in input form: codecs as `disallow=all` + `allow=`, set_var
/// entries as `set_var=NAME=value`, multi-valued attributes as one comma list.
fn input_fields(ty: &'static TypeDef, attr: &str, vals: &[&str]) -> Vec<Attr> {
    let Some(f) = ty.fields.iter().find(|f| f.name == attr) else {
        if attr.starts_with('@') {
            return vec![Attr::new(attr, vals[0])];
        }
        // An entry named after a set_var variable.
        return vals
            .iter()
            .map(|v| Attr::new("set_var", format!("{attr}={v}")))
            .collect();
    };
    match f.kind {
        Kind::Codec { .. } => {
            let mut out = vec![Attr::new("disallow", "all")];
            let inner = vals[0].trim_start_matches('(').trim_end_matches(')');
            if inner != "nothing" {
                out.push(Attr::new("allow", inner.replace('|', ",")));
            }
            out
        }
        _ if f.has(field::MULTI) => vec![Attr::new(attr, vals.join(","))],
        _ => vec![Attr::new(attr, vals[0])],
    }
}

/// The fields that turn `cur` into `want` by merge: every attribute whose value differs,
/// and an empty value for one the file does not have at all.
fn update_fields(ty: &'static TypeDef, cur: &Objectset, want: &Objectset) -> Vec<Attr> {
    let cg = groups(cur);
    let wg = groups(want);
    let cmap: HashMap<&str, &Vec<&str>> = cg.iter().map(|(k, v)| (*k, v)).collect();
    let wset: HashSet<&str> = wg.iter().map(|(k, _)| *k).collect();
    let mut out = Vec::new();
    for (attr, vals) in &wg {
        if cmap.get(attr) != Some(&vals) {
            out.extend(input_fields(ty, attr, vals));
        }
    }
    for (attr, _) in &cg {
        if !wset.contains(attr) && ty.fields.iter().any(|f| f.name == *attr) {
            out.push(Attr::new(*attr, ""));
        }
    }
    out
}

/// Find fields that a merge push onto `existing` turns into `want`, checking each guess
/// with the engine. Sorcery copies the stored object first, and the copy itself can change
/// a value (an unset callerid `<unknown>` re-reads as the number `unknown`), so the values
/// that still differ are sent again, then as empty values (which reset most fields).
/// `Err` names what no merge can reach.
fn merge_fields(
    d: &Desired,
    existing: &Object,
    cur: &Objectset,
    want: &Objectset,
    over_ari: StoredAs,
) -> std::result::Result<Vec<Attr>, String> {
    let mut fields = update_fields(d.ty, cur, want);
    let mut left = Vec::new();
    for round in 0..3 {
        let reached = engine::build(d.ty, &d.id, Some(existing), &fields)
            .ok()
            .and_then(|b| stored_form(&b.object, over_ari).ok())
            .ok_or_else(|| "the stored object cannot be updated in place".to_string())?;
        if reached == *want {
            return Ok(fields);
        }
        left = differing(&reached, want);
        let wg: HashMap<&str, Vec<&str>> = groups(want).into_iter().collect();
        for attr in &left {
            match (round, wg.get(attr.as_str())) {
                (0, Some(vals)) => fields.extend(input_fields(d.ty, attr, vals)),
                (1, Some(_))
                    if d.ty.fields.iter().any(|f| {
                        f.name == attr && !matches!(f.kind, Kind::SetVar) && !holds_list(&f.kind)
                    }) =>
                {
                    // A scalar: the last value wins, so the reset replaces the earlier guesses.
                    fields.retain(|f| f.attribute != *attr);
                    fields.push(Attr::new(attr.clone(), ""));
                }
                _ => {}
            }
        }
    }
    Err(format!(
        "an update only adds to what is stored ({})",
        left.join(", ")
    ))
}

/// The attributes whose values differ between two objectsets.
fn differing(a: &Objectset, b: &Objectset) -> Vec<String> {
    let ga: HashMap<&str, Vec<&str>> = groups(a).into_iter().collect();
    let gb = groups(b);
    let mut out: Vec<String> = gb
        .iter()
        .filter(|(k, v)| ga.get(k) != Some(v))
        .map(|(k, _)| k.to_string())
        .collect();
    let kb: HashSet<&str> = gb.iter().map(|(k, _)| *k).collect();
    out.extend(
        ga.keys()
            .filter(|k| !kb.contains(*k))
            .map(|k| k.to_string()),
    );
    out
}

/// One type's stored objects: ids in the target's order, and each object or why it is unreadable.
type Listing = (Vec<String>, HashMap<String, Stored>);

/// A listed object: its raw astdb row (embedded engine) or what the target answered.
enum Stored {
    Row(String),
    Set(std::result::Result<Objectset, String>),
}

impl Stored {
    fn set(&self, ty: &'static TypeDef, id: &str) -> std::result::Result<Objectset, String> {
        match self {
            Stored::Row(row) => row_set(ty, id, row),
            Stored::Set(s) => s.clone(),
        }
    }
}

/// What a stored astdb row reads back as, or why it cannot be read.
pub fn row_set(
    ty: &'static TypeDef,
    id: &str,
    row: &str,
) -> std::result::Result<Objectset, String> {
    engine::from_row(ty, id, row)
        .map(|(o, _)| o.objectset())
        .map_err(|e| e.to_string())
}

/// Compare the file's objects with the target and plan the changes: pushes in type order
/// (auth and aor before endpoint, identify and registration after), then with `prune` the
/// deletes of stored objects of the file's types that the file lacks, in reverse order.
/// `detail` asks for every create's resulting attributes too (for --dry-run, diff, JSON).
#[cfg(test)]
pub fn plan(
    backend: &mut dyn Backend,
    desired: &[Desired],
    prune: Option<Prune>,
    over_ari: impl Into<StoredAs>,
    detail: bool,
) -> Result<Plan> {
    plan_with(backend, &mut [], desired, prune, over_ari, detail)
}

/// GET each (type, id) over the workers' connections at once; the answers in input order.
pub fn get_parallel(
    workers: &mut [Box<dyn Backend + Send>],
    need: &[(&'static TypeDef, String)],
) -> Vec<Result<Objectset>> {
    parallel(workers, need.len(), |w, i| Ok(w.get(need[i].0, &need[i].1)))
        .expect("a GET's failure is its answer")
}

/// `f(worker, i)` for every i below `n`, spread over the workers' connections (one thread
/// each); the answers in input order. After a failure no worker starts another item, and
/// the failure of the lowest item is returned.
pub fn parallel<T: Send>(
    workers: &mut [Box<dyn Backend + Send>],
    n: usize,
    f: impl Fn(&mut dyn Backend, usize) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let (next, failed) = (AtomicUsize::new(0), AtomicBool::new(false));
    let out: std::sync::Mutex<Vec<Option<Result<T>>>> =
        std::sync::Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for w in workers.iter_mut() {
            let (next, failed, out, f) = (&next, &failed, &out, &f);
            s.spawn(move || loop {
                if failed.load(Ordering::SeqCst) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    break;
                }
                let r = f(w.as_mut(), i);
                if r.is_err() {
                    failed.store(true, Ordering::SeqCst);
                }
                out.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    let mut out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = out.iter().position(|r| matches!(r, Some(Err(_)))) {
        if let Some(Err(e)) = out.swap_remove(i) {
            return Err(e);
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::storage("a worker stopped"))))
        .collect()
}

/// A listing, with the objects that take one GET each (ARI's endpoints) read over the
/// workers' connections at once when there are several (`--jobs`).
pub fn list_with(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    ty: &'static TypeDef,
) -> Result<(Vec<Listed>, Coverage)> {
    if workers.len() > 1 {
        if let Some(ids) = backend.listed_ids(ty)? {
            let objects = parallel(workers, ids.len(), |w, i| w.listed_object(ty, &ids[i]))?;
            let items = ids
                .into_iter()
                .zip(objects)
                .map(|(id, object)| Listed { id, object })
                .collect();
            return Ok((items, Coverage::Complete));
        }
    }
    backend.list(ty)
}

/// [`plan`], with the per-object GETs (for types the target cannot list) spread over
/// `workers` when there is more than one.
pub fn plan_with(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    desired: &[Desired],
    prune: Option<Prune>,
    over_ari: impl Into<StoredAs>,
    detail: bool,
) -> Result<Plan> {
    let over_ari = over_ari.into();
    let mut order: Vec<usize> = (0..desired.len()).collect();
    order.sort_by_key(|&i| desired[i].ty.position());
    let mut plan = Plan::default();
    // One listing per type where the target can list; else one GET per object.
    let mut listed: HashMap<&str, Listing> = HashMap::new();
    for &i in &order {
        let ty = desired[i].ty;
        if listed.contains_key(ty.name) || plan.unlisted.iter().any(|(t, _)| t.name == ty.name) {
            continue;
        }
        if let Some(rows) = backend.raw_rows(ty)? {
            let ids = rows.iter().map(|(id, _)| id.clone()).collect();
            let map = rows
                .into_iter()
                .map(|(id, row)| (id, Stored::Row(row)))
                .collect();
            listed.insert(ty.name, (ids, map));
            continue;
        }
        let (items, coverage) = list_with(backend, workers, ty)?;
        match coverage {
            Coverage::Complete => {
                let ids = items.iter().map(|l| l.id.clone()).collect();
                let map = items
                    .into_iter()
                    .map(|l| (l.id, Stored::Set(l.object)))
                    .collect();
                listed.insert(ty.name, (ids, map));
            }
            Coverage::Unavailable(why) => plan.unlisted.push((ty, why)),
        }
    }
    let mut fetched: HashMap<usize, Result<Objectset>> = HashMap::new();
    if workers.len() > 1 {
        let idx: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| !listed.contains_key(desired[i].ty.name))
            .collect();
        let need: Vec<(&'static TypeDef, String)> = idx
            .iter()
            .map(|&i| (desired[i].ty, desired[i].id.clone()))
            .collect();
        fetched = idx.into_iter().zip(get_parallel(workers, &need)).collect();
    }
    for &i in &order {
        let d = &desired[i];
        let current: Option<std::result::Result<Objectset, String>> = match listed.get(d.ty.name) {
            // The row pjsipctl would write is already there, byte for byte: nothing to do.
            Some((_, map)) => match map.get(&d.id) {
                Some(Stored::Row(row))
                    if over_ari == StoredAs::Astdb && *row == d.object.row_json() =>
                {
                    plan.unchanged += 1;
                    continue;
                }
                Some(stored) => Some(stored.set(d.ty, &d.id)),
                None => None,
            },
            None => match fetched
                .remove(&i)
                .unwrap_or_else(|| backend.get(d.ty, &d.id))
            {
                Ok(set) => Some(Ok(set)),
                Err(e) if e.exit == Exit::NotFound => None,
                Err(e) => return Err(e),
            },
        };
        match change_for(d, current, over_ari, detail) {
            Some(change) => plan.changes.push(change),
            None => plan.unchanged += 1,
        }
    }
    if let Some(p) = prune {
        prune_plan(
            backend, workers, desired, &listed, over_ari, p.owner, &mut plan,
        )?;
    }
    Ok(plan)
}

/// What `--prune` deletes: see [`prune_plan`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Prune<'a> {
    /// `--owner`: only objects carrying `@pjsipctl_owner` with this value.
    pub owner: Option<&'a str>,
}

/// The extended attribute naming the wizard section an object came from.
const WIZARD_MARK: &str = "@pjsip_wizard";

/// A type's stored objects where the target can list them, else None.
fn listing(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    ty: &'static TypeDef,
) -> Result<Option<Listing>> {
    if let Some(rows) = backend.raw_rows(ty)? {
        let ids = rows.iter().map(|(id, _)| id.clone()).collect();
        let map = rows
            .into_iter()
            .map(|(id, r)| (id, Stored::Row(r)))
            .collect();
        return Ok(Some((ids, map)));
    }
    Ok(match list_with(backend, workers, ty)? {
        (items, Coverage::Complete) => {
            let ids = items.iter().map(|l| l.id.clone()).collect();
            let map = items
                .into_iter()
                .map(|l| (l.id, Stored::Set(l.object)))
                .collect();
            Some((ids, map))
        }
        _ => None,
    })
}

/// The objects an objectset names through policy::REFERENCES (auth, outbound_auth, aors).
fn set_references(ty: &TypeDef, set: &Objectset) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for &(t, attr, target) in crate::policy::REFERENCES {
        if t != ty.name {
            continue;
        }
        let values: Vec<&str> = set
            .iter()
            .filter(|a| a.attribute == attr)
            .map(|a| a.value.as_str())
            .collect();
        out.extend(set_references_of(target, &values));
    }
    out
}

/// Whether a pruned endpoint's objects of this type follow it where the type cannot be listed.
pub fn followed_from_endpoints(ty: &TypeDef) -> bool {
    crate::policy::REFERENCES.iter().any(|r| r.2 == ty.name)
}

/// The ids a comma list of references names, as (type, id).
fn set_references_of(target: &'static str, values: &[&str]) -> Vec<(&'static str, String)> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| (target, n.to_string()))
        .collect()
}

/// The deletes of `--prune`, in reverse type order. Without `owner`: the stored objects of
/// the file's types that it lacks (of the other types a wizard makes, only objects marked
/// by a wizard). With `owner`: of every type the target can list, only the objects marked
/// `@pjsipctl_owner=owner` that the file lacks. Where the target cannot list a type an
/// endpoint references (auth and aor over ARI), a pruned endpoint's own ones follow it
/// when nothing that stays names them (and, with `owner`, they carry the mark).
fn prune_plan(
    backend: &mut dyn Backend,
    workers: &mut [Box<dyn Backend + Send>],
    desired: &[Desired],
    listed: &HashMap<&str, Listing>,
    over_ari: StoredAs,
    owner: Option<&str>,
    plan: &mut Plan,
) -> Result<()> {
    let wanted: HashSet<(&str, &str)> =
        desired.iter().map(|d| (d.ty.name, d.id.as_str())).collect();
    // A wizard's objects carry @pjsip_wizard. Types the file defines plain objects of
    // are pruned whole, as ever; with wizard objects in the file, the other types a
    // wizard makes lose only the marked objects no section makes any more (a removed
    // trunk's registrations), so applying pjsip_wizard.conf alone spares pjsip.conf's.
    let full: HashSet<&str> = desired
        .iter()
        .filter(|d| owner.is_none() && d.object.extended(WIZARD_MARK).is_none())
        .map(|d| d.ty.name)
        .collect();
    let wizard = desired
        .iter()
        .any(|d| d.object.extended(WIZARD_MARK).is_some());
    let mut owned: HashMap<&str, Listing> = HashMap::new();
    // Where a type cannot be listed (over ARI), an endpoint's references are the only way to
    // its objects. (ARI answers that it cannot list one without a request.)
    let mut unlistable: HashSet<&str> = HashSet::new();
    for &(_, _, target) in crate::policy::REFERENCES
        .iter()
        .filter(|_| over_ari == StoredAs::Ari)
    {
        if let Some(ty) = crate::schema::find_type(target) {
            if !listed.contains_key(target) && backend.raw_rows(ty)?.is_none() {
                if let (_, Coverage::Unavailable(_)) = backend.list(ty)? {
                    unlistable.insert(ty.name);
                }
            }
        }
    }
    for ty in TYPES.iter() {
        // With an owner, every type astdb can hold (the static pjsip.conf's carry no mark).
        let wanted_here = (owner.is_some() && ty.default_astdb.is_some())
            || (wizard && crate::wizard::TYPES.contains(&ty.name));
        if !wanted_here || listed.contains_key(ty.name) {
            continue;
        }
        if let Some(l) = listing(backend, workers, ty)? {
            owned.insert(ty.name, l);
        }
    }
    // The mark that makes an object prunable where the type is not pruned whole.
    let mark = |set: &Objectset| match owner {
        Some(o) => set
            .iter()
            .any(|a| a.attribute == OWNER_MARK && a.value == o),
        None => set.iter().any(|a| a.attribute == WIZARD_MARK),
    };
    let mut kept_refs: HashSet<(&str, String)> = desired
        .iter()
        .flat_map(|d| {
            crate::policy::references(&d.object)
                .into_iter()
                .map(|(_, t, n)| (t.name, n))
        })
        .collect();
    // A registration of the file names its outbound auth too.
    for d in desired.iter().filter(|d| d.ty.name == "registration") {
        let names: Vec<&str> = match d.object.get("outbound_auth") {
            Some(crate::model::Val::L(l)) => l.iter().map(String::as_str).collect(),
            Some(v) => vec![v.as_str()],
            None => Vec::new(),
        };
        kept_refs.extend(set_references_of("auth", &names));
    }
    let mut cascade: Vec<(&str, String)> = Vec::new();
    for ty in TYPES.iter().rev() {
        let Some((ids, map)) = listed.get(ty.name).or_else(|| owned.get(ty.name)) else {
            continue;
        };
        let whole = full.contains(ty.name);
        if !whole && owner.is_none() && !(wizard && crate::wizard::TYPES.contains(&ty.name)) {
            // Listed only to see what its objects reference.
            for id in ids {
                if let Some(Ok(set)) = map.get(id).map(|r| r.set(ty, id)) {
                    kept_refs.extend(set_references(ty, &set));
                }
            }
            continue;
        }
        for id in ids {
            let set = map.get(id).and_then(|r| r.set(ty, id).ok());
            let prunable = !wanted.contains(&(ty.name, id.as_str()))
                && (whole || set.as_ref().is_some_and(&mark));
            if !prunable {
                if let Some(set) = &set {
                    kept_refs.extend(set_references(ty, set));
                }
                continue;
            }
            if let (StoredAs::Ari, Some(Stored::Set(Err(why)))) = (over_ari, map.get(id)) {
                plan.unprunable.push((ty, id.clone(), why.clone()));
                continue;
            }
            if let Some(set) = &set {
                cascade.extend(
                    set_references(ty, set)
                        .into_iter()
                        .filter(|(t, _)| unlistable.contains(t)),
                );
            }
            plan.changes.push(delete_change(ty, id, set));
        }
    }
    // An unlistable auth or aor a pruned endpoint named: deleted after it, once.
    let mut seen = HashSet::new();
    for (t, id) in cascade {
        let Some(ty) = crate::schema::find_type(t) else {
            continue;
        };
        if wanted.contains(&(t, id.as_str()))
            || kept_refs.contains(&(t, id.clone()))
            || !seen.insert((t, id.clone()))
        {
            continue;
        }
        let set = match backend.get(ty, &id) {
            Ok(set) => set,
            Err(e) if e.exit == Exit::NotFound => continue,
            Err(e) => return Err(e),
        };
        if owner.is_some() && !mark(&set) {
            continue;
        }
        plan.changes.push(delete_change(ty, &id, Some(set)));
    }
    // Dependants first: the cascade's auths and aors after the endpoints, in type order.
    let first_cascade = plan
        .changes
        .iter()
        .position(|c| c.action == Action::Delete)
        .unwrap_or(plan.changes.len());
    plan.changes[first_cascade..].sort_by_key(|c| std::cmp::Reverse(c.ty.position()));
    Ok(())
}

fn delete_change(ty: &'static TypeDef, id: &str, before: Option<Objectset>) -> Change {
    Change {
        action: Action::Delete,
        ty,
        id: id.to_string(),
        origin: None,
        before,
        after: None,
        fields: Vec::new(),
        note: None,
    }
}

/// The change that makes the target hold `d`, given what it holds now (None: absent;
/// Err: unreadable). None when it already holds it.
pub fn change_for(
    d: &Desired,
    current: Option<std::result::Result<Objectset, String>>,
    over_ari: impl Into<StoredAs>,
    detail: bool,
) -> Option<Change> {
    let over_ari = over_ari.into();
    // Without --owner a mark already stored is left as it is: neither compared nor removed
    // (a merge keeps it), so an apply without --owner does not re-create owned objects.
    let current = match d.object.extended(OWNER_MARK) {
        Some(_) => current,
        None => current.map(|c| {
            c.map(|mut set| {
                set.retain(|a| a.attribute != OWNER_MARK);
                set
            })
        }),
    };
    // What the target would read back is only needed to compare, or to show a create.
    let want = if current.is_some() || detail {
        stored_form(&d.object, over_ari)
    } else {
        Err(String::new())
    };
    let mut change = Change {
        action: Action::Create,
        ty: d.ty,
        id: d.id.clone(),
        origin: Some(d.origin.clone()),
        before: None,
        after: match (&want, detail || current.is_some()) {
            (Ok(w), _) => Some(w.clone()),
            (Err(_), true) => Some(d.object.objectset()),
            (Err(_), false) => None,
        },
        fields: d.push_fields(),
        note: None,
    };
    match (current, want) {
        (None, _) => {}
        // Over ARI, Asterisk lists it but cannot read it, so its DELETE answers 404; the
        // PUT alone creates it anew over the unreadable row.
        (Some(Err(_)), _) if over_ari == StoredAs::Ari => {
            change.note = Some("Asterisk lists it but cannot read it back: written anew".into());
        }
        (Some(Err(e)), _) => {
            change.action = Action::Recreate;
            change.note = Some(format!("the stored row is unreadable ({e})"));
        }
        (Some(Ok(cur)), Ok(want))
            if cur == want || as_read_back(&cur, over_ari == StoredAs::Ari) == want =>
        {
            return None
        }
        (Some(Ok(cur)), want) => {
            change.action = Action::Recreate;
            if let Ok(want) = &want {
                match object_from_set(d.ty, &d.id, &cur) {
                    Ok(existing) => match merge_fields(d, &existing, &cur, want, over_ari) {
                        Ok(fields) => {
                            change.action = Action::Update;
                            change.fields = fields;
                        }
                        Err(why) => change.note = Some(why),
                    },
                    Err(e) => {
                        change.note = Some(format!(
                            "the stored object cannot be copied for an update ({e})"
                        ))
                    }
                }
            }
            change.before = Some(cur);
        }
    }
    Some(change)
}

/// What became of each change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Applied,
    Failed,
    NotRun,
}

/// How the plan is carried out.
pub struct Execution<'a> {
    pub opts: PushOptions,
    /// One transaction for everything (the embedded engine); else change by change.
    pub transactional: bool,
    pub keep_going: bool,
    pub progress: &'a mut dyn FnMut(usize),
    /// Over a remote target: more than one connection, one worker each (`--jobs`). The
    /// changes of one type (and direction) run side by side; the next type starts only
    /// when they are all done, so nothing is pushed before what it references.
    pub workers: Vec<Box<dyn Backend + Send>>,
}

/// Run one change's operations; `k > 0` failing means the delete of a re-create was done.
fn run_change(
    backend: &mut dyn Backend,
    ops: &[Op],
    opts: PushOptions,
    warnings: &mut Vec<String>,
    tick: &mut dyn FnMut(),
) -> std::result::Result<(), Error> {
    for (k, op) in ops.iter().enumerate() {
        let r = match op {
            Op::Push { ty, id, fields } => backend
                .push(ty, id, fields, opts)
                .map(|p| warnings.extend(p.warnings)),
            Op::Delete { ty, id } => backend.delete(ty, id),
        };
        tick();
        if let Err(mut e) = r {
            if k > 0 {
                e.message = format!(
                    "{} (it was deleted, but creating it again failed)",
                    e.message
                );
            }
            return Err(e);
        }
    }
    Ok(())
}

/// The plan's changes in runs that may go side by side: same type, same direction.
fn ranks(plan: &Plan) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=plan.changes.len() {
        let brk = i == plan.changes.len() || {
            let (a, b) = (&plan.changes[i - 1], &plan.changes[i]);
            !std::ptr::eq(a.ty, b.ty)
                || (a.action == Action::Delete) != (b.action == Action::Delete)
        };
        if brk {
            out.push(start..i);
            start = i;
        }
    }
    out
}

/// [`execute`] with one worker per connection, rank after rank.
fn execute_parallel(
    plan: &Plan,
    mut ex: Execution<'_>,
) -> (Vec<Status>, Vec<String>, Vec<(usize, Error)>) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    enum Msg {
        Tick,
        Done(usize, Vec<String>, std::result::Result<(), Error>),
    }
    let n = plan.changes.len();
    let mut status = vec![Status::NotRun; n];
    let mut warnings = Vec::new();
    let mut errors: Vec<(usize, Error)> = Vec::new();
    let mut done_ops = 0;
    let opts = ex.opts;
    let keep_going = ex.keep_going;
    let mut workers = std::mem::take(&mut ex.workers);
    let all_ops: Vec<Vec<Op>> = plan.changes.iter().map(Plan::ops_of).collect();
    for range in ranks(plan) {
        let next = AtomicUsize::new(range.start);
        let stop = AtomicBool::new(false);
        let (tx, rx) = std::sync::mpsc::channel::<Msg>();
        std::thread::scope(|s| {
            for w in workers.iter_mut() {
                let tx = tx.clone();
                let (next, stop, range, all_ops) = (&next, &stop, range.clone(), &all_ops);
                s.spawn(move || loop {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= range.end {
                        break;
                    }
                    let mut warns = Vec::new();
                    let tick_tx = tx.clone();
                    let r = run_change(w.as_mut(), &all_ops[i], opts, &mut warns, &mut || {
                        let _ = tick_tx.send(Msg::Tick);
                    });
                    if r.is_err() && !keep_going {
                        stop.store(true, Ordering::SeqCst);
                    }
                    let _ = tx.send(Msg::Done(i, warns, r));
                });
            }
            drop(tx);
            for m in rx {
                match m {
                    Msg::Tick => {
                        done_ops += 1;
                        (ex.progress)(done_ops);
                    }
                    Msg::Done(i, w, r) => {
                        warnings.extend(w);
                        match r {
                            Ok(()) => status[i] = Status::Applied,
                            Err(e) => {
                                status[i] = Status::Failed;
                                errors.push((i, e));
                            }
                        }
                    }
                }
            }
        });
        if !errors.is_empty() && !keep_going {
            break;
        }
    }
    errors.sort_by_key(|(i, _)| *i);
    (status, warnings, errors)
}

/// Carry out the plan. Returns each change's status, the warnings the target gave and
/// the first error. In a transaction an error means nothing was applied.
pub fn execute(
    backend: &mut dyn Backend,
    plan: &Plan,
    ex: Execution<'_>,
) -> (Vec<Status>, Vec<String>, Vec<(usize, Error)>) {
    let n = plan.changes.len();
    let mut warnings = Vec::new();
    if ex.transactional {
        let ops: Vec<Op> = plan.changes.iter().flat_map(Plan::ops_of).collect();
        return match backend.batch(&ops, ex.opts, ex.progress) {
            Ok(results) => {
                warnings.extend(
                    results
                        .into_iter()
                        .flatten()
                        .flat_map(|p: Pushed| p.warnings),
                );
                (vec![Status::Applied; n], warnings, Vec::new())
            }
            Err(e) => (vec![Status::NotRun; n], warnings, vec![(0, e)]),
        };
    }
    if ex.workers.len() > 1 {
        return execute_parallel(plan, ex);
    }
    let mut status = vec![Status::NotRun; n];
    let mut errors = Vec::new();
    let mut done_ops = 0;
    for (i, c) in plan.changes.iter().enumerate() {
        let progress = &mut *ex.progress;
        let failed = run_change(
            backend,
            &Plan::ops_of(c),
            ex.opts,
            &mut warnings,
            &mut || {
                done_ops += 1;
                progress(done_ops);
            },
        )
        .err();
        match failed {
            None => status[i] = Status::Applied,
            Some(e) => {
                status[i] = Status::Failed;
                errors.push((i, e));
                if !ex.keep_going {
                    break;
                }
            }
        }
    }
    (status, warnings, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Listed;
    use crate::schema::find_type;

    /// A target that answers pushes from the engine, lists nothing, and fails on one id.
    struct Fake {
        log: Vec<String>,
        fail_on: &'static str,
    }

    impl Backend for Fake {
        fn describe(&self) -> String {
            "fake".into()
        }
        fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
            Err(Error::not_found(format!("{} {id}", ty.name)))
        }
        fn push(
            &mut self,
            ty: &'static TypeDef,
            id: &str,
            fields: &[Attr],
            _: PushOptions,
        ) -> Result<Pushed> {
            if id == self.fail_on {
                return Err(Error::refused(format!("{} {id}: refused", ty.name)));
            }
            self.log.push(format!("push {} {id}", ty.name));
            let b =
                engine::build(ty, id, None, fields).map_err(|e| Error::invalid(e.to_string()))?;
            Ok(Pushed {
                objectset: b.object.objectset(),
                created: true,
                unchanged: false,
                warnings: Vec::new(),
            })
        }
        fn delete(&mut self, ty: &'static TypeDef, id: &str) -> Result<()> {
            self.log.push(format!("delete {} {id}", ty.name));
            Ok(())
        }
        fn list(&mut self, _: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
            Ok((Vec::new(), Coverage::Unavailable("cannot list".into())))
        }
    }

    fn change(action: Action, id: &str) -> Change {
        Change {
            action,
            ty: find_type("aor").unwrap(),
            id: id.into(),
            origin: None,
            before: None,
            after: None,
            fields: vec![Attr::new("max_contacts", "1")],
            note: None,
        }
    }

    fn run(keep_going: bool, recreate_b: bool) -> (Vec<Status>, Vec<String>, Vec<(usize, Error)>) {
        let plan = Plan {
            changes: vec![
                change(Action::Create, "a"),
                change(
                    if recreate_b {
                        Action::Recreate
                    } else {
                        Action::Update
                    },
                    "b",
                ),
                change(Action::Create, "c"),
            ],
            ..Plan::default()
        };
        let mut fake = Fake {
            log: Vec::new(),
            fail_on: "b",
        };
        let mut ticks = 0;
        let mut tick = |n: usize| ticks = n;
        let ex = Execution {
            opts: PushOptions::default(),
            transactional: false,
            keep_going,
            progress: &mut tick,
            workers: Vec::new(),
        };
        let (st, _, errs) = execute(&mut fake, &plan, ex);
        (st, fake.log, errs)
    }

    #[test]
    fn generic_path_stops_at_the_first_failure() {
        let (st, log, errs) = run(false, false);
        assert_eq!(st, [Status::Applied, Status::Failed, Status::NotRun]);
        assert_eq!(log, ["push aor a"]);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 1);
    }

    #[test]
    fn keep_going_runs_the_rest() {
        let (st, log, errs) = run(true, false);
        assert_eq!(st, [Status::Applied, Status::Failed, Status::Applied]);
        assert_eq!(log, ["push aor a", "push aor c"]);
        assert_eq!(errs.len(), 1);
    }

    /// A worker of `--jobs`: pushes into a log shared by all workers, fails on one id.
    struct Shared {
        log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
        fail_on: &'static str,
    }

    impl Backend for Shared {
        fn describe(&self) -> String {
            "shared".into()
        }
        fn get(&mut self, ty: &'static TypeDef, id: &str) -> Result<Objectset> {
            Err(Error::not_found(format!("{} {id}", ty.name)))
        }
        fn push(
            &mut self,
            ty: &'static TypeDef,
            id: &str,
            _: &[Attr],
            _: PushOptions,
        ) -> Result<Pushed> {
            if id == self.fail_on {
                return Err(Error::refused(format!("{} {id}: refused", ty.name)));
            }
            self.log.lock().unwrap().push(format!("{} {id}", ty.name));
            Ok(Pushed {
                objectset: Vec::new(),
                created: true,
                unchanged: false,
                warnings: Vec::new(),
            })
        }
        fn delete(&mut self, _: &'static TypeDef, _: &str) -> Result<()> {
            Ok(())
        }
        fn list(&mut self, _: &'static TypeDef) -> Result<(Vec<Listed>, Coverage)> {
            Ok((Vec::new(), Coverage::Unavailable("no".into())))
        }
    }

    fn run_jobs(keep_going: bool, fail_on: &'static str) -> (Vec<Status>, Vec<String>, usize) {
        let ty = |n| find_type(n).unwrap();
        let mut changes = Vec::new();
        for t in ["auth", "aor", "endpoint"] {
            for i in 0..20 {
                let mut c = change(Action::Create, &format!("{t}{i}"));
                c.ty = ty(t);
                changes.push(c);
            }
        }
        let plan = Plan {
            changes,
            ..Plan::default()
        };
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let workers: Vec<Box<dyn Backend + Send>> = (0..4)
            .map(|_| {
                Box::new(Shared {
                    log: log.clone(),
                    fail_on,
                }) as Box<dyn Backend + Send>
            })
            .collect();
        let mut fake = Fake {
            log: Vec::new(),
            fail_on,
        };
        let mut ticks = 0;
        let mut tick = |n: usize| ticks = n;
        let (st, _, errs) = execute(
            &mut fake,
            &plan,
            Execution {
                opts: PushOptions::default(),
                transactional: false,
                keep_going,
                progress: &mut tick,
                workers,
            },
        );
        assert!(fake.log.is_empty(), "the main connection pushed");
        let log = log.lock().unwrap().clone();
        assert_eq!(ticks, log.len() + errs.len());
        (st, log, errs.len())
    }

    #[test]
    fn jobs_finish_each_type_before_the_next() {
        let (st, log, errs) = run_jobs(false, "none");
        assert_eq!(errs, 0);
        assert!(st.iter().all(|s| *s == Status::Applied));
        let rank = |l: &String| {
            ["auth", "aor", "endpoint"]
                .iter()
                .position(|t| l.starts_with(&format!("{t} ")))
                .unwrap()
        };
        assert!(
            log.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
            "{log:?}"
        );
        assert_eq!(log.len(), 60);
    }

    #[test]
    fn jobs_stop_after_a_failed_type_unless_keep_going() {
        let (st, log, errs) = run_jobs(false, "aor5");
        assert_eq!(errs, 1);
        assert_eq!(st[25], Status::Failed);
        assert!(
            st[40..].iter().all(|s| *s == Status::NotRun),
            "no endpoint after a failed aor"
        );
        assert!(!log.iter().any(|l| l.starts_with("endpoint")));
        // What is reported applied is exactly what was pushed.
        let applied = st.iter().filter(|s| **s == Status::Applied).count();
        assert_eq!(applied, log.len());
        let (st, log, errs) = run_jobs(true, "aor5");
        assert_eq!(errs, 1);
        assert_eq!(log.len(), 59);
        assert_eq!(st.iter().filter(|s| **s == Status::Applied).count(), 59);
    }

    #[test]
    fn a_half_done_recreate_says_so() {
        let (st, log, errs) = run(false, true);
        assert_eq!(st[1], Status::Failed);
        assert_eq!(log, ["push aor a", "delete aor b"]);
        assert!(errs[0]
            .1
            .message
            .contains("it was deleted, but creating it again failed"));
    }

    #[test]
    fn plan_gets_objects_one_by_one_when_the_target_cannot_list() {
        let conv = crate::conf::convert::convert(crate::conf::reader::read_str(
            "[a]\ntype=aor\n[e]\ntype=endpoint\nallow=ulaw\n",
            "t.conf",
            &crate::conf::reader::Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        ));
        let mut fake = Fake {
            log: Vec::new(),
            fail_on: "",
        };
        let plan = plan(&mut fake, &conv.objects, Some(Prune::default()), true, true).unwrap();
        assert_eq!(plan.count(Action::Create), 2);
        // Nothing is pruned where nothing could be listed.
        assert_eq!(plan.count(Action::Delete), 0);
        assert_eq!(plan.unlisted.len(), 2);
    }

    #[test]
    fn over_ari_an_unset_callerid_is_expected_back_as_unknown() {
        let ty = find_type("endpoint").unwrap();
        let obj = engine::build(ty, "e", None, &[Attr::new("allow", "ulaw")])
            .unwrap()
            .object;
        let cid = |set: Objectset| {
            set.into_iter()
                .find(|a| a.attribute == "callerid")
                .unwrap()
                .value
        };
        assert_eq!(cid(stored_form(&obj, false).unwrap()), "<unknown>");
        assert_eq!(cid(stored_form(&obj, true).unwrap()), "unknown");
    }

    #[test]
    fn over_ari_either_form_of_an_unset_callerid_is_unchanged() {
        let conv = crate::conf::convert::convert(crate::conf::reader::read_str(
            "[e]\ntype=endpoint\nallow=ulaw\n",
            "t.conf",
            &crate::conf::reader::Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        ));
        let d = &conv.objects[0];
        // What Asterisk reads back (`unknown`) and what serve keeps (`<unknown>`).
        let asterisk = stored_form(&d.object, true).unwrap();
        let serve = stored_form(&d.object, false).unwrap();
        assert_ne!(asterisk, serve);
        for cur in [asterisk, serve.clone()] {
            assert!(change_for(d, Some(Ok(cur)), true, false).is_none());
        }
        // On the embedded engine only its own form is.
        assert!(change_for(d, Some(Ok(serve)), false, false).is_none());
    }

    #[test]
    fn an_update_sends_only_what_differs() {
        // An endpoint without callerid: the engine's copy keeps it unset (pjsipctl's
        // deliberate difference), so only the changed attribute is sent.
        let ty = find_type("endpoint").unwrap();
        let conv = crate::conf::convert::convert(crate::conf::reader::read_str(
            "[e]\ntype=endpoint\nallow=ulaw\ncontext=new\n",
            "t.conf",
            &crate::conf::reader::Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        ));
        let d = &conv.objects[0];
        let stored = engine::build(
            ty,
            "e",
            None,
            &[Attr::new("allow", "ulaw"), Attr::new("context", "old")],
        )
        .unwrap()
        .object;
        let cur = stored_form(&stored, false).unwrap();
        let want = stored_form(&d.object, false).unwrap();
        let fields = merge_fields(d, &stored, &cur, &want, StoredAs::Astdb).unwrap();
        assert_eq!(fields, [Attr::new("context", "new")]);
    }
}
