"""Ferry's probe of the installed library (run by `ferry doctor`).

Reads a JSON request from argv[1]: {"library": NAME, "functions": [DOTTED, ...],
"versions_of": [DISTRIBUTION, ...]}. Writes one JSON document to stdout: the
installed version of each distribution, and for each function what it resolves
to (module, qualified name, class or function), the warnings its import gave,
and the parameters of its signature. It imports the library only, never a
module of the project. Runs on Python 3.8 and newer.
"""

import importlib
import inspect
import json
import sys
import warnings


def installed_version(distribution):
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def forget(library):
    # Each function is probed on a fresh import, so the deprecation warnings
    # recorded for it are its own and not swallowed by an earlier import.
    for name in list(sys.modules):
        if name == library or name.startswith(library + "."):
            del sys.modules[name]


def describe(error):
    return "%s: %s" % (type(error).__name__, error)


def probe(library, dotted):
    entry = {"name": dotted, "error": None, "warnings": []}
    forget(library)
    module_name, _, attribute = dotted.rpartition(".")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = getattr(importlib.import_module(module_name), attribute)
        except Exception as error:  # the library's own failure is the answer
            entry["error"] = describe(error)
            return entry
    entry["warnings"] = [
        "%s: %s" % (w.category.__name__, w.message) for w in caught
    ]
    entry["module"] = getattr(value, "__module__", None)
    entry["qualname"] = getattr(value, "__qualname__", None)
    entry["is_class"] = inspect.isclass(value)
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError) as error:
        entry["error"] = "no signature: " + describe(error)
        return entry
    entry["signature"] = str(signature)
    entry["parameters"] = [
        {"name": p.name, "kind": p.kind.name} for p in signature.parameters.values()
    ]
    return entry


def main():
    out = sys.stdout
    # Whatever an import prints must not end up inside the JSON document.
    sys.stdout = sys.stderr
    # sys.path[0] is the current folder: drop it, so no file there can stand
    # in for the library.
    if sys.path and sys.path[0] in ("", "."):
        del sys.path[0]
    request = json.loads(sys.argv[1])
    library = request["library"]
    result = {
        "versions": {d: installed_version(d) for d in request["versions_of"]},
        "functions": [probe(library, f) for f in request["functions"]],
    }
    out.write(json.dumps(result))
    out.write("\n")


main()
