//! The vocabulary of a type's table beyond its fields: how `list` and `show` present its
//! objects, and the type-level quirks of Asterisk's handlers. Each type states these in its
//! own file under `types/`, next to its fields.

/// How `list` shows a type, as `pjsip show endpoints` does: the id column's header, then
/// one (header, attribute) pair per further column.
#[derive(Debug)]
pub struct List {
    pub id: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

impl List {
    /// A type the Asterisk CLI has no listing for: its ids only.
    pub const IDS: List = List {
        id: "Id",
        columns: &[],
    };

    /// Every column's header, the id's first.
    pub fn headers(&self) -> Vec<&'static str> {
        std::iter::once(self.id)
            .chain(self.columns.iter().map(|(h, _)| *h))
            .collect()
    }

    /// The attribute of each column after the id.
    pub fn attributes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|(_, a)| *a)
    }
}

/// The lines `show` prints above the parameter table, as `pjsip show endpoint` does.
#[derive(Debug)]
pub struct Summary {
    /// The object's own line, its title right-aligned to 9; `None`: ` TYPE:  ID`.
    pub head: Option<Line>,
    /// One line per object the object names (title right-aligned to 11), in this order.
    pub refs: &'static [Ref],
}

impl Summary {
    pub const PLAIN: Summary = Summary {
        head: None,
        refs: &[],
    };
}

/// A summary line: a title, then the id and what follows it.
#[derive(Debug)]
pub struct Line {
    pub title: &'static str,
    pub shows: Shows,
}

/// What follows the id on a summary line, taken from an attribute of the object.
#[derive(Debug)]
pub enum Shows {
    /// `ID/VALUE`.
    Slash(&'static str),
    /// The id padded to 50 columns, then the value.
    Column(&'static str),
    /// `ID/NUMBER`: the number of a callerid attribute (`"Name" <number>`).
    CallerNumber(&'static str),
}

impl Shows {
    /// The attribute the value comes from.
    pub fn attribute(&self) -> &'static str {
        match self {
            Shows::Slash(a) | Shows::Column(a) | Shows::CallerNumber(a) => a,
        }
    }
}

/// A summary line per object named by `attr`, one of the type's [`Reference`]s, showing
/// that object's attribute as `shows` says, or `(missing)`.
#[derive(Debug)]
pub struct Ref {
    pub title: &'static str,
    pub attr: &'static str,
    pub shows: Shows,
}

/// A field whose value names objects of another type (a comma list of ids): Asterisk looks
/// them up when it uses the object, and accepts a name that nothing stores (endpoint `aors`:
/// res_pjsip/location.c ast_sip_location_retrieve_contact_from_aor_list; `auth`,
/// `outbound_auth`: res_pjsip.c ast_sip_retrieve_auths).
#[derive(Debug)]
pub struct Reference {
    pub attr: &'static str,
    /// The type of the named objects.
    pub ty: &'static str,
}

impl Reference {
    /// The type of the named objects.
    pub fn target(&self) -> &'static crate::schema::TypeDef {
        crate::schema::find_type(self.ty).expect("a reference names a type")
    }
}

/// What an update of a stored object must set, or Asterisk answers 400.
#[derive(Debug)]
pub struct UpdateNeeds {
    /// The fields of which the update must set one (any case).
    pub fields: &'static [&'static str],
    /// The refusal otherwise.
    pub refusal: &'static str,
}

#[cfg(test)]
mod tests {
    use super::Shows;
    use crate::model::Object;
    use crate::schema::field::{EXACT_NAME, HIDDEN, UNSET_MISREAD};
    use crate::schema::{find_type, values, Kind, TYPES};

    /// The facts name what exists: a misspelt attribute in a table would show an empty
    /// column or summary value, silently.
    #[test]
    fn every_fact_names_fields_of_its_type() {
        for t in TYPES {
            let field = |name: &str| {
                let i = t.field_index_exact(name);
                assert!(i.is_some(), "{}: no field {name}", t.name);
                &t.fields[i.unwrap()]
            };
            for a in t.list.attributes() {
                assert!(!field(a).has(HIDDEN), "{}: {a} is never shown", t.name);
            }
            let mut headers = t.list.headers();
            headers.sort();
            headers.dedup();
            assert_eq!(headers.len(), t.list.columns.len() + 1, "{}", t.name);
            if let Some(h) = &t.summary.head {
                let f = field(h.shows.attribute());
                if let Shows::CallerNumber(_) = h.shows {
                    assert!(matches!(f.kind, Kind::CallerId), "{}", t.name);
                }
            }
            for r in t.references {
                field(r.attr);
                assert!(find_type(r.ty).is_some(), "{}.{}", t.name, r.attr);
            }
            for r in t.summary.refs {
                let target = t
                    .reference(r.attr)
                    .expect("a summary line follows a reference");
                assert!(target.field_index_exact(r.shows.attribute()).is_some());
            }
            for (from, to) in t.inexact_sets {
                field(from);
                field(to);
            }
            for f in t.update_needs.iter().flat_map(|u| u.fields) {
                field(f);
            }
        }
    }

    /// The references are read from one table: each consumer asks it by field or by target.
    #[test]
    fn references_answer_by_field_and_by_target() {
        let t = |n| find_type(n).unwrap();
        let ep = t("endpoint");
        let named = |a| ep.reference(a).map(|t| t.name);
        assert_eq!(named("auth"), Some("auth"));
        assert_eq!(named("outbound_auth"), Some("auth"));
        assert_eq!(named("aors"), Some("aor"));
        // A field that is not a reference, and one that names nothing pjsipctl follows.
        assert_eq!(named("context"), None);
        assert_eq!(named("transport"), None);
        let to = |target| {
            ep.references_to(t(target))
                .map(|r| r.attr)
                .collect::<Vec<_>>()
        };
        assert_eq!(to("auth"), ["auth", "outbound_auth"]);
        assert_eq!(to("aor"), ["aors"]);
        assert!(to("endpoint").is_empty());
        let referenced: Vec<&str> = TYPES
            .iter()
            .filter(|t| t.referenced())
            .map(|t| t.name)
            .collect();
        assert_eq!(referenced, ["auth", "aor"]);
        assert_eq!(
            crate::backend::ari::reaching(t("auth")),
            ["auth", "outbound_auth"]
        );
        assert!(crate::backend::ari::reaching(t("transport")).is_empty());
    }

    /// UNSET_MISREAD holds what its handler does: the unset text, applied, is another value;
    /// and at most one field of a type is so (TypeDef::misread_unset gives one).
    #[test]
    fn the_callerid_rule_is_derived_from_its_handler() {
        let mut flagged = Vec::new();
        for t in TYPES {
            let fresh = Object::new(t, "");
            for (i, f) in t.fields.iter().enumerate() {
                if !f.has(UNSET_MISREAD) {
                    continue;
                }
                flagged.push((t.name, f.name));
                assert_eq!(
                    fresh
                        .objectset()
                        .iter()
                        .find(|a| a.attribute == f.name)
                        .unwrap()
                        .value,
                    f.init
                );
                let mut o = fresh.clone();
                values::apply(&mut o, i, f.init).unwrap();
                let back = o.str(f.name);
                assert_ne!(back, f.init, "{}.{}", t.name, f.name);
                let m = t.misread_unset().expect("the flagged field");
                assert_eq!(
                    (m.name, m.unset, m.read_back.as_str()),
                    (f.name, f.init, back)
                );
            }
            if !flagged.iter().any(|(n, _)| *n == t.name) {
                assert!(t.misread_unset().is_none(), "{}", t.name);
            }
        }
        assert_eq!(flagged, [("endpoint", "callerid")]);
        let m = find_type("endpoint").unwrap().misread_unset().unwrap();
        assert_eq!((m.unset, m.read_back.as_str()), ("<unknown>", "unknown"));
    }

    #[test]
    fn a_name_in_another_case_reaches_what_the_handler_reads() {
        let ep = find_type("endpoint").unwrap();
        let at = |n: &str| ep.field_index_exact(n).unwrap();
        // The exact name, or another spelling of a field whose handler does not look at it.
        assert_eq!(
            ep.inexact_target(at("context"), "Context"),
            Some(at("context"))
        );
        assert_eq!(
            ep.inexact_target(at("call_group"), "call_group"),
            Some(at("call_group"))
        );
        for (i, f) in ep.fields.iter().enumerate() {
            let upper = f.name.to_ascii_uppercase();
            let want = match f.name {
                _ if f.has(EXACT_NAME) => None,
                "outgoing_call_offer_pref" => Some(at("incoming_call_offer_pref")),
                _ => Some(i),
            };
            assert_eq!(ep.inexact_target(i, &upper), want, "{}", f.name);
        }
    }
}
