//! `send --attack`: the receiver-conformance checks. Which requests to send for a scheme (a valid
//! one, variants a verifying receiver must reject, a rotation header it must accept, a duplicate
//! event id to report) and how to judge the answers. Pure; the command sends and prints.

use serde::Serialize;

use crate::outbound::delivery::Outgoing;
use crate::secret::Secret;
use crate::signature::{Attack, Scheme};
use crate::webhook::{Signer, Webhook};

/// How far outside the providers' default five-minute tolerance the stale and future variants go;
/// twice the tolerance for providers that allow more.
pub const SKEW_SECS: i64 = 600;

fn skew_secs(scheme: Scheme) -> i64 {
    let tolerance = i64::try_from(scheme.default_tolerance_secs()).unwrap_or(i64::MAX / 2);
    SKEW_SECS.max(tolerance.saturating_mul(2))
}

/// A secret no receiver is configured with (valid base64 for Standard Webhooks).
const WRONG_SECRETS: [&str; 2] = [
    "whsec_aG9va3ktYXR0YWNrLXdyb25nLXNlY3JldA==",
    "whsec_YW5vdGhlci13cm9uZy1zZWNyZXQtZm9yLWhvb2t5",
];

/// What a conforming receiver does with a check's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// Answers 2xx.
    Accept,
    /// Answers anything but 2xx.
    Reject,
    /// Not judged: the answer is reported.
    Info,
}

/// One check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Valid,
    WrongSignature,
    MissingHeader,
    WrongSecret,
    BodyChanged,
    StaleTimestamp,
    FutureTimestamp,
    Rotation,
    UrlChanged,
    Duplicate,
}

impl Check {
    /// The checks that apply to a scheme, in the order they are sent: the valid event, the
    /// provider's attack variants, the duplicate.
    pub fn for_scheme(scheme: Scheme) -> Vec<Check> {
        let mut checks = vec![Check::Valid];
        checks.extend(scheme.provider().attacks.iter().map(|attack| match attack {
            Attack::WrongSignature => Check::WrongSignature,
            Attack::MissingHeader => Check::MissingHeader,
            Attack::WrongSecret => Check::WrongSecret,
            Attack::BodyChanged => Check::BodyChanged,
            Attack::StaleTimestamp => Check::StaleTimestamp,
            Attack::FutureTimestamp => Check::FutureTimestamp,
            Attack::Rotation => Check::Rotation,
            Attack::UrlChanged => Check::UrlChanged,
        }));
        checks.push(Check::Duplicate);
        checks
    }

    pub fn name(self) -> &'static str {
        match self {
            Check::Valid => "valid",
            Check::WrongSignature => "wrong_signature",
            Check::MissingHeader => "missing_header",
            Check::WrongSecret => "wrong_secret",
            Check::BodyChanged => "body_changed",
            Check::StaleTimestamp => "stale_timestamp",
            Check::FutureTimestamp => "future_timestamp",
            Check::Rotation => "rotation",
            Check::UrlChanged => "url_changed",
            Check::Duplicate => "duplicate_id",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Check::Valid => "correctly signed event",
            Check::WrongSignature => "signature altered",
            Check::MissingHeader => "signature header missing",
            Check::WrongSecret => "signed with another secret",
            Check::BodyChanged => "body changed after signing",
            Check::StaleTimestamp => "timestamp 10 minutes (or twice the tolerance) old",
            Check::FutureTimestamp => "timestamp 10 minutes (or twice the tolerance) ahead",
            Check::Rotation => "two signatures, the second valid",
            Check::UrlChanged => "signed for another URL",
            Check::Duplicate => "same event id sent twice",
        }
    }

    pub fn expect(self) -> Expect {
        match self {
            Check::Valid | Check::Rotation => Expect::Accept,
            Check::Duplicate => Expect::Info,
            _ => Expect::Reject,
        }
    }

    /// The requests for this check (two for the duplicate), built from a fresh event.
    pub fn requests(self, webhook: &Webhook, signer: &Signer, now: i64) -> Vec<Outgoing> {
        let scheme = signer.scheme;
        let wrong = || {
            signer
                .with_secrets(vec![Secret::new(WRONG_SECRETS[0])])
                .expect("the wrong secret suits every scheme")
        };
        match self {
            Check::Valid => vec![webhook.signed(signer, now)],
            Check::Duplicate => vec![webhook.signed(signer, now), webhook.signed(signer, now)],
            Check::WrongSignature => {
                let mut request = webhook.signed(signer, now);
                alter_signature(scheme, &signer.hex_header, &mut request);
                vec![request]
            }
            Check::MissingHeader => {
                let mut request = webhook.signed(signer, now);
                let name = signature_header(scheme, &signer.hex_header);
                request
                    .headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
                vec![request]
            }
            Check::WrongSecret => vec![webhook.signed(&wrong(), now)],
            Check::BodyChanged => {
                let mut request = webhook.signed(signer, now);
                request.body = tamper(&request.body);
                vec![request]
            }
            Check::StaleTimestamp => vec![webhook.signed(signer, now - skew_secs(scheme))],
            Check::FutureTimestamp => vec![webhook.signed(signer, now + skew_secs(scheme))],
            Check::Rotation => {
                let mut secrets = vec![Secret::new(WRONG_SECRETS[1])];
                secrets.extend(signer_secrets_first(signer));
                let pair = signer
                    .with_secrets(secrets)
                    .expect("both secrets suit the scheme");
                vec![webhook.signed(&pair, now)]
            }
            Check::UrlChanged => {
                let mut elsewhere = webhook.clone();
                elsewhere.url = other_url(&webhook.url);
                let mut request = elsewhere.signed(signer, now);
                request.url = webhook.url.clone();
                vec![request]
            }
        }
    }
}

/// `url` with a path segment added: what a URL-signing sender would have signed for another
/// endpoint.
fn other_url(url: &reqwest::Url) -> reqwest::Url {
    let mut other = url.clone();
    other.set_path(&format!(
        "{}/signed-for-another-url",
        url.path().trim_end_matches('/')
    ));
    other
}

/// The signer's first secret, the one the receiver is assumed to hold.
fn signer_secrets_first(signer: &Signer) -> Vec<Secret> {
    signer.secrets().first().cloned().into_iter().collect()
}

/// The one header that holds the signature proper.
fn signature_header(scheme: Scheme, hex_header: &str) -> String {
    scheme.signature_header(hex_header).unwrap_or_default()
}

/// Changes the first character of the signature value (the last one may only carry base64 padding
/// bits a lenient decoder ignores), keeping it well-formed hex or base64.
fn alter_signature(scheme: Scheme, hex_header: &str, request: &mut Outgoing) {
    let name = signature_header(scheme, hex_header);
    let marker = scheme.provider().signature_prefix;
    for (n, value) in request.headers.iter_mut() {
        if !n.eq_ignore_ascii_case(&name) {
            continue;
        }
        let at = value.find(marker).map_or(0, |i| i + marker.len());
        if let Some(c) = value[at..].chars().next() {
            let replacement = if c == '0' { "1" } else { "0" };
            value.replace_range(at..at + c.len_utf8(), replacement);
        }
    }
}

/// The body with a change a receiver must notice: a field added to a JSON object, else a byte.
fn tamper(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.insert("tampered".into(), true.into());
            serde_json::to_vec(&map).unwrap_or_else(|_| body.to_vec())
        }
        _ => {
            let mut changed = body.to_vec();
            changed.push(b' ');
            changed
        }
    }
}

/// The verdict on one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Info,
}

/// Judges the statuses a check got (`None` = no answer).
pub fn judge(expect: Expect, statuses: &[Option<u16>]) -> Outcome {
    let ok = |s: &Option<u16>| s.is_some_and(|s| (200..300).contains(&s));
    match expect {
        Expect::Info => Outcome::Info,
        Expect::Accept if statuses.iter().all(ok) => Outcome::Pass,
        Expect::Reject if statuses.iter().all(|s| s.is_some() && !ok(s)) => Outcome::Pass,
        _ => Outcome::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Keys, verify};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const NOW: i64 = 1_700_000_000;

    fn webhook() -> Webhook {
        let body = br#"{"id":"evt_1","amount":5}"#;
        // Twilio covers a JSON body through the URL's bodySHA256 (the others ignore the query).
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body));
        Webhook {
            method: "POST".into(),
            url: reqwest::Url::parse(&format!("http://127.0.0.1:9/?bodySHA256={hash}")).unwrap(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            user_headers: vec![],
            body: body.to_vec(),
            event_id: "evt_1".into(),
            event_type: "t".into(),
        }
    }

    #[test]
    fn every_variant_gets_the_verdict_a_verifier_gives() {
        for scheme in Scheme::all().filter(|s| *s != Scheme::NONE) {
            let signer = Signer::new(scheme, vec![Secret::new(SECRET)], "X-Sig").unwrap();
            let keys: [&[u8]; 1] = [SECRET.as_bytes()];
            for check in Check::for_scheme(scheme) {
                for request in check.requests(&webhook(), &signer, NOW) {
                    let verdict = verify(
                        scheme,
                        Keys::new(&keys).with_hex_header("X-Sig"),
                        &request.signed_request(),
                        NOW,
                        None,
                    );
                    let accepted = verdict.is_valid();
                    match check.expect() {
                        Expect::Accept | Expect::Info => {
                            assert!(accepted, "{scheme} {check:?}: {verdict}")
                        }
                        Expect::Reject => assert!(!accepted, "{scheme} {check:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn checks_per_scheme() {
        let stripe = Check::for_scheme(Scheme::STRIPE);
        assert!(
            stripe.contains(&Check::StaleTimestamp) && !stripe.contains(&Check::FutureTimestamp)
        );
        assert!(stripe.contains(&Check::Rotation));
        assert!(Check::for_scheme(Scheme::SLACK).contains(&Check::FutureTimestamp));
        assert!(!Check::for_scheme(Scheme::GITHUB).contains(&Check::StaleTimestamp));
        assert!(!Check::for_scheme(Scheme::GITLAB).contains(&Check::BodyChanged));
    }

    #[test]
    fn judging() {
        assert_eq!(judge(Expect::Accept, &[Some(204)]), Outcome::Pass);
        assert_eq!(judge(Expect::Accept, &[Some(401)]), Outcome::Fail);
        assert_eq!(judge(Expect::Reject, &[Some(401)]), Outcome::Pass);
        assert_eq!(judge(Expect::Reject, &[Some(200)]), Outcome::Fail);
        assert_eq!(judge(Expect::Reject, &[None]), Outcome::Fail);
        assert_eq!(judge(Expect::Info, &[Some(200), Some(409)]), Outcome::Info);
    }
}
