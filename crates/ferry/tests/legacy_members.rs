//! `ferry_rules::websockets::legacy_members::LEGACY_ONLY_MEMBERS`, held to the
//! real releases.
//!
//! `table_lists_exactly_the_legacy_only_members` recomputes, with the real
//! websockets 13.1 and 15.0.1 installed, the public members (names in
//! `dir()` of the class, plus the attributes its `__init__` methods assign to
//! `self`, read with `inspect.getsource` and `ast`) of the legacy
//! `WebSocketClientProtocol` / `WebSocketServerProtocol` that the new
//! `ClientConnection` / `ServerConnection` lack, and asserts the table names
//! exactly those, per side. It fails when websockets adds or removes a member,
//! or when the table drifts.
//!
//! `replacements_evaluate_on_real_new_connections` opens a loopback
//! connection with the new asyncio implementation of every release that has
//! it (13.0 on) and evaluates each replacement the table gives, on the client
//! and the server connection its side names: a fix that writes one cannot
//! raise `AttributeError` there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ferry_rules::websockets::legacy_members::{Side, LEGACY_ONLY_MEMBERS};
use serde_json::Value;

mod common;

const LEGACY_CLIENT: &str = "websockets.legacy.client.WebSocketClientProtocol";
const LEGACY_SERVER: &str = "websockets.legacy.server.WebSocketServerProtocol";
const NEW_CLIENT: &str = "websockets.asyncio.client.ClientConnection";
const NEW_SERVER: &str = "websockets.asyncio.server.ServerConnection";

/// Prints `{"version": ..., "members": {class path: [public names]}}` for
/// the classes named in argv: the public names of `dir(cls)`, plus the
/// attributes `self.X` assigned (or annotated) in the `__init__` of any
/// class of its MRO.
const MEMBERS: &str = r#"
import ast, importlib, inspect, json, sys, textwrap
import websockets

def init_attributes(cls):
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(init))
        except (OSError, TypeError):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            else:
                continue
            for target in targets:
                for sub in ast.walk(target):
                    if (isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name)
                            and sub.value.id == "self"):
                        names.add(sub.attr)
    return names

def members(path):
    module, _, name = path.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    return sorted(n for n in set(dir(cls)) | init_attributes(cls) if not n.startswith("_"))

print(json.dumps({
    "version": websockets.__version__,
    "members": {path: members(path) for path in sys.argv[1:]},
}))
"#;

/// Opens a loopback connection with the new asyncio implementation and
/// evaluates `connection.<replacement>` for each `[replacement, on client,
/// on server]` of argv[1], on the open client and server connections.
/// Prints `{"version": ..., "errors": [...]}`.
const REPLACEMENTS: &str = r#"
import asyncio, inspect, json, signal, sys
signal.alarm(60)
import websockets
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.protocol import Side, State

checks = json.loads(sys.argv[1])
errors = []
served = []

def evaluate(connection, side):
    for replacement, on_client, on_server in checks:
        if not (on_client if side == "client" else on_server):
            continue
        try:
            eval("connection." + replacement, {"connection": connection, "State": State, "Side": Side})
        except BaseException as exc:
            errors.append(f"{side}: `{replacement}` raised {type(exc).__name__}: {exc}")

async def handler(connection):
    evaluate(connection, "server")
    served.append(True)
    await connection.send("done")

async def main():
    async with serve(handler, "127.0.0.1", 0, origins=[None], subprotocols=["chat"]) as server:
        port = list(server.sockets)[0].getsockname()[1]
        options = {"subprotocols": ["chat"]}
        if "proxy" in inspect.signature(connect).parameters:
            options["proxy"] = None
        async with connect(f"ws://localhost:{port}/path?query=1", **options) as connection:
            evaluate(connection, "client")
            await asyncio.wait_for(connection.recv(), 10)
    assert served, "the handler did not run"

asyncio.run(main())
print(json.dumps({"version": websockets.__version__, "errors": errors}))
"#;

/// The public members of each class, on `release`.
fn members(python: &Path, release: &str, classes: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let args: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
    let report = common::run_websockets_driver(python, release, MEMBERS, &args);
    classes
        .iter()
        .map(|class| {
            let names = report["members"][class]
                .as_array()
                .unwrap_or_else(|| panic!("no members for {class}"))
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect::<BTreeSet<_>>();
            assert!(
                names.contains("recv") && names.contains("send"),
                "{class} on {release}: members not read ({names:?})"
            );
            (class.to_string(), names)
        })
        .collect()
}

/// The names the table lists for one side.
fn table_names(on_side: fn(Side) -> bool) -> BTreeSet<String> {
    LEGACY_ONLY_MEMBERS
        .iter()
        .filter(|m| on_side(m.side))
        .map(|m| m.name.to_string())
        .collect()
}

fn compare(side: &str, measured: &BTreeSet<String>, table: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let missing: Vec<&String> = measured.difference(table).collect();
    if !missing.is_empty() {
        problems.push(format!(
            "{side}: legacy-only members missing from LEGACY_ONLY_MEMBERS: {missing:?}"
        ));
    }
    let extra: Vec<&String> = table.difference(measured).collect();
    if !extra.is_empty() {
        problems.push(format!(
            "{side}: LEGACY_ONLY_MEMBERS lists members that are not legacy-only \
             (the legacy class lacks them, or the new one has them): {extra:?}"
        ));
    }
    problems
}

#[test]
fn table_lists_exactly_the_legacy_only_members() {
    let (legacy, new) = std::thread::scope(|scope| {
        let legacy = scope.spawn(|| {
            members(
                common::websockets_13(),
                "13.1",
                &[LEGACY_CLIENT, LEGACY_SERVER],
            )
        });
        let new =
            scope.spawn(|| members(common::websockets_15(), "15.0.1", &[NEW_CLIENT, NEW_SERVER]));
        (legacy.join().unwrap(), new.join().unwrap())
    });
    let client: BTreeSet<String> = legacy[LEGACY_CLIENT]
        .difference(&new[NEW_CLIENT])
        .cloned()
        .collect();
    let server: BTreeSet<String> = legacy[LEGACY_SERVER]
        .difference(&new[NEW_SERVER])
        .cloned()
        .collect();
    println!("legacy-only on the client ({}): {client:?}", client.len());
    println!("legacy-only on the server ({}): {server:?}", server.len());
    let mut problems = compare("client", &client, &table_names(Side::client));
    problems.extend(compare("server", &server, &table_names(Side::server)));
    // A name is listed once per side: once as `Both`, or once per side.
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for member in LEGACY_ONLY_MEMBERS {
        for (side, on) in [
            ("client", member.side.client()),
            ("server", member.side.server()),
        ] {
            if on {
                *seen.entry((member.name, side)).or_default() += 1;
            }
        }
    }
    for ((name, side), count) in seen {
        if count > 1 {
            problems.push(format!("`{name}` is listed {count} times for the {side}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_entry_has_one_sentence_of_advice() {
    for member in LEGACY_ONLY_MEMBERS {
        let advice = member.advice;
        assert!(
            !advice.is_empty()
                && advice.ends_with('.')
                && !advice.contains('\n')
                && advice.chars().next().is_some_and(char::is_uppercase),
            "`{}`: the advice must be one sentence: {advice:?}",
            member.name
        );
        if let Some(replacement) = member.replacement {
            assert!(
                advice.contains(replacement),
                "`{}`: the advice should name the replacement `{replacement}`: {advice:?}",
                member.name
            );
        }
    }
    let names: Vec<&str> = LEGACY_ONLY_MEMBERS.iter().map(|m| m.name).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "keep LEGACY_ONLY_MEMBERS sorted by name");
}

#[test]
fn replacements_evaluate_on_real_new_connections() {
    let checks: Vec<(&str, bool, bool)> = LEGACY_ONLY_MEMBERS
        .iter()
        .filter_map(|m| Some((m.replacement?, m.side.client(), m.side.server())))
        .collect();
    assert!(!checks.is_empty());
    let args = [serde_json::to_string(&checks).unwrap()];
    // Every release whose `websockets.asyncio` is the new implementation.
    let releases = ["13.0", "13.1", "14.0", "14.2", "15.0", "15.0.1"];
    let reports: Vec<(&str, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = releases
            .iter()
            .map(|release| {
                let args = &args;
                scope.spawn(move || {
                    (
                        *release,
                        common::run_websockets_driver(
                            &common::websockets_venv(release),
                            release,
                            REPLACEMENTS,
                            args,
                        ),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut problems = Vec::new();
    for (release, report) in reports {
        for error in report["errors"].as_array().unwrap() {
            problems.push(format!("websockets {release}: {}", error.as_str().unwrap()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
