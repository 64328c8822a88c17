//! The layout's promises, checked on the source: a module whose `//!` says "Pure" (and every file of
//! `signature/`, pure by design) uses no tokio, reqwest, hyper, `std::fs` or `std::net` outside its
//! unit tests, apart from the value types listed in `VALUE_TYPES`; and dependencies point down
//! (commands → cli → the shared modules; `exit` a leaf), never up; and no function is over
//! `MAX_FUNCTION_LINES` lines without a `// long: <why>` comment above it.

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

/// The most lines a function of `src/` may have (its `fn` line to its closing brace) unless a
/// comment above it gives the reason: `// long: <why>`.
const MAX_FUNCTION_LINES: usize = 60;

/// The functions of a file longer than `MAX_FUNCTION_LINES` without a reason, as (line, name,
/// length). A function is found as the README's one-line script finds it: a line that opens an
/// `fn` (not a declaration ending in `;` nor a one-liner ending in `}`), to the first line after
/// it that is a `}` at the same indentation. The reason is looked for in the comments and
/// attributes right above the `fn` line.
fn long_functions(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let Some(name) = opened_fn(line) else {
            index += 1;
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let closing = format!("{}}}", " ".repeat(indent));
        let Some(end) = (index + 1..lines.len()).find(|&i| lines[i].trim_end() == closing) else {
            break;
        };
        let length = end - index + 1;
        let reason = lines[..index]
            .iter()
            .rev()
            .map(|l| l.trim_start())
            .take_while(|l| l.starts_with("//") || l.starts_with("#["))
            .any(|l| l.contains("// long:"));
        if length > MAX_FUNCTION_LINES && !reason {
            found.push((index + 1, name.to_string(), length));
        }
        index = end + 1;
    }
    found
}

/// The name of the function a line opens with its body, if it does.
fn opened_fn(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(scoped) => scoped.split_once(") ")?.1,
            None => after.strip_prefix(' ')?,
        };
    }
    rest = rest.strip_prefix("async ").unwrap_or(rest);
    let name = rest.strip_prefix("fn ")?;
    let name = &name
        [..name.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))?];
    let end = line.trim_end();
    (!name.is_empty() && !end.ends_with(';') && !end.ends_with('}')).then_some(name)
}

#[test]
fn functions_are_short_or_say_why() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut offenders = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(root).unwrap().display().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        for (line, name, length) in long_functions(&text) {
            offenders.push(format!("{relative}:{line} {name} ({length} lines)"));
        }
    }
    assert!(
        offenders.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: split them into named steps, or put \
         `// long: <why>` above the fn (the README's layout section lists the longest):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn a_long_function_is_found_unless_it_says_why() {
    let body = "    x();\n".repeat(MAX_FUNCTION_LINES - 1);
    let long = format!("pub(crate) async fn long() {{\n{body}}}\n");
    assert_eq!(
        long_functions(&long),
        vec![(1, "long".to_string(), MAX_FUNCTION_LINES + 1)]
    );
    let nested = format!("impl A {{\n    /// Doc.\n    fn nested(&self) {{\n{body}    }}\n}}\n");
    assert_eq!(
        long_functions(&nested),
        vec![(3, "nested".to_string(), MAX_FUNCTION_LINES + 1)]
    );
    let explained = format!("// long: one table, read whole\n#[test]\n{long}");
    assert!(long_functions(&explained).is_empty());
    let short = "fn short() {\n    x();\n}\nfn declared();\nfn one_line() { x() }\n";
    assert!(long_functions(short).is_empty());
}
