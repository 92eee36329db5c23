#!/usr/bin/env python3
"""Plant legacy websockets code into a Python tree, with the exact findings it must give.

    bench/plant.py ROOT --files N --seed S --expected OUT.json

Writes N new modules into folders of ROOT that already hold Python files
(chosen with the seed), each made of ordinary filler code and one or more
cases: a use of the legacy API that breaks on websockets 15 (every way a
name can reach `websockets.connect`/`serve`: plain, aliased and submodule
imports, `from` imports, assignments, `functools.partial`, local and
fallback imports, `global`, classes, comprehensions), or a trap that must
not be reported (the legacy client, which keeps `extra_headers`; a
parameter or local that shadows the import; other libraries' `connect`
and `timeout=`; the project's own `extra_headers` parameter; the words in
comments, strings and docstrings). A few files use CRLF line endings, a
UTF-8 BOM or a latin-1 coding cookie.

Where a case must give a finding, its template carries `«CODE»` just before
the place the finding starts (1-based line, and column in characters, as
`ferry scan --format json` reports them). The markers are removed when the
file is written and their positions go to OUT.json, so the expectation
comes from the template, never from running Ferry. The same seed and the
same ROOT give the same bytes.
"""

import argparse
import json
import os
import random
import re
import string
import sys
from dataclasses import dataclass, field

MARKER = re.compile(r"«(WS\d{3})»")


@dataclass
class Case:
    """One planted use. `imports` are module-level blocks shared across
    cases (deduplicated); `body` is module-level code. `$name` placeholders
    take a fresh identifier per use, picked from `names` (or numbered)."""

    name: str
    imports: list
    body: str
    names: dict = field(default_factory=dict)
    # Alone in its file: its rule reports once per file, or it changes what
    # other names resolve to (star imports, module-level code).
    solo: bool = False


# Pools of names people use; a suffix keeps them unique within a file.
MODULE_ALIASES = ["ws", "wsl", "websockets_lib", "wsock"]
CONNECT_ALIASES = ["ws_connect", "wsconnect", "open_ws", "dial", "connect_ws"]
CONN_NAMES = ["conn", "connection", "client", "sock", "peer"]

CASES = [
    # ---- breaking uses, through every way a name reaches the new client ----
    Case("plain-import", ["import websockets"], '''
async def $fn(uri, token):
    headers = {"Authorization": "Bearer " + token}
    async with websockets.connect(uri, «WS001»extra_headers=headers) as $conn:
        return await $conn.recv()
''', {"conn": CONN_NAMES}),
    Case("module-alias", ["import websockets as $ws"], '''
async def $fn(uri, headers):
    async with $ws.connect(uri, «WS001»extra_headers=headers, «WS002»timeout=10) as $conn:
        await $conn.send("ping")
''', {"ws": MODULE_ALIASES, "conn": CONN_NAMES}),
    Case("from-import", ["from websockets import connect"], '''
async def $fn(uri, headers):
    $conn = await connect(
        uri,
        «WS001»extra_headers=headers,
        ping_interval=None,
    )
    try:
        await $conn.send("hello")
    finally:
        await $conn.close()
''', {"conn": CONN_NAMES}),
    Case("from-import-alias", ["from websockets import connect as $c"], '''
async def $fn(uri, user, password):
    auth = {"X-User": user, "X-Password": password}
    return await $c(uri, «WS001»extra_headers=auth, open_timeout=5)
''', {"c": CONNECT_ALIASES}),
    Case("new-module-from-import", ["from websockets.asyncio.client import connect as $c"], '''
async def $fn(uri, headers):
    async with $c(uri, «WS001»extra_headers=headers, «WS003»read_limit=2 ** 16) as $conn:
        async for message in $conn:
            print(message)
''', {"c": CONNECT_ALIASES, "conn": CONN_NAMES}),
    Case("new-module-alias", ["import websockets.asyncio.client as $m"], '''
async def $fn(uri, headers):
    return await $m.connect(uri, «WS001»extra_headers=headers)
''', {"m": ["ws_client", "wsc", "client_mod"]}),
    Case("new-module-dotted", ["import websockets.asyncio.client"], '''
async def $fn(uri, headers):
    return await websockets.asyncio.client.connect(uri, «WS001»extra_headers=headers)
'''),
    Case("assignment-alias", ["import websockets"], '''
$c = websockets.connect


async def $fn(uri, headers):
    return await $c(uri, «WS001»extra_headers=headers)
''', {"c": CONNECT_ALIASES}),
    Case("partial", ["import functools", "import websockets"], '''
def $fn(headers):
    return functools.partial(websockets.connect, «WS001»extra_headers=headers)
'''),
    Case("sync-client", ["from websockets.sync.client import connect as $c"], '''
def $fn(uri, headers):
    with $c(uri, «WS001»extra_headers=headers) as $conn:
        return $conn.recv()
''', {"c": ["sync_connect", "connect_sync", "ws_sync"], "conn": CONN_NAMES}),
    Case("unix-connect", ["import websockets"], '''
async def $fn(socket_path, headers):
    return await websockets.unix_connect(socket_path, «WS001»extra_headers=headers)
'''),
    Case("class-method", ["import websockets"], '''
class $Cls:
    """Keeps one connection to the feed."""

    def __init__(self, uri, headers):
        self.uri = uri
        self.headers = headers

    async def start(self):
        return await websockets.connect(self.uri, «WS001»extra_headers=self.headers, «WS003»loop=None)
'''),
    Case("comprehension", ["import websockets"], '''
def $fn(uris, headers):
    return [websockets.connect(u, «WS001»extra_headers=headers) for u in uris]
'''),
    Case("lambda", ["import websockets"], '''
$fn = lambda uri, headers: websockets.connect(uri, «WS001»extra_headers=headers)
'''),
    Case("nested-function", ["from websockets import connect"], '''
def $fn(headers):
    async def inner(uri):
        return await connect(uri, «WS001»extra_headers=headers)

    return inner
'''),
    Case("local-import", [], '''
async def $fn(uri, headers):
    from websockets import connect as _connect

    return await _connect(uri, «WS001»extra_headers=headers)
'''),
    Case("import-fallback", ['''try:
    from websockets.asyncio.client import connect as $c
except ImportError:
    from websockets import connect as $c'''], '''
async def $fn(uri, headers):
    return await $c(uri, «WS001»extra_headers=headers)
''', {"c": CONNECT_ALIASES}),
    Case("global", ["import websockets"], '''
$g = None


def $fn(uri, headers):
    global $g
    $g = websockets.connect(uri, «WS001»extra_headers=headers)
    return $g
''', {"g": ["_pending", "_connector", "_current"]}),
    Case("non-ascii-column", ["import websockets"], '''
async def $fn(headers):
    return await websockets.connect("wss://café.example/ünï", «WS001»extra_headers=headers)
'''),
    Case("timeout", ["import websockets"], '''
async def $fn(uri):
    async with websockets.connect(uri, «WS002»timeout=5, max_size=2 ** 20) as $conn:
        return await $conn.recv()
''', {"conn": CONN_NAMES}),
    Case("kwargs-dict", ["import websockets"], '''
async def $fn(uri, token):
    options = {«WS040»"extra_headers": {"Authorization": token}, "ping_interval": 20}
    return await websockets.connect(uri, **options)
'''),
    Case("reconnect-loop", ["import websockets"], '''
async def $fn(uri):
    async for $conn in «WS006»websockets.connect(uri):
        await $conn.send("subscribe")
''', {"conn": CONN_NAMES}),
    Case("connection-attributes", ["import websockets"], '''
async def $fn(uri):
    async with websockets.connect(uri) as $conn:
        while $conn.«WS020»open:
            print($conn.«WS020»response_headers.get("Server"))
            await $conn.recv()
''', {"conn": CONN_NAMES}),
    Case("serve-extra-headers", ["import websockets"], '''
async def $fn(handler):
    async with websockets.serve(handler, "localhost", 8765, «WS010»extra_headers={"Server": "feed"}):
        await asyncio.Future()
'''),
    Case("serve-ws-handler", ["from websockets.asyncio.server import serve as $s"], '''
async def $fn(handler, port):
    async with $s(«WS011»ws_handler=handler, host="localhost", port=port) as server:
        await server.serve_forever()
''', {"s": ["serve", "ws_serve", "start_server"]}),
    Case("handler-path", ["import websockets"], '''
async def $handler(websocket, «WS012»path):
    await websocket.send(path)


async def $fn(port):
    async with websockets.serve($handler, "localhost", port) as server:
        await server.serve_forever()
'''),
    Case("handler-attributes", ["import websockets"], '''
async def $handler(websocket):
    token = websocket.«WS020»request_headers["Authorization"]
    await websocket.send(token)


async def $fn(port):
    async with websockets.serve($handler, "localhost", port):
        await asyncio.Future()
'''),
    Case("broadcast", ["from websockets.asyncio.server import broadcast"], '''
def $fn(clients, text):
    broadcast(«WS016»websockets=clients, message=text)
'''),
    Case("server-connections", ["import websockets"], '''
async def $fn(handler):
    async with websockets.serve(handler, "localhost", 8765) as server:
        return len(server.«WS022»websockets)
'''),
    Case("closed-code", ["import websockets"], '''
async def $fn(uri):
    try:
        async with websockets.connect(uri) as $conn:
            await $conn.recv()
    except websockets.ConnectionClosed as exc:
        return exc.«WS033»code, exc.«WS033»reason
''', {"conn": CONN_NAMES}),
    Case("protocol-error-alias", ["import websockets"], '''
def $fn(frame):
    if not frame:
        raise «WS032»websockets.exceptions.WebSocketProtocolError("empty frame")
'''),
    Case("removed-alias", ["import websockets"], '''
def $fn():
    return «WS051»websockets.http.Headers()
'''),
    Case("version-check", ["import websockets"], '''
def $fn():
    return «WS060»websockets.__version__ >= "14"
'''),
    Case("type-error-fallback", ["import websockets"], '''
def $fn(uri, headers):
    try:
        return websockets.connect(uri, «WS001»extra_headers=headers)
    except «WS061»TypeError:
        return websockets.connect(uri, additional_headers=headers)
'''),
    # ---- rules that report once per file, or change the whole module ----
    Case("invalid-status-code", ["import websockets", "from websockets.exceptions import «WS030»InvalidStatusCode"], '''
async def $fn(uri):
    try:
        async with websockets.connect(uri) as $conn:
            return await $conn.recv()
    except InvalidStatusCode as exc:
        return exc.status_code
''', {"conn": CONN_NAMES}, solo=True),
    Case("star-import", ["from websockets import *"], '''
async def $fn(uri):
    $conn: «WS050»WebSocketClientProtocol = await connect(uri)
    return $conn
''', {"conn": CONN_NAMES}, solo=True),
    Case("serve-at-module-level", ["import asyncio", "import websockets"], '''
async def $handler(websocket):
    await websocket.send("hello")


start_server = «WS015»websockets.serve($handler, "localhost", 8765)
asyncio.get_event_loop().run_until_complete(start_server)
''', solo=True),
    # ---- traps: nothing to report ----
    Case("trap-legacy-dotted", ["import websockets.legacy.client"], '''
async def $fn(uri, headers):
    # The legacy client keeps `extra_headers` (still shipped in 15.0).
    return await websockets.legacy.client.connect(uri, extra_headers=headers, timeout=5)
'''),
    Case("trap-legacy-from", ["from websockets.legacy.client import connect as $c"], '''
async def $fn(uri, headers):
    async with $c(uri, extra_headers=headers, read_limit=2 ** 16) as $conn:
        return $conn.open
''', {"c": ["legacy_connect", "old_connect"], "conn": CONN_NAMES}),
    Case("trap-client-module", ["from websockets import client as $m"], '''
async def $fn(uri, headers):
    return await $m.connect(uri, extra_headers=headers)
''', {"m": ["ws_legacy_client", "wsclient"]}),
    Case("trap-client-dotted", ["import websockets.client"], '''
async def $fn(uri, headers):
    return await websockets.client.connect(uri, extra_headers=headers)
'''),
    Case("trap-legacy-server", ["import websockets.legacy.server"], '''
async def $handler(websocket, path):
    await websocket.send(path)


async def $fn():
    async with websockets.legacy.server.serve($handler, "localhost", 8765, extra_headers={"Server": "x"}):
        await asyncio.Future()
'''),
    Case("trap-shadow-parameter", [], '''
def $fn(websockets, uri, headers):
    """`websockets` here is whatever the caller passes."""
    return websockets.connect(uri, extra_headers=headers)
'''),
    Case("trap-shadow-local", ["from websockets import connect"], '''
def $fn(factory, uri, headers):
    connect = factory.connector()
    return connect(uri, extra_headers=headers, timeout=3)
'''),
    Case("trap-other-libraries", ["import sqlite3", "import http.client"], '''
def $fn(path, host):
    db = sqlite3.connect(path, timeout=5)
    conn = http.client.HTTPConnection(host, timeout=5)
    return db, conn
'''),
    Case("trap-own-parameter", [], '''
def $fn(url, extra_headers=None, timeout=None):
    """Send a request with optional `extra_headers`."""
    headers = dict(extra_headers or {})
    return url, headers, timeout


def $caller(url):
    return $fn(url, extra_headers={"Accept": "text/plain"}, timeout=3)
'''),
    Case("trap-mentions", ["import websockets"], '''
def $fn(uri, headers):
    """Open a feed.

    Older releases were called as websockets.connect(uri, extra_headers=headers).
    """
    # websockets.connect(uri, extra_headers=headers)
    hint = "pass extra_headers to websockets.connect before 14.0"
    return websockets.connect(uri, additional_headers=headers, close_timeout=5), hint
'''),
    Case("trap-feature-detection", ["import inspect", "import websockets"], '''
def $fn():
    return "extra_headers" in inspect.signature(websockets.connect).parameters
'''),
    Case("trap-file-closed", [], '''
def $fn(path):
    handle = open(path)
    handle.close()
    return handle.closed
'''),
]

FILLER_FUNCTION = '''
def $name(items, scale=$scale):
    """Scale and sum the items above $threshold."""
    total = 0
    for item in items:
        if item > $threshold:
            total += item * scale
    return total
'''

FILLER_CLASS = '''
class $name:
    """A record with a few fields."""

    def __init__(self, first, second=None):
        self.first = first
        self.second = second

    def as_tuple(self):
        return (self.first, self.second)
'''

WORDS = ["feed", "ticker", "chat", "relay", "stream", "bridge", "events", "notify", "live", "sync"]


class Names:
    """Fresh identifiers for one file."""

    def __init__(self, rng):
        self.rng = rng
        self.taken = set()
        self.counter = 0

    def fresh(self, pool=None, prefix="fn"):
        if pool:
            base = self.rng.choice(pool)
        else:
            self.counter += 1
            base = "{}_{}_{}".format(prefix, self.rng.choice(WORDS), self.counter)
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = "{}_{}".format(base, n)
        self.taken.add(name)
        return name


def instantiate(case, names):
    """The case's imports and body with every placeholder filled."""
    mapping = {}
    text = "\n".join(case.imports) + "\n" + case.body
    for placeholder in sorted(set(re.findall(r"\$([A-Za-z_]+)", text))):
        if placeholder == "Cls":
            mapping[placeholder] = names.fresh(prefix="Client").title().replace("_", "")
        else:
            mapping[placeholder] = names.fresh(case.names.get(placeholder), prefix=placeholder)
    imports = [string.Template(block).substitute(mapping) for block in case.imports]
    body = string.Template(case.body).substitute(mapping)
    return imports, body


def filler(rng, names):
    if rng.random() < 0.6:
        return string.Template(FILLER_FUNCTION).substitute(
            name=names.fresh(prefix="helper"), scale=rng.randint(1, 9), threshold=rng.randint(0, 99))
    return string.Template(FILLER_CLASS).substitute(name=names.fresh(prefix="Record").title().replace("_", ""))


def module_text(rng, cases, index):
    """The text of one planted module, markers still in."""
    names = Names(rng)
    imports, bodies = [], []
    for case in cases:
        case_imports, body = instantiate(case, names)
        for block in case_imports:
            if block not in imports:
                imports.append(block)
        bodies.append(body)
    # Module-level code that uses asyncio needs it imported.
    if any("asyncio." in body for body in bodies) and "import asyncio" not in imports:
        imports.insert(0, "import asyncio")
    parts = ['"""Planted module {} for the Ferry benchmark ({})."""\n\n'.format(
        index, ", ".join(case.name for case in cases))]
    parts.append("\n".join(imports) + "\n" if imports else "")
    for body in bodies:
        for _ in range(rng.randint(0, 2)):
            parts.append("\n" + filler(rng, names))
        parts.append("\n" + body)
    parts.append("\n" + filler(rng, names))
    return "".join(parts)


def strip_markers(text):
    """The text without markers, and (code, line, column) of each marker."""
    expected, lines = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        while True:
            match = MARKER.search(line)
            if not match:
                break
            expected.append((match.group(1), number, match.start() + 1))
            line = line[: match.start()] + line[match.end():]
        lines.append(line)
    return "\n".join(lines), expected


def python_folders(root):
    """Folders under ROOT that hold at least one .py file, sorted."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        if any(name.endswith(".py") for name in files):
            found.append(os.path.relpath(folder, root))
    return sorted(found)


def choose_cases(rng, index, normal, solo):
    """Cases of file `index`: the first files go through every case in order,
    so even a small run plants each; after that, a random mix."""
    if index < len(solo):
        return [solo[index]]
    cursor = index - len(solo)
    per_file = 3
    if cursor * per_file < len(normal):
        return normal[cursor * per_file: cursor * per_file + per_file]
    if rng.random() < 0.15:
        return [rng.choice(solo)]
    return rng.sample(normal, rng.randint(1, 4))


def plant(root, files, seed):
    rng = random.Random(seed)
    folders = python_folders(root)
    if not folders:
        sys.exit("plant.py: no folder with Python files under {}".format(root))
    normal = [c for c in CASES if not c.solo]
    solo = [c for c in CASES if c.solo]
    planted, findings = [], []
    for index in range(files):
        cases = choose_cases(rng, index, normal, solo)
        text, expected = strip_markers(module_text(rng, cases, index))
        folder = rng.choice(folders)
        rel = os.path.normpath(os.path.join(folder, "ws_planted_{:04d}_{}.py".format(index, rng.choice(WORDS))))
        style = rng.random()
        if style < 0.05:
            data = text.replace("\n", "\r\n").encode("utf-8")
        elif style < 0.08:
            data = b"\xef\xbb\xbf" + text.encode("utf-8")
        elif style < 0.11 and not any(line == 1 for _, line, _ in expected):
            # A coding cookie on the first line pushes everything down one line.
            text = "# -*- coding: latin-1 -*-\n" + text.replace("Planted module", "Planted módule", 1)
            expected = [(code, line + 1, column) for code, line, column in expected]
            data = text.encode("latin-1")
        else:
            data = text.encode("utf-8")
        path = os.path.join(root, rel)
        if os.path.exists(path):
            sys.exit("plant.py: {} exists already".format(path))
        with open(path, "wb") as f:
            f.write(data)
        planted.append(rel)
        findings.extend({"path": rel, "code": code, "line": line, "column": column}
                        for code, line, column in expected)
    findings.sort(key=lambda f: (f["path"], f["line"], f["column"], f["code"]))
    return {"seed": seed, "files": sorted(planted), "findings": findings,
            "cases": sorted(c.name for c in CASES)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--expected", required=True, help="where to write the expected findings (JSON)")
    args = parser.parse_args()
    result = plant(args.root, args.files, args.seed)
    with open(args.expected, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("plant.py: {} files, {} expected findings under {}".format(
        len(result["files"]), len(result["findings"]), args.root))


if __name__ == "__main__":
    main()
