//! Section headers, their templates and `(+filter)` appends, and `name = value` lines
//! (main/config.c: process_text_line, category_get_sep, does_category_match).

use super::*;

/// A section name as the name map keys it (case-insensitively), copied only when it has to be.
fn lower(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

impl<'o, 's> Reader<'o, 's> {
    pub(super) fn header(
        &mut self,
        text: &str,
        origin: &Origin,
        st: &mut LoadState,
    ) -> Result<(), ()> {
        // (Byte searches: ']' and ')' are ASCII, and headers are short.)
        let Some(close) = text.bytes().position(|b| b == b']') else {
            self.diag(
                Level::Error,
                Some(origin.clone()),
                "parse error: no closing ']' (Asterisk refuses the file)",
            );
            return Err(());
        };
        let name = &text[1..close];
        let rest = &text[close + 1..];
        let mut target = Target::New(
            Section {
                name: name.to_string(),
                origin: origin.clone(),
                template: false,
                inherits: Vec::new(),
                vars: Vec::new(),
                appended_at: Vec::new(),
            },
            None,
        );
        if let Some(opts) = rest.strip_prefix('(') {
            let Some(close) = opts.bytes().position(|b| b == b')') else {
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
                        Target::New(s, _) => s.template = true,
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
                    if let Target::New(mut new, shared) =
                        std::mem::replace(&mut target, Target::Existing(found))
                    {
                        unshare(&mut new, shared);
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
                        Target::New(s, shared) => {
                            shared.as_ref().map_or(0, |v| v.len()) + s.vars.len()
                        }
                        Target::Existing(i) => self.sections.held(*i).len(),
                    };
                    let (inherited, base_name) = self.sections.as_base(base);
                    self.room(have, inherited.len(), origin)?;
                    match &mut target {
                        // The first section inherited from is shared (the usual case).
                        Target::New(s, shared @ None) if s.vars.is_empty() => {
                            *shared = Some(inherited);
                            s.inherits.push(base_name);
                        }
                        Target::New(s, _) => {
                            s.vars.extend(inherited.iter().cloned());
                            s.inherits.push(base_name);
                        }
                        Target::Existing(i) => {
                            let s = &mut self.sections[*i];
                            s.vars.extend(inherited.iter().cloned());
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
            Target::New(s, shared) => {
                if s.name != ast_strip(&s.name) {
                    self.diag(
                        Level::Warning,
                        Some(origin.clone()),
                        format!("the section name '{}' has spaces around it, which Asterisk keeps in the name", s.name),
                    );
                }
                let i = self.sections.len();
                // A name seen before (a user's auth, aor and endpoint) needs no key of its own.
                let key = lower(&s.name);
                match self.by_name.get_mut(key.as_ref()) {
                    Some(v) => v.push(i),
                    None => {
                        // Room for a user's auth, aor and endpoint.
                        let mut v = Vec::with_capacity(3);
                        v.push(i);
                        self.by_name.insert(key.into_owned(), v);
                    }
                }
                self.sections.push(s, shared);
                self.current = Some(i);
                st.cat = Some(i);
                self.release(i);
            }
            Target::Existing(i) => st.cat = Some(i),
        }
        Ok(())
    }

    /// Refuse to grow a section past MAX_SECTION_VARS or the file past MAX_VARS.
    pub(super) fn room(&mut self, have: usize, adding: usize, origin: &Origin) -> Result<(), ()> {
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
    pub(super) fn find(
        &mut self,
        name: &str,
        filter: Option<&str>,
        sep: char,
        origin: &Origin,
    ) -> Result<Option<usize>, ()> {
        let key = lower(name);
        let (first, count) = if name.is_empty() {
            (0, self.sections.len())
        } else {
            match self.by_name.get(key.as_ref()) {
                Some(v) => (v[0], v.len()),
                None => (0, 0),
            }
        };
        // Later candidates are looked up again rather than copied: the first usually matches.
        for n in 0..count {
            let i = match n {
                _ if name.is_empty() => n,
                0 => first,
                _ => self.by_name[key.as_ref()][n],
            };
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
    pub(super) fn matches(
        &self,
        i: usize,
        filter: Option<&str>,
        sep: char,
    ) -> Result<bool, (RegexError, String)> {
        // Inheritance's own filter: any section passes (it names no variable).
        if filter == Some("TEMPLATES=include") {
            return Ok(true);
        }
        let held = self.sections.held(i);
        let sec = &held.sec;
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
            if held
                .vars()
                .any(|v| rn.is_match(&v.name) && rv.is_match(&v.value))
            {
                found += 1;
            }
        }
        Ok(found == exprs && (!sec.template || template_ok))
    }

    pub(super) fn variable(
        &mut self,
        text: &str,
        origin: &Origin,
        st: &mut LoadState,
    ) -> Result<(), ()> {
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
        // A byte search: '=' is ASCII, and lines are short.
        let eq = cur.as_bytes()[skip..]
            .iter()
            .position(|&b| b == b'=')
            .map(|i| i + skip);
        let (name, value) = match eq {
            Some(e) if e > skip && cur.as_bytes()[e - 1] == b'+' => {
                let name = ast_strip(&cur[..e - 1]);
                let addition = &cur[e + 1..];
                // Extending a shared variable: the section's own copy is extended.
                let held = self.sections.held_mut(cat);
                if held
                    .shared
                    .as_ref()
                    .is_some_and(|s| s.iter().any(|v| v.name == name))
                {
                    held.unshare();
                }
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
        self.room(self.sections.held(cat).len(), 1, origin)?;
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
