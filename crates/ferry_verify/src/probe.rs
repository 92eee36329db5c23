//! `ferry doctor`'s questions to the interpreter: which version of the library
//! is installed, and, for each function a pack cares about, which
//! implementation the name really reaches and which of the pack's keywords it
//! takes. Asked in a subprocess (`probe.py`) that imports only the library,
//! never the project's own modules.
//!
//! "Supported" means a named parameter of `inspect.signature`: a keyword that
//! would only land in `**kwargs` is not counted. That is the distinction that
//! matters here: both websockets clients take `**kwargs` and pass what they do
//! not know on to `loop.create_connection()`, which raises `TypeError` only
//! when the connection opens (the legacy client alone pops a deprecated
//! `timeout` out of `**kwargs` first).

use std::ffi::OsString;

use serde::{Deserialize, Serialize};

use crate::error::VerifyError;
use crate::interpreter::Python;

/// What to ask the interpreter for one pack. The caller fills it from the
/// pack's data (`ferry_engine::Pack::probe`): this crate knows no library.
#[derive(Debug, Clone, Copy)]
pub struct ProbeSpec<'a> {
    /// The distribution and top-level module, e.g. `websockets`.
    pub library: &'a str,
    /// Dotted names of the functions whose callers the pack rewrites.
    pub functions: &'a [&'a str],
    /// The keywords the pack renames, in both their old and new spelling.
    pub keywords: &'a [&'a str],
    /// The implementations a function may be, by module; first match wins.
    pub implementations: &'a [ModuleImplementation<'a>],
}

/// One implementation of the library's API, known by its modules.
#[derive(Debug, Clone, Copy)]
pub struct ModuleImplementation<'a> {
    /// A module, with its submodules (`websockets.legacy`).
    pub module: &'a str,
    /// Its name in JSON (`legacy`).
    pub id: &'a str,
    /// Its name in text (`legacy asyncio`).
    pub description: &'a str,
}

/// What "supported" means in a [`FunctionProbe`], for readers of the JSON.
pub const SUPPORTED_MEANS: &str = "a named parameter in inspect.signature; keywords that would only reach **kwargs are not counted";

/// Which implementation a name reaches, by the module its object lives in
/// (one of the spec's, or `other`). Serialised as its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implementation {
    pub id: String,
    pub description: String,
}

impl Implementation {
    fn of(module: &str, spec: &ProbeSpec<'_>) -> Self {
        let found = spec.implementations.iter().find(|i| {
            module == i.module
                || module
                    .strip_prefix(i.module)
                    .is_some_and(|rest| rest.starts_with('.'))
        });
        match found {
            Some(i) => Self {
                id: i.id.to_string(),
                description: i.description.to_string(),
            },
            None => Self {
                id: "other".to_string(),
                description: "other".to_string(),
            },
        }
    }

    pub fn describe(&self) -> &str {
        &self.description
    }
}

impl Serialize for Implementation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.id)
    }
}

/// Whether one function takes one keyword by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeywordSupport {
    pub keyword: String,
    /// See [`SUPPORTED_MEANS`].
    pub supported: bool,
}

/// One function as the installed library has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionProbe {
    /// As asked, e.g. `websockets.connect`.
    pub name: String,
    /// `module.qualname` of the object the name resolves to.
    pub resolves_to: Option<String>,
    pub implementation: Option<Implementation>,
    /// `class` (the new `connect` is one) or `function`.
    pub kind: Option<&'static str>,
    pub signature: Option<String>,
    pub keywords: Vec<KeywordSupport>,
    /// Whether it takes `**kwargs` (unknown keywords are then not rejected
    /// at the call).
    pub takes_var_keyword: bool,
    /// Warnings the import or the attribute access gave (deprecations).
    pub warnings: Vec<String>,
    /// Why the name could not be resolved or inspected.
    pub error: Option<String>,
}

impl FunctionProbe {
    pub fn supports(&self, keyword: &str) -> Option<bool> {
        self.keywords
            .iter()
            .find(|k| k.keyword == keyword)
            .map(|k| k.supported)
    }
}

/// The probe's answer for one library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeReport {
    pub library: String,
    /// The installed distribution's version; `None`: not installed.
    pub library_version: Option<String>,
    /// pytest's version in the same interpreter (`ferry verify` needs it).
    pub pytest_version: Option<String>,
    pub supported_means: &'static str,
    pub functions: Vec<FunctionProbe>,
}

#[derive(Serialize)]
struct Request<'a> {
    library: &'a str,
    functions: &'a [&'a str],
    versions_of: [&'a str; 2],
}

#[derive(Deserialize)]
struct RawReport {
    versions: std::collections::BTreeMap<String, Option<String>>,
    functions: Vec<RawFunction>,
}

#[derive(Deserialize)]
struct RawFunction {
    name: String,
    error: Option<String>,
    warnings: Vec<String>,
    module: Option<String>,
    qualname: Option<String>,
    is_class: Option<bool>,
    signature: Option<String>,
    parameters: Option<Vec<RawParameter>>,
}

#[derive(Deserialize)]
struct RawParameter {
    name: String,
    kind: String,
}

const PROBE_SCRIPT: &str = include_str!("probe.py");

/// Asks `python` about `spec`'s library. Runs in an empty scratch folder.
pub fn probe(python: &Python, spec: &ProbeSpec<'_>) -> Result<ProbeReport, VerifyError> {
    let request = Request {
        library: spec.library,
        functions: spec.functions,
        versions_of: [spec.library, "pytest"],
    };
    let request = serde_json::to_string(&request).expect("plain strings serialize");
    let scratch = tempfile::tempdir().map_err(|e| VerifyError::Scratch(e.to_string()))?;
    let what = format!("probing {} with {}", spec.library, python.path.display());
    let args: Vec<OsString> = vec!["-c".into(), PROBE_SCRIPT.into(), request.into()];
    let captured = python.run_ok(&what, args, scratch.path(), None)?;
    let raw: RawReport =
        serde_json::from_str(captured.stdout.trim()).map_err(|err| VerifyError::BadOutput {
            what,
            reason: err.to_string(),
            output: captured.stdout.clone(),
        })?;
    let version_of = |name: &str| raw.versions.get(name).cloned().flatten();
    Ok(ProbeReport {
        library: spec.library.to_string(),
        library_version: version_of(spec.library),
        pytest_version: version_of("pytest"),
        supported_means: SUPPORTED_MEANS,
        functions: raw
            .functions
            .into_iter()
            .map(|f| function_probe(f, spec))
            .collect(),
    })
}

fn function_probe(raw: RawFunction, spec: &ProbeSpec<'_>) -> FunctionProbe {
    let parameters = raw.parameters.unwrap_or_default();
    let by_name = |keyword: &str| {
        parameters.iter().any(|p| {
            p.name == keyword && matches!(p.kind.as_str(), "POSITIONAL_OR_KEYWORD" | "KEYWORD_ONLY")
        })
    };
    let resolved = raw.module.is_some() || raw.qualname.is_some();
    let implementation = raw
        .module
        .as_deref()
        .map(|module| Implementation::of(module, spec));
    FunctionProbe {
        resolves_to: resolved.then(|| {
            format!(
                "{}.{}",
                raw.module.as_deref().unwrap_or("?"),
                raw.qualname.as_deref().unwrap_or("?")
            )
        }),
        implementation,
        kind: raw
            .is_class
            .map(|is_class| if is_class { "class" } else { "function" }),
        signature: raw.signature,
        keywords: if parameters.is_empty() && raw.error.is_some() {
            Vec::new()
        } else {
            spec.keywords
                .iter()
                .map(|k| KeywordSupport {
                    keyword: (*k).to_string(),
                    supported: by_name(k),
                })
                .collect()
        },
        takes_var_keyword: parameters.iter().any(|p| p.kind == "VAR_KEYWORD"),
        warnings: raw.warnings,
        error: raw.error,
        name: raw.name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The websockets pack's probe, as test data.
    const WEBSOCKETS: ProbeSpec<'static> = ProbeSpec {
        library: "websockets",
        functions: &["websockets.connect"],
        keywords: &[
            "extra_headers",
            "additional_headers",
            "timeout",
            "close_timeout",
        ],
        implementations: &[
            ModuleImplementation {
                module: "websockets.legacy",
                id: "legacy",
                description: "legacy asyncio",
            },
            ModuleImplementation {
                module: "websockets.asyncio",
                id: "new-asyncio",
                description: "new asyncio",
            },
            ModuleImplementation {
                module: "websockets.sync",
                id: "sync",
                description: "threading (sync)",
            },
        ],
    };

    fn id(probe: &FunctionProbe) -> Option<&str> {
        probe.implementation.as_ref().map(|i| i.id.as_str())
    }

    fn raw(module: &str, parameters: &[(&str, &str)]) -> RawFunction {
        RawFunction {
            name: "websockets.connect".into(),
            error: None,
            warnings: Vec::new(),
            module: Some(module.into()),
            qualname: Some("connect".into()),
            is_class: Some(true),
            signature: None,
            parameters: Some(
                parameters
                    .iter()
                    .map(|(name, kind)| RawParameter {
                        name: (*name).into(),
                        kind: (*kind).into(),
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn supported_means_a_named_parameter_not_var_keyword() {
        let probe = function_probe(
            raw(
                "websockets.legacy.client",
                &[
                    ("uri", "POSITIONAL_OR_KEYWORD"),
                    ("extra_headers", "KEYWORD_ONLY"),
                    ("kwargs", "VAR_KEYWORD"),
                ],
            ),
            &WEBSOCKETS,
        );
        assert_eq!(id(&probe), Some("legacy"));
        assert_eq!(
            probe.implementation.as_ref().unwrap().describe(),
            "legacy asyncio"
        );
        assert_eq!(
            serde_json::to_value(&probe).unwrap()["implementation"],
            "legacy"
        );
        assert_eq!(probe.supports("extra_headers"), Some(true));
        assert_eq!(probe.supports("timeout"), Some(false));
        assert_eq!(probe.supports("kwargs"), None);
        assert!(probe.takes_var_keyword);
        assert_eq!(
            probe.resolves_to.as_deref(),
            Some("websockets.legacy.client.connect")
        );
    }

    #[test]
    fn implementation_is_read_from_whole_module_names() {
        let probe = |module: &str| function_probe(raw(module, &[]), &WEBSOCKETS);
        let of = |module: &str| id(&probe(module)).map(str::to_string);
        assert_eq!(
            of("websockets.asyncio.client").as_deref(),
            Some("new-asyncio")
        );
        assert_eq!(of("websockets.sync.client").as_deref(), Some("sync"));
        assert_eq!(of("websockets.legacy").as_deref(), Some("legacy"));
        assert_eq!(of("websockets.legacyish").as_deref(), Some("other"));
        assert_eq!(of("websockets.client").as_deref(), Some("other"));
        assert_eq!(
            probe("websockets.client")
                .implementation
                .unwrap()
                .describe(),
            "other"
        );
    }
}
