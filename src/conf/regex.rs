//! `[name](+filter)` matching: main/config.c (does_category_match) compiles each side of a
//! filter's `name=value` with regcomp(REG_EXTENDED | REG_NOSUB) and tests every variable with
//! regexec, i.e. an unanchored search, under LC_ALL=C.UTF-8 (main/asterisk.c).
//!
//! Acceptance is the C library's: every expression goes through regcomp first
//! (`values::posix_regex_check`), so what Asterisk refuses is refused with regerror's words.
//! Matching stays with the automaton below, for a measured reason: glibc 2.36's regexec
//! backtracks or re-walks its NFA per start position, and on one 8001-byte value
//! (`a`×8000 `c`, under C.UTF-8) took 7 s on `.{1,255}b`, 13 s on `[^b]{1,255}b`, 56 s on
//! `.{1,1000}b`, 86 s on `a{1,100}{1,100}b`, and grows exponentially with back-references
//! (`(.*)(.*)(.*)\3\2\1b`: 1.9 s on 40 bytes). Asterisk hangs on those too; pjsipctl promises
//! no file can hang it (README). The automaton takes text length × expression size, and an
//! expansion past MAX_PROGRAM is refused. The constructs whose glibc meaning it does not
//! implement (back-references, GNU escapes such as `\w` or `\<`, `[=a=]`/`[.a.]`) are refused
//! by name rather than matched differently.

use crate::schema::values::{posix_regex_check, Regcomp};

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
    Start,
    End,
    Group(Vec<Vec<Item>>),
}

#[derive(Debug, Clone)]
struct Item {
    node: Node,
    min: usize,
    max: usize,
}

/// One instruction of the compiled automaton (Thompson's construction).
#[derive(Debug)]
enum Inst {
    Char(char),
    Any,
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
    /// `^`: only at the start of the text.
    Start,
    /// `$`: only at the end of the text.
    End,
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// More instructions than this and the expression is refused (regcomp's REG_ESPACE):
/// a filter is a few characters; this bounds the work per matched character.
const MAX_PROGRAM: usize = 4096;

/// Why a filter expression is not used: the reader warns and matches nothing on the
/// first (as Asterisk does), and stops on the second.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum RegexError {
    /// regcomp refuses it (regerror's words): Asterisk logs that and matches nothing.
    #[error(transparent)]
    Compile(#[from] Regcomp),
    /// regcomp accepts it but pjsipctl will not match it (see above): refused by name.
    #[error(transparent)]
    Refused(#[from] Unsupported),
}

/// What the automaton does not take, each said as the refusal names it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unsupported {
    #[error("groups nested deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("unmatched '{0}'")]
    Unmatched(char),
    #[error("trailing backslash")]
    TrailingBackslash,
    /// glibc reads \1-\9 as back-references and \w \s \b \< … as GNU classes.
    #[error(
        "'\\{0}' is a back-reference or GNU escape, which pjsipctl does not match \
         (escape only punctuation)"
    )]
    Escape(char),
    #[error("'{0}' follows nothing")]
    NothingToRepeat(char),
    /// A `{…}` bound that is not a number (its text between the braces).
    #[error("bad bound '{{{0}}}'")]
    BoundText(String),
    #[error("bad bound {{{min},{max}}}")]
    BoundOrder { min: usize, max: usize },
    #[error("equivalence classes [= =] and collating symbols [. .] are not matched by pjsipctl")]
    Collating,
    #[error("unterminated character class name")]
    UnterminatedClassName,
    #[error("unknown character class '{0}'")]
    UnknownClass(String),
    /// More than MAX_PROGRAM instructions.
    #[error("the expression is too large (its repetitions expand too far)")]
    TooLarge,
}

/// Deeper group nesting is refused (recursion in regcomp and in the parser below).
const MAX_DEPTH: usize = 64;

/// A compiled expression. Matching simulates the automaton over the whole text at
/// once, so it takes time proportional to text length × expression size whatever
/// the expression (no exponential backtracking on `a*a*a*…b`).
#[derive(Debug)]
pub struct Regex {
    prog: Vec<Inst>,
}

impl Regex {
    /// Compile: regcomp's verdict first, then the automaton's own limits.
    pub fn new(pattern: &str) -> Result<Regex, RegexError> {
        // glibc's regcomp recurses per group: bound the nesting before it sees the pattern
        // (5000 '(' overflow a 2 MB thread's stack). Counted on the raw text, so never less.
        let mut depth = 0usize;
        for ch in pattern.chars() {
            depth = match ch {
                '(' => depth + 1,
                ')' => depth.saturating_sub(1),
                _ => depth,
            };
            if depth > MAX_DEPTH {
                return Err(Unsupported::TooDeep.into());
            }
        }
        posix_regex_check(pattern)?;
        Ok(Self::automaton(pattern)?)
    }

    fn automaton(pattern: &str) -> Result<Regex, Unsupported> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let alts = parse_alts(&chars, &mut pos, 0)?;
        if pos != chars.len() {
            return Err(Unsupported::Unmatched(')'));
        }
        let mut prog = Vec::new();
        compile_alts(&alts, &mut prog)?;
        prog.push(Inst::Match);
        Ok(Regex { prog })
    }

    /// regexec without REG_NOTBOL: does the expression match anywhere in `text`?
    pub fn is_match(&self, text: &str) -> bool {
        let s: Vec<char> = text.chars().collect();
        let mut seen = vec![usize::MAX; self.prog.len()];
        let mut stack = Vec::new();
        let mut cur = Vec::new();
        self.add(&mut cur, 0, 0, s.len(), &mut seen, &mut stack);
        for i in 0..=s.len() {
            if cur.iter().any(|&pc| matches!(self.prog[pc], Inst::Match)) {
                return true;
            }
            if i == s.len() {
                break;
            }
            let mut next = Vec::new();
            for &pc in &cur {
                let ok = match &self.prog[pc] {
                    Inst::Char(c) => *c == s[i],
                    Inst::Any => true,
                    Inst::Class { negated, items } => {
                        items.iter().any(|&(lo, hi)| lo <= s[i] && s[i] <= hi) != *negated
                    }
                    _ => false,
                };
                if ok {
                    self.add(&mut next, pc + 1, i + 1, s.len(), &mut seen, &mut stack);
                }
            }
            // Unanchored: a match may also start at the next character.
            self.add(&mut next, 0, i + 1, s.len(), &mut seen, &mut stack);
            cur = next;
        }
        false
    }

    /// Add `pc` and everything reachable from it without consuming a character at `pos`.
    fn add(
        &self,
        list: &mut Vec<usize>,
        pc: usize,
        pos: usize,
        len: usize,
        seen: &mut [usize],
        stack: &mut Vec<usize>,
    ) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match self.prog[pc] {
                Inst::Jmp(t) => stack.push(t),
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::Start => {
                    if pos == 0 {
                        stack.push(pc + 1)
                    }
                }
                Inst::End => {
                    if pos == len {
                        stack.push(pc + 1)
                    }
                }
                _ => list.push(pc),
            }
        }
    }
}

fn too_big(prog: &[Inst]) -> Result<(), Unsupported> {
    if prog.len() > MAX_PROGRAM {
        return Err(Unsupported::TooLarge);
    }
    Ok(())
}

fn compile_alts(alts: &[Vec<Item>], prog: &mut Vec<Inst>) -> Result<(), Unsupported> {
    let mut jumps = Vec::new();
    for (n, seq) in alts.iter().enumerate() {
        let split = (n + 1 < alts.len()).then(|| {
            prog.push(Inst::Split(prog.len() + 1, 0));
            prog.len() - 1
        });
        for it in seq {
            compile_item(it, prog)?;
        }
        if let Some(at) = split {
            jumps.push(prog.len());
            prog.push(Inst::Jmp(0));
            prog[at] = Inst::Split(at + 1, prog.len());
        }
        too_big(prog)?;
    }
    let end = prog.len();
    for j in jumps {
        prog[j] = Inst::Jmp(end);
    }
    Ok(())
}

fn compile_item(it: &Item, prog: &mut Vec<Inst>) -> Result<(), Unsupported> {
    if it.min > it.max {
        return Err(Unsupported::BoundOrder {
            min: it.min,
            max: it.max,
        });
    }
    for _ in 0..it.min {
        compile_node(&it.node, prog)?;
        too_big(prog)?;
    }
    if it.max == usize::MAX {
        let at = prog.len();
        prog.push(Inst::Split(at + 1, 0));
        compile_node(&it.node, prog)?;
        prog.push(Inst::Jmp(at));
        prog[at] = Inst::Split(at + 1, prog.len());
    } else {
        for _ in it.min..it.max {
            let at = prog.len();
            prog.push(Inst::Split(at + 1, 0));
            compile_node(&it.node, prog)?;
            prog[at] = Inst::Split(at + 1, prog.len());
            too_big(prog)?;
        }
    }
    too_big(prog)
}

fn compile_node(node: &Node, prog: &mut Vec<Inst>) -> Result<(), Unsupported> {
    match node {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class { negated, items } => prog.push(Inst::Class {
            negated: *negated,
            items: items.clone(),
        }),
        Node::Start => prog.push(Inst::Start),
        Node::End => prog.push(Inst::End),
        Node::Group(alts) => compile_alts(alts, prog)?,
    }
    too_big(prog)
}

fn parse_alts(c: &[char], pos: &mut usize, depth: usize) -> Result<Vec<Vec<Item>>, Unsupported> {
    if depth > MAX_DEPTH {
        return Err(Unsupported::TooDeep);
    }
    let mut alts = vec![Vec::new()];
    while *pos < c.len() {
        let ch = c[*pos];
        match ch {
            '|' => {
                *pos += 1;
                alts.push(Vec::new());
                continue;
            }
            ')' if depth > 0 => return Ok(alts),
            _ => {}
        }
        *pos += 1;
        let node = match ch {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '(' => {
                let inner = parse_alts(c, pos, depth + 1)?;
                if c.get(*pos) != Some(&')') {
                    return Err(Unsupported::Unmatched('('));
                }
                *pos += 1;
                Node::Group(inner)
            }
            '[' => parse_class(c, pos)?,
            '\\' => {
                let e = *c.get(*pos).ok_or(Unsupported::TrailingBackslash)?;
                *pos += 1;
                if e.is_ascii_alphanumeric() || matches!(e, '<' | '>' | '`' | '\'') {
                    return Err(Unsupported::Escape(e));
                }
                Node::Char(e)
            }
            '*' | '+' | '?' | '{' => return Err(Unsupported::NothingToRepeat(ch)),
            other => Node::Char(other),
        };
        let mut item = Item {
            node,
            min: 1,
            max: 1,
        };
        while let Some(&q) = c.get(*pos) {
            let (lo, hi) = match q {
                '*' => (0, usize::MAX),
                '+' => (1, usize::MAX),
                '?' => (0, 1),
                '{' => {
                    let close = c[*pos..]
                        .iter()
                        .position(|&x| x == '}')
                        .ok_or(Unsupported::Unmatched('{'))?
                        + *pos;
                    let body: String = c[*pos + 1..close].iter().collect();
                    let bound = |t: &str| {
                        t.trim()
                            .parse::<usize>()
                            .map_err(|_| Unsupported::BoundText(body.clone()))
                    };
                    let (a, b) = match body.split_once(',') {
                        Some((a, b)) if b.trim().is_empty() => (bound(a)?, usize::MAX),
                        Some((a, b)) => (bound(a)?, bound(b)?),
                        None => (bound(&body)?, bound(&body)?),
                    };
                    *pos = close;
                    (a, b)
                }
                _ => break,
            };
            *pos += 1;
            // A second quantifier applies to the quantified atom as a whole.
            if item.min != 1 || item.max != 1 {
                item = Item {
                    node: Node::Group(vec![vec![item]]),
                    min: 1,
                    max: 1,
                };
            }
            item.min = lo;
            item.max = hi;
        }
        alts.last_mut().expect("one alternative").push(item);
    }
    if depth > 0 {
        return Err(Unsupported::Unmatched('('));
    }
    Ok(alts)
}

fn parse_class(c: &[char], pos: &mut usize) -> Result<Node, Unsupported> {
    let mut negated = false;
    if c.get(*pos) == Some(&'^') {
        negated = true;
        *pos += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let ch = *c.get(*pos).ok_or(Unsupported::Unmatched('['))?;
        *pos += 1;
        if ch == ']' && !first {
            break;
        }
        first = false;
        if ch == '[' && matches!(c.get(*pos), Some('=' | '.')) {
            return Err(Unsupported::Collating);
        }
        if ch == '[' && c.get(*pos) == Some(&':') {
            let close = (*pos..c.len().saturating_sub(1))
                .find(|&i| c[i] == ':' && c[i + 1] == ']')
                .ok_or(Unsupported::UnterminatedClassName)?;
            let name: String = c[*pos + 1..close].iter().collect();
            *pos = close + 2;
            let ranges: &[(char, char)] = match name.as_str() {
                "alpha" => &[('a', 'z'), ('A', 'Z')],
                "digit" => &[('0', '9')],
                "alnum" => &[('a', 'z'), ('A', 'Z'), ('0', '9')],
                "upper" => &[('A', 'Z')],
                "lower" => &[('a', 'z')],
                "xdigit" => &[('0', '9'), ('a', 'f'), ('A', 'F')],
                "space" => &[(' ', ' '), ('\t', '\r')],
                "blank" => &[(' ', ' '), ('\t', '\t')],
                "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
                _ => return Err(Unsupported::UnknownClass(name)),
            };
            items.extend_from_slice(ranges);
            continue;
        }
        if c.get(*pos) == Some(&'-') && c.get(*pos + 1).is_some_and(|&n| n != ']') {
            let hi = c[*pos + 1];
            *pos += 2;
            items.push((ch, hi));
        } else {
            items.push((ch, ch));
        }
    }
    Ok(Node::Class { negated, items })
}

#[cfg(test)]
mod tests {
    use super::{Item, Node, Regcomp, Regex, RegexError};

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p).unwrap().is_match(t)
    }

    #[test]
    fn unanchored_search_like_regexec() {
        assert!(m("endpoint", "endpoint"));
        assert!(m("type", "auth_type"));
        assert!(m("point", "endpoint"));
        assert!(!m("^point", "endpoint"));
        assert!(m("^end.*t$", "endpoint"));
        assert!(!m("^aor$", "aors"));
    }

    #[test]
    fn operators() {
        assert!(m("^(aor|auth)$", "auth"));
        assert!(!m("^(aor|auth)$", "endpoint"));
        assert!(m("^[0-9]+$", "6001"));
        assert!(!m("^[0-9]+$", "60a1"));
        assert!(m("^[^x]{3}$", "abc"));
        assert!(!m("^a{2,3}$", "aaaa"));
        assert!(m("^a{2,3}$", "aaa"));
        assert!(m("^colou?r$", "color"));
        assert!(m("^[[:alpha:]]+$", "Endpoint"));
        assert!(m("a\\.b", "a.b"));
        assert!(!m("a\\.b", "axb"));
        assert!(m("^(a*)*$", "aaaa"));
        assert!(m("^(a|b)*c$", "ababc"));
        assert!(!m("^(a|b)*c$", "ababd"));
        assert!(m("x(ab|a)(c|bcd)y", "xabcdy"));
        assert!(m("^$", ""));
        assert!(!m("^a{2}$", "a"));
    }

    #[test]
    fn backtracking_traps_answer_at_once() {
        // A backtracking matcher takes minutes on these (polynomial of degree 12 / exponential).
        let t = std::time::Instant::now();
        let text = format!("{}c", "a".repeat(8000));
        assert!(!m(&format!("{}b", "a*".repeat(12)), &text));
        assert!(!m("^(a*)*(a*)*(a*)*b$", &text));
        assert!(!m("(a|aa)*(a|aa)*b", &text));
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
    }

    // The backtracking matcher this module used before, as the reference on small inputs.
    fn m_alts(alts: &[Vec<Item>], s: &[char], i: usize, k: &dyn Fn(usize) -> bool) -> bool {
        alts.iter().any(|seq| m_seq(seq, s, i, k))
    }

    fn m_seq(items: &[Item], s: &[char], i: usize, k: &dyn Fn(usize) -> bool) -> bool {
        match items.split_first() {
            None => k(i),
            Some((it, rest)) => m_rep(it, 0, s, i, &|j| m_seq(rest, s, j, k)),
        }
    }

    /// Greedy repetition with backtracking; a repeat must consume input to go round again.
    fn m_rep(it: &Item, count: usize, s: &[char], i: usize, k: &dyn Fn(usize) -> bool) -> bool {
        if count < it.max
            && m_atom(&it.node, s, i, &|j| {
                (j > i || count < it.min) && m_rep(it, count + 1, s, j, k)
            })
        {
            return true;
        }
        count >= it.min && k(i)
    }

    fn m_atom(node: &Node, s: &[char], i: usize, k: &dyn Fn(usize) -> bool) -> bool {
        match node {
            Node::Char(c) => s.get(i) == Some(c) && k(i + 1),
            Node::Any => i < s.len() && k(i + 1),
            Node::Class { negated, items } => {
                s.get(i).is_some_and(|&ch| {
                    items.iter().any(|&(lo, hi)| lo <= ch && ch <= hi) != *negated
                }) && k(i + 1)
            }
            Node::Start => i == 0 && k(i),
            Node::End => i == s.len() && k(i),
            Node::Group(alts) => m_alts(alts, s, i, k),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]

        #[test]
        fn automaton_agrees_with_backtracking(p in "([ab.^$|()*+?]|\\[ab\\]|\\{[0-2](,[0-3]?)?\\}){0,8}", t in "[abc]{0,8}") {
            let chars: Vec<char> = p.chars().collect();
            let mut pos = 0;
            let parsed = super::parse_alts(&chars, &mut pos, 0);
            if let (Ok(alts), Ok(re)) = (parsed, Regex::new(&p)) {
                let s: Vec<char> = t.chars().collect();
                let slow = (0..=s.len()).any(|start| m_alts(&alts, &s, start, &|_| true));
                proptest::prop_assert_eq!(re.is_match(&t), slow, "{} on {}", p, t);
            }
        }
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(Regex::new("(ab").is_err());
        assert!(Regex::new("[ab").is_err());
        assert!(Regex::new("*a").is_err());
        assert!(Regex::new("a{3,2}").is_err());
        assert!(Regex::new("(a{1000}){1000}").is_err(), "too large");
        assert!(
            matches!(Regex::new(&"(".repeat(5000)), Err(RegexError::Refused(_))),
            "no deep recursion"
        );
        assert!(matches!(
            Regex::new("(a{1000}){1000}"),
            Err(RegexError::Refused(_))
        ));
    }

    #[test]
    fn regcomp_decides_what_is_accepted() {
        // glibc's regerror words, as Asterisk logs them.
        let e = Regex::new("(ab").unwrap_err();
        assert_eq!(e, RegexError::Compile(Regcomp("Unmatched ( or \\(".into())));
        let e = Regex::new("a{1").unwrap_err();
        assert!(
            matches!(&e, RegexError::Compile(m) if m.0.starts_with("Unmatched \\{")),
            "{e:?}"
        );
    }

    #[test]
    fn what_glibc_reads_otherwise_is_refused_not_mismatched() {
        // glibc: a back-reference (matches "aa"); a literal '1' here would be a silent difference.
        for p in ["(a)\\1", "\\w+", "\\<type", "[[=a=]]", "[[.-.]]"] {
            let e = Regex::new(p).unwrap_err();
            assert!(
                matches!(&e, RegexError::Refused(m) if m.to_string().contains("not match")),
                "{p}: {e:?}"
            );
        }
        assert!(m("a\\.b", "a.b"), "punctuation escapes stay");
    }
}
