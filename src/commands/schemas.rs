//! The JSON Schemas committed in `schema/` are derived from the record types: this test fails when
//! a committed file differs from what the types give. After changing a record, rewrite them with
//! `HOOKY_BLESS_SCHEMAS=1 cargo test --lib committed_schemas` and commit the diff. The integration
//! tests validate the binary's real output against the committed files.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

/// A schema of what hooky writes (fields skipped when empty are optional, the rest required).
fn schema_of<T: JsonSchema>(title: &str, description: &str) -> Schema {
    let mut schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    schema
}

/// Every committed schema: its file name in `schema/` and its content.
fn schemas() -> Vec<(&'static str, Schema)> {
    use crate::commands::{fixture, listen, poll, replay, secret, send, sign, verify};
    let one_per_line = "One JSON object per line on stdout, told apart by `type`.";
    vec![
        (
            "capture-line.json",
            schema_of::<crate::capture::CaptureRecord>(
                "hooky capture line",
                "One line of a capture file (.hooky/captures.jsonl). `seq` is always the first \
                 field. Lines written before the `v` field existed lack it and read as version 1.",
            ),
        ),
        (
            "listen.json",
            schema_of::<listen::record::Record>("hooky listen --json", one_per_line),
        ),
        (
            "send.json",
            schema_of::<send::record::Record>("hooky send --json", one_per_line),
        ),
        (
            "poll.json",
            schema_of::<poll::record::Record>("hooky poll --json", one_per_line),
        ),
        (
            "replay.json",
            schema_of::<replay::record::Record>(
                "hooky replay --json, hooky captures --json",
                one_per_line,
            ),
        ),
        (
            "sign.json",
            schema_of::<sign::Record>("hooky sign --json", one_per_line),
        ),
        (
            "verify.json",
            schema_of::<verify::Record>("hooky verify --json", one_per_line),
        ),
        (
            "secret.json",
            schema_of::<secret::Record>("hooky secret --json", one_per_line),
        ),
        (
            "fixture.json",
            schema_of::<fixture::Record>("hooky fixture new --json", one_per_line),
        ),
    ]
}

#[test]
fn committed_schemas_match_the_record_types() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let bless = std::env::var_os("HOOKY_BLESS_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, schema) in schemas() {
        let path = dir.join(name);
        let derived = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &derived).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(derived.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "schema/{stale:?} differ from the record types: run HOOKY_BLESS_SCHEMAS=1 cargo test --lib committed_schemas and commit the diff"
    );
}
