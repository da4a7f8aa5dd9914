//! pjsipctl: Asterisk PJSIP push configuration from the command line.

mod backend;
mod cli;
mod commands;
mod conf;
mod engine;
mod error;
mod model;
mod output;
mod policy;
mod schema;
mod server;
mod sorcery_conf;
mod store;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) if e.exit == error::Exit::Ok => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            if let Some(h) = &e.hint {
                for line in h.lines() {
                    eprintln!("  hint: {line}");
                }
            }
            ExitCode::from(e.exit as u8)
        }
    }
}
