//! The committed completions and man pages are what the binary generates now.

use std::path::Path;

use crate::common::Env;

fn compare_dirs(fresh: &Path, committed: &Path) {
    let mut names: Vec<_> = std::fs::read_dir(fresh)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for n in names {
        let a = std::fs::read(fresh.join(&n)).unwrap();
        let b = std::fs::read(committed.join(&n)).unwrap_or_default();
        assert!(
            a == b,
            "{} is stale: run `cargo run -- generate` and commit completions/ and man/",
            committed.join(&n).display()
        );
    }
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let env = Env::new();
    let c = env.dir.path().join("c");
    let m = env.dir.path().join("m");
    env.ok(&[
        "generate",
        "--completions",
        c.to_str().unwrap(),
        "--man",
        m.to_str().unwrap(),
    ]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    compare_dirs(&c, &root.join("completions"));
    compare_dirs(&m, &root.join("man"));
}
