//! `pjsipctl ping`: is the ARI target reachable, which versions, do the credentials work (issue 4).

use clap::Args;

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Check that the ARI target answers and the credentials work
#[derive(Debug, Args)]
pub struct PingArgs {}

pub fn run(_ctx: &Ctx, _args: &PingArgs) -> Result<Exit> {
    Err(Error::usage("ping is not available in this build yet"))
}
