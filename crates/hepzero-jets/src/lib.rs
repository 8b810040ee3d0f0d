//! hepzero-jets: sequential-recombination jet clustering with the full history (kt, Cambridge/Aachen,
//! anti-kt), primary Lund-plane declustering, the standard groomers (modified Mass Drop Tagger,
//! Soft Drop, Recursive Soft Drop) and the evaluation helpers used to compare groomers (narrowest
//! mass window, background fraction). Results agree with FastJet 3.5 and fjcontrib's
//! RecursiveTools / LundPlane (see the tests and `fixtures/jets/`).

pub mod cluster;
pub mod error;
pub mod eval;
pub mod groom;
pub mod io;
pub mod lund;
pub mod momentum;
mod plain;

pub use cluster::{Algorithm, ClusterSequence, Jet, JetDefinition, Node, Strategy, cluster, cluster_with};
pub use error::{Error, Result};
pub use eval::{Window, fraction_in_window, median, narrowest_window};
pub use groom::{Groomed, Groomer};
pub use io::{Event, cluster_events, read_events};
pub use lund::{CaTree, LundDeclustering, NodeState, node_states, primary_declusterings, safe_ln};
pub use momentum::Momentum;
