//! Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex of HMAC-SHA256(secret,
//! message id + timestamp + body)>`, with `Twitch-Eventsub-Message-Id` and
//! `Twitch-Eventsub-Message-Timestamp` (RFC 3339, nanoseconds), as Twitch's EventSub docs describe
//! it. The timestamp is signed as sent, character for character; a message older than 10 minutes
//! is rejected (Twitch says nothing of the future, so one is accepted).

use super::{
    Attack, Check, Failure, Handshake, KeyKind, Location, Provider, SignatureAt, Signed, Signing,
    Tolerance, crypto, generic,
};
use crate::headers::get_one;

const SIGNATURE: &str = "Twitch-Eventsub-Message-Signature";
const ID: &str = "Twitch-Eventsub-Message-Id";
const TIMESTAMP: &str = "Twitch-Eventsub-Message-Timestamp";

pub(super) const PROVIDER: Provider = Provider {
    name: "twitch",
    aliases: &["eventsub"],
    summary: "Twitch EventSub: Twitch-Eventsub-Message-Signature: sha256=<hex>",
    key: KeyKind::Secret,
    signature: SignatureAt::Header(SIGNATURE),
    signature_prefix: "sha256=",
    other_headers: &[ID, TIMESTAMP],
    tolerance: Some(Tolerance {
        default_secs: 600,
        rejects_future: false,
    }),
    several_signatures: false,
    signs_id: true,
    event_type: &[Location::Header("Twitch-Eventsub-Subscription-Type")],
    event_id: &[Location::Header(ID)],
    attacks: &[
        Attack::WrongSignature,
        Attack::MissingHeader,
        Attack::WrongSecret,
        Attack::BodyChanged,
        Attack::StaleTimestamp,
    ],
    note: None,
    handshake: Some(Handshake {
        name: "webhook_callback_verification",
        at: Location::Header("Twitch-Eventsub-Message-Type"),
        answer: "echo `challenge`",
    }),
    url_for_body: None,
    forge_body: None,
    detect: |request, _| request.has(SIGNATURE),
    check_key: super::any_key,
    sign,
    verify,
    signed_timestamp: |headers, _| parse_time(get_one(headers, TIMESTAMP)?.trim()),
};

/// Unix seconds of an RFC 3339 time.
fn parse_time(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.timestamp())
}

fn sign(s: &Signing<'_>) -> Signed {
    // Twitch sends nanoseconds; hooky's timestamps are whole seconds.
    let ts = chrono::DateTime::from_timestamp(s.timestamp, 0)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
        .unwrap_or_else(|| s.timestamp.to_string());
    let mac = crypto::hmac_sha256(s.first(), &[s.id.as_bytes(), ts.as_bytes(), s.request.body]);
    Signed::headers(vec![
        (ID.to_string(), s.id.to_string()),
        (TIMESTAMP.to_string(), ts),
        (
            SIGNATURE.to_string(),
            format!("sha256={}", crypto::hex_lower(&mac)),
        ),
    ])
}

fn verify(check: &Check<'_>) -> Result<usize, Failure> {
    let id = check.header(ID)?;
    let ts_text = check.header(TIMESTAMP)?;
    let value = check.header(SIGNATURE)?;
    let timestamp = parse_time(ts_text).ok_or_else(|| Failure::MalformedHeader {
        header: TIMESTAMP.to_string(),
        reason: format!(
            "timestamp is not an RFC 3339 time ({} characters)",
            ts_text.chars().count()
        ),
    })?;
    let digits = value
        .strip_prefix("sha256=")
        .ok_or_else(|| Failure::MalformedHeader {
            header: SIGNATURE.to_string(),
            reason: "expected sha256=<hex>".to_string(),
        })?;
    let signature = generic::decode_hex_signature(SIGNATURE, digits)?;
    let index = check
        .match_any(
            &[id.as_bytes(), ts_text.as_bytes(), check.body],
            &[signature],
        )
        .ok_or(Failure::Mismatch {
            secrets: check.secrets.len(),
        })?;
    check.check_age(timestamp)?;
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::super::{Keys, Scheme, SignedRequest, Verdict, sign, verify};

    const ID: &str = "e76c6bd4-55c9-4987-8304-da1588d8988b";
    const TIMESTAMP: &str = "2019-11-16T10:11:12.634234626Z";
    const BODY: &[u8] = br#"{"event":{"user_id":"1337"}}"#;
    /// No published vector: a known answer from Python's hmac, an independent implementation:
    /// python3 -c 'import hmac,hashlib; print(hmac.new(b"twitch-secret",
    ///   b"e76c6bd4-55c9-4987-8304-da1588d8988b" b"2019-11-16T10:11:12.634234626Z"
    ///   b"{\"event\":{\"user_id\":\"1337\"}}", hashlib.sha256).hexdigest())'
    const SIGNATURE: &str =
        "sha256=6b40889e05bcb1862c8ba93acf5ed44d31f1c284f23f0ddfbdb39924cabdcd67";
    /// 2019-11-16T10:11:12Z.
    const AT: i64 = 1_573_899_072;

    fn twitch() -> Scheme {
        Scheme::from_name("twitch").unwrap()
    }

    fn headers(timestamp: &str, signature: &str) -> Vec<(String, String)> {
        vec![
            ("Twitch-Eventsub-Message-Id".into(), ID.into()),
            ("Twitch-Eventsub-Message-Timestamp".into(), timestamp.into()),
            ("Twitch-Eventsub-Message-Signature".into(), signature.into()),
        ]
    }

    fn check(headers: &[(String, String)], now: i64) -> Verdict {
        let secret: [&[u8]; 1] = [b"twitch-secret"];
        verify(
            twitch(),
            Keys::new(&secret),
            &SignedRequest::post(headers, BODY),
            now,
            None,
        )
    }

    fn code(verdict: Verdict) -> &'static str {
        match verdict {
            Verdict::Invalid { failure, .. } => failure.code(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn known_answer_with_the_nanosecond_timestamp_signed_verbatim() {
        assert!(check(&headers(TIMESTAMP, SIGNATURE), AT).is_valid());
        // The same instant written otherwise is another message.
        let same_instant = "2019-11-16T10:11:12.634234626+00:00";
        assert_eq!(
            code(check(&headers(same_instant, SIGNATURE), AT)),
            "signature_mismatch"
        );
    }

    #[test]
    fn older_than_ten_minutes_is_rejected_the_future_is_not() {
        let ok = headers(TIMESTAMP, SIGNATURE);
        assert!(check(&ok, AT + 600).is_valid());
        assert_eq!(code(check(&ok, AT + 601)), "timestamp_too_old");
        assert!(check(&ok, AT - 3600).is_valid());
        assert_eq!(
            code(check(&headers("1573899072", SIGNATURE), AT)),
            "malformed_header"
        );
    }

    #[test]
    fn sign_writes_id_and_an_rfc3339_timestamp() {
        let secret: [&[u8]; 1] = [b"twitch-secret"];
        let signed = sign(
            twitch(),
            Keys::new(&secret),
            &SignedRequest::post(&[], BODY),
            AT,
            ID,
        )
        .unwrap()
        .headers;
        assert_eq!(signed[0], ("Twitch-Eventsub-Message-Id".into(), ID.into()));
        assert_eq!(
            signed[1],
            (
                "Twitch-Eventsub-Message-Timestamp".into(),
                "2019-11-16T10:11:12.000000000Z".into()
            )
        );
        assert!(check(&signed, AT).is_valid());
    }
}
