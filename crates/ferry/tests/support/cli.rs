//! Helpers for tests that run the `ferry` binary on trees made in temporary
//! folders: running it, reading its output, snapshotting a tree's bytes, and
//! a small seeded random generator so generated inputs are deterministic.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn ferry_command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("VIRTUAL_ENV")
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR");
    command
}

pub fn ferry(cwd: &Path, args: &[&str]) -> Output {
    ferry_command(cwd, args).output().expect("ferry runs")
}

/// Stdout and stderr together, for messages whose stream may change.
pub fn all_output(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The run ended by itself with an exit code, without a panic or an abort.
pub fn assert_clean_exit(output: &Output) {
    let text = all_output(output);
    assert!(
        output.status.code().is_some(),
        "ferry was killed by a signal ({:?}):\n{text}",
        output.status
    );
    for sign in [
        "panicked",
        "internal error",
        "overflowed its stack",
        "RUST_BACKTRACE",
    ] {
        assert!(!text.contains(sign), "ferry reported `{sign}`:\n{text}");
    }
}

pub fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("a parent folder")).unwrap();
    fs::write(&path, bytes).unwrap();
    path
}

/// What a path in a tree is, without following symbolic links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
    Other,
}

/// Every path under `root` (relative), with its content; links are not
/// followed. Unreadable files read as empty.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Node> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // Entries may vanish while a run is going on: skip them.
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            let node = if meta.file_type().is_symlink() {
                Node::Link(fs::read_link(&path).unwrap_or_default())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Node::Dir
            } else if meta.is_file() {
                Node::File(fs::read(&path).unwrap_or_default())
            } else {
                Node::Other
            };
            out.insert(path.strip_prefix(root).unwrap().to_path_buf(), node);
        }
    }
    out
}

/// Ferry's temporary files (`.<name>.ferry-<pid>-<random>.tmp`) under `root`.
pub fn temp_files(root: &Path) -> Vec<PathBuf> {
    snapshot(root)
        .into_keys()
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with('.') && name.contains(".ferry-") && name.ends_with(".tmp")
        })
        .collect()
}

/// A tiny deterministic generator (xorshift64*): same seed, same inputs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A realistic module of about `target_len` bytes for `seed`, with websockets
/// calls that Ferry fixes (`extra_headers=`, `timeout=`) among ordinary code.
pub fn websockets_module(seed: u64, target_len: usize) -> String {
    let mut rng = Rng::new(seed);
    let alias = *rng.pick(&["websockets", "ws"]);
    let mut out = String::new();
    out.push_str(&format!(
        "\"\"\"Service module {seed}: talks to the upstream feed.\"\"\"\n\n"
    ));
    out.push_str("import asyncio\nimport logging\n");
    if alias == "ws" {
        out.push_str("import websockets as ws\n");
    } else {
        out.push_str("import websockets\n");
    }
    out.push_str("\nlog = logging.getLogger(__name__)\n");
    let mut i = 0;
    while out.len() < target_len {
        let n = rng.below(1000);
        match rng.below(4) {
            0 => out.push_str(&format!(
                "\n\nasync def connect_{i}(uri, token):\n    # Connect with the auth header; retry later on failure.\n    headers = {{\"Authorization\": f\"Bearer {{token}}\", \"X-Shard\": \"{n}\"}}\n    return await {alias}.connect(uri, extra_headers=headers, timeout={t})\n",
                t = 1 + n % 30
            )),
            1 => out.push_str(&format!(
                "\n\nasync def stream_{i}(uri, sink):\n    async with {alias}.connect(\n        uri,\n        extra_headers={{\"X-Request\": \"{n}\"}},\n    ) as conn:\n        async for message in conn:\n            await sink.put((\"{i}\", message))\n"
            )),
            2 => out.push_str(&format!(
                "\n\ndef parse_{i}(payload, scale={n}):\n    # Plain code: nothing to fix here.\n    values = [int(x) * scale for x in payload.split(\",\") if x.strip()]\n    total = sum(values)\n    log.debug(\"parsed %d values, total %d\", len(values), total)\n    return {{\"count\": len(values), \"total\": total}}\n"
            )),
            _ => out.push_str(&format!(
                "\n\nclass Client{i}:\n    \"\"\"Keeps one connection open.\"\"\"\n\n    def __init__(self, uri):\n        self.uri = uri\n        self.timeout = {n}\n\n    async def open(self):\n        self.conn = await {alias}.connect(self.uri, timeout=self.timeout)\n        return self.conn\n"
            )),
        }
        i += 1;
    }
    out
}
