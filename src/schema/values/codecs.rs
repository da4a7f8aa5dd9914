//! Codec lists and codec preferences (main/format_cap.c: ast_format_cap_update_by_allow_disallow;
//! main/stream.c: ast_stream_codec_prefs_parse).

use super::*;

/// What these kinds accept, in words.
pub(super) fn accepted(k: &Kind) -> String {
    match k {
        Kind::Codec { .. } => format!(
            "a comma or | list of codec names, 'all', '!name' to invert, 'name:ms' for framing; codecs: {}",
            CODECS.join(", ")
        ),
        Kind::CodecPrefs { allow_union } => format!(
            "a comma list of prefer: pending|configured, operation: intersect{}|only_preferred|only_nonpreferred, keep: all|first, transcode: allow|prevent",
            if *allow_union { "|union" } else { "" }
        ),
        _ => unreachable!("not a kind of this family"),
    }
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub(super) fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let ty: &'static crate::schema::TypeDef = obj.ty;
    let fd = &ty.fields[idx];
    let name = fd.name;
    let kind = &fd.kind;
    match kind {
        Kind::Codec { allow } => codecs(obj, idx, input, *allow),
        Kind::CodecPrefs { allow_union } => {
            let (text, warn) = codec_prefs(input, name, *allow_union)
                .map_err(|problem| BadValue::of(kind, problem))?;
            obj.vals[idx] = s(text);
            Ok(warn)
        }
        _ => unreachable!("not a kind of this family"),
    }
}

/// Codecs Asterisk 23.4.1 registers (main/codec_builtin.c), in registration (id) order;
/// `all` appends them in this order, except `none`.
pub const CODECS: &[&str] = &[
    "codec2", "g723", "ulaw", "alaw", "gsm", "g726", "g726aal2", "adpcm", "slin", "slin12",
    "slin16", "slin24", "slin32", "slin44", "slin48", "slin96", "slin192", "lpc10", "g729",
    "speex", "speex16", "speex32", "ilbc", "g722", "siren7", "siren14", "g719", "opus", "jpeg",
    "png", "h261", "h263", "h263p", "h264", "h265", "mpeg4", "vp8", "vp9", "red", "t140", "t38",
    "none", "silk8", "silk12", "silk16", "silk24",
];

/// `allow`/`disallow`: ast_format_cap_update_by_allow_disallow. Tokens split on `,` or `|`
/// and stripped; errors are collected while the other tokens still apply, then the whole
/// value fails.
fn codecs(obj: &mut Object, idx: usize, input: &str, allow: bool) -> Applied {
    if !allow && input.is_empty() {
        return Ok(None);
    }
    let target = obj.ty.field_index_exact("allow").unwrap_or(idx);
    let mut list = obj.vals[target].list().to_vec();
    let mut value = input;
    let mut errors = Vec::new();
    if value.len() >= 2 && value.starts_with('(') && value.ends_with(')') {
        // The objectset form `(a|b)`: allow replaces, disallow re-adds all first.
        value = &value[1..value.len() - 1];
        if allow {
            list.clear();
        } else {
            add_all(&mut list);
        }
    }
    for raw in value.split([',', '|']) {
        let tok = clib::strip(raw);
        let (add, tok) = match tok.strip_prefix('!') {
            Some(t) => (!allow, t),
            None => (allow, tok),
        };
        let name = match tok.rsplit_once(':') {
            Some((n, framing)) => {
                let bad = match clib::scan_int(framing, false) {
                    Some(v) => v < 0,
                    None => !clib::scan_is_eof(framing),
                };
                if bad {
                    errors.push(format!(
                        "'{tok}' has a bad framing (expected name:milliseconds)"
                    ));
                    continue;
                }
                n
            }
            None => tok,
        };
        if name.eq_ignore_ascii_case("all") {
            if add {
                add_all(&mut list);
            } else {
                list.clear();
            }
            continue;
        }
        let Some(canon) = CODECS.iter().find(|c| c.eq_ignore_ascii_case(name)) else {
            if name.is_empty() {
                errors.push("an empty codec name (check for ',,' or a trailing comma)".to_string());
            } else {
                errors.push(format!("unknown codec '{name}'"));
            }
            continue;
        };
        if add {
            if !list.iter().any(|x| x == canon) {
                list.push(canon.to_string());
            }
        } else {
            list.retain(|x| x != canon);
        }
    }
    obj.vals[target] = Val::L(list);
    if errors.is_empty() {
        Ok(None)
    } else {
        Err(BadValue::of(&Kind::Codec { allow }, errors.join(", ")))
    }
}

fn add_all(list: &mut Vec<String>) {
    for c in CODECS.iter().filter(|c| **c != "none") {
        if !list.iter().any(|x| x == c) {
            list.push(c.to_string());
        }
    }
}

/// ast_stream_codec_prefs_parse plus codec_prefs_handler's defaults; printed
/// `prefer:X, operation:Y, keep:Z, transcode:W`. Unknown parameter names are ignored.
/// The error is the problem alone: the caller adds what the attribute accepts.
fn codec_prefs(
    input: &str,
    name: &str,
    allow_union: bool,
) -> Result<(String, Option<String>), String> {
    const PREFER: &[&str] = &["pending", "configured"];
    const OPERATION: &[&str] = &["intersect", "union", "only_preferred", "only_nonpreferred"];
    const KEEP: &[&str] = &["all", "first"];
    const TRANSCODE: &[&str] = &["allow", "prevent"];
    let (mut prefer, mut op, mut keep, mut transcode): (
        Option<&str>,
        Option<&str>,
        Option<&str>,
        Option<&str>,
    ) = (None, None, None, None);
    let mut ignored = Vec::new();
    for pref in input.split(',').filter(|p| !p.is_empty()) {
        let mut it = pref.split([':', ' ']).filter(|x| !x.is_empty());
        let (Some(k), Some(v)) = (it.next(), it.next()) else {
            return Err(format!("'{pref}' is not 'name: value'"));
        };
        let (slot, allowed) = match k {
            "prefer" => (&mut prefer, PREFER),
            "operation" => (&mut op, OPERATION),
            "keep" => (&mut keep, KEEP),
            "transcode" => (&mut transcode, TRANSCODE),
            _ => {
                ignored.push(k.to_string());
                continue;
            }
        };
        match allowed.iter().find(|a| **a == v) {
            Some(a) => *slot = Some(a),
            // A parameter already set keeps its value and the bad one passes unnoticed.
            None if slot.is_some() => ignored.push(format!("{k}: {v}")),
            None => return Err(format!("{k}: '{v}' is not one of {}", allowed.join(", "))),
        }
    }
    if !allow_union && op == Some("union") {
        return Err("operation: union is not allowed for this option".into());
    }
    let default_op = if name == "codec_prefs_outgoing_offer" {
        "union"
    } else {
        "intersect"
    };
    let text = format!(
        "prefer:{}, operation:{}, keep:{}, transcode:{}",
        prefer.unwrap_or("pending"),
        op.unwrap_or(default_op),
        keep.unwrap_or("all"),
        transcode.unwrap_or("allow")
    );
    let warn =
        (!ignored.is_empty()).then(|| format!("{name}: Asterisk ignores {}", ignored.join(", ")));
    Ok((text, warn))
}
