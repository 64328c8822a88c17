//! Shopify: `X-Shopify-Hmac-Sha256: <base64 of HMAC-SHA256(secret, body)>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, crypto,
};

const HEADER: &str = "X-Shopify-Hmac-Sha256";

pub(super) const PROVIDER: Provider = Provider {
    name: "shopify",
    aliases: &[],
    summary: "Shopify: X-Shopify-Hmac-Sha256: <base64>",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[Location::Header("X-Shopify-Topic")],
    event_id: &[Location::Header("X-Shopify-Webhook-Id")],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
    ],
    note: None,
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(HEADER),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: super::no_timestamp,
};

fn sign(s: &Signing<'_>) -> Signed {
    let mac = crypto::hmac_sha256(s.first(), &[s.request.body]);
    Signed::headers(vec![(HEADER.to_string(), BASE64.encode(mac))])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let signature = BASE64.decode(value).map_err(|_| Failure::MalformedHeader {
        header: HEADER.to_string(),
        reason: format!(
            "signature is not base64 (44 characters expected, got {})",
            value.chars().count()
        ),
    })?;
    check
        .match_any(&[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}
