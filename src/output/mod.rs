//! Everything printed goes through here: data to stdout, status and warnings to stderr.

pub mod conf;
pub mod json;
pub mod plan;
pub mod progress;
pub mod table;

use std::io::{self, Write};

use crate::model::Objectset;
use crate::schema::{field, TypeDef};

pub use crate::schema::field::MASK;

/// The output handle commands print through.
#[derive(Default)]
pub struct Out {
    pub quiet: bool,
    /// Every warning given, -q or not: a job reads them from the JSON document.
    pub warnings: std::sync::Mutex<Vec<String>>,
    /// Set once a command has printed its JSON document, so an error that follows goes into
    /// that document instead of a second one.
    pub printed: std::sync::atomic::AtomicBool,
    /// Lines on stderr held back while [`Out::hold`] is on, with the warnings to record.
    pub held: std::sync::Mutex<Option<Held>>,
}

/// What was said on stderr while held back: each line, and the warning it records.
#[derive(Default)]
pub struct Held(Vec<(Option<String>, Option<String>)>);

impl Out {
    /// Data for the user or a script: stdout. A closed pipe ends the program quietly (main).
    pub fn data(&self, text: &str) -> io::Result<()> {
        let mut o = io::stdout().lock();
        o.write_all(text.as_bytes())?;
        if !text.ends_with('\n') && !text.is_empty() {
            o.write_all(b"\n")?;
        }
        o.flush()
    }

    /// A status line on stderr.
    pub fn status(&self, text: &str) {
        if !self.quiet {
            self.say(Some(format!("{}\n", printable(text))), None);
        }
    }

    /// A command's closing line (apply's counts): on stderr even with --quiet, like errors.
    pub fn summary(&self, text: &str) {
        self.say(Some(format!("{}\n", printable(text))), None);
    }

    pub fn warn(&self, text: &str) {
        let line = (!self.quiet).then(|| format!("warning: {}\n", printable(text)));
        self.say(line, Some(text));
    }

    /// A warning nobody should miss (`--insecure`): printed even with --quiet.
    pub fn warn_always(&self, text: &str) {
        self.say(Some(format!("warning: {}\n", printable(text))), Some(text));
    }

    /// Hold back what is said on stderr from now until [`Out::held`]: what opening a target
    /// says, printed where a run that read the file first would have opened it.
    pub fn hold(&self) {
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some(Held::default());
    }

    /// Stop holding back; what was said meanwhile, for [`Out::release`].
    pub fn held(&self) -> Held {
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }

    /// Say now what was held back, in the order it came.
    pub fn release(&self, held: Held) {
        for (line, warning) in held.0 {
            self.say(line, warning.as_deref());
        }
    }

    /// A line on stderr (or held back), and the warning it records.
    fn say(&self, line: Option<String>, warning: Option<&str>) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = held.as_mut() {
            h.0.push((line, warning.map(str::to_string)));
            return;
        }
        drop(held);
        if let Some(w) = warning {
            self.record(w);
        }
        if let Some(l) = line {
            eprint!("{l}");
        }
    }

    fn record(&self, text: &str) {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(text.to_string());
    }

    /// `error: …` on stderr, --quiet or not: one of several problems, the run's own error
    /// is printed by main.
    pub fn error(&self, text: &str) {
        self.say(Some(format!("error: {}\n", printable(text))), None);
    }

    /// Lines on stderr as given (each ends its own line), --quiet or not: what a question
    /// decides, or apply's report of what was done.
    pub fn lines(&self, text: &str) {
        self.say(Some(printable(text).into_owned()), None);
    }

    /// A `[y/N]` question on stderr, left open for the answer typed after it.
    pub fn ask(&self, question: &str) {
        eprint!("{} [y/N] ", printable(question));
    }

    /// Ends the question's line when the input ends without an answer.
    pub fn end_line(&self) {
        eprintln!();
    }
}

impl Out {
    /// The warnings given so far, for a JSON document.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Print a command's JSON document (with the warnings given so far) on stdout.
    pub fn document(&self, mut doc: serde_json::Value) -> io::Result<()> {
        doc["warnings"] = serde_json::json!(self.warnings());
        self.printed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.data(&serde_json::to_string_pretty(&doc).expect("serialisable"))
    }
}

/// An error as JSON: `{"kind", "message", "hint", "exit"}`.
pub fn error_json(e: &crate::error::Error) -> serde_json::Value {
    use crate::error::Exit;
    serde_json::json!({
        "kind": match e.exit {
            Exit::Ok => "ok",
            Exit::Differs => "differs",
            Exit::Usage => "usage",
            Exit::NotFound => "not_found",
            Exit::Invalid => "invalid",
            Exit::Storage => "storage",
            Exit::Refused => "refused",
        },
        "message": e.report(),
        "hint": e.hint,
        "exit": e.exit as u8,
        "problems": e.problems,
    })
}

/// Data written to stdout as it is made, as [`Out::data`] would write the whole text:
/// trailing blanks held back until more text follows, so the end is trimmed and one
/// newline closes it.
pub struct Sink {
    out: io::BufWriter<io::StdoutLock<'static>>,
    held: String,
    wrote: bool,
}

impl Sink {
    pub fn stdout() -> Sink {
        Sink {
            out: io::BufWriter::with_capacity(64 << 10, io::stdout().lock()),
            held: String::new(),
            wrote: false,
        }
    }

    pub fn write(&mut self, text: &str) -> io::Result<()> {
        let body = text.trim_end();
        if body.is_empty() {
            self.held.push_str(text);
            return Ok(());
        }
        if !self.held.is_empty() {
            self.out.write_all(self.held.as_bytes())?;
            self.held.clear();
        }
        self.out.write_all(body.as_bytes())?;
        self.held.push_str(&text[body.len()..]);
        self.wrote = true;
        Ok(())
    }

    /// Whether any text was written.
    pub fn wrote(&self) -> bool {
        self.wrote
    }

    pub fn finish(mut self) -> io::Result<()> {
        if self.wrote {
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }
}

/// Text for the terminal: control characters other than newline and tab (from an id, a
/// value or a file) are shown escaped, `\u{1b}`, so they cannot drive the terminal.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A secret field's value that is exactly the mask: what a masked `show`/`list`/`export`
/// printed, never the real secret. Pushing it would store the mask as the password.
pub fn masked_secret(ty: &TypeDef, attr: &str) -> Option<String> {
    ty.fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(attr) && f.has(field::SECRET))
        .map(|f| {
            format!(
                "{}={MASK} is the mask pjsipctl prints in place of a secret, not the secret: \
                 storing it would replace the real one (print it with --show-secrets)",
                f.name
            )
        })
}

/// `;attr=  ; secret withheld: …` — how pjsip.conf output leaves out a masked secret, so
/// that applying the text cannot overwrite the stored one.
pub fn withheld_line(attr: &str) -> String {
    format!(";{attr}=  ; {}\n", conf::WITHHELD)
}

/// Mask secret attributes unless asked to show them.
pub fn mask(ty: &TypeDef, set: &Objectset, show_secrets: bool) -> Objectset {
    if show_secrets {
        return set.clone();
    }
    set.iter()
        .map(|a| {
            let secret = ty
                .fields
                .iter()
                .any(|f| f.name == a.attribute && f.has(field::SECRET));
            if secret && !a.value.is_empty() {
                crate::model::Attr::new(a.attribute.clone(), MASK)
            } else {
                a.clone()
            }
        })
        .collect()
}

/// The attributes that differ from the type's defaults, in objectset order.
pub fn changed(ty: &'static TypeDef, set: &Objectset) -> Objectset {
    Defaults::of(ty).changed(set)
}

/// A type's default entries, looked up once for many objects of the type.
pub struct Defaults(std::collections::HashMap<String, Vec<String>>);

impl Defaults {
    pub fn of(ty: &'static TypeDef) -> Defaults {
        let mut m: std::collections::HashMap<String, Vec<String>> = Default::default();
        for a in crate::schema::rules::defaults(ty).objectset() {
            m.entry(a.attribute).or_default().push(a.value);
        }
        Defaults(m)
    }

    /// Whether `attribute=value` is one of the defaults.
    pub fn contains(&self, attribute: &str, value: &str) -> bool {
        self.0
            .get(attribute)
            .is_some_and(|v| v.iter().any(|d| d == value))
    }

    /// The attributes of `set` that differ from these defaults, in objectset order.
    pub fn changed(&self, set: &Objectset) -> Objectset {
        set.iter()
            .filter(|a| !self.contains(&a.attribute, &a.value))
            .cloned()
            .collect()
    }
}
