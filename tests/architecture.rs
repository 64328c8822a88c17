//! The layout's promises, checked on the source: a module whose `//!` says "Pure" (and every file of
//! `signature/`, pure by design) uses no tokio, reqwest, hyper, `std::fs` or `std::net` outside its
//! unit tests, apart from the value types listed in `VALUE_TYPES`; and dependencies point down
//! (commands → cli → the shared modules; `exit` a leaf), never up.

use std::path::{Path, PathBuf};

const FORBIDDEN: [&str; 5] = ["tokio", "reqwest::", "hyper::", "std::fs", "std::net"];

/// Pure modules that name a value type from a networking crate: a parsed URL, an address, a status
/// code. They do no IO with it; listed so that anything else from those crates still fails.
const VALUE_TYPES: [(&str, &str); 9] = [
    ("src/commands/send/attack.rs", "reqwest::Url"),
    ("src/capture/feed.rs", "reqwest::Url"),
    ("src/capture/replay_plan.rs", "reqwest::Url"),
    ("src/commands/poll/cursor.rs", "reqwest::Url"),
    ("src/webhook/mod.rs", "reqwest::Url"),
    ("src/web_view.rs", "reqwest::Url"),
    ("src/web_view.rs", "std::net::IpAddr"),
    ("src/http_headers.rs", "std::net::Ipv6Addr"),
    ("src/commands/listen/line_rate.rs", "hyper::StatusCode"),
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Says "Pure" (a sentence of its own) in the module docs.
fn declared_pure(relative: &str, text: &str) -> bool {
    relative.starts_with("src/signature/")
        || text
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .any(|line| {
                line.split(|c: char| !c.is_alphanumeric())
                    .any(|word| word == "Pure")
            })
}

/// The module's own code: comments dropped, and its `#[cfg(test)]` tests left out.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .map(|(n, line)| (n + 1, line.split("//").next().unwrap_or("")))
}

#[test]
fn pure_modules_import_no_io_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut pure = Vec::new();
    let mut offences = Vec::new();
    let mut used_allowances = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        if !declared_pure(&relative, &text) {
            continue;
        }
        pure.push(relative.clone());
        for (number, line) in code_lines(&text) {
            for forbidden in FORBIDDEN {
                let mut rest = line;
                while let Some(at) = rest.find(forbidden) {
                    let used: String = rest[at..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect();
                    // `reqwest::Url` and `reqwest::Url::parse` both name the listed type.
                    let allowed = VALUE_TYPES.iter().find(|(file, path)| {
                        *file == relative
                            && used
                                .strip_prefix(path)
                                .is_some_and(|after| after.is_empty() || after.starts_with("::"))
                    });
                    if let Some((file, path)) = allowed {
                        used_allowances.push((*file, *path));
                    } else {
                        offences.push(format!("{relative}:{number}: {}", line.trim()));
                    }
                    rest = &rest[at + forbidden.len()..];
                }
            }
        }
    }
    // The marker is what the check hangs on: if the docs lose it, the check must not pass quietly.
    for expected in [
        "src/capture/mod.rs",
        "src/commands/poll/pacing.rs",
        "src/commands/listen/respond.rs",
        "src/outbound/backoff.rs",
        "src/signature/mod.rs",
        "src/headers.rs",
    ] {
        assert!(
            pure.iter().any(|p| p == expected),
            "{expected} no longer says it is pure"
        );
    }
    for (file, path) in VALUE_TYPES {
        assert!(
            used_allowances.contains(&(file, path)),
            "{file} no longer uses {path}: remove it from VALUE_TYPES"
        );
    }
    assert!(
        offences.is_empty(),
        "pure modules using IO crates:\n{}",
        offences.join("\n")
    );
}

/// The crate paths a file may not name, by where it sits: the shared modules (everything outside
/// `cli/` and `commands/`) know neither the command line nor the commands; `cli/` does not know the
/// commands; `exit` is a leaf every layer may use.
fn forbidden_upward(relative: &str) -> &'static [&'static str] {
    if relative == "src/lib.rs"
        || relative == "src/main.rs"
        || relative.starts_with("src/commands/")
    {
        &[]
    } else if relative.starts_with("src/cli/") {
        &["crate::commands", "crate::{"]
    } else if relative == "src/exit.rs" {
        &["crate::"]
    } else {
        &["crate::cli", "crate::commands", "crate::Cli", "crate::{"]
    }
}

#[test]
fn dependencies_point_down() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut offences = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        // Tests included: a test module that reaches up is a dependency all the same. (A grouped
        // `crate::{…}` import is refused too, so that no path hides inside one.)
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for forbidden in forbidden_upward(&relative) {
                if code.contains(forbidden) {
                    offences.push(format!("{relative}:{}: {}", number + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "dependencies pointing up (see src/lib.rs's map):\n{}",
        offences.join("\n")
    );
}
