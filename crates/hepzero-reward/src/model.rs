//! The reward of one background for one signal, with every factor reported, cached by the
//! background's canonical hash, and with the expensive kinematic overlap computed only when the
//! cheap factors times an upper bound on the overlap can still reach the reporting threshold.

use crate::{Error, MisIdMatrix, Production, Result};
use hepzero_fastsim::{
    ChainTree, DecayChain, FastSim, MassRange, Overlap, OverlapConfig, SignalReference, SimOptions,
    Species as SimSpecies, StreamingConfig,
};
use hepzero_pdg::ParticleTable;
use hepzero_tokens::{Decay, Grammar, Node, ParticleId, Recon, Species};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// Which mass range the reward's overlap factor uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RangeChoice {
    /// The fit range (default m_S +- 500 MeV): every background that populates the fitted
    /// spectrum counts, partially reconstructed ones included.
    #[default]
    Fit,
    /// The signal window (+- 3 sigma of the simulated signal peak).
    Window,
    /// An explicit range [lo, hi) in GeV, used as the fit range.
    Custom { lo: f64, hi: f64 },
}

impl std::str::FromStr for RangeChoice {
    type Err = Error;
    /// `fit`, `window` or `LO:HI` in GeV.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "fit" => Ok(RangeChoice::Fit),
            "window" => Ok(RangeChoice::Window),
            _ => {
                let bad = || {
                    Error::Input(format!("range '{s}': expected fit, window or LO:HI in GeV (e.g. 5.0:5.6)"))
                };
                let (lo, hi) = s.split_once(':').ok_or_else(bad)?;
                let (lo, hi): (f64, f64) =
                    (lo.trim().parse().map_err(|_| bad())?, hi.trim().parse().map_err(|_| bad())?);
                if !(hi > lo && lo.is_finite() && hi.is_finite()) {
                    return Err(bad());
                }
                Ok(RangeChoice::Custom { lo, hi })
            }
        }
    }
}

/// Settings of the reward (serde; the defaults are the documented ones).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RewardConfig {
    /// Which range the overlap factor uses.
    pub range: RangeChoice,
    /// Fit-range half width and signal-window width.
    pub overlap: OverlapConfig,
    /// Simulation settings (production spectrum, detector), the same for signal and background.
    pub simulation: SimOptions,
    /// Signal events simulated once for the reference.
    pub signal_events: u64,
    /// How precisely each background's overlap is estimated. By default no absolute negligible
    /// overlap: a background stops early only once it is shown unable to reach `threshold`
    /// (see [`RewardModel::simulate`]), so one with large cheap factors and a small overlap is
    /// still estimated to the target precision.
    pub streaming: StreamingConfig,
    /// Backgrounds whose reward cannot reach this value are not simulated (exact pruning).
    pub threshold: f64,
    /// Seed of every simulation (each background gets its own stream from its canonical hash).
    pub seed: u64,
}

impl Default for RewardConfig {
    fn default() -> Self {
        Self {
            range: RangeChoice::Fit,
            overlap: OverlapConfig::default(),
            simulation: SimOptions::default(),
            signal_events: 200_000,
            streaming: StreamingConfig { negligible_overlap: 0.0, ..Default::default() },
            threshold: 1e-3,
            seed: 42,
        }
    }
}

impl RewardConfig {
    /// The defaults with reduced statistics: 40,000 signal events, each overlap to 10% precision
    /// from 4,096 to 20,000 events. The test suite, the examples and the agent's training use it,
    /// where the defaults' 200,000 signal events and 5% precision would take minutes per signal.
    pub fn reduced() -> Self {
        Self {
            signal_events: 40_000,
            streaming: StreamingConfig {
                max_events: 20_000,
                min_events: 4096,
                relative_precision: 0.1,
                chunks_per_round: 2,
                ..Default::default()
            },
            simulation: SimOptions { chunk_size: 2048, ..Default::default() },
            ..Default::default()
        }
    }
}

/// The overlap figures of a simulated background.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverlapFigures {
    /// Overlap in the fit range, relative acceptance included.
    pub fit: f64,
    /// Overlap in the signal window, relative acceptance included.
    pub window: f64,
    /// Background acceptance / signal acceptance.
    pub acceptance_ratio: f64,
    /// Background events simulated.
    pub events: u64,
}

/// A background's reward and its factors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// The background in canonical form.
    pub background: String,
    /// R = production_ratio x br_ratio x misid x overlap. When `overlap` is `None` the background
    /// was not simulated and this is an upper bound below the threshold.
    pub reward: f64,
    /// sigma(pp -> parent_B) / sigma(pp -> parent_S).
    pub production_ratio: f64,
    /// BR_B / BR_S (products along the chains).
    pub br_ratio: f64,
    /// Mis-ID factor relative to the signal's PID efficiency.
    pub misid: f64,
    /// The overlap the reward used (per `RangeChoice`), `None` if pruned.
    pub overlap: Option<f64>,
    /// Both overlaps and the acceptance ratio, `None` if pruned.
    pub figures: Option<OverlapFigures>,
}

impl Breakdown {
    /// The analytic factors A = production ratio x BR ratio x mis-ID (all but the overlap).
    pub fn analytic(&self) -> f64 {
        self.production_ratio * self.br_ratio * self.misid
    }

    /// Whether the reward is exact (simulated) rather than a bound.
    pub fn is_exact(&self) -> bool {
        self.overlap.is_some()
    }
}

/// The reward for one signal: built once (it simulates the signal), then evaluated for any number of
/// backgrounds from any number of threads.
pub struct RewardModel {
    grammar: Arc<Grammar>,
    particles: &'static ParticleTable,
    production: Production,
    misid: MisIdMatrix,
    config: RewardConfig,
    signal: SignalReference,
    signal_cross_section: f64,
    signal_br: f64,
    signal_pid: f64,
    overlap_bound: f64,
    cache: Mutex<FxHashMap<u64, Breakdown>>,
    simulated: Mutex<(u64, u64)>,
}

impl RewardModel {
    /// Builds the model for the grammar's signal: looks up the signal's production and BR, and
    /// simulates it once (`config.signal_events` events).
    pub fn new(
        grammar: Arc<Grammar>,
        particles: &'static ParticleTable,
        production: Production,
        misid: MisIdMatrix,
        config: RewardConfig,
    ) -> Result<RewardModel> {
        let signal_decay = grammar.signal().clone();
        let vocab = grammar.vocab();
        let parent = vocab.name(signal_decay.parent).to_string();
        let signal_cross_section = cross_section(&production, particles, &parent)?;
        let signal_br = grammar.product_br(&signal_decay).map_err(|e| Error::Input(e.to_string()))?;
        if signal_br.is_nan() || signal_br <= 0.0 {
            return Err(Error::Input(format!(
                "the decay table gives the signal {} a branching fraction of zero",
                grammar.format_signal()
            )));
        }
        let signal_pid = pid_product(&grammar, &misid, &signal_decay);
        let mut overlap = config.overlap;
        if let RangeChoice::Custom { lo, hi } = config.range {
            overlap.fit_range = Some(MassRange { lo, hi });
        }
        let sim = simulation(&grammar, particles, &signal_decay, &config.simulation)?;
        let signal = SignalReference::new(&sim, config.signal_events, config.seed, &overlap)?;
        let fraction = match config.range {
            RangeChoice::Window => signal.window_fraction,
            _ => signal.fit_fraction,
        };
        // K = (acc_B f_B) / (acc_S f_S) and acc_B f_B <= 1.
        let overlap_bound = 1.0 / (signal.summary.acceptance * fraction);
        Ok(RewardModel {
            grammar,
            particles,
            production,
            misid,
            config,
            signal,
            signal_cross_section,
            signal_br,
            signal_pid,
            overlap_bound,
            cache: Mutex::new(FxHashMap::default()),
            simulated: Mutex::new((0, 0)),
        })
    }

    /// The grammar (signal, vocabulary, rules) this model scores backgrounds for.
    pub fn grammar(&self) -> &Arc<Grammar> {
        &self.grammar
    }

    /// The simulated signal reference (ranges, peak, acceptance).
    pub fn signal(&self) -> &SignalReference {
        &self.signal
    }

    /// The settings.
    pub fn config(&self) -> &RewardConfig {
        &self.config
    }

    /// The largest value the overlap factor can take for this signal.
    pub fn overlap_bound(&self) -> f64 {
        self.overlap_bound
    }

    /// (backgrounds simulated, background events simulated) so far.
    pub fn simulation_counts(&self) -> (u64, u64) {
        self.simulated.lock().map(|g| *g).unwrap_or((0, 0))
    }

    /// The cheap factors (production ratio, BR ratio, mis-ID) of a background.
    pub fn cheap_factors(&self, background: &Decay) -> Result<(f64, f64, f64)> {
        let vocab = self.grammar.vocab();
        let parent = vocab.name(background.parent);
        let production_ratio =
            cross_section(&self.production, self.particles, parent)? / self.signal_cross_section;
        let br = self.grammar.product_br(background).map_err(|e| Error::Input(e.to_string()))?;
        let misid = pid_product(&self.grammar, &self.misid, background) / self.signal_pid;
        Ok((production_ratio, br / self.signal_br, misid))
    }

    /// The reward of a background (checked against the grammar), cached by canonical hash.
    pub fn evaluate(&self, background: &Decay) -> Result<Breakdown> {
        let hash = self.grammar.canonical_hash(background);
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(&hash).cloned()) {
            return Ok(hit);
        }
        let canonical = self.grammar.canonicalize(background).map_err(|e| Error::Input(e.to_string()))?;
        let name = self.grammar.format_background(&canonical);
        let (production_ratio, br_ratio, misid) = self.cheap_factors(&canonical)?;
        let cheap = production_ratio * br_ratio * misid;
        let breakdown = if cheap * self.overlap_bound < self.config.threshold {
            Breakdown {
                background: name,
                reward: cheap * self.overlap_bound,
                production_ratio,
                br_ratio,
                misid,
                overlap: None,
                figures: None,
            }
        } else {
            let figures = self.simulate(&canonical, hash, cheap)?;
            let overlap = match self.config.range {
                RangeChoice::Window => figures.window,
                _ => figures.fit,
            };
            Breakdown {
                background: name,
                reward: cheap * overlap,
                production_ratio,
                br_ratio,
                misid,
                overlap: Some(overlap),
                figures: Some(figures),
            }
        };
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(hash, breakdown.clone());
        }
        Ok(breakdown)
    }

    /// Simulates a background whose cheap factors multiply to `cheap` and returns its overlaps
    /// (relative acceptance included). The simulation stops early once the overlap is known to be
    /// too small for the reward to reach the threshold: an overlap times acceptance ratio (the
    /// relative yield the reward multiplies) below threshold / cheap at two standard deviations,
    /// or, bounding acc_B by 1, an overlap below threshold x acc_S / cheap.
    pub fn simulate(&self, background: &Decay, hash: u64, cheap: f64) -> Result<OverlapFigures> {
        let sim = simulation(&self.grammar, self.particles, background, &self.config.simulation)?;
        let seed = self.config.seed ^ hash.rotate_left(17);
        let mut streaming = self.config.streaming;
        if cheap > 0.0 {
            let needed = self.config.threshold * self.signal.summary.acceptance / cheap;
            streaming.negligible_overlap = streaming.negligible_overlap.max(needed);
            streaming.negligible_relative_yield =
                streaming.negligible_relative_yield.max(self.config.threshold / cheap);
        }
        let o: Overlap = self.signal.overlap_streaming(&sim, &streaming, seed)?;
        if let Ok(mut counts) = self.simulated.lock() {
            counts.0 += 1;
            counts.1 += o.generated;
        }
        let acceptance_ratio = o.acceptance / self.signal.summary.acceptance;
        Ok(OverlapFigures {
            fit: o.fit_range.overlap * acceptance_ratio,
            window: o.signal_window.overlap * acceptance_ratio,
            acceptance_ratio,
            events: o.generated,
        })
    }

    /// The fast simulation's resolved chain of a decay: the masses, mass hypotheses and
    /// reconstruction the reward simulates (e.g. for
    /// [`DecayChain::reconstructed_mass_range`]).
    pub fn decay_chain(&self, decay: &Decay) -> Result<DecayChain> {
        decay_chain(&self.grammar, self.particles, decay)
    }

    /// Simulates a decay (signal or background) and returns its reconstructed-mass sample, for plots.
    pub fn mass_sample(&self, decay: &Decay, events: u64) -> Result<Vec<f64>> {
        let sim = simulation(&self.grammar, self.particles, decay, &self.config.simulation)?;
        Ok(sim.sample(events, self.config.seed)?.masses)
    }
}

/// sigma(pp -> H) for a hadron or its conjugate; an error names hadrons without a measurement.
fn cross_section(production: &Production, particles: &ParticleTable, name: &str) -> Result<f64> {
    let anti = particles.find(name).map(|p| particles.antiparticle(p).evtgen_name.clone());
    production.cross_section(name, anti.as_deref()).ok_or_else(|| {
        let listed: Vec<&str> = production.hadrons().collect();
        Error::Input(format!(
            "no production fraction for '{name}' (the production table lists {} and their conjugates)",
            listed.join(", ")
        ))
    })
}

fn species(grammar: &Grammar, id: ParticleId) -> Option<Species> {
    grammar.vocab().particle(id).and_then(|p| Species::from_pdg_id(p.pdg_id))
}

/// Product over reconstructed charged tracks of P(identified as assigned | true); neutral and
/// missing particles carry no PID factor.
fn pid_product(grammar: &Grammar, misid: &MisIdMatrix, decay: &Decay) -> f64 {
    decay
        .leaves()
        .into_iter()
        .map(|(truth, recon)| {
            let assigned = match recon {
                Recon::Missing => return 1.0,
                Recon::AsItself => truth,
                Recon::As(other) => other,
            };
            match (species(grammar, truth), species(grammar, assigned)) {
                (Some(t), Some(a)) => misid.probability(t, a),
                _ => 1.0,
            }
        })
        .product()
}

/// The fast-simulation tree of a token-language decay. Single-daughter vertices (EvtGen's
/// `K0 -> K_S0` mixing modes) are collapsed onto their daughter, which phase space cannot decay.
pub fn chain_tree(grammar: &Grammar, decay: &Decay) -> ChainTree {
    let vocab = grammar.vocab();
    fn node(vocab: &hepzero_tokens::Vocabulary, n: &Node) -> ChainTree {
        match n {
            Node::Final { particle, recon } => {
                let name = vocab.name(*particle);
                match recon {
                    Recon::AsItself => ChainTree::leaf(name),
                    Recon::As(other) => ChainTree::as_species(name, vocab.name(*other)),
                    Recon::Missing => ChainTree::missing(name),
                }
            }
            Node::Decay(d) if d.daughters.len() == 1 => node(vocab, &d.daughters[0]),
            Node::Decay(d) => decay_tree(vocab, d),
        }
    }
    fn decay_tree(vocab: &hepzero_tokens::Vocabulary, d: &Decay) -> ChainTree {
        ChainTree::decay(vocab.name(d.parent), d.daughters.iter().map(|c| node(vocab, c)).collect())
    }
    decay_tree(vocab, decay)
}

fn simulation(
    grammar: &Grammar,
    particles: &ParticleTable,
    decay: &Decay,
    options: &SimOptions,
) -> Result<FastSim> {
    Ok(FastSim::new(decay_chain(grammar, particles, decay)?, options.clone())?)
}

fn decay_chain(grammar: &Grammar, particles: &ParticleTable, decay: &Decay) -> Result<DecayChain> {
    let tree = chain_tree(grammar, decay);
    // The PDG table gives neutrinos no mass; kinematically they are massless.
    Ok(DecayChain::from_tree_with(&tree, |name| {
        let Some(p) = particles.find(name) else { return Ok(None) };
        if p.mass.is_none() && matches!(p.pdg_id.unsigned_abs(), 12 | 14 | 16) {
            let mut massless = p.clone();
            massless.mass = Some(0.0);
            return SimSpecies::from_table(particles, &massless).map(Some);
        }
        SimSpecies::from_table(particles, p).map(Some)
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_choice_parses_and_rejects() {
        assert_eq!("fit".parse::<RangeChoice>().unwrap(), RangeChoice::Fit);
        assert_eq!("window".parse::<RangeChoice>().unwrap(), RangeChoice::Window);
        assert_eq!("5.0:5.6".parse::<RangeChoice>().unwrap(), RangeChoice::Custom { lo: 5.0, hi: 5.6 });
        for bad in ["5.6:5.0", "wide", "5:x"] {
            let err = bad.parse::<RangeChoice>().unwrap_err().to_string();
            assert!(err.contains(bad), "{err}");
        }
    }
}
