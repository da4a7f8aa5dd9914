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
