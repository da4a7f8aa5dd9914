//! What pjsipctl refuses or warns about beyond Asterisk: objects Asterisk accepts
//! but cannot load back from astdb, or loads differently (CONVERSION.md, "What astdb cannot hold").

use crate::model::{Object, Val};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Severity {
    /// Asterisk could not load the object: refused unless forced.
    Broken,
    /// Stored, but something is lost or changed on the way back.
    Loss,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
    /// The faithful alternative.
    pub fix: String,
}

/// What a push does with the findings: refuse what Asterisk could not load (unless forced),
/// return the rest as warnings.
pub fn enforce(obj: &Object, force: bool) -> crate::error::Result<Vec<String>> {
    let mut warnings = Vec::new();
    for f in check(obj) {
        match f.severity {
            Severity::Broken if !force => {
                return Err(crate::error::Error::invalid(f.message)
                    .hint(format!("{} (or --force to store it anyway)", f.fix)))
            }
            _ => warnings.push(format!("{} — {}", f.message, f.fix)),
        }
    }
    Ok(warnings)
}

/// Check an object about to be stored in astdb.
pub fn check(obj: &Object) -> Vec<Finding> {
    check_with_row(obj, &obj.row_json())
}

/// [`check`] for a caller that already holds the row it will store: `row` must be
/// `obj.row_json()`.
pub fn check_with_row(obj: &Object, row: &str) -> Vec<Finding> {
    debug_assert_eq!(row, obj.row_json());
    let mut out = Vec::new();
    let id = &obj.id;
    match obj.ty.name {
        "endpoint" => {
            if obj.get("allow").is_some_and(|v| v.is_empty()) {
                out.push(Finding {
                    severity: Severity::Broken,
                    message: format!(
                        "endpoint {id} has no codec: it would be stored as allow=(nothing), which Asterisk cannot \
                         load (GET answers 404, and `pjsip show endpoints` stops at it)"
                    ),
                    fix: "add the codecs it uses, e.g. allow=ulaw,alaw (with disallow=all first to replace a list)".into(),
                });
            }
            if obj.get("set_var").is_some_and(|v| !v.is_empty()) {
                out.push(Finding {
                    severity: Severity::Loss,
                    message: format!(
                        "endpoint {id}: set_var is lost through astdb (Asterisk stores each variable under its own \
                         name and drops it when reading the row back)"
                    ),
                    fix: "set the variables in the dialplan (Set() in the endpoint's context) instead".into(),
                });
            }
            let shown = |name: &str| {
                obj.get(name)
                    .map(|v| crate::schema::values::acl_display(v.list()))
                    .unwrap_or_default()
            };
            if shown("acl") == "deny/permit" || shown("contact_acl") == "deny/permit" {
                out.push(Finding {
                    severity: Severity::Loss,
                    message: format!(
                        "endpoint {id}: deny/permit rules are stored as a reference to an ACL named 'deny/permit', \
                         which does not exist; the endpoint would then reject all traffic"
                    ),
                    fix: "define a named ACL in acl.conf and set acl=<name> (or contact_acl=<name>)".into(),
                });
            }
            if obj.str("callerid") == "unknown" {
                out.push(Finding {
                    severity: Severity::Loss,
                    message: format!("endpoint {id}: callerid=<unknown> is read back by Asterisk as the number 'unknown'"),
                    fix: "leave callerid unset, or give a real name and number".into(),
                });
            }
        }
        "aor" if obj.get("contact").is_some_and(|v| v.list().len() > 1) => out.push(Finding {
            severity: Severity::Loss,
            message: format!(
                "aor {id}: only the last of its {} contacts survives astdb",
                obj.get("contact").unwrap().list().len()
            ),
            fix: "use one aor per static contact and list them all in the endpoint's aors".into(),
        }),
        "identify" if obj.get("match").is_some_and(|v| v.list().len() > 1) => out.push(Finding {
            severity: Severity::Loss,
            message: format!(
                "identify {id}: only the last of its {} match entries survives astdb",
                obj.get("match").unwrap().list().len()
            ),
            fix: "use one identify object per match, all naming the same endpoint".into(),
        }),
        _ => {}
    }
    round_trip(obj, row, &mut out);
    out
}

/// Whether a multi-valued field holds more items than its single astdb key can keep.
fn multi_collapses(obj: &Object) -> bool {
    obj.ty
        .fields
        .iter()
        .zip(&obj.vals)
        .any(|(f, v)| f.has(crate::schema::field::MULTI) && v.list().len() > 1)
}

/// `a == b`, without comparing the bytes of a value both share (defaults are the same
/// static text in both objects).
fn same_vals(a: &[Val], b: &[Val]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Val::S(x), Val::S(y)) => {
                let (x, y): (&str, &str) = (x, y);
                std::ptr::eq(x, y) || x == y
            }
            _ => x == y,
        })
}

/// Attributes the specific findings above already explain.
const EXPLAINED: &[&str] = &[
    "set_var",
    "contact",
    "match",
    "acl",
    "contact_acl",
    "callerid",
];

/// Whatever else astdb would not give back: store the row Asterisk would store, read it the
/// way res_sorcery_astdb reads it, and compare.
fn round_trip(obj: &Object, row: &str, out: &mut Vec<Finding>) {
    let id = &obj.id;
    let what = || format!("{} {id}", obj.ty.name);
    match crate::engine::from_row(obj.ty, id, row) {
        // The same row back, and no multi-valued field collapsed by it: nothing is lost.
        Ok((back, _))
            if !multi_collapses(obj)
                && (same_vals(&back.vals, &obj.vals) || back.row_json() == row) => {}
        Err(e) => {
            let what = what();
            if !out.iter().any(|f| f.severity == Severity::Broken) {
                out.push(Finding {
                    severity: Severity::Broken,
                    message: format!("{what}: Asterisk could not read the stored row back ({e}); GET would answer 404"),
                    fix: "change the attribute named above so that the object survives a reload".into(),
                });
            }
        }
        Ok((back, _)) => {
            let what = what();
            let (pushed, read) = (obj.objectset(), back.objectset());
            let mut lost = Vec::new();
            for a in &pushed {
                if EXPLAINED.contains(&a.attribute.as_str())
                    || obj.ty.field_index_exact(&a.attribute).is_none()
                {
                    continue;
                }
                let pushed_vals: Vec<&str> = pushed
                    .iter()
                    .filter(|x| x.attribute == a.attribute)
                    .map(|x| x.value.as_str())
                    .collect();
                let read_vals: Vec<&str> = read
                    .iter()
                    .filter(|x| x.attribute == a.attribute)
                    .map(|x| x.value.as_str())
                    .collect();
                if pushed_vals != read_vals
                    && !lost
                        .iter()
                        .any(|l: &String| l.starts_with(&format!("{}:", a.attribute)))
                {
                    lost.push(format!(
                        "{}: pushed {:?}, read back {:?}",
                        a.attribute,
                        pushed_vals.join(","),
                        read_vals.join(",")
                    ));
                }
            }
            if !lost.is_empty() {
                out.push(Finding {
                    severity: Severity::Loss,
                    message: format!("{what}: astdb does not give back what was pushed: {}", lost.join("; ")),
                    fix: "see the attribute's description in `pjsipctl schema`; define the object in pjsip.conf to keep it exactly".into(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Attr;

    #[test]
    fn inline_deny_permit_is_found() {
        let ty = crate::schema::find_type("endpoint").unwrap();
        for f in ["deny", "contact_permit"] {
            let fields = [Attr::new("allow", "ulaw"), Attr::new(f, "10.0.0.0/8")];
            let obj = crate::engine::build(ty, "e", None, &fields).unwrap().object;
            let found = check(&obj);
            assert!(
                found.iter().any(|x| x.message.contains("deny/permit")),
                "{f}: {found:?}"
            );
        }
        let fields = [Attr::new("allow", "ulaw"), Attr::new("acl", "office")];
        let named = crate::engine::build(ty, "e", None, &fields).unwrap();
        assert!(check(&named.object).is_empty());
    }
}
