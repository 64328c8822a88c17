//! `hooky send`: render a fixture, sign it, deliver it (with retries), and report what the receiver
//! answered. Also the modes around it: `--list`, the picker, `--dry-run`/`--curl`, `--repeat`,
//! `--count` (a load with a summary), `--attack` (receiver conformance) and `--watch`.
//!
//! The pure parts live in the shared `fixtures/`, `webhook/` and `outbound/request_format`, and in
//! send's own [`attack`] (the receiver-conformance checks); this file is the IO: files, clock,
//! randomness, network, terminal.

pub mod attack;
pub mod record;
mod settings;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde_json::Value;

use crate::cli::{ExpectedStatus, SendArgs};
use crate::exit::{self, CliError};
use crate::fixtures::payload_template::CompiledPayload;
use crate::fixtures::template::{RenderContext, Template};
use crate::fixtures::{self, Catalog, Edit, Meta, Overrides, Source};
use crate::headers::Header;
use crate::outbound::connection::WorkerTransport;
use crate::outbound::delivery::{self, Delivery, RetryNotice, RetryOptions};
use crate::outbound::load::{self, LoadOptions};
use crate::outbound::stats::Summary;
use crate::output::{self, Output, sanitize_line};
use crate::signature::Scheme;
use crate::webhook::{self, Signer, Webhook};
use attack::{Check, Expect, Judged, Outcome};
use record::Record;

use crate::fixtures::disk::load_catalog;

/// Characters of the response body shown after each send (`--json` carries more).
const PREVIEW_CHARS: usize = 200;
const JSON_PREVIEW_CHARS: usize = 4096;

/// Boxed because the arguments are many (the `Command` enum stays small).
pub async fn run(args: Box<SendArgs>, out: &Output) -> anyhow::Result<u8> {
    let interrupted = super::interrupt_signal()?;
    let catalog = load_catalog(args.fixtures.as_deref())?;
    if args.list {
        return list(&catalog, out);
    }
    let event = match (&args.event, &args.data) {
        (Some(event), _) => Some(event.clone()),
        (None, Some(_)) => None,
        // The attack is about signatures, not payloads: any event does.
        (None, None) if args.attack => Some("order.completed".to_string()),
        (None, None) => match pick(&catalog)? {
            Some(name) => Some(name),
            // Esc or Ctrl-C in the picker: the list is gone, nothing more to say.
            None => return Ok(exit::INTERRUPTED),
        },
    };
    let plan = Plan::new(&args, &catalog, event.as_deref(), out)?;
    if args.dry_run || args.curl {
        return print_request(&plan, &args, out);
    }
    if args.count > 1 && !args.attack && !args.watch {
        // A load prints its summary so far when interrupted.
        return run_load(plan, &args, out, interrupted).await;
    }
    let work = async {
        if args.attack {
            run_attack(&plan, &args, out).await
        } else if args.watch {
            watch(plan, &args, event.as_deref(), out).await
        } else {
            run_single(&plan, &args, out).await
        }
    };
    tokio::select! {
        result = work => result,
        signal = interrupted => Ok(signal.exit_code()),
    }
}

/// Everything needed to make a request, resolved once from the flags and the fixture.
struct Plan {
    payload: Payload,
    /// The fixture's file, when it has one (for `--watch`).
    fixture_path: Option<PathBuf>,
    signer: Signer,
    url: reqwest::Url,
    method: Option<String>,
    user_headers: Vec<Header>,
    clock: Option<i64>,
    seed: Option<u64>,
}

/// What the body is rendered from: the fixture, `--data` and the `--set`/`--unset` edits.
struct Payload {
    /// The fixture's name, or `--data`.
    name: String,
    fixture: Option<Template>,
    /// The fixture compiled for fast repeated sends, when nothing (`--data`, `--set`…) changes it.
    compiled: Option<CompiledPayload>,
    data: Option<Template>,
    overrides: Overrides,
}

impl Payload {
    /// Renders the payload (fresh ids and times) and the metadata for send number `seq`.
    fn render(&self, seq: u64, rng: &mut dyn RngCore, now: i64) -> anyhow::Result<(Value, Meta)> {
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
    fn new(
        args: &SendArgs,
        catalog: &Catalog,
        event: Option<&str>,
        out: &Output,
    ) -> anyhow::Result<Plan> {
        let usage = |e: String| anyhow::Error::new(CliError::usage(e));
        let (fixture, fixture_path, name) = match event {
            Some(event) => {
                let found = catalog.find(event).map_err(|e| {
                    CliError::usage(e).with_hint("hooky send --list shows every event")
                })?;
                let template = found.template().map_err(|e| usage(e.to_string()))?;
                let path = (found.source != Source::BuiltIn)
                    .then(|| found.path.clone())
                    .flatten();
                (Some(template), path, found.name.clone())
            }
            None => (None, None, "--data".to_string()),
        };
        let data = match &args.data {
            Some(spec) => {
                let (label, text) = read_data(spec)?;
                Some(Template::parse(&label, &text).map_err(|e| usage(e.to_string()))?)
            }
            None => None,
        };
        let mut edits = Vec::new();
        for (list, as_string) in [(&args.set, false), (&args.set_str, true)] {
            for text in list {
                let (path, value) =
                    crate::json_path::parse_assignment(text, as_string).map_err(usage)?;
                edits.push(Edit::Set(path, value));
            }
        }
        for path in &args.unset {
            edits.push(Edit::Unset(path.clone()));
        }
        let url = check_url(&args.to)?;
        if let Some(method) = &args.method {
            reqwest::Method::from_bytes(method.as_bytes())
                .map_err(|_| usage(format!("invalid HTTP method {method:?}")))?;
        }
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
        let now = args.clock.unwrap_or_else(super::now_unix);
        let (first, meta) = payload.render(1, &mut StdRng::seed_from_u64(0), now)?;
        if meta.is_form() {
            fixtures::form_body(&payload.name, &first).map_err(usage)?;
        }
        let signer = settings::signer(args, meta.scheme, out)?;
        Ok(Plan {
            payload,
            fixture_path,
            signer,
            url,
            method: args.method.as_ref().map(|m| m.to_ascii_uppercase()),
            user_headers: args.headers.clone(),
            clock: args.clock,
            seed: args.seed,
        })
    }

    fn now(&self) -> i64 {
        self.clock.unwrap_or_else(super::now_unix)
    }

    /// The random source for send number `seq`: reproducible under `--seed`.
    fn rng(&self, seq: u64) -> StdRng {
        match self.seed {
            Some(seed) => StdRng::seed_from_u64(seed.wrapping_add(seq - 1)),
            None => StdRng::from_rng(rand::thread_rng()).expect("the thread generator never fails"),
        }
    }

    /// The webhook for send number `seq`: rendered, with its headers, ready to be signed.
    fn build(&self, seq: u64) -> anyhow::Result<Webhook> {
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
    fn render(&self, seq: u64, rng: &mut StdRng) -> anyhow::Result<Rendered> {
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
    fn target_url(
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
        let mut sent_headers = headers.to_vec();
        webhook::merge_headers(&mut sent_headers, self.user_headers.clone());
        match crate::signature::url_for_body(self.signer.scheme, url.as_str(), &sent_headers, body)
        {
            Some(hashed) => parse(&hashed),
            None => Ok(url),
        }
    }

    fn secret_keys(&self) -> Vec<&[u8]> {
        crate::secret::as_keys(self.signer.secrets())
    }
}

/// Reads `--data`: `@FILE`, `-` (stdin) or inline JSON. Returns a label for errors and the text.
fn read_data(spec: &str) -> anyhow::Result<(String, String)> {
    let (label, bytes) = if spec == "-" {
        ("--data -".to_string(), super::read_input(None)?)
    } else {
        let label = spec.strip_prefix('@').unwrap_or("--data").to_string();
        (label, super::read_text_or_file("--data", spec)?)
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{label}: not UTF-8 text; the payload is JSON")))?;
    Ok((label, text))
}

fn check_url(url: &str) -> anyhow::Result<reqwest::Url> {
    Ok(crate::outbound::delivery::http_url(url, "--to")?)
}

fn list(catalog: &Catalog, out: &Output) -> anyhow::Result<u8> {
    let rows: Vec<(String, String, String, String)> = catalog
        .iter()
        .map(|fixture| {
            let source = match fixture.overrides {
                Some(previous) => format!("{} (overrides {})", fixture.source, previous),
                None => fixture.source.to_string(),
            };
            let (scheme, description) = listing(fixture);
            (fixture.name.clone(), source, scheme, description)
        })
        .collect();
    if out.json {
        for (name, source, scheme, description) in rows {
            out.json(&Record::Fixture {
                name,
                source,
                scheme,
                description,
            })?;
        }
        return Ok(exit::OK);
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    let source_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(6).max(6);
    out.data(&out.paint.bold(&format!(
        "{:width$}  {:source_width$}  {:8}  DESCRIPTION",
        "NAME", "SOURCE", "SCHEME"
    )))?;
    for (name, source, scheme, description) in rows {
        out.data(&format!(
            "{name:width$}  {source:source_width$}  {scheme:8}  {}",
            sanitize_line(&description)
        ))?;
    }
    Ok(exit::OK)
}

/// No event named: a picker in a terminal (`None` when cancelled), else an error listing the
/// events.
fn pick(catalog: &Catalog) -> anyhow::Result<Option<String>> {
    let names = catalog.names();
    if !output::can_prompt() {
        return Err(CliError::usage("no event to send")
            .with_hint(format!(
                "name one, such as `hooky send order.completed --to URL`; events: {}",
                names.join(", ")
            ))
            .into());
    }
    let rows: Vec<[String; 3]> = catalog
        .iter()
        .map(|f| {
            let (scheme, description) = listing(f);
            [f.name.clone(), scheme, sanitize_line(&description)]
        })
        .collect();
    let labels = align(&rows);
    let choice = tokio::task::block_in_place(|| {
        output::picker::fuzzy_select("Event to send (type to filter)", &labels)
    })?;
    Ok(choice.map(|index| names[index].to_string()))
}

/// A fixture's scheme as sends really use it (hex when it names none) and its description.
fn listing(fixture: &fixtures::Fixture) -> (String, String) {
    match fixture.meta_for_listing() {
        Ok(meta) => (
            meta.scheme.unwrap_or(Scheme::HEX).to_string(),
            meta.description.unwrap_or_default(),
        ),
        Err(error) => ("?".into(), format!("(broken: {error})")),
    }
}

/// Rows as lines with every column but the last padded to its widest cell.
fn align<const N: usize>(rows: &[[String; N]]) -> Vec<String> {
    let widths: Vec<usize> = (0..N)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (column, cell) in row.iter().enumerate() {
                if column + 1 == N {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<width$}  ", width = widths[column]));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

fn print_request(plan: &Plan, args: &SendArgs, out: &Output) -> anyhow::Result<u8> {
    let webhook = plan.build(1)?;
    let request = webhook.signed(&plan.signer, plan.now());
    let secrets = plan.secret_keys();
    if out.json {
        let headers = crate::secret::redact_headers(&request.headers, &secrets);
        out.json(&Record::Request {
            method: request.method.clone(),
            url: crate::secret::redact_query_tokens(request.url.as_str()).into_owned(),
            headers,
            body: String::from_utf8_lossy(&request.body).into_owned(),
            curl: args
                .curl
                .then(|| crate::outbound::request_format::curl_command(&request, &secrets)),
        })?;
    } else if args.curl {
        out.data(&crate::outbound::request_format::curl_command(
            &request, &secrets,
        ))?;
    } else {
        out.data(&output::sanitize(
            &crate::outbound::request_format::http_text(&request, &secrets),
        ))?;
    }
    Ok(exit::OK)
}

fn retry_options(args: &SendArgs) -> RetryOptions {
    RetryOptions {
        retries: if args.no_retry { 0 } else { args.retries },
        timeout: args.timeout,
        max_response: args.max_response,
        ..RetryOptions::default()
    }
}

/// Delivers one webhook with retries, re-signing each attempt with a fresh timestamp.
async fn deliver(
    client: &reqwest::Client,
    plan: &Plan,
    webhook: &Webhook,
    options: RetryOptions,
    on_retry: impl FnMut(RetryNotice<'_>),
) -> Delivery {
    delivery::deliver(
        client,
        options,
        |_attempt| webhook.signed(&plan.signer, plan.now()),
        rand::random::<f64>,
        on_retry,
    )
    .await
}

/// What was expected of an answer, and whether it was met.
struct Expectations<'a> {
    status: Option<ExpectedStatus>,
    body: &'a [(String, String)],
}

impl Expectations<'_> {
    fn given(&self) -> bool {
        self.status.is_some() || !self.body.is_empty()
    }

    /// The first unmet expectation, if any.
    fn check(&self, delivery: &Delivery) -> Option<String> {
        let status = delivery.status();
        if let Some(expected) = self.status
            && !status.is_some_and(|s| expected.matches(s))
        {
            return Some(format!(
                "expected status {expected}, got {}",
                status.map_or("no answer".to_string(), |s| s.to_string())
            ));
        }
        if self.body.is_empty() {
            return None;
        }
        let parsed = crate::webhook::event::parse_json_body(&delivery.response_body);
        for (path, expected) in self.body {
            let actual = parsed.as_ref().and_then(|v| crate::json_path::get(v, path));
            match actual {
                Some(actual) if crate::json_path::matches_text(actual, expected) => {}
                Some(actual) => {
                    return Some(format!(
                        "expected {path} = {expected}, got {}",
                        sanitize_line(&crate::json_path::display(actual))
                    ));
                }
                None if parsed.is_none() => {
                    return Some(format!(
                        "expected {path} = {expected}, but the response body is not JSON"
                    ));
                }
                None => return Some(format!("expected {path} = {expected}, but it is missing")),
            }
        }
        None
    }
}

fn preview(body: &[u8], chars: usize) -> String {
    crate::output::ellipsize(&String::from_utf8_lossy(body), chars + 1).into_owned()
}

fn response_record(plan: &Plan, webhook: &Webhook, delivery: &Delivery) -> record::Response {
    let last = delivery.last();
    let ms = crate::units::millis;
    record::Response {
        event: webhook.event_type.clone(),
        event_id: webhook.event_id.clone(),
        fixture: plan.payload.name.clone(),
        scheme: plan.signer.scheme,
        method: webhook.method.clone(),
        url: crate::secret::redact_query_tokens(webhook.url.as_str()).into_owned(),
        status: last.status,
        ok: delivery.is_success(),
        error: last.error.clone(),
        attempts: delivery.attempts.len(),
        latency_ms: ms(last.latency),
        elapsed_ms: ms(delivery.elapsed),
        body: preview(&delivery.response_body, JSON_PREVIEW_CHARS),
    }
}

fn report(plan: &Plan, webhook: &Webhook, delivery: &Delivery, out: &Output) -> anyhow::Result<()> {
    if out.json {
        out.json(&Record::Response(response_record(plan, webhook, delivery)))?;
        return Ok(());
    }
    out.data(&answer_line(webhook, delivery, &out.paint))?;
    if !delivery.response_body.is_empty() && out.verbose > 0 {
        out.data(&format!(
            "  {}",
            out.paint.dim(&sanitize_line(&preview(
                &delivery.response_body,
                PREVIEW_CHARS
            )))
        ))?;
    }
    Ok(())
}

/// `--> order.completed evt_… hex`: what goes out, as `stripe trigger` shows it. The id is the one
/// `hooky listen` shows for the same request.
fn sending_line(plan: &Plan, webhook: &Webhook) -> String {
    format!(
        "--> {} {} {} · {} {}",
        sanitize_line(&webhook.event_type),
        sanitize_line(&webhook.event_id),
        plan.signer.scheme,
        webhook.method,
        crate::secret::redact_query_tokens(webhook.url.as_str())
    )
}

/// `<-- 200 OK 3ms (1 attempt)`, with retries `<-- 200 OK after 3 attempts, 3.2s`: the answer, in
/// one line with the event it answers.
fn answer_line(webhook: &Webhook, delivery: &Delivery, paint: &crate::output::Paint) -> String {
    let last = delivery.last();
    let attempts = delivery.attempts.len();
    let timing = if attempts == 1 {
        format!(
            "{} (1 attempt)",
            crate::units::format_duration(last.latency)
        )
    } else {
        format!(
            "after {attempts} attempts, {}",
            crate::units::format_duration(delivery.elapsed)
        )
    };
    let answer = match (last.status, &last.error) {
        (Some(status), _) => {
            let reason = reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .map(|reason| format!(" {reason}"))
                .unwrap_or_default();
            format!("{}{reason}", paint.status(status))
        }
        (None, error) => format!(
            "{} {}",
            paint.error("no answer:"),
            sanitize_line(error.as_deref().unwrap_or("failed"))
        ),
    };
    format!(
        "<-- {answer} {timing} · {} {}",
        sanitize_line(&webhook.event_type),
        sanitize_line(&webhook.event_id)
    )
}

/// The exit code and message for one delivery.
fn verdict(
    delivery: &Delivery,
    expectations: &Expectations<'_>,
    scheme: Scheme,
) -> Option<CliError> {
    if expectations.given() {
        return expectations
            .check(delivery)
            .map(|message| CliError::new(exit::EXPECTATION_FAILED, message));
    }
    if delivery.is_success() {
        return None;
    }
    let attempts = delivery.attempts.len();
    let message = match (delivery.status(), &delivery.last().error) {
        (Some(status), _) => {
            format!("the receiver answered {status} (after {attempts} attempt(s))")
        }
        (None, error) => format!(
            "no answer after {attempts} attempt(s): {}",
            error.as_deref().unwrap_or("failed")
        ),
    };
    let error = CliError::failed(message);
    Some(match (delivery.status(), delivery.declined_retry_note()) {
        (_, Some(note)) => error.with_hint(note),
        // A receiver that checks signatures answers 401 to one it cannot verify.
        (Some(401), None) => error.with_hint(format!(
            "the receiver did not accept the signature: its secret or scheme probably differs from this one ({scheme}); pass the receiver's --secret and --scheme",
        )),
        _ => error,
    })
}

async fn run_single(plan: &Plan, args: &SendArgs, out: &Output) -> anyhow::Result<u8> {
    let client = delivery::client(1)?;
    let webhook = plan.build(1)?;
    let expectations = Expectations {
        status: args.expect_status,
        body: &args.expect_body,
    };
    let mut first_error: Option<CliError> = None;
    for _ in 0..args.repeat {
        out.info(&sending_line(plan, &webhook));
        let delivery = deliver(&client, plan, &webhook, retry_options(args), |notice| {
            out.info(&notice.describe())
        })
        .await;
        report(plan, &webhook, &delivery, out)?;
        if let Some(error) = verdict(&delivery, &expectations, plan.signer.scheme) {
            first_error.get_or_insert(error);
        }
    }
    match first_error {
        Some(error) => Err(error.into()),
        None => Ok(exit::OK),
    }
}

/// One send of a load, as the summary needs it: nothing of the body is kept.
struct LoadResult {
    class: String,
    elapsed: Duration,
    met: bool,
    line: Option<LoadLine>,
}

/// The line a load prints for one send: its answer (`-v`), or why it could not be made.
enum LoadLine {
    Response(record::Response),
    Error(crate::output::ErrorRecord),
}

/// A load worker: the plan, and a connection of its own to send over.
struct LoadWorker {
    plan: Arc<Plan>,
    transport: WorkerTransport,
    options: RetryOptions,
    expected_status: Option<ExpectedStatus>,
    expected_body: Arc<Vec<(String, String)>>,
    keep_lines: bool,
}

impl load::Worker for LoadWorker {
    type Job = ();
    type Output = LoadResult;

    async fn run(&mut self, i: u64, _: ()) -> LoadResult {
        let plan = &*self.plan;
        let webhook = match plan.build(i + 1) {
            Ok(webhook) => webhook,
            Err(error) => {
                return LoadResult {
                    class: "error".into(),
                    elapsed: Duration::ZERO,
                    met: false,
                    line: Some(LoadLine::Error(crate::output::error::error_record_of(
                        &error,
                    ))),
                };
            }
        };
        let delivery = delivery::deliver_with(
            &mut self.transport,
            self.options,
            |_attempt| webhook.signed(&plan.signer, plan.now()),
            rand::random::<f64>,
            |_| {},
        )
        .await;
        let expectations = Expectations {
            status: self.expected_status,
            body: &self.expected_body,
        };
        LoadResult {
            class: delivery.last().class(),
            elapsed: delivery.elapsed,
            met: verdict(&delivery, &expectations, plan.signer.scheme).is_none(),
            line: self
                .keep_lines
                .then(|| LoadLine::Response(response_record(plan, &webhook, &delivery))),
        }
    }
}

/// What a load worker's sends came to; the workers' tallies add up to the run's.
#[derive(Default)]
struct LoadTally {
    summary: Summary,
    unmet: u64,
    panics: u64,
}

impl LoadTally {
    fn add(mut self, other: LoadTally) -> LoadTally {
        self.summary.merge(&other.summary);
        self.unmet += other.unmet;
        self.panics += other.panics;
        self
    }
}

/// Where a load prints its per-request lines (`-v`, errors): stdout, above the progress bar.
#[derive(Clone)]
struct LinePrinter {
    out: Output,
    bar: Option<indicatif::ProgressBar>,
}

impl LinePrinter {
    fn print(&self, line: LoadLine) {
        // A closed stdout ends nothing here: the summary's write reports it.
        if self.out.json {
            let _ = self.out.json(&match line {
                LoadLine::Response(response) => Record::Response(response),
                LoadLine::Error(error) => Record::Error(error),
            });
            return;
        }
        let text = match &line {
            LoadLine::Response(response) => format!(
                "{} {} {}ms",
                response.status.map_or("-".to_string(), |s| s.to_string()),
                response.event_id,
                response.elapsed_ms
            ),
            LoadLine::Error(error) => format!("- error: {}", sanitize_line(&error.error)),
        };
        match &self.bar {
            Some(bar) => bar.println(text),
            None => {
                let _ = self.out.data(&text);
            }
        }
    }

    /// Counts one finished send in `tally`; a job that panicked is a counted failure, never a
    /// request that silently vanished.
    fn record(&self, tally: &mut LoadTally, result: Result<LoadResult, load::Panicked>) {
        let result = result.unwrap_or_else(|_| {
            tally.panics += 1;
            LoadResult {
                class: "internal error".into(),
                elapsed: Duration::ZERO,
                met: false,
                line: None,
            }
        });
        tally.summary.record(&result.class, result.elapsed);
        if !result.met {
            tally.unmet += 1;
        }
        if let Some(line) = result.line {
            self.print(line);
        }
    }
}

async fn run_load(
    plan: Plan,
    args: &SendArgs,
    out: &Output,
    interrupted: impl std::future::Future<Output = super::Signal>,
) -> anyhow::Result<u8> {
    let concurrency =
        usize::try_from(args.concurrency.min(args.count.max(1))).unwrap_or(usize::MAX);
    let progress = out.show_progress().then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(args.count),
            indicatif::ProgressDrawTarget::stderr(),
        );
        bar.set_style(output::progress_style(
            "{bar:40} {pos}/{len} · {rate} · eta {eta}",
        ));
        bar
    });
    let printer = LinePrinter {
        out: out.clone(),
        bar: progress.clone(),
    };
    let started = Instant::now();
    let mut running = load::start(
        LoadOptions {
            concurrency,
            rate: args.rate,
        },
        load::numbered(args.count),
        load_workers(plan, args, out, concurrency)?,
        move |tally: &mut LoadTally, _, result| printer.record(tally, result),
    );
    let tick = |done| progress.iter().for_each(|bar| bar.set_position(done));
    let stopped_by = load::wait(&mut running, tick, interrupted).await;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let tally = running
        .tallies()
        .into_iter()
        .fold(LoadTally::default(), LoadTally::add);
    if out.json {
        out.json(&Record::Summary(tally.summary.to_record(elapsed)))?;
    } else {
        out.data(&tally.summary.to_text(elapsed))?;
    }
    match stopped_by {
        Some(signal) => Ok(signal.exit_code()),
        None => load_verdict(&tally, args),
    }
}

/// What makes each load worker: the plan, its connection (or the pooled client, under a proxy),
/// the retry policy and the expectations.
fn load_workers(
    plan: Plan,
    args: &SendArgs,
    out: &Output,
    concurrency: usize,
) -> anyhow::Result<impl Fn() -> LoadWorker + Send + Sync + 'static> {
    let pooled = delivery::client(concurrency)?;
    let proxy = crate::outbound::connection::proxy_configured();
    let (plan, options) = (Arc::new(plan), retry_options(args));
    let (expected_status, expected_body) = (args.expect_status, Arc::new(args.expect_body.clone()));
    let keep_lines = out.verbose > 0;
    Ok(move || LoadWorker {
        plan: plan.clone(),
        transport: WorkerTransport::new(&pooled, proxy),
        options,
        expected_status,
        expected_body: expected_body.clone(),
        keep_lines,
    })
}

/// The exit status of a finished load: a bug, unmet expectations, failed sends, or success.
fn load_verdict(tally: &LoadTally, args: &SendArgs) -> anyhow::Result<u8> {
    let sent = tally.summary.sent;
    if tally.panics > 0 {
        return Err(CliError::failed(format!(
            "{} of {sent} requests failed with an internal error (a bug in hooky)",
            tally.panics
        ))
        .into());
    }
    if tally.unmet == 0 {
        return Ok(exit::OK);
    }
    let expectations_given = args.expect_status.is_some() || !args.expect_body.is_empty();
    let (code, what) = if expectations_given {
        (exit::EXPECTATION_FAILED, "did not meet the expectations")
    } else {
        (exit::FAILURE, "were not answered 2xx")
    };
    Err(CliError::new(code, format!("{} of {sent} requests {what}", tally.unmet)).into())
}

async fn run_attack(plan: &Plan, args: &SendArgs, out: &Output) -> anyhow::Result<u8> {
    let scheme = plan.signer.scheme;
    if scheme == Scheme::NONE {
        return Err(CliError::usage("--attack needs a signing scheme, not none")
            .with_hint("pass the receiver's --scheme and --secret")
            .into());
    }
    let client = delivery::client(1)?;
    let checks = Check::for_scheme(scheme);
    if !out.json {
        out.info(&format!(
            "attacking {} with {} checks ({scheme})",
            plan.url,
            checks.len()
        ));
    }
    let mut tally = Tally::default();
    let mut results = Vec::new();
    let mut valid_rejected = false;
    for (index, check) in checks.into_iter().enumerate() {
        let webhook = plan.build(index as u64 + 1)?;
        let (judged, statuses, errors) = if valid_rejected && check.expect() == Expect::Reject {
            let skipped = Judged {
                outcome: Outcome::Skipped,
                note: Some("not sent: the correctly signed event was rejected".into()),
            };
            (skipped, Vec::new(), Vec::new())
        } else {
            let (statuses, errors) = attack_once(&client, &check, &webhook, plan, args).await;
            if index == 0 && statuses.iter().all(Option::is_none) {
                // Nothing can be tested: one error, not a table of failures.
                let error = errors
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "no answer".into());
                return Err(CliError::failed(format!(
                    "the receiver never answered: {}",
                    sanitize_line(&error)
                ))
                .with_hint(format!("is it running at {}?", plan.url))
                .into());
            }
            (attack::judge(check.expect(), &statuses), statuses, errors)
        };
        if check == Check::Valid && judged.outcome == Outcome::Fail {
            valid_rejected = true;
        }
        tally.count(judged.outcome);
        results.push((check, judged.outcome));
        print_check(out, index == 0, scheme, check, judged, statuses, errors)?;
    }
    for diagnosis in attack::diagnose(&results, scheme, scheme.signs_url()) {
        if out.json {
            out.json(&Record::Diagnosis {
                code: diagnosis.code,
                message: diagnosis.message,
            })?;
        } else {
            out.warn(&diagnosis.message);
        }
    }
    if out.json {
        out.json(&Record::AttackSummary {
            scheme,
            passed: tally.passed,
            failed: tally.failed,
            warned: tally.warned,
            skipped: tally.skipped,
            info: tally.info,
        })?;
    } else {
        out.data(&tally.line())?;
    }
    // 4, as for any unmet expectation: a count as the exit code would collide with 1 (could not
    // connect) and 2 (usage). The count is in the summary line and in `attack_summary`. A warning
    // (a forged request answered 5xx) is not a failure: the request was refused.
    Ok(if tally.failed > 0 {
        exit::EXPECTATION_FAILED
    } else {
        exit::OK
    })
}

/// The checks' results counted.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    warned: u64,
    skipped: u64,
    info: u64,
}

impl Tally {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail => self.failed += 1,
            Outcome::Warn => self.warned += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Info => self.info += 1,
        }
    }

    /// `9 passed, 1 failed, …`: the last line of the table.
    fn line(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed, self.failed);
        if self.warned > 0 {
            line.push_str(&format!(", {} warned", self.warned));
        }
        if self.skipped > 0 {
            line.push_str(&format!(", {} skipped", self.skipped));
        }
        line.push_str(&format!(", {} informational", self.info));
        line
    }
}

/// Sends a check's requests; each one's status (`None`: no answer) and the errors.
async fn attack_once(
    client: &reqwest::Client,
    check: &Check,
    webhook: &Webhook,
    plan: &Plan,
    args: &SendArgs,
) -> (Vec<Option<u16>>, Vec<String>) {
    let mut statuses = Vec::new();
    let mut errors = Vec::new();
    for request in check.requests(webhook, &plan.signer, plan.now()) {
        match delivery::send_once(client, &request, args.timeout, args.max_response).await {
            Ok((status, _, _)) => statuses.push(Some(status)),
            Err(error) => {
                statuses.push(None);
                errors.push(error);
            }
        }
    }
    (statuses, errors)
}

/// One check: a `check` record, or a row of the table (its header before the first).
fn print_check(
    out: &Output,
    first: bool,
    scheme: Scheme,
    check: Check,
    judged: Judged,
    statuses: Vec<Option<u16>>,
    errors: Vec<String>,
) -> anyhow::Result<()> {
    if out.json {
        out.json(&Record::Check {
            check: check.name(),
            description: check.description(scheme),
            expect: check.expect(),
            statuses,
            result: judged.outcome,
            note: judged.note,
            errors,
        })?;
        return Ok(());
    }
    let name_width = 18;
    if first {
        out.data(&out.paint.bold(&format!(
            "{:name_width$}  {:38}  {:6}  {:9}  RESULT",
            "CHECK", "REQUEST", "EXPECT", "GOT"
        )))?;
    }
    let result = match judged.outcome {
        Outcome::Pass => out.paint.ok("pass"),
        Outcome::Fail => out.paint.error("FAIL"),
        Outcome::Warn => out.paint.warn("warn"),
        Outcome::Skipped => out.paint.dim("skipped"),
        Outcome::Info => out.paint.dim(&info_text(&statuses)),
    };
    let expect = serde_json::to_value(check.expect())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let got: Vec<String> = statuses
        .iter()
        .map(|s| s.map_or("error".to_string(), |s| s.to_string()))
        .collect();
    let got = if got.is_empty() {
        "-".to_string()
    } else {
        got.join(", ")
    };
    out.data(&format!(
        "{:name_width$}  {:38}  {:6}  {:9}  {result}",
        check.name(),
        check.description(scheme),
        expect,
        got
    ))?;
    if judged.outcome == Outcome::Warn
        && let Some(note) = &judged.note
    {
        out.warn(note);
    }
    for error in errors {
        out.info(&format!("  {}", sanitize_line(&error)));
    }
    Ok(())
}

fn info_text(statuses: &[Option<u16>]) -> String {
    let ok = |s: &Option<u16>| s.is_some_and(|s| (200..300).contains(&s));
    match statuses {
        [first, second] if ok(first) && ok(second) => "info: acknowledged twice".into(),
        [first, _] if ok(first) => "info: repeat refused".into(),
        _ => "info".into(),
    }
}

/// `--watch`: send, then send again whenever a watched file changes, until Ctrl-C.
async fn watch(
    first: Plan,
    args: &SendArgs,
    event: Option<&str>,
    out: &Output,
) -> anyhow::Result<u8> {
    use notify::Watcher;

    let mut files: Vec<PathBuf> = first.fixture_path.iter().cloned().collect();
    if let Some(path) = args.data.as_deref().and_then(|d| d.strip_prefix('@')) {
        files.push(PathBuf::from(path));
    }
    if args.data.as_deref() == Some("-") {
        return Err(CliError::usage("--watch cannot watch stdin").into());
    }
    if files.is_empty() {
        return Err(
            CliError::usage("--watch needs a file to watch, and this fixture is built in")
                .with_hint(format!(
                    "copy it into {}/ (hooky send --list shows the names), or use --data @FILE",
                    crate::fixtures::disk::PROJECT_DIR
                ))
                .into(),
        );
    }
    let files: Vec<PathBuf> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
        .collect();
    let (sender, mut changes) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let _ = sender.send(event);
    })
    .context("cannot watch files")?;
    // Watch the folders, not the files: editors save by renaming a new file over the old one.
    for folder in files.iter().filter_map(|f| f.parent()) {
        watcher
            .watch(folder, notify::RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
    }
    out.info(&format!(
        "watching {} (Ctrl-C to stop)",
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let client = delivery::client(1)?;
    let mut seq = 1;
    let mut plan = Some(first);
    // Notes about the secret were printed for the first plan; a reload does not repeat them.
    let mut reload_out = out.clone();
    reload_out.quiet = true;
    loop {
        if let Some(plan) = &plan {
            if let Err(error) = watch_send(&client, plan, args, seq, out).await {
                report_error(&error, out);
            }
            seq += 1;
        }
        if !wait_for_change(&mut changes, &files, out).await {
            return Ok(exit::OK);
        }
        plan = match load_catalog(args.fixtures.as_deref())
            .and_then(|catalog| Plan::new(args, &catalog, event, &reload_out))
        {
            Ok(plan) => Some(plan),
            Err(error) => {
                report_error(&error, out);
                None
            }
        };
    }
}

async fn watch_send(
    client: &reqwest::Client,
    plan: &Plan,
    args: &SendArgs,
    seq: u64,
    out: &Output,
) -> anyhow::Result<()> {
    let webhook = plan.build(seq)?;
    let delivery = deliver(client, plan, &webhook, retry_options(args), |notice| {
        out.info(&notice.describe())
    })
    .await;
    report(plan, &webhook, &delivery, out)?;
    let expectations = Expectations {
        status: args.expect_status,
        body: &args.expect_body,
    };
    if let Some(error) = verdict(&delivery, &expectations, plan.signer.scheme) {
        return Err(error.into());
    }
    Ok(())
}

fn report_error(error: &anyhow::Error, out: &Output) {
    if out.json {
        let _ = out.json(&Record::Error(crate::output::error::error_record_of(error)));
        return;
    }
    let (_, lines) = crate::output::error::describe(error);
    for line in lines {
        eprintln!("{line}");
    }
}

/// Waits until one of `files` changes (then lets a burst of events settle). `false` when the
/// watcher is gone.
async fn wait_for_change(
    changes: &mut tokio::sync::mpsc::UnboundedReceiver<notify::Result<notify::Event>>,
    files: &[PathBuf],
    out: &Output,
) -> bool {
    let concerns = |event: &notify::Event| {
        !matches!(event.kind, notify::EventKind::Access(_))
            && event
                .paths
                .iter()
                .any(|p| files.iter().any(|f| same_file(p, f)))
    };
    loop {
        match changes.recv().await {
            None => return false,
            Some(Err(error)) => out.warn(&format!("watching: {error}")),
            Some(Ok(event)) if concerns(&event) => break,
            Some(Ok(_)) => {}
        }
    }
    // An editor's save is several events; one send for all of them.
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(100), changes.recv()).await {
    }
    true
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || (a.file_name() == b.file_name()
            && a.parent().map(canonical) == b.parent().map(canonical))
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A rendered body with what it names.
struct Rendered {
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
