//! `train-agent`: the agent of seed 000 trained from scratch on a list of signals, in three phases,
//! every one of them resumable after a kill:
//!
//! 1. **GA**: the genetic algorithm (seed 000's configuration) on each signal; its hall of fame
//!    (every background found above threshold) is saved per signal.
//! 2. **Pre-training**: the transformer learns to write those backgrounds given the signal
//!    (supervised, value targets from the rewards); the trainer is saved after every epoch.
//! 3. **AlphaZero iterations**: for each signal, self-play games whose MCTS is guided by the
//!    network; the games are appended to record files, every background they reach above
//!    threshold joins the known set, and the network is trained on the known set plus the games'
//!    visit distributions. A checkpoint closes every iteration.
//!
//! The output folder:
//! - `training.json`: the configuration and signals (a resumed run must match it);
//! - `ga/signal-NN.json`: the GA's ranking of signal NN;
//! - `pretrain/`: the pre-training trainer (weights, Adam moments, step, history);
//! - `iterations/KKK/`: the trainer after iteration KKK (000: after pre-training), written last;
//! - `iterations/KKK/selfplay-NN.rec` (records) and `selfplay-NN.json` (the games' harvest; written
//!   after the records, it marks the signal done);
//! - `validation/signal-NN.json`: the oracle of validation signal NN (the recall reference);
//! - `config.json` + `weights.bpk`: the latest network, what `backgrounds --method agent --model`
//!   loads;
//! - `report.json`: losses, harvests and validation recall per phase and iteration.
//!
//! Every file is written atomically, and each phase only reads what earlier phases completed, so a
//! run killed at any moment and resumed gives the same final network as an uninterrupted run.

use crate::data::{background_examples, episode_example};
use crate::propose::{ProposeConfig, guided_search, propose, state_query};
use crate::signals::SignalList;
use crate::{Error, Result, derive_seed, file_error};
use hepzero_backend::burn::tensor::Device;
use hepzero_backend::{load_module_bytes, module_to_bytes, write_atomically};
use hepzero_finder::mcts::{BackgroundEnv, BgState};
use hepzero_finder::{GaSearchConfig, OracleConfig, Ranking, run_ga, run_oracle};
use hepzero_genetic::{Control, GenerationReport};
use hepzero_mcts::{RecordWriter, SelfPlayConfig, read_records, self_play};
use hepzero_pdg::DecayTable;
use hepzero_reward::{RewardConfig, RewardModel};
use hepzero_tokens::GrammarConfig;
use hepzero_transformer::{
    Example, FitConfig, NetEvaluator, OrderMarking, PolicyValueNet, Trainer, TrainerConfig,
    TransformerConfig, save_checkpoint,
};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything `train-agent` does, with the defaults of the full training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainAgentConfig {
    /// Seed of every random choice (GA, network initialisation, shuffling, self-play).
    pub seed: u64,
    /// The reward (default: [`RewardConfig::reduced`], threshold 1e-3).
    pub reward: RewardConfig,
    /// Search limits (missing particles, depth); parents and mis-ID pairs come from the signal.
    pub limits: GrammarConfig,
    /// The GA of phase 1 (default: seed 000's population 6,000 over 40 generations).
    pub ga: GaSearchConfig,
    /// The network's shape (`None`: the default size for the vocabulary).
    pub network: Option<TransformerConfig>,
    /// Optimiser settings.
    pub trainer: TrainerConfig,
    /// Pre-training on the GA's halls of fame.
    pub pretrain: FitConfig,
    /// AlphaZero iterations after pre-training.
    pub iterations: usize,
    /// Self-play games per signal and iteration.
    pub games_per_signal: usize,
    /// Sequences the network draws without replacement per signal and iteration, after its
    /// self-play (expert iteration: the network proposes, the reward checks); every background
    /// above threshold among them joins the known set. 0 turns it off.
    pub harvest_samples: usize,
    /// Backgrounds below threshold among the harvest's draws kept per signal and iteration (a
    /// seeded random subset) as value-only examples: the value head learns which draws are not
    /// worth scoring (`ProposeConfig::screen`) while the policy learns only from backgrounds
    /// above threshold.
    pub harvest_negatives: usize,
    /// How the harvest's and the validation's draws mark other daughter orders (default: exact,
    /// as the shipped model was trained; `Unpriced` is several times faster).
    pub order_marking: OrderMarking,
    /// Mutants per background found in the harvest's and the validation's proposals
    /// ([`ProposeConfig::neighbours`]; default 0: the network's draws alone, as the shipped model
    /// was trained, so the validation recall is the network's own).
    pub neighbours: usize,
    /// The self-play search.
    pub selfplay: SelfPlayConfig,
    /// Passes over the training set per iteration.
    pub iteration_epochs: usize,
    /// Learning rate of the iterations' updates.
    pub iteration_learning_rate: f64,
    /// Signals never trained on whose recall against their oracle is measured after every phase.
    pub validation: Vec<String>,
    /// Sequences sampled per validation signal.
    pub validation_samples: usize,
}

impl Default for TrainAgentConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            reward: RewardConfig::reduced(),
            limits: GrammarConfig::default(),
            ga: GaSearchConfig::default(),
            network: None,
            trainer: TrainerConfig::default(),
            pretrain: FitConfig {
                epochs: 30,
                batch_size: 64,
                warmup_steps: 50,
                patience: None,
                ..FitConfig::default()
            },
            iterations: 3,
            games_per_signal: 64,
            harvest_samples: 20_000,
            harvest_negatives: 3_000,
            order_marking: OrderMarking::Exact,
            neighbours: 0,
            selfplay: SelfPlayConfig {
                search: guided_search(),
                simulations: 32,
                temperature: 1.0,
                max_moves: 64,
                ..SelfPlayConfig::default()
            },
            iteration_epochs: 3,
            iteration_learning_rate: 1e-3,
            validation: Vec::new(),
            validation_samples: 10_000,
        }
    }
}

/// What the output folder's `training.json` holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct TrainingHeader {
    format: u32,
    signals: Vec<String>,
    config: TrainAgentConfig,
}

/// Version of the output folder's layout.
const FORMAT: u32 = 1;

/// One phase's figures in the training report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseReport {
    /// `pretrain` or `iteration K`.
    pub phase: String,
    /// Mean training loss of the phase's last pass (policy + value).
    pub loss: f32,
    /// Mean policy loss of the last pass (iterations only).
    pub policy_loss: Option<f32>,
    /// Mean value loss of the last pass (iterations only).
    pub value_loss: Option<f32>,
    /// Mean next-token accuracy of the last pass.
    pub accuracy: f32,
    /// Self-play games played (0 for pre-training).
    pub games: u64,
    /// Backgrounds above threshold known after the phase (all signals).
    pub known_backgrounds: usize,
    /// Training examples of the phase.
    pub examples: usize,
    /// Recall of each validation signal's oracle list after the phase.
    pub validation_recall: Vec<f64>,
    /// Wall time of the phase when it ran (a resumed phase reports its own run).
    pub seconds: f64,
}

/// The training report (`report.json`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    /// Training signals.
    pub signals: Vec<String>,
    /// Validation signals.
    pub validation: Vec<String>,
    /// Per signal: backgrounds the GA found, reward evaluations and seconds.
    pub ga: Vec<GaFigures>,
    /// Pre-training epochs (loss and accuracy per epoch).
    pub pretrain_epochs: Vec<hepzero_transformer::EpochStats>,
    /// Pre-training, then one entry per iteration.
    pub phases: Vec<PhaseReport>,
}

/// The GA's result for one training signal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GaFigures {
    /// The signal.
    pub signal: String,
    /// Backgrounds at or above threshold.
    pub found: usize,
    /// Distinct backgrounds scored.
    pub evaluations: u64,
    /// Wall time when it ran.
    pub seconds: f64,
}

/// The harvest of one signal's self-play and sampling in one iteration (`selfplay-NN.json`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Harvest {
    games: u64,
    /// Backgrounds at or above threshold the searches and the draws reached, canonical form, with
    /// their reward.
    found: Vec<(String, f64)>,
    /// A random subset of the draws scored below threshold (value-only examples), canonical form,
    /// with their reward (a bound where it was not simulated).
    #[serde(default)]
    below: Vec<(String, f64)>,
}

/// Progress of a long phase: `(phase, done, total)`.
pub type ProgressFn<'a> = dyn FnMut(&str, u64, u64) + 'a;

/// The training run in folder `out`.
pub struct TrainAgent<'a> {
    signals: &'a SignalList,
    config: &'a TrainAgentConfig,
    out: PathBuf,
    device: Device,
    table: &'static DecayTable,
}

pub(crate) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| file_error(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| file_error(path, e))
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    }
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| file_error(path, e))?;
    Ok(write_atomically(path, &bytes)?)
}

impl<'a> TrainAgent<'a> {
    /// Prepares a run of `config` on `signals` into `out`, networks on `device` (trained with its
    /// autodiff form). A new run needs a folder without `training.json`; `resume` needs one whose
    /// `training.json` has the same signals and configuration.
    pub fn new(
        signals: &'a SignalList,
        config: &'a TrainAgentConfig,
        out: &Path,
        device: Device,
        resume: bool,
    ) -> Result<Self> {
        if config.games_per_signal == 0 || config.pretrain.batch_size == 0 || config.pretrain.epochs == 0 {
            return Err(Error::Config(
                "games per signal, batch size and pre-training epochs must be at least 1".into(),
            ));
        }
        let header = TrainingHeader { format: FORMAT, signals: signals.names(), config: config.clone() };
        let path = out.join("training.json");
        match (path.exists(), resume) {
            (true, false) => {
                return Err(file_error(
                    &path,
                    "this folder already holds a training run: resume it with --resume, or choose another folder",
                ));
            }
            (false, true) => {
                return Err(file_error(&path, "missing: there is no training run to resume in this folder"));
            }
            (true, true) => {
                let found: TrainingHeader = read_json(&path)?;
                if found != header {
                    return Err(file_error(
                        &path,
                        "the run in this folder used other signals or settings than the ones given now",
                    ));
                }
            }
            (false, false) => write_json(&path, &header)?,
        }
        Ok(Self { signals, config, out: out.to_path_buf(), device, table: DecayTable::lhcb_default() })
    }

    fn model(&self, signal: &str) -> hepzero_finder::Result<RewardModel> {
        let reward = RewardConfig { seed: self.config.seed, ..self.config.reward.clone() };
        crate::lhcb_model(signal, &self.config.limits, &reward)
    }

    fn iteration_dir(&self, k: usize) -> PathBuf {
        self.out.join("iterations").join(format!("{k:03}"))
    }

    /// Runs (or continues) the whole training; returns the report.
    pub fn run(&self, progress: &mut ProgressFn<'_>) -> Result<TrainingReport> {
        let models = self
            .signals
            .signals
            .iter()
            .enumerate()
            .map(|(i, s)| self.model(&s.signal).map_err(|e| self.signals.error(i, e)))
            .collect::<Result<Vec<_>>>()?;
        let validation = self.validation_oracles(progress)?;
        let report_path = self.out.join("report.json");
        let mut report: TrainingReport = if report_path.exists() {
            read_json(&report_path)?
        } else {
            TrainingReport {
                signals: self.signals.names(),
                validation: self.config.validation.clone(),
                ..Default::default()
            }
        };

        // Phase 1: the GA on every signal.
        let mut halls = Vec::with_capacity(models.len());
        for (i, model) in models.iter().enumerate() {
            let path = self.out.join("ga").join(format!("signal-{i:02}.json"));
            let ranking: Ranking = if path.exists() {
                read_json(&path)?
            } else {
                let generations = self.config.ga.generations + 1;
                let label = format!("GA {}/{}", i + 1, models.len());
                let mut observer = |r: &GenerationReport| {
                    progress(&label, r.generation + 1, generations);
                    Control::Continue
                };
                let ga = GaSearchConfig {
                    seed: derive_seed(self.config.seed, &[1, i as u64]),
                    ..self.config.ga.clone()
                };
                let (ranking, _) = run_ga(model, &ga, &mut observer)?;
                write_json(&path, &ranking)?;
                // Continue from what was written, as a resumed run will: JSON floats read back
                // to within an ulp, and the value targets must not depend on the path taken.
                read_json(&path)?
            };
            // Also when the ranking was read back (a kill may have come before the report).
            if !report.ga.iter().any(|g| g.signal == ranking.signal) {
                report.ga.push(GaFigures {
                    signal: ranking.signal.clone(),
                    found: ranking.backgrounds.len(),
                    evaluations: ranking.evaluations,
                    seconds: ranking.seconds,
                });
                write_json(&self.out.join("report.json"), &report)?;
            }
            halls.push(ranking);
        }
        // Draws below threshold, per signal, from every iteration's harvest so far.
        let mut negatives: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); models.len()];
        let mut known: Vec<BTreeMap<String, f64>> = halls
            .iter()
            .map(|r| r.backgrounds.iter().map(|b| (b.background.clone(), b.reward)).collect())
            .collect();

        // Phase 2: pre-training on the halls of fame.
        let train_device = self.device.clone().autodiff();
        let examples = self.known_examples(&models, &known, 1.0)?;
        let done0 = self.iteration_dir(0);
        if !done0.join("trainer.json").exists() {
            let start = Instant::now();
            let pre = self.out.join("pretrain");
            let mut trainer = if pre.join("trainer.json").exists() {
                Trainer::resume(&pre, train_device.clone())?
            } else {
                let shape = match &self.config.network {
                    Some(shape) => shape.clone(),
                    None => TransformerConfig::for_vocabulary(models[0].grammar().vocab()),
                };
                let net = PolicyValueNet::new(&shape, derive_seed(self.config.seed, &[2]), &train_device)?;
                Trainer::new(net, self.config.trainer.clone(), train_device.clone())
            };
            let fit = FitConfig { seed: derive_seed(self.config.seed, &[3]), ..self.config.pretrain.clone() };
            let epochs = fit.epochs as u64;
            let fitted = trainer.fit(&examples, &[], &fit, |e, t| {
                progress("pre-training", e.epoch as u64 + 1, epochs);
                t.save(&pre)?;
                Ok(())
            })?;
            let net = self.inference_net(&trainer)?;
            let recall = self.validation_recall(&net, &validation, progress)?;
            let last = fitted.epochs.last().cloned();
            report.pretrain_epochs = fitted.epochs;
            report.phases.retain(|p| p.phase != "pretrain");
            report.phases.push(PhaseReport {
                phase: "pretrain".into(),
                loss: last.map_or(0.0, |e| e.train_loss),
                policy_loss: None,
                value_loss: None,
                accuracy: last.map_or(0.0, |e| e.train_accuracy),
                games: 0,
                known_backgrounds: known.iter().map(BTreeMap::len).sum(),
                examples: examples.len(),
                validation_recall: recall,
                seconds: start.elapsed().as_secs_f64(),
            });
            self.close_phase(&trainer, &net, &done0, &report)?;
        }

        // Phase 3: AlphaZero iterations.
        for k in 1..=self.config.iterations {
            let dir = self.iteration_dir(k);
            let mut games = Vec::with_capacity(models.len());
            let mut played = 0u64;
            if !dir.join("trainer.json").exists() {
                let start = Instant::now();
                let trainer = Trainer::resume(&self.iteration_dir(k - 1), train_device.clone())?;
                let net = self.inference_net(&trainer)?;
                for (i, model) in models.iter().enumerate() {
                    let label = format!("self-play {k}: {}/{}", i + 1, models.len());
                    progress(&label, 0, 1);
                    let (harvest, episodes) = self.self_play(&net, model, k, i)?;
                    progress(&label, 1, 1);
                    played += harvest.games;
                    games.push(episodes);
                    known[i].extend(harvest.found);
                    negatives[i].extend(harvest.below);
                }
                let mut trainer = trainer;
                let mut data = self.known_examples(&models, &known, 1.0)?;
                data.extend(self.known_examples(&models, &negatives, 0.0)?);
                for (i, episodes) in games.iter().enumerate() {
                    let grammar = models[i].grammar();
                    for ep in episodes {
                        data.push(episode_example(grammar, ep)?);
                    }
                }
                let stats = self.train_iteration(&mut trainer, &data, k, progress)?;
                let net = self.inference_net(&trainer)?;
                let recall = self.validation_recall(&net, &validation, progress)?;
                let phase = format!("iteration {k}");
                report.phases.retain(|p| p.phase != phase);
                report.phases.push(PhaseReport {
                    phase,
                    loss: stats.0,
                    policy_loss: Some(stats.1),
                    value_loss: Some(stats.2),
                    accuracy: stats.3,
                    games: played,
                    known_backgrounds: known.iter().map(BTreeMap::len).sum(),
                    examples: data.len(),
                    validation_recall: recall,
                    seconds: start.elapsed().as_secs_f64(),
                });
                self.close_phase(&trainer, &net, &dir, &report)?;
            } else {
                // Completed earlier: only its harvest is needed to continue.
                for (i, _) in models.iter().enumerate() {
                    let harvest: Harvest = read_json(&dir.join(format!("selfplay-{i:02}.json")))?;
                    known[i].extend(harvest.found);
                    negatives[i].extend(harvest.below);
                }
            }
        }
        Ok(report)
    }

    /// Saves the trainer into `dir` (marking the phase done), the network as the folder's model,
    /// and the report.
    fn close_phase(
        &self,
        trainer: &Trainer,
        net: &PolicyValueNet,
        dir: &Path,
        report: &TrainingReport,
    ) -> Result<()> {
        save_checkpoint(net, &self.out)?;
        write_json(&self.out.join("report.json"), report)?;
        trainer.save(dir)?;
        Ok(())
    }

    /// The trainer's network on the inference device.
    fn inference_net(&self, trainer: &Trainer) -> Result<PolicyValueNet> {
        let bytes = module_to_bytes(trainer.model())?;
        let skeleton = PolicyValueNet::new(trainer.model().config(), 0, &self.device)?;
        Ok(load_module_bytes(skeleton, bytes, "trainer".as_ref())?)
    }

    /// Examples of every known background, signal by signal in canonical-string order, with
    /// policy weight `policy_weight` (1: backgrounds to learn to draw; 0: value-only).
    fn known_examples(
        &self,
        models: &[RewardModel],
        known: &[BTreeMap<String, f64>],
        policy_weight: f32,
    ) -> Result<Vec<Example>> {
        let mut out = Vec::new();
        for (model, list) in models.iter().zip(known) {
            let pairs = list.iter().map(|(b, &r)| (b.as_str(), r));
            out.extend(background_examples(model.grammar(), pairs, policy_weight)?);
        }
        Ok(out)
    }

    /// Self-play of iteration `k` on signal `i`, or what an earlier run of it left on disk.
    fn self_play(
        &self,
        net: &PolicyValueNet,
        model: &RewardModel,
        k: usize,
        i: usize,
    ) -> Result<(Harvest, Vec<hepzero_mcts::Episode>)> {
        let dir = self.iteration_dir(k);
        let records = dir.join(format!("selfplay-{i:02}.rec"));
        let marker = dir.join(format!("selfplay-{i:02}.json"));
        if marker.exists() {
            let harvest: Harvest = read_json(&marker)?;
            return Ok((harvest, read_records(&records)?.episodes));
        }
        std::fs::create_dir_all(&dir).map_err(|e| file_error(&dir, e))?;
        let grammar = model.grammar().as_ref();
        let env = BackgroundEnv::new(model);
        let evaluator = NetEvaluator::new(net, self.device.clone(), |s: &BgState| state_query(grammar, s));
        let seed = derive_seed(self.config.seed, &[4, k as u64, i as u64]);
        let (episodes, _) =
            self_play(&env, &evaluator, &self.config.selfplay, self.config.games_per_signal, seed)?;
        let mut writer = RecordWriter::create(&records, grammar.vocab().len() as u32)?;
        for ep in &episodes {
            writer.write(ep)?;
        }
        writer.sync()?;
        let mut found: Vec<(String, f64)> =
            env.kept_all().into_iter().map(|b| (b.background, b.reward)).collect();
        let mut below = Vec::new();
        if self.config.harvest_samples > 0 {
            let config = ProposeConfig {
                samples: self.config.harvest_samples,
                seed: derive_seed(self.config.seed, &[7, k as u64, i as u64]),
                order_marking: self.config.order_marking,
                neighbours: self.config.neighbours,
                keep_below: self.config.harvest_negatives > 0,
                ..ProposeConfig::default()
            };
            let proposal = propose(net, &self.device, model, &config, &mut |_, _| {})?;
            found.extend(proposal.ranking.backgrounds.into_iter().map(|b| (b.background, b.reward)));
            below = proposal.below;
            // A seeded subset, written in canonical-string order like `found`.
            below.shuffle(&mut ChaCha8Rng::seed_from_u64(derive_seed(
                self.config.seed,
                &[8, k as u64, i as u64],
            )));
            below.truncate(self.config.harvest_negatives);
            below.sort_by(|a, b| a.0.cmp(&b.0));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        write_json(&marker, &Harvest { games: episodes.len() as u64, found, below })?;
        // As a resumed run would: from the files (see the GA phase).
        Ok((read_json(&marker)?, read_records(&records)?.episodes))
    }

    /// The updates of iteration `k`: `iteration_epochs` shuffled passes over `data` at the
    /// iteration learning rate. Returns the last pass's mean loss, policy loss, value loss and
    /// accuracy.
    fn train_iteration(
        &self,
        trainer: &mut Trainer,
        data: &[Example],
        k: usize,
        progress: &mut ProgressFn<'_>,
    ) -> Result<(f32, f32, f32, f32)> {
        trainer.set_learning_rate(self.config.iteration_learning_rate);
        let size = self.config.pretrain.batch_size;
        let mut last = (f32::NAN, f32::NAN, f32::NAN, f32::NAN);
        let label = format!("training {k}");
        for epoch in 0..self.config.iteration_epochs {
            let mut order: Vec<usize> = (0..data.len()).collect();
            order.shuffle(&mut ChaCha8Rng::seed_from_u64(derive_seed(
                self.config.seed,
                &[5, k as u64, epoch as u64],
            )));
            let (mut sums, mut n) = ([0.0f32; 4], 0.0f32);
            for batch in order.chunks(size) {
                let examples: Vec<Example> = batch.iter().map(|&j| data[j].clone()).collect();
                let s = trainer.step(&examples)?;
                let w = batch.len() as f32;
                for (acc, v) in sums.iter_mut().zip([s.loss, s.policy_loss, s.value_loss, s.accuracy]) {
                    *acc += v * w;
                }
                n += w;
            }
            last = (sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n);
            progress(&label, epoch as u64 + 1, self.config.iteration_epochs as u64);
        }
        Ok(last)
    }

    /// The oracle list of every validation signal (computed once, then read from the folder).
    fn validation_oracles(&self, progress: &mut ProgressFn<'_>) -> Result<Vec<(RewardModel, Vec<u64>)>> {
        let mut out = Vec::new();
        for (i, signal) in self.config.validation.iter().enumerate() {
            let model = self
                .model(signal)
                .map_err(|e| Error::Config(format!("validation signal '{signal}': {e}")))?;
            let path = self.out.join("validation").join(format!("signal-{i:02}.json"));
            let ranking: Ranking = if path.exists() {
                read_json(&path)?
            } else {
                let label = format!("oracle {}", i + 1);
                let ranking = run_oracle(&model, self.table, &OracleConfig::default(), &|_, _| {})?;
                progress(&label, 1, 1);
                write_json(&path, &ranking)?;
                ranking
            };
            let hashes = crate::ranking_hashes(&model, &ranking)?;
            out.push((model, hashes));
        }
        Ok(out)
    }

    fn validation_recall(
        &self,
        net: &PolicyValueNet,
        validation: &[(RewardModel, Vec<u64>)],
        progress: &mut ProgressFn<'_>,
    ) -> Result<Vec<f64>> {
        let mut out = Vec::new();
        for (model, oracle) in validation {
            let config = ProposeConfig {
                samples: self.config.validation_samples,
                seed: derive_seed(self.config.seed, &[6]),
                order_marking: self.config.order_marking,
                neighbours: self.config.neighbours,
                ..ProposeConfig::default()
            };
            let proposal =
                propose(net, &self.device, model, &config, &mut |d, t| progress("validation", d, t))?;
            out.push(crate::recall(oracle, &proposal.first_seen, usize::MAX));
        }
        Ok(out)
    }
}
