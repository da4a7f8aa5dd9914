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
                ref k if holds_list(k) => Val::L(Vec::new()),
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
            if fd.has(field::SKIP_UNSET) && v.is_empty() {
                continue;
            }
            if row && fd.has(field::NULL_EMPTY) && v.is_empty() {
                continue;
            }
            match v {
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
                Val::L(items) if fd.has(field::MULTI) => {
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
                Val::L(_) => self.entry_value(i, |x| f(fd.name, x)),
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
    /// first position and its last value (jansson's json_object_set), so a multi-valued
    /// field stores only its last item.
    pub fn row_json(&self) -> String {
        let mut s = String::with_capacity(64 + self.vals.len() * 28);
        s.push('{');
        let mut put = |k: &str, v: &str| {
            if s.len() > 1 {
                s.push(',');
            }
            write_json_str(&mut s, k);
            s.push(':');
            write_json_str(&mut s, v);
        };
        for &i in self.ty.order() {
            let fd = &self.ty.fields[i];
            let v = &self.vals[i];
            if fd.has(field::HIDDEN)
                || (v.is_empty() && fd.has(field::SKIP_UNSET | field::NULL_EMPTY))
            {
                continue;
            }
            match v {
                // pjsipctl's one deliberate difference from Asterisk: an unset callerid stays out
                // of the row, because Asterisk reads its own "<unknown>" back as the number "unknown".
                Val::S(x) if fd.name == "callerid" && x == "<unknown>" => {}
                Val::S(x) => put(fd.name, x),
                // set_var: each variable under its own name (a name colliding with a field is not handled).
                Val::V(vars) => vars.iter().for_each(|(k, x)| put(k, x)),
                Val::L(items) if fd.has(field::MULTI) => {
                    if let Some(last) = items.last() {
                        put(fd.name, last);
                    }
                }
                Val::L(_) => self.entry_value(i, |x| put(fd.name, x)),
            }
        }
        drop(put);
        s.push('}');
        s
    }

    /// The single objectset value of a list-held field that is not MULTI.
    fn entry_value(&self, i: usize, f: impl FnOnce(&str)) {
        let fd = &self.ty.fields[i];
        let items = self.vals[i].list();
        match fd.kind {
            Kind::Codec { .. } if items.is_empty() => f("(nothing)"),
            Kind::Codec { .. } => f(&format!("({})", items.join("|"))),
            Kind::NamedAcl => f(crate::schema::values::acl_display(items)),
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
                f(&s)
            }
            _ => f(&items.join(",")),
        }
    }
}

/// JSON string escaping as jansson's compact dump writes it (non-ASCII kept as UTF-8).
pub fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
