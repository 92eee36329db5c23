#!/usr/bin/env python3
"""Ferry's performance benchmark, measured side by side with the tools users
would pick instead. Run it through `scripts/bench` (see BENCHMARKS.md).

    scripts/bench            the full run: ~17,000 files, several runs each, 1x/2x/4x
    scripts/bench --quick    a small corpus, one run each (what the test suite runs)

Steps: install the compared tools (ripgrep, hyperfine and GNU time from
Debian's packages when missing and running as root; ruff and ast-grep pinned
in bench/requirements.txt, in a virtual environment under target/); build
the corpus under target/bench/ (the interpreter's standard library and
site-packages, the source distributions pinned in bench/corpus-requirements.txt,
and legacy websockets code planted by bench/plant.py with its exact expected
findings); check Ferry's findings against the planted ones (and what ast-grep
and the baseline script find, as precision and recall); time every tool with
hyperfine on a warm cache, in rounds, and take medians; measure peak memory
with /usr/bin/time -v (median of three runs); repeat on copies of the corpus at 2x and 4x; then
the pack rows (packs as data): on a tree where a tenth of the files use websockets, the built-in
packs against a one-rule scan, the same beside a generated pack of 1,000 rules
(bench/rules_pack.py), ruff on that tree, and what loading the packs costs; write a Markdown
report and the raw numbers under target/bench/results/.

Exit code 0 when Ferry's findings are exactly the planted ones and its fixes
stay inside the planted files and compile; 1 when they do not; 2 when the
run could not be set up. The performance targets are reported, never
enforced: timings on a shared machine are not pass/fail material.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
TARGET = "websockets==15.0.1"
TRIGGERS = ["websockets", "extra_headers"]

# Folders no tool should see differently: those Ferry skips (caches,
# site-packages, node_modules; the hidden ones it skips are hidden folders,
# which ripgrep and ast-grep skip too). The corpus is built without them, so
# every tool walks the same files (ruff's own default exclusions are off in
# bench/ruff.toml).
SKIPPED_DIRS = {"__pycache__", "__pypackages__", "node_modules", "site-packages"}

# Quick mode: these standard-library packages only (a few hundred files).
QUICK_STDLIB = ["asyncio", "concurrent", "email", "http", "importlib", "json", "logging",
                "urllib", "wsgiref", "xmlrpc"]

MIB = 1024 * 1024

# Bump when the way the corpus or its copies are made changes (the corpus is
# reused while its recipe is the same).
LAYOUT_VERSION = 2


def log(message):
    print("bench: " + message, file=sys.stderr, flush=True)


WARNINGS = []


def warn(message):
    """Said loudly, and repeated in the report."""
    WARNINGS.append(message)
    bar = "!" * 78
    print("\n{}\nbench: WARNING: {}\n{}\n".format(bar, message, bar), file=sys.stderr, flush=True)


def run(cmd, **kwargs):
    kwargs.setdefault("check", True)
    return subprocess.run(cmd, **kwargs)


# ---------------------------------------------------------------- tools --

class Tools:
    def __init__(self):
        self.ferry = None
        self.rg = None
        self.hyperfine = None
        self.gnu_time = None
        self.ruff = None
        self.ast_grep = None
        self.python = sys.executable
        self.versions = {}


def apt_install(packages):
    """Installs Debian packages when running as root; says why not otherwise."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "not root (or no apt-get): install them with `apt-get install {}`".format(" ".join(packages))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    lock = ["-o", "DPkg::Lock::Timeout=300"]
    log("apt-get install " + " ".join(packages))
    try:
        run(["apt-get", *lock, "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        run(["apt-get", *lock, "install", "-y", "-qq", "--no-install-recommends", *packages],
            env=env, stdout=subprocess.DEVNULL)
    except subprocess.CalledProcessError as err:
        return "apt-get failed ({})".format(err)
    return None


def version_of(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.splitlines()[0] if out else "?"


def setup_tools(args):
    tools = Tools()
    # Debian packages: ripgrep, hyperfine, GNU time.
    wanted = {"rg": "ripgrep", "hyperfine": "hyperfine", "/usr/bin/time": "time"}
    missing = [pkg for cmd, pkg in wanted.items() if not shutil.which(cmd)]
    if missing and not args.no_install:
        reason = apt_install(missing)
        if reason:
            warn("cannot install {}: {}".format(", ".join(missing), reason))
    tools.rg = shutil.which("rg")
    tools.hyperfine = shutil.which("hyperfine")
    tools.gnu_time = shutil.which("/usr/bin/time")
    if not tools.rg:
        warn("ripgrep is not installed: the `rg -l` floor is NOT MEASURED and the ratio to it is not reported")
    if not tools.hyperfine:
        warn("hyperfine is not installed: times are taken by this script's own timer "
             "(same warm-up, runs and medians), and the report says so")
    if not tools.gnu_time:
        warn("GNU time (/usr/bin/time) is not installed: peak memory is read from wait4() "
             "(the same ru_maxrss that `time -v` prints)")
    # ruff and ast-grep, pinned, from the package index.
    if args.no_install and not (REPO / "target/bench-tools/bin/python").exists():
        warn("--no-install and no target/bench-tools: ruff and ast-grep are NOT MEASURED")
    else:
        try:
            out = run([str(REPO / "scripts/python-env"), "bench-tools", str(BENCH / "requirements.txt")],
                      cwd=REPO, capture_output=True, text=True)
            bindir = Path(out.stdout.strip()).parent
            tools.ruff = str(bindir / "ruff")
            tools.ast_grep = str(bindir / "ast-grep")
        except subprocess.CalledProcessError as err:
            warn("cannot create the ruff/ast-grep environment (scripts/python-env): ruff and "
                 "ast-grep are NOT MEASURED\n" + (err.stderr or ""))
    # Ferry: the given binary, or a release build of this tree.
    if args.ferry:
        tools.ferry = str(Path(args.ferry).resolve())
    else:
        log("cargo build --release --locked -p ferry")
        try:
            run(["cargo", "build", "--release", "--locked", "-p", "ferry"], cwd=REPO)
        except (OSError, subprocess.CalledProcessError) as err:
            sys.exit("bench: cannot build ferry: {}".format(err))
        tools.ferry = str(REPO / "target/release/ferry")
    for name, cmd in [("ferry", [tools.ferry, "--version"]), ("rg", [tools.rg, "--version"]),
                      ("hyperfine", [tools.hyperfine, "--version"]), ("ruff", [tools.ruff, "--version"]),
                      ("ast-grep", [tools.ast_grep, "--version"]), ("python", [tools.python, "--version"])]:
        if cmd[0]:
            tools.versions[name] = version_of(cmd)
    return tools


# --------------------------------------------------------------- corpus --

def copy_python_tree(src, dst):
    """Copies the regular .py files under src, skipping the folders above,
    hidden files and folders, and symbolic links. Returns (files, lines, bytes)."""
    files = lines = size = 0
    for folder, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
                         and not os.path.islink(os.path.join(folder, d)))
        rel = os.path.relpath(folder, src)
        for name in sorted(names):
            path = os.path.join(folder, name)
            if not name.endswith(".py") or name.startswith(".") or os.path.islink(path) \
                    or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            out = os.path.join(dst, rel, name)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "wb") as f:
                f.write(data)
            files += 1
            lines += data.count(b"\n")
            size += len(data)
    return files, lines, size


def extract_sdist(archive, dst):
    """Extracts the .py files of a source distribution (under its top folder)."""
    with tarfile.open(archive) as tar:
        with tempfile.TemporaryDirectory() as tmp:
            members = []
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if not member.isfile() or not member.name.endswith(".py") or member.name.startswith("/") \
                        or ".." in parts:
                    continue
                members.append(member)
            tar.extractall(tmp, members=members)
            tops = os.listdir(tmp)
            root = os.path.join(tmp, tops[0]) if len(tops) == 1 else tmp
            return copy_python_tree(root, dst)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_sdists(downloads):
    """The pinned source distributions, from the package index (once)."""
    pins = []
    for line in (BENCH / "corpus-requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
            pins.append(match.groups())
    downloads.mkdir(parents=True, exist_ok=True)

    def present():
        found = {}
        for archive in downloads.glob("*.tar.gz"):
            found[sha256(archive)] = archive
        return found

    have = present()
    if not all(digest in have for _, _, digest in pins):
        log("pip download of the corpus source distributions (once; about a minute)")
        names = ",".join(name for name, _, _ in pins)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--require-hashes", "--no-binary", names, "-d", str(downloads),
             "-r", str(BENCH / "corpus-requirements.txt")])
        have = present()
    result = []
    for name, version, digest in pins:
        if digest not in have:
            sys.exit("bench: {}=={} did not download with the pinned hash".format(name, version))
        result.append(("{}-{}".format(name, version), have[digest]))
    return result


def python_paths():
    import sysconfig
    paths = sysconfig.get_paths()
    return Path(paths["stdlib"]), sorted({Path(paths["purelib"]), Path(paths["platlib"])})


def build_corpus(args, out):
    """target/bench[/quick]/corpus, rebuilt only when its recipe changed."""
    corpus = out / "corpus"
    expected_file = out / "expected.json"
    stdlib, site_dirs = python_paths()
    recipe = {
        "mode": "quick" if args.quick else "full",
        "python": sys.version,
        "stdlib": str(stdlib),
        "site": [str(p) for p in site_dirs],
        "sdists": "" if args.quick else (BENCH / "corpus-requirements.txt").read_text(),
        "plant": sha256(BENCH / "plant.py"),
        "planted": args.planted,
        "seed": args.seed,
        "layout": LAYOUT_VERSION,
    }
    stamp = out / "corpus.json"
    if not args.rebuild and stamp.exists() and expected_file.exists():
        saved = json.loads(stamp.read_text())
        if saved.get("recipe") == recipe:
            log("corpus is up to date ({})".format(corpus))
            return saved["sources"], json.loads(expected_file.read_text())
    log("building the corpus in {}".format(corpus))
    for old in [corpus, stamp, expected_file]:
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    # Copies made from an older corpus are stale too.
    for old in out.glob("scale-*x"):
        shutil.rmtree(old)
    sources = []
    if args.quick:
        for package in QUICK_STDLIB:
            counts = copy_python_tree(stdlib / package, corpus / "stdlib" / package)
            sources.append(("stdlib/" + package, *counts))
    else:
        sdists = download_sdists(out / "downloads")
        counts = copy_python_tree(stdlib, corpus / "stdlib")
        sources.append(("stdlib", *counts))
        for site in site_dirs:
            name = "site_packages" if len(site_dirs) == 1 else "site_packages_" + site.name
            counts = copy_python_tree(site, corpus / name)
            sources.append((name, *counts))
        for name, archive in sdists:
            counts = extract_sdist(archive, corpus / name)
            sources.append((name, *counts))
    run([sys.executable, str(BENCH / "plant.py"), str(corpus), "--files", str(args.planted),
         "--seed", str(args.seed), "--expected", str(expected_file)])
    expected = json.loads(expected_file.read_text())
    planted_lines = planted_bytes = 0
    for rel in expected["files"]:
        data = (corpus / rel).read_bytes()
        planted_lines += data.count(b"\n")
        planted_bytes += len(data)
    sources.append(("planted", len(expected["files"]), planted_lines, planted_bytes))
    stamp.write_text(json.dumps({"recipe": recipe, "sources": sources}, indent=1))
    return sources, expected


def build_scaled(out, corpus, n):
    """out/scale-Nx/copy-1..N: N full copies of the corpus."""
    scaled = out / "scale-{}x".format(n)
    done = scaled / ".complete"
    stamp = (out / "corpus.json").read_text()
    if done.exists() and done.read_text() == stamp:
        return scaled
    if scaled.exists():
        shutil.rmtree(scaled)
    log("copying the corpus {}x into {}".format(n, scaled))
    for k in range(1, n + 1):
        shutil.copytree(corpus, scaled / "copy-{}".format(k))
    # A committed git work tree, like a project a user fixes: `ferry fix`
    # checks with git that it only writes committed files.
    if shutil.which("git"):
        git = ["git", "-C", str(scaled), "-c", "user.name=bench", "-c", "user.email=bench@localhost",
               "-c", "commit.gpgsign=false"]
        run(git + ["init", "-q"])
        run(git + ["add", "-A"])
        run(git + ["commit", "-q", "--no-verify", "-m", "corpus"])
    else:
        warn("git is not installed: the corpus copies are not git work trees, so `ferry fix` "
             "skips its uncommitted-changes check")
    done.write_text(stamp)
    return scaled


def fixable_files(tools, corpus):
    """The corpus files `ferry fix` may rewrite: those with a finding that has
    a fix (the planted ones, and real removals the Python pack finds)."""
    proc = subprocess.run([tools.ferry, "scan", "--target", TARGET, "--format", "json", "."],
                          cwd=corpus, capture_output=True)
    files = set()
    for row in json.loads(proc.stdout)["files"]:
        if any(f["fix"] != "none" for f in row["findings"]):
            files.add(row["path"])
    return files


def restore_list(out, corpus, scaled, n, expected, fixable):
    """The file hyperfine's --prepare gives bench/restore.py: the files
    `ferry fix` may rewrite (planted or not), to copy back over them."""
    path = out / "restore-{}x.txt".format(n)
    with open(path, "w") as f:
        for k in range(1, n + 1):
            for rel in sorted(set(expected["files"]) | fixable):
                f.write("{}\t{}\n".format(corpus / rel, scaled / "copy-{}".format(k) / rel))
    return path


def restore(list_path):
    run([sys.executable, str(BENCH / "restore.py"), str(list_path)])


# --------------------------------------------------------------- timing --

class Timer:
    """Runs commands for timing: hyperfine when installed, else an equivalent loop."""

    def __init__(self, hyperfine, scratch):
        self.hyperfine = hyperfine
        self.scratch = scratch
        self.last_cpu = None

    def times(self, cmd, cwd, runs, warmup, prepare=None, no_shell=False):
        """no_shell: hyperfine runs the command itself (`-N`), for commands
        of a few milliseconds, where a shell's start would be most of it."""
        if self.hyperfine:
            export = self.scratch / "hyperfine.json"
            hf = [self.hyperfine, "--style", "none", "--ignore-failure", "--export-json", str(export),
                  "--runs", str(runs), "--warmup", str(warmup)]
            if no_shell:
                hf.append("-N")
            if prepare:
                hf += ["--prepare", shlex.join(prepare)]
            proc = subprocess.run(hf + [shlex.join(cmd)], cwd=cwd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
            if proc.returncode != 0:
                sys.exit("bench: hyperfine failed on `{}`:\n{}".format(shlex.join(cmd), proc.stderr))
            result = json.loads(export.read_text())["results"][0]
            # CPU seconds per run (user + system, hyperfine's means): what
            # the command asked of the cores, which the machine's load
            # stretches less than the wall time.
            self.last_cpu = result["user"] + result["system"]
            return result["times"]
        self.last_cpu = None
        measured = []
        for i in range(warmup + runs):
            if prepare:
                run(prepare, cwd=cwd, stdout=subprocess.DEVNULL)
            start = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            if i >= warmup:
                measured.append(elapsed)
        return measured


# Runs under /usr/bin/time per command and size (the slow tools: one).
MEMORY_RUNS = 3


def peak_memory(tools, cmd, cwd, scratch):
    """Peak resident memory of one run, in bytes: `/usr/bin/time -v`'s
    "Maximum resident set size" (for a process pool: its largest process)."""
    if tools.gnu_time:
        report = scratch / "time-v.txt"
        subprocess.run([tools.gnu_time, "-v", "-o", str(report), *cmd], cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read_text())
        return int(match.group(1)) * 1024
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss * 1024


# ----------------------------------------------------------- correctness --

def ferry_findings(doc, prefix):
    """{(path under the corpus, code, line, column)} from `ferry scan --format json`."""
    found, errors = set(), []
    for row in doc["files"]:
        path = row["path"][len(prefix):] if row["path"].startswith(prefix) else row["path"]
        if row["status"] == "error":
            errors.append((path, row.get("error", "")))
        for finding in row["findings"]:
            found.add((path, finding["code"], finding["line"], finding["column"]))
    return found, errors


def expected_findings(expected, copies):
    return {("copy-{}/{}".format(k, f["path"]), f["code"], f["line"], f["column"])
            for k in range(1, copies + 1) for f in expected["findings"]}


def precision_recall(reported, relevant):
    """reported and relevant: sets of (path, line)."""
    hits = len(reported & relevant)
    precision = hits / len(reported) if reported else 1.0
    recall = hits / len(relevant) if relevant else 1.0
    return precision, recall


def check_ferry(tools, out, scaled_dir, expected, report):
    """Ferry's findings against the planted ones, with and without the prefilter."""
    prefix = scaled_dir.name + "/"
    want = expected_findings(expected, 1)
    ok = True
    for label, extra in [("scan", []), ("scan --no-prefilter", ["--no-prefilter"])]:
        proc = subprocess.run([tools.ferry, "scan", "--target", TARGET, "--format", "json", *extra,
                               scaled_dir.name], cwd=out, capture_output=True)
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            log("ferry {} printed no JSON (exit {}):\n{}".format(label, proc.returncode,
                                                                  proc.stderr.decode(errors="replace")))
            return False
        found, errors = ferry_findings(doc, prefix)
        # The planted code is websockets code; the Python pack's findings in
        # the corpus (real removals in the code it copies) are counted apart.
        got = {f for f in found if f[1].startswith("WS")}
        others = len(found) - len(got)
        missing, unexpected = sorted(want - got), sorted(got - want)
        same = not missing and not unexpected
        ok = ok and same
        report["correctness"][label] = {
            "expected": len(want), "found": len(got), "missing": missing[:50], "unexpected": unexpected[:50],
            "other_packs_findings": others,
            "files_scanned": doc["summary"]["files_scanned"], "errors": len(errors),
            "error_files": errors[:50], "exit_code": proc.returncode,
        }
        log("ferry {}: {} WS findings, {} expected: {} ({} findings of the other packs)".format(
            label, len(got), len(want), "exactly the planted ones" if same else "DIFFERENT", others))
        for item in missing[:20]:
            log("  missing    {}:{}:{} {}".format(item[0], item[2], item[3], item[1]))
        for item in unexpected[:20]:
            log("  unexpected {}:{}:{} {}".format(item[0], item[2], item[3], item[1]))
    return ok


def check_fix(tools, out, scaled_dir, expected, restore_path, report):
    """`ferry fix` on the 1x copy: it changes planted files only, what it writes
    compiles, and no safe fix is left behind. The copy is restored afterwards."""
    restore(restore_path)
    root = scaled_dir / "copy-1"
    before = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            st = os.stat(path)
            before[path] = (st.st_ino, st.st_size, st.st_mtime_ns)
    # The websockets fixes only: the Python pack would also fix real
    # removals in the corpus, outside the planted files.
    proc = subprocess.run([tools.ferry, "fix", "--select", "WS", "--target", TARGET, scaled_dir.name],
                          cwd=out, capture_output=True)
    changed = sorted(os.path.relpath(p, root) for p, sig in before.items()
                     if not os.path.exists(p) or (lambda st: (st.st_ino, st.st_size, st.st_mtime_ns))(os.stat(p)) != sig)
    planted = set(expected["files"])
    outside = [p for p in changed if p not in planted]
    not_compiling = []
    for rel in changed:
        if rel in planted:
            try:
                compile((root / rel).read_bytes(), str(root / rel), "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as err:
                not_compiling.append("{}: {}".format(rel, err))
    rescan = subprocess.run([tools.ferry, "scan", "--select", "WS", "--target", TARGET, "--format", "json",
                             scaled_dir.name], cwd=out, capture_output=True)
    left_safe = 0
    try:
        for row in json.loads(rescan.stdout)["files"]:
            left_safe += sum(1 for f in row["findings"] if f["fix"] == "safe")
    except ValueError:
        left_safe = -1
    restore(restore_path)
    report["correctness"]["fix"] = {
        "exit_code": proc.returncode, "files_changed": len(changed), "changed_outside_planted": outside[:50],
        "not_compiling": not_compiling[:50], "safe_fixes_left": left_safe,
    }
    log("ferry fix: changed {} files (exit {}), {} outside the planted ones, {} not compiling, "
        "{} safe fixes left".format(len(changed), proc.returncode, len(outside), len(not_compiling), left_safe))
    if left_safe:
        warn("ferry fix left {} safe fixes behind (see the report)".format(left_safe))
    if proc.returncode == 2:
        log(proc.stderr.decode(errors="replace")[-2000:])
    return not outside and not not_compiling and proc.returncode != 2


def relevant_ws001(expected):
    return {("copy-1/" + f["path"], f["line"]) for f in expected["findings"] if f["code"] == "WS001"}


def check_others(tools, out, scaled_dir, expected, report):
    """What the other tools find: precision and recall on the planted
    `extra_headers=` of the new clients (WS001), files they see."""
    prefix = scaled_dir.name + "/"
    relevant = relevant_ws001(expected)
    others = report["others"]
    if tools.rg:
        listed = subprocess.run([tools.rg, "--files", scaled_dir.name], cwd=out, capture_output=True,
                                text=True).stdout.splitlines()
        hits = subprocess.run([tools.rg, "-l", "-F", "-e", TRIGGERS[0], "-e", TRIGGERS[1], scaled_dir.name],
                              cwd=out, capture_output=True, text=True).stdout.splitlines()
        others["rg"] = {"files_seen": len(listed), "files_with_words": len(hits)}
    if tools.ast_grep:
        proc = subprocess.run([tools.ast_grep, "scan", "--rule", str(BENCH / "ast-grep-rule.yml"),
                               "--json=stream", scaled_dir.name], cwd=out, capture_output=True, text=True)
        reported = set()
        for line in proc.stdout.splitlines():
            match = json.loads(line)
            value = match["metaVariables"]["single"]["H"]["range"]["start"]["line"] + 1
            reported.add((match["file"][len(prefix):], value))
        precision, recall = precision_recall(reported, relevant)
        others["ast-grep"] = {"matches": len(reported), "precision": precision, "recall": recall}
    proc = subprocess.run([tools.python, str(BENCH / "ast_baseline.py"), scaled_dir.name], cwd=out,
                          capture_output=True, text=True)
    reported = set()
    for line in proc.stdout.splitlines():
        path, number, _ = line.rsplit(":", 2)
        reported.add((path[len(prefix):], int(number)))
    precision, recall = precision_recall(reported, relevant)
    others["python-ast"] = {"matches": len(reported), "precision": precision, "recall": recall,
                            "summary": proc.stderr.strip().splitlines()[-1:] }
    if tools.ruff:
        proc = subprocess.run([tools.ruff, "check", "--no-cache", "--config", str(BENCH / "ruff.toml"),
                               "--select", "TID251", "--output-format", "concise", scaled_dir.name],
                              cwd=out, capture_output=True, text=True)
        files = subprocess.run([tools.ruff, "check", "--no-cache", "--config", str(BENCH / "ruff.toml"),
                                "--select", "TID251", "--show-files", scaled_dir.name],
                               cwd=out, capture_output=True, text=True).stdout.splitlines()
        failed = len(re.findall(r"Failed to lint", proc.stderr))
        others["ruff"] = {"diagnostics": len(re.findall(r": TID251 ", proc.stdout)),
                          "files_seen": len([f for f in files if f.endswith(".py")]),
                          "files_not_linted": failed}


# ---------------------------------------------------------------- packs --
#
# Packs as data (issue #19): the built-in pack against a one-rule scan, and
# beside a generated pack of many rules (bench/rules_pack.py), on a tree
# where a tenth of the files use websockets, as in a monorepo that depends
# on it; and what loading the packs costs.

def build_ws_tree(args, out, corpus, expected):
    """out/ws-heavy: the corpus without its planted modules (linked, not
    copied: nothing writes to this tree), and enough modules planted by
    bench/plant.py (its own seed) that they are `args.ws_share` of the
    files. Returns the tree and its expected findings."""
    tree = out / "ws-heavy"
    expected_file = out / "ws-heavy-expected.json"
    stamp = json.dumps({"corpus": (out / "corpus.json").read_text(), "share": args.ws_share,
                        "seed": args.seed, "plant": sha256(BENCH / "plant.py")})
    done = tree / ".complete"
    if done.exists() and done.read_text() == stamp and expected_file.exists():
        return tree, json.loads(expected_file.read_text())
    if tree.exists():
        shutil.rmtree(tree)
    log("linking the corpus into {} and planting websockets modules".format(tree))
    planted = set(expected["files"])
    base = 0
    for folder, dirs, names in os.walk(corpus):
        rel = os.path.relpath(folder, corpus)
        for name in names:
            path = os.path.normpath(os.path.join(rel, name))
            if path in planted:
                continue
            target = tree / path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(os.path.join(folder, name), target)
            except OSError:
                shutil.copyfile(os.path.join(folder, name), target)
            base += 1
    files = max(1, round(base * args.ws_share / (1 - args.ws_share)))
    # Another seed than the corpus's: other folders, another mix of cases.
    run([sys.executable, str(BENCH / "plant.py"), str(tree), "--files", str(files),
         "--seed", str(args.seed + 1000), "--expected", str(expected_file)], stdout=subprocess.DEVNULL)
    done.write_text(stamp)
    return tree, json.loads(expected_file.read_text())


def write_packs(args, out):
    """The generated pack, an empty one (the load rows' baseline) and a
    one-file tree (a planted module: it spells `websockets`, so the packs'
    word gates are built and used once)."""
    import rules_pack
    folder = out / "packs"
    folder.mkdir(exist_ok=True)
    big = folder / "rules-{}.toml".format(args.pack_rules)
    big.write_text(rules_pack.pack_text(args.pack_rules, args.seed))
    empty = folder / "empty.toml"
    empty.write_text(rules_pack.empty_pack_text())
    return big, empty, rules_pack


def ferry_json(tools, out, args_):
    proc = subprocess.run([tools.ferry, "scan", "--target", TARGET, "--format", "json", *args_],
                          cwd=out, capture_output=True)
    try:
        return json.loads(proc.stdout), proc
    except ValueError:
        log("ferry scan printed no JSON (exit {}):\n{}".format(proc.returncode,
                                                              proc.stderr.decode(errors="replace")))
        return None, proc


def check_packs(tools, out, tree, expected, big, empty, rules_pack, report):
    """`ferry pack check` accepts both packs; on the websocket-heavy tree the
    built-in pack finds exactly the planted findings, alone and beside the
    generated pack; the generated pack reports only through its rules on
    real names, only in planted files, and where a text search says."""
    info = report["packs"]
    ok = True
    for pack in (big, empty):
        proc = subprocess.run([tools.ferry, "pack", "check", str(pack)], cwd=out, capture_output=True, text=True)
        valid = proc.returncode == 0 and "Valid." in proc.stdout
        info.setdefault("pack_check", {})[pack.name] = (proc.stdout + proc.stderr).strip()
        log("ferry pack check {}: {}".format(pack.name, "valid" if valid else "FAILED\n" + proc.stderr))
        ok = ok and valid
    prefix = tree.name + "/"
    want = {(f["path"], f["code"], f["line"], f["column"]) for f in expected["findings"]}
    real = set(rules_pack.real_codes(args_rules(big)))
    for label, extra in [("built-in", []), ("built-in + generated", ["--pack", str(big)])]:
        doc, proc = ferry_json(tools, out, extra + [tree.name])
        if doc is None:
            return False
        got, errors = ferry_findings(doc, prefix)
        # The planted code is websockets code; the other built-in packs'
        # findings (the Python pack's, in the corpus it copies) are counted apart.
        ours = {f for f in got if f[1].startswith("WS")}
        theirs = {f for f in got if f[1].startswith(rules_pack.PREFIX)}
        others = len(got) - len(ours) - len(theirs)
        same = ours == want
        entry = {"expected": len(want), "found": len(ours), "missing": sorted(want - ours)[:20],
                 "unexpected": sorted(ours - want)[:20], "files_scanned": doc["summary"]["files_scanned"],
                 "errors": len(errors), "exit_code": proc.returncode, "other_packs_findings": others}
        log("ferry scan ({}) on {}: {} WS findings, {} planted: {} ({} findings of the other packs)".format(
            label, tree.name, len(ours), len(want), "exactly the planted ones" if same else "DIFFERENT",
            others))
        ok = ok and same
        if extra:
            planted = set(expected["files"])
            by_code = {}
            for f in theirs:
                by_code[f[1]] = by_code.get(f[1], 0) + 1
            outside = sorted(f for f in theirs if f[0] not in planted)
            invented = sorted(code for code in by_code if code not in real)
            # The keyword rules' findings where a text search finds the
            # keyword passed in a planted file (every planted call of
            # `connect` with these keywords reaches websockets.connect).
            keywords = {"ping_interval": "WEX0001", "open_timeout": "WEX0002", "max_size": "WEX0003",
                        "close_timeout": "WEX0004"}
            text_hits = set()
            for rel in planted:
                data = (tree / rel).read_bytes()
                text = data.decode("latin-1" if b"coding: latin-1" in data[:80] else "utf-8-sig")
                for number, line in enumerate(text.splitlines(), start=1):
                    for word, code in keywords.items():
                        if re.search(r"\b{}=".format(word), line) and code in real:
                            text_hits.add((rel, code, number))
            found_hits = {(f[0], f[1], f[2]) for f in theirs if f[1] in set(keywords.values())}
            entry.update({"generated_findings": len(theirs), "by_code": dict(sorted(by_code.items())),
                          "outside_planted": outside[:20], "invented_rules_reporting": invented,
                          "keyword_findings_as_text_search": found_hits == text_hits,
                          "keyword_text_hits": len(text_hits)})
            generated_ok = not outside and not invented and found_hits == text_hits and len(theirs) > 0
            log("generated pack: {} findings ({}), {} outside planted files, invented rules reporting: {}, "
                "keyword findings = text search ({}): {}".format(
                    len(theirs), ", ".join("{} {}".format(c, n) for c, n in sorted(by_code.items())),
                    len(outside), invented or "none", len(text_hits), found_hits == text_hits))
            ok = ok and generated_ok
        info["correctness"][label] = entry
    return ok


def build_python_findings_tree(tools, out, tree):
    """A copy of the files of `tree` where the Python pack has findings,
    alone: checking them is work no gate can skip, which the one-rule scan
    of target (a) never does (see BENCHMARKS.md). Returns the folder and
    how many files it holds."""
    py_tree = out / "python-findings"
    shutil.rmtree(py_tree, ignore_errors=True)
    py_tree.mkdir()
    proc = subprocess.run([tools.ferry, "scan", "--target", TARGET, "--select", "PY", "--format", "json",
                           tree.name], cwd=out, capture_output=True, text=True)
    files = [f["path"] for f in json.loads(proc.stdout)["files"]
             if any(x["code"].startswith("PY") for x in f["findings"])]
    for path in files:
        target = py_tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / path, target)
    return py_tree, len(files)


def args_rules(big):
    """The rule count in a generated pack's file name (rules-N.toml)."""
    return int(big.stem.split("-")[1])


def measure_packs(tools, timer, out, args, report):
    """The pack rows: ratios on the websocket-heavy tree, and load times."""
    info = report["packs"]
    corpus = out / "corpus"
    expected = json.loads((out / "expected.json").read_text())
    tree, ws_expected = build_ws_tree(args, out, corpus, expected)
    big, empty, rules_pack = write_packs(args, out)
    files = sum(len([n for n in names if n.endswith(".py")]) for _, _, names in os.walk(tree))
    info.update({"tree": tree.name, "files": files, "planted_files": len(ws_expected["files"]),
                 "planted_findings": len(ws_expected["findings"]), "rules": args.pack_rules,
                 "real_rules": len(rules_pack.real_codes(args.pack_rules)), "pack": os.path.relpath(big, REPO),
                 "pack_bytes": big.stat().st_size, "correctness": {}})
    ok = check_packs(tools, out, tree, ws_expected, big, empty, rules_pack, report)
    py_tree, py_files = build_python_findings_tree(tools, out, tree)
    info["python_findings_files"] = py_files
    scan = [tools.ferry, "scan", "--target", TARGET]
    cmds = [
        ("builtin", "ferry scan (built-in packs, every rule)", scan + [tree.name], None, False),
        ("builtin-one", "ferry scan --select WS001 (built-in packs)", scan + ["--select", "WS001", tree.name],
         None, False),
        ("builtin-ws", "ferry scan --select WS (the websockets pack)", scan + ["--select", "WS", tree.name],
         None, False),
        ("generated", "ferry scan --pack {} (built-in + generated)".format(big.name),
         scan + ["--pack", os.path.relpath(big, out), tree.name], None, False),
        ("generated-one", "ferry scan --pack {} --select WS001".format(big.name),
         scan + ["--pack", os.path.relpath(big, out), "--select", "WS001", tree.name], None, False),
    ]
    if py_files:
        cmds.append(("python-findings", "ferry scan --select PY (the files of the Python pack's findings)",
                     scan + ["--select", "PY", py_tree.name], None, False))
    if tools.rg:
        cmds.insert(0, ("rg", "rg -l (trigger words)",
                        [tools.rg, "-l", "-F", "-e", TRIGGERS[0], "-e", TRIGGERS[1], tree.name], None, False))
    if tools.ruff:
        cmds.append(("ruff", "ruff check --no-cache --select TID251",
                     [tools.ruff, "check", "--no-cache", "--config", str(BENCH / "ruff.toml"), "--select",
                      "TID251", "--output-format", "concise", tree.name], None, True))
    info["rows"] = measure_commands(tools, timer, out, cmds, args, tree.name)
    # Load: commands that do almost nothing but start, read the packs and
    # (for the one-file tree) build each pack's word gate once.
    empty_dir = out / "empty-tree"
    empty_dir.mkdir(exist_ok=True)
    one = out / "one-file"
    one.mkdir(exist_ok=True)
    shutil.copyfile(tree / ws_expected["files"][0], one / "module.py")
    load_cmds = [
        ("version", "ferry version (no pack loaded)", [tools.ferry, "version"], None, False),
        ("empty-tree", "ferry scan of an empty folder (built-in packs)", scan + [empty_dir.name], None, False),
        ("one-empty-pack", "ferry scan one file --pack empty.toml",
         scan + ["--pack", os.path.relpath(empty, out), one.name], None, False),
        ("one-generated", "ferry scan one file --pack {}".format(big.name),
         scan + ["--pack", os.path.relpath(big, out), one.name], None, False),
    ]
    info["load"] = measure_commands(tools, timer, out, load_cmds, args, "the load trees",
                                    runs_of=lambda slow: args.load_runs, no_shell=True, memory_runs=0)
    return ok

# ---------------------------------------------------------------- runs --

def commands(tools, tree, restore_path):
    """(key, label, command, prepare, slow) for every measured tool on `tree`."""
    found = []
    if tools.rg:
        found.append(("rg", "rg -l (trigger words)",
                      [tools.rg, "-l", "-F", "-e", TRIGGERS[0], "-e", TRIGGERS[1], tree], None, False))
    ferry_scan = [tools.ferry, "scan", "--target", TARGET]
    found.append(("ferry-scan", "ferry scan", ferry_scan + [tree], None, False))
    found.append(("ferry-scan-json", "ferry scan --format json", ferry_scan + ["--format", "json", tree],
                  None, False))
    found.append(("ferry-no-prefilter", "ferry scan --no-prefilter", ferry_scan + ["--no-prefilter", tree],
                  None, True))
    restore_cmd = [sys.executable, str(BENCH / "restore.py"), str(restore_path)]
    found.append(("ferry-fix", "ferry fix (on a copy)", [tools.ferry, "fix", "--target", TARGET, tree],
                  restore_cmd, False))
    found.append(("ferry-fix-allow-dirty", "ferry fix --allow-dirty (no git check)",
                  [tools.ferry, "fix", "--target", TARGET, "--allow-dirty", tree], restore_cmd, False))
    if tools.ruff:
        found.append(("ruff", "ruff check --no-cache --select TID251",
                      [tools.ruff, "check", "--no-cache", "--config", str(BENCH / "ruff.toml"),
                       "--select", "TID251", "--output-format", "concise", tree], None, False))
    if tools.ast_grep:
        found.append(("ast-grep", "ast-grep scan (one rule)",
                      [tools.ast_grep, "scan", "--rule", str(BENCH / "ast-grep-rule.yml"), tree], None, True))
    found.append(("python-ast", "Python ast script (multiprocessing)",
                  [tools.python, str(BENCH / "ast_baseline.py"), tree], None, True))
    return found


def measure(tools, timer, out, tree, restore_path, args, keys=None):
    """Medians (seconds) and peak memory (bytes) of each command on `tree`."""
    cmds = [c for c in commands(tools, tree, restore_path) if keys is None or c[0] in keys]
    return measure_commands(tools, timer, out, cmds, args, tree)


def measure_commands(tools, timer, out, cmds, args, where, runs_of=None, no_shell=False, memory_runs=None):
    """Times `cmds` ((key, label, command, prepare, slow)) in rounds, each
    command `runs_of(slow)` runs per round, one after the other, so that a
    change in the machine's load falls on all of them; then peak memory."""
    runs_of = runs_of or (lambda slow: args.slow_runs if slow else args.runs)
    times = {key: [] for key, *_ in cmds}
    cpu = {key: [] for key, *_ in cmds}
    for round_ in range(args.rounds):
        for key, label, cmd, prepare, slow in cmds:
            runs = runs_of(slow)
            warmup = 1 if round_ == 0 and not args.quick else 0
            log("{} on {} (round {}/{}, {} runs)".format(label, where, round_ + 1, args.rounds, runs))
            times[key] += timer.times(cmd, out, runs, warmup, prepare, no_shell)
            if timer.last_cpu is not None:
                cpu[key] += [timer.last_cpu] * runs
    result = {}
    for key, label, cmd, prepare, slow in cmds:
        # One run's peak moves by up to 10% with how the threads happened
        # to share the allocator's heaps: the median of three, except for
        # the slow tools (one run each, as for their times).
        memories = []
        count = memory_runs if memory_runs is not None else (1 if slow or args.quick else MEMORY_RUNS)
        for _ in range(count):
            if prepare:
                run(prepare, cwd=out, stdout=subprocess.DEVNULL)
            memories.append(peak_memory(tools, cmd, out, timer.scratch))
        if prepare:
            run(prepare, cwd=out, stdout=subprocess.DEVNULL)
        memory = statistics.median_low(memories) if memories else None
        result[key] = {
            "label": label,
            "command": " ".join(shlex.quote(os.path.relpath(c, REPO) if c.startswith(str(REPO)) else c)
                                for c in cmd),
            "times": times[key],
            "median": statistics.median(times[key]),
            "cpu": statistics.mean(cpu[key]) if cpu[key] else None,
            "peak_rss": memory,
            "peak_rss_runs": memories,
        }
    return result


# -------------------------------------------------------------- report --

def fmt_time(seconds):
    return "{:.3f} s".format(seconds) if seconds < 10 else "{:.1f} s".format(seconds)


def fmt_mib(size):
    return "{:.1f} MiB".format(size / MIB)


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                memory = "{:.1f} GiB".format(int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return "{} cores ({}), {} RAM, {} {}".format(os.cpu_count(), cpu, memory, platform.system(),
                                                  platform.release())


def load():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def targets(report):
    """(target, measured, met) rows; ratios from the same run."""
    rows = []
    if report["scales"]:
        side_targets(report, rows)
    if report.get("packs", {}).get("rows"):
        pack_targets(report["packs"], rows)
    return rows


def pack_load(packs, pick=None):
    """(built-in packs' load, the generated pack's load), in seconds: the
    differences of the load rows' medians, or of what `pick` takes of
    their times (see BENCHMARKS.md)."""
    load = packs.get("load", {})

    def get(key):
        entry = load.get(key)
        if not entry:
            return None
        return pick(entry["times"]) if pick else entry["median"]

    builtin = generated = None
    if get("empty-tree") is not None and get("version") is not None:
        builtin = get("empty-tree") - get("version")
    if get("one-generated") is not None and get("one-empty-pack") is not None:
        generated = get("one-generated") - get("one-empty-pack")
    return builtin, generated


def fmt_load(median, least):
    if median is None:
        return "not measured"
    return "{:.1f} ms (medians; {:.1f} ms between the fastest runs)".format(median * 1000, least * 1000)


def pack_targets(packs, rows):
    get = lambda key: packs["rows"].get(key, {}).get("median")  # noqa: E731

    cpu = lambda key: packs["rows"].get(key, {}).get("cpu")  # noqa: E731

    def ratio_row(name, numerator, denominator, limit, at_most, cpu_of=None):
        if numerator is None or denominator is None:
            rows.append((name, "not measured", None))
            return
        value = numerator / denominator
        met = None if limit is None else (value <= limit if at_most else value >= limit)
        text = "{:.2f}× ({} against {})".format(value, fmt_time(numerator), fmt_time(denominator))
        if cpu_of and cpu(cpu_of[0]) and cpu(cpu_of[1]):
            text += "; CPU {:.2f}×".format(cpu(cpu_of[0]) / cpu(cpu_of[1]))
        rows.append((name, text, met))

    ratio_row("ws-heavy: built-in packs ≤ 1.3× one rule (`--select WS001`)", get("builtin"), get("builtin-one"),
              1.3, True, ("builtin", "builtin-one"))
    ratio_row("ws-heavy: built-in + {} generated rules ≤ 1.5× one rule".format(packs["rules"]),
              get("generated"), get("generated-one"), 1.5, True, ("generated", "generated-one"))
    ratio_row("ws-heavy: the generated pack's cost (built-in + generated / built-in; no target)",
              get("generated"), get("builtin"), None, True, ("generated", "builtin"))
    ratio_row("ws-heavy: the websockets pack alone, `--select WS` against one rule (no target)",
              get("builtin-ws"), get("builtin-one"), None, True, ("builtin-ws", "builtin-one"))
    floor = None
    if get("builtin-ws") is not None and get("python-findings") is not None:
        floor = get("builtin-ws") + get("python-findings")
    ratio_row("ws-heavy: what no gate skips, `--select WS` plus `--select PY` on the {} files of the Python "
              "pack's findings alone, against one rule (the floor of the 1.3× row; no target)".format(
                  packs.get("python_findings_files", 0)),
              floor, get("builtin-one"), None, True)
    ratio_row("ws-heavy: ruff (TID251, no cache) ≥ 5× slower than `ferry scan`", get("ruff"), get("builtin"),
              5, False)
    ratio_row("ws-heavy: ruff ≥ 5× slower than `ferry scan` with the generated pack", get("ruff"),
              get("generated"), 5, False)
    builtin, generated = pack_load(packs)
    builtin_min, generated_min = pack_load(packs, min)
    # A difference below zero is the machine's noise, not a measure.
    rows.append(("built-in packs' load ≤ 5 ms (empty-folder scan − `ferry version`, an upper bound)",
                 fmt_load(builtin, builtin_min),
                 None if builtin is None or builtin < 0 else builtin <= 0.005))
    rows.append(("the {}-rule pack's load and first use (one-file scan, generated − empty pack; no target)".format(
        packs["rules"]), fmt_load(generated, generated_min), None))
    correct = packs.get("correctness", {})
    exact = all(not c.get("missing") and not c.get("unexpected") for c in correct.values()) and len(correct) == 2
    generated_c = correct.get("built-in + generated", {})
    rows.append(("ws-heavy: planted findings exact with and without the generated pack; generated pack reports "
                 "only through its rules on real names, in planted files",
                 "{} of {} planted; {} generated-pack findings ({}), invented rules reporting: {}".format(
                     correct.get("built-in", {}).get("found", 0), packs.get("planted_findings", 0),
                     generated_c.get("generated_findings", 0),
                     ", ".join("{} {}".format(c, n) for c, n in generated_c.get("by_code", {}).items()),
                     len(generated_c.get("invented_rules_reporting", [])) or "none"),
                 exact and not generated_c.get("outside_planted") and not generated_c.get("invented_rules_reporting")
                 and generated_c.get("keyword_findings_as_text_search", False)))


def side_targets(report, rows):
    one = report["scales"].get("1", {})
    get = lambda key: one.get(key, {}).get("median")  # noqa: E731
    scan = get("ferry-scan")

    def ratio_row(name, numerator, denominator, limit, at_most):
        if numerator is None or denominator is None:
            rows.append((name, "not measured", None))
            return
        value = numerator / denominator
        met = value <= limit if at_most else value >= limit
        rows.append((name, "{:.2f}×".format(value), met))

    ratio_row("`ferry scan` ≤ 1.25× `rg -l`", scan, get("rg"), 1.25, True)
    ratio_row("ast-grep ≥ 30× slower than `ferry scan`", get("ast-grep"), scan, 30, False)
    ratio_row("ruff (TID251, no cache) ≥ 5× slower than `ferry scan`", get("ruff"), scan, 5, False)
    ratio_row("Python ast script ≥ 100× slower than `ferry scan`", get("python-ast"), scan, 100, False)
    ratio_row("ruff slower than `ferry scan --no-prefilter` (> 1×)", get("ruff"), get("ferry-no-prefilter"),
              1.0, False)
    ratio_row("`ferry fix` ≤ 1.5× `ferry scan`", get("ferry-fix"), scan, 1.5, True)
    scan_ok = report["correctness"].get("scan", {})
    exact = not scan_ok.get("missing") and not scan_ok.get("unexpected") and "found" in scan_ok
    rows.append(("precision and recall 100% on the planted set",
                 "{} of {} found, {} unexpected".format(
                     scan_ok.get("found", 0) - len(scan_ok.get("unexpected", [])),
                     scan_ok.get("expected", 0), len(scan_ok.get("unexpected", []))), exact))
    peaks = [entry["peak_rss"] for size in report["scales"].values()
             for key, entry in size.items() if key.startswith("ferry")]
    if peaks:
        rows.append(("peak memory ≤ 64 MiB (every ferry run, every size)", fmt_mib(max(peaks)),
                     max(peaks) <= 64 * MIB))
    sizes = sorted(report["scales"], key=int)
    if len(sizes) > 1:
        first, last = report["scales"][sizes[0]], report["scales"][sizes[-1]]
        grow = int(sizes[-1]) / int(sizes[0])
        flat = [last[k]["peak_rss"] / first[k]["peak_rss"] for k in first
                if k.startswith("ferry") and k in last]
        if flat:
            rows.append(("peak memory flat as the corpus grows ({}× → {}×; ≤ 1.25×)".format(sizes[0], sizes[-1]),
                         "{:.2f}× at most".format(max(flat)), max(flat) <= 1.25))
        if "ferry-scan" in first and "ferry-scan" in last:
            value = last["ferry-scan"]["median"] / first["ferry-scan"]["median"]
            rows.append(("time linear: `ferry scan` at {:g}× corpus ≤ {:.1f}× time".format(grow, grow * 1.1),
                         "{:.2f}×".format(value), value <= grow * 1.1))


def markdown(report):
    lines = []
    add = lines.append
    add("**Date:** {} · **Machine:** {} · **Load average** (1/5/15 min) before: {}, after: {}".format(
        report["date"], report["machine"], report["load_before"], report["load_after"]))
    add("")
    add("**Command:** `{}` · **Timing:** {} · warm cache (1 warm-up run per command), {} round(s) of "
        "{} runs ({} for the slow tools), median of all runs · **Peak RSS:** `/usr/bin/time -v`, "
        "median of {} run(s) (1 for the slow tools)".format(
            report["command"], report["timer"], report["args"]["rounds"], report["args"]["runs"],
            report["args"]["slow_runs"], 1 if report["args"].get("quick") else MEMORY_RUNS))
    add("")
    add("**Tools:** " + ", ".join("{} `{}`".format(k, v) for k, v in report["versions"].items()))
    add("")
    total = [sum(s[i] for s in report["sources"]) for i in (1, 2, 3)]
    add("**Corpus (1×):** {:,} files, {:,} lines, {:.1f} MB: ".format(total[0], total[1], total[2] / 1e6)
        + "; ".join("{} {:,} files / {:,} lines".format(s[0], s[1], s[2]) for s in report["sources"])
        + ". {} planted findings in {} files (seed {}).".format(
            report["planted_findings"], report["sources"][-1][1], report["args"]["seed"]))
    add("")
    if report["warnings"]:
        add("**Warnings:** " + " ".join("⚠ " + w.splitlines()[0] for w in report["warnings"]))
        add("")
    one = report["scales"].get("1", {})
    scan = one.get("ferry-scan", {}).get("median")
    if one:
        add("| tool | median | × `ferry scan` | peak RSS | what it found |")
        add("|---|---|---|---|---|")
    found = {
        "rg": lambda o: "{} files with the words, {} files seen".format(
            o["rg"]["files_with_words"], o["rg"]["files_seen"]) if "rg" in o else "",
        "ruff": lambda o: "{} TID251 diagnostics, {} files seen, {} not linted (not UTF-8)".format(
            o["ruff"]["diagnostics"], o["ruff"]["files_seen"], o["ruff"]["files_not_linted"]) if "ruff" in o else "",
        "ast-grep": lambda o: "precision {:.0%}, recall {:.0%} on planted `extra_headers=` (WS001)".format(
            o["ast-grep"]["precision"], o["ast-grep"]["recall"]) if "ast-grep" in o else "",
        "python-ast": lambda o: "precision {:.0%}, recall {:.0%} on planted `extra_headers=` (WS001)".format(
            o["python-ast"]["precision"], o["python-ast"]["recall"]),
    }
    correctness = report["correctness"]
    for key, entry in one.items():
        what = found[key](report["others"]) if key in found else ""
        if key == "ferry-scan" and "scan" in correctness:
            c = correctness["scan"]
            what = "{} findings = planted: {}; {} files scanned".format(
                c["found"], "yes" if not c["missing"] and not c["unexpected"] else "NO", c["files_scanned"])
        if key == "ferry-no-prefilter" and "scan --no-prefilter" in correctness:
            c = correctness["scan --no-prefilter"]
            what = "same findings: {}; {} files it cannot parse".format(
                "yes" if not c["missing"] and not c["unexpected"] else "NO", c["errors"])
        if key == "ferry-fix" and "fix" in correctness:
            c = correctness["fix"]
            what = "{} files changed, all planted: {}".format(
                c["files_changed"], "yes" if not c["changed_outside_planted"] else "NO")
        add("| {} `{}` | {} | {} | {} | {} |".format(
            entry["label"], entry["command"], fmt_time(entry["median"]),
            "{:.2f}×".format(entry["median"] / scan) if scan else "", fmt_mib(entry["peak_rss"]), what))
    if one:
        add("")
    if report.get("packs", {}).get("rows"):
        pack_markdown(report["packs"], add)
    add("| target | measured | met |")
    add("|---|---|---|")
    for name, value, met in targets(report):
        add("| {} | {} | {} |".format(name, value, "—" if met is None else ("yes" if met else "**no**")))
    add("")
    sizes = sorted(report["scales"], key=int)
    if len(sizes) > 1:
        keys = [k for k in report["scales"][sizes[0]]]
        add("| size | " + " | ".join(report["scales"][sizes[0]][k]["label"] for k in keys) + " |")
        add("|---|" + "---|" * len(keys))
        for size in sizes:
            entries = report["scales"][size]
            add("| {}× | ".format(size) + " | ".join(
                "{} · {}".format(fmt_time(entries[k]["median"]), fmt_mib(entries[k]["peak_rss"]))
                if k in entries else "" for k in keys) + " |")
        add("")
    return "\n".join(lines)


def pack_markdown(packs, add):
    add("**Packs as data:** `{}`: {:,} files, {:,} of them planted websockets modules ({:.0%}; {:,} planted "
        "findings); generated pack `{}` ({} rules, {} of them on names the planted modules use; {:,} bytes)."
        .format(packs["tree"], packs["files"], packs["planted_files"], packs["planted_files"] / packs["files"],
                packs["planted_findings"], packs["pack"], packs["rules"], packs["real_rules"], packs["pack_bytes"]))
    add("")
    rows = packs["rows"]
    add("| command (ws-heavy tree) | median | × its one-rule run | CPU (user + sys) | CPU × its one-rule run "
        "| peak RSS |")
    add("|---|---|---|---|---|---|")
    for key, entry in rows.items():
        base = {"builtin": "builtin-one", "generated": "generated-one", "ruff": "builtin"}.get(key)
        ratio = cpu_ratio = ""
        if base in rows:
            suffix = " `ferry scan`" if key == "ruff" else ""
            ratio = "{:.2f}×{}".format(entry["median"] / rows[base]["median"], suffix)
            if entry.get("cpu") and rows[base].get("cpu"):
                cpu_ratio = "{:.2f}×{}".format(entry["cpu"] / rows[base]["cpu"], suffix)
        add("| {} `{}` | {} | {} | {} | {} | {} |".format(
            entry["label"], entry["command"], fmt_time(entry["median"]), ratio,
            fmt_time(entry["cpu"]) if entry.get("cpu") else "", cpu_ratio,
            fmt_mib(entry["peak_rss"]) if entry["peak_rss"] else ""))
    add("")
    load = packs.get("load", {})
    if load:
        add("| load (`hyperfine -N`) | median | min | runs |")
        add("|---|---|---|---|")
        for key, entry in load.items():
            add("| {} `{}` | {:.2f} ms | {:.2f} ms | {} |".format(
                entry["label"], entry["command"], entry["median"] * 1000, min(entry["times"]) * 1000,
                len(entry["times"])))
        add("")


# ---------------------------------------------------------------- main --

def main():
    parser = argparse.ArgumentParser(description="Ferry's performance benchmark (see BENCHMARKS.md).")
    parser.add_argument("--quick", action="store_true",
                        help="a small corpus (part of the standard library), one run each: keeps the script working")
    parser.add_argument("--ferry", help="the ferry binary to measure (default: a release build of this tree)")
    parser.add_argument("--rounds", type=int, help="rounds over all tools (default 3; quick 1)")
    parser.add_argument("--runs", type=int, help="runs per round of each fast tool (default 5; quick 1)")
    parser.add_argument("--slow-runs", type=int, help="runs per round of the slow commands: ast-grep, the Python script, "
                             "ferry scan --no-prefilter (default 1)")
    parser.add_argument("--scales", help="corpus sizes, as copies (default 1,2,4; quick 1,2)")
    parser.add_argument("--planted", type=int, help="planted files (default 300; quick 40)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["sides", "packs"],
                        help="only the side-by-side rows (sides) or only the pack rows (packs); default both")
    parser.add_argument("--pack-rules", type=int, help="rules in the generated pack (default 1000; quick 200)")
    parser.add_argument("--ws-share", type=float, default=0.1,
                        help="share of the websocket-heavy tree's files that use websockets (default 0.1)")
    parser.add_argument("--load-runs", type=int,
                        help="runs per round of each load row, a few ms each (default 20; quick 1)")
    parser.add_argument("--out", help="where the corpus and results go (default target/bench[/quick])")
    parser.add_argument("--no-install", action="store_true", help="install nothing; measure what is there")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpus even if it is up to date")
    args = parser.parse_args()
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.runs = args.runs or (1 if args.quick else 5)
    args.slow_runs = args.slow_runs or 1
    args.planted = args.planted or (40 if args.quick else 300)
    args.scales = args.scales or ("1,2" if args.quick else "1,2,4")
    args.pack_rules = args.pack_rules or (200 if args.quick else 1000)
    args.load_runs = args.load_runs or (1 if args.quick else 20)
    if not 0 < args.ws_share < 1:
        parser.error("--ws-share must be between 0 and 1")
    scales = sorted({int(s) for s in args.scales.split(",")})
    if 1 not in scales:
        scales.insert(0, 1)
    out = Path(args.out) if args.out else REPO / "target/bench" / ("quick" if args.quick else "")
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    scratch = out / "scratch"
    scratch.mkdir(exist_ok=True)

    started = time.time()
    load_before = load()
    tools = setup_tools(args)
    sources, expected = build_corpus(args, out)
    corpus = out / "corpus"
    fixable = fixable_files(tools, corpus)
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(), "load_before": load_before,
        "command": "scripts/bench " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        "args": vars(args), "versions": tools.versions,
        "timer": "hyperfine" if tools.hyperfine else "the script's own timer (hyperfine not installed)",
        "sources": sources, "planted_findings": len(expected["findings"]),
        "correctness": {}, "others": {}, "scales": {}, "packs": {},
    }
    timer = Timer(tools.hyperfine, scratch)
    ok = True
    for n in (scales if args.only != "packs" else []):
        scaled = build_scaled(out, corpus, n)
        restore_path = restore_list(out, corpus, scaled, n, expected, fixable)
        if n == 1:
            ok = check_ferry(tools, out, scaled, expected, report) and ok
            ok = check_fix(tools, out, scaled, expected, restore_path, report) and ok
            check_others(tools, out, scaled, expected, report)
            keys = None
        else:
            keys = {"rg", "ferry-scan", "ferry-scan-json", "ferry-no-prefilter", "ferry-fix",
                    "ferry-fix-allow-dirty"}
        report["scales"][str(n)] = measure(tools, timer, out, scaled.name, restore_path, args, keys)
    if args.only != "sides":
        ok = measure_packs(tools, timer, out, args, report) and ok
    report["load_after"] = load()
    report["warnings"] = WARNINGS
    report["seconds"] = round(time.time() - started)
    report["ok"] = ok

    results = out / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = markdown(report)
    (results / "{}.json".format(stamp)).write_text(json.dumps(report, indent=1, default=str))
    (results / "{}.md".format(stamp)).write_text(text + "\n")
    shutil.copyfile(results / "{}.md".format(stamp), results / "latest.md")
    print(text)
    print("\nbench: results in {} ({} s)".format(results, report["seconds"]))
    if args.quick:
        print("bench: quick mode: timings of a small corpus and one run, not comparable with the full table")
    if ok and args.only == "packs":
        print("bench: correctness: ok (on the websocket-heavy tree, Ferry's findings are exactly the planted "
              "ones with and without the generated pack, whose findings are the expected ones)")
        return 0
    if ok:
        print("bench: correctness: ok (Ferry's findings are exactly the planted ones; its fixes stay in "
              "planted files and compile)")
        return 0
    print("bench: correctness: FAILED (see above)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
