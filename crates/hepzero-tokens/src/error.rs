//! The crate's single error type. Every variant says what is wrong and where: the 1-based column of
//! the offending text in a signal or background string, or the 0-based index of the offending token
//! in a token sequence (the `position` field, with `Position` telling which).

use serde::{Deserialize, Serialize};

/// Where in the input a problem starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Position {
    /// 1-based character column in a signal or background string.
    Column(usize),
    /// 0-based index in a background token sequence.
    Token(usize),
    /// A tree built in code: the node's 0-based index in pre-order (parent first).
    Node(usize),
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Column(c) => write!(f, "column {c}"),
            Position::Token(t) => write!(f, "token {t}"),
            Position::Node(n) => write!(f, "node {n}"),
        }
    }
}

/// Everything that can go wrong in `hepzero-tokens`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A name that is not a particle of the vocabulary.
    #[error("{at}: unknown particle '{name}'")]
    UnknownParticle { name: String, at: Position },
    /// Brackets that do not match.
    #[error("{at}: unbalanced brackets: {what}")]
    Unbalanced { what: String, at: Position },
    /// Something other than what the syntax expects here.
    #[error("{at}: expected {expected}, found '{found}'")]
    Syntax { expected: String, found: String, at: Position },
    /// The daughters' total charge differs from the parent's.
    #[error(
        "{at}: charge violation in the decay of {parent}: parent charge {parent_charge}, daughters' total {daughters_charge}"
    )]
    ChargeViolation { parent: String, parent_charge: String, daughters_charge: String, at: Position },
    /// A decay that the decay table does not contain (table-restricted grammar).
    #[error("{at}: decay {decay} is not in the decay table")]
    NotInTable { decay: String, at: Position },
    /// A stable particle given a decay, or an unstable one left undecayed.
    #[error("{at}: {particle} is {what}")]
    Stability { particle: String, what: String, at: Position },
    /// A parent the configuration does not allow for this signal.
    #[error("{at}: {particle} is not an allowed parent for this signal ({policy})")]
    ParentNotAllowed { particle: String, policy: String, at: Position },
    /// A reconstruction annotation the rules do not allow.
    #[error("{at}: {particle} cannot be reconstructed as {as_particle}: {why}")]
    BadMisId { particle: String, as_particle: String, why: String, at: Position },
    /// A signal final-state particle that a second background particle tries to fill.
    #[error("{at}: signal slot {slot} filled twice (the signal has {count} of it)")]
    SlotFilledTwice { slot: String, count: usize, at: Position },
    /// A background particle reconstructed as something the signal does not contain.
    #[error("{at}: {particle} reconstructed as {as_particle}, which is not a signal final-state particle")]
    NoSuchSlot { particle: String, as_particle: String, at: Position },
    /// Signal final-state particles that no background particle fills.
    #[error("{at}: signal slot(s) {slots} not filled by the background")]
    SlotsUnfilled { slots: String, at: Position },
    /// More missing particles than allowed.
    #[error("{at}: {count} missing particles, at most {max} allowed")]
    TooManyMissing { count: usize, max: usize, at: Position },
    /// A tree deeper than the depth limit.
    #[error("{at}: decay depth {depth} exceeds the limit {max}")]
    TooDeep { depth: usize, max: usize, at: Position },
    /// Input after the end of a complete decay, or a token the grammar does not allow.
    #[error("{at}: {what}")]
    Invalid { what: String, at: Position },
    /// A configuration that cannot be used.
    #[error("configuration: {0}")]
    Config(String),
    /// An error from the particle data.
    #[error("particle data: {0}")]
    Pdg(String),
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// A charge in units of e/3, written in units of e.
pub(crate) fn charge_str(charge3: i32) -> String {
    if charge3 % 3 == 0 { format!("{:+}", charge3 / 3) } else { format!("{charge3:+}/3") }
}
