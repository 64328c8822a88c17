//! Semantic styles: call sites say what a piece of text is (ok, error, a method, a status), and
//! this file says how it looks. When colors are off, text passes through unchanged.

use colored::{ColoredString, Colorize};

#[derive(Clone, Copy, Debug)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    pub fn new(enabled: bool) -> Self {
        if enabled {
            // We decide per stream ourselves; colored's own tty check would look at stdout only.
            colored::control::set_override(true);
        }
        Paint { enabled }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn apply(&self, text: &str, style: impl Fn(&str) -> ColoredString) -> String {
        if self.enabled {
            style(text).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn ok(&self, text: &str) -> String {
        self.apply(text, |t| t.green().bold())
    }

    pub fn error(&self, text: &str) -> String {
        self.apply(text, |t| t.red().bold())
    }

    pub fn warn(&self, text: &str) -> String {
        self.apply(text, |t| t.yellow().bold())
    }

    pub fn dim(&self, text: &str) -> String {
        self.apply(text, |t| t.dimmed())
    }

    pub fn bold(&self, text: &str) -> String {
        self.apply(text, |t| t.bold())
    }

    pub fn method(&self, text: &str) -> String {
        self.apply(text, |t| t.cyan().bold())
    }

    pub fn key(&self, text: &str) -> String {
        self.apply(text, |t| t.blue())
    }

    pub fn string(&self, text: &str) -> String {
        self.apply(text, |t| t.green())
    }

    pub fn number(&self, text: &str) -> String {
        self.apply(text, |t| t.yellow())
    }

    /// An HTTP status, colored by class.
    pub fn status(&self, status: u16) -> String {
        let text = status.to_string();
        match status {
            200..=299 => self.ok(&text),
            300..=399 => self.apply(&text, |t| t.cyan().bold()),
            400..=499 => self.warn(&text),
            _ => self.error(&text),
        }
    }

    /// A verdict word (`valid`, `invalid`, `unsigned`).
    pub fn verdict(&self, kind: &str) -> String {
        match kind {
            "valid" => self.ok(kind),
            "invalid" => self.error(kind),
            _ => self.dim(kind),
        }
    }
}
