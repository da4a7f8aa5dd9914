//! Auth digests and algorithms (res/res_pjsip/config_auth.c: password_digest_handler).

use super::*;

/// What these kinds accept, in words.
pub(super) fn accepted(k: &Kind) -> String {
    match k {
        Kind::Md5Cred { .. } => "a 32-character MD5 digest (optionally MD5:digest)".into(),
        Kind::PasswordDigest => "a comma list of ALGORITHM:digest, with MD5 (32 characters), SHA-256 or SHA-512-256 (64)".into(),
        Kind::Algorithms => "a comma list of MD5, SHA-256, SHA-512-256".into(),
        _ => unreachable!("not a kind of this family"),
    }
}

/// Apply one `name=value` to field `idx`, the way its Asterisk handler does.
pub(super) fn apply(obj: &mut Object, idx: usize, input: &str) -> Applied {
    let ty: &'static crate::schema::TypeDef = obj.ty;
    let fd = &ty.fields[idx];
    let kind = &fd.kind;
    let fail = |problem: String| -> Applied { Err(BadValue::of(kind, problem)) };
    match kind {
        Kind::Md5Cred { store } => {
            let t = obj.ty.field_index_exact(store).expect("digest store");
            digests(obj, t, input, kind)
        }
        Kind::PasswordDigest => digests(obj, idx, input, kind),
        Kind::Algorithms => {
            let mut add = Vec::new();
            let mut bad = Vec::new();
            for tok in split_list(input) {
                match DIGESTS.iter().find(|(a, _)| a.eq_ignore_ascii_case(tok)) {
                    Some((a, _)) => add.push(a.to_string()),
                    None => bad.push(tok.to_string()),
                }
            }
            // The handler appends and never resets: sending it again accumulates duplicates.
            if let Val::L(l) = &mut obj.vals[idx] {
                l.extend(add);
            }
            if !bad.is_empty() {
                return fail(format!("unknown algorithm '{}'", bad.join("', '")));
            }
            Ok(None)
        }
        _ => unreachable!("not a kind of this family"),
    }
}

/// Digest algorithms (pjsip_auth_algorithm_type order) and their hex digest lengths.
const DIGESTS: &[(&str, usize)] = &[("MD5", 32), ("SHA-256", 64), ("SHA-512-256", 64)];

/// password_digest_handler: `ALG:digest` items (md5_cred: digest alone means MD5) stored
/// one per algorithm, kept in algorithm order.
fn digests(obj: &mut Object, store: usize, input: &str, kind: &Kind) -> Applied {
    let mut set: Vec<(usize, String)> = obj.vals[store]
        .list()
        .iter()
        .filter_map(|d| {
            let (a, v) = d.split_once(':')?;
            DIGESTS
                .iter()
                .position(|(n, _)| *n == a)
                .map(|i| (i, v.to_string()))
        })
        .collect();
    for item in clib::strsep(input, ',', clib::STRSEP_TRIM) {
        if item.is_empty() {
            continue;
        }
        let (alg, digest) = match item.split_once(':') {
            Some((a, d)) => (clib::strip(a).to_string(), d.to_string()),
            None => ("MD5".to_string(), item.clone()),
        };
        let Some(i) = DIGESTS
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(&alg))
        else {
            return Err(BadValue::of(kind, format!("unknown algorithm '{alg}'")));
        };
        let len = DIGESTS[i].1;
        if digest.len() != len {
            return Err(BadValue::of(
                kind,
                // The digest itself is a secret and is masked in messages: only its length.
                format!(
                    "the value has {} characters; {len} hex digits are needed for {}",
                    digest.len(),
                    DIGESTS[i].0
                ),
            ));
        }
        set.retain(|(j, _)| *j != i);
        set.push((i, digest));
    }
    set.sort_by_key(|(i, _)| *i);
    obj.vals[store] = Val::L(
        set.into_iter()
            .map(|(i, d)| format!("{}:{d}", DIGESTS[i].0))
            .collect(),
    );
    Ok(None)
}
