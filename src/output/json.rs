//! JSON output: ARI's attribute/value list, and listings for scripts.

use crate::backend::Listed;
use crate::model::Objectset;

pub fn object(set: &Objectset) -> String {
    serde_json::to_string_pretty(set).expect("serialisable")
}

/// A listing written element by element: the pretty-printed JSON array of
/// `{"type", "id", "attributes"}` (or `"error"` for a row the target cannot read) that
/// `serde_json::to_string_pretty` gives for the whole list, byte for byte. Written by
/// hand, straight from the objectset: the listing's hot loop.
#[derive(Default)]
pub struct Listing {
    count: usize,
    buf: String,
}

impl Listing {
    /// The text of the next element, with what goes before it (the opening bracket or
    /// the comma), to be written out now.
    pub fn element(&mut self, ty: &str, l: &Listed) -> &str {
        let b = &mut self.buf;
        b.clear();
        b.push_str(if self.count == 0 {
            "[\n  {\n"
        } else {
            ",\n  {\n"
        });
        b.push_str("    \"type\": ");
        string(b, ty);
        b.push_str(",\n    \"id\": ");
        string(b, &l.id);
        match &l.object {
            Ok(set) if set.is_empty() => b.push_str(",\n    \"attributes\": []"),
            Ok(set) => {
                b.push_str(",\n    \"attributes\": [");
                for (i, a) in set.iter().enumerate() {
                    b.push_str(if i == 0 { "\n" } else { ",\n" });
                    b.push_str("      {\n        \"attribute\": ");
                    string(b, &a.attribute);
                    b.push_str(",\n        \"value\": ");
                    string(b, &a.value);
                    b.push_str("\n      }");
                }
                b.push_str("\n    ]");
            }
            Err(e) => {
                b.push_str(",\n    \"error\": ");
                string(b, e);
            }
        }
        b.push_str("\n  }");
        self.count += 1;
        b
    }

    /// What closes the array.
    pub fn end(&self) -> &'static str {
        if self.count == 0 {
            "[]"
        } else {
            "\n]"
        }
    }
}

/// A JSON string as serde_json writes it: the row writer's escaping (model.rs) is the same
/// (`"`, `\\` and control characters escaped, everything else as is).
fn string(b: &mut String, s: &str) {
    crate::model::write_json_str(b, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Attr;

    /// The document `list -o json` wrote before it streamed: one serde_json value.
    fn whole(items: &[(&str, Listed)]) -> String {
        let v: Vec<serde_json::Value> = items
            .iter()
            .map(|(ty, l)| match &l.object {
                Ok(set) => serde_json::json!({"type": ty, "id": l.id, "attributes": set}),
                Err(e) => serde_json::json!({"type": ty, "id": l.id, "error": e}),
            })
            .collect();
        serde_json::to_string_pretty(&v).unwrap()
    }

    #[test]
    fn elements_make_the_whole_document_byte_for_byte() {
        let every: String = (0u8..0x80).map(char::from).collect::<String>() + "é€😀\u{2028}";
        let items = [
            (
                "endpoint",
                Listed {
                    id: every.clone(),
                    object: Ok(vec![Attr::new("callerid", &every), Attr::new("@x", "")]),
                },
            ),
            (
                "aor",
                Listed {
                    id: "empty".into(),
                    object: Ok(vec![]),
                },
            ),
            (
                "aor",
                Listed {
                    id: "broken".into(),
                    object: Err(format!("bad {every}")),
                },
            ),
        ];
        for n in 0..=items.len() {
            let mut l = Listing::default();
            let mut text = String::new();
            for (ty, item) in &items[..n] {
                text.push_str(l.element(ty, item));
            }
            text.push_str(l.end());
            assert_eq!(text, whole(&items[..n]), "{n} elements");
        }
    }
}
