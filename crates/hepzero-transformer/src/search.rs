//! The network as the leaf evaluator of `hepzero-mcts` (AlphaZero, Silver et al., Science 362
//! (2018) 1140): a whole batch of search states in one forward pass, priors soft-maxed over the
//! grammar's valid next tokens, values from the value head (already in the search's `[0, 1]`).

use crate::{PolicyValueNet, Query};
use burn::tensor::Device;
use hepzero_mcts::{Evaluation, Evaluator};
use hepzero_tokens::TokenId;

/// What the network needs to know about one search state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateQuery {
    /// The signal's tokens.
    pub signal: Vec<TokenId>,
    /// The background so far.
    pub background: Vec<TokenId>,
    /// The grammar's valid next tokens (`BitMask::words()`).
    pub valid: Vec<u64>,
}

/// Evaluates search states of type `S` with a network; `describe` maps a state to its query.
pub struct NetEvaluator<'a, F> {
    net: &'a PolicyValueNet,
    device: Device,
    describe: F,
}

impl<'a, F> NetEvaluator<'a, F> {
    /// Wraps `net` (on `device`); `describe` turns a search state into the network's input.
    pub fn new(net: &'a PolicyValueNet, device: Device, describe: F) -> Self {
        Self { net, device, describe }
    }
}

impl<S, F> Evaluator<S> for NetEvaluator<'_, F>
where
    F: Fn(&S) -> StateQuery + Sync,
{
    fn evaluate(&self, states: &[S], out: &mut Evaluation) -> hepzero_mcts::Result<()> {
        let described: Vec<StateQuery> = states.iter().map(&self.describe).collect();
        let queries: Vec<Query<'_>> = described
            .iter()
            .map(|d| Query { signal: &d.signal, background: &d.background, valid: &d.valid })
            .collect();
        let evaluated = self
            .net
            .evaluate(&queries, &self.device)
            .map_err(|e| hepzero_mcts::Error::Evaluator(e.to_string()))?;
        if out.num_actions != evaluated.num_tokens {
            return Err(hepzero_mcts::Error::Evaluator(format!(
                "the search has {} actions, the network {} tokens",
                out.num_actions, evaluated.num_tokens
            )));
        }
        out.priors.copy_from_slice(&evaluated.priors);
        out.values.copy_from_slice(&evaluated.values);
        Ok(())
    }
}
