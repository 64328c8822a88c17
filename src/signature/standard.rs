//! Standard Webhooks (Svix and others): `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64> [v1,<base64>…]` over `"{id}.{timestamp}.{body}"`, keyed with the
//! base64-decoded secret (after an optional `whsec_`). Svix's `svix-*` names are read too. Like the
//! reference library: the timestamp is checked first, in both directions.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, Tolerance,
    crypto,
};
use crate::headers::get_one;

pub(super) const PROVIDER: Provider = Provider {
    name: "standard",
    aliases: &["svix"],
    summary: "Standard Webhooks (Svix and others): webhook-id, webhook-timestamp, webhook-signature",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "v1,",
    other_headers: &[ID, TIMESTAMP, "svix-id", "svix-timestamp", "svix-signature"],
    tolerance: Some(Tolerance {
        default_secs: super::DEFAULT_TOLERANCE_SECS,
        rejects_future: true,
    }),
    several_signatures: true,
    signs_id: true,
    event_type: &[],
    event_id: &[Location::Header(ID), Location::Header("svix-id")],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::StaleTimestamp,
        Attack::FutureTimestamp,
        Attack::Rotation,
    ],
    note: None,
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(SIGNATURE) || request.has("svix-signature"),
    check_key: |secret| decode_secret(secret).map(drop),
    sign,
    verify,
    signed_timestamp: |headers, _| {
        get_one(headers, TIMESTAMP)
            .or_else(|| get_one(headers, "svix-timestamp"))?
            .trim()
            .parse()
            .ok()
    },
};

const ID: &str = "webhook-id";
const TIMESTAMP: &str = "webhook-timestamp";
const SIGNATURE: &str = "webhook-signature";

/// The key behind a `whsec_<base64>` secret.
fn decode_secret(secret: &[u8]) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix(b"whsec_").unwrap_or(secret);
    let key = BASE64.decode(encoded).map_err(|_| {
        "Standard Webhooks secrets are base64, optionally prefixed with whsec_".to_string()
    })?;
    if key.is_empty() {
        return Err("the secret decodes to no bytes".to_string());
    }
    Ok(key)
}

fn sign(s: &Signing<'_>) -> Signed {
    let (body, id) = (s.request.body, s.id);
    let ts = s.timestamp.to_string();
    let signatures: Vec<String> = s
        .keys
        .iter()
        .map(|secret| {
            let key = decode_secret(secret).expect("secrets are checked before signing");
            let mac = crypto::hmac_sha256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
            format!("v1,{}", BASE64.encode(mac))
        })
        .collect();
    Signed::headers(vec![
        (ID.to_string(), id.to_string()),
        (TIMESTAMP.to_string(), ts),
        (SIGNATURE.to_string(), signatures.join(" ")),
    ])
}

/// The value of `webhook-<name>`, falling back to Svix's `svix-<name>`.
fn header<'a>(check: &'a Check<'_>, name: &str) -> Result<(&'a str, String), Failure> {
    let standard = format!("webhook-{name}");
    match check.header(&standard) {
        Err(Failure::MissingHeader { .. }) => {
            let svix = format!("svix-{name}");
            match check.header(&svix) {
                Ok(value) => Ok((value, svix)),
                Err(Failure::MissingHeader { .. }) => {
                    Err(Failure::MissingHeader { header: standard })
                }
                Err(other) => Err(other),
            }
        }
        Ok(value) => Ok((value, standard)),
        Err(other) => Err(other),
    }
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let (id, _) = header(check, "id")?;
    let (ts_text, ts_header) = header(check, "timestamp")?;
    let (value, sig_header) = header(check, "signature")?;
    let timestamp = check.timestamp(&ts_header, ts_text)?;
    check.check_age(timestamp)?;

    let v1: Vec<&str> = value
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .collect();
    if v1.is_empty() {
        return Err(Failure::MalformedHeader {
            header: sig_header,
            reason: "no v1,<base64> entry".to_string(),
        });
    }
    let decoded: Vec<Vec<u8>> = v1
        .iter()
        .filter_map(|sig| BASE64.decode(sig).ok())
        .collect();
    if decoded.is_empty() {
        return Err(Failure::MalformedHeader {
            header: sig_header,
            reason: "no v1 signature is valid base64".to_string(),
        });
    }

    let mut keys = Vec::new();
    let mut last_problem = String::new();
    for secret in check.secrets {
        match decode_secret(secret) {
            Ok(key) => keys.push(Some(key)),
            Err(problem) => {
                last_problem = problem;
                keys.push(None);
            }
        }
    }
    if keys.iter().all(Option::is_none) {
        return Err(Failure::UnusableSecret {
            reason: last_problem,
        });
    }
    let ts = timestamp.to_string();
    let message: [&[u8]; 5] = [id.as_bytes(), b".", ts.as_bytes(), b".", check.body];
    crypto::first_match(keys.iter().map(|key| match key {
        Some(key) => {
            let mac = crypto::hmac_sha256(key, &message);
            decoded.iter().fold(subtle::Choice::from(0), |found, sig| {
                found | crypto::ct_eq(&mac, sig)
            })
        }
        None => subtle::Choice::from(0),
    }))
    .ok_or(Failure::Mismatch {
        secrets: check.secrets.len(),
    })
}
