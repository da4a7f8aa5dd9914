//! `#include` names are glob patterns: Asterisk calls glob(3) with GLOB_NOMAGIC | GLOB_BRACE
//! (include/asterisk/compat.h). A pattern without `*?[` is returned as written, whether the
//! file exists or not; `{a,b}` expands in order; matches are sorted (C locale, byte order);
//! wildcards do not match a leading `.` of a name.
//! Kept by hand on purpose: the `glob` crate has no `{a,b}` braces, and GLOB_BRACE's order
//! (alternatives as written, each one's matches sorted) plus the README's bounds (at most
//! 1024 names from braces, wildcards matched in polynomial time) need the expansion in hand.

use std::path::{Path, PathBuf};

/// Brace alternatives one pattern may expand to; beyond that it is refused (`{a,b}` 30 times
/// over would be 2^30 names to look up).
pub const MAX_ALTERNATIVES: usize = 1024;
/// Brace groups expanded one inside (or after) another, at most.
pub const MAX_BRACE_DEPTH: usize = 128;

/// A pattern pjsipctl refuses to expand.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "its braces expand to more than {MAX_ALTERNATIVES} names (or nest deeper than {MAX_BRACE_DEPTH})"
)]
pub struct TooManyNames;

/// Expand one include pattern (already joined to the config directory). `Err` when its
/// braces expand to more than [`MAX_ALTERNATIVES`] names or nest too deep.
pub fn expand(pattern: &str) -> Result<Vec<PathBuf>, TooManyNames> {
    let alternatives = braces_capped(pattern, MAX_ALTERNATIVES, 0).ok_or(TooManyNames)?;
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
    braces_capped(p, usize::MAX, 0).expect("no cap")
}

/// Brace expansion, nested, left to right: `a{b,c{d,e}}f` → abf, acdf, acef.
/// `None` when there would be more than `cap` alternatives, or the groups go too deep.
fn braces_capped(p: &str, cap: usize, depth: usize) -> Option<Vec<String>> {
    if depth > MAX_BRACE_DEPTH {
        return None;
    }
    let b: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            '\\' => i += 2,
            '{' => {
                // Find the matching close and the top-level commas.
                let (mut level, mut j, mut commas) = (0, i, Vec::new());
                while j < b.len() {
                    match b[j] {
                        '\\' => j += 1,
                        '{' => level += 1,
                        '}' => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        ',' if level == 1 => commas.push(j),
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
                    out.extend(braces_capped(&format!("{pre}{mid}{post}"), cap, depth + 1)?);
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

/// Bottom-up over (pattern position, name position): no recursion, and `*a*a*a*…` stays
/// polynomial (plain backtracking takes hours on a dozen stars).
fn fm(p: &[char], n: &[char]) -> bool {
    let w = n.len() + 1;
    // ok[pi * w + ni]: does p[pi..] match n[ni..]?
    let mut ok = vec![false; (p.len() + 1) * w];
    ok[p.len() * w + n.len()] = true;
    for pi in (0..p.len()).rev() {
        let bracket = (p[pi] == '[').then(|| class(p, pi)).flatten();
        for ni in (0..=n.len()).rev() {
            let c = n.get(ni).copied();
            ok[pi * w + ni] = match (p[pi], c) {
                ('*', _) => ok[(pi + 1) * w + ni] || (c.is_some() && ok[pi * w + ni + 1]),
                (_, None) => false,
                ('?', Some(_)) => ok[(pi + 1) * w + ni + 1],
                ('[', Some(c)) => match &bracket {
                    Some((set, end)) => set.contains(c) && ok[(end + 1) * w + ni + 1],
                    // No closing bracket: '[' is an ordinary character.
                    None => c == '[' && ok[(pi + 1) * w + ni + 1],
                },
                ('\\', Some(c)) if pi + 1 < p.len() => c == p[pi + 1] && ok[(pi + 2) * w + ni + 1],
                (pc, Some(c)) => c == pc && ok[(pi + 1) * w + ni + 1],
            };
        }
    }
    ok[0]
}

/// A bracket expression's characters and ranges, negated or not.
struct Set {
    negate: bool,
    ranges: Vec<(char, char)>,
}

impl Set {
    fn contains(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negate
    }
}

/// The bracket expression opening at `p[at]`, and the index of its closing `]`; `None` when
/// it is never closed (a `]` right after `[` or `[!` is a member).
fn class(p: &[char], at: usize) -> Option<(Set, usize)> {
    let mut i = at + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let &pc = p.get(i)?;
        if pc == ']' && !first {
            return Some((Set { negate, ranges }, i));
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&h| h != ']') {
            ranges.push((pc, p[i + 2]));
            i += 3;
        } else {
            ranges.push((pc, pc));
            i += 1;
        }
    }
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
        assert!(fnmatch("[]a]x", "]x") && fnmatch("[!]a]x", "bx") && !fnmatch("[!]a]x", "ax"));
        assert!(fnmatch("[a-c-]", "-") && fnmatch("[a-]", "-") && !fnmatch("[a-c]", "d"));
        assert!(fnmatch("x[", "x[") && !fnmatch("[", "") && fnmatch("", ""));
        assert!(fnmatch("a*", "a") && fnmatch("*", "") && !fnmatch("?", ""));
    }

    // The recursive matcher this module used before, as the reference on small inputs.
    fn reference(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| reference(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && reference(&p[1..], &n[1..]),
            Some('[') => {
                let Some(&c) = n.first() else { return false };
                let mut i = 1;
                let negate = matches!(p.get(1), Some('!') | Some('^'));
                if negate {
                    i += 1;
                }
                let mut hit = false;
                let mut first = true;
                loop {
                    let Some(&pc) = p.get(i) else {
                        return c == '[' && reference(&p[1..], &n[1..]);
                    };
                    if pc == ']' && !first {
                        break;
                    }
                    first = false;
                    if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&h| h != ']') {
                        hit |= pc <= c && c <= p[i + 2];
                        i += 3;
                    } else {
                        hit |= pc == c;
                        i += 1;
                    }
                }
                hit != negate && reference(&p[i + 1..], &n[1..])
            }
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && reference(&p[2..], &n[1..]),
            Some(&c) => n.first() == Some(&c) && reference(&p[1..], &n[1..]),
        }
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        #[test]
        fn table_agrees_with_recursion(
            p in proptest::collection::vec(proptest::sample::select(vec![
                "a", "b", "*", "?", "[ab]", "[!a]", "[^b]", "[]a]", "[a-b]", "[!]]", "[", "]", "\\*", "\\", "!", "-",
            ]), 0..6).prop_map(|t| t.concat()),
            n in "[ab!^\\[\\]\\-\\\\*]{0,6}",
        ) {
            let (pc, nc): (Vec<char>, Vec<char>) = (p.chars().collect(), n.chars().collect());
            proptest::prop_assert_eq!(fm(&pc, &nc), reference(&pc, &nc), "{} on {}", p, n);
        }
    }

    #[test]
    fn many_stars_answer_at_once() {
        // Plain recursion takes hours on this: a 255-byte name against 12 stars.
        let t = std::time::Instant::now();
        let name = "a".repeat(255);
        assert!(!fnmatch(&format!("{}b", "*a".repeat(12)), &name));
        assert!(fnmatch(&"*a".repeat(12), &name));
        assert!(fnmatch(&"?".repeat(255), &"q".repeat(255)) && !fnmatch(&"?".repeat(8000), &name));
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
        let deep = format!("{}x{}", "{".repeat(4000), "}".repeat(4000));
        assert!(expand(&deep).is_err(), "nested too deep");
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
