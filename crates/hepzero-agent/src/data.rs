//! Training examples for the network from what the searches found: a background above threshold
//! becomes a supervised example (its tokens as the policy target), a self-play game an AlphaZero
//! example (the root visit distributions as soft policy targets). Both carry a value target.
//!
//! Values: rewards span `1e-9 .. 10` and the value head's output is in `[0, 1]`, so the target is
//! the reward's place on a log scale over those decades, `log10(R / 1e-9) / 10` clamped to
//! `[0, 1]`. The reporting threshold sits inside the scale (1e-3 at 0.6), so the value head tells
//! a near-threshold background from a hopeless one and can screen draws before the reward
//! (`ProposeConfig::screen`). Backgrounds below threshold that the network drew are value-only
//! examples (policy weight 0): they teach the value head what not to score without teaching the
//! policy to draw them. One fixed scale for every signal, so values of different signals mean
//! the same thing.

use crate::Result;
use hepzero_finder::Ranking;
use hepzero_mcts::Episode;
use hepzero_tokens::{END, Grammar};
use hepzero_transformer::Example;

/// The largest reward the value scale resolves.
pub const VALUE_CEILING: f64 = 10.0;

/// The smallest reward the value scale resolves (value 0).
pub const VALUE_FLOOR: f64 = 1e-9;

/// The value target of a reward `r`: its decade on the log scale from [`VALUE_FLOOR`] (0) to
/// [`VALUE_CEILING`] (1), clamped; 0 for a reward that is not a positive number.
pub fn value_target(r: f64) -> f32 {
    if r.is_nan() || r <= 0.0 {
        return 0.0;
    }
    ((r / VALUE_FLOOR).log10() / (VALUE_CEILING / VALUE_FLOOR).log10()).clamp(0.0, 1.0) as f32
}

/// The reward a value stands for (the inverse of [`value_target`] inside the scale).
pub fn value_reward(value: f32) -> f64 {
    VALUE_FLOOR * (VALUE_CEILING / VALUE_FLOOR).powf(f64::from(value.clamp(0.0, 1.0)))
}

/// One supervised example per background of `ranking` (the signal's tokens, the background's
/// tokens without `END`, weight 1: every background above threshold is equally worth finding).
pub fn ranking_examples(grammar: &Grammar, ranking: &Ranking) -> Result<Vec<Example>> {
    let pairs = ranking.backgrounds.iter().map(|b| (b.background.as_str(), b.reward));
    background_examples(grammar, pairs, 1.0)
}

/// Examples of `(background in canonical form, reward)` pairs with policy weight
/// `policy_weight` (1 for backgrounds to learn to draw, 0 for value-only examples) and the
/// reward's value target.
pub fn background_examples<'a>(
    grammar: &Grammar,
    backgrounds: impl IntoIterator<Item = (&'a str, f64)>,
    policy_weight: f32,
) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for (text, reward) in backgrounds {
        let mut tokens = grammar.background_tokens(&grammar.parse_background(text)?);
        tokens.retain(|&t| t != END);
        out.push(Example::new(grammar.signal_tokens().to_vec(), tokens, policy_weight, value_target(reward)));
    }
    Ok(out)
}

/// The AlphaZero example of a self-play game on `grammar`'s signal.
pub fn episode_example(grammar: &Grammar, episode: &Episode) -> Result<Example> {
    Ok(Example::from_episode(grammar.signal_tokens().to_vec(), episode, value_target(episode.reward))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_scale_is_decades_from_1e_minus_9_to_10() {
        assert_eq!(value_target(1e-12), 0.0);
        assert_eq!(value_target(1e-9), 0.0);
        assert!((value_target(1e-3) - 0.6).abs() < 1e-6);
        assert!((value_target(1e-4) - 0.5).abs() < 1e-6);
        assert_eq!(value_target(10.0), 1.0);
        assert_eq!(value_target(1e3), 1.0);
        assert_eq!(value_target(f64::NAN), 0.0);
        assert_eq!(value_target(-1.0), 0.0);
        for r in [1e-9, 3.3e-5, 1e-3, 0.7, 10.0] {
            assert!((value_reward(value_target(r)) / r - 1.0).abs() < 1e-5, "{r}");
        }
    }
}
