//! Every way a pack file can be wrong is an error naming its line.

use ferry_packs::{parse_pack, FormatError};

const HEAD: &str = "name = \"acme\"\nsummary = \"s\"\nprefix = \"AC\"\n\n[library]\nname = \"acme-client\"\npackages = [\"acme\"]\nbreaking = \"2.0\"\n";

fn error(rules: &str) -> FormatError {
    parse_pack(&format!("{HEAD}{rules}")).expect_err("the pack is invalid")
}

const RENAME: &str = "\n[[rules]]\ncode = \"AC001\"\nname = \"R\"\nkind = \"rename-keyword\"\nsummary = \"s\"\ncallables = [\"acme.f\"]\nold = \"a\"\nnew = \"b\"\n";

#[test]
fn a_valid_pack_parses() {
    let spec = parse_pack(&format!("{HEAD}{RENAME}")).unwrap();
    assert_eq!(spec.rules.len(), 1);
    assert_eq!(spec.rules[0].line, 10);
}

#[test]
fn unknown_keys_and_kinds_name_the_line() {
    let e = error(&RENAME.replace("old = ", "olde = "));
    assert_eq!(e.line, 16, "{e:?}");
    assert!(e.message.contains("unknown field `olde`"), "{e:?}");

    let e = error(&RENAME.replace("rename-keyword", "rename-everything"));
    assert_eq!(e.line, 13);
    assert!(
        e.message.contains("unknown kind `rename-everything`"),
        "{e:?}"
    );
    assert!(e.message.contains("move-name"), "{e:?}");
}

#[test]
fn codes_are_checked() {
    let e = error(&format!("{RENAME}{RENAME}"));
    assert_eq!(e.line, 20);
    assert!(
        e.message
            .contains("`AC001` is already used by the rule on line 10"),
        "{e:?}"
    );

    let e = error(&RENAME.replace("AC001", "XY001"));
    assert!(e.message.contains("prefix `AC`"), "{e:?}");

    let e = error(&RENAME.replace("AC001", "AC900"));
    assert!(e.message.contains("requirement bump"), "{e:?}");
}

#[test]
fn names_must_be_qualified_and_under_the_library() {
    let e = error(&RENAME.replace("acme.f", "requests.f"));
    assert!(
        e.message
            .contains("not under the library's packages (acme)"),
        "{e:?}"
    );
    let e = error(&RENAME.replace("acme.f", "acme..f"));
    assert!(e.message.contains("not a qualified name"), "{e:?}");
    let e = error(&RENAME.replace("new = \"b\"", "new = \"b-c\""));
    assert!(e.message.contains("not a keyword name"), "{e:?}");
}

#[test]
fn each_kind_takes_its_own_fields() {
    let e = error(&RENAME.replace("old = \"a\"\n", ""));
    assert!(e.message.contains("needs `old`"), "{e:?}");
    let e = error(&format!("{RENAME}names = [\"acme.x\"]\n"));
    assert!(e.message.contains("takes no `names`"), "{e:?}");
    let flag = "\n[[rules]]\ncode = \"AC002\"\nname = \"F\"\nkind = \"flag\"\nsummary = \"s\"\nnames = [\"acme.x\"]\n";
    let e = error(flag);
    assert!(e.message.contains("needs `message`"), "{e:?}");
    let attr = "\n[[rules]]\ncode = \"AC003\"\nname = \"A\"\nkind = \"rename-attribute\"\nsummary = \"s\"\nold = \"acme.a.x\"\nnew = \"acme.b.y\"\n";
    let e = error(attr);
    assert!(e.message.contains("keeps the module"), "{e:?}");
}

#[test]
fn releases_must_be_releases() {
    let e = error(&format!("{RENAME}since = \"two\"\n"));
    assert!(
        e.message.contains("`since` `two` is not a release"),
        "{e:?}"
    );
    // A library that breaks in a minor release (0.28, Python 3.13).
    let spec = parse_pack(&HEAD.replace("\"2.0\"", "\"0.28\"")).unwrap();
    assert_eq!(spec.library.breaking, ferry_engine::Release::new(0, 28));
}

#[test]
fn huge_or_deeply_nested_files_are_refused_without_parsing() {
    let deep = format!("{HEAD}x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let e = parse_pack(&deep).unwrap_err();
    assert!(e.message.contains("nest deeper"), "{e:?}");
    let huge = format!(
        "{HEAD}# {}\n",
        "x".repeat(ferry_packs::format::MAX_PACK_BYTES)
    );
    let e = parse_pack(&huge).unwrap_err();
    assert!(e.message.contains("at most"), "{e:?}");
    // Brackets in strings and comments are not nesting.
    let quoted = format!(
        "{HEAD}{}",
        RENAME.replace(
            "summary = \"s\"",
            &format!("summary = \"{}\" # {}", "[".repeat(100), "{".repeat(100))
        )
    );
    parse_pack(&quoted).unwrap();
}

#[test]
fn templates_callables_and_keyword_lists_are_checked() {
    let e = error(&format!(
        "{RENAME}message = \"`{{callee}}` and {{oops}}\"\n"
    ));
    assert!(e.message.contains("`{oops}` is not a placeholder"), "{e:?}");
    assert!(e.message.contains("{callee}"), "{e:?}");
    let e = error(&format!("{RENAME}message = \"never {{ closed\"\n"));
    assert!(e.message.contains("is never closed"), "{e:?}");
    // Doubled braces are literal braces.
    parse_pack(&format!(
        "{HEAD}{RENAME}message = \"a {{{{dict}}}} for `{{callee}}`\"\n"
    ))
    .unwrap();

    let e = error(&RENAME.replace(
        "callables = [\"acme.f\"]",
        "callables = [{ name = \"acme.f\", sinse = \"2.0\" }]",
    ));
    assert_eq!(e.line, 15, "{e:?}");
    assert!(
        e.message
            .contains("unknown field `sinse`, expected one of `name`"),
        "{e:?}"
    );
    let e = error(&RENAME.replace(
        "callables = [\"acme.f\"]",
        "callables = [{ name = \"acme.f\", since = \"soon\" }]",
    ));
    assert!(
        e.message.contains("`since` `soon` is not a release"),
        "{e:?}"
    );

    let e = error(&format!("{RENAME}when-both = \"merge\"\n"));
    assert!(
        e.message.contains("expected `review` or `remove-old`"),
        "{e:?}"
    );

    let remove = "\n[[rules]]\ncode = \"AC002\"\nname = \"R\"\nkind = \"remove-keyword\"\nsummary = \"s\"\ncallables = [\"acme.f\"]\n";
    let e = error(remove);
    assert!(
        e.message
            .contains("needs `keyword`, or a non-empty `keywords` list"),
        "{e:?}"
    );
    let e = error(&format!("{remove}keywords = [{{ name = \"a-b\" }}]\n"));
    assert!(e.message.contains("`a-b` is not a keyword name"), "{e:?}");
    let spec = parse_pack(&format!(
        "{HEAD}{remove}keywords = [{{ name = \"loop\" }}, {{ name = \"legacy\", default = \"False\", message-kept = \"{{message}}; check it\" }}]\n"
    ))
    .unwrap();
    assert_eq!(spec.rules[0].kind.as_str(), "remove-keyword");
    let e = error(&format!("{RENAME}when-both = \"review\"\nmessage-both = \"{{message}}\"\nkeywords = [{{ name = \"x\" }}]\n"));
    assert!(e.message.contains("takes no `keywords`"), "{e:?}");
}

#[test]
fn a_call_template_names_only_parameters() {
    let rule = "\n[[rules]]\ncode = \"AC009\"\nname = \"T\"\nkind = \"replace-call\"\nsummary = \"s\"\ncallables = [\"acme.f\"]\nparameters = [\"a\"]\n";
    let e = error(&format!("{rule}template = \"acme.g({{b}})\"\n"));
    assert!(
        e.message
            .contains("`{b}` is not a parameter of `parameters` (a)"),
        "{e:?}"
    );
    let e = error(&format!("{rule}template = \"acme.g({{1}})\"\n"));
    assert!(e.message.contains("`{1}` is not a parameter"), "{e:?}");
    let e = error(&format!("{rule}template = \"acme.g({{a)\"\n"));
    assert!(e.message.contains("never closed"), "{e:?}");
    let e = error(rule);
    assert!(e.message.contains("needs `template`"), "{e:?}");
    let e = error(&format!(
        "{rule}template = \"acme.g({{a}})\"\nimports = [\"a..b\"]\n"
    ));
    assert!(e.message.contains("`a..b` is not a module name"), "{e:?}");
    parse_pack(&format!(
        "{HEAD}{rule}template = \"acme.g({{a}}, {{{{}}}})\"\nimports = [\"acme.g\"]\n"
    ))
    .unwrap();
}

#[test]
fn what_a_review_of_the_format_found_is_refused() {
    // A floor below the breaking release would raise requirements to
    // releases the fixes are not written for.
    let e = parse_pack(&HEAD.replace(
        "breaking = \"2.0\"\n",
        "breaking = \"2.0\"\nfloor = \"1.0\"\n",
    ))
    .unwrap_err();
    assert!(
        e.message
            .contains("`floor` `1.0` is below `breaking` `2.0`"),
        "{e:?}"
    );
    // Releases are digits.
    let e = parse_pack(&HEAD.replace("\"2.0\"", "\"+2\"")).unwrap_err();
    assert!(
        e.message.contains("`breaking` `+2` is not a release"),
        "{e:?}"
    );
    // The pack says what it migrates.
    let e = parse_pack(&HEAD.replace("summary = \"s\"", "summary = \" \"")).unwrap_err();
    assert!(e.message.contains("`summary` is empty"), "{e:?}");
    // Two rules, one name.
    let e = error(&format!("{RENAME}{}", RENAME.replace("AC001", "AC002")));
    assert!(
        e.message
            .contains("name `R` is already the name of the rule on line 10"),
        "{e:?}"
    );
    // Moves that chain never settle.
    let cycle = "\n[[rules]]\ncode = \"AC005\"\nname = \"M\"\nkind = \"move-name\"\nsummary = \"s\"\nmoves = [{ old = \"acme.A\", new = \"acme.B\" }, { old = \"acme.B\", new = \"acme.A\" }]\n";
    let e = error(cycle);
    assert!(e.message.contains("which moves again"), "{e:?}");
}

#[test]
fn a_new_value_and_a_mapping_are_checked() {
    let e = error(&format!("{RENAME}imports = [\"acme\"]\n"));
    assert!(e.message.contains("give `value` too"), "{e:?}");
    let e = error(&format!("{RENAME}value = \"acme.T({{app}})\"\n"));
    assert!(
        e.message.contains("`{app}` is not one of `{value}`"),
        "{e:?}"
    );
    let e = error(&format!("{RENAME}value = \"acme.T({{value)\"\n"));
    assert!(e.message.contains("never closed"), "{e:?}");
    let e = error(&format!("{RENAME}message-mapping = \"m\"\n"));
    assert!(e.message.contains("go together"), "{e:?}");
    let e = error(&format!(
        "{RENAME}message-mapping = \"m\"\nmapping-entry = \"{{key}}: {{proxy}}\"\n"
    ));
    assert!(e.message.contains("`{proxy}` is not one of"), "{e:?}");
    let e = error(&format!(
        "{RENAME}message-mapping = \"{{mounts}}\"\nmapping-entry = \"{{key}}\"\n"
    ));
    assert!(
        e.message.contains("`{mounts}` is not a placeholder"),
        "{e:?}"
    );
    let flag = "\n[[rules]]\ncode = \"AC002\"\nname = \"F\"\nkind = \"flag\"\nsummary = \"s\"\nnames = [\"acme.x\"]\nmessage = \"m\"\nvalue = \"{value}\"\n";
    assert!(error(flag).message.contains("takes no `value`"));
    parse_pack(&format!(
        "{HEAD}{RENAME}value = \"acme.T(app={{value}}, x={{{{}}}})\"\nimports = [\"acme\"]\nmessage-mapping = \"{{mapping}}\"\nmapping-entry = \"{{key}}: acme.R({{value}})\"\n"
    ))
    .unwrap();
}
