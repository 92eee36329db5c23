//! Writing a fixed file so that it is never lost nor half-written.
//!
//! The new bytes go to a temporary file in the same folder, are flushed to
//! disk, get the original's permissions, and are renamed over the original:
//! a reader (or a crash) sees the old file or the new one, never a mix.
//! Before the rename the file is read again; if it changed since Ferry read
//! it, nothing is written. Temporary files carry the writer's process id, so
//! a later run can remove the ones a killed run left behind without touching
//! those of a run still going.

use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Temporary files are named `.<file>.ferry-<pid>-<random>.tmp`.
const TEMP_MARKER: &str = ".ferry-";
const TEMP_SUFFIX: &str = ".tmp";

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum WriteError {
    #[error("changed on disk since Ferry read it; not overwritten (run ferry again)")]
    ChangedOnDisk,
    #[error("disappeared before Ferry could write it")]
    Disappeared,
    #[error("is read-only; not changed")]
    ReadOnly,
    #[error("is a symbolic link; Ferry does not write through links (fix the file it points to instead)")]
    Symlink,
    #[error("cannot write: {0}")]
    Io(String),
}

/// The folder a temporary file for `path` goes in (the same, so the rename
/// stays on one file system), and the name it is derived from.
pub(crate) fn folder_and_name(path: &Path) -> (&Path, String) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// What a file held when Ferry read it, for noticing at write time that it
/// has changed since: its length and two 64-bit SipHash values under keys
/// chosen at random per run. A fix holds one per file it will write until
/// the guard has answered, so 24 bytes instead of the file's content: the
/// originals were 1.3 MB of `ferry fix`'s peak on the 4x benchmark tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    len: u64,
    hashes: [u64; 2],
}

impl Fingerprint {
    pub fn of(bytes: &[u8]) -> Self {
        static KEYS: OnceLock<[RandomState; 2]> = OnceLock::new();
        let keys = KEYS.get_or_init(|| [RandomState::new(), RandomState::new()]);
        Self {
            len: bytes.len() as u64,
            hashes: keys.each_ref().map(|key| key.hash_one(bytes)),
        }
    }
}

/// Replaces `path`'s contents with `new` if it still holds what `original`
/// was taken of.
pub fn write_atomically(path: &Path, original: &Fingerprint, new: &[u8]) -> Result<(), WriteError> {
    stage(path, new, Flush::Now)?.replace(path, original)
}

/// When a staged file's contents reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Before [`stage`] returns.
    Now,
    /// By the caller, before [`Staged::replace`]: [`flush_file_systems`].
    Later,
}

/// New contents for a file, in a temporary file beside it, that
/// [`Staged::replace`] renames over the file. Dropped unused, the temporary
/// file is removed.
#[derive(Debug)]
pub struct Staged {
    temp: tempfile::TempPath,
}

/// Writes `new` to a temporary file beside `path`, with `path`'s
/// permissions; `path` itself is not touched.
pub fn stage(path: &Path, new: &[u8], flush: Flush) -> Result<Staged, WriteError> {
    let meta = writable(path)?;
    let (dir, name) = folder_and_name(path);
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}{TEMP_MARKER}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| WriteError::Io(e.to_string()))?;
    let io = |e: std::io::Error| WriteError::Io(e.to_string());
    temp.write_all(new).map_err(io)?;
    temp.as_file()
        .set_permissions(meta.permissions())
        .map_err(io)?;
    if flush == Flush::Now {
        temp.as_file().sync_all().map_err(io)?;
    }
    // Closed: a fix may stage more files than a process may hold open.
    Ok(Staged {
        temp: temp.into_temp_path(),
    })
}

impl Staged {
    /// The temporary file.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Renames the new contents over `path` if it still holds what
    /// `original` was taken of (and is still a file Ferry may write).
    pub fn replace(self, path: &Path, original: &Fingerprint) -> Result<(), WriteError> {
        writable(path)?;
        // The last moment to notice another writer: compare what is there now.
        match fs::read(path) {
            Ok(current) if Fingerprint::of(&current) == *original => {}
            Ok(_) => return Err(WriteError::ChangedOnDisk),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(WriteError::Disappeared)
            }
            Err(err) => return Err(WriteError::Io(err.to_string())),
        }
        self.temp
            .persist(path)
            .map_err(|e| WriteError::Io(e.error.to_string()))
    }
}

/// Flushes to disk the file systems that hold `files`, once each, with
/// `syncfs`: one flush of the disk's cache for all of them, where a flush
/// per file (`fsync`) asked for one each (241 files of the benchmark: 108
/// to 151 ms against 56 to 73 ms for writing and one `syncfs`, in a
/// 16-thread loop). The files whose file system could not be flushed so
/// are flushed one by one. Elsewhere than Linux, one by one.
pub fn flush_file_systems<'a>(files: impl IntoIterator<Item = &'a Path>) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(e.to_string());
    // The file systems flushed whole, by device number.
    let mut flushed = Vec::new();
    for file in files {
        let opened = fs::File::open(file).map_err(io)?;
        if !flush_file_system(&opened, &mut flushed).map_err(io)? {
            opened.sync_all().map_err(io)?;
        }
    }
    Ok(())
}

/// Flushes the file system holding `file` unless it is in `flushed`;
/// whether that file system is flushed now.
#[cfg(target_os = "linux")]
fn flush_file_system(file: &fs::File, flushed: &mut Vec<u64>) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt as _;
    use std::os::unix::io::AsRawFd as _;
    let device = file.metadata()?.dev();
    if flushed.contains(&device) {
        return Ok(true);
    }
    // SAFETY: syncfs only reads the descriptor, which `file` owns.
    let done = unsafe { libc::syncfs(file.as_raw_fd()) } == 0;
    if done {
        flushed.push(device);
    }
    Ok(done)
}

#[cfg(not(target_os = "linux"))]
fn flush_file_system(_: &fs::File, _: &mut Vec<u64>) -> std::io::Result<bool> {
    Ok(false)
}

/// `path`'s metadata if Ferry may replace it: it exists, is not read-only,
/// and is not a symbolic link.
fn writable(path: &Path) -> Result<fs::Metadata, WriteError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(WriteError::Disappeared)
        }
        Err(err) => return Err(WriteError::Io(err.to_string())),
    };
    if meta.file_type().is_symlink() {
        return Err(WriteError::Symlink);
    }
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    Ok(meta)
}

/// Whether a file name is one of Ferry's temporary files, and the pid that made it.
fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let (_, after) = rest.rsplit_once(TEMP_MARKER)?;
    after.split('-').next()?.parse().ok()
}

/// Whether a process is still running (a temporary file it owns may be in use).
fn is_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without a cheap check, assume alive: a stray file is better than a lost write.
        true
    }
}

/// Writes a file Ferry makes (a report, a new `ferry.toml`) whole or not at
/// all: into a temporary file beside it, flushed, then renamed over it. A
/// new file gets the default permissions (the umask applies), an existing
/// one keeps its own; through a symbolic link, the file it points to is
/// written, as a shell redirection would.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(e.to_string());
    let path = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(_) => path.to_path_buf(),
    };
    let existing = fs::metadata(&path).ok();
    if existing
        .as_ref()
        .is_some_and(|m| m.permissions().readonly())
    {
        return Err(WriteError::ReadOnly);
    }
    let (dir, name) = folder_and_name(&path);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(
        ".{name}{TEMP_MARKER}{}-{nanos}{TEMP_SUFFIX}",
        std::process::id()
    ));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        if let Some(meta) = &existing {
            file.set_permissions(meta.permissions()).map_err(io)?;
        }
        file.sync_all().map_err(io)?;
        fs::rename(&temp, &path).map_err(io)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Removes temporary files left in `dirs` by Ferry runs that were killed.
/// Returns the files removed.
pub fn remove_stale_temp_files<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = temp_owner(&name.to_string_lossy()) else {
                continue;
            };
            if !is_alive(pid) && fs::remove_file(entry.path()).is_ok() {
                removed.push(entry.path());
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn fingerprints_tell_contents_apart() {
        assert_eq!(Fingerprint::of(b"x = 1\n"), Fingerprint::of(b"x = 1\n"));
        // Same length, one byte apart; a prefix; nothing.
        assert_ne!(Fingerprint::of(b"x = 1\n"), Fingerprint::of(b"x = 2\n"));
        assert_ne!(Fingerprint::of(b"x = 1\n"), Fingerprint::of(b"x = 1"));
        assert_ne!(Fingerprint::of(b""), Fingerprint::of(b"\0"));
    }

    #[test]
    fn replaces_content_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, b"old\n").unwrap();
        #[cfg(unix)]
        fs::set_permissions(&path, fs::Permissions::from_mode(0o751)).unwrap();
        write_atomically(&path, &Fingerprint::of(b"old\n"), b"new\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new\n");
        #[cfg(unix)]
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o751
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left");
    }

    #[test]
    fn refuses_changed_missing_readonly_and_symlinked_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, b"edited elsewhere\n").unwrap();
        assert_eq!(
            write_atomically(&path, &Fingerprint::of(b"old\n"), b"new\n"),
            Err(WriteError::ChangedOnDisk)
        );
        assert_eq!(fs::read(&path).unwrap(), b"edited elsewhere\n");

        let gone = dir.path().join("gone.py");
        assert_eq!(
            write_atomically(&gone, &Fingerprint::of(b"old\n"), b"new\n"),
            Err(WriteError::Disappeared)
        );

        let readonly = dir.path().join("ro.py");
        fs::write(&readonly, b"old\n").unwrap();
        let mut perms = fs::metadata(&readonly).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&readonly, perms).unwrap();
        assert_eq!(
            write_atomically(&readonly, &Fingerprint::of(b"old\n"), b"new\n"),
            Err(WriteError::ReadOnly)
        );
        assert_eq!(fs::read(&readonly).unwrap(), b"old\n");

        #[cfg(unix)]
        {
            let target = dir.path().join("target.py");
            fs::write(&target, b"old\n").unwrap();
            let link = dir.path().join("link.py");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            assert_eq!(
                write_atomically(&link, &Fingerprint::of(b"old\n"), b"new\n"),
                Err(WriteError::Symlink)
            );
            assert_eq!(fs::read(&target).unwrap(), b"old\n");
        }
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| temp_owner(n).is_none()), "{names:?}");
    }

    #[test]
    fn files_staged_unflushed_are_flushed_together_then_replace_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("{i}.py"))).collect();
        for path in &paths {
            fs::write(path, b"old\n").unwrap();
        }
        let staged: Vec<Staged> = paths
            .iter()
            .map(|path| stage(path, b"new\n", Flush::Later).unwrap())
            .collect();
        // Staged, the files are untouched.
        assert!(paths.iter().all(|p| fs::read(p).unwrap() == b"old\n"));
        flush_file_systems(staged.iter().map(Staged::path)).unwrap();
        for (path, new) in paths.iter().zip(staged) {
            new.replace(path, &Fingerprint::of(b"old\n")).unwrap();
            assert_eq!(fs::read(path).unwrap(), b"new\n");
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            3,
            "no temporary file left"
        );
        // A file that cannot be opened to be flushed is an error.
        assert!(flush_file_systems([dir.path().join("missing.py").as_path()]).is_err());
    }

    #[test]
    fn stale_temp_files_of_dead_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // A pid far above any Linux pid_max: no such process.
        let dead = dir.path().join(".a.py.ferry-4294967290-x1y2.tmp");
        let mine = dir
            .path()
            .join(format!(".b.py.ferry-{}-z9.tmp", std::process::id()));
        let unrelated = dir.path().join("notes.tmp");
        for p in [&dead, &mine, &unrelated] {
            fs::write(p, b"x").unwrap();
        }
        let removed = remove_stale_temp_files([dir.path()]);
        if cfg!(target_os = "linux") {
            assert_eq!(removed, vec![dead.clone()]);
            assert!(!dead.exists());
        }
        assert!(mine.exists() && unrelated.exists());
        assert_eq!(temp_owner(".a.py.ferry-12-abc.tmp"), Some(12));
        assert_eq!(temp_owner("a.py"), None);
    }

    #[test]
    fn new_files_are_written_whole_and_keep_existing_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        write_new_file(&path, b"first\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first\n");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_ne!(
            mode & 0o044,
            0,
            "a new file is readable by others as usual: {mode:o}"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_new_file(&path, b"second\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second\n");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        // Through a link, the target is written and the link stays.
        let link = dir.path().join("latest.md");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        write_new_file(&link, b"third\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&path).unwrap(), b"third\n");
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        // A folder that does not exist is an error, not a panic.
        assert!(write_new_file(&dir.path().join("nope/r.md"), b"x").is_err());
    }
}
