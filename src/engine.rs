//! Sorcery's push semantics, once: allocate with defaults, copy an existing object,
//! apply fields in order, run the type's apply handler; and read astdb rows back.
//! The embedded backend and `serve` both answer from here.

use crate::model::{Attr, Object};
use crate::schema::{rules, values, Kind, TypeDef};

/// Why Asterisk would refuse a push, with what pjsipctl can say beyond ARI's one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("{ty} has no attribute '{attribute}'{hint}")]
    UnknownAttribute {
        ty: &'static str,
        attribute: String,
        hint: String,
    },
    #[error("{attribute}={value}: {reason}")]
    InvalidValue {
        attribute: String,
        value: String,
        reason: String,
    },
    #[error("{0}")]
    Rejected(String),
    /// ast_sorcery_copy failed: Asterisk answers 500 "Allocation failed".
    #[error("the stored object cannot be copied for an update: {0}")]
    CopyFailed(String),
    /// The type's objectset is empty, so Asterisk cannot answer or read it back.
    #[error("{0}")]
    EmptyObjectset(String),
}

/// The result of building a pushed object.
#[derive(Debug)]
pub struct Built {
    pub object: Object,
    pub warnings: Vec<String>,
}

/// Apply `fields` in order onto `obj`; the first failure rejects everything.
pub fn apply_fields(
    obj: &mut Object,
    fields: &[Attr],
    warnings: &mut Vec<String>,
) -> Result<(), Refusal> {
    for f in fields {
        if let Some(w) = apply_field(obj, f)? {
            warnings.push(w);
        }
    }
    warnings.extend(apply_handler(obj)?);
    Ok(())
}

/// Attributes whose Asterisk handler compares the name it is given case-sensitively
/// (pjsip_configuration.c: group_handler, named_groups_handler, tos_handler,
/// codec_prefs_handler), so `CALL_GROUP=1` is found but then refused.
const CASE_SENSITIVE_NAMES: &[&str] = &[
    "call_group",
    "pickup_group",
    "named_call_group",
    "named_pickup_group",
    "tos_audio",
    "tos_video",
    "codec_prefs_incoming_offer",
    "codec_prefs_outgoing_offer",
    "codec_prefs_incoming_answer",
    "codec_prefs_outgoing_answer",
];

/// Apply one field as `aco_process_var` does: find the option (case-insensitively), run its handler.
pub fn apply_field(obj: &mut Object, f: &Attr) -> Result<Option<String>, Refusal> {
    apply_pair(obj, &f.attribute, &f.value)
}

/// [`apply_field`] on borrowed text.
pub fn apply_pair(
    obj: &mut Object,
    attribute: &str,
    value: &str,
) -> Result<Option<String>, Refusal> {
    let f = Pair { attribute, value };
    let Some(mut idx) = obj.ty.field_index(f.attribute) else {
        return Err(Refusal::UnknownAttribute {
            ty: obj.ty.name,
            attribute: f.attribute.to_string(),
            hint: suggest(obj.ty, f.attribute),
        });
    };
    let name = obj.ty.fields[idx].name;
    if name != f.attribute && obj.ty.name == "endpoint" {
        if CASE_SENSITIVE_NAMES.contains(&name) {
            return Err(Refusal::InvalidValue {
                attribute: f.attribute.to_string(),
                value: f.value.to_string(),
                reason: format!(
                    "Asterisk's handler only accepts the name in lower case: write {name}="
                ),
            });
        }
        // call_offer_pref_handler: anything but the exact outgoing name sets the incoming preference.
        if name == "outgoing_call_offer_pref" {
            idx = obj
                .ty
                .field_index_exact("incoming_call_offer_pref")
                .unwrap_or(idx);
        }
    }
    values::apply(obj, idx, f.value).map_err(|reason| {
        let fd = &obj.ty.fields[idx];
        // A refused secret is still a secret: never echo it in an error.
        let secret = fd.has(crate::schema::field::SECRET);
        let value = if secret {
            crate::output::MASK.to_string()
        } else {
            f.value.to_string()
        };
        let reason = if secret && !f.value.is_empty() {
            reason.replace(f.value, crate::output::MASK)
        } else {
            reason
        };
        Refusal::InvalidValue {
            attribute: fd.name.to_string(),
            value,
            reason,
        }
    })
}

struct Pair<'a> {
    attribute: &'a str,
    value: &'a str,
}

/// The type's apply handler, run once every field is set.
pub fn apply_handler(obj: &mut Object) -> Result<Vec<String>, Refusal> {
    rules::apply_handler(obj).map_err(Refusal::Rejected)
}

/// ARI PUT: a new object starts from defaults; an existing one is copied
/// (objectset out, applied onto a fresh object) and the fields merged on top.
pub fn build(
    ty: &'static TypeDef,
    id: &str,
    existing: Option<&Object>,
    fields: &[Attr],
) -> Result<Built, Refusal> {
    let mut warnings = Vec::new();
    let mut obj = match existing {
        // A transport's state is built when it loads; an update through push configuration
        // cannot rebuild it, and Asterisk answers 400 ("failed to allocate memory" in its log).
        Some(_) if ty.name == "transport" => {
            return Err(Refusal::Rejected(
                "Asterisk cannot update a loaded transport through push configuration (it answers 400); \
                 change it in pjsip.conf and reload"
                    .into(),
            ))
        }
        Some(old) => copy(old)?,
        None => Object::new(ty, id),
    };
    apply_fields(&mut obj, fields, &mut warnings)?;
    check_storable(&obj)?;
    Ok(Built {
        object: obj,
        warnings,
    })
}

/// A type whose objectset is empty cannot be answered or read back (acl, inbound-publication).
pub fn check_storable(obj: &Object) -> Result<(), Refusal> {
    let mut any = false;
    obj.for_each_entry(false, |_, _| any = true);
    if !any {
        return Err(Refusal::EmptyObjectset(format!(
            "Asterisk prints nothing for a {} object (no field has an output form), so it answers \
             500 \"Allocation failed\" and can never read the stored row back; define it in a static \
             config file ({}) instead",
            obj.ty.name,
            if obj.ty.name == "acl" { "acl.conf or pjsip.conf" } else { "pjsip.conf" }
        )));
    }
    Ok(())
}

/// ast_sorcery_copy: what does not survive its own objectset fails the copy.
pub fn copy(old: &Object) -> Result<Object, Refusal> {
    let mut obj = Object::new(old.ty, &old.id);
    let endpoint = old.ty.name == "endpoint";
    let mut failed = None;
    old.for_each_entry(false, |k, v| {
        // pjsipctl's deliberate difference: an unset callerid stays unset (Asterisk's copy reads
        // its own "<unknown>" back as the number "unknown").
        if failed.is_some() || (endpoint && k == "callerid" && v == "<unknown>") {
            return;
        }
        if let Err(e) = apply_pair(&mut obj, k, v) {
            failed = Some(e);
        }
    });
    if failed.is_none() {
        if let Err(e) = apply_handler(&mut obj) {
            failed = Some(e);
        }
    }
    match failed {
        Some(e) => Err(Refusal::CopyFailed(e.to_string())),
        None => Ok(obj),
    }
}

/// Why a stored row cannot be read as Asterisk would read it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RowError {
    #[error("the stored value is not a JSON object of strings: {0}")]
    NotJson(String),
    #[error("the stored row holds no field of {0}")]
    Empty(&'static str),
    #[error("Asterisk cannot load it: {0}")]
    Invalid(String),
}

/// A row as res_sorcery_astdb retrieves it: parse, drop unregistered keys
/// (exact-case), apply on defaults. Returns the object and the keys dropped.
pub fn from_row(
    ty: &'static TypeDef,
    id: &str,
    json: &str,
) -> Result<(Object, Vec<String>), RowError> {
    let fast = crate::model::parse_flat_json(json).filter(|p| !repeats_a_field(ty, p));
    let pairs = match fast {
        Some(p) => p,
        // Not our fast path (e.g. a repeated key, which keeps its last value): the full parser.
        None => match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(map)) if map.values().all(|v| v.is_string()) => map
                .into_iter()
                .map(|(k, v)| (k.into(), v.as_str().unwrap_or_default().to_string().into()))
                .collect(),
            _ => return Err(row_json_error(json)),
        },
    };
    let mut obj = Object::new(ty, id);
    let mut dropped = Vec::new();
    let mut applied = 0;
    for (k, v) in &pairs {
        let Some(idx) = ty.field_index_exact(k) else {
            dropped.push(k.to_string());
            continue;
        };
        applied += 1;
        // A value equal to the fresh object's own is a fixed point of its handler: skip the work.
        // (Only plain kinds: callerid, for one, reads its own "<unknown>" as a number.)
        let plain = matches!(
            ty.fields[idx].kind,
            Kind::Bool | Kind::YesNo | Kind::UInt { .. } | Kind::Str | Kind::Enum { .. }
        );
        if plain && matches!(&obj.vals[idx], crate::model::Val::S(cur) if cur == v) {
            continue;
        }
        apply_pair(&mut obj, k, v).map_err(|e| RowError::Invalid(e.to_string()))?;
    }
    if applied == 0 {
        return Err(RowError::Empty(ty.name));
    }
    apply_handler(&mut obj).map_err(|e| RowError::Invalid(e.to_string()))?;
    Ok((obj, dropped))
}

/// Whether a field's key appears twice (jansson keeps the last value at the first place).
fn repeats_a_field(
    ty: &'static TypeDef,
    pairs: &[(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)],
) -> bool {
    let mut seen = vec![false; ty.fields.len()];
    pairs
        .iter()
        .filter_map(|(k, _)| ty.field_index_exact(k))
        .any(|i| std::mem::replace(&mut seen[i], true))
}

/// Why a row is not a flat JSON object of strings, in serde_json's words.
fn row_json_error(json: &str) -> RowError {
    match serde_json::from_str::<serde_json::Value>(json) {
        Err(e) => RowError::NotJson(e.to_string()),
        Ok(serde_json::Value::Object(map)) => match map.iter().find(|(_, v)| !v.is_string()) {
            Some((k, _)) => RowError::NotJson(format!("'{k}' is not a string")),
            None => RowError::NotJson("unreadable".into()),
        },
        Ok(_) => RowError::NotJson("not an object".into()),
    }
}

fn suggest(ty: &TypeDef, attr: &str) -> String {
    let a = attr.to_ascii_lowercase();
    let best = ty
        .fields
        .iter()
        .filter(|f| f.name != "type")
        .map(|f| (distance(&a, f.name), f.name))
        .min();
    match best {
        Some((d, name)) if d <= 3 => format!(" (did you mean '{name}'?)"),
        _ => format!(" (see `pjsipctl schema {}` for its attributes)", ty.name),
    }
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A type's defaults as Asterisk shows them: a fresh object after its apply handler's
/// fix-ups (auth algorithms read MD5), whether or not the handler would accept it.
pub fn defaults(ty: &'static TypeDef) -> Object {
    let mut obj = Object::new(ty, "");
    if ty.name == "auth" {
        // The auth handler refuses a missing username before it fills the algorithm lists;
        // a placeholder lets its fix-ups run, then the username is unset again.
        obj.set("username", "-");
        let _ = rules::apply_handler(&mut obj);
        obj.set("username", "");
    } else {
        let _ = rules::apply_handler(&mut obj);
    }
    obj
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_defaults_show_md5_as_asterisk_does() {
        // golden 20: a fresh auth answers supported_algorithms_uac/uas = MD5.
        let set = defaults(crate::schema::find_type("auth").unwrap()).objectset();
        for f in ["supported_algorithms_uac", "supported_algorithms_uas"] {
            assert!(
                set.iter().any(|a| a.attribute == f && a.value == "MD5"),
                "{f}: {set:?}"
            );
        }
        assert!(set
            .iter()
            .any(|a| a.attribute == "username" && a.value.is_empty()));
    }
}
