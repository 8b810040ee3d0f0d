//! Transpositions: two action orders that reach the same canonical state share one node and its
//! statistics. The game: choose `k` distinct items out of `n`; the state is the set chosen so far
//! (canonical key: its bit mask), the reward `10^(sum of the chosen items' scores - max)` is largest
//! for the `k` highest-scoring items (a unique optimum known by construction).

use hepzero_mcts::{ActionMask, Environment, Fpu, Search, SearchConfig, UniformEvaluator};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

struct SubsetGame {
    scores: Vec<f64>,
    k: u32,
}

impl Environment for SubsetGame {
    type State = u64;
    fn num_actions(&self) -> usize {
        self.scores.len()
    }
    fn initial_state(&self) -> u64 {
        0
    }
    fn legal_actions(&self, s: &u64, mask: &mut ActionMask) {
        if s.count_ones() < self.k {
            for a in 0..self.scores.len() as u32 {
                if s & (1 << a) == 0 {
                    mask.set(a);
                }
            }
        }
    }
    fn apply(&self, s: &mut u64, a: u32) {
        *s |= 1 << a;
    }
    fn is_terminal(&self, s: &u64) -> bool {
        s.count_ones() >= self.k
    }
    fn terminal_reward(&self, s: &u64) -> f64 {
        let total: f64 = (0..self.scores.len()).filter(|a| s & (1 << a) != 0).map(|a| self.scores[a]).sum();
        10f64.powf(total - 3.0)
    }
    fn transposition_key(&self, s: &u64) -> Option<u64> {
        Some(*s)
    }
}

fn game() -> SubsetGame {
    // Best three: items 1, 4, 6 (scores 1.0, 0.9, 0.8) -> reward 10^(2.7-3).
    SubsetGame { scores: vec![0.1, 1.0, 0.3, 0.2, 0.9, 0.5, 0.8, 0.4], k: 3 }
}

fn cfg(transpositions: bool) -> SearchConfig {
    SearchConfig {
        transpositions,
        batch_size: 1,
        dirichlet_epsilon: 0.0,
        fpu: Fpu::ParentMinus(0.1),
        record_terminals: true,
        ..SearchConfig::default()
    }
}

#[test]
fn two_orders_share_one_node_and_its_statistics() {
    let g = game();
    let mut s = Search::new(&g, cfg(true), ChaCha8Rng::seed_from_u64(1)).unwrap();
    s.run(&UniformEvaluator, 3000).unwrap();
    let ab = s.node_id(&[1, 4]).expect("line 1,4 expanded");
    let ba = s.node_id(&[4, 1]).expect("line 4,1 expanded");
    assert_eq!(ab, ba, "both orders must lead to the same node");
    // The set {1,4} is reachable only through these two edges: its visits are their sum.
    let via_ab = s.edge_visits(&[1, 4]).unwrap();
    let via_ba = s.edge_visits(&[4, 1]).unwrap();
    assert!(via_ab > 0 && via_ba > 0);
    assert_eq!(s.node_visits(&[1, 4]).unwrap(), via_ab + via_ba);
    assert!(s.stats().transposition_hits > 0);
    // The optimum {1,4,6} was found; with transpositions there are at most C(8,3) = 56 distinct
    // terminal sets, and every one recorded is distinct.
    let best = s.best_terminal().unwrap();
    let mut set: Vec<u32> = best.tokens.clone();
    set.sort_unstable();
    assert_eq!(set, vec![1, 4, 6]);
    assert!(s.terminals().count() <= 56);
}

#[test]
fn without_transpositions_orders_are_separate_nodes_and_the_tree_is_larger() {
    let g = game();
    let mut with = Search::new(&g, cfg(true), ChaCha8Rng::seed_from_u64(1)).unwrap();
    let mut without = Search::new(&g, cfg(false), ChaCha8Rng::seed_from_u64(1)).unwrap();
    with.run(&UniformEvaluator, 2000).unwrap();
    without.run(&UniformEvaluator, 2000).unwrap();
    let (ab, ba) = (without.node_id(&[1, 4]), without.node_id(&[4, 1]));
    if let (Some(ab), Some(ba)) = (ab, ba) {
        assert_ne!(ab, ba);
    }
    assert_eq!(without.stats().transposition_hits, 0);
    // The whole game has 1 + 8 + 28 + 56 = 93 canonical states; with transpositions the graph can
    // never hold more nodes than that, the tree of ordered prefixes (1 + 8 + 56 + 336) can.
    assert!(with.num_nodes() <= 93, "{} nodes", with.num_nodes());
    assert!(without.num_nodes() > with.num_nodes());
}
