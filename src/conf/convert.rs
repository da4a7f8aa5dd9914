//! From sections to the Sorcery objects Asterisk builds from them (res_sorcery_config.c):
//! a non-template section is an object of type T when its first `type` variable (name
//! case-insensitive, inherited ones first) equals T exactly; its variables are applied in
//! order on a freshly allocated object, then the type's apply handler runs. A second
//! section of the same type and id makes Asterisk refuse that whole type.
//!
//! Everything Asterisk would not turn into a pushed object is reported, never dropped:
//! read-only types that stay in the static file, `type=wizard`, sections Asterisk ignores
//! (no `type`, `type=Endpoint`, an unknown type) and objects it would refuse.

use std::borrow::Cow;
use std::sync::Arc;

use crate::conf::reader::{Config, Diag, Level, Origin, Section, Shared, Var};
use crate::engine;
use crate::model::{Attr, Object, RowBase, Val};
use crate::schema::{TypeDef, TYPES};

/// One field of an object and the line it came from.
#[derive(Debug, Clone)]
pub struct SrcField {
    pub attr: Attr,
    pub origin: Origin,
    pub inherited: bool,
}

/// An object the file defines, built as Asterisk builds it.
#[derive(Debug)]
pub struct Desired {
    pub ty: &'static TypeDef,
    pub id: String,
    /// The section header.
    pub origin: Origin,
    /// The leading inherited fields, shared with the other sections that inherit the same
    /// ones (`None`: none).
    pub inherited: Option<Arc<[SrcField]>>,
    /// The fields after them: every field is `inherited`'s then these, in the order Asterisk
    /// applies them, `type` included.
    pub fields: Vec<SrcField>,
    pub object: Object,
    /// The row of the object the inherited fields make, which most of this one's repeats.
    pub row_base: Option<Arc<RowBase>>,
}

impl Desired {
    /// The object's astdb row ([`Object::row_json`]).
    pub fn row_json(&self) -> String {
        match &self.row_base {
            Some(base) => self.object.row_json_on(base),
            None => self.object.row_json(),
        }
    }

    /// Every field, in order (see `fields`).
    pub fn all_fields(&self) -> impl Iterator<Item = &SrcField> {
        self.inherited
            .iter()
            .flat_map(|s| s.iter())
            .chain(&self.fields)
    }

    /// The fields to push: the file's own, in order, without the `type` line.
    pub fn push_fields(&self) -> Vec<Attr> {
        self.all_fields()
            .filter(|f| !f.attr.attribute.eq_ignore_ascii_case("type"))
            .map(|f| f.attr.clone())
            .collect()
    }
}

/// A section that does not become a pushed object, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub origin: Origin,
    pub name: String,
    pub reason: String,
}

/// The result of converting one configuration.
#[derive(Debug, Default)]
pub struct Conversion {
    pub objects: Vec<Desired>,
    pub skipped: Vec<Skipped>,
    /// The reader's remarks, then the objects' problems, in file order.
    pub diags: Vec<Diag>,
    pub files: Vec<String>,
}

impl Conversion {
    pub fn errors(&self) -> impl Iterator<Item = &Diag> {
        self.diags.iter().filter(|d| d.level == Level::Error)
    }
}

enum Class {
    Object(&'static TypeDef),
    /// Reported and left alone; the level says how surprising that is.
    Skip(Level, String),
}

/// Whether Asterisk prints anything for a fresh object of this type (so astdb can hold it),
/// worked out once per type rather than on a new object for every section.
fn storable(t: &'static TypeDef) -> bool {
    static CACHE: std::sync::OnceLock<Vec<bool>> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        TYPES
            .iter()
            .map(|t| engine::check_storable(&Object::new(t, "x")).is_ok())
            .collect()
    })[t.position()]
}

/// What Asterisk does with a section whose first `type` is `value`.
fn classify(value: Option<&str>) -> Class {
    let Some(v) = value else {
        return Class::Skip(
            Level::Warning,
            "no type= line: Asterisk ignores the section".into(),
        );
    };
    if let Some(t) = TYPES.iter().find(|t| t.name == v) {
        if t.static_only() {
            return Class::Skip(
                Level::Note,
                format!("type={v} stays in the static pjsip.conf (Asterisk refuses to push {v} objects: 403)"),
            );
        }
        if matches!(t.name, "contact" | "subscription_persistence") {
            return Class::Skip(
                Level::Warning,
                format!("type={v}: Asterisk does not read {v} objects from pjsip.conf (they live in astdb), so it ignores the section"),
            );
        }
        if !storable(t) {
            return Class::Skip(
                Level::Warning,
                format!(
                    "type={v} cannot be pushed: Asterisk has no output form for {v} objects, so astdb cannot hold \
                     them; keep the section in the static file"
                ),
            );
        }
        return Class::Object(t);
    }
    if let Some(t) = TYPES.iter().find(|t| t.name.eq_ignore_ascii_case(v)) {
        return Class::Skip(
            Level::Warning,
            format!("type={v} matches no type: Asterisk compares it exactly and ignores the section (write type={})", t.name),
        );
    }
    match v {
        "wizard" => Class::Skip(
            Level::Warning,
            "type=wizard in pjsip.conf: Asterisk ignores it (res_pjsip_config_wizard reads wizard sections only from \
             pjsip_wizard.conf); move it there and give both files: apply pjsip.conf pjsip_wizard.conf"
                .into(),
        ),
        "phoneprov" => Class::Skip(
            Level::Warning,
            "type=phoneprov is not converted: pjsipctl does not push phoneprov objects; it stays in the static file".into(),
        ),
        _ => Class::Skip(Level::Warning, format!("type={v} is no PJSIP object type: Asterisk ignores the section")),
    }
}

/// Turn a configuration into objects, problems and skipped sections.
pub fn convert(cfg: Config) -> Conversion {
    let mut c = Converter::default();
    let objects = cfg
        .sections
        .into_iter()
        .filter_map(|sec| c.section(sec))
        .collect();
    let mut diags = cfg.diags;
    diags.append(&mut c.diags);
    Conversion {
        objects,
        skipped: c.skipped,
        diags,
        files: cfg.files,
    }
}

/// Sections to objects, one at a time (a streamed read hands them over as they close).
#[derive(Debug, Default)]
pub struct Converter {
    /// Every object defined so far: by id, each type's first definition's header (looked up
    /// by the id alone, without making a key; a user's auth, aor and endpoint share one id).
    seen: rustc_hash::FxHashMap<String, Vec<(&'static str, Origin)>>,
    /// The objects' problems, in the order of their sections.
    pub diags: Vec<Diag>,
    pub skipped: Vec<Skipped>,
    /// Per type, what the last section's inherited fields made.
    inherited: Vec<Option<Inherited>>,
}

impl Converter {
    /// Room for about `n` objects.
    pub fn with_capacity(n: usize) -> Converter {
        Converter {
            seen: rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default()),
            ..Default::default()
        }
    }

    /// Whether an object of this type and id was defined (convertible or not).
    pub fn defines(&self, ty: &'static TypeDef, id: &str) -> bool {
        self.seen
            .get(id)
            .is_some_and(|defs| defs.iter().any(|(t, _)| *t == ty.name))
    }

    /// Whether any section so far has a problem that blocks the apply.
    pub fn failed(&self) -> bool {
        self.diags.iter().any(|d| d.level == Level::Error)
    }

    /// The object a section defines, if it is one Asterisk would build and pjsipctl can push.
    pub fn section(&mut self, sec: Section) -> Option<Desired> {
        self.streamed(sec, None)
    }

    /// [`Converter::section`] of a streamed section: its variables are `shared`'s, then its own.
    pub fn streamed(&mut self, sec: Section, shared: Option<Shared>) -> Option<Desired> {
        if sec.template {
            return None;
        }
        let out = self;
        let vars = || shared.iter().flat_map(|s| s.iter()).chain(&sec.vars);
        let ty_value = vars()
            .find(|v| v.name.eq_ignore_ascii_case("type"))
            .map(|v| v.value.as_str());
        let ty = match classify(ty_value) {
            Class::Object(t) => t,
            Class::Skip(level, reason) => {
                out.diags.push(Diag {
                    level,
                    origin: Some(sec.origin.clone()),
                    message: format!("[{}] {reason}", sec.name),
                });
                out.skipped.push(Skipped {
                    origin: sec.origin.clone(),
                    name: sec.name.clone(),
                    reason,
                });
                return None;
            }
        };
        let what = What(ty.name, &sec.name);
        if sec.name.is_empty() || sec.name.chars().any(char::is_control) {
            out.diags.push(Diag {
                level: Level::Error,
                origin: Some(sec.origin.clone()),
                message: format!("{what}: the section name is not a usable object id"),
            });
            return None;
        }
        let first = match out.seen.get_mut(sec.name.as_str()) {
            Some(defs) => match defs.iter().find(|(t, _)| *t == ty.name) {
                Some((_, o)) => Some(o.clone()),
                None => {
                    defs.push((ty.name, sec.origin.clone()));
                    None
                }
            },
            None => {
                let mut defs = Vec::with_capacity(3);
                defs.push((ty.name, sec.origin.clone()));
                out.seen.insert(sec.name.clone(), defs);
                None
            }
        };
        if let Some(first) = first {
            // A wizard's object (it carries @pjsip_wizard) lives in the wizard's own store next
            // to pjsip.conf's; astdb holds one object per id.
            if vars().any(|v| v.name == "@pjsip_wizard") {
                out.diags.push(Diag {
                    level: Level::Error,
                    origin: Some(sec.origin.clone()),
                    message: format!(
                        "{what}: duplicate object (also defined at {first}): astdb holds one {} per id; rename one",
                        ty.name
                    ),
                });
                return None;
            }
            out.diags.push(Diag {
                level: Level::Error,
                origin: Some(sec.origin.clone()),
                message: format!(
                    "{what}: duplicate object (also defined at {first}): Asterisk refuses every {} in the file \
                     (\"configuration contains a duplicate object\"); merge them, or use [{}](+) to add to the first",
                    ty.name, sec.name
                ),
            });
            return None;
        }
        build(ty, sec, shared, &mut out.diags, &mut out.inherited)
    }
}

/// "type id" as the messages name an object, formatted only when a message is.
struct What<'a>(&'static str, &'a str);

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

/// What a section's leading inherited fields make of a fresh object of a type (its id left
/// empty: no handler looks at it), with their messages.
#[derive(Debug)]
pub struct Inherited {
    /// The shared variables it was worked out from, if it was.
    src: Option<Shared>,
    /// The fields it was worked out from.
    fields: Arc<[SrcField]>,
    obj: Object,
    row: Option<Arc<RowBase>>,
    /// Each message: the field it is about, its level and its text after "type id (inherited): ".
    msgs: Vec<(usize, Level, String)>,
    /// Whether a field was refused.
    failed: bool,
}

/// The same field, from the same line.
fn same_field(a: &SrcField, b: &SrcField) -> bool {
    a.attr == b.attr && a.origin == b.origin && a.inherited == b.inherited
}

fn src_field(v: Var) -> SrcField {
    SrcField {
        attr: Attr {
            attribute: v.name,
            value: v.value,
        },
        origin: v.origin,
        inherited: v.inherited,
    }
}

impl Inherited {
    /// The one for these fields (`src`: the shared variables they are, if they are): the type's
    /// last, if it was worked out from the same ones.
    fn of<'c>(
        ty: &'static TypeDef,
        src: Option<&Shared>,
        fields: impl FnOnce() -> Vec<SrcField>,
        kept: &'c mut Vec<Option<Inherited>>,
    ) -> &'c Inherited {
        let r = ty.position();
        if kept.len() <= r {
            kept.resize_with(r + 1, || None);
        }
        // The very same shared variables: nothing to compare.
        let shared =
            |c: &Inherited| src.is_some_and(|s| c.src.as_ref().is_some_and(|t| Arc::ptr_eq(s, t)));
        if kept[r].as_ref().is_some_and(shared) {
            return kept[r].as_ref().expect("checked above");
        }
        let fields = fields();
        let same = |c: &Inherited| {
            c.fields.len() == fields.len()
                && c.fields.iter().zip(&fields).all(|(a, b)| same_field(a, b))
        };
        match kept[r].as_mut() {
            Some(c) if same(c) => c.src = src.cloned(),
            _ => {
                let mut obj = Object::new(ty, "");
                let (mut msgs, mut failed) = (Vec::new(), false);
                for (k, f) in fields.iter().enumerate() {
                    if let Some((level, text)) = apply_one(&mut obj, &f.attr) {
                        failed |= level == Level::Error;
                        msgs.push((k, level, text));
                    }
                }
                kept[r] = Some(Inherited {
                    src: src.cloned(),
                    fields: fields.into(),
                    row: RowBase::of(&obj).map(Arc::new),
                    obj,
                    msgs,
                    failed,
                });
            }
        }
        kept[r].as_ref().expect("worked out above")
    }
}

/// `vals.to_vec()`, with the usual values (a static text, an empty list, NULL) made on the spot.
fn copy_vals(vals: &[Val]) -> Vec<Val> {
    let mut out = Vec::with_capacity(vals.len());
    out.extend(vals.iter().map(|v| match v {
        Val::S(Cow::Borrowed(s)) => Val::S(Cow::Borrowed(s)),
        Val::L(l) if l.is_empty() => Val::L(Vec::new()),
        Val::V(p) if p.is_empty() => Val::V(Vec::new()),
        Val::Null => Val::Null,
        v => v.clone(),
    }));
    out
}

/// Apply one field as Asterisk does; what to say about it (an error: it is refused).
fn apply_one(obj: &mut Object, attr: &Attr) -> Option<(Level, String)> {
    let ty = obj.ty;
    if attr.value == crate::output::MASK {
        if let Some(why) = crate::output::masked_secret(ty, &attr.attribute) {
            return Some((Level::Error, why));
        }
    }
    match engine::apply_field(obj, attr) {
        Ok(None) => None,
        Ok(Some(w)) => Some((Level::Warning, w)),
        Err(r) => Some((
            Level::Error,
            format!("{r} — Asterisk would not load this {}", ty.name),
        )),
    }
}

/// Apply the section's fields one by one, reporting every refused field (Asterisk stops
/// at the first), then the apply handler. The object equals `engine::build(ty, id, None, fields)`.
/// `shared`: the variables before the section's own (see [`Converter::streamed`]).
fn build(
    ty: &'static TypeDef,
    mut sec: Section,
    mut shared: Option<Shared>,
    diags: &mut Vec<Diag>,
    inherited: &mut Vec<Option<Inherited>>,
) -> Option<Desired> {
    if sec.vars.first().is_some_and(|v| v.inherited) {
        // Inherited fields go on past the shared ones: taken as one run.
        crate::conf::reader::unshare(&mut sec, shared.take());
    }
    // The fields a section inherits come first: what they make of a fresh object is the
    // same for every section inheriting the same template(s), so it is worked out once.
    let (lead, own) = match &shared {
        Some(s) => (s.len(), 0),
        None => (0, sec.vars.iter().take_while(|v| v.inherited).count()),
    };
    let mut vars = sec.vars.into_iter();
    let from_shared = || match &shared {
        Some(s) => s.iter().cloned().map(src_field).collect(),
        None => vars.by_ref().take(own).map(src_field).collect(),
    };
    let what = What(ty.name, &sec.name);
    let (mut obj, mut failed, lead) = if lead + own > 0 {
        let c = Inherited::of(ty, shared.as_ref(), from_shared, inherited);
        for (k, level, text) in &c.msgs {
            diags.push(Diag {
                level: *level,
                origin: Some(c.fields[*k].origin.clone()),
                message: format!("{what} (inherited): {text}"),
            });
        }
        let obj = Object {
            ty,
            id: sec.name.clone(),
            vals: copy_vals(&c.obj.vals),
            ext: c.obj.ext.clone(),
        };
        (obj, c.failed, Some((c.fields.clone(), c.row.clone())))
    } else {
        (Object::new(ty, &sec.name), false, None)
    };
    let (lead, row_base) = lead.map_or((None, None), |(f, r)| (Some(f), r));
    // (A new vector rather than the variables' reused: a field is smaller than a variable,
    // and shrinking that allocation costs more than making this one.)
    let mut fields = Vec::with_capacity(vars.len());
    fields.extend(vars.map(src_field));
    for f in &fields {
        let from = if f.inherited { " (inherited)" } else { "" };
        if let Some((level, text)) = apply_one(&mut obj, &f.attr) {
            failed |= level == Level::Error;
            diags.push(Diag {
                level,
                origin: Some(f.origin.clone()),
                message: format!("{what}{from}: {text}"),
            });
        }
    }
    if failed {
        return None;
    }
    let done =
        engine::apply_handler(&mut obj).and_then(|w| engine::check_storable(&obj).map(|_| w));
    match done {
        Ok(ws) => {
            for w in ws {
                diags.push(Diag {
                    level: Level::Warning,
                    origin: Some(sec.origin.clone()),
                    message: format!("{what}: {w}"),
                });
            }
            Some(Desired {
                ty,
                id: sec.name,
                origin: sec.origin,
                inherited: lead,
                fields,
                object: obj,
                row_base,
            })
        }
        Err(r) => {
            diags.push(Diag {
                level: Level::Error,
                origin: Some(sec.origin.clone()),
                message: format!("{what}: {r} — Asterisk would not load this {}", ty.name),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conf::reader::{read_str, Options};

    fn conv(text: &str) -> Conversion {
        convert(read_str(
            text,
            "t.conf",
            &Options {
                confdir: ".".into(),
                allow_exec: false,
            },
        ))
    }

    fn msgs(c: &Conversion, level: Level) -> Vec<String> {
        c.diags
            .iter()
            .filter(|d| d.level == level)
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn same_name_holds_several_types() {
        let c = conv("[6001]\ntype=auth\nusername=6001\npassword=x\n[6001]\ntype=aor\nmax_contacts=1\n[6001]\ntype=endpoint\nallow=ulaw\nauth=6001\naors=6001\n");
        let got: Vec<(&str, &str)> = c
            .objects
            .iter()
            .map(|d| (d.ty.name, d.id.as_str()))
            .collect();
        assert_eq!(
            got,
            [("auth", "6001"), ("aor", "6001"), ("endpoint", "6001")]
        );
        assert!(c.diags.is_empty(), "{:?}", c.diags);
    }

    #[test]
    fn first_type_wins_and_is_compared_exactly() {
        let c = conv("[t](!)\ntype=endpoint\n[x](t)\ntype=aor\nallow=ulaw\n[y]\nTYPE=aor\n[z]\ntype=Endpoint\n[w]\nfoo=1\n");
        let got: Vec<(&str, &str)> = c
            .objects
            .iter()
            .map(|d| (d.ty.name, d.id.as_str()))
            .collect();
        assert_eq!(got, [("endpoint", "x"), ("aor", "y")]);
        let w = msgs(&c, Level::Warning);
        assert!(
            w[0].starts_with("t.conf:8: [z] type=Endpoint matches no type"),
            "{w:?}"
        );
        assert!(w[1].starts_with("t.conf:10: [w] no type= line"), "{w:?}");
        assert_eq!(c.skipped.len(), 2);
    }

    #[test]
    fn read_only_and_wizard_sections_are_reported() {
        let c = conv("[transport-udp]\ntype=transport\nprotocol=udp\n[global]\ntype=global\n[my-trunk]\ntype=wizard\nsends_auth=yes\n");
        assert!(c.objects.is_empty());
        let names: Vec<&str> = c.skipped.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["transport-udp", "global", "my-trunk"]);
        assert!(c.skipped[0]
            .reason
            .contains("stays in the static pjsip.conf"));
        assert!(c.skipped[2].reason.contains("Asterisk ignores it"));
        assert_eq!(msgs(&c, Level::Error).len(), 0);
    }

    #[test]
    fn every_bad_field_is_reported_with_its_line() {
        let c = conv(
            "[t](!)\ntype=endpoint\ndtmf_mode=rfc2833\n[e](t)\nallow=ulaw\nbogus=1\nCALL_GROUP=1\n",
        );
        let e = msgs(&c, Level::Error);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with("t.conf:3: endpoint e (inherited): dtmf_mode=rfc2833"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("t.conf:6: endpoint e: endpoint has no attribute 'bogus'"),
            "{e:?}"
        );
        assert!(
            e[2].starts_with("t.conf:7: endpoint e: CALL_GROUP=1"),
            "{e:?}"
        );
        assert!(c.objects.is_empty());
    }

    #[test]
    fn apply_handler_failures_point_at_the_section() {
        let c = conv("\n[a]\ntype=auth\nusername=a\n[r]\ntype=registration\nserver_uri=sip:x\n");
        let e = msgs(&c, Level::Error);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("t.conf:2: auth a: ") && e[0].contains("password"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("t.conf:5: registration r: ") && e[1].contains("client_uri"),
            "{e:?}"
        );
    }

    #[test]
    fn duplicates_are_refused() {
        let c = conv("[a]\ntype=aor\n[a]\ntype=aor\nmax_contacts=2\n[A]\ntype=aor\n");
        let e = msgs(&c, Level::Error);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].contains("duplicate object (also defined at t.conf:1)"),
            "{e:?}"
        );
        // Ids are case-sensitive for Sorcery.
        assert_eq!(c.objects.len(), 2);
    }

    #[test]
    fn sections_inheriting_the_same_fields_each_get_their_object_and_messages() {
        // [a] and [b] share [t]'s fields (worked out once); [u] holds the same text on other lines.
        let c = conv("[t](!)\ntype=endpoint\ndtmf_mode=rfc2833\nallow=ulaw\n[a](t)\n[b](t)\ncontext=x\n[u](!)\ntype=endpoint\ndtmf_mode=rfc2833\nallow=ulaw\n[c](u)\n");
        let e = msgs(&c, Level::Error);
        assert_eq!(e.len(), 3, "{e:?}");
        for (m, want) in e.iter().zip([
            "t.conf:3: endpoint a (inherited): dtmf_mode=rfc2833",
            "t.conf:3: endpoint b (inherited): dtmf_mode=rfc2833",
            "t.conf:10: endpoint c (inherited): dtmf_mode=rfc2833",
        ]) {
            assert!(m.starts_with(want), "{m}");
        }
        let c = conv("[p](!)\ntype=endpoint\nallow=ulaw\n[x](p)\ncallerid=A <1>\n[y](p)\n[z](p)\nallow=alaw\n");
        assert!(c.diags.is_empty(), "{:?}", c.diags);
        let ids: Vec<&str> = c.objects.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["x", "y", "z"]);
        for d in &c.objects {
            let built = engine::build(d.ty, &d.id, None, &d.push_fields()).unwrap();
            assert_eq!(built.object.id, d.object.id);
            assert_eq!(built.object.vals, d.object.vals, "{}", d.id);
        }
    }

    #[test]
    fn streamed_sections_convert_as_whole_ones() {
        // Shared template settings (a refused one among them), a second template, settings
        // inherited after the shared ones, and templates alike but for their lines.
        let text = "[t](!)\ntype=endpoint\ndtmf_mode=rfc2833\nallow=ulaw\n[u](!)\ncontext=c\n\
                    [a](t)\n[b](t,u)\ncallerid=B <2>\n[c](t)\n[c](+)\nallow=alaw\n\
                    [p](!)\ntype=aor\nmax_contacts=1\n[q](!)\ntype=aor\nmax_contacts=1\n\
                    [x](p)\n[z](p)\nmailboxes=1\n[y](q)\n[w]\ntype=aor\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.conf");
        std::fs::write(&path, text).unwrap();
        let opts = Options {
            confdir: ".".into(),
            allow_exec: false,
        };
        let mut c = Converter::default();
        let mut got = Vec::new();
        let read = std::sync::atomic::AtomicU64::new(0);
        crate::conf::reader::stream_file(&path, &opts, &read, &mut |sec, shared| {
            got.extend(c.streamed(sec, shared));
        })
        .unwrap();
        let want = convert(crate::conf::reader::read_file(&path, &opts).unwrap());
        let shown = |d: &Diag| d.to_string().replace(&path.display().to_string(), "t.conf");
        let msgs: Vec<String> = want.diags.iter().map(shown).collect();
        assert_eq!(c.diags.iter().map(shown).collect::<Vec<_>>(), msgs);
        assert!(
            msgs[0].starts_with("t.conf:3: endpoint a (inherited): dtmf_mode"),
            "{msgs:?}"
        );
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        let ids: Vec<&str> = got.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["x", "z", "y", "w"]);
        assert_eq!(got.len(), want.objects.len());
        for (g, w) in got.iter().zip(&want.objects) {
            assert_eq!((g.ty.name, &g.id), (w.ty.name, &w.id));
            assert_eq!(g.push_fields(), w.push_fields(), "{}", g.id);
            let lines = |d: &Desired| {
                d.all_fields()
                    .map(|f| (f.origin.line, f.inherited))
                    .collect::<Vec<_>>()
            };
            assert_eq!(lines(g), lines(w), "{}", g.id);
            assert_eq!(g.row_json(), w.object.row_json(), "{}", g.id);
        }
        // [x] and [z] share [p]'s settings; [y]'s alike ones come from other lines.
        let lead = |i: usize| got[i].inherited.clone().unwrap();
        assert!(Arc::ptr_eq(&lead(0), &lead(1)) && !Arc::ptr_eq(&lead(0), &lead(2)));
        assert!(got[3].inherited.is_none());
    }

    #[test]
    fn rows_made_from_the_template_row_equal_whole_rows() {
        // Settings that override, extend, clear or repeat the template's, derived fields
        // (auth's md5_cred, direct_media_method), a set_var template (no shared row), an
        // unset callerid.
        let c = conv(
            "[e](!)\ntype=endpoint\ncontext=c\ndisallow=all\nallow=ulaw,alaw\ndirect_media=no\n\
             connected_line_method=update\nmailboxes=1@x\ncallerid=A <1>\n\
             [e1](e)\n[e2](e)\nallow=g722\ncontext=d\ncallerid=\n[e3](e)\ndisallow=all\nallow=ulaw,alaw\n\
             [e4](e)\ncontext=c\nset_var=A=1\nmailboxes=\n[e5](e)\ndirect_media_method=reinvite\n\
             [a](!)\ntype=auth\nauth_type=md5\nmd5_cred=0123456789abcdef0123456789abcdef\n\
             [a1](a)\nusername=u\n[a2](a)\nauth_type=userpass\nusername=u2\npassword=p\n\
             [v](!)\ntype=endpoint\nset_var=X=1\n[v1](v)\ncontext=x\n",
        );
        assert!(c.errors().next().is_none(), "{:?}", c.diags);
        let ids: Vec<&str> = c.objects.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["e1", "e2", "e3", "e4", "e5", "a1", "a2", "v1"]);
        for mut d in c.objects {
            assert_eq!(d.row_base.is_some(), d.id != "v1", "{}", d.id);
            assert_eq!(d.row_json(), d.object.row_json(), "{}", d.id);
            // The file's owner mark (an extended attribute) is written where Sorcery puts it.
            crate::apply::read::mark_owner(&mut d, "me");
            assert_eq!(d.row_json(), d.object.row_json(), "{}", d.id);
            assert!(d.row_json().contains("\"@pjsipctl_owner\":\"me\""));
        }
    }

    #[test]
    fn objects_equal_the_engine_build() {
        let c = conv("[p](!)\ntype=endpoint\ndisallow=all\nallow=g722,ulaw\n[x](p)\nallow=alaw\ncallerid=Bob <1>\nset_var=A=1\n");
        let d = &c.objects[0];
        let built = engine::build(d.ty, &d.id, None, &d.push_fields()).unwrap();
        assert_eq!(built.object.objectset(), d.object.objectset());
        assert!(built
            .object
            .objectset()
            .iter()
            .any(|a| a.attribute == "allow" && a.value == "(g722|ulaw|alaw)"));
    }
}
