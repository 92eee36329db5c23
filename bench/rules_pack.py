#!/usr/bin/env python3
"""A generated data pack of many rules, for the benchmark's pack rows.

    bench/rules_pack.py OUT.toml --rules 1000 --seed 1

`bench/run.py` writes it under target/bench/ (the same seed and count give
the same bytes). The pack is about `websockets-extra`, a library of its own
whose package is `websockets` (so it runs beside the built-in websockets
pack, with its own name and the prefix `WEX`, which `--select WS` does not
take), and has two sorts of rules:

- `REAL_RULES`: a handful on names and keywords the planted modules of
  bench/plant.py use (`ping_interval=`, `open_timeout=`, `max_size=` and
  `close_timeout=` of `connect`, `host=` of the new `serve`,
  `websockets.ConnectionClosed`, `broadcast`, `unix_connect`), so the word
  gate lets them run and they report. The facts are invented: this pack
  measures the engine, it is not a migration.
- the rest, on names of an invented library under `websockets.`
  (submodules, functions, classes and keywords made of made-up syllables),
  spread over every kind: the corpus never spells them, so the word gate
  must keep them from running.
"""

import argparse
import random

NAME = "websockets-extra-bench"
PREFIX = "WEX"
LIBRARY = "websockets-extra"

# (name, kind, fields) of the rules on names the planted modules use. The
# renames leave `**` dicts alone (keyword-dicts = false), so their findings
# are exactly the `keyword=` a text search finds.
REAL_RULES = [
    ("PingIntervalRenamed", "rename-keyword",
     {"callables": ["websockets.connect", "websockets.asyncio.client.connect"],
      "old": "ping_interval", "new": "heartbeat_interval", "keyword-dicts": False}),
    ("OpenTimeoutRenamed", "rename-keyword",
     {"callables": ["websockets.connect", "websockets.asyncio.client.connect"],
      "old": "open_timeout", "new": "handshake_timeout", "keyword-dicts": False}),
    ("MaxSizeRenamed", "rename-keyword",
     {"callables": ["websockets.connect"], "old": "max_size", "new": "max_message_size", "keyword-dicts": False}),
    ("CloseTimeoutRemoved", "remove-keyword",
     {"callables": ["websockets.connect"], "keyword": "close_timeout"}),
    ("ServeHostFlagged", "flag",
     {"callables": ["websockets.asyncio.server.serve"], "keyword": "host",
      "message": "`host=` of `{callee}` is flagged by the benchmark pack"}),
    ("ConnectionClosedMoved", "move-name",
     {"old": "websockets.ConnectionClosed", "new": "websockets.exceptions.ConnectionClosed"}),
    ("BroadcastMoved", "move-name",
     {"old": "websockets.asyncio.server.broadcast", "new": "websockets.asyncio.broadcasting.broadcast"}),
    ("UnixConnectFlagged", "flag",
     {"names": ["websockets.unix_connect"],
      "message": "`websockets.unix_connect` is flagged by the benchmark pack"}),
]

# Every kind, for the invented rules, with its share.
FAKE_KINDS = [("rename-keyword", 0.35), ("remove-keyword", 0.15), ("move-name", 0.2),
              ("flag-names", 0.15), ("flag-keyword", 0.15)]

CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"


class Words:
    """Made-up identifiers, distinct within the pack."""

    def __init__(self, rng):
        self.rng = rng
        self.taken = set()

    def syllables(self, n):
        return "".join(self.rng.choice(CONSONANTS) + self.rng.choice(VOWELS) for _ in range(n))

    def fresh(self, make):
        while True:
            word = make()
            if word not in self.taken:
                self.taken.add(word)
                return word

    def keyword(self):
        return self.fresh(lambda: "{}_{}".format(self.syllables(3), self.syllables(2)))

    def function(self):
        return self.fresh(lambda: "{}_{}".format(self.syllables(2), self.syllables(3)))

    def cls(self):
        return self.fresh(lambda: self.syllables(3).capitalize() + self.syllables(2).capitalize())


def toml_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return toml_string(value)


def fake_rule(rng, words, modules):
    """(name, kind, fields) of one rule on invented names."""
    kind = rng.choices([k for k, _ in FAKE_KINDS], [w for _, w in FAKE_KINDS])[0]
    module = rng.choice(modules)
    callables = ["{}.{}".format(module, words.function()) for _ in range(rng.randint(1, 3))]
    if kind == "rename-keyword":
        old = words.keyword()
        return ("Rename" + old.title().replace("_", ""), kind,
                {"callables": callables, "old": old, "new": words.keyword()})
    if kind == "remove-keyword":
        keyword = words.keyword()
        return ("Remove" + keyword.title().replace("_", ""), kind,
                {"callables": callables, "keyword": keyword})
    if kind == "flag-keyword":
        keyword = words.keyword()
        return ("Flag" + keyword.title().replace("_", ""), "flag",
                {"callables": callables, "keyword": keyword,
                 "message": "`{keyword}=` of `{callee}` is gone"})
    if kind == "move-name":
        cls = words.cls()
        return ("Move" + cls, kind,
                {"old": "{}.{}".format(module, cls),
                 "new": "{}.{}".format(rng.choice([m for m in modules if m != module]), cls)})
    names = ["{}.{}".format(module, words.cls()) for _ in range(rng.randint(1, 2))]
    return ("Flag" + names[0].rsplit(".", 1)[1], "flag",
            {"names": names, "message": "`{}` is gone".format(names[0])})


def pack_text(rules, seed):
    """The pack's TOML: the real rules first, then invented ones up to `rules`."""
    rng = random.Random(seed)
    words = Words(rng)
    modules = ["websockets." + words.fresh(lambda: words.syllables(3)) for _ in range(40)]
    entries = list(REAL_RULES[:rules])
    while len(entries) < rules:
        entries.append(fake_rule(rng, words, modules))
    out = [
        "# Generated by bench/rules_pack.py (seed {}): {} rules, {} on names the planted".format(
            seed, len(entries), min(rules, len(REAL_RULES))),
        "# modules use, the rest on an invented library. Not a migration: a load for the engine.",
        "name = {}".format(toml_string(NAME)),
        'summary = "Benchmark pack: {} generated rules"'.format(len(entries)),
        "prefix = {}".format(toml_string(PREFIX)),
        "",
        "[library]",
        "name = {}".format(toml_string(LIBRARY)),
        'packages = ["websockets"]',
        'breaking = "1.0"',
    ]
    for number, (name, kind, fields) in enumerate(entries, start=1):
        out += ["", "[[rules]]",
                "code = {}".format(toml_string("{}{:04d}".format(PREFIX, number))),
                "name = {}".format(toml_string(name)),
                "kind = {}".format(toml_string(kind)),
                "summary = {}".format(toml_string("Generated rule {} ({}).".format(number, kind)))]
        for key, value in fields.items():
            out.append("{} = {}".format(key, toml_value(value)))
    return "\n".join(out) + "\n"


def real_codes(rules):
    """The codes of the rules on names the planted modules use."""
    return ["{}{:04d}".format(PREFIX, n) for n in range(1, min(rules, len(REAL_RULES)) + 1)]


def empty_pack_text():
    """A pack with no rules, for the load rows' baseline (reading a pack file)."""
    return "\n".join([
        'name = "empty-bench"',
        'summary = "Benchmark pack with no rules"',
        'prefix = "EMB"',
        "",
        "[library]",
        'name = "websockets-empty"',
        'packages = ["websockets"]',
        'breaking = "1.0"',
    ]) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with open(args.out, "w") as f:
        f.write(pack_text(args.rules, args.seed))


if __name__ == "__main__":
    main()
