//! The pure step of each request: from the [`Received`] request and the settings alone, its
//! verdict and what hooky does with it ([`Decision`]): refuse, forward, answer a handshake, or
//! answer from the `--respond` plan.

use super::receive::Received;
use super::verification::{Checked, Verifier};
use super::{Listener, handshake};
use crate::signature::{SignedRequest, Verdict};

/// What hooky does with a request, decided from the request and the settings alone.
#[derive(Debug)]
pub(super) struct Decision {
    pub(super) checked: Checked,
    pub(super) action: Action,
}

#[derive(Debug, PartialEq)]
pub(super) enum Action {
    /// hooky answers itself, with this status and JSON body: a body over `--max-body`, or a
    /// request refused under enforcement. Nothing is forwarded.
    Refuse(u16, serde_json::Value),
    /// Relayed to the `--forward-to` app, with this `X-Hooky-Verified` value.
    Forward { verified: String },
    /// Answered by the `--respond` plan, chosen under the lock in [`commit`](super::commit::commit).
    Plan,
    /// A provider's verification handshake, answered (or refused) by hooky as the provider asks.
    Handshake(handshake::Handshake),
}

/// The settings [`decide`] reads.
pub(super) struct Policy<'a> {
    pub(super) verifier: &'a Verifier,
    pub(super) enforce: bool,
    pub(super) looked_for: &'a str,
    pub(super) max_body: u64,
    pub(super) forwarding: bool,
    /// The base URL senders address when hooky sits behind a tunnel (`--public-url`), for
    /// URL-signing schemes; `None`: `http://` + the Host header.
    pub(super) public_url: Option<&'a str>,
    /// Whether handshakes are answered, and `--verify-token`.
    pub(super) handshakes: bool,
    pub(super) verify_token: Option<&'a [u8]>,
}

impl Listener {
    pub(super) fn policy(&self) -> Policy<'_> {
        Policy {
            verifier: &self.verifier,
            enforce: self.enforce,
            looked_for: &self.looked_for,
            max_body: self.max_body,
            forwarding: self.forwarder.is_some(),
            public_url: self.public_url.as_deref(),
            handshakes: self.handshakes,
            verify_token: self.verify_token.as_ref().map(|t| t.expose()),
        }
    }
}

/// The URL the sender addressed, as URL-signing schemes sign it: the public base URL when given,
/// else `http://` and the Host header; then the path and query exactly as received.
fn signed_url(received: &Received, public_url: Option<&str>) -> String {
    let (scheme, base) = match public_url {
        Some(base) => ("", base.trim_end_matches('/')),
        None => {
            let host = crate::headers::get_one(&received.headers, "host").unwrap_or("localhost");
            ("http://", host.trim())
        }
    };
    // Pieces pushed into one string, not `format!`ed twice: every request has its URL made.
    let query = received.query.as_deref();
    let mut url = String::with_capacity(
        scheme.len() + base.len() + received.path.len() + query.map_or(0, |q| q.len() + 1),
    );
    url.push_str(scheme);
    url.push_str(base);
    url.push_str(&received.path);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// The verdict, and whether hooky refuses the request, forwards it, or answers from its plan.
/// Pure: the time is the request's arrival.
pub(super) fn decide(received: &Received, policy: &Policy) -> Decision {
    if let Some(size) = received.too_large {
        return Decision {
            checked: Checked {
                verdict: Verdict::Unsigned,
                hint: Some("not verified: the body was too large to read".into()),
            },
            action: Action::Refuse(
                413,
                serde_json::json!({"error": "payload_too_large", "message": format!("the body ({size} bytes) is over the limit of {} bytes", policy.max_body)}),
            ),
        };
    }
    let url = signed_url(received, policy.public_url);
    let request = SignedRequest {
        method: received.method.as_str(),
        url: Some(&url),
        headers: &received.headers,
        body: &received.body,
    };
    let mut checked = policy.verifier.check(&request, received.at.timestamp());
    if let Some(handshake) = policy
        .handshakes
        .then(|| handshake_of(received, &checked, policy))
        .flatten()
    {
        return Decision {
            checked,
            action: Action::Handshake(handshake),
        };
    }
    // Under enforcement an unsigned request is a failure too: a receiver with a secret must not
    // take requests anyone could have sent.
    let refusal = match &checked.verdict {
        _ if !policy.enforce => None,
        Verdict::Valid { .. } => None,
        Verdict::Invalid { failure, scheme } => Some(
            serde_json::json!({"error": "invalid_signature", "scheme": scheme, "code": failure.code(), "reason": failure.to_string()}),
        ),
        Verdict::Unsigned => {
            checked.hint = Some(format!("missing_signature: {}", policy.looked_for));
            Some(
                serde_json::json!({"error": "invalid_signature", "code": "missing_signature", "reason": "the request carries no signature", "hint": policy.looked_for}),
            )
        }
    };
    let action = match refusal {
        Some(body) => Action::Refuse(401, body),
        None if policy.forwarding => Action::Forward {
            verified: match &checked.verdict {
                Verdict::Valid { .. } => "ok".to_string(),
                Verdict::Unsigned => "unsigned".to_string(),
                Verdict::Invalid { failure, .. } => format!("fail:{}", failure.code()),
            },
        },
        None => Action::Plan,
    };
    Decision { checked, action }
}

/// The handshake a request is, if any, with hooky's answer; signed ones only count as verified
/// with their own provider's scheme, whose key Zoom's answer is made with.
fn handshake_of(
    received: &Received,
    checked: &Checked,
    policy: &Policy,
) -> Option<handshake::Handshake> {
    let keys = policy.verifier.keys();
    let verified = match &checked.verdict {
        Verdict::Valid {
            scheme,
            secret_index,
        } => keys
            .get(secret_index.saturating_sub(1))
            .map(|key| handshake::Verified {
                scheme: scheme.name(),
                key,
            }),
        _ => None,
    };
    handshake::recognise(
        &handshake::Inbound {
            method: received.method.as_str(),
            query: received.query.as_deref(),
            headers: &received.headers,
            body: &received.body,
            fields: &received.fields,
        },
        verified,
        policy.verify_token,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::SchemeSelection;
    use crate::headers::Header;
    use crate::signature::Scheme;
    use hyper::body::Bytes;

    fn received(headers: Vec<Header>, body: &[u8], too_large: Option<u64>) -> Received {
        Received {
            started: std::time::Instant::now(),
            at: chrono::DateTime::from_timestamp(1000, 0).unwrap(),
            remote: "127.0.0.1:1".parse().unwrap(),
            method: hyper::Method::POST,
            path: "/hook".into(),
            query: None,
            headers,
            body: Bytes::copy_from_slice(body),
            too_large,
            fields: crate::webhook::event::BodyFields::read(body),
        }
    }

    fn verifier() -> Verifier {
        Verifier::new(
            SchemeSelection::Auto,
            vec![crate::secret::Secret::new("s3cret")],
            crate::signature::DEFAULT_HEX_HEADER.into(),
            None,
        )
    }

    fn policy(verifier: &Verifier, enforce: bool, forwarding: bool) -> Policy<'_> {
        Policy {
            verifier,
            enforce,
            looked_for: "X-Hub-Signature-256",
            max_body: 10,
            forwarding,
            public_url: None,
            handshakes: true,
            verify_token: Some(b"tok"),
        }
    }

    #[test]
    fn the_signed_url_is_the_host_and_target_as_received_or_the_public_base() {
        let mut r = received(vec![("Host".into(), "example.test:8080".into())], b"", None);
        r.query = Some("a=1&b=%20".into());
        assert_eq!(
            signed_url(&r, None),
            "http://example.test:8080/hook?a=1&b=%20"
        );
        assert_eq!(
            signed_url(&r, Some("https://abc.ngrok.app/")),
            "https://abc.ngrok.app/hook?a=1&b=%20"
        );
        r.headers.clear();
        r.query = None;
        assert_eq!(signed_url(&r, None), "http://localhost/hook");
    }

    fn signed(body: &[u8], secret: &str) -> Vec<Header> {
        let keys: [&[u8]; 1] = [secret.as_bytes()];
        crate::signature::sign(
            Scheme::GITHUB,
            crate::signature::Keys::new(&keys),
            &SignedRequest::post(&[], body),
            0,
            "",
        )
        .unwrap()
        .headers
    }

    #[test]
    fn decide_refuses_a_body_over_the_limit_unverified() {
        let verifier = verifier();
        let body = b"{}";
        let decision = decide(
            &received(signed(body, "s3cret"), b"", Some(11)),
            &policy(&verifier, true, true),
        );
        assert_eq!(decision.checked.verdict, Verdict::Unsigned);
        assert!(decision.checked.hint.unwrap().contains("too large"));
        let Action::Refuse(413, body) = decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!(body["error"], "payload_too_large");
        assert!(body["message"].as_str().unwrap().contains("(11 bytes)"));
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("limit of 10 bytes")
        );
    }

    #[test]
    fn decide_under_enforcement_refuses_invalid_and_unsigned() {
        let verifier = verifier();
        let enforcing = policy(&verifier, true, true);
        let decision = decide(&received(signed(b"{}", "wrong"), b"{}", None), &enforcing);
        let Action::Refuse(401, body) = decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!(body["error"], "invalid_signature");
        assert_eq!(body["scheme"], "github");

        let decision = decide(&received(Vec::new(), b"{}", None), &enforcing);
        assert_eq!(decision.checked.verdict, Verdict::Unsigned);
        assert_eq!(
            decision.checked.hint.as_deref(),
            Some("missing_signature: X-Hub-Signature-256")
        );
        let Action::Refuse(401, body) = decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!(body["code"], "missing_signature");
        assert_eq!(body["hint"], "X-Hub-Signature-256");
    }

    #[test]
    fn decide_forwards_with_the_verdict_or_follows_the_plan() {
        let verifier = verifier();
        let valid = received(signed(b"{}", "s3cret"), b"{}", None);
        let decision = decide(&valid, &policy(&verifier, true, true));
        assert!(decision.checked.verdict.is_valid());
        assert_eq!(
            decision.action,
            Action::Forward {
                verified: "ok".into()
            }
        );
        assert_eq!(
            decide(&valid, &policy(&verifier, true, false)).action,
            Action::Plan
        );

        // Inspecting only: an invalid or unsigned request is taken, and its verdict travels on.
        let inspecting = policy(&verifier, false, true);
        let invalid = decide(&received(signed(b"{}", "wrong"), b"{}", None), &inspecting);
        assert!(
            matches!(&invalid.action, Action::Forward { verified } if verified.starts_with("fail:")),
            "{:?}",
            invalid.action
        );
        let unsigned = decide(&received(Vec::new(), b"{}", None), &inspecting);
        assert_eq!(unsigned.checked.hint, None);
        assert_eq!(
            unsigned.action,
            Action::Forward {
                verified: "unsigned".into()
            }
        );
        assert_eq!(
            decide(
                &received(Vec::new(), b"{}", None),
                &policy(&verifier, false, false)
            )
            .action,
            Action::Plan
        );
    }

    #[test]
    fn decide_answers_handshakes_even_under_enforcement_and_not_when_turned_off() {
        let verifier = verifier();
        let enforcing = policy(&verifier, true, true);
        let mut meta = received(Vec::new(), b"", None);
        meta.method = hyper::Method::GET;
        meta.query = Some("hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42".into());
        let decision = decide(&meta, &enforcing);
        let Action::Handshake(handshake) = &decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!((handshake.status, &handshake.body[..]), (200, &b"42"[..]));
        // No missing-signature hint on a handshake that is answered.
        assert_eq!(decision.checked.hint, None);

        let off = Policy {
            handshakes: false,
            ..policy(&verifier, true, true)
        };
        assert!(matches!(decide(&meta, &off).action, Action::Refuse(401, _)));

        // Slack's is answered once signed with the secret hooky holds.
        let body = br#"{"type":"url_verification","challenge":"c"}"#;
        let keys: [&[u8]; 1] = [b"s3cret"];
        let headers = crate::signature::sign(
            Scheme::SLACK,
            crate::signature::Keys::new(&keys),
            &SignedRequest::post(&[], body),
            1000,
            "",
        )
        .unwrap()
        .headers;
        let decision = decide(&received(headers, body, None), &enforcing);
        let Action::Handshake(handshake) = &decision.action else {
            panic!("{:?}", decision.action)
        };
        assert_eq!((handshake.status, &handshake.body[..]), (200, &b"c"[..]));
    }
}
