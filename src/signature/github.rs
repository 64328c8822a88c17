//! GitHub: `X-Hub-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>`.

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, crypto,
    generic,
};

const HEADER: &str = "X-Hub-Signature-256";

pub(super) const PROVIDER: Provider = Provider {
    name: "github",
    aliases: &[],
    summary: "GitHub: X-Hub-Signature-256: sha256=<hex>",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "sha256=",
    // The legacy SHA-1 header is stripped and redacted too: it is made with the same secret.
    other_headers: &["X-Hub-Signature"],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[Location::Header("X-GitHub-Event")],
    event_id: &[Location::Header("X-GitHub-Delivery")],
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
    Signed::headers(vec![(
        HEADER.to_string(),
        format!("sha256={}", crypto::hex_lower(&mac)),
    )])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let value = check.header(HEADER)?;
    let digits = value
        .strip_prefix("sha256=")
        .ok_or_else(|| Failure::MalformedHeader {
            header: HEADER.to_string(),
            reason: "expected sha256=<hex>".to_string(),
        })?;
    let signature = generic::decode_hex_signature(HEADER, digits)?;
    check
        .match_any(&[check.body], &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })
}
