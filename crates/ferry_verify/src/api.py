"""Ferry's look at a library's public names (run by `ferry pack check`).

Reads a JSON request from argv[1]: {"names": [DOTTED, ...], "distribution": NAME}.
Writes one JSON document to stdout: the distribution's installed version, and
for each name whether it resolves (a module by import, else an attribute of
the longest importable module before it), what it is, and for a callable the
parameters of its signature. Imports only the library. Python 3.8+.
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


def describe(error):
    return "%s: %s" % (type(error).__name__, error)


def resolve(dotted):
    """The object `dotted` names, importing modules as Python would."""
    parts = dotted.split(".")
    last_error = None
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            value = importlib.import_module(module_name)
        except ImportError as error:
            last_error = error
            continue
        for attribute in parts[cut:]:
            value = getattr(value, attribute)
        return value
    raise last_error


def look(dotted):
    entry = {"name": dotted, "exists": False, "error": None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = resolve(dotted)
        except Exception as error:  # the library's own failure is the answer
            entry["error"] = describe(error)
            return entry
    entry["exists"] = True
    entry["kind"] = (
        "module"
        if inspect.ismodule(value)
        else "class"
        if inspect.isclass(value)
        else "callable"
        if callable(value)
        else "value"
    )
    if entry["kind"] in ("class", "callable"):
        try:
            signature = inspect.signature(value)
        except (TypeError, ValueError):
            signature = None
        if signature is not None:
            entry["parameters"] = [
                {"name": p.name, "kind": p.kind.name}
                for p in signature.parameters.values()
            ]
    return entry


def main():
    request = json.loads(sys.argv[1])
    report = {
        "version": installed_version(request["distribution"]),
        "names": [look(name) for name in request["names"]],
    }
    sys.stdout.write(json.dumps(report))


main()
