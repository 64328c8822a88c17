//! Conditional GETs for `hooky poll`: which validators (ETag, Last-Modified) to keep, what to send,
//! and what a 304 means. Pure.
//!
//! - Validators are stored and echoed byte for byte, weak `W/` prefix and quotes included: servers
//!   compare them as strings (GitHub: "the quotes around the ETag value are important").
//! - `If-None-Match` when an ETag is known, `If-Modified-Since` only when none is: a server ignores
//!   the date when both come (RFC 9110 §13.1.3), and a date cannot tell two changes in one second
//!   apart.
//! - The first request is unconditional; a 304 never clears a stored validator, and a validator a
//!   304 carries refreshes the stored one (curl got both wrong once: `If-None-Match: ""`, a lost
//!   ETag).
//! - A 304 to an unconditional request, or with nothing stored, is a server bug: repeat the request
//!   once without conditions, as RFC 2616 told caches to.

use serde::{Deserialize, Serialize};

use crate::headers::{Header, get_one};

/// Which validators the user asked hooky to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Use {
    pub etag: bool,
    pub last_modified: bool,
}

/// The validators of the last representation seen, exactly as the server sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    /// The conditional headers for the next request (empty for an unconditional one).
    pub fn request_headers(&self, wanted: Use) -> Vec<Header> {
        match (&self.etag, &self.last_modified) {
            (Some(etag), _) if wanted.etag => vec![("If-None-Match".into(), etag.clone())],
            (_, Some(date)) if wanted.last_modified => {
                vec![("If-Modified-Since".into(), date.clone())]
            }
            _ => Vec::new(),
        }
    }

    /// Stores the validators a 200 or a 304 carries. Absent ones are kept after a 304 (it never
    /// clears anything) and dropped after a 200 (the new representation has none).
    pub fn update(&mut self, status: u16, headers: &[Header]) {
        let etag = get_one(headers, "etag").filter(|v| !v.is_empty());
        let last_modified = get_one(headers, "last-modified").filter(|v| !v.is_empty());
        if status == 304 {
            if let Some(etag) = etag {
                self.etag = Some(etag.to_string());
            }
            if let Some(date) = last_modified {
                self.last_modified = Some(date.to_string());
            }
        } else {
            self.etag = etag.map(str::to_string);
            self.last_modified = last_modified.map(str::to_string);
        }
    }
}

/// A validator the user asked for that a 200 did not carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    ETag,
    LastModified,
}

impl Missing {
    /// The one-line notice for it, given the validators the answer did carry.
    pub fn notice(self, wanted: Use, got: &Validators) -> String {
        let (missing, other) = match self {
            Missing::ETag => ("ETag", got.last_modified.is_some() && wanted.last_modified),
            Missing::LastModified => ("Last-Modified", got.etag.is_some() && wanted.etag),
        };
        let then = match (self, other) {
            (Missing::ETag, true) => "polling with Last-Modified only",
            (Missing::LastModified, true) => "polling with the ETag only",
            _ => "polling without validators",
        };
        format!("the server sent no {missing}; {then}")
    }
}

/// The validators asked for (`wanted`) that a 200 answer (`got`, after [`Validators::update`])
/// did not carry: hooky says so once, since every poll then costs a full body.
pub fn missing(wanted: Use, got: &Validators) -> Vec<Missing> {
    let mut missing = Vec::new();
    if wanted.etag && got.etag.is_none() {
        missing.push(Missing::ETag);
    }
    if wanted.last_modified && got.last_modified.is_none() {
        missing.push(Missing::LastModified);
    }
    missing
}

/// What to make of a 304.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotModified {
    /// The stored representation is still current.
    Unchanged,
    /// The request was unconditional, or nothing is stored (a server bug): repeat it once without
    /// conditions.
    RepeatUnconditional,
    /// It happened again on the repeat: report the server bug and treat it as unchanged.
    ServerBug,
}

/// Classifies a 304: `conditional` says whether the request carried a validator, `have_body`
/// whether hooky holds a representation to compare with, `repeated` whether this was the repeat.
pub fn not_modified(conditional: bool, have_body: bool, repeated: bool) -> NotModified {
    if conditional && have_body {
        NotModified::Unchanged
    } else if repeated {
        NotModified::ServerBug
    } else {
        NotModified::RepeatUnconditional
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_asked_for_but_not_sent_are_named() {
        let both = Use {
            etag: true,
            last_modified: true,
        };
        let none = Validators::default();
        assert_eq!(missing(both, &none), [Missing::ETag, Missing::LastModified]);
        assert_eq!(
            Missing::ETag.notice(both, &none),
            "the server sent no ETag; polling without validators"
        );
        let dated = Validators {
            last_modified: Some("Sun, 06 Nov 1994 08:49:37 GMT".into()),
            ..Validators::default()
        };
        assert_eq!(missing(both, &dated), [Missing::ETag]);
        assert_eq!(
            Missing::ETag.notice(both, &dated),
            "the server sent no ETag; polling with Last-Modified only"
        );
        let tagged = Validators {
            etag: Some("\"a\"".into()),
            ..Validators::default()
        };
        assert_eq!(
            Missing::LastModified.notice(both, &tagged),
            "the server sent no Last-Modified; polling with the ETag only"
        );
        let only_dates = Use {
            etag: false,
            last_modified: true,
        };
        assert_eq!(
            Missing::LastModified.notice(only_dates, &tagged),
            "the server sent no Last-Modified; polling without validators"
        );
        assert!(missing(Use::default(), &none).is_empty());
        assert!(
            missing(
                both,
                &Validators {
                    etag: Some("x".into()),
                    ..dated
                }
            )
            .is_empty()
        );
    }

    fn h(name: &str, value: &str) -> Header {
        (name.into(), value.into())
    }

    const BOTH: Use = Use {
        etag: true,
        last_modified: true,
    };

    #[test]
    fn first_request_is_unconditional() {
        assert!(Validators::default().request_headers(BOTH).is_empty());
    }

    #[test]
    fn etags_are_echoed_byte_for_byte_and_win() {
        let mut v = Validators::default();
        v.update(
            200,
            &[
                h("ETag", "W/\"a b\""),
                h("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"),
            ],
        );
        assert_eq!(
            v.request_headers(BOTH),
            vec![h("If-None-Match", "W/\"a b\"")]
        );
        let lm_only = Use {
            etag: false,
            last_modified: true,
        };
        assert_eq!(
            v.request_headers(lm_only),
            vec![h("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")]
        );
        assert!(v.request_headers(Use::default()).is_empty());
    }

    #[test]
    fn a_304_never_clears_and_may_refresh() {
        let mut v = Validators::default();
        v.update(200, &[h("etag", "\"1\"")]);
        v.update(304, &[]);
        assert_eq!(v.etag.as_deref(), Some("\"1\""));
        v.update(304, &[h("ETag", "\"2\"")]);
        assert_eq!(v.etag.as_deref(), Some("\"2\""));
        v.update(200, &[h("Last-Modified", "x")]);
        assert_eq!(v.etag, None, "a new 200 without an ETag drops the old one");
        assert_eq!(v.last_modified.as_deref(), Some("x"));
    }

    #[test]
    fn unconditional_304_is_repeated_once() {
        assert_eq!(not_modified(true, true, false), NotModified::Unchanged);
        assert_eq!(
            not_modified(false, false, false),
            NotModified::RepeatUnconditional
        );
        assert_eq!(
            not_modified(true, false, false),
            NotModified::RepeatUnconditional
        );
        assert_eq!(not_modified(false, true, true), NotModified::ServerBug);
    }
}
