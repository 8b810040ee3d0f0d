//! QCD evolution for hepzero: the running coupling, DGLAP evolution at LO and NLO, DIS
//! structure functions, FK tables and LHAPDF6 grid I/O.
//!
//! Evolution is solved in Mellin space (exact solutions, as the Les Houches benchmark of
//! Giele et al., hep-ph/0204316) and brought back to x with a fixed Talbot contour. The
//! reusable operator on an x grid ([`operator::GridOperator`]) Mellin-inverts the evolution of
//! each interpolation basis function, as EKO does (Candido, Hekhorn, Magni, Eur. Phys. J. C 82
//! (2022) 976), so evolving many PDFs is one matrix product.

pub mod anomalous;
pub mod constants;
pub mod coupling;
pub mod error;
pub mod evolve;
pub mod flavour;
pub mod harmonics;
pub mod kernel;
pub mod talbot;
pub mod toy;

pub use coupling::{Coupling, CouplingMethod, Order, Scheme};
pub use error::{Error, Result};
pub use evolve::{Theory, evolve_analytic, evolve_moments};
pub use toy::LhaCombinations;
pub mod interpolation;
pub mod operator;

pub use interpolation::XGrid;
pub use operator::{GridOperator, sample_on_grid};
pub mod dis;

pub use dis::{DisPoint, Observable, structure_function_analytic};
pub mod fktable;

pub use fktable::{FkRuncard, FkTable};
pub mod lhapdf;

pub use lhapdf::LhapdfSet;
