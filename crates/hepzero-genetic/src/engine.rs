//! The evolutionary loop: generational GA, steady-state GA and (mu, lambda) / (mu + lambda)
//! evolution strategy over any [`Problem`] and [`Fitness`].
//!
//! Structure of a generation: breed (parallel; each offspring pair or mutant draws from its own
//! stream keyed by (seed, generation, index)), hash changed individuals (parallel), optionally
//! re-mutate duplicates, look changed individuals up in the cache (sequential, in index order),
//! evaluate the misses in batches (parallel), write back, offer to the hall of fame and compute the
//! report (sequential). Every sequential step runs in index order and every parallel step writes
//! only its own slots, so the result does not depend on the number of threads. Population buffers
//! are allocated once and reused (`clone_from`), so steady-state work allocates nothing per
//! individual once the genomes' own buffers have reached their size.

use rand::Rng;
use rayon::prelude::*;

use crate::cache::FitnessCache;
use crate::config::{Config, Mode, Selection};
use crate::error::{Error, Result};
use crate::hall_of_fame::{HallOfFame, Scored};
use crate::hash::{HashMapU64, HashSetU64};
use crate::report::{Control, GenerationReport, Observer, RunResult, StopReason};
use crate::rng::{GaRng, Purpose, stream};
use crate::selection::Selector;
use crate::traits::{Context, Fitness, Genome, Problem};

/// Parallel loops hand out at least this many items per task, so the per-task overhead stays small
/// next to cheap operators.
const MIN_ITEMS_PER_TASK: usize = 64;

/// One population member with its bookkeeping.
#[derive(Debug, Clone)]
struct Slot<G> {
    genome: G,
    fitness: f64,
    hash: u64,
    /// Generation in which this genome was created.
    born: u64,
    /// Changed since its fitness was computed.
    dirty: bool,
    /// Passed repair.
    valid: bool,
}

impl<G: Genome> Slot<G> {
    fn new(genome: G) -> Self {
        Self { genome, fitness: f64::NEG_INFINITY, hash: 0, born: 0, dirty: true, valid: true }
    }

    /// Become a copy of `other`, reusing this slot's genome buffer.
    #[inline]
    fn copy_from(&mut self, other: &Slot<G>) {
        self.genome.clone_from(&other.genome);
        self.fitness = other.fitness;
        self.hash = other.hash;
        self.born = other.born;
        self.dirty = other.dirty;
        self.valid = other.valid;
    }

    fn scored(&self) -> Scored<G> {
        Scored { genome: self.genome.clone(), fitness: self.fitness, hash: self.hash, generation: self.born }
    }
}

/// Descending fitness, then ascending index: a total order, so sorting is reproducible.
#[inline]
fn better_first(fa: f64, a: usize, fb: f64, b: usize) -> std::cmp::Ordering {
    fb.total_cmp(&fa).then(a.cmp(&b))
}

/// The search, bound to a problem, a fitness and a configuration.
pub struct Engine<'a, P, F> {
    problem: &'a P,
    fitness: &'a F,
    config: Config,
}

impl<P, F> std::fmt::Debug for Engine<'_, P, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.config).finish_non_exhaustive()
    }
}

impl<'a, P, F> Engine<'a, P, F>
where
    P: Problem,
    F: Fitness<P::Genome>,
{
    /// Validate the configuration and bind the engine.
    pub fn new(problem: &'a P, fitness: &'a F, config: Config) -> Result<Self> {
        config.validate()?;
        Ok(Self { problem, fitness, config })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Run from a random initial population (`Problem::initialise`).
    pub fn run(&self, observer: &mut dyn Observer) -> Result<RunResult<P::Genome>> {
        let seed = self.config.seed;
        let pop: Vec<Slot<P::Genome>> = (0..self.config.population)
            .into_par_iter()
            .with_min_len(MIN_ITEMS_PER_TASK)
            .map(|i| {
                let mut rng = stream(seed, 0, Purpose::Initialise, i as u64);
                let mut g = self.problem.initialise(&mut rng);
                let valid = self.problem.repair(&mut g, &mut rng);
                Slot { valid, ..Slot::new(g) }
            })
            .collect();
        self.run_slots(pop, observer)
    }

    /// Run from a given initial population (e.g. a previous fit's result); its size must equal
    /// `config.population`. Each genome is passed through `Problem::repair`.
    pub fn run_from(
        &self,
        initial: Vec<P::Genome>,
        observer: &mut dyn Observer,
    ) -> Result<RunResult<P::Genome>> {
        if initial.len() != self.config.population {
            return Err(Error::InitialPopulation { expected: self.config.population, got: initial.len() });
        }
        let seed = self.config.seed;
        let pop: Vec<Slot<P::Genome>> = initial
            .into_par_iter()
            .with_min_len(MIN_ITEMS_PER_TASK)
            .enumerate()
            .map(|(i, mut g)| {
                let mut rng = stream(seed, 0, Purpose::Initialise, i as u64);
                let valid = self.problem.repair(&mut g, &mut rng);
                Slot { valid, ..Slot::new(g) }
            })
            .collect();
        self.run_slots(pop, observer)
    }

    fn run_slots(
        &self,
        pop: Vec<Slot<P::Genome>>,
        observer: &mut dyn Observer,
    ) -> Result<RunResult<P::Genome>> {
        let mut run = Run::new(self, pop);
        run.hash_dirty_pop();
        let mut report = run.evaluate_pop(0)?;
        let max_gen = self.config.stop.max_generations;
        let mut best_so_far = report.best;
        let mut last_improvement = 0u64;
        let mut generation = 0u64;
        let stop_reason = loop {
            let control = observer.on_generation(&report);
            run.history.push(report.clone());
            let stop = &self.config.stop;
            if report.best > best_so_far + stop.stagnation_tolerance
                || (report.best > best_so_far && best_so_far == f64::NEG_INFINITY)
            {
                best_so_far = report.best;
                last_improvement = generation;
            }
            if stop.target_fitness.is_some_and(|t| report.best >= t) {
                break StopReason::Target;
            }
            if stop.max_evaluations.is_some_and(|m| run.evaluations >= m) {
                break StopReason::EvaluationBudget;
            }
            if stop.stagnation_generations.is_some_and(|s| generation - last_improvement >= s) {
                break StopReason::Stagnation;
            }
            if generation >= max_gen {
                break StopReason::Generations;
            }
            if control == Control::Stop {
                break StopReason::Observer;
            }
            generation += 1;
            let ctx = Context { generation, max_generations: max_gen };
            report = match self.config.mode {
                Mode::Generational { selection, crossover_rate, mutation_rate, elitism } => {
                    run.generational(&ctx, selection, crossover_rate, mutation_rate, elitism)?
                }
                Mode::SteadyState { selection, crossover_rate, mutation_rate, replacement } => {
                    run.steady_state(&ctx, selection, crossover_rate, mutation_rate, replacement)?
                }
                Mode::EvolutionStrategy { lambda, plus } => run.evolution_strategy(&ctx, lambda, plus)?,
            };
        };
        Ok(run.finish(stop_reason, generation))
    }
}

/// Reusable scratch buffers of the evaluation step.
#[derive(Debug, Default)]
struct EvalScratch {
    misses: Vec<usize>,
    /// (slot, index into `misses`) for within-generation duplicates of a pending miss.
    aliases: Vec<(usize, usize)>,
    pending: HashMapU64<usize>,
    out: Vec<f64>,
}

/// Counts of one evaluation step.
#[derive(Debug, Default, Clone, Copy)]
struct EvalCounts {
    evaluations: u64,
    hits: u64,
    lookups: u64,
}

struct Run<'e, 'a, P: Problem, F> {
    engine: &'e Engine<'a, P, F>,
    pop: Vec<Slot<P::Genome>>,
    offspring: Vec<Slot<P::Genome>>,
    spare: Vec<Slot<P::Genome>>,
    selector: Selector,
    cache: Option<FitnessCache>,
    hof: Option<HallOfFame<P::Genome>>,
    scratch: EvalScratch,
    seen: HashSetU64,
    /// Every valid individual evaluated so far (only with `Config::dedup_history`).
    evaluated: HashSetU64,
    order: Vec<usize>,
    marked: Vec<bool>,
    evaluations: u64,
    history: Vec<GenerationReport>,
}

impl<'e, 'a, P, F> Run<'e, 'a, P, F>
where
    P: Problem,
    F: Fitness<P::Genome>,
{
    fn new(engine: &'e Engine<'a, P, F>, pop: Vec<Slot<P::Genome>>) -> Self {
        let cfg = &engine.config;
        Self {
            engine,
            pop,
            offspring: Vec::new(),
            spare: Vec::new(),
            selector: Selector::default(),
            cache: cfg.cache.enabled.then(|| FitnessCache::new(&cfg.cache)),
            hof: cfg.hall_of_fame.as_ref().map(HallOfFame::new),
            scratch: EvalScratch::default(),
            seen: HashSetU64::default(),
            evaluated: HashSetU64::default(),
            order: Vec::new(),
            marked: Vec::new(),
            evaluations: 0,
            history: Vec::new(),
        }
    }

    fn hash_dirty_pop(&mut self) {
        hash_dirty(&mut self.pop);
    }

    fn evaluate_pop(&mut self, generation: u64) -> Result<GenerationReport> {
        let counts = evaluate_slots(
            &mut self.pop,
            self.engine.fitness,
            &mut self.cache,
            &mut self.hof,
            &mut self.scratch,
            self.engine.config.eval_batch,
            generation,
        )?;
        self.evaluations += counts.evaluations;
        self.remember(generation);
        Ok(self.report(generation, counts))
    }

    /// Adds the population's individuals born in `generation` to the history of evaluated ones.
    fn remember(&mut self, generation: u64) {
        if self.engine.config.dedup_history {
            let born = self.pop.iter().filter(|s| s.valid && s.born == generation);
            self.evaluated.extend(born.map(|s| s.hash));
        }
    }

    /// Ensure `buf` has `n` slots (cloned from the population on first use, then reused).
    fn ensure_len(buf: &mut Vec<Slot<P::Genome>>, n: usize, template: &Slot<P::Genome>) {
        buf.truncate(n);
        while buf.len() < n {
            buf.push(template.clone());
        }
    }

    /// Fill `children` with offspring pairs bred from `self.pop` (selector prepared).
    #[allow(clippy::too_many_arguments)]
    fn breed_pairs(
        problem: &P,
        seed: u64,
        ctx: &Context,
        pop: &[Slot<P::Genome>],
        selector: &Selector,
        children: &mut [Slot<P::Genome>],
        crossover_rate: f64,
        mutation_rate: f64,
    ) {
        children.par_chunks_mut(2).with_min_len(MIN_ITEMS_PER_TASK / 2).enumerate().for_each(
            |(pair, chunk)| {
                let mut rng = stream(seed, ctx.generation, Purpose::Offspring, pair as u64);
                let a = selector.pick(&mut rng);
                let b = selector.pick(&mut rng);
                match chunk {
                    [x, y] => {
                        x.copy_from(&pop[a]);
                        y.copy_from(&pop[b]);
                        vary(problem, ctx, x, y, crossover_rate, mutation_rate, &mut rng);
                    }
                    [x] => {
                        // Odd count: the second child of the last pair is bred and dropped, so
                        // that the stream is consumed as for a full pair.
                        x.copy_from(&pop[a]);
                        let mut y = pop[b].clone();
                        vary(problem, ctx, x, &mut y, crossover_rate, mutation_rate, &mut rng);
                    }
                    _ => {}
                }
            },
        );
    }

    fn generational(
        &mut self,
        ctx: &Context,
        selection: Selection,
        crossover_rate: f64,
        mutation_rate: f64,
        elitism: usize,
    ) -> Result<GenerationReport> {
        let n = self.pop.len();
        let pop = &self.pop;
        self.selector.prepare(selection, n, |i| pop[i].fitness, ctx.generation - 1)?;
        Self::ensure_len(&mut self.offspring, n, &self.pop[0]);
        if elitism > 0 {
            self.order.clear();
            self.order.extend(0..n);
            let pop = &self.pop;
            let cmp = |&a: &usize, &b: &usize| better_first(pop[a].fitness, a, pop[b].fitness, b);
            if elitism < n {
                self.order.select_nth_unstable_by(elitism - 1, cmp);
            }
            self.order[..elitism].sort_unstable_by(cmp);
            for (k, &i) in self.order[..elitism].iter().enumerate() {
                self.offspring[k].copy_from(&self.pop[i]);
            }
        }
        Self::breed_pairs(
            self.engine.problem,
            self.engine.config.seed,
            ctx,
            &self.pop,
            &self.selector,
            &mut self.offspring[elitism..],
            crossover_rate,
            mutation_rate,
        );
        std::mem::swap(&mut self.pop, &mut self.offspring);
        hash_dirty(&mut self.pop);
        if self.engine.config.deduplicate {
            self.deduplicate_pop(ctx, elitism);
        }
        self.evaluate_pop(ctx.generation)
    }

    fn steady_state(
        &mut self,
        ctx: &Context,
        selection: Selection,
        crossover_rate: f64,
        mutation_rate: f64,
        replacement: usize,
    ) -> Result<GenerationReport> {
        let n = self.pop.len();
        let pop = &self.pop;
        self.selector.prepare(selection, n, |i| pop[i].fitness, ctx.generation - 1)?;
        Self::ensure_len(&mut self.offspring, replacement, &self.pop[0]);
        Self::breed_pairs(
            self.engine.problem,
            self.engine.config.seed,
            ctx,
            &self.pop,
            &self.selector,
            &mut self.offspring,
            crossover_rate,
            mutation_rate,
        );
        // The `replacement` worst members make room (ascending fitness, ties: higher index first).
        self.order.clear();
        self.order.extend(0..n);
        let pop = &self.pop;
        self.order.sort_unstable_by(|&a, &b| better_first(pop[b].fitness, b, pop[a].fitness, a));
        hash_dirty(&mut self.offspring);
        if self.engine.config.deduplicate {
            self.seen.clear();
            for &i in &self.order[replacement..] {
                if self.pop[i].valid {
                    self.seen.insert(self.pop[i].hash);
                }
            }
            let survivors: Vec<u64> = self.seen.iter().copied().collect();
            deduplicate(
                self.engine.problem,
                self.engine.config.seed,
                ctx,
                &mut self.offspring,
                0,
                &survivors,
                &self.evaluated,
                self.engine.config.dedup_attempts,
                &mut self.seen,
                &mut self.marked,
            );
        }
        let counts = evaluate_slots(
            &mut self.offspring,
            self.engine.fitness,
            &mut self.cache,
            &mut self.hof,
            &mut self.scratch,
            self.engine.config.eval_batch,
            ctx.generation,
        )?;
        self.evaluations += counts.evaluations;
        if self.engine.config.dedup_history {
            self.evaluated.extend(self.offspring.iter().filter(|s| s.valid).map(|s| s.hash));
        }
        for (k, &i) in self.order[..replacement].iter().enumerate() {
            self.pop[i].copy_from(&self.offspring[k]);
        }
        Ok(self.report(ctx.generation, counts))
    }

    fn evolution_strategy(&mut self, ctx: &Context, lambda: usize, plus: bool) -> Result<GenerationReport> {
        let mu = self.pop.len();
        Self::ensure_len(&mut self.offspring, lambda, &self.pop[0]);
        let problem = self.engine.problem;
        let seed = self.engine.config.seed;
        let pop = &self.pop;
        self.offspring.par_iter_mut().with_min_len(MIN_ITEMS_PER_TASK).enumerate().for_each(|(i, child)| {
            let mut rng = stream(seed, ctx.generation, Purpose::Offspring, i as u64);
            child.copy_from(&pop[i % mu]);
            problem.mutate(&mut child.genome, ctx, &mut rng);
            child.dirty = true;
            child.born = ctx.generation;
            child.valid = problem.repair(&mut child.genome, &mut rng);
        });
        hash_dirty(&mut self.offspring);
        let counts = evaluate_slots(
            &mut self.offspring,
            self.engine.fitness,
            &mut self.cache,
            &mut self.hof,
            &mut self.scratch,
            self.engine.config.eval_batch,
            ctx.generation,
        )?;
        self.evaluations += counts.evaluations;
        // Candidates: mutants 0..lambda, then (plus) parents lambda..lambda+mu; on equal fitness a
        // mutant wins, which lets the search drift across plateaus.
        let n_cand = if plus { lambda + mu } else { lambda };
        let (off, pop) = (&self.offspring, &self.pop);
        let cand = |c: usize| if c < lambda { &off[c] } else { &pop[c - lambda] };
        self.order.clear();
        self.order.extend(0..n_cand);
        self.order.sort_unstable_by(|&a, &b| better_first(cand(a).fitness, a, cand(b).fitness, b));
        if self.engine.config.deduplicate {
            // Distinct survivors first, then (only if too few are distinct) the duplicates.
            self.seen.clear();
            let seen = &mut self.seen;
            let (mut distinct, mut dups): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
            for &c in &self.order {
                if seen.insert(cand(c).hash) {
                    distinct.push(c);
                } else {
                    dups.push(c);
                }
            }
            distinct.extend(dups);
            self.order = distinct;
        }
        Self::ensure_len(&mut self.spare, mu, &self.pop[0]);
        for (k, &c) in self.order[..mu].iter().enumerate() {
            self.spare[k].copy_from(cand(c));
        }
        std::mem::swap(&mut self.pop, &mut self.spare);
        Ok(self.report(ctx.generation, counts))
    }

    fn deduplicate_pop(&mut self, ctx: &Context, fixed: usize) {
        deduplicate(
            self.engine.problem,
            self.engine.config.seed,
            ctx,
            &mut self.pop,
            fixed,
            &[],
            &self.evaluated,
            self.engine.config.dedup_attempts,
            &mut self.seen,
            &mut self.marked,
        );
    }

    fn report(&mut self, generation: u64, counts: EvalCounts) -> GenerationReport {
        let mut best_i = 0usize;
        let mut best = f64::NEG_INFINITY;
        let mut worst = f64::INFINITY;
        let mut sum = 0.0;
        let mut n_finite = 0usize;
        let mut invalid = 0usize;
        self.seen.clear();
        for (i, s) in self.pop.iter().enumerate() {
            if s.fitness > best || i == 0 {
                best = s.fitness;
                best_i = i;
            }
            if !s.valid {
                invalid += 1;
                continue;
            }
            self.seen.insert(s.hash);
            if s.fitness.is_finite() {
                sum += s.fitness;
                n_finite += 1;
                worst = worst.min(s.fitness);
            }
        }
        let (mean, worst) = if n_finite == 0 { (f64::NAN, f64::NAN) } else { (sum / n_finite as f64, worst) };
        GenerationReport {
            generation,
            best,
            mean,
            worst,
            best_hash: self.pop.get(best_i).map_or(0, |s| s.hash),
            distinct: self.seen.len(),
            invalid,
            evaluations: counts.evaluations,
            total_evaluations: self.evaluations,
            cache_hits: counts.hits,
            cache_lookups: counts.lookups,
            cache_hit_rate: if counts.lookups == 0 {
                0.0
            } else {
                counts.hits as f64 / counts.lookups as f64
            },
            hall_of_fame: self.hof.as_ref().map_or(0, HallOfFame::len),
        }
    }

    fn finish(self, stop_reason: StopReason, generations: u64) -> RunResult<P::Genome> {
        let mut idx: Vec<usize> = (0..self.pop.len()).collect();
        let pop = &self.pop;
        idx.sort_unstable_by(|&a, &b| better_first(pop[a].fitness, a, pop[b].fitness, b));
        let population: Vec<Scored<P::Genome>> = idx.iter().map(|&i| pop[i].scored()).collect();
        // The population is never empty (validated), but stay total.
        let best = population.first().cloned().unwrap_or_else(|| self.pop[0].scored());
        RunResult {
            best,
            population,
            hall_of_fame: self.hof.map(HallOfFame::into_sorted).unwrap_or_default(),
            history: self.history,
            stop_reason,
            generations,
            evaluations: self.evaluations,
        }
    }
}

/// Crossover with probability `crossover_rate`, then mutate each child with probability
/// `mutation_rate` (DEAP's `varAnd`), then repair what changed.
#[inline]
fn vary<P: Problem>(
    problem: &P,
    ctx: &Context,
    x: &mut Slot<P::Genome>,
    y: &mut Slot<P::Genome>,
    crossover_rate: f64,
    mutation_rate: f64,
    rng: &mut GaRng,
) {
    if rng.random::<f64>() < crossover_rate {
        problem.crossover(&mut x.genome, &mut y.genome, ctx, rng);
        x.dirty = true;
        y.dirty = true;
    }
    for child in [x, y] {
        if rng.random::<f64>() < mutation_rate {
            problem.mutate(&mut child.genome, ctx, rng);
            child.dirty = true;
        }
        if child.dirty {
            child.born = ctx.generation;
            child.valid = problem.repair(&mut child.genome, rng);
        }
    }
}

fn hash_dirty<G: Genome>(slots: &mut [Slot<G>]) {
    slots.par_iter_mut().with_min_len(4 * MIN_ITEMS_PER_TASK).for_each(|s| {
        if s.dirty {
            s.hash = if s.valid { s.genome.canonical_hash() } else { 0 };
        }
    });
}

/// Re-mutate individuals whose hash repeats one in `pre_seen`, in `history` or in an earlier
/// slot (slots before `fixed` are never changed), up to `attempts` rounds.
#[allow(clippy::too_many_arguments)]
fn deduplicate<P: Problem>(
    problem: &P,
    seed: u64,
    ctx: &Context,
    slots: &mut [Slot<P::Genome>],
    fixed: usize,
    pre_seen: &[u64],
    history: &HashSetU64,
    attempts: u32,
    seen: &mut HashSetU64,
    marked: &mut Vec<bool>,
) {
    for attempt in 0..attempts {
        seen.clear();
        seen.extend(pre_seen.iter().copied());
        marked.clear();
        marked.resize(slots.len(), false);
        let mut any = false;
        for (i, s) in slots.iter().enumerate() {
            if s.valid && (!seen.insert(s.hash) || history.contains(&s.hash)) && i >= fixed {
                marked[i] = true;
                any = true;
            }
        }
        if !any {
            return;
        }
        slots
            .par_iter_mut()
            .zip(marked.par_iter())
            .enumerate()
            .with_min_len(4 * MIN_ITEMS_PER_TASK)
            .for_each(|(i, (s, &m))| {
                if m {
                    let mut rng = stream(seed, ctx.generation, Purpose::Deduplicate(attempt), i as u64);
                    problem.mutate(&mut s.genome, ctx, &mut rng);
                    s.dirty = true;
                    s.born = ctx.generation;
                    s.valid = problem.repair(&mut s.genome, &mut rng);
                    s.hash = if s.valid { s.genome.canonical_hash() } else { 0 };
                }
            });
    }
}

/// Give every dirty slot its fitness: invalid ones `-inf`, cached ones from the cache, the rest
/// from the fitness in parallel batches; offer the changed ones to the hall of fame.
fn evaluate_slots<G: Genome, F: Fitness<G>>(
    slots: &mut [Slot<G>],
    fitness: &F,
    cache: &mut Option<FitnessCache>,
    hof: &mut Option<HallOfFame<G>>,
    scratch: &mut EvalScratch,
    eval_batch: usize,
    generation: u64,
) -> Result<EvalCounts> {
    let mut counts = EvalCounts::default();
    scratch.misses.clear();
    scratch.aliases.clear();
    scratch.pending.clear();
    for (i, s) in slots.iter_mut().enumerate() {
        if !s.dirty {
            continue;
        }
        if !s.valid {
            s.fitness = f64::NEG_INFINITY;
            continue;
        }
        if let Some(c) = cache.as_ref() {
            counts.lookups += 1;
            if let Some(f) = c.get(s.hash) {
                s.fitness = f;
                counts.hits += 1;
                continue;
            }
            if let Some(&k) = scratch.pending.get(&s.hash) {
                scratch.aliases.push((i, k));
                counts.hits += 1;
                continue;
            }
            scratch.pending.insert(s.hash, scratch.misses.len());
        }
        scratch.misses.push(i);
    }
    let n = scratch.misses.len();
    counts.evaluations = n as u64;
    if n > 0 {
        scratch.out.clear();
        scratch.out.resize(n, f64::NAN);
        let refs: Vec<&G> = scratch.misses.iter().map(|&i| &slots[i].genome).collect();
        let wrap = |source| Error::Fitness { generation, source };
        if n <= eval_batch {
            fitness.evaluate(&refs, &mut scratch.out).map_err(wrap)?;
        } else {
            refs.par_chunks(eval_batch)
                .zip(scratch.out.par_chunks_mut(eval_batch))
                .try_for_each(|(g, o)| fitness.evaluate(g, o))
                .map_err(wrap)?;
        }
    }
    for (k, &i) in scratch.misses.iter().enumerate() {
        let f = scratch.out[k];
        let s = &mut slots[i];
        if f.is_nan() {
            return Err(Error::NanFitness { generation, index: i, hash: s.hash });
        }
        s.fitness = f;
        if let Some(c) = cache.as_mut() {
            c.insert(s.hash, f);
        }
    }
    for &(i, k) in &scratch.aliases {
        slots[i].fitness = scratch.out[k];
    }
    for s in slots.iter_mut() {
        if s.dirty {
            s.dirty = false;
            if let Some(h) = hof.as_mut().filter(|h| s.valid && h.qualifies(s.fitness)) {
                h.offer(&s.genome, s.fitness, s.hash, generation);
            }
        }
    }
    Ok(counts)
}
