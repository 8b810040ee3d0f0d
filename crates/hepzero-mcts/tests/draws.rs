//! Searches whose playouts draw without replacement (`Search::attach_draws`): every simulation builds
//! a sequence never built before, until the space is enumerated and the search stops.

use hepzero_mcts::synthetic::TargetPathGame;
use hepzero_mcts::{ActionMask, DrawTrie, Environment, Search, SearchConfig, UniformEvaluator};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;
use std::sync::Mutex;

fn config(batch_size: usize) -> SearchConfig {
    SearchConfig { batch_size, record_terminals: true, ..SearchConfig::default() }
}

/// Branching 3, depth 4: 81 sequences. Without transpositions every terminal record is one
/// sequence, so `terminals()` counts the distinct sequences built.
#[test]
fn each_simulation_builds_a_new_sequence_until_the_space_is_enumerated() {
    let g = TargetPathGame::new(3, 4, 1).unwrap();
    for batch in [1, 8] {
        let mut s = Search::new(&g, config(batch), ChaCha8Rng::seed_from_u64(3)).unwrap();
        s.attach_draws(DrawTrie::new()).unwrap();
        for budget in [1u64, 10, 40] {
            let before = s.stats().simulations;
            s.run(&UniformEvaluator, budget - before).unwrap();
            let sims = s.stats().simulations;
            assert_eq!(sims, budget, "batch {batch}");
            assert_eq!(s.terminals().count() as u64, sims, "batch {batch}: a sequence was built twice");
            assert_eq!(s.draws().unwrap().finished(), sims);
            assert!(!s.is_exhausted());
        }
        // A budget far above the space: the search stops once all 81 are built.
        s.run(&UniformEvaluator, 10_000).unwrap();
        assert_eq!(s.stats().simulations, 81, "batch {batch}");
        assert_eq!(s.terminals().count(), 81);
        assert!(s.is_exhausted());
        assert_eq!(s.draws().unwrap().untaken(), 0.0);
        // An exhausted root stops at once, and offers no move.
        s.run(&UniformEvaluator, 100).unwrap();
        assert_eq!(s.stats().simulations, 81);
        assert_eq!(s.choose_action(1.0), None);
    }
    // Without the trie the same budget repeats sequences (the property above is not free).
    let mut plain = Search::new(&g, config(1), ChaCha8Rng::seed_from_u64(3)).unwrap();
    plain.run(&UniformEvaluator, 81).unwrap();
    assert!(plain.terminals().count() < 81, "{}", plain.terminals().count());
}

#[test]
fn episodes_sharing_one_trie_never_repeat_a_sequence_and_never_play_into_an_exhausted_subtree() {
    let g = TargetPathGame::new(3, 4, 2).unwrap();
    let mut trie = DrawTrie::new();
    let mut all: BTreeSet<Vec<u32>> = BTreeSet::new();
    let mut total = 0u64;
    for episode in 0..100u64 {
        let mut s = Search::new(&g, config(1), ChaCha8Rng::seed_from_u64(episode)).unwrap();
        s.attach_draws(trie).unwrap();
        if s.is_exhausted() {
            trie = s.detach_draws().unwrap();
            break;
        }
        while !s.root_is_terminal() && !s.is_exhausted() {
            s.run(&UniformEvaluator, 1).unwrap();
            let Some(a) = s.choose_action(1.0) else { break };
            s.advance(a).unwrap();
            assert!(!s.is_exhausted(), "episode {episode} played into an exhausted subtree");
        }
        total += s.stats().simulations;
        for t in s.terminals() {
            assert!(all.insert(t.tokens.clone()), "episode {episode} rebuilt {:?}", t.tokens);
        }
        trie = s.detach_draws().unwrap();
    }
    assert_eq!(total, 81);
    assert_eq!(all.len(), 81);
    assert!(trie.is_exhausted(DrawTrie::ROOT));
}

/// Three picks from {0, 1, 2, 3}, the playout policy favouring high items (p ~ a + 1); a complete
/// pick is known by its sorted multiset (20 of them for 64 sequences), its transposition key. Every
/// sequence whose reward is asked for is logged.
struct Picks {
    log: Mutex<Vec<Vec<u32>>>,
    /// Whether the other orders of a pick are offered as equivalent sequences.
    orders: bool,
}

impl Environment for Picks {
    type State = Vec<u32>;
    fn num_actions(&self) -> usize {
        4
    }
    fn initial_state(&self) -> Vec<u32> {
        Vec::new()
    }
    fn legal_actions(&self, state: &Vec<u32>, mask: &mut ActionMask) {
        if state.len() < 3 {
            mask.set_all();
        }
    }
    fn apply(&self, state: &mut Vec<u32>, action: u32) {
        state.push(action);
    }
    fn is_terminal(&self, state: &Vec<u32>) -> bool {
        state.len() >= 3
    }
    fn terminal_reward(&self, state: &Vec<u32>) -> f64 {
        self.log.lock().unwrap().push(state.clone());
        f64::from(state.iter().sum::<u32>()) + 1e-3
    }
    fn transposition_key(&self, state: &Vec<u32>) -> Option<u64> {
        (state.len() == 3).then(|| {
            let mut s = state.clone();
            s.sort_unstable();
            u64::from(s[0] * 16 + s[1] * 4 + s[2])
        })
    }
    fn playout_policy(&self, _state: &Vec<u32>, mask: &ActionMask, out: &mut Vec<(u32, f64)>) -> bool {
        out.extend(mask.iter().map(|a| (a, f64::from(a + 1) / 10.0)));
        true
    }
    fn equivalent_sequences(&self, state: &Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if !self.orders {
            return;
        }
        let [a, b, c] = [state[0], state[1], state[2]];
        let all: BTreeSet<Vec<u32>> =
            [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]].map(Vec::from).into();
        out.extend(all.into_iter().filter(|v| v != state));
    }
}

#[test]
fn with_a_playout_policy_and_transpositions_no_sequence_is_scored_twice_and_every_multiset_is_found() {
    let env = Picks { log: Mutex::new(Vec::new()), orders: false };
    let mut s = Search::new(&env, config(1), ChaCha8Rng::seed_from_u64(5)).unwrap();
    s.attach_draws(DrawTrie::new()).unwrap();
    s.run(&UniformEvaluator, 1000).unwrap();
    assert!(s.is_exhausted());
    assert_eq!(s.terminals().count(), 20);
    assert_eq!(s.draws().unwrap().untaken(), 0.0);
    drop(s);
    let log = env.log.into_inner().unwrap();
    let distinct: BTreeSet<&Vec<u32>> = log.iter().collect();
    assert_eq!(distinct.len(), log.len(), "a sequence was built twice");
    assert!(log.len() <= 64);
    // Every multiset reached (orders linked by transposition count as drawn without a playout).
    let multisets: BTreeSet<Vec<u32>> = log
        .iter()
        .map(|v| {
            let mut v = v.clone();
            v.sort_unstable();
            v
        })
        .collect();
    assert_eq!(multisets.len(), 20);
}

#[test]
fn equivalent_orders_are_marked_drawn_so_each_multiset_is_built_exactly_once() {
    let env = Picks { log: Mutex::new(Vec::new()), orders: true };
    let mut s = Search::new(&env, config(1), ChaCha8Rng::seed_from_u64(8)).unwrap();
    s.attach_draws(DrawTrie::new()).unwrap();
    s.run(&UniformEvaluator, 1000).unwrap();
    assert!(s.is_exhausted());
    assert_eq!(s.stats().simulations, 20);
    assert_eq!(s.draws().unwrap().finished(), 64);
    drop(s);
    let log = env.log.into_inner().unwrap();
    let multisets: BTreeSet<Vec<u32>> = log
        .iter()
        .map(|v| {
            let mut v = v.clone();
            v.sort_unstable();
            v
        })
        .collect();
    assert_eq!(log.len(), 20, "{log:?}");
    assert_eq!(multisets.len(), 20);
}
