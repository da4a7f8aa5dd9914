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
    format!("{}\nObjects found: {n}\n", grid(header, rows))
}

/// A table with a header row, fitted to [`width`]: the widest column is narrowed (and
/// wraps) first, then the next widest, so short columns such as ids stay whole.
pub fn grid(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    match width().and_then(|w| fit_columns(header, &rows, w.into())) {
        None => {
            t.set_header(header.to_vec());
            for r in rows {
                t.add_row(r);
            }
        }
        Some(widths) => {
            // Narrow: no borders, two spaces between columns (as kubectl), so that more
            // of the width carries text.
            t.load_style(presets::NOTHING);
            let wrap_row = |r: Vec<String>| -> Vec<String> {
                r.iter().zip(&widths).map(|(c, w)| wrap(c, *w)).collect()
            };
            t.set_header(wrap_row(header.iter().map(|h| h.to_string()).collect()));
            for r in rows {
                t.add_row(wrap_row(r));
            }
            let last = widths.len().saturating_sub(1);
            for (i, c) in t.column_iter_mut().enumerate() {
                c.set_padding((0, if i == last { 0 } else { 2 }));
            }
        }
    }
    trim_lines(&t.to_string())
}

/// `text` in lines of at most `width` characters, broken after a space or comma where
/// possible.
fn wrap(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest: Vec<char> = line.chars().collect();
        while rest.len() > width {
            // After a comma, or at a space (which is dropped); else mid-word.
            let cut = (1..=width)
                .rev()
                .find(|&i| rest[i] == ' ' || rest[i - 1] == ',')
                .unwrap_or(width);
            out.push(
                rest[..cut]
                    .iter()
                    .collect::<String>()
                    .trim_end()
                    .to_string(),
            );
            rest = rest[cut..].to_vec();
            while rest.first() == Some(&' ') {
                rest.remove(0);
            }
        }
        out.push(rest.into_iter().collect());
    }
    out.join("\n")
}

/// Content widths whose table is at most `width` columns wide (never below 4 each);
/// `None` when the table fits as it is.
fn fit_columns(header: &[&str], rows: &[Vec<String>], width: usize) -> Option<Vec<usize>> {
    let len = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut w: Vec<usize> = header.iter().map(|h| len(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(w.len()) {
            w[i] = w[i].max(len(c));
        }
    }
    // Bordered: two borders, one space of padding each side of a cell, one between
    // columns. Narrow (see grid): two spaces between columns.
    let n = w.len();
    if w.iter().sum::<usize>() + 2 + 2 * n + n.saturating_sub(1) <= width {
        return None;
    }
    let budget = width.saturating_sub(2 * n.saturating_sub(1));
    // The widest column first, down to its header's width, keeping the first column (the
    // names people look for) whole; below that only if needed.
    let heads: Vec<usize> = header.iter().map(|h| len(h).max(4)).collect();
    let mut keep_first = heads.clone();
    keep_first[0] = w[0].min(width * 2 / 5).max(keep_first[0]);
    for floor in [keep_first, heads, vec![4; n]] {
        while w.iter().sum::<usize>() > budget {
            let widest = w
                .iter()
                .enumerate()
                .filter(|(i, v)| **v > floor[*i])
                .max_by_key(|(_, v)| **v);
            let Some((i, _)) = widest else { break };
            w[i] -= 1;
        }
    }
    Some(w)
}

/// The width tables fit: `COLUMNS` when set, else the terminal's when stdout is one;
/// none for a pipe or file, where whole lines serve a script better.
pub fn width() -> Option<u16> {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|w| *w > 0)
    {
        return Some(w);
    }
    // comfy-table asks the terminal only when stdout is one.
    Table::new().width()
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

    /// The table and `Objects found: N`, handed to `out` a line at a time.
    pub fn write(self, out: &mut dyn FnMut(&str) -> std::io::Result<()>) -> std::io::Result<()> {
        // Each cell padded by a blank on both sides, and a blank between columns.
        let inner: usize = self.widths.iter().map(|w| w + 3).sum::<usize>() - 1;
        let too_wide = width().is_some_and(|w| inner + 2 > usize::from(w));
        if !self.plain || too_wide {
            // Wide or control characters (comfy-table measures them), or a table to be
            // fitted to the terminal: drawn by `list`.
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
