//! Sampling complete backgrounds for one signal from the masked policy, many sequences at once,
//! with the decoder's key/value cache so each token costs one decoder step (seed 000's agent draws
//! its candidate backgrounds this way).

use crate::eval::read_f32;
use crate::{Error, PolicyValueNet, Result};
use burn::tensor::Device;
use hepzero_mcts::DrawTrie;
use hepzero_tokens::{BitMask, END, Grammar, SEP, TokenId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// How [`PolicyValueNet::sample`] draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampleConfig {
    /// Number of complete backgrounds to draw.
    pub count: usize,
    /// Sequences decoded together.
    pub batch_size: usize,
    /// Softmax temperature (1 = the policy as trained; must be positive).
    pub temperature: f32,
    /// Seed; batch `i` uses stream `i` of `ChaCha8Rng::seed_from_u64(seed)`.
    pub seed: u64,
}

impl SampleConfig {
    fn check(&self) -> Result<()> {
        if self.batch_size == 0 || self.temperature.is_nan() || self.temperature <= 0.0 {
            return Err(Error::InvalidConfig(format!(
                "sampling needs batch_size > 0 and temperature > 0 (got {} and {})",
                self.batch_size, self.temperature
            )));
        }
        Ok(())
    }
}

/// How [`PolicyValueNet::sample_distinct`] marks the other token sequences of a drawn background
/// (other daughter orders) as drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderMarking {
    /// Without the network ([`DrawTrie::mark`]): never drawn again, but the policy mass they hold
    /// is not subtracted from their prefixes until a draw enters them. The network learnt one
    /// order per background and puts little mass on the others, so the draws stay close to the
    /// exactly conditioned policy at no network cost.
    #[default]
    Unpriced,
    /// With their step probabilities from one teacher-forced pass of the network: later draws
    /// follow the policy conditioned exactly on "not drawn before" (a forward pass per other
    /// order, which can cost more than the draw itself).
    Exact,
}

/// What [`PolicyValueNet::sample_distinct`] drew.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Distinct {
    /// Backgrounds never drawn before (token sequences without `END`), each with the index of
    /// the draw (from 0) that produced it, in the order drawn.
    pub sequences: Vec<(usize, Vec<TokenId>)>,
    /// Draws made (`config.count`, fewer only when the whole space was drawn). A draw that ends
    /// on a sequence finished within the same batch, on a prefix exhausted meanwhile, or beyond
    /// the decoder's context, yields nothing.
    pub draws: usize,
    /// The value head's output for each of `sequences` (same order): its estimate, in `[0, 1]`,
    /// of the complete background's reward, read at the step that chose `END` (no extra pass).
    pub values: Vec<f32>,
}

impl PolicyValueNet {
    /// Draws `config.count` backgrounds (token sequences without `END`) for the signal of
    /// `grammar`, each token from the policy restricted to the grammar's valid next tokens. The
    /// few draws that are still incomplete when the decoder's context is full are left out, so a
    /// deep grammar may return fewer than `count`.
    pub fn sample(
        &self,
        grammar: &Grammar,
        config: &SampleConfig,
        device: &Device,
    ) -> Result<Vec<Vec<TokenId>>> {
        config.check()?;
        let mut out = Vec::with_capacity(config.count);
        for (index, start) in (0..config.count).step_by(config.batch_size.max(1)).enumerate() {
            let n = config.batch_size.min(config.count - start);
            out.extend(
                self.decode_batch(grammar, config, index, n, None, device)?.into_iter().map(|(_, t, _)| t),
            );
        }
        Ok(out)
    }

    /// Draws `config.count` times **without replacement** (Shi et al., ICML 2020): `trie` holds
    /// what earlier calls drew, each draw follows the policy conditioned on not repeating a
    /// finished sequence, and only sequences new to `trie` are returned. Pass the same trie (and
    /// the same temperature) to every call for one signal. The first batches are small (1, 2,
    /// 4, ... rows, up to `batch_size`) so the most probable backgrounds are not drawn by many rows
    /// of one batch at once.
    ///
    /// `equivalents(tokens)` names the other token sequences of the same background as a new
    /// sequence (other daughter orders); they are marked as drawn too (as `marking` says), so the
    /// budget is not spent on drawing one background in several orders. Return nothing to treat
    /// every sequence on its own.
    pub fn sample_distinct(
        &self,
        grammar: &Grammar,
        config: &SampleConfig,
        trie: &mut DrawTrie,
        equivalents: &mut dyn FnMut(&[TokenId]) -> Vec<Vec<TokenId>>,
        marking: OrderMarking,
        device: &Device,
    ) -> Result<Distinct> {
        config.check()?;
        let mut out = Distinct::default();
        let mut index = 0usize;
        while out.draws < config.count && !trie.is_exhausted(DrawTrie::ROOT) {
            let grow = usize::try_from(trie.finished()).unwrap_or(usize::MAX).max(1);
            let n = config.batch_size.min(grow).min(config.count - out.draws);
            let drawn = self.decode_batch(grammar, config, index, n, Some(&mut *trie), device)?;
            let others: Vec<Vec<TokenId>> = drawn.iter().flat_map(|(_, t, _)| equivalents(t)).collect();
            match marking {
                OrderMarking::Exact => self.finish_sequences(grammar, config, trie, &others, device)?,
                OrderMarking::Unpriced => self.mark_sequences(grammar, trie, &others),
            }
            for (row, t, value) in drawn {
                out.sequences.push((out.draws + row, t));
                out.values.push(value);
            }
            out.draws += n;
            index += 1;
        }
        Ok(out)
    }

    /// Marks `sequences` (complete backgrounds without `END`) as drawn in `trie` without the
    /// network ([`OrderMarking::Unpriced`]). A sequence the grammar refuses, beyond the context, or
    /// under an exhausted prefix is skipped.
    fn mark_sequences(&self, grammar: &Grammar, trie: &mut DrawTrie, sequences: &[Vec<TokenId>]) {
        let max_tokens = self.config().max_decoder_len.saturating_sub(1);
        let mut mask = BitMask::new(self.config().vocab_size);
        'sequence: for seq in sequences.iter().filter(|s| s.len() < max_tokens) {
            let mut state = grammar.initial_state();
            let mut node = DrawTrie::ROOT;
            for &t in seq.iter().chain(std::iter::once(&END)) {
                if trie.is_exhausted(node) {
                    continue 'sequence;
                }
                grammar.valid_next_into(&state, &mut mask);
                if !mask.contains(t) {
                    continue 'sequence;
                }
                node = trie.mark(node, u32::from(t.0), mask.count() as u32);
                if t != END && grammar.push(&mut state, t).is_err() {
                    continue 'sequence;
                }
            }
            trie.finish(node);
        }
    }

    /// Marks `sequences` (complete backgrounds without `END`) as drawn in `trie`. The steps not
    /// yet in the trie get their probabilities from one forward pass per batch (teacher forcing:
    /// the decoder sees `SEP` + the sequence, position `j` gives the policy of token `j`). A
    /// sequence the grammar refuses, beyond the context, or under an exhausted prefix is skipped.
    fn finish_sequences(
        &self,
        grammar: &Grammar,
        config: &SampleConfig,
        trie: &mut DrawTrie,
        sequences: &[Vec<TokenId>],
        device: &Device,
    ) -> Result<()> {
        let max_tokens = self.config().max_decoder_len.saturating_sub(1);
        let mut need: Vec<&Vec<TokenId>> = Vec::new();
        for seq in sequences.iter().filter(|s| s.len() < max_tokens) {
            // Sequences whose every step is already in the trie need no network call.
            let mut node = Some(DrawTrie::ROOT);
            for &t in seq.iter().chain(std::iter::once(&END)) {
                node = node.and_then(|n| trie.child(n, u32::from(t.0)));
            }
            match node {
                Some(n) => {
                    trie.finish(n);
                }
                None => need.push(seq),
            }
        }
        let vocab = self.config().vocab_size;
        let inv_t = 1.0 / config.temperature;
        let mut mask = BitMask::new(vocab);
        for chunk in need.chunks(config.batch_size) {
            let items: Vec<(&[TokenId], &[TokenId])> =
                chunk.iter().map(|s| (grammar.signal_tokens(), s.as_slice())).collect();
            let batch = crate::DecoderBatch::new(self.config(), &items)?;
            let (logits, _) = self.forward(&batch, device);
            let logits = read_f32(logits)?;
            let width = batch.decoder_len;
            'sequence: for (i, seq) in chunk.iter().enumerate() {
                let mut state = grammar.initial_state();
                let mut node = DrawTrie::ROOT;
                for (j, &t) in seq.iter().chain(std::iter::once(&END)).enumerate() {
                    if trie.is_exhausted(node) {
                        continue 'sequence;
                    }
                    grammar.valid_next_into(&state, &mut mask);
                    if !mask.contains(t) {
                        continue 'sequence;
                    }
                    let row = &logits[(i * width + j) * vocab..(i * width + j + 1) * vocab];
                    let max = mask.iter().map(|k| row[usize::from(k.0)]).fold(f32::NEG_INFINITY, f32::max);
                    let total: f32 = mask.iter().map(|k| ((row[usize::from(k.0)] - max) * inv_t).exp()).sum();
                    let p = ((row[usize::from(t.0)] - max) * inv_t).exp() / total;
                    node = trie.descend(node, u32::from(t.0), f64::from(p), mask.count() as u32);
                    if t != END && grammar.push(&mut state, t).is_err() {
                        continue 'sequence;
                    }
                }
                trie.finish(node);
            }
        }
        Ok(())
    }

    /// Decodes `n` sequences together with stream `index` of the seed; with a trie, draws without
    /// replacement and keeps only sequences new to it. Returns the complete sequences with their
    /// rows and values (the value head at the position that chose `END`: it has seen the whole
    /// background).
    fn decode_batch(
        &self,
        grammar: &Grammar,
        config: &SampleConfig,
        index: usize,
        n: usize,
        mut trie: Option<&mut DrawTrie>,
        device: &Device,
    ) -> Result<Vec<(usize, Vec<TokenId>, f32)>> {
        let vocab = self.config().vocab_size;
        self.config().check_vocabulary(grammar.vocab())?;
        // A sequence still open when the decoder's context is full cannot be completed: it is
        // dropped. Grammars whose longest background does not fit (deep chains) still sample.
        let max_tokens = self.config().max_decoder_len.saturating_sub(1);
        let inv_t = 1.0 / config.temperature;
        let mut mask = BitMask::new(vocab);
        let mut probs = vec![0.0f32; vocab];
        let mut policy: Vec<(u32, f64)> = Vec::with_capacity(vocab);
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        rng.set_stream(index as u64);
        let items = vec![(grammar.signal_tokens(), &[][..]); n];
        let batch = crate::DecoderBatch::new(self.config(), &items)?;
        let mut decode = self.start_decoding(&batch, device);
        let mut states = vec![grammar.initial_state(); n];
        let mut tokens: Vec<Vec<TokenId>> = vec![Vec::new(); n];
        let mut nodes = vec![DrawTrie::ROOT; n];
        let mut complete = vec![true; n];
        let mut values = vec![0.0f32; n];
        // `active[r]` = the sequence decoded in row `r` of the (shrinking) decoder batch.
        let mut active: Vec<usize> = (0..n).collect();
        let mut feed = vec![SEP; n];
        while !active.is_empty() {
            let (logits, step_values) = self.decode_step(&mut decode, &feed, device)?;
            let logits = read_f32(logits)?;
            let step_values = read_f32(step_values)?;
            let mut keep = Vec::with_capacity(active.len());
            feed.clear();
            for (row, (&i, logits)) in active.iter().zip(logits.chunks(vocab)).enumerate() {
                grammar.valid_next_into(&states[i], &mut mask);
                let max = mask.iter().map(|t| logits[usize::from(t.0)]).fold(f32::NEG_INFINITY, f32::max);
                let mut total = 0.0f32;
                for t in mask.iter() {
                    let p = ((logits[usize::from(t.0)] - max) * inv_t).exp();
                    probs[usize::from(t.0)] = p;
                    total += p;
                }
                let u = rng.random::<f32>();
                let chosen = match trie.as_deref_mut() {
                    None => {
                        let mut left = u * total;
                        let mut chosen = None;
                        for t in mask.iter() {
                            chosen = Some(t);
                            left -= probs[usize::from(t.0)];
                            if left <= 0.0 {
                                break;
                            }
                        }
                        chosen
                    }
                    Some(trie) => {
                        policy.clear();
                        policy.extend(
                            mask.iter().map(|t| (u32::from(t.0), f64::from(probs[usize::from(t.0)] / total))),
                        );
                        match trie.draw(nodes[i], &policy, f64::from(u)) {
                            // Every continuation was finished by other rows meanwhile.
                            None => {
                                complete[i] = false;
                                continue;
                            }
                            Some((t, p)) => {
                                nodes[i] = trie.descend(nodes[i], t, p, policy.len() as u32);
                                Some(TokenId(t as u16))
                            }
                        }
                    }
                };
                let Some(t) = chosen else {
                    return Err(Error::InvalidConfig(format!(
                        "the grammar allows no token after {:?}",
                        tokens[i]
                    )));
                };
                if t == END {
                    values[i] = step_values[row];
                    if let Some(trie) = trie.as_deref_mut() {
                        // Another row of this batch may have finished the same sequence.
                        complete[i] = trie.finish(nodes[i]);
                    }
                    continue;
                }
                grammar.push(&mut states[i], t)?;
                tokens[i].push(t);
                if tokens[i].len() < max_tokens {
                    keep.push(row);
                    feed.push(t);
                } else {
                    complete[i] = false;
                    if let Some(trie) = trie.as_deref_mut() {
                        // Beyond the context: a dead end, never to be entered again.
                        trie.finish(nodes[i]);
                    }
                }
            }
            if keep.len() < active.len() && !keep.is_empty() {
                decode.retain(&keep, device)?;
            }
            active = keep.iter().map(|&row| active[row]).collect();
        }
        Ok(tokens
            .into_iter()
            .zip(complete)
            .zip(values)
            .enumerate()
            .filter_map(|(row, ((t, c), v))| c.then_some((row, t, v)))
            .collect())
    }
}
