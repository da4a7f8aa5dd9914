//! pjsip.conf text for objects: the form `apply` reads back.

use crate::model::Objectset;
use crate::schema::{Kind, TypeDef};

/// One `[id]` section with `type=` and the given attributes, turned back into
/// the input form (codec lists as disallow/allow, set_var entries as set_var=).
pub fn section(ty: &TypeDef, id: &str, set: &Objectset) -> String {
    let mut s = format!("[{id}]\ntype={}\n", ty.name);
    for a in set {
        match ty.fields.iter().find(|f| f.name == a.attribute) {
            Some(f) if matches!(f.kind, Kind::Codec { .. }) => {
                let inner = a.value.trim_start_matches('(').trim_end_matches(')');
                s.push_str("disallow=all\n");
                if inner != "nothing" {
                    s.push_str(&format!("allow={}\n", inner.replace('|', ",")));
                }
            }
            Some(f) if matches!(f.kind, Kind::SetVar) => {
                if !a.value.is_empty() {
                    s.push_str(&format!("set_var={}\n", escape(&a.value)));
                }
            }
            Some(_) => s.push_str(&format!("{}={}\n", a.attribute, escape(&a.value))),
            // An entry named after a set_var variable.
            None => s.push_str(&format!("set_var={}={}\n", a.attribute, escape(&a.value))),
        }
    }
    s
}

/// `;` starts a comment in pjsip.conf; write it as `\;`.
pub fn escape(v: &str) -> String {
    v.replace(';', "\\;")
}
