//! A webhook request before it is signed, and the signing of it: the headers every sender adds
//! (content type, event type in the provider's header), the fixture's and the user's headers, then
//! the signature for a given timestamp. Pure; `send` uses it for every attempt (a fresh timestamp,
//! the same event id), and `replay --resign` and `poll --emit-webhook` can reuse it.
//! [`event`]: what a request is about (event type and id), from its headers or JSON body.

pub mod event;

use crate::headers::Header;
use crate::outbound::delivery::Outgoing;
use crate::secret::Secret;
use crate::signature::{self, Keys, Location, Scheme, SignError, Signed, SignedRequest};

/// The header that names the event type for a scheme: the provider's own, else `X-Webhook-Event`.
pub fn event_type_header(scheme: Scheme) -> &'static str {
    scheme
        .provider()
        .event_type
        .iter()
        .find_map(|location| match location {
            Location::Header(name) => Some(*name),
            Location::Body(_) => None,
        })
        .unwrap_or(signature::GENERIC_EVENT_HEADER)
}

/// Signs bodies with one scheme and a set of secrets, checked once when made.
#[derive(Clone, Debug)]
pub struct Signer {
    pub scheme: Scheme,
    secrets: Vec<Secret>,
    pub hex_header: String,
}

impl Signer {
    /// Checks that the secrets suit the scheme (a missing or unusable secret is an error here, so
    /// signing later cannot fail).
    pub fn new(
        scheme: Scheme,
        secrets: Vec<Secret>,
        hex_header: &str,
    ) -> Result<Signer, SignError> {
        let signer = Signer {
            scheme,
            secrets,
            hex_header: hex_header.to_string(),
        };
        signer.try_sign(&SignedRequest::post(&[], b""), 0, "msg_check")?;
        Ok(signer)
    }

    pub fn secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// The same scheme with other secrets (the attack's wrong secret, a rotation pair).
    pub fn with_secrets(&self, secrets: Vec<Secret>) -> Result<Signer, SignError> {
        Signer::new(self.scheme, secrets, &self.hex_header)
    }

    fn try_sign(
        &self,
        request: &SignedRequest<'_>,
        timestamp: i64,
        id: &str,
    ) -> Result<Signed, SignError> {
        // A signer's keys are what its scheme signs with: secrets, or a key-pair scheme's
        // private keys.
        let keys = crate::secret::as_keys(&self.secrets);
        signature::sign(
            self.scheme,
            Keys::new(&keys)
                .with_private_keys(&keys)
                .with_hex_header(&self.hex_header),
            request,
            timestamp,
            id,
        )
    }

    /// The signature for `request` at `timestamp`, for event `id`: its headers, and the body when
    /// the scheme writes into it.
    pub fn sign(&self, request: &SignedRequest<'_>, timestamp: i64, id: &str) -> Signed {
        self.try_sign(request, timestamp, id)
            .expect("the secrets were checked when the signer was made")
    }

    /// Lower-case names of the headers holding the signature (and what the scheme signs with it).
    pub fn signature_header_names(&self) -> Vec<String> {
        self.scheme.signature_header_names(&self.hex_header)
    }
}

/// A webhook ready to be signed: everything but the signature.
#[derive(Clone, Debug)]
pub struct Webhook {
    pub method: String,
    pub url: reqwest::Url,
    /// Content type, event type and the fixture's headers, in that order.
    pub headers: Vec<Header>,
    /// The user's `-H` headers: they replace any header of the same name, signatures included.
    pub user_headers: Vec<Header>,
    pub body: Vec<u8>,
    /// The event id, kept across attempts (Standard Webhooks signs it as `webhook-id`).
    pub event_id: String,
    pub event_type: String,
}

impl Webhook {
    /// The request with the `signature` headers added, then the user's headers on top, and the
    /// signed body when the scheme wrote into it.
    pub fn with_signature(&self, signature: Signed) -> Outgoing {
        let mut headers = self.headers_with_room();
        merge_headers(&mut headers, signature.headers);
        merge_headers(&mut headers, self.user_headers.clone());
        Outgoing {
            method: self.method.clone(),
            url: self.url.clone(),
            target: None,
            headers,
            body: signature.body.unwrap_or_else(|| self.body.clone()),
        }
    }

    /// The request signed by `signer` at `timestamp`: what is signed is the request as sent
    /// (method, URL, headers with the user's on top, body).
    pub fn signed(&self, signer: &Signer, timestamp: i64) -> Outgoing {
        let mut headers = self.headers_with_room();
        merge_headers(&mut headers, self.user_headers.clone());
        let request = SignedRequest {
            method: &self.method,
            url: Some(self.url.as_str()),
            headers: &headers,
            body: &self.body,
        };
        let signature = signer.sign(&request, timestamp, &self.event_id);
        // What `with_signature` makes, from the headers at hand instead of a second copy: the
        // signature's headers replace their names, then the user's go on top again (they win over
        // a signature header of the same name).
        merge_headers(&mut headers, signature.headers);
        merge_headers(&mut headers, self.user_headers.clone());
        Outgoing {
            method: self.method.clone(),
            url: self.url.clone(),
            target: None,
            headers,
            body: signature.body.unwrap_or_else(|| self.body.clone()),
        }
    }

    /// A copy of the headers with room for the signature's and the user's: a clone is exactly as
    /// long as the headers, so the first signature header pushed would move them all.
    fn headers_with_room(&self) -> Vec<Header> {
        let mut headers = Vec::with_capacity(self.headers.len() + self.user_headers.len() + 4);
        headers.extend_from_slice(&self.headers);
        headers
    }
}

/// Adds `extra` to `headers`, each replacing any header of the same name (case-insensitive).
pub fn merge_headers(headers: &mut Vec<Header>, extra: Vec<Header>) {
    for (name, value) in extra {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        headers.push((name, value));
    }
}

/// Joins a fixture's path suffix to a URL's path (`http://h/hooks` + `/github` → `http://h/hooks/github`).
pub fn join_path(url: &str, suffix: Option<&str>) -> String {
    let Some(suffix) = suffix else {
        return url.to_string();
    };
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    // A fixture's path may carry a query of its own (`/hooks?source=x`): both queries are kept.
    let (suffix, suffix_query) = match suffix.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (suffix, None),
    };
    let mut joined = format!("{}{}", base.trim_end_matches('/'), suffix);
    let queries: Vec<&str> = [suffix_query, query]
        .into_iter()
        .flatten()
        .filter(|q| !q.is_empty())
        .collect();
    if !queries.is_empty() {
        joined.push('?');
        joined.push_str(&queries.join("&"));
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook() -> Webhook {
        Webhook {
            method: "POST".into(),
            url: reqwest::Url::parse("http://127.0.0.1:9/hook").unwrap(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Webhook-Event".into(), "order.completed".into()),
            ],
            user_headers: vec![("x-webhook-event".into(), "custom".into())],
            body: br#"{"id":"evt_1"}"#.to_vec(),
            event_id: "evt_1".into(),
            event_type: "order.completed".into(),
        }
    }

    #[test]
    fn signs_verifiably_and_user_headers_win() {
        for scheme in [
            Scheme::HEX,
            Scheme::GITHUB,
            Scheme::STRIPE,
            Scheme::STANDARD,
            Scheme::SLACK,
        ] {
            let signer = Signer::new(scheme, vec![Secret::new("whsec_c2VjcmV0")], "X-Sig").unwrap();
            let request = webhook().signed(&signer, 1_700_000_000);
            assert_eq!(
                crate::headers::get_all(&request.headers, "x-webhook-event"),
                vec!["custom"]
            );
            let keys: [&[u8]; 1] = [b"whsec_c2VjcmV0"];
            let verdict = signature::verify(
                scheme,
                Keys::new(&keys).with_hex_header("X-Sig"),
                &request.signed_request(),
                1_700_000_000,
                Some(300),
            );
            assert!(verdict.is_valid(), "{scheme}: {verdict}");
        }
    }

    #[test]
    fn signed_is_the_request_with_its_signature_and_the_user_headers_on_top() {
        let signer =
            Signer::new(Scheme::STANDARD, vec![Secret::new("whsec_c2VjcmV0")], "X").unwrap();
        let user_sets = [
            vec![],
            vec![("x-webhook-event".to_string(), "custom".to_string())],
            vec![
                ("Webhook-Signature".to_string(), "v1,forged".to_string()),
                ("content-type".to_string(), "text/plain".to_string()),
                ("X-Dup".to_string(), "1".to_string()),
                ("x-dup".to_string(), "2".to_string()),
            ],
        ];
        for user_headers in user_sets {
            let webhook = Webhook {
                user_headers,
                ..webhook()
            };
            let signed = webhook.signed(&signer, 1_700_000_000);
            let mut with_user = webhook.headers.clone();
            merge_headers(&mut with_user, webhook.user_headers.clone());
            let request = SignedRequest {
                method: &webhook.method,
                url: Some(webhook.url.as_str()),
                headers: &with_user,
                body: &webhook.body,
            };
            let expected =
                webhook.with_signature(signer.sign(&request, 1_700_000_000, &webhook.event_id));
            assert_eq!(signed.headers, expected.headers);
            assert_eq!(signed.body, expected.body);
            assert_eq!(signed.url, expected.url);
            assert_eq!(signed.method, expected.method);
        }
    }

    #[test]
    fn bad_secrets_fail_when_the_signer_is_made() {
        assert!(Signer::new(Scheme::STRIPE, vec![], "X").is_err());
        assert!(Signer::new(Scheme::STANDARD, vec![Secret::new("not base64!")], "X").is_err());
        assert!(Signer::new(Scheme::NONE, vec![], "X").is_ok());
    }

    #[test]
    fn paths_join() {
        assert_eq!(join_path("http://h/a/", Some("/b")), "http://h/a/b");
        assert_eq!(join_path("http://h/a?x=1", Some("/b")), "http://h/a/b?x=1");
        assert_eq!(join_path("http://h", None), "http://h");
        assert_eq!(
            join_path("http://h/a?x=1", Some("/b?y=2")),
            "http://h/a/b?y=2&x=1"
        );
        assert_eq!(join_path("http://h/", Some("/b?y=2")), "http://h/b?y=2");
        assert_eq!(event_type_header(Scheme::GITHUB), "X-GitHub-Event");
    }
}
