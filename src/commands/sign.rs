//! `hooky sign`: print the headers that sign a body. The flags become [`settings::Settings`]
//! first.

pub mod settings;

use crate::cli::SignArgs;
use crate::exit;
use crate::output::Output;
use settings::Settings;

pub fn run(args: SignArgs, out: &Output) -> anyhow::Result<u8> {
    let settings = Settings::from_args(args, out, super::now_unix(), &mut rand::thread_rng())?;
    let body = super::read_input(settings.file.as_deref())?;
    let headers = settings.sign(&body)?;

    if out.json {
        out.json(&Record::Signature {
            scheme: settings.scheme,
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
        scheme: crate::signature::Scheme,
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
