#!/usr/bin/env python3
"""Generate src/schema/types/*.rs from the reference schema and recorded defaults.

Run once when the Asterisk version moves: the generated tables are committed and
then read as data. Usage: tools/gen_schema.py ../shared/asterisk
"""
import json, re, sys, os

ref = sys.argv[1] if len(sys.argv) > 1 else '../shared/asterisk'
schema = json.load(open(os.path.join(ref, 'pjsip-schema.json')))
recorded = json.load(open(os.path.join(ref, 'golden/20_attribute_defaults_by_type.json')))
dump = open(os.path.join(ref, 'golden/50_astdb_dump_live.sql')).read()
rows = re.findall(r"INSERT INTO astdb VALUES\('([^']*)','((?:[^']|'')*)'\);", dump)

TYPES = ['endpoint', 'auth', 'aor', 'contact', 'transport', 'domain_alias', 'global', 'system', 'acl',
         'identify', 'registration', 'outbound-publish', 'asterisk-publication', 'resource_list',
         'inbound-publication', 'subscription_persistence']
SECRETS = {('auth', 'password'), ('auth', 'md5_cred'), ('auth', 'oauth_secret'), ('auth', 'refresh_token'),
           ('auth', 'password_digest'), ('transport', 'password')}

def rec_defaults(t):
    for k in (t, t + ' (static, GET)'):
        if k in recorded and 'attributes_in_response_order' in recorded[k]:
            r = recorded[k]
            sent = {f['attribute'] for f in (r.get('request_fields') or [])}
            if k.endswith('(static, GET)'):
                sent = {'bind'}
            return {a: v for a, v in r['attributes_in_response_order'] if a not in sent}
    return {}

def row_omitted(t):
    """Fields present in the objectset but absent from Asterisk's own astdb row when at default."""
    names = None
    for k, v in rows:
        parts = k.split('/')
        if len(parts) > 2 and parts[2] == t:
            try:
                j = json.loads(v.replace("''", "'"))
            except Exception:
                continue
            keys = set(j)
            names = keys if names is None else names & keys
    return names

def rs(s):
    return json.dumps(s, ensure_ascii=False)

def enum(pairs, cs=False):
    body = ', '.join(f'({rs(a)}, {rs(b)})' for a, b in pairs)
    return f'Kind::Enum {{ values: &[{body}], case_sensitive: {"true" if cs else "false"} }}'

def kind_of(t, f):
    n, ot, h = f['name'], f['opt_type'], f.get('config_handler') or ''
    acc = f.get('accepts') or {}
    if ot == 'OPT_NOOP_T' or (t == 'transport' and n == 'type'):
        return 'Kind::Noop'
    if ot == 'OPT_BOOL_T':
        return 'Kind::Bool'
    if ot == 'OPT_YESNO_T':
        return 'Kind::YesNo'
    if ot == 'OPT_UINT_T':
        lo, hi = (f.get('range') or [0, 4294967295])
        return f'Kind::UInt {{ min: {lo}, max: {hi} }}'
    if ot == 'OPT_INT_T':
        return 'Kind::Int'
    if ot == 'OPT_DOUBLE_T':
        return 'Kind::Double'
    if ot == 'OPT_STRINGFIELD_T':
        return 'Kind::Str'
    if ot == 'OPT_CHAR_ARRAY_T':
        return 'Kind::NonEmptyStr' if f.get('flags') == '1' else 'Kind::Str'
    if ot == 'OPT_CODEC_T':
        return 'Kind::Codec { allow: %s }' % ('true' if f.get('flags') == '1' else 'false')
    # custom handlers
    if n == 'dtmf_mode':
        return enum([(v, v) for v in acc['enum_ci']])
    if n == '100rel':
        return 'Kind::AstBoolEnum { yes: "yes", no: "no", others: &[("peer_supported", "peer_supported"), ("required", "required")] }'
    if n == 'timers':
        return 'Kind::AstBoolEnum { yes: "yes", no: "no", others: &[("required", "required"), ("always", "always"), ("forced", "always")] }'
    if h in ('inbound_auth_handler', 'outbound_auth_handler'):
        return 'Kind::IdList'
    if n in ('direct_media_method', 'connected_line_method'):
        return enum([('invite', 'invite'), ('reinvite', 'invite'), ('update', 'update')])
    if 'enum_ci' in acc and not acc.get('unknown') and n not in ('dtls_verify', 'method', 'auth_type', 'callerid_privacy'):
        return enum([(v, v) for v in acc['enum_ci']])
    if 'enum_cs' in acc:
        return enum([(v, v) for v in acc['enum_cs']], cs=True)
    if n == 'auth_type':
        return enum([('userpass', 'userpass'), ('md5', 'md5'), ('digest', 'digest')])
    if n == 'dtls_verify':
        return enum([('yes', 'Yes'), ('no', 'No'), ('fingerprint', 'Fingerprint'), ('certificate', 'Certificate')])
    if n == 'method' and t == 'transport':
        return enum([(v, v) for v in ['default', 'unspecified', 'tlsv1', 'tlsv1_1', 'tlsv1_2', 'tlsv1_3', 'sslv2', 'sslv3', 'sslv23']])
    if n == 'dtls_setup':
        return 'Kind::LenientEnum(&[("active", "active"), ("passive", "passive"), ("actpass", "actpass")])'
    if n == 'dtls_fingerprint':
        return 'Kind::LenientEnum(&[("sha-256", "SHA-256"), ("sha-1", "SHA-1")])'
    if n == 'dtls_auto_generate_cert' or h == 'transport_tls_bool_handler':
        return 'Kind::CapitalYesNo'
    if n == 'dtls_rekey':
        return 'Kind::UInt { min: 0, max: 4294967295 }'
    if 'path' in acc or n == 'dtls_cipher':
        return 'Kind::Str'
    table = {
        'media_address': 'Kind::MediaAddress', 'identify_by': 'Kind::IdentifyBy', 'callerid': 'Kind::CallerId',
        'callerid_privacy': 'Kind::CallerIdPrivacy', 'callerid_tag': 'Kind::Str', 'voicemail_extension': 'Kind::Str',
        'call_group': 'Kind::Group', 'pickup_group': 'Kind::Group', 'named_call_group': 'Kind::NamedGroup',
        'named_pickup_group': 'Kind::NamedGroup', 'tos_audio': 'Kind::Tos', 'tos_video': 'Kind::Tos', 'tos': 'Kind::Tos',
        'from_user': 'Kind::FromUser', 'follow_redirect_methods': 'Kind::FollowRedirect', 'set_var': 'Kind::SetVar',
        'contact_user': 'Kind::Str', 'stir_shaken': 'Kind::StirShaken', 'security_mechanisms': 'Kind::SecurityMechanisms',
        'md5_cred': 'Kind::Md5Cred', 'password_digest': 'Kind::PasswordDigest',
        'supported_algorithms_uac': 'Kind::Algorithms', 'supported_algorithms_uas': 'Kind::Algorithms',
        'expiration_time': 'Kind::Timeval', 'bind': 'Kind::SockAddr', 'cipher': 'Kind::Str',
        'local_net': 'Kind::LocalNet', 'match': 'Kind::IdentifyMatch', 'list_item': 'Kind::ListItem',
        'device_state_filter': 'Kind::Regex', 'mailbox_state_filter': 'Kind::Regex',
    }
    if n in table:
        return table[n]
    if t == 'aor' and n == 'contact':
        return 'Kind::AorContact'
    if h == 'endpoint_acl_handler':
        if n in ('acl', 'contact_acl'):
            return 'Kind::NamedAcl'
        return 'Kind::AclRule { target: "%s" }' % ('contact_acl' if n.startswith('contact_') else 'acl')
    if h == 'acl_handler':
        return 'Kind::Str'
    if h.startswith('codec_prefs'):
        return 'Kind::CodecPrefs { allow_union: %s }' % ('true' if n == 'codec_prefs_outgoing_offer' else 'false')
    if h.startswith('persistence_') or h == 'resource_endpoint_handler':
        return 'Kind::Str'
    raise SystemExit(f'no kind for {t}.{n} ({h})')

out_dir = 'src/schema/types'
os.makedirs(out_dir, exist_ok=True)
mods = []
for t in TYPES:
    ts = schema['types'][t]
    rec = rec_defaults(t)
    kept = row_omitted(t)
    lines = []
    for f in ts['fields']:
        if f.get('is_regex'):
            continue
        n = f['name']
        kind = kind_of(t, f)
        flags = []
        out = f.get('output') or ''
        if not f.get('in_objectset') or 'not output' in out:
            flags.append('HIDDEN')
        if f.get('multiple_handler'):
            flags.append('MULTI')
        if f.get('alias'):
            flags.append('HIDDEN')
        if (t, n) in SECRETS:
            flags.append('SECRET')
        if n == 'contact_user' and t == 'endpoint':
            flags.append('SKIP_UNSET')
        if 'HIDDEN' not in flags and kept is not None and n not in kept and 'MULTI' not in flags:
            flags.append('NULL_EMPTY')
        if n in ('auth', 'outbound_auth', 'acl', 'contact_acl', 'md5_cred') and 'HIDDEN' not in flags and 'NULL_EMPTY' not in flags and 'MULTI' not in flags:
            flags.append('NULL_EMPTY')
        if t == 'transport' and n in ('ca_list_file', 'ca_list_path', 'cert_file', 'priv_key_file', 'cipher') and 'NULL_EMPTY' not in flags:
            pass
        if n in rec:
            init = rec[n]
        else:
            d = f.get('default')
            if d is None or d == '':
                init = {'Kind::Bool': 'false', 'Kind::YesNo': 'no', 'Kind::Int': '0', 'Kind::Double': '0.000000',
                        'Kind::Tos': '0', 'Kind::CapitalYesNo': 'No'}.get(kind, '0' if kind.startswith('Kind::UInt') else '')
            elif kind == 'Kind::Bool':
                init = 'true' if d in schema['ast_true_values'] else 'false'
            elif kind == 'Kind::YesNo':
                init = 'yes' if d in schema['ast_true_values'] else 'no'
            elif kind == 'Kind::Double':
                init = '%f' % float(d)
            elif kind.startswith('Kind::CodecPrefs'):
                init = d.replace(': ', ':')
            else:
                init = d
        if 'HIDDEN' in flags:
            init = ''
        fl = ' | '.join(flags) if flags else '0'
        lines.append(f'    Field {{ name: {rs(n)}, kind: {kind}, init: {rs(init)}, flags: {fl} }},')
    ident = t.replace('-', '_')
    mods.append(ident)
    ro = 'true' if t in ('transport', 'global', 'system') else 'false'
    with open(f'{out_dir}/{ident}.rs', 'w') as fh:
        fh.write(f'//! `{t}`: fields as registered by Asterisk 23.4.1 ({ts["source_file"]}), in registration order.\n')
        fh.write('//! Generated by tools/gen_schema.py from the reference schema and recorded defaults; edit by hand since.\n\n')
        fh.write('use crate::schema::field::{Field, Kind, *};\n\n')
        fh.write(f'pub static FIELDS: &[Field] = &[\n' + '\n'.join(lines) + '\n];\n')
print('\n'.join(mods))
