//! JSON output: ARI's attribute/value list, and listings for scripts.

use serde::Serialize;

use crate::backend::Listed;
use crate::model::Objectset;

pub fn object(set: &Objectset) -> String {
    serde_json::to_string_pretty(set).expect("serialisable")
}

/// One element of a listing: `{"type", "id", "attributes"}`, or `"error"` for a row
/// the target cannot read.
#[derive(Serialize)]
struct Element<'a> {
    r#type: &'a str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<&'a Objectset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// A listing written element by element: the pretty-printed JSON array that
/// `serde_json::to_string_pretty` gives for the whole list, byte for byte.
#[derive(Default)]
pub struct Listing {
    count: usize,
    buf: Vec<u8>,
    one: Vec<u8>,
}

impl Listing {
    /// The text of the next element, with what goes before it (the opening bracket or
    /// the comma), to be written out now.
    pub fn element(&mut self, ty: &str, l: &Listed) -> &str {
        let e = Element {
            r#type: ty,
            id: &l.id,
            attributes: l.object.as_ref().ok(),
            error: l.object.as_ref().err().map(String::as_str),
        };
        self.one.clear();
        serde_json::to_writer_pretty(&mut self.one, &e).expect("serialisable");
        self.buf.clear();
        self.buf
            .extend_from_slice(if self.count == 0 { b"[\n  " } else { b",\n  " });
        // One level deeper: a string holds no raw newline, so every newline is a new line.
        for (i, line) in self.one.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.buf.extend_from_slice(b"\n  ");
            }
            self.buf.extend_from_slice(line);
        }
        self.count += 1;
        std::str::from_utf8(&self.buf).expect("JSON is UTF-8")
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
