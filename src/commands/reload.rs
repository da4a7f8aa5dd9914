//! `pjsipctl reload MODULE`: reload an Asterisk module over ARI (issue 4).

use clap::Args;

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Reload an Asterisk module (transports and registrations only change on reload)
#[derive(Debug, Args)]
pub struct ReloadArgs {
    /// Module name, e.g. res_pjsip or res_pjsip_outbound_registration
    pub module: String,
}

pub fn run(_ctx: &Ctx, _args: &ReloadArgs) -> Result<Exit> {
    Err(Error::usage("reload is not available in this build yet"))
}
