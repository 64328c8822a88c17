//! `none`: no signature at all. Signing adds nothing; verifying says `unsigned`.

use super::{KeyKind, Provider, SignatureAt, Signing};

pub(super) const PROVIDER: Provider = Provider {
    name: "none",
    aliases: &[],
    summary: "No signature at all",
    key: KeyKind::None,
    signature: SignatureAt::Nowhere,
    signature_prefix: "",
    other_headers: &[],
    tolerance: None,
    several_signatures: false,
    signs_id: false,
    event_type: &[],
    event_id: &[],
    attacks: &[],
    note: None,
    handshake: None,
    url_for_body: None,
    forge_body: None,
    detect: |_, _| false,
    check_key: |_| Ok(()),
    sign: |_: &Signing<'_>| super::Signed::default(),
    verify: |_| Ok(0),
    signed_timestamp: super::no_timestamp,
};
