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

    /// The JSON result document of apply, `apply --dry-run`, diff and delete (`status`:
    /// what became of each change once carried out; None: nothing was written).
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
                let attrs: Vec<serde_json::Value> = self
                    .attribute_changes(c, d)
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
                    v["status"] = json!(match st[i] {
                        Status::Applied => "applied",
                        Status::Failed => "failed",
                        Status::NotRun => "not run",
                    });
                }
                v
            })
            .collect();
        let counted = |a: &[Action]| {
            plan.changes
                .iter()
                .enumerate()
                .filter(|(i, c)| {
                    a.contains(&c.action) && status.is_none_or(|st| st[*i] == Status::Applied)
                })
                .count()
        };
        let mut summary = json!({
            "create": counted(&[Action::Create]),
            "update": counted(&[Action::Update, Action::Recreate]),
            "delete": counted(&[Action::Delete]),
            "unchanged": plan.unchanged,
            "skipped": skipped.len(),
        });
        // Carried out: the counts above are what was done; these say what became of each change.
        if let Some(st) = status {
            for (key, s) in [
                ("applied", Status::Applied),
                ("failed", Status::Failed),
                ("not_run", Status::NotRun),
            ] {
                summary[key] = json!(st.iter().filter(|x| **x == s).count());
            }
        }
        json!({
            "dry_run": status.is_none(),
            "changes": changes,
            "summary": summary,
            "skipped": skipped
                .iter()
                .map(|k| json!({"section": k.name, "origin": k.origin.to_string(), "reason": k.reason}))
                .collect::<Vec<_>>(),
        })
    }
}

/// Into a carried-out plan's JSON document: each failed change's own error, and the error
/// the run ends with.
pub fn json_errors(
    doc: &mut serde_json::Value,
    errors: &[(usize, Error)],
    failure: Option<&Error>,
) {
    // (A rolled-back transaction has no failed change: its error is the run's.)
    for (i, e) in errors {
        if doc["changes"][*i]["status"] == "failed" {
            doc["changes"][*i]["error"] = json!(e.message);
        }
    }
    if let Some(e) = failure {
        doc["error"] = super::error_json(e);
    }
}
