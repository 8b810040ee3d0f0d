//! Which failures are the user's input (exit code 2) and which are failures while running (1).

use std::fmt;

/// Bad input: an unknown particle, a malformed file, an impossible option value. Commands wrap
/// library errors caused by what the user typed or supplied in this, so the process exits with 2.
#[derive(Debug)]
pub struct InputError(pub anyhow::Error);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for InputError {}

/// Marks an error as caused by the user's input: `parse(s).map_err(input_error)?`.
pub fn input_error(err: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(InputError(err.into()))
}

/// 2 for bad input (anywhere in the chain), 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|cause| cause.is::<InputError>()) { 2 } else { 1 }
}

/// A failure of the agent: a signal of the user's list that cannot be used is bad input (2),
/// anything else a failure while running (1).
pub fn agent_error(err: hepzero_agent::Error) -> anyhow::Error {
    match err {
        hepzero_agent::Error::Signal { .. } => input_error(err),
        other => anyhow::Error::new(other),
    }
}
