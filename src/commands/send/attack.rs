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
    /// A valid event whose bytes change under any re-serialisation (pretty-printed, non-ASCII
    /// text, `1.0`, an escaped `\/`), as real providers' bodies do.
    Reserialised,
    WrongSignature,
    MissingHeader,
    WrongSecret,
    BodyChanged,
    StaleTimestamp,
    /// A timestamp one second past the provider's tolerance.
    JustPastTolerance,
    FutureTimestamp,
    /// Two signatures, the valid one last.
    RotationLast,
    /// Two signatures, the valid one first.
    RotationFirst,
    /// Signed for another URL than the one it is sent to (URL-signing schemes).
    UrlChanged,
    /// The signed fields exchanged, the signature kept (Mailgun's timestamp and token).
    FieldsSwapped,
    Duplicate,
}

impl Check {
    /// The checks that apply to a scheme, in the order they are sent: the valid events, the
    /// provider's attack variants, the duplicate.
    pub fn for_scheme(scheme: Scheme) -> Vec<Check> {
        let mut checks = vec![Check::Valid, Check::Reserialised];
        for attack in scheme.provider().attacks {
            match attack {
                Attack::WrongSignature => checks.push(Check::WrongSignature),
                Attack::MissingHeader => checks.push(Check::MissingHeader),
                Attack::WrongSecret => checks.push(Check::WrongSecret),
                Attack::BodyChanged => checks.push(Check::BodyChanged),
                Attack::StaleTimestamp => {
                    checks.extend([Check::StaleTimestamp, Check::JustPastTolerance])
                }
                Attack::FutureTimestamp => checks.push(Check::FutureTimestamp),
                Attack::Rotation => checks.extend([Check::RotationLast, Check::RotationFirst]),
                Attack::UrlChanged => checks.push(Check::UrlChanged),
                Attack::FieldsSwapped => checks.push(Check::FieldsSwapped),
            }
        }
        checks.push(Check::Duplicate);
        checks
    }

    pub fn name(self) -> &'static str {
        match self {
            Check::Valid => "valid",
            Check::Reserialised => "valid_reformatted",
            Check::WrongSignature => "wrong_signature",
            Check::MissingHeader => "missing_header",
            Check::WrongSecret => "wrong_secret",
            Check::BodyChanged => "body_changed",
            Check::StaleTimestamp => "stale_timestamp",
            Check::JustPastTolerance => "past_tolerance",
            Check::FutureTimestamp => "future_timestamp",
            Check::RotationLast => "rotation",
            Check::RotationFirst => "rotation_first",
            Check::UrlChanged => "url_changed",
            Check::FieldsSwapped => "fields_swapped",
            Check::Duplicate => "duplicate_id",
        }
    }

    pub fn description(self, scheme: Scheme) -> String {
        let in_body = scheme.signature_header("").is_none();
        match self {
            Check::MissingHeader if in_body => "signature removed from the body".into(),
            // Mailgun: what the signature covers in the body is the timestamp and token.
            Check::BodyChanged if in_body => "token changed after signing".into(),
            Check::Valid => "correctly signed event".into(),
            Check::Reserialised => "signed event, pretty JSON, é, 1.0, \\/".into(),
            Check::WrongSignature => "signature altered".into(),
            Check::MissingHeader => "signature header missing".into(),
            Check::WrongSecret => "signed with another secret".into(),
            Check::BodyChanged => "body changed after signing".into(),
            Check::StaleTimestamp => format!("timestamp {} old", skew_text(scheme)),
            Check::JustPastTolerance => format!(
                "timestamp {}s old (tolerance {}s)",
                scheme.default_tolerance_secs() + 1,
                scheme.default_tolerance_secs()
            ),
            Check::FutureTimestamp => format!("timestamp {} ahead", skew_text(scheme)),
            Check::RotationLast => "two signatures, the second valid".into(),
            Check::RotationFirst => "two signatures, the first valid".into(),
            Check::UrlChanged => "signed for another URL".into(),
            Check::FieldsSwapped => "timestamp and token swapped".into(),
            Check::Duplicate => "same event id sent twice".into(),
        }
    }

    pub fn expect(self) -> Expect {
        match self {
            Check::Valid | Check::Reserialised | Check::RotationLast | Check::RotationFirst => {
                Expect::Accept
            }
            Check::Duplicate => Expect::Info,
            _ => Expect::Reject,
        }
    }

    /// The requests for this check (two for the duplicate), built from a fresh event.
    pub fn requests(self, webhook: &Webhook, signer: &Signer, now: i64) -> Vec<Outgoing> {
        let scheme = signer.scheme;
        let wrong = || {
            // A key-pair scheme's wrong key is another private key of its kind.
            let key = crate::signature::key_pair::wrong_private_key(scheme)
                .unwrap_or_else(|| WRONG_SECRETS[0].to_string());
            signer
                .with_secrets(vec![Secret::new(key)])
                .expect("the wrong key suits its scheme")
        };
        let rotation = |valid_first: bool| {
            let mut secrets = signer_secrets_first(signer);
            let wrong = Secret::new(WRONG_SECRETS[1]);
            if valid_first {
                secrets.push(wrong);
            } else {
                secrets.insert(0, wrong);
            }
            let pair = signer
                .with_secrets(secrets)
                .expect("both secrets suit the scheme");
            vec![webhook.signed(&pair, now)]
        };
        let skew = skew_secs(scheme);
        match self {
            Check::Valid => vec![webhook.signed(signer, now)],
            Check::Reserialised => {
                let mut reformatted = webhook.clone();
                reformatted.body = reformat(&webhook.body);
                reformatted.url = with_body_hash(&webhook.url, &reformatted.body);
                vec![reformatted.signed(signer, now)]
            }
            Check::Duplicate => vec![webhook.signed(signer, now), webhook.signed(signer, now)],
            Check::WrongSignature
            | Check::MissingHeader
            | Check::BodyChanged
            | Check::FieldsSwapped => {
                vec![self.forged(webhook.signed(signer, now), scheme, &signer.hex_header)]
            }
            Check::WrongSecret => vec![webhook.signed(&wrong(), now)],
            Check::StaleTimestamp => vec![webhook.signed(signer, now - skew)],
            Check::JustPastTolerance => {
                let past = i64::try_from(scheme.default_tolerance_secs()).unwrap_or(i64::MAX);
                vec![webhook.signed(signer, now.saturating_sub(past).saturating_sub(1))]
            }
            Check::FutureTimestamp => vec![webhook.signed(signer, now + skew)],
            Check::RotationLast => rotation(false),
            Check::RotationFirst => rotation(true),
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

impl Check {
    /// A signed request altered after signing: its signature changed or removed, or the body
    /// changed; where the signature travels in the body (Mailgun), the provider's own forgery,
    /// which can also swap two signed fields.
    fn forged(self, mut request: Outgoing, scheme: Scheme, hex_header: &str) -> Outgoing {
        if scheme.signature_header(hex_header).is_none() {
            let attack = match self {
                Check::WrongSignature => Attack::WrongSignature,
                Check::MissingHeader => Attack::MissingHeader,
                Check::BodyChanged => Attack::BodyChanged,
                _ => Attack::FieldsSwapped,
            };
            if let Some(body) = crate::signature::forge_body(scheme, &request.body, attack) {
                request.body = body;
            }
            return request;
        }
        match self {
            Check::WrongSignature => alter_signature(scheme, hex_header, &mut request),
            Check::MissingHeader => {
                let name = signature_header(scheme, hex_header);
                request
                    .headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            }
            // BodyChanged (a header scheme has no signed fields to swap: its body changes too).
            _ => request.body = tamper(&request.body),
        }
        request
    }
}

fn skew_text(scheme: Scheme) -> String {
    crate::units::format_duration(std::time::Duration::from_secs(
        skew_secs(scheme).unsigned_abs(),
    ))
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

/// `url` with a `bodySHA256` parameter (Twilio's cover of a JSON body) made the hash of `body`,
/// as a sender of that body would have it; other URLs unchanged.
fn with_body_hash(url: &reqwest::Url, body: &[u8]) -> reqwest::Url {
    use sha2::Digest;
    if !url.query_pairs().any(|(name, _)| name == "bodySHA256") {
        return url.clone();
    }
    let hash = hex::encode(sha2::Sha256::digest(body));
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let value = if name == "bodySHA256" {
                hash.clone()
            } else {
                value.into_owned()
            };
            (name.into_owned(), value)
        })
        .collect();
    let mut changed = url.clone();
    changed.query_pairs_mut().clear().extend_pairs(pairs);
    changed
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

/// Fields whose bytes no JSON serialiser writes back the same way: raw non-ASCII (Python escapes
/// it), an escaped `\u2615` (JavaScript writes it raw), `1.0` (JavaScript writes `1`) and `\/`
/// (everyone writes `/`).
const REFORMAT_FIELDS: &str =
    "  \"note\": \"Crème brûlée \\u2615 https:\\/\\/example.com\\/menu\",\n  \"rate\": 1.0";

/// The body pretty-printed with two-space indents, `REFORMAT_FIELDS` added to an object: still
/// the same event, but verifying it after parsing and serialising again fails.
pub fn reformat(body: &[u8]) -> Vec<u8> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return body.to_vec();
    };
    let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
    match &value {
        serde_json::Value::Object(map) if pretty.ends_with('}') => {
            let head = pretty[..pretty.len() - 1].trim_end();
            let separator = if map.is_empty() { "\n" } else { ",\n" };
            format!("{head}{separator}{REFORMAT_FIELDS}\n}}").into_bytes()
        }
        _ => pretty.into_bytes(),
    }
}

/// The verdict on one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    /// Rejected, but with a 5xx: a sender retries it.
    Warn,
    /// Not sent: the valid event was rejected, so rejecting this one proves nothing.
    Skipped,
    Info,
}

/// A judged check: its outcome and, when there is one, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// Judges the statuses a check got (`None` = no answer).
pub fn judge(expect: Expect, statuses: &[Option<u16>]) -> Judged {
    let ok = |s: &Option<u16>| s.is_some_and(|s| (200..300).contains(&s));
    let plain = |outcome| Judged {
        outcome,
        note: None,
    };
    match expect {
        Expect::Info => plain(Outcome::Info),
        Expect::Accept if statuses.iter().all(ok) => plain(Outcome::Pass),
        Expect::Reject if statuses.iter().all(|s| s.is_some() && !ok(s)) => {
            match statuses.iter().flatten().find(|s| **s >= 500) {
                Some(status) => Judged {
                    outcome: Outcome::Warn,
                    note: Some(format!(
                        "rejected with {status}: a sender will retry this forged request (answer 4xx)"
                    )),
                },
                None => plain(Outcome::Pass),
            }
        }
        _ => plain(Outcome::Fail),
    }
}

/// A conclusion drawn from several checks together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    /// A stable snake_case name for scripts.
    pub code: &'static str,
    pub message: String,
}

/// What the results say about the receiver, beyond each check: the valid event rejected (and its
/// likely causes), a body verified after re-serialising, one end of a rotation header ignored.
/// `signs_url`: the scheme signs the URL, which the receiver may see differently.
pub fn diagnose(results: &[(Check, Outcome)], scheme: Scheme, signs_url: bool) -> Vec<Diagnosis> {
    let outcome = |check| {
        results
            .iter()
            .find(|(c, _)| *c == check)
            .map(|(_, outcome)| *outcome)
    };
    let failed = |check| outcome(check) == Some(Outcome::Fail);
    let passed = |check| outcome(check) == Some(Outcome::Pass);
    let mut found = Vec::new();
    if failed(Check::Valid) {
        let mut causes = vec![
            format!("it verifies another scheme than {scheme} (--scheme)"),
            "it holds another secret (--secret)".to_string(),
            "it verifies the body after parsing and re-serialising it, not the raw bytes"
                .to_string(),
        ];
        if signs_url {
            causes.push(format!(
                "{scheme} signs the URL: the one it verifies (behind a proxy or tunnel) differs from --to"
            ));
        }
        found.push(Diagnosis {
            code: "valid_rejected",
            message: format!(
                "the receiver rejected the correctly signed event, so every must-reject check was \
                 skipped (rejecting everything would pass them all). Likely: {}",
                causes.join("; ")
            ),
        });
    } else if passed(Check::Valid) && failed(Check::Reserialised) {
        found.push(Diagnosis {
            code: "body_reserialised",
            message: "the receiver accepts a compact ASCII body but rejects the same event \
                      pretty-printed with non-ASCII text, 1.0 and \\/: it verifies a re-serialised \
                      body (parsed, then serialised again) instead of the raw bytes it received"
                .into(),
        });
    }
    match (failed(Check::RotationFirst), failed(Check::RotationLast)) {
        (true, false) => found.push(Diagnosis {
            code: "rotation_last_only",
            message: "the receiver checks only the last signature of a rotation header: any \
                      signature that matches must do"
                .into(),
        }),
        (false, true) if passed(Check::RotationFirst) => found.push(Diagnosis {
            code: "rotation_first_only",
            message: "the receiver checks only the first signature of a rotation header: any \
                      signature that matches must do"
                .into(),
        }),
        _ => {}
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Keys, verify};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const NOW: i64 = 1_700_000_000;

    fn webhook() -> Webhook {
        // Linear reads its signing time from the body (ms).
        let body = br#"{"id":"evt_1","amount":5,"webhookTimestamp":1700000000000}"#;
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
            use rand::SeedableRng;
            let pair = crate::signature::key_pair::generate(
                scheme,
                &mut rand::rngs::StdRng::seed_from_u64(3),
            );
            let (signing, public) = match &pair {
                Some(pair) => (pair.private_pem.as_str(), pair.public.as_bytes()),
                None => (SECRET, SECRET.as_bytes()),
            };
            let signer = Signer::new(scheme, vec![Secret::new(signing)], "X-Sig").unwrap();
            let keys: [&[u8]; 1] = [SECRET.as_bytes()];
            let public_keys: [&[u8]; 1] = [public];
            for check in Check::for_scheme(scheme) {
                for request in check.requests(&webhook(), &signer, NOW) {
                    let verdict = verify(
                        scheme,
                        Keys::new(&keys)
                            .with_public_keys(&public_keys)
                            .with_hex_header("X-Sig"),
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
        assert!(stripe.contains(&Check::RotationLast) && stripe.contains(&Check::RotationFirst));
        assert!(stripe.contains(&Check::JustPastTolerance));
        assert_eq!(&stripe[..2], &[Check::Valid, Check::Reserialised]);
        assert!(Check::for_scheme(Scheme::SLACK).contains(&Check::FutureTimestamp));
        assert!(!Check::for_scheme(Scheme::GITHUB).contains(&Check::StaleTimestamp));
        assert!(!Check::for_scheme(Scheme::GITLAB).contains(&Check::BodyChanged));
    }

    #[test]
    fn judging() {
        let outcome = |expect, statuses: &[Option<u16>]| judge(expect, statuses).outcome;
        assert_eq!(outcome(Expect::Accept, &[Some(204)]), Outcome::Pass);
        assert_eq!(outcome(Expect::Accept, &[Some(401)]), Outcome::Fail);
        assert_eq!(outcome(Expect::Reject, &[Some(401)]), Outcome::Pass);
        assert_eq!(outcome(Expect::Reject, &[Some(200)]), Outcome::Fail);
        assert_eq!(outcome(Expect::Reject, &[None]), Outcome::Fail);
        assert_eq!(
            outcome(Expect::Info, &[Some(200), Some(409)]),
            Outcome::Info
        );
        // Refused, but a sender retries a 5xx: a warning, not a pass.
        let retried = judge(Expect::Reject, &[Some(500)]);
        assert_eq!(retried.outcome, Outcome::Warn);
        assert!(
            retried
                .note
                .unwrap()
                .contains("rejected with 500: a sender will retry this forged request")
        );
    }

    #[test]
    fn the_reformatted_body_is_the_same_event_in_bytes_no_serialiser_writes_back() {
        let body = webhook().body;
        let reformatted = reformat(&body);
        let text = std::str::from_utf8(&reformatted).unwrap();
        assert!(text.contains("\n  \"id\": \"evt_1\""), "{text}");
        assert!(
            text.contains("brûlée") && text.contains("\\u2615"),
            "{text}"
        );
        assert!(text.contains("1.0") && text.contains("\\/"), "{text}");
        let value: serde_json::Value = serde_json::from_slice(&reformatted).unwrap();
        assert_eq!(value["id"], "evt_1");
        assert_eq!(value["amount"], 5);
        for again in [
            serde_json::to_vec(&value).unwrap(),
            serde_json::to_vec_pretty(&value).unwrap(),
        ] {
            assert_ne!(again, reformatted);
        }
        // Not JSON: sent as it is.
        assert_eq!(reformat(b"a=1"), b"a=1");
    }

    #[test]
    fn diagnoses_name_the_mistake() {
        use Outcome::*;
        let codes = |results: &[(Check, Outcome)], signs_url| {
            diagnose(results, Scheme::STRIPE, signs_url)
                .into_iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(&[(Check::Valid, Pass), (Check::Reserialised, Fail)], false),
            ["body_reserialised"]
        );
        let rejected = diagnose(
            &[(Check::Valid, Fail), (Check::WrongSecret, Skipped)],
            Scheme::STRIPE,
            true,
        );
        assert_eq!(rejected[0].code, "valid_rejected");
        for cause in ["scheme", "secret", "re-serialising", "signs the URL"] {
            assert!(rejected[0].message.contains(cause), "{cause}");
        }
        assert!(
            !diagnose(&[(Check::Valid, Fail)], Scheme::STRIPE, false)[0]
                .message
                .contains("URL")
        );
        assert_eq!(
            codes(
                &[
                    (Check::Valid, Pass),
                    (Check::RotationLast, Pass),
                    (Check::RotationFirst, Fail)
                ],
                false
            ),
            ["rotation_last_only"]
        );
        assert_eq!(
            codes(
                &[
                    (Check::Valid, Pass),
                    (Check::RotationLast, Fail),
                    (Check::RotationFirst, Pass)
                ],
                false
            ),
            ["rotation_first_only"]
        );
        assert!(codes(&[(Check::Valid, Pass), (Check::Reserialised, Pass)], false).is_empty());
    }

    #[test]
    fn stale_variants_follow_the_providers_tolerance() {
        assert_eq!(skew_secs(Scheme::STRIPE), 600);
        assert!(
            Check::JustPastTolerance
                .description(Scheme::STRIPE)
                .contains("301s old")
        );
    }
}
