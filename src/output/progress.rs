//! Progress on stderr. A bar (count, rate, ETA when the total is known) is drawn only in an
//! interactive session: stderr a terminal, `CI` unset and `TERM` not `dumb` (a `docker run
//! -t` in CI has a terminal but its log must not fill with redraws). Elsewhere a plain line
//! at most every few seconds, so a long job still shows it is alive.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::output::Out;

/// How often a plain progress line may be printed.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: Option<Plain>,
}

struct Plain {
    what: String,
    total: Option<u64>,
    start: Instant,
    last: Instant,
}

/// Whether progress may be drawn: a person is watching stderr.
pub fn interactive() -> bool {
    interactive_with(
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}

fn interactive_with(
    stderr_tty: bool,
    ci: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    stderr_tty && ci.is_none_or(|v| v.is_empty()) && term.is_none_or(|v| v != "dumb")
}

impl Progress {
    /// Progress of `what` (e.g. "applying to astdb x"), counting objects up to `total` if known.
    pub fn new(out: &Out, total: Option<u64>, what: String) -> Progress {
        if out.quiet {
            return Progress::hidden();
        }
        if !interactive() {
            let now = Instant::now();
            return Progress {
                bar: None,
                plain: Some(Plain {
                    what,
                    total,
                    start: now,
                    last: now,
                }),
            };
        }
        let (bar, template) = match total {
            Some(n) => (
                ProgressBar::new(n),
                "{bar:30} {pos}/{len} objects  {rate}  ETA {eta}  {wide_msg}",
            ),
            None => (
                ProgressBar::new_spinner(),
                "{spinner} {pos} objects  {rate}  {wide_msg}",
            ),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            // Whole objects per second: indicatif's {per_sec} shows "3,508.516/s".
            bar.set_style(style.with_key(
                "rate",
                |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0}/s", s.per_sec());
                },
            ));
        }
        bar.set_message(what);
        Progress {
            bar: Some(bar),
            plain: None,
        }
    }

    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            plain: None,
        }
    }

    /// `pos` objects done.
    pub fn set(&mut self, pos: u64) {
        if let Some(b) = &self.bar {
            b.set_position(pos);
        }
        if let Some(p) = &mut self.plain {
            let now = Instant::now();
            if now.duration_since(p.last) >= PLAIN_EVERY {
                p.last = now;
                eprintln!("{}", plain_line(&p.what, pos, p.total, now - p.start));
            }
        }
    }

    /// The total learnt (or estimated) since the start.
    pub fn set_length(&mut self, total: u64) {
        if let Some(b) = &self.bar {
            b.set_length(total);
        }
        if let Some(p) = &mut self.plain {
            p.total = Some(total);
        }
    }

    pub fn finish(self) {
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
    }
}

/// "applying to astdb x: 1200/3000 objects, 240/s, about 8 s left".
fn plain_line(what: &str, pos: u64, total: Option<u64>, elapsed: Duration) -> String {
    let rate = pos as f64 / elapsed.as_secs_f64().max(0.001);
    match total {
        Some(n) => {
            let left = if rate > 0.0 {
                format!(", about {:.0} s left", n.saturating_sub(pos) as f64 / rate)
            } else {
                String::new()
            };
            format!("{what}: {pos}/{n} objects, {rate:.0}/s{left}")
        }
        None => format!("{what}: {pos} objects, {rate:.0}/s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_only_for_a_terminal_outside_ci_and_not_dumb() {
        use std::ffi::OsStr;
        let s = |v: &'static str| Some(OsStr::new(v));
        assert!(interactive_with(true, None, s("xterm-256color")));
        assert!(interactive_with(true, s(""), None));
        assert!(!interactive_with(false, None, s("xterm")));
        assert!(!interactive_with(true, s("true"), s("xterm")));
        assert!(!interactive_with(true, s("1"), None));
        assert!(!interactive_with(true, None, s("dumb")));
    }

    #[test]
    fn plain_lines_give_count_rate_and_time_left() {
        assert_eq!(
            plain_line("applying", 1200, Some(3000), Duration::from_secs(5)),
            "applying: 1200/3000 objects, 240/s, about 8 s left"
        );
        assert_eq!(
            plain_line("applying", 50, None, Duration::from_secs(10)),
            "applying: 50 objects, 5/s"
        );
    }
}
