//! Progress bars for long work: hidden with `--quiet`, with `--json`, or when standard error is not
//! a terminal (batch jobs, pipes), so logs stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

use crate::commands::Globals;

/// A bar of `len` steps with a message, or a hidden bar when progress should not be shown.
pub fn bar(globals: &Globals, len: u64, message: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if globals.quiet || globals.json || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_string());
    bar
}
