//! GitLab: `X-Gitlab-Token: <secret>`. A shared token, not a signature: the body is not covered.

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, crypto,
};

const HEADER: &str = "X-Gitlab-Token";

pub(super) const PROVIDER: Provider = Provider {
    name: "gitlab",
    aliases: &[],
    summary: "GitLab: X-Gitlab-Token: <secret> (a shared token, not a signature)",
    key: KeyKind::Token,
    signature: SignatureAt::Header(HEADER),
    signature_prefix: "",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[Location::Header("X-Gitlab-Event")],
    // Unique per event (X-Gitlab-Webhook-UUID names the webhook, not the event).
    event_id: &[Location::Header("X-Gitlab-Event-UUID")],
    // The token is the secret itself, so "wrong secret" is "wrong signature", and the body is not
    // signed at all.
    attacks: &[Attack::WrongSignature, Attack::MissingHeader],
    note: Some("token only: gitlab does not sign the body"),
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(HEADER),
    check_key: check_token,
    sign,
    verify,
    signed_timestamp: super::no_timestamp,
};

/// The token travels as a header value, so it must be one: visible ASCII, no surrounding spaces.
fn check_token(secret: &[u8]) -> Result<(), String> {
    let printable = secret.iter().all(|b| (0x20..0x7f).contains(b));
    let trimmed = secret.first() != Some(&b' ') && secret.last() != Some(&b' ');
    if printable && trimmed {
        Ok(())
    } else {
        Err(
            "a GitLab token is sent as a header value: visible ASCII only, no surrounding spaces"
                .into(),
        )
    }
}

fn sign(s: &Signing<'_>) -> Signed {
    Signed::headers(vec![(
        HEADER.to_string(),
        String::from_utf8_lossy(s.first()).into_owned(),
    )])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let token = check.header(HEADER)?;
    crypto::first_match(
        check
            .secrets
            .iter()
            .map(|secret| crypto::ct_eq(secret, token.as_bytes())),
    )
    .ok_or(Failure::TokenMismatch {
        secrets: check.secrets.len(),
    })
}
