//! How `hooky listen` answers a request: a fixed status, a sequence of answers (`--respond-seq`),
//! possibly one sequence per event id, and simulated failures (`--fail-rate`). Pure: the random
//! roll is a parameter, so a seeded generator gives reproducible runs.

use std::collections::{HashMap, VecDeque};

use crate::cli::values::Step;
use crate::commands::listen::dedup::{IdDigest, digest};
use crate::headers::Header;

/// How many event ids `--respond-seq-per-event` remembers; older ones start their sequence again.
pub const PER_EVENT_CAPACITY: usize = 50_000;

/// Why a step was chosen, so the default body can say where a non-2xx came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Status,
    Sequence,
    FailRate,
}

/// The answer decided for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<Header>,
    pub source: Source,
}

/// The answering policy, fixed at start-up.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `--status`, used when there is no sequence.
    pub status: u16,
    /// `--respond-seq`; the last step repeats.
    pub sequence: Vec<Step>,
    pub per_event: bool,
    pub fail_rate: f64,
}

/// The answering state: where each sequence stands.
#[derive(Debug)]
pub struct Responder {
    plan: Plan,
    next_global: usize,
    /// Keyed by the id's digest, so a huge id costs no more than a short one.
    per_event: HashMap<IdDigest, usize>,
    per_event_order: VecDeque<IdDigest>,
}

impl Responder {
    pub fn new(plan: Plan) -> Self {
        Responder {
            plan,
            next_global: 0,
            per_event: HashMap::new(),
            per_event_order: VecDeque::new(),
        }
    }

    /// The answer for the next request. `roll` is a uniform random number in `[0, 1)`.
    pub fn next(&mut self, event_id: Option<&str>, roll: f64) -> Answer {
        if self.plan.fail_rate > 0.0 && roll < self.plan.fail_rate {
            return Answer {
                status: 500,
                headers: Vec::new(),
                source: Source::FailRate,
            };
        }
        if self.plan.sequence.is_empty() {
            return Answer {
                status: self.plan.status,
                headers: Vec::new(),
                source: Source::Status,
            };
        }
        let index = match event_id.filter(|_| self.plan.per_event) {
            Some(id) => self.advance_event(id),
            None => {
                let index = self.next_global;
                self.next_global = self.next_global.saturating_add(1);
                index
            }
        };
        let step = &self.plan.sequence[index.min(self.plan.sequence.len() - 1)];
        Answer {
            status: step.status,
            headers: step.headers.clone(),
            source: Source::Sequence,
        }
    }

    fn advance_event(&mut self, id: &str) -> usize {
        let id = digest(id);
        if let Some(index) = self.per_event.get_mut(&id) {
            let current = *index;
            *index = index.saturating_add(1);
            return current;
        }
        if self.per_event_order.len() >= PER_EVENT_CAPACITY
            && let Some(oldest) = self.per_event_order.pop_front()
        {
            self.per_event.remove(&oldest);
        }
        self.per_event.insert(id, 1);
        self.per_event_order.push_back(id);
        0
    }
}

/// The body of a 2xx answer [`default_body`] gives.
pub const RECEIVED_BODY: &str = r#"{"received":true}"#;

/// The body hooky answers with when `--response-body` is not given.
pub fn default_body(status: u16, source: Source) -> String {
    if (200..300).contains(&status) {
        return RECEIVED_BODY.to_string();
    }
    let why = match source {
        Source::Status => "hooky listen --status",
        Source::Sequence => "hooky listen --respond-seq",
        Source::FailRate => "hooky listen --fail-rate",
    };
    serde_json::json!({ "received": true, "error": format!("simulated {status} ({why})") })
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::values::{parse_rate, parse_sequence};

    fn plan(sequence: &str, per_event: bool) -> Plan {
        Plan {
            status: 200,
            sequence: parse_sequence(sequence).unwrap(),
            per_event,
            fail_rate: 0.0,
        }
    }

    #[test]
    fn sequences_parse_with_headers() {
        let steps = parse_sequence("500, 429:retry-after=2:x-a=b ,200").unwrap();
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[1].status, 429);
        assert_eq!(
            steps[1].headers,
            vec![
                ("Retry-After".into(), "2".into()),
                ("x-a".into(), "b".into())
            ]
        );
        assert!(parse_sequence("").is_err());
        assert!(parse_sequence("200,abc").is_err());
        assert!(parse_sequence("700").is_err());
        assert!(parse_sequence("429:retry-after").is_err());
        assert!(parse_sequence("429:bad name=1").is_err());
        // The same rule as every other header name: an RFC 9110 token.
        assert_eq!(
            parse_sequence("429:x.trace~id=1").unwrap()[0].headers,
            vec![("x.trace~id".into(), "1".into())]
        );
        assert!(parse_sequence("429:x\"y=1").is_err());
    }

    #[test]
    fn the_last_step_repeats() {
        let mut r = Responder::new(plan("500,429,200", false));
        let got: Vec<u16> = (0..5).map(|_| r.next(Some("e"), 0.5).status).collect();
        assert_eq!(got, vec![500, 429, 200, 200, 200]);
    }

    #[test]
    fn each_event_gets_its_own_sequence() {
        let mut r = Responder::new(plan("500,200", true));
        assert_eq!(r.next(Some("a"), 0.5).status, 500);
        assert_eq!(r.next(Some("b"), 0.5).status, 500);
        assert_eq!(r.next(Some("a"), 0.5).status, 200);
        assert_eq!(r.next(None, 0.5).status, 500);
        assert_eq!(r.next(None, 0.5).status, 200);
        assert_eq!(r.next(Some("b"), 0.5).status, 200);
    }

    #[test]
    fn per_event_memory_is_bounded() {
        let mut r = Responder::new(plan("500,200", true));
        for i in 0..PER_EVENT_CAPACITY + 10 {
            r.next(Some(&i.to_string()), 0.5);
        }
        assert_eq!(r.per_event.len(), PER_EVENT_CAPACITY);
        assert_eq!(r.per_event_order.len(), PER_EVENT_CAPACITY);
        // The oldest was forgotten, so it starts again.
        assert_eq!(r.next(Some("0"), 0.5).status, 500);
    }

    #[test]
    fn fail_rate_uses_the_roll() {
        let mut r = Responder::new(Plan {
            status: 202,
            sequence: vec![],
            per_event: false,
            fail_rate: 0.25,
        });
        assert_eq!(r.next(None, 0.1).status, 500);
        assert_eq!(r.next(None, 0.1).source, Source::FailRate);
        assert_eq!(r.next(None, 0.25).status, 202);
        assert!(parse_rate("1.5").is_err());
        assert_eq!(parse_rate("0.5"), Ok(0.5));
    }

    #[test]
    fn default_bodies() {
        assert_eq!(default_body(204, Source::Status), r#"{"received":true}"#);
        assert!(default_body(500, Source::Sequence).contains("--respond-seq"));
    }
}
