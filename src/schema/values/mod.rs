//! Field handlers: how each kind of value is parsed, validated and put in Asterisk's output
//! form, following the Asterisk 23.4.1 handler of each kind (named in `field::Kind`).
//! An `Err` is the value refused ([`BadValue`]: the problem, and what the attribute
//! accepts); `Ok(Some(w))` applies the value with a warning.
//!
//! Values are taken exactly as given: Asterisk's handlers trim only where noted (ARI passes
//! values untrimmed; pjsip.conf lines are trimmed by the parser before they get here).

mod auth;
mod caller_id;
mod codecs;
mod lists;
mod network;
mod scalars;
mod uris;

use std::borrow::Cow;
use std::net::IpAddr;

use crate::model::{Object, Val};
use crate::schema::clib::{self, PortRule, SockAddr};
use crate::schema::Kind;

pub use crate::schema::clib::split_list;

use caller_id::PRESENTATIONS;
pub use codecs::CODECS;
pub use lists::named_groups_display;
#[cfg(test)]
pub use network::parse_network;
pub(crate) use network::BASE_ACL;
use network::DSCP;
pub use network::{acl_display, ha_str, parse_ha, Ha, PENDING_HOST};
pub use scalars::{posix_regex_check, Regcomp};
pub use uris::validate_uri_length;

/// A handler's answer: applied (with a warning, where there is one to give), or refused.
pub type Applied = Result<Option<String>, BadValue>;

/// A value a handler refuses: what is wrong with it, and what its attribute accepts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{problem}; accepted: {accepted}")]
pub struct BadValue {
    pub problem: String,
    pub accepted: String,
}

impl BadValue {
    /// `problem` with what `kind` accepts.
    pub fn of(kind: &Kind, problem: impl Into<String>) -> BadValue {
        BadValue {
            problem: problem.into(),
            accepted: accepted(kind),
        }
    }
}

const TRUE_WORDS: &[&str] = &["yes", "true", "y", "t", "1", "on"];
const FALSE_WORDS: &[&str] = &["no", "false", "n", "f", "0", "off"];

/// `ast_true`: case-insensitive, no trimming.
pub fn ast_true(s: &str) -> bool {
    TRUE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// `ast_false`: case-insensitive, no trimming.
pub fn ast_false(s: &str) -> bool {
    FALSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Where the facts of this machine (host names, files) stand for the PBX's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locality {
    /// Asterisk runs here (`serve`, and the default): refuse what it would refuse.
    Here = 0,
    /// The embedded engine: the astdb file may go to another machine, so a host name that
    /// does not resolve here is a warning (an error with --strict), not a refusal.
    Embedded = 1,
    /// A live Asterisk over ARI: host names and files are its business; nothing is
    /// resolved here, and an unreadable file is only a warning naming it.
    Remote = 2,
}

static LOCALITY: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Set once per process, by the command, before anything is built.
pub fn set_locality(l: Locality) {
    LOCALITY.store(l as u8, std::sync::atomic::Ordering::Relaxed);
}

pub fn locality() -> Locality {
    match LOCALITY.load(std::sync::atomic::Ordering::Relaxed) {
        1 => Locality::Embedded,
        2 => Locality::Remote,
        _ => Locality::Here,
    }
}

fn s(v: impl Into<Cow<'static, str>>) -> Val {
    Val::S(v.into())
}

/// The module that handles a kind: its parser and the words for what it accepts sit together.
enum Family {
    Scalars,
    Codecs,
    CallerId,
    Network,
    Auth,
    Uris,
    Lists,
}

fn family(k: &Kind) -> Family {
    match k {
        Kind::Noop
        | Kind::Bool
        | Kind::YesNo
        | Kind::CapitalYesNo
        | Kind::UInt { .. }
        | Kind::Int { .. }
        | Kind::Double
        | Kind::Str
        | Kind::CharArray { .. }
        | Kind::ReadableFile
        | Kind::ScanUInt
        | Kind::Enum { .. }
        | Kind::EnumShownAs { .. }
        | Kind::LenientEnum(..)
        | Kind::AstBoolEnum { .. }
        | Kind::StirShaken
        | Kind::SetVar
        | Kind::Regex
        | Kind::Timeval
        | Kind::JsonData => Family::Scalars,
        Kind::Codec { .. } | Kind::CodecPrefs { .. } => Family::Codecs,
        Kind::CallerId | Kind::CallerIdPrivacy => Family::CallerId,
        Kind::MediaAddress
        | Kind::Tos { .. }
        | Kind::AclRule { .. }
        | Kind::NamedAcl
        | Kind::IdentifyMatch
        | Kind::LocalNet
        | Kind::SockAddr => Family::Network,
        Kind::Md5Cred { .. } | Kind::PasswordDigest | Kind::Algorithms => Family::Auth,
        Kind::FromUser | Kind::AorContact => Family::Uris,
        Kind::IdList
        | Kind::IdentifyBy
        | Kind::FollowRedirect
        | Kind::Group
        | Kind::NamedGroup
        | Kind::ListItem
        | Kind::SecurityMechanisms => Family::Lists,
    }
}

/// What a kind accepts, in words: the end of every refusal and the `schema` listing.
pub fn accepted(k: &Kind) -> String {
    match family(k) {
        Family::Scalars => scalars::accepted(k),
        Family::Codecs => codecs::accepted(k),
        Family::CallerId => caller_id::accepted(k),
        Family::Network => network::accepted(k),
        Family::Auth => auth::accepted(k),
        Family::Uris => uris::accepted(k),
        Family::Lists => lists::accepted(k),
    }
}

/// The values a shell can offer for a field (completion); empty where the value is free.
pub fn candidates(k: &Kind) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = match k {
        Kind::Bool | Kind::YesNo | Kind::CapitalYesNo => vec!["yes", "no"],
        Kind::Enum { values, .. }
        | Kind::EnumShownAs { values, .. }
        | Kind::LenientEnum(values) => values.iter().map(|(i, _)| *i).collect(),
        Kind::AstBoolEnum { others, .. } => ["yes", "no"]
            .into_iter()
            .chain(others.iter().map(|(i, _)| *i))
            .collect(),
        Kind::Codec { .. } => std::iter::once("all")
            .chain(CODECS.iter().copied())
            .collect(),
        Kind::CallerIdPrivacy => PRESENTATIONS.iter().map(|(n, _)| *n).collect(),
        Kind::Tos { .. } => DSCP.iter().map(|(n, _)| *n).collect(),
        Kind::IdentifyBy => vec!["username", "auth_username", "ip", "header", "request_uri"],
        _ => Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(*x));
    v
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let ty: &'static crate::schema::TypeDef = obj.ty;
    match family(&ty.fields[idx].kind) {
        Family::Scalars => scalars::apply(obj, idx, input),
        Family::Codecs => codecs::apply(obj, idx, input),
        Family::CallerId => caller_id::apply(obj, idx, input),
        Family::Network => network::apply(obj, idx, input),
        Family::Auth => auth::apply(obj, idx, input),
        Family::Uris => uris::apply(obj, idx, input),
        Family::Lists => lists::apply(obj, idx, input),
    }
}

#[cfg(test)]
mod tests;
