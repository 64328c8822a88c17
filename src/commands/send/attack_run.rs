//! `send --attack`: the receiver-conformance checks of [`super::attack`] sent one by one, each
//! judged and printed, and the tally.

use super::attack;
use super::attack::{Check, Expect, Judged, Outcome};
use super::plan::Plan;
use super::record::Record;
use super::settings::Settings;
use crate::exit::{self, CliError};
use crate::outbound::delivery;
use crate::output::{Output, sanitize_line};
use crate::signature::Scheme;
use crate::webhook::Webhook;

pub(super) async fn run_attack(
    plan: &Plan,
    settings: &Settings,
    out: &Output,
) -> anyhow::Result<u8> {
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
            let (statuses, errors) = attack_once(&client, &check, &webhook, plan, settings).await;
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
    report_attack(&results, &tally, scheme, out)
}

/// After the checks: the diagnoses their results add up to, the summary, and the exit code.
fn report_attack(
    results: &[(Check, Outcome)],
    tally: &Tally,
    scheme: Scheme,
    out: &Output,
) -> anyhow::Result<u8> {
    for diagnosis in attack::diagnose(results, scheme, scheme.signs_url()) {
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
    pub(super) fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail => self.failed += 1,
            Outcome::Warn => self.warned += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Info => self.info += 1,
        }
    }

    /// `9 passed, 1 failed, …`: the last line of the table.
    pub(super) fn line(&self) -> String {
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
    settings: &Settings,
) -> (Vec<Option<u16>>, Vec<String>) {
    let mut statuses = Vec::new();
    let mut errors = Vec::new();
    for request in check.requests(webhook, &plan.signer, plan.now()) {
        match delivery::send_once(client, &request, settings.timeout, settings.max_response).await {
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
    let got = got_text(&statuses);
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

/// The table's GOT column: each answer's status (`error` for none), `-` when nothing was sent.
fn got_text(statuses: &[Option<u16>]) -> String {
    let got: Vec<String> = statuses
        .iter()
        .map(|s| s.map_or("error".to_string(), |s| s.to_string()))
        .collect();
    if got.is_empty() {
        "-".to_string()
    } else {
        got.join(", ")
    }
}

fn info_text(statuses: &[Option<u16>]) -> String {
    let ok = |s: &Option<u16>| s.is_some_and(|s| (200..300).contains(&s));
    match statuses {
        [first, second] if ok(first) && ok(second) => "info: acknowledged twice".into(),
        [first, _] if ok(first) => "info: repeat refused".into(),
        _ => "info".into(),
    }
}
