//! `#include` names are glob patterns: Asterisk calls glob(3) with GLOB_NOMAGIC | GLOB_BRACE
//! (include/asterisk/compat.h). A pattern without `*?[` is returned as written, whether the
//! file exists or not; `{a,b}` expands in order; matches are sorted (C locale, byte order);
//! wildcards do not match a leading `.` of a name.

use std::path::{Path, PathBuf};

/// Brace alternatives one pattern may expand to; beyond that it is refused (`{a,b}` 30 times
/// over would be 2^30 names to look up).
pub const MAX_ALTERNATIVES: usize = 1024;

/// Expand one include pattern (already joined to the config directory). `Err` when its
/// braces expand to more than [`MAX_ALTERNATIVES`] names.
pub fn expand(pattern: &str) -> Result<Vec<PathBuf>, String> {
    let alternatives = braces_capped(pattern, MAX_ALTERNATIVES)
        .ok_or_else(|| format!("its braces expand to more than {MAX_ALTERNATIVES} names"))?;
    if alternatives.len() == 1 && alternatives[0] == pattern {
        return Ok(glob_one(pattern, true));
    }
    // glibc globs each alternative without GLOB_NOMAGIC and appends the results in order.
    Ok(alternatives
        .iter()
        .flat_map(|a| glob_one(a, false))
        .collect())
}

#[cfg(test)]
fn braces(p: &str) -> Vec<String> {
    braces_capped(p, usize::MAX).expect("no cap")
}

/// Brace expansion, nested, left to right: `a{b,c{d,e}}f` → abf, acdf, acef.
/// `None` when there would be more than `cap` alternatives.
fn braces_capped(p: &str, cap: usize) -> Option<Vec<String>> {
    let b: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            '\\' => i += 2,
            '{' => {
                // Find the matching close and the top-level commas.
                let (mut depth, mut j, mut commas) = (0, i, Vec::new());
                while j < b.len() {
                    match b[j] {
                        '\\' => j += 1,
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        ',' if depth == 1 => commas.push(j),
                        _ => {}
                    }
                    j += 1;
                }
                if j >= b.len() {
                    return Some(vec![p.to_string()]);
                }
                let pre: String = b[..i].iter().collect();
                let post: String = b[j + 1..].iter().collect();
                let mut bounds = vec![i];
                bounds.extend(&commas);
                bounds.push(j);
                let mut out = Vec::new();
                for w in bounds.windows(2) {
                    let mid: String = b[w[0] + 1..w[1]].iter().collect();
                    out.extend(braces_capped(&format!("{pre}{mid}{post}"), cap)?);
                    if out.len() > cap {
                        return None;
                    }
                }
                return Some(out);
            }
            _ => i += 1,
        }
    }
    Some(vec![p.to_string()])
}

fn has_magic(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(n) = it.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn glob_one(pattern: &str, nomagic: bool) -> Vec<PathBuf> {
    if !has_magic(pattern) {
        let p = PathBuf::from(unescape(pattern));
        return if nomagic || p.exists() {
            vec![p]
        } else {
            Vec::new()
        };
    }
    let absolute = pattern.starts_with('/');
    let mut found: Vec<PathBuf> = vec![if absolute {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    }];
    let parts: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    for (n, part) in parts.iter().enumerate() {
        let last = n + 1 == parts.len();
        let mut next = Vec::new();
        for base in &found {
            if !has_magic(part) {
                let p = base.join(unescape(part));
                if last || p.is_dir() {
                    next.push(p);
                }
                continue;
            }
            let dir = if base.as_os_str().is_empty() {
                Path::new(".")
            } else {
                base.as_path()
            };
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut names: Vec<String> = rd
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect();
            names.sort();
            for name in names {
                if fnmatch(part, &name) {
                    let p = base.join(&name);
                    if last || p.is_dir() {
                        next.push(p);
                    }
                }
            }
        }
        found = next;
    }
    found.retain(|p| p.exists());
    found.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    found
}

/// fnmatch(3) without FNM_PERIOD relaxations: `*`, `?`, `[...]` (`!`/`^` negate), `\` escapes;
/// a leading `.` must be matched literally.
pub fn fnmatch(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    if n.first() == Some(&'.')
        && !matches!(p.first(), Some('.'))
        && !(p.first() == Some(&'\\') && p.get(1) == Some(&'.'))
    {
        return false;
    }
    fm(&p, &n)
}

fn fm(p: &[char], n: &[char]) -> bool {
    // Memoised on (pattern position, name position): `*a*a*a*…` stays polynomial.
    let mut memo = vec![None; (p.len() + 1) * (n.len() + 1)];
    fm_at(p, n, 0, 0, &mut memo)
}

fn fm_at(p: &[char], n: &[char], pi: usize, ni: usize, memo: &mut [Option<bool>]) -> bool {
    let key = pi * (n.len() + 1) + ni;
    if let Some(v) = memo[key] {
        return v;
    }
    let (ps, ns) = (&p[pi..], &n[ni..]);
    let r = match ps.first() {
        None => ns.is_empty(),
        Some('*') => (ni..=n.len()).any(|j| fm_at(p, n, pi + 1, j, memo)),
        Some('?') => !ns.is_empty() && fm_at(p, n, pi + 1, ni + 1, memo),
        Some('[') => 'class: {
            let Some(&c) = ns.first() else {
                break 'class false;
            };
            let mut i = 1;
            let negate = matches!(ps.get(1), Some('!') | Some('^'));
            if negate {
                i += 1;
            }
            let mut hit = false;
            let mut first = true;
            loop {
                let Some(&pc) = ps.get(i) else {
                    // No closing bracket: '[' is an ordinary character.
                    break 'class c == '[' && fm_at(p, n, pi + 1, ni + 1, memo);
                };
                if pc == ']' && !first {
                    break;
                }
                first = false;
                if ps.get(i + 1) == Some(&'-') && ps.get(i + 2).is_some_and(|&h| h != ']') {
                    if pc <= c && c <= ps[i + 2] {
                        hit = true;
                    }
                    i += 3;
                } else {
                    if pc == c {
                        hit = true;
                    }
                    i += 1;
                }
            }
            hit != negate && fm_at(p, n, pi + i + 1, ni + 1, memo)
        }
        Some('\\') if ps.len() > 1 => {
            ns.first() == Some(&ps[1]) && fm_at(p, n, pi + 2, ni + 1, memo)
        }
        Some(&c) => ns.first() == Some(&c) && fm_at(p, n, pi + 1, ni + 1, memo),
    };
    memo[key] = Some(r);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_rules() {
        assert!(fnmatch("*.conf", "users.conf"));
        assert!(!fnmatch("*.conf", ".hidden.conf"));
        assert!(fnmatch(".*.conf", ".hidden.conf"));
        assert!(fnmatch("user-?.conf", "user-1.conf"));
        assert!(fnmatch("user-[0-9].conf", "user-7.conf"));
        assert!(!fnmatch("user-[!0-9].conf", "user-7.conf"));
        assert!(!fnmatch("*.conf", "users.conf.bak"));
        assert!(fnmatch("[a", "[a"));
        assert!(fnmatch("a\\*", "a*"));
        assert!(!fnmatch("a\\*", "ab"));
    }

    #[test]
    fn many_stars_answer_at_once() {
        // Plain recursion takes hours on this: a 255-byte name against 12 stars.
        let t = std::time::Instant::now();
        let name = "a".repeat(255);
        assert!(!fnmatch(&format!("{}b", "*a".repeat(12)), &name));
        assert!(fnmatch(&"*a".repeat(12), &name));
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn braces_expand_in_order() {
        assert_eq!(braces("a{b,c{d,e}}f"), ["abf", "acdf", "acef"]);
        assert_eq!(braces("plain"), ["plain"]);
        assert_eq!(braces("x{a,b"), ["x{a,b"]);
        let t = std::time::Instant::now();
        assert!(
            expand(&"{a,b}".repeat(40)).is_err(),
            "2^40 names are refused"
        );
        assert!(expand(&"{a,b}".repeat(10)).is_ok(), "1024 are not");
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn globbing_a_directory() {
        let d = tempfile::tempdir().unwrap();
        for f in ["b.conf", "a.conf", ".h.conf", "c.txt"] {
            std::fs::write(d.path().join(f), "").unwrap();
        }
        std::fs::create_dir(d.path().join("sub.conf")).unwrap();
        let pat = format!("{}/*.conf", d.path().display());
        let got: Vec<String> = expand(&pat)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        // Directories match too; the reader then skips them as Asterisk does.
        assert_eq!(got, ["a.conf", "b.conf", "sub.conf"]);
        // No magic: returned as written even when missing (GLOB_NOMAGIC).
        let missing = format!("{}/missing.conf", d.path().display());
        assert_eq!(expand(&missing).unwrap(), [PathBuf::from(&missing)]);
        // Braces: each alternative must exist.
        let pat = format!("{}/{{b,zz,a}}.conf", d.path().display());
        let got: Vec<String> = expand(&pat)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(got, ["b.conf", "a.conf"]);
    }
}
