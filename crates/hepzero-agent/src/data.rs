//! Training examples for the network from what the searches found: a background above threshold
//! becomes a supervised example (its tokens as the policy target), a self-play game an AlphaZero
//! example (the root visit distributions as soft policy targets). Both carry a value target.
//!
//! Values: rewards span `1e-9 .. 10` and the value head's output is in `[0, 1]`, so the target is
//! the reward's decade above the reporting threshold, `log10(R / threshold) / log10(10 / threshold)`
//! clamped to `[0, 1]`: 0 for anything below threshold, 1 for R >= 10. One fixed scale for every
//! signal, so values of different signals mean the same thing.

use crate::Result;
use hepzero_finder::Ranking;
use hepzero_mcts::Episode;
use hepzero_tokens::{END, Grammar};
use hepzero_transformer::Example;

/// The largest reward the value scale resolves.
pub const VALUE_CEILING: f64 = 10.0;

/// The value target of a reward `r` for a reporting threshold `threshold`.
pub fn value_target(r: f64, threshold: f64) -> f32 {
    if r.is_nan() || r < threshold || threshold <= 0.0 {
        return 0.0;
    }
    ((r / threshold).log10() / (VALUE_CEILING / threshold).log10()).clamp(0.0, 1.0) as f32
}

/// One supervised example per background of `ranking` (the signal's tokens, the background's
/// tokens without `END`, weight 1: every background above threshold is equally worth finding).
pub fn ranking_examples(grammar: &Grammar, ranking: &Ranking) -> Result<Vec<Example>> {
    let pairs = ranking.backgrounds.iter().map(|b| (b.background.as_str(), b.reward));
    background_examples(grammar, pairs, ranking.threshold)
}

/// [`ranking_examples`] for `(background in canonical form, reward)` pairs.
pub fn background_examples<'a>(
    grammar: &Grammar,
    backgrounds: impl IntoIterator<Item = (&'a str, f64)>,
    threshold: f64,
) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for (text, reward) in backgrounds {
        let mut tokens = grammar.background_tokens(&grammar.parse_background(text)?);
        tokens.retain(|&t| t != END);
        out.push(Example::new(
            grammar.signal_tokens().to_vec(),
            tokens,
            1.0,
            value_target(reward, threshold),
        ));
    }
    Ok(out)
}

/// The AlphaZero example of a self-play game on `grammar`'s signal.
pub fn episode_example(grammar: &Grammar, episode: &Episode, threshold: f64) -> Result<Example> {
    Ok(Example::from_episode(
        grammar.signal_tokens().to_vec(),
        episode,
        value_target(episode.reward, threshold),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_scale_is_decades_above_threshold() {
        assert_eq!(value_target(1e-4, 1e-3), 0.0);
        assert_eq!(value_target(1e-3, 1e-3), 0.0);
        assert!((value_target(1e-1, 1e-3) - 0.5).abs() < 1e-6);
        assert_eq!(value_target(10.0, 1e-3), 1.0);
        assert_eq!(value_target(1e3, 1e-3), 1.0);
        assert_eq!(value_target(f64::NAN, 1e-3), 0.0);
    }
}
