//! The verification handshakes some providers send before they deliver anything: the endpoint must
//! prove itself by echoing a challenge (Slack, Twitch, Dropbox, Microsoft Graph), by knowing a
//! token (Meta), or by signing a token with the shared secret (Zoom). Pure: given the request, the
//! scheme that verified it (if any) and the `--verify-token`, it says whether the request is a
//! handshake and exactly what to answer. `listen` does the IO.
//!
//! Echoing attacker-chosen text is a reflected-content risk, so every echo is `text/plain` with
//! `X-Content-Type-Options: nosniff`, at most [`MAX_CHALLENGE`] characters, with no control
//! characters. Signed handshakes (Slack, Twitch, Zoom) are answered only once their signature
//! verifies: Zoom's answer is an HMAC with the secret of any token, so answering an unsigned one
//! would sign whatever a stranger asks.

use std::sync::LazyLock;

use hmac::{Hmac, Mac};
use memchr::memmem;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::headers::{Header, get_one};
use crate::signature::{Location, Scheme};
use crate::webhook::event::BodyFields;

/// Longest challenge echoed, in bytes (providers send a few dozen characters; Graph's tokens are
/// a sentence long).
pub const MAX_CHALLENGE: usize = 1024;

/// A body longer than this is no handshake (theirs are a few hundred bytes): larger bodies are
/// never parsed here.
const MAX_HANDSHAKE_BODY: usize = 8 * 1024;

/// Which handshake a request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Slack Events API `url_verification`.
    Slack,
    /// Meta (Facebook, WhatsApp, Instagram) `GET ?hub.mode=subscribe`.
    Meta,
    /// Zoom `endpoint.url_validation`.
    Zoom,
    /// Twitch EventSub `webhook_callback_verification`.
    Twitch,
    /// Dropbox `GET ?challenge=`.
    Dropbox,
    /// Microsoft Graph `?validationToken=`.
    MicrosoftGraph,
}

/// The handshakes signed like their provider's events, tried in this order: each is described
/// (name, where it travels, answer) by its scheme's registry entry.
const SIGNED: [(Kind, Scheme); 3] = [
    (Kind::Twitch, Scheme::TWITCH),
    (Kind::Slack, Scheme::SLACK),
    (Kind::Zoom, Scheme::ZOOM),
];

impl Kind {
    /// The scheme whose registry entry describes this handshake; `None` for the providers hooky
    /// has no signature scheme for (Meta, Dropbox, Microsoft Graph).
    pub fn scheme(self) -> Option<Scheme> {
        SIGNED
            .iter()
            .find(|(kind, _)| *kind == self)
            .map(|(_, scheme)| *scheme)
    }

    /// The name shown and captured: the scheme and the handshake's name for the signed ones.
    pub fn name(self) -> String {
        let Some(scheme) = self.scheme() else {
            return match self {
                Kind::Meta => "meta hub.challenge",
                Kind::Dropbox => "dropbox challenge",
                _ => "microsoft graph validationToken",
            }
            .into();
        };
        let handshake = scheme.provider().handshake.map_or("handshake", |h| h.name);
        format!("{scheme} {handshake}")
    }
}

/// A handshake and hooky's answer to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handshake {
    pub kind: Kind,
    /// `None` when answered as the provider asks; else why not (the answer is then a 4xx).
    pub refused: Option<String>,
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Handshake {
    fn answered(kind: Kind, content_type: &'static str, body: Vec<u8>) -> Self {
        Handshake {
            kind,
            refused: None,
            status: 200,
            content_type,
            body,
        }
    }

    fn echo(kind: Kind, challenge: &str) -> Self {
        match check_challenge(challenge) {
            Ok(()) => Self::answered(kind, TEXT, challenge.as_bytes().to_vec()),
            Err(why) => Self::refuse(kind, 400, why),
        }
    }

    fn refuse(kind: Kind, status: u16, why: String) -> Self {
        Handshake {
            kind,
            body: format!("hooky: {why}\n").into_bytes(),
            refused: Some(why),
            status,
            content_type: TEXT,
        }
    }
}

const TEXT: &str = "text/plain; charset=utf-8";

/// What the handshake sees of a request.
pub struct Inbound<'a> {
    pub method: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a [Header],
    pub body: &'a [u8],
    /// The body's top-level fields, read once per request: a handshake named at one of them is
    /// told from them; where they cannot tell ([`BodyFields::UNKNOWN`]), the body is looked through.
    pub fields: &'a BodyFields,
}

/// The scheme whose signature verified the request, and the key that did.
#[derive(Clone, Copy)]
pub struct Verified<'a> {
    pub scheme: &'a str,
    pub key: &'a [u8],
}

/// Whether the request is a handshake, and the answer. `verified` is `None` unless the request's
/// signature verified; `verify_token` is `--verify-token`.
pub fn recognise(
    request: &Inbound<'_>,
    verified: Option<Verified<'_>>,
    verify_token: Option<&[u8]>,
) -> Option<Handshake> {
    if let Some(query) = request.query
        && let Some(handshake) = by_query(request.method, query, verify_token)
    {
        return Some(handshake);
    }
    if request.method != "POST" || request.body.len() > MAX_HANDSHAKE_BODY {
        return None;
    }
    signed_handshake(request, verified)
}

/// The handshakes signed like their provider's events (Slack's, Twitch's, Zoom's), recognised
/// where their scheme's registry entry says the handshake's name travels.
fn signed_handshake(request: &Inbound<'_>, verified: Option<Verified<'_>>) -> Option<Handshake> {
    // Most bodies are events: a body is parsed only when it names a handshake.
    let mut parsed: Option<Option<serde_json::Value>> = None;
    let (kind, scheme) = SIGNED.into_iter().find(|(_, scheme)| {
        let Some(handshake) = scheme.provider().handshake else {
            return false;
        };
        match handshake.at {
            Location::Header(name) => get_one(request.headers, name)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(handshake.name)),
            Location::Body(pointer) => {
                if let Some(text) = request.fields.text_at(pointer) {
                    return text == Some(handshake.name);
                }
                contains_name(request.body, handshake.name)
                    && parsed
                        .get_or_insert_with(|| serde_json::from_slice(request.body).ok())
                        .as_ref()
                        .and_then(|json| json.pointer(pointer))
                        .and_then(|v| v.as_str())
                        == Some(handshake.name)
            }
        }
    })?;
    let json = parsed.unwrap_or_else(|| serde_json::from_slice(request.body).ok())?;
    let text = |pointer: &str| json.pointer(pointer).and_then(|v| v.as_str());
    let signed = verified.filter(|v| v.scheme == scheme.name());
    let unverified = || {
        Handshake::refuse(
            kind,
            401,
            format!(
                "not answered: its {scheme} signature did not verify \
                 (listen --secret with the provider's signing secret)"
            ),
        )
    };
    if kind == Kind::Zoom {
        let plain = text("/payload/plainToken")?;
        return Some(signed.map_or_else(unverified, |v| zoom_answer(plain, v.key)));
    }
    let challenge = text("/challenge")?;
    Some(signed.map_or_else(unverified, |_| Handshake::echo(kind, challenge)))
}

/// The handshakes carried in the query string: Meta's, Dropbox's and Microsoft Graph's.
fn by_query(method: &str, query: &str, verify_token: Option<&[u8]>) -> Option<Handshake> {
    let mut mode = None;
    let mut token = None;
    let mut hub_challenge = None;
    let mut challenge = None;
    let mut validation = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "hub.mode" => mode = Some(value),
            "hub.verify_token" => token = Some(value),
            "hub.challenge" => hub_challenge = Some(value),
            "challenge" => challenge = Some(value),
            "validationToken" => validation = Some(value),
            _ => {}
        }
    }
    if let Some(token_sent) = validation {
        return Some(Handshake::echo(Kind::MicrosoftGraph, &token_sent));
    }
    if method != "GET" {
        return None;
    }
    if mode.as_deref() == Some("subscribe") {
        let hub_challenge = hub_challenge?;
        let Some(expected) = verify_token else {
            return Some(Handshake::refuse(
                Kind::Meta,
                403,
                "not answered: no --verify-token to compare hub.verify_token with \
                 (listen --verify-token with the token you gave the provider)"
                    .into(),
            ));
        };
        let sent = token.as_deref().unwrap_or_default().as_bytes();
        if !bool::from(sent.ct_eq(expected)) {
            return Some(Handshake::refuse(
                Kind::Meta,
                403,
                "not answered: hub.verify_token differs from --verify-token".into(),
            ));
        }
        return Some(Handshake::echo(Kind::Meta, &hub_challenge));
    }
    challenge.map(|challenge| Handshake::echo(Kind::Dropbox, &challenge))
}

/// Zoom's answer: the token, and its hex HMAC-SHA256 with the secret token.
fn zoom_answer(plain: &str, secret: &[u8]) -> Handshake {
    if let Err(why) = check_challenge(plain) {
        return Handshake::refuse(Kind::Zoom, 400, why);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(plain.as_bytes());
    let encrypted = hex::encode(mac.finalize().into_bytes());
    let body = serde_json::json!({ "plainToken": plain, "encryptedToken": encrypted });
    Handshake::answered(
        Kind::Zoom,
        "application/json",
        body.to_string().into_bytes(),
    )
}

/// A challenge is echoed only when short and free of control characters.
fn check_challenge(challenge: &str) -> Result<(), String> {
    if challenge.is_empty() {
        return Err("not answered: the challenge is empty".into());
    }
    if challenge.len() > MAX_CHALLENGE {
        return Err(format!(
            "not answered: the challenge is {} bytes, over hooky's limit of {MAX_CHALLENGE}",
            challenge.len()
        ));
    }
    if challenge.chars().any(char::is_control) {
        return Err("not answered: the challenge holds control characters".into());
    }
    Ok(())
}

/// Whether a handshake's `name` occurs in `haystack` (a SIMD search: every request's body is
/// looked through), with searchers built once for the registry's names: building one costs more
/// than searching a 1 KB body.
fn contains_name(haystack: &[u8], name: &str) -> bool {
    static FINDERS: LazyLock<Vec<memmem::Finder<'static>>> = LazyLock::new(|| {
        SIGNED
            .iter()
            .filter_map(|(_, scheme)| scheme.provider().handshake)
            .map(|handshake| memmem::Finder::new(handshake.name.as_bytes()))
            .collect()
    });
    match FINDERS
        .iter()
        .find(|finder| finder.needle() == name.as_bytes())
    {
        Some(finder) => finder.find(haystack).is_some(),
        None => memmem::find(haystack, name.as_bytes()).is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Requests built here leave the body to be looked through, as for a body the fields cannot
    /// describe.
    static UNKNOWN: BodyFields = BodyFields::UNKNOWN;

    fn post<'a>(headers: &'a [Header], body: &'a [u8]) -> Inbound<'a> {
        Inbound {
            method: "POST",
            query: None,
            headers,
            body,
            fields: &UNKNOWN,
        }
    }

    fn get(query: &str) -> Inbound<'_> {
        Inbound {
            method: "GET",
            query: Some(query),
            headers: &[],
            body: b"",
            fields: &UNKNOWN,
        }
    }

    fn signed(scheme: &str) -> Option<Verified<'_>> {
        Some(Verified {
            scheme,
            key: b"secret",
        })
    }

    #[test]
    fn slack_echoes_the_challenge_only_when_its_signature_verifies() {
        let body = br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        let answer = recognise(&post(&[], body), signed("slack"), None).unwrap();
        assert_eq!(answer.kind, Kind::Slack);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, TEXT);
        assert_eq!(
            answer.body,
            b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
        );
        for verified in [None, signed("github")] {
            let refused = recognise(&post(&[], body), verified, None).unwrap();
            assert_eq!(refused.status, 401);
            assert!(refused.refused.unwrap().contains("did not verify"));
            assert!(!String::from_utf8_lossy(&refused.body).contains("3eZbrw"));
        }
        // An event that merely mentions the word is no handshake.
        let event = br#"{"type":"event_callback","text":"url_verification"}"#;
        assert_eq!(recognise(&post(&[], event), signed("slack"), None), None);
    }

    #[test]
    fn handshakes_told_from_the_read_fields_are_those_told_from_the_body() {
        let bodies: [&[u8]; 11] = [
            br#"{"token":"t","challenge":"c1","type":"url_verification"}"#,
            br#"{"type":"url_verification"}"#,
            br#"{"type":"event_callback","text":"url_verification"}"#,
            br#"{"type":"url_verification","challenge":"c3","type":"url_verification"}"#,
            br#"{"type":"url_verification","challenge":"c4","x":1e400}"#,
            br#"{"type":["url_verification"],"challenge":"c5"}"#,
            br#"{"inner":{"type":"url_verification"},"challenge":"c6"}"#,
            br#"{"payload":{"plainToken":"p1"},"event":"endpoint.url_validation"}"#,
            br#"{"payload":{"plainToken":"p2"},"event":"endpoint.url_validation"} x"#,
            br#"  {"event":"endpoint.url_validation","payload":{"plainToken":"p3"}}"#,
            b"type=url_verification&challenge=c7",
        ];
        for body in bodies {
            let fields = BodyFields::read(body);
            for scheme in ["slack", "zoom"] {
                let told = Inbound {
                    fields: &fields,
                    ..post(&[], body)
                };
                assert_eq!(
                    recognise(&told, signed(scheme), None),
                    recognise(&post(&[], body), signed(scheme), None),
                    "{}",
                    String::from_utf8_lossy(body)
                );
            }
        }
        // The read fields are what decides: the first body is a handshake by them.
        let fields = BodyFields::read(bodies[0]);
        let told = Inbound {
            fields: &fields,
            ..post(&[], bodies[0])
        };
        assert_eq!(recognise(&told, signed("slack"), None).unwrap().body, b"c1");
        // The fields decode escapes as JSON does, where the search of the body's bytes finds only a
        // name written plainly.
        let escaped = br#"{"type":"url\u005fverification","challenge":"c2"}"#;
        let fields = BodyFields::read(escaped);
        let told = Inbound {
            fields: &fields,
            ..post(&[], escaped)
        };
        assert_eq!(recognise(&told, signed("slack"), None).unwrap().body, b"c2");
    }

    #[test]
    fn meta_compares_the_verify_token() {
        let query = "hub.mode=subscribe&hub.verify_token=tok%20en&hub.challenge=1158201444";
        let answer = recognise(&get(query), None, Some(b"tok en")).unwrap();
        assert_eq!((answer.kind, answer.status), (Kind::Meta, 200));
        assert_eq!(answer.body, b"1158201444");

        let wrong = recognise(&get(query), None, Some(b"other")).unwrap();
        assert_eq!(wrong.status, 403);
        assert!(wrong.refused.unwrap().contains("differs"));
        let missing = recognise(&get(query), None, None).unwrap();
        assert_eq!(missing.status, 403);
        assert!(missing.refused.unwrap().contains("--verify-token"));
        let no_token = recognise(
            &get("hub.mode=subscribe&hub.challenge=1"),
            None,
            Some(b"tok"),
        )
        .unwrap();
        assert_eq!(no_token.status, 403);
    }

    #[test]
    fn zoom_answers_with_the_hmac_of_the_plain_token() {
        let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
        let answer = recognise(&post(&[], body), signed("zoom"), None).unwrap();
        assert_eq!((answer.kind, answer.status), (Kind::Zoom, 200));
        assert_eq!(answer.content_type, "application/json");
        let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(json["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
        // Computed independently: python3 -c 'import hmac,hashlib;
        // print(hmac.new(b"secret", b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest())'
        assert_eq!(
            json["encryptedToken"],
            "72cef096bfd47c0b8664df30d07721641e4abd7e885ba432204260db477a9a3e"
        );
        // Unsigned, it would be a signing oracle for the secret.
        assert_eq!(recognise(&post(&[], body), None, None).unwrap().status, 401);
    }

    #[test]
    fn twitch_echoes_after_its_signature_verifies() {
        let headers = vec![(
            "Twitch-Eventsub-Message-Type".to_string(),
            "webhook_callback_verification".to_string(),
        )];
        let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"type":"channel.follow"}}"#;
        let answer = recognise(&post(&headers, body), signed("twitch"), None).unwrap();
        assert_eq!((answer.kind, answer.status), (Kind::Twitch, 200));
        assert_eq!(answer.content_type, TEXT);
        assert_eq!(answer.body, b"pogchamp-kappa-360noscope-vohiyo");
        assert_eq!(
            recognise(&post(&headers, body), signed("slack"), None)
                .unwrap()
                .status,
            401
        );
    }

    #[test]
    fn dropbox_and_graph_echo_their_query_challenge() {
        let dropbox = recognise(&get("challenge=abc123"), None, None).unwrap();
        assert_eq!((dropbox.kind, dropbox.status), (Kind::Dropbox, 200));
        assert_eq!(dropbox.body, b"abc123");
        // Graph posts, with the token in the query, percent-encoded.
        let graph = Inbound {
            method: "POST",
            query: Some("validationToken=Validation%3A+Testing+client"),
            headers: &[],
            body: b"",
            fields: &UNKNOWN,
        };
        let answer = recognise(&graph, None, None).unwrap();
        assert_eq!((answer.kind, answer.status), (Kind::MicrosoftGraph, 200));
        assert_eq!(answer.body, b"Validation: Testing client");
        // A POST with ?challenge= is an ordinary request.
        let post_challenge = Inbound {
            method: "POST",
            ..get("challenge=x")
        };
        assert_eq!(recognise(&post_challenge, None, None), None);
        assert_eq!(recognise(&get("a=1"), None, None), None);
    }

    #[test]
    fn echoes_are_bounded_and_plain() {
        let long = format!("challenge={}", "a".repeat(MAX_CHALLENGE + 1));
        let refused = recognise(&get(&long), None, None).unwrap();
        assert_eq!(refused.status, 400);
        assert!(refused.body.len() < 200);
        let exact = format!("challenge={}", "a".repeat(MAX_CHALLENGE));
        assert_eq!(recognise(&get(&exact), None, None).unwrap().status, 200);
        let control = recognise(&get("challenge=a%0D%0AX-Injected:1"), None, None).unwrap();
        assert_eq!(control.status, 400);
        let empty = recognise(&get("challenge="), None, None).unwrap();
        assert_eq!(empty.status, 400);
        let html = recognise(&get("challenge=%3Cscript%3E"), None, None).unwrap();
        assert_eq!(html.content_type, TEXT);
    }

    #[test]
    fn the_registry_describes_the_signed_handshakes_and_the_readme_lists_the_others() {
        let all = [
            Kind::Slack,
            Kind::Meta,
            Kind::Zoom,
            Kind::Twitch,
            Kind::Dropbox,
            Kind::MicrosoftGraph,
        ];
        let readme = include_str!("../../../README.md");
        let start =
            "<!-- handshakes: checked against src/commands/listen/handshake.rs by a test -->";
        let from = readme.find(start).expect("the README marks its handshakes");
        let to = from + readme[from..].find("<!-- end of handshakes -->").unwrap();
        let listed = readme[from..to].replace('\n', " ");
        for kind in all {
            let name = kind.name();
            match kind.scheme() {
                Some(scheme) => {
                    let handshake = scheme.provider().handshake.expect("in the registry");
                    assert_eq!(name, format!("{scheme} {}", handshake.name));
                }
                None => assert!(listed.contains(&format!("`{name}`")), "{name}"),
            }
        }
        assert_eq!(
            crate::signature::Scheme::all()
                .filter(|s| s.provider().handshake.is_some())
                .count(),
            SIGNED.len(),
            "every handshake in the registry is answered"
        );
    }

    #[test]
    fn large_bodies_are_never_parsed() {
        let mut body = br#"{"type":"url_verification","challenge":"c","pad":""#.to_vec();
        body.extend(std::iter::repeat_n(b'x', MAX_HANDSHAKE_BODY));
        body.extend(br#""}"#);
        assert_eq!(recognise(&post(&[], &body), signed("slack"), None), None);
    }
}
