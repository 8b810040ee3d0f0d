//! Drawing action sequences **without replacement** from a sequential policy: a trie of the
//! prefixes already drawn, each node carrying the fraction of its probability mass already taken.
//!
//! This is the incremental scheme of Shi, Bieber and Singh, "Incremental Sampling Without
//! Replacement for Sequence Models" (ICML 2020, arXiv:2002.09067): when a complete sequence is
//! drawn, its probability (conditional on each ancestor) is subtracted from every ancestor, and the
//! next draw weights each action `a` at node `n` by `p(a | n) x (1 - taken(child))`. The next draw
//! then follows the policy conditioned on "not drawn before", so `k` draws give `k` distinct
//! sequences, most probable first on average. The finder's product is the *set* of backgrounds
//! above threshold, so a second draw of a known background is a wasted budget unit: the agent's
//! sampler and the pure search's playouts use this to spend every unit on a new sequence.
//!
//! A node is **exhausted** when every sequence below it has been drawn (a finished leaf, or all of
//! its legal actions exhausted). Exhaustion is tracked by counting, independently of the floating
//! masses, so a subtree is never re-entered once complete even if rounding leaves a residue.

use rustc_hash::FxHashMap;

/// Index of a node of a [`DrawTrie`]; [`DrawTrie::ROOT`] is the empty prefix.
pub type NodeId = u32;

/// The probability of a step marked without the policy (counts as no mass until priced).
const UNPRICED: f64 = -1.0;

#[derive(Clone, Debug)]
struct Node {
    parent: NodeId,
    /// `p(this action | parent prefix)` under the drawing policy, fixed when first known;
    /// [`UNPRICED`] for a node made by [`DrawTrie::mark`] that no draw has entered yet.
    prob: f64,
    /// Fraction of this node's own (conditional) mass already drawn, in `[0, 1]`.
    taken: f64,
    /// Legal actions not yet exhausted; `u32::MAX` until the node's legal count is known.
    open: u32,
    exhausted: bool,
}

/// The prefixes drawn so far and their taken mass (see the module documentation).
#[derive(Clone, Debug)]
pub struct DrawTrie {
    nodes: Vec<Node>,
    children: FxHashMap<(NodeId, u32), NodeId>,
    finished: u64,
}

impl Default for DrawTrie {
    fn default() -> Self {
        Self::new()
    }
}

impl DrawTrie {
    /// The empty prefix.
    pub const ROOT: NodeId = 0;

    /// A trie with nothing drawn.
    pub fn new() -> Self {
        let root = Node { parent: Self::ROOT, prob: 1.0, taken: 0.0, open: u32::MAX, exhausted: false };
        Self { nodes: vec![root], children: FxHashMap::default(), finished: 0 }
    }

    /// Nodes stored (prefixes drawn so far, the root included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when nothing but the root is stored.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    /// Distinct sequences finished (complete draws and dead ends).
    pub fn finished(&self) -> u64 {
        self.finished
    }

    /// The child of `node` by `action`, if it was ever drawn.
    pub fn child(&self, node: NodeId, action: u32) -> Option<NodeId> {
        self.children.get(&(node, action)).copied()
    }

    /// The factor by which the policy's probability of `action` at `node` is multiplied for the
    /// next draw: `1 - taken` of the child, 0 once it is exhausted, 1 if it was never drawn.
    pub fn remaining(&self, node: NodeId, action: u32) -> f64 {
        match self.child(node, action) {
            None => 1.0,
            Some(c) => {
                let c = &self.nodes[c as usize];
                if c.exhausted { 0.0 } else { (1.0 - c.taken).max(0.0) }
            }
        }
    }

    /// True when every sequence below `node` has been drawn.
    pub fn is_exhausted(&self, node: NodeId) -> bool {
        self.nodes[node as usize].exhausted
    }

    /// The policy mass not yet drawn (1 at the start, 0 when the whole space is drawn).
    pub fn untaken(&self) -> f64 {
        let root = &self.nodes[0];
        if root.exhausted { 0.0 } else { (1.0 - root.taken).max(0.0) }
    }

    /// Steps from `node` by `action`, creating the child on first use. `prob` is the policy's
    /// `p(action | node)` (unadjusted; recorded when the child is created, or entered for the first
    /// time after [`DrawTrie::mark`] made it) and `legal` the number
    /// of legal actions at `node` (recorded the first time `node` is left).
    pub fn descend(&mut self, node: NodeId, action: u32, prob: f64, legal: u32) -> NodeId {
        let parent = &mut self.nodes[node as usize];
        if parent.open == u32::MAX {
            parent.open = legal;
        }
        if let Some(c) = self.child(node, action) {
            let child = &mut self.nodes[c as usize];
            if child.prob < 0.0 {
                child.prob = prob.clamp(0.0, 1.0);
            }
            return c;
        }
        self.push_child(node, action, prob.clamp(0.0, 1.0))
    }

    /// Steps from `node` by `action` like [`DrawTrie::descend`], but without the policy's
    /// probability: a step made here carries no mass until a draw enters it (which records the
    /// probability from then on). For marking sequences as drawn without evaluating the policy
    /// (e.g. other orderings of a drawn result that the policy rarely writes): they are never
    /// drawn again, but the mass they hold is not subtracted from their ancestors, so later draws
    /// follow the conditioned policy only approximately.
    pub fn mark(&mut self, node: NodeId, action: u32, legal: u32) -> NodeId {
        let parent = &mut self.nodes[node as usize];
        if parent.open == u32::MAX {
            parent.open = legal;
        }
        match self.child(node, action) {
            Some(c) => c,
            None => self.push_child(node, action, UNPRICED),
        }
    }

    fn push_child(&mut self, node: NodeId, action: u32, prob: f64) -> NodeId {
        let id = NodeId::try_from(self.nodes.len()).unwrap_or(NodeId::MAX);
        self.nodes.push(Node { parent: node, prob, taken: 0.0, open: u32::MAX, exhausted: false });
        self.children.insert((node, action), id);
        id
    }

    /// Marks `node` as a finished sequence (a complete draw, or a dead end that can never complete):
    /// its whole mass counts as drawn and is subtracted from its ancestors, and exhaustion propagates
    /// upwards. Returns `false` (and changes nothing) if it was already finished.
    pub fn finish(&mut self, node: NodeId) -> bool {
        if self.nodes[node as usize].exhausted {
            return false;
        }
        self.finished += 1;
        let mut delta = 1.0 - self.nodes[node as usize].taken;
        let mut newly_exhausted = true;
        let mut current = node;
        {
            let n = &mut self.nodes[current as usize];
            n.taken = 1.0;
            n.exhausted = true;
        }
        while current != Self::ROOT {
            let (parent, prob) = {
                let n = &self.nodes[current as usize];
                (n.parent, n.prob)
            };
            delta *= prob.max(0.0);
            let p = &mut self.nodes[parent as usize];
            p.taken = (p.taken + delta).min(1.0);
            if newly_exhausted {
                p.open = p.open.saturating_sub(1);
                newly_exhausted = p.open == 0 && !p.exhausted;
                if newly_exhausted {
                    p.exhausted = true;
                    p.taken = 1.0;
                }
            }
            current = parent;
        }
        true
    }

    /// Draws one action at `node` from `probs` (the policy's `(action, p)` over the legal actions,
    /// `p` summing to one) conditioned on not repeating a finished sequence, with `u` uniform in
    /// `[0, 1)`. Returns the action and its unadjusted probability, or `None` when every legal
    /// action is exhausted.
    pub fn draw(&self, node: NodeId, probs: &[(u32, f64)], u: f64) -> Option<(u32, f64)> {
        let weight = |&(a, p): &(u32, f64)| p * self.remaining(node, a);
        let total: f64 = probs.iter().map(weight).sum();
        if total > 0.0 {
            let mut left = u * total;
            let mut last = None;
            for entry in probs {
                let w = weight(entry);
                if w > 0.0 {
                    last = Some(*entry);
                    left -= w;
                    if left <= 0.0 {
                        break;
                    }
                }
            }
            return last;
        }
        // Rounding can leave every open child with zero weight (tiny masses): draw uniformly among
        // the actions that are not exhausted.
        let open: Vec<&(u32, f64)> = probs
            .iter()
            .filter(|(a, _)| self.child(node, *a).is_none_or(|c| !self.is_exhausted(c)))
            .collect();
        if open.is_empty() {
            return None;
        }
        let k = ((u * open.len() as f64) as usize).min(open.len() - 1);
        Some(*open[k])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A depth-3 binary tree whose leaf probabilities are products of edge probabilities.
    fn policy(depth: usize) -> Vec<(u32, f64)> {
        let p = [0.7, 0.2, 0.6][depth];
        vec![(0, p), (1, 1.0 - p)]
    }

    fn draw_once(trie: &mut DrawTrie, rng: &mut ChaCha8Rng) -> Option<Vec<u32>> {
        let mut node = DrawTrie::ROOT;
        let mut path = Vec::new();
        for depth in 0..3 {
            let probs = policy(depth);
            let (a, p) = trie.draw(node, &probs, rng.random::<f64>())?;
            node = trie.descend(node, a, p, 2);
            path.push(a);
        }
        assert!(trie.finish(node), "a repeated sequence: {path:?}");
        Some(path)
    }

    #[test]
    fn eight_draws_enumerate_the_eight_leaves_then_stop() {
        let mut trie = DrawTrie::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..8 {
            seen.insert(draw_once(&mut trie, &mut rng).expect("space not exhausted yet"));
        }
        assert_eq!(seen.len(), 8);
        assert!(trie.is_exhausted(DrawTrie::ROOT));
        assert_eq!(trie.untaken(), 0.0);
        assert!(draw_once(&mut trie, &mut rng).is_none());
    }

    #[test]
    fn second_draw_follows_the_policy_conditioned_on_the_first() {
        // P(second = s | first = f) = p(s) / (1 - p(f)); averaged over first draws this gives
        // P(second = s) = sum_f p(f) p(s) / (1 - p(f)) for s != f.
        let leaf = |b: [u32; 3]| -> f64 {
            (0..3).map(|d| if b[d] == 0 { policy(d)[0].1 } else { policy(d)[1].1 }).product()
        };
        let leaves: Vec<[u32; 3]> = (0..8).map(|i| [i >> 2 & 1, i >> 1 & 1, i & 1]).collect();
        let expected: Vec<f64> = leaves
            .iter()
            .map(|&s| leaves.iter().filter(|&&f| f != s).map(|&f| leaf(f) * leaf(s) / (1.0 - leaf(f))).sum())
            .collect();
        let n = 40_000;
        let mut counts = [0usize; 8];
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..n {
            let mut trie = DrawTrie::new();
            draw_once(&mut trie, &mut rng);
            let second = draw_once(&mut trie, &mut rng).expect("second draw");
            counts[(second[0] * 4 + second[1] * 2 + second[2]) as usize] += 1;
        }
        for (i, (&c, &e)) in counts.iter().zip(&expected).enumerate() {
            let f = c as f64 / n as f64;
            let sigma = (e * (1.0 - e) / n as f64).sqrt();
            assert!((f - e).abs() < 5.0 * sigma + 1e-4, "leaf {i}: {f} vs {e}");
        }
    }

    #[test]
    fn a_marked_leaf_is_never_drawn_and_its_prefix_is_priced_by_the_first_draw_through_it() {
        let mut trie = DrawTrie::new();
        // Mark leaf [1, 1, 1] (probability 0.3 x 0.8 x 0.4) without the policy: no mass moves.
        let mut node = DrawTrie::ROOT;
        for _ in 0..3 {
            node = trie.mark(node, 1, 2);
        }
        assert!(trie.finish(node));
        assert_eq!(trie.untaken(), 1.0);
        // Enumerating the tree draws the other seven leaves and never the marked one.
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut seen = std::collections::BTreeSet::new();
        while let Some(path) = draw_once(&mut trie, &mut rng) {
            assert_ne!(path, vec![1, 1, 1]);
            assert!(seen.insert(path));
        }
        assert_eq!(seen.len(), 7);
        assert!(trie.is_exhausted(DrawTrie::ROOT));

        // Once a draw enters a marked step, the step has the policy's probability: finishing a
        // leaf below it subtracts that leaf's full mass from the root.
        let mut trie = DrawTrie::new();
        let marked = trie.mark(DrawTrie::ROOT, 0, 2);
        let entered = trie.descend(DrawTrie::ROOT, 0, 0.7, 2);
        assert_eq!(marked, entered);
        let a = trie.descend(entered, 0, 0.2, 2);
        let leaf = trie.descend(a, 0, 0.6, 2);
        trie.finish(leaf);
        assert!((trie.untaken() - (1.0 - 0.7 * 0.2 * 0.6)).abs() < 1e-12);
    }

    #[test]
    fn a_dead_end_is_never_entered_again() {
        let mut trie = DrawTrie::new();
        let a = trie.descend(DrawTrie::ROOT, 3, 0.5, 2);
        assert!(trie.finish(a));
        assert!(!trie.finish(a));
        assert_eq!(trie.remaining(DrawTrie::ROOT, 3), 0.0);
        assert!((trie.untaken() - 0.5).abs() < 1e-12);
        for k in 0..10 {
            let drawn = trie.draw(DrawTrie::ROOT, &[(3, 0.5), (4, 0.5)], k as f64 / 10.0);
            assert_eq!(drawn, Some((4, 0.5)));
        }
    }
}
