//! Sorcery's push semantics, once: allocate with defaults, copy an existing object,
//! apply fields in order, run the type's apply handler; and read astdb rows back.
//! The embedded backend and `serve` both answer from here.

use crate::model::{Attr, Object};
use crate::schema::{rules, values, TypeDef};

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
        let Some(idx) = obj.ty.field_index(&f.attribute) else {
            return Err(Refusal::UnknownAttribute {
                ty: obj.ty.name,
                attribute: f.attribute.clone(),
                hint: suggest(obj.ty, &f.attribute),
            });
        };
        match values::apply(obj, idx, &f.value) {
            Ok(Some(w)) => warnings.push(w),
            Ok(None) => {}
            Err(reason) => {
                let fd = &obj.ty.fields[idx];
                // A refused secret is still a secret: never echo it in an error.
                let secret = fd.has(crate::schema::field::SECRET);
                let value = if secret {
                    crate::output::MASK.to_string()
                } else {
                    f.value.clone()
                };
                let reason = if secret && !f.value.is_empty() {
                    reason.replace(f.value.as_str(), crate::output::MASK)
                } else {
                    reason
                };
                return Err(Refusal::InvalidValue {
                    attribute: fd.name.to_string(),
                    value,
                    reason,
                });
            }
        }
    }
    let w = rules::apply_handler(obj).map_err(Refusal::Rejected)?;
    warnings.extend(w);
    Ok(())
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
    if obj.objectset().is_empty() {
        return Err(Refusal::EmptyObjectset(format!(
            "Asterisk prints nothing for a {} object (no field has an output form), so it answers \
             500 \"Allocation failed\" and can never read the stored row back; define it in a static \
             config file ({}) instead",
            ty.name,
            if ty.name == "acl" { "acl.conf or pjsip.conf" } else { "pjsip.conf" }
        )));
    }
    Ok(Built {
        object: obj,
        warnings,
    })
}

/// ast_sorcery_copy: what does not survive its own objectset fails the copy.
pub fn copy(old: &Object) -> Result<Object, Refusal> {
    let mut set = old.objectset();
    // pjsipctl's deliberate difference: an unset callerid stays unset (Asterisk's copy reads its
    // own "<unknown>" back as the number "unknown").
    if old.ty.name == "endpoint" {
        set.retain(|a| !(a.attribute == "callerid" && a.value == "<unknown>"));
    }
    let mut obj = Object::new(old.ty, &old.id);
    let mut ignored = Vec::new();
    apply_fields(&mut obj, &set, &mut ignored).map_err(|e| Refusal::CopyFailed(e.to_string()))?;
    Ok(obj)
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
    let parsed: serde_json::Value =
        serde_json::from_str(json).map_err(|e| RowError::NotJson(e.to_string()))?;
    let map = parsed
        .as_object()
        .ok_or_else(|| RowError::NotJson("not an object".into()))?;
    let mut fields = Vec::with_capacity(map.len());
    let mut dropped = Vec::new();
    for (k, v) in map {
        let v = v
            .as_str()
            .ok_or_else(|| RowError::NotJson(format!("'{k}' is not a string")))?;
        if ty.field_index_exact(k).is_some() {
            fields.push(Attr::new(k.clone(), v));
        } else {
            dropped.push(k.clone());
        }
    }
    if fields.is_empty() {
        return Err(RowError::Empty(ty.name));
    }
    let mut obj = Object::new(ty, id);
    let mut w = Vec::new();
    apply_fields(&mut obj, &fields, &mut w).map_err(|e| RowError::Invalid(e.to_string()))?;
    Ok((obj, dropped))
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
    let _ = rules::apply_handler(&mut obj);
    obj
}
