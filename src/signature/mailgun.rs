//! Mailgun: the signature travels in the body. A JSON webhook carries
//! `{"signature":{"timestamp":"…","token":"…","signature":"<hex HMAC-SHA256 of timestamp + token>"},
//! "event-data":{…}}`; a legacy webhook carries `timestamp`, `token` and `signature` as form
//! fields. Verified as the `mailgun` library's `SecurityGuard.verify_webhook` does: the signature,
//! then the timestamp within 900 s either way. The signature covers the timestamp and the token
//! only, never `event-data`: a receiver must also refuse a token it has seen to stop replays.
//!
//! Signing writes a fresh `signature` object (or the three form fields) into the body and keeps
//! every other byte. The token is 50 hex digits derived from the event id and the timestamp, so
//! the same inputs sign the same way.

use super::{
    Attack, Check, Failure, KeyKind, Location, Provider, SignatureAt, Signed, Signing, Tolerance,
    crypto, json_body,
};

/// The body field (JSON) holding the three values, and each value's name there and in a form.
const FIELD: &str = "signature";
const TIMESTAMP: &str = "timestamp";
const TOKEN: &str = "token";
const SIGNATURE: &str = "signature";

pub(super) const PROVIDER: Provider = Provider {
    name: "mailgun",
    aliases: &[],
    summary: "Mailgun: signature object in the body (hex HMAC-SHA256 of timestamp + token; event-data not covered)",
    key: KeyKind::Secret,
    signature: SignatureAt::Body(FIELD),
    signature_prefix: "",
    other_headers: &[],
    tolerance: Some(Tolerance {
        default_secs: 900,
        rejects_future: true,
    }),
    several_signatures: false,
    signs_id: false,
    event_type: &[Location::Body("/event-data/event")],
    event_id: &[Location::Body("/event-data/id")],
    // "Body changed" alters the token: event-data is not signed, so changing it cannot be noticed.
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::FieldsSwapped,
        Attack::StaleTimestamp,
        Attack::FutureTimestamp,
    ],
    note: Some(
        "mailgun signs only the timestamp and token, not event-data: refuse a token already seen",
    ),
    detect: |request, _| mentions_signature(request.body) && read(request.body).is_ok(),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: |_, body| read(body).ok()?.timestamp.parse().ok(),
    handshake: None,
    url_for_body: None,
    forge_body: Some(forge),
};

/// The three signed values as the body carries them, and whether it carries them as form fields.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Values {
    timestamp: String,
    token: String,
    signature: String,
    form: bool,
}

impl Values {
    /// How a failure names one of the values: `signature.token` in JSON, `token` in a form.
    fn field(&self, name: &str) -> String {
        if self.form {
            name.to_string()
        } else {
            format!("{FIELD}.{name}")
        }
    }
}

/// Whether the body has the bytes `signature` anywhere: a cheap test before parsing it, since
/// detection tries every request that carries no signature header.
fn mentions_signature(body: &[u8]) -> bool {
    // The searcher built once: building it costs more than searching a 1 KB body.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(SIGNATURE.as_bytes()));
    FINDER.find(body).is_some()
}

/// Whether a body is a JSON one (an object, or nothing yet); anything else is read as form fields.
fn is_json(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace) || json_body::is_object(body)
}

/// The three values a body carries, or the failure that says what is missing or malformed.
fn read(body: &[u8]) -> Result<Values, Failure> {
    if is_json(body) {
        read_json(body)
    } else {
        read_form(body)
    }
}

fn read_json(body: &[u8]) -> Result<Values, Failure> {
    let missing = |field: &str| Failure::MissingBodyField {
        field: field.to_string(),
    };
    let range = json_body::field_range(body, FIELD).ok_or_else(|| missing(FIELD))?;
    let object: serde_json::Value =
        serde_json::from_slice(&body[range]).expect("the body's field is JSON");
    let object = object
        .as_object()
        .ok_or_else(|| malformed(FIELD, "not an object"))?;
    let text = |name: &str, numbers: bool| {
        let field = format!("{FIELD}.{name}");
        match object.get(name) {
            None => Err(missing(&field)),
            Some(serde_json::Value::String(text)) => Ok(text.clone()),
            Some(serde_json::Value::Number(n)) if numbers && n.is_u64() => Ok(n.to_string()),
            Some(_) => Err(malformed(&field, "not a string")),
        }
    };
    Ok(Values {
        timestamp: text(TIMESTAMP, true)?,
        token: text(TOKEN, false)?,
        signature: text(SIGNATURE, false)?,
        form: false,
    })
}

fn read_form(body: &[u8]) -> Result<Values, Failure> {
    let one = |name: &str| {
        let values: Vec<String> = form_urlencoded::parse(body)
            .filter(|(n, _)| n == name)
            .map(|(_, value)| value.into_owned())
            .collect();
        match values.as_slice() {
            [] => Err(Failure::MissingBodyField {
                field: name.to_string(),
            }),
            [one] => Ok(one.clone()),
            several => Err(malformed(
                name,
                &format!(
                    "appears {} times; a signed request carries it once",
                    several.len()
                ),
            )),
        }
    };
    Ok(Values {
        signature: one(SIGNATURE)?,
        timestamp: one(TIMESTAMP)?,
        token: one(TOKEN)?,
        form: true,
    })
}

fn malformed(field: &str, reason: &str) -> Failure {
    Failure::MalformedBodyField {
        field: field.to_string(),
        reason: reason.to_string(),
    }
}

/// `body` carrying `values`: the JSON `signature` object replaced (or added first), or the form
/// fields of those names dropped and the new ones added last; every other byte kept.
fn write(body: &[u8], values: &Values) -> Vec<u8> {
    if values.form {
        let mut kept: Vec<&[u8]> = body
            .split(|b| *b == b'&')
            .filter(|pair| !pair.is_empty() && !is_signed_pair(pair))
            .collect();
        let fields = form_urlencoded::Serializer::new(String::new())
            .append_pair(TIMESTAMP, &values.timestamp)
            .append_pair(TOKEN, &values.token)
            .append_pair(SIGNATURE, &values.signature)
            .finish();
        kept.push(fields.as_bytes());
        return kept.join(&b'&');
    }
    let quoted = |text: &str| serde_json::to_string(text).expect("a string serialises");
    let object = format!(
        "{{\"{TIMESTAMP}\":{},\"{TOKEN}\":{},\"{SIGNATURE}\":{}}}",
        quoted(&values.timestamp),
        quoted(&values.token),
        quoted(&values.signature)
    );
    json_body::set_field(body, FIELD, &object)
        .unwrap_or_else(|| format!("{{\"{FIELD}\":{object}}}").into_bytes())
}

/// Whether a form pair (`name=value`) is one of the three signed fields.
fn is_signed_pair(pair: &[u8]) -> bool {
    form_urlencoded::parse(pair)
        .next()
        .is_some_and(|(name, _)| [TIMESTAMP, TOKEN, SIGNATURE].contains(&name.as_ref()))
}

/// A token that looks like Mailgun's (50 hex digits), the same for the same event and time.
fn token(id: &str, timestamp: &str) -> String {
    let mut token = crypto::sha256_hex(format!("hooky mailgun token {id} {timestamp}").as_bytes());
    token.truncate(50);
    token
}

fn sign(s: &Signing<'_>) -> Signed {
    let timestamp = s.timestamp.to_string();
    let token = token(s.id, &timestamp);
    let mac = crypto::hmac_sha256(s.first(), &[timestamp.as_bytes(), token.as_bytes()]);
    let values = Values {
        timestamp,
        token,
        signature: crypto::hex_lower(&mac),
        form: !is_json(s.request.body),
    };
    Signed {
        headers: Vec::new(),
        body: Some(write(s.request.body, &values)),
    }
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let values = read(check.body)?;
    let signature = match hex::decode(&values.signature) {
        Ok(bytes) if bytes.len() == 32 => bytes,
        _ => {
            let field = values.field(SIGNATURE);
            return Err(malformed(&field, "not 64 hex digits (a hex HMAC-SHA256)"));
        }
    };
    let message = [values.timestamp.as_bytes(), values.token.as_bytes()];
    let index = check
        .match_any(&message, &[signature])
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })?;
    let timestamp = values.timestamp.parse::<i64>().map_err(|_| {
        malformed(
            &values.field(TIMESTAMP),
            "not a whole number of unix seconds",
        )
    })?;
    check.check_age(timestamp)?;
    Ok(index)
}

/// The body of a signed request changed for an `--attack` variant: the signature altered or
/// removed, the token changed (the covered part of the body), or timestamp and token exchanged.
pub(super) fn forge(body: &[u8], attack: Attack) -> Option<Vec<u8>> {
    let mut values = read(body).ok()?;
    match attack {
        Attack::WrongSignature => values.signature = flip_first(&values.signature),
        Attack::BodyChanged => values.token = flip_first(&values.token),
        Attack::FieldsSwapped => std::mem::swap(&mut values.timestamp, &mut values.token),
        Attack::MissingHeader if values.form => {
            let kept: Vec<&[u8]> = body
                .split(|b| *b == b'&')
                .filter(|pair| !is_signed_pair(pair))
                .collect();
            return Some(kept.join(&b'&'));
        }
        Attack::MissingHeader => return json_body::remove_field(body, FIELD),
        _ => return None,
    }
    Some(write(body, &values))
}

/// `text` with its first character changed, still a hex digit.
fn flip_first(text: &str) -> String {
    let rest = text.get(1..).unwrap_or_default();
    let first = if text.starts_with('0') { '1' } else { '0' };
    format!("{first}{rest}")
}

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, detect, sign, verify};
    use super::*;

    const KEY: &[u8] = b"mg-signing-key";
    /// The timestamp and token of the example in Mailgun's webhook documentation; the docs do not
    /// publish the signing key behind their signature, so the known answer is Python's hmac:
    /// python3 -c 'import hmac,hashlib; print(hmac.new(b"mg-signing-key",
    ///   b"1529006854a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0",
    ///   hashlib.sha256).hexdigest())'
    const TIMESTAMP_1: &str = "1529006854";
    const TOKEN_1: &str = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
    const SIGNATURE_1: &str = "13419fb6afd047225d098b7f6b002a4f061022ad3bc2e9b153326308345dcfa0";
    const NOW: i64 = 1_529_006_854;

    fn body(timestamp: &str, token: &str, signature: &str) -> Vec<u8> {
        format!(
            r#"{{"signature":{{"timestamp":"{timestamp}","token":"{token}","signature":"{signature}"}},"event-data":{{"event":"delivered","id":"CPgfbmQMTCKtHW6uIWtuVe"}}}}"#
        )
        .into_bytes()
    }

    fn check(body: &[u8], now: i64) -> Verdict {
        verify(
            Scheme::MAILGUN,
            Keys::new(&[KEY]),
            &SignedRequest::post(&[], body),
            now,
            None,
        )
    }

    fn code(body: &[u8], now: i64) -> String {
        match check(body, now) {
            Verdict::Invalid { failure, .. } => format!("{}: {failure}", failure.code()),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    fn signed(body: &[u8], timestamp: i64, id: &str) -> Vec<u8> {
        let signed = sign(
            Scheme::MAILGUN,
            Keys::new(&[KEY]),
            &SignedRequest::post(&[], body),
            timestamp,
            id,
        )
        .unwrap();
        assert!(signed.headers.is_empty());
        signed.body.expect("mailgun writes the body")
    }

    #[test]
    fn the_docs_example_verifies_with_the_known_answer() {
        let body = body(TIMESTAMP_1, TOKEN_1, SIGNATURE_1);
        let verdict = check(&body, NOW);
        assert_eq!(
            verdict,
            Verdict::Valid {
                scheme: Scheme::MAILGUN,
                secret_index: 1
            }
        );
        assert!(verdict.to_string().contains("not event-data"), "{verdict}");
        assert_eq!(
            detect(&SignedRequest::post(&[], &body), "X"),
            Some(Scheme::MAILGUN)
        );
        for unsigned in [
            &br#"{"event-data":{"event":"delivered"}}"#[..],
            b"a=1&signature=x",
            b"",
        ] {
            assert_eq!(detect(&SignedRequest::post(&[], unsigned), "X"), None);
        }
        // The signature does not cover event-data: changed, it still verifies (hence the note).
        let other = String::from_utf8(body)
            .unwrap()
            .replace("delivered", "failed");
        assert!(check(other.as_bytes(), NOW).is_valid());
    }

    #[test]
    fn signing_writes_the_signature_object_and_keeps_the_rest() {
        let original = b"{\n  \"event-data\": {\"event\": \"delivered\", \"note\": \"\\u00e9\"},\n  \"signature\": {\"timestamp\": \"1\", \"token\": \"old\", \"signature\": \"00\"}\n}\n";
        let sent = signed(original, NOW, "evt_1");
        let text = String::from_utf8(sent.clone()).unwrap();
        assert!(
            text.starts_with("{\n  \"event-data\": {\"event\": \"delivered\", \"note\": \"\\u00e9\"},\n  \"signature\": {\"timestamp\":\"1529006854\",\"token\":\""),
            "{text}"
        );
        assert!(text.ends_with("\"}\n}\n"), "{text}");
        assert!(check(&sent, NOW).is_valid());
        // The same inputs sign the same way; another event or time gets another token.
        assert_eq!(signed(original, NOW, "evt_1"), sent);
        assert_ne!(signed(original, NOW, "evt_2"), sent);
        let values = read(&sent).unwrap();
        assert_eq!(values.token.len(), 50);
        assert!(values.token.bytes().all(|b| b.is_ascii_hexdigit()));
        // A body without one gets it first; an empty body becomes just the object.
        let added = signed(br#"{"event-data":{}}"#, NOW, "e");
        assert!(added.starts_with(br#"{"signature":{"timestamp":"1529006854","#));
        assert!(added.ends_with(br#"},"event-data":{}}"#));
        assert!(check(&signed(b"", NOW, "e"), NOW).is_valid());
    }

    #[test]
    fn legacy_form_fields_sign_and_verify() {
        let form = format!(
            "event=delivered&timestamp={TIMESTAMP_1}&token={TOKEN_1}&signature={SIGNATURE_1}"
        );
        assert!(check(form.as_bytes(), NOW).is_valid());
        let sent = signed(b"event=delivered&token=old&recipient=a%40b.test", NOW, "e");
        let text = String::from_utf8(sent.clone()).unwrap();
        assert!(
            text.starts_with("event=delivered&recipient=a%40b.test&timestamp=1529006854&token="),
            "{text}"
        );
        assert!(check(&sent, NOW).is_valid());
        let doubled = format!("{text}&token=x");
        assert!(
            code(doubled.as_bytes(), NOW)
                .starts_with("malformed_body_field: malformed body field token")
        );
        assert!(
            code(b"event=delivered", NOW)
                .starts_with("missing_body_field: missing body field signature")
        );
    }

    #[test]
    fn each_failure_says_what_is_wrong() {
        let cases: [(Vec<u8>, &str); 7] = [
            (
                br#"{"event-data":{}}"#.to_vec(),
                "missing_body_field: missing body field signature",
            ),
            (
                br#"{"signature":"abc"}"#.to_vec(),
                "malformed_body_field: malformed body field signature: not an object",
            ),
            (
                br#"{"signature":{"timestamp":"1","signature":"00"}}"#.to_vec(),
                "missing_body_field: missing body field signature.token",
            ),
            (
                br#"{"signature":{"timestamp":"1","token":5,"signature":"00"}}"#.to_vec(),
                "malformed_body_field: malformed body field signature.token: not a string",
            ),
            (
                body(TIMESTAMP_1, TOKEN_1, "abc"),
                "malformed_body_field: malformed body field signature.signature",
            ),
            (
                body(TIMESTAMP_1, TOKEN_1, &"0".repeat(64)),
                "signature_mismatch",
            ),
            (
                body("1529006855", TOKEN_1, SIGNATURE_1),
                "signature_mismatch",
            ),
        ];
        for (body, expected) in cases {
            let got = code(&body, NOW);
            assert!(got.starts_with(expected), "{got} / {expected}");
        }
    }

    #[test]
    fn the_timestamp_is_checked_900_seconds_either_way() {
        let body = body(TIMESTAMP_1, TOKEN_1, SIGNATURE_1);
        assert!(check(&body, NOW + 900).is_valid());
        assert!(check(&body, NOW - 900).is_valid());
        assert!(
            code(&body, NOW + 901)
                .starts_with("timestamp_too_old: timestamp too old by 1s (tolerance 900s)")
        );
        assert!(code(&body, NOW - 901).starts_with("timestamp_too_new: timestamp too new by 1s"));
        // Signed, but not a number of seconds: refused after the signature matched.
        let mac = crypto::hmac_sha256(KEY, &[b"soon", TOKEN_1.as_bytes()]);
        let odd = self::body("soon", TOKEN_1, &hex::encode(mac));
        assert!(
            code(&odd, NOW)
                .starts_with("malformed_body_field: malformed body field signature.timestamp")
        );
    }

    #[test]
    fn every_forgery_is_refused() {
        let sent = signed(br#"{"event-data":{"event":"delivered"}}"#, NOW, "e");
        for attack in [
            Attack::WrongSignature,
            Attack::MissingHeader,
            Attack::BodyChanged,
            Attack::FieldsSwapped,
        ] {
            let forged = forge(&sent, attack).unwrap();
            assert!(!check(&forged, NOW).is_valid(), "{attack:?}");
            assert!(
                forged.ends_with(br#""event-data":{"event":"delivered"}}"#),
                "{attack:?}"
            );
        }
        let removed = forge(&sent, Attack::MissingHeader).unwrap();
        assert_eq!(removed, br#"{"event-data":{"event":"delivered"}}"#);
        let swapped = read(&forge(&sent, Attack::FieldsSwapped).unwrap()).unwrap();
        let values = read(&sent).unwrap();
        assert_eq!(
            (swapped.timestamp, swapped.token),
            (values.token, values.timestamp)
        );
        assert_eq!(forge(&sent, Attack::StaleTimestamp), None);
        // The legacy form: the signature field removed, the others kept.
        let form = signed(b"event=delivered", NOW, "e");
        let removed = forge(&form, Attack::MissingHeader).unwrap();
        assert!(
            code(&removed, NOW).starts_with("missing_body_field: missing body field signature")
        );
        assert!(!check(&forge(&form, Attack::FieldsSwapped).unwrap(), NOW).is_valid());
    }
}
