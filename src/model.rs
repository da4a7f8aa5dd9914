//! The one object model: a Sorcery object held as typed field values, and the
//! attribute/value list (objectset) that ARI, astdb and every output speak.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::schema::{field, Kind, TypeDef};

/// One attribute/value pair, as ARI's ConfigTuple.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attr {
    pub attribute: String,
    pub value: String,
}

impl Attr {
    pub fn new(attribute: impl Into<String>, value: impl Into<String>) -> Self {
        Attr {
            attribute: attribute.into(),
            value: value.into(),
        }
    }
}

/// A whole object as ARI returns it: every attribute in Asterisk's order.
pub type Objectset = Vec<Attr>;

/// A field's current value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Scalar already in Asterisk's output form.
    S(Cow<'static, str>),
    /// Ordered items (codecs, contacts, matches, ids, ...).
    L(Vec<String>),
    /// set_var: (name, value) pairs.
    V(Vec<(String, String)>),
    /// Never assigned: to_str gives NULL (fields flagged NULL_EMPTY start here).
    Null,
}

impl Val {
    pub fn as_str(&self) -> &str {
        match self {
            Val::S(s) => s,
            _ => "",
        }
    }
    pub fn list(&self) -> &[String] {
        match self {
            Val::L(l) => l,
            _ => &[],
        }
    }
    pub fn is_empty(&self) -> bool {
        match self {
            Val::S(s) => s.is_empty(),
            Val::L(l) => l.is_empty(),
            Val::V(v) => v.is_empty(),
            Val::Null => true,
        }
    }
}

/// A Sorcery object of one type.
#[derive(Debug, Clone)]
pub struct Object {
    pub ty: &'static TypeDef,
    pub id: String,
    pub vals: Vec<Val>,
}

pub fn holds_list(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Codec { .. }
            | Kind::IdList
            | Kind::AorContact
            | Kind::IdentifyMatch
            | Kind::LocalNet
            | Kind::ListItem
            | Kind::Algorithms
            | Kind::NamedAcl
            | Kind::NamedGroup
            | Kind::SecurityMechanisms
            | Kind::PasswordDigest
    )
}

impl Object {
    /// A freshly allocated object: every field at its default (ast_sorcery_alloc).
    pub fn new(ty: &'static TypeDef, id: &str) -> Object {
        let vals = ty
            .fields
            .iter()
            .map(|f| match f.kind {
                Kind::SetVar => Val::V(Vec::new()),
                Kind::Md5Cred { .. } => Val::Null,
                ref k if holds_list(k) => Val::L(Vec::new()),
                _ if f.has(field::NULL_EMPTY) && f.init.is_empty() => Val::Null,
                _ => Val::S(Cow::Borrowed(f.init)),
            })
            .collect();
        Object {
            ty,
            id: id.to_string(),
            vals,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Val> {
        self.ty.field_index_exact(name).map(|i| &self.vals[i])
    }

    pub fn str(&self, name: &str) -> &str {
        self.get(name).map(Val::as_str).unwrap_or("")
    }

    pub fn set(&mut self, name: &str, v: &'static str) {
        if let Some(i) = self.ty.field_index_exact(name) {
            self.vals[i] = Val::S(Cow::Borrowed(v));
        }
    }

    /// Visit the objectset entries in Asterisk's order. `row` selects the astdb JSON
    /// form, which leaves out fields whose to_str gives NULL.
    pub fn for_each_entry(&self, row: bool, mut f: impl FnMut(&str, &str)) {
        for &i in self.ty.order() {
            let fd = &self.ty.fields[i];
            if fd.has(field::HIDDEN) {
                continue;
            }
            let v = &self.vals[i];
            let unset = v.is_empty() && !matches!(v, Val::S(_));
            if fd.has(field::SKIP_UNSET) && unset {
                continue;
            }
            if row && fd.has(field::NULL_EMPTY) && unset {
                continue;
            }
            match &fd.kind {
                // Quirk: direct_media_method's to_str prints connected_line_method's value.
                Kind::EnumShownAs { shows, .. } => {
                    f(fd.name, self.str(shows));
                    continue;
                }
                // md5_cred prints the MD5 digest of the shared digest store, NULL without one.
                Kind::Md5Cred { store } => {
                    let md5 = self
                        .get(store)
                        .and_then(|l| l.list().iter().find_map(|d| d.strip_prefix("MD5:")));
                    match md5 {
                        Some(d) => f(fd.name, d),
                        None if !row => f(fd.name, ""),
                        None => {}
                    }
                    continue;
                }
                _ => {}
            }
            match v {
                Val::Null => {
                    if !row {
                        f(fd.name, "");
                    }
                }
                Val::S(s) => f(fd.name, s),
                Val::V(vars) => {
                    if vars.is_empty() {
                        if !row {
                            f(fd.name, "");
                        }
                    } else {
                        for (k, val) in vars {
                            f(k, val);
                        }
                    }
                }
                Val::L(items) => match fd.kind {
                    Kind::Codec { .. } => {
                        if items.is_empty() {
                            f(fd.name, "(nothing)");
                        } else {
                            f(fd.name, &format!("({})", items.join("|")));
                        }
                    }
                    _ if fd.has(field::MULTI) => {
                        if items.is_empty() {
                            if !row {
                                f(fd.name, "");
                            }
                        } else {
                            for it in items {
                                f(fd.name, it);
                            }
                        }
                    }
                    Kind::NamedAcl => {
                        if items.is_empty() {
                            if !row {
                                f(fd.name, "");
                            }
                        } else {
                            f(fd.name, crate::schema::values::acl_display(items))
                        }
                    }
                    Kind::NamedGroup => {
                        f(fd.name, &crate::schema::values::named_groups_display(items))
                    }
                    Kind::SecurityMechanisms => f(fd.name, &items.join(", ")),
                    Kind::IdList => {
                        let mut s = items.join(",");
                        // MAX_OBJECT_FIELD is 128 bytes: Asterisk prints at most 127.
                        if s.len() > 127 {
                            let mut cut = 127;
                            while !s.is_char_boundary(cut) {
                                cut -= 1;
                            }
                            s.truncate(cut);
                        }
                        f(fd.name, &s)
                    }
                    _ => f(fd.name, &items.join(",")),
                },
            }
        }
    }

    /// The objectset as ARI's GET/PUT answer gives it.
    pub fn objectset(&self) -> Objectset {
        let mut out = Vec::with_capacity(self.vals.len());
        self.for_each_entry(false, |k, v| out.push(Attr::new(k, v)));
        out
    }

    /// The astdb row value: compact JSON, keys in objectset order. A repeated key keeps its
    /// first position and its last value (jansson's json_object_set); repeats only come from
    /// one multi-valued field, so they are consecutive.
    pub fn row_json(&self) -> String {
        let mut s = String::with_capacity(64 + self.vals.len() * 28);
        s.push('{');
        let mut prev_key = String::new();
        let mut prev_start = 0;
        self.for_each_entry(true, |k, v| {
            // pjsipctl's one deliberate difference from Asterisk: an unset callerid stays out
            // of the row, because Asterisk reads its own "<unknown>" back as the number "unknown".
            if k == "callerid" && v == "<unknown>" {
                return;
            }
            if k == prev_key {
                s.truncate(prev_start);
            } else {
                if s.len() > 1 {
                    s.push(',');
                }
                prev_key.clear();
                prev_key.push_str(k);
                write_json_str(&mut s, k);
                s.push(':');
                prev_start = s.len();
            }
            write_json_str(&mut s, v);
        });
        s.push('}');
        s
    }
}

/// JSON string escaping as jansson's compact dump writes it (non-ASCII kept as UTF-8).
pub fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if esc.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(esc);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Parse a flat JSON object of strings (an astdb row) without building a JSON tree.
/// `None` for anything else — a nested value, a number, bad syntax — so the caller can fall
/// back to a full parser for the exact error. A repeated key is returned twice.
pub fn parse_flat_json(s: &str) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    let b = s.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    };
    let string = |i: &mut usize| -> Option<Cow<'_, str>> {
        if b.get(*i) != Some(&b'"') {
            return None;
        }
        *i += 1;
        let start = *i;
        while *i < b.len() && b[*i] != b'"' && b[*i] != b'\\' {
            if b[*i] < 0x20 {
                return None;
            }
            *i += 1;
        }
        if b.get(*i) == Some(&b'"') {
            *i += 1;
            return Some(Cow::Borrowed(&s[start..*i - 1]));
        }
        let mut out = String::from(&s[start..*i]);
        loop {
            match *b.get(*i)? {
                b'"' => {
                    *i += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    *i += 1;
                    let c = match *b.get(*i)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = |at: usize| u32::from_str_radix(s.get(at..at + 4)?, 16).ok();
                            let hi = hex(*i + 1)?;
                            *i += 4;
                            if (0xD800..0xDC00).contains(&hi) {
                                if s.get(*i + 1..*i + 3)? != "\\u" {
                                    return None;
                                }
                                let lo = hex(*i + 3)?;
                                *i += 6;
                                char::from_u32(
                                    0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?),
                                )?
                            } else {
                                char::from_u32(hi)?
                            }
                        }
                        _ => return None,
                    };
                    out.push(c);
                    *i += 1;
                }
                c if c < 0x20 => return None,
                _ => {
                    let start = *i;
                    while *i < b.len() && b[*i] != b'"' && b[*i] != b'\\' && b[*i] >= 0x20 {
                        *i += 1;
                    }
                    out.push_str(&s[start..*i]);
                }
            }
        }
    };
    ws(&mut i);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut out: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    ws(&mut i);
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            ws(&mut i);
            let k = string(&mut i)?;
            ws(&mut i);
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
            ws(&mut i);
            let v = string(&mut i)?;
            out.push((k, v));
            ws(&mut i);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    ws(&mut i);
    (i == b.len()).then_some(out)
}
