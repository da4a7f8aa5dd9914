//! `pjsipctl ping`: is the ARI target reachable, which versions, do the credentials work (issue 4).

use std::time::Instant;

use clap::Args;
use serde_json::json;

use crate::backend::ari::{self, Method, Retry};
use crate::cli::Format;
use crate::commands::{io_err, Ctx};
use crate::error::{Error, Exit, Result};

/// Check that the ARI target answers and the credentials work
#[derive(Debug, Args)]
pub struct PingArgs {}

pub fn run(ctx: &Ctx, _args: &PingArgs) -> Result<Exit> {
    if !ctx.uses_ari() {
        return Err(Error::usage("ping needs an ARI target")
            .hint("pass --ari URL (or --target NAME) and --user NAME"));
    }
    let a = ari::connect(ctx.ari_target()?, &ctx.out)?;
    let base = a.http.base.clone();
    let user = a.http.user.clone();

    let c = a.call("GET asterisk/info", "ping", None, None);
    let (r, _) = a.exchange(Method::Get, "/asterisk/info", None, Retry::Idempotent, &c)?;
    if r.status == 401 {
        ctx.out.status(&format!(
            "{base} is reachable, but it refuses the credentials"
        ));
    }
    if r.status != 200 {
        return Err(a.status_error(&r, &c));
    }
    let info: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
    let version = info
        .pointer("/system/version")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let entity = info
        .pointer("/system/entity_id")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    if version.is_empty() {
        return Err(Error::storage(format!(
            "{base} answered /asterisk/info without system.version: is it Asterisk's ARI?"
        )));
    }

    let c = a.call("GET asterisk/ping", "ping", None, None);
    let t0 = Instant::now();
    let (r, _) = a.exchange(Method::Get, "/asterisk/ping", None, Retry::Idempotent, &c)?;
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    if r.status != 200 {
        return Err(a.status_error(&r, &c));
    }
    let pong: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
    let pong = pong
        .get("ping")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();

    if !(version.starts_with("23.")
        || version.starts_with("22.")
        || version.starts_with("pjsipctl"))
    {
        ctx.out.warn(&format!(
            "pjsipctl checks values with Asterisk 23.4.1's rules (22.x registers the same fields); {version} may accept or refuse some values differently"
        ));
    }
    let creds = match &user {
        Some(u) => format!("accepted (user {u})"),
        None => "none needed".to_string(),
    };
    let text = match ctx.settings.output.format {
        Format::Json => serde_json::to_string_pretty(&json!({
            "target": base, "reachable": true, "version": version, "entity_id": entity,
            "ping": pong, "round_trip_ms": (ms * 10.0).round() / 10.0, "credentials": creds,
        }))
        .expect("serialisable"),
        _ => format!(
            "target:      ARI {base}\nasterisk:    {version}{}\nping:        {pong} in {ms:.1} ms\ncredentials: {creds}\n",
            if entity.is_empty() { String::new() } else { format!(" (entity {entity})") }
        ),
    };
    ctx.out.data(&text).map_err(io_err)?;
    Ok(Exit::Ok)
}
