//! The language on the embedded LHCb decay table (`DECAY_LHCB.DEC` via hepzero-pdg): the seed's
//! example, the slide's charge-violating version, bad input, no dead ends, and the number of
//! distinct backgrounds of `B0 -> K+ pi- pi0` (depth 3, at most 2 missing), counted two
//! independent ways.

mod common;

use std::sync::{Arc, OnceLock};

use common::*;
use hepzero_tokens::{Error, Grammar, GrammarConfig, Position, Vocabulary};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Distinct canonical backgrounds of `B0 -> K+ pi- pi0` on DECAY_LHCB.DEC, all b-hadron parents,
/// depth <= 3, <= 2 missing, default mis-ID pairs: found by the exhaustive enumeration over the
/// automaton (`exhaustive_enumeration_b0_kpipi0`, ~23 s in release) and, independently, by the
/// dynamic-programming count over the decay table.
const B0_KPIPI0_D3_K2: u128 = 139_929;

fn vocab() -> Arc<Vocabulary> {
    static V: OnceLock<Arc<Vocabulary>> = OnceLock::new();
    V.get_or_init(|| Arc::new(Vocabulary::lhcb_default().unwrap())).clone()
}

fn grammar() -> &'static Grammar {
    static G: OnceLock<Grammar> = OnceLock::new();
    G.get_or_init(|| Grammar::new(vocab(), "B0 -> K+ pi- pi0", GrammarConfig::default()).unwrap())
}

#[test]
fn seed_example_on_lhcb_table() {
    let g = grammar();
    let text = "B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}";
    let d = g.parse_background(text).unwrap();
    assert_eq!(g.format_background(&d), text);
    for v in ["B+ -> K-{pi-} (K*+ -> pi0 K+) pi+{miss}", "B+ -> pi+{miss} K-{pi-} (K*+ -> K+ pi0)"] {
        assert_eq!(g.canonical_hash(&g.parse_background(v).unwrap()), g.canonical_hash(&d));
    }
    assert!(g.run(&g.background_tokens(&d)).unwrap().is_complete());
    // BR(B+ -> K*+ pi+ K-) x BR(K*+ -> K+ pi0), as the table has them.
    let table = hepzero_pdg::DecayTable::lhcb_default();
    let br = |p: &str, ds: &[&str]| -> f64 {
        table
            .modes(p)
            .iter()
            .filter(|m| {
                let mut a: Vec<&str> =
                    m.daughters.iter().map(|s| table.alias_target(s).unwrap_or(s)).collect();
                let mut b = ds.to_vec();
                a.sort();
                b.sort();
                a == b
            })
            .map(|m| m.br)
            .sum()
    };
    let expected = br("B+", &["K*+", "pi+", "K-"]) * br("K*+", &["K+", "pi0"]);
    assert!(expected > 0.0);
    assert!((g.product_br(&d).unwrap() / expected - 1.0).abs() < 1e-12);

    let e = g.parse_background("B0 -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}").unwrap_err();
    assert!(matches!(e, Error::ChargeViolation { at: Position::Column(1), .. }), "{e}");
    assert!(e.to_string().contains("charge violation in the decay of B0"), "{e}");
}

#[test]
fn bad_input_on_lhcb_table() {
    let g = grammar();
    let e = g.parse_background("B+ -> (K*+ -> K+ pi0 pi+{miss} K-{pi-}").unwrap_err();
    assert!(matches!(e, Error::Unbalanced { .. }), "{e}");
    assert!(e.to_string().contains("column 7"), "names the unclosed bracket: {e}");
    let e = g.parse_background("B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pion}").unwrap_err();
    assert_eq!(e, Error::UnknownParticle { name: "pion".into(), at: Position::Column(36) });
    let e = g.parse_background("B+ -> (K*+ -> K+ pi0) pi+{K+} K-{pi-}").unwrap_err();
    assert!(matches!(e, Error::SlotFilledTwice { at: Position::Column(23), .. }), "{e}");
    let e = Grammar::new(vocab(), "B0 -> K+ pi+ pi0", GrammarConfig::default()).unwrap_err();
    assert!(matches!(e, Error::ChargeViolation { .. }), "{e}");
}

#[test]
fn random_walks_never_dead_end_on_lhcb() {
    let g = grammar();
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    for _ in 0..300 {
        let (_, d) = random_background(g, &mut rng);
        let s = g.format_background(&d);
        assert_eq!(g.parse_background(&s).unwrap(), d, "{s}");
        assert!(g.product_br(&d).unwrap() > 0.0);
    }
}

#[test]
fn background_count_dp_b0_kpipi0() {
    assert_eq!(count_by_dp(grammar()), B0_KPIPI0_D3_K2);
    // At depth 2 and one missing particle both methods run here in a second.
    let small = Grammar::new(
        vocab(),
        "B0 -> K+ pi- pi0",
        GrammarConfig { max_depth: 2, max_missing: 1, ..GrammarConfig::default() },
    )
    .unwrap();
    let n = enumerate_by_mask(&small).len() as u128;
    assert_eq!(n, count_by_dp(&small));
    assert_eq!(n, 2928);
}

/// The full enumeration (about 23 s in release, minutes in debug): run with
/// `cargo test --release -p hepzero-tokens --test lhcb -- --ignored`.
#[test]
#[ignore]
fn exhaustive_enumeration_b0_kpipi0() {
    let t = std::time::Instant::now();
    let n = enumerate_by_mask(grammar()).len() as u128;
    eprintln!("{n} distinct backgrounds in {:?}", t.elapsed());
    assert_eq!(n, B0_KPIPI0_D3_K2);
}

#[test]
fn unrestricted_grammar_on_lhcb_table() {
    let cfg =
        GrammarConfig { table_restricted: false, max_daughters: 3, max_depth: 2, ..GrammarConfig::default() };
    let g = Grammar::new(vocab(), "B0 -> K+ pi- pi0", cfg).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..50 {
        let (_, d) = random_background(&g, &mut rng);
        assert_eq!(g.parse_background(&g.format_background(&d)).unwrap(), d);
    }
    // Not in DECAY_LHCB.DEC, but charge-conserving: allowed here, refused by the default grammar.
    assert!(g.parse_background("B+ -> K+ pi+{K+} pi0").is_err(), "K+ slot filled twice");
    assert!(g.parse_background("B0 -> (K*+ -> K+ pi0) pi-").is_ok());
}
