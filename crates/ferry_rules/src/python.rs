//! The Python upgrade pack: what the interpreter removed between 3.10 and
//! 3.13. Data only (`packs/python/pack.toml`, beside its fixtures): every
//! rule is an instance of a kind. Its target is the interpreter the project
//! declares (`requires-python`, `.python-version`, ...), or `--target
//! python==3.13`; it runs in modules that import one of the standard
//! library modules it names.

use std::sync::LazyLock;

use ferry_engine::Pack;

/// The pack file, embedded.
pub const DATA: &str = include_str!("../../../packs/python/pack.toml");

/// The pack, built the first time it is used.
pub static PACK: LazyLock<&'static Pack> = LazyLock::new(|| {
    let spec = ferry_packs::parse_pack(DATA)
        .unwrap_or_else(|err| panic!("packs/python/pack.toml:{}: {}", err.line, err.message));
    ferry_packs::build_pack(&spec)
});
