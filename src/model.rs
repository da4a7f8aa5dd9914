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
#[derive(Debug, Clone)]
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

/// Equal texts, lists and pairs. Most fields of an object hold their default, the very same
/// static text in both objects: those are equal without comparing bytes (a bulk apply
/// compares some 200 fields per object, mostly defaults).
impl PartialEq for Val {
    fn eq(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::S(a), Val::S(b)) => {
                (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a.as_bytes() == b.as_bytes()
            }
            (Val::L(a), Val::L(b)) => a == b,
            (Val::V(a), Val::V(b)) => a == b,
            (Val::Null, Val::Null) => true,
            _ => false,
        }
    }
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

    /// Whether this value still is `fresh`, the field's default from [`fresh_vals`]: a default
    /// text is the very same static text, so no bytes are compared.
    pub fn is_fresh(&self, fresh: &Val) -> bool {
        match (self, fresh) {
            (Val::S(Cow::Borrowed(a)), Val::S(Cow::Borrowed(b))) => std::ptr::eq(*a, *b),
            (Val::L(a), Val::L(_)) => a.is_empty(),
            (Val::V(a), Val::V(_)) => a.is_empty(),
            (Val::Null, Val::Null) => true,
            _ => false,
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
    /// Sorcery's extended `@name` attributes, newest first: ast_sorcery_object_set_extended
    /// puts a new one at the head (replacing one of the same name), and objectsets list
    /// them in that order, at the place of the type's `^@` field.
    pub ext: Vec<(String, String)>,
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

/// A field's value in a freshly allocated object.
fn default_val(f: &crate::schema::Field) -> Val {
    match f.kind {
        Kind::SetVar => Val::V(Vec::new()),
        Kind::Md5Cred { .. } => Val::Null,
        ref k if holds_list(k) => Val::L(Vec::new()),
        _ if f.has(field::NULL_EMPTY) && f.init.is_empty() => Val::Null,
        _ => Val::S(Cow::Borrowed(f.init)),
    }
}

/// A type's fields at their defaults, worked out once: objects are made by the thousand,
/// and copying these is cheaper than deciding each field's default again.
pub fn fresh_vals(ty: &'static TypeDef) -> &'static [Val] {
    static CACHE: std::sync::OnceLock<Vec<Vec<Val>>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        crate::schema::TYPES
            .iter()
            .map(|t| t.fields.iter().map(default_val).collect())
            .collect()
    });
    &all[ty.position()]
}

/// Each field's `"name":"default"` as a row writes it, for the fields whose fresh value is a
/// text (see [`Object::row_json`]).
fn default_pairs(ty: &'static TypeDef) -> &'static [Option<Box<str>>] {
    static CACHE: std::sync::OnceLock<Vec<Vec<Option<Box<str>>>>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        crate::schema::TYPES
            .iter()
            .map(|t| {
                let keys = t.json_keys();
                fresh_vals(t)
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        Val::S(text) => {
                            let mut pair = keys[i].to_string();
                            write_json_str(&mut pair, text);
                            Some(pair.into_boxed_str())
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    });
    &all[ty.position()]
}

impl Object {
    /// A freshly allocated object: every field at its default (ast_sorcery_alloc).
    pub fn new(ty: &'static TypeDef, id: &str) -> Object {
        Object {
            ty,
            id: id.to_string(),
            vals: fresh_vals(ty).to_vec(),
            ext: Vec::new(),
        }
    }

    /// This object made fresh again (as [`Object::new`] of its type and `id`), keeping its
    /// buffers: only the fields that left their default are reset.
    pub fn reset(&mut self, id: &str) {
        self.id.clear();
        self.id.push_str(id);
        self.ext.clear();
        for (v, fresh) in self.vals.iter_mut().zip(fresh_vals(self.ty)) {
            if !v.is_fresh(fresh) {
                *v = fresh.clone();
            }
        }
    }

    /// ast_sorcery_object_set_extended: `name` (starting with '@') moves to the head.
    pub fn set_extended(&mut self, name: &str, value: &str) {
        self.ext.retain(|(n, _)| n != name);
        self.ext.insert(0, (name.to_string(), value.to_string()));
    }

    /// An extended attribute's value (`name` with its '@').
    pub fn extended(&self, name: &str) -> Option<&str> {
        self.ext
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
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
        self.entries(row, |k, v| f(self.key_name(k), v));
    }

    /// An entry key's text.
    pub fn key_name<'a>(&'a self, k: Key<'a>) -> &'a str {
        match k {
            Key::Field(i) => self.ty.fields[i].name,
            Key::Var(n) => n,
        }
    }

    /// Whether two entry keys have the same text (field names are unique within a type).
    fn same_key(&self, a: Key<'_>, b: Key<'_>) -> bool {
        match (a, b) {
            (Key::Field(x), Key::Field(y)) => x == y,
            _ => self.key_name(a) == self.key_name(b),
        }
    }

    /// [`Object::for_each_entry`] with the key as the field it belongs to, so callers can
    /// use the field's index instead of its name.
    pub fn entries<'a>(&'a self, row: bool, mut f: impl FnMut(Key<'a>, &str)) {
        // One buffer for the values that have to be formatted (codec lists, joined ids).
        let mut buf = String::new();
        for (p, &i) in self.ty.order().iter().enumerate() {
            self.entries_at(p, i, row, &mut buf, &mut f);
        }
        if self.ty.extended_pos() >= self.ty.order().len() {
            for (k, v) in &self.ext {
                f(Key::Var(k), v);
            }
        }
    }

    /// The entries of position `p` of the type's order (field `i`): the extended attributes
    /// where they come before it, then the field's own. `buf`: room to format a value in.
    #[inline]
    pub fn entries_at<'a>(
        &'a self,
        p: usize,
        i: usize,
        row: bool,
        buf: &mut String,
        f: &mut impl FnMut(Key<'a>, &str),
    ) {
        if p == self.ty.extended_pos() {
            for (k, v) in &self.ext {
                f(Key::Var(k), v);
            }
        }
        let fd = &self.ty.fields[i];
        if fd.has(field::HIDDEN) {
            return;
        }
        let v = &self.vals[i];
        let unset = v.is_empty() && !matches!(v, Val::S(_));
        if fd.has(field::SKIP_UNSET) && unset {
            return;
        }
        if row && fd.has(field::NULL_EMPTY) && unset {
            return;
        }
        let key = Key::Field(i);
        match &fd.kind {
            // Quirk: direct_media_method's to_str prints connected_line_method's value.
            Kind::EnumShownAs { shows, .. } => {
                f(key, self.str(shows));
                return;
            }
            // md5_cred prints the MD5 digest of the shared digest store, NULL without one.
            Kind::Md5Cred { store } => {
                let md5 = self
                    .get(store)
                    .and_then(|l| l.list().iter().find_map(|d| d.strip_prefix("MD5:")));
                match md5 {
                    Some(d) => f(key, d),
                    None if !row => f(key, ""),
                    None => {}
                }
                return;
            }
            _ => {}
        }
        match v {
            Val::Null => {
                if !row {
                    f(key, "");
                }
            }
            Val::S(s) => f(key, s),
            Val::V(vars) => {
                if vars.is_empty() {
                    if !row {
                        f(key, "");
                    }
                } else {
                    for (k, val) in vars {
                        f(Key::Var(k), val);
                    }
                }
            }
            Val::L(items) => match fd.kind {
                Kind::Codec { .. } => {
                    if items.is_empty() {
                        f(key, "(nothing)");
                    } else {
                        buf.clear();
                        buf.push('(');
                        join_into(buf, items, "|");
                        buf.push(')');
                        f(key, buf);
                    }
                }
                _ if fd.has(field::MULTI) => {
                    if items.is_empty() {
                        if !row {
                            f(key, "");
                        }
                    } else {
                        for it in items {
                            f(key, it);
                        }
                    }
                }
                Kind::NamedAcl => {
                    if items.is_empty() {
                        if !row {
                            f(key, "");
                        }
                    } else {
                        f(key, crate::schema::values::acl_display(items))
                    }
                }
                Kind::NamedGroup => f(key, &crate::schema::values::named_groups_display(items)),
                Kind::SecurityMechanisms => {
                    buf.clear();
                    join_into(buf, items, ", ");
                    f(key, buf);
                }
                Kind::IdList => {
                    buf.clear();
                    join_into(buf, items, ",");
                    // MAX_OBJECT_FIELD is 128 bytes: Asterisk prints at most 127.
                    if buf.len() > 127 {
                        let mut cut = 127;
                        while !buf.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        buf.truncate(cut);
                    }
                    f(key, buf)
                }
                _ => {
                    buf.clear();
                    join_into(buf, items, ",");
                    f(key, buf);
                }
            },
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
    /// Written by hand on purpose, not by serde_json: the row must be byte for byte what
    /// jansson's json_dumps(JSON_COMPACT) writes (its escapes, `\u001f` in lower case hex,
    /// a repeated key kept at its first place), and serde_json's map cannot repeat a key.
    pub fn row_json(&self) -> String {
        let shape = row_shape(self.ty);
        let end = shape.checks.len();
        let (ext_at, ext) = (shape.ext_at, !self.ext.is_empty());
        let at = (shape.text.as_str(), shape.start.as_slice());
        let whole = self.whole(shape);
        if whole || end > 64 * DIRTY_WORDS {
            let dirty = shape.checks.iter().enumerate().filter(|&(p, &(i, fresh))| {
                whole || !fresh.holds(&self.vals[i]) || (p == ext_at && ext)
            });
            return self.row_at(shape, at, dirty.map(|(p, _)| p));
        }
        // The positions off their fresh value, found in one pass over the values in field
        // order (most are fresh), then written in the type's order.
        let mut dirty = [0u64; DIRTY_WORDS];
        for (v, &(fresh, p)) in self.vals.iter().zip(&shape.by_field) {
            if !fresh.holds(v) {
                dirty[(p / 64) % DIRTY_WORDS] |= 1 << (p % 64);
            }
        }
        if ext && ext_at < end {
            dirty[ext_at / 64] |= 1 << (ext_at % 64);
        }
        self.row_at(shape, at, bits(dirty))
    }

    /// [`Object::row_json`] of an object made from `base`'s object: the positions still
    /// holding its values are copied from its row.
    pub fn row_json_on(&self, base: &RowBase) -> String {
        let shape = row_shape(self.ty);
        let end = shape.checks.len();
        if !std::ptr::eq(self.ty, base.ty)
            || self.vals.len() != base.vals.len()
            || self.whole(shape)
            || end > 64 * DIRTY_WORDS
        {
            return self.row_json();
        }
        let mut dirty = [0u64; DIRTY_WORDS];
        for ((v, b), &(same, p)) in self.vals.iter().zip(&base.vals).zip(&base.by_field) {
            let same = match same {
                Fresh::Equal => v == b,
                same => same.holds(v),
            };
            if !same {
                dirty[(p / 64) % DIRTY_WORDS] |= 1 << (p % 64);
            }
        }
        if !self.ext.is_empty() && shape.ext_at < end {
            dirty[shape.ext_at / 64] |= 1 << (shape.ext_at % 64);
        }
        self.row_at(shape, (&base.text, &base.start), bits(dirty))
    }

    /// Whether a set_var variable is set: a key of its own that may repeat a field's name,
    /// so that every position is written entry by entry.
    fn whole(&self, shape: &RowShape) -> bool {
        shape.vars.iter().any(|&i| !self.vals[i].is_empty())
    }

    /// The row with the `dirty` positions (in order) written entry by entry and the others
    /// copied from `at`: a row cut at each position (see [`RowShape`]) whose values these are.
    fn row_at(
        &self,
        shape: &RowShape,
        at: (&str, &[usize]),
        dirty: impl Iterator<Item = usize>,
    ) -> String {
        let mut w = RowWriter::with(self, 64 + self.vals.len() * 28, shape.parts);
        let end = shape.checks.len();
        let mut buf = String::new();
        // Positions copied since `run`: taken from `at` at once.
        let mut run = 0;
        for p in dirty {
            w.copy_run(shape, at, run, p);
            let i = shape.checks[p].0;
            self.entries_at(p, i, true, &mut buf, &mut |k, v| w.put(k, v));
            run = p + 1;
        }
        w.copy_run(shape, at, run, end);
        if shape.ext_at >= end {
            for (k, v) in &self.ext {
                w.put(Key::Var(k), v);
            }
        }
        w.s.push('}');
        w.s
    }
}

/// The set positions of a bit set, in order.
fn bits(words: [u64; DIRTY_WORDS]) -> impl Iterator<Item = usize> {
    words.into_iter().enumerate().flat_map(|(k, mut word)| {
        std::iter::from_fn(move || {
            let b = word.trailing_zeros() as usize;
            word &= word.wrapping_sub(1);
            (b < 64).then_some(k * 64 + b)
        })
    })
}

/// What the rows of objects made from one base object (what a template's settings make of
/// a fresh object) share: its values and its row, cut at each position.
#[derive(Debug)]
pub struct RowBase {
    ty: &'static TypeDef,
    vals: Vec<Val>,
    /// Per field: how to see that an object's value is the base's, and its position.
    by_field: Vec<(Fresh, usize)>,
    text: String,
    start: Vec<usize>,
}

impl RowBase {
    /// `None` where the base's row cannot be cut by position: it holds set_var variables
    /// (keys that may repeat a field's) or extended attributes.
    pub fn of(base: &Object) -> Option<RowBase> {
        if !base.ext.is_empty() || base.whole(row_shape(base.ty)) {
            return None;
        }
        let (text, start) = cut(base);
        let mut by_field = row_shape(base.ty).by_field.clone();
        for ((same, _), v) in by_field.iter_mut().zip(&base.vals) {
            if !matches!(same, Fresh::Never) {
                *same = Fresh::of(v);
            }
        }
        Some(RowBase {
            ty: base.ty,
            vals: base.vals.clone(),
            by_field,
            text,
            start,
        })
    }
}

/// An object's row, and where each position of its type's order starts in it (and, last,
/// its end); without the closing brace.
fn cut(obj: &Object) -> (String, Vec<usize>) {
    let order = obj.ty.order();
    let mut w = RowWriter::new(obj, 64);
    let mut start = Vec::with_capacity(order.len() + 1);
    let mut buf = String::new();
    for (p, &i) in order.iter().enumerate() {
        start.push(w.s.len());
        obj.entries_at(p, i, true, &mut buf, &mut |k, v| w.put(k, v));
    }
    start.push(w.s.len());
    (w.s, start)
}

#[cfg(test)]
impl Object {
    /// The row written entry by entry, as before the shape: what [`Object::row_json`] must equal.
    pub(crate) fn row_json_by_entries(&self) -> String {
        let mut w = RowWriter::new(self, 64);
        self.entries(true, |k, v| w.put(k, v));
        w.s.push('}');
        w.s
    }
}

/// What a type's rows share: the row of a fresh object, cut at each position of the type's
/// order, so that the fields an object leaves at their defaults are copied in runs.
struct RowShape {
    /// `{` and each position's pairs (a comma before every pair but the first).
    text: String,
    /// Where each position's text starts in `text` (and, last, its end).
    start: Vec<usize>,
    /// Per position of the type's order: its field, and how to see that it holds its fresh
    /// value (so that its text is the shape's).
    checks: Vec<(usize, Fresh)>,
    /// Per field: how to see that it holds its fresh value, and its position.
    by_field: Vec<(Fresh, usize)>,
    /// The position of the extended attributes ([`TypeDef::extended_pos`]).
    ext_at: usize,
    /// The set_var fields.
    vars: Vec<usize>,
    parts: RowParts,
}

/// Words of the bit set of positions [`Object::row_json`] writes one by one: room for the
/// largest type (endpoint, about 150 fields); a larger one takes the longer way.
const DIRTY_WORDS: usize = 4;

/// A field's fresh value as [`Val::is_fresh`] sees it, decided once per type.
#[derive(Debug, Clone, Copy)]
enum Fresh {
    /// The very same static text.
    Text(&'static str),
    /// An empty list.
    List,
    /// No set_var pairs.
    Vars,
    Null,
    /// Any other value (a text of its own, items): compared as a whole.
    Equal,
    /// Never: its entry shows another field's value (it is never copied from the shape).
    Never,
}

impl Fresh {
    fn of(fresh: &Val) -> Fresh {
        match fresh {
            Val::S(Cow::Borrowed(b)) => Fresh::Text(b),
            Val::L(l) if l.is_empty() => Fresh::List,
            Val::V(v) if v.is_empty() => Fresh::Vars,
            Val::Null => Fresh::Null,
            _ => Fresh::Equal,
        }
    }

    /// `v.is_fresh(fresh)`, without looking at the fresh value again (`Equal`: never).
    #[inline]
    fn holds(self, v: &Val) -> bool {
        match self {
            Fresh::Text(b) => matches!(v, Val::S(Cow::Borrowed(a)) if std::ptr::eq(*a, b)),
            Fresh::List => matches!(v, Val::L(a) if a.is_empty()),
            Fresh::Vars => matches!(v, Val::V(a) if a.is_empty()),
            Fresh::Null => matches!(v, Val::Null),
            Fresh::Equal | Fresh::Never => false,
        }
    }
}

/// A type's tables a row is written with.
#[derive(Clone, Copy)]
struct RowParts {
    keys: &'static [Box<str>],
    misread: Option<&'static crate::schema::Misread>,
    fresh: &'static [Val],
    pairs: &'static [Option<Box<str>>],
}

impl RowParts {
    fn of(ty: &'static TypeDef) -> RowParts {
        RowParts {
            keys: ty.json_keys(),
            misread: ty.misread_unset(),
            fresh: fresh_vals(ty),
            pairs: default_pairs(ty),
        }
    }
}

fn row_shape(ty: &'static TypeDef) -> &'static RowShape {
    static CACHE: std::sync::OnceLock<Vec<RowShape>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        crate::schema::TYPES
            .iter()
            .map(|t| {
                let (text, start) = cut(&Object::new(t, ""));
                let fresh = fresh_vals(t);
                let checks: Vec<(usize, Fresh)> = t
                    .order()
                    .iter()
                    .map(|&i| match t.fields[i].kind {
                        Kind::EnumShownAs { .. } | Kind::Md5Cred { .. } => (i, Fresh::Never),
                        _ => (i, Fresh::of(&fresh[i])),
                    })
                    .collect();
                let mut by_field = vec![(Fresh::Never, 0); t.fields.len()];
                for (p, &(i, f)) in checks.iter().enumerate() {
                    by_field[i] = (f, p);
                }
                RowShape {
                    text,
                    start,
                    checks,
                    by_field,
                    ext_at: t.extended_pos(),
                    vars: (0..t.fields.len())
                        .filter(|&i| matches!(t.fields[i].kind, Kind::SetVar))
                        .collect(),
                    parts: RowParts::of(t),
                }
            })
            .collect()
    });
    &all[ty.position()]
}

/// An astdb row as it is written, entry by entry.
struct RowWriter<'o> {
    obj: &'o Object,
    s: String,
    /// The last key written (at first the empty name: a set_var variable may be named "").
    prev: Key<'o>,
    /// Where the last key's value starts.
    prev_start: usize,
    keys: &'static [Box<str>],
    misread: Option<&'static crate::schema::Misread>,
    fresh: &'static [Val],
    pairs: &'static [Option<Box<str>>],
}

impl<'o> RowWriter<'o> {
    fn new(obj: &'o Object, capacity: usize) -> Self {
        RowWriter::with(obj, capacity, RowParts::of(obj.ty))
    }

    fn with(obj: &'o Object, capacity: usize, parts: RowParts) -> Self {
        let mut s = String::with_capacity(capacity);
        s.push('{');
        RowWriter {
            obj,
            s,
            prev: Key::Var(""),
            prev_start: 0,
            keys: parts.keys,
            misread: parts.misread,
            fresh: parts.fresh,
            pairs: parts.pairs,
        }
    }

    /// Positions `from..to`, all holding the values of the row `at` was cut from: their text
    /// there. (None of their keys can be the next entry's: field names are unique, and
    /// without set_var variables the only other keys are `@` names.)
    fn copy_run(&mut self, shape: &RowShape, at: (&str, &[usize]), from: usize, to: usize) {
        if from >= to {
            return;
        }
        let (text, start) = at;
        let seg = &text[start[from]..start[to]];
        let body = seg.strip_prefix(',').unwrap_or(seg);
        if body.is_empty() {
            return;
        }
        if self.s.len() > 1 {
            self.s.push(',');
        }
        self.s.push_str(body);
        self.prev = Key::Field(shape.checks[to - 1].0);
        self.prev_start = self.s.len();
    }

    fn put(&mut self, k: Key<'o>, v: &str) {
        let obj = self.obj;
        let s = &mut self.s;
        // pjsipctl's one deliberate difference from Asterisk: an unset callerid stays out
        // of the row, because Asterisk reads its own "<unknown>" back as the number "unknown".
        if let Some(m) = self.misread {
            if v == m.unset && obj.key_name(k) == m.name {
                return;
            }
        }
        if obj.same_key(k, self.prev) {
            s.truncate(self.prev_start);
        } else {
            if s.len() > 1 {
                s.push(',');
            }
            self.prev = k;
            match k {
                // Most fields are at their default: the whole pair is written already.
                Key::Field(i)
                    if std::ptr::eq(v, self.fresh[i].as_str()) && self.pairs[i].is_some() =>
                {
                    let pair = self.pairs[i].as_deref().unwrap_or_default();
                    s.push_str(pair);
                    self.prev_start = s.len() - (pair.len() - self.keys[i].len());
                    return;
                }
                Key::Field(i) => s.push_str(&self.keys[i]),
                Key::Var(n) => {
                    write_json_str(s, n);
                    s.push(':');
                }
            }
            self.prev_start = s.len();
        }
        write_json_str(s, v);
    }
}

/// An objectset entry's key: a field's own name, or a set_var variable's.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Field(usize),
    Var(&'a str),
}

fn join_into(out: &mut String, items: &[String], sep: &str) {
    for (n, it) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(sep);
        }
        out.push_str(it);
    }
}

/// Bytes jansson's compact dump escapes: '"', '\\' and the control characters.
static ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// JSON string escaping as jansson's compact dump writes it (non-ASCII kept as UTF-8).
pub fn write_json_str(out: &mut String, s: &str) {
    let first = plain_len(s.as_bytes());
    if first == s.len() {
        // Most values need no escape: one copy.
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    out.push_str(&s[..first]);
    let mut plain = first;
    for (i, b) in s.bytes().enumerate().skip(first) {
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

/// How many bytes of `b` come before the first '"', '\\' or control character: eight at a
/// time (a flagged byte borrows only into higher bytes, so the lowest flag is exact).
fn plain_len(b: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().unwrap());
        let quote = x ^ (LO * b'"' as u64);
        let backslash = x ^ (LO * b'\\' as u64);
        let found = (quote.wrapping_sub(LO) & !quote)
            | (backslash.wrapping_sub(LO) & !backslash)
            | (x.wrapping_sub(LO * 0x20) & !x);
        let found = found & HI;
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + chunks
        .remainder()
        .iter()
        .position(|&c| ESCAPED[c as usize])
        .unwrap_or(chunks.remainder().len())
}

/// Parse a flat JSON object of strings (an astdb row) without building a JSON tree.
/// `None` for anything else — a nested value, a number, bad syntax — so the caller can fall
/// back to a full parser for the exact error. A repeated key is returned twice.
pub fn parse_flat_json(s: &str) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    // About one pair per 20 bytes of a row: one allocation.
    let mut out = Vec::with_capacity(s.len() / 20 + 1);
    visit_flat_json(s, |k, v| {
        out.push((k, v));
        true
    })?;
    Some(out)
}

/// [`parse_flat_json`] without the list: `f` gets each pair in turn and returns whether to
/// go on. `None` when the text is not a flat object of strings, or `f` stopped.
pub fn visit_flat_json<'a>(
    s: &'a str,
    mut f: impl FnMut(Cow<'a, str>, Cow<'a, str>) -> bool,
) -> Option<()> {
    let b = s.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    };
    let string = |i: &mut usize| -> Option<Cow<'a, str>> {
        if b.get(*i) != Some(&b'"') {
            return None;
        }
        *i += 1;
        let start = *i;
        *i += plain_len(&b[start..]);
        match b.get(*i) {
            Some(b'"') => {
                *i += 1;
                return Some(Cow::Borrowed(&s[start..*i - 1]));
            }
            Some(b'\\') => {}
            _ => return None,
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
            if !f(k, v) {
                return None;
            }
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
    (i == b.len()).then_some(())
}

#[cfg(test)]
mod tests {
    use crate::schema::{find_type, TYPES};

    #[test]
    fn extended_attributes_sit_where_sorcery_links_its_field() {
        // pjsip-schema.json's objectset_order: registration lists them after contact_user,
        // endpoint after suppress_moh_on_sendonly, aor after remove_unavailable.
        for (ty, before, after) in [
            ("registration", "contact_user", "endpoint"),
            ("endpoint", "suppress_moh_on_sendonly", "use_ptime"),
            ("aor", "remove_unavailable", "voicemail_extension"),
            ("auth", "md5_cred", "realm"),
            ("identify", "srv_lookups", "endpoint"),
        ] {
            let mut o = super::Object::new(find_type(ty).unwrap(), "x");
            o.set_extended("@a", "1");
            o.set_extended("@b", "2");
            let keys: Vec<String> = o.objectset().into_iter().map(|a| a.attribute).collect();
            let at = keys.iter().position(|k| k == "@b").unwrap();
            assert_eq!(keys[at - 1], before, "{ty}: {keys:?}");
            // Newest first, as ast_sorcery_object_set_extended links them.
            assert_eq!(keys[at + 1], "@a", "{ty}");
            assert_eq!(keys[at + 2], after, "{ty}: {keys:?}");
        }
        // Every type can hold them, wherever its fields hash to.
        for t in TYPES {
            let mut o = super::Object::new(t, "x");
            o.set_extended("@k", "v");
            assert_eq!(
                o.objectset().iter().filter(|a| a.attribute == "@k").count(),
                1
            );
        }
    }

    #[test]
    fn a_row_writes_defaults_as_it_writes_any_other_value() {
        // The same texts, once as the static defaults (written as whole pairs) and once as
        // copies of them (escaped one by one), give the same row for every type.
        for t in TYPES {
            let fresh = super::Object::new(t, "x");
            let mut copied = fresh.clone();
            for v in &mut copied.vals {
                if let super::Val::S(s) = v {
                    *v = super::Val::S(std::borrow::Cow::Owned(s.to_string()));
                }
            }
            assert!(!copied.vals.iter().zip(&fresh.vals).any(|(a, b)| match a {
                super::Val::S(_) => a.is_fresh(b),
                _ => false,
            }));
            assert_eq!(fresh.row_json(), copied.row_json(), "{}", t.name);
        }
    }

    #[test]
    fn setting_an_extended_attribute_again_moves_it_to_the_head() {
        let mut o = super::Object::new(find_type("aor").unwrap(), "x");
        o.set_extended("@a", "1");
        o.set_extended("@b", "2");
        o.set_extended("@a", "3");
        assert_eq!(
            o.ext,
            [("@a".into(), "3".into()), ("@b".into(), "2".into())]
        );
        assert_eq!(o.extended("@b"), Some("2"));
        // Names compare exactly: @A is another attribute.
        o.set_extended("@A", "4");
        assert_eq!(o.ext.len(), 3);
    }
}
