//! `#include`, `#tryinclude` and `#exec` (main/config.c: process_text_line).

use super::*;

impl<'o, 's> Reader<'o, 's> {
    pub(super) fn directive(
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
    pub(super) fn exec(
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
}
