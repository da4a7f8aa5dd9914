//! A plan as the user reads it: `+ type id` with its attribute changes, or the JSON
//! document of apply, `apply --dry-run`, diff and delete.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::MASK;
use crate::apply::execute::Status;
use crate::apply::plan::{groups, Action, Change, Plan};
use crate::conf::convert::Skipped;
use crate::error::Error;
use crate::model::Objectset;
use crate::schema::{field, rules, TypeDef};

/// How the plan's values are shown.
pub struct Render {
    pub show_secrets: bool,
}

impl Render {
    fn value(&self, ty: &TypeDef, attr: &str, v: &str) -> String {
        let secret = ty
            .fields
            .iter()
            .any(|f| f.name == attr && f.has(field::SECRET));
        if secret && !v.is_empty() && !self.show_secrets {
            MASK.to_string()
        } else if v.is_empty() || v != v.trim() {
            format!("{v:?}")
        } else {
            v.to_string()
        }
    }

    fn values(&self, ty: &TypeDef, attr: &str, vals: Option<&Vec<&str>>) -> String {
        match vals {
            None => "(unset)".into(),
            Some(v) => v
                .iter()
                .map(|x| self.value(ty, attr, x))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Attribute-level changes: (attribute, old, new) on the normalized values.
    pub fn attribute_changes(
        &self,
        c: &Change,
        defaults: &Objectset,
    ) -> Vec<(String, Option<String>, Option<String>)> {
        let before = c.before.as_ref().unwrap_or(defaults);
        let empty = Objectset::new();
        let after = c.after.as_ref().unwrap_or(&empty);
        if c.action == Action::Delete {
            return Vec::new();
        }
        let gb: HashMap<&str, Vec<&str>> = groups(before).into_iter().collect();
        let ga = groups(after);
        let mut out = Vec::new();
        for (attr, vals) in &ga {
            let old = gb.get(attr);
            if old == Some(vals) {
                continue;
            }
            let old = if c.before.is_some() {
                Some(self.values(c.ty, attr, old))
            } else {
                None
            };
            out.push((
                attr.to_string(),
                old,
                Some(self.values(c.ty, attr, Some(vals))),
            ));
        }
        if c.before.is_some() {
            let ka: HashSet<&str> = ga.iter().map(|(k, _)| *k).collect();
            for (attr, vals) in groups(before) {
                if !ka.contains(attr) {
                    out.push((
                        attr.to_string(),
                        Some(self.values(c.ty, attr, Some(&vals))),
                        None,
                    ));
                }
            }
        }
        // By name, as the Asterisk CLI lists parameters.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// `+ type id`, `~ type id`, `- type id` with the attribute changes below each.
    pub fn text(&self, plan: &Plan) -> String {
        let mut s = String::new();
        let mut defaults: HashMap<&str, Objectset> = HashMap::new();
        for c in &plan.changes {
            let d = defaults
                .entry(c.ty.name)
                .or_insert_with(|| rules::defaults(c.ty).objectset());
            self.change_text(c, d, &mut s);
        }
        s
    }

    /// One change of [`Render::text`]; `defaults` are its type's.
    pub fn change_text(&self, c: &Change, defaults: &Objectset, s: &mut String) {
        let sym = match c.action {
            Action::Create => '+',
            Action::Update | Action::Recreate => '~',
            Action::Delete => '-',
        };
        s.push_str(&format!("{sym} {} {}", c.ty.name, c.id));
        if let Some(o) = &c.origin {
            s.push_str(&format!("  ({o})"));
        }
        if c.action == Action::Recreate {
            s.push_str("  [delete and create again");
            if let Some(n) = &c.note {
                s.push_str(&format!(": {n}"));
            }
            s.push(']');
        }
        s.push('\n');
        for (attr, old, new) in self.attribute_changes(c, defaults) {
            match (old, new) {
                (None, Some(new)) => s.push_str(&format!("    {attr} = {new}\n")),
                (Some(old), Some(new)) => s.push_str(&format!("    {attr}: {old} -> {new}\n")),
                (Some(old), None) => s.push_str(&format!("    {attr}: {old} -> (unset)\n")),
                (None, None) => {}
            }
        }
    }

    /// One change of the JSON document (`status`: what became of it once carried out).
    pub fn change_json(
        &self,
        c: &Change,
        defaults: &Objectset,
        status: Option<Status>,
    ) -> serde_json::Value {
        let attrs: Vec<serde_json::Value> = self
            .attribute_changes(c, defaults)
            .into_iter()
            .map(|(a, o, n)| json!({"attribute": a, "old": o, "new": n}))
            .collect();
        let mut v = json!({
            "action": match c.action {
                Action::Create => "create",
                Action::Update => "update",
                Action::Recreate => "recreate",
                Action::Delete => "delete",
            },
            "type": c.ty.name,
            "id": c.id,
            "origin": c.origin.as_ref().map(|o| o.to_string()),
            "note": c.note,
            "attributes": attrs,
        });
        if let Some(st) = status {
            v["status"] = json!(match st {
                Status::Applied => "applied",
                Status::Failed => "failed",
                Status::NotRun => "not run",
            });
        }
        v
    }

    /// The JSON result document of apply, `apply --dry-run`, diff and delete (`status`:
    /// what became of each change once carried out; None: nothing was written), written
    /// change by change. `errors`: each failed change's own error; `failure`: the error
    /// the run ends with.
    pub fn write_json(
        &self,
        w: &mut PlanJson,
        plan: &Plan,
        status: Option<&[Status]>,
        errors: &[(usize, Error)],
    ) -> std::io::Result<()> {
        let mut defaults: HashMap<&str, Objectset> = HashMap::new();
        for (i, c) in plan.changes.iter().enumerate() {
            let d = defaults
                .entry(c.ty.name)
                .or_insert_with(|| rules::defaults(c.ty).objectset());
            let st = status.map(|s| s[i]);
            let mut v = self.change_json(c, d, st);
            // (A rolled-back transaction has no failed change: its error is the run's.)
            if st == Some(Status::Failed) {
                if let Some((_, e)) = errors.iter().find(|(k, _)| *k == i) {
                    v["error"] = json!(e.report());
                }
            }
            w.change(&v)?;
        }
        Ok(())
    }

    /// The whole document at once ([`Render::write_json`] into a string): for tests.
    #[cfg(test)]
    pub fn json_text(&self, plan: &Plan, status: Option<&[Status]>, skipped: &[Skipped]) -> String {
        let mut w = PlanJson::new(status.is_none(), Some(Vec::new())).unwrap();
        self.write_json(&mut w, plan, status, &[]).unwrap();
        let out = w.finish(summary(plan, status, skipped.len()), skipped, None, &[]);
        String::from_utf8(out.unwrap()).unwrap()
    }

    /// What [`Render::json_text`] writes, as one serde_json value: the document as it was
    /// made before it was written change by change.
    #[cfg(test)]
    pub fn json(
        &self,
        plan: &Plan,
        status: Option<&[Status]>,
        skipped: &[Skipped],
    ) -> serde_json::Value {
        let mut defaults: HashMap<&str, Objectset> = HashMap::new();
        let changes: Vec<serde_json::Value> = plan
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let d = defaults
                    .entry(c.ty.name)
                    .or_insert_with(|| rules::defaults(c.ty).objectset());
                self.change_json(c, d, status.map(|s| s[i]))
            })
            .collect();
        json!({
            "dry_run": status.is_none(),
            "changes": changes,
            "summary": summary(plan, status, skipped.len()),
            "skipped": skipped_json(skipped),
            "warnings": Vec::<String>::new(),
        })
    }
}

/// The `summary` of the document: what was (or would be) done; carried out, also what
/// became of each change.
pub fn summary(plan: &Plan, status: Option<&[Status]>, skipped: usize) -> serde_json::Value {
    let counted = |a: &[Action]| {
        plan.changes
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                a.contains(&c.action) && status.is_none_or(|st| st[*i] == Status::Applied)
            })
            .count()
    };
    let mut summary = summary_of(
        [
            counted(&[Action::Create]),
            counted(&[Action::Update, Action::Recreate]),
            counted(&[Action::Delete]),
        ],
        plan.unchanged,
        skipped,
    );
    if let Some(st) = status {
        for (key, s) in [
            ("applied", Status::Applied),
            ("failed", Status::Failed),
            ("not_run", Status::NotRun),
        ] {
            summary[key] = json!(st.iter().filter(|x| **x == s).count());
        }
    }
    summary
}

/// The `summary` of a document that was not carried out.
pub fn summary_of(
    [create, update, delete]: [usize; 3],
    unchanged: usize,
    skipped: usize,
) -> serde_json::Value {
    json!({
        "create": create,
        "update": update,
        "delete": delete,
        "unchanged": unchanged,
        "skipped": skipped,
    })
}

fn skipped_json(skipped: &[Skipped]) -> serde_json::Value {
    skipped
        .iter()
        .map(|k| json!({"section": k.name, "origin": k.origin.to_string(), "reason": k.reason}))
        .collect()
}

/// `serde_json::to_string_pretty` of `v` as it reads `depth` levels down a document.
pub fn nested(v: &serde_json::Value, depth: usize) -> String {
    let text = serde_json::to_string_pretty(v).expect("serialisable");
    let pad = format!("\n{}", "  ".repeat(depth));
    text.replace('\n', &pad)
}

/// One change as the document holds it, after the comma that separates it from the last.
pub fn element(v: &serde_json::Value) -> String {
    format!(",\n    {}", nested(v, 2))
}

/// The plan document written as it is made: `{"dry_run", "changes": [...], "summary",
/// "skipped", "error"?, "warnings"}`, byte for byte what `to_string_pretty` gives for the
/// whole value, while only one change is held at a time.
pub struct PlanJson {
    to: To,
    /// Whether the changes' array is open (a change was written).
    open: bool,
}

enum To {
    Stdout(super::Sink),
    Buf(Vec<u8>),
}

impl PlanJson {
    /// To stdout (`None`) or, for tests, into a buffer.
    pub fn new(dry_run: bool, buf: Option<Vec<u8>>) -> std::io::Result<PlanJson> {
        let mut w = PlanJson {
            to: match buf {
                Some(b) => To::Buf(b),
                None => To::Stdout(super::Sink::stdout()),
            },
            open: false,
        };
        w.write(&format!("{{\n  \"dry_run\": {dry_run},\n  \"changes\": "))?;
        Ok(w)
    }

    fn write(&mut self, text: &str) -> std::io::Result<()> {
        match &mut self.to {
            To::Stdout(s) => s.write(text),
            To::Buf(b) => {
                b.extend_from_slice(text.as_bytes());
                Ok(())
            }
        }
    }

    /// The next change.
    pub fn change(&mut self, v: &serde_json::Value) -> std::io::Result<()> {
        self.changes(&element(v))
    }

    /// Changes already made text by [`element`] (or a piece of them).
    pub fn changes(&mut self, text: &str) -> std::io::Result<()> {
        match text.strip_prefix(",\n") {
            Some(first) if !self.open => {
                self.open = true;
                self.write("[\n")?;
                self.write(first)
            }
            _ => self.write(text),
        }
    }

    /// Close the changes and write the rest; the buffer given to [`PlanJson::new`], if any.
    pub fn finish(
        mut self,
        summary: serde_json::Value,
        skipped: &[Skipped],
        error: Option<&Error>,
        warnings: &[String],
    ) -> std::io::Result<Vec<u8>> {
        self.write(if self.open { "\n  ]" } else { "[]" })?;
        let mut rest = vec![("summary", summary), ("skipped", skipped_json(skipped))];
        if let Some(e) = error {
            rest.push(("error", super::error_json(e)));
        }
        rest.push(("warnings", json!(warnings)));
        for (k, v) in rest {
            self.write(&format!(",\n  \"{k}\": {}", nested(&v, 1)))?;
        }
        self.write("\n}")?;
        match self.to {
            To::Stdout(s) => s.finish().map(|()| Vec::new()),
            To::Buf(mut b) => {
                b.push(b'\n');
                Ok(b)
            }
        }
    }
}

/// Print a plan's JSON document on stdout, change by change, with the warnings given so
/// far (`status`: carried out; `errors`: each failed change's own; `failure`: the run's).
pub fn print_json(
    out: &super::Out,
    render: &Render,
    plan: &Plan,
    (status, skipped): (Option<&[Status]>, &[Skipped]),
    errors: &[(usize, Error)],
    failure: Option<&Error>,
) -> std::io::Result<()> {
    let mut w = PlanJson::to_stdout(out, status.is_none())?;
    render.write_json(&mut w, plan, status, errors)?;
    w.finish(
        summary(plan, status, skipped.len()),
        skipped,
        failure,
        &out.warnings(),
    )
    .map(drop)
}

impl PlanJson {
    /// On stdout, as the command's one document (an error that follows goes into it).
    pub fn to_stdout(out: &super::Out, dry_run: bool) -> std::io::Result<PlanJson> {
        out.printed.store(true, std::sync::atomic::Ordering::SeqCst);
        PlanJson::new(dry_run, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Attr;
    use crate::schema::find_type;

    fn plan() -> Plan {
        let aor = find_type("aor").unwrap();
        let ep = find_type("endpoint").unwrap();
        let built = |ty, id: &str, fields: &[Attr]| {
            crate::engine::build(ty, id, None, fields)
                .unwrap()
                .object
                .objectset()
        };
        let change = |action, ty, id: &str, before, after, note: Option<&str>| Change {
            action,
            ty,
            id: id.into(),
            origin: None,
            before,
            after,
            fields: Vec::new(),
            note: note.map(String::from),
        };
        Plan {
            changes: vec![
                change(
                    Action::Create,
                    aor,
                    "a\"1\u{1}é",
                    None,
                    Some(built(aor, "a", &[Attr::new("max_contacts", "2")])),
                    None,
                ),
                change(
                    Action::Recreate,
                    ep,
                    "e",
                    Some(built(ep, "e", &[Attr::new("allow", "ulaw")])),
                    Some(built(
                        ep,
                        "e",
                        &[Attr::new("allow", "alaw"), Attr::new("context", "x\ny")],
                    )),
                    Some("the stored row is unreadable"),
                ),
                change(Action::Delete, aor, "gone", None, None, None),
            ],
            unchanged: 3,
        }
    }

    #[test]
    fn the_document_written_change_by_change_is_the_whole_value_byte_for_byte() {
        let r = Render {
            show_secrets: false,
        };
        let skipped = [Skipped {
            origin: crate::conf::reader::Origin {
                file: "t.conf".into(),
                line: 3,
            },
            name: "tr".into(),
            reason: "a transport".into(),
        }];
        let plan = plan();
        let statuses = [Status::Applied, Status::Failed, Status::NotRun];
        for status in [None, Some(&statuses[..]), Some(&[][..])] {
            let plan = match status {
                Some([]) => Plan::default(),
                _ => plan_clone(&plan),
            };
            let whole = serde_json::to_string_pretty(&r.json(&plan, status, &skipped)).unwrap();
            assert_eq!(r.json_text(&plan, status, &skipped), whole + "\n");
        }
    }

    fn plan_clone(p: &Plan) -> Plan {
        Plan {
            changes: p.changes.clone(),
            unchanged: p.unchanged,
        }
    }
}
