//! The wire: one kept-alive reqwest connection per command, URLs built the way
//! Asterisk decodes them, and transport failures sorted into the few kinds a user
//! can act on.

use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::backend::ari::target::Target;
use crate::error::{Error, Result};

/// Everything but RFC 3986 unreserved characters is percent-encoded in a path
/// segment: Asterisk decodes `+` to a space (golden 40_special_id_plus_literal_get),
/// and `/`, `?`, `#`, `%` would change the request.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The api_key query value keeps its `:` (Asterisk splits user and password there).
const QUERY: &AsciiSet = &SEGMENT.remove(b':');

/// One path segment (an object type, an id, a module name), encoded.
pub fn segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Path of one configuration object below the ARI base URL.
pub fn object_path(config_class: &str, ty: &str, id: &str) -> String {
    format!(
        "/asterisk/config/dynamic/{}/{}/{}",
        segment(config_class),
        segment(ty),
        segment(id)
    )
}

/// Ids an HTTP client cannot address: URL parsers resolve `.` and `..` segments
/// (and their %2E spellings) before the request leaves, so Asterisk would see
/// another path.
pub fn unaddressable(id: &str) -> bool {
    id == "." || id == ".."
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing listens there.
    Refused(String),
    /// No answer within --timeout.
    Timeout,
    /// The TLS handshake failed (certificate, or not TLS at all).
    Tls(String),
    /// The connection closed or reset before the whole answer arrived.
    Lost(String),
    /// Any other failure to connect (DNS, unreachable network).
    Connect(String),
    Other(String),
}

enum Auth {
    None,
    Basic(String, String),
    /// `user:password`, already encoded for the query.
    ApiKey(String),
}

pub struct Http {
    client: reqwest::blocking::Client,
    /// Base URL without a trailing slash.
    pub base: String,
    pub user: Option<String>,
    pub timeout: f64,
    auth: Auth,
    https: bool,
}

impl Http {
    /// A client of `t` sending `password` (read by [`Target::login`]).
    pub fn new(t: &Target, password: Option<&str>) -> Result<Http> {
        let timeout = Duration::from_secs_f64(t.timeout);
        let mut b = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            .user_agent(concat!("pjsipctl/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &t.tls.cacert {
            let pem = std::fs::read(ca).map_err(|e| {
                Error::usage(format!("cannot read --cacert {}", ca.display())).because(e)
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    Error::usage(format!(
                        "--cacert {}: no PEM certificate in it",
                        ca.display()
                    ))
                })?;
            b = b.tls_certs_only(certs);
        }
        if t.tls.insecure {
            b = b.danger_accept_invalid_certs(true);
        }
        let client = b
            .build()
            .map_err(|e| Error::storage("cannot set up the HTTP client").because(e))?;
        let auth = match (&t.credentials.user, password) {
            (Some(u), Some(p)) if t.credentials.api_key => {
                Auth::ApiKey(utf8_percent_encode(&format!("{u}:{p}"), QUERY).to_string())
            }
            (Some(u), Some(p)) => Auth::Basic(u.clone(), p.to_string()),
            _ => Auth::None,
        };
        Ok(Http {
            client,
            base: t.url.clone(),
            user: t.credentials.user.clone(),
            timeout: t.timeout,
            auth,
            https: t.url.starts_with("https:"),
        })
    }

    /// One request; `path` is already encoded and starts with '/'. A body is always JSON.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
    ) -> std::result::Result<Reply, Failure> {
        let mut url = format!("{}{}", self.base, path);
        if let Auth::ApiKey(k) = &self.auth {
            url.push(if path.contains('?') { '&' } else { '?' });
            url.push_str("api_key=");
            url.push_str(k);
        }
        let m = match method {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut rb = self
            .client
            .request(m, &url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Auth::Basic(u, p) = &self.auth {
            rb = rb.basic_auth(u, Some(p));
        }
        if let Some(b) = body {
            // Asterisk ignores a body that is not labelled application/json.
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_vec());
        }
        // without_url: the URL may carry the api_key password, and messages name the request anyway.
        let resp = rb
            .send()
            .map_err(|e| classify(&e.without_url(), self.https))?;
        let status = resp.status().as_u16();
        let body = resp
            .bytes()
            .map_err(|e| match classify(&e.without_url(), self.https) {
                Failure::Timeout => Failure::Timeout,
                f => Failure::Lost(detail(&f)),
            })?;
        Ok(Reply {
            status,
            body: body.to_vec(),
        })
    }
}

fn detail(f: &Failure) -> String {
    match f {
        Failure::Refused(d)
        | Failure::Tls(d)
        | Failure::Lost(d)
        | Failure::Connect(d)
        | Failure::Other(d) => d.clone(),
        Failure::Timeout => "timed out".into(),
    }
}

/// The error and all its sources, innermost last.
fn chain(e: &reqwest::Error) -> String {
    crate::error::chain(e.to_string(), std::error::Error::source(e))
}

/// The innermost cause: the part of a failure a user can act on.
fn innermost(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    cur.to_string()
}

fn classify(e: &reqwest::Error, https: bool) -> Failure {
    let all = chain(e);
    let text = innermost(e);
    if e.is_timeout() {
        return Failure::Timeout;
    }
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cur {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return Failure::Refused(text),
                TimedOut => return Failure::Timeout,
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
                    if !e.is_connect() || !https =>
                {
                    return Failure::Lost(text)
                }
                _ => {}
            }
        }
        cur = c.source();
    }
    let lower = all.to_ascii_lowercase();
    if e.is_connect() {
        let tls_words = [
            "certificate",
            "tls",
            "handshake",
            "corrupt",
            "peer",
            "alert",
            "unknownissuer",
            "invalid",
        ];
        if https && tls_words.iter().any(|w| lower.contains(w)) {
            return Failure::Tls(text);
        }
        if lower.contains("refused") {
            return Failure::Refused(text);
        }
        return Failure::Connect(text);
    }
    if e.is_body()
        || e.is_decode()
        || ["closed", "reset", "incomplete", "eof", "broken pipe"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return Failure::Lost(text);
    }
    Failure::Other(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The encodings a real Asterisk decoded back to the id (its ast_uri_decode).
    #[test]
    fn ids_are_encoded_as_asterisk_decodes_them() {
        let cases = [
            ("alice bob", "alice%20bob"),
            ("a/b", "a%2Fb"),
            ("a+b", "a%2Bb"),
            ("100%", "100%25"),
            ("q?x#y", "q%3Fx%23y"),
            ("aor1;@deadbeef", "aor1%3B%40deadbeef"),
            ("Ålice-测试-☎", "%C3%85lice-%E6%B5%8B%E8%AF%95-%E2%98%8E"),
            ("plain-id_1.2~x", "plain-id_1.2~x"),
        ];
        for (id, enc) in cases {
            assert_eq!(segment(id), enc, "{id}");
        }
        assert_eq!(
            object_path("res_pjsip", "outbound-publish", "a b"),
            "/asterisk/config/dynamic/res_pjsip/outbound-publish/a%20b"
        );
    }

    #[test]
    fn dot_ids_are_flagged() {
        assert!(unaddressable(".") && unaddressable(".."));
        assert!(!unaddressable("...") && !unaddressable(".x"));
    }

    #[test]
    fn encoded_paths_survive_url_parsing() {
        // reqwest parses the URL again; what we encode must reach the wire unchanged.
        for id in [
            "alice bob",
            "a/b",
            "a+b",
            "100%",
            "q?x#y",
            "aor1;@x",
            "Ålice",
            "...",
        ] {
            let url = format!("http://h/ari{}", object_path("res_pjsip", "aor", id));
            let parsed = reqwest::Url::parse(&url).unwrap();
            assert_eq!(parsed.as_str(), url, "{id}");
        }
    }

    #[test]
    fn api_key_keeps_the_colon() {
        assert_eq!(
            utf8_percent_encode("asterisk:se:c+r t", QUERY).to_string(),
            "asterisk:se:c%2Br%20t"
        );
    }
}
