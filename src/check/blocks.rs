//! `unclosed-block`: an HTML comment (`<!--` without `-->`) or a code fence
//! that is never closed runs to the end of its page. A comment silently drops
//! every step after it (from the page and from search); a fence turns them
//! into code. Markdown raises no error for either, so this check does. The
//! load's scan of each page found them ([`crate::markdown::Unclosed`]), so a
//! rebuild re-reads only the pages that changed.

use crate::diag::{Code, Diagnostic};
use crate::markdown::{Unclosed, UnclosedBlock};
use crate::site::Page;

/// The comment or code fence that runs to the end of `page`, if one does.
pub(super) fn unclosed_block(page: &Page) -> Option<Diagnostic> {
    let Unclosed { offset, block } = page.scan.unclosed.as_ref()?;
    let body = page.body();
    let line = page.body_line + body[..*offset].matches('\n').count();
    let message = match block {
        UnclosedBlock::Comment => {
            "this HTML comment (`<!--`) is never closed, so everything after it is hidden from the page and from search; close it with `-->`".to_string()
        }
        UnclosedBlock::Fence(fence) => format!(
            "this code block (`{fence}`) is never closed, so the rest of the page shows as code; close it with a `{fence}` line"
        ),
    };
    Some(Diagnostic::new(
        Code::UnclosedBlock,
        &page.source,
        Some(line),
        message,
    ))
}
