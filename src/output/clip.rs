//! Cutting a body for human output (`--max-print`), and the note that says what was left out.
//! Used by every command that prints bodies for people (listen, replay).

use super::Paint;

/// A body cut to at most `max` bytes for human output (on a character boundary when it is text),
/// and how many bytes were left out. Every body printed for people goes through it (`--max-print`).
pub fn clip_body(body: &[u8], max: usize) -> (&[u8], usize) {
    if body.len() <= max {
        return (body, 0);
    }
    let mut cut = max;
    // Do not split a UTF-8 character: back off over continuation bytes (at most three).
    if std::str::from_utf8(body).is_ok() {
        while cut > 0 && (body[cut] & 0xc0) == 0x80 {
            cut -= 1;
        }
    }
    (&body[..cut], body.len() - cut)
}

/// The line after a body `clip_body` cut.
pub fn clipped_note(left_out: usize, paint: &Paint) -> String {
    paint.dim(&format!(
        "… {left_out} more bytes not shown (--max-print; the capture has the whole body)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipped_bodies_stop_at_the_limit_and_on_a_character() {
        assert_eq!(clip_body(b"abc", 3), (&b"abc"[..], 0));
        assert_eq!(clip_body(b"abcdef", 4), (&b"abcd"[..], 2));
        // "é" is two bytes: a cut between them moves before it.
        let text = "aé".as_bytes();
        assert_eq!(clip_body(text, 2), (&b"a"[..], 2));
        // Binary is cut where the limit says.
        assert_eq!(clip_body(&[0xff, 0x80, 0x80], 2), (&[0xff, 0x80][..], 1));
        let note = clipped_note(10, &Paint::new(false));
        assert!(
            note.contains("10 more bytes not shown (--max-print"),
            "{note}"
        );
    }
}
