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
        let map: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into()))
            .collect();
        out.json(&serde_json::json!({
            "type": "signature", "scheme": settings.scheme, "headers": map,
        }))?;
    } else {
        for (name, value) in &headers {
            out.data(&format!("{name}: {value}"))?;
        }
    }
    Ok(exit::OK)
}
