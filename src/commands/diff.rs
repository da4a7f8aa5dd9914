//! `pjsipctl diff FILE`: what `apply` would change (issue 5).

use std::path::PathBuf;

use clap::Args;

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Show what apply would change; exit 0 when in sync, 1 when it differs
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// pjsip.conf to compare with the target
    pub file: PathBuf,
}

pub fn run(_ctx: &Ctx, _args: &DiffArgs) -> Result<Exit> {
    Err(Error::usage("diff is not available in this build yet"))
}
