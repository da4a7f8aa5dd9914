//! `pjsipctl serve`: the embedded engine behind Asterisk's ARI config API (issue 4).

use std::net::{SocketAddr, ToSocketAddrs};

use clap::Args;

use crate::backend::ari::target::{read_password_file, Password};
use crate::backend::embedded::Embedded;
use crate::commands::{Access, Ctx};
use crate::error::{Error, Exit, Result};
use crate::server::{self, Credential, Reconnecting, Store};

/// Answer ARI push-configuration requests from the embedded engine or PostgreSQL
///
/// Needs a credential for its clients: --user NAME with the password in
/// PJSIPCTL_PASSWORD or --password-file. Port 0 picks a free port; the address
/// is printed on stderr as "listening on http://ADDR/ari".
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; anything else is reachable from the network)
    #[arg(long, default_value = "127.0.0.1:8088", value_name = "ADDR:PORT")]
    pub listen: String,
}

pub fn run(ctx: &Ctx, args: &ServeArgs) -> Result<Exit> {
    if ctx.uses_ari() {
        return Err(Error::usage(
            "serve answers from the embedded engine (--db); drop --ari/--target",
        ));
    }
    let need = || {
        Error::usage("serve refuses to start without a credential for its clients")
            .hint("pass --user NAME and the password in PJSIPCTL_PASSWORD or --password-file FILE")
    };
    let clients = &ctx.settings.clients;
    let user = clients.user.clone().ok_or_else(need)?;
    let password = match &clients.password {
        Password::File(f) => read_password_file(f, &ctx.out)?,
        Password::Given(p) => p.clone(),
        Password::None | Password::Prompt => return Err(need()),
    };
    let listen = parse_listen(&args.listen)?;
    if !listen.ip().is_loopback() {
        ctx.out.warn(&format!(
            "listening on {listen}, which is not loopback: ARI credentials and configuration cross the network unencrypted (put a TLS proxy in front)"
        ));
    }
    if let Some(url) = ctx.pg_url() {
        // Connect (and check the schema) before announcing the address, as on astdb.
        let rt = Reconnecting::open(url)?;
        let shown = rt.describe();
        server::run(
            listen,
            Credential { user, password },
            move || Ok(Box::new(rt) as Box<dyn Store>),
            ctx.settings.output.quiet,
            |addr| eprintln!("pjsipctl serve: listening on http://{addr}/ari ({shown})"),
        )?;
        return Ok(Exit::Ok);
    }
    // Created (and announced) here: serve runs until it is stopped.
    drop(ctx.embedded(Access::Create)?);
    if let Some(p) = ctx.created.borrow_mut().take() {
        ctx.out
            .status(&format!("created new astdb at {}", p.display()));
    }
    let db = ctx.db_path()?;
    let (path, mapping) = (db.clone(), ctx.mapping()?);
    server::run(
        listen,
        Credential { user, password },
        move || Ok(Box::new(Embedded::open(&path, mapping, true)?) as Box<dyn Store>),
        ctx.settings.output.quiet,
        |addr| {
            // Always printed, even with --quiet: scripts and tests read the port from it.
            ctx.out.summary(&format!(
                "pjsipctl serve: listening on http://{addr}/ari (astdb {})",
                db.display()
            ));
        },
    )?;
    Ok(Exit::Ok)
}

fn parse_listen(s: &str) -> Result<SocketAddr> {
    let expected = "expected ADDRESS:PORT, e.g. 127.0.0.1:8088";
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    let mut addrs = s.to_socket_addrs().map_err(|e| {
        Error::usage(format!("--listen {s}"))
            .because(e)
            .hint(expected)
    })?;
    addrs.next().ok_or_else(|| {
        Error::usage(format!("--listen {s}: the name resolves to no address")).hint(expected)
    })
}
