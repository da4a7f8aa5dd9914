//! `pjsipctl schema [TYPE]`: the attributes a type accepts, with defaults and accepted values.

use clap::Args;

use crate::cli::Format;
use crate::commands::{io_err, resolve_type, Ctx};
use crate::error::{Exit, Result};
use crate::schema::{field, Kind, TYPES};

/// Show the attributes of a type (or list the types), as Asterisk 23.4.1 registers them
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Object type
    pub r#type: Option<String>,
}

pub fn run(ctx: &Ctx, args: &SchemaArgs) -> Result<Exit> {
    let Some(name) = &args.r#type else {
        let mut s = String::new();
        for t in TYPES {
            s.push_str(&format!(
                "{:<26} {}\n",
                t.name,
                if t.static_only() {
                    "read-only (static pjsip.conf)"
                } else {
                    "pushable"
                }
            ));
        }
        ctx.out.data(&s).map_err(io_err)?;
        return Ok(Exit::Ok);
    };
    let ty = resolve_type(name)?;
    let defaults = crate::engine::defaults(ty).objectset();
    let mut rows = Vec::new();
    let mut json = Vec::new();
    for &i in ty.order() {
        let f = &ty.fields[i];
        if f.name == "type" {
            continue;
        }
        let default = defaults
            .iter()
            .find(|a| a.attribute == f.name)
            .map(|a| a.value.clone())
            .unwrap_or_default();
        let accepts = describe(&f.kind);
        let note = if f.has(field::HIDDEN) {
            "input only"
        } else if f.has(field::MULTI) {
            "one entry per value"
        } else {
            ""
        };
        json.push(serde_json::json!({"attribute": f.name, "default": default, "accepts": accepts, "note": note}));
        rows.push(vec![f.name.to_string(), default, accepts, note.to_string()]);
    }
    let text = if ctx.global.output == Format::Json {
        serde_json::to_string_pretty(&json).expect("serialisable")
    } else {
        crate::output::table::list(&["Attribute", "Default", "Accepts", "Note"], rows)
    };
    ctx.out.data(&text).map_err(io_err)?;
    Ok(Exit::Ok)
}

pub fn describe(k: &Kind) -> String {
    crate::schema::values::accepted(k)
}
