//! The language on a small table shaped like the seed's example: syntax, errors, canonical form,
//! and the automaton against the independent rule checker.

mod common;

use common::*;
use hepzero_tokens::{END, Error, GrammarConfig, ParentPolicy, Position};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const SEED_BG: &str = "B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}";

#[test]
fn seed_example_round_trips_and_canonicalises() {
    let g = toy_grammar("B0 -> K+ pi0 pi-", GrammarConfig::default());
    let d = g.parse_background(SEED_BG).unwrap();
    assert_eq!(g.format_background(&d), SEED_BG);
    let h = g.canonical_hash(&d);
    for variant in [
        "B+ -> K-{pi-} pi+{miss} (K*+ -> pi0 K+)",
        "B+ -> pi+{miss} (K*+ -> pi0 K+) K-{pi-}",
        "B+ -> (K*+ -> pi0 K+) K-{pi-} pi+{miss}",
    ] {
        let v = g.parse_background(variant).unwrap();
        assert_eq!(g.canonical_hash(&v), h, "{variant}");
        assert_eq!(g.canonical_tokens(&v), g.canonical_tokens(&d));
        assert_eq!(g.canonical_string(&v).unwrap(), g.canonical_string(&d).unwrap());
    }
    // A different annotation is a different background.
    let other = g.parse_background("B+ -> (K*+ -> K+ pi0) pi+{pi-}{miss} K-{pi-}");
    assert!(other.is_err());
    let other = g.parse_background("B+ -> (K*+ -> K+{miss} pi0) pi+{K+} K-{pi-}").unwrap();
    assert_ne!(g.canonical_hash(&other), h);
    // Tokens: the sequence the crate docs show.
    let toks = g.encode(&d);
    let names: Vec<&str> = toks.iter().map(|t| g.vocab().token_name(*t)).collect();
    assert_eq!(
        names.join(" "),
        "B0 -> K+ pi0 pi- <sep> B+ -> ( K*+ -> K+ <self> pi0 <self> ) pi+ <miss> K- <as> pi- <end>"
    );
    assert_eq!(g.decode(&toks).unwrap(), d);
    // The automaton accepts it.
    assert!(g.run(&g.background_tokens(&d)).unwrap().is_complete());
    // Physics summaries: BR(B+ -> K*+ pi+ K-) x BR(K*+ -> K+ pi0) = 5e-5 x 0.667 / (0.667 + 0.333).
    let fs = g.final_states(&d).unwrap();
    assert!((fs.product_br - 5.0e-5 * 0.667).abs() < 1e-18);
    assert_eq!(fs.true_final_state, ["K+", "K-", "pi+", "pi0"]);
    assert_eq!(fs.reconstructed_final_state, ["K+", "pi-", "pi0"]);
    assert_eq!(fs.missing, ["pi+"]);
}

#[test]
fn literal_slide_version_violates_charge() {
    let g = toy_grammar("B0 -> K+ pi0 pi-", GrammarConfig::default());
    let e = g.parse_background("B0 -> (K*+ -> K+ pi0) pi+{miss} K-{pi-}").unwrap_err();
    match &e {
        Error::ChargeViolation { parent, parent_charge, daughters_charge, at } => {
            assert_eq!(parent, "B0");
            assert_eq!(parent_charge, "+0");
            assert_eq!(daughters_charge, "+1");
            assert_eq!(*at, Position::Column(1));
        }
        other => panic!("expected a charge violation, got {other}"),
    }
    assert!(e.to_string().contains("charge violation"), "{e}");
}

#[test]
fn bad_input_names_problem_and_position() {
    let g = toy_grammar("B0 -> K+ pi0 pi-", GrammarConfig::default());
    let err = |s: &str| g.parse_background(s).unwrap_err();
    assert!(matches!(
        err("B+ -> (K*+ -> K+ pi0 pi+{miss} K-{pi-}"),
        Error::Unbalanced { at: Position::Column(39), .. }
    ));
    assert!(matches!(
        err("B+ -> K*+ -> K+ pi0) pi+{miss} K-{pi-}"),
        Error::Syntax { at: Position::Column(11), .. }
    ));
    assert_eq!(
        err("B+ -> (K*+ -> K+ pi0) pi+{miss} Kminus{pi-}"),
        Error::UnknownParticle { name: "Kminus".into(), at: Position::Column(33) }
    );
    assert!(matches!(
        err("B+ -> (K*+ -> K+ pi0) pi+{K+} K-{pi-}"),
        Error::SlotFilledTwice { ref slot, count: 1, at: Position::Column(23) } if slot == "K+"
    ));
    assert!(matches!(
        err("B+ -> (K*+ -> K+ pi0) pi+{miss} K-{mu-}"),
        Error::NoSuchSlot { at: Position::Column(33), .. }
    ));
    let e = err("B+ -> (K*+ -> K+ pi0) pi+{miss} K-{pi+}");
    assert!(matches!(e, Error::BadMisId { at: Position::Column(35), .. }), "{e:?}");
    assert!(matches!(
        err("B+ -> (K*+ -> K+ pi0) pi+{miss} K-{miss}"),
        Error::SlotsUnfilled { at: Position::Column(41), .. }
    ));
    assert!(matches!(
        err("B+ -> (K*+ -> K+ pi0 pi0) pi+{miss} K-{pi-}"),
        Error::NotInTable { at: Position::Column(8), .. }
    ));
    assert!(matches!(err("B+ -> K*+ pi+{miss} K-{pi-}"), Error::Stability { at: Position::Column(7), .. }));
    let too_many = toy_grammar("B0 -> K+ pi-", GrammarConfig { max_missing: 0, ..GrammarConfig::default() });
    assert!(matches!(
        too_many.parse_background("B0 -> K+ pi- pi0{miss}").unwrap_err(),
        Error::TooManyMissing { at: Position::Column(17), .. }
    ));
    let shallow = toy_grammar("B0 -> K+ pi0 pi-", GrammarConfig { max_depth: 1, ..GrammarConfig::default() });
    assert!(matches!(
        shallow.parse_background(SEED_BG).unwrap_err(),
        Error::TooDeep { depth: 2, at: Position::Column(8), .. }
    ));
    let only_b0 = toy_grammar(
        "B0 -> K+ pi0 pi-",
        GrammarConfig { parents: ParentPolicy::List(vec!["B0".into()]), ..GrammarConfig::default() },
    );
    assert!(matches!(
        only_b0.parse_background(SEED_BG).unwrap_err(),
        Error::ParentNotAllowed { at: Position::Column(1), .. }
    ));
}

#[test]
fn nested_signal_parses() {
    let g = toy_grammar("B0 -> (K*0 -> K+ pi-) mu+ mu-", GrammarConfig::default());
    assert_eq!(g.format_signal(), "B0 -> (K*0 -> K+ pi-) mu+ mu-");
    assert_eq!(g.slots().len(), 4);
    let d = g.parse_background("B+ -> K+{pi+} mu+ mu-{pi-}").unwrap_err();
    assert!(
        matches!(d, Error::NoSuchSlot { .. } | Error::SlotFilledTwice { .. } | Error::BadMisId { .. }),
        "{d}"
    );
    // K*0 -> K+ pi- with the K+ as itself and B+ -> K+ mu+ mu- cannot give K+ pi- mu+ mu-; B0 -> K*0 mu+ mu- can.
    let ok = g.parse_background("B0 -> (K*0 -> K+ pi-) mu+ mu-").unwrap();
    assert_eq!(g.final_states(&ok).unwrap().reconstructed_final_state, ["K+", "mu+", "mu-", "pi-"]);
    assert!(Grammar_err("B0 -> K*0 mu+ mu-"));
    assert!(Grammar_err("B0 -> K+ pi+ pi0"));
}

#[allow(non_snake_case)]
fn Grammar_err(signal: &str) -> bool {
    hepzero_tokens::Grammar::new(toy_vocab(), signal, GrammarConfig::default()).is_err()
}

#[test]
fn mask_enumeration_equals_brute_force() {
    for (signal, cfg) in [
        ("B0 -> K+ pi0 pi-", GrammarConfig::default()),
        ("B0 -> K+ pi-", GrammarConfig::default()),
        ("B0 -> K+ pi-", GrammarConfig { max_missing: 1, max_depth: 2, ..GrammarConfig::default() }),
        ("B0 -> (K*0 -> K+ pi-) mu+ mu-", GrammarConfig::default()),
        // 16 x 5 = 80 outcome points: the multi-word path of the mask.
        ("B0 -> (K*0 -> K+ pi-) mu+ mu-", GrammarConfig { max_missing: 4, ..GrammarConfig::default() }),
    ] {
        let g = toy_grammar(signal, cfg);
        let by_mask = enumerate_by_mask(&g);
        let brute = enumerate_brute_force(&g);
        assert!(!brute.is_empty());
        assert_eq!(by_mask.len(), brute.len(), "{signal}");
        assert_eq!(count_by_dp(&g), brute.len() as u128, "{signal}");
        let mask_strings: std::collections::BTreeSet<String> =
            by_mask.iter().map(|t| canonical_string(&g, &g.decode_background(t).unwrap())).collect();
        assert_eq!(mask_strings, brute, "{signal}");
    }
}

#[test]
fn random_walks_complete_and_excluded_tokens_fail_the_parser() {
    let g = toy_grammar("B0 -> K+ pi0 pi-", GrammarConfig::default());
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..200 {
        let (tokens, d) = random_background(&g, &mut rng);
        let text = g.format_background(&d);
        assert_eq!(g.parse_background(&text).unwrap(), d);
        // Every excluded token at every prefix: the sequence with it cannot be a valid background.
        let mut s = g.initial_state();
        for (i, t) in tokens.iter().enumerate() {
            let mask = g.valid_next(&s);
            for bad in 0..g.vocab().len() as u16 {
                let bad = hepzero_tokens::TokenId(bad);
                if mask.contains(bad) {
                    continue;
                }
                let mut alt = tokens[..i].to_vec();
                alt.push(bad);
                alt.extend_from_slice(&tokens[i + 1..]);
                assert!(g.decode_background(&alt).is_err(), "excluded token accepted");
            }
            g.push(&mut s, *t).unwrap();
        }
        assert_eq!(*tokens.last().unwrap(), END);
    }
}

#[test]
fn unrestricted_grammar_counts_and_walks() {
    let cfg = GrammarConfig {
        table_restricted: false,
        max_daughters: 3,
        max_depth: 2,
        max_missing: 1,
        ..GrammarConfig::default()
    };
    let g = toy_grammar("B0 -> K+ pi-", cfg);
    let n = enumerate_by_mask(&g).len() as u128;
    assert!(n > 0);
    assert_eq!(n, count_by_dp(&g));
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for _ in 0..50 {
        let (_, d) = random_background(&g, &mut rng);
        assert_eq!(g.parse_background(&g.format_background(&d)).unwrap(), d);
    }
    // A decay the table lacks is fine here, one with too many daughters is not.
    assert!(g.parse_background("B0 -> K+ pi- pi0{miss}").is_ok());
    assert!(g.parse_background("B0 -> K+ pi+{miss} pi-{miss} pi-").is_err());
}
