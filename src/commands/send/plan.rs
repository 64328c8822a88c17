//! What `send` sends, resolved once from the flags and the fixture: the [`Plan`] (payload, signer,
//! URL, headers) and how it renders send number `seq` into a signed-ready `Webhook`.

use std::path::PathBuf;

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde_json::Value;

use super::settings::{Data, Settings};
use crate::exit::CliError;
use crate::fixtures::payload_template::CompiledPayload;
use crate::fixtures::template::{RenderContext, Template};
use crate::fixtures::{self, Catalog, Meta, Overrides, Source};
use crate::headers::Header;
use crate::outbound::delivery;
use crate::output::Output;
use crate::webhook::{self, Signer, Webhook};

/// Everything needed to make a request, resolved once from the flags and the fixture.
pub(super) struct Plan {
    pub(super) payload: Payload,
    /// The fixture's file, when it has one (for `--watch`).
    pub(super) fixture_path: Option<PathBuf>,
    pub(super) signer: Signer,
    pub(super) url: reqwest::Url,
    pub(super) method: Option<String>,
    pub(super) user_headers: Vec<Header>,
    pub(super) clock: Option<i64>,
    pub(super) seed: Option<u64>,
}

/// What the body is rendered from: the fixture, `--data` and the `--set`/`--unset` edits.
pub(super) struct Payload {
    /// The fixture's name, or `--data`.
    pub(super) name: String,
    pub(super) fixture: Option<Template>,
    /// The fixture compiled for fast repeated sends, when nothing (`--data`, `--set`…) changes it.
    pub(super) compiled: Option<CompiledPayload>,
    pub(super) data: Option<Template>,
    pub(super) overrides: Overrides,
}

impl Payload {
    /// Renders the payload (fresh ids and times) and the metadata for send number `seq`.
    pub(super) fn render(
        &self,
        seq: u64,
        rng: &mut dyn RngCore,
        now: i64,
    ) -> anyhow::Result<(Value, Meta)> {
        let usage = |e: String| anyhow::Error::new(CliError::usage(e));
        let env = |name: &str| std::env::var(name).ok();
        let mut render_one = |template: &Template, name: &str| -> anyhow::Result<(Value, Meta)> {
            let text = template
                .render(&mut RenderContext {
                    now,
                    seq,
                    rng: &mut *rng,
                    env: &env,
                })
                .map_err(|e| usage(e.to_string()))?;
            let mut payload = fixtures::parse_payload(name, &text).map_err(usage)?;
            let meta = fixtures::split_meta(name, &mut payload).map_err(usage)?;
            Ok((payload, meta))
        };
        let (mut payload, mut meta) = match &self.fixture {
            Some(template) => render_one(template, &self.name)?,
            None => (Value::Null, Meta::default()),
        };
        if let Some(data) = &self.data {
            let (data_payload, data_meta) = render_one(data, "--data")?;
            payload = data_payload;
            if data_meta != Meta::default() {
                meta = data_meta;
            }
        }
        self.overrides.apply(&mut payload).map_err(usage)?;
        Ok((payload, meta))
    }
}

impl Plan {
    pub(super) fn new(
        settings: &Settings,
        catalog: &Catalog,
        event: Option<&str>,
        out: &Output,
    ) -> anyhow::Result<Plan> {
        let usage = |e: String| anyhow::Error::new(CliError::usage(e));
        let (fixture, fixture_path, name) = fixture(catalog, event)?;
        let data = match &settings.data {
            Some(data) => {
                let (label, text) = read_data(data)?;
                Some(Template::parse(&label, &text).map_err(|e| usage(e.to_string()))?)
            }
            None => None,
        };
        let edits = settings.edits.clone();
        let env = |name: &str| std::env::var(name).ok();
        let compiled = match (&fixture, &data) {
            (Some(template), None) if edits.is_empty() => {
                CompiledPayload::compile(&name, template, &env)
            }
            _ => None,
        }
        // The fast path writes JSON; a form body is encoded the slow way.
        .filter(|compiled| !compiled.meta().is_form());
        let payload = Payload {
            name,
            fixture,
            compiled,
            data,
            overrides: Overrides { edits },
        };
        // A first render checks the templates, the JSON and the overrides before anything is sent,
        // and tells the fixture's default scheme, which the signer needs.
        let now = settings.clock.unwrap_or_else(crate::commands::now_unix);
        let (first, meta) = payload.render(1, &mut StdRng::seed_from_u64(0), now)?;
        if meta.is_form() {
            fixtures::form_body(&payload.name, &first).map_err(usage)?;
        }
        let signer = settings.signer(meta.scheme, out)?;
        Ok(Plan {
            payload,
            fixture_path,
            signer,
            url: settings.url.clone(),
            method: settings.method.clone(),
            user_headers: settings.headers.clone(),
            clock: settings.clock,
            seed: settings.seed,
        })
    }

    pub(super) fn now(&self) -> i64 {
        self.clock.unwrap_or_else(crate::commands::now_unix)
    }

    /// The random source for send number `seq`: reproducible under `--seed`.
    pub(super) fn rng(&self, seq: u64) -> StdRng {
        match self.seed {
            Some(seed) => StdRng::seed_from_u64(seed.wrapping_add(seq - 1)),
            None => StdRng::from_rng(rand::thread_rng()).expect("the thread generator never fails"),
        }
    }

    /// The webhook for send number `seq`: rendered, with its headers, ready to be signed.
    pub(super) fn build(&self, seq: u64) -> anyhow::Result<Webhook> {
        let mut rng = self.rng(seq);
        let Rendered {
            body,
            event_id,
            event_type: body_event_type,
            meta,
        } = self.render(seq, &mut rng)?;
        let event_type = meta
            .event
            .clone()
            .or(body_event_type)
            .unwrap_or_else(|| self.payload.name.clone());
        let content_type = meta
            .content_type
            .clone()
            .unwrap_or_else(|| "application/json".into());
        let mut headers: Vec<Header> = vec![
            ("Content-Type".into(), content_type),
            ("User-Agent".into(), delivery::USER_AGENT.into()),
            (
                webhook::event_type_header(self.signer.scheme).into(),
                event_type.clone(),
            ),
        ];
        webhook::merge_headers(&mut headers, meta.headers);
        // The id `listen` will show for this request: the body's, else a delivery header's
        // (GitHub's X-GitHub-Delivery), else a fresh one (Standard Webhooks sends it as webhook-id).
        let event_id = event_id
            .or_else(|| crate::webhook::event::event_id(&headers, None))
            .unwrap_or_else(|| crate::ids::prefixed_id("msg", &mut rng));
        let method = self
            .method
            .clone()
            .or(meta.method)
            .unwrap_or_else(|| "POST".into());
        let body = without_empty_get_body(&method, body, &mut headers);
        let url = self.target_url(meta.path.as_deref(), &headers, &body)?;
        Ok(Webhook {
            method,
            url,
            headers,
            user_headers: self.user_headers.clone(),
            body,
            event_id,
            event_type,
        })
    }

    /// The body of send number `seq` with the event id, type and `_meta` it names.
    pub(super) fn render(&self, seq: u64, rng: &mut StdRng) -> anyhow::Result<Rendered> {
        if let Some(compiled) = &self.payload.compiled {
            let env = |name: &str| std::env::var(name).ok();
            let rendered = compiled
                .render(&mut RenderContext {
                    now: self.now(),
                    seq,
                    rng,
                    env: &env,
                })
                .map_err(|e| CliError::usage(e.to_string()))?;
            return Ok(Rendered {
                body: rendered.body,
                event_id: rendered.event_id,
                event_type: rendered.event_type,
                meta: compiled.meta().clone(),
            });
        }
        let (payload, meta) = self.payload.render(seq, rng, self.now())?;
        let body = if meta.is_form() {
            fixtures::form_body(&self.payload.name, &payload).map_err(CliError::usage)?
        } else {
            serde_json::to_vec(&payload).expect("a JSON value always serialises")
        };
        Ok(Rendered {
            body,
            event_id: crate::webhook::event::event_id(&[], Some(&payload)),
            event_type: crate::webhook::event::event_type(&[], Some(&payload)),
            meta,
        })
    }

    /// The URL to send to: the plan's (parsed once), with a fixture's path suffix, and with the
    /// body's hash for schemes that sign it in the URL (Twilio's `bodySHA256`).
    pub(super) fn target_url(
        &self,
        path_suffix: Option<&str>,
        headers: &[Header],
        body: &[u8],
    ) -> anyhow::Result<reqwest::Url> {
        let parse = |url: &str| {
            delivery::parse_url(url).map_err(|e| anyhow::Error::new(CliError::usage(e)))
        };
        let url = match path_suffix {
            None => self.url.clone(),
            suffix => parse(&webhook::join_path(self.url.as_str(), suffix))?,
        };
        if !crate::signature::url_depends_on_body(self.signer.scheme) {
            return Ok(url);
        }
        let mut sent_headers = headers.to_vec();
        webhook::merge_headers(&mut sent_headers, self.user_headers.clone());
        match crate::signature::url_for_body(self.signer.scheme, url.as_str(), &sent_headers, body)
        {
            Some(hashed) => parse(&hashed),
            None => Ok(url),
        }
    }

    pub(super) fn secret_keys(&self) -> Vec<&[u8]> {
        crate::secret::as_keys(self.signer.secrets())
    }
}

/// The fixture named `event` (its template, its file unless built in, its name), or none for
/// `--data` alone.
fn fixture(
    catalog: &Catalog,
    event: Option<&str>,
) -> anyhow::Result<(Option<Template>, Option<PathBuf>, String)> {
    let Some(event) = event else {
        return Ok((None, None, "--data".to_string()));
    };
    let found = catalog
        .find(event)
        .map_err(|e| CliError::usage(e).with_hint("hooky send --list shows every event"))?;
    let template = found
        .template()
        .map_err(|e| CliError::usage(e.to_string()))?;
    let path = (found.source != Source::BuiltIn)
        .then(|| found.path.clone())
        .flatten();
    Ok((Some(template), path, found.name.clone()))
}

/// Reads `--data`: inline JSON, `@FILE` or stdin. Returns a label for errors and the text.
fn read_data(data: &Data) -> anyhow::Result<(String, String)> {
    let (label, bytes) = match data {
        Data::Stdin => ("--data -".to_string(), crate::commands::read_input(None)?),
        Data::File(path) => (
            path.clone(),
            crate::commands::read_text_or_file("--data", &format!("@{path}"))?,
        ),
        Data::Inline(text) => ("--data".to_string(), text.as_bytes().to_vec()),
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{label}: not UTF-8 text; the payload is JSON")))?;
    Ok((label, text))
}

/// A rendered body with what it names.
pub(super) struct Rendered {
    body: Vec<u8>,
    event_id: Option<String>,
    event_type: Option<String>,
    meta: fixtures::Meta,
}

/// A GET fixture (a handshake's) whose payload is only its `_meta` has no body to send.
fn without_empty_get_body(method: &str, body: Vec<u8>, headers: &mut Vec<Header>) -> Vec<u8> {
    let empty_object = || {
        serde_json::from_slice::<serde_json::Value>(&body)
            .is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
    };
    if matches!(method, "GET" | "HEAD") && empty_object() {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        return Vec::new();
    }
    body
}
