//! The websockets pack: code written for the legacy asyncio implementation
//! (`websockets.legacy`, and `websockets.connect` up to 13.x) that breaks on
//! the new asyncio implementation, which `websockets.connect` is from 14.0.
//!
//! The facts behind every rule are in the project's shared migration notes;
//! each rule file says which error users see and when its fix is safe.

mod api;
mod connections;
pub mod facts;
pub mod legacy_members;

use std::sync::LazyLock;

use ferry_engine::{Pack, RegisteredRule};

register_rules! {
    ws004_custom_protocol_class::CustomProtocolClass,
    ws005_max_queue_meaning::MaxQueueMeaning,
    ws006_reconnect_loop::ReconnectLoop,
    ws007_proxy_from_environment::ProxyFromEnvironment,
    ws010_serve_extra_headers::ServeExtraHeaders,
    ws012_handler_path_argument::HandlerPathArgument,
    ws013_process_request_signature::ProcessRequestSignature,
    ws014_select_subprotocol_signature::SelectSubprotocolSignature,
    ws015_serve_outside_loop::ServeOutsideLoop,
    ws017_serve_origins::ServeOrigins,
    ws020_connection_attributes::ConnectionAttributes,
    ws021_legacy_protocol_types::LegacyProtocolTypes,
    ws022_server_attributes::ServerAttributes,
    ws030_invalid_status_code::InvalidStatusCode,
    ws031_handshake_exceptions::HandshakeExceptions,
    ws033_connection_closed_code::ConnectionClosedCode,
    ws034_payload_too_big_arguments::PayloadTooBigArguments,
    ws035_invalid_status_attributes::InvalidStatusAttributes,
    ws040_keyword_dict::KeywordDict,
    ws050_star_import_legacy_names::StarImportLegacyNames,
    ws053_unused_legacy_import::UnusedLegacyImport,
    ws060_version_checks::VersionChecks,
    ws061_type_error_fallback::TypeErrorFallback,
    ws062_mock_assertions::MockAssertions,
    ws070_explicit_legacy_client::ExplicitLegacyClient,
    ws071_explicit_legacy_server::ExplicitLegacyServer,
    ws080_new_api_under_old_pin::NewApiUnderOldPin,
}

/// The pack's rules that are plain instances of a kind, as data
/// (`packs/websockets/pack.toml`, beside their fixtures).
pub const DATA: &str = include_str!("../../../../packs/websockets/pack.toml");

/// The pack: the Rust rules above and the data rules of [`DATA`], built
/// the first time it is used.
pub static PACK: LazyLock<&'static Pack> = LazyLock::new(|| {
    let spec = ferry_packs::parse_pack(DATA)
        .unwrap_or_else(|err| panic!("packs/websockets/pack.toml:{}: {}", err.line, err.message));
    let mut rules: Vec<RegisteredRule> = RULES.to_vec();
    rules.extend(ferry_packs::data_rules(&spec));
    rules.sort_by_key(|rule| rule.code());
    Box::leak(Box::new(pack(Box::leak(rules.into_boxed_slice()))))
});

/// The pack with `rules`; everything else is known at compile time.
fn pack(rules: &'static [RegisteredRule]) -> Pack {
    Pack {
    name: "websockets",
    summary: "websockets legacy asyncio API → new asyncio API (websockets >= 14)",
    library: "websockets",
    rules,
    triggers: &["websockets"],
    mention_words: &["extra_headers"],
    packages: &["websockets"],
    // Top-level `websockets.connect` became the new asyncio client in 14.0;
    // 14.2 is the first release with every name the fixes use.
    migration: Some(ferry_engine::Migration {
        breaking_since: ferry_engine::Release::new(14, 0),
        recommended_floor: "14.2",
        example_target: "15.0.1",
        below_means: "`websockets.connect` is the legacy client there",
        pin_bump: ferry_engine::PinBumpRule {
            code: "WS900",
            name: "RequirementExcludesTarget",
            summary: "A websockets requirement that excludes the version given with `--target`, raised so that it allows it (unsafe fix in the requirement file).",
            doc: include_str!("ws900_requirement_excludes_target.md"),
        },
    }),
    // Every spelling of `connect` and `serve` the rules resolve, and the
    // keywords WS001 and WS002 rename.
    probe: Some(ferry_engine::ProbeSpec {
        functions: &[
            "websockets.connect",
            "websockets.serve",
            "websockets.asyncio.client.connect",
            "websockets.asyncio.server.serve",
            "websockets.sync.client.connect",
            "websockets.sync.server.serve",
            "websockets.legacy.client.connect",
            "websockets.legacy.server.serve",
            "websockets.client.connect",
            "websockets.server.serve",
        ],
        keywords: &[
            "extra_headers",
            "additional_headers",
            "timeout",
            "close_timeout",
        ],
        implementations: &[
            ferry_engine::ModuleImplementation {
                module: "websockets.legacy",
                id: "legacy",
                description: "legacy asyncio",
            },
            ferry_engine::ModuleImplementation {
                module: "websockets.asyncio",
                id: "new-asyncio",
                description: "new asyncio",
            },
            ferry_engine::ModuleImplementation {
                module: "websockets.sync",
                id: "sync",
                description: "threading (sync)",
            },
        ],
    }),
    gate: ferry_engine::RuleGate::new(),
    }
}
