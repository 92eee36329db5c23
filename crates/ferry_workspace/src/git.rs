//! The uncommitted-changes guard, after `cargo fix`: inside a git work tree,
//! Ferry does not rewrite a file whose current content git does not have,
//! because the user could then neither review nor undo Ferry's change.
//!
//! Git is asked as little as possible, since a fix may touch files in
//! hundreds of folders: once per work tree for its top (folders below a top
//! already known, with no `.git` of their own on the way, share it), then
//! one `git cat-file` per work tree reads what `HEAD` records for each
//! file, only the trees on the way to the files, while the fix is still
//! being planned; each file's content id is computed here, from the bytes
//! its fix was planned from. The index is read only for the files that
//! differ (`hash-object` for git's filters, then two more processes, and
//! one for which untracked files are ignored): on a tree of 70,000 files
//! every command that loads the index took 29 MiB. `git status` with the
//! files as pathspecs matched every index entry against every pathspec: 66
//! to 76 ms for 241 files in a 17,000-file tree.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

use crate::folder_map::FolderMap;
use crate::handover::Handover;

/// A file with changes git does not have.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirtyFile {
    pub path: PathBuf,
    /// `dirty` (changed in the work tree), `staged` (changed in the index only) or `untracked`.
    pub state: &'static str,
}

/// How many paths one `git status` is given, to stay far below the system's
/// limit on a command line's length.
const PATHS_PER_STATUS: usize = 1_000;

/// The files among `paths` that have uncommitted changes. Files outside any
/// git work tree (or when git is not installed) are never reported.
pub fn uncommitted(paths: &[PathBuf]) -> Vec<DirtyFile> {
    let guard = Guard::start(GuardChecks {
        uncommitted: true,
        version_control: false,
    });
    for path in paths {
        guard.check_file(path);
    }
    guard.finish().dirty
}

/// What a guard looks for.
#[derive(Debug, Clone, Copy)]
pub struct GuardChecks {
    /// Files whose content git does not have (`--allow-dirty` turns it off).
    pub uncommitted: bool,
    /// Files outside any git work tree, or any file when git cannot be run
    /// (`--allow-no-vcs` turns it off): git could neither show nor undo
    /// the change.
    pub version_control: bool,
}

/// The files a guard would not let a fix write.
#[derive(Debug, Default)]
pub struct Unguarded {
    /// Sorted by path.
    pub dirty: Vec<DirtyFile>,
    /// Outside any git work tree; sorted.
    pub outside: Vec<PathBuf>,
}

/// The guard of one fix, run beside its planning: each file is handed over
/// as soon as its fix is planned, with the bytes it was planned from, and a
/// thread of the guard's own finds its work tree and what `HEAD` records
/// for it while the other files are still being read and fixed. What is
/// left once the last file is in (the index, for files that differ from
/// `HEAD`) is done by [`Guard::finish`].
pub struct Guard {
    checks: GuardChecks,
    files: Arc<Handover<Submitted>>,
    /// `None` if the thread could not be started, or once finished.
    worker: Option<std::thread::JoinHandle<GuardRun>>,
}

/// How many files the guard's thread waits for before it asks git: each
/// batch reads `HEAD`'s trees from the top again down to the folders not
/// read yet, so one batch per file cost the planning threads more than
/// the guard saved.
const BATCH: usize = 64;

struct Submitted {
    path: PathBuf,
    /// The SHA-1 blob id of the bytes the fix was planned from (`None`:
    /// unreadable, so git is asked).
    sha1: Option<[u8; 20]>,
}

impl Guard {
    pub fn start(checks: GuardChecks) -> Self {
        let files = Arc::new(Handover::default());
        let worker = {
            let files = Arc::clone(&files);
            std::thread::Builder::new()
                .name("ferry-guard".into())
                .spawn(move || {
                    let mut run = GuardRun::new(checks);
                    while let Some(batch) = files.take(BATCH) {
                        run.add(batch);
                    }
                    run
                })
                // Without a thread, `finish` does all of it.
                .ok()
        };
        Self {
            checks,
            files,
            worker,
        }
    }

    /// Hands over `path`, whose fix was planned from `content`. The file
    /// will be written only if it still holds `content` then, so that is
    /// what must be committed.
    pub fn check(&self, path: &Path, content: &[u8]) {
        let file = Submitted {
            path: path.to_path_buf(),
            sha1: Some(sha1_blob_id(content)),
        };
        self.files.push(file, BATCH);
    }

    /// Hands over `path` as it is on disk now.
    pub fn check_file(&self, path: &Path) {
        match std::fs::read(path) {
            Ok(content) => self.check(path, &content),
            Err(_) => self.files.push(
                Submitted {
                    path: path.to_path_buf(),
                    sha1: None,
                },
                BATCH,
            ),
        }
    }

    /// The files handed over that have uncommitted changes, or are outside
    /// version control, by path.
    pub fn finish(mut self) -> Unguarded {
        self.files.end();
        let mut run = match self.worker.take().map(|worker| worker.join()) {
            Some(Ok(run)) => run,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => GuardRun::new(self.checks),
        };
        // Whatever the thread did not take (all of it, without a thread).
        while let Some(rest) = self.files.take(1) {
            run.add(rest);
        }
        run.finish()
    }
}

impl Drop for Guard {
    /// A guard dropped unfinished lets its thread end (and the git it runs).
    fn drop(&mut self) {
        self.files.end();
    }
}

/// What the guard knows so far, by work tree.
struct GuardRun {
    checks: GuardChecks,
    /// Files outside any work tree (when `checks.version_control`).
    outside: Vec<PathBuf>,
    work_trees: WorkTrees,
    /// Asked once: `std::path::absolute` asks the system for every relative path.
    cwd: Option<PathBuf>,
    by_top: HashMap<PathBuf, TopFiles>,
}

/// The files of one work tree not settled yet, and the `git cat-file` that
/// reads its `HEAD` (`None` once git failed or a name could not be given
/// to it: the files are then left to `git status`).
struct TopFiles {
    head: Option<HeadTrees>,
    /// A file that holds what `HEAD` records is settled as soon as git
    /// says so, and forgotten: most files a fix touches are, and the guard
    /// then keeps nothing of them while the rest is planned.
    files: Vec<GuardedFile>,
}

struct GuardedFile {
    /// As handed over.
    path: PathBuf,
    /// Below the work tree's top.
    relative: PathBuf,
    sha1: Option<[u8; 20]>,
    /// The blob id `HEAD` records for it.
    committed: Option<Box<str>>,
}

impl GuardedFile {
    /// Its path below the top as git's line-based input takes it (`None`:
    /// a newline, or not UTF-8).
    fn name(&self) -> Option<&str> {
        self.relative
            .to_str()
            .filter(|name| !name.contains(['\n', '\r']))
    }
}

impl GuardRun {
    fn new(checks: GuardChecks) -> Self {
        Self {
            checks,
            outside: Vec::new(),
            work_trees: WorkTrees::default(),
            cwd: None,
            by_top: HashMap::new(),
        }
    }

    fn add(&mut self, batch: Vec<Submitted>) {
        let cwd = self
            .cwd
            .get_or_insert_with(|| std::env::current_dir().unwrap_or_default());
        let mut touched: Vec<(PathBuf, usize)> = Vec::new();
        for Submitted { path, sha1 } in batch {
            let Ok(absolute) = std::path::absolute(cwd.join(&path)) else {
                continue;
            };
            let Some((top, relative)) = self.work_trees.locate(&absolute) else {
                if self.checks.version_control {
                    self.outside.push(path);
                }
                continue;
            };
            if !self.checks.uncommitted {
                continue;
            }
            let files = &mut match self.by_top.get_mut(top) {
                Some(tree) => tree,
                None => self.by_top.entry(top.to_path_buf()).or_insert(TopFiles {
                    head: HeadTrees::open(top),
                    files: Vec::new(),
                }),
            }
            .files;
            let top = top.to_path_buf();
            if !touched.iter().any(|(t, _)| *t == top) {
                touched.push((top, files.len()));
            }
            files.push(GuardedFile {
                path,
                relative,
                sha1,
                committed: None,
            });
        }
        for (top, first_new) in touched {
            let Some(tree) = self.by_top.get_mut(&top) else {
                continue;
            };
            let new = tree.files.split_off(first_new);
            let names: Option<Vec<&str>> = new.iter().map(GuardedFile::name).collect();
            let found = match (names, tree.head.as_mut()) {
                (Some(names), Some(head)) => head.blobs(&names),
                _ => None,
            };
            match found {
                Some(found) => {
                    let unsettled = new.into_iter().zip(found).filter_map(|(mut file, id)| {
                        let settled = id.as_deref().is_some_and(|id| {
                            holds_blob(&top.join(&file.relative), file.sha1.as_ref(), id)
                        });
                        file.committed = id.map(String::into_boxed_str);
                        (!settled).then_some(file)
                    });
                    tree.files.extend(unsettled);
                }
                None => {
                    tree.head = None;
                    tree.files.extend(new);
                }
            }
        }
    }

    fn finish(mut self) -> Unguarded {
        self.outside.sort();
        let mut dirty = BTreeSet::new();
        for (top, tree) in self.by_top {
            // `head` is gone if git failed or a name could not be given to
            // it. The files it settled before stay settled: each answer
            // was a whole tree object, read and parsed.
            let states = tree
                .head
                .and_then(|head| head.close().then_some(()))
                .and_then(|()| states_by_content(&top, &tree.files))
                .unwrap_or_else(|| {
                    // Git failed, or a name it cannot be given: `git status`.
                    let mut states = Vec::with_capacity(tree.files.len());
                    for batch in tree.files.chunks(PATHS_PER_STATUS) {
                        let by_path = status(&top, batch.iter().map(|f| f.relative.as_path()));
                        states.extend(batch.iter().map(|f| by_path.get(&f.relative).copied()));
                    }
                    states
                });
            for (file, state) in tree.files.into_iter().zip(states) {
                if let Some(state) = state {
                    dirty.insert(DirtyFile {
                        path: file.path,
                        state,
                    });
                }
            }
        }
        Unguarded {
            dirty: dirty.into_iter().collect(),
            outside: self.outside,
        }
    }
}

/// Each file's state, by object ids, for the files whose content's id is
/// not what `HEAD` records (the others were settled as it was read, without
/// git loading the index: for a tree of 70,000 files, `git diff-index`
/// took 29.5 MiB). A file whose bytes differ from
/// `HEAD`'s may still be clean once git's filters apply (line endings,
/// `.gitattributes`): for those alone, `git hash-object` gives the content
/// as git would store it (it took 24 ms of CPU for all 241 files of the
/// benchmark), and the files that still differ are classified against the
/// index ([`states_against_index`]). `None` if git fails.
fn states_by_content(top: &Path, files: &[GuardedFile]) -> Option<Vec<Option<&'static str>>> {
    let differing: Vec<(usize, &str)> = files
        .iter()
        .enumerate()
        .map(|(i, file)| Some((i, file.name()?)))
        .collect::<Option<_>>()?;
    let mut states = vec![None; files.len()];
    if differing.is_empty() {
        return Some(states);
    }
    let mut paths = String::new();
    for (_, name) in &differing {
        paths.push_str(name);
        paths.push('\n');
    }
    let content = git_with_input(top, &["hash-object", "--stdin-paths"], &paths)?;
    let content: Vec<&str> = content.lines().collect();
    if content.len() != differing.len() {
        return None;
    }
    let changed: Vec<(usize, &str, &str)> = differing
        .into_iter()
        .zip(content)
        .filter(|&((i, _), id)| files[i].committed.as_deref() != Some(id))
        .map(|((i, name), id)| (i, name, id))
        .collect();
    if changed.is_empty() {
        return Some(states);
    }
    let changed_names: Vec<&str> = changed.iter().map(|&(_, name, _)| name).collect();
    let changed_content: Vec<&str> = changed.iter().map(|&(_, _, id)| id).collect();
    let changed_states = states_against_index(top, &changed_names, &changed_content)?;
    for ((i, ..), state) in changed.into_iter().zip(changed_states) {
        states[i] = state;
    }
    Some(states)
}

/// Whether the file at `path` holds the blob `id` names, in the
/// repository's object format, told by the id's length. SHA-1 ids are
/// computed beforehand (`sha1`, from the bytes a fix was planned from;
/// `None` if the file could not be read), SHA-256 ones here, reading the
/// file again (a file changed since is then not written anyway).
fn holds_blob(path: &Path, sha1: Option<&[u8; 20]>, id: &str) -> bool {
    match id.len() {
        40 => sha1.is_some_and(|sha1| hex(sha1) == id),
        64 => std::fs::read(path).is_ok_and(|bytes| blob_id::<sha2::Sha256>(&bytes) == id),
        _ => false,
    }
}

/// Git's id of a blob holding `bytes`: the hash of `blob <length>\0` and the bytes.
fn blob_id<D: sha2::Digest>(bytes: &[u8]) -> String {
    hex(&blob_digest::<D>(bytes))
}

fn sha1_blob_id(bytes: &[u8]) -> [u8; 20] {
    let mut id = [0; 20];
    id.copy_from_slice(&blob_digest::<sha1::Sha1>(bytes));
    id
}

fn blob_digest<D: sha2::Digest>(bytes: &[u8]) -> Vec<u8> {
    let mut digest = D::new();
    digest.update(format!("blob {}\0", bytes.len()).as_bytes());
    digest.update(bytes);
    digest.finalize().to_vec()
}

/// The states of files whose `content` ids differ from `HEAD`: their index
/// entries (`git cat-file --batch-check` of `:path`) against the content,
/// and the index against `HEAD` (`git diff-index --cached`, which skips
/// unchanged folders; looking up `HEAD:path` per file walked the trees each
/// time: 57 ms for 241 files). Both run at once.
fn states_against_index(
    top: &Path,
    names: &[&str],
    content: &[&str],
) -> Option<Vec<Option<&'static str>>> {
    let mut entries = String::new();
    for name in names {
        entries.push_str(&format!(":{name}\n"));
    }
    let (recorded, staged) = std::thread::scope(|scope| {
        let recorded = scope
            .spawn(|| git_with_input(top, &["cat-file", "--batch-check=%(objectname)"], &entries));
        // Without a commit yet (or if git fails here), everything in the
        // index counts as staged: refusing is the safe side.
        let staged = git_with_input(
            top,
            &["diff-index", "--cached", "--name-only", "-z", "HEAD"],
            "",
        );
        (recorded.join().ok().flatten(), staged)
    });
    let recorded = recorded?;
    let staged: Option<HashSet<&str>> = staged.as_deref().map(|s| s.split('\0').collect());
    let recorded: Vec<&str> = recorded.lines().collect();
    if recorded.len() != names.len() {
        return None;
    }
    // Only files the index lacks can be ignored ones: asked about those alone.
    let untracked: Vec<&str> = names
        .iter()
        .zip(&recorded)
        .filter(|(_, entry)| entry.ends_with(" missing"))
        .map(|(name, _)| *name)
        .collect();
    let ignored = if untracked.is_empty() {
        HashSet::new()
    } else {
        ignored_among(top, &untracked)?
    };
    // A missing entry reads `<name> missing`: never equal to an object id.
    let object = |line: &str| (!line.ends_with(" missing")).then(|| line.to_string());
    let states = names
        .iter()
        .zip(content.iter().zip(&recorded))
        .map(|(name, (content, entry))| match object(entry) {
            // `git status` does not list ignored files either.
            None if ignored.contains(name) => None,
            None => Some("untracked"),
            Some(index) if index != *content => Some("dirty"),
            Some(_) if staged.as_ref().is_none_or(|s| s.contains(name)) => Some("staged"),
            Some(_) => None,
        })
        .collect();
    Some(states)
}

/// `HEAD`'s trees in one work tree, read by one `git cat-file --batch` a
/// level at a time, each folder on the way to the names asked about once.
/// The ids of the folders read are kept, so that later names start from
/// the deepest folder already known.
struct HeadTrees {
    child: Child,
    /// `None` once closed.
    stdin: Option<ChildStdin>,
    stdout: io::BufReader<ChildStdout>,
    /// Folders met (relative to the top, `""` for the top itself), by what
    /// git is asked for to read them.
    folders: FolderMap<Box<str>>,
}

impl HeadTrees {
    fn open(top: &Path) -> Option<Self> {
        let mut child = spawn_git(top, &["cat-file", "--batch"])?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        Some(Self {
            child,
            stdin: Some(stdin),
            stdout: io::BufReader::new(stdout),
            folders: {
                let mut folders = FolderMap::default();
                folders.insert(Path::new(""), "HEAD^{tree}".into());
                folders
            },
        })
    }

    /// The blob id `HEAD` records for each of `names` (paths relative to
    /// the top, `/`-separated), `None` where it records none (or a symlink,
    /// or a submodule). `None` if git fails.
    fn blobs(&mut self, names: &[&str]) -> Option<Vec<Option<String>>> {
        let mut blobs: Vec<Option<String>> = vec![None; names.len()];
        // The trees to read next: what to ask git for, the folder's path
        // with its trailing `/`, and the names below it. Each name starts
        // at its deepest folder already read.
        let mut starts: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            let mut end = name.rfind('/').map_or(0, |slash| slash + 1);
            while !self.folders.contains_key(Path::new(&name[..end])) {
                end = name[..end - 1].rfind('/').map_or(0, |slash| slash + 1);
            }
            starts.entry(&name[..end]).or_default().push(i);
        }
        let mut level: Vec<(String, String, Vec<usize>)> = starts
            .into_iter()
            .map(|(folder, wanted)| {
                let object = self.folders.get(Path::new(folder)).expect("found above");
                (object.to_string(), folder.to_string(), wanted)
            })
            .collect();
        while !level.is_empty() {
            let requests: String = level
                .iter()
                .map(|(object, ..)| format!("{object}\n"))
                .collect();
            let mut next = Vec::new();
            let (stdin, stdout) = (self.stdin.as_mut()?, &mut self.stdout);
            let answered = std::thread::scope(|scope| {
                // Written from another thread: git answers as it reads, and
                // would stop reading once its answers filled the pipe.
                let writer = scope.spawn(|| stdin.write_all(requests.as_bytes()));
                let read = level.iter().try_for_each(|(_, folder, wanted)| {
                    // Missing: no commit yet, so nothing is committed.
                    if let Some(tree) = read_tree(stdout)? {
                        next.extend(tree.find(names, folder, wanted, &mut blobs));
                    }
                    Ok(())
                });
                let written = writer
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("writer panicked")));
                read.and(written)
            });
            if answered.is_err() {
                return None;
            }
            for (object, folder, _) in &next {
                self.folders
                    .insert(Path::new(folder), object.as_str().into());
            }
            level = next;
        }
        Some(blobs)
    }

    /// Ends git's reading; whether it went well to the end.
    fn close(mut self) -> bool {
        drop(self.stdin.take());
        self.child.wait().is_ok_and(|status| status.success())
    }
}

impl Drop for HeadTrees {
    fn drop(&mut self) {
        // Unless closed: git stops at the end of its input, or is stopped.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tree object's raw content: entries of `<mode> <name>\0<id>`, the id
/// in binary (20 bytes for SHA-1, 32 for SHA-256).
struct Tree {
    content: Vec<u8>,
    id_len: usize,
}

impl Tree {
    /// Records the blob ids of the `wanted` names that are entries of this
    /// tree (the folder `folder`); returns the subtrees to read for the
    /// names further down, as [`HeadTrees::blobs`] queues them.
    fn find(
        &self,
        names: &[&str],
        folder: &str,
        wanted: &[usize],
        blobs: &mut [Option<String>],
    ) -> Vec<(String, String, Vec<usize>)> {
        let mut by_entry: HashMap<&str, Vec<usize>> = HashMap::new();
        for &i in wanted {
            let rest = &names[i][folder.len()..];
            let entry = rest.split('/').next().unwrap_or(rest);
            by_entry.entry(entry).or_default().push(i);
        }
        let mut subtrees = Vec::new();
        let mut rest = self.content.as_slice();
        while let Some(space) = rest.iter().position(|&b| b == b' ') {
            let mode = &rest[..space];
            let Some(nul) = rest[space..]
                .iter()
                .position(|&b| b == 0)
                .map(|n| space + n)
            else {
                break;
            };
            let name = &rest[space + 1..nul];
            let Some(id) = rest.get(nul + 1..nul + 1 + self.id_len) else {
                break;
            };
            rest = &rest[nul + 1 + self.id_len..];
            let Some(below) = std::str::from_utf8(name).ok().and_then(|n| by_entry.get(n)) else {
                continue;
            };
            let id = hex(id);
            let mut deeper = Vec::new();
            for &i in below {
                if names[i].len() == folder.len() + name.len() {
                    // Regular files only: a symlink's or submodule's id is
                    // not its content's.
                    if mode.starts_with(b"100") {
                        blobs[i] = Some(id.clone());
                    }
                } else if mode == b"40000" {
                    deeper.push(i);
                }
            }
            if !deeper.is_empty() {
                let path = format!("{folder}{}/", String::from_utf8_lossy(name));
                subtrees.push((id, path, deeper));
            }
        }
        subtrees
    }
}

/// Reads one answer of `git cat-file --batch`; `None` for a missing object
/// or one that is not a tree.
fn read_tree(out: &mut impl io::BufRead) -> io::Result<Option<Tree>> {
    let mut header = String::new();
    if out.read_line(&mut header)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let fields: Vec<&str> = header.trim_end().split(' ').collect();
    let [id, kind, size] = fields[..] else {
        // `<object> missing`, `<object> ambiguous`.
        return Ok(None);
    };
    let size: usize = size.parse().map_err(io::Error::other)?;
    // The content, then a newline.
    let mut content = vec![0; size + 1];
    out.read_exact(&mut content)?;
    content.pop();
    Ok((kind == "tree").then_some(Tree {
        content,
        id_len: id.len() / 2,
    }))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which of `names` git ignores (`.gitignore`, `info/exclude`, ...).
fn ignored_among<'n>(top: &Path, names: &[&'n str]) -> Option<HashSet<&'n str>> {
    let mut input = String::new();
    for name in names {
        input.push_str(name);
        input.push('\0');
    }
    // Exit code 1 means none is ignored.
    let (code, output) = git_with_input_code(top, &["check-ignore", "--stdin", "-z"], &input)?;
    if code > 1 {
        return None;
    }
    let listed: HashSet<&str> = output.split('\0').collect();
    Some(
        names
            .iter()
            .copied()
            .filter(|n| listed.contains(n))
            .collect(),
    )
}

/// Runs git in `top` with `input` on its standard input; its standard
/// output, or `None` if it fails.
fn git_with_input(top: &Path, args: &[&str], input: &str) -> Option<String> {
    match git_with_input_code(top, args, input)? {
        (0, output) => Some(output),
        _ => None,
    }
}

/// Runs git in `top` with `input` on its standard input; its exit code and
/// standard output. The input is written from another thread, so that
/// neither side waits on a full pipe.
fn git_with_input_code(top: &Path, args: &[&str], input: &str) -> Option<(i32, String)> {
    let mut child = spawn_git(top, args)?;
    let mut stdin = child.stdin.take()?;
    let output = std::thread::scope(|scope| {
        scope.spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        child.wait_with_output()
    })
    .ok()?;
    let code = output.status.code()?;
    Some((code, String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// Starts git in `top` with `args`, its standard input and output piped.
/// Paths given to it are file names, never patterns.
fn spawn_git(top: &Path, args: &[&str]) -> Option<std::process::Child> {
    Command::new("git")
        .arg("--literal-pathspecs")
        .arg("-C")
        .arg(top)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// The work tree each folder belongs to, asking git once per work tree.
#[derive(Default)]
struct WorkTrees {
    /// Folders already met (absolute, as given).
    known: FolderMap<Folder>,
    /// The work trees found, as [`Folder::top`] numbers them.
    tops: Vec<Top>,
    /// How many times git was asked (tests check it stays one per tree).
    git_queries: usize,
}

#[derive(Debug, Clone, Copy)]
struct Folder {
    /// Its work tree, in [`WorkTrees::tops`]; `None` outside any.
    top: Option<usize>,
    /// Whether a link lies on the way down to it from the folder holding
    /// `.git` (or it is not below one): its files' paths are then resolved
    /// by the system.
    linked: bool,
}

struct Top {
    /// As git gives it, without links.
    path: PathBuf,
    /// The folder holding `.git`, as met, if it is the top: a file below it
    /// with no link on the way is named relative to it.
    base: Option<PathBuf>,
}

impl WorkTrees {
    /// The work tree of `file` (absolute) and the file's path below its
    /// top, as git names it. Only a file whose path has a link or a `..`
    /// is resolved by `fs::canonicalize`, which reads every folder on the
    /// path (13 system calls per file on the benchmark's tree).
    fn locate(&mut self, file: &Path) -> Option<(&Path, PathBuf)> {
        let folder = self.folder(file.parent().unwrap_or(Path::new("/")));
        let top = &self.tops[folder.top?];
        let plain = !folder.linked
            && !file
                .components()
                .any(|c| c == std::path::Component::ParentDir)
            && !is_link(file);
        let relative = match &top.base {
            Some(base) if plain => file.strip_prefix(base).ok()?.to_path_buf(),
            _ => file
                .canonicalize()
                .ok()?
                .strip_prefix(&top.path)
                .ok()?
                .to_path_buf(),
        };
        Some((&top.path, relative))
    }

    /// Git finds a work tree by looking for `.git` in the folder and then
    /// each parent. So a folder with no `.git` of its own shares the answer
    /// of its parent, and only a folder holding `.git` (or the root of a
    /// chain that has none) needs git itself, for the rest: worktrees,
    /// `.git` files, `GIT_DIR`. Each folder met costs one look at its own
    /// entry (is it a link?) and one for its `.git`.
    fn folder(&mut self, dir: &Path) -> Folder {
        let mut visited: Vec<&Path> = Vec::new();
        let mut current = dir;
        let mut above = loop {
            if let Some(&known) = self.known.get(current) {
                break known;
            }
            if current.join(".git").symlink_metadata().is_ok() {
                let holder = Folder {
                    top: self.ask_git(current, true),
                    linked: false,
                };
                self.known.insert(current, holder);
                break holder;
            }
            visited.push(current);
            match current.parent() {
                Some(parent) => current = parent,
                None => {
                    break Folder {
                        top: self.ask_git(dir, false),
                        linked: true,
                    }
                }
            }
        };
        for folder in visited.into_iter().rev() {
            above.linked = above.linked || is_link(folder);
            self.known.insert(folder, above);
        }
        above
    }

    /// Asks git for the top of `dir`'s work tree; `holds_git`: `dir` has a
    /// `.git` of its own.
    fn ask_git(&mut self, dir: &Path, holds_git: bool) -> Option<usize> {
        self.git_queries += 1;
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        let top =
            PathBuf::from(String::from_utf8_lossy(&output.stdout).trim_end_matches(['\n', '\r']));
        let path = top.canonicalize().ok()?;
        let base =
            (holds_git && dir.canonicalize().is_ok_and(|d| d == path)).then(|| dir.to_path_buf());
        self.tops.push(Top { path, base });
        Some(self.tops.len() - 1)
    }

    #[cfg(test)]
    fn top_of(&mut self, dir: &Path) -> Option<PathBuf> {
        let top = self.folder(dir).top?;
        Some(self.tops[top].path.clone())
    }
}

/// Whether `path` is a symbolic link (or cannot be looked at, so that it is
/// left to `fs::canonicalize`).
fn is_link(path: &Path) -> bool {
    path.symlink_metadata()
        .map_or(true, |meta| meta.file_type().is_symlink())
}

/// Which of `files` (relative to the work tree's top) have uncommitted changes.
fn status<'p>(top: &Path, files: impl Iterator<Item = &'p Path>) -> HashMap<PathBuf, &'static str> {
    let Ok(output) = Command::new("git")
        // The paths are file names, never patterns.
        .arg("--literal-pathspecs")
        .arg("-C")
        .arg(top)
        .args([
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--no-renames",
            "--",
        ])
        .args(files)
        .output()
    else {
        return HashMap::new();
    };
    let mut states = HashMap::new();
    for entry in output.stdout.split(|&b| b == 0) {
        if entry.len() < 4 {
            continue;
        }
        let (index, worktree) = (entry[0], entry[1]);
        let path = PathBuf::from(String::from_utf8_lossy(&entry[3..]).into_owned());
        let state = match (index, worktree) {
            (b'?', b'?') => "untracked",
            (_, b' ') => "staged",
            _ => "dirty",
        };
        states.insert(path, state);
    }
    states
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// Runs git in `dir` with a fixed identity (for tests of this crate).
    pub(crate) fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// An empty git repository in a temporary folder.
    fn new_repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        dir
    }

    #[test]
    fn reports_dirty_staged_and_untracked_files_only_inside_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in ["clean.py", "dirty.py", "staged.py"] {
            fs::write(root.join(name), "x = 1\n").unwrap();
        }
        git(root, &["init", "-q"]);
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "init"]);
        fs::write(root.join("dirty.py"), "x = 2\n").unwrap();
        fs::write(root.join("staged.py"), "x = 2\n").unwrap();
        git(root, &["add", "staged.py"]);
        fs::write(root.join("new.py"), "x = 1\n").unwrap();
        let paths: Vec<PathBuf> = ["clean.py", "dirty.py", "staged.py", "new.py"]
            .iter()
            .map(|n| root.join(n))
            .collect();
        let found: Vec<(String, &str)> = uncommitted(&paths)
            .into_iter()
            .map(|d| {
                (
                    d.path.file_name().unwrap().to_string_lossy().into_owned(),
                    d.state,
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("dirty.py".to_string(), "dirty"),
                ("new.py".to_string(), "untracked"),
                ("staged.py".to_string(), "staged"),
            ]
        );
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("a.py"), "x\n").unwrap();
        assert!(uncommitted(&[outside.path().join("a.py")]).is_empty());

        // The guard of a fix also names the files no work tree holds,
        // unless told not to look (`--allow-no-vcs`).
        let guarded = |checks: GuardChecks| {
            let guard = Guard::start(checks);
            guard.check_file(&outside.path().join("a.py"));
            guard.check_file(&root.join("dirty.py"));
            guard.finish()
        };
        let found = guarded(BOTH);
        assert_eq!(found.outside, vec![outside.path().join("a.py")]);
        assert_eq!(found.dirty.len(), 1);
        let found = guarded(GuardChecks {
            uncommitted: true,
            version_control: false,
        });
        assert!(found.outside.is_empty());
        assert_eq!(found.dirty.len(), 1);
        let found = guarded(GuardChecks {
            uncommitted: false,
            version_control: true,
        });
        assert_eq!(found.outside.len(), 1);
        assert!(found.dirty.is_empty());
    }

    const BOTH: GuardChecks = GuardChecks {
        uncommitted: true,
        version_control: true,
    };
    #[test]
    fn asks_git_once_per_work_tree_and_sees_nested_repositories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let inner = root.join("vendor/inner");
        for folder in ["a/b", "a/c", "d", "vendor/inner/e"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        git(&inner, &["init", "-q"]);
        fs::write(inner.join("e/lib.py"), "x = 1\n").unwrap();
        git(&inner, &["add", "."]);
        git(&inner, &["commit", "-q", "-m", "init"]);
        git(&root, &["init", "-q"]);
        for file in ["a/b/one.py", "a/c/two.py", "d/three.py"] {
            fs::write(root.join(file), "x = 1\n").unwrap();
        }
        git(&root, &["add", "a", "d"]);
        git(&root, &["commit", "-q", "-m", "init"]);

        let mut trees = WorkTrees::default();
        for folder in ["a/b", "a/c", "d", "a", ""] {
            assert_eq!(trees.top_of(&root.join(folder)), Some(root.clone()));
        }
        assert_eq!(trees.top_of(&inner.join("e")), Some(inner.clone()));
        assert_eq!(trees.git_queries, 2, "one query per work tree");

        // The nested repository's file is judged by its own status.
        fs::write(inner.join("e/lib.py"), "x = 2\n").unwrap();
        fs::write(root.join("a/b/one.py"), "x = 2\n").unwrap();
        let found: Vec<PathBuf> = uncommitted(&[
            root.join("a/b/one.py"),
            root.join("a/c/two.py"),
            inner.join("e/lib.py"),
        ])
        .into_iter()
        .map(|d| d.path)
        .collect();
        assert_eq!(found, vec![root.join("a/b/one.py"), inner.join("e/lib.py")]);

        let outside = tempfile::tempdir().unwrap();
        let outside = outside.path().canonicalize().unwrap();
        fs::create_dir_all(outside.join("x/y")).unwrap();
        let mut trees = WorkTrees::default();
        assert_eq!(trees.top_of(&outside.join("x/y")), None);
        assert_eq!(trees.top_of(&outside.join("x")), None);
        assert_eq!(trees.git_queries, 1);
    }

    #[test]
    fn content_is_compared_as_git_stores_it() {
        let dir = new_repo();
        let root = dir.path();
        git(root, &["config", "core.autocrlf", "true"]);
        // Checked out with CRLF, stored with LF: not a change.
        fs::write(root.join("crlf.py"), "x = 1\r\ny = 2\r\n").unwrap();
        // A name no line-based input can carry: `git status` is asked instead.
        fs::write(root.join("new\nline.py"), "x = 1\n").unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "init"]);
        let files = [root.join("crlf.py"), root.join("new\nline.py")];
        assert_eq!(uncommitted(&files), vec![]);
        fs::write(root.join("new\nline.py"), "x = 2\n").unwrap();
        fs::write(root.join("crlf.py"), "x = 1\r\ny = 3\r\n").unwrap();
        let states: Vec<&str> = uncommitted(&files).iter().map(|d| d.state).collect();
        assert_eq!(states, vec!["dirty", "dirty"]);
        // An ignored file git does not track: writable, as `git status` says.
        fs::write(root.join(".gitignore"), "gen_*.py\n").unwrap();
        fs::write(root.join("gen_a.py"), "x = 1\n").unwrap();
        fs::write(root.join("new.py"), "x = 1\n").unwrap();
        let untracked: Vec<PathBuf> = uncommitted(&[root.join("gen_a.py"), root.join("new.py")])
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(untracked, vec![root.join("new.py")]);
        // Staged, then changed again in the work tree: dirty wins.
        git(root, &["add", "crlf.py"]);
        assert_eq!(uncommitted(&files[..1])[0].state, "staged");
        fs::write(root.join("crlf.py"), "x = 1\r\ny = 4\r\n").unwrap();
        assert_eq!(uncommitted(&files[..1])[0].state, "dirty");
    }

    #[test]
    fn committed_content_is_found_through_nested_trees() {
        // Names that share beginnings, at several depths, in both of git's
        // object formats (ids of 20 and of 32 bytes).
        for format in ["sha1", "sha256"] {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            git(root, &["init", "-q", &format!("--object-format={format}")]);
            let names = ["a.py", "a/b/c.py", "a/bc.py", "ab/c.py", "a/b/c/d.py"];
            for name in names {
                fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
                fs::write(root.join(name), format!("# {name}\n")).unwrap();
            }
            git(root, &["add", "."]);
            git(root, &["commit", "-q", "-m", "init"]);
            let root = root.canonicalize().unwrap();
            let paths: Vec<PathBuf> = names.iter().map(|n| root.join(n)).collect();
            assert_eq!(uncommitted(&paths), vec![], "{format}");
            let relative: Vec<&str> = names.to_vec();
            let blobs = HeadTrees::open(&root).unwrap().blobs(&relative).unwrap();
            assert!(blobs.iter().all(|b| b
                .as_ref()
                .is_some_and(|id| id.len() == 2 * if format == "sha1" { 20 } else { 32 })));
            fs::write(root.join("a/b/c.py"), "changed\n").unwrap();
            fs::write(root.join("a/b/new.py"), "new\n").unwrap();
            let mut asked = paths.clone();
            asked.push(root.join("a/b/new.py"));
            let found: Vec<(String, &str)> = uncommitted(&asked)
                .into_iter()
                .map(|d| {
                    (
                        d.path.strip_prefix(&root).unwrap().display().to_string(),
                        d.state,
                    )
                })
                .collect();
            assert_eq!(
                found,
                vec![
                    ("a/b/c.py".to_string(), "dirty"),
                    ("a/b/new.py".to_string(), "untracked")
                ],
                "{format}"
            );
        }
    }

    #[test]
    fn files_are_found_through_links_and_dot_dot() {
        let dir = new_repo();
        let root = dir.path().canonicalize().unwrap();
        fs::create_dir(root.join("real")).unwrap();
        fs::write(root.join("real/a.py"), "x = 1\n").unwrap();
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "init"]);
        let elsewhere = tempfile::tempdir().unwrap();
        let linked_root = elsewhere.path().join("project");
        std::os::unix::fs::symlink(&root, &linked_root).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("alias")).unwrap();
        std::os::unix::fs::symlink(root.join("real/a.py"), root.join("link.py")).unwrap();
        let ways = [
            root.join("real/a.py"),
            root.join("alias/a.py"),
            root.join("link.py"),
            linked_root.join("real/a.py"),
            root.join("real/../alias/./a.py"),
        ];
        for way in &ways {
            assert_eq!(uncommitted(std::slice::from_ref(way)), vec![], "{way:?}");
        }
        fs::write(root.join("real/a.py"), "x = 2\n").unwrap();
        for way in &ways {
            let states: Vec<&str> = uncommitted(std::slice::from_ref(way))
                .iter()
                .map(|d| d.state)
                .collect();
            assert_eq!(states, vec!["dirty"], "{way:?}");
        }
    }

    #[test]
    fn blob_ids_are_the_ones_git_gives() {
        let bytes: &[&[u8]] = &[b"", b"x = 1\r\n", b"caf\xe9\n\0tail"];
        for format in ["sha1", "sha256"] {
            let dir = tempfile::tempdir().unwrap();
            git(
                dir.path(),
                &["init", "-q", &format!("--object-format={format}")],
            );
            for content in bytes {
                let file = dir.path().join("f");
                fs::write(&file, content).unwrap();
                let gits = Command::new("git")
                    .arg("-C")
                    .arg(dir.path())
                    .args(["hash-object", "--no-filters", "f"])
                    .output()
                    .unwrap();
                let gits = String::from_utf8(gits.stdout).unwrap();
                let ours = match format {
                    "sha1" => blob_id::<sha1::Sha1>(content),
                    _ => blob_id::<sha2::Sha256>(content),
                };
                assert_eq!(ours, gits.trim_end(), "{format} {content:?}");
                let sha1 = sha1_blob_id(content);
                assert!(holds_blob(&file, Some(&sha1), &ours), "{format}");
            }
        }
    }

    #[test]
    fn files_handed_over_one_by_one_are_all_judged() {
        // More files than one batch of the guard's thread, in folders that
        // later batches meet again.
        let dir = new_repo();
        let root = dir.path().canonicalize().unwrap();
        let names: Vec<String> = (0..150)
            .map(|i| format!("p{}/q{}/f{i}.py", i % 3, i % 5))
            .collect();
        for name in &names {
            fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            fs::write(root.join(name), format!("# {name}\n")).unwrap();
        }
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "init"]);
        let mut expected = Vec::new();
        for name in names.iter().step_by(7) {
            fs::write(root.join(name), "edited\n").unwrap();
            expected.push((root.join(name), "dirty"));
        }
        fs::write(root.join("p0/q0/new.py"), "new\n").unwrap();
        expected.push((root.join("p0/q0/new.py"), "untracked"));
        expected.sort();
        let guard = Guard::start(BOTH);
        for name in names.iter().chain([&"p0/q0/new.py".to_string()]) {
            guard.check_file(&root.join(name));
        }
        let found: Vec<(PathBuf, &str)> = guard
            .finish()
            .dirty
            .into_iter()
            .map(|d| (d.path, d.state))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn files_as_committed_are_settled_and_forgotten_at_once() {
        let dir = new_repo();
        let root = dir.path().canonicalize().unwrap();
        for name in ["a/clean.py", "a/b/clean.py", "edited.py"] {
            fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            fs::write(root.join(name), format!("# {name}\n")).unwrap();
        }
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "init"]);
        fs::write(root.join("edited.py"), "edited\n").unwrap();
        fs::write(root.join("new.py"), "new\n").unwrap();
        let mut run = GuardRun::new(BOTH);
        run.add(
            ["a/clean.py", "a/b/clean.py", "edited.py", "new.py"]
                .iter()
                .map(|name| Submitted {
                    path: root.join(name),
                    sha1: Some(sha1_blob_id(&fs::read(root.join(name)).unwrap())),
                })
                .collect(),
        );
        // Only the files git must be asked about again are kept.
        let kept: Vec<&Path> = run
            .by_top
            .values()
            .flat_map(|top| &top.files)
            .map(|file| file.relative.as_path())
            .collect();
        assert_eq!(kept, [Path::new("edited.py"), Path::new("new.py")]);
        let found: Vec<(PathBuf, &str)> = run
            .finish()
            .dirty
            .into_iter()
            .map(|d| (d.path, d.state))
            .collect();
        assert_eq!(
            found,
            [
                (root.join("edited.py"), "dirty"),
                (root.join("new.py"), "untracked")
            ]
        );
    }

    #[test]
    fn later_lookups_start_from_the_folders_already_read() {
        let dir = new_repo();
        let root = dir.path().canonicalize().unwrap();
        for name in ["a/b/c.py", "a/b/d.py", "a/e/f.py", "g.py"] {
            fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            fs::write(root.join(name), format!("# {name}\n")).unwrap();
        }
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "init"]);
        let id = |name: &str| {
            let out = Command::new("git")
                .arg("-C")
                .arg(&root)
                .args(["rev-parse", &format!("HEAD:{name}")])
                .output()
                .unwrap();
            Some(
                String::from_utf8(out.stdout)
                    .unwrap()
                    .trim_end()
                    .to_string(),
            )
        };
        let mut head = HeadTrees::open(&root).unwrap();
        assert_eq!(head.blobs(&["a/b/c.py"]).unwrap(), vec![id("a/b/c.py")]);
        assert!(head.folders.contains_key(Path::new("a/b/")));
        // A file beside one found before, one in a folder not read yet,
        // one at the top, and names HEAD does not have.
        assert_eq!(
            head.blobs(&["a/b/d.py", "a/e/f.py", "g.py", "a/b/x.py", "x/y.py"])
                .unwrap(),
            vec![id("a/b/d.py"), id("a/e/f.py"), id("g.py"), None, None]
        );
        assert!(head.close());
    }

    /// A repository whose first commit holds `name` with `content`.
    fn committed(name: &str, content: &str) -> tempfile::TempDir {
        let dir = new_repo();
        fs::write(dir.path().join(name), content).unwrap();
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "-q", "-m", "init"]);
        dir
    }

    #[test]
    fn a_file_as_committed_is_writable_whatever_the_index_holds() {
        // Git has the content: in `HEAD`. A change staged and then undone in
        // the work tree stays in the index, which writing the file keeps.
        let dir = committed("a.py", "x = 1\n");
        let root = dir.path();
        fs::write(root.join("a.py"), "x = 2\n").unwrap();
        git(root, &["add", "a.py"]);
        fs::write(root.join("a.py"), "x = 1\n").unwrap();
        assert_eq!(uncommitted(&[root.join("a.py")]), vec![]);
    }

    #[test]
    fn before_the_first_commit_added_files_are_staged() {
        let dir = new_repo();
        let root = dir.path();
        fs::write(root.join("a.py"), "x = 1\n").unwrap();
        git(root, &["add", "a.py"]);
        let states: Vec<&str> = uncommitted(&[root.join("a.py")])
            .iter()
            .map(|d| d.state)
            .collect();
        assert_eq!(states, vec!["staged"]);
    }

    #[test]
    fn file_names_are_never_patterns() {
        // Unquoted, `:(exclude)*` would be a pathspec that matches nothing.
        let dir = committed(":(exclude)*", "x = 1\n");
        let root = dir.path();
        fs::write(root.join(":(exclude)*"), "x = 2\n").unwrap();
        assert_eq!(uncommitted(&[root.join(":(exclude)*")]).len(), 1);
    }
}
