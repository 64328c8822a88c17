//! Turning a captured request into the request `hooky replay` sends: the target URL, the headers
//! (hop-by-hop ones dropped, `Host` dropped unless kept, `Content-Length` recomputed), the body
//! (byte for byte, or edited with `--set`/`--unset`), fresh ids, and the re-signing with a fresh
//! timestamp, made per attempt. Also the stale-signature check and the curl rendering.
//!
//! Pure: time, randomness and secrets are parameters.

use rand::Rng;
use serde_json::Value;

use crate::capture::CaptureRecord;
use crate::headers::{Header, get_one};
use crate::http_headers::HopByHop;
use crate::outbound::delivery::Outgoing;
use crate::signature::{self, Keys, Scheme, SignError};

/// A change to a JSON body.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    Set(String, Value),
    Unset(String),
}

/// How to replay, for every capture alike.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// `--to`: the base URL (or the whole URL with `exact_url`). `None`: the captured `Host`.
    pub to: Option<String>,
    pub exact_url: bool,
    pub preserve_host: bool,
    /// `--resign`: sign again even though nothing changed.
    pub resign: bool,
    /// `--scheme`; `None` means the scheme seen at capture.
    pub scheme: Option<Scheme>,
    pub hex_header: String,
    pub new_id: bool,
    pub rewrite_body_id: bool,
    pub edits: Vec<Edit>,
    /// Whether any secret was given (re-signing needs one).
    pub has_secret: bool,
    /// The key-pair schemes' private keys to re-sign with (`--private-key`, then the development
    /// keys); each scheme signs with the first of its kind.
    pub private_keys: Vec<crate::secret::Secret>,
    /// The tolerance receivers apply to signed timestamps, for the stale-signature warning.
    /// `None`: each provider's own.
    pub tolerance_secs: Option<u64>,
}

/// The signature to make for each attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signing {
    pub scheme: Scheme,
    /// The message id the Standard Webhooks scheme signs.
    pub id: String,
    /// The capture spoke Svix's dialect (`svix-*` headers only): re-sign under those names, since a
    /// receiver built on Svix's library may read nothing else.
    pub svix_names: bool,
}

/// A capture made ready to send: everything but the signature, which is made per attempt so that
/// each retry carries a fresh timestamp.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub seq: u64,
    pub method: String,
    pub url: reqwest::Url,
    /// The URL as built from the capture's text, before parsing: `url` re-escapes some query bytes
    /// (`'` becomes `%27`), this keeps them as captured. See [`Prepared::exact_url`].
    pub target: String,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    pub signing: Option<Signing>,
    /// Warnings for the user about this capture (stale signature, edits without a secret…).
    pub notes: Vec<String>,
}

impl Prepared {
    /// The URL with the query bytes as captured, for a command people run (curl sends a URL as
    /// given): `target` when it is plain visible ASCII, else the parsed `url`.
    pub fn exact_url(&self) -> &str {
        let visible = self
            .target
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'#');
        if visible {
            &self.target
        } else {
            self.url.as_str()
        }
    }

    /// The path and query of [`Prepared::exact_url`], when they differ from the parsed URL's (which
    /// re-escaped some bytes): what the request line must carry to be byte-exact.
    pub fn exact_target(&self) -> Option<String> {
        let rest = self.exact_url().split_once("://")?.1;
        let target = &rest[rest.find(['/', '?'])?..];
        // A query alone (`?x=1`) is the path `/` with it.
        let (start, target) = match target.strip_prefix('?') {
            Some(query) => ("/?", query),
            None => ("", target),
        };
        // Compared byte by byte with the parsed path and query: most requests have the same, and
        // need no copy of either.
        let parsed_query = self
            .url
            .query()
            .into_iter()
            .flat_map(|query| std::iter::once(b'?').chain(query.bytes()));
        let same = start.bytes().chain(target.bytes()).eq(self
            .url
            .path()
            .bytes()
            .chain(parsed_query));
        (!same).then(|| format!("{start}{target}"))
    }

    /// The request for one attempt, signed at `now` when re-signing.
    pub fn outgoing(&self, keys: Keys<'_>, now: i64) -> Result<Outgoing, SignError> {
        let mut headers = self.headers.clone();
        if let Some(signing) = &self.signing {
            // Signed as it will be sent: the exact URL (URL-signing schemes cover it) and headers.
            let request = signature::SignedRequest {
                method: &self.method,
                url: Some(self.exact_url()),
                headers: &self.headers,
                body: &self.body,
            };
            let signed = signature::sign(signing.scheme, keys, &request, now, &signing.id)?;
            headers.extend(signed.headers.into_iter().map(|(name, value)| {
                match name.strip_prefix("webhook-") {
                    Some(rest) if signing.svix_names => (format!("svix-{rest}"), value),
                    _ => (name, value),
                }
            }));
            if let Some(body) = signed.body {
                // The scheme wrote into the body (Mailgun's signature, Linear's timestamp).
                set_content_length(&mut headers, body.len());
                return Ok(self.sent(headers, body));
            }
        }
        Ok(self.sent(headers, self.body.clone()))
    }

    /// [`Prepared::outgoing`] for the last attempt a delivery can make: without re-signing, the
    /// headers, body, method and URL are moved into the request instead of copied.
    pub fn into_outgoing(self, keys: Keys<'_>, now: i64) -> Result<Outgoing, SignError> {
        if self.signing.is_some() {
            return self.outgoing(keys, now);
        }
        let target = self.exact_target();
        Ok(Outgoing {
            method: self.method,
            url: self.url,
            target,
            headers: self.headers,
            body: self.body,
        })
    }

    fn sent(&self, headers: Vec<Header>, body: Vec<u8>) -> Outgoing {
        Outgoing {
            method: self.method.clone(),
            url: self.url.clone(),
            target: self.exact_target(),
            headers,
            body,
        }
    }
}

/// Makes a captured `Content-Length` header (when there is one) say `len`.
fn set_content_length(headers: &mut [Header], len: usize) {
    for (name, value) in headers.iter_mut() {
        if name.eq_ignore_ascii_case("content-length") {
            *value = len.to_string();
        }
    }
}

/// The scheme a capture was signed with: the verdict's, else what its headers show.
pub fn captured_scheme(record: &CaptureRecord, hex_header: &str) -> Option<Scheme> {
    record
        .verdict
        .scheme
        .as_deref()
        .and_then(Scheme::from_name)
        .or_else(|| signature::detect_headers(&record.headers, hex_header))
        .filter(|s| *s != Scheme::NONE)
}

/// The URL last parsed for a replay, with its text: the captures of a run mostly go to the same
/// one, and parsing a URL costs more than the rest of a capture's preparing.
#[derive(Clone, Debug, Default)]
pub struct LastUrl(Option<(String, reqwest::Url)>);

impl LastUrl {
    /// `text` parsed, or the URL kept when it was parsed from the same text.
    fn parse(&mut self, text: &str) -> Result<reqwest::Url, String> {
        if let Some((kept, url)) = &self.0
            && kept == text
        {
            return Ok(url.clone());
        }
        let url = crate::outbound::delivery::parse_url(text)?;
        self.0 = Some((text.to_string(), url.clone()));
        Ok(url)
    }
}

/// Prepares one replay of `record`. Errors are one line and name the capture.
pub fn prepare(
    record: &CaptureRecord,
    options: &PlanOptions,
    now: i64,
    rng: &mut impl Rng,
) -> Result<Prepared, String> {
    prepare_with(record, options, now, rng, &mut LastUrl::default())
}

/// [`prepare`] for one capture of many: `last_url` keeps the URL parsed last, for the next.
pub fn prepare_with(
    record: &CaptureRecord,
    options: &PlanOptions,
    now: i64,
    rng: &mut impl Rng,
    last_url: &mut LastUrl,
) -> Result<Prepared, String> {
    let mut notes = Vec::new();
    let captured = captured_scheme(record, &options.hex_header);
    let scheme = options.scheme.or(captured).filter(|s| *s != Scheme::NONE);
    let (body, body_changed) = edited_body(record, options, rng, &mut notes)?;
    let fresh_id = options.new_id.then(|| crate::ids::prefixed_id("msg", rng));
    let signing = signing(
        record,
        options,
        scheme,
        body_changed,
        fresh_id.as_deref(),
        rng,
        &mut notes,
    )?;
    notes.extend(stale_signature_note(
        record,
        &body,
        captured,
        signing.is_some(),
        options,
        now,
    ));
    let strip = replaced_signature_headers(signing.as_ref(), captured, &options.hex_header);
    let headers = outgoing_headers(
        record,
        options,
        &strip,
        fresh_id.as_deref(),
        body.len(),
        rng,
    );
    let target = target_url(record, options)?;
    Ok(Prepared {
        seq: record.seq,
        method: record.method.clone(),
        url: last_url.parse(&target)?,
        target,
        headers,
        body,
        signing,
        notes,
    })
}

/// The body to send: the captured bytes, or the JSON body with `--set`/`--unset` and
/// `--rewrite-body-id` applied (then `true`: the old signature no longer fits).
fn edited_body(
    record: &CaptureRecord,
    options: &PlanOptions,
    rng: &mut impl Rng,
    notes: &mut Vec<String>,
) -> Result<(Vec<u8>, bool), String> {
    let seq = record.seq;
    let body = record.body_bytes().map_err(|e| e.to_string())?;
    let rewrite_id = options.rewrite_body_id && options.new_id;
    if options.edits.is_empty() && !rewrite_id {
        return Ok((body, false));
    }
    let mut json = crate::webhook::event::parse_json_body(&body).ok_or_else(|| {
        format!("capture #{seq}: --set, --unset and --rewrite-body-id need a JSON body, and this one is not JSON")
    })?;
    for edit in &options.edits {
        match edit {
            Edit::Set(path, value) => crate::json_path::set(&mut json, path, value.clone())
                .map_err(|e| format!("capture #{seq}: --set {e}"))?,
            Edit::Unset(path) => {
                if !crate::json_path::unset(&mut json, path)
                    .map_err(|e| format!("capture #{seq}: --unset {e}"))?
                {
                    notes.push(format!("capture #{seq}: --unset {path}: nothing there"));
                }
            }
        }
    }
    if rewrite_id {
        match json.get("id") {
            Some(Value::String(old)) => {
                let prefix = old.rsplit_once('_').map_or("evt", |(p, _)| p);
                json["id"] = crate::ids::prefixed_id(prefix, rng).into();
            }
            _ => notes.push(format!(
                "capture #{seq}: the body has no string \"id\" for --rewrite-body-id to replace"
            )),
        }
    }
    let body = serde_json::to_vec(&json).expect("a JSON value always serialises");
    Ok((body, true))
}

/// The signature to make for each attempt, when the replay must be re-signed and can be; a note
/// when it must be but has no secret; an error when `--resign` cannot be honoured.
fn signing(
    record: &CaptureRecord,
    options: &PlanOptions,
    scheme: Option<Scheme>,
    body_changed: bool,
    fresh_id: Option<&str>,
    rng: &mut impl Rng,
    notes: &mut Vec<String>,
) -> Result<Option<Signing>, String> {
    let seq = record.seq;
    let id_is_signed = scheme.is_some_and(|s| s.provider().signs_id);
    let must_resign = options.resign || body_changed || (options.new_id && id_is_signed);
    if !must_resign {
        return Ok(None);
    }
    match scheme {
        None if options.resign => Err(format!(
            "capture #{seq} carries no signature hooky recognises, so there is no scheme to re-sign with: pass --scheme"
        )),
        None => Ok(None),
        Some(scheme) if options.resign && !options.has_secret => Err(format!(
            "capture #{seq}: re-signing with {scheme} needs a secret: pass --secret, HOOKY_SECRET or --secret-file"
        )),
        Some(scheme) if !options.has_secret => {
            let what = if body_changed {
                "the body was edited"
            } else {
                "the webhook-id changed"
            };
            notes.push(format!(
                "capture #{seq}: {what}, so its {scheme} signature will no longer match; pass --secret (or HOOKY_SECRET) to re-sign"
            ));
            Ok(None)
        }
        Some(scheme) => {
            let id = fresh_id
                .map(str::to_string)
                .or_else(|| get_one(&record.headers, "webhook-id").map(str::to_string))
                .or_else(|| get_one(&record.headers, "svix-id").map(str::to_string))
                .or_else(|| record.event_id.clone())
                .unwrap_or_else(|| crate::ids::prefixed_id("msg", rng));
            let svix_names = get_one(&record.headers, "svix-signature").is_some()
                && get_one(&record.headers, "webhook-signature").is_none();
            Ok(Some(Signing {
                scheme,
                id,
                svix_names,
            }))
        }
    }
}

/// The warning for a replay that keeps a timestamped signature older than receivers tolerate. A
/// re-sign makes a fresh timestamp, in the headers or, where the scheme carries it there, in the
/// body (Linear's `webhookTimestamp`, Mailgun's `signature` object).
fn stale_signature_note(
    record: &CaptureRecord,
    body: &[u8],
    captured: Option<Scheme>,
    resigned: bool,
    options: &PlanOptions,
    now: i64,
) -> Option<String> {
    let scheme = captured.filter(|s| s.is_timestamped())?;
    if resigned {
        return None;
    }
    let in_body = signature_timestamp(&record.headers, &[], scheme).is_none();
    let age = now - signature_timestamp(&record.headers, body, scheme)?;
    let tolerance = options
        .tolerance_secs
        .unwrap_or_else(|| scheme.default_tolerance_secs());
    let tolerance = i64::try_from(tolerance).unwrap_or(i64::MAX);
    (age > tolerance).then(|| {
        if in_body {
            return format!(
                "capture #{}: its {scheme} timestamp, in the body, was made {} ago, past the {} receivers tolerate; the receiver will likely reject it (re-sign with --resign --secret …, which writes a fresh one into the body)",
                record.seq,
                format_age(age),
                format_age(tolerance),
            );
        }
        format!(
            "capture #{}: its {scheme} signature was made {} ago, past the {} receivers tolerate; the receiver will likely reject it (re-sign with --resign --secret …)",
            record.seq,
            format_age(age),
            format_age(tolerance),
        )
    })
}

/// The headers a new signature replaces: the new scheme's and the captured one's.
fn replaced_signature_headers(
    signing: Option<&Signing>,
    captured: Option<Scheme>,
    hex_header: &str,
) -> Vec<String> {
    let Some(signing) = signing else {
        return Vec::new();
    };
    let mut names = signing.scheme.signature_header_names(hex_header);
    if let Some(captured) = captured {
        names.extend(captured.signature_header_names(hex_header));
    }
    names
}

/// A rough age for messages: `45s`, `12m`, `5h`, `3 days`.
pub fn format_age(secs: i64) -> String {
    match secs {
        ..120 => format!("{secs}s"),
        120..7200 => format!("{}m", secs / 60),
        7200..172_800 => format!("{}h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// The URL to send to: `--to` plus the captured path and query, `--to` alone with `exact_url`, or
/// the captured `Host` when there is no `--to` (for dry runs and exports).
pub fn target_url(record: &CaptureRecord, options: &PlanOptions) -> Result<String, String> {
    match &options.to {
        Some(to) if options.exact_url => Ok(to.clone()),
        Some(to) => {
            // `to` and the captured path and query (`record.path_and_query()`), in one allocation.
            let to = to.trim_end_matches('/');
            let query = record.query.as_deref();
            let mut url = String::with_capacity(
                to.len() + record.path.len() + query.map_or(0, |q| q.len() + 1),
            );
            url.push_str(to);
            url.push_str(&record.path);
            if let Some(query) = query {
                url.push('?');
                url.push_str(query);
            }
            Ok(url)
        }
        None => match get_one(&record.headers, "host") {
            Some(host) if crate::http_headers::is_plain_authority(host) => {
                Ok(format!("http://{host}{}", record.path_and_query()))
            }
            // The sender chose the Host: `localhost:8080@attacker` would make a copied command
            // send its secret elsewhere. Only `host[:port]` is taken as an address.
            Some(_) => Err(format!(
                "capture #{}: its Host header is not a plain host[:port], so it is not used as an address: pass --to",
                record.seq
            )),
            None => Err(format!(
                "capture #{} has no Host header to build a URL from: pass --to",
                record.seq
            )),
        },
    }
}

fn outgoing_headers(
    record: &CaptureRecord,
    options: &PlanOptions,
    strip: &[String],
    fresh_id: Option<&str>,
    body_len: usize,
    rng: &mut impl Rng,
) -> Vec<Header> {
    let hop_by_hop = HopByHop::of(&record.headers);
    let mut headers = Vec::with_capacity(record.headers.len());
    let mut has_length = false;
    for (name, value) in &record.headers {
        let dropped = hop_by_hop.contains(name)
            || (lower_is(name, "host") && !options.preserve_host)
            || strip.iter().any(|lower| lower_is(name, lower));
        if dropped {
            continue;
        }
        // The providers' delivery-id headers, which receivers use for idempotency.
        let fresh_id = fresh_id.filter(|_| {
            crate::webhook::event::provider_id_headers()
                .iter()
                .any(|n| n.eq_ignore_ascii_case(name))
        });
        let value = if lower_is(name, "content-length") {
            if has_length {
                continue;
            }
            has_length = true;
            body_len.to_string()
        } else if let Some(id) = fresh_id {
            if name
                .as_bytes()
                .get(..2)
                .is_some_and(|x| x.eq_ignore_ascii_case(b"x-"))
            {
                crate::ids::uuid_v4(rng)
            } else {
                id.to_string()
            }
        } else {
            value.clone()
        };
        headers.push((name.clone(), value));
    }
    if !has_length && body_len > 0 {
        headers.push(("content-length".into(), body_len.to_string()));
    }
    headers
}

/// Whether `name` in lower case is `lower`, without making the lower-case copy.
fn lower_is(name: &str, lower: &str) -> bool {
    name.len() == lower.len()
        && name
            .bytes()
            .zip(lower.bytes())
            .all(|(n, l)| n.to_ascii_lowercase() == l)
}

/// The signed timestamp (unix seconds) of a timestamped scheme's request, if readable (Linear's
/// is in the body).
pub fn signature_timestamp(headers: &[Header], body: &[u8], scheme: Scheme) -> Option<i64> {
    (scheme.provider().signed_timestamp)(headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{VerdictKind, VerdictRecord};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const NOW: i64 = 1_700_000_000;
    const SECRET: &[u8] = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn record(headers: &[(&str, &str)], body: &[u8], scheme: Option<&str>) -> CaptureRecord {
        let mut record = CaptureRecord {
            seq: 4,
            id: "req_4".into(),
            received_at: "2023-11-14T22:13:20Z".into(),
            remote_addr: "127.0.0.1:1".into(),
            method: "POST".into(),
            path: "/hooks".into(),
            query: Some("x=1".into()),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            event_id: Some("evt_1".into()),
            verdict: VerdictRecord {
                verdict: if scheme.is_some() {
                    VerdictKind::Valid
                } else {
                    VerdictKind::Unsigned
                },
                scheme: scheme.map(str::to_string),
                ..Default::default()
            },
            status: 200,
            ..Default::default()
        };
        record.set_body(body);
        record
    }

    fn options() -> PlanOptions {
        PlanOptions {
            to: Some("http://127.0.0.1:9/base/".into()),
            hex_header: signature::DEFAULT_HEX_HEADER.into(),
            tolerance_secs: None,
            ..Default::default()
        }
    }

    fn rng() -> StdRng {
        StdRng::seed_from_u64(7)
    }

    #[test]
    fn the_last_attempt_moves_the_request_that_every_attempt_copies() {
        let mut r = record(
            &[
                ("Content-Type", "application/json"),
                ("Content-Length", "7"),
            ],
            br#"{"a":1}"#,
            Some("hex"),
        );
        r.query = Some("a='1'".into());
        let resign = PlanOptions {
            resign: true,
            has_secret: true,
            ..options()
        };
        for options in [options(), resign] {
            let p = prepare(&r, &options, NOW, &mut rng()).unwrap();
            let copied = p.outgoing(Keys::new(&[SECRET]), NOW).unwrap();
            let moved = p.into_outgoing(Keys::new(&[SECRET]), NOW).unwrap();
            assert_eq!(
                (
                    moved.method,
                    moved.url,
                    moved.target,
                    moved.headers,
                    moved.body
                ),
                (
                    copied.method,
                    copied.url,
                    copied.target,
                    copied.headers,
                    copied.body
                )
            );
        }
    }

    #[test]
    fn a_kept_url_serves_only_the_same_text() {
        let mut last = LastUrl::default();
        let mut r = record(&[("Content-Type", "application/json")], b"{}", None);
        for (path, query, expected) in [
            ("/hooks", Some("x=1"), "http://127.0.0.1:9/base/hooks?x=1"),
            ("/hooks", Some("x=1"), "http://127.0.0.1:9/base/hooks?x=1"),
            ("/hooks", None, "http://127.0.0.1:9/base/hooks"),
            (
                "/other",
                Some("a='b"),
                "http://127.0.0.1:9/base/other?a=%27b",
            ),
            ("/hooks", Some("x=1"), "http://127.0.0.1:9/base/hooks?x=1"),
        ] {
            r.path = path.into();
            r.query = query.map(str::to_string);
            let p = prepare_with(&r, &options(), NOW, &mut rng(), &mut last).unwrap();
            assert_eq!(p.url.as_str(), expected);
            let fresh = prepare(&r, &options(), NOW, &mut rng()).unwrap();
            assert_eq!(p.url, fresh.url);
            assert_eq!(p.target, fresh.target);
        }
        r.path = "/bad path\u{7f}".into();
        let bad = prepare_with(
            &r,
            &PlanOptions {
                to: Some("http://[::1".into()),
                ..options()
            },
            NOW,
            &mut rng(),
            &mut last,
        );
        assert!(bad.is_err());
    }

    #[test]
    fn drops_transport_headers_and_recomputes_the_length() {
        let r = record(
            &[
                ("Host", "example.test"),
                ("Connection", "keep-alive, X-Private"),
                ("X-Private", "p"),
                ("Transfer-Encoding", "chunked"),
                ("Content-Type", "application/json"),
                ("Content-Length", "999"),
                ("X-Dup", "1"),
                ("X-Dup", "2"),
            ],
            b"{}",
            None,
        );
        let p = prepare(&r, &options(), NOW, &mut rng()).unwrap();
        assert_eq!(p.url.as_str(), "http://127.0.0.1:9/base/hooks?x=1");
        let names: Vec<(&str, &str)> = p
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Content-Type", "application/json"),
                ("Content-Length", "2"),
                ("X-Dup", "1"),
                ("X-Dup", "2")
            ]
        );
        let kept = PlanOptions {
            preserve_host: true,
            exact_url: true,
            ..options()
        };
        let p = prepare(&r, &kept, NOW, &mut rng()).unwrap();
        assert_eq!(p.url.as_str(), "http://127.0.0.1:9/base/");
        assert_eq!(get_one(&p.headers, "host"), Some("example.test"));
        let to_host = PlanOptions {
            to: None,
            ..options()
        };
        assert_eq!(
            target_url(&r, &to_host).unwrap(),
            "http://example.test/hooks?x=1"
        );
    }

    #[test]
    fn resigning_a_svix_capture_keeps_svix_header_names() {
        let old = signature::sign(
            Scheme::STANDARD,
            Keys::new(&[SECRET]),
            &signature::SignedRequest::post(&[], b"{}"),
            NOW - 7200,
            "msg_svix",
        )
        .unwrap()
        .headers;
        let renamed: Vec<(String, String)> = old
            .iter()
            .map(|(n, v)| (n.replace("webhook-", "svix-"), v.clone()))
            .collect();
        let headers: Vec<(&str, &str)> = renamed
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let r = record(&headers, b"{}", Some("standard"));
        let resign = PlanOptions {
            resign: true,
            has_secret: true,
            ..options()
        };
        let sent = prepare(&r, &resign, NOW, &mut rng())
            .unwrap()
            .outgoing(Keys::new(&[SECRET]), NOW)
            .unwrap();
        assert_eq!(get_one(&sent.headers, "svix-id"), Some("msg_svix"));
        assert_eq!(
            crate::headers::get_all(&sent.headers, "svix-signature").len(),
            1
        );
        assert!(get_one(&sent.headers, "webhook-signature").is_none());
        let verdict = signature::verify(
            Scheme::STANDARD,
            Keys::new(&[SECRET]),
            &sent.signed_request(),
            NOW,
            Some(300),
        );
        assert!(verdict.is_valid(), "{verdict:?}");
    }

    #[test]
    fn a_stale_timestamp_in_the_body_is_flagged_unless_re_signed() {
        // Linear's webhookTimestamp (ms), two hours old.
        let old = br#"{"type":"Issue","webhookTimestamp":1699992800000}"#;
        let r = record(&[("Linear-Signature", "00")], old, Some("linear"));
        let p = prepare(&r, &options(), NOW, &mut rng()).unwrap();
        assert!(
            p.notes
                .iter()
                .any(|n| n.contains("in the body, was made 2h") && n.contains("--resign")),
            "{:?}",
            p.notes
        );
        // A re-sign writes a fresh one into the body: nothing to warn about, and it verifies.
        let resign = PlanOptions {
            resign: true,
            has_secret: true,
            ..options()
        };
        let p = prepare(&r, &resign, NOW, &mut rng()).unwrap();
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        let sent = p.outgoing(Keys::new(&[SECRET]), NOW).unwrap();
        assert_eq!(
            sent.body,
            br#"{"type":"Issue","webhookTimestamp":1700000000000}"#
        );
        let verdict = signature::verify(
            Scheme::LINEAR,
            Keys::new(&[SECRET]),
            &sent.signed_request(),
            NOW,
            None,
        );
        assert!(verdict.is_valid(), "{verdict:?}");
    }

    #[test]
    fn a_re_signed_mailgun_capture_gets_a_fresh_signature_object_and_length() {
        let old = br#"{"signature":{"timestamp":"1699990000","token":"t","signature":"00"},"event-data":{"event":"delivered"}}"#;
        let length = old.len().to_string();
        let r = record(&[("Content-Length", &length)], old, Some("mailgun"));
        let resign = PlanOptions {
            resign: true,
            has_secret: true,
            ..options()
        };
        let p = prepare(&r, &resign, NOW, &mut rng()).unwrap();
        let sent = p.outgoing(Keys::new(&[SECRET]), NOW).unwrap();
        assert!(
            sent.body
                .ends_with(br#","event-data":{"event":"delivered"}}"#)
        );
        assert_ne!(sent.body.len(), old.len());
        assert_eq!(
            get_one(&sent.headers, "content-length"),
            Some(sent.body.len().to_string().as_str())
        );
        let verdict = signature::verify(
            Scheme::MAILGUN,
            Keys::new(&[SECRET]),
            &sent.signed_request(),
            NOW,
            None,
        );
        assert!(verdict.is_valid(), "{verdict:?}");
    }

    // long: one old capture replayed three ways (as captured, re-signed, with a new id), each
    // compared with the one before it.
    #[test]
    fn resigns_with_a_fresh_timestamp_keeping_the_id() {
        let old = signature::sign(
            Scheme::STANDARD,
            Keys::new(&[SECRET]),
            &signature::SignedRequest::post(&[], b"{}"),
            NOW - 7200,
            "msg_old",
        )
        .unwrap()
        .headers;
        let mut headers: Vec<(&str, &str)> =
            old.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        headers.push(("content-type", "application/json"));
        let r = record(&headers, b"{}", Some("standard"));

        let plain = prepare(&r, &options(), NOW, &mut rng()).unwrap();
        assert!(plain.signing.is_none());
        assert!(
            plain.notes[0].contains("2m00s") || plain.notes[0].contains("will likely reject"),
            "{:?}",
            plain.notes
        );
        let sent = plain.outgoing(Keys::new(&[SECRET]), NOW).unwrap();
        assert!(
            !signature::verify(
                Scheme::STANDARD,
                Keys::new(&[SECRET]),
                &signature::SignedRequest::post(&sent.headers, &sent.body),
                NOW,
                Some(300),
            )
            .is_valid()
        );

        let resign = PlanOptions {
            resign: true,
            has_secret: true,
            ..options()
        };
        let p = prepare(&r, &resign, NOW, &mut rng()).unwrap();
        assert!(p.notes.is_empty());
        let sent = p.outgoing(Keys::new(&[SECRET]), NOW).unwrap();
        assert!(
            signature::verify(
                Scheme::STANDARD,
                Keys::new(&[SECRET]),
                &signature::SignedRequest::post(&sent.headers, &sent.body),
                NOW,
                Some(300),
            )
            .is_valid()
        );
        assert_eq!(
            crate::headers::get_all(&sent.headers, "webhook-signature").len(),
            1
        );
        assert_eq!(get_one(&sent.headers, "webhook-id"), Some("msg_old"));

        let new_id = PlanOptions {
            new_id: true,
            ..resign
        };
        let sent = prepare(&r, &new_id, NOW, &mut rng())
            .unwrap()
            .outgoing(Keys::new(&[SECRET]), NOW)
            .unwrap();
        assert_ne!(get_one(&sent.headers, "webhook-id"), Some("msg_old"));
        assert!(
            signature::verify(
                Scheme::STANDARD,
                Keys::new(&[SECRET]),
                &signature::SignedRequest::post(&sent.headers, &sent.body),
                NOW,
                Some(300),
            )
            .is_valid()
        );
    }

    // long: one capture through edits without a secret, then with one, then a body that is not
    // JSON: the cases build on each other.
    #[test]
    fn edits_imply_resigning_and_say_so_without_a_secret() {
        let old = signature::sign(
            Scheme::STRIPE,
            Keys::new(&[SECRET]),
            &signature::SignedRequest::post(&[], br#"{"id":"evt_1","a":1}"#),
            NOW,
            "",
        )
        .unwrap()
        .headers;
        let headers: Vec<(&str, &str)> =
            old.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let r = record(&headers, br#"{"id":"evt_1","a":1}"#, Some("stripe"));
        let edits = PlanOptions {
            edits: vec![
                Edit::Set("a".into(), Value::from(2)),
                Edit::Unset("zz".into()),
            ],
            new_id: true,
            rewrite_body_id: true,
            ..options()
        };
        let p = prepare(&r, &edits, NOW, &mut rng()).unwrap();
        assert!(p.signing.is_none());
        assert!(
            p.notes.iter().any(|n| n.contains("pass --secret")),
            "{:?}",
            p.notes
        );
        assert!(p.notes.iter().any(|n| n.contains("nothing there")));
        let body: Value = serde_json::from_slice(&p.body).unwrap();
        assert_eq!(body["a"], 2);
        assert!(body["id"].as_str().unwrap().starts_with("evt_") && body["id"] != "evt_1");
        assert_eq!(
            get_one(&p.headers, "content-length"),
            Some(p.body.len().to_string().as_str())
        );

        let with_secret = PlanOptions {
            has_secret: true,
            ..edits
        };
        let sent = prepare(&r, &with_secret, NOW + 10, &mut rng())
            .unwrap()
            .outgoing(Keys::new(&[SECRET]), NOW + 10)
            .unwrap();
        assert_eq!(
            crate::headers::get_all(&sent.headers, "stripe-signature").len(),
            1
        );
        assert!(
            signature::verify(
                Scheme::STRIPE,
                Keys::new(&[SECRET]),
                &signature::SignedRequest::post(&sent.headers, &sent.body),
                NOW + 10,
                Some(300),
            )
            .is_valid()
        );

        let not_json = record(&[], b"a=1", None);
        assert!(
            prepare(&not_json, &with_secret, NOW, &mut rng())
                .unwrap_err()
                .contains("JSON")
        );
    }

    #[test]
    fn resign_without_a_scheme_is_an_error_and_damaged_bodies_are_caught() {
        let r = record(&[], b"x", None);
        let resign = PlanOptions {
            resign: true,
            has_secret: true,
            ..options()
        };
        assert!(
            prepare(&r, &resign, NOW, &mut rng())
                .unwrap_err()
                .contains("--scheme")
        );
        let forced = PlanOptions {
            scheme: Some(Scheme::GITHUB),
            ..resign
        };
        let sent = prepare(&r, &forced, NOW, &mut rng())
            .unwrap()
            .outgoing(Keys::new(&[SECRET]), NOW)
            .unwrap();
        assert!(get_one(&sent.headers, "x-hub-signature-256").is_some());
        let mut damaged = record(&[], b"x", None);
        damaged.body = Some("y".into());
        assert!(
            prepare(&damaged, &options(), NOW, &mut rng())
                .unwrap_err()
                .contains("SHA-256")
        );
    }

    #[test]
    fn ages() {
        assert_eq!(format_age(45), "45s");
        assert_eq!(format_age(300), "5m");
        assert_eq!(format_age(7200), "2h");
        assert_eq!(format_age(86_400 * 400), "400 days");
    }

    #[test]
    fn timestamps_of_each_scheme() {
        let h = |n: &str, v: &str| vec![(n.to_string(), v.to_string())];
        assert_eq!(
            signature_timestamp(&h("Stripe-Signature", "t=12,v1=ab"), b"", Scheme::STRIPE),
            Some(12)
        );
        assert_eq!(
            signature_timestamp(&h("svix-timestamp", "13"), b"", Scheme::STANDARD),
            Some(13)
        );
        assert_eq!(
            signature_timestamp(&h("X-Slack-Request-Timestamp", "14"), b"", Scheme::SLACK),
            Some(14)
        );
        assert_eq!(
            signature_timestamp(&h("X-Hub-Signature-256", "x"), b"", Scheme::GITHUB),
            None
        );
    }

    #[test]
    fn the_exact_target_is_the_one_a_copying_comparison_finds() {
        // The comparison as it was first written, with the strings built.
        let reference = |prepared: &Prepared| -> Option<String> {
            let rest = prepared.exact_url().split_once("://")?.1;
            let target = &rest[rest.find(['/', '?'])?..];
            let target = match target.strip_prefix('?') {
                Some(query) => format!("/?{query}"),
                None => target.to_string(),
            };
            let parsed = match prepared.url.query() {
                Some(query) => format!("{}?{query}", prepared.url.path()),
                None => prepared.url.path().to_string(),
            };
            (target != parsed).then_some(target)
        };
        let mut record = CaptureRecord::default();
        record.set_body(b"");
        for to in [
            "http://127.0.0.1:9",
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9?q='x'",
            "http://127.0.0.1:9?plain=1",
            "http://127.0.0.1:9/a/b?plain=1",
            "http://127.0.0.1:9/a/b?",
            "http://127.0.0.1:9/a'b",
            "http://127.0.0.1:9/a b",
            "http://127.0.0.1:9/é?ü=1",
            "http://127.0.0.1:9/x?a=\"b\"&c",
            "http://[::1]:9/x?y",
        ] {
            let options = PlanOptions {
                to: Some(to.into()),
                exact_url: true,
                ..Default::default()
            };
            let prepared = prepare(&record, &options, 0, &mut rng()).unwrap();
            assert_eq!(prepared.exact_target(), reference(&prepared), "{to}");
        }
    }

    #[test]
    fn the_exact_url_keeps_the_captured_query_bytes() {
        let mut record = CaptureRecord {
            path: "/hooks".into(),
            query: Some("q='x'&j=\"y\"".into()),
            ..Default::default()
        };
        record.set_body(b"");
        let options = PlanOptions {
            to: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        };
        let prepared = prepare(&record, &options, 0, &mut rand::thread_rng()).unwrap();
        assert_eq!(
            prepared.exact_url(),
            "http://127.0.0.1:9/hooks?q='x'&j=\"y\""
        );
        assert_eq!(prepared.url.query(), Some("q=%27x%27&j=%22y%22"));
        assert_eq!(
            prepared.exact_target().as_deref(),
            Some("/hooks?q='x'&j=\"y\"")
        );
        record.query = Some("plain=1".into());
        let prepared = prepare(&record, &options, 0, &mut rand::thread_rng()).unwrap();
        assert_eq!(prepared.exact_target(), None);
        // Bytes a command line could mangle (a space, a fragment mark): the parsed URL instead.
        record.query = Some("a b#c".into());
        let prepared = prepare(&record, &options, 0, &mut rand::thread_rng()).unwrap();
        assert_eq!(prepared.exact_url(), prepared.url.as_str());
    }

    #[test]
    fn without_to_only_a_plain_host_is_an_address() {
        let mut record = CaptureRecord {
            path: "/hooks".into(),
            headers: vec![("Host".into(), "localhost:8080".into())],
            ..Default::default()
        };
        let options = PlanOptions::default();
        assert_eq!(
            target_url(&record, &options).unwrap(),
            "http://localhost:8080/hooks"
        );
        record.headers[0].1 = "localhost:8080@attacker.test".into();
        let error = target_url(&record, &options).unwrap_err();
        assert!(error.contains("not a plain host[:port]"), "{error}");
        assert!(!error.contains("attacker"), "{error}");
    }

    #[test]
    fn redaction() {
        use crate::secret::REDACTED;
        let headers = vec![
            ("X-Gitlab-Token".to_string(), "tok".to_string()),
            ("Authorization".to_string(), "Bearer s3cret".to_string()),
            ("X-Ok".to_string(), "it's".to_string()),
        ];
        let shown = crate::secret::redact_headers(&headers, &[b"s3cret"]);
        assert_eq!(shown[0].1, REDACTED);
        assert_eq!(shown[1].1, REDACTED);
        assert_eq!(shown[2].1, "it's");
    }
}
