//! pjsip.conf read exactly as Asterisk 23.4.1 reads it (main/config.c:
//! config_text_file_load, process_text_line), keeping the file and line of every
//! section and variable so that a problem can be pointed at.
//!
//! What Asterisk does and pjsipctl reproduces (FACTS.md e, CONVERSION.md):
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

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// A `[name]` section after inheritance and `(+)` additions.
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub origin: Origin,
    /// `(!)`: a template, never an object.
    pub template: bool,
    /// The sections named in `(...)`, in order.
    pub inherits: Vec<String>,
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
/// later line can change it. Only templates and the sections still open stay in memory
/// (and the file is read as it goes), so a file of 100,000 users reads in little.
/// Only a failure to open the main file itself is an `Err`.
pub fn stream_file(
    path: &Path,
    opts: &Options,
    sink: &mut dyn FnMut(Section),
) -> std::io::Result<Streamed> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut data = std::io::BufReader::with_capacity(1 << 16, file);
    Ok(stream(
        &mut data,
        meta.len() as usize,
        &path.display().to_string(),
        Some(path),
        opts,
        sink,
    ))
}

fn stream(
    data: &mut dyn BufRead,
    len: usize,
    name: &str,
    path: Option<&Path>,
    opts: &Options,
    sink: &mut dyn FnMut(Section),
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
    New(Section),
    Existing(usize),
}

/// The sections read so far, by index. While streaming, closed sections below `base` have
/// left (templates excepted, which inheritance may still name).
#[derive(Default)]
struct Sections {
    held: VecDeque<Section>,
    base: usize,
    kept: HashMap<usize, Section>,
}

impl Sections {
    fn len(&self) -> usize {
        self.base + self.held.len()
    }

    fn push(&mut self, s: Section) {
        self.held.push_back(s);
    }

    /// Whether section `i` was handed over (its contents are no longer here).
    fn gone(&self, i: usize) -> bool {
        i < self.base && !self.kept.contains_key(&i)
    }

    /// Hand over the closed sections below `upto` in order, stopping at a pinned one.
    fn release(&mut self, upto: usize, pins: &[usize], sink: &mut dyn FnMut(Section)) {
        while self.base < upto && !pins.contains(&self.base) {
            let Some(s) = self.held.pop_front() else {
                break;
            };
            if s.template {
                self.kept.insert(self.base, s);
            } else {
                sink(s);
            }
            self.base += 1;
        }
    }
}

impl std::ops::Index<usize> for Sections {
    type Output = Section;
    fn index(&self, i: usize) -> &Section {
        match i.checked_sub(self.base) {
            Some(k) => &self.held[k],
            None => &self.kept[&i],
        }
    }
}

impl std::ops::IndexMut<usize> for Sections {
    fn index_mut(&mut self, i: usize) -> &mut Section {
        match i.checked_sub(self.base) {
            Some(k) => &mut self.held[k],
            None => self.kept.get_mut(&i).expect("a held section"),
        }
    }
}

struct Reader<'o, 's> {
    opts: &'o Options,
    sections: Sections,
    /// Streaming: where closed sections go.
    sink: Option<&'s mut dyn FnMut(Section)>,
    /// Sections an including file still writes to after its #include (config->current of
    /// each outer file): never handed over early.
    pins: Vec<usize>,
    /// Streaming: the file refers back to a section already handed over.
    revisit: bool,
    by_name: HashMap<String, Vec<usize>>,
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
    fn new(opts: &'o Options, sink: Option<&'s mut dyn FnMut(Section)>) -> Self {
        Reader {
            opts,
            sections: Sections::default(),
            sink,
            pins: Vec::new(),
            revisit: false,
            by_name: HashMap::new(),
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
        let mut all: Vec<(usize, Section)> = sections.kept.drain().collect();
        all.sort_by_key(|(i, _)| *i);
        Config {
            sections: all
                .into_iter()
                .map(|(_, s)| s)
                .chain(sections.held)
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

    /// Read one file's bytes. Stops at the first line Asterisk cannot parse, as it does.
    /// `len` is the input's size in bytes (it raises the MAX_VARS limit).
    fn load_file(
        &mut self,
        data: &mut dyn BufRead,
        len: usize,
        name: Arc<str>,
        st: &mut LoadState,
        depth: usize,
    ) {
        self.files.push(name.to_string());
        self.bytes += len;
        let mut line = 0;
        loop {
            let mut raw = Vec::new();
            match data.read_until(b'\n', &mut raw) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    let at = Origin {
                        file: name.clone(),
                        line: line + 1,
                    };
                    self.diag(Level::Error, Some(at), format!("cannot read {name}: {e}"));
                    return;
                }
            }
            if raw.last() == Some(&b'\n') {
                raw.pop();
            }
            st.lineno += 1;
            line += 1;
            let origin = Origin {
                file: name.clone(),
                line,
            };
            if raw.len() >= MAX_LINE {
                // An error, not a warning: the setting (or section header) on it would be lost.
                self.diag(
                    Level::Error,
                    Some(origin),
                    format!(
                        "line too long ({} bytes): Asterisk skips lines of {MAX_LINE} bytes or more, so nothing on it would be read (shorten it)",
                        raw.len()
                    ),
                );
                continue;
            }
            let mut buf = raw;
            if let Some(z) = buf.iter().position(|&b| b == 0) {
                buf.truncate(z); // strlen stops there
            }
            if st.lineno == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            let Ok(processed) = self.strip_comments(buf, st, &origin) else {
                return;
            };
            let Some(text) = processed else { continue };
            let text = match std::str::from_utf8(ast_strip_bytes(&text)) {
                Ok(t) => t.to_string(),
                Err(_) => {
                    self.diag(
                        Level::Error,
                        Some(origin),
                        "not UTF-8 text: astdb stores JSON, which needs UTF-8 (convert the file, e.g. with iconv)",
                    );
                    return;
                }
            };
            if text.is_empty() {
                continue;
            }
            if self.process_line(&text, &origin, st, depth).is_err() {
                if self.revisit {
                    return;
                }
                // The error just reported ends this file for Asterisk.
                if let Some(d) = self
                    .diags
                    .last_mut()
                    .filter(|d| d.message.contains("pjsipctl refuses"))
                {
                    d.message
                        .push_str(&format!("; pjsipctl stops reading {name} here"));
                } else if let Some(d) = self
                    .diags
                    .iter_mut()
                    .rev()
                    .find(|d| d.level == Level::Error)
                {
                    d.message
                        .push_str(&format!("; Asterisk stops reading {name} here"));
                }
                return;
            }
        }
        if st.comment > 0 {
            let at = st.nest.get(st.comment as usize - 1).copied().unwrap_or(0);
            // An error, not a warning: what the comment hides would otherwise be lost without a
            // word (and `apply --prune` would delete the stored objects it hides).
            self.diag(
                Level::Error,
                Some(Origin { file: name.clone(), line: at }),
                "unterminated block comment: ';--' is never closed by '--;', so Asterisk ignores everything after it in this file (close it with '--;')",
            );
        }
    }

    /// The comment loop of config_text_file_load, on one line. Returns the text to
    /// process, or None when the whole line is inside a block comment.
    #[allow(clippy::result_unit_err)]
    fn strip_comments(
        &mut self,
        mut buf: Vec<u8>,
        st: &mut LoadState,
        origin: &Origin,
    ) -> Result<Option<Vec<u8>>, ()> {
        buf.push(0);
        let strlen = |b: &[u8], from: usize| {
            b[from..]
                .iter()
                .position(|&c| c == 0)
                .unwrap_or(b.len() - from)
        };
        let at = |b: &[u8], i: usize| b.get(i).copied().unwrap_or(0);
        let mut new_buf = 0usize;
        let mut process_buf = if st.comment != 0 { None } else { Some(0usize) };
        loop {
            let len = strlen(&buf, new_buf);
            let Some(p) = buf[new_buf..new_buf + len]
                .iter()
                .position(|&c| c == b';')
                .map(|i| i + new_buf)
            else {
                break;
            };
            if p > new_buf && buf[p - 1] == b'\\' {
                // Escaped semicolon: drop the backslash, keep the ';'.
                let n = strlen(&buf, p) + 1;
                buf.copy_within(p..p + n, p - 1);
                new_buf = p;
            } else if at(&buf, p + 1) == b'-' && at(&buf, p + 2) == b'-' && at(&buf, p + 3) != b'-'
            {
                if st.comment >= MAX_NESTED_COMMENTS {
                    self.diag(
                        Level::Error,
                        Some(origin.clone()),
                        format!(
                            "block comments nested deeper than {MAX_NESTED_COMMENTS}: Asterisk logs \
                             'Maximum nest limit of {MAX_NESTED_COMMENTS} reached.' and loops on this line forever"
                        ),
                    );
                    return Err(());
                }
                buf[p] = 0;
                new_buf = p + 3;
                st.comment += 1;
                if st.comment > 0 {
                    let i = st.comment as usize - 1;
                    st.nest.resize(st.nest.len().max(i + 1), 0);
                    st.nest[i] = origin.line;
                }
            } else if p >= new_buf + 2 && buf[p - 1] == b'-' && buf[p - 2] == b'-' {
                st.comment -= 1;
                new_buf = p + 1;
                if st.comment == 0 {
                    match process_buf {
                        Some(pb) => {
                            let oldptr = pb + strlen(&buf, pb);
                            let n = strlen(&buf, new_buf) + 1;
                            buf.copy_within(new_buf..new_buf + n, oldptr);
                            new_buf = oldptr;
                        }
                        None => process_buf = Some(new_buf),
                    }
                } else if st.comment < 0 {
                    self.diag(
                        Level::Error,
                        Some(origin.clone()),
                        "'--;' closes a block comment that was never opened with ';--': Asterisk then treats \
                         every following line of this file as a comment (and keeps this line's '--;' in it)",
                    );
                }
            } else if st.comment == 0 {
                buf[p] = 0;
                new_buf = p;
            } else {
                new_buf = p + 1;
            }
        }
        let Some(pb) = process_buf else {
            return Ok(None);
        };
        let n = strlen(&buf, pb);
        buf.truncate(pb + n);
        buf.drain(..pb);
        Ok(Some(buf))
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

    fn header(&mut self, text: &str, origin: &Origin, st: &mut LoadState) -> Result<(), ()> {
        let Some(close) = text.find(']') else {
            self.diag(
                Level::Error,
                Some(origin.clone()),
                "parse error: no closing ']' (Asterisk refuses the file)",
            );
            return Err(());
        };
        let name = &text[1..close];
        let rest = &text[close + 1..];
        let mut target = Target::New(Section {
            name: name.to_string(),
            origin: origin.clone(),
            template: false,
            inherits: Vec::new(),
            vars: Vec::new(),
            appended_at: Vec::new(),
        });
        if let Some(opts) = rest.strip_prefix('(') {
            let Some(close) = opts.find(')') else {
                self.diag(
                    Level::Error,
                    Some(origin.clone()),
                    "parse error: no closing ')' (Asterisk refuses the file)",
                );
                return Err(());
            };
            if !ast_strip(&opts[close + 1..]).is_empty() {
                self.diag(
                    Level::Warning,
                    Some(origin.clone()),
                    format!("'{}' after ')' is ignored by Asterisk", &opts[close + 1..]),
                );
            }
            for tok in opts[..close].split(',') {
                if tok.eq_ignore_ascii_case("!") {
                    match &mut target {
                        Target::New(s) => s.template = true,
                        Target::Existing(i) => self.sections[*i].template = true,
                    }
                } else if let Some(filter) = tok.strip_prefix('+') {
                    let Some(found) = self.find(name, Some(filter), '&', origin)? else {
                        if self.revisit {
                            return Err(());
                        }
                        let what = if filter.is_empty() {
                            String::new()
                        } else {
                            format!(" matching '{filter}'")
                        };
                        self.diag(
                            Level::Error,
                            Some(origin.clone()),
                            format!(
                                "Category addition requested, but category '{name}'{what} does not exist: \
                                 [{name}](+) adds to an earlier, non-template [{name}] section (Asterisk refuses the file)"
                            ),
                        );
                        return Err(());
                    };
                    if let Target::New(new) =
                        std::mem::replace(&mut target, Target::Existing(found))
                    {
                        self.current = Some(found);
                        let t = &mut self.sections[found];
                        t.template |= new.template;
                        t.vars.extend(new.vars);
                        t.appended_at.push(origin.clone());
                    }
                } else {
                    let Some(base) = self.find(tok, Some("TEMPLATES=include"), ',', origin)? else {
                        if self.revisit {
                            return Err(());
                        }
                        let hint = if tok != ast_strip(tok) {
                            " (the space is part of the name: write (a,b) without spaces)"
                        } else {
                            ""
                        };
                        self.diag(
                            Level::Error,
                            Some(origin.clone()),
                            format!(
                                "Inheritance requested, but category '{tok}' does not exist{hint}; a template must be \
                                 defined before it is used (Asterisk refuses the file)"
                            ),
                        );
                        return Err(());
                    };
                    if tok.is_empty() {
                        self.diag(
                            Level::Warning,
                            Some(origin.clone()),
                            format!(
                                "an empty name in (...) makes Asterisk inherit from the first section of the file, [{}]",
                                self.sections[base].name
                            ),
                        );
                    }
                    let have = match &target {
                        Target::New(s) => s.vars.len(),
                        Target::Existing(i) => self.sections[*i].vars.len(),
                    };
                    self.room(have, self.sections[base].vars.len(), origin)?;
                    let base_name = self.sections[base].name.clone();
                    let cloned: Vec<Var> = self.sections[base]
                        .vars
                        .iter()
                        .map(|v| Var {
                            inherited: true,
                            ..v.clone()
                        })
                        .collect();
                    match &mut target {
                        Target::New(s) => {
                            s.vars.extend(cloned);
                            s.inherits.push(base_name);
                        }
                        Target::Existing(i) => {
                            let s = &mut self.sections[*i];
                            s.vars.extend(cloned);
                            s.inherits.push(base_name);
                        }
                    }
                }
            }
        } else if !ast_strip(rest).is_empty() {
            let hint = if ast_strip(rest).starts_with('(') {
                " — with a space before '(' the options are not read, so this is not a template or an addition"
            } else {
                ""
            };
            self.diag(
                Level::Warning,
                Some(origin.clone()),
                format!(
                    "'{}' after ']' is ignored by Asterisk{hint}",
                    ast_strip(rest)
                ),
            );
        }
        match target {
            Target::New(s) => {
                if s.name != ast_strip(&s.name) {
                    self.diag(
                        Level::Warning,
                        Some(origin.clone()),
                        format!("the section name '{}' has spaces around it, which Asterisk keeps in the name", s.name),
                    );
                }
                let i = self.sections.len();
                self.by_name
                    .entry(s.name.to_ascii_lowercase())
                    .or_default()
                    .push(i);
                self.sections.push(s);
                self.current = Some(i);
                st.cat = Some(i);
                self.release(i);
            }
            Target::Existing(i) => st.cat = Some(i),
        }
        Ok(())
    }

    /// Refuse to grow a section past MAX_SECTION_VARS or the file past MAX_VARS.
    fn room(&mut self, have: usize, adding: usize, origin: &Origin) -> Result<(), ()> {
        let file_limit = MAX_VARS + self.bytes * VARS_PER_BYTE;
        if have + adding > MAX_SECTION_VARS || self.vars + adding > file_limit {
            self.diag(
                Level::Error,
                Some(origin.clone()),
                format!(
                    "this section would hold more than {MAX_SECTION_VARS} settings through inheritance (or the \
                     file more than {file_limit}): pjsipctl refuses the file rather than exhaust memory, as \
                     Asterisk would"
                ),
            );
            return Err(());
        }
        self.vars += adding;
        Ok(())
    }

    /// category_get_sep: the first section (in file order) with this name (case-insensitive;
    /// an empty name matches any) that passes the filter. `Err` once a refused filter is reported.
    fn find(
        &mut self,
        name: &str,
        filter: Option<&str>,
        sep: char,
        origin: &Origin,
    ) -> Result<Option<usize>, ()> {
        let candidates: Vec<usize> = if name.is_empty() {
            (0..self.sections.len()).collect()
        } else {
            self.by_name
                .get(&name.to_ascii_lowercase())
                .cloned()
                .unwrap_or_default()
        };
        for i in candidates {
            if self.sections.gone(i) {
                self.revisit = true;
                return Ok(None);
            }
            match self.matches(i, filter, sep) {
                Ok(true) => return Ok(Some(i)),
                Ok(false) => {}
                Err((RegexError::Compile(m), expr)) => {
                    // Asterisk logs it and finds nothing.
                    self.diag(
                        Level::Warning,
                        Some(origin.clone()),
                        format!("Regular expression '{expr}' failed to compile: {m}"),
                    );
                    return Ok(None);
                }
                Err((RegexError::Refused(m), expr)) => {
                    self.diag(
                        Level::Error,
                        Some(origin.clone()),
                        format!("pjsipctl refuses the filter expression '{expr}': {m}"),
                    );
                    return Err(());
                }
            }
        }
        Ok(None)
    }

    /// does_category_match: every `name=value` of the filter must match one variable
    /// (both as unanchored POSIX regexes); templates only with TEMPLATES=include|restrict.
    fn matches(
        &self,
        i: usize,
        filter: Option<&str>,
        sep: char,
    ) -> Result<bool, (RegexError, String)> {
        let sec = &self.sections[i];
        let Some(filter) = filter.filter(|f| !f.is_empty()) else {
            return Ok(!sec.template);
        };
        let (mut found, mut exprs, mut template_ok) = (0, 0, false);
        for nvp in filter.split(sep) {
            exprs += 1;
            let mut parts = nvp.split('=');
            let mname = unquote(ast_strip(parts.next().unwrap_or("")));
            let Some(mvalue) = parts.next().map(|v| unquote(ast_strip(v))) else {
                break;
            };
            if mname == "TEMPLATES" {
                if mvalue.eq_ignore_ascii_case("include") {
                    template_ok |= sec.template;
                    found += 1;
                } else if mvalue.eq_ignore_ascii_case("restrict") {
                    if !sec.template {
                        break;
                    }
                    found += 1;
                    template_ok = true;
                }
                continue;
            }
            let rn = Regex::new(mname).map_err(|e| (e, mname.to_string()))?;
            let rv = Regex::new(mvalue).map_err(|e| (e, mvalue.to_string()))?;
            if sec
                .vars
                .iter()
                .any(|v| rn.is_match(&v.name) && rv.is_match(&v.value))
            {
                found += 1;
            }
        }
        Ok(found == exprs && (!sec.template || template_ok))
    }

    fn directive(
        &mut self,
        body: &str,
        origin: &Origin,
        st: &mut LoadState,
        depth: usize,
    ) -> Result<(), ()> {
        // The directive word runs up to the first blank (or any non-ASCII byte: `*c > 32` on a signed char).
        let (word, arg) = match body
            .char_indices()
            .find(|(_, c)| (*c as u32) <= 32 || !c.is_ascii())
        {
            Some((i, c)) => {
                let a = ast_strip(&body[i + c.len_utf8()..]);
                (&body[..i], (!a.is_empty()).then_some(a))
            }
            None => (body, None),
        };
        let (include, try_include) = match word.to_ascii_lowercase().as_str() {
            "include" => (true, false),
            "tryinclude" => (true, true),
            "exec" => {
                if !self.opts.allow_exec {
                    self.diag(
                        Level::Error,
                        Some(origin.clone()),
                        format!(
                            "#exec {}: not run — pjsipctl runs programs only with --allow-exec (Asterisk only with \
                             execincludes=yes in asterisk.conf, and otherwise skips the line with a warning)",
                            arg.unwrap_or("")
                        ),
                    );
                    return Ok(());
                }
                (false, false)
            }
            _ => {
                self.diag(
                    Level::Warning,
                    Some(origin.clone()),
                    format!("Unknown directive '#{word}': Asterisk ignores the line"),
                );
                return Ok(());
            }
        };
        let Some(arg) = arg else {
            self.diag(
                Level::Warning,
                Some(origin.clone()),
                format!(
                    "Directive '#{word}' needs an argument ({}): Asterisk ignores the line",
                    if include {
                        "filename"
                    } else {
                        "/path/to/executable"
                    }
                ),
            );
            return Ok(());
        };
        let mut name = arg;
        let first = arg.as_bytes()[0];
        if first == b'"' || first == b'<' {
            let q = if first == b'<' { b'>' } else { b'"' };
            if arg.len() >= 2 && arg.as_bytes()[arg.len() - 1] == q {
                name = &arg[1..arg.len() - 1];
            } else if arg.len() == 1 {
                name = "";
            }
        }
        if !include {
            return self.exec(name, origin, st, depth);
        }
        if depth > MAX_INCLUDE_LEVEL {
            let msg = format!(
                "#{word} {arg}: Maximum Include level ({MAX_INCLUDE_LEVEL}) exceeded — Asterisk reads at most \
                 {MAX_INCLUDE_LEVEL} levels of #include below the main file"
            );
            self.diag(
                if try_include {
                    Level::Warning
                } else {
                    Level::Error
                },
                Some(origin.clone()),
                msg,
            );
            return if try_include { Ok(()) } else { Err(()) };
        }
        let path = if name.starts_with('/') {
            name.to_string()
        } else {
            self.opts.confdir.join(name).display().to_string()
        };
        let mut inner = LoadState::new(self.current);
        let mut count = 0;
        let files = match glob::expand(&path) {
            Ok(f) => f,
            Err(why) => {
                self.diag(
                    Level::Error,
                    Some(origin.clone()),
                    format!("#{word} {arg}: {why}; pjsipctl refuses the pattern"),
                );
                return Err(());
            }
        };
        for file in files {
            let meta = match std::fs::metadata(&file) {
                Ok(m) => m,
                Err(_) => continue,
            };
            if !meta.is_file() {
                self.diag(
                    Level::Warning,
                    Some(origin.clone()),
                    format!(
                        "'{}' is not a regular file: Asterisk ignores it",
                        file.display()
                    ),
                );
                continue;
            }
            let canon = canonical(&file);
            if let Some(k) = self.stack.iter().position(|p| *p == canon) {
                let chain: Vec<String> = self.stack[k..]
                    .iter()
                    .chain(std::iter::once(&canon))
                    .map(|p| {
                        p.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    })
                    .collect();
                self.diag(
                    Level::Error,
                    Some(origin.clone()),
                    format!(
                        "include cycle: {} (Asterisk would read these files again and again until its include \
                         limit, then refuse the #include)",
                        chain.join(" -> ")
                    ),
                );
                return Err(());
            }
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => {
                    self.diag(
                        Level::Warning,
                        Some(origin.clone()),
                        format!("cannot read {}: {e}", file.display()),
                    );
                    continue;
                }
            };
            count += 1;
            self.stack.push(canon);
            self.pins.extend(st.cat);
            self.load_file(
                &mut &bytes[..],
                bytes.len(),
                Arc::from(file.display().to_string()),
                &mut inner,
                depth + 1,
            );
            if st.cat.is_some() {
                self.pins.pop();
            }
            self.stack.pop();
            if self.revisit {
                return Err(());
            }
        }
        if count == 0 {
            if try_include {
                self.diag(
                    Level::Note,
                    Some(origin.clone()),
                    format!("#tryinclude {arg}: no such file ({path}); Asterisk skips it silently"),
                );
            } else {
                self.diag(
                    Level::Error,
                    Some(origin.clone()),
                    format!(
                        "The file '{name}' was listed as a #include but it does not exist (looked for {path}; relative \
                         names resolve in the config directory: set it with --confdir)"
                    ),
                );
                return Err(());
            }
        }
        Ok(())
    }

    /// #exec: run through the shell with stdout and stderr into a file, then read that file.
    fn exec(
        &mut self,
        cmd: &str,
        origin: &Origin,
        st: &mut LoadState,
        depth: usize,
    ) -> Result<(), ()> {
        self.exec_count += 1;
        let tmp = std::env::temp_dir().join(format!(
            "pjsipctl-exec.{}.{}",
            std::process::id(),
            self.exec_count
        ));
        let status = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(format!("{cmd} > '{}' 2>&1", tmp.display()))
            .status();
        let bytes = std::fs::read(&tmp);
        let _ = std::fs::remove_file(&tmp);
        match (status, bytes) {
            (Ok(_), Ok(b)) => {
                let mut inner = LoadState::new(self.current);
                self.pins.extend(st.cat);
                self.load_file(
                    &mut &b[..],
                    b.len(),
                    Arc::from(format!("#exec {cmd}")),
                    &mut inner,
                    depth + 1,
                );
                if st.cat.is_some() {
                    self.pins.pop();
                }
                if self.revisit {
                    return Err(());
                }
                Ok(())
            }
            (Err(e), _) | (_, Err(e)) => {
                self.diag(
                    Level::Error,
                    Some(origin.clone()),
                    format!("#exec {cmd}: cannot run it: {e}"),
                );
                Err(())
            }
        }
    }

    fn variable(&mut self, text: &str, origin: &Origin, st: &mut LoadState) -> Result<(), ()> {
        let Some(cat) = st.cat else {
            self.diag(
                Level::Error,
                Some(origin.clone()),
                "parse error: No category context for line — a setting before the first [section] (Asterisk refuses the file)",
            );
            return Err(());
        };
        let mut cur = text;
        let mut skip = 0;
        if let Some(rest) = cur.strip_prefix('\\') {
            match rest.chars().next() {
                Some(c) if (c as u32) >= 33 => skip = c.len_utf8(),
                _ => {
                    self.diag(
                        Level::Error,
                        Some(origin.clone()),
                        "Invalid escape: '\\' must be followed by a character",
                    );
                    return Err(());
                }
            }
            cur = rest;
        }
        let eq = cur[skip..].find('=').map(|i| i + skip);
        let (name, value) = match eq {
            Some(e) if e > skip && cur.as_bytes()[e - 1] == b'+' => {
                let name = ast_strip(&cur[..e - 1]);
                let addition = &cur[e + 1..];
                let vars = &mut self.sections[cat].vars;
                if let Some(ri) = vars.iter().rposition(|v| v.name == name) {
                    // ast_variable_update: the last variable with that name (case-insensitively)
                    // and (case-insensitively) that value; [ri] is one, so only later ones can be.
                    let (rname, old) = (&vars[ri].name, &vars[ri].value);
                    let mi = (ri + 1..vars.len())
                        .rev()
                        .find(|&i| {
                            vars[i].name.eq_ignore_ascii_case(rname)
                                && (old.is_empty() || vars[i].value.eq_ignore_ascii_case(old))
                        })
                        .unwrap_or(ri);
                    if mi == ri && !old.is_empty() {
                        // Appended in place: many `+=` lines cost linear, not quadratic, time.
                        // `old` is already stripped, so only the end can need it again.
                        let v = &mut vars[ri].value;
                        v.push_str(addition);
                        let keep = ast_strip_end(v).len();
                        v.truncate(keep);
                    } else {
                        let new = ast_strip(&format!("{old}{addition}")).to_string();
                        let rname = rname.clone();
                        vars[mi].name = rname;
                        vars[mi].value = new;
                    }
                    vars[mi].appended.push(origin.clone());
                    return Ok(());
                }
                (name, ast_strip(addition))
            }
            Some(e) => {
                let v = &cur[e + 1..];
                (
                    ast_strip(&cur[..e]),
                    ast_strip(v.strip_prefix('>').unwrap_or(v)),
                )
            }
            None => {
                let msg = match text.strip_prefix('\u{feff}') {
                    Some(rest) => format!(
                        "a UTF-8 byte order mark Asterisk does not drop here (only on line 1 of the first file an \
                         #include reads; its line counter runs on across globbed files), so it reads '{rest}' as a \
                         setting without '=' and ignores the line{}",
                        if rest.starts_with('[') { ": this section header is lost and the lines below join the section before it" } else { "" }
                    ),
                    None => format!("No '=' (equal sign) in '{text}': Asterisk ignores the line"),
                };
                self.diag(Level::Warning, Some(origin.clone()), msg);
                return Ok(());
            }
        };
        if name.is_empty() {
            self.diag(
                Level::Warning,
                Some(origin.clone()),
                "No variable name before '=': Asterisk ignores the line",
            );
            return Ok(());
        }
        self.room(self.sections[cat].vars.len(), 1, origin)?;
        self.sections[cat].vars.push(Var {
            name: name.to_string(),
            value: value.to_string(),
            origin: origin.clone(),
            inherited: false,
            appended: Vec::new(),
        });
        Ok(())
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
mod tests {
    use super::*;

    fn opts() -> Options {
        Options {
            confdir: PathBuf::from("/nonexistent"),
            allow_exec: false,
        }
    }

    fn read(text: &str) -> Config {
        read_str(text, "t.conf", &opts())
    }

    fn vars(c: &Config, i: usize) -> Vec<(String, String)> {
        c.sections[i]
            .vars
            .iter()
            .map(|v| (v.name.clone(), v.value.clone()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn errors(c: &Config) -> Vec<String> {
        c.diags
            .iter()
            .filter(|d| d.level == Level::Error)
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn filters_regcomp_refuses_are_asterisks_refusals_the_others_pjsipctls() {
        // regcomp refuses it: Asterisk logs it, finds nothing, and refuses the file there.
        let c = read("[a]\ntype=aor\n[a](+type=a{1)\nx=1\n");
        let w: Vec<String> = c.diags.iter().map(|d| d.to_string()).collect();
        assert!(
            w[0].starts_with("t.conf:3: Regular expression 'a{1' failed to compile: Unmatched \\{"),
            "{w:?}"
        );
        assert!(errors(&c)[0].contains("does not exist"), "{w:?}");
        // regcomp accepts a GNU escape, which pjsipctl refuses rather than read otherwise.
        let e = errors(&read("[a]\ntype=aor\n[a](+type=\\wor)\nx=1\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("t.conf:3: pjsipctl refuses the filter expression '\\wor': '\\w' is")
                && e[0].ends_with("pjsipctl stops reading t.conf here"),
            "{e:?}"
        );
        // And a plain filter matches.
        let c = read("[a]\ntype=aor\n[a](+type=^a.r$)\nx=1\n");
        assert!(c.diags.is_empty(), "{:?}", c.diags);
        assert_eq!(vars(&c, 0), pairs(&[("type", "aor"), ("x", "1")]));
    }

    #[test]
    fn sections_variables_and_origins() {
        let c = read("; head\n[a]\ntype = aor\n max_contacts=>2 \n\n[b]\nx=1=2\n");
        assert_eq!(c.sections.len(), 2);
        assert_eq!(
            vars(&c, 0),
            pairs(&[("type", "aor"), ("max_contacts", "2")])
        );
        assert_eq!(vars(&c, 1), pairs(&[("x", "1=2")]));
        assert_eq!(c.sections[0].origin.to_string(), "t.conf:2");
        assert_eq!(c.sections[0].vars[1].origin.line, 4);
        assert!(c.diags.is_empty(), "{:?}", c.diags);
    }

    #[test]
    fn comments_escapes_and_quotes() {
        let c =
            read("[a]\np=Sp\\;ce ; comment\nq=\"x;y\"\nr=a\\\\;b\ns=;---\n;--- not a block\nt=1\n");
        assert_eq!(
            vars(&c, 0),
            pairs(&[
                ("p", "Sp;ce"),
                ("q", "\"x"),
                ("r", "a\\;b"),
                ("s", ""),
                ("t", "1")
            ])
        );
    }

    #[test]
    fn block_comments_nest_and_span_lines() {
        let text = "[a]\nx=1 ;-- inline --; y=2\n;-- outer\n[hidden]\n;-- inner --;\nz=3\n--;\nw=4 ;-- open\nstill comment\n--; v=5\n";
        let c = read(text);
        assert_eq!(c.sections.len(), 1);
        // The line that closes a block comment is read from just after the '--;'.
        assert_eq!(
            vars(&c, 0),
            pairs(&[("x", "1  y=2"), ("w", "4"), ("v", "5")])
        );
        assert!(c.diags.is_empty(), "{:?}", c.diags);
    }

    #[test]
    fn inheritance_cannot_multiply_settings_without_bound() {
        let many = |base: &str, n: usize| vec![base; n].join(",");
        let text = format!(
            "[a](!)\nx=1\n[b](!,{})\n[c](!,{})\n[d](!,{})\n",
            many("a", 2000),
            many("b", 2000),
            many("c", 2000)
        );
        let t = std::time::Instant::now();
        let c = read(&text);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
        let e = errors(&c);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("t.conf:4: this section would hold more than 10000 settings")
                && e[0].ends_with("pjsipctl stops reading t.conf here"),
            "{e:?}"
        );
    }

    #[test]
    fn unterminated_block_comment_is_reported() {
        let c = read("[a]\nx=1\n;-- never closed\n[b]\ny=2\n");
        assert_eq!(c.sections.len(), 1);
        let w: Vec<String> = c.diags.iter().map(|d| d.to_string()).collect();
        assert!(
            w[0].starts_with("t.conf:3: unterminated block comment"),
            "{w:?}"
        );
        assert_eq!(c.diags[0].level, Level::Error);
    }

    #[test]
    fn stray_block_comment_end_hides_the_rest() {
        let c = read("[a]\nx=1 --;\ny=2\n");
        assert_eq!(vars(&c, 0), pairs(&[("x", "1 --;")]));
        assert_eq!(errors(&c).len(), 1);
    }

    #[test]
    fn templates_and_multiple_inheritance() {
        let c = read(
            "[t1](!)\ntype=endpoint\ncontext=a\nallow=ulaw\n[t2](!,t1)\ncontext=b\n[mix](!)\nallow=vp8\n[x](t2,mix)\ncontext=c\n",
        );
        let x = c.sections.iter().position(|s| s.name == "x").unwrap();
        assert!(c.sections[0].template && c.sections[1].template && !c.sections[x].template);
        assert_eq!(
            vars(&c, x),
            pairs(&[
                ("type", "endpoint"),
                ("context", "a"),
                ("allow", "ulaw"),
                ("context", "b"),
                ("allow", "vp8"),
                ("context", "c")
            ])
        );
        assert_eq!(c.sections[x].inherits, ["t2", "mix"]);
        assert!(c.sections[x].vars[0].inherited && !c.sections[x].vars[5].inherited);
        assert_eq!(c.sections[x].vars[0].origin.line, 2);
    }

    #[test]
    fn inheritance_names_are_case_insensitive_and_not_trimmed() {
        let c = read("[Base](!)\na=1\n[x](BASE)\n");
        assert_eq!(vars(&c, 1), pairs(&[("a", "1")]));
        let c = read("[b1](!)\na=1\n[b2](!)\nb=2\n[x](b1, b2)\n");
        assert_eq!(errors(&c).len(), 1);
        assert!(
            errors(&c)[0].contains("category ' b2' does not exist"),
            "{:?}",
            errors(&c)
        );
    }

    #[test]
    fn missing_template_is_an_error() {
        let c = read("[x](later)\na=1\n[later](!)\n");
        assert!(errors(&c)[0]
            .starts_with("t.conf:1: Inheritance requested, but category 'later' does not exist"));
        assert!(c.sections.is_empty());
    }

    #[test]
    fn append_goes_to_the_first_non_template_section() {
        let c = read("[x](!)\nt=0\n[x]\ntype=auth\n[x]\ntype=aor\n[X](+)\nmore=1\n");
        assert_eq!(c.sections.len(), 3);
        assert_eq!(vars(&c, 1), pairs(&[("type", "auth"), ("more", "1")]));
        assert_eq!(c.sections[1].appended_at[0].line, 7);
    }

    #[test]
    fn append_with_a_filter_picks_by_type() {
        let c = read("[x]\ntype=auth\n[x]\ntype=endpoint\n[x](+type=endpoint)\ncontext=a\n[x](+type=^aor$)\n");
        assert_eq!(
            vars(&c, 1),
            pairs(&[("type", "endpoint"), ("context", "a")])
        );
        assert!(
            errors(&c)[0].contains("category 'x' matching 'type=^aor$' does not exist"),
            "{:?}",
            errors(&c)
        );
    }

    /// Sections as (name, vars).
    type Named = Vec<(String, Vec<(String, String)>)>;

    /// The non-template sections a streamed read hands over.
    fn streamed(text: &str, confdir: &Path) -> Option<Named> {
        let mut got = Vec::new();
        let o = Options {
            confdir: confdir.to_path_buf(),
            allow_exec: false,
        };
        let end = stream(
            &mut text.as_bytes(),
            text.len(),
            "t.conf",
            None,
            &o,
            &mut |s: Section| {
                let v = s.vars.iter().map(|v| (v.name.clone(), v.value.clone()));
                got.push((s.name.clone(), v.collect()));
            },
        );
        matches!(end, Streamed::Done { .. }).then_some(got)
    }

    fn whole(text: &str, confdir: &Path) -> Named {
        let o = Options {
            confdir: confdir.to_path_buf(),
            allow_exec: false,
        };
        let c = read_str(text, "t.conf", &o);
        c.sections
            .iter()
            .filter(|s| !s.template)
            .map(|s| {
                let v = s.vars.iter().map(|v| (v.name.clone(), v.value.clone()));
                (s.name.clone(), v.collect())
            })
            .collect()
    }

    #[test]
    fn streaming_hands_over_what_a_whole_read_gives() {
        let dir = tempfile::tempdir().unwrap();
        // An included file's first lines join the section open before the #include, and the
        // including file goes on writing to it afterwards.
        std::fs::write(
            dir.path().join("inc.conf"),
            "inc=1\n[y](t)\nz=1\n[t2](!)\nq=1\n",
        )
        .unwrap();
        let text =
            "[t](!)\ntype=aor\n[a](t)\nmax_contacts=1\n[x]\ntype=auth\n#include inc.conf\nlate=1\n\
                    [w](t2)\n[w](+)\nmore=1\n[b](t)\nm+=2\n";
        let got = streamed(text, dir.path()).expect("no revisit");
        assert_eq!(got, whole(text, dir.path()));
        let x = got.iter().find(|(n, _)| n == "x").unwrap();
        assert_eq!(x.1.last().unwrap(), &("late".to_string(), "1".to_string()));
    }

    #[test]
    fn streaming_asks_for_a_whole_read_when_the_file_looks_back() {
        let d = Path::new("/nonexistent");
        // Adding to, or inheriting from, a section already handed over.
        assert!(streamed("[a]\ntype=aor\n[b]\ntype=aor\n[a](+)\nx=1\n", d).is_none());
        assert!(streamed("[a]\ntype=aor\n[b]\ntype=aor\n[c](a)\n", d).is_none());
        assert!(streamed("[a]\ntype=aor\n[b]\n[c]()\n", d).is_none());
        // Errors are still reported as a whole read reports them.
        let o = opts();
        let end = stream(
            &mut &b"[a](nope)\n"[..],
            10,
            "t.conf",
            None,
            &o,
            &mut |_| {},
        );
        let Streamed::Done { diags, .. } = end else {
            panic!("{end:?}")
        };
        assert!(
            diags[0].message.contains("Inheritance requested"),
            "{diags:?}"
        );
    }

    #[test]
    fn append_without_base_is_an_error() {
        let c = read("[lobby](+)\nallow=g722\n");
        assert!(errors(&c)[0]
            .starts_with("t.conf:1: Category addition requested, but category 'lobby'"));
    }

    #[test]
    fn plus_equals_appends_text_to_the_last_value() {
        let c = read("[t](!)\nmailboxes=1@a\n[x](t)\nmailboxes+=,2@a\nnew+=v\nmailboxes += x\n");
        assert_eq!(
            vars(&c, 1),
            pairs(&[("mailboxes", "1@a,2@a x"), ("new", "v")])
        );
        assert!(c.sections[1].vars[0].inherited);
        assert_eq!(c.sections[1].vars[0].appended.len(), 2);
        // The inherited template keeps its value.
        assert_eq!(vars(&c, 0), pairs(&[("mailboxes", "1@a")]));
    }

    #[test]
    fn plus_equals_updates_the_last_case_insensitive_match() {
        // ast_variable_update picks the later M=1, which takes the exact name.
        let c = read("[x]\nm=1\nM=1\nm+=2 \n");
        assert_eq!(vars(&c, 0), pairs(&[("m", "1"), ("m", "12")]));
        // Many additions to one value: each is appended in place.
        let mut text = String::from("[y]\nv=a\n");
        for _ in 0..20_000 {
            text.push_str("v += bc \n");
        }
        let c = read(&text);
        assert!(c.sections[0].vars[0].value.starts_with("a bc bc"));
        assert_eq!(c.sections[0].vars[0].value.len(), 1 + 3 * 20_000);
        assert_eq!(c.sections[0].vars[0].appended.len(), 20_000);
    }

    #[test]
    fn leading_backslash_escapes_the_first_character() {
        let c = read("[a]\n\\=x=1\n\\[y]=2\n");
        assert_eq!(vars(&c, 0), pairs(&[("=x", "1"), ("[y]", "2")]));
        let c = read("[a]\n\\ x=1\n");
        assert!(errors(&c)[0].contains("Invalid escape"));
    }

    #[test]
    fn bom_crlf_and_blanks() {
        let c = read("\u{feff}[a]\r\ntype=aor\r\n\tmax_contacts = 1 \r\n");
        assert_eq!(
            vars(&c, 0),
            pairs(&[("type", "aor"), ("max_contacts", "1")])
        );
        assert_eq!(c.sections[0].name, "a");
    }

    #[test]
    fn long_lines_are_skipped() {
        let ok = "x".repeat(MAX_LINE - 3);
        let long = "y".repeat(MAX_LINE - 2);
        let c = read(&format!("[a]\na={ok}\nb={long}\nc=1\n"));
        assert_eq!(c.sections[0].vars.len(), 2);
        assert_eq!(c.sections[0].vars[1].name, "c");
        assert_eq!(c.diags[0].origin.as_ref().unwrap().line, 3);
        assert_eq!(c.diags[0].level, Level::Error);
    }

    #[test]
    fn lines_asterisk_skips_or_refuses() {
        let c = read("x=1\n");
        assert!(errors(&c)[0].contains("No category context"));
        let c = read("[a]\njunk\n=v\n#bogus\n#include\n[b\n");
        let all: Vec<String> = c.diags.iter().map(|d| d.to_string()).collect();
        assert!(all[0].contains("No '='"), "{all:?}");
        assert!(all[1].contains("No variable name"), "{all:?}");
        assert!(all[2].contains("Unknown directive '#bogus'"), "{all:?}");
        assert!(all[3].contains("needs an argument"), "{all:?}");
        assert!(all[4].contains("no closing ']'"), "{all:?}");
    }

    #[test]
    fn space_before_options_is_reported() {
        let c = read("[t] (!)\ntype=endpoint\n");
        assert!(!c.sections[0].template);
        assert!(
            c.diags[0].message.contains("not a template"),
            "{:?}",
            c.diags
        );
    }

    #[test]
    fn includes_resolve_in_the_config_directory() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(
            d.path().join("main.conf"),
            "[a]\nx=1\n#include \"sub/one.conf\"\ny=2\n#tryinclude <nope.conf>\n",
        )
        .unwrap();
        // Nested includes are relative to the config directory too, not to sub/.
        std::fs::write(
            d.path().join("sub/one.conf"),
            "z=0\n[b]\nx=2\n#include two.conf\n",
        )
        .unwrap();
        std::fs::write(d.path().join("two.conf"), "\u{feff}[c]\r\nx=3\r\n").unwrap();
        let o = Options {
            confdir: d.path().to_path_buf(),
            allow_exec: false,
        };
        let c = read_file(&d.path().join("main.conf"), &o).unwrap();
        let names: Vec<&str> = c.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        // The included file's first line joins the includer's current section; lines after
        // the #include go on in the includer's own current section.
        assert_eq!(vars(&c, 0), pairs(&[("x", "1"), ("z", "0"), ("y", "2")]));
        assert_eq!(c.files.len(), 3);
        assert!(c.sections[1].origin.to_string().ends_with("sub/one.conf:2"));
        assert_eq!(c.diags.len(), 1, "{:?}", c.diags);
        assert_eq!(c.diags[0].level, Level::Note);
    }

    #[test]
    fn include_errors() {
        let d = tempfile::tempdir().unwrap();
        let o = Options {
            confdir: d.path().to_path_buf(),
            allow_exec: false,
        };
        std::fs::write(d.path().join("a.conf"), "[a]\n#include b.conf\n").unwrap();
        std::fs::write(d.path().join("b.conf"), "[b]\n#include a.conf\n").unwrap();
        let c = read_file(&d.path().join("a.conf"), &o).unwrap();
        assert!(
            errors(&c)[0].contains("include cycle: a.conf -> b.conf -> a.conf"),
            "{:?}",
            errors(&c)
        );
        std::fs::write(d.path().join("m.conf"), "[a]\n#include missing.conf\n").unwrap();
        let c = read_file(&d.path().join("m.conf"), &o).unwrap();
        assert!(
            errors(&c)[0].contains("'missing.conf' was listed as a #include but it does not exist")
        );
        // Eleven levels: the main file plus 10 includes load, the 11th include is refused.
        for i in 0..12 {
            std::fs::write(
                d.path().join(format!("l{i}.conf")),
                format!("[s{i}]\n#include l{}.conf\n", i + 1),
            )
            .unwrap();
        }
        let c = read_file(&d.path().join("l0.conf"), &o).unwrap();
        assert_eq!(c.sections.len(), 11);
        assert!(
            errors(&c)[0].contains("Maximum Include level (10) exceeded"),
            "{:?}",
            errors(&c)
        );
    }

    #[test]
    fn bom_of_a_second_globbed_file_is_kept() {
        let d = tempfile::tempdir().unwrap();
        let o = Options {
            confdir: d.path().to_path_buf(),
            allow_exec: false,
        };
        std::fs::create_dir(d.path().join("u")).unwrap();
        std::fs::write(d.path().join("u/a.conf"), "\u{feff}[a]\nx=1\n").unwrap();
        std::fs::write(d.path().join("u/b.conf"), "\u{feff}[b]\ny=2\n").unwrap();
        std::fs::write(d.path().join("main.conf"), "#include u/*.conf\n").unwrap();
        let c = read_file(&d.path().join("main.conf"), &o).unwrap();
        assert_eq!(c.sections.len(), 1);
        assert_eq!(vars(&c, 0), pairs(&[("x", "1"), ("y", "2")]));
        assert!(
            c.diags[0].message.contains("this section header is lost"),
            "{:?}",
            c.diags
        );
    }

    #[test]
    fn globbed_includes_in_order() {
        let d = tempfile::tempdir().unwrap();
        let o = Options {
            confdir: d.path().to_path_buf(),
            allow_exec: false,
        };
        std::fs::create_dir(d.path().join("users")).unwrap();
        std::fs::write(d.path().join("users/b.conf"), "[b]\n").unwrap();
        std::fs::write(d.path().join("users/a.conf"), "[a]\n").unwrap();
        std::fs::write(
            d.path().join("main.conf"),
            "#include users/*.conf\n#include users/none-*.conf\n",
        )
        .unwrap();
        let c = read_file(&d.path().join("main.conf"), &o).unwrap();
        let names: Vec<&str> = c.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(errors(&c)[0].contains("none-*.conf"));
    }

    #[test]
    fn exec_needs_permission() {
        let c = read("[a]\n#exec /bin/echo x=1\n");
        assert!(errors(&c)[0].contains("--allow-exec"));
        let o = Options {
            confdir: PathBuf::from("."),
            allow_exec: true,
        };
        let c = read_str("[a]\n#exec printf 'x=1\\n[b]\\ny=2\\n'\n", "t.conf", &o);
        assert_eq!(vars(&c, 0), pairs(&[("x", "1")]));
        assert_eq!(vars(&c, 1), pairs(&[("y", "2")]));
    }
}
