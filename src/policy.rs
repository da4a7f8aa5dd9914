//! What pjsipctl refuses or warns about beyond Asterisk: objects Asterisk accepts
//! but cannot load back from astdb, or loads differently (CONVERSION.md, "What astdb cannot hold").

use crate::model::Object;

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

/// Check an object about to be stored in astdb.
pub fn check(obj: &Object) -> Vec<Finding> {
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
            if obj.str("acl") == "deny/permit" || obj.str("contact_acl") == "deny/permit" {
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
    out
}
