//! `hooky sign`: print the headers that sign a body.

use rand::thread_rng;

use crate::cli::SignArgs;
use crate::exit::{self, CliError};
use crate::output::Output;
use crate::secret::as_keys;
use crate::signature::{self, Keys};

pub fn run(args: SignArgs, out: &Output) -> anyhow::Result<u8> {
    let secrets = if args.scheme == signature::Scheme::None {
        Vec::new()
    } else {
        super::resolve_secrets(&args.secrets, out, super::DevUse::Sign)?.list
    };
    let body = super::read_input(args.file.as_deref())?;
    let timestamp = args.timestamp.unwrap_or_else(super::now_unix);
    let id = args
        .id
        .unwrap_or_else(|| crate::ids::prefixed_id("msg", &mut thread_rng()));
    let keys = as_keys(&secrets);
    let headers = signature::sign(
        args.scheme,
        Keys::new(&keys).with_hex_header(&args.signature_header),
        &body,
        timestamp,
        &id,
    )
    .map_err(|e| CliError::usage(e.to_string()))?;

    if out.json {
        out.json(&Record::Signature {
            scheme: args.scheme,
            headers: HeaderObject(&headers),
        })?;
    } else {
        for (name, value) in &headers {
            out.data(&format!("{name}: {value}"))?;
        }
    }
    Ok(exit::OK)
}

/// The line of `hooky sign --json` (`schema/sign.json`).
#[derive(Debug, serde::Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record<'a> {
    Signature {
        #[cfg_attr(test, schemars(with = "String"))]
        scheme: signature::Scheme,
        /// The headers to send, by name, in the order they go out.
        headers: HeaderObject<'a>,
    },
}

/// Headers as one JSON object, name to value (a scheme's headers have distinct names).
#[derive(Debug)]
pub struct HeaderObject<'a>(pub &'a [crate::headers::Header]);

impl serde::Serialize for HeaderObject<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
    }
}

#[cfg(test)]
impl schemars::JsonSchema for HeaderObject<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HeaderObject".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        generator.subschema_for::<std::collections::BTreeMap<String, String>>()
    }
}
