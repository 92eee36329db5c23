//! The httpx pack: code written for httpx 0.27 that breaks on 0.28, which
//! removed the `proxies=` and `app=` shortcuts deprecated in 0.26 and 0.27
//! and the top-level functions' `cert=`.
//!
//! Every rule is an instance of a kind (`packs/httpx/pack.toml`, beside its
//! fixtures): the pack has no Rust rule, so it is built as a pack file is,
//! with its requirement bump (`HX900`) from the file's `[library]`.

use std::sync::LazyLock;

use ferry_engine::Pack;

/// The pack's rules, as data (`packs/httpx/pack.toml`).
pub const DATA: &str = include_str!("../../../packs/httpx/pack.toml");

/// The pack, built the first time it is used.
pub static PACK: LazyLock<&'static Pack> = LazyLock::new(|| {
    let spec = ferry_packs::parse_pack(DATA)
        .unwrap_or_else(|err| panic!("packs/httpx/pack.toml:{}: {}", err.line, err.message));
    ferry_packs::build_pack(&spec)
});
