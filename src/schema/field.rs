//! The vocabulary of the schema tables: a field, its value kind and its output flags.

/// Never output: no to_str in Asterisk (input-only fields, aliases, `type`).
pub const HIDDEN: u8 = 1;
/// One objectset entry per item (aor `contact`, identify `match`, ...).
pub const MULTI: u8 = 2;
/// Shown masked in tables unless secrets are asked for.
pub const SECRET: u8 = 4;
/// A SECRET field's value as shown: in output, and in a refused push's reason (the
/// engine masks it where the refusal is made, so no error ever carries the secret).
pub const MASK: &str = "********";
/// to_str gives NULL while the value is unset (never assigned, or an empty list):
/// "" in the objectset, key left out of the astdb row. Assigning "" makes it set.
pub const NULL_EMPTY: u8 = 8;
/// to_str fails while unset: the attribute is absent from the objectset and the row.
pub const SKIP_UNSET: u8 = 16;
/// Asterisk's handler compares the name it is given case-sensitively (pjsip_configuration.c:
/// group_handler, named_groups_handler, tos_handler, codec_prefs_handler): the option is
/// found in any case, then refused unless the name is spelt exactly (`CALL_GROUP=1`).
pub const EXACT_NAME: u8 = 32;
/// to_str prints `init` while unset, and the field's own handler reads that text back as a
/// value (callerid: `<unknown>` is then the number `unknown`; pjsip_configuration.c
/// caller_id_to_str, main/callerid.c ast_callerid_merge). pjsipctl leaves such a key out of
/// the rows it writes, so that Asterisk loads the true default: see
/// [`crate::schema::TypeDef::misread_unset`].
pub const UNSET_MISREAD: u8 = 64;

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
/// `values::apply` holds each handler, `values::accepted` says what each accepts.
#[derive(Debug)]
pub enum Kind {
    /// Accepted and ignored (`type`).
    Noop,
    /// OPT_BOOL_T: ast_true; prints true/false.
    Bool,
    /// OPT_YESNO_T: ast_true; prints yes/no.
    YesNo,
    /// ast_true; prints Yes/No (DTLS and TLS flags).
    CapitalYesNo,
    /// OPT_UINT_T (ast_parse_arg PARSE_UINT32), with PARSE_IN_RANGE bounds.
    UInt {
        min: u64,
        max: u64,
    },
    /// OPT_INT_T (ast_parse_arg PARSE_INT32), with PARSE_IN_RANGE bounds.
    Int {
        min: i64,
        max: i64,
    },
    /// OPT_DOUBLE_T: strtod, printed `%f`.
    Double,
    /// OPT_STRINGFIELD_T or a custom handler keeping the text as given.
    Str,
    /// OPT_CHAR_ARRAY_T: cut to `size - 1` bytes; `non_empty` refuses "".
    CharArray {
        size: usize,
        non_empty: bool,
    },
    /// A file Asterisk must be able to read when the value is not empty.
    ReadableFile,
    /// `sscanf("%u")` (dtls_rekey): a leading number, negatives wrap.
    ScanUInt,
    /// allow (appends) or disallow (removes): ast_format_cap_update_by_allow_disallow.
    Codec {
        allow: bool,
    },
    /// Fixed spellings (input, output); anything else is an error.
    Enum {
        values: &'static [(&'static str, &'static str)],
        case_sensitive: bool,
    },
    /// Like Enum, but printed as the value of another field (direct_media_method's to_str
    /// prints connected_line_method).
    EnumShownAs {
        values: &'static [(&'static str, &'static str)],
        shows: &'static str,
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
    /// ast_str2tos; `round` drops the two low bits as the transport handler does.
    Tos {
        round: bool,
    },
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
    /// md5_cred: an MD5 digest kept in the digest store of field `store` (password_digest).
    Md5Cred {
        store: &'static str,
    },
    PasswordDigest,
    Algorithms,
    AorContact,
    IdentifyMatch,
    LocalNet,
    ListItem,
    /// A POSIX extended regular expression (regcomp); "" is ignored.
    Regex,
    /// transport bind: pj_sockaddr_parse, printed with its port.
    SockAddr,
    /// ast_get_timeval: seconds (a leading number), printed as whole seconds.
    Timeval,
    /// A JSON document kept in compact form; text that is not JSON reads as unset.
    JsonData,
}
