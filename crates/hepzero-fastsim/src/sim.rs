//! The fast simulation proper (RapidSim's event loop, arXiv:1612.07489 section 2): draw the head's
//! (pT, eta), sample resonance masses, decay every node by unweighted phase space in its rest
//! frame (`genbod`), boost to the lab, apply the acceptance to the true momenta of the
//! reconstructed particles, smear them, and build the candidate from the smeared momenta with the
//! assigned mass hypotheses.
//!
//! Events are generated in blocks of 64, stage by stage (masses, production, rest-frame
//! decays, boosts with the acceptance, smearing of the accepted events), so that each stage is a
//! short loop over independent events. Every random draw of an event but the smearing's happens
//! before the first boost, and only accepted events are smeared, so an event rejected at one decay
//! vertex can skip the boosts of the later vertices without changing what later events draw: the
//! counting paths (histogram, sample, overlap) skip them, while [`FastSim::run`] boosts every
//! particle for its visitor, and both see the same events. A chain that is one three-body decay of
//! a narrow head keeps its per-event values in arrays (structure of arrays), so that its arithmetic
//! loops vectorise; it draws and computes exactly what the generic path does.
//!
//! Events are generated in fixed-size chunks; chunk `i` draws from `ChaCha8Rng::seed_from_u64(seed)`
//! with stream `i`, and chunk results are merged in chunk order, so the output depends on the seed
//! and the chunk size only, never on the number of threads. A chunk allocates its workspace once;
//! generating an event allocates nothing.

use std::ops::Range;

use hepzero_kinematics::{FourMomentum, two_body_momentum_unchecked};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::chain::{DecayChain, Detection};
use crate::detector::{DetectorConfig, ResolutionLut};
use crate::draws::Draws;
use crate::error::{Error, Result};
use crate::genbod::{
    DalitzPoint, Frame, MAX_DAUGHTERS, Triangle, dalitz_point, decay_at_rest, fill_disc, fill_disc_soa,
    genbod_bound, three_body_momenta, unit_pair,
};
use crate::lineshape::{BreitWigner, Truncated};
use crate::normal::Normal;
use crate::production::{Production, ProductionConfig};

/// Attempts at drawing a kinematically allowed set of resonance masses before an event is
/// counted as a generation failure.
const MAX_MASS_TRIES: u32 = 1000;
/// Attempts at unweighting one phase-space decay before the event is counted as a failure.
const MAX_PHASE_SPACE_TRIES: u32 = 100_000;

/// Simulation options (serde; TOML-friendly).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimOptions {
    /// Production of the head of the chain.
    pub production: ProductionConfig,
    /// Detector response.
    pub detector: DetectorConfig,
    /// Events per chunk (the unit of parallel work and of RNG streams; default 2048, small
    /// enough for the streaming overlap to check its stopping rule every 8192 events, large
    /// enough that a chunk's set-up is negligible).
    pub chunk_size: usize,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            production: ProductionConfig::default(),
            detector: DetectorConfig::default(),
            chunk_size: 2048,
        }
    }
}

/// An extra observable computed from the reconstructed particles: the invariant mass squared
/// (GeV^2) of a subset of the chain's leaves, e.g. q^2 = m^2(mu+ mu-) or a Dalitz variable
/// m^2(K+ pi-). Leaves are indexed in the order of [`DecayChain::leaves`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observable {
    /// Name used in outputs (`q2`, `m2_Kpi`).
    pub name: String,
    /// Positions in [`DecayChain::leaves`] of the particles to combine (all reconstructed).
    pub leaves: Vec<usize>,
}

/// One generated event as seen by a visitor of [`FastSim::run`].
#[derive(Debug)]
pub struct EventView<'a> {
    /// Whether every reconstructed particle is inside the acceptance.
    pub accepted: bool,
    /// Reconstructed candidate mass (GeV); meaningful when `accepted`.
    pub mass: f64,
    /// Reconstructed four-momenta, one per leaf in [`DecayChain::leaves`] order (zero for
    /// missing particles); meaningful when `accepted`.
    pub reco: &'a [FourMomentum],
    /// True lab four-momenta of every particle of the chain, in [`DecayChain::particles`] order.
    pub truth: &'a [FourMomentum],
}

/// Precomputed phase-space generator of one node.
#[derive(Clone, Debug)]
struct NodeGen {
    index: usize,
    first: usize,
    n: usize,
    /// Any wide child (its mass is drawn per event).
    wide_children: bool,
    /// Sum of the children's minimal masses.
    threshold: f64,
    /// GENBOD's bound on the phase-space weight when the node's and its daughters' masses are
    /// fixed (unused for three bodies, which are sampled in the Dalitz plane).
    fixed: Option<f64>,
    /// The Dalitz triangle of a three-body node whose masses are fixed.
    triangle: Option<Triangle>,
    /// The rest-frame momentum and the two energies of a two-body node whose masses are fixed.
    two_body: Option<[f64; 3]>,
}

/// A reconstructed leaf, for the hot loop.
#[derive(Clone, Copy, Debug)]
struct RecoLeaf {
    /// Index in the chain's particles.
    particle: usize,
    /// Position in the chain's leaves.
    slot: usize,
    detection: Detection,
    hyp_mass2: f64,
}

/// Events generated together, stage by stage (production, decays, boosts, smearing): each
/// stage is a short loop over independent events, which the processor overlaps, instead of one
/// long dependent chain per event.
const BLOCK: usize = 64;

/// What became of one event of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Failed,
    Rejected,
    Accepted,
}

/// Per-chunk scratch space for one block of events (event `e`'s particles at
/// `e * particles ..`), allocated once per chunk.
struct Workspace {
    particles: usize,
    leaves: usize,
    mass: Vec<f64>,
    /// Lab four-momenta.
    p: Vec<FourMomentum>,
    /// Four-momenta in the rest frame of the particle's mother.
    rest: Vec<FourMomentum>,
    reco: Vec<FourMomentum>,
    fate: [Fate; BLOCK],
    candidate: [f64; BLOCK],
    /// Head pT and exp(eta), per event.
    pt_exp_eta: [[f64; 2]; BLOCK],
    /// Points of the unit disc for azimuths and rotations.
    disc: [[f64; 3]; 2 * BLOCK],
    dalitz: [DalitzPoint; BLOCK],
    normal: Normal,
    /// Scratch of the structure-of-arrays path.
    soa: Box<Soa>,
}

/// Per-event arrays of the structure-of-arrays path ([`FastSim::lab_three_body_head`]), whose
/// arithmetic loops the compiler turns into vector instructions.
struct Soa {
    pt: [f64; BLOCK],
    exp_eta: [f64; BLOCK],
    /// Points of the unit disc: x, y, x^2 + y^2 (azimuths: first n; rotations: 2n).
    disc: [[f64; 2 * BLOCK]; 3],
    /// The head's lab four-momentum (px, py, pz, E).
    head: [[f64; BLOCK]; 4],
    /// Dalitz points: E1, E2, E3, p1^2, p3^2, p1 . p3.
    dalitz: [[f64; BLOCK]; 6],
    /// Daughters' lab four-momenta, (px, py, pz, E) of each of the three.
    lab: [[f64; BLOCK]; 12],
    outside: [bool; BLOCK],
    failed: [bool; BLOCK],
}

impl Soa {
    fn new() -> Box<Self> {
        Box::new(Self {
            pt: [0.0; BLOCK],
            exp_eta: [0.0; BLOCK],
            disc: [[0.0; 2 * BLOCK]; 3],
            head: [[0.0; BLOCK]; 4],
            dalitz: [[0.0; BLOCK]; 6],
            lab: [[0.0; BLOCK]; 12],
            outside: [false; BLOCK],
            failed: [false; BLOCK],
        })
    }
}

/// A ready-to-run fast simulation of one decay chain.
#[derive(Clone, Debug)]
pub struct FastSim {
    chain: DecayChain,
    options: SimOptions,
    production: Production,
    lut: ResolutionLut,
    nodes: Vec<NodeGen>,
    line_shapes: Vec<Option<BreitWigner>>,
    /// Per particle: its line shape truncated once, when its mass limits are the same for every
    /// event (the head, and the daughters of a narrow mother).
    fixed_shapes: Vec<Option<Truncated>>,
    reco: Vec<RecoLeaf>,
    /// Per particle: whether the acceptance is tested on it (a reconstructed leaf, with an
    /// acceptance configured).
    in_acceptance_test: Vec<bool>,
    /// The chain is one three-body decay of a narrow head into narrow daughters: its events take
    /// the structure-of-arrays path ([`FastSim::lab_three_body_head`]).
    three_body_head: bool,
    /// Two-body nodes take [`FastSim::two_body_block`] (false only in tests, to compare it with
    /// the general phase-space generator).
    two_body_path: bool,
    observables: Vec<Observable>,
}

/// The reconstructed masses (and requested observables) of the accepted events of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MassSample {
    /// Events generated.
    pub generated: u64,
    /// Events with every reconstructed particle in acceptance.
    pub accepted: u64,
    /// Events that could not be generated (resonance masses or phase space kept failing).
    pub failed: u64,
    /// Candidate masses (GeV) of the accepted events, in generation order.
    pub masses: Vec<f64>,
    /// Names of the extra observables.
    pub observable_names: Vec<String>,
    /// Values of each extra observable (GeV^2), one vector per observable, aligned with `masses`.
    pub observables: Vec<Vec<f64>>,
}

/// Summary statistics of a mass sample.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MassSummary {
    /// Events generated.
    pub generated: u64,
    /// Events accepted.
    pub accepted: u64,
    /// accepted / generated.
    pub acceptance: f64,
    /// Binomial standard error of the acceptance.
    pub acceptance_error: f64,
    /// Mean candidate mass (GeV).
    pub mass_mean: f64,
    /// Standard deviation of the candidate mass (GeV).
    pub mass_sigma: f64,
    /// Median candidate mass (GeV): the peak estimate used for signal windows.
    pub peak: f64,
    /// Half the 15.87%-84.13% quantile distance (GeV): the Gaussian-equivalent core width,
    /// insensitive to radiative-like tails.
    pub peak_sigma: f64,
}

/// A histogram of candidate masses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MassHistogram {
    /// Low edge (GeV).
    pub lo: f64,
    /// High edge (GeV).
    pub hi: f64,
    /// Counts per bin.
    pub counts: Vec<u64>,
    /// Accepted candidates below `lo`.
    pub underflow: u64,
    /// Accepted candidates at or above `hi`.
    pub overflow: u64,
    /// Events generated.
    pub generated: u64,
    /// Events accepted.
    pub accepted: u64,
}

impl MassHistogram {
    /// Bin centres (GeV).
    #[must_use]
    pub fn centres(&self) -> Vec<f64> {
        let w = (self.hi - self.lo) / self.counts.len().max(1) as f64;
        (0..self.counts.len()).map(|i| self.lo + (i as f64 + 0.5) * w).collect()
    }
}

impl MassSample {
    /// Summary statistics.
    ///
    /// # Errors
    /// [`Error::EmptySample`] when no event was accepted.
    pub fn summary(&self) -> Result<MassSummary> {
        let n = self.masses.len();
        if n == 0 {
            return Err(Error::EmptySample {
                what: format!("no accepted candidate among {} generated events", self.generated),
            });
        }
        let nf = n as f64;
        let mean = self.masses.iter().sum::<f64>() / nf;
        let var = self.masses.iter().map(|m| (m - mean) * (m - mean)).sum::<f64>() / nf;
        let mut sorted = self.masses.clone();
        sorted.sort_by(f64::total_cmp);
        let q = |f: f64| quantile(&sorted, f);
        let g = self.generated.max(1) as f64;
        let acc = self.accepted as f64 / g;
        Ok(MassSummary {
            generated: self.generated,
            accepted: self.accepted,
            acceptance: acc,
            acceptance_error: (acc * (1.0 - acc) / g).sqrt(),
            mass_mean: mean,
            mass_sigma: var.sqrt(),
            peak: q(0.5),
            peak_sigma: 0.5 * (q(0.841_344_746) - q(0.158_655_254)),
        })
    }
}

/// Linear-interpolated quantile of sorted data (type 7, as numpy's default).
pub(crate) fn quantile(sorted: &[f64], f: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * f.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    let j = (i + 1).min(n - 1);
    sorted[i] + (h - i as f64) * (sorted[j] - sorted[i])
}

impl FastSim {
    /// Prepares the simulation of `chain`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a bad option, [`Error::TooManyDaughters`] for a node with more
    /// than 16 daughters.
    pub fn new(chain: DecayChain, options: SimOptions) -> Result<Self> {
        options.detector.validate()?;
        if options.chunk_size == 0 {
            return Err(Error::config("chunk_size", 0, "must be at least 1"));
        }
        let production = Production::new(&options.production, &chain.head().name)?;
        let parts = chain.particles();
        let mut nodes = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if p.n_children == 0 {
                continue;
            }
            let kids = &parts[p.first_child..p.first_child + p.n_children];
            let wide_children = kids.iter().any(|c| c.wide);
            if p.n_children > MAX_DAUGHTERS {
                return Err(Error::TooManyDaughters { parent: p.species.name.clone(), count: p.n_children });
            }
            let fixed = (!p.wide && !wide_children).then(|| {
                let masses: Vec<f64> = kids.iter().map(|c| c.species.mass).collect();
                genbod_bound(p.species.mass, &masses)
            });
            nodes.push(NodeGen {
                index: i,
                first: p.first_child,
                n: p.n_children,
                wide_children,
                threshold: kids.iter().map(|c| c.min_mass).sum(),
                fixed,
                triangle: match (p.wide || wide_children, kids) {
                    (false, [a, b, c]) => {
                        Triangle::new(p.species.mass, [a.species.mass, b.species.mass, c.species.mass])
                    }
                    _ => None,
                },
                two_body: match (p.wide || wide_children, kids) {
                    (false, [a, b]) => {
                        let (m1, m2) = (a.species.mass, b.species.mass);
                        let q = two_body_momentum_unchecked(p.species.mass, m1, m2);
                        Some([q, (q * q + m1 * m1).sqrt(), (q * q + m2 * m2).sqrt()])
                    }
                    _ => None,
                },
            });
        }
        let line_shapes: Vec<Option<BreitWigner>> =
            parts.iter().map(|p| p.wide.then(|| BreitWigner::new(p.species.mass, p.species.width))).collect();
        // The limits `sample_masses` uses, computed the same way, where they do not depend on
        // the event.
        let mut fixed_shapes: Vec<Option<Truncated>> = vec![None; parts.len()];
        if let (Some(Some(bw)), Some(head)) = (line_shapes.first(), parts.first()) {
            fixed_shapes[0] = Some(bw.truncated(head.min_mass, head.max_mass));
        }
        for node in &nodes {
            let mother = &parts[node.index];
            if mother.wide {
                continue;
            }
            for c in node.first..node.first + node.n {
                if let Some(bw) = &line_shapes[c] {
                    let pc = &parts[c];
                    let hi = pc.max_mass.min(mother.species.mass - (node.threshold - pc.min_mass));
                    fixed_shapes[c] = Some(bw.truncated(pc.min_mass, hi));
                }
            }
        }
        let reco: Vec<RecoLeaf> = chain
            .leaves()
            .iter()
            .enumerate()
            .filter(|(_, l)| l.reconstructed)
            .map(|(slot, l)| RecoLeaf {
                particle: l.index,
                slot,
                detection: l.detection,
                hyp_mass2: l.hypothesis_mass * l.hypothesis_mass,
            })
            .collect();
        let lut = ResolutionLut::new(&options.detector.momentum_resolution);
        let three_body_head = line_shapes.first().is_some_and(Option::is_none)
            && matches!(nodes.as_slice(), [n] if n.index == 0 && n.first == 1 && n.n == 3 && n.triangle.is_some());
        let mut in_acceptance_test = vec![false; parts.len()];
        if options.detector.acceptance.is_some() {
            for l in &reco {
                in_acceptance_test[l.particle] = true;
            }
        }
        Ok(Self {
            chain,
            options,
            production,
            lut,
            nodes,
            line_shapes,
            fixed_shapes,
            reco,
            in_acceptance_test,
            three_body_head,
            two_body_path: true,
            observables: Vec::new(),
        })
    }

    /// Resolves `tree` against `table` and prepares its simulation (the one-call form of
    /// [`DecayChain::from_tree`] and [`FastSim::new`]).
    ///
    /// # Errors
    /// As those two.
    pub fn from_tree(
        table: &hepzero_pdg::ParticleTable,
        tree: &crate::chain::ChainTree,
        options: SimOptions,
    ) -> Result<Self> {
        Self::new(DecayChain::from_tree(table, tree)?, options)
    }

    /// Adds extra observables (q^2, Dalitz variables) to [`FastSim::sample`]'s output.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when an observable names a leaf that does not exist or is not
    /// reconstructed, or no leaf at all.
    pub fn with_observables(mut self, observables: Vec<Observable>) -> Result<Self> {
        for o in &observables {
            if o.leaves.is_empty() {
                return Err(Error::config(
                    &format!("observable `{}`", o.name),
                    "[]",
                    "needs at least one leaf",
                ));
            }
            for &l in &o.leaves {
                match self.chain.leaves().get(l) {
                    Some(leaf) if leaf.reconstructed => {}
                    _ => {
                        return Err(Error::config(
                            &format!("observable `{}` leaf", o.name),
                            l,
                            "must be the position of a reconstructed particle in DecayChain::leaves()",
                        ));
                    }
                }
            }
        }
        self.observables = observables;
        Ok(self)
    }

    /// The chain.
    #[must_use]
    pub fn chain(&self) -> &DecayChain {
        &self.chain
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &SimOptions {
        &self.options
    }

    fn workspace(&self) -> Workspace {
        let parts = self.chain.particles();
        let (np, nl) = (parts.len(), self.chain.leaves().len());
        Workspace {
            particles: np,
            leaves: nl,
            mass: (0..BLOCK).flat_map(|_| parts.iter().map(|p| p.species.mass)).collect(),
            p: vec![FourMomentum::ZERO; BLOCK * np],
            rest: vec![FourMomentum::ZERO; BLOCK * np],
            reco: vec![FourMomentum::ZERO; BLOCK * nl],
            fate: [Fate::Accepted; BLOCK],
            candidate: [0.0; BLOCK],
            pt_exp_eta: [[0.0; 2]; BLOCK],
            disc: [[0.0; 3]; 2 * BLOCK],
            dalitz: [DalitzPoint::default(); BLOCK],
            normal: Normal::default(),
            soa: Soa::new(),
        }
    }

    /// Draws the resonance masses of one event top-down into `mass` (its particles). Returns
    /// false after [`MAX_MASS_TRIES`] failures.
    #[inline]
    fn sample_masses(&self, mass: &mut [f64], rng: &mut Draws) -> bool {
        let parts = self.chain.particles();
        match (&self.fixed_shapes[0], &self.line_shapes[0]) {
            (Some(t), _) => mass[0] = t.sample(rng.random()),
            (None, Some(bw)) => mass[0] = bw.sample(parts[0].min_mass, parts[0].max_mass, rng.random()),
            (None, None) => {}
        }
        for node in &self.nodes {
            if !node.wide_children {
                continue;
            }
            let top = mass[node.index];
            let mut ok = false;
            for _ in 0..MAX_MASS_TRIES {
                let mut sum = 0.0;
                let kids = node.first..node.first + node.n;
                for (((pc, bw), fixed), m) in parts[kids.clone()]
                    .iter()
                    .zip(&self.line_shapes[kids.clone()])
                    .zip(&self.fixed_shapes[kids.clone()])
                    .zip(&mut mass[kids])
                {
                    match (fixed, bw) {
                        (Some(t), _) => *m = t.sample(rng.random()),
                        (None, Some(bw)) => {
                            let hi = pc.max_mass.min(top - (node.threshold - pc.min_mass));
                            *m = bw.sample(pc.min_mass, hi, rng.random());
                        }
                        (None, None) => {}
                    }
                    sum += *m;
                }
                if sum < top {
                    ok = true;
                    break;
                }
            }
            if !ok {
                return false;
            }
        }
        true
    }

    /// The heads' lab four-momenta of the first `n` events of a block (stage by stage: the
    /// (pT, eta) draws, the azimuths' points of the disc, then the arithmetic).
    #[inline]
    fn produce(&self, ws: &mut Workspace, n: usize, rng: &mut Draws) {
        let np = ws.particles;
        match &self.production {
            Production::Spectra { pt, eta } => {
                for v in &mut ws.pt_exp_eta[..n] {
                    // 32-bit deviates, as RapidSim's TRandom3.
                    let (u_pt, u_eta) = unit_pair(rng);
                    let pt = pt.sample(u_pt);
                    let (_, x) = eta.sample_exp(u_eta);
                    *v = [pt, x];
                }
                fill_disc(rng, &mut ws.disc[..n]);
                for e in 0..n {
                    let [pt, x] = ws.pt_exp_eta[e];
                    let [dx, dy, r2] = ws.disc[e];
                    // One division for 1/x and 1/r2: (cos phi, sin phi) = ((dx^2 - dy^2), 2 dx dy) / r2
                    // (von Neumann, see `genbod::cos_sin_from_disc`), pz = pT sinh(eta).
                    let inv = 1.0 / (x * r2);
                    let (c, s) = ((dx * dx - dy * dy) * (x * inv), 2.0 * dx * dy * (x * inv));
                    let pz = 0.5 * pt * (x - r2 * inv);
                    ws.p[e * np] = FourMomentum::from_p3_mass(pt * c, pt * s, pz, ws.mass[e * np]);
                }
            }
            Production::AtRest => {
                for e in 0..n {
                    ws.p[e * np] = FourMomentum::at_rest(ws.mass[e * np]);
                }
            }
        }
    }

    /// Three-body decays of `node` for the first `n` events of a block: Dalitz points by
    /// accept-reject (see `genbod`), written slot by slot without a data-dependent branch, then
    /// the rotations' points of the disc, then the momenta.
    #[inline]
    fn three_body_block(&self, ws: &mut Workspace, node: &NodeGen, n: usize, rng: &mut Draws) {
        let np = ws.particles;
        let (i, f) = (node.index, node.first);
        let mut e = 0;
        let mut tries = 0u32;
        while e < n {
            let triangle = match node.triangle {
                Some(t) => Some(t),
                None => {
                    let base = e * np;
                    let masses = [ws.mass[base + f], ws.mass[base + f + 1], ws.mass[base + f + 2]];
                    Triangle::new(ws.mass[base + i], masses)
                }
            };
            let Some(triangle) = triangle.filter(|_| ws.fate[e] != Fate::Failed) else {
                ws.fate[e] = Fate::Failed;
                e += 1;
                continue;
            };
            let (u, v) = unit_pair(rng);
            let (inside, d) = dalitz_point(&triangle, u, v);
            ws.dalitz[e] = d;
            e += usize::from(inside);
            tries = if inside { 0 } else { tries + 1 };
            if tries >= MAX_PHASE_SPACE_TRIES {
                ws.fate[e] = Fate::Failed;
                e += 1;
                tries = 0;
            }
        }
        // Event e's rotation takes points e and n + e of the disc.
        fill_disc(rng, &mut ws.disc[..2 * n]);
        for e in 0..n {
            if ws.fate[e] != Fate::Failed {
                let base = e * np;
                let v = three_body_momenta(&ws.dalitz[e], ws.disc[e], ws.disc[n + e]);
                ws.rest[base + f..base + f + 3].copy_from_slice(&v);
            }
        }
    }

    /// Two-body decays of `node` for the first `n` events of a block: the isotropic directions
    /// `decay_at_rest` would draw, in the same order (one point of the unit disc per event not
    /// yet failed), then the momenta, with the momentum and the energies computed once when the
    /// masses are fixed.
    #[inline]
    fn two_body_block(&self, ws: &mut Workspace, node: &NodeGen, n: usize, rng: &mut Draws) {
        let np = ws.particles;
        let (i, f) = (node.index, node.first);
        let alive = ws.fate[..n].iter().filter(|&&x| x != Fate::Failed).count();
        fill_disc(rng, &mut ws.disc[..alive]);
        let mut points = ws.disc[..alive].iter();
        for e in 0..n {
            if ws.fate[e] == Fate::Failed {
                continue;
            }
            let Some(&[u, v, s]) = points.next() else { break };
            let base = e * np;
            let [q, e1, e2] = match node.two_body {
                Some(fixed) => fixed,
                None => {
                    let (m, m1, m2) = (ws.mass[base + i], ws.mass[base + f], ws.mass[base + f + 1]);
                    let q = two_body_momentum_unchecked(m, m1, m2);
                    [q, (q * q + m1 * m1).sqrt(), (q * q + m2 * m2).sqrt()]
                }
            };
            // Marsaglia's direction, as `genbod::direction`.
            let g = 2.0 * (1.0 - s).sqrt();
            let (x, y, z) = (q * (u * g), q * (v * g), q * (1.0 - 2.0 * s));
            ws.rest[base + f] = FourMomentum::new(x, y, z, e1);
            ws.rest[base + f + 1] = FourMomentum::new(-x, -y, -z, e2);
        }
    }

    /// Generates the first `n` (at most [`BLOCK`]) events of a block into `ws`: `ws.fate[e]`
    /// says what became of event `e`, and for accepted events `ws.candidate[e]` and its
    /// reconstructed momenta are set. Every random draw but the smearing's (masses, production,
    /// rest-frame decays) comes before the first boost, and the smearing draws only for accepted
    /// events; so with `ALL_LAB = false` an event can stop at the first reconstructed particle
    /// outside the acceptance (its other lab momenta are then stale) and still give the same
    /// events as `ALL_LAB = true`, which computes every lab momentum.
    fn block<const ALL_LAB: bool>(&self, ws: &mut Workspace, n: usize, rng: &mut Draws) {
        let (np, nl) = (ws.particles, ws.leaves);
        let n = n.min(BLOCK);
        if self.three_body_head {
            self.lab_three_body_head(ws, n, rng);
        } else {
            self.lab_generic::<ALL_LAB>(ws, n, rng);
        }
        for e in 0..n {
            if ws.fate[e] == Fate::Accepted {
                let (truth, reco) = (&ws.p[e * np..(e + 1) * np], &mut ws.reco[e * nl..(e + 1) * nl]);
                ws.candidate[e] = self.reconstruct(truth, reco, &mut ws.normal, rng);
            }
        }
    }

    /// The lab momenta and fates of the first `n` events of a block of a chain that is one
    /// three-body decay of a narrow head into narrow daughters: the same draws in the same order
    /// as [`FastSim::lab_generic`] and the same arithmetic, but on per-event arrays, so the
    /// arithmetic loops vectorise. Every lab momentum is computed (no early exit).
    #[inline(always)]
    fn lab_three_body_head(&self, ws: &mut Workspace, n: usize, rng: &mut Draws) {
        let n = n.min(BLOCK);
        let np = ws.particles;
        let triangle = self.nodes.first().and_then(|node| node.triangle);
        let (Some(triangle), Some(&m0), true) = (triangle, ws.mass.first(), np >= 4) else {
            // Not such a chain (excluded by `FastSim::new`).
            ws.fate[..n].fill(Fate::Failed);
            return;
        };
        let soa = &mut *ws.soa;
        // The head.
        match &self.production {
            Production::Spectra { pt, eta } => {
                for (p, x) in soa.pt[..n].iter_mut().zip(&mut soa.exp_eta[..n]) {
                    let (u_pt, u_eta) = unit_pair(rng);
                    *p = pt.sample(u_pt);
                    *x = eta.sample_exp(u_eta).1;
                }
                let [dx, dy, ds] = &mut soa.disc;
                fill_disc_soa(rng, &mut dx[..n], &mut dy[..n], &mut ds[..n]);
                let [hx, hy, hz, he] = &mut soa.head;
                for e in 0..n {
                    let (pt, x, dx, dy, r2) = (soa.pt[e], soa.exp_eta[e], dx[e], dy[e], ds[e]);
                    // As `produce`.
                    let inv = 1.0 / (x * r2);
                    let (c, s) = ((dx * dx - dy * dy) * (x * inv), 2.0 * dx * dy * (x * inv));
                    let pz = 0.5 * pt * (x - r2 * inv);
                    let v = FourMomentum::from_p3_mass(pt * c, pt * s, pz, m0);
                    (hx[e], hy[e], hz[e], he[e]) = (v.px, v.py, v.pz, v.e);
                }
            }
            Production::AtRest => {
                for (k, h) in soa.head.iter_mut().enumerate() {
                    h[..n].fill(if k == 3 { m0 } else { 0.0 });
                }
            }
        }
        // Dalitz points, as `three_body_block`.
        let mut e = 0;
        let mut tries = 0u32;
        soa.failed[..n].fill(false);
        while e < n {
            let (u, v) = unit_pair(rng);
            let (inside, d) = dalitz_point(&triangle, u, v);
            let [e1, e2, e3, k1, k3, c] = &mut soa.dalitz;
            (e1[e], e2[e], e3[e], k1[e], k3[e], c[e]) = (d.e[0], d.e[1], d.e[2], d.k1, d.k3, d.c);
            e += usize::from(inside);
            tries = if inside { 0 } else { tries + 1 };
            if tries >= MAX_PHASE_SPACE_TRIES {
                soa.failed[e] = true;
                e += 1;
                tries = 0;
            }
        }
        // Rotations (event e: points e and n + e), momenta, boosts, acceptance.
        let [dx, dy, ds] = &mut soa.disc;
        fill_disc_soa(rng, &mut dx[..2 * n], &mut dy[..2 * n], &mut ds[..2 * n]);
        let acceptance = self.options.detector.acceptance.unwrap_or_default();
        let tested = [1, 2, 3].map(|i| self.in_acceptance_test.get(i).copied().unwrap_or(false));
        let [e1, e2, e3, k1, k3, c] = &soa.dalitz;
        let [hx, hy, hz, he] = &soa.head;
        for e in 0..n {
            let d = DalitzPoint { e: [e1[e], e2[e], e3[e]], k1: k1[e], k3: k3[e], c: c[e] };
            let rest = three_body_momenta(&d, [dx[e], dy[e], ds[e]], [dx[n + e], dy[n + e], ds[n + e]]);
            let frame = Frame::new(&FourMomentum::new(hx[e], hy[e], hz[e], he[e]), m0);
            let mut outside = false;
            for (k, r) in rest.iter().enumerate() {
                let v = frame.boost(r);
                soa.lab[4 * k][e] = v.px;
                soa.lab[4 * k + 1][e] = v.py;
                soa.lab[4 * k + 2][e] = v.pz;
                soa.lab[4 * k + 3][e] = v.e;
                outside |= tested[k] & !acceptance.contains(v.px, v.py, v.pz);
            }
            soa.outside[e] = outside;
        }
        // Back to per-event records.
        for (e, (p, fate)) in ws.p.chunks_exact_mut(np).zip(&mut ws.fate[..n]).enumerate() {
            p[0] = FourMomentum::new(hx[e], hy[e], hz[e], he[e]);
            for k in 0..3 {
                let l = &soa.lab[4 * k..4 * k + 4];
                p[k + 1] = FourMomentum::new(l[0][e], l[1][e], l[2][e], l[3][e]);
            }
            *fate = if soa.failed[e] {
                Fate::Failed
            } else if soa.outside[e] {
                Fate::Rejected
            } else {
                Fate::Accepted
            };
        }
    }

    /// The lab momenta and fates of the first `n` events of a block, any chain.
    #[inline(always)]
    fn lab_generic<const ALL_LAB: bool>(&self, ws: &mut Workspace, n: usize, rng: &mut Draws) {
        let np = ws.particles;
        let n = n.min(BLOCK);
        let wide = self.line_shapes.iter().any(Option::is_some);
        for e in 0..n {
            ws.fate[e] = if !wide || self.sample_masses(&mut ws.mass[e * np..(e + 1) * np], rng) {
                Fate::Accepted
            } else {
                Fate::Failed
            };
        }
        self.produce(ws, n, rng);
        // Decays in the mothers' rest frames.
        for node in &self.nodes {
            if node.n == 3 {
                self.three_body_block(ws, node, n, rng);
                continue;
            }
            if node.n == 2 && self.two_body_path {
                self.two_body_block(ws, node, n, rng);
                continue;
            }
            let range = node.first..node.first + node.n;
            for e in 0..n {
                if ws.fate[e] == Fate::Failed {
                    continue;
                }
                let base = e * np;
                let mp = ws.mass[base + node.index];
                let masses = &ws.mass[base + range.start..base + range.end];
                let out = &mut ws.rest[base + range.start..base + range.end];
                let wmax = match node.fixed {
                    Some(w) => w,
                    None => genbod_bound(mp, masses),
                };
                if !decay_at_rest(mp, masses, wmax, rng, out, MAX_PHASE_SPACE_TRIES) {
                    ws.fate[e] = Fate::Failed;
                }
            }
        }
        // Boosts to the lab, parents before daughters, with the acceptance on the true momenta
        // of the reconstructed particles (RapidSim `partInAcceptance`).
        // A node's daughters are all boosted and tested without an early exit (cheaper than
        // mispredicting where the exit is); events rejected by an earlier node skip later ones
        // unless every lab momentum is wanted.
        // Without a configured acceptance no particle is tested, and the default box is unused.
        let acceptance = self.options.detector.acceptance.unwrap_or_default();
        for node in &self.nodes {
            for e in 0..n {
                let skip = if ALL_LAB { ws.fate[e] == Fate::Failed } else { ws.fate[e] != Fate::Accepted };
                if skip {
                    continue;
                }
                let base = e * np;
                let frame = Frame::new(&ws.p[base + node.index], ws.mass[base + node.index]);
                let mut outside = false;
                for c in node.first..node.first + node.n {
                    let v = frame.boost(&ws.rest[base + c]);
                    ws.p[base + c] = v;
                    outside |= self.in_acceptance_test[c] & !acceptance.contains(v.px, v.py, v.pz);
                }
                if outside {
                    ws.fate[e] = Fate::Rejected;
                }
            }
        }
    }

    /// Smears an accepted event's reconstructed particles (true lab momenta `truth`) into `reco`
    /// and returns the candidate mass.
    #[inline]
    fn reconstruct(
        &self,
        truth: &[FourMomentum],
        reco: &mut [FourMomentum],
        normal: &mut Normal,
        rng: &mut Draws,
    ) -> f64 {
        let det = &self.options.detector;
        let (sc, sm) = (det.slope_resolution.constant, det.slope_resolution.multiple_scattering);
        let (cs, cc) = (det.calorimeter.stochastic, det.calorimeter.constant);
        let mut sum = FourMomentum::ZERO;
        for l in &self.reco {
            let t = truth[l.particle];
            let (px, py, pz, p2) = if !det.smear {
                (t.px, t.py, t.pz, t.p2())
            } else {
                match l.detection {
                    Detection::Track => {
                        let p = t.p();
                        let ps = p * (1.0 + self.lut.eval(p) * normal.sample(rng));
                        if t.pz.abs() <= 1e-9 * p {
                            // Slopes are undefined transverse to the beam (possible only without
                            // the forward acceptance): smear the magnitude alone.
                            let k = if p > 0.0 { ps / p } else { 1.0 };
                            let v =
                                FourMomentum::from_p3_mass(t.px * k, t.py * k, t.pz * k, l.hyp_mass2.sqrt());
                            reco[l.slot] = v;
                            sum += v;
                            continue;
                        }
                        // RapidSim evaluates the slope resolution at the smeared momentum:
                        // sigma_t = sqrt(constant^2 + (multiple_scattering / p)^2).
                        // One division for 1/ps and 1/pz.
                        let r = 1.0 / (ps.max(1e-12) * t.pz);
                        let ms = sm * (t.pz * r);
                        let st = (sc * sc + ms * ms).sqrt();
                        let inv_pz = ps.max(1e-12) * r;
                        let tx = t.px * inv_pz + st * normal.sample(rng);
                        let ty = t.py * inv_pz + st * normal.sample(rng);
                        let mut pz = ps / (1.0 + tx * tx + ty * ty).sqrt();
                        if t.pz < 0.0 {
                            pz = -pz;
                        }
                        // |p| is ps by construction.
                        (tx * pz, ty * pz, pz, ps * ps)
                    }
                    Detection::Calorimeter => {
                        // sigma_E/E = stochastic / sqrt(E) (+) constant.
                        let rel = (cs * cs / t.e.max(1e-12) + cc * cc).sqrt();
                        let k = 1.0 + rel * normal.sample(rng);
                        (t.px * k, t.py * k, t.pz * k, t.p2() * (k * k))
                    }
                    Detection::Invisible => (t.px, t.py, t.pz, t.p2()),
                }
            };
            let v = FourMomentum::new(px, py, pz, (p2 + l.hyp_mass2).sqrt());
            reco[l.slot] = v;
            sum += v;
        }
        sum.mass()
    }

    /// Runs events of chunks `chunks` (each `chunk_size` events, the chunk holding event
    /// `total_events - 1` truncated), visiting every event with `visit` on a per-chunk
    /// accumulator made by `init`; returns the accumulators in chunk order, each with its
    /// (generated, failed) counts.
    fn run_chunks<const ALL_LAB: bool, A, I, V>(
        &self,
        chunks: Range<u64>,
        total_events: u64,
        seed: u64,
        init: I,
        visit: V,
    ) -> Result<Vec<(A, u64, u64)>>
    where
        A: Send,
        I: Fn() -> A + Sync,
        V: Fn(&mut A, &EventView<'_>) + Sync,
    {
        let cs = self.options.chunk_size as u64;
        chunks
            .into_par_iter()
            .map(|c| {
                let start = c.saturating_mul(cs);
                let n = cs.min(total_events.saturating_sub(start));
                let mut stream = ChaCha8Rng::seed_from_u64(seed);
                stream.set_stream(c);
                let mut rng = Draws::new(stream);
                let mut ws = self.workspace();
                let (np, nl) = (ws.particles, ws.leaves);
                let mut acc = init();
                let mut failed = 0u64;
                let mut left = n;
                while left > 0 {
                    let m = left.min(BLOCK as u64) as usize;
                    left -= m as u64;
                    self.block::<ALL_LAB>(&mut ws, m, &mut rng);
                    for e in 0..m {
                        let accepted = match ws.fate[e] {
                            Fate::Failed => {
                                failed += 1;
                                continue;
                            }
                            Fate::Rejected => false,
                            Fate::Accepted => true,
                        };
                        let view = EventView {
                            accepted,
                            mass: if accepted { ws.candidate[e] } else { 0.0 },
                            reco: &ws.reco[e * nl..(e + 1) * nl],
                            truth: &ws.p[e * np..(e + 1) * np],
                        };
                        visit(&mut acc, &view);
                    }
                }
                Ok((acc, n, failed))
            })
            .collect()
    }

    /// Runs `n_events` events from `seed` on the current rayon pool and returns one accumulator
    /// per chunk, in chunk order (so any merge done in that order is thread-count independent).
    /// Generation failures are not visited.
    ///
    /// # Errors
    /// None for a chain accepted by [`FastSim::new`] today; the `Result` leaves room for
    /// configurations checked per event.
    pub fn run<A, I, V>(&self, n_events: u64, seed: u64, init: I, visit: V) -> Result<Vec<A>>
    where
        A: Send,
        I: Fn() -> A + Sync,
        V: Fn(&mut A, &EventView<'_>) + Sync,
    {
        let chunks = n_events.div_ceil(self.options.chunk_size as u64);
        Ok(self
            .run_chunks::<true, _, _, _>(0..chunks, n_events, seed, init, visit)?
            .into_iter()
            .map(|(a, _, _)| a)
            .collect())
    }

    /// Counts per chunk range, for the streaming overlap: (generated, failed, accepted,
    /// in-range counts per range).
    pub(crate) fn count_chunks(
        &self,
        chunks: Range<u64>,
        seed: u64,
        ranges: &[(f64, f64)],
    ) -> Result<(u64, u64, u64, Vec<u64>)> {
        self.count_chunks_total(chunks, u64::MAX, seed, ranges)
    }

    fn count_chunks_total(
        &self,
        chunks: Range<u64>,
        total_events: u64,
        seed: u64,
        ranges: &[(f64, f64)],
    ) -> Result<(u64, u64, u64, Vec<u64>)> {
        let out = self.run_chunks::<false, _, _, _>(
            chunks,
            total_events,
            seed,
            || (0u64, vec![0u64; ranges.len()]),
            |acc, ev| {
                if ev.accepted {
                    acc.0 += 1;
                    for (k, (lo, hi)) in ranges.iter().enumerate() {
                        if ev.mass >= *lo && ev.mass < *hi {
                            acc.1[k] += 1;
                        }
                    }
                }
            },
        )?;
        let mut total = (0, 0, 0, vec![0u64; ranges.len()]);
        for ((acc, inr), n, f) in out {
            total.0 += n;
            total.1 += f;
            total.2 += acc;
            for (t, v) in total.3.iter_mut().zip(inr) {
                *t += v;
            }
        }
        Ok(total)
    }

    /// As [`FastSim::count_chunks`] for the single chunk `chunk` truncated to `n` events.
    pub(crate) fn count_chunks_partial(
        &self,
        chunk: u64,
        n: u64,
        seed: u64,
        ranges: &[(f64, f64)],
    ) -> Result<(u64, u64, u64, Vec<u64>)> {
        let total = chunk.saturating_mul(self.options.chunk_size as u64).saturating_add(n);
        self.count_chunks_total(chunk..chunk + 1, total, seed, ranges)
    }

    /// Generates `n_events` events and keeps the candidate mass (and the extra observables) of
    /// every accepted one.
    ///
    /// # Errors
    /// As [`FastSim::run`].
    pub fn sample(&self, n_events: u64, seed: u64) -> Result<MassSample> {
        let n_obs = self.observables.len();
        let chunks = n_events.div_ceil(self.options.chunk_size as u64);
        let out = self.run_chunks::<false, _, _, _>(
            0..chunks,
            n_events,
            seed,
            || (Vec::new(), vec![Vec::new(); n_obs]),
            |acc: &mut (Vec<f64>, Vec<Vec<f64>>), ev| {
                if !ev.accepted {
                    return;
                }
                acc.0.push(ev.mass);
                for (o, vals) in self.observables.iter().zip(acc.1.iter_mut()) {
                    let mut s = FourMomentum::ZERO;
                    for &l in &o.leaves {
                        if let Some(v) = ev.reco.get(l) {
                            s += *v;
                        }
                    }
                    vals.push(s.mass2());
                }
            },
        )?;
        let mut sample = MassSample {
            generated: 0,
            accepted: 0,
            failed: 0,
            masses: Vec::new(),
            observable_names: self.observables.iter().map(|o| o.name.clone()).collect(),
            observables: vec![Vec::new(); n_obs],
        };
        for ((masses, obs), n, f) in out {
            sample.generated += n;
            sample.failed += f;
            sample.accepted += masses.len() as u64;
            sample.masses.extend(masses);
            for (t, v) in sample.observables.iter_mut().zip(obs) {
                t.extend(v);
            }
        }
        Ok(sample)
    }

    /// Generates `n_events` events and histograms the accepted candidate masses in `bins` bins
    /// on [lo, hi) without storing them.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a bad binning; as [`FastSim::run`].
    pub fn histogram(
        &self,
        n_events: u64,
        seed: u64,
        lo: f64,
        hi: f64,
        bins: usize,
    ) -> Result<MassHistogram> {
        if !(lo.is_finite() && hi.is_finite() && hi > lo) || bins == 0 {
            return Err(Error::config(
                "histogram",
                format!("[{lo}, {hi}) in {bins} bins"),
                "needs hi > lo and bins >= 1",
            ));
        }
        let chunks = n_events.div_ceil(self.options.chunk_size as u64);
        let scale = bins as f64 / (hi - lo);
        let out = self.run_chunks::<false, _, _, _>(
            0..chunks,
            n_events,
            seed,
            || (vec![0u64; bins], 0u64, 0u64, 0u64),
            |acc: &mut (Vec<u64>, u64, u64, u64), ev| {
                if !ev.accepted {
                    return;
                }
                acc.3 += 1;
                if ev.mass < lo {
                    acc.1 += 1;
                } else if ev.mass >= hi {
                    acc.2 += 1;
                } else {
                    let i = (((ev.mass - lo) * scale) as usize).min(bins - 1);
                    acc.0[i] += 1;
                }
            },
        )?;
        let mut h = MassHistogram {
            lo,
            hi,
            counts: vec![0; bins],
            underflow: 0,
            overflow: 0,
            generated: 0,
            accepted: 0,
        };
        for ((c, u, o, a), n, _) in out {
            for (t, v) in h.counts.iter_mut().zip(c) {
                *t += v;
            }
            h.underflow += u;
            h.overflow += o;
            h.accepted += a;
            h.generated += n;
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The structure-of-arrays path of a three-body head decay gives exactly the events of the
    /// generic path (same draws, same arithmetic), for production at rest and from FONLL.
    #[test]
    fn three_body_head_path_equals_the_generic_path() {
        use crate::chain::ChainTree;
        let table = hepzero_pdg::ParticleTable::lhcb_default();
        let tree = ChainTree::decay(
            "B0",
            vec![ChainTree::leaf("K+"), ChainTree::leaf("pi-"), ChainTree::leaf("pi0")],
        );
        let at_rest =
            ProductionConfig { source: crate::production::SpectrumSource::AtRest, ..Default::default() };
        let four_pi = DetectorConfig { acceptance: None, ..DetectorConfig::default() };
        for (production, detector) in
            [(ProductionConfig::default(), DetectorConfig::default()), (at_rest, four_pi)]
        {
            let options = SimOptions { production, detector, chunk_size: 1000 };
            let fast = FastSim::from_tree(table, &tree, options).unwrap();
            assert!(fast.three_body_head);
            let mut generic = fast.clone();
            generic.three_body_head = false;
            let (a, b) = (fast.sample(5_000, 3).unwrap(), generic.sample(5_000, 3).unwrap());
            assert!(a.accepted > 100);
            assert_eq!(a, b);
            let truth = |s: &FastSim| {
                s.run(3_000, 4, Vec::new, |acc: &mut Vec<(bool, FourMomentum)>, ev| {
                    acc.push((ev.accepted, ev.truth[2]));
                })
                .unwrap()
            };
            assert_eq!(truth(&fast), truth(&generic));
        }
    }

    /// Line shapes truncated once (a wide head, wide daughters of a narrow mother) give exactly
    /// the masses of limits computed event by event, and a wide daughter of a wide mother keeps
    /// its per-event limit.
    #[test]
    fn fixed_line_shape_limits_equal_the_per_event_ones() {
        use crate::chain::ChainTree;
        let table = hepzero_pdg::ParticleTable::lhcb_default();
        let trees = [
            ChainTree::decay(
                "B0",
                vec![
                    ChainTree::decay("K*+", vec![ChainTree::leaf("K+"), ChainTree::leaf("pi0")]),
                    ChainTree::leaf("pi-"),
                ],
            ),
            ChainTree::decay(
                "K_1+",
                vec![
                    ChainTree::decay("K*0", vec![ChainTree::leaf("K+"), ChainTree::leaf("pi-")]),
                    ChainTree::leaf("pi+"),
                ],
            ),
        ];
        for (tree, fixed) in trees.iter().zip([[false, true], [true, false]]) {
            let options = SimOptions { chunk_size: 1000, ..Default::default() };
            let fast = FastSim::from_tree(table, tree, options).unwrap();
            // [head, first daughter] have limits fixed once.
            assert_eq!([fast.fixed_shapes[0].is_some(), fast.fixed_shapes[1].is_some()], fixed);
            let mut per_event = fast.clone();
            per_event.fixed_shapes.fill(None);
            let (a, b) = (fast.sample(5_000, 3).unwrap(), per_event.sample(5_000, 3).unwrap());
            assert!(a.accepted > 100);
            assert_eq!(a, b);
        }
    }

    /// The two-body path draws the directions the general phase-space generator draws, in the
    /// same order, so it gives the same events up to the rounding of the energies (computed once
    /// from p* for fixed masses, not from each event's momentum), with fixed and with
    /// Breit-Wigner masses.
    #[test]
    fn two_body_path_equals_the_general_generator() {
        use crate::chain::ChainTree as T;
        let table = hepzero_pdg::ParticleTable::lhcb_default();
        let trees = [
            T::decay("B0", vec![T::leaf("K+"), T::leaf("pi-")]),
            T::decay(
                "B+",
                vec![
                    T::decay("anti-D0", vec![T::leaf("K+"), T::leaf("pi-")]),
                    T::decay("rho+", vec![T::missing("pi+"), T::leaf("pi0")]),
                ],
            ),
        ];
        for tree in &trees {
            let options = SimOptions { chunk_size: 1000, ..Default::default() };
            let fast = FastSim::from_tree(table, tree, options).unwrap();
            let mut general = fast.clone();
            general.two_body_path = false;
            let events = |s: &FastSim| {
                s.run(3_000, 5, Vec::new, |acc: &mut Vec<(bool, f64, Vec<FourMomentum>)>, ev| {
                    acc.push((ev.accepted, ev.mass, ev.truth.to_vec()));
                })
                .unwrap()
                .concat()
            };
            let (a, b) = (events(&fast), events(&general));
            assert_eq!(a.len(), b.len());
            let mut accepted = 0;
            for ((acc_a, m_a, p_a), (acc_b, m_b, p_b)) in a.iter().zip(&b) {
                assert_eq!(acc_a, acc_b);
                accepted += usize::from(*acc_a);
                // E^2 - p^2 in the lab magnifies the rounding by (E/m)^2.
                assert!((m_a - m_b).abs() <= 1e-9 * m_b.abs().max(1.0), "{m_a} vs {m_b}");
                for (u, v) in p_a.iter().zip(p_b) {
                    for (x, y) in [(u.px, v.px), (u.py, v.py), (u.pz, v.pz), (u.e, v.e)] {
                        assert!((x - y).abs() <= 1e-12 * v.e, "{u:?} vs {v:?}");
                    }
                }
            }
            assert!(accepted > 100);
        }
    }

    #[test]
    fn quantile_matches_numpy_type_7() {
        // numpy.quantile([1, 2, 3, 4], 0.4) = 2.2
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.4) - 2.2).abs() < 1e-12);
    }
}
