//! What `apply` would change: compare each object of the file with what the target holds
//! (both in the form the target reads back) and decide the change that makes the target
//! hold the file's object; output/plan.rs renders it, execute.rs carries it out.

use std::collections::{HashMap, HashSet};

use crate::apply::OWNER_MARK;
use crate::backend::Op;
use crate::conf::convert::Desired;
use crate::conf::reader::Origin;
use crate::engine;
use crate::model::{holds_list, Attr, Object, Objectset};
use crate::schema::{field, Kind, TypeDef};

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
#[derive(Debug, Clone)]
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
    let mut row = obj.row_json();
    // Asterisk's own row keeps the unset value that pjsipctl's leaves out.
    if let Some(m) = obj.ty.misread_unset().filter(|_| target == StoredAs::Ari) {
        if obj.str(m.name) == m.unset {
            let json = |s: &str| serde_json::to_string(s).expect("a string");
            let field = format!("{}:{}", json(m.name), json(m.unset));
            row = if row == "{}" {
                format!("{{{field}}}")
            } else {
                format!("{{{field},{}", &row[1..])
            };
        }
    }
    engine::from_row(obj.ty, &obj.id, &row)
        .map(|(o, _)| o.objectset())
        .map_err(|e| e.to_string())
}

/// A stored objectset in the form Asterisk reads it back: over ARI an unset callerid
/// (`<unknown>`, as `serve` keeps it) is the number `unknown` once Asterisk has stored it,
/// which is what [`stored_form`] expects, so either form means "pushed without callerid".
fn as_read_back(ty: &'static TypeDef, set: &Objectset, over_ari: bool) -> Objectset {
    let mut set = set.clone();
    if let Some(m) = ty.misread_unset().filter(|_| over_ari) {
        for a in set.iter_mut() {
            if a.attribute == m.name && a.value == m.unset {
                a.value = m.read_back.clone();
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
            if cur == want || as_read_back(d.ty, &cur, over_ari == StoredAs::Ari) == want =>
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::find_type;

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
