//! Values of flags that are more than a string, parsed at the command line with one error each:
//! `listen`'s `--expect`, `--status`, `--respond-seq` and `--fail-rate`. Pure; the commands give
//! them their meaning (`commands::listen::expect`, `commands::listen::respond`).

use crate::headers::Header;

/// One condition a request must meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// `type=order.completed`: the event type.
    Type(String),
    /// `verified`: the signature is valid.
    Verified,
    /// `path=/hooks/x`: the path, without the query.
    Path(String),
    /// `method=POST` (case-insensitive).
    Method(String),
    /// `header:X-Foo=bar`: one of the header's values equals this (name case-insensitive).
    Header(String, String),
    /// `json:data.amount=500`: the value at a dot path of the JSON body.
    Json(String, String),
}

const FORMS: &str =
    "type=EVENT, verified, path=/PATH, method=POST, header:NAME=VALUE, json:PATH=VALUE";

/// Parses one `--expect` expression (`listen`'s `expect` matches it against each request).
pub fn parse_expectation(text: &str) -> Result<Expectation, String> {
    let bad = || format!("invalid --expect {text:?}: use one of {FORMS}");
    if text == "verified" {
        return Ok(Expectation::Verified);
    }
    if let Some(rest) = text.strip_prefix("header:") {
        let (name, value) = rest.split_once('=').ok_or_else(bad)?;
        if name.trim().is_empty() {
            return Err(bad());
        }
        return Ok(Expectation::Header(
            name.trim().to_string(),
            value.to_string(),
        ));
    }
    if let Some(rest) = text.strip_prefix("json:") {
        let (path, value) = rest.split_once('=').ok_or_else(bad)?;
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(bad());
        }
        return Ok(Expectation::Json(path.to_string(), value.to_string()));
    }
    let (key, value) = text.split_once('=').ok_or_else(bad)?;
    match key {
        "type" => Ok(Expectation::Type(value.to_string())),
        "path" => Ok(Expectation::Path(value.to_string())),
        "method" => Ok(Expectation::Method(value.to_string())),
        _ => Err(bad()),
    }
}

/// One answer of a sequence: a status and extra headers (`429:retry-after=2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub status: u16,
    pub headers: Vec<Header>,
}

/// Parses a status code, accepting only 100..=599.
pub fn parse_status(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(code) if (100..=599).contains(&code) => Ok(code),
        _ => Err(format!(
            "invalid status {text:?}: use an HTTP status code from 100 to 599"
        )),
    }
}

/// Parses `--fail-rate`: a probability from 0 to 1.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "invalid rate {text:?}: use a probability from 0 to 1, such as 0.2"
        )),
    }
}

/// Parses `500,500,429:retry-after=2,200`: statuses separated by commas, each with optional
/// `:name=value` headers (`retry-after` is written `Retry-After`).
pub fn parse_sequence(text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let mut parts = item.split(':');
        let status = parse_status(parts.next().unwrap_or_default()).map_err(|e| {
            format!("{e} (in --respond-seq {text:?}; write it as 500,429:retry-after=2,200)")
        })?;
        let mut headers = Vec::new();
        for header in parts {
            let (name, value) = header.split_once('=').ok_or_else(|| {
                format!("invalid header {header:?} in --respond-seq: write it as name=value, such as retry-after=2")
            })?;
            let name = name.trim();
            if !crate::http_headers::is_token(name) {
                return Err(format!("invalid header name {name:?} in --respond-seq"));
            }
            let name = if name.eq_ignore_ascii_case("retry-after") {
                "Retry-After".to_string()
            } else {
                name.to_string()
            };
            headers.push((name, value.trim().to_string()));
        }
        steps.push(Step { status, headers });
    }
    Ok(steps)
}

/// A parsed `--respond-seq` (a newtype, so clap takes it as one value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence(pub Vec<Step>);

/// [`parse_sequence`] as a clap value parser.
pub fn parse_sequence_arg(text: &str) -> Result<Sequence, String> {
    parse_sequence(text).map(Sequence)
}
