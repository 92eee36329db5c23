//! Which Python is the project's, and what it is.
//!
//! The order is the one a developer expects: `--python PATH`, else the active
//! virtual environment (`$VIRTUAL_ENV`), else `.venv/` or `venv/` at the
//! project root, else `python3` on `PATH`. The interpreter found is then asked
//! once who it really is (`sys.executable`, version), so a launcher such as a
//! pyenv shim is resolved with the user's own settings, and every later run
//! starts the real executable in a clean environment.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::error::VerifyError;
use crate::process::{self, Captured, PythonRun};

/// Files whose presence marks a project's root folder.
const ROOT_MARKERS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "tox.ini",
    "pytest.ini",
    "requirements.txt",
    ".venv",
    "venv",
    ".git",
];

/// Virtual environment folders looked for at the project root, in order.
const PROJECT_VENVS: &[&str] = &[".venv", "venv"];

/// How long the "who are you" question may take (a cold start on a slow disk).
const IDENTIFY_TIMEOUT: Duration = Duration::from_secs(60);

/// The project folder for `start` (a file or folder): the nearest folder at or
/// above it holding a project marker (`pyproject.toml`, `.venv`, `.git`, …),
/// else `start`'s own folder.
pub fn project_root(start: &Path) -> PathBuf {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let first = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent().unwrap_or(&absolute)
    };
    first
        .ancestors()
        .find(|dir| ROOT_MARKERS.iter().any(|m| dir.join(m).exists()))
        .unwrap_or(first)
        .to_path_buf()
}

/// Where the interpreter came from, shown so the user can tell why it was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterpreterSource {
    /// `--python PATH`.
    Flag,
    /// `$VIRTUAL_ENV`.
    VirtualEnv,
    /// `.venv/` or `venv/` at the project root.
    ProjectVenv,
    /// `python3` found on `PATH`.
    SearchPath,
    /// An interpreter of a given release (`python3.13`), in pyenv's
    /// versions or on `PATH`: `ferry pack check` of a Python pack.
    Release,
}

impl InterpreterSource {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Flag => "from --python",
            Self::VirtualEnv => "from $VIRTUAL_ENV",
            Self::ProjectVenv => "the project's virtual environment",
            Self::SearchPath => "python3 on PATH",
            Self::Release => "found for its release",
        }
    }
}

/// Everything the search looks at, so it can be tested without touching
/// Ferry's own environment.
#[derive(Debug, Clone)]
pub struct InterpreterRequest {
    pub explicit: Option<PathBuf>,
    pub virtual_env: Option<OsString>,
    pub search_path: Option<OsString>,
    pub project_root: PathBuf,
}

impl InterpreterRequest {
    /// The request for this process: `--python` if given, and Ferry's own
    /// `$VIRTUAL_ENV` and `$PATH`.
    pub fn from_env(explicit: Option<PathBuf>, project_root: PathBuf) -> Self {
        Self {
            explicit,
            virtual_env: std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()),
            search_path: std::env::var_os("PATH"),
            project_root,
        }
    }
}

/// An interpreter found on disk, not yet run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: PathBuf,
    pub source: InterpreterSource,
}

/// Finds the project's interpreter (see the module documentation).
pub fn locate(request: &InterpreterRequest) -> Result<Located, VerifyError> {
    let found = |path: PathBuf, source| Ok(Located { path, source });
    if let Some(explicit) = &request.explicit {
        if explicit.is_dir() {
            return match venv_python(explicit) {
                Some(path) => found(path, InterpreterSource::Flag),
                None => Err(VerifyError::NoInterpreter {
                    tried: format!(
                        "--python {}: a folder without bin/python (not a virtual environment)",
                        explicit.display()
                    ),
                }),
            };
        }
        let is_bare_name = explicit.components().count() == 1 && !explicit.exists();
        if is_bare_name {
            return match search(request.search_path.as_deref(), explicit.as_os_str()) {
                Some(path) => found(path, InterpreterSource::Flag),
                None => Err(VerifyError::NoInterpreter {
                    tried: format!("--python {}: not found on PATH", explicit.display()),
                }),
            };
        }
        if !explicit.is_file() {
            return Err(VerifyError::NoInterpreter {
                tried: format!("--python {}: no such file", explicit.display()),
            });
        }
        let absolute = std::path::absolute(explicit).unwrap_or_else(|_| explicit.clone());
        return found(absolute, InterpreterSource::Flag);
    }
    if let Some(env) = &request.virtual_env {
        let dir = PathBuf::from(env);
        return match venv_python(&dir) {
            Some(path) => found(path, InterpreterSource::VirtualEnv),
            None => Err(VerifyError::NoInterpreter {
                tried: format!(
                    "$VIRTUAL_ENV is {}, which has no bin/python (deactivate it, or pass --python)",
                    dir.display()
                ),
            }),
        };
    }
    for name in PROJECT_VENVS {
        if let Some(path) = venv_python(&request.project_root.join(name)) {
            return found(path, InterpreterSource::ProjectVenv);
        }
    }
    let default = if cfg!(windows) {
        "python.exe"
    } else {
        "python3"
    };
    match search(request.search_path.as_deref(), default.as_ref()) {
        Some(path) => found(path, InterpreterSource::SearchPath),
        None => Err(VerifyError::NoInterpreter {
            tried: format!(
                "no --python, no $VIRTUAL_ENV, no .venv/ or venv/ in {}, and no {default} on PATH",
                request.project_root.display()
            ),
        }),
    }
}

/// The interpreter inside a virtual environment folder, if there is one.
fn venv_python(dir: &Path) -> Option<PathBuf> {
    ["bin/python", "bin/python3", "Scripts/python.exe"]
        .iter()
        .map(|rel| dir.join(rel))
        .find(|path| path.is_file())
        .map(|path| std::path::absolute(&path).unwrap_or(path))
}

/// The first file called `name` in the folders of a `PATH` value.
fn search(search_path: Option<&std::ffi::OsStr>, name: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(search_path?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|path| is_executable(path))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// An interpreter of release `major.minor`: the newest of pyenv's installed
/// versions of it (`$PYENV_ROOT`, else `~/.pyenv`), else `pythonM.m` on
/// `PATH`; each candidate is asked who it is, and the first that answers
/// with that release is the one.
pub fn find_release(major: u64, minor: u64) -> Result<Python, VerifyError> {
    let wanted = format!("{major}.{minor}");
    let mut candidates: Vec<PathBuf> = Vec::new();
    let pyenv_root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pyenv")));
    if let Some(root) = pyenv_root {
        let mut versions: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(root.join("versions"))
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let rest = name.strip_prefix(&wanted)?;
                if !(rest.is_empty() || rest.starts_with('.')) {
                    return None;
                }
                let parts: Vec<u64> = name
                    .split('.')
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .ok()?;
                Some((
                    parts,
                    entry.path().join("bin").join(format!("python{wanted}")),
                ))
            })
            .collect();
        versions.sort();
        candidates.extend(versions.into_iter().rev().map(|(_, path)| path));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates
            .extend(std::env::split_paths(&path).map(|dir| dir.join(format!("python{wanted}"))));
    }
    let mut tried = Vec::new();
    for path in candidates.into_iter().filter(|p| is_executable(p)) {
        match Python::open(Located {
            path: path.clone(),
            source: InterpreterSource::Release,
        }) {
            Ok(python)
                if python.version == wanted
                    || python.version.starts_with(&format!("{wanted}.")) =>
            {
                return Ok(python)
            }
            Ok(python) => tried.push(format!("{} is Python {}", path.display(), python.version)),
            Err(err) => tried.push(format!("{}: {err}", path.display())),
        }
    }
    Err(VerifyError::NoInterpreter {
        tried: if tried.is_empty() {
            format!("no python{wanted} in pyenv's versions or on PATH")
        } else {
            tried.join("; ")
        },
    })
}

/// An interpreter that answered: what every check runs.
#[derive(Debug, Clone, Serialize)]
pub struct Python {
    /// Where it was found (what the user would type).
    pub path: PathBuf,
    pub source: InterpreterSource,
    /// `sys.executable`: the program every check starts.
    pub executable: PathBuf,
    /// `platform.python_version()`, e.g. `3.11.7`.
    pub version: String,
    /// `CPython`, `PyPy`, …
    pub implementation: String,
    /// The limit for each subprocess.
    #[serde(skip)]
    pub timeout: Duration,
}

/// What the interpreter says about itself. Runs in isolated mode (`-I`), so
/// no `PYTHON*` variable and no file of the current folder is involved.
const IDENTIFY: &str = "import json, platform, sys\n\
print(json.dumps([sys.executable, platform.python_version(), platform.python_implementation(), list(sys.version_info[:2])]))";

impl Python {
    /// The default limit for one subprocess (one pytest collection, one probe).
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

    /// Locates the project's interpreter and asks it who it is.
    pub fn find(request: &InterpreterRequest) -> Result<Self, VerifyError> {
        Self::open(locate(request)?)
    }

    /// Asks a located interpreter who it is. This one question runs with the
    /// user's environment, so a launcher (a pyenv shim) picks the version the
    /// user would get; everything after runs the answer in a clean environment.
    pub fn open(located: Located) -> Result<Self, VerifyError> {
        let dir = tempfile::tempdir().map_err(|e| VerifyError::Scratch(e.to_string()))?;
        let output = process::run(PythonRun {
            python: &located.path,
            args: vec!["-I".into(), "-c".into(), IDENTIFY.into()],
            cwd: dir.path(),
            stdin: None,
            timeout: IDENTIFY_TIMEOUT,
            inherit_env: true,
            group_file: None,
        })
        .map_err(|err| VerifyError::CannotRun {
            path: located.path.clone(),
            reason: err.to_string(),
        })?;
        if output.timed_out {
            return Err(VerifyError::Timeout {
                what: format!("asking {} for its version", located.path.display()),
                timeout: IDENTIFY_TIMEOUT,
            });
        }
        let stdout = output.stdout.as_str();
        let parsed: Option<(String, String, String, Vec<u32>)> =
            serde_json::from_str(stdout.trim()).ok();
        let Some((executable, version, implementation, major_minor)) = parsed else {
            return Err(VerifyError::NotPython {
                path: located.path,
                output: format!("{stdout}{}", output.stderr).trim().to_string(),
            });
        };
        if major_minor.as_slice() < [3, 8].as_slice() {
            return Err(VerifyError::PythonTooOld {
                path: located.path,
                version,
            });
        }
        let executable = if executable.is_empty() {
            located.path.clone()
        } else {
            PathBuf::from(executable)
        };
        Ok(Self {
            path: located.path,
            source: located.source,
            executable,
            version,
            implementation,
            timeout: Self::DEFAULT_TIMEOUT,
        })
    }

    /// Runs the interpreter with `args` in `cwd`, in a clean environment, with
    /// this interpreter's timeout. `what` names the run in error messages.
    pub(crate) fn run(
        &self,
        what: &str,
        args: Vec<OsString>,
        cwd: &Path,
        stdin: Option<Vec<u8>>,
    ) -> Result<Captured, VerifyError> {
        process::run(PythonRun {
            python: &self.executable,
            args,
            cwd,
            stdin,
            timeout: self.timeout,
            inherit_env: false,
            group_file: None,
        })
        .map_err(|err| VerifyError::CannotRun {
            path: self.executable.clone(),
            reason: format!("{what}: {err}"),
        })
    }

    /// Like [`Python::run`], but a timeout or a non-zero exit is an error.
    pub(crate) fn run_ok(
        &self,
        what: &str,
        args: Vec<OsString>,
        cwd: &Path,
        stdin: Option<Vec<u8>>,
    ) -> Result<Captured, VerifyError> {
        let captured = self.run(what, args, cwd, stdin)?;
        if captured.timed_out {
            return Err(VerifyError::Timeout {
                what: what.to_string(),
                timeout: self.timeout,
            });
        }
        if captured.code != Some(0) {
            return Err(VerifyError::Failed {
                what: what.to_string(),
                code: captured.code_text(),
                stderr: captured.stderr.trim_end().to_string(),
            });
        }
        Ok(captured)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn fake_venv(dir: &Path) -> PathBuf {
        fs::create_dir_all(dir.join("bin")).unwrap();
        let python = dir.join("bin/python");
        fs::write(&python, "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&python, fs::Permissions::from_mode(0o755)).unwrap();
        }
        python
    }

    fn request(root: &Path) -> InterpreterRequest {
        InterpreterRequest {
            explicit: None,
            virtual_env: None,
            search_path: None,
            project_root: root.to_path_buf(),
        }
    }

    // These tests only look for files: nothing here is run as Python.
    #[test]
    fn search_order_is_flag_then_virtual_env_then_project_venv_then_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        let dot_venv = fake_venv(&root.join(".venv"));
        let plain_venv = fake_venv(&root.join("venv"));
        let active = fake_venv(&dir.path().join("active"));
        let on_path = fake_venv(&dir.path().join("tools"));
        fs::rename(&on_path, on_path.with_file_name("python3")).unwrap();
        let on_path = on_path.with_file_name("python3");
        let flag = fake_venv(&dir.path().join("chosen"));

        let mut req = request(&root);
        req.search_path = Some(on_path.parent().unwrap().as_os_str().to_owned());
        req.virtual_env = Some(dir.path().join("active").into_os_string());
        req.explicit = Some(flag.clone());
        let at = |req: &InterpreterRequest| locate(req).unwrap();
        assert_eq!(at(&req).path, flag);
        assert_eq!(at(&req).source, InterpreterSource::Flag);
        req.explicit = Some(dir.path().join("chosen"));
        assert_eq!(at(&req).path, flag, "--python may name a venv folder");
        req.explicit = None;
        assert_eq!(at(&req).path, active);
        assert_eq!(at(&req).source, InterpreterSource::VirtualEnv);
        req.virtual_env = None;
        assert_eq!(at(&req).path, dot_venv);
        fs::remove_dir_all(root.join(".venv")).unwrap();
        assert_eq!(at(&req).path, plain_venv);
        assert_eq!(at(&req).source, InterpreterSource::ProjectVenv);
        fs::remove_dir_all(root.join("venv")).unwrap();
        assert_eq!(at(&req).path, on_path);
        assert_eq!(at(&req).source, InterpreterSource::SearchPath);
    }

    #[test]
    fn what_was_tried_is_said_when_nothing_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut req = request(dir.path());
        let err = locate(&req).unwrap_err().to_string();
        assert!(err.contains("no .venv/ or venv/"), "{err}");
        req.explicit = Some(dir.path().join("missing/python"));
        let err = locate(&req).unwrap_err().to_string();
        assert!(err.contains("no such file"), "{err}");
        req.explicit = Some(PathBuf::from("python-that-does-not-exist"));
        let err = locate(&req).unwrap_err().to_string();
        assert!(err.contains("not found on PATH"), "{err}");
        req.explicit = None;
        req.virtual_env = Some(dir.path().join("gone").into_os_string());
        let err = locate(&req).unwrap_err().to_string();
        assert!(err.contains("$VIRTUAL_ENV"), "{err}");
    }

    #[test]
    fn project_root_is_the_nearest_folder_with_a_marker() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("proj");
        fs::create_dir_all(root.join("tests/unit")).unwrap();
        fs::write(root.join("pyproject.toml"), "").unwrap();
        fs::write(root.join("tests/unit/test_a.py"), "").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(project_root(&root.join("tests/unit/test_a.py")), root);
        assert_eq!(project_root(&root.join("tests/unit")), root);
        let bare = dir.path().join("bare");
        fs::create_dir_all(&bare).unwrap();
        let found = project_root(&bare);
        let has_marker = ROOT_MARKERS.iter().any(|m| found.join(m).exists());
        assert!(
            found == bare || (bare.starts_with(&found) && has_marker),
            "{found:?}"
        );
    }

    #[test]
    fn a_file_that_is_not_python_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("fake-python");
        fs::write(&script, "#!/bin/sh\necho hello\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let located = Located {
            path: script,
            source: InterpreterSource::Flag,
        };
        let err = Python::open(located).unwrap_err().to_string();
        assert!(
            err.contains("does not look like a Python interpreter"),
            "{err}"
        );
        assert!(err.contains("hello"), "{err}");
    }
}
