//! Properties of the network itself: causality, grammar masking, padding invisibility, key/value
//! cache equal to the full forward, checkpoints.

mod common;

use common::*;
use hepzero_backend::burn::tensor::{Device, Tensor};
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_tokens::{SEP, TokenId};
use hepzero_transformer::{DecoderBatch, Error, PolicyValueNet, Query, load_checkpoint, save_checkpoint};

fn cpu() -> Device {
    select_device(DeviceChoice::Cpu).expect("cpu").device
}

fn read<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")
}

const SIGNAL: &str = "B0 -> K+ pi- pi0";

#[test]
fn changing_a_later_token_never_changes_earlier_outputs() {
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNAL);
    let (background, _) = random_background(&g, &mut rng(1));
    assert!(background.len() >= 6, "{background:?}");
    let device = cpu();
    let net = small_net(vocab.len(), 3, &device);
    let config = net.config().clone();
    let cut = 4; // decoder positions 0..=cut see only SEP + background[..cut]
    let mut changed = background.clone();
    changed[cut] = TokenId(if changed[cut].0 == 12 { 13 } else { 12 });
    for later in changed.iter_mut().skip(cut + 1) {
        *later = TokenId((later.0 + 5) % vocab.len() as u16);
    }
    let outputs = |bg: &[TokenId]| {
        let batch = DecoderBatch::new(&config, &[(g.signal_tokens(), bg)]).expect("batch");
        let (logits, values) = net.forward(&batch, &device);
        (read(logits), read(values))
    };
    let (la, va) = outputs(&background);
    let (lb, vb) = outputs(&changed);
    let v = vocab.len();
    let earlier = (cut + 1) * v; // positions 0..=cut
    assert!(max_abs_diff(&la[..earlier], &lb[..earlier]) < 1e-6);
    assert!(max_abs_diff(&va[..=cut], &vb[..=cut]) < 1e-6);
    // ... and the changed tokens do change the later positions (the test can fail).
    assert!(max_abs_diff(&la[earlier..], &lb[earlier..]) > 1e-3);
}

#[test]
fn masked_policy_gives_zero_probability_to_invalid_tokens() {
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNAL);
    let device = cpu();
    let net = small_net(vocab.len(), 5, &device);
    let mut r = rng(2);
    let (background, masks) = random_background(&g, &mut r);
    // Every prefix of one background, evaluated as one padded batch.
    let queries: Vec<Query> = (0..=background.len())
        .map(|k| Query { signal: g.signal_tokens(), background: &background[..k], valid: &masks[k] })
        .collect();
    let out = net.evaluate(&queries, &device).expect("evaluate");
    assert_eq!(out.num_tokens, vocab.len());
    for (k, row) in out.priors.chunks(vocab.len()).enumerate() {
        let mut sum = 0.0f64;
        for (t, &p) in row.iter().enumerate() {
            let valid = (masks[k][t / 64] >> (t % 64)) & 1 == 1;
            if valid {
                assert!(p > 0.0, "prefix {k}: valid token {t} has probability {p}");
                sum += f64::from(p);
            } else {
                assert_eq!(p, 0.0, "prefix {k}: invalid token {t} has probability {p}");
            }
        }
        assert!((sum - 1.0).abs() < 1e-5, "prefix {k}: priors sum to {sum}");
    }
    assert!(out.values.iter().all(|v| (0.0..=1.0).contains(v)));
    // A mask that allows nothing is an error naming the item.
    let none = vec![0u64; masks[0].len()];
    let err = net
        .evaluate(&[Query { signal: g.signal_tokens(), background: &[], valid: &none }], &device)
        .unwrap_err();
    assert!(matches!(err, Error::BadMask { index: 0, .. }), "{err}");
}

#[test]
fn padding_is_invisible_a_prefix_alone_equals_it_in_a_batch() {
    let vocab = lhcb_vocab();
    let short = grammar(&vocab, "B0 -> K+ pi-");
    let long = grammar(&vocab, SIGNAL);
    let device = cpu();
    let net = small_net(vocab.len(), 6, &device);
    let (bg_short, m_short) = random_background(&short, &mut rng(3));
    let (bg_long, m_long) = random_background(&long, &mut rng(4));
    let q_short = Query { signal: short.signal_tokens(), background: &bg_short[..2], valid: &m_short[2] };
    let q_long = Query { signal: long.signal_tokens(), background: &bg_long, valid: &m_long[bg_long.len()] };
    let alone = net.evaluate(&[q_short], &device).expect("alone");
    let together = net.evaluate(&[q_long, q_short], &device).expect("batch");
    let v = vocab.len();
    assert!(max_abs_diff(&alone.priors, &together.priors[v..]) < 1e-5);
    assert!((alone.values[0] - together.values[1]).abs() < 1e-5);
}

#[test]
fn key_value_cache_decoding_equals_the_full_forward() {
    let vocab = lhcb_vocab();
    let device = cpu();
    let net = small_net(vocab.len(), 8, &device);
    let signals = [grammar(&vocab, SIGNAL), grammar(&vocab, "B0 -> K+ pi-")];
    let bgs: Vec<Vec<TokenId>> =
        signals.iter().zip([5, 6]).map(|(g, s)| random_background(g, &mut rng(s)).0).collect();
    let len = bgs.iter().map(Vec::len).min().unwrap_or(0);
    let items: Vec<(&[TokenId], &[TokenId])> =
        signals.iter().zip(&bgs).map(|(g, b)| (g.signal_tokens(), &b[..len])).collect();
    let batch = DecoderBatch::new(net.config(), &items).expect("batch");
    let (logits, values) = net.forward(&batch, &device);
    let (logits, values) = (read(logits), read(values));
    let v = vocab.len();
    let t = len + 1;
    let mut state = net.start_decoding(&batch, &device);
    for k in 0..t {
        let tokens: Vec<TokenId> = (0..2).map(|i| if k == 0 { SEP } else { bgs[i][k - 1] }).collect();
        let (step_logits, step_values) = net.decode_step(&mut state, &tokens, &device).expect("step");
        let (step_logits, step_values) = (read(step_logits), read(step_values));
        for i in 0..2 {
            let full = &logits[(i * t + k) * v..(i * t + k + 1) * v];
            let d = max_abs_diff(full, &step_logits[i * v..(i + 1) * v]);
            assert!(d < 1e-5, "item {i} position {k}: cached logits differ by {d}");
            assert!((values[i * t + k] - step_values[i]).abs() < 1e-5);
        }
    }
    assert_eq!(state.position(), t);
}

#[test]
fn save_then_load_gives_identical_outputs() {
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNAL);
    let device = cpu();
    let net = small_net(vocab.len(), 9, &device);
    let (background, masks) = random_background(&g, &mut rng(7));
    let query = [Query { signal: g.signal_tokens(), background: &background[..3], valid: &masks[3] }];
    let dir = tempfile::tempdir().expect("tempdir");
    save_checkpoint(&net, dir.path()).expect("save");
    let loaded = load_checkpoint(dir.path(), &device).expect("load");
    assert_eq!(loaded.config(), net.config());
    let a = net.evaluate(&query, &device).expect("eval");
    let b = loaded.evaluate(&query, &device).expect("eval");
    assert_eq!(a, b);
    let other = small_net(vocab.len(), 10, &device).evaluate(&query, &device).expect("eval");
    assert_ne!(a, other, "another seed must give another network");
    // A missing checkpoint names its file.
    let err = load_checkpoint(&dir.path().join("nope"), &device).unwrap_err().to_string();
    assert!(err.contains("config.json"), "{err}");
}

#[test]
fn the_network_can_be_shared_between_search_threads() {
    fn sync_and_send<T: Sync + Send>() {}
    sync_and_send::<PolicyValueNet>();
}

#[test]
fn inputs_beyond_the_context_or_vocabulary_are_refused() {
    let device = cpu();
    let net = small_net(30, 1, &device);
    let long = vec![TokenId(9); 100];
    let err =
        net.evaluate(&[Query { signal: &[TokenId(9)], background: &long, valid: &[u64::MAX] }], &device);
    assert!(matches!(err, Err(Error::TooLong { .. })));
    let err = net.evaluate(&[Query { signal: &[TokenId(31)], background: &[], valid: &[u64::MAX] }], &device);
    assert!(matches!(err, Err(Error::TokenOutOfRange { token: 31, .. })));
}

#[test]
fn sampled_backgrounds_are_complete_valid_and_reproducible() {
    use hepzero_transformer::SampleConfig;
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNAL);
    let device = cpu();
    let net = small_net(vocab.len(), 12, &device);
    let config = SampleConfig { count: 20, batch_size: 8, temperature: 1.0, seed: 5 };
    let samples = net.sample(&g, &config, &device).expect("sample");
    assert_eq!(samples.len(), 20);
    for s in &samples {
        let mut tokens = s.clone();
        tokens.push(hepzero_tokens::END);
        let state = g.run(&tokens).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert!(state.is_complete(), "{s:?}");
    }
    let distinct: std::collections::BTreeSet<_> = samples.iter().collect();
    assert!(distinct.len() > 1, "an untrained policy should not collapse to one background");
    assert_eq!(net.sample(&g, &config, &device).expect("sample"), samples);
}

#[test]
fn a_draws_value_is_the_value_head_on_the_whole_background() {
    // The value read while decoding (at the step that chose END) must be what a full forward pass
    // gives for the complete background: the screen before the reward trusts it.
    use hepzero_mcts::DrawTrie;
    use hepzero_transformer::{OrderMarking, SampleConfig};
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNAL);
    let device = cpu();
    let net = small_net(vocab.len(), 13, &device);
    let config = SampleConfig { count: 40, batch_size: 8, temperature: 1.0, seed: 9 };
    let drawn = net
        .sample_distinct(
            &g,
            &config,
            &mut DrawTrie::new(),
            &mut |_| Vec::new(),
            OrderMarking::Unpriced,
            &device,
        )
        .expect("sample");
    assert_eq!(drawn.values.len(), drawn.sequences.len());
    let masks: Vec<Vec<u64>> =
        drawn.sequences.iter().map(|(_, t)| g.valid_next(&g.run(t).expect("run")).words().to_vec()).collect();
    let queries: Vec<Query> = drawn
        .sequences
        .iter()
        .zip(&masks)
        .map(|((_, t), valid)| Query { signal: g.signal_tokens(), background: t, valid })
        .collect();
    let full = net.evaluate(&queries, &device).expect("evaluate");
    assert!(max_abs_diff(&full.values, &drawn.values) < 1e-5, "{:?} against {:?}", full.values, drawn.values);
    // Not all alike (the test can fail if the values were left at a constant).
    let spread = drawn.values.iter().fold(0.0f32, |m, &v| m.max(v))
        - drawn.values.iter().fold(1.0f32, |m, &v| m.min(v));
    assert!(spread > 1e-4, "values {:?}", drawn.values);
}

#[test]
fn draws_without_replacement_never_repeat_a_background_and_are_reproducible() {
    use hepzero_mcts::DrawTrie;
    use hepzero_transformer::{OrderMarking, SampleConfig};
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNAL);
    let device = cpu();
    let net = small_net(vocab.len(), 12, &device);
    let config = SampleConfig { count: 60, batch_size: 16, temperature: 1.0, seed: 5 };
    let draw_twice = || {
        let mut trie = DrawTrie::new();
        let first = net
            .sample_distinct(&g, &config, &mut trie, &mut |_| Vec::new(), OrderMarking::Exact, &device)
            .expect("sample");
        let second = net.sample_distinct(
            &g,
            &SampleConfig { seed: 6, ..config.clone() },
            &mut trie,
            &mut |_| Vec::new(),
            OrderMarking::Exact,
            &device,
        );
        (first, second.expect("sample"), trie.finished())
    };
    let (first, second, finished) = draw_twice();
    assert_eq!((first.draws, second.draws), (60, 60));
    let all: Vec<&Vec<TokenId>> = first.sequences.iter().chain(&second.sequences).map(|(_, t)| t).collect();
    let distinct: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "a background was drawn twice");
    // Almost every draw is new (a draw is lost only to a row of the same batch, or a prefix
    // exhausted meanwhile, which an untrained policy over this large grammar rarely meets).
    assert!(all.len() >= 110, "{} distinct of 120 draws", all.len());
    assert!(finished >= all.len() as u64);
    for (i, s) in &first.sequences {
        assert!(*i < 60);
        let mut tokens = s.clone();
        tokens.push(hepzero_tokens::END);
        assert!(g.run(&tokens).unwrap_or_else(|e| panic!("{s:?}: {e}")).is_complete());
    }
    assert_eq!(draw_twice(), (first, second, finished));
}

#[test]
fn the_mcts_evaluator_gives_the_network_priors_and_values() {
    use hepzero_mcts::{Evaluation, Evaluator};
    use hepzero_transformer::{NetEvaluator, StateQuery};
    let vocab = lhcb_vocab();
    let g = grammar(&vocab, SIGNAL);
    let device = cpu();
    let net = small_net(vocab.len(), 13, &device);
    // Search states: prefixes of random backgrounds, with their valid-next masks.
    let mut r = rng(14);
    let states: Vec<(Vec<TokenId>, Vec<u64>)> = (0..4)
        .map(|k| {
            let (bg, masks) = random_background(&g, &mut r);
            let cut = k.min(bg.len());
            (bg[..cut].to_vec(), masks[cut].clone())
        })
        .collect();
    let evaluator = NetEvaluator::new(&net, device.clone(), |s: &(Vec<TokenId>, Vec<u64>)| StateQuery {
        signal: g.signal_tokens().to_vec(),
        background: s.0.clone(),
        valid: s.1.clone(),
    });
    let mut out = Evaluation::default();
    out.reset(states.len(), vocab.len());
    evaluator.evaluate(&states, &mut out).expect("evaluate");
    let queries: Vec<Query> =
        states.iter().map(|s| Query { signal: g.signal_tokens(), background: &s.0, valid: &s.1 }).collect();
    let direct = net.evaluate(&queries, &device).expect("direct");
    assert_eq!(out.priors, direct.priors);
    assert_eq!(out.values, direct.values);
    for (i, (_, valid)) in states.iter().enumerate() {
        let row = out.prior_row(i);
        let legal: f32 = row
            .iter()
            .enumerate()
            .filter(|(t, _)| (valid[t / 64] >> (t % 64)) & 1 == 1)
            .map(|(_, p)| p)
            .sum();
        assert!((legal - 1.0).abs() < 1e-5, "state {i}: legal prior mass {legal}");
    }
    // A search with another action count is refused, not mis-read.
    let mut wrong = Evaluation::default();
    wrong.reset(states.len(), vocab.len() + 1);
    assert!(evaluator.evaluate(&states, &mut wrong).is_err());
}
