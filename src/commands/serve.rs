//! `pjsipctl serve`: the embedded engine behind Asterisk's ARI config API (issue 4).

use clap::Args;

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Answer ARI push-configuration requests from the embedded engine
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8088")]
    pub listen: String,
}

pub fn run(_ctx: &Ctx, _args: &ServeArgs) -> Result<Exit> {
    Err(Error::usage("serve is not available in this build yet"))
}
