//! Reading one file line by line: long lines, the BOM, CRLF, and comments (main/config.c:
//! config_text_file_load).

use super::*;

impl<'o, 's> Reader<'o, 's> {
    /// Read one file's bytes. Stops at the first line Asterisk cannot parse, as it does.
    /// `len` is the input's size in bytes (it raises the MAX_VARS limit).
    pub(super) fn load_file(
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
        // One buffer for every line of the file: a line is cut and stripped in place.
        let mut raw = Vec::new();
        loop {
            raw.clear();
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
            let buf = &mut raw;
            let (z, semicolon) = strlen_and_semicolon(buf);
            buf.truncate(z); // strlen stops there
            if st.lineno == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            // Most lines hold no ';': then nothing is a comment but the line itself, when
            // inside a block comment (as strip_comments would find).
            let kept = if !semicolon {
                st.comment == 0
            } else {
                match self.strip_comments(buf, st, &origin) {
                    Ok(kept) => kept,
                    Err(()) => return,
                }
            };
            if !kept {
                continue;
            }
            let text = match std::str::from_utf8(ast_strip_bytes(buf)) {
                Ok(t) => t,
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
            if self.process_line(text, &origin, st, depth).is_err() {
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

    /// The comment loop of config_text_file_load, on one line. Leaves the text to process
    /// in `buf` and returns true, or false when the whole line is inside a block comment.
    #[allow(clippy::result_unit_err)]
    pub(super) fn strip_comments(
        &mut self,
        buf: &mut Vec<u8>,
        st: &mut LoadState,
        origin: &Origin,
    ) -> Result<bool, ()> {
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
            let len = strlen(buf, new_buf);
            let Some(p) = buf[new_buf..new_buf + len]
                .iter()
                .position(|&c| c == b';')
                .map(|i| i + new_buf)
            else {
                break;
            };
            if p > new_buf && buf[p - 1] == b'\\' {
                // Escaped semicolon: drop the backslash, keep the ';'.
                let n = strlen(buf, p) + 1;
                buf.copy_within(p..p + n, p - 1);
                new_buf = p;
            } else if at(buf, p + 1) == b'-' && at(buf, p + 2) == b'-' && at(buf, p + 3) != b'-' {
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
                            let oldptr = pb + strlen(buf, pb);
                            let n = strlen(buf, new_buf) + 1;
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
            return Ok(false);
        };
        let n = strlen(buf, pb);
        buf.truncate(pb + n);
        buf.drain(..pb);
        Ok(true)
    }
}

/// Where the C string in `b` ends (its first NUL, else its length), and whether a ';' comes
/// before that: eight bytes at a time up to the first word holding either (lines are short,
/// and most hold neither).
pub(super) fn strlen_and_semicolon(b: &[u8]) -> (usize, bool) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Non-zero exactly when a byte of `x` is zero.
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let mut at = 0;
    for c in b.chunks_exact(8) {
        let x = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        if zero(x) | zero(x ^ (LO * u64::from(b';'))) != 0 {
            break;
        }
        at += 8;
    }
    let mut semicolon = false;
    for (i, &c) in b[at..].iter().enumerate() {
        if c == 0 {
            return (at + i, semicolon);
        }
        semicolon |= c == b';';
    }
    (b.len(), semicolon)
}
