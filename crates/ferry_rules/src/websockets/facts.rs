//! The releases of websockets that the fixes' names need, each with the
//! Python expression that tells whether a release has it. The
//! `release_facts` test runs every probe on real installed releases: true
//! on the release named here, false on the one before it.

use ferry_engine::Release;

/// A fact about one release of websockets.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseFact {
    /// What appeared, for messages and the test's output.
    pub what: &'static str,
    /// The first release that has it.
    pub since: Release,
    /// An expression, with `websockets`, `inspect` and `importlib.util`
    /// imported, that is true on a release that has it.
    pub probe: &'static str,
}

/// Top-level `websockets.connect`, `serve`, `broadcast` and friends are the
/// new asyncio implementation, whose keywords (`additional_headers`,
/// `handler`, `process_response`, `connections`) and objects (`.request`,
/// `.response`, `.state`, `.connections`) the fixes write.
pub const TOP_LEVEL_IS_NEW: ReleaseFact = ReleaseFact {
    what: "top-level `websockets.connect` and `websockets.serve` as the new asyncio implementation",
    since: Release::new(14, 0),
    probe: "'additional_headers' in inspect.signature(websockets.connect).parameters",
};

/// `websockets.asyncio.client` / `.server` / `.connection` exist.
pub const ASYNCIO_MODULES: ReleaseFact = ReleaseFact {
    what: "the `websockets.asyncio` modules",
    since: Release::new(13, 0),
    probe: "importlib.util.find_spec('websockets.asyncio') is not None",
};

/// The new client's `proxy=` keyword.
pub const PROXY_KEYWORD: ReleaseFact = ReleaseFact {
    what: "the `proxy` keyword of the new asyncio `connect`",
    since: Release::new(15, 0),
    probe: "'proxy' in inspect.signature(importlib.import_module('websockets.asyncio.client').connect).parameters",
};

/// `websockets.basic_auth` at the top level.
pub const TOP_LEVEL_BASIC_AUTH: ReleaseFact = ReleaseFact {
    what: "top-level `websockets.basic_auth`",
    since: Release::new(14, 0),
    probe: "hasattr(websockets, 'basic_auth')",
};

/// The new classes at the top level: `websockets.ClientConnection`,
/// `ServerConnection`, `Server`, `State`, `Request`, `Response`.
pub const TOP_LEVEL_CLASSES: ReleaseFact = ReleaseFact {
    what: "top-level `websockets.ClientConnection`, `ServerConnection`, `Server`, `State`, `Request` and `Response`",
    since: Release::new(14, 2),
    probe: "all(hasattr(websockets, n) for n in ('ClientConnection', 'ServerConnection', 'Server', 'State', 'Request', 'Response'))",
};

/// Every fact, for the test.
pub const ALL: &[ReleaseFact] = &[
    TOP_LEVEL_IS_NEW,
    ASYNCIO_MODULES,
    PROXY_KEYWORD,
    TOP_LEVEL_BASIC_AUTH,
    TOP_LEVEL_CLASSES,
];
