//! Escaping of untrusted text (headers, bodies, error messages from the network) before it reaches
//! a terminal, so an escape sequence in a webhook cannot move the cursor or retitle the window.

/// Escapes control characters except newline and tab (for multi-line bodies).
pub fn sanitize(text: &str) -> String {
    escape(text, false)
}

/// Escapes every control character, newlines included, so the text stays on one line.
pub fn sanitize_line(text: &str) -> String {
    escape(text, true)
}

/// `text` cut to at most `max_chars` characters, its last one `…` when anything was cut. Counts
/// characters, never bytes, so a cut never splits one.
pub fn ellipsize(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars.saturating_sub(1)) {
        Some((cut, _)) if text[cut..].chars().nth(1).is_some() => {
            format!("{}…", &text[..cut]).into()
        }
        _ => text.into(),
    }
}

fn escape(text: &str, one_line: bool) -> String {
    if !text.chars().any(|c| needs_escape(c, one_line)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c, one_line) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out
}

fn needs_escape(c: char, one_line: bool) -> bool {
    match c {
        '\n' | '\t' => one_line,
        // C0, DEL and C1 controls, plus the bidi overrides that can disguise text.
        c if c.is_control() => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(sanitize("line1\nline2\tx\r"), "line1\nline2\tx\\r");
        assert_eq!(sanitize_line("line1\nline2"), "line1\\nline2");
        assert_eq!(sanitize("\u{9b}31m"), "\\x9b31m");
        assert_eq!(sanitize("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(sanitize("plain ünïcode ✓"), "plain ünïcode ✓");
    }

    #[test]
    fn ellipsize_counts_characters() {
        assert_eq!(ellipsize("abcdef", 6), "abcdef");
        assert_eq!(ellipsize("abcdefg", 6), "abcde…");
        assert_eq!(ellipsize("ééééééé", 6), "ééééé…");
        assert_eq!(ellipsize("", 3), "");
    }
}
