//! pjsipctl: Asterisk PJSIP push configuration from the command line.

mod apply;
mod backend;
mod cli;
#[cfg(test)]
mod cli_tests;
mod commands;
mod complete;
mod conf;
mod engine;
mod error;
#[cfg(test)]
mod fuzz_tests;
mod model;
mod output;
mod policy;
mod prepare;
#[cfg(test)]
mod proptests;
mod realtime;
mod schema;
mod server;
mod settings;
mod sorcery_conf;
mod store;
mod wizard;

use std::process::ExitCode;

fn main() -> ExitCode {
    // `COMPLETE=bash pjsipctl -- WORDS…` (the scripts in completions/) answers and exits.
    clap_complete::CompleteEnv::with_factory(cli::completion_command).complete();
    let (cli, given) = cli::parse();
    let code = run(cli, given);
    // For the benchmark: report this process's peak resident set size.
    if std::env::var_os("PJSIPCTL_REPORT_PEAK_RSS").is_some() {
        if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
            if let Some(l) = status.lines().find(|l| l.starts_with("VmHWM:")) {
                eprintln!(
                    "peak_rss_kb: {}",
                    l.trim_start_matches("VmHWM:")
                        .trim()
                        .trim_end_matches(" kB")
                );
            }
        }
    }
    code
}

fn run(cli: cli::Cli, given: cli::Given) -> ExitCode {
    let result = settings::Settings::resolve(&cli.global, given)
        .and_then(|settings| commands::run(settings, &cli.command));
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) if e.exit == error::Exit::Ok => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", output::printable(&e.report()));
            if let Some(h) = &e.hint {
                for line in h.lines() {
                    eprintln!("  hint: {}", output::printable(line));
                }
            }
            ExitCode::from(e.exit as u8)
        }
    }
}

// Building and comparing tens of thousands of objects is allocation-bound.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
