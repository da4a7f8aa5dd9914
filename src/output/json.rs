//! JSON output: ARI's attribute/value list, and listings for scripts.

use serde_json::json;

use crate::backend::Listed;
use crate::model::Objectset;

pub fn object(set: &Objectset) -> String {
    serde_json::to_string_pretty(set).expect("serialisable")
}

pub fn listing(ty: &str, items: &[Listed]) -> String {
    let v: Vec<serde_json::Value> = items
        .iter()
        .map(|l| match &l.object {
            Ok(set) => json!({"type": ty, "id": l.id, "attributes": set}),
            Err(e) => json!({"type": ty, "id": l.id, "error": e}),
        })
        .collect();
    serde_json::to_string_pretty(&v).expect("serialisable")
}
