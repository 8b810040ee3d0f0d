//! Speed targets of issue 5 on the embedded LHCb table, signal `B0 -> K+ pi- pi0`, default rules:
//! valid-next mask for typical prefixes (< 200 ns), encoding + canonicalisation + hash of a
//! 20-token background (< 1 us), one push, and building the grammar.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use hepzero_tokens::{BitMask, Grammar, GrammarConfig, Vocabulary};

fn setup() -> Grammar {
    let v = Arc::new(Vocabulary::lhcb_default().expect("embedded table"));
    Grammar::new(v, "B0 -> K+ pi- pi0", GrammarConfig::default()).expect("signal")
}

fn bench(c: &mut Criterion) {
    let g = setup();
    let seed = g.parse_background("B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}").expect("seed example");
    let tokens = g.background_tokens(&seed);
    let mut mask = BitMask::new(g.vocab().len());
    // Prefixes: inside the K*+ decay; after "B+ -> (K*+ -> K+ pi0)"; right after "B0 ->" (the
    // widest choice: every daughter of every B0 mode).
    let inside = g.run(&tokens[..6]).expect("prefix");
    let after_sub = g.run(&tokens[..10]).expect("prefix");
    let b0 = g.parse_background("B0 -> K+ pi- pi0").expect("B0");
    let b0_start = g.run(&g.background_tokens(&b0)[..2]).expect("prefix");
    c.bench_function("valid_next/inside K*+ decay", |b| {
        b.iter(|| g.valid_next_into(black_box(&inside), &mut mask))
    });
    c.bench_function("valid_next/after (K*+ -> K+ pi0)", |b| {
        b.iter(|| g.valid_next_into(black_box(&after_sub), &mut mask))
    });
    c.bench_function("valid_next/after B0 ->", |b| {
        b.iter(|| g.valid_next_into(black_box(&b0_start), &mut mask))
    });
    c.bench_function("push/one token", |b| {
        b.iter(|| {
            let mut s = after_sub.clone();
            g.push(&mut s, black_box(tokens[10])).expect("valid");
            s
        })
    });

    // A 20-token background (END included): the first one a seeded random walk on the mask finds.
    let bg = twenty_token_background(&g);
    let n = g.background_tokens(&bg).len();
    let mut buf = Vec::with_capacity(32);
    let name = format!("canonical/encode+canonicalise+hash ({n} tokens: {})", g.format_background(&bg));
    c.bench_function(&name, |b| {
        b.iter(|| {
            g.canonical_tokens_into(black_box(&bg), &mut buf);
            hepzero_tokens::hash_tokens(&buf)
        })
    });
    c.bench_function("grammar/build B0 -> K+ pi- pi0", |b| {
        b.iter(|| {
            Grammar::new(g.vocab().clone(), "B0 -> K+ pi- pi0", GrammarConfig::default()).expect("signal")
        })
    });
}

fn twenty_token_background(g: &Grammar) -> hepzero_tokens::Decay {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20);
    loop {
        let mut s = g.initial_state();
        let mut toks = Vec::new();
        while !s.is_complete() {
            let all: Vec<_> = g.valid_next(&s).iter().collect();
            let t = all[rng.random_range(0..all.len())];
            g.push(&mut s, t).expect("mask token");
            toks.push(t);
        }
        if toks.len() == 20 {
            return g.decode_background(&toks).expect("valid");
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
