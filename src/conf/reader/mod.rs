//! pjsip.conf read exactly as Asterisk 23.4.1 reads it (main/config.c:
//! config_text_file_load, process_text_line), keeping the file and line of every
//! section and variable so that a problem can be pointed at.
//!
//! What Asterisk does and pjsipctl reproduces (main/config.c: process_text_line, category_get_sep):
//! - lines of 8191 bytes or more are skipped; a UTF-8 BOM on line 1 is dropped; CRLF is fine;
//! - `;` comments (even inside quotes), `\;` for a literal `;`, `;-- --;` block comments
//!   that nest and span lines (`;---` is an ordinary comment);
//! - `[name]`, `[name](!)` templates, `[name](a,b)` inheritance (inherited variables first,
//!   in template order), `[name](+)` / `(+type=endpoint)` appending to the first earlier
//!   section of that name; section names compare case-insensitively;
//! - `name = value`, `=>` as `=`, `name += text` appending to the last variable of that name,
//!   a leading `\` escaping the first character;
//! - `#include` / `#tryinclude` (quotes and `<>` stripped, globs, relative to the config
//!   directory, 10 levels), `#exec` only when allowed.
//!
//! Where Asterisk would refuse the file, the problem is an `Error`; where it silently
//! skips something, a `Warning` says what and why. Include cycles are reported as errors
//! (Asterisk would recurse until the include limit).

use std::collections::VecDeque;
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

mod directives;
mod lines;
mod sections;

use crate::conf::{
    glob,
    regex::{Regex, RegexError},
};

/// fgets(buf, 8192): a line of 8191 bytes or more (without its newline) is skipped.
pub const MAX_LINE: usize = 8191;
/// MAX_INCLUDE_LEVEL: the main file plus 10 levels of #include.
pub const MAX_INCLUDE_LEVEL: usize = 10;
/// MAX_NESTED_COMMENTS.
pub const MAX_NESTED_COMMENTS: i32 = 128;
/// Inheritance copies variables, so `[c](b,b,b,…)` over `[b](a,a,a,…)` multiplies them: a
/// 24 KB file can ask for billions. Past these limits the file is refused (Asterisk would
/// try and run out of memory).
pub const MAX_SECTION_VARS: usize = 10_000;
pub const MAX_VARS: usize = 2_000_000;
/// Settings allowed per byte of input on top of MAX_VARS, so that a large but ordinary file
/// (100,000 users from templates) is read while a small file cannot multiply without bound.
const VARS_PER_BYTE: usize = 1;

/// Where something was written: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One `name = value` of a section, inherited or its own.
#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub value: String,
    pub origin: Origin,
    /// Copied from a template (or another section) named in `(...)`.
    pub inherited: bool,
    /// `name += text` lines that extended this value.
    pub appended: Vec<Origin>,
}

/// The variables a section takes from the first section it inherits from, marked inherited:
/// one copy shared by every section inheriting it (copied into each, a template's settings
/// cost more than the file's own lines). A streamed section's whole variables are these,
/// then its own `vars`.
pub type Shared = Arc<Vec<Var>>;

/// A streamed section's variables made whole: `shared`'s, then its own.
pub fn unshare(sec: &mut Section, shared: Option<Shared>) {
    if let Some(shared) = shared {
        let mut vars = Vec::with_capacity(shared.len() + sec.vars.len());
        vars.extend(shared.iter().cloned());
        vars.append(&mut sec.vars);
        sec.vars = vars;
    }
}

/// A `[name]` section after inheritance and `(+)` additions.
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub origin: Origin,
    /// `(!)`: a template, never an object.
    pub template: bool,
    /// The sections named in `(...)`, in order.
    pub inherits: Vec<Arc<str>>,
    pub vars: Vec<Var>,
    /// Headers of `[name](+)` sections whose lines were added here.
    pub appended_at: Vec<Origin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Worth knowing; Asterisk does the same silently.
    Note,
    /// Asterisk skips or ignores something here.
    Warning,
    /// Asterisk would refuse this (or pjsipctl will not convert it).
    Error,
}

/// A problem or remark about the configuration, with where it is.
#[derive(Debug, Clone)]
pub struct Diag {
    pub level: Level,
    pub origin: Option<Origin>,
    pub message: String,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Some(o) => write!(f, "{o}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// How to resolve what the file refers to.
#[derive(Debug, Clone)]
pub struct Options {
    /// Asterisk's config directory: relative `#include` names resolve here (also nested ones).
    pub confdir: PathBuf,
    /// Run `#exec` programs (Asterisk needs execincludes=yes in asterisk.conf).
    pub allow_exec: bool,
}

/// A whole configuration as Asterisk holds it after loading.
#[derive(Debug, Default)]
pub struct Config {
    pub sections: Vec<Section>,
    /// Every file read, in order, as displayed in origins.
    pub files: Vec<String>,
    pub diags: Vec<Diag>,
}

/// Read a file (the main pjsip.conf). Only a failure to read the main file itself is an `Err`.
pub fn read_file(path: &Path, opts: &Options) -> std::io::Result<Config> {
    let bytes = std::fs::read(path)?;
    let mut r = Reader::new(opts, None);
    r.load_main(
        &mut &bytes[..],
        bytes.len(),
        &path.display().to_string(),
        Some(path),
    );
    Ok(r.finish())
}

/// Read bytes as the main file (stdin); `name` is shown in origins.
pub fn read_bytes(data: &[u8], name: &str, opts: &Options) -> Config {
    let mut r = Reader::new(opts, None);
    r.load_main(&mut &data[..], data.len(), name, None);
    r.finish()
}

/// The end of a streamed read.
#[derive(Debug)]
pub enum Streamed {
    /// Every non-template section went to the sink, in file order.
    Done {
        files: Vec<String>,
        diags: Vec<Diag>,
    },
    /// The file adds to (`(+)`) or inherits from a section already handed over: what the
    /// sink got is incomplete, so read the file whole instead.
    Revisit,
}

/// Read a file as the main pjsip.conf, handing each non-template section to `sink` once no
/// later line can change it, with the variables it shares with others ([`Shared`]). Only templates and the sections still open stay in memory
/// (and the file is read as it goes), so a file of 100,000 users reads in little.
/// Only a failure to open the main file itself is an `Err`.
/// `read` counts the bytes of the main file read so far (a progress bar's share done).
pub fn stream_file(
    path: &Path,
    opts: &Options,
    read: &AtomicU64,
    sink: &mut dyn FnMut(Section, Option<Shared>),
) -> std::io::Result<Streamed> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let counted = Counted { inner: file, read };
    let mut data = std::io::BufReader::with_capacity(1 << 16, counted);
    Ok(stream(
        &mut data,
        meta.len() as usize,
        &path.display().to_string(),
        Some(path),
        opts,
        sink,
    ))
}

/// A reader that counts what passes through it.
struct Counted<'a, R> {
    inner: R,
    read: &'a AtomicU64,
}

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn stream(
    data: &mut dyn BufRead,
    len: usize,
    name: &str,
    path: Option<&Path>,
    opts: &Options,
    sink: &mut dyn FnMut(Section, Option<Shared>),
) -> Streamed {
    let mut r = Reader::new(opts, Some(sink));
    r.load_main(data, len, name, path);
    if r.revisit {
        return Streamed::Revisit;
    }
    let cfg = r.finish();
    Streamed::Done {
        files: cfg.files,
        diags: cfg.diags,
    }
}

/// Read text as the main file (tests).
#[cfg(test)]
pub fn read_str(text: &str, name: &str, opts: &Options) -> Config {
    read_bytes(text.as_bytes(), name, opts)
}

/// What one config_text_file_load call carries across the files its glob expands to:
/// Asterisk keeps the line counter, the block-comment state and the current section.
struct LoadState {
    lineno: usize,
    comment: i32,
    nest: Vec<usize>,
    cat: Option<usize>,
}

impl LoadState {
    fn new(cat: Option<usize>) -> LoadState {
        LoadState {
            lineno: 0,
            comment: 0,
            nest: Vec::new(),
            cat,
        }
    }
}

/// The category a header line works on: the new one, or an existing one after `(+)`.
enum Target {
    /// With the variables it shares (see [`Held`]).
    New(Section, Option<Shared>),
    Existing(usize),
}

/// A section being read. Its whole variables are `shared`'s, then its own; everything that
/// would change a shared one copies them into its own first.
struct Held {
    sec: Section,
    shared: Option<Shared>,
    /// Its whole variables marked inherited, as a section inheriting it takes them, and its
    /// name: made when first inherited, dropped at any change (a mutable borrow).
    as_base: Option<(Shared, Arc<str>)>,
}

impl Held {
    fn vars(&self) -> impl Iterator<Item = &Var> {
        self.shared
            .iter()
            .flat_map(|s| s.iter())
            .chain(&self.sec.vars)
    }

    fn len(&self) -> usize {
        self.shared.as_ref().map_or(0, |s| s.len()) + self.sec.vars.len()
    }

    /// Its variables made whole (see [`unshare`]).
    fn unshare(&mut self) {
        unshare(&mut self.sec, self.shared.take());
    }

    fn into_section(mut self) -> Section {
        self.unshare();
        self.sec
    }
}

/// The sections read so far, by index. While streaming, closed sections below `base` have
/// left (templates excepted, which inheritance may still name).
#[derive(Default)]
struct Sections {
    held: VecDeque<Held>,
    base: usize,
    kept: rustc_hash::FxHashMap<usize, Held>,
}

impl Sections {
    fn len(&self) -> usize {
        self.base + self.held.len()
    }

    fn push(&mut self, sec: Section, shared: Option<Shared>) {
        self.held.push_back(Held {
            sec,
            shared,
            as_base: None,
        });
    }

    fn held(&self, i: usize) -> &Held {
        match i.checked_sub(self.base) {
            Some(k) => &self.held[k],
            None => &self.kept[&i],
        }
    }

    fn held_mut(&mut self, i: usize) -> &mut Held {
        match i.checked_sub(self.base) {
            Some(k) => &mut self.held[k],
            None => self.kept.get_mut(&i).expect("a held section"),
        }
    }

    /// Section `i`'s whole variables marked inherited, as a section inheriting it takes them,
    /// and its name.
    fn as_base(&mut self, i: usize) -> (Shared, Arc<str>) {
        let h = self.held_mut(i);
        if h.as_base.is_none() {
            let mut vars = Vec::with_capacity(h.len());
            vars.extend(h.vars().map(|v| Var {
                inherited: true,
                ..v.clone()
            }));
            h.as_base = Some((Arc::new(vars), Arc::from(h.sec.name.as_str())));
        }
        h.as_base.clone().expect("made above")
    }

    /// Whether section `i` was handed over (its contents are no longer here).
    fn gone(&self, i: usize) -> bool {
        i < self.base && !self.kept.contains_key(&i)
    }

    /// Hand over the closed sections below `upto` in order, stopping at a pinned one.
    fn release(
        &mut self,
        upto: usize,
        pins: &[usize],
        sink: &mut dyn FnMut(Section, Option<Shared>),
    ) {
        while self.base < upto && !pins.contains(&self.base) {
            let Some(h) = self.held.pop_front() else {
                break;
            };
            if h.sec.template {
                self.kept.insert(self.base, h);
            } else {
                sink(h.sec, h.shared);
            }
            self.base += 1;
        }
    }
}

impl std::ops::Index<usize> for Sections {
    type Output = Section;
    fn index(&self, i: usize) -> &Section {
        &self.held(i).sec
    }
}

impl std::ops::IndexMut<usize> for Sections {
    /// (The section may change: what inheriting it takes is made again.)
    fn index_mut(&mut self, i: usize) -> &mut Section {
        let h = self.held_mut(i);
        h.as_base = None;
        &mut h.sec
    }
}

struct Reader<'o, 's> {
    opts: &'o Options,
    sections: Sections,
    /// Streaming: where closed sections go.
    sink: Option<&'s mut dyn FnMut(Section, Option<Shared>)>,
    /// Sections an including file still writes to after its #include (config->current of
    /// each outer file): never handed over early.
    pins: Vec<usize>,
    /// Streaming: the file refers back to a section already handed over.
    revisit: bool,
    /// (A fast hash rather than a keyed one: the names are the operator's own file.)
    by_name: rustc_hash::FxHashMap<String, Vec<usize>>,
    /// config->current: the section an included file's first lines belong to.
    current: Option<usize>,
    files: Vec<String>,
    diags: Vec<Diag>,
    /// Canonical paths of the files being read, outermost first.
    stack: Vec<PathBuf>,
    exec_count: usize,
    /// Variables held, against MAX_VARS.
    vars: usize,
    /// Bytes of input read, which raise the MAX_VARS limit.
    bytes: usize,
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// ast_strip: Asterisk's "blanks" are every byte below 33.
pub fn ast_strip(s: &str) -> &str {
    s.trim_matches(|c: char| (c as u32) < 33)
}

impl<'o, 's> Reader<'o, 's> {
    fn new(opts: &'o Options, sink: Option<&'s mut dyn FnMut(Section, Option<Shared>)>) -> Self {
        Reader {
            opts,
            sections: Sections::default(),
            sink,
            pins: Vec::new(),
            revisit: false,
            by_name: Default::default(),
            current: None,
            files: Vec::new(),
            diags: Vec::new(),
            stack: Vec::new(),
            exec_count: 0,
            vars: 0,
            bytes: 0,
        }
    }

    fn load_main(&mut self, data: &mut dyn BufRead, len: usize, name: &str, path: Option<&Path>) {
        if let Some(p) = path {
            self.stack.push(canonical(p));
        }
        // A user's sections take about 200 bytes: growing the name map by rehashing costs
        // more than guessing its size.
        self.by_name.reserve((len / 200).min(1 << 20));
        self.load_file(data, len, Arc::from(name), &mut LoadState::new(None), 1);
    }

    fn finish(mut self) -> Config {
        if let Some(sink) = self.sink.as_mut() {
            let len = self.sections.len();
            self.sections.release(len, &[], &mut **sink);
        }
        let mut sections = std::mem::take(&mut self.sections);
        let mut all: Vec<(usize, Held)> = sections.kept.drain().collect();
        all.sort_by_key(|(i, _)| *i);
        Config {
            sections: all
                .into_iter()
                .map(|(_, s)| s)
                .chain(sections.held)
                .map(Held::into_section)
                .collect(),
            files: self.files,
            diags: self.diags,
        }
    }

    /// A new section opened at `newest`: hand over what can no longer change.
    fn release(&mut self, newest: usize) {
        if let Some(sink) = self.sink.as_mut() {
            self.sections.release(newest, &self.pins, &mut **sink);
        }
    }

    fn diag(&mut self, level: Level, origin: Option<Origin>, message: impl Into<String>) {
        self.diags.push(Diag {
            level,
            origin,
            message: message.into(),
        });
    }

    /// process_text_line. `Err` when Asterisk returns -1 (stops reading this file).
    fn process_line(
        &mut self,
        text: &str,
        origin: &Origin,
        st: &mut LoadState,
        depth: usize,
    ) -> Result<(), ()> {
        if text.starts_with('[') {
            self.header(text, origin, st)
        } else if let Some(directive) = text.strip_prefix('#') {
            self.directive(directive, origin, st, depth)
        } else {
            self.variable(text, origin, st)
        }
    }
}

/// The end of ast_strip: blanks (bytes below 33) removed from the right.
fn ast_strip_end(s: &str) -> &str {
    s.trim_end_matches(|c: char| (c as u32) < 33)
}

fn ast_strip_bytes(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&c| c >= 33).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| c >= 33)
        .map(|i| i + 1)
        .unwrap_or(start);
    &b[start..end.max(start)]
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

#[cfg(test)]
mod tests;
