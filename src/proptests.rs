//! Property tests over the engine: no input panics a handler, and what is stored in an
//! astdb row reads back as the same object (apart from astdb's known losses).

use proptest::prelude::*;

use crate::engine;
use crate::model::Attr;
use crate::schema::{field, Kind, TYPES};

/// Values a field of this kind might plausibly be given, plus hostile text.
fn value_for(kind: &'static Kind) -> BoxedStrategy<String> {
    let hostile = prop_oneof![
        Just(String::new()),
        "[ -~]{0,12}",
        "\\PC{0,8}",
        Just("\"q\\\\uote\";,=|()<>".to_string()),
    ];
    let specific: BoxedStrategy<String> = match kind {
        Kind::Bool | Kind::YesNo | Kind::CapitalYesNo => {
            prop::sample::select(vec!["yes", "no", "true", "0", "on", "maybe", ""])
                .prop_map(String::from)
                .boxed()
        }
        Kind::UInt { .. } | Kind::Int { .. } => prop_oneof![
            (0u64..100_000).prop_map(|n| n.to_string()),
            Just("0x1f".into()),
            Just("-3".into())
        ]
        .boxed(),
        Kind::Double => (0.0f64..100.0).prop_map(|f| format!("{f}")).boxed(),
        Kind::Enum { values, .. } | Kind::LenientEnum(values) => prop::sample::select(
            values
                .iter()
                .map(|(i, _)| i.to_string())
                .collect::<Vec<_>>(),
        )
        .boxed(),
        Kind::Codec { .. } => prop::sample::select(vec![
            "ulaw",
            "alaw,g722",
            "!all,ulaw",
            "all",
            "(g722|ulaw)",
            "opus|vp8",
            "bogus",
            "ulaw,,alaw",
        ])
        .prop_map(String::from)
        .boxed(),
        Kind::CallerId => prop_oneof![
            Just("\"Reception\" <101>".to_string()),
            Just("Sales Desk <102>".to_string()),
            Just("<104>".to_string()),
            "[A-Za-z ]{1,8} <[0-9]{1,5}>",
            "[0-9]{1,6}",
        ]
        .boxed(),
        Kind::AorContact => "sips?:[a-z0-9]{1,6}@[a-z]{1,5}\\.example(:[0-9]{4})?".boxed(),
        Kind::IdentifyMatch | Kind::LocalNet => prop_oneof![
            (0u8..=255, 0u8..=255, 0u32..=32).prop_map(|(a, b, m)| format!("10.{a}.{b}.0/{m}")),
            Just("192.0.2.7".to_string()),
        ]
        .boxed(),
        Kind::SetVar => "[A-Z]{1,4}=[a-z0-9=]{0,5}".boxed(),
        Kind::Group => prop_oneof![
            Just("1,3-5".to_string()),
            Just("70".to_string()),
            Just("2".to_string())
        ]
        .boxed(),
        Kind::Tos { .. } => prop::sample::select(vec!["ef", "af41", "cs3", "0x10", "184"])
            .prop_map(String::from)
            .boxed(),
        Kind::IdList | Kind::NamedGroup | Kind::ListItem => {
            "[a-z0-9-]{1,6}(,[a-z0-9-]{1,6}){0,2}".boxed()
        }
        _ => "[a-zA-Z0-9 ._@:-]{0,12}".boxed(),
    };
    prop_oneof![4 => specific, 1 => hostile].boxed()
}

pub(crate) fn pushes() -> impl Strategy<Value = (usize, Vec<Attr>)> {
    (0..TYPES.len()).prop_flat_map(|t| {
        let ty = &TYPES[t];
        let fields: Vec<usize> = (0..ty.fields.len()).collect();
        let one = prop::sample::select(fields).prop_flat_map(move |i| {
            let f = &TYPES[t].fields[i];
            value_for(&f.kind).prop_map(move |v| Attr::new(f.name, v))
        });
        (Just(t), prop::collection::vec(one, 0..8))
    })
}

/// Round trip through an astdb row: 2000 cases that really reach the comparison; those with
/// nothing to compare (a static type, a push the engine refuses, a row the policy refuses)
/// are skipped with prop_assume and counted, and may not crowd out the rest.
#[test]
fn any_push_is_answered_without_panic_and_round_trips_through_astdb() {
    use std::cell::Cell;
    let (static_only, refused, unreadable) = (Cell::new(0), Cell::new(0), Cell::new(0));
    let lost = Cell::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 2000,
        max_global_rejects: 20_000,
        ..ProptestConfig::default()
    });
    runner
        .run(&pushes(), |(t, fields)| {
            let ty = &TYPES[t];
            // transport, global and system stay in the static pjsip.conf: never stored in astdb.
            if ty.static_only() {
                static_only.set(static_only.get() + 1);
            }
            prop_assume!(!ty.static_only());
            let built = engine::build(ty, "prop", None, &fields);
            if built.is_err() {
                refused.set(refused.get() + 1);
            }
            prop_assume!(built.is_ok());
            let obj = built.unwrap().object;
            let row = obj.row_json();
            let parsed: serde_json::Value = serde_json::from_str(&row).expect("row is JSON");
            prop_assert!(parsed.as_object().unwrap().values().all(|v| v.is_string()));
            let back = match engine::from_row(ty, "prop", &row) {
                Ok((back, _)) => back,
                // A row Asterisk could not read back must never be stored: the policy refuses it.
                Err(e) => {
                    let refused = crate::policy::check(&obj, false)
                        .iter()
                        .any(|f| f.severity == crate::policy::Severity::Broken);
                    prop_assert!(refused, "unreadable row not refused: {}: {}", row, e);
                    unreadable.set(unreadable.get() + 1);
                    prop_assume!(false);
                    unreachable!()
                }
            };
            // Compare the answers as astdb can hold them: set_var is dropped, a multi-valued
            // field keeps its last item (internal state may differ where an output quirk hides it).
            let lossy = |o: &crate::model::Object| -> Vec<(String, String)> {
                let mut v: Vec<(String, String)> = Vec::new();
                for a in o.objectset() {
                    let Some(f) = o.ty.fields.iter().find(|f| f.name == a.attribute) else {
                        continue;
                    };
                    if matches!(f.kind, Kind::SetVar) {
                        continue;
                    }
                    match v.last_mut() {
                        Some(last) if f.has(field::MULTI) && last.0 == a.attribute => {
                            last.1 = a.value
                        }
                        _ => v.push((a.attribute, a.value)),
                    }
                }
                v
            };
            let (pushed, read) = (lossy(&obj), lossy(&back));
            if pushed != read {
                // A push astdb does not give back (identify_by= reads back as its default,
                // say) is stored only if the policy names the loss, which it refuses by default.
                let value = |set: &[(String, String)], a: &str| {
                    set.iter().find(|(k, _)| k == a).map(|(_, v)| v.clone())
                };
                let named = crate::policy::check(&obj, false).iter().any(|f| {
                    f.severity == crate::policy::Severity::Loss
                        && f.attribute
                            .as_deref()
                            .is_some_and(|a| value(&pushed, a) != value(&read, a))
                });
                let differ: Vec<_> = pushed.iter().filter(|p| !read.contains(p)).collect();
                prop_assert!(
                    named,
                    "row {} reads back otherwise, and no loss is named: pushed {:?}, read {:?}",
                    row,
                    differ,
                    read.iter()
                        .filter(|p| !pushed.contains(p))
                        .collect::<Vec<_>>()
                );
                lost.set(lost.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    let skipped = static_only.get() + refused.get() + unreadable.get();
    eprintln!(
        "2000 round trips compared ({} losses named by the policy); skipped {skipped}: {} static types, {} refused pushes, {} unreadable rows",
        lost.get(),
        static_only.get(),
        refused.get(),
        unreadable.get()
    );
    // About 4 skips per comparison (hostile values are refused by design): a generator that
    // drifts into mostly refused pushes fails here rather than test less.
    assert!(skipped < 5 * 2000, "skipped {skipped} for 2000 compared");
}

/// The row written from the type's shape (fields at their defaults copied in runs) is byte
/// for byte the row written entry by entry, whatever the object holds.
#[test]
fn rows_from_the_shape_equal_rows_written_entry_by_entry() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 3000,
        ..ProptestConfig::default()
    });
    let ext = prop::collection::vec(("@[a-z]{1,3}", "[ -~]{0,4}"), 0..3);
    runner
        .run(&(pushes(), ext), |((t, fields), ext)| {
            let ty = &TYPES[t];
            let mut obj = crate::model::Object::new(ty, "p");
            for f in &fields {
                let _ = engine::apply_field(&mut obj, f);
            }
            for (k, v) in &ext {
                obj.set_extended(k, v);
            }
            prop_assert_eq!(obj.row_json(), obj.row_json_by_entries());
            Ok(())
        })
        .unwrap();
}

proptest! {
    #[test]
    fn push_arguments_never_panic(args in prop::collection::vec("\\PC{0,20}", 0..6)) {
        let _ = crate::commands::push::parse_fields(&args);
    }

    #[test]
    fn section_bodies_never_panic_and_name_their_line(text in "(\\PC{0,30}\n){0,8}") {
        if let Err(e) = crate::conf::parse_body(&text, "body.conf", "aor") {
            prop_assert!(e.message.contains("body.conf:"), "{}", e.message);
        }
    }
}
