//! ARI authentication as res_ari.c does it: HTTP Basic first; without an
//! Authorization header, `?api_key=user:password`. Credentials are compared in
//! constant time.

use axum::http::{header, HeaderMap};
use base64::Engine;

use crate::server::route::decode;

/// The one user `serve` accepts.
#[derive(Clone)]
pub struct Credential {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Credential {{ user: {:?}, password: <hidden> }}",
            self.user
        )
    }
}

impl Credential {
    /// Both parts are always compared, each in time independent of where they differ.
    pub fn matches(&self, user: &str, password: &str) -> bool {
        let u = ct_eq(self.user.as_bytes(), user.as_bytes());
        let p = ct_eq(self.password.as_bytes(), password.as_bytes());
        u & p
    }
}

/// Constant-time equality: the time depends only on the longer length.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().max(b.len());
    let mut diff = (a.len() != b.len()) as u8;
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

/// `user:password` from an `Authorization: Basic ...` header.
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

pub fn authorized(headers: &HeaderMap, query: Option<&str>, cred: &Credential) -> bool {
    if let Some((u, p)) = basic(headers) {
        return cred.matches(&u, &p);
    }
    for pair in query.unwrap_or("").split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if decode(k).eq_ignore_ascii_case("api_key") {
            let v = decode(v);
            return match v.split_once(':') {
                Some((u, p)) if !p.is_empty() => cred.matches(u, p),
                _ => false,
            };
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred() -> Credential {
        Credential {
            user: "asterisk".into(),
            password: "se:cr+et".into(),
        }
    }

    #[test]
    fn constant_time_equality() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
        assert!(!ct_eq(b"", b"a"));
        assert!(ct_eq(b"", b""));
    }

    /// The fastest of several runs of `f`.
    fn fastest(f: impl Fn() -> bool) -> std::time::Duration {
        (0..9)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .min()
            .unwrap()
    }

    #[test]
    fn comparisons_take_as_long_wherever_the_inputs_differ() {
        // An early exit would make a difference in the first byte ~a million times faster.
        let secret = vec![b's'; 1 << 18];
        let mut first = secret.clone();
        first[0] = b'x';
        let mut last = secret.clone();
        *last.last_mut().unwrap() = b'x';
        let (a, b) = (
            fastest(|| ct_eq(&secret, &first)),
            fastest(|| ct_eq(&secret, &last)),
        );
        assert!(a * 10 > b && b * 10 > a, "first {a:?}, last {b:?}");
        // Both user and password are always compared.
        let cred = Credential {
            user: "asterisk".into(),
            password: String::from_utf8(secret.clone()).unwrap(),
        };
        let wrong_password = String::from_utf8(last).unwrap();
        let right_password = String::from_utf8(secret).unwrap();
        let (a, b) = (
            fastest(|| cred.matches("xsterisk", &right_password)),
            fastest(|| cred.matches("asterisk", &wrong_password)),
        );
        assert!(
            a * 10 > b && b * 10 > a,
            "wrong user {a:?}, wrong password {b:?}"
        );
    }

    #[test]
    fn basic_then_api_key() {
        let mut h = HeaderMap::new();
        assert!(!authorized(&h, None, &cred()));
        assert!(authorized(&h, Some("api_key=asterisk:se:cr%2Bet"), &cred()));
        assert!(authorized(
            &h,
            Some("x=1&API_KEY=asterisk%3Ase%3Acr%2Bet"),
            &cred()
        ));
        assert!(
            !authorized(&h, Some("api_key=asterisk:se:cr+et"), &cred()),
            "+ decodes to a space"
        );
        assert!(!authorized(&h, Some("api_key=asterisk"), &cred()));
        let good = base64::engine::general_purpose::STANDARD.encode("asterisk:se:cr+et");
        h.insert(
            header::AUTHORIZATION,
            format!("Basic {good}").parse().unwrap(),
        );
        assert!(authorized(&h, None, &cred()));
        // A Basic header that fails is final, as in res_ari.c.
        let bad = base64::engine::general_purpose::STANDARD.encode("asterisk:wrong");
        h.insert(
            header::AUTHORIZATION,
            format!("Basic {bad}").parse().unwrap(),
        );
        assert!(!authorized(
            &h,
            Some("api_key=asterisk:se:cr%2Bet"),
            &cred()
        ));
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", cred()).contains("se:cr"));
    }
}
