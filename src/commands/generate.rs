//! Hidden `pjsipctl generate`: write shell completions and man pages (committed; a test
//! regenerates them and fails when they are stale).

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::commands::Ctx;
use crate::error::{Error, Exit, Result};

/// Write completions and man pages
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory for completions
    #[arg(long, default_value = "completions")]
    pub completions: PathBuf,
    /// Directory for man pages
    #[arg(long, default_value = "man")]
    pub man: PathBuf,
}

pub fn run(_ctx: &Ctx, args: &GenerateArgs) -> Result<Exit> {
    write_all(&args.completions, &args.man)
        .map_err(|e| Error::storage(format!("cannot write: {e}")))?;
    Ok(Exit::Ok)
}

pub fn write_all(completions: &Path, man: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(completions)?;
    std::fs::create_dir_all(man)?;
    let mut cmd = Cli::command();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        clap_complete::generate_to(shell, &mut cmd, "pjsipctl", completions)?;
    }
    clap_mangen::generate_to(Cli::command(), man)?;
    Ok(())
}
