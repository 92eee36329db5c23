"""Ferry's batch byte-compiler (run by `ferry verify` and `ferry fix --verify`).

Reads NUL-separated pairs from stdin: a file's path, then the name to show for
it in messages. Compiles each with py_compile into a scratch folder (so no
bytecode is written beside the project's files) and writes one JSON list to
stdout, in input order: null for a file that compiles, else
{"kind": ..., "line": ..., "message": ...} with Python's own message. Nothing
is executed. Runs on Python 3.8 and newer.
"""

import json
import os
import py_compile
import sys
import tempfile


def compile_one(path, shown, scratch, index):
    try:
        py_compile.compile(
            path,
            cfile=os.path.join(scratch, "%d.pyc" % index),
            dfile=shown,
            doraise=True,
        )
    except py_compile.PyCompileError as error:
        cause = error.exc_value
        line = getattr(cause, "lineno", None) if isinstance(cause, SyntaxError) else None
        return {"kind": error.exc_type_name, "line": line, "message": error.msg.strip()}
    except OSError as error:
        return {
            "kind": type(error).__name__,
            "line": None,
            "message": "cannot read %s: %s" % (shown, error.strerror or error),
        }
    return None


def main():
    out = sys.stdout
    sys.stdout = sys.stderr
    fields = sys.stdin.buffer.read().split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    pairs = [(os.fsdecode(fields[i]), os.fsdecode(fields[i + 1])) for i in range(0, len(fields) - 1, 2)]
    with tempfile.TemporaryDirectory() as scratch:
        results = [compile_one(path, shown, scratch, i) for i, (path, shown) in enumerate(pairs)]
    out.write(json.dumps(results))
    out.write("\n")


main()
