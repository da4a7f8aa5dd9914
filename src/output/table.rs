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
