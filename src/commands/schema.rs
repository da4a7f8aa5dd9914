//! `pjsipctl schema [TYPE [ATTRIBUTE]]`: the types, a type's attributes (name, default,
//! a short "accepts"), or one attribute in full.

use clap::Args;
use serde_json::json;

use crate::cli::Format;
use crate::commands::{io_err, resolve_type, Ctx};
use crate::error::{Error, Exit, Result};
use crate::schema::{field, Field, Kind, TypeDef, TYPES};

/// Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them
///
/// The table gives each attribute's default and a short form of what it accepts; the full
/// text is in `schema TYPE ATTRIBUTE` and `-o json`. `-o conf` prints the type as a
/// pjsip.conf section with every attribute commented out at its default.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Object type
    pub r#type: Option<String>,
    /// One attribute, described in full
    pub attribute: Option<String>,
}

pub fn run(ctx: &Ctx, args: &SchemaArgs) -> Result<Exit> {
    let format = ctx.settings.output.format;
    let Some(name) = &args.r#type else {
        return types(ctx, format);
    };
    let ty = resolve_type(name)?;
    let defaults = crate::schema::rules::defaults(ty).objectset();
    let default = |f: &Field| {
        defaults
            .iter()
            .find(|a| a.attribute == f.name)
            .map(|a| a.value.clone())
            .unwrap_or_default()
    };
    if let Some(attr) = &args.attribute {
        let Some(i) = ty.field_index(attr) else {
            return Err(Error::usage(format!(
                "{} {} has no attribute '{attr}'",
                ty.article(),
                ty.name
            ))
            .hint(format!("`pjsipctl schema {}` lists them", ty.name)));
        };
        let f = &ty.fields[i];
        let text = match format {
            Format::Json => serde_json::to_string_pretty(&entry(f, default(f))).expect("json"),
            Format::Table => [
                ("attribute", f.name.to_string()),
                ("default", default(f)),
                ("accepts", describe(&f.kind)),
                ("note", note(f).to_string()),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k:<10} {v}\n"))
            .collect(),
            Format::Conf => format!(
                "[{}-template](!)\ntype={}\n{}={}\n",
                ty.name,
                ty.name,
                f.name,
                default(f)
            ),
        };
        ctx.out.data(&text).map_err(io_err)?;
        return Ok(Exit::Ok);
    }
    let mut fields: Vec<&Field> = ty
        .order()
        .iter()
        .map(|&i| &ty.fields[i])
        .filter(|f| f.name != "type")
        .collect();
    let text = match format {
        Format::Json => {
            let v: Vec<_> = fields.iter().map(|f| entry(f, default(f))).collect();
            serde_json::to_string_pretty(&v).expect("json")
        }
        Format::Conf => template(ty, &fields, &default),
        Format::Table => {
            // Alphabetical, as `show` and Asterisk's CLI sort attributes.
            fields.sort_by_key(|f| f.name);
            let rows = fields
                .iter()
                .map(|f| vec![f.name.to_string(), default(f), short(f)])
                .collect();
            crate::output::table::grid(&["Attribute", "Default", "Accepts"], rows)
        }
    };
    ctx.out.data(&text).map_err(io_err)?;
    Ok(Exit::Ok)
}

/// The type list: which are pushable (exactly what `push` accepts) and where the others live.
fn types(ctx: &Ctx, format: Format) -> Result<Exit> {
    let storage = |t: &'static TypeDef| {
        if t.pushable() {
            "pushable"
        } else if t.static_only() {
            "read-only: static pjsip.conf"
        } else {
            "not pushable: Asterisk cannot read it back from astdb; static file"
        }
    };
    let text = match format {
        Format::Conf => {
            return Err(Error::usage("schema -o conf needs a type").hint(
                "e.g. `pjsipctl schema endpoint -o conf` prints an endpoint section template",
            ))
        }
        Format::Json => serde_json::to_string_pretty(
            &TYPES
                .iter()
                .map(|t| json!({"type": t.name, "pushable": t.pushable(), "storage": storage(t)}))
                .collect::<Vec<_>>(),
        )
        .expect("json"),
        Format::Table => crate::output::table::grid(
            &["Type", "Push"],
            TYPES
                .iter()
                .map(|t| vec![t.name.to_string(), storage(t).to_string()])
                .collect(),
        ),
    };
    ctx.out.data(&text).map_err(io_err)?;
    Ok(Exit::Ok)
}

fn entry(f: &Field, default: String) -> serde_json::Value {
    json!({"attribute": f.name, "default": default, "accepts": describe(&f.kind), "note": note(f)})
}

fn note(f: &Field) -> &'static str {
    if f.has(field::HIDDEN) {
        "input only"
    } else if f.has(field::MULTI) {
        "one entry per value"
    } else {
        ""
    }
}

/// A pjsip.conf section with every attribute at its default, commented out.
fn template(ty: &'static TypeDef, fields: &[&Field], default: &dyn Fn(&Field) -> String) -> String {
    let mut s = format!(
        "; {} {}: every attribute at Asterisk 23.4.1's default; uncomment what you change\n[{}-template](!)\ntype={}\n",
        ty.article(),
        ty.name,
        ty.name,
        ty.name
    );
    for f in fields {
        // "(nothing)" is how Asterisk shows an empty codec list, not a value to write.
        let d = default(f);
        let d = if d == "(nothing)" { String::new() } else { d };
        s.push_str(&format!(";{}={d}\n", f.name));
    }
    s
}

/// What the table shows of `describe`: up to the first parenthesis or semicolon, at most
/// about 60 characters (the table wraps it).
fn short(f: &Field) -> String {
    let full = describe(&f.kind);
    let cut = full
        .find([';', '('])
        .map_or(full.as_str(), |i| &full[..i])
        .trim();
    let cut = cut.trim_end_matches([',', ':']);
    let mut s = if cut.chars().count() > 60 {
        let head: String = cut.chars().take(60).collect();
        match head.rfind(", ") {
            Some(i) => format!("{}, …", &head[..i]),
            None => format!("{head}…"),
        }
    } else {
        cut.to_string()
    };
    if f.has(field::HIDDEN) {
        s.push_str(" (input only)");
    }
    s
}

pub fn describe(k: &Kind) -> String {
    crate::schema::values::accepted(k)
}
