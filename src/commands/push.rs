//! `pjsipctl push TYPE ID attr=value...`: create an object, or merge fields into it.

use std::path::PathBuf;

use clap::Args;

use crate::cli::Format;
use crate::commands::{io_err, resolve_type, Access, Ctx};
use crate::error::{Error, Exit, Result};
use crate::model::Attr;
use crate::output;
use crate::prepare::Refused;
use crate::schema::TypeDef;

/// Create an object or merge fields into it (fields apply in order: --from, positionals, -f)
#[derive(Debug, Args)]
pub struct PushArgs {
    /// Object type: auth, aor, endpoint, identify, registration, ...
    pub r#type: String,
    /// Object id
    pub id: String,
    /// Fields as attr=value; the value may itself hold '=' and ','
    #[arg(value_name = "ATTR=VALUE")]
    pub fields: Vec<String>,
    /// One more field (repeatable), e.g. -f 'set_var=A=1'
    #[arg(short = 'f', long = "field", value_name = "ATTR=VALUE")]
    pub extra: Vec<String>,
    /// Read fields from the body of a pjsip.conf section in FILE ('-' for stdin)
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Store even an object Asterisk could not load back (e.g. an endpoint without codecs)
    #[arg(long)]
    pub force: bool,
    /// Store data astdb cannot hold as written (set_var, several contacts, deny/permit, ...)
    #[arg(long)]
    pub accept_loss: bool,
}

/// Parse `attr=value` arguments, splitting at the first '='.
pub fn parse_fields<'a>(args: impl IntoIterator<Item = &'a String>) -> Result<Vec<Attr>> {
    args.into_iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(Attr::new(k.trim(), v)),
            _ => Err(Error::usage(format!("'{a}' is not attr=value"))
                .hint("e.g. max_contacts=1 or allow=ulaw,alaw")),
        })
        .collect()
}

pub fn read_source(path: &PathBuf) -> Result<(String, String)> {
    let (bytes, name) = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
            .map_err(|e| Error::usage("cannot read stdin").because(e))?;
        (b, "<stdin>".to_string())
    } else {
        let b = std::fs::read(path)
            .map_err(|e| Error::usage(format!("cannot read {}", path.display())).because(e))?;
        (b, path.display().to_string())
    };
    let s = String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..bad].iter().filter(|&&b| b == b'\n').count();
        Error::invalid(format!(
            "{name}:{line}: not UTF-8 text: astdb stores JSON, which needs UTF-8 (convert the file, e.g. with iconv)"
        ))
    })?;
    Ok((s, name))
}

/// The user's error for a refused push; one whose attribute at fault was read by --from
/// names that field's file:line (its last line, which is the one that counted).
fn at_line(r: Refused, lines: &[(String, String)]) -> Error {
    let mut e = r.error;
    if e.exit != Exit::Invalid {
        return e;
    }
    let Some(attr) = r.attribute else {
        return e;
    };
    if let Some((_, origin)) = lines
        .iter()
        .rev()
        .find(|(a, _)| a.eq_ignore_ascii_case(&attr))
    {
        e.message = format!("{origin}: {}", e.message);
    }
    e
}

/// `push aor max_contacts=1` forgets the id: an id shaped `attr=value` naming a field of
/// the type is refused, unless it comes after `--` (then it is meant).
fn check_not_a_field(ty: &TypeDef, id: &str) -> Result<()> {
    let Some((attr, _)) = id.split_once('=') else {
        return Ok(());
    };
    let attr = attr.trim();
    let known = attr.eq_ignore_ascii_case("type")
        || ty.fields.iter().any(|f| f.name.eq_ignore_ascii_case(attr));
    if !known || after_double_dash(id) {
        return Ok(());
    }
    Err(Error::usage(format!(
        "push {}: '{id}' is given as the id but reads as the {} attribute {attr}: missing ID?",
        ty.name, ty.name
    ))
    .hint(format!(
        "pjsipctl push {} ID {id} ...; an id that really contains '=' goes after --: pjsipctl push {} -- '{id}' ...",
        ty.name, ty.name
    )))
}

/// Whether `arg` was given after a `--` on the command line.
fn after_double_dash(arg: &str) -> bool {
    std::env::args()
        .skip_while(|a| a != "--")
        .skip(1)
        .any(|a| a == arg)
}

pub fn run(ctx: &Ctx, args: &PushArgs) -> Result<Exit> {
    let ty = resolve_type(&args.r#type)?;
    // A read-only type is refused before its values are judged (`bind=bad` on a transport
    // is beside the point), with the exit code of deleting one (6). `serve` keeps
    // Asterisk's order (400 for a bad value first): that is the backend's.
    if !ctx.uses_ari() {
        let mapping = ctx.mapping()?;
        if mapping.astdb_prefix(ty).is_none()
            && mapping.wizards(ty).iter().any(|w| w.name == "config")
        {
            // Asterisk's 403 says "create" or "update": name the object as it would.
            use crate::backend::static_conf::{load, ConfigWizard};
            let exists = mapping.wizards(ty).iter().any(|w| {
                w.name == "config"
                    && load(ty, &mapping.confdir, &ConfigWizard::parse(&w.data))
                        .find(&args.id)
                        .is_some()
            });
            let verb = if exists { "update" } else { "push" };
            return Err(crate::backend::embedded::read_only(
                ty,
                verb,
                Some(&args.id),
                &mapping,
            ));
        }
    }
    let mut fields = Vec::new();
    // Where each --from field came from, to point a refusal at its line.
    let mut lines: Vec<(String, String)> = Vec::new();
    if let Some(p) = &args.from {
        let (text, name) = read_source(p)?;
        for (a, n) in crate::conf::parse_body_lines(&text, &name, ty.name)? {
            lines.push((a.attribute.to_ascii_lowercase(), format!("{name}:{n}")));
            fields.push(a);
        }
    }
    fields.extend(parse_fields(&args.fields)?);
    fields.extend(parse_fields(&args.extra)?);
    crate::backend::check_id(&args.id)?;
    check_not_a_field(ty, &args.id)?;
    for f in &fields {
        if f.value == output::MASK {
            if let Some(why) = output::masked_secret(ty, &f.attribute) {
                return Err(Error::invalid(format!("{} {}: {why}", ty.name, args.id))
                    .hint("nothing was stored; give the secret itself (e.g. --from - on stdin)"));
            }
        }
    }
    let mut backend = ctx.backend(Access::Create)?;
    let rules = ctx.rules(args.accept_loss, args.force);
    let pushed = match crate::prepare::push(backend.as_mut(), ty, &args.id, &fields, rules) {
        Ok(p) => p,
        Err(r) => {
            // With -o json the error document also gives the refusal in parts.
            let parts = serde_json::json!({
                "attribute": r.attribute,
                "value": r.value,
                "reason": r.reason,
                "accepted": r.accepted,
            });
            let e = at_line(*r, &lines);
            if ctx.settings.output.format == Format::Json {
                let mut doc = output::error_json(&e);
                if let (Some(d), Some(p)) = (doc.as_object_mut(), parts.as_object()) {
                    d.extend(p.clone());
                }
                ctx.out
                    .document(serde_json::json!({ "error": doc }))
                    .map_err(io_err)?;
            }
            return Err(e);
        }
    };
    for w in &pushed.warnings {
        ctx.out.warn(w);
    }
    ctx.out.status(&format!(
        "{} {} {} ({} field{})",
        if pushed.created {
            "created"
        } else if pushed.unchanged {
            "unchanged"
        } else {
            "updated"
        },
        ty.name,
        args.id,
        fields.len(),
        if fields.len() == 1 { "" } else { "s" }
    ));
    match ctx.settings.output.format {
        Format::Json => ctx
            .out
            .data(&output::json::object(&pushed.objectset))
            .map_err(io_err)?,
        Format::Conf => {
            let set = output::changed(ty, &pushed.objectset);
            ctx.out
                .data(&output::conf::section(
                    ty,
                    &args.id,
                    &set,
                    ctx.settings.output.show_secrets,
                ))
                .map_err(io_err)?
        }
        Format::Table => {}
    }
    Ok(Exit::Ok)
}
