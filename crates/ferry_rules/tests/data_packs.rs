//! The packs of the repository (`packs/<pack>/pack.toml`: the built-in
//! ones' data rules, and `packs/python`, loaded with `--pack`) pass their
//! own `ferry pack test`, and the websockets file says what its Rust half
//! says about the library.

use std::path::Path;

use ferry_packs::pack_test::run_pack_tests;

fn packs_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs")
}

#[test]
fn every_built_in_pack_folder_passes_pack_test() {
    let mut folders = 0;
    for entry in std::fs::read_dir(packs_dir()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        folders += 1;
        let results = run_pack_tests(&dir, false).unwrap_or_else(|err| panic!("{err}"));
        let failures: Vec<String> = results
            .iter()
            .filter_map(|r| Some(format!("{}: {}", r.path.display(), r.failure.as_ref()?)))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
    assert!(folders > 0);
}

#[test]
fn the_websockets_pack_file_agrees_with_the_rust_half() {
    let spec = ferry_packs::parse_pack(ferry_rules::websockets::DATA).unwrap();
    let pack = ferry_rules::pack("websockets").unwrap();
    let migration = pack.migration.unwrap();
    assert_eq!(spec.name, pack.name);
    assert_eq!(spec.summary, pack.summary);
    assert_eq!(spec.library.name, pack.library);
    assert_eq!(spec.library.packages, pack.packages);
    assert_eq!(spec.library.breaking, migration.breaking_since);
    assert_eq!(spec.library.floor, migration.recommended_floor);
    assert_eq!(spec.library.example_target, migration.example_target);
    // Every data rule is in the pack, once, beside the Rust rules.
    for rule in &spec.rules {
        let found = pack.rules.iter().filter(|r| r.code() == rule.code).count();
        assert_eq!(found, 1, "{}", rule.code);
    }
}
