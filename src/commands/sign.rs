//! `hooky sign`: print the headers that sign a body and, for the schemes that write into the body
//! (Mailgun's signature object, Linear's `webhookTimestamp`), the body to send. The flags become
//! [`settings::Settings`] first.

pub mod settings;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::cli::SignArgs;
use crate::exit;
use crate::output::Output;
use settings::Settings;

pub fn run(args: SignArgs, out: &Output) -> anyhow::Result<u8> {
    let settings = Settings::from_args(args, out, super::now_unix(), &mut rand::thread_rng())?;
    let body = super::read_input(settings.file.as_deref())?;
    let signed = settings.sign(&body)?;

    if out.json {
        let text = signed.body.as_deref().map(std::str::from_utf8);
        out.json(&Record::Signature {
            scheme: settings.scheme,
            headers: HeaderObject(&signed.headers),
            body: text.and_then(Result::ok),
            body_base64: match (&signed.body, text) {
                (Some(bytes), Some(Err(_))) => Some(BASE64.encode(bytes)),
                _ => None,
            },
        })?;
    } else {
        for (name, value) in &signed.headers {
            out.data(&format!("{name}: {value}"))?;
        }
        if let Some(body) = &signed.body {
            // As in an HTTP message: a blank line, then the body byte for byte.
            out.data("")?;
            out.data_bytes(body)?;
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
        /// The body to send, when the scheme wrote into it (mailgun, linear) and it is UTF-8.
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<&'a str>,
        /// The body to send, base64, when the scheme wrote into it and it is not UTF-8.
        #[serde(skip_serializing_if = "Option::is_none")]
        body_base64: Option<String>,
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
