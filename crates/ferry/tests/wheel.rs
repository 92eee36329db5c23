//! Ferry as users install it: the toolchain `cargo install` needs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `1.95` or `1.88.0` as numbers, padded to three parts.
fn version_parts(version: &str) -> Vec<u32> {
    let mut parts: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
    parts.resize(3, 0);
    parts
}

/// The workspace declares the oldest Rust that builds it, every member inherits it,
/// and it is exactly what the locked dependencies need (Ferry's own code needs less).
#[test]
fn the_declared_rust_version_is_what_the_locked_dependencies_need() {
    let host = String::from_utf8(
        Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc runs")
            .stdout,
    )
    .unwrap();
    let host = host
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap()
        .to_string();
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .args(["--filter-platform", &host])
        .current_dir(repo())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let packages = metadata["packages"].as_array().unwrap();
    let (ours, theirs): (Vec<&Value>, Vec<&Value>) = packages
        .iter()
        .partition(|p| members.contains(&p["id"].as_str().unwrap()));
    let needed = theirs
        .iter()
        .filter_map(|p| p["rust_version"].as_str().map(|v| (v, p["name"].as_str())))
        .max_by_key(|(v, _)| version_parts(v))
        .unwrap();
    assert_eq!(ours.len(), 7);
    for package in ours {
        let declared = package["rust_version"]
            .as_str()
            .unwrap_or_else(|| panic!("{} declares no rust-version", package["name"]));
        assert_eq!(
            version_parts(declared),
            version_parts(needed.0),
            "{} declares Rust {declared}; {:?} needs {}",
            package["name"],
            needed.1,
            needed.0
        );
    }
}
