//! Validate once, above the backend trait. A push is built against what the target holds
//! (Sorcery's merge: `engine::build`), refused with the attribute at fault, and judged by the
//! policy here, whichever target it goes to; the backend is then given the prepared object
//! and only stores it ([`Prepared`], defined beside the trait). (A plan of `apply` is judged
//! by its planner and stored as judged.)

use crate::backend::{refusal_error, Backend, Prepared, Pushed};
use crate::engine::{self, Refusal};
use crate::error::Error;
use crate::model::{Attr, Object};
use crate::policy;
use crate::schema::{values, TypeDef};

/// Why a push is not stored, in parts, beside the error the user sees.
#[derive(Debug)]
pub struct Refused {
    /// The attribute at fault, as given or as its field is named (`None`: the object as a
    /// whole, or the target).
    pub attribute: Option<String>,
    /// The value refused, where one was (a secret's is masked).
    pub value: Option<String>,
    pub reason: String,
    /// What the attribute accepts, when its value was refused.
    pub accepted: Option<String>,
    pub error: Error,
}

impl From<Error> for Refused {
    fn from(error: Error) -> Refused {
        Refused {
            attribute: None,
            value: None,
            reason: error.report(),
            accepted: None,
            error,
        }
    }
}

impl From<Error> for Box<Refused> {
    fn from(error: Error) -> Box<Refused> {
        Box::new(error.into())
    }
}

impl Refused {
    /// An engine refusal (what Asterisk would answer 400 or 500 for).
    fn of(ty: &'static TypeDef, id: &str, created: bool, r: Refusal) -> Box<Refused> {
        let (attribute, value, accepted) = match &r {
            Refusal::InvalidValue {
                attribute, value, ..
            } => (
                Some(attribute.clone()),
                Some(value.clone()),
                ty.field_index(attribute)
                    .map(|i| values::accepted(&ty.fields[i].kind)),
            ),
            Refusal::UnknownAttribute { attribute, .. } => (Some(attribute.clone()), None, None),
            Refusal::Rejected { attribute, .. } => (attribute.map(str::to_string), None, None),
            Refusal::CopyFailed(_) | Refusal::EmptyObjectset(_) => (None, None, None),
        };
        let reason = match &r {
            Refusal::InvalidValue { reason, .. } | Refusal::Rejected { reason, .. } => {
                reason.clone()
            }
            _ => r.to_string(),
        };
        Box::new(Refused {
            attribute,
            value,
            reason,
            accepted,
            error: refusal_error(ty, id, created, r),
        })
    }
}

/// Build and judge a push against what the target holds now.
pub fn prepare_push(
    backend: &mut dyn Backend,
    ty: &'static TypeDef,
    id: &str,
    fields: &[Attr],
    rules: policy::Rules,
) -> Result<Prepared, Box<Refused>> {
    let mut before = backend.current(ty, id)?;
    let created = before.object.is_none();
    let built = engine::build(ty, id, before.object.as_ref(), fields)
        .map_err(|r| Refused::of(ty, id, created, r))?;
    // Asterisk checks the fields before it finds the wizard read-only (400 before 403).
    if let Some(e) = before.read_only.take() {
        return Err(e.into());
    }
    let mut object = built.object;
    if let Some(old) = &before.object {
        backend.keep(old, &mut object, fields);
    }
    let mut missing = Vec::new();
    for (attr, rty, name) in policy::references(&object) {
        if !backend.exists(rty, &name)? {
            missing.push(policy::missing_reference(
                (ty.name, id),
                attr,
                rty.name,
                &name,
            ));
        }
    }
    let warnings = policy::enforce(
        &object,
        before.object.as_ref(),
        built.warnings,
        missing,
        rules,
    )
    .map_err(|b| {
        Box::new(Refused {
            value: b.attribute.as_deref().and_then(|a| shown(&object, a)),
            attribute: b.attribute,
            reason: b.error.report(),
            accepted: None,
            error: b.error,
        })
    })?;
    Ok(Prepared {
        ty,
        id: id.to_string(),
        fields: fields.to_vec(),
        object,
        before,
        warnings,
    })
}

/// An attribute's value as the object shows it (items joined with ','), for a refusal: a
/// secret's masked; `None` where the object shows no such attribute (set_var).
fn shown(obj: &Object, attr: &str) -> Option<String> {
    if let Some(f) = obj.ty.field_index(attr).map(|i| &obj.ty.fields[i]) {
        if f.has(crate::schema::field::SECRET) {
            return Some(crate::schema::field::MASK.into());
        }
    }
    let items: Vec<String> = obj
        .objectset()
        .into_iter()
        .filter(|a| a.attribute == attr)
        .map(|a| a.value)
        .collect();
    (!items.is_empty()).then(|| items.join(","))
}

/// How often a push is prepared again when its object keeps changing under it.
const ATTEMPTS: usize = 3;

/// `push`: prepare, then store what was prepared.
pub fn push(
    backend: &mut dyn Backend,
    ty: &'static TypeDef,
    id: &str,
    fields: &[Attr],
    rules: policy::Rules,
) -> Result<Pushed, Box<Refused>> {
    for _ in 0..ATTEMPTS {
        let p = prepare_push(backend, ty, id, fields, rules)?;
        if let Some(pushed) = backend.store(&p)? {
            return Ok(pushed);
        }
    }
    Err(Error::storage(format!(
        "{} {id} changed {ATTEMPTS} times while this push was being prepared (another writer)",
        ty.name
    ))
    .hint("nothing was stored; push again")
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::embedded::Embedded;
    use crate::error::Exit;
    use crate::schema::find_type;
    use crate::sorcery_conf::Mapping;

    fn astdb() -> (tempfile::TempDir, Embedded) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("astdb.sqlite3");
        crate::store::create(&path).unwrap();
        let db = Embedded::open(&path, Mapping::builtin(), true).unwrap();
        (dir, db)
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<Attr> {
        pairs.iter().map(|(k, v)| Attr::new(*k, *v)).collect()
    }

    fn refused(db: &mut Embedded, ty: &str, pairs: &[(&str, &str)]) -> Box<Refused> {
        let ty = find_type(ty).unwrap();
        let e = push(db, ty, "x", &fields(pairs), policy::Rules::default()).unwrap_err();
        assert!(
            db.get(ty, "x").is_err(),
            "{}: stored although refused",
            ty.name
        );
        e
    }

    #[test]
    fn a_refusal_comes_in_parts() {
        let (_dir, mut db) = astdb();
        // A value a handler refuses: the field, the value, why, and what it accepts.
        let r = refused(&mut db, "aor", &[("Max_Contacts", "lots")]);
        let max = &find_type("aor").unwrap().fields[find_type("aor")
            .unwrap()
            .field_index_exact("max_contacts")
            .unwrap()];
        assert_eq!(r.attribute.as_deref(), Some("max_contacts"));
        assert_eq!(r.value.as_deref(), Some("lots"));
        assert_eq!(r.accepted, Some(values::accepted(&max.kind)));
        assert!(r.error.message.contains(&r.reason), "{r:?}");
        assert_eq!(r.error.exit, Exit::Invalid);
        // An unknown attribute, as given.
        let r = refused(&mut db, "aor", &[("Bogus", "1")]);
        assert_eq!((r.attribute.as_deref(), r.value), (Some("Bogus"), None));
        // The type's apply handler names the attribute at fault.
        let r = refused(
            &mut db,
            "endpoint",
            &[("allow", "ulaw"), ("timers_min_se", "80")],
        );
        assert_eq!(r.attribute.as_deref(), Some("timers_min_se"));
        // The policy: an endpoint without codecs is refused for its allow.
        let r = refused(&mut db, "endpoint", &[("context", "c")]);
        assert_eq!(r.attribute.as_deref(), Some("allow"));
        assert_eq!(r.value.as_deref(), Some("(nothing)"), "{r:?}");
        assert!(r.reason.contains("--force"), "{r:?}");
        // A secret's value never comes back, masked where the refusal is made.
        let r = refused(
            &mut db,
            "auth",
            &[("username", "u"), ("md5_cred", "hunter2")],
        );
        assert_eq!(r.attribute.as_deref(), Some("md5_cred"));
        assert_eq!(r.value.as_deref(), Some(crate::schema::field::MASK));
        assert!(!format!("{r:?}").contains("hunter2"));
    }

    #[test]
    fn references_are_looked_up_through_the_backend() {
        let (_dir, mut db) = astdb();
        let ep = find_type("endpoint").unwrap();
        let pairs = [("allow", "ulaw"), ("aors", "a1")];
        let p = prepare_push(&mut db, ep, "e", &fields(&pairs), policy::Rules::default()).unwrap();
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("aors=a1 names no stored aor")),
            "{:?}",
            p.warnings
        );
        // With --strict the same finding refuses the push, for that attribute.
        let strict = policy::Rules {
            strict: true,
            ..policy::Rules::default()
        };
        let r = push(&mut db, ep, "e", &fields(&pairs), strict).unwrap_err();
        assert_eq!(
            (r.attribute.as_deref(), r.value.as_deref()),
            (Some("aors"), Some("a1"))
        );
        let aor = find_type("aor").unwrap();
        push(&mut db, aor, "a1", &[], policy::Rules::default()).unwrap();
        let p = prepare_push(&mut db, ep, "e", &fields(&pairs), strict).unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    /// Validation runs before the write transaction: a push is stored only on the object
    /// it was prepared against, else prepared again, so another writer's change survives.
    #[test]
    fn a_push_prepared_against_a_changed_object_is_prepared_again() {
        let (_dir, mut db) = astdb();
        let aor = find_type("aor").unwrap();
        let rules = policy::Rules::default();
        let first = push(&mut db, aor, "a", &fields(&[("max_contacts", "1")]), rules).unwrap();
        assert!(first.created && !first.unchanged);
        let mine = fields(&[("qualify_frequency", "60")]);
        let p = prepare_push(&mut db, aor, "a", &mine, rules).unwrap();
        assert!(!p.created());
        // Another writer, in between.
        db.push(aor, "a", &fields(&[("max_contacts", "5")]))
            .unwrap();
        assert!(db.store(&p).unwrap().is_none());
        let now = |db: &mut Embedded| {
            let set = db.get(aor, "a").unwrap();
            let v = |n: &str| set.iter().find(|a| a.attribute == n).unwrap().value.clone();
            (v("max_contacts"), v("qualify_frequency"))
        };
        assert_eq!(now(&mut db), ("5".to_string(), "0".to_string()));
        // Prepared again, it keeps the other writer's value.
        let pushed = push(&mut db, aor, "a", &mine, rules).unwrap();
        assert!(!pushed.created && !pushed.unchanged);
        assert_eq!(now(&mut db), ("5".to_string(), "60".to_string()));
        // The same again stores what is there: unchanged.
        assert!(push(&mut db, aor, "a", &mine, rules).unwrap().unchanged);
        // An object created meanwhile is not a create any more.
        let p = prepare_push(&mut db, aor, "b", &mine, rules).unwrap();
        assert!(p.created());
        db.push(aor, "b", &fields(&[("max_contacts", "2")]))
            .unwrap();
        assert!(db.store(&p).unwrap().is_none());
    }

    #[test]
    fn a_read_only_object_is_validated_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pjsip.conf"),
            "[t]\ntype=transport\nprotocol=udp\nbind=0.0.0.0\n",
        )
        .unwrap();
        let path = dir.path().join("astdb.sqlite3");
        crate::store::create(&path).unwrap();
        let mapping = Mapping::builtin().with_confdir(dir.path());
        let mut db = Embedded::open(&path, mapping, true).unwrap();
        let tr = find_type("transport").unwrap();
        // A bad value is what Asterisk answers first (400), the read-only wizard after (403).
        let r = push(
            &mut db,
            tr,
            "t",
            &fields(&[("bind", "nowhere:x")]),
            policy::Rules::default(),
        )
        .unwrap_err();
        assert_eq!(
            (r.error.exit, r.attribute.as_deref()),
            (Exit::Invalid, Some("bind"))
        );
        let r = push(
            &mut db,
            tr,
            "t",
            &fields(&[("bind", "0.0.0.0:5070")]),
            policy::Rules::default(),
        )
        .unwrap_err();
        assert_eq!((r.error.exit, r.attribute), (Exit::Refused, None));
        assert!(
            r.error.message.contains("cannot update transport t"),
            "{}",
            r.error.message
        );
    }
}
