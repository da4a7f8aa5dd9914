//! pjsip.conf text for objects: the form `apply` reads back.

use crate::model::Objectset;
use crate::schema::{Kind, TypeDef};

/// One `[id]` section with `type=` and the given attributes, turned back into
/// the input form (codec lists as disallow/allow, set_var entries as set_var=), secrets
/// commented out unless `show_secrets`.
pub fn section(ty: &TypeDef, id: &str, set: &Objectset, show_secrets: bool) -> String {
    let mut s = format!("[{id}]\ntype={}\n", ty.name);
    for a in set {
        match ty.fields.iter().find(|f| f.name == a.attribute) {
            Some(f)
                if f.has(crate::schema::field::SECRET) && !a.value.is_empty() && !show_secrets =>
            {
                s.push_str(&super::withheld_line(&a.attribute));
            }
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
            None if a.attribute.starts_with('@') => {
                s.push_str(&format!("{}={}\n", a.attribute, escape(&a.value)))
            }
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

/// How `export` writes a section.
pub struct ExportOptions {
    /// Write secrets; otherwise they are written commented out.
    pub show_secrets: bool,
    /// Every attribute, not only those that differ from the type's defaults.
    pub all: bool,
}

/// The note on a commented-out secret; `apply` looks for it to explain a missing password.
pub const WITHHELD: &str = "secret withheld: run with --show-secrets to include it";

/// What one exported section says beyond its text.
#[derive(Debug, Default)]
pub struct Exported {
    pub text: String,
    /// Things pjsip.conf cannot say exactly (the text notes them too).
    pub warnings: Vec<String>,
    /// A secret was commented out.
    pub withheld: bool,
}

/// A stored object as a pjsip.conf section that `apply` turns back into the same object:
/// codecs as `disallow=all` + `allow=`, set_var entries as `set_var=NAME=value`, `;` escaped,
/// secrets commented out unless asked for. With `all`, defaults that Asterisk would not
/// read back as the same value (`callerid=<unknown>`) stay commented out.
pub fn export_section(
    ty: &'static TypeDef,
    id: &str,
    set: &Objectset,
    opts: &ExportOptions,
    defaults: &crate::output::Defaults,
) -> Exported {
    use crate::schema::field;
    let mut out = Exported::default();
    if id.contains(']') || id.chars().any(char::is_control) {
        out.warnings.push(format!(
            "{} {id:?}: the id cannot be written as a pjsip.conf section name",
            ty.name
        ));
        out.text = format!(
            "; {} {id:?} is not exported: its id cannot be a section name\n",
            ty.name
        );
        return out;
    }
    let mut s = format!("[{}]\ntype={}\n", escape(id), ty.name);
    // Extended attributes first, in the stored order: Sorcery puts each one it sets at the
    // head, so this order applied and read back from astdb (which reverses it again) is
    // the stored order.
    for a in set.iter().filter(|a| a.attribute.starts_with('@')) {
        s.push_str(&format!(
            "{}={}\n",
            a.attribute,
            value(&a.value, &mut out, ty, id)
        ));
    }
    // By name, for people; a stable sort keeps the entries of one attribute in order,
    // and no field's meaning depends on another's position (the apply handler runs last).
    let mut sorted: Vec<&crate::model::Attr> = set
        .iter()
        .filter(|a| !a.attribute.starts_with('@'))
        .collect();
    sorted.sort_by(|a, b| a.attribute.cmp(&b.attribute));
    let set = &sorted;
    let mut i = 0;
    while i < set.len() {
        let a = &set[i];
        i += 1;
        let at_default = defaults.contains(&a.attribute, &a.value);
        if at_default && !opts.all {
            continue;
        }
        let Some(f) = ty.fields.iter().find(|f| f.name == a.attribute) else {
            // An entry named after a set_var variable.
            s.push_str(&format!(
                "set_var={}={}\n",
                a.attribute,
                value(&a.value, &mut out, ty, id)
            ));
            continue;
        };
        if at_default && !crate::schema::rules::reapplies(ty, &a.attribute, &a.value) {
            s.push_str(&format!(
                ";{}={}  ; the default: not written, Asterisk would read it back differently\n",
                a.attribute,
                escape(&a.value)
            ));
            continue;
        }
        match f.kind {
            Kind::Codec { .. } => {
                let inner = a.value.trim_start_matches('(').trim_end_matches(')');
                s.push_str("disallow=all\n");
                if inner == "nothing" {
                    s.push_str(
                        "; no codec: Asterisk cannot load this endpoint back (add allow=...)\n",
                    );
                } else {
                    s.push_str(&format!("allow={}\n", inner.replace('|', ",")));
                }
            }
            Kind::SetVar => {}
            _ if f.has(field::SECRET) && !a.value.is_empty() && !opts.show_secrets => {
                s.push_str(&super::withheld_line(&a.attribute));
                out.withheld = true;
            }
            Kind::IdList if f.has(field::MULTI) => {
                // One entry per id in the objectset; the field takes them as one list.
                let mut ids = vec![a.value.as_str()];
                while i < set.len() && set[i].attribute == a.attribute {
                    ids.push(&set[i].value);
                    i += 1;
                }
                let joined = ids.join(",");
                s.push_str(&format!(
                    "{}={}\n",
                    a.attribute,
                    value(&joined, &mut out, ty, id)
                ));
            }
            _ => s.push_str(&format!(
                "{}={}\n",
                a.attribute,
                value(&a.value, &mut out, ty, id)
            )),
        }
    }
    out.text = s;
    out
}

/// A value as written after `name=`: `;` escaped, a leading `>` kept apart from the `=`
/// (`=>` is read as `=`). Surrounding blanks cannot be written: Asterisk strips them.
/// Such a value gets a comment saying so on its line, since no quoting keeps the blanks
/// (config.c trims name and value and keeps quotes as text).
fn value(v: &str, out: &mut Exported, ty: &TypeDef, id: &str) -> String {
    let lossy =
        v.chars().any(|c| c == '\n' || c == '\r') || v.trim_matches(|c: char| (c as u32) < 33) != v;
    if lossy {
        out.warnings.push(format!(
            "{} {id}: the value {v:?} has blanks or line breaks at its ends, which pjsip.conf cannot hold: \
             apply of this file stores it without them (push the value to keep it)",
            ty.name
        ));
    }
    let e = escape(v);
    let e = if e.starts_with('>') {
        format!(" {e}")
    } else {
        e
    };
    if lossy {
        format!(
            "{e}  ; pjsip.conf cannot hold the blanks at its ends: read back as {:?}",
            v.trim_matches(|c: char| (c as u32) < 33)
        )
    } else {
        e
    }
}
