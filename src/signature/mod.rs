//! The signature core: sign and verify webhook requests exactly as the providers do.
//!
//! Pure by design: no IO, no clock, no async. Time is a parameter (`now`, `timestamp`), headers are a
//! slice of `(name, value)` pairs, and every comparison of a signature or token is constant-time.
//! One file per scheme; this file holds the shared types and the dispatch.

mod crypto;
mod generic;
mod github;
mod gitlab;
mod shopify;
mod slack;
mod standard;
mod stripe;

use std::fmt;

use serde::Serialize;

use crate::headers::{Header, get_all};

/// Header name the generic `hex` scheme uses unless told otherwise.
pub const DEFAULT_HEX_HEADER: &str = "X-Webhook-Signature";
/// Tolerance the providers' libraries use by default (Stripe, Standard Webhooks, Slack): five minutes.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// A signing scheme hooky speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// No signature at all.
    None,
    /// Generic HMAC-SHA256 of the body, hex, in one header (the tutorials' pattern).
    Hex,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`.
    Github,
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>`.
    Stripe,
    /// Standard Webhooks (Svix and others): `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    Standard,
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>`.
    Shopify,
    /// Slack: `X-Slack-Signature: v0=<hex>` with `X-Slack-Request-Timestamp`.
    Slack,
    /// GitLab: `X-Gitlab-Token: <secret>` (a shared token, not a signature).
    Gitlab,
}

impl Scheme {
    pub const ALL: [Scheme; 8] = [
        Scheme::None,
        Scheme::Hex,
        Scheme::Github,
        Scheme::Stripe,
        Scheme::Standard,
        Scheme::Shopify,
        Scheme::Slack,
        Scheme::Gitlab,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scheme::None => "none",
            Scheme::Hex => "hex",
            Scheme::Github => "github",
            Scheme::Stripe => "stripe",
            Scheme::Standard => "standard",
            Scheme::Shopify => "shopify",
            Scheme::Slack => "slack",
            Scheme::Gitlab => "gitlab",
        }
    }

    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the scheme signs a timestamp that receivers check against a tolerance.
    pub fn is_timestamped(self) -> bool {
        matches!(self, Scheme::Stripe | Scheme::Standard | Scheme::Slack)
    }

    /// Whether one request can carry several signatures (secret rotation on the sender side).
    pub fn allows_several_signatures(self) -> bool {
        matches!(self, Scheme::Stripe | Scheme::Standard)
    }

    /// The names of the headers this scheme's signature lives in (lower case), for redaction and
    /// for stripping before a re-sign.
    pub fn signature_header_names(self, hex_header: &str) -> Vec<String> {
        let names: &[&str] = match self {
            Scheme::None => &[],
            Scheme::Hex => return vec![hex_header.to_ascii_lowercase()],
            Scheme::Github => &["x-hub-signature-256", "x-hub-signature"],
            Scheme::Stripe => &["stripe-signature"],
            Scheme::Standard => &[
                "webhook-id",
                "webhook-timestamp",
                "webhook-signature",
                "svix-id",
                "svix-timestamp",
                "svix-signature",
            ],
            Scheme::Shopify => &["x-shopify-hmac-sha256"],
            Scheme::Slack => &["x-slack-signature", "x-slack-request-timestamp"],
            Scheme::Gitlab => &["x-gitlab-token"],
        };
        names.iter().map(|n| n.to_string()).collect()
    }

    /// Checks that a secret can be used with this scheme, saying why not (Standard Webhooks
    /// secrets must be base64).
    pub fn check_secret(self, secret: &[u8]) -> Result<(), String> {
        if secret.is_empty() {
            return Err("the secret is empty".into());
        }
        match self {
            Scheme::Standard => {
                standard::decode_secret(secret)?;
            }
            Scheme::Gitlab => gitlab::check_token(secret)?,
            _ => {}
        }
        Ok(())
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the signer and verifier need besides the request: the secrets (several for rotation) and
/// the header name of the generic `hex` scheme.
#[derive(Clone, Copy)]
pub struct Keys<'a> {
    pub secrets: &'a [&'a [u8]],
    pub hex_header: &'a str,
}

impl<'a> Keys<'a> {
    pub fn new(secrets: &'a [&'a [u8]]) -> Self {
        Keys {
            secrets,
            hex_header: DEFAULT_HEX_HEADER,
        }
    }

    pub fn with_hex_header(mut self, hex_header: &'a str) -> Self {
        self.hex_header = hex_header;
        self
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the {scheme} scheme needs a secret: pass --secret, HOOKY_SECRET or --secret-file")]
    NoSecret { scheme: Scheme },
    #[error("secret #{index} cannot be used with the {scheme} scheme: {reason}")]
    BadSecret {
        scheme: Scheme,
        index: usize,
        reason: String,
    },
}

/// Signs `body` and returns the headers to add to the request.
///
/// `timestamp` (unix seconds) and `id` are used by the schemes that sign them and ignored by the
/// others. Schemes that carry several signatures get one per secret; the others use the first.
pub fn sign(
    scheme: Scheme,
    keys: Keys<'_>,
    body: &[u8],
    timestamp: i64,
    id: &str,
) -> Result<Vec<Header>, SignError> {
    if scheme == Scheme::None {
        return Ok(Vec::new());
    }
    if keys.secrets.is_empty() {
        return Err(SignError::NoSecret { scheme });
    }
    for (index, secret) in keys.secrets.iter().enumerate() {
        scheme
            .check_secret(secret)
            .map_err(|reason| SignError::BadSecret {
                scheme,
                index: index + 1,
                reason,
            })?;
    }
    let first = keys.secrets[0];
    Ok(match scheme {
        Scheme::None => Vec::new(),
        Scheme::Hex => generic::sign(first, body, keys.hex_header),
        Scheme::Github => github::sign(first, body),
        Scheme::Stripe => stripe::sign(keys.secrets, body, timestamp),
        Scheme::Standard => standard::sign(keys.secrets, body, timestamp, id),
        Scheme::Shopify => shopify::sign(first, body),
        Scheme::Slack => slack::sign(first, body, timestamp),
        Scheme::Gitlab => gitlab::sign(first),
    })
}

/// The outcome of verifying one request: exactly what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A signature (or token) matched; `secret_index` is 1-based.
    Valid { scheme: Scheme, secret_index: usize },
    /// The request carries no signature hooky recognises (or the scheme is `none`).
    Unsigned,
    /// The request claims a scheme and fails it.
    Invalid { scheme: Scheme, failure: Failure },
}

impl Verdict {
    /// `valid`, `invalid` or `unsigned`.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "valid",
            Verdict::Unsigned => "unsigned",
            Verdict::Invalid { .. } => "invalid",
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }

    /// What a valid verdict does not cover, when there is something (GitLab's token).
    pub fn note(&self) -> Option<&'static str> {
        match self {
            Verdict::Valid {
                scheme: Scheme::Gitlab,
                ..
            } => Some(gitlab::BODY_NOT_COVERED),
            _ => None,
        }
    }

    pub fn scheme(&self) -> Option<Scheme> {
        match self {
            Verdict::Valid { scheme, .. } | Verdict::Invalid { scheme, .. } => Some(*scheme),
            Verdict::Unsigned => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Valid {
                scheme,
                secret_index,
            } => {
                write!(f, "valid {scheme} signature (secret #{secret_index})")?;
                if *scheme == Scheme::Gitlab {
                    write!(f, "; {}", gitlab::BODY_NOT_COVERED)?;
                }
                Ok(())
            }
            Verdict::Unsigned => f.write_str("unsigned (no signature header hooky recognises)"),
            Verdict::Invalid { scheme, failure } => {
                write!(f, "invalid {scheme} signature: {failure}")
            }
        }
    }
}

/// Why a signed request failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("missing header {header}")]
    MissingHeader { header: String },
    #[error("malformed header {header}: {reason}")]
    MalformedHeader { header: String, reason: String },
    #[error("header {header} appears {count} times; a signed request carries it once")]
    DuplicateHeader { header: String, count: usize },
    #[error(
        "signature mismatch: no signature matches the body with any of the {secrets} secret(s)"
    )]
    Mismatch { secrets: usize },
    #[error("timestamp too old by {by_secs}s (tolerance {tolerance_secs}s)")]
    TimestampTooOld { by_secs: u64, tolerance_secs: u64 },
    #[error("timestamp too new by {by_secs}s (tolerance {tolerance_secs}s)")]
    TimestampTooNew { by_secs: u64, tolerance_secs: u64 },
    #[error("token mismatch: the token matches none of the {secrets} secret(s)")]
    TokenMismatch { secrets: usize },
    #[error("no secret to verify with: pass --secret, HOOKY_SECRET or --secret-file")]
    NoSecret,
    #[error("no usable secret: {reason}")]
    UnusableSecret { reason: String },
}

impl Failure {
    /// A stable snake_case name for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::MissingHeader { .. } => "missing_header",
            Failure::MalformedHeader { .. } => "malformed_header",
            Failure::DuplicateHeader { .. } => "duplicate_header",
            Failure::Mismatch { .. } => "signature_mismatch",
            Failure::TimestampTooOld { .. } => "timestamp_too_old",
            Failure::TimestampTooNew { .. } => "timestamp_too_new",
            Failure::TokenMismatch { .. } => "token_mismatch",
            Failure::NoSecret => "no_secret",
            Failure::UnusableSecret { .. } => "unusable_secret",
        }
    }
}

/// Verifies a request against one scheme. `now` is unix seconds; `tolerance_secs` applies to the
/// timestamped schemes, each the way its provider's library applies it.
pub fn verify(
    scheme: Scheme,
    keys: Keys<'_>,
    headers: &[Header],
    body: &[u8],
    now: i64,
    tolerance_secs: u64,
) -> Verdict {
    if scheme == Scheme::None {
        return Verdict::Unsigned;
    }
    let invalid = |failure| Verdict::Invalid { scheme, failure };
    if keys.secrets.is_empty() {
        return invalid(Failure::NoSecret);
    }
    let check = Check {
        secrets: keys.secrets,
        headers,
        body,
        now,
        tolerance_secs,
    };
    let result = match scheme {
        Scheme::None => unreachable!("handled above"),
        Scheme::Hex => generic::verify(&check, keys.hex_header),
        Scheme::Github => github::verify(&check),
        Scheme::Stripe => stripe::verify(&check),
        Scheme::Standard => standard::verify(&check),
        Scheme::Shopify => shopify::verify(&check),
        Scheme::Slack => slack::verify(&check),
        Scheme::Gitlab => gitlab::verify(&check),
    };
    match result {
        Ok(secret_index) => Verdict::Valid {
            scheme,
            secret_index,
        },
        Err(failure) => invalid(failure),
    }
}

/// Recognises the scheme from the headers present, most specific first.
pub fn detect(headers: &[Header], hex_header: &str) -> Option<Scheme> {
    let has = |name: &str| crate::headers::has(headers, name);
    if has("webhook-signature") || has("svix-signature") {
        Some(Scheme::Standard)
    } else if has("stripe-signature") {
        Some(Scheme::Stripe)
    } else if has("x-hub-signature-256") {
        Some(Scheme::Github)
    } else if has("x-shopify-hmac-sha256") {
        Some(Scheme::Shopify)
    } else if has("x-slack-signature") {
        Some(Scheme::Slack)
    } else if has("x-gitlab-token") {
        Some(Scheme::Gitlab)
    } else if has(hex_header) {
        Some(Scheme::Hex)
    } else {
        None
    }
}

/// Detects the scheme, then verifies with it; a request with no known signature is `Unsigned`.
pub fn verify_auto(
    keys: Keys<'_>,
    headers: &[Header],
    body: &[u8],
    now: i64,
    tolerance_secs: u64,
) -> Verdict {
    match detect(headers, keys.hex_header) {
        Some(scheme) => verify(scheme, keys, headers, body, now, tolerance_secs),
        None => Verdict::Unsigned,
    }
}

/// Everything a scheme's verifier looks at, bundled so each scheme file stays short.
pub(crate) struct Check<'a> {
    secrets: &'a [&'a [u8]],
    headers: &'a [Header],
    body: &'a [u8],
    now: i64,
    tolerance_secs: u64,
}

impl Check<'_> {
    /// The single value of a required header, or the failure that says what is wrong with it.
    fn header(&self, name: &str) -> Result<&str, Failure> {
        match get_all(self.headers, name).as_slice() {
            [] => Err(Failure::MissingHeader {
                header: name.to_string(),
            }),
            [one] => Ok(one.trim()),
            several => Err(Failure::DuplicateHeader {
                header: name.to_string(),
                count: several.len(),
            }),
        }
    }

    /// Index (1-based) of the first secret whose MAC over `message` equals one of `candidates`.
    fn match_any(&self, message: &[&[u8]], candidates: &[Vec<u8>]) -> Option<usize> {
        crypto::first_match(self.secrets.iter().map(|secret| {
            let mac = crypto::hmac_sha256(secret, message);
            candidates
                .iter()
                .fold(subtle::Choice::from(0), |found, candidate| {
                    found | crypto::ct_eq(&mac, candidate)
                })
        }))
    }

    /// Reads a unix timestamp header value; anything but a whole number that fits 64 bits is malformed.
    fn timestamp(&self, header: &str, value: &str) -> Result<i64, Failure> {
        value.parse::<i64>().map_err(|_| Failure::MalformedHeader {
            header: header.to_string(),
            reason: format!(
                "timestamp is not a whole number of unix seconds ({} characters)",
                value.chars().count()
            ),
        })
    }

    /// Rejects a timestamp older than the tolerance; also a newer one when `reject_future`.
    fn check_age(&self, timestamp: i64, reject_future: bool) -> Result<(), Failure> {
        let age = i128::from(self.now) - i128::from(timestamp);
        let tolerance = i128::from(self.tolerance_secs);
        let clamp = |v: i128| u64::try_from(v).unwrap_or(u64::MAX);
        if age > tolerance {
            return Err(Failure::TimestampTooOld {
                by_secs: clamp(age - tolerance),
                tolerance_secs: self.tolerance_secs,
            });
        }
        if reject_future && -age > tolerance {
            return Err(Failure::TimestampTooNew {
                by_secs: clamp(-age - tolerance),
                tolerance_secs: self.tolerance_secs,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
