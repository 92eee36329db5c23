//! The settings a rule fixture asks for in its leading `# ferry-test:`
//! lines, read the same way by every test that runs the fixtures:
//!
//! - `# ferry-test: target LIB==X`: check as if the project targets `LIB` X;
//! - `# ferry-test: floor LIB==X`: the oldest release the project allows is
//!   X, as if its requirements said `LIB>=X`.

use ferry_engine::{Floor, Settings, Version};

const PREFIX: &str = "# ferry-test: ";

/// The settings of `text`'s leading directives, or what is wrong with one.
pub fn fixture_settings(text: &str) -> Result<Settings, String> {
    let mut settings = Settings::default();
    for line in text.lines().take_while(|l| l.starts_with(PREFIX)) {
        let directive = &line[PREFIX.len()..];
        let parsed = directive.split_once(' ').and_then(|(kind, requirement)| {
            let (library, version) = requirement.trim().split_once("==")?;
            Some((kind, library, version.parse::<Version>().ok()?))
        });
        let Some((kind, library, version)) = parsed else {
            return Err(format!(
                "`{line}`: expected `{PREFIX}target|floor LIB==VERSION`"
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
    Ok(settings)
}
