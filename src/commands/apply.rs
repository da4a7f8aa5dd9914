//! `pjsipctl apply FILE`: make the target hold what a pjsip.conf says (issue 5).

use std::path::PathBuf;

use clap::Args;

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Push every object of a pjsip.conf, changing only what differs
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// pjsip.conf to apply ('-' for stdin)
    pub file: PathBuf,
}

pub fn run(_ctx: &Ctx, _args: &ApplyArgs) -> Result<Exit> {
    Err(Error::usage("apply is not available in this build yet"))
}
