//! Booleans, numbers, text, enumerations, regexes, times and JSON: the generic handlers of
//! main/config_options.c (bool_handler_fn, uint_handler_fn, …) and the enumerations of res_pjsip.

use super::*;

/// What these kinds accept, in words.
pub(super) fn accepted(k: &Kind) -> String {
    match k {
        Kind::Noop => "anything (ignored)".into(),
        Kind::Bool | Kind::YesNo | Kind::CapitalYesNo => {
            "yes, true, y, t, 1, on (anything else reads as no)".into()
        }
        Kind::UInt { min, max } if *min == 0 && *max == u32::MAX as u64 => {
            "an unsigned integer 0-4294967295 (decimal, 0x hex or 0-prefixed octal)".into()
        }
        Kind::UInt { min, max } => {
            format!("an unsigned integer {min}-{max} (decimal, 0x hex or 0-prefixed octal)")
        }
        Kind::Int { min, max } if *min == i32::MIN as i64 && *max == i32::MAX as i64 => {
            "an integer (decimal, 0x hex or 0-prefixed octal)".into()
        }
        Kind::Int { min, max } => format!("an integer {min}-{max}"),
        Kind::Double => "a number such as 3 or 2.5".into(),
        Kind::Str => "any text".into(),
        Kind::CharArray {
            size,
            non_empty: true,
        } => format!("non-empty text of at most {} bytes", size - 1),
        Kind::CharArray { size, .. } => format!("text of at most {} bytes", size - 1),
        Kind::ReadableFile => "a path readable by Asterisk, or empty".into(),
        Kind::ScanUInt => "an unsigned integer".into(),
        Kind::Enum {
            values,
            case_sensitive,
        } => {
            format!(
                "{}{}",
                spellings(values),
                if *case_sensitive { " (exact case)" } else { "" }
            )
        }
        Kind::EnumShownAs { values, .. } => spellings(values),
        Kind::LenientEnum(values) => format!("{} (other words are ignored)", spellings(values)),
        Kind::AstBoolEnum { others, .. } => {
            let mut v = vec!["yes", "no"];
            v.extend(others.iter().map(|(i, _)| *i));
            v.dedup();
            format!("{} (or any yes/no spelling)", v.join(", "))
        }
        Kind::SetVar => "NAME=VALUE".into(),
        Kind::StirShaken => "nothing useful: it is obsolete and always reads no".into(),
        Kind::Regex => "a POSIX extended regular expression, or empty".into(),
        Kind::Timeval => "seconds since the epoch (sec[.fraction])".into(),
        Kind::JsonData => "a JSON object or array".into(),
        _ => unreachable!("not a kind of this family"),
    }
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub(super) fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let ty: &'static crate::schema::TypeDef = obj.ty;
    let fd = &ty.fields[idx];
    let name = fd.name;
    let kind = &fd.kind;
    let fail = |problem: String| -> Applied { Err(BadValue::of(kind, problem)) };
    match kind {
        Kind::Noop => Ok(None),
        Kind::Bool => {
            obj.vals[idx] = s(if ast_true(input) { "true" } else { "false" });
            Ok(bool_warning(input, name))
        }
        Kind::YesNo => {
            obj.vals[idx] = s(if ast_true(input) { "yes" } else { "no" });
            Ok(bool_warning(input, name))
        }
        Kind::CapitalYesNo => {
            obj.vals[idx] = s(if ast_true(input) { "Yes" } else { "No" });
            Ok(bool_warning(input, name))
        }
        Kind::UInt { min, max } => {
            let Some(n) = clib::parse_uint32(input) else {
                return fail(if input.is_empty() { "empty".into() } else { "not an unsigned integer".into() });
            };
            if n < *min || n > *max {
                return fail(format!("{n} is out of range"));
            }
            obj.vals[idx] = s(n.to_string());
            Ok(None)
        }
        Kind::Int { min, max } => {
            let n = match clib::strtol_whole(input) {
                Some(n) if (i32::MIN as i64..=i32::MAX as i64).contains(&n) => n,
                _ => return fail(if input.is_empty() { "empty".into() } else { "not an integer".into() }),
            };
            if n < *min || n > *max {
                return fail(format!("{n} is out of range"));
            }
            obj.vals[idx] = s(n.to_string());
            Ok(None)
        }
        Kind::Double => {
            let Some(n) = clib::strtod_whole(input) else {
                return fail("not a number (or out of range)".into());
            };
            obj.vals[idx] = s(clib::format_f(n));
            Ok(None)
        }
        Kind::Str => {
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::CharArray { size, non_empty } => {
            if *non_empty && input.is_empty() {
                return fail("empty".into());
            }
            let mut v = input.to_string();
            clib::truncate_bytes(&mut v, size - 1);
            let warn = (v.len() < input.len()).then(|| {
                format!("{name}: Asterisk keeps only the first {} bytes: '{v}'", size - 1)
            });
            obj.vals[idx] = s(v);
            Ok(warn)
        }
        Kind::ReadableFile => {
            let unreadable = !input.is_empty() && std::fs::File::open(input).is_err();
            if unreadable && locality() == Locality::Remote {
                obj.vals[idx] = s(input.to_string());
                return Ok(Some(format!(
                    "{name}: '{input}' is not readable on this machine; Asterisk checks it on its own host \
                     when the value is set"
                )));
            }
            if unreadable {
                return fail(format!(
                    "'{input}' does not exist or is not readable (Asterisk checks the file when the value is set; \
                     pjsipctl checks it on this host)"
                ));
            }
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::ScanUInt => match clib::scan_uint(input) {
            Some(n) => {
                obj.vals[idx] = s(n.to_string());
                Ok(None)
            }
            None => fail("not a number".into()),
        },
        Kind::Enum { values, case_sensitive } => match enum_lookup(values, input, *case_sensitive) {
            Some(out) => {
                obj.vals[idx] = s(out);
                Ok(None)
            }
            None => fail(format!("'{input}' is not a known value")),
        },
        Kind::EnumShownAs { values, shows } => match enum_lookup(values, input, false) {
            Some(out) => {
                obj.vals[idx] = s(out);
                let shown = obj.str(shows).to_string();
                Ok((out != shown).then(|| {
                    format!(
                        "{name}={input}: Asterisk prints (and stores in astdb) {shows}'s value '{shown}' here, \
                         so an update or a reload turns it into {shown}"
                    )
                }))
            }
            None => fail(format!("'{input}' is not a known value")),
        },
        Kind::LenientEnum(values) => match enum_lookup(values, input, false) {
            Some(out) => {
                obj.vals[idx] = s(out);
                Ok(None)
            }
            None => Ok(Some(format!(
                "{name}={input}: Asterisk ignores this value and keeps {}; accepted: {}",
                obj.vals[idx].as_str(),
                spellings(values)
            ))),
        },
        Kind::AstBoolEnum { yes, no, others } => {
            let out = if ast_true(input) {
                *yes
            } else if let Some((_, o)) = others.iter().find(|(i, _)| i.eq_ignore_ascii_case(input)) {
                o
            } else if ast_false(input) {
                *no
            } else {
                return fail(format!("'{input}' is not a known value"));
            };
            obj.vals[idx] = s(out);
            Ok(None)
        }
        Kind::SetVar => {
            if input.is_empty() {
                return Ok(None);
            }
            let Some((k, v)) = input.split_once('=') else {
                return fail("no '='".into());
            };
            if let Val::V(vars) = &mut obj.vals[idx] {
                match vars.iter_mut().find(|(n, _)| n == k) {
                    Some(p) => p.1 = v.to_string(),
                    None => vars.push((k.to_string(), v.to_string())),
                }
            }
            Ok(None)
        }
        Kind::StirShaken => Ok(Some(format!(
            "{name} is no longer supported by Asterisk and always reads 'no': use stir_shaken_profile"
        ))),
        Kind::Regex => {
            if !input.is_empty() {
                if let Err(e) = posix_regex_check(input) {
                    return fail(format!("not a valid regular expression ({e})"));
                }
            }
            obj.vals[idx] = s(input.to_string());
            Ok(None)
        }
        Kind::Timeval => {
            if input.is_empty() {
                return fail("empty".into());
            }
            match clib::scan_float(input) {
                Some(v) if v.is_finite() => {
                    obj.vals[idx] = s((v.trunc() as i64).to_string());
                    Ok(None)
                }
                _ => fail("not a number of seconds".into()),
            }
        }
        Kind::JsonData => match serde_json::from_str::<serde_json::Value>(input) {
            Ok(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
                obj.vals[idx] = s(serde_json::to_string(&v).expect("serialisable"));
                Ok(None)
            }
            _ => {
                obj.vals[idx] = Val::Null;
                Ok(Some(format!("{name}: not a JSON object or array; Asterisk keeps it unset")))
            }
        },
        _ => unreachable!("not a kind of this family"),
    }
}

fn spellings(values: &[(&str, &str)]) -> String {
    let mut v: Vec<&str> = Vec::new();
    for (i, _) in values {
        if !v.contains(i) {
            v.push(i);
        }
    }
    v.join(", ")
}

fn bool_warning(input: &str, name: &str) -> Option<String> {
    if ast_true(input) || ast_false(input) {
        None
    } else {
        Some(format!(
            "{name}={input}: not a yes/no spelling; Asterisk reads it as false (use yes or no, exactly, without spaces)"
        ))
    }
}

fn enum_lookup<'a>(
    values: &'a [(&'a str, &'a str)],
    input: &str,
    case_sensitive: bool,
) -> Option<&'a str> {
    values
        .iter()
        .find(|(i, _)| {
            if case_sensitive {
                *i == input
            } else {
                i.eq_ignore_ascii_case(input)
            }
        })
        .map(|(_, o)| *o)
}

/// regcomp refused an expression: regerror's words, as Asterisk logs them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Regcomp(pub String);

/// regcomp(REG_EXTENDED | REG_NOSUB) from the C library, as Asterisk compiles filters.
pub fn posix_regex_check(pattern: &str) -> Result<(), Regcomp> {
    use std::ffi::{c_char, c_int, CString};
    #[repr(C, align(16))]
    struct RegexT([u8; 256]);
    extern "C" {
        fn regcomp(preg: *mut RegexT, pattern: *const c_char, cflags: c_int) -> c_int;
        fn regerror(errcode: c_int, preg: *const RegexT, errbuf: *mut c_char, size: usize)
            -> usize;
        fn regfree(preg: *mut RegexT);
    }
    const REG_EXTENDED: c_int = 1;
    const REG_NOSUB: c_int = 8;
    // A C string ends at the first NUL.
    let cut = pattern.split('\0').next().unwrap_or("");
    let c = CString::new(cut).expect("no NUL");
    let mut re = RegexT([0; 256]);
    // SAFETY: `re` is a zeroed buffer larger than any libc's regex_t and suitably aligned;
    // it is freed with regfree only after a successful regcomp.
    unsafe {
        let rc = regcomp(&mut re, c.as_ptr(), REG_EXTENDED | REG_NOSUB);
        if rc == 0 {
            regfree(&mut re);
            Ok(())
        } else {
            let mut buf = [0 as c_char; 256];
            regerror(rc, &re, buf.as_mut_ptr(), buf.len());
            let msg = std::ffi::CStr::from_ptr(buf.as_ptr())
                .to_string_lossy()
                .into_owned();
            Err(Regcomp(msg))
        }
    }
}
