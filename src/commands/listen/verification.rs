//! Verifying received requests with settings fixed once at start-up: the scheme (or auto), the
//! secrets, the tolerance. Adds what a receiver needs beyond the core's verdict: the "probably
//! altered by a proxy" hint, and the redaction of secrets that travel in headers (GitLab's token)
//! before a request is printed or captured. Pure: the time is a parameter.

use crate::cli::SchemeSelection;
use crate::headers::Header;
use crate::secret::Secret;
use crate::signature::{self, Failure, Keys, Scheme, SignedRequest, Verdict};

/// The verification settings of a receiver.
#[derive(Clone)]
pub struct Verifier {
    pub selection: SchemeSelection,
    secrets: Vec<Secret>,
    /// The key-pair schemes' public keys (each in its provider's format).
    public_keys: Vec<Secret>,
    /// The same, parsed once at start-up.
    parsed_public_keys: signature::key_pair::PublicKeys,
    pub hex_header: String,
    /// `None`: each provider's own.
    pub tolerance_secs: Option<u64>,
}

/// A verdict, and a hint when the failure has a likely everyday cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub verdict: Verdict,
    pub hint: Option<String>,
}

impl Verifier {
    pub fn new(
        selection: SchemeSelection,
        secrets: Vec<Secret>,
        hex_header: String,
        tolerance_secs: Option<u64>,
    ) -> Self {
        Verifier {
            selection,
            secrets,
            public_keys: Vec::new(),
            parsed_public_keys: signature::key_pair::PublicKeys::default(),
            hex_header,
            tolerance_secs,
        }
    }

    /// The same verifier with public keys for the key-pair schemes, parsed here once: a key that
    /// is no key-pair scheme's is refused, saying which.
    pub fn with_public_keys(mut self, public_keys: Vec<Secret>) -> Result<Self, String> {
        self.parsed_public_keys =
            signature::key_pair::PublicKeys::parse(&crate::secret::as_keys(&public_keys))?;
        self.public_keys = public_keys;
        Ok(self)
    }

    pub fn has_secrets(&self) -> bool {
        !self.secrets.is_empty()
    }

    /// The secrets' bytes, for re-signing a replay (never for showing).
    pub fn keys(&self) -> Vec<&[u8]> {
        crate::secret::as_keys(&self.secrets)
    }

    fn verdict(&self, request: &SignedRequest<'_>, now: i64) -> Verdict {
        let secrets = crate::secret::as_keys(&self.secrets);
        let public_keys = crate::secret::as_keys(&self.public_keys);
        let keys = Keys::new(&secrets)
            .with_public_keys(&public_keys)
            .with_parsed_public_keys(&self.parsed_public_keys)
            .with_hex_header(&self.hex_header);
        let tolerance = self.tolerance_secs;
        match self.selection {
            SchemeSelection::Auto => signature::verify_auto(keys, request, now, tolerance),
            SchemeSelection::Fixed(scheme) => {
                signature::verify(scheme, keys, request, now, tolerance)
            }
        }
    }

    /// Verifies a request; on a signature mismatch of a JSON body, tries the body re-serialised
    /// (minified and pretty-printed) and says so when one of them verifies.
    pub fn check(&self, request: &SignedRequest<'_>, now: i64) -> Checked {
        let verdict = self.verdict(request, now);
        let hint = match &verdict {
            Verdict::Invalid {
                failure: Failure::Mismatch { .. },
                scheme,
            } => self
                .reserialisation_hint(request, now)
                .or_else(|| url_hint(*scheme, request)),
            Verdict::Invalid {
                failure: Failure::NoSecret,
                ..
            } => Some("pass --secret (or HOOKY_SECRET, --secret-file) to verify it".into()),
            _ => None,
        };
        Checked { verdict, hint }
    }

    fn reserialisation_hint(&self, request: &SignedRequest<'_>, now: i64) -> Option<String> {
        let body = request.body;
        let value = crate::webhook::event::parse_json_body(body)?;
        let minified = serde_json::to_vec(&value).ok()?;
        let pretty = serde_json::to_vec_pretty(&value).ok()?;
        for (form, candidate) in [("minified", minified), ("pretty-printed", pretty)] {
            let reserialised = SignedRequest {
                body: &candidate,
                ..*request
            };
            if candidate != body && self.verdict(&reserialised, now).is_valid() {
                return Some(format!(
                    "the body verifies once {form}: it was probably re-serialised by a proxy or framework \
                     (verify the raw bytes, before any JSON parsing)"
                ));
            }
        }
        None
    }

    /// The signature headers this receiver looks for, for the hint of an unsigned request.
    pub fn looked_for(&self) -> String {
        let schemes: Vec<Scheme> = match self.selection {
            SchemeSelection::Auto => Scheme::all().collect(),
            SchemeSelection::Fixed(scheme) => vec![scheme],
        };
        let names: Vec<String> = schemes
            .iter()
            .filter_map(|scheme| match scheme.provider().signature {
                signature::SignatureAt::Body(field) => {
                    Some(format!("a {field} object in the body"))
                }
                _ => scheme.signature_header(&self.hex_header),
            })
            .collect();
        format!("hooky looked for {}", names.join(", "))
    }

    /// The headers as they may be printed or captured: see [`crate::secret::redact_headers`].
    pub fn redact(&self, headers: &[Header]) -> Vec<Header> {
        crate::secret::redact_headers(headers, &crate::secret::as_keys(&self.secrets))
    }

    /// Text as it may be printed or captured: every occurrence of a secret replaced.
    pub fn redact_text(&self, text: &str) -> String {
        crate::secret::redact_text(text, &crate::secret::as_keys(&self.secrets))
    }

    /// Checks every secret against a fixed scheme at start-up, so a bad secret fails once, clearly.
    pub fn check_secrets(&self) -> Result<(), String> {
        if let SchemeSelection::Fixed(scheme) = self.selection {
            if scheme == Scheme::NONE {
                return Ok(());
            }
            if scheme.provider().key == signature::KeyKind::KeyPair {
                // Its secrets go unused; its public keys must be its own.
                for (index, key) in self.public_keys.iter().enumerate() {
                    signature::key_pair::check_public(scheme, key.expose()).map_err(|reason| {
                        format!(
                            "public key #{} cannot be used with the {scheme} scheme: {reason}",
                            index + 1
                        )
                    })?;
                }
                return Ok(());
            }
            for (index, secret) in self.secrets.iter().enumerate() {
                scheme.check_secret(secret.expose()).map_err(|reason| {
                    format!(
                        "secret #{} cannot be used with the {scheme} scheme: {reason}",
                        index + 1
                    )
                })?;
            }
        }
        Ok(())
    }
}

/// For a scheme that signs the URL, the URL hooky verified against: a tunnel or proxy in front
/// of hooky changes it, which `--public-url` undoes.
fn url_hint(scheme: Scheme, request: &SignedRequest<'_>) -> Option<String> {
    let url = request.url.filter(|_| scheme.signs_url())?;
    Some(format!(
        "{scheme} signs the URL the sender used, and hooky verified against {url}: behind a \
         tunnel or proxy, pass --public-url with the base URL the sender addressed"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verifier(selection: SchemeSelection) -> Verifier {
        Verifier::new(
            selection,
            vec![Secret::new("old"), Secret::new("s3cret")],
            signature::DEFAULT_HEX_HEADER.into(),
            None,
        )
    }

    fn github_headers(body: &[u8]) -> Vec<Header> {
        let keys: [&[u8]; 1] = [b"s3cret"];
        signature::sign(
            Scheme::GITHUB,
            Keys::new(&keys),
            &SignedRequest::post(&[], body),
            0,
            "",
        )
        .unwrap()
        .headers
    }

    #[test]
    fn the_unsigned_hint_names_where_each_scheme_carries_its_signature() {
        let auto = verifier(SchemeSelection::Auto).looked_for();
        assert!(
            auto.contains("X-Hub-Signature-256") && auto.contains("a signature object in the body"),
            "{auto}"
        );
        assert_eq!(
            verifier(SchemeSelection::Fixed(Scheme::MAILGUN)).looked_for(),
            "hooky looked for a signature object in the body"
        );
    }

    #[test]
    fn valid_with_the_rotated_secret() {
        let body = br#"{"a":1}"#;
        let checked = verifier(SchemeSelection::Auto)
            .check(&SignedRequest::post(&github_headers(body), body), 1000);
        assert_eq!(
            checked.verdict,
            Verdict::Valid {
                scheme: Scheme::GITHUB,
                secret_index: 2
            }
        );
        assert_eq!(checked.hint, None);
    }

    #[test]
    fn a_reformatted_body_gets_the_proxy_hint() {
        let signed = br#"{"a":1,"b":[1,2]}"#;
        let headers = github_headers(signed);
        let pretty = serde_json::to_vec_pretty(&serde_json::json!({"a":1,"b":[1,2]})).unwrap();
        let checked =
            verifier(SchemeSelection::Auto).check(&SignedRequest::post(&headers, &pretty), 1000);
        assert_eq!(checked.verdict.kind(), "invalid");
        assert!(checked.hint.unwrap().contains("minified"));

        let signed_pretty = pretty.clone();
        let headers = github_headers(&signed_pretty);
        let checked =
            verifier(SchemeSelection::Auto).check(&SignedRequest::post(&headers, signed), 1000);
        assert!(checked.hint.unwrap().contains("pretty-printed"));

        // A real tampering gets no hint.
        let checked = verifier(SchemeSelection::Auto)
            .check(&SignedRequest::post(&headers, br#"{"a":2}"#), 1000);
        assert_eq!(checked.hint, None);
    }

    #[test]
    fn secrets_in_headers_are_redacted() {
        use crate::secret::REDACTED;
        let v = verifier(SchemeSelection::Auto);
        let headers = vec![
            ("X-Gitlab-Token".to_string(), "s3cret".to_string()),
            ("X-Other".to_string(), "s3cret".to_string()),
        ];
        let redacted = v.redact(&headers);
        assert_eq!(redacted[0].1, REDACTED);
        assert_eq!(redacted[1].1, REDACTED);
        // A token that is not ours may still be someone's secret.
        let wrong = vec![("x-gitlab-token".to_string(), "guess".to_string())];
        assert_eq!(v.redact(&wrong)[0].1, REDACTED);
    }

    #[test]
    fn bad_secrets_fail_at_start() {
        assert!(
            verifier(SchemeSelection::Fixed(Scheme::STANDARD))
                .check_secrets()
                .is_err()
        );
        assert!(verifier(SchemeSelection::Auto).check_secrets().is_ok());
    }
}
