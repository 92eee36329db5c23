#!/usr/bin/env python3
"""Find `websockets.connect(..., extra_headers=...)`: the script a user writes in an afternoon.

    python3 bench/ast_baseline.py ROOT...

Parses every `.py` file under the roots with the standard library's `ast`, on
all cores (`multiprocessing`), skips hidden folders, learns the module-level spellings of the
client from `import websockets [as x]` and `from websockets import connect
[as y]`, and prints `path:line:column` of every `extra_headers=` keyword in a
call through one of them. It is the baseline of the Ferry benchmark: no
scopes, no shadowing, no legacy-client paths, no prefilter. A summary goes
to stderr.
"""

import ast
import os
import sys
from multiprocessing import Pool


def python_files(roots):
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                if name.endswith(".py"):
                    yield os.path.join(folder, name)


def check(path):
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), path)
    except (SyntaxError, ValueError):
        return path, None
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "websockets":
                    modules.add(alias.asname or "websockets")
        elif isinstance(node, ast.ImportFrom) and node.module == "websockets":
            for alias in node.names:
                if alias.name == "connect":
                    functions.add(alias.asname or "connect")
    hits = []
    if not (modules or functions):
        return path, hits
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        through_module = (
            isinstance(func, ast.Attribute)
            and func.attr == "connect"
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        )
        through_name = isinstance(func, ast.Name) and func.id in functions
        if through_module or through_name:
            for keyword in node.keywords:
                if keyword.arg == "extra_headers":
                    hits.append((keyword.lineno, keyword.col_offset + 1))
    return path, hits


def main():
    roots = sys.argv[1:] or ["."]
    files = errors = found = 0
    with Pool(os.cpu_count()) as pool:
        for path, hits in pool.imap_unordered(check, python_files(roots), chunksize=32):
            files += 1
            if hits is None:
                errors += 1
                continue
            for line, column in hits:
                found += 1
                print("{}:{}:{}".format(path, line, column))
    print("{} files, {} not parsed, {} hits".format(files, errors, found), file=sys.stderr)


if __name__ == "__main__":
    main()
