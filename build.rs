//! Embeds the built-in fixtures (fixtures/**/*.json) into the binary, so `hooky send order.completed`
//! works from any folder. Generates a table of (name, contents) with `include_str!`, which keeps
//! cargo's change tracking exact without a runtime dependency.

use std::path::{Path, PathBuf};

fn main() {
    // Read at run time, not with env!: a build script compiled for another checkout (a shared
    // CARGO_TARGET_DIR) must still read this one's fixtures.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("fixtures");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    // An empty table would build a hooky whose every `send` says "no fixture named …".
    assert!(
        !files.is_empty(),
        "no built-in fixtures found under {}",
        root.display()
    );
    let mut table = String::from(
        "/// Built-in fixtures: (name, template text).\npub static BUILT_IN: &[(&str, &str)] = &[\n",
    );
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let relative = path.strip_prefix(&root).expect("under fixtures/");
        let name = relative
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        table.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("built_in_fixtures.rs"), table).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read the fixtures folder {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
}
