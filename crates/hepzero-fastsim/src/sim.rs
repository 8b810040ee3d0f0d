//! The fast simulation proper (RapidSim's event loop, arXiv:1612.07489 section 2): draw the head's
//! (pT, eta), sample resonance masses, decay every node by Raubold-Lynch phase space (unweighted),
//! boost to the lab, apply the acceptance to the true momenta of the reconstructed particles,
//! smear them, and build the candidate from the smeared momenta with the assigned mass hypotheses.
//!
//! Events are generated in fixed-size chunks; chunk `i` draws from `ChaCha8Rng::seed_from_u64(seed)`
//! with stream `i`, and chunk results are merged in chunk order, so the output depends on the seed
//! and the chunk size only, never on the number of threads. A chunk allocates its workspace once;
//! generating an event allocates nothing.

use std::ops::Range;

use hepzero_kinematics::FourMomentum;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::chain::{DecayChain, Detection};
use crate::detector::{DetectorConfig, ResolutionLut};
use crate::error::{Error, Result};
use crate::genbod::{Frame, MAX_DAUGHTERS, cos_sin_uniform, decay_at_rest, genbod_bound, max_weight};
use crate::lineshape::BreitWigner;
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
    /// Events per chunk (the unit of parallel work and of RNG streams).
    pub chunk_size: usize,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            production: ProductionConfig::default(),
            detector: DetectorConfig::default(),
            chunk_size: 8192,
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
    /// Maximal phase-space weight when the node's and its daughters' masses are fixed.
    fixed: Option<f64>,
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

/// Per-chunk scratch space, allocated once per chunk.
struct Workspace {
    mass: Vec<f64>,
    p: Vec<FourMomentum>,
    reco: Vec<FourMomentum>,
    normal: Normal,
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
    reco: Vec<RecoLeaf>,
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
                max_weight(p.species.mass, &masses)
            });
            nodes.push(NodeGen {
                index: i,
                first: p.first_child,
                n: p.n_children,
                wide_children,
                threshold: kids.iter().map(|c| c.min_mass).sum(),
                fixed,
            });
        }
        let line_shapes =
            parts.iter().map(|p| p.wide.then(|| BreitWigner::new(p.species.mass, p.species.width))).collect();
        let reco = chain
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
        Ok(Self { chain, options, production, lut, nodes, line_shapes, reco, observables: Vec::new() })
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
        Workspace {
            mass: parts.iter().map(|p| p.species.mass).collect(),
            p: vec![FourMomentum::ZERO; parts.len()],
            reco: vec![FourMomentum::ZERO; self.chain.leaves().len()],
            normal: Normal::default(),
        }
    }

    /// Draws the resonance masses top-down. Returns false after [`MAX_MASS_TRIES`] failures.
    #[inline]
    fn sample_masses(&self, ws: &mut Workspace, rng: &mut ChaCha8Rng) -> bool {
        let parts = self.chain.particles();
        if let Some(bw) = &self.line_shapes[0] {
            ws.mass[0] = bw.sample(parts[0].min_mass, parts[0].max_mass, rng.random());
        }
        for node in &self.nodes {
            if !node.wide_children {
                continue;
            }
            let top = ws.mass[node.index];
            let mut ok = false;
            for _ in 0..MAX_MASS_TRIES {
                let mut sum = 0.0;
                let kids = node.first..node.first + node.n;
                for ((pc, bw), m) in
                    parts[kids.clone()].iter().zip(&self.line_shapes[kids.clone()]).zip(&mut ws.mass[kids])
                {
                    if let Some(bw) = bw {
                        let hi = pc.max_mass.min(top - (node.threshold - pc.min_mass));
                        *m = bw.sample(pc.min_mass, hi, rng.random());
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

    /// Generates one event into `ws`; returns `None` on a generation failure, else whether it is
    /// accepted (and then `ws.reco` and the returned mass are set).
    #[inline]
    fn event(&self, ws: &mut Workspace, rng: &mut ChaCha8Rng) -> Result<Option<(bool, f64)>> {
        if !self.sample_masses(ws, rng) {
            return Ok(None);
        }
        // Head.
        let m0 = ws.mass[0];
        ws.p[0] = match &self.production {
            Production::Spectra { pt, eta } => {
                let pt = pt.sample(rng.random());
                let eta = eta.sample(rng.random());
                let (c, s) = cos_sin_uniform(rng);
                // sinh(eta) from one exponential (eta is bounded, no overflow).
                let x = eta.exp();
                let pz = 0.5 * pt * (x - 1.0 / x);
                FourMomentum::from_p3_mass(pt * c, pt * s, pz, m0)
            }
            Production::AtRest => FourMomentum::at_rest(m0),
        };
        // Decays, parents before daughters.
        for node in &self.nodes {
            let parent = ws.p[node.index];
            let mp = ws.mass[node.index];
            let range = node.first..node.first + node.n;
            let masses = &ws.mass[range.clone()];
            let wmax = match node.fixed {
                Some(w) => w,
                None => genbod_bound(mp, masses),
            };
            let done = decay_at_rest(mp, masses, wmax, rng, &mut ws.p[range.clone()], MAX_PHASE_SPACE_TRIES);
            if !done {
                return Ok(None);
            }
            let frame = Frame::new(&parent, mp);
            for v in &mut ws.p[range] {
                *v = frame.boost(v);
            }
        }
        // Acceptance on the true momenta (RapidSim `partInAcceptance`).
        if let Some(acc) = &self.options.detector.acceptance {
            for l in &self.reco {
                let p = &ws.p[l.particle];
                if !acc.contains(p.px, p.py, p.pz) {
                    return Ok(Some((false, 0.0)));
                }
            }
        }
        // Smearing and the candidate.
        let det = &self.options.detector;
        let mut sum = FourMomentum::ZERO;
        for l in &self.reco {
            let t = ws.p[l.particle];
            let (px, py, pz) = if !det.smear {
                (t.px, t.py, t.pz)
            } else {
                match l.detection {
                    Detection::Track => {
                        let p = t.p();
                        let ps = p * (1.0 + self.lut.eval(p) * ws.normal.sample(rng));
                        if t.pz.abs() <= 1e-9 * p {
                            // Slopes are undefined transverse to the beam (possible only without
                            // the forward acceptance): smear the magnitude alone.
                            let k = if p > 0.0 { ps / p } else { 1.0 };
                            let v =
                                FourMomentum::from_p3_mass(t.px * k, t.py * k, t.pz * k, l.hyp_mass2.sqrt());
                            ws.reco[l.slot] = v;
                            sum += v;
                            continue;
                        }
                        // RapidSim evaluates the slope resolution at the smeared momentum.
                        let st = det.slope_resolution(ps);
                        let tx = t.px / t.pz + st * ws.normal.sample(rng);
                        let ty = t.py / t.pz + st * ws.normal.sample(rng);
                        let mut pz = ps / (1.0 + tx * tx + ty * ty).sqrt();
                        if t.pz < 0.0 {
                            pz = -pz;
                        }
                        (tx * pz, ty * pz, pz)
                    }
                    Detection::Calorimeter => {
                        let e = t.e;
                        let k = 1.0 + det.relative_energy_resolution(e) * ws.normal.sample(rng);
                        (t.px * k, t.py * k, t.pz * k)
                    }
                    Detection::Invisible => (t.px, t.py, t.pz),
                }
            };
            let e = (px * px + py * py + pz * pz + l.hyp_mass2).sqrt();
            let v = FourMomentum::new(px, py, pz, e);
            ws.reco[l.slot] = v;
            sum += v;
        }
        Ok(Some((true, sum.mass())))
    }

    /// Runs events of chunks `chunks` (each `chunk_size` events, the chunk holding event
    /// `total_events - 1` truncated), visiting every event with `visit` on a per-chunk
    /// accumulator made by `init`; returns the accumulators in chunk order, each with its
    /// (generated, failed) counts.
    fn run_chunks<A, I, V>(
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
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(c);
                let mut ws = self.workspace();
                let mut acc = init();
                let mut failed = 0u64;
                for _ in 0..n {
                    match self.event(&mut ws, &mut rng)? {
                        None => failed += 1,
                        Some((accepted, mass)) => {
                            let view = EventView { accepted, mass, reco: &ws.reco, truth: &ws.p };
                            visit(&mut acc, &view);
                        }
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
        Ok(self.run_chunks(0..chunks, n_events, seed, init, visit)?.into_iter().map(|(a, _, _)| a).collect())
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
        let out = self.run_chunks(
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
        let out = self.run_chunks(
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
        let out = self.run_chunks(
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

    #[test]
    fn quantile_matches_numpy_type_7() {
        // numpy.quantile([1, 2, 3, 4], 0.4) = 2.2
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.4) - 2.2).abs() < 1e-12);
    }
}
