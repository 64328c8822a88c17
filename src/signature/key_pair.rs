//! What the key-pair schemes (`discord`, `sendgrid`) share: reading the keys they are given, a
//! development key pair for `hooky keygen`, and a key no receiver holds for `send --attack`.
//!
//! Private keys are PKCS#8 PEM (what `hooky keygen` and `openssl genpkey` write); public keys are
//! text in the provider's own format (Discord: hex; SendGrid: base64 DER), or SPKI PEM. The curve
//! arithmetic is the `ed25519-dalek` and `p256` crates'.

use super::{Failure, Scheme, discord, sendgrid};

/// A new key pair: the private key as PKCS#8 PEM, the public key in the provider's format.
pub struct KeyPair {
    pub private_pem: String,
    pub public: String,
}

/// The key-pair schemes, for `hooky keygen --scheme` and the development keys.
pub fn schemes() -> impl Iterator<Item = Scheme> {
    Scheme::all().filter(|s| s.provider().key == super::KeyKind::KeyPair)
}

/// A fresh key pair for `scheme` from `rng` (the OS's in `hooky keygen`); `None` when the scheme
/// is not a key-pair one.
pub fn generate(
    scheme: Scheme,
    rng: &mut (impl rand::CryptoRng + rand::RngCore),
) -> Option<KeyPair> {
    let mut seed = [0u8; 32];
    rng.fill_bytes(&mut seed);
    from_seed(scheme, &seed)
}

/// The key pair `seed` (32 bytes) makes: an Ed25519 secret key, or a P-256 scalar (`None` in the
/// negligible case it is out of range).
fn from_seed(scheme: Scheme, seed: &[u8; 32]) -> Option<KeyPair> {
    match scheme.name() {
        "discord" => Some(discord::key_pair(seed)),
        "sendgrid" => sendgrid::key_pair(seed),
        _ => None,
    }
}

/// A private key no receiver is configured with, for `send --attack`'s "wrong key" check.
pub fn wrong_private_key(scheme: Scheme) -> Option<String> {
    from_seed(scheme, &[0x5a; 32]).map(|pair| pair.private_pem)
}

/// The public key of the private key `private_pem` in the provider's format.
pub fn public_of(scheme: Scheme, private_pem: &[u8]) -> Result<String, String> {
    match scheme.name() {
        "discord" => discord::public_of(private_pem),
        "sendgrid" => sendgrid::public_of(private_pem),
        _ => Err(format!("the {scheme} scheme uses no key pair")),
    }
}

/// Checks that `key` is a public key of `scheme`, in the provider's format or SPKI PEM.
pub fn check_public(scheme: Scheme, key: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(key)
        .map_err(|_| "it is not text".to_string())?
        .trim();
    let ok = match scheme.name() {
        "discord" => discord::parse_public(text).is_some(),
        "sendgrid" => sendgrid::parse_public(text).is_some(),
        _ => return Err(format!("the {scheme} scheme uses no key pair")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "it is not a {scheme} public key ({})",
            public_format(scheme)
        ))
    }
}

/// How the provider shows its public key.
pub fn public_format(scheme: Scheme) -> &'static str {
    match scheme.name() {
        "discord" => "64 hex digits, as Discord's Developer Portal shows it",
        _ => "base64 DER, as SendGrid's Mail Settings show it",
    }
}

/// A private key file's text, or why it is not one (never quoting it: it is a secret).
pub(super) fn private_pem<'k>(key: &'k [u8], example: &str) -> Result<&'k str, String> {
    let text = std::str::from_utf8(key)
        .map_err(|_| format!("the private key is not PEM text ({example} writes one)"))?;
    if !text.contains("-----BEGIN PRIVATE KEY-----") {
        return Err(format!(
            "the private key is not a PKCS#8 PEM key (\"-----BEGIN PRIVATE KEY-----\"; {example} writes one)"
        ));
    }
    Ok(text.trim())
}

/// The 1-based index of the first public key that `verifies` the signature. Keys not in the
/// scheme's format are skipped (listen passes every key to every scheme); none usable at all is
/// `UnusablePublicKey`, naming `described` ("a Discord key (64 hex digits, …)").
pub(super) fn first_verifying<K>(
    keys: &[&[u8]],
    parse: impl Fn(&str) -> Option<K>,
    described: &str,
    verifies: impl Fn(&K) -> bool,
) -> Result<usize, Failure> {
    let usable: Vec<(usize, K)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, key)| {
            let text = std::str::from_utf8(key).ok()?.trim();
            parse(text).map(|k| (i + 1, k))
        })
        .collect();
    first_of(&usable, keys.len(), described, verifies)
}

/// [`first_verifying`] over keys parsed already: `usable` holds the scheme's own keys with their
/// 1-based positions among the `given` ones.
pub(super) fn first_of<K>(
    usable: &[(usize, K)],
    given: usize,
    described: &str,
    verifies: impl Fn(&K) -> bool,
) -> Result<usize, Failure> {
    if usable.is_empty() {
        return Err(Failure::UnusablePublicKey {
            reason: format!("none of the {given} public key(s) is {described}"),
        });
    }
    usable
        .iter()
        .find(|(_, key)| verifies(key))
        .map(|(index, _)| *index)
        .ok_or(Failure::KeyMismatch { keys: usable.len() })
}

/// Public keys parsed once (`listen` parses them at start-up, not for every request): each kept
/// for the schemes it is a key of, with its 1-based position among the keys given.
#[derive(Clone, Default)]
pub struct PublicKeys {
    pub(super) given: usize,
    pub(super) discord: Vec<(usize, ed25519_dalek::VerifyingKey)>,
    pub(super) sendgrid: Vec<(usize, p256::ecdsa::VerifyingKey)>,
}

impl PublicKeys {
    /// Parses every key; one that is no key-pair scheme's public key is refused, saying which.
    pub fn parse(keys: &[&[u8]]) -> Result<PublicKeys, String> {
        let mut parsed = PublicKeys {
            given: keys.len(),
            discord: Vec::new(),
            sendgrid: Vec::new(),
        };
        for (index, key) in keys.iter().enumerate() {
            let text = std::str::from_utf8(key).map(str::trim).unwrap_or("");
            let discord = discord::parse_public(text).map(|k| parsed.discord.push((index + 1, k)));
            let sendgrid =
                sendgrid::parse_public(text).map(|k| parsed.sendgrid.push((index + 1, k)));
            if discord.is_none() && sendgrid.is_none() {
                let formats: Vec<String> = schemes()
                    .map(|scheme| format!("a {scheme} key ({})", public_format(scheme)))
                    .collect();
                return Err(format!(
                    "public key #{} is not a public key of a key-pair scheme: it is neither {}",
                    index + 1,
                    formats.join(" nor ")
                ));
            }
        }
        Ok(parsed)
    }
}

/// Whether `text` is a PEM public key (SPKI).
pub(super) fn is_public_pem(text: &str) -> bool {
    text.starts_with("-----BEGIN PUBLIC KEY-----")
}
