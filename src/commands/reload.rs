//! `pjsipctl reload MODULE`: reload an Asterisk module over ARI (issue 4).

use clap::Args;

use crate::backend::ari::{self, http::segment, message, Method, Retry};
use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Reload an Asterisk module (transports and registrations only change on reload)
#[derive(Debug, Args)]
pub struct ReloadArgs {
    /// Module name, e.g. res_pjsip or res_pjsip_outbound_registration
    pub module: String,
}

pub fn run(ctx: &Ctx, args: &ReloadArgs) -> Result<Exit> {
    if !ctx.uses_ari() {
        return Err(Error::usage(
            "reload needs an ARI target: the embedded engine has nothing to reload",
        )
        .hint("pass --ari URL (or --target NAME) and --user NAME"));
    }
    let m = args.module.trim();
    if m.is_empty() {
        return Err(Error::usage("the module name is empty"));
    }
    let a = ari::connect(ctx.ari_target()?, &ctx.out)?;
    let what = format!("PUT asterisk/modules/{m}");
    let c = a.call(&what, "reload", None, None);
    // Not retried: a second reload can collide with the first (409) and hide that it worked.
    let (r, _) = a.exchange(
        Method::Put,
        &format!("/asterisk/modules/{}", segment(m)),
        None,
        Retry::Never,
        &c,
    )?;
    match r.status {
        200 | 204 => ctx.out.status(&format!("reloaded {m}")),
        202 => ctx.out.status(&format!("reload of {m} queued: Asterisk runs it once it has finished starting")),
        404 => {
            return Err(Error::not_found(format!("Asterisk has no running module '{m}' (404 {})", message(&r.body)))
                .hint("module names look like res_pjsip or res_pjsip_outbound_registration; `module show like pjsip` on the Asterisk CLI lists them"))
        }
        409 => {
            return Err(Error::refused(format!("Asterisk cannot reload {m} now (409 {})", message(&r.body)))
                .hint("another reload may be running, or the module does not support reloading; try again, or restart Asterisk"))
        }
        _ => return Err(a.status_error(&r, &c)),
    }
    Ok(Exit::Ok)
}
