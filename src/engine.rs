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
    /// The type's apply handler refused the object; `attribute` is the one at fault.
    #[error("{reason}")]
    Rejected {
        attribute: Option<&'static str>,
        reason: String,
    },
    /// ast_sorcery_copy failed: Asterisk answers 500 "Allocation failed".
    #[error("the stored object cannot be copied for an update: {0}")]
    CopyFailed(Box<Refusal>),
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
    // Sorcery's `^@` field: any `@name` is an extended attribute, kept as given.
    if attribute.starts_with('@') {
        obj.set_extended(attribute, value);
        return Ok(None);
    }
    let Some(mut idx) = obj.ty.field_index(f.attribute) else {
        return Err(Refusal::UnknownAttribute {
            ty: obj.ty.name,
            attribute: f.attribute.to_string(),
            hint: suggest(obj.ty, f.attribute),
        });
    };
    // Some handlers look at the name they are given (field::EXACT_NAME, TypeDef::inexact_sets).
    let name = obj.ty.fields[idx].name;
    if name != f.attribute {
        let Some(to) = obj.ty.inexact_target(idx, f.attribute) else {
            return Err(Refusal::InvalidValue {
                attribute: f.attribute.to_string(),
                value: f.value.to_string(),
                reason: format!(
                    "Asterisk's handler only accepts the name in lower case: write {name}="
                ),
            });
        };
        idx = to;
    }
    apply_at(obj, idx, f.value)
}

/// [`apply_pair`] for an attribute already found as field `idx` under its exact name.
pub(crate) fn apply_at(
    obj: &mut Object,
    idx: usize,
    value: &str,
) -> Result<Option<String>, Refusal> {
    values::apply(obj, idx, value).map_err(|bad| {
        let fd = &obj.ty.fields[idx];
        // A refused secret is still a secret: never echo it in an error.
        let secret = fd.has(crate::schema::field::SECRET);
        let shown = if secret {
            crate::schema::field::MASK.to_string()
        } else {
            value.to_string()
        };
        let reason = if secret && !value.is_empty() {
            bad.to_string().replace(value, crate::schema::field::MASK)
        } else {
            bad.to_string()
        };
        Refusal::InvalidValue {
            attribute: fd.name.to_string(),
            value: shown,
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
    rules::apply_handler(obj).map_err(|f| Refusal::Rejected {
        attribute: Some(f.attribute),
        reason: f.message,
    })
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
    if let (Some(_), Some(needs)) = (existing, &ty.update_needs) {
        let sets = |f: &Attr| {
            needs
                .fields
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&f.attribute))
        };
        if !fields.iter().any(sets) {
            return Err(Refusal::Rejected {
                attribute: None,
                reason: needs.refusal.into(),
            });
        }
    }
    let mut obj = match existing {
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
    use crate::schema::field::{HIDDEN, SKIP_UNSET};
    // A field neither hidden nor skipped when unset is always in the objectset.
    let mut any = obj
        .ty
        .fields
        .iter()
        .any(|f| !f.has(HIDDEN) && !f.has(SKIP_UNSET));
    if !any {
        obj.for_each_entry(false, |_, _| any = true);
    }
    if !any {
        return Err(Refusal::EmptyObjectset(format!(
            "Asterisk prints nothing for {} {} object (no field has an output form), so it answers \
             500 \"Allocation failed\" and can never read the stored row back; define it in a static \
             config file ({}) instead",
            obj.ty.article(),
            obj.ty.name,
            obj.ty.static_file
        )));
    }
    Ok(())
}

/// ast_sorcery_copy: what does not survive its own objectset fails the copy.
pub fn copy(old: &Object) -> Result<Object, Refusal> {
    let mut obj = Object::new(old.ty, &old.id);
    let misread = old.ty.misread_unset();
    let mut failed = None;
    old.for_each_entry(false, |k, v| {
        // pjsipctl's deliberate difference: an unset callerid stays unset (Asterisk's copy reads
        // its own "<unknown>" back as the number "unknown").
        if failed.is_some() || misread.is_some_and(|m| k == m.name && v == m.unset) {
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
        Some(e) => Err(Refusal::CopyFailed(Box::new(e))),
        None => Ok(obj),
    }
}

/// The stored object rebuilt from the objectset a target answered (ARI's GET), the way
/// [`copy`] (ast_sorcery_copy) rebuilds it: a failure is Asterisk's 500 "Allocation failed".
/// As there, an unset callerid (`<unknown>`) stays unset.
pub fn rebuild(ty: &'static TypeDef, id: &str, set: &[Attr]) -> Result<Object, Refusal> {
    let misread = ty.misread_unset();
    let set: Vec<Attr> = set
        .iter()
        .filter(|a| !misread.is_some_and(|m| a.attribute == m.name && a.value == m.unset))
        .cloned()
        .collect();
    let mut obj = Object::new(ty, id);
    let mut ignored = Vec::new();
    apply_fields(&mut obj, &set, &mut ignored).map_err(|e| Refusal::CopyFailed(Box::new(e)))?;
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
    Invalid(Refusal),
}

/// A row as res_sorcery_astdb retrieves it: parse, drop unregistered keys
/// (exact-case), apply on defaults. Returns the object and the keys dropped.
pub fn from_row(
    ty: &'static TypeDef,
    id: &str,
    json: &str,
) -> Result<(Object, Vec<String>), RowError> {
    match from_ordered_row(ty, id, json) {
        Some(read) => read,
        None => from_any_row(ty, id, json),
    }
}

/// [`from_row`] in one pass for the usual row: flat, its fields' keys in the type's
/// objectset order (as pjsipctl writes them, so none repeats), each value accepted.
/// `None` sends anything else to [`from_any_row`], which reads it from scratch.
fn from_ordered_row(
    ty: &'static TypeDef,
    id: &str,
    json: &str,
) -> Option<Result<(Object, Vec<String>), RowError>> {
    let mut obj = Object::new(ty, id);
    let mut dropped = Vec::new();
    let mut applied = 0;
    let mut keys = KeyCursor::new(ty);
    crate::model::visit_flat_json(json, |k, v| match keys.find(&k) {
        None if k.starts_with('@') => {
            applied += 1;
            obj.set_extended(&k, &v);
            true
        }
        None => {
            dropped.push(k.into_owned());
            true
        }
        Some(idx) => {
            applied += 1;
            keys.ascending && (keeps_default(&obj, idx, &v) || apply_at(&mut obj, idx, &v).is_ok())
        }
    })?;
    if applied == 0 {
        return Some(Err(RowError::Empty(ty.name)));
    }
    Some(
        apply_handler(&mut obj)
            .map(|_| (obj, dropped))
            .map_err(RowError::Invalid),
    )
}

/// [`from_row`] for any row: a repeated key, keys out of order, a value refused.
fn from_any_row(
    ty: &'static TypeDef,
    id: &str,
    json: &str,
) -> Result<(Object, Vec<String>), RowError> {
    let fast = crate::model::parse_flat_json(json).and_then(|p| {
        let (fields, repeats) = resolve_keys(ty, &p);
        (!repeats).then_some((p, fields))
    });
    let (pairs, fields) = match fast {
        Some(p) => p,
        // Not our fast path (e.g. a repeated key, which keeps its last value): the full parser.
        None => match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(map)) if map.values().all(|v| v.is_string()) => {
                let pairs: Vec<_> = map
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.as_str().unwrap_or_default().to_string().into()))
                    .collect();
                let fields = resolve_keys(ty, &pairs).0;
                (pairs, fields)
            }
            _ => return Err(row_json_error(json)),
        },
    };
    let mut obj = Object::new(ty, id);
    let mut dropped = Vec::new();
    let mut applied = 0;
    for ((k, v), idx) in pairs.iter().zip(fields) {
        let Some(idx) = idx else {
            if k.starts_with('@') {
                applied += 1;
                obj.set_extended(k, v);
            } else {
                dropped.push(k.to_string());
            }
            continue;
        };
        applied += 1;
        if keeps_default(&obj, idx, v) {
            continue;
        }
        apply_at(&mut obj, idx, v).map_err(RowError::Invalid)?;
    }
    if applied == 0 {
        return Err(RowError::Empty(ty.name));
    }
    apply_handler(&mut obj).map_err(RowError::Invalid)?;
    Ok((obj, dropped))
}

/// Whether giving field `idx` the text `v` is a fixed point of its handler, so the work can
/// be skipped: plain kinds at their current value, or a default checked to be one.
/// (Not every kind: callerid, for one, reads its own `"<unknown>"` as a number.)
pub(crate) fn keeps_default(obj: &Object, idx: usize, v: &str) -> bool {
    let crate::model::Val::S(cur) = &obj.vals[idx] else {
        return false;
    };
    let fd = &obj.ty.fields[idx];
    let plain = matches!(
        fd.kind,
        Kind::Bool | Kind::YesNo | Kind::UInt { .. } | Kind::Str | Kind::Enum { .. }
    );
    same_text(cur, v) && (plain || (fixed_defaults(obj.ty)[idx] && same_text(v, fd.init)))
}

/// `a == b`, without a libc call for the short texts of a row.
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        if u64::from_ne_bytes(p.try_into().unwrap()) != u64::from_ne_bytes(q.try_into().unwrap()) {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

/// Per field of a type: whether its handler, given the default text, leaves a fresh object
/// as it was. Only kinds whose handler sets the field's own value from the text alone
/// qualify, so the answer holds whatever the rest of the object is.
fn fixed_defaults(ty: &'static TypeDef) -> &'static [bool] {
    static CACHE: std::sync::OnceLock<Vec<Vec<bool>>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        crate::schema::TYPES
            .iter()
            .map(|ty| {
                let fresh = Object::new(ty, "");
                ty.fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let own = match f.kind {
                            Kind::ReadableFile => f.init.is_empty(),
                            Kind::Bool
                            | Kind::YesNo
                            | Kind::CapitalYesNo
                            | Kind::UInt { .. }
                            | Kind::Int { .. }
                            | Kind::Double
                            | Kind::Str
                            | Kind::CharArray { .. }
                            | Kind::ScanUInt
                            | Kind::Enum { .. }
                            | Kind::AstBoolEnum { .. }
                            | Kind::IdentifyBy
                            | Kind::FollowRedirect
                            | Kind::CallerId
                            | Kind::CallerIdPrivacy
                            | Kind::Group
                            | Kind::Tos { .. }
                            | Kind::FromUser
                            | Kind::CodecPrefs { .. } => true,
                            _ => false,
                        };
                        own && matches!(fresh.vals[i], crate::model::Val::S(_)) && {
                            let mut o = fresh.clone();
                            values::apply(&mut o, i, f.init).is_ok() && o.vals == fresh.vals
                        }
                    })
                    .collect()
            })
            .collect()
    });
    &all[ty.position()]
}

/// How far ahead of the previous key's place a row key is looked for before the name map:
/// a row leaves out hidden fields and unset ones, rarely many in a row.
const LOOKAHEAD: usize = 8;

/// Finds row keys' fields (exact-case). Rows pjsipctl wrote list their keys in the type's
/// objectset order, so each key is first looked for just after the previous one's place.
struct KeyCursor {
    ty: &'static TypeDef,
    order: &'static [usize],
    names: &'static [&'static str],
    /// The order position to look at next.
    next: usize,
    /// Whether every field found so far came after the one before it: then none repeats.
    ascending: bool,
}

impl KeyCursor {
    fn new(ty: &'static TypeDef) -> KeyCursor {
        KeyCursor {
            ty,
            order: ty.order(),
            names: ty.order_names(),
            next: 0,
            ascending: true,
        }
    }

    fn find(&mut self, k: &str) -> Option<usize> {
        let end = (self.next + LOOKAHEAD).min(self.names.len());
        if let Some(p) = self.names[self.next..end]
            .iter()
            .position(|n| same_text(n, k))
        {
            self.next += p + 1;
            return Some(self.order[self.next - 1]);
        }
        let idx = self.ty.field_index_exact(k)?;
        let p = self.ty.order_pos(idx);
        self.ascending &= p >= self.next;
        self.next = p + 1;
        Some(idx)
    }
}

/// Each row key's field, and whether a field's key appears twice (jansson keeps the last
/// value at the first place).
fn resolve_keys(
    ty: &'static TypeDef,
    pairs: &[(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)],
) -> (Vec<Option<usize>>, bool) {
    let mut keys = KeyCursor::new(ty);
    let fields: Vec<Option<usize>> = pairs.iter().map(|(k, _)| keys.find(k)).collect();
    let repeats = !keys.ascending && {
        let mut seen = vec![false; ty.fields.len()];
        fields
            .iter()
            .flatten()
            .any(|&i| std::mem::replace(&mut seen[i], true))
    };
    (fields, repeats)
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

pub(crate) fn distance(a: &str, b: &str) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_defaults_show_md5_as_asterisk_does() {
        // golden 20: a fresh auth answers supported_algorithms_uac/uas = MD5.
        let set = rules::defaults(crate::schema::find_type("auth").unwrap()).objectset();
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

    /// from_row as it was before the key cursor and the one-pass read: every key looked up
    /// by name, a repeat found by name, values applied through apply_pair.
    fn reference_from_row(
        ty: &'static TypeDef,
        id: &str,
        json: &str,
    ) -> Result<(Object, Vec<String>), RowError> {
        let parsed = crate::model::parse_flat_json(json).filter(|p| {
            let mut seen = vec![false; ty.fields.len()];
            !p.iter()
                .filter_map(|(k, _)| ty.field_index_exact(k))
                .any(|i| std::mem::replace(&mut seen[i], true))
        });
        let pairs = match parsed {
            Some(p) => p,
            None => match serde_json::from_str::<serde_json::Value>(json) {
                Ok(serde_json::Value::Object(map)) if map.values().all(|v| v.is_string()) => map
                    .into_iter()
                    .map(|(k, v)| (k.into(), v.as_str().unwrap().to_string().into()))
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
            let plain = matches!(
                ty.fields[idx].kind,
                Kind::Bool | Kind::YesNo | Kind::UInt { .. } | Kind::Str | Kind::Enum { .. }
            );
            if plain && matches!(&obj.vals[idx], crate::model::Val::S(cur) if cur == v) {
                continue;
            }
            apply_pair(&mut obj, k, v).map_err(RowError::Invalid)?;
        }
        if applied == 0 {
            return Err(RowError::Empty(ty.name));
        }
        apply_handler(&mut obj).map_err(RowError::Invalid)?;
        Ok((obj, dropped))
    }

    type Read = Result<(String, Vec<crate::model::Val>, Vec<String>), RowError>;

    fn read(r: Result<(Object, Vec<String>), RowError>) -> Read {
        r.map(|(o, d)| (o.id, o.vals, d))
    }

    /// The row with its pairs in another order (`pick` lists pair positions).
    fn reordered(row: &str, pick: impl Fn(usize) -> Vec<usize>) -> String {
        let pairs = crate::model::parse_flat_json(row).unwrap();
        let mut s = String::from("{");
        for (n, p) in pick(pairs.len()).into_iter().enumerate() {
            if n > 0 {
                s.push(',');
            }
            let (k, v) = &pairs[p];
            crate::model::write_json_str(&mut s, k);
            s.push(':');
            crate::model::write_json_str(&mut s, v);
        }
        s.push('}');
        s
    }

    #[test]
    fn row_cursor_reads_as_the_name_lookup_did() {
        let ep = crate::schema::find_type("endpoint").unwrap();
        let fields = [
            Attr::new("allow", "ulaw,alaw"),
            Attr::new("context", "from-internal"),
            Attr::new("callerid", "\"A\" <100>"),
            Attr::new("set_var", "ALPHA=1"),
            Attr::new("set_var", "BETA=two"),
            Attr::new("direct_media_method", "update"),
            Attr::new("max_audio_streams", "2"),
        ];
        let obj = build(ep, "e1", None, &fields).unwrap().object;
        let row = obj.row_json();
        // The set_var entries are written under the variables' names, out of the field order.
        assert!(
            row.contains(r#""ALPHA":"1""#) && row.contains(r#""BETA":"two""#),
            "{row}"
        );

        let mut rows = vec![
            row.clone(),
            reordered(&row, |n| (0..n).rev().collect()),
            reordered(&row, |n| (0..n).map(|i| (i * 7) % n).collect()),
            // A field's key twice: jansson keeps the last value at the first place.
            row.replacen(
                r#""context":"from-internal""#,
                r#""context":"first","context":"last""#,
                1,
            ),
            row.replacen('{', r#"{"context":"early","#, 1),
            // A variable named like a field repeats that field.
            row.replacen(r#""ALPHA":"1""#, r#""context":"var""#, 1),
            // Unregistered keys, and a registered one in the wrong case.
            row.replacen('{', r#"{"bogus":"1","Context":"x","#, 1),
            row.replacen('}', r#","bogus":"1","bogus":"2"}"#, 1),
            // Over ARI the row starts with callerid.
            format!(r#"{{"callerid":"<unknown>",{}"#, &row[1..]),
            // A value Asterisk refuses, in order and out of it.
            row.replacen(
                r#""max_audio_streams":"2""#,
                r#""max_audio_streams":"x""#,
                1,
            ),
            reordered(
                &row.replacen(
                    r#""max_audio_streams":"2""#,
                    r#""max_audio_streams":"x""#,
                    1,
                ),
                |n| (0..n).rev().collect(),
            ),
            // Only unregistered keys, nothing, not JSON, not strings.
            r#"{"ALPHA":"1"}"#.into(),
            "{}".into(),
            "{".into(),
            r#"{"context":1}"#.into(),
            r#"{"context":"abc"\"}"#.into(),
        ];
        let aor = crate::schema::find_type("aor").unwrap();
        let a = build(
            aor,
            "a1",
            None,
            &[
                Attr::new("contact", "sip:a@example.com"),
                Attr::new("max_contacts", "3"),
            ],
        )
        .unwrap()
        .object;
        let arow = a.row_json();
        for r in [&arow, &reordered(&arow, |n| (0..n).rev().collect())] {
            assert_eq!(
                read(from_row(aor, "a1", r)),
                read(reference_from_row(aor, "a1", r)),
                "{r}"
            );
        }
        assert!(from_ordered_row(aor, "a1", &arow).is_some());

        // pjsipctl's own row is read in one pass, even with the set_var keys in it.
        assert!(from_ordered_row(ep, "e1", &row).is_some());
        rows.push(obj.row_json());
        for r in &rows {
            let want = read(reference_from_row(ep, "e1", r));
            assert_eq!(read(from_row(ep, "e1", r)), want, "{r}");
            assert_eq!(read(from_any_row(ep, "e1", r)), want, "{r}");
        }
        let (back, dropped) = from_row(ep, "e1", &rows[3]).unwrap();
        assert_eq!(back.str("context"), "last");
        assert_eq!(dropped, ["ALPHA", "BETA"]);
        let (_, dropped) = from_row(ep, "e1", &rows[7]).unwrap();
        assert_eq!(dropped, ["ALPHA", "BETA", "bogus", "bogus"]);
        assert!(from_row(ep, "e1", &rows[9]).is_err());
    }
}

#[cfg(test)]
mod extended_tests {
    use super::*;
    use crate::schema::find_type;

    #[test]
    fn extended_attributes_are_accepted_stored_and_read_back_reversed() {
        let ty = find_type("endpoint").unwrap();
        let fields = [
            Attr::new("allow", "ulaw"),
            Attr::new("@pjsip_wizard", "w"),
            Attr::new("@hint_context", "c"),
            Attr::new("@hint_exten", "1"),
            Attr::new("@", ""),
        ];
        let b = build(ty, "e", None, &fields).unwrap().object;
        let ext = |o: &Object| o.ext.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(
            ext(&b),
            ["@", "@hint_exten", "@hint_context", "@pjsip_wizard"]
        );
        let row = b.row_json();
        assert!(
            row.contains(r#""@":"","@hint_exten":"1","@hint_context":"c","@pjsip_wizard":"w""#),
            "{row}"
        );
        // res_sorcery_astdb applies the row's keys in order: each lands at the head.
        let (back, dropped) = from_row(ty, "e", &row).unwrap();
        assert!(dropped.is_empty());
        assert_eq!(
            ext(&back),
            ["@pjsip_wizard", "@hint_context", "@hint_exten", "@"]
        );
        // ast_sorcery_copy (an update) goes through the objectset too.
        assert_eq!(ext(&copy(&back).unwrap()), ext(&b));
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;
    use crate::schema::find_type;

    /// The type's table says what a handler makes of a name in another case.
    #[test]
    fn a_name_in_another_case_is_handled_as_asterisk_does() {
        let ep = find_type("endpoint").unwrap();
        let built = |f: &[(&str, &str)]| {
            let fields: Vec<Attr> = f.iter().map(|(k, v)| Attr::new(*k, *v)).collect();
            build(ep, "e", None, &fields).map(|b| b.object)
        };
        let o = built(&[("allow", "ulaw"), ("Outgoing_Call_Offer_Pref", "local")]).unwrap();
        assert_eq!(o.str("incoming_call_offer_pref"), "local");
        assert_eq!(o.str("outgoing_call_offer_pref"), "remote_merge");
        let o = built(&[("allow", "ulaw"), ("outgoing_call_offer_pref", "local")]).unwrap();
        assert_eq!(o.str("outgoing_call_offer_pref"), "local");
        let Err(Refusal::InvalidValue {
            attribute, reason, ..
        }) = built(&[("allow", "ulaw"), ("Tos_Audio", "ef")])
        else {
            panic!("Tos_Audio accepted");
        };
        assert_eq!(attribute, "Tos_Audio");
        assert!(reason.ends_with("write tos_audio="), "{reason}");
        assert_eq!(
            built(&[("allow", "ulaw"), ("Context", "c")])
                .unwrap()
                .str("context"),
            "c"
        );
    }
}
