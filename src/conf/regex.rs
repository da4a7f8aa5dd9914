//! The small part of POSIX extended regular expressions that `[name](+filter)` needs:
//! main/config.c matches a filter's `name=value` with regcomp(REG_EXTENDED) + regexec,
//! i.e. an unanchored search. Literals, `.`, `[...]`, `^`, `$`, `*`, `+`, `?`, `{m,n}`,
//! `|` and `( )` are supported; that covers what people write in a filter.

#[derive(Debug)]
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

#[derive(Debug)]
struct Item {
    node: Node,
    min: usize,
    max: usize,
}

/// A compiled expression.
#[derive(Debug)]
pub struct Regex {
    alts: Vec<Vec<Item>>,
}

impl Regex {
    /// Compile; `Err` carries why, as regcomp would refuse it.
    pub fn new(pattern: &str) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let alts = parse_alts(&chars, &mut pos, 0)?;
        if pos != chars.len() {
            return Err("unmatched ')'".into());
        }
        Ok(Regex { alts })
    }

    /// regexec without REG_NOTBOL: does the expression match anywhere in `text`?
    pub fn is_match(&self, text: &str) -> bool {
        let s: Vec<char> = text.chars().collect();
        (0..=s.len()).any(|start| m_alts(&self.alts, &s, start, &|_| true))
    }
}

fn parse_alts(c: &[char], pos: &mut usize, depth: usize) -> Result<Vec<Vec<Item>>, String> {
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
                    return Err("unmatched '('".into());
                }
                *pos += 1;
                Node::Group(inner)
            }
            '[' => parse_class(c, pos)?,
            '\\' => {
                let e = *c.get(*pos).ok_or("trailing backslash")?;
                *pos += 1;
                Node::Char(e)
            }
            '*' | '+' | '?' | '{' => return Err(format!("'{ch}' follows nothing")),
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
                        .ok_or("unmatched '{'")?
                        + *pos;
                    let body: String = c[*pos + 1..close].iter().collect();
                    let bound = |t: &str| {
                        t.trim()
                            .parse::<usize>()
                            .map_err(|_| format!("bad bound '{{{body}}}'"))
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
        return Err("unmatched '('".into());
    }
    Ok(alts)
}

fn parse_class(c: &[char], pos: &mut usize) -> Result<Node, String> {
    let mut negated = false;
    if c.get(*pos) == Some(&'^') {
        negated = true;
        *pos += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let ch = *c.get(*pos).ok_or("unmatched '['")?;
        *pos += 1;
        if ch == ']' && !first {
            break;
        }
        first = false;
        if ch == '[' && c.get(*pos) == Some(&':') {
            let close = (*pos..c.len().saturating_sub(1))
                .find(|&i| c[i] == ':' && c[i + 1] == ']')
                .ok_or("unterminated character class name")?;
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
                _ => return Err(format!("unknown character class '{name}'")),
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
            s.get(i)
                .is_some_and(|&ch| items.iter().any(|&(lo, hi)| lo <= ch && ch <= hi) != *negated)
                && k(i + 1)
        }
        Node::Start => i == 0 && k(i),
        Node::End => i == s.len() && k(i),
        Node::Group(alts) => m_alts(alts, s, i, k),
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

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
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(Regex::new("(ab").is_err());
        assert!(Regex::new("[ab").is_err());
        assert!(Regex::new("*a").is_err());
    }
}
