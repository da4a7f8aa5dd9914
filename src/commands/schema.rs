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
    match k {
        Kind::Noop => "ignored".into(),
        Kind::Bool | Kind::YesNo | Kind::CapitalYesNo => "yes/no".into(),
        Kind::UInt { min, max } if *max == u32::MAX as u64 && *min == 0 => {
            "unsigned integer".into()
        }
        Kind::UInt { min, max } => format!("integer {min}-{max}"),
        Kind::Int => "integer".into(),
        Kind::Double => "number".into(),
        Kind::Str => "text".into(),
        Kind::NonEmptyStr => "text (required)".into(),
        Kind::Codec { .. } => "codec list (all, ulaw, alaw, g722, ...)".into(),
        Kind::Enum { values, .. } | Kind::LenientEnum(values) => {
            let mut v: Vec<&str> = values.iter().map(|(i, _)| *i).collect();
            v.dedup();
            v.join("|")
        }
        Kind::AstBoolEnum { others, .. } => {
            let mut v = vec!["yes", "no"];
            v.extend(others.iter().map(|(i, _)| *i));
            v.join("|")
        }
        Kind::IdList => "comma list of ids".into(),
        Kind::IdentifyBy => "username,auth_username,ip,header,request_uri".into(),
        Kind::FollowRedirect => "message".into(),
        Kind::MediaAddress => "IP address or hostname".into(),
        Kind::CallerId => "\"Name\" <number>".into(),
        Kind::CallerIdPrivacy => "allowed_not_screened|...|prohib|unavailable".into(),
        Kind::Group => "group numbers 0-63, ranges a-b".into(),
        Kind::NamedGroup => "comma list of names".into(),
        Kind::Tos => "0-255 or DSCP name (EF, AF41, CS3)".into(),
        Kind::FromUser => "SIP user characters".into(),
        Kind::SetVar => "NAME=VALUE (repeatable)".into(),
        Kind::AclRule { .. } => "address[/mask] list".into(),
        Kind::NamedAcl => "ACL name from acl.conf".into(),
        Kind::CodecPrefs { .. } => "prefer: X, operation: Y, keep: Z, transcode: W".into(),
        Kind::StirShaken => "obsolete".into(),
        Kind::SecurityMechanisms => "msrp-tls|sdes-srtp|dtls-srtp list".into(),
        Kind::Md5Cred => "32 hex digits".into(),
        Kind::PasswordDigest => "ALG:HEXDIGEST list".into(),
        Kind::Algorithms => "MD5,SHA-256,SHA-512-256".into(),
        Kind::AorContact => "sip:/sips: URI list (repeatable)".into(),
        Kind::IdentifyMatch => "address[/mask][:port] or hostname (repeatable)".into(),
        Kind::LocalNet => "address/mask (repeatable)".into(),
        Kind::ListItem => "comma list of resources".into(),
        Kind::Regex => "regular expression".into(),
        Kind::SockAddr => "IPv4[:port] or [IPv6][:port]".into(),
        Kind::Timeval => "seconds since the epoch".into(),
    }
}
