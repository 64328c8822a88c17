//! The signature core: sign and verify webhook requests exactly as the providers do.
//!
//! Pure by design: no IO, no clock, no async, no command line. Time is a parameter (`now`,
//! `timestamp`), the request is a [`SignedRequest`] (method, URL, headers, body), and every
//! comparison of a signature or token is constant-time.
//!
//! Every provider lives in one file that holds everything about it in one [`Provider`] value: its
//! names, its key kind, its headers, how to detect, sign and verify it, its tolerance, where its
//! event type and id live and which `--attack` variants apply. [`REGISTRY`] lists them; a
//! [`Scheme`] is a cheap handle to one entry. Adding a provider is its file and one line there.

mod crypto;
mod discord;
mod generic;
mod github;
mod gitlab;
mod hubspot;
mod intercom;
mod json_body;
pub mod key_pair;
mod linear;
mod mailgun;
mod none;
mod paddle;
mod sendgrid;
mod shopify;
mod slack;
mod square;
mod standard;
mod stripe;
mod twilio;
mod twitch;
mod typeform;
mod v0;
mod zoom;

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::headers::{Header, get_all};

/// Every scheme hooky speaks, in the order detection tries them (most specific first; `hex`,
/// whose header name is configurable, and `none` last). Listings show them in this order.
pub static REGISTRY: &[&Provider] = &[
    &standard::PROVIDER,
    &stripe::PROVIDER,
    &github::PROVIDER,
    &shopify::PROVIDER,
    &slack::PROVIDER,
    &gitlab::PROVIDER,
    &twilio::PROVIDER,
    &square::PROVIDER,
    &hubspot::PROVIDER,
    &paddle::PROVIDER,
    &typeform::PROVIDER,
    &intercom::PROVIDER,
    &twitch::PROVIDER,
    &zoom::PROVIDER,
    &discord::PROVIDER,
    &sendgrid::PROVIDER,
    &linear::PROVIDER,
    &mailgun::PROVIDER,
    &generic::PROVIDER,
    &none::PROVIDER,
];

/// Header name the generic `hex` scheme uses unless told otherwise.
pub const DEFAULT_HEX_HEADER: &str = "X-Webhook-Signature";
/// Tolerance the providers' libraries use by default (Stripe, Standard Webhooks, Slack): five minutes.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;
/// The header that names the event type for schemes whose provider has none of its own.
pub const GENERIC_EVENT_HEADER: &str = "X-Webhook-Event";

/// The request as its sender signed it. `url` is the full URL the sender addressed (scheme, host,
/// path and query, as sent), when the caller knows it: URL-signing providers need it.
#[derive(Clone, Copy, Debug)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub url: Option<&'a str>,
    pub headers: &'a [Header],
    pub body: &'a [u8],
}

impl<'a> SignedRequest<'a> {
    /// A `POST` of `body` with `headers` to an unknown URL (what `sign` and `verify` have by default).
    pub fn post(headers: &'a [Header], body: &'a [u8]) -> Self {
        SignedRequest {
            method: "POST",
            url: None,
            headers,
            body,
        }
    }

    pub fn with_url(mut self, url: &'a str) -> Self {
        self.url = Some(url);
        self
    }

    fn has(&self, name: &str) -> bool {
        crate::headers::has(self.headers, name)
    }
}

/// What a scheme signs and verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// Nothing (`none`).
    None,
    /// A shared HMAC secret, the same on both sides (several for rotation).
    Secret,
    /// A shared token sent as is (GitLab): not a signature, the body is not covered.
    Token,
    /// A key pair: the sender signs with the private key, the receiver verifies with the public one.
    KeyPair,
}

/// The keys a signer or verifier is given; each scheme takes the list its [`KeyKind`] needs.
#[derive(Clone, Copy)]
pub struct Keys<'a> {
    /// HMAC secrets or tokens, several for rotation.
    pub secrets: &'a [&'a [u8]],
    /// Private keys, for signing with a key-pair scheme.
    pub private_keys: &'a [&'a [u8]],
    /// Public keys, for verifying a key-pair scheme.
    pub public_keys: &'a [&'a [u8]],
    /// The same public keys parsed once, when the caller did (`listen`): verifying then parses
    /// nothing.
    pub parsed_public_keys: Option<&'a key_pair::PublicKeys>,
    /// The header name of the generic `hex` scheme.
    pub hex_header: &'a str,
}

impl<'a> Keys<'a> {
    pub fn new(secrets: &'a [&'a [u8]]) -> Self {
        Keys {
            secrets,
            private_keys: &[],
            public_keys: &[],
            parsed_public_keys: None,
            hex_header: DEFAULT_HEX_HEADER,
        }
    }

    pub fn with_hex_header(mut self, hex_header: &'a str) -> Self {
        self.hex_header = hex_header;
        self
    }

    /// The private keys (PKCS#8 PEM) the key-pair schemes sign with.
    pub fn with_private_keys(mut self, private_keys: &'a [&'a [u8]]) -> Self {
        self.private_keys = private_keys;
        self
    }

    /// The public keys (each in its provider's format) the key-pair schemes verify with.
    pub fn with_public_keys(mut self, public_keys: &'a [&'a [u8]]) -> Self {
        self.public_keys = public_keys;
        self
    }

    /// `public_keys` parsed already ([`key_pair::PublicKeys::parse`] of the same keys).
    pub fn with_parsed_public_keys(mut self, parsed: &'a key_pair::PublicKeys) -> Self {
        self.parsed_public_keys = Some(parsed);
        self
    }

    /// The keys a scheme of `kind` signs with.
    fn for_signing(&self, kind: KeyKind) -> &'a [&'a [u8]] {
        match kind {
            KeyKind::None => &[],
            KeyKind::Secret | KeyKind::Token => self.secrets,
            KeyKind::KeyPair => self.private_keys,
        }
    }

    /// The keys a scheme of `kind` verifies with.
    fn for_verifying(&self, kind: KeyKind) -> &'a [&'a [u8]] {
        match kind {
            KeyKind::None => &[],
            KeyKind::Secret | KeyKind::Token => self.secrets,
            KeyKind::KeyPair => self.public_keys,
        }
    }
}

/// Where the signature proper travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAt {
    /// Nowhere (`none`).
    Nowhere,
    /// In this header.
    Header(&'static str),
    /// In the header the user names (`--signature-header`, the generic `hex` scheme).
    ConfiguredHeader,
    /// In this top-level field of the body (Mailgun's `signature` object).
    Body(&'static str),
}

/// Where a request's event type or id lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Header(&'static str),
    /// A JSON pointer into the body (`/data/type`).
    Body(&'static str),
}

/// A verification handshake the provider sends before it delivers events, signed like them;
/// `listen` answers it (`commands::listen::handshake`) and the README lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handshake {
    /// The message's name, as the provider sends it (`url_verification`).
    pub name: &'static str,
    /// Where the name travels: a header's value or a body field.
    pub at: Location,
    /// What the endpoint answers, in a few words.
    pub answer: &'static str,
}

/// How far a signed timestamp may be from now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tolerance {
    /// The provider's library default.
    pub default_secs: u64,
    /// Whether a timestamp ahead of now by more than the tolerance is rejected too.
    pub rejects_future: bool,
}

/// A request a verifying receiver must reject (or, for `Rotation`, accept), as `send --attack`
/// sends it: what each variant tampers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attack {
    /// One character of the signature changed, still well-formed.
    WrongSignature,
    /// The signature header removed.
    MissingHeader,
    /// Signed with a secret the receiver does not hold.
    WrongSecret,
    /// The body changed after signing.
    BodyChanged,
    /// Signed with a timestamp past the tolerance.
    StaleTimestamp,
    /// Signed with a timestamp ahead of now by more than the tolerance.
    FutureTimestamp,
    /// Two signatures, an unknown one and a valid one: must be accepted.
    Rotation,
    /// Signed for another URL than the one it is sent to. Declaring it marks a provider as one
    /// that signs the URL (see [`Scheme::signs_url`]).
    UrlChanged,
    /// The signed fields exchanged, the signature kept (Mailgun's timestamp and token).
    FieldsSwapped,
}

/// A provider's [`Provider::url_for_body`] hook: `(url, headers, body)` to the URL to address.
pub type UrlForBody = fn(&str, &[Header], &[u8]) -> Option<String>;

/// A provider's [`Provider::forge_body`] hook: `(signed body, attack)` to the forged body.
pub type ForgeBody = fn(&[u8], Attack) -> Option<Vec<u8>>;

/// Everything about one scheme. One `const PROVIDER` per file, listed in [`REGISTRY`].
pub struct Provider {
    /// The `--scheme` value.
    pub name: &'static str,
    /// Other names `--scheme` accepts.
    pub aliases: &'static [&'static str],
    /// One line for `--help`, completions and listings.
    pub summary: &'static str,
    pub key: KeyKind,
    /// Where the signature proper travels (what `--attack` alters or removes).
    pub signature: SignatureAt,
    /// The text before the first signature's digits in its header (`sha256=`), for `--attack`.
    pub signature_prefix: &'static str,
    /// Every other header the scheme reads or writes (timestamp, id, alternative names), for
    /// redaction and for stripping before a re-sign.
    pub other_headers: &'static [&'static str],
    /// `None` when no timestamp is signed.
    pub tolerance: Option<Tolerance>,
    /// Whether one request can carry several signatures (secret rotation on the sender side).
    pub several_signatures: bool,
    /// Whether the event id is signed (a new id means a new signature).
    pub signs_id: bool,
    /// Where the event type and id live, most specific first.
    pub event_type: &'static [Location],
    pub event_id: &'static [Location],
    /// The `--attack` variants that apply, in the order they are sent.
    pub attacks: &'static [Attack],
    /// What a valid verdict does not cover, if anything (GitLab's token).
    pub note: Option<&'static str>,
    /// The verification handshake the provider sends before any event, if it sends one.
    pub handshake: Option<Handshake>,
    /// The URL a sender addresses with a body (`url`, the request's headers, the body), when it
    /// differs from `url`: `None` for the providers that never change it (see [`url_for_body`]).
    pub url_for_body: Option<UrlForBody>,
    /// How an `--attack` variant alters a signed body, for the providers whose signature travels in
    /// the body (see [`forge_body`]); `None` for the others, altered through their headers.
    pub forge_body: Option<ForgeBody>,
    /// Whether a request carries this scheme's signature (given the `hex` header name).
    pub detect: fn(&SignedRequest<'_>, &str) -> bool,
    /// Checks one key before use, saying why it cannot be used.
    pub check_key: fn(&[u8]) -> Result<(), String>,
    /// The headers that sign a request, and the body when the scheme writes into it; the keys
    /// were checked with `check_key`.
    pub sign: fn(&Signing<'_>) -> Signed,
    /// The 1-based index of the key that verifies the request, or why none does.
    pub verify: fn(&Check<'_>) -> Result<usize, Failure>,
    /// The signed timestamp (unix seconds) of a request (headers, body), for the stale-signature
    /// warning.
    pub signed_timestamp: fn(&[Header], &[u8]) -> Option<i64>,
}

/// Any key will do ([`Scheme::check_secret`] has already refused an empty one).
fn any_key(_: &[u8]) -> Result<(), String> {
    Ok(())
}

/// For schemes that sign no timestamp.
fn no_timestamp(_: &[Header], _: &[u8]) -> Option<i64> {
    None
}

/// A signing scheme hooky speaks: a handle to its [`REGISTRY`] entry, compared by name.
#[derive(Clone, Copy)]
pub struct Scheme(&'static Provider);

impl Scheme {
    pub const NONE: Scheme = Scheme(&none::PROVIDER);
    pub const HEX: Scheme = Scheme(&generic::PROVIDER);
    pub const GITHUB: Scheme = Scheme(&github::PROVIDER);
    pub const STRIPE: Scheme = Scheme(&stripe::PROVIDER);
    pub const STANDARD: Scheme = Scheme(&standard::PROVIDER);
    pub const SHOPIFY: Scheme = Scheme(&shopify::PROVIDER);
    pub const SLACK: Scheme = Scheme(&slack::PROVIDER);
    pub const GITLAB: Scheme = Scheme(&gitlab::PROVIDER);
    pub const TWILIO: Scheme = Scheme(&twilio::PROVIDER);
    pub const SQUARE: Scheme = Scheme(&square::PROVIDER);
    pub const HUBSPOT: Scheme = Scheme(&hubspot::PROVIDER);
    pub const DISCORD: Scheme = Scheme(&discord::PROVIDER);
    pub const SENDGRID: Scheme = Scheme(&sendgrid::PROVIDER);
    pub const LINEAR: Scheme = Scheme(&linear::PROVIDER);
    pub const MAILGUN: Scheme = Scheme(&mailgun::PROVIDER);
    pub const TWITCH: Scheme = Scheme(&twitch::PROVIDER);
    pub const ZOOM: Scheme = Scheme(&zoom::PROVIDER);

    /// Every scheme, in registry order.
    pub fn all() -> impl Iterator<Item = Scheme> {
        REGISTRY.iter().map(|provider| Scheme(provider))
    }

    /// The scheme with this name or alias.
    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::all().find(|s| s.0.name == name || s.0.aliases.contains(&name))
    }

    pub fn provider(self) -> &'static Provider {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// Whether the scheme signs a timestamp that receivers check against a tolerance.
    pub fn is_timestamped(self) -> bool {
        self.0.tolerance.is_some()
    }

    /// The tolerance verification applies when not told otherwise.
    pub fn default_tolerance_secs(self) -> u64 {
        self.0
            .tolerance
            .map_or(DEFAULT_TOLERANCE_SECS, |t| t.default_secs)
    }

    /// Whether the signature covers the URL the sender addressed (Twilio, Square, HubSpot): such a
    /// request verifies only against that URL.
    pub fn signs_url(self) -> bool {
        self.0.attacks.contains(&Attack::UrlChanged)
    }

    /// Whether one request can carry several signatures (secret rotation on the sender side).
    pub fn allows_several_signatures(self) -> bool {
        self.0.several_signatures
    }

    /// The header holding the signature proper, if it travels in a header.
    pub fn signature_header(self, hex_header: &str) -> Option<String> {
        match self.0.signature {
            SignatureAt::Nowhere | SignatureAt::Body(_) => None,
            SignatureAt::Header(name) => Some(name.to_string()),
            SignatureAt::ConfiguredHeader => Some(hex_header.to_string()),
        }
    }

    /// The names of the headers this scheme's signature lives in (lower case), for redaction and
    /// for stripping before a re-sign.
    pub fn signature_header_names(self, hex_header: &str) -> Vec<String> {
        self.signature_header(hex_header)
            .into_iter()
            .chain(self.0.other_headers.iter().map(|n| n.to_string()))
            .map(|n| n.to_ascii_lowercase())
            .collect()
    }

    /// Checks that a key can be used with this scheme, saying why not (Standard Webhooks
    /// secrets must be base64).
    pub fn check_secret(self, secret: &[u8]) -> Result<(), String> {
        if secret.is_empty() {
            return Err("the secret is empty".into());
        }
        (self.0.check_key)(secret)
    }
}

impl PartialEq for Scheme {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Scheme {}

impl Hash for Scheme {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scheme({})", self.0.name)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Scheme {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the {scheme} scheme needs a secret: pass --secret, HOOKY_SECRET or --secret-file")]
    NoSecret { scheme: Scheme },
    #[error(
        "the {scheme} scheme signs with a private key: pass --private-key FILE, or run `hooky keygen --scheme {scheme}` for a development key pair"
    )]
    NoPrivateKey { scheme: Scheme },
    #[error("no private key usable with the {scheme} scheme: {reason}")]
    BadPrivateKey { scheme: Scheme, reason: String },
    #[error("secret #{index} cannot be used with the {scheme} scheme: {reason}")]
    BadSecret {
        scheme: Scheme,
        index: usize,
        reason: String,
    },
}

/// What a scheme's signer gets: the request as it will be sent (before its signature), the
/// checked keys, the timestamp and event id to sign.
pub struct Signing<'a> {
    pub(crate) keys: &'a [&'a [u8]],
    pub(crate) request: SignedRequest<'a>,
    pub(crate) timestamp: i64,
    pub(crate) id: &'a str,
    pub(crate) hex_header: &'a str,
}

impl Signing<'_> {
    /// The first key: schemes that carry one signature sign with it.
    fn first(&self) -> &[u8] {
        self.keys[0]
    }
}

/// What signing a request makes: the headers to add and, for the schemes that write into the
/// body (Mailgun's `signature` object, Linear's `webhookTimestamp`), the body to send instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signed {
    pub headers: Vec<Header>,
    /// `None`: the body is sent as given.
    pub body: Option<Vec<u8>>,
}

impl Signed {
    /// A signature that is all headers, the body unchanged.
    pub fn headers(headers: Vec<Header>) -> Signed {
        Signed {
            headers,
            body: None,
        }
    }

    /// The body to send: the rewritten one, else `original`.
    pub fn body_or<'a>(&'a self, original: &'a [u8]) -> &'a [u8] {
        self.body.as_deref().unwrap_or(original)
    }
}

/// Signs `request`: the headers to add to it and, when the scheme writes into the body, the body
/// to send instead.
///
/// `timestamp` (unix seconds) and `id` are used by the schemes that sign them and ignored by the
/// others. Schemes that carry several signatures get one per key; the others use the first.
pub fn sign(
    scheme: Scheme,
    keys: Keys<'_>,
    request: &SignedRequest<'_>,
    timestamp: i64,
    id: &str,
) -> Result<Signed, SignError> {
    let provider = scheme.provider();
    if provider.key == KeyKind::None {
        return Ok(Signed::default());
    }
    let mut signing_keys = keys.for_signing(provider.key);
    if signing_keys.is_empty() && provider.key == KeyKind::KeyPair {
        return Err(SignError::NoPrivateKey { scheme });
    }
    // A key-pair scheme may be handed the private keys of several (replay --resign of mixed
    // captures): it signs with the first of its own kind.
    let own_kind;
    if provider.key == KeyKind::KeyPair {
        own_kind = signing_keys
            .iter()
            .position(|key| scheme.check_secret(key).is_ok())
            .map(|index| &signing_keys[index..=index]);
        signing_keys = match own_kind {
            Some(key) => key,
            None => {
                return Err(SignError::BadPrivateKey {
                    scheme,
                    reason: scheme
                        .check_secret(signing_keys[0])
                        .expect_err("no key passed the check"),
                });
            }
        };
    }
    if signing_keys.is_empty() {
        return Err(SignError::NoSecret { scheme });
    }
    for (index, key) in signing_keys.iter().enumerate() {
        scheme
            .check_secret(key)
            .map_err(|reason| SignError::BadSecret {
                scheme,
                index: index + 1,
                reason,
            })?;
    }
    Ok((provider.sign)(&Signing {
        keys: signing_keys,
        request: *request,
        timestamp,
        id,
        hex_header: keys.hex_header,
    }))
}

/// The outcome of verifying one request: exactly what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A signature (or token) matched; `secret_index` is 1-based.
    Valid { scheme: Scheme, secret_index: usize },
    /// The request carries no signature hooky recognises (or the scheme is `none`).
    Unsigned,
    /// The request claims a scheme and fails it.
    Invalid { scheme: Scheme, failure: Failure },
}

impl Verdict {
    /// `valid`, `invalid` or `unsigned`.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "valid",
            Verdict::Unsigned => "unsigned",
            Verdict::Invalid { .. } => "invalid",
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }

    /// What a valid verdict does not cover, when there is something (GitLab's token).
    pub fn note(&self) -> Option<&'static str> {
        match self {
            Verdict::Valid { scheme, .. } => scheme.provider().note,
            _ => None,
        }
    }

    pub fn scheme(&self) -> Option<Scheme> {
        match self {
            Verdict::Valid { scheme, .. } | Verdict::Invalid { scheme, .. } => Some(*scheme),
            Verdict::Unsigned => None,
        }
    }

    /// Why the request is invalid, when it is.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Verdict::Invalid { failure, .. } => Some(failure),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Valid {
                scheme,
                secret_index,
            } => {
                let key = match scheme.provider().key {
                    KeyKind::KeyPair => "public key",
                    _ => "secret",
                };
                write!(f, "valid {scheme} signature ({key} #{secret_index})")?;
                if let Some(note) = scheme.provider().note {
                    write!(f, "; {note}")?;
                }
                Ok(())
            }
            Verdict::Unsigned => f.write_str("unsigned (no signature header hooky recognises)"),
            Verdict::Invalid { scheme, failure } => {
                write!(f, "invalid {scheme} signature: {failure}")
            }
        }
    }
}

/// Why a signed request failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("missing header {header}")]
    MissingHeader { header: String },
    #[error("malformed header {header}: {reason}")]
    MalformedHeader { header: String, reason: String },
    #[error("header {header} appears {count} times; a signed request carries it once")]
    DuplicateHeader { header: String, count: usize },
    #[error(
        "signature mismatch: no signature matches the body with any of the {secrets} secret(s)"
    )]
    Mismatch { secrets: usize },
    #[error("timestamp too old by {by_secs}s (tolerance {tolerance_secs}s)")]
    TimestampTooOld { by_secs: u64, tolerance_secs: u64 },
    #[error("timestamp too new by {by_secs}s (tolerance {tolerance_secs}s)")]
    TimestampTooNew { by_secs: u64, tolerance_secs: u64 },
    #[error("token mismatch: the token matches none of the {secrets} secret(s)")]
    TokenMismatch { secrets: usize },
    #[error("no secret to verify with: pass --secret, HOOKY_SECRET or --secret-file")]
    NoSecret,
    #[error("no usable secret: {reason}")]
    UnusableSecret { reason: String },
    #[error("no URL to verify against: the signature covers the URL the sender addressed")]
    NoUrl,
    #[error(
        "body hash mismatch: the body's SHA-256 is not the bodySHA256 the URL carries (the body \
         changed after signing)"
    )]
    BodyHashMismatch,
    #[error("malformed body field {field}: {reason}")]
    MalformedBodyField { field: String, reason: String },
    #[error("missing body field {field}")]
    MissingBodyField { field: String },
    #[error("the body is not signed: {reason}")]
    UnsignedBody { reason: String },
    #[error("signature mismatch: the signature verifies with none of the {keys} public key(s)")]
    KeyMismatch { keys: usize },
    #[error(
        "no public key to verify with: pass --public-key KEY|@FILE, or run `hooky keygen --scheme {scheme}` for a development key pair"
    )]
    NoPublicKey { scheme: Scheme },
    #[error("no usable public key: {reason}")]
    UnusablePublicKey { reason: String },
}

impl Failure {
    /// A stable snake_case name for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::MissingHeader { .. } => "missing_header",
            Failure::MalformedHeader { .. } => "malformed_header",
            Failure::DuplicateHeader { .. } => "duplicate_header",
            Failure::Mismatch { .. } => "signature_mismatch",
            Failure::TimestampTooOld { .. } => "timestamp_too_old",
            Failure::TimestampTooNew { .. } => "timestamp_too_new",
            Failure::TokenMismatch { .. } => "token_mismatch",
            Failure::NoSecret => "no_secret",
            Failure::UnusableSecret { .. } => "unusable_secret",
            Failure::NoUrl => "no_url",
            Failure::BodyHashMismatch => "body_hash_mismatch",
            Failure::MalformedBodyField { .. } => "malformed_body_field",
            Failure::MissingBodyField { .. } => "missing_body_field",
            Failure::UnsignedBody { .. } => "unsigned_body",
            Failure::KeyMismatch { .. } => "signature_mismatch",
            Failure::NoPublicKey { .. } => "no_public_key",
            Failure::UnusablePublicKey { .. } => "unusable_public_key",
        }
    }
}

/// Verifies a request against one scheme. `now` is unix seconds; `tolerance_secs` (default: the
/// provider's) applies to the timestamped schemes, each the way its provider's library applies it.
pub fn verify(
    scheme: Scheme,
    keys: Keys<'_>,
    request: &SignedRequest<'_>,
    now: i64,
    tolerance_secs: Option<u64>,
) -> Verdict {
    let provider = scheme.provider();
    if provider.key == KeyKind::None {
        return Verdict::Unsigned;
    }
    let invalid = |failure| Verdict::Invalid { scheme, failure };
    let verifying_keys = keys.for_verifying(provider.key);
    if verifying_keys.is_empty() && provider.key == KeyKind::KeyPair {
        return invalid(Failure::NoPublicKey { scheme });
    }
    if verifying_keys.is_empty() {
        return invalid(Failure::NoSecret);
    }
    let check = Check {
        secrets: verifying_keys,
        headers: request.headers,
        body: request.body,
        request: *request,
        now,
        tolerance_secs: tolerance_secs.unwrap_or_else(|| scheme.default_tolerance_secs()),
        rejects_future: provider.tolerance.is_some_and(|t| t.rejects_future),
        hex_header: keys.hex_header,
        public_keys: keys.parsed_public_keys,
    };
    match (provider.verify)(&check) {
        Ok(secret_index) => Verdict::Valid {
            scheme,
            secret_index,
        },
        Err(failure) => invalid(failure),
    }
}

/// The URL a sender of `scheme` addresses with this body, when it differs from `url` (Twilio
/// adds `bodySHA256=<hex SHA-256 of the body>` to the query when it posts a body that is not a
/// form, since that is how its signature covers the body). `None`: send to `url` as is.
pub fn url_for_body(scheme: Scheme, url: &str, headers: &[Header], body: &[u8]) -> Option<String> {
    (scheme.provider().url_for_body?)(url, headers, body)
}

/// Whether a sender of `scheme` may address a request by its body ([`url_for_body`] can answer
/// `Some`): when not, a sender need not gather what that function reads.
pub fn url_depends_on_body(scheme: Scheme) -> bool {
    scheme.provider().url_for_body.is_some()
}

/// The body of a signed request changed the way an `--attack` variant needs, for the schemes
/// whose signature travels in the body (the header schemes are altered through their headers):
/// `None` when the variant does not apply to the scheme or the body carries no signature.
pub fn forge_body(scheme: Scheme, body: &[u8], attack: Attack) -> Option<Vec<u8>> {
    (scheme.provider().forge_body?)(body, attack)
}

/// Recognises the scheme of a request, trying the registry in order.
pub fn detect(request: &SignedRequest<'_>, hex_header: &str) -> Option<Scheme> {
    Scheme::all().find(|scheme| (scheme.provider().detect)(request, hex_header))
}

/// Recognises the scheme from headers alone (captures and HAR files store no URL).
pub fn detect_headers(headers: &[Header], hex_header: &str) -> Option<Scheme> {
    detect(&SignedRequest::post(headers, &[]), hex_header)
}

/// Detects the scheme, then verifies with it; a request with no known signature is `Unsigned`.
pub fn verify_auto(
    keys: Keys<'_>,
    request: &SignedRequest<'_>,
    now: i64,
    tolerance_secs: Option<u64>,
) -> Verdict {
    match detect(request, keys.hex_header) {
        Some(scheme) => verify(scheme, keys, request, now, tolerance_secs),
        None => Verdict::Unsigned,
    }
}

/// Everything a scheme's verifier looks at, bundled so each scheme file stays short.
pub struct Check<'a> {
    pub(crate) secrets: &'a [&'a [u8]],
    pub(crate) headers: &'a [Header],
    pub(crate) body: &'a [u8],
    /// Method and URL, for the providers that sign them.
    pub(crate) request: SignedRequest<'a>,
    pub(crate) now: i64,
    pub(crate) tolerance_secs: u64,
    pub(crate) rejects_future: bool,
    pub(crate) hex_header: &'a str,
    /// The public keys parsed once, when the caller parsed them (else `secrets` holds their text).
    pub(crate) public_keys: Option<&'a key_pair::PublicKeys>,
}

impl Check<'_> {
    /// The single value of a required header, or the failure that says what is wrong with it.
    fn header(&self, name: &str) -> Result<&str, Failure> {
        match get_all(self.headers, name).as_slice() {
            [] => Err(Failure::MissingHeader {
                header: name.to_string(),
            }),
            [one] => Ok(one.trim()),
            several => Err(Failure::DuplicateHeader {
                header: name.to_string(),
                count: several.len(),
            }),
        }
    }

    /// Index (1-based) of the first secret whose HMAC-SHA256 over `message` equals one of
    /// `candidates`.
    fn match_any(&self, message: &[&[u8]], candidates: &[Vec<u8>]) -> Option<usize> {
        self.match_any_by(crypto::hmac_sha256, message, candidates)
    }

    /// [`Check::match_any`] with another MAC.
    fn match_any_by(
        &self,
        mac: fn(&[u8], &[&[u8]]) -> Vec<u8>,
        message: &[&[u8]],
        candidates: &[Vec<u8>],
    ) -> Option<usize> {
        crypto::first_match(self.secrets.iter().map(|secret| {
            let mac = mac(secret, message);
            candidates
                .iter()
                .fold(subtle::Choice::from(0), |found, candidate| {
                    found | crypto::ct_eq(&mac, candidate)
                })
        }))
    }

    /// Reads a unix timestamp header value; anything but a whole number that fits 64 bits is malformed.
    fn timestamp(&self, header: &str, value: &str) -> Result<i64, Failure> {
        value.parse::<i64>().map_err(|_| Failure::MalformedHeader {
            header: header.to_string(),
            reason: format!(
                "timestamp is not a whole number of unix seconds ({} characters)",
                value.chars().count()
            ),
        })
    }

    /// Rejects a timestamp older than the tolerance; also a newer one when the provider does.
    fn check_age(&self, timestamp: i64) -> Result<(), Failure> {
        let age = i128::from(self.now) - i128::from(timestamp);
        let tolerance = i128::from(self.tolerance_secs);
        let clamp = |v: i128| u64::try_from(v).unwrap_or(u64::MAX);
        if age > tolerance {
            return Err(Failure::TimestampTooOld {
                by_secs: clamp(age - tolerance),
                tolerance_secs: self.tolerance_secs,
            });
        }
        if self.rejects_future && -age > tolerance {
            return Err(Failure::TimestampTooNew {
                by_secs: clamp(-age - tolerance),
                tolerance_secs: self.tolerance_secs,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
