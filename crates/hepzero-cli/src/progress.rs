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

/// One bar per phase of a multi-phase job (`phase, done, total` reports): a new bar whenever the
/// phase name changes, the previous one cleared.
pub struct PhaseBars<'g> {
    globals: &'g Globals,
    bar: ProgressBar,
    phase: String,
}

impl<'g> PhaseBars<'g> {
    /// No bar until the first report.
    pub fn new(globals: &'g Globals) -> Self {
        Self { globals, bar: ProgressBar::hidden(), phase: String::new() }
    }

    /// Shows `done` of `total` for `phase`.
    pub fn update(&mut self, phase: &str, done: u64, total: u64) {
        if phase != self.phase {
            self.bar.finish_and_clear();
            self.bar = bar(self.globals, total, phase);
            self.phase = phase.to_string();
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    /// Clears the last bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
