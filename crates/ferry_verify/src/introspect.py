"""Ferry's inventory of a library's public API (run by `ferry pack draft`).

Reads a JSON request from argv[1]: {"distribution": NAME, "import_timeout": SECONDS}.
Writes one JSON document to stdout: the installed version, the library's top-level
packages, and for each public module (found from the distribution's installed files,
private and test modules skipped) either the import error, or its public names, each
with the identity of the object it binds (defining module and qualified name). The
objects themselves are described once, by identity: a callable's signature, the
keywords it reads from its `**kwargs` (from the source), the named parameters its
body never reads (from the bytecode), and a class's public members, including the
instance attributes its `__init__` assigns (from the source). Python 3.8+.
"""

import ast
import contextlib
import dis
import importlib
import inspect
import json
import re
import signal
import sys
import textwrap
import types
import warnings
from importlib import metadata

# Modules named so are tests, not API.
TEST_PARTS = {"test", "tests", "conftest"}
# Values other than these (instances of the library's classes, loggers) are
# state, not API, unless `__all__` names them.
CONSTANT_TYPES = (bool, int, float, complex, str, bytes, tuple, frozenset, type(None))
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


# A BaseException, so that a module's own `except Exception` cannot swallow it.
class ImportTimeout(BaseException):
    pass


def describe(error):
    return "%s: %s" % (type(error).__name__, error)


def module_names(distribution):
    """The distribution's top-level packages and its public modules, sorted."""
    files = metadata.distribution(distribution).files or []
    modules = set()
    for file in files:
        parts = file.parts
        if not parts or parts[0].endswith((".dist-info", ".data")) or parts[0] == "..":
            continue
        name = parts[-1]
        if name.endswith(".py"):
            stem = name[: -len(".py")]
        elif name.endswith((".so", ".pyd")):
            stem = name.split(".", 1)[0]
        else:
            continue
        dotted = list(parts[:-1]) + ([] if stem == "__init__" else [stem])
        if not dotted or not all(part.isidentifier() for part in dotted):
            continue
        modules.add(tuple(dotted))
    packages = sorted({dotted[0] for dotted in modules})
    public = sorted(
        ".".join(dotted)
        for dotted in modules
        if not any(part.startswith("_") for part in dotted)
        and not any(
            part in TEST_PARTS or part.startswith("test_") or part.endswith("_test")
            for part in dotted
        )
    )
    return packages, public


def in_library(module_name, packages):
    return isinstance(module_name, str) and module_name.split(".")[0] in packages


def identity_of(value):
    """`module:qualname` of a class or function; `None` for other objects."""
    if inspect.ismodule(value):
        return "module:" + value.__name__
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if (inspect.isclass(value) or inspect.isroutine(value)) and isinstance(
        module, str
    ) and isinstance(qualname, str):
        return "%s:%s" % (module, qualname)
    return None


def kind_of(value):
    if inspect.ismodule(value):
        return "module"
    if inspect.isclass(value):
        return "class"
    if callable(value):
        return "callable"
    return "value"


def parameters_of(value):
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return None
    parameters = []
    for parameter in signature.parameters.values():
        default = None
        if parameter.default is not inspect.Parameter.empty:
            try:
                default = ADDRESS.sub("", repr(parameter.default))[:200]
            except Exception as error:
                default = "<unrepresentable: %s>" % type(error).__name__
        parameters.append(
            {"name": parameter.name, "kind": parameter.kind.name, "default": default}
        )
    return parameters


def code_of(value):
    """The function whose body handles a call: a class's `__init__`."""
    if inspect.isclass(value):
        value = value.__dict__.get("__init__")
        if value is None:
            return None
    try:
        value = inspect.unwrap(value)
    except ValueError:
        return None
    return value if inspect.isfunction(value) else None


def unread_parameters(function, parameters):
    """Named parameters the body never reads: ignored by the call."""
    code = function.__code__
    if "locals" in code.co_names or "vars" in code.co_names:
        return []
    read = set(code.co_cellvars)
    for instruction in dis.get_instructions(code):
        if instruction.opname.startswith(("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")):
            argval = instruction.argval
            read.update(argval if isinstance(argval, tuple) else (argval,))
    named = [
        p["name"]
        for p in parameters
        if p["kind"] in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")
    ]
    # The receiver of a method is read or not; it is never a keyword.
    if named and inspect.isfunction(function) and named[0] in ("self", "cls"):
        named = named[1:]
    return sorted(name for name in named if name not in read)


def source_tree(value):
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(value)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None


def spelled(node):
    """`kwargs` or `self.options`: the text of a name or attribute chain."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = spelled(node.value)
        return inner and inner + "." + node.attr
    return None


def kwargs_keys(tree, varkw):
    """The keys read from `**varkw` in `tree`: `.pop("k")`, `.get("k")`,
    `.setdefault("k")`, `["k"]`, `"k" in`, through names and attributes it
    is assigned to (`self.options = kwargs`, `kwargs = self.options.copy()`)."""
    aliases = {varkw}

    def alias_source(value):
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr == "copy" and not value.args:
                return spelled(value.func.value)
        if isinstance(value, ast.Call) and spelled(value.func) == "dict":
            if len(value.args) == 1 and not value.keywords:
                return spelled(value.args[0])
        return spelled(value)

    grew = True
    while grew:
        grew = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and alias_source(node.value) in aliases:
                for target in node.targets:
                    name = spelled(target)
                    if name and name not in aliases:
                        aliases.add(name)
                        grew = True
    keys = set()

    def literal(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if (
                node.func.attr in ("pop", "get", "setdefault")
                and spelled(node.func.value) in aliases
                and node.args
                and literal(node.args[0])
            ):
                keys.add(literal(node.args[0]))
        elif isinstance(node, ast.Subscript) and spelled(node.value) in aliases:
            key = node.slice
            if isinstance(key, ast.Index):  # Python 3.8
                key = key.value
            if literal(key) and isinstance(node.ctx, ast.Load):
                keys.add(literal(key))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            if isinstance(node.ops[0], (ast.In, ast.NotIn)):
                if spelled(node.comparators[0]) in aliases and literal(node.left):
                    keys.add(literal(node.left))
    return sorted(key for key in keys if key.isidentifier())


def init_attributes(klass):
    """Public instance attributes `__init__` assigns to `self` (from the source)."""
    tree = source_tree(klass)
    if tree is None or not tree.body or not isinstance(tree.body[0], ast.ClassDef):
        return []
    names = set()
    for node in tree.body[0].body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name != "__init__" or not node.args.args:
            continue
        receiver = node.args.args[0].arg
        for inner in ast.walk(node):
            targets = []
            if isinstance(inner, ast.Assign):
                targets = inner.targets
            elif isinstance(inner, (ast.AnnAssign, ast.AugAssign)):
                targets = [inner.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == receiver
                ):
                    names.add(target.attr)
    return sorted(name for name in names if not name.startswith("_"))


def describe_callable(value, packages):
    entry = {"parameters": parameters_of(value), "kwargs_read": [], "unread": []}
    parameters = entry["parameters"]
    function = code_of(value)
    if parameters is None or function is None:
        return entry
    if not in_library(getattr(function, "__module__", None), packages):
        return entry
    entry["unread"] = unread_parameters(function, parameters)
    varkw = [p["name"] for p in parameters if p["kind"] == "VAR_KEYWORD"]
    if varkw:
        # A class's `**kwargs` may be kept for another method to read.
        tree = source_tree(value if inspect.isclass(value) else function)
        if tree is not None:
            named = {p["name"] for p in parameters}
            entry["kwargs_read"] = [
                key for key in kwargs_keys(tree, varkw[0]) if key not in named
            ]
    return entry


def describe_members(klass, packages):
    members = {}
    for name in dir(klass):
        if name.startswith("_"):
            continue
        owner = next((c for c in klass.__mro__ if name in vars(c)), None)
        if owner is None or not in_library(owner.__module__, packages):
            continue
        raw = vars(owner)[name]
        if isinstance(raw, property):
            members[name] = {"kind": "property"}
        elif isinstance(raw, (staticmethod, classmethod)) or inspect.isfunction(raw):
            try:
                bound = getattr(klass, name)
            except Exception:
                bound = raw
            members[name] = {"kind": "method", "parameters": parameters_of(bound)}
        else:
            members[name] = {"kind": "attribute"}
    for owner in reversed(klass.__mro__):
        if in_library(owner.__module__, packages):
            for name in init_attributes(owner):
                members.setdefault(name, {"kind": "instance-attribute"})
    return members


def describe_object(value, packages):
    kind = kind_of(value)
    entry = {"kind": kind}
    if kind in ("class", "callable"):
        entry.update(describe_callable(value, packages))
    if kind == "class" and in_library(value.__module__, packages):
        entry["members"] = describe_members(value, packages)
    return entry


def public_names(module, packages):
    """`__all__`, else the names not starting with `_` whose object the
    library defines (or a constant): what `from module import *` would
    give, without what it imported from elsewhere."""
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return sorted(set(n for n in declared if isinstance(n, str))), True
    names = []
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if inspect.ismodule(value):
            if in_library(value.__name__, packages):
                names.append(name)
        elif inspect.isclass(value) or inspect.isroutine(value):
            if in_library(getattr(value, "__module__", None), packages):
                names.append(name)
        elif isinstance(value, CONSTANT_TYPES):
            names.append(name)
    return sorted(names), False


def import_with_limit(name, limit):
    if not hasattr(signal, "setitimer") or limit <= 0:
        return importlib.import_module(name)

    def expired(signum, frame):
        raise ImportTimeout("importing took more than %s s" % limit)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return importlib.import_module(name)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def main():
    request = json.loads(sys.argv[1])
    distribution = request["distribution"]
    limit = float(request.get("import_timeout", 30))
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        sys.stdout.write(json.dumps({"version": None}))
        return
    packages, names = module_names(distribution)
    modules = []
    objects = {}
    for name in names:
        entry = {"name": name, "error": None, "names": {}, "unreadable": {}}
        modules.append(entry)
        # What a module prints while imported must not mix with the answer.
        with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
            warnings.simplefilter("ignore")
            try:
                module = import_with_limit(name, limit)
            except (Exception, SystemExit, ImportTimeout) as error:
                entry["error"] = describe(error)
                continue
            listed, entry["has_all"] = public_names(module, packages)
            for public in listed:
                try:
                    value = getattr(module, public)
                except Exception as error:
                    entry["unreadable"][public] = describe(error)
                    continue
                identity = identity_of(value)
                if identity is None:
                    entry["names"][public] = {
                        "identity": None,
                        "object": describe_object(value, packages),
                    }
                    continue
                entry["names"][public] = {"identity": identity}
                if identity not in objects:
                    objects[identity] = (
                        {"kind": "module"}
                        if inspect.ismodule(value)
                        else describe_object(value, packages)
                    )
    report = {
        "version": version,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "packages": packages,
        "modules": modules,
        "objects": objects,
    }
    sys.stdout.write(json.dumps(report, sort_keys=True))


main()
