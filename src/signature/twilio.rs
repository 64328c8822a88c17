//! Twilio: `X-Twilio-Signature: <base64 of HMAC-SHA1(auth token, URL + form fields)>`.
//!
//! As twilio-python's `RequestValidator` and twilio-node's `validateRequest` do it: the full URL
//! the request was sent to, then the POST form fields sorted by name, each name followed by its
//! value (a repeated name once per value, values sorted; blank values included). A JSON body is
//! covered instead by a `bodySHA256=<hex SHA-256 of the body>` query parameter in the signed URL,
//! and no fields are appended. The validators ignore the port: the URL is tried without it and
//! with the scheme's default one (`:443`, `:80`). No timestamp is signed.
//!
//! A request signed with a Webhook Setting's SharedKey carries
//! `X-Twilio-Webhooks-Signature-Settings: key=<key>,algorithm=HMAC_SHA256`: the same text is
//! signed, with the HMAC the header names (twilio-node's `WebhookSignatureValidation` example:
//! "only the hash changes"), still base64. hooky verifies by that header, and signs by it when the
//! request to sign carries it (a fixture's `_meta.headers`, `send -H`). The header is not signed,
//! and is kept across a re-sign.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, SignedRequest,
    Signing, crypto,
};
use crate::headers::{Header, get_all, get_one};

const SIGNATURE: &str = "X-Twilio-Signature";
/// Names the HMAC when a Webhook Setting's SharedKey signed the request.
const SETTINGS: &str = "X-Twilio-Webhooks-Signature-Settings";
/// The query parameter that carries a JSON body's hash.
const BODY_HASH: &str = "bodySHA256";

pub(super) const PROVIDER: Provider = Provider {
    name: "twilio",
    aliases: &[],
    summary: "Twilio: X-Twilio-Signature: <base64 HMAC-SHA1 of the URL and the sorted form fields> \
              (HMAC-SHA256 when X-Twilio-Webhooks-Signature-Settings says so)",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[],
    // Unique per webhook, the same across Twilio's retries.
    event_id: &[Location::Header("I-Twilio-Idempotency-Token")],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::UrlChanged,
    ],
    note: None,
    handshake: None,
    url_for_body: Some(url_for_body),
    forge_body: None,
    detect: |request, _| request.has(SIGNATURE),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: super::no_timestamp,
};

/// What the body contributes to the signed text.
enum Body {
    /// Form fields, sorted, as `name value name value …`.
    Fields(Vec<u8>),
    /// Covered by the URL's `bodySHA256`, whose value this is.
    Hashed(String),
    /// Neither: a body of another type with no `bodySHA256` in the URL.
    Uncovered(String),
}

/// How the request's body is signed: form fields when it is a form (or has no content type, as
/// the validators see an empty POST), else through the URL's `bodySHA256`.
fn body_part(request: &SignedRequest<'_>, url: &str) -> Body {
    if let Some(hash) = query_param(url, BODY_HASH) {
        return Body::Hashed(hash);
    }
    let content_type = get_one(request.headers, "content-type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match content_type.as_deref() {
        None | Some("application/x-www-form-urlencoded") => {
            Body::Fields(sorted_fields(request.body))
        }
        Some(_) if request.body.is_empty() => Body::Fields(Vec::new()),
        Some(other) => Body::Uncovered(other.to_string()),
    }
}

/// The form fields sorted by name, then value, each written as name followed by value.
fn sorted_fields(body: &[u8]) -> Vec<u8> {
    let mut fields: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    fields.sort();
    let mut text = Vec::new();
    for (name, value) in fields {
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(value.as_bytes());
    }
    text
}

/// The first value of a query parameter of `url`.
fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// The URL without its port and with the scheme's default port, the two forms the validators
/// try: a proxy may add or drop the port between Twilio and the receiver.
fn port_variants(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return vec![url.to_string()];
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // An IPv6 host keeps its colons inside brackets.
    let host_end = authority.rfind(']').map_or(0, |i| i + 1);
    let (host, port) = match authority[host_end..].rfind(':') {
        Some(i) => (
            &authority[..host_end + i],
            Some(&authority[host_end + i + 1..]),
        ),
        None => (authority, None),
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return vec![url.to_string()],
    };
    let without = format!("{scheme}://{host}{tail}");
    let with = match port {
        Some(_) => url.to_string(),
        None => format!("{scheme}://{host}:{default_port}{tail}"),
    };
    vec![without, with]
}

/// `url` with the `bodySHA256` Twilio adds when it posts a body that is not a form.
fn url_for_body(url: &str, headers: &[Header], body: &[u8]) -> Option<String> {
    let request = SignedRequest {
        method: "POST",
        url: Some(url),
        headers,
        body,
    };
    let Body::Uncovered(_) = body_part(&request, url) else {
        return None;
    };
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = match base.split_once('?') {
        Some((_, "")) => "",
        Some(_) => "&",
        None => "?",
    };
    let mut hashed = format!("{base}{separator}{BODY_HASH}={}", crypto::sha256_hex(body));
    if let Some(fragment) = fragment {
        hashed.push('#');
        hashed.push_str(fragment);
    }
    Some(hashed)
}

/// The HMAC a request is signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Sha1,
    Sha256,
}

/// The HMAC `X-Twilio-Webhooks-Signature-Settings` names (`key=…,algorithm=HMAC_SHA256`):
/// HMAC-SHA1, Twilio's default, without the header; an algorithm hooky does not know is refused,
/// as twilio-node refuses it.
fn algorithm(headers: &[Header]) -> Result<Algorithm, Failure> {
    let value = match get_all(headers, SETTINGS).as_slice() {
        [] => return Ok(Algorithm::Sha1),
        [one] => one.trim(),
        several => {
            return Err(Failure::DuplicateHeader {
                header: SETTINGS.to_string(),
                count: several.len(),
            });
        }
    };
    let malformed = |reason: String| Failure::MalformedHeader {
        header: SETTINGS.to_string(),
        reason,
    };
    let named = value
        .split(',')
        .filter_map(|part| part.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("algorithm"))
        .map(|(_, algorithm)| algorithm.trim())
        .ok_or_else(|| malformed("no algorithm=HMAC_SHA256 (or HMAC_SHA1) in it".into()))?;
    match named {
        "HMAC_SHA256" => Ok(Algorithm::Sha256),
        "HMAC_SHA1" => Ok(Algorithm::Sha1),
        other => Err(malformed(format!(
            "unsupported algorithm {:?} (HMAC_SHA256 or HMAC_SHA1)",
            other.chars().take(32).collect::<String>()
        ))),
    }
}

fn mac(algorithm: Algorithm, key: &[u8], url: &str, fields: &[u8]) -> Vec<u8> {
    match algorithm {
        Algorithm::Sha1 => crypto::hmac_sha1(key, &[url.as_bytes(), fields]),
        Algorithm::Sha256 => crypto::hmac_sha256(key, &[url.as_bytes(), fields]),
    }
}

/// Signs with the HMAC the request's settings header names; one naming an algorithm Twilio does
/// not document gets HMAC-SHA1, which receivers then refuse, as they refuse the header.
fn sign(s: &Signing<'_>) -> Signed {
    let url = s.request.url.unwrap_or_default();
    let fields = match body_part(&s.request, url) {
        Body::Fields(fields) => fields,
        Body::Hashed(_) | Body::Uncovered(_) => Vec::new(),
    };
    let algorithm = algorithm(s.request.headers).unwrap_or(Algorithm::Sha1);
    Signed::headers(vec![(
        SIGNATURE.to_string(),
        BASE64.encode(mac(algorithm, s.first(), url, &fields)),
    )])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let algorithm = algorithm(check.headers)?;
    let value = check.header(SIGNATURE)?;
    let signature = BASE64.decode(value).map_err(|_| Failure::MalformedHeader {
        header: SIGNATURE.to_string(),
        reason: format!(
            "signature is not base64 ({} characters expected, got {})",
            match algorithm {
                Algorithm::Sha1 => 28,
                Algorithm::Sha256 => 44,
            },
            value.chars().count()
        ),
    })?;
    let url = check.request.url.ok_or(Failure::NoUrl)?;
    let fields = match body_part(&check.request, url) {
        Body::Fields(fields) => fields,
        Body::Hashed(expected) => {
            let actual = crypto::sha256_hex(check.body);
            if !bool::from(crypto::ct_eq(
                actual.as_bytes(),
                expected.to_ascii_lowercase().as_bytes(),
            )) {
                return Err(Failure::BodyHashMismatch);
            }
            Vec::new()
        }
        Body::Uncovered(content_type) => {
            return Err(Failure::UnsignedBody {
                reason: format!(
                    "Twilio covers a {content_type} body only through a {BODY_HASH} query \
                     parameter in the URL, and the URL has none"
                ),
            });
        }
    };
    let urls = port_variants(url);
    crypto::first_match(check.secrets.iter().map(|secret| {
        urls.iter().fold(subtle::Choice::from(0), |found, url| {
            found | crypto::ct_eq(&mac(algorithm, secret, url, &fields), &signature)
        })
    }))
    .ok_or(Failure::Mismatch {
        secrets: check.secrets.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Keys, Scheme, Verdict};

    // twilio-python tests/unit/test_request_validator.py (auth token 12345).
    const TOKEN: &[u8] = b"12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const FIELDS: &str = "CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&To=%2B18005551212&Caller=%2B14158675309";
    const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

    fn verdict(url: Option<&str>, headers: &[Header], body: &[u8]) -> Verdict {
        let request = SignedRequest {
            method: "POST",
            url,
            headers,
            body,
        };
        crate::signature::verify(Scheme::TWILIO, Keys::new(&[TOKEN]), &request, 0, None)
    }

    fn signed(signature: &str) -> Vec<Header> {
        vec![
            (FORM.0.into(), FORM.1.into()),
            (SIGNATURE.into(), signature.into()),
        ]
    }

    fn signature_of(url: &str, headers: &[Header], body: &[u8]) -> String {
        let request = SignedRequest {
            method: "POST",
            url: Some(url),
            headers,
            body,
        };
        let headers = crate::signature::sign(Scheme::TWILIO, Keys::new(&[TOKEN]), &request, 0, "")
            .unwrap()
            .headers;
        headers[0].1.clone()
    }

    #[test]
    fn twilio_python_vectors() {
        let form = [(FORM.0.to_string(), FORM.1.to_string())];
        assert_eq!(
            signature_of(URL, &form, FIELDS.as_bytes()),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        // A repeated name contributes once per value, values sorted.
        let repeated = b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234";
        assert_eq!(
            signature_of(URL, &form, repeated),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU="
        );
        assert!(
            verdict(
                Some(URL),
                &signed("RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                FIELDS.as_bytes()
            )
            .is_valid()
        );
    }

    #[test]
    fn the_signature_settings_header_switches_to_hmac_sha256() {
        // The twilio-python vector's text under HMAC-SHA256, from Python's hmac:
        // python3 -c 'import hmac,hashlib,base64; s="https://mycompany.com/myapp.php?foo=1&bar=2"
        // +"CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212";
        // print(base64.b64encode(hmac.new(b"12345",s.encode(),hashlib.sha256).digest()).decode())'
        let sha256 = "033hgUJA9M/hXIZsYjwkerEP/DBm35nEri5FhCYjA5s=";
        let settings = |value: &str| {
            vec![
                (FORM.0.to_string(), FORM.1.to_string()),
                (SETTINGS.to_string(), value.to_string()),
            ]
        };
        let shared = settings("key=KS0123456789abcdef,algorithm=HMAC_SHA256");
        let body = FIELDS.as_bytes();
        assert_eq!(signature_of(URL, &shared, body), sha256);
        let with = |headers: &[Header], signature: &str| {
            let mut headers = headers.to_vec();
            headers.push((SIGNATURE.to_string(), signature.to_string()));
            verdict(Some(URL), &headers, body)
        };
        assert!(with(&shared, sha256).is_valid());
        // The header decides: the SHA-1 signature does not verify under it, nor SHA-256 without it.
        let sha1 = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        let code = |v: Verdict| v.failure().map(Failure::code);
        assert_eq!(code(with(&shared, sha1)), Some("signature_mismatch"));
        let plain = [(FORM.0.to_string(), FORM.1.to_string())];
        assert_eq!(code(with(&plain, sha256)), Some("signature_mismatch"));
        assert!(with(&settings("algorithm=HMAC_SHA1, key=KS1"), sha1).is_valid());
        for refused in ["key=KS1,algorithm=HMAC_MD5", "key=KS1"] {
            assert_eq!(
                code(with(&settings(refused), sha256)),
                Some("malformed_header"),
                "{refused}"
            );
        }
    }

    #[test]
    fn the_port_is_ignored_as_twilio_python_ignores_it() {
        let body = FIELDS.as_bytes();
        let https_1234 = URL.replace(".com", ".com:1234");
        let http = URL.replace("https", "http");
        let http_1234 = https_1234.replace("https", "http");
        // Signed without the port, received with one.
        assert!(
            verdict(
                Some(&https_1234),
                &signed("RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                body
            )
            .is_valid()
        );
        // Signed with the port.
        assert!(
            verdict(
                Some(&http_1234),
                &signed("Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
                body
            )
            .is_valid()
        );
        // Signed with the default port, received without one.
        assert!(verdict(Some(URL), &signed("kvajT1Ptam85bY51eRf/AJRuM3w="), body).is_valid());
        assert!(verdict(Some(&http), &signed("0ZXoZLH/DfblKGATFgpif+LLRf4="), body).is_valid());
        assert_eq!(
            port_variants("http://[::1]:8080/a?b=c"),
            ["http://[::1]/a?b=c", "http://[::1]:8080/a?b=c"]
        );
    }

    #[test]
    fn a_json_body_is_covered_by_body_sha256() {
        let body = br#"{"property": "value", "boolean": true}"#;
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        assert_eq!(crypto::sha256_hex(body), hash);
        let url = format!("{URL}&bodySHA256={hash}");
        let json = |sig: &str| {
            vec![
                ("Content-Type".to_string(), "application/json".to_string()),
                (SIGNATURE.to_string(), sig.to_string()),
            ]
        };
        // twilio-python's test_validation_of_body_succeeds.
        let sig = "a9nBmqA0ju/hNViExpshrM61xv4=";
        assert!(verdict(Some(&url), &json(sig), body).is_valid());
        assert_eq!(signature_of(&url, &json(sig)[..1], body), sig);
        let changed = verdict(Some(&url), &json(sig), br#"{"property": "other"}"#);
        assert_eq!(
            changed.failure().map(Failure::code),
            Some("body_hash_mismatch")
        );
        let uncovered = verdict(Some(URL), &json(sig), body);
        assert_eq!(
            uncovered.failure().map(Failure::code),
            Some("unsigned_body")
        );
    }

    #[test]
    fn a_json_body_is_sent_to_the_url_with_its_hash() {
        let json = [("Content-Type".to_string(), "application/json".to_string())];
        let body = br#"{"property": "value", "boolean": true}"#;
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        // Through the registry, as `send` asks: only Twilio changes the URL.
        assert_eq!(
            crate::signature::url_for_body(Scheme::TWILIO, URL, &json, body),
            Some(format!("{URL}&bodySHA256={hash}"))
        );
        for other in Scheme::all().filter(|s| *s != Scheme::TWILIO) {
            assert_eq!(
                crate::signature::url_for_body(other, URL, &json, body),
                None,
                "{other}"
            );
        }
        assert_eq!(
            url_for_body("https://h.test/a", &json, body),
            Some(format!("https://h.test/a?bodySHA256={hash}"))
        );
        // A form, or a URL that already carries the hash, is sent as is.
        let form = [(FORM.0.to_string(), FORM.1.to_string())];
        assert_eq!(url_for_body(URL, &form, b"a=1"), None);
        let hashed = format!("{URL}&bodySHA256={hash}");
        assert_eq!(url_for_body(&hashed, &json, body), None);
        // Signed for the hashed URL, the JSON body verifies.
        let sig = signature_of(&hashed, &json, body);
        let mut headers = json.to_vec();
        headers.push((SIGNATURE.to_string(), sig));
        assert!(verdict(Some(&hashed), &headers, body).is_valid());
    }

    #[test]
    fn what_is_refused() {
        let body = FIELDS.as_bytes();
        let sig = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        let code = |v: Verdict| v.failure().map(Failure::code);
        assert_eq!(code(verdict(None, &signed(sig), body)), Some("no_url"));
        let other_url = URL.replace("foo=1", "foo=2");
        assert_eq!(
            code(verdict(Some(&other_url), &signed(sig), body)),
            Some("signature_mismatch")
        );
        let changed = FIELDS.replace("1234", "9999");
        assert_eq!(
            code(verdict(Some(URL), &signed(sig), changed.as_bytes())),
            Some("signature_mismatch")
        );
        // A blank value still counts: its name is signed.
        let blank = format!("{FIELDS}&Body=");
        assert_eq!(
            code(verdict(Some(URL), &signed(sig), blank.as_bytes())),
            Some("signature_mismatch")
        );
        assert_eq!(
            code(verdict(Some(URL), &signed("not base64!"), body)),
            Some("malformed_header")
        );
        assert_eq!(code(verdict(Some(URL), &[], body)), Some("missing_header"));
    }
}
