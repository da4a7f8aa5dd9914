//! `pjsipctl export [TYPE...]`: the target's objects as pjsip.conf (issue 5).

use clap::Args;

use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Write the target's objects as pjsip.conf
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Types to export [default: all]
    pub types: Vec<String>,
}

pub fn run(_ctx: &Ctx, _args: &ExportArgs) -> Result<Exit> {
    Err(Error::usage("export is not available in this build yet"))
}
