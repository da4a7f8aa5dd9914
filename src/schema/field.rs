//! The vocabulary of the schema tables: a field, its value kind and its output flags.

/// Never output: no to_str in Asterisk (input-only fields, aliases, `type`).
pub const HIDDEN: u8 = 1;
/// One objectset entry per item (aor `contact`, identify `match`, ...).
pub const MULTI: u8 = 2;
/// Shown masked in tables unless secrets are asked for.
pub const SECRET: u8 = 4;
/// to_str gives NULL while empty: "" in the objectset, key left out of the astdb row.
pub const NULL_EMPTY: u8 = 8;
/// to_str fails while unset: the attribute is absent from the objectset.
pub const SKIP_UNSET: u8 = 16;

/// One registered attribute of a Sorcery object type.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// The value a freshly allocated object shows, in Asterisk's output form.
    pub init: &'static str,
    pub flags: u8,
}

impl Field {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// How a field's text is parsed and printed; one variant per Asterisk handler family.
#[derive(Debug)]
pub enum Kind {
    /// Accepted and ignored (`type`).
    Noop,
    /// ast_true; prints true/false.
    Bool,
    /// ast_true; prints yes/no.
    YesNo,
    /// ast_true; prints Yes/No (dtls and TLS flags).
    CapitalYesNo,
    UInt {
        min: u64,
        max: u64,
    },
    Int,
    Double,
    Str,
    NonEmptyStr,
    /// allow (appends) or disallow (removes).
    Codec {
        allow: bool,
    },
    /// Fixed spellings (input, output); anything else is an error.
    Enum {
        values: &'static [(&'static str, &'static str)],
        case_sensitive: bool,
    },
    /// Like Enum, but Asterisk silently ignores an unknown spelling.
    LenientEnum(&'static [(&'static str, &'static str)]),
    /// Any ast_true / ast_false spelling, plus extra words (100rel, timers).
    AstBoolEnum {
        yes: &'static str,
        no: &'static str,
        others: &'static [(&'static str, &'static str)],
    },
    /// Comma list of object ids, replacing the previous list (auth, outbound_auth).
    IdList,
    IdentifyBy,
    FollowRedirect,
    MediaAddress,
    CallerId,
    CallerIdPrivacy,
    Group,
    NamedGroup,
    Tos,
    FromUser,
    SetVar,
    /// deny/permit lines appended to the ACL shown by `target`.
    AclRule {
        target: &'static str,
    },
    NamedAcl,
    CodecPrefs {
        allow_union: bool,
    },
    StirShaken,
    SecurityMechanisms,
    Md5Cred,
    PasswordDigest,
    Algorithms,
    AorContact,
    IdentifyMatch,
    LocalNet,
    ListItem,
    Regex,
    SockAddr,
    Timeval,
}
