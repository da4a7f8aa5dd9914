//! The res_pjsip schema: object types, their fields, and Asterisk's attribute order.

pub mod clib;
pub mod facts;
pub mod field;
pub mod rules;
pub mod types;
pub mod values;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use field::{Field, Kind};

/// The ARI config class every PJSIP type lives on.
pub const CONFIG_CLASS: &str = "res_pjsip";

/// A Sorcery object type as res_pjsip registers it, with every fact pjsipctl keeps about
/// it: each type states them in its own file under `types/` (`TYPE`, beside `FIELDS`).
#[derive(Debug)]
pub struct TypeDef {
    pub name: &'static str,
    /// The sorcery.conf section whose lines map this type.
    pub section: &'static str,
    /// Wizard line of the built-in default mapping (tests/fixtures/conf/sorcery.conf);
    /// `None` means the static pjsip.conf (read-only).
    pub default_astdb: Option<&'static str>,
    /// The CLI name of the list command (`pjsip show endpoints`).
    pub plural: &'static str,
    pub fields: &'static [Field],
    /// The handler Asterisk runs once all fields are set (Sorcery's `apply` callback),
    /// where the type registers one.
    pub apply: Option<rules::Handler>,
    /// `list`: the columns of its table.
    pub list: facts::List,
    /// `show`: the lines above the parameter table.
    pub summary: facts::Summary,
    /// The fields that name objects of another type: what a push warns is missing, what
    /// `show` summarises, what a listing over ARI follows, what `--prune` and `delete` weigh.
    pub references: &'static [facts::Reference],
    /// (field, field it sets): a handler that, given the first field's name spelt other
    /// than exactly, sets the second one instead.
    pub inexact_sets: &'static [(&'static str, &'static str)],
    /// What an update of a stored object must set, or Asterisk refuses it.
    pub update_needs: Option<facts::UpdateNeeds>,
    /// Where objects of the type are defined when push configuration cannot store them.
    pub static_file: &'static str,
}

impl TypeDef {
    /// What a type's table leaves unsaid: `TypeDef { name, .., ..TypeDef::BASE }`.
    pub const BASE: TypeDef = TypeDef {
        name: "",
        section: "res_pjsip",
        default_astdb: None,
        plural: "",
        fields: &[],
        apply: None,
        list: facts::List::IDS,
        summary: facts::Summary::PLAIN,
        references: &[],
        inexact_sets: &[],
        update_needs: None,
        static_file: "pjsip.conf",
    };
}

/// Every type ARI push configuration reaches on `res_pjsip`, in dependency order:
/// referenced objects (auth, aor) before the objects that name them.
pub static TYPES: &[TypeDef] = &[
    types::auth::TYPE,
    types::aor::TYPE,
    types::endpoint::TYPE,
    types::domain_alias::TYPE,
    types::acl::TYPE,
    types::contact::TYPE,
    types::identify::TYPE,
    types::registration::TYPE,
    types::outbound_publish::TYPE,
    types::asterisk_publication::TYPE,
    types::resource_list::TYPE,
    types::inbound_publication::TYPE,
    types::subscription_persistence::TYPE,
    types::transport::TYPE,
    types::global::TYPE,
    types::system::TYPE,
];

/// Look a type up by its exact name, or by its plural as the CLI spells it.
pub fn find_type(name: &str) -> Option<&'static TypeDef> {
    TYPES
        .iter()
        .find(|t| t.name == name)
        .or_else(|| TYPES.iter().find(|t| t.plural == name))
}

/// "a" or "an" before a type name.
pub fn article(name: &str) -> &'static str {
    if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

pub fn type_names() -> Vec<&'static str> {
    TYPES.iter().map(|t| t.name).collect()
}

impl TypeDef {
    /// Field index by attribute name, case-insensitively as Asterisk's option lookup does.
    pub fn field_index(&'static self, name: &str) -> Option<usize> {
        let idx = self.index();
        match idx.get(name) {
            Some(&i) => Some(i),
            None if name.bytes().any(|b| b.is_ascii_uppercase()) => {
                idx.get(name.to_ascii_lowercase().as_str()).copied()
            }
            None => None,
        }
    }

    /// Field index by exact name: res_sorcery_astdb filters row keys case-sensitively.
    /// (The map compares keys exactly, so a hit is the field of that very name.)
    pub fn field_index_exact(&'static self, name: &str) -> Option<usize> {
        self.index().get(name).copied()
    }

    /// Name → index, built once per type (field names are all lower case).
    fn index(&'static self) -> &'static HashMap<&'static str, usize, rustc_hash::FxBuildHasher> {
        &self.cache().index
    }

    fn cache(&'static self) -> &'static TypeCache {
        static CACHE: OnceLock<Vec<TypeCache>> = OnceLock::new();
        let all = CACHE.get_or_init(|| TYPES.iter().map(TypeCache::new).collect());
        &all[self.position()]
    }

    /// The type's place in [`TYPES`].
    pub fn position(&'static self) -> usize {
        // Every TypeDef lives in TYPES: its address gives its position.
        let at = (self as *const TypeDef as usize).wrapping_sub(TYPES.as_ptr() as usize)
            / std::mem::size_of::<TypeDef>();
        match TYPES.get(at) {
            Some(t) if std::ptr::eq(t, self) => at,
            _ => TYPES
                .iter()
                .position(|t| std::ptr::eq(t, self))
                .expect("registered type"),
        }
    }

    /// Field indices in Asterisk's objectset order (see [`objectset_order`]).
    pub fn order(&'static self) -> &'static [usize] {
        &self.cache().order
    }

    /// The field names in [`TypeDef::order`].
    pub fn order_names(&'static self) -> &'static [&'static str] {
        &self.cache().order_names
    }

    /// Each field's position in [`TypeDef::order`].
    pub fn order_pos(&'static self, i: usize) -> usize {
        self.cache().order_pos[i]
    }

    /// Where the extended `@name` attributes come in [`TypeDef::order`]: Sorcery registers
    /// the `^@` field first, so it leads its hash bucket.
    pub fn extended_pos(&'static self) -> usize {
        self.cache().ext_pos
    }

    /// Whether Sorcery accepts `name` for this type under exactly that name (a field, or
    /// an extended `@name` attribute).
    pub fn has_attribute_exact(&'static self, name: &str) -> bool {
        name.starts_with('@') || self.field_index_exact(name).is_some()
    }

    /// Each field's JSON key as an astdb row writes it: `"name":`.
    pub fn json_keys(&'static self) -> &'static [Box<str>] {
        &self.cache().json_keys
    }

    /// Whether Asterisk keeps this type in the static pjsip.conf by default.
    pub fn static_only(&self) -> bool {
        self.default_astdb.is_none()
    }

    /// Whether `push` stores objects of this type: not a static type, and not one Asterisk
    /// prints nothing for (acl, inbound-publication), whose rows it cannot read back.
    pub fn pushable(&'static self) -> bool {
        !self.static_only()
            && crate::engine::check_storable(&crate::model::Object::new(self, "x")).is_ok()
    }

    /// "a" or "an", for messages: "an acl object", "a registration".
    pub fn article(&self) -> &'static str {
        article(self.name)
    }

    /// The type of the objects field `attr` names, where it is one of [`TypeDef::references`].
    pub fn reference(&self, attr: &str) -> Option<&'static TypeDef> {
        self.references
            .iter()
            .find(|r| r.attr == attr)
            .map(facts::Reference::target)
    }

    /// The references of this type's objects to objects of `target`.
    pub fn references_to<'a>(
        &self,
        target: &'a TypeDef,
    ) -> impl Iterator<Item = &'static facts::Reference> + 'a {
        self.references.iter().filter(move |r| r.ty == target.name)
    }

    /// Whether objects of some type name objects of this one.
    pub fn referenced(&self) -> bool {
        TYPES
            .iter()
            .any(|t| t.references.iter().any(|r| r.ty == self.name))
    }

    /// The type's field whose unset value Asterisk misreads ([`field::UNSET_MISREAD`]).
    pub fn misread_unset(&'static self) -> Option<&'static Misread> {
        static CACHE: OnceLock<Vec<Option<Misread>>> = OnceLock::new();
        CACHE.get_or_init(|| TYPES.iter().map(Misread::of).collect())[self.position()].as_ref()
    }

    /// The field Asterisk's handler sets when field `idx` is given under `name`, which
    /// matched it case-insensitively: the field itself, or the one [`TypeDef::inexact_sets`]
    /// names; `None` when the handler refuses any spelling but the exact one.
    pub fn inexact_target(&'static self, idx: usize, name: &str) -> Option<usize> {
        let f = &self.fields[idx];
        if f.name == name {
            return Some(idx);
        }
        if f.has(field::EXACT_NAME) {
            return None;
        }
        Some(
            self.inexact_sets
                .iter()
                .find(|(from, _)| *from == f.name)
                .and_then(|(_, to)| self.field_index_exact(to))
                .unwrap_or(idx),
        )
    }
}

/// A field whose unset text Asterisk reads back as a value (endpoint callerid): pjsipctl
/// leaves it out of rows, keeps it unset when Asterisk's own row or answer carries the text,
/// and expects the value where Asterisk stores the text.
#[derive(Debug)]
pub struct Misread {
    pub name: &'static str,
    /// What to_str prints while the field is unset (its `init`): `<unknown>`.
    pub unset: &'static str,
    /// What the handler makes of that text: `unknown`.
    pub read_back: String,
}

impl Misread {
    fn of(ty: &'static TypeDef) -> Option<Misread> {
        let (idx, f) = ty
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.has(field::UNSET_MISREAD))?;
        let mut obj = crate::model::Object::new(ty, "");
        let _ = values::apply(&mut obj, idx, f.init);
        Some(Misread {
            name: f.name,
            unset: f.init,
            read_back: obj.str(f.name).to_string(),
        })
    }
}

/// What every lookup of a type needs, computed once.
struct TypeCache {
    index: HashMap<&'static str, usize, rustc_hash::FxBuildHasher>,
    order: Vec<usize>,
    order_names: Vec<&'static str>,
    order_pos: Vec<usize>,
    json_keys: Vec<Box<str>>,
    ext_pos: usize,
}

impl TypeCache {
    fn new(t: &'static TypeDef) -> TypeCache {
        let order = objectset_order(t.fields);
        let ext_bucket = bucket("^@");
        let ext_pos = order
            .iter()
            .position(|&i| bucket(t.fields[i].name) >= ext_bucket)
            .unwrap_or(order.len());
        TypeCache {
            ext_pos,
            index: t
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name, i))
                .collect(),
            order_names: order.iter().map(|&i| t.fields[i].name).collect(),
            order_pos: {
                let mut pos = vec![0; t.fields.len()];
                for (p, &i) in order.iter().enumerate() {
                    pos[i] = p;
                }
                pos
            },
            order,
            json_keys: t
                .fields
                .iter()
                .map(|f| {
                    let mut k = String::with_capacity(f.name.len() + 3);
                    crate::model::write_json_str(&mut k, f.name);
                    k.push(':');
                    k.into_boxed_str()
                })
                .collect(),
        }
    }
}

/// Sorcery keeps a type's fields in an ao2 hash container of 29 buckets keyed by
/// djb2(name); objectsets walk bucket 0..28 and, within a bucket, registration order.
/// Reproducing that here keeps every type's order right without hand-kept lists.
pub fn objectset_order(fields: &[Field]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..fields.len()).collect();
    idx.sort_by_key(|&i| (bucket(fields[i].name), i));
    idx
}

fn bucket(name: &str) -> u32 {
    clib::str_hash(name) % 29
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_unique_and_plain() {
        // Object::row_json and engine::from_row tell keys apart by field index.
        for t in TYPES {
            let mut seen = std::collections::HashSet::new();
            for (i, f) in t.fields.iter().enumerate() {
                assert!(seen.insert(f.name), "{}: {} twice", t.name, f.name);
                assert_eq!(t.field_index_exact(f.name), Some(i));
                assert_eq!(t.order()[t.order_pos(i)], i);
                assert_eq!(t.order_names()[t.order_pos(i)], f.name);
                assert_eq!(&*t.json_keys()[i], format!("\"{}\":", f.name));
            }
        }
    }

    #[test]
    fn aor_order_matches_asterisk() {
        let t = find_type("aor").unwrap();
        let names: Vec<&str> = t
            .order()
            .iter()
            .map(|&i| t.fields[i].name)
            .filter(|n| *n != "type")
            .collect();
        assert_eq!(
            names,
            [
                "minimum_expiration",
                "default_expiration",
                "qualify_timeout",
                "qualify_2xx_only",
                "mailboxes",
                "support_path",
                "remove_unavailable",
                "voicemail_extension",
                "max_contacts",
                "authenticate_qualify",
                "contact",
                "maximum_expiration",
                "qualify_frequency",
                "remove_existing",
                "outbound_proxy"
            ]
        );
    }
}
