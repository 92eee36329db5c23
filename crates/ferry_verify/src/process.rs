//! Running the project's interpreter as a subprocess, the one way every check
//! in this crate does it: a clean environment (so the user's `PYTHONPATH`,
//! `PYTHONWARNINGS`, `PYTEST_ADDOPTS`… cannot change what is measured), no
//! terminal colours, a deadline after which the whole process group is
//! killed, and stdout and stderr captured in full.
//!
//! Output is read by two threads while the process runs, so a chatty child
//! never blocks on a full pipe; a grandchild that keeps the pipes open after
//! the child exits gets a short grace period and is then killed too.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Variables passed through from Ferry's own environment: where home and
/// temporary folders are, and what Windows needs to start a process. Nothing
/// that changes how Python imports, warns or runs tests.
const PASSED_THROUGH: &[&str] = &[
    "HOME",
    "USERPROFILE",
    "TMPDIR",
    "TEMP",
    "TMP",
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
];

/// Set for every run: readable output, no bytecode written into the project,
/// no colour codes in pytest's messages.
const SET: &[(&str, &str)] = &[
    ("PYTHONIOENCODING", "utf-8:backslashreplace"),
    ("PYTHONDONTWRITEBYTECODE", "1"),
    ("NO_COLOR", "1"),
    ("PY_COLORS", "0"),
];

/// How long the pipes may stay open after the child exited (grandchildren).
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// What a finished (or killed) process left behind.
#[derive(Debug, Clone)]
pub struct Captured {
    /// The exit code; `None` when killed by a signal (including our timeout).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

impl Captured {
    pub fn code_text(&self) -> String {
        match self.code {
            Some(code) => code.to_string(),
            None if self.timed_out => "killed after the timeout".to_string(),
            None => "killed by a signal".to_string(),
        }
    }
}

/// One run of the interpreter.
pub struct PythonRun<'a> {
    pub python: &'a Path,
    pub args: Vec<OsString>,
    pub cwd: &'a Path,
    pub stdin: Option<Vec<u8>>,
    pub timeout: Duration,
    /// Keep Ferry's own environment instead of the clean one (only to ask a
    /// launcher which interpreter it starts for this user).
    pub inherit_env: bool,
    /// A file to write the child's process group into while it runs, so that
    /// a later run can end it if Ferry itself is killed ([`end_group_in`]).
    pub group_file: Option<&'a Path>,
}

/// Ends the process group recorded in `file` by a run that was killed
/// before its child finished, and removes the file.
pub fn end_group_in(file: &Path) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    #[cfg(unix)]
    if let Ok(pid) = text.trim().parse::<libc::pid_t>() {
        if pid > 0 {
            // SAFETY: kill(2) takes plain integers and touches no memory of
            // ours; a negative pid names the group the child was started in.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = text;
    let _ = std::fs::remove_file(file);
}

/// The environment every run gets; see [`PASSED_THROUGH`] and [`SET`].
/// `PATH` is kept, with the interpreter's own folder first, as a virtual
/// environment's activation would have it.
pub fn clean_environment(python: &Path) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = PASSED_THROUGH
        .iter()
        .filter_map(|name| std::env::var_os(name).map(|value| (OsString::from(name), value)))
        .collect();
    let mut path_dirs: Vec<PathBuf> = python
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .into_iter()
        .collect();
    if let Some(path) = std::env::var_os("PATH") {
        path_dirs.extend(std::env::split_paths(&path));
    }
    if let Ok(joined) = std::env::join_paths(path_dirs) {
        env.push((OsString::from("PATH"), joined));
    }
    env.extend(
        SET.iter()
            .map(|(name, value)| (OsString::from(name), OsString::from(value))),
    );
    env
}

/// Runs the interpreter and waits for it, at most `timeout`. `Err` only when
/// the process cannot be started at all.
pub fn run(spec: PythonRun<'_>) -> Result<Captured, std::io::Error> {
    let mut command = Command::new(spec.python);
    command.args(&spec.args).current_dir(spec.cwd);
    if !spec.inherit_env {
        command.env_clear().envs(clean_environment(spec.python));
    }
    command
        .stdin(if spec.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so a timeout can end whatever it started.
        command.process_group(0);
    }
    let mut child = command.spawn()?;
    if let Some(file) = spec.group_file {
        // The group's id is the child's pid (process_group(0) above).
        let _ = std::fs::write(file, child.id().to_string());
    }
    let writer = spec.stdin.and_then(|bytes| {
        let mut stdin = child.stdin.take()?;
        // A child that exits without reading gives a broken pipe: its exit
        // status and output tell what happened, so the write error is moot.
        Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        }))
    });
    let stdout = Pipe::read(child.stdout.take());
    let stderr = Pipe::read(child.stderr.take());

    let deadline = Instant::now() + spec.timeout;
    let mut pause = Duration::from_millis(1);
    let (code, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (status.code(), false);
        }
        let now = Instant::now();
        if now >= deadline {
            kill_group(&mut child);
            let status = child.wait()?;
            break (status.code(), true);
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(25));
    };
    let grace = Instant::now() + PIPE_GRACE;
    while !(stdout.done() && stderr.done()) && Instant::now() < grace {
        std::thread::sleep(Duration::from_millis(5));
    }
    if !(stdout.done() && stderr.done()) {
        kill_group(&mut child);
    }
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if let Some(file) = spec.group_file {
        let _ = std::fs::remove_file(file);
    }
    Ok(Captured {
        code: if timed_out { None } else { code },
        stdout: stdout.take(),
        stderr: stderr.take(),
        timed_out,
    })
}

/// One output pipe, drained by its own thread into a shared buffer, so what
/// was read so far can be taken even if the pipe never closes.
struct Pipe {
    buffer: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl Pipe {
    fn read(source: Option<impl Read + Send + 'static>) -> Self {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let reader = source.map(|mut source| {
            let buffer = Arc::clone(&buffer);
            std::thread::spawn(move || {
                let mut chunk = [0u8; 8192];
                while let Ok(n) = source.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    buffer
                        .lock()
                        .expect("no panics while locked")
                        .extend_from_slice(&chunk[..n]);
                }
            })
        });
        Self { buffer, reader }
    }

    fn done(&self) -> bool {
        self.reader.as_ref().is_none_or(JoinHandle::is_finished)
    }

    fn take(self) -> String {
        // A reader still blocked on a pipe held open elsewhere is left behind;
        // it ends with that process.
        let bytes = std::mem::take(&mut *self.buffer.lock().expect("no panics while locked"));
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(unix)]
fn kill_group(child: &mut Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) takes plain integers and touches no memory of ours;
        // a negative pid names the process group created for this child.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

#[cfg(not(unix))]
fn kill_group(child: &mut Child) {
    let _ = child.kill();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python() -> PathBuf {
        PathBuf::from(std::env::var("FERRY_TEST_PYTHON").unwrap_or_else(|_| "python3".into()))
    }

    fn run_code(code: &str, stdin: Option<&[u8]>, timeout: Duration) -> Captured {
        let dir = tempfile::tempdir().unwrap();
        run(PythonRun {
            python: &python(),
            args: vec!["-c".into(), code.into()],
            cwd: dir.path(),
            stdin: stdin.map(<[u8]>::to_vec),
            timeout,
            inherit_env: false,
            group_file: None,
        })
        .expect("the tests need a Python interpreter (run ./scripts/test)")
    }

    #[test]
    fn the_environment_is_clean_and_output_is_captured() {
        let code = "import os, sys\n\
                    print(sorted(k for k in os.environ if k.startswith(('PYTHON', 'PYTEST'))))\n\
                    print(sys.stdin.read())\n\
                    sys.stderr.write('to stderr')\n\
                    sys.exit(3)";
        let captured = run_code(code, Some(b"from stdin"), Duration::from_secs(30));
        assert_eq!(captured.code, Some(3));
        assert!(!captured.timed_out);
        assert_eq!(
            captured.stdout,
            "['PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING']\nfrom stdin\n"
        );
        assert_eq!(captured.stderr, "to stderr");
    }

    #[test]
    fn a_process_past_its_deadline_is_killed_with_its_children() {
        let started = Instant::now();
        // The child starts a grandchild that holds the pipes; both must go.
        let code = "import subprocess, sys, time\n\
                    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n\
                    print('started', flush=True)\n\
                    time.sleep(60)";
        let captured = run_code(code, None, Duration::from_secs(3));
        assert!(captured.timed_out);
        assert_eq!(captured.code, None);
        assert_eq!(captured.code_text(), "killed after the timeout");
        assert_eq!(captured.stdout, "started\n");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_missing_interpreter_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-python");
        let result = run(PythonRun {
            python: &missing,
            args: Vec::new(),
            cwd: dir.path(),
            stdin: None,
            timeout: Duration::from_secs(5),
            inherit_env: false,
            group_file: None,
        });
        assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::NotFound);
    }
}
