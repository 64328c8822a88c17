//! GitLab: `X-Gitlab-Token: <secret>`. A shared token, not a signature: the body is not covered.

use super::{Check, Failure, crypto};
use crate::headers::Header;

pub(super) const HEADER: &str = "X-Gitlab-Token";
pub(super) const BODY_NOT_COVERED: &str = "token only: gitlab does not sign the body";

/// The token travels as a header value, so it must be one: visible ASCII, no surrounding spaces.
pub(super) fn check_token(secret: &[u8]) -> Result<(), String> {
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

pub(super) fn sign(secret: &[u8]) -> Vec<Header> {
    vec![(
        HEADER.to_string(),
        String::from_utf8_lossy(secret).into_owned(),
    )]
}

pub(super) fn verify(check: &Check<'_>) -> Result<usize, Failure> {
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
