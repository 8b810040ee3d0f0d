//! Sampling complete backgrounds for one signal from the masked policy, many sequences at once,
//! with the decoder's key/value cache so each token costs one decoder step (seed 000's agent draws
//! its candidate backgrounds this way).

use crate::eval::read_f32;
use crate::{Error, PolicyValueNet, Result};
use burn::tensor::Device;
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
        let vocab = self.config().vocab_size;
        self.config().check_vocabulary(grammar.vocab())?;
        // A sequence still open when the decoder's context is full cannot be completed: it is
        // dropped. Grammars whose longest background does not fit (deep chains) still sample.
        let max_tokens = self.config().max_decoder_len.saturating_sub(1);
        if config.batch_size == 0 || config.temperature.is_nan() || config.temperature <= 0.0 {
            return Err(Error::InvalidConfig(format!(
                "sampling needs batch_size > 0 and temperature > 0 (got {} and {})",
                config.batch_size, config.temperature
            )));
        }
        let inv_t = 1.0 / config.temperature;
        let mut out = Vec::with_capacity(config.count);
        let mut mask = BitMask::new(vocab);
        let mut probs = vec![0.0f32; vocab];
        for (index, start) in (0..config.count).step_by(config.batch_size).enumerate() {
            let n = config.batch_size.min(config.count - start);
            let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
            rng.set_stream(index as u64);
            let items = vec![(grammar.signal_tokens(), &[][..]); n];
            let batch = crate::DecoderBatch::new(self.config(), &items)?;
            let mut decode = self.start_decoding(&batch, device);
            let mut states = vec![grammar.initial_state(); n];
            let mut tokens: Vec<Vec<TokenId>> = vec![Vec::new(); n];
            let mut complete = vec![true; n];
            // `active[r]` = the sequence decoded in row `r` of the (shrinking) decoder batch.
            let mut active: Vec<usize> = (0..n).collect();
            let mut feed = vec![SEP; n];
            while !active.is_empty() {
                let (logits, _) = self.decode_step(&mut decode, &feed, device)?;
                let logits = read_f32(logits)?;
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
                    let mut u = rng.random::<f32>() * total;
                    let mut chosen = None;
                    for t in mask.iter() {
                        chosen = Some(t);
                        u -= probs[usize::from(t.0)];
                        if u <= 0.0 {
                            break;
                        }
                    }
                    let Some(t) = chosen else {
                        return Err(Error::InvalidConfig(format!(
                            "the grammar allows no token after {:?}",
                            tokens[i]
                        )));
                    };
                    if t != END {
                        grammar.push(&mut states[i], t)?;
                        tokens[i].push(t);
                        if tokens[i].len() < max_tokens {
                            keep.push(row);
                            feed.push(t);
                        } else {
                            complete[i] = false;
                        }
                    }
                }
                if keep.len() < active.len() && !keep.is_empty() {
                    decode.retain(&keep, device)?;
                }
                active = keep.iter().map(|&row| active[row]).collect();
            }
            out.extend(tokens.into_iter().zip(complete).filter_map(|(t, c)| c.then_some(t)));
        }
        Ok(out)
    }
}
