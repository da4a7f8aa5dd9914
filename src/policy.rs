//! What pjsipctl refuses or warns about beyond Asterisk: objects Asterisk accepts
//! but cannot load back from astdb, or loads differently (res/res_sorcery_astdb.c:
//! sorcery_astdb_create stores the object set that sorcery_astdb_retrieve_id applies again).
//! `push`, `apply` and `diff` all judge through [`Rules::judge`], so one object gets one verdict
//! whichever command carries it.

use crate::model::{Key, Object, Val};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Severity {
    /// Asterisk could not load the object: refused unless forced.
    Broken,
    /// Stored, but something is lost or changed on the way back: refused unless accepted.
    Loss,
    /// Stored as given, but worth a word (a reference to nothing stored, a host that
    /// does not resolve here): a warning, an error only with --strict.
    Notice,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
    /// The faithful alternative.
    pub fix: String,
    /// The attribute at fault, where one is (for a caller that points at where it was given).
    pub attribute: Option<String>,
}

/// A push the policy refuses: the user's error, and the attribute at fault where one is.
#[derive(Debug)]
pub struct Blocked {
    pub attribute: Option<String>,
    pub error: crate::error::Error,
}

/// What becomes of one finding or warning: said, or the reason the object is not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Stored; the words are a warning.
    Warning(String),
    /// Not stored; the words name the flag that would allow it.
    Refusal(String),
}

/// What the user allowed, and where the object goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    /// --accept-loss: store what astdb cannot hold as written.
    pub accept_loss: bool,
    /// --force: store what Asterisk could not load back.
    pub force: bool,
    /// --strict: every warning is an error.
    pub strict: bool,
    /// The target is a live Asterisk over ARI (it stores `<unknown>` for an unset callerid).
    pub remote: bool,
    /// The target is a realtime database: its tables keep what astdb loses (the realtime
    /// codec refuses a real loss by name), so only what Asterisk cannot load is judged here.
    pub realtime: bool,
}

impl Rules {
    /// One finding: a warning when it may be stored, a refusal otherwise.
    pub fn judge(&self, f: &Finding) -> Verdict {
        let msg = if f.fix.is_empty() {
            f.message.clone()
        } else {
            format!("{} — {}", f.message, f.fix)
        };
        let flag = match f.severity {
            Severity::Loss if !self.accept_loss => "--accept-loss",
            Severity::Broken if !self.force => "--force",
            _ => return self.warning(msg),
        };
        Verdict::Refusal(format!("{msg} (or {flag} to push it anyway)"))
    }

    /// Any other warning about what is about to be stored.
    pub fn warning(&self, msg: String) -> Verdict {
        if self.strict {
            Verdict::Refusal(format!("{msg} (an error with --strict)"))
        } else {
            Verdict::Warning(msg)
        }
    }
}

/// The references of an object about to be stored (schema `TypeDef::references`), read
/// from its values: no objectset is built, apply calls this for every endpoint.
pub fn references(obj: &Object) -> Vec<(&'static str, &'static crate::schema::TypeDef, String)> {
    let mut out = Vec::new();
    for r in obj.ty.references {
        let names: Vec<&str> = match obj.get(r.attr) {
            Some(Val::L(l)) => l.iter().map(String::as_str).collect(),
            Some(Val::S(v)) => v.split(',').collect(),
            _ => Vec::new(),
        };
        for n in names.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
            out.push((r.attr, r.target(), n.to_string()));
        }
    }
    out
}

/// A reference to nothing stored: Asterisk accepts it, and the endpoint then fails at
/// call time (no auth to challenge with, no aor to reach it at).
pub fn missing_reference(obj: (&str, &str), attr: &str, ty: &str, name: &str) -> Finding {
    Finding {
        severity: Severity::Notice,
        message: format!("{} {}: {attr}={name} names no stored {ty}", obj.0, obj.1),
        fix: format!("push {ty} {name} too (Asterisk accepts the reference, and calls fail on it)"),
        attribute: Some(attr.to_string()),
    }
}

/// What a push does with an object and the engine's warnings about it: the first refusal
/// as an error (exit 4, nothing stored), else every warning. A trap the stored object
/// (`existing`) already has is only a warning: this push does not cause it, and refusing
/// would leave the object unchangeable.
pub fn enforce(
    obj: &Object,
    existing: Option<&Object>,
    built_warnings: Vec<String>,
    extra: Vec<Finding>,
    rules: Rules,
) -> Result<Vec<String>, Blocked> {
    let old: Vec<String> = existing
        .map(|o| {
            check_for(o, &rules)
                .into_iter()
                .map(|f| f.message)
                .collect()
        })
        .unwrap_or_default();
    let findings = check_for(obj, &rules).into_iter().chain(extra);
    let verdicts = built_warnings
        .into_iter()
        .map(|w| (None, rules.warning(w)))
        .chain(findings.map(|mut f| {
            if old.contains(&f.message) {
                f.severity = Severity::Notice;
            }
            let verdict = rules.judge(&f);
            (f.attribute, verdict)
        }));
    let mut warnings = Vec::new();
    for (attribute, v) in verdicts {
        match v {
            Verdict::Warning(w) => warnings.push(w),
            Verdict::Refusal(e) => {
                return Err(Blocked {
                    attribute,
                    error: crate::error::Error::invalid(e).hint("nothing was stored"),
                })
            }
        }
    }
    Ok(warnings)
}

/// Check an object about to be stored in astdb.
/// [`check`] for the target the rules describe. Realtime tables keep what astdb loses, and
/// their codec reads every row back itself, refusing what Asterisk could not load
/// (realtime/codec.rs): of the astdb traps only an endpoint without codecs is left.
pub fn check_for(obj: &Object, rules: &Rules) -> Vec<Finding> {
    if rules.realtime {
        return no_codec(obj).into_iter().collect();
    }
    check(obj, rules.remote)
}

/// An endpoint without any codec: stored as allow=(nothing), which Asterisk cannot load.
fn no_codec(obj: &Object) -> Option<Finding> {
    let id = &obj.id;
    (obj.ty.name == "endpoint" && obj.get("allow").is_some_and(|v| v.is_empty())).then(|| {
        Finding {
            severity: Severity::Broken,
            message: format!(
                "endpoint {id} has no codec: it would be stored as allow=(nothing), which Asterisk cannot \
                 load (GET answers 404, and `pjsip show endpoints` stops at it)"
            ),
            fix: "add the codecs it uses, e.g. allow=ulaw,alaw (with disallow=all first to replace a list)".into(),
            attribute: Some("allow".into()),
        }
    })
}

pub fn check(obj: &Object, remote: bool) -> Vec<Finding> {
    check_with_row(obj, None, remote)
}

/// [`check`] for a caller that may hold the row it will store: `row` must be
/// `obj.row_json()`; without it, the row is made only where it is read (the usual object
/// needs none). `remote`: the target is a live Asterisk over ARI.
pub fn check_with_row(obj: &Object, row: Option<&str>, remote: bool) -> Vec<Finding> {
    debug_assert!(row.is_none_or(|r| r == obj.row_json()));
    let made = std::cell::OnceCell::new();
    let row = || row.unwrap_or_else(|| made.get_or_init(|| obj.row_json()).as_str());
    let mut out = Vec::new();
    let id = &obj.id;
    match obj.ty.name {
        "endpoint" => {
            out.extend(no_codec(obj));
            if obj.get("set_var").is_some_and(|v| !v.is_empty()) {
                out.push(Finding {
                    severity: Severity::Loss,
                    message: format!(
                        "endpoint {id}: set_var is lost through astdb (Asterisk stores each variable under its own \
                         name and drops it when reading the row back)"
                    ),
                    fix: "set the variables in the dialplan (Set() in the endpoint's context) instead".into(),
                    attribute: Some("set_var".into()),
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
                    // Given as deny/permit lines, which the object no longer tells apart.
                    attribute: None,
                });
            }
        }
        "aor" | "identify" => {
            let (field, what, fix) = if obj.ty.name == "aor" {
                (
                    "contact",
                    "contacts",
                    "use one aor per static contact and list them all in the endpoint's aors",
                )
            } else {
                (
                    "match",
                    "match entries",
                    "use one identify object per match, all naming the same endpoint",
                )
            };
            let n = obj.get(field).map_or(0, |v| v.list().len());
            if n > 1 {
                // The survivor is whatever Asterisk reads back from the row (the last of the
                // duplicate keys), not necessarily the last one written.
                let kept = crate::engine::from_row(obj.ty, id, row())
                    .ok()
                    .and_then(|(back, _)| back.get(field).map(|v| v.list().join(",")))
                    .unwrap_or_default();
                out.push(Finding {
                    severity: Severity::Loss,
                    message: format!(
                        "{} {id}: only one of its {n} {what} survives astdb: {field}={kept}",
                        obj.ty.name
                    ),
                    fix: fix.into(),
                    attribute: Some(field.into()),
                });
            }
        }
        _ => {}
    }
    // The callerid rule (schema field::UNSET_MISREAD): its unset text is read back as a value.
    if let Some(m) = obj.ty.misread_unset() {
        let (ty, name, unset, back) = (obj.ty.name, m.name, m.unset, &m.read_back);
        if obj.str(name) == back {
            out.push(Finding {
                severity: Severity::Loss,
                message: format!(
                    "{ty} {id}: {name}={unset} is read back by Asterisk as the number '{back}'"
                ),
                fix: format!("leave {name} unset, or give a real name and number"),
                attribute: Some(name.into()),
            });
        }
        if remote && obj.str(name) == unset {
            out.push(Finding {
                severity: Severity::Loss,
                message: format!(
                    "{ty} {id} has no {name}: over ARI Asterisk stores '{unset}' and reads it back as the \
                     number '{back}'"
                ),
                fix: format!("set {name}=\"Name\" <number>"),
                attribute: Some(name.into()),
            });
        }
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

/// Attributes the specific findings above already explain.
const EXPLAINED: &[&str] = &[
    "set_var",
    "contact",
    "match",
    "acl",
    "contact_acl",
    "callerid",
];

/// What res_sorcery_astdb reads back from `obj`'s row, into `back` (an object of its type,
/// fresh), built from the object's entries instead of parsing the row: the row is their JSON,
/// in the same order, and decodes to the same text. False wherever the two could differ (a
/// set_var variable is a key of its own; a repeated key keeps its last value) or the reading
/// fails: the caller then reads the row itself.
fn read_back(
    obj: &Object,
    back: &mut Object,
    visit: &mut Vec<usize>,
    set: &mut Vec<usize>,
) -> bool {
    let ty = obj.ty;
    let fresh = crate::model::fresh_vals(ty);
    let skips = default_skips(ty);
    let (order, ext_at) = (ty.order(), ty.extended_pos());
    // The positions to read back: those whose field the object set, those no default skips,
    // and the extended attributes' place. At any other, the field is at its default on
    // both sides (nothing else writes it: `always_visited`), and is known to be skipped:
    // its entry is not even formatted.
    visit.clear();
    set.clear();
    for (i, (v, f)) in obj.vals.iter().zip(fresh).enumerate() {
        if v.is_fresh(f) {
            continue;
        }
        match v {
            // A set_var variable is a key of its own; a repeated key keeps its last value.
            Val::V(l) if !l.is_empty() => return false,
            Val::L(l) if l.len() > 1 && ty.fields[i].has(crate::schema::field::MULTI) => {
                return false
            }
            _ => {
                set.push(i);
                visit.push(ty.order_pos(i));
            }
        }
    }
    visit.extend_from_slice(always_visited(ty));
    if !obj.ext.is_empty() && ext_at < order.len() {
        visit.push(ext_at);
    }
    visit.sort_unstable();
    visit.dedup();
    let (mut applied, mut ok) = (order.len() - visit.len(), true);
    let mut buf = String::new();
    for &p in visit.iter() {
        if !ok {
            return false;
        }
        let i = order[p];
        obj.entries_at(p, i, true, &mut buf, &mut |k, v| match k {
            // Object::row_json leaves an unset callerid out.
            Key::Field(i) if v == "<unknown>" && obj.ty.fields[i].name == "callerid" => {}
            Key::Field(i) if ok => {
                applied += 1;
                let skip = skips[i]
                    && std::ptr::eq(v, fresh[i].as_str())
                    && back.vals[i].is_fresh(&fresh[i]);
                ok = skip
                    || crate::engine::keeps_default(back, i, v)
                    || crate::engine::apply_at(back, i, v).is_ok();
            }
            Key::Var(n) if n.starts_with('@') => {
                applied += 1;
                back.set_extended(n, v);
            }
            _ => ok = false,
        });
    }
    if ext_at >= order.len() {
        for (n, v) in &obj.ext {
            applied += 1;
            back.set_extended(n, v);
        }
    }
    ok && applied > 0 && crate::engine::apply_handler(back).is_ok()
}

/// Per type, the positions [`read_back`] visits even where the object holds the default.
/// Reading a field's entry writes only that field, except for the kinds that write another
/// too (`disallow` writes `allow`, a deny/permit rule its ACL, md5_cred the digest store) or
/// show another's value (direct_media_method): those, and the fields they write, are always
/// visited. Any other field at its default on both sides is skipped where reading its
/// default entry back onto a fresh object leaves that object as it was (worked out here,
/// once, by reading it): the same reading would leave the object read back as it was too.
fn always_visited(ty: &'static crate::schema::TypeDef) -> &'static [usize] {
    static CACHE: std::sync::OnceLock<Vec<Vec<usize>>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        use crate::schema::Kind;
        crate::schema::TYPES
            .iter()
            .map(|t| {
                let mut v = Vec::new();
                for (i, f) in t.fields.iter().enumerate() {
                    let target = match &f.kind {
                        Kind::Codec { .. } => Some("allow"),
                        Kind::AclRule { target, .. } => Some(*target),
                        Kind::Md5Cred { store } => Some(*store),
                        Kind::EnumShownAs { .. } => Some(f.name),
                        _ => None,
                    };
                    match target.and_then(|n| t.field_index_exact(n)) {
                        Some(j) => v.extend([t.order_pos(i), t.order_pos(j)]),
                        None if !fresh_reads_back_as_fresh(t, i) => v.push(t.order_pos(i)),
                        None => {}
                    }
                }
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect()
    });
    &all[ty.position()]
}

/// Whether [`read_back`]'s step for field `i`, on a fresh object of `ty`, leaves the object
/// read back (fresh too) with the same values, and nothing but a field's entry was seen.
fn fresh_reads_back_as_fresh(ty: &'static crate::schema::TypeDef, i: usize) -> bool {
    let skips = default_skips(ty);
    let fresh = crate::model::fresh_vals(ty);
    let obj = Object::new(ty, "");
    let mut back = Object::new(ty, "");
    let (p, mut ok) = (ty.order_pos(i), true);
    if p == ty.extended_pos() {
        return false;
    }
    obj.entries_at(p, i, true, &mut String::new(), &mut |k, v| match k {
        Key::Field(j) if v == "<unknown>" && ty.fields[j].name == "callerid" => {}
        Key::Field(j) if ok => {
            let skip =
                skips[j] && std::ptr::eq(v, fresh[j].as_str()) && back.vals[j].is_fresh(&fresh[j]);
            ok = skip
                || crate::engine::keeps_default(&back, j, v)
                || crate::engine::apply_at(&mut back, j, v).is_ok();
        }
        _ => ok = false,
    });
    ok && back.vals == obj.vals && back.ext.is_empty()
}

/// Per field of a type: whether reading the default text back onto a fresh object skips it
/// (engine::keeps_default there), so that a field at its default on both sides costs nothing.
fn default_skips(ty: &'static crate::schema::TypeDef) -> &'static [bool] {
    static CACHE: std::sync::OnceLock<Vec<Vec<bool>>> = std::sync::OnceLock::new();
    let all = CACHE.get_or_init(|| {
        crate::schema::TYPES
            .iter()
            .map(|t| {
                let fresh = Object::new(t, "");
                (0..t.fields.len())
                    .map(|i| match &fresh.vals[i] {
                        // (A hidden field has no entry; a derived one shows another's value.)
                        Val::S(s) => {
                            !t.fields[i].has(crate::schema::field::HIDDEN)
                                && !matches!(
                                    t.fields[i].kind,
                                    crate::schema::Kind::EnumShownAs { .. }
                                        | crate::schema::Kind::Md5Cred { .. }
                                )
                                && crate::engine::keeps_default(&fresh, i, s)
                        }
                        _ => false,
                    })
                    .collect()
            })
            .collect()
    });
    &all[ty.position()]
}

/// What [`comes_back_whole`] keeps from one object to the next: an object of each type,
/// and [`read_back`]'s lists.
struct Scratch {
    kept: Vec<Option<Object>>,
    visit: Vec<usize>,
    set: Vec<usize>,
}

/// Whether `obj` comes back from its row as it is, read from its entries into an object of
/// its type kept for the next (apply checks every object it writes). `None`: unknown, read the row.
fn comes_back_whole(obj: &Object) -> Option<bool> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = const {
            std::cell::RefCell::new(Scratch {
                kept: Vec::new(),
                visit: Vec::new(),
                set: Vec::new(),
            })
        };
    }
    SCRATCH.with_borrow_mut(|Scratch { kept, visit, set }| {
        let r = obj.ty.position();
        if kept.len() <= r {
            kept.resize_with(r + 1, || None);
        }
        // A kept object is fresh: each use leaves it so.
        let back = match &mut kept[r] {
            Some(b) => b,
            slot => slot.insert(Object::new(obj.ty, "")),
        };
        if !read_back(obj, back, visit, set) {
            back.reset("");
            return None;
        }
        Some(same_and_fresh(back, obj, set))
    })
}

/// `back.vals == obj.vals`, leaving `back` fresh on the way. `set`: the fields where `obj`
/// holds other than the default ([`read_back`]'s). Everywhere else `back` must hold the
/// default too, or an equal value: most fields are the very default on both sides.
fn same_and_fresh(back: &mut Object, obj: &Object, set: &[usize]) -> bool {
    let fresh = crate::model::fresh_vals(back.ty);
    let mut same = set.iter().all(|&i| back.vals[i] == obj.vals[i]);
    for (i, (b, f)) in back.vals.iter_mut().zip(fresh).enumerate() {
        if b.is_fresh(f) {
            continue;
        }
        // Read back (or written by the handler): compared above where the object set it.
        if same && !set.contains(&i) {
            same = *b == obj.vals[i];
        }
        *b = f.clone();
    }
    back.ext.clear();
    same
}

/// Whatever else astdb would not give back: store the row Asterisk would store, read it the
/// way res_sorcery_astdb reads it, and compare.
fn round_trip<'r>(obj: &Object, row: impl Fn() -> &'r str, out: &mut Vec<Finding>) {
    // The usual object comes back whole: no row to parse.
    if comes_back_whole(obj) == Some(true) {
        return;
    }
    let row = row();
    let id = &obj.id;
    let what = || format!("{} {id}", obj.ty.name);
    match crate::engine::from_row(obj.ty, id, row) {
        // The same row back, and no multi-valued field collapsed by it: nothing is lost.
        Ok((back, _))
            if !multi_collapses(obj) && (back.vals == obj.vals || back.row_json() == row) => {}
        Err(e) => {
            let what = what();
            if !out.iter().any(|f| f.severity == Severity::Broken) {
                out.push(Finding {
                    severity: Severity::Broken,
                    message: format!("{what}: Asterisk could not read the stored row back ({e}); GET would answer 404"),
                    fix: "change the attribute named above so that the object survives a reload".into(),
                    attribute: None,
                });
            }
        }
        Ok((back, _)) => {
            let what = what();
            let (pushed, read) = (obj.objectset(), back.objectset());
            let mut lost = Vec::new();
            let mut first = None;
            // The callerid rule above explains only the unset callerid; any other callerid
            // astdb changes (a backslash its parser drops, say) is a loss like any other.
            let told =
                |a: &str| a != "callerid" || out.iter().any(|f| f.attribute.as_deref() == Some(a));
            let explained: Vec<&str> = EXPLAINED.iter().copied().filter(|a| told(a)).collect();
            for a in &pushed {
                if explained.contains(&a.attribute.as_str())
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
                    first.get_or_insert_with(|| a.attribute.clone());
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
                    attribute: first,
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
    fn one_verdict_per_severity_and_flags() {
        let f = |severity| Finding {
            severity,
            message: "m".into(),
            fix: "f".into(),
            attribute: None,
        };
        let none = Rules::default();
        let refusal = |v: Verdict| match v {
            Verdict::Refusal(m) => m,
            Verdict::Warning(w) => panic!("a warning: {w}"),
        };
        assert_eq!(
            none.judge(&f(Severity::Notice)),
            Verdict::Warning("m — f".into())
        );
        assert!(refusal(none.judge(&f(Severity::Loss)))
            .ends_with("(or --accept-loss to push it anyway)"));
        assert!(
            refusal(none.judge(&f(Severity::Broken))).ends_with("(or --force to push it anyway)")
        );
        let all = Rules {
            accept_loss: true,
            force: true,
            ..Rules::default()
        };
        assert!(matches!(all.judge(&f(Severity::Loss)), Verdict::Warning(_)));
        assert!(matches!(
            all.judge(&f(Severity::Broken)),
            Verdict::Warning(_)
        ));
        // --strict: what would be a warning is an error, whatever else was allowed.
        let strict = Rules {
            strict: true,
            ..all
        };
        for s in [Severity::Notice, Severity::Loss, Severity::Broken] {
            assert!(refusal(strict.judge(&f(s))).ends_with("(an error with --strict)"));
        }
    }

    #[test]
    fn a_trap_already_stored_does_not_block_a_push() {
        let ty = crate::schema::find_type("aor").unwrap();
        let lossy = [Attr::new("contact", "sip:a@192.0.2.1,sip:b@192.0.2.2")];
        let old = crate::engine::build(ty, "a", None, &lossy).unwrap().object;
        let new = crate::engine::build(ty, "a", Some(&old), &[Attr::new("max_contacts", "2")])
            .unwrap()
            .object;
        let rules = Rules::default();
        assert!(enforce(&new, None, Vec::new(), Vec::new(), rules).is_err());
        let warned = enforce(&new, Some(&old), Vec::new(), Vec::new(), rules).unwrap();
        assert!(
            warned.iter().any(|w| w.contains("contacts survives astdb")),
            "{warned:?}"
        );
    }

    /// read_back stands in for parsing the row only where it reads the very same object.
    #[test]
    fn reading_back_from_entries_equals_reading_the_row() {
        use proptest::prelude::*;
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 2000,
            max_global_rejects: 20_000,
            ..ProptestConfig::default()
        });
        let (fast, slow) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        runner
            .run(&crate::proptests::pushes(), |(t, fields)| {
                let ty = &crate::schema::TYPES[t];
                let built = crate::engine::build(ty, "p", None, &fields);
                prop_assume!(built.is_ok());
                let mut obj = built.unwrap().object;
                if t % 2 == 0 {
                    // Extended attributes (a wizard's @pjsip_wizard) come back too.
                    obj.set_extended("@a", "1");
                    obj.set_extended("@b", "x\"y");
                }
                let mut back = Object::new(ty, "p");
                // The object kept for the next check of this type, reset each time.
                let whole = comes_back_whole(&obj);
                if !read_back(&obj, &mut back, &mut Vec::new(), &mut Vec::new()) {
                    prop_assert_eq!(whole, None);
                    slow.set(slow.get() + 1);
                    return Ok(());
                }
                fast.set(fast.get() + 1);
                let (row_back, dropped) = crate::engine::from_row(ty, "p", &obj.row_json())
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(dropped.is_empty());
                prop_assert_eq!(&back.vals, &row_back.vals);
                prop_assert_eq!(&back.ext, &row_back.ext);
                prop_assert_eq!(whole, Some(row_back.vals == obj.vals));
                Ok(())
            })
            .unwrap();
        // Most objects take the fast path; the rest must still be exercised by the row path.
        let (fast, slow) = (fast.get(), slow.get());
        assert!(fast > 1000 && slow > 0, "fast {fast}, slow {slow}");
        // Field names are unique and none looks like an extended attribute, so an entry's
        // field is the one its row key names.
        for ty in crate::schema::TYPES {
            for (i, f) in ty.fields.iter().enumerate() {
                assert_eq!(
                    ty.field_index_exact(f.name),
                    Some(i),
                    "{} {}",
                    ty.name,
                    f.name
                );
                assert!(!f.name.starts_with('@'));
            }
        }
    }

    #[test]
    fn inline_deny_permit_is_found() {
        let ty = crate::schema::find_type("endpoint").unwrap();
        for f in ["deny", "contact_permit"] {
            let fields = [Attr::new("allow", "ulaw"), Attr::new(f, "10.0.0.0/8")];
            let obj = crate::engine::build(ty, "e", None, &fields).unwrap().object;
            let found = check(&obj, false);
            assert!(
                found.iter().any(|x| x.message.contains("deny/permit")),
                "{f}: {found:?}"
            );
        }
        let fields = [Attr::new("allow", "ulaw"), Attr::new("acl", "office")];
        let named = crate::engine::build(ty, "e", None, &fields).unwrap();
        assert!(check(&named.object, false).is_empty());
    }
}
