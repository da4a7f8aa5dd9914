//! Tables resembling the Asterisk CLI (`pjsip show endpoint`, `pjsip show endpoints`).

use comfy_table::{
    presets, Cell, ContentArrangement, ContentLineStyle, LineStyle, Table, TableStyle,
};

use crate::model::Objectset;

/// `ParameterName : ParameterValue`, sorted by name as the Asterisk CLI sorts them.
pub fn parameters(set: &Objectset) -> String {
    let mut rows: Vec<(&str, &str)> = set
        .iter()
        .map(|a| (a.attribute.as_str(), a.value.as_str()))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut t = Table::new();
    t.load_style(ASTERISK)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(vec!["ParameterName", "ParameterValue"]);
    for (k, v) in rows {
        t.add_row(vec![Cell::new(k), Cell::new(v)]);
    }
    trim_lines(&t.to_string())
}

/// A list table with a header row; `Objects found: N` follows as in the CLI.
pub fn list(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let n = rows.len();
    if n == 0 {
        return "No objects found.\n".to_string();
    }
    let mut t = Table::new();
    t.load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(header.to_vec());
    for r in rows {
        t.add_row(r);
    }
    format!("{}\nObjects found: {n}\n", trim_lines(&t.to_string()))
}

/// The rows of a list table, kept as text in one buffer (not a cell object each), so a
/// listing of 100,000 objects holds a few megabytes; rendered as [`list`] renders them.
pub struct ListTable {
    header: Vec<&'static str>,
    text: String,
    /// Where each cell ends in `text`, row after row.
    ends: Vec<u32>,
    widths: Vec<usize>,
    /// Every cell printable ASCII: the width is the length, and the table is drawn here.
    plain: bool,
}

impl ListTable {
    pub fn new(header: &[&'static str]) -> ListTable {
        ListTable {
            header: header.to_vec(),
            text: String::new(),
            ends: Vec::new(),
            widths: header.iter().map(|h| h.len()).collect(),
            plain: header.iter().all(|h| is_plain(h)),
        }
    }

    pub fn push<'a>(&mut self, row: impl IntoIterator<Item = &'a str>) {
        for (i, c) in row.into_iter().enumerate() {
            self.plain &= is_plain(c);
            self.widths[i] = self.widths[i].max(c.len());
            self.text.push_str(c);
            self.ends
                .push(u32::try_from(self.text.len()).expect("under 4 GB of cells"));
        }
    }

    fn rows(&self) -> impl Iterator<Item = Vec<&str>> + '_ {
        let n = self.header.len();
        self.ends.chunks(n).enumerate().map(move |(r, ends)| {
            let mut start = if r == 0 {
                0
            } else {
                self.ends[r * n - 1] as usize
            };
            ends.iter()
                .map(|&e| {
                    let e = e as usize;
                    let c = &self.text[start..e];
                    start = e;
                    c
                })
                .collect()
        })
    }

    /// The table and `Objects found: N`, exactly as [`list`] draws the same rows.
    #[cfg(test)]
    pub fn render(self) -> String {
        let mut s = String::new();
        self.write(&mut |t| {
            s.push_str(t);
            Ok(())
        })
        .expect("a String takes any text");
        s
    }

    /// [`ListTable::render`], handed to `out` a line at a time.
    pub fn write(self, out: &mut dyn FnMut(&str) -> std::io::Result<()>) -> std::io::Result<()> {
        if !self.plain {
            // Wide or control characters: comfy-table measures them.
            let rows = self
                .rows()
                .map(|r| r.into_iter().map(str::to_string).collect())
                .collect();
            return out(&list(&self.header, rows));
        }
        let n = self.ends.len() / self.header.len().max(1);
        if n == 0 {
            return out("No objects found.\n");
        }
        // Each cell padded by a blank on both sides, and a blank between columns.
        let inner: usize = self.widths.iter().map(|w| w + 3).sum::<usize>() - 1;
        let rule = |fill: &str| format!("+{}+\n", fill.repeat(inner));
        let mut buf = String::new();
        let mut line = |cells: &[&str], out: &mut dyn FnMut(&str) -> std::io::Result<()>| {
            buf.clear();
            buf.push('|');
            for (i, (c, w)) in cells.iter().zip(&self.widths).enumerate() {
                if i > 0 {
                    buf.push(' ');
                }
                buf.push(' ');
                buf.push_str(c);
                buf.extend(std::iter::repeat_n(' ', w - c.len() + 1));
            }
            buf.push_str("|\n");
            out(&buf)
        };
        out(&rule("-"))?;
        line(&self.header, out)?;
        out(&rule("="))?;
        for r in self.rows() {
            line(&r, out)?;
        }
        out(&rule("-"))?;
        out(&format!("\nObjects found: {n}\n"))
    }
}

fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Column separator ` : ` and an `=` ruler under the header, as `ast_sip_cli_print_sorcery_objectset`.
const ASTERISK: TableStyle = TableStyle::new()
    .header_lines(ContentLineStyle::none().junction(':'))
    .header_separator(LineStyle::none().fill('=').junction('='))
    .content_lines(ContentLineStyle::none().junction(':'));

fn trim_lines(s: &str) -> String {
    let mut out: String = s
        .lines()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compact_table_draws_what_comfy_table_draws() {
        let header = ["Aor", "MaxContact", "Contact"];
        let rows = [
            ["a", "1", ""],
            ["a-much-longer-id", "10", "sip:x@example.com:5060"],
            ["b", "", "sip:;y"],
        ];
        for n in 0..=rows.len() {
            let mut t = ListTable::new(&header);
            for r in &rows[..n] {
                t.push(r.iter().copied());
            }
            let comfy = list(
                &header,
                rows[..n]
                    .iter()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect(),
            );
            assert_eq!(t.render(), comfy, "{n} rows");
        }
        // Not plain ASCII: drawn by comfy-table itself.
        let mut t = ListTable::new(&header);
        t.push(["Zoë", "tab\there", "漢字"]);
        let comfy = list(
            &header,
            vec![vec!["Zoë".into(), "tab\there".into(), "漢字".into()]],
        );
        assert_eq!(t.render(), comfy);
    }
}
