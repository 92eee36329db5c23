//! Virtual environments Ferry makes for a trial (`ferry upgrade`): the
//! project's declared requirements, installed with pip from the package
//! index into a fresh venv, cached by a hash of everything that decides
//! what gets installed, so the next trial of the same project reuses it.
//!
//! A venv is built in a folder with a `.partial` suffix and renamed when
//! pip is done, so a killed run never leaves a half-built venv that a later
//! run would trust; the next run removes such leftovers.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::VerifyError;
use crate::interpreter::Python;
use crate::process::{run, PythonRun};

/// What to install.
#[derive(Debug, Clone, Default)]
pub struct EnvSpec {
    /// `pip install -r FILE` for each.
    pub requirement_files: Vec<PathBuf>,
    /// `pip install DIR[extras]`: a project declared in `pyproject.toml`.
    pub project: Option<(PathBuf, Vec<String>)>,
    /// More requirements on the command line, e.g. `websockets==15.0.1`.
    pub pins: Vec<String>,
    /// Folders of wheels pip may install from besides the index (`--find-links`).
    pub find_links: Vec<PathBuf>,
}

/// The Python of a venv with `spec` installed, built under `cache` unless a
/// finished one is there already.
pub fn ensure_env(
    base: &Python,
    cache: &Path,
    spec: &EnvSpec,
    timeout: Duration,
) -> Result<PathBuf, VerifyError> {
    std::fs::create_dir_all(cache).map_err(|e| VerifyError::io(cache, e))?;
    let key = key(base, spec)?;
    let folder = cache.join(&key);
    // One builder per environment; the others wait, then find it built.
    let _lock = Lock::acquire(&cache.join(format!("{key}.lock")))?;
    let python = venv_python(&folder);
    if python.is_file() {
        return Ok(python);
    }
    // Left by a run killed while building it: only this lock's holder builds
    // it, after ending the pip that run may have left running.
    let group_file = cache.join(format!("{key}.pgid"));
    crate::process::end_group_in(&group_file);
    let partial = folder.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    let _building = Building::start(&group_file, &partial);
    let step = |what: &str, program: &Path, args: Vec<OsString>| -> Result<(), VerifyError> {
        let captured = run(PythonRun {
            python: program,
            args,
            cwd: cache,
            stdin: None,
            timeout,
            inherit_env: false,
            group_file: Some(&group_file),
        })
        .map_err(|e| VerifyError::io(program, e))?;
        if captured.timed_out {
            return Err(VerifyError::Timeout {
                what: what.to_string(),
                timeout,
            });
        }
        if captured.code != Some(0) {
            return Err(VerifyError::Failed {
                what: what.to_string(),
                code: captured.code_text(),
                stderr: format!("{}{}", captured.stdout, captured.stderr),
            });
        }
        Ok(())
    };
    let built = step(
        "creating a virtual environment",
        &base.executable,
        vec!["-m".into(), "venv".into(), partial.clone().into()],
    );
    let mut args: Vec<OsString> = ["-m", "pip", "install", "--disable-pip-version-check", "-q"]
        .into_iter()
        .map(OsString::from)
        .collect();
    for file in &spec.requirement_files {
        args.push("-r".into());
        args.push(file.clone().into());
    }
    if let Some((dir, extras)) = &spec.project {
        let mut target = dir.clone().into_os_string();
        if !extras.is_empty() {
            target.push(format!("[{}]", extras.join(",")));
        }
        args.push(target);
    }
    for dir in &spec.find_links {
        args.push("--find-links".into());
        args.push(dir.clone().into());
    }
    args.extend(spec.pins.iter().map(OsString::from));
    let built = built.and_then(|()| {
        step(
            "installing the requirements with pip",
            &venv_python(&partial),
            args,
        )
    });
    if let Err(error) = built {
        // A build that failed or ran out of time is no use to anyone.
        let _ = std::fs::remove_dir_all(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, &folder).map_err(|e| VerifyError::io(&folder, e))?;
    Ok(venv_python(&folder))
}

/// The venv this process is building, for [`abandon_build`].
static BUILDING: std::sync::Mutex<Option<(PathBuf, PathBuf)>> = std::sync::Mutex::new(None);

/// Marks a build as under way until dropped.
struct Building;

impl Building {
    fn start(group_file: &Path, partial: &Path) -> Self {
        *BUILDING.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((group_file.to_path_buf(), partial.to_path_buf()));
        Building
    }
}

impl Drop for Building {
    fn drop(&mut self) {
        BUILDING.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

/// Ends the pip this process is running for a venv, if any, and removes
/// the half-built folder: for an interrupted run (Ctrl-C), which exits
/// right after.
pub fn abandon_build() {
    let building = BUILDING.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((group_file, partial)) = building {
        crate::process::end_group_in(&group_file);
        let _ = std::fs::remove_dir_all(&partial);
    }
}

/// The interpreter inside a venv folder.
fn venv_python(folder: &Path) -> PathBuf {
    if cfg!(windows) {
        folder.join("Scripts").join("python.exe")
    } else {
        folder.join("bin").join("python")
    }
}

/// A name for what `spec` installs with `base`: the interpreter, the
/// requirement files' bytes, the project's files that declare it, the pins.
fn key(base: &Python, spec: &EnvSpec) -> Result<String, VerifyError> {
    let mut hasher = Sha256::new();
    hasher.update(base.executable.to_string_lossy().as_bytes());
    hasher.update(base.version.as_bytes());
    for file in &spec.requirement_files {
        let bytes = std::fs::read(file).map_err(|e| VerifyError::io(file, e))?;
        hasher.update(b"\0requirements\0");
        hasher.update(&bytes);
    }
    if let Some((dir, extras)) = &spec.project {
        for name in ["pyproject.toml", "setup.cfg", "setup.py"] {
            if let Ok(bytes) = std::fs::read(dir.join(name)) {
                hasher.update(name.as_bytes());
                hasher.update(&bytes);
            }
        }
        hasher.update(extras.join(",").as_bytes());
    }
    for pin in &spec.pins {
        hasher.update(b"\0pin\0");
        hasher.update(pin.as_bytes());
    }
    // A wheel folder's files, by name and size: a rebuilt wheel is a new venv.
    for dir in &spec.find_links {
        hasher.update(b"\0find-links\0");
        hasher.update(dir.to_string_lossy().as_bytes());
        let mut files: Vec<(String, u64)> = std::fs::read_dir(dir)
            .map_err(|e| VerifyError::io(dir, e))?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                Some((
                    entry.file_name().to_string_lossy().into_owned(),
                    entry.metadata().ok()?.len(),
                ))
            })
            .collect();
        files.sort();
        for (name, len) in files {
            hasher.update(name.as_bytes());
            hasher.update(len.to_le_bytes());
        }
    }
    let digest = hasher.finalize();
    Ok(digest.iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// An exclusive lock on a file, held until dropped (released by the
/// system if the process dies).
struct Lock(#[allow(dead_code)] std::fs::File);

impl Lock {
    fn acquire(path: &Path) -> Result<Self, VerifyError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| VerifyError::io(path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: flock on a descriptor this process owns; no memory involved.
            let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
            if locked != 0 {
                return Err(VerifyError::io(path, std::io::Error::last_os_error()));
            }
        }
        Ok(Self(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpreter::{InterpreterSource, Located};

    /// One build at a time: [`BUILDING`] is the process's.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// The suite's interpreter (`FERRY_TEST_PYTHON`), else `python3`.
    fn test_python() -> Python {
        let path =
            PathBuf::from(std::env::var("FERRY_TEST_PYTHON").unwrap_or_else(|_| "python3".into()));
        Python::open(Located {
            path,
            source: InterpreterSource::Flag,
        })
        .unwrap()
    }

    /// The folders left in a cache: a finished venv or a half-built one.
    fn folders_in(cache: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(cache)
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_dir())
            .collect()
    }

    #[test]
    fn a_build_pip_refuses_leaves_no_venv_behind() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let base = test_python();
        let cache = tempfile::tempdir().unwrap();
        // pip rejects the requirement before it reaches the index.
        let spec = EnvSpec {
            pins: vec!["not a requirement!".into()],
            ..EnvSpec::default()
        };
        let error = ensure_env(&base, cache.path(), &spec, Duration::from_secs(120)).unwrap_err();
        assert!(matches!(error, VerifyError::Failed { .. }), "{error}");
        let folders = folders_in(cache.path());
        assert!(folders.is_empty(), "left behind: {folders:?}");
    }

    /// What Ctrl-C does during a build: pip (here waiting on a server that
    /// never answers) is ended and its half-built venv removed at once.
    #[test]
    fn an_abandoned_build_ends_pip_and_leaves_no_venv_behind() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let base = test_python();
        let cache = tempfile::tempdir().unwrap();
        // Accepts connections and never answers: pip waits on it.
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        let silent = std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in server.incoming().take(1) {
                held.push(stream);
                std::thread::sleep(Duration::from_secs(30));
            }
        });
        let spec = EnvSpec {
            pins: vec![format!("http://127.0.0.1:{port}/never.tar.gz")],
            ..EnvSpec::default()
        };
        let started = std::time::Instant::now();
        let folder = cache.path().to_path_buf();
        let build =
            std::thread::spawn(move || ensure_env(&base, &folder, &spec, Duration::from_secs(120)));
        // Wait until pip runs (its process group is recorded).
        let pgid = || {
            std::fs::read_dir(cache.path())
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "pgid"))
        };
        while !(pgid() && BUILDING.lock().unwrap().is_some()) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "pip never started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(500));
        abandon_build();
        let result = build.join().unwrap();
        assert!(result.is_err(), "the build ends in an error");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "pip was ended, not waited for"
        );
        let left = folders_in(cache.path());
        assert!(left.is_empty(), "left behind: {left:?}");
        drop(silent);
    }
}
