//! `--prune`: the stored objects the file no longer defines, deleted after its pushes in
//! the reverse of the order PJSIP needs.

use std::collections::HashSet;

use crate::apply::plan::{Action, Change, StoredAs};
use crate::apply::stored::{Current, Lookup};
use crate::apply::OWNER_MARK;
use crate::conf::convert::Desired;
use crate::error::Result;
use crate::model::Objectset;
use crate::schema::{TypeDef, TYPES};

/// The extended attribute naming the wizard section an object came from.
const WIZARD_MARK: &str = "@pjsip_wizard";

/// What the file defines, gathered as its objects pass: what prune spares, and what stays
/// referenced.
#[derive(Debug, Default)]
pub struct Wanted {
    ids: HashSet<(&'static str, String)>,
    /// The file's types.
    types: HashSet<&'static str>,
    /// Types with plain objects (not a wizard's): pruned whole.
    full: HashSet<&'static str>,
    wizard: bool,
    /// The objects the file's objects name (kept where a pruned endpoint's would follow it).
    refs: HashSet<(&'static str, String)>,
}

impl Wanted {
    pub fn add(&mut self, d: &Desired, owner: Option<&str>) {
        self.ids.insert((d.ty.name, d.id.clone()));
        self.types.insert(d.ty.name);
        if d.object.extended(WIZARD_MARK).is_some() {
            self.wizard = true;
        } else if owner.is_none() {
            self.full.insert(d.ty.name);
        }
        self.refs.extend(
            crate::policy::references(&d.object)
                .into_iter()
                .map(|(_, t, n)| (t.name, n)),
        );
        // A registration names its outbound auth too.
        if d.ty.name == "registration" {
            let names: Vec<&str> = match d.object.get("outbound_auth") {
                Some(crate::model::Val::L(l)) => l.iter().map(String::as_str).collect(),
                Some(v) => vec![v.as_str()],
                None => Vec::new(),
            };
            self.refs.extend(references_of("auth", &names));
        }
    }

    pub fn contains(&self, ty: &str, id: &str) -> bool {
        self.ids.contains(&(ty, id.to_string()))
    }
}

/// The objects an objectset names through its type's references (schema
/// `TypeDef::references`: an endpoint's auth, outbound_auth, aors).
fn set_references(ty: &TypeDef, set: &Objectset) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for r in ty.references {
        let values: Vec<&str> = set
            .iter()
            .filter(|a| a.attribute == r.attr)
            .map(|a| a.value.as_str())
            .collect();
        out.extend(references_of(r.target().name, &values));
    }
    out
}

/// Whether a pruned endpoint's objects of this type follow it where the type cannot be listed.
pub fn followed_from_endpoints(ty: &TypeDef) -> bool {
    ty.referenced()
}

/// The ids a comma list of references names, as (type, id).
fn references_of(target: &'static str, values: &[&str]) -> Vec<(&'static str, String)> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| (target, n.to_string()))
        .collect()
}

/// What --prune found it cannot delete: over ARI, an object one Asterisk lists but cannot
/// read (its DELETE retrieves it first and answers 404), with why.
pub type Unprunable = Vec<(&'static TypeDef, String, String)>;

/// The deletes of `--prune`, in reverse type order. Without `owner`: the stored objects of
/// the file's types that it lacks (of the other types a wizard makes, only objects marked
/// by a wizard). With `owner`: of every type the target can list, only the objects marked
/// `@pjsipctl_owner=owner` that the file lacks. Where the target cannot list a type an
/// endpoint references (auth and aor over ARI), a pruned endpoint's own ones follow it
/// when nothing that stays names them (and, with `owner`, they carry the mark).
pub fn deletes(
    lookup: &mut dyn Lookup,
    wanted: &Wanted,
    owner: Option<&str>,
) -> Result<(Vec<Change>, Unprunable)> {
    let over_ari = lookup.stored_as() == StoredAs::Ari;
    let mut out = Vec::new();
    let mut unprunable = Vec::new();
    // Where a type cannot be listed (over ARI), an endpoint's references are the only way
    // to its objects; what the stored objects reference matters only then.
    let mut unlistable: HashSet<&str> = HashSet::new();
    for ty in TYPES.iter().filter(|t| over_ari && t.referenced()) {
        if lookup.unlistable(ty)? {
            unlistable.insert(ty.name);
        }
    }
    let follow = !unlistable.is_empty();
    // The mark that makes an object prunable where the type is not pruned whole.
    let mark = |set: &Objectset| match owner {
        Some(o) => set
            .iter()
            .any(|a| a.attribute == OWNER_MARK && a.value == o),
        None => set.iter().any(|a| a.attribute == WIZARD_MARK),
    };
    let mut kept_refs = wanted.refs.clone();
    let mut cascade: Vec<(&str, String)> = Vec::new();
    for ty in TYPES.iter().rev() {
        let of_file = wanted.types.contains(ty.name);
        let wizard_type = wanted.wizard && crate::wizard::TYPES.contains(&ty.name);
        // With an owner, every type astdb can hold (the static pjsip.conf's carry no mark).
        let extra = (owner.is_some() && ty.default_astdb.is_some()) || wizard_type;
        if !of_file && !extra {
            continue;
        }
        let Some(listing) = lookup.listing(ty, of_file)? else {
            continue;
        };
        let whole = wanted.full.contains(ty.name);
        // Read ahead in parts (over ARI's --jobs connections, where objects are listed by
        // id and read one GET each): only a part's answers are held at once.
        let part = lookup.read_ahead().max(1);
        if !whole && owner.is_none() && !wizard_type {
            // Listed only to see what its objects reference.
            for chunk in listing.chunks(part).filter(|_| follow) {
                lookup.read_listing(ty, chunk);
                for (id, c) in chunk {
                    if let Some(Ok(set)) = lookup.read(ty, id, c)? {
                        kept_refs.extend(set_references(ty, &set));
                    }
                }
            }
            continue;
        }
        for chunk in listing.chunks(part) {
            if !whole || follow || over_ari {
                lookup.read_listing(ty, chunk);
            }
            for (id, c) in chunk {
                let spared = wanted.contains(ty.name, id);
                // Read only where it decides something (the astdb file lists keys only).
                let got = if !whole || follow || over_ari {
                    lookup.read(ty, id, c)?
                } else {
                    None
                };
                // Over ARI, an object listed but unreadable (its why, known from the listing
                // or from its read).
                let unreadable = match (c, &got) {
                    (Current::Set(Err(why)), _) | (_, Some(Err(why))) if over_ari => {
                        Some(why.clone())
                    }
                    _ => None,
                };
                let set = got.and_then(|r| r.ok());
                let prunable = !spared && (whole || set.as_ref().is_some_and(&mark));
                if !prunable {
                    if let Some(set) = &set {
                        kept_refs.extend(set_references(ty, set));
                    }
                    continue;
                }
                if let Some(why) = unreadable {
                    unprunable.push((ty, id.clone(), why));
                    continue;
                }
                if let Some(set) = &set {
                    cascade.extend(
                        set_references(ty, set)
                            .into_iter()
                            .filter(|(t, _)| unlistable.contains(t)),
                    );
                }
                out.push(delete_change(ty, id, set));
            }
        }
    }
    // An unlistable auth or aor a pruned endpoint named: deleted after it, once.
    let mut seen = HashSet::new();
    for (t, id) in cascade {
        let Some(ty) = crate::schema::find_type(t) else {
            continue;
        };
        if wanted.contains(t, &id)
            || kept_refs.contains(&(t, id.clone()))
            || !seen.insert((t, id.clone()))
        {
            continue;
        }
        let Some(set) = lookup.get(ty, &id)? else {
            continue;
        };
        if owner.is_some() && !mark(&set) {
            continue;
        }
        out.push(delete_change(ty, &id, Some(set)));
    }
    // Dependants first: the cascade's auths and aors after the endpoints, in type order
    // (stable: the listing's order within a type).
    out.sort_by_key(|c| std::cmp::Reverse(c.ty.position()));
    Ok((out, unprunable))
}

pub fn delete_change(ty: &'static TypeDef, id: &str, before: Option<Objectset>) -> Change {
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
