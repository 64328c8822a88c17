//! The interactive pickers of `send` and `replay`, on stderr. Esc and Ctrl-C both cancel: the list
//! is cleared and the caller exits 130 without a message.
//!
//! dialoguer clears its list on Esc, but a Ctrl-C reaches it as a read error (the terminal is in
//! raw mode, so no SIGINT) and it returns with the list still drawn. So before a picker draws, the
//! lines it may use are reserved (scrolled into view) and the cursor position saved; a Ctrl-C
//! restores it and clears to the end of the screen.

use std::io::Write;

use dialoguer::console::Term;

/// Lines a list shows at most, below its prompt.
const MAX_ROWS: usize = 15;

/// One item chosen with a fuzzy filter typed over `items`: its index, or `None` when cancelled.
pub fn fuzzy_select(prompt: &str, items: &[String]) -> anyhow::Result<Option<usize>> {
    let term = Term::stderr();
    let items = fit(&term, items);
    let rows = items.len().min(MAX_ROWS);
    cancellable(&term, rows, || {
        dialoguer::FuzzySelect::new()
            .with_prompt(prompt)
            .items(&items)
            .default(0)
            .max_length(rows)
            .interact_on_opt(&term)
    })
}

/// Several items chosen with space and enter: their indices, or `None` when cancelled.
pub fn multi_select(prompt: &str, items: &[String]) -> anyhow::Result<Option<Vec<usize>>> {
    let term = Term::stderr();
    let items = fit(&term, items);
    let rows = items.len().min(MAX_ROWS);
    cancellable(&term, rows, || {
        dialoguer::MultiSelect::new()
            .with_prompt(prompt)
            .items(&items)
            .max_length(rows)
            .interact_on_opt(&term)
    })
}

/// Cuts items to the terminal's width: a wrapped line would upset how many lines get cleared.
fn fit(term: &Term, items: &[String]) -> Vec<String> {
    // Room for dialoguer's marker in front ("> ", "[x] ").
    let width = usize::from(term.size().1).saturating_sub(6).max(20);
    items
        .iter()
        .map(|item| super::ellipsize(item, width).into_owned())
        .collect()
}

fn cancellable<T>(
    term: &Term,
    rows: usize,
    picker: impl FnOnce() -> dialoguer::Result<Option<T>>,
) -> anyhow::Result<Option<T>> {
    // The prompt, the rows, and a line of slack; never more than the screen.
    let height = usize::from(term.size().0).saturating_sub(1).max(1);
    let reserve = (rows + 2).min(height);
    let mut err = std::io::stderr();
    // Scroll the lines into view first, so the saved position is still right once they are drawn.
    write!(err, "{}\x1b[{reserve}A\x1b7", "\n".repeat(reserve))?;
    err.flush()?;
    match picker() {
        Ok(choice) => Ok(choice),
        Err(dialoguer::Error::IO(error)) if error.kind() == std::io::ErrorKind::Interrupted => {
            // Back to where the picker started, clear everything below, show the cursor again.
            write!(err, "\x1b8\x1b[J")?;
            let _ = term.show_cursor();
            err.flush()?;
            Ok(None)
        }
        Err(error) => Err(anyhow::anyhow!("the picker failed: {error}")),
    }
}
