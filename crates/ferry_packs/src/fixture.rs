//! The settings a rule fixture asks for in its leading `# ferry-test:`
//! lines, read the same way by every test that runs the fixtures:
//!
//! - `# ferry-test: target LIB==X`: check as if the project targets `LIB` X;
//! - `# ferry-test: floor LIB==X`: the oldest release the project allows is
//!   X, as if its requirements said `LIB>=X`;
//! - `# ferry-test: unsafe-fixes`: `ferry pack test` applies unsafe fixes too.

use ferry_engine::{Floor, Settings, Version};

const PREFIX: &str = "# ferry-test: ";

/// What a fixture's leading directives ask for.
#[derive(Debug, Clone, Default)]
pub struct FixtureOptions {
    pub settings: Settings,
    pub unsafe_fixes: bool,
}

/// The settings of `text`'s leading directives, or what is wrong with one.
pub fn fixture_settings(text: &str) -> Result<Settings, String> {
    fixture_options(text).map(|options| options.settings)
}

/// Everything `text`'s leading directives ask for, or what is wrong with one.
pub fn fixture_options(text: &str) -> Result<FixtureOptions, String> {
    let mut settings = Settings::default();
    let mut unsafe_fixes = false;
    for line in text.lines().take_while(|l| l.starts_with(PREFIX)) {
        let directive = &line[PREFIX.len()..];
        if directive.trim() == "unsafe-fixes" {
            unsafe_fixes = true;
            continue;
        }
        let parsed = directive.split_once(' ').and_then(|(kind, requirement)| {
            let (library, version) = requirement.trim().split_once("==")?;
            Some((kind, library, version.parse::<Version>().ok()?))
        });
        let Some((kind, library, version)) = parsed else {
            return Err(format!(
                "`{line}`: expected `{PREFIX}target|floor LIB==VERSION` or `{PREFIX}unsafe-fixes`"
            ));
        };
        match kind {
            "target" => {
                settings.targets.insert(library.to_string(), version);
            }
            "floor" => {
                let declared = format!("requirements.txt:1 (`{library}>={version}`)");
                settings.floors.insert(
                    library.to_string(),
                    Floor {
                        release: version,
                        declared,
                    },
                );
            }
            other => return Err(format!("`{line}`: unknown directive `{other}`")),
        }
    }
    Ok(FixtureOptions {
        settings,
        unsafe_fixes,
    })
}
