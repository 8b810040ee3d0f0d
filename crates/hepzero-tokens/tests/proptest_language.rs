//! Property tests on the toy table: random valid trees print -> parse -> equal; random walks on the
//! valid-next mask always end in a complete, valid background (no dead ends); every token the mask
//! excludes makes the sequence invalid for the independent rule checker; canonical form is
//! invariant under daughter permutations.

mod common;

use common::*;
use hepzero_tokens::{Decay, GrammarConfig, Node, TokenId};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn grammars() -> Vec<hepzero_tokens::Grammar> {
    vec![
        toy_grammar("B0 -> K+ pi0 pi-", GrammarConfig::default()),
        toy_grammar("B0 -> K+ pi-", GrammarConfig::default()),
        toy_grammar("B0 -> (K*0 -> K+ pi-) mu+ mu-", GrammarConfig::default()),
        toy_grammar(
            "B0 -> K+ pi- pi0",
            GrammarConfig { table_restricted: false, max_daughters: 3, ..GrammarConfig::default() },
        ),
    ]
}

/// Reorders every vertex's daughters by a seeded shuffle.
fn permute(d: &Decay, rng: &mut ChaCha8Rng) -> Decay {
    use rand::seq::SliceRandom;
    let mut daughters: Vec<Node> = d
        .daughters
        .iter()
        .map(|n| match n {
            Node::Decay(s) => Node::Decay(permute(s, rng)),
            leaf => leaf.clone(),
        })
        .collect();
    daughters.shuffle(rng);
    Decay { parent: d.parent, daughters }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_trees_round_trip(seed in any::<u64>(), which in 0usize..4) {
        let g = &grammars()[which];
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (tokens, d) = random_background(g, &mut rng);
        // string round trip
        let text = g.format_background(&d);
        prop_assert_eq!(g.parse_background(&text).unwrap(), d.clone());
        // token round trip
        prop_assert_eq!(g.background_tokens(&d), tokens.clone());
        prop_assert_eq!(g.decode(&g.encode(&d)).unwrap(), d.clone());
        // canonical form is permutation invariant, and itself valid for the automaton
        let p = permute(&d, &mut rng);
        prop_assert_eq!(g.canonical_hash(&p), g.canonical_hash(&d));
        let c = g.canonicalize(&p).unwrap();
        prop_assert_eq!(g.canonical_tokens(&c), g.canonical_tokens(&d));
        prop_assert!(g.run(&g.background_tokens(&p)).unwrap().is_complete());
    }

    #[test]
    fn mask_and_checker_agree(seed in any::<u64>(), which in 0usize..4) {
        let g = &grammars()[which];
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (tokens, _) = random_background(g, &mut rng);
        let mut s = g.initial_state();
        for (i, t) in tokens.iter().enumerate() {
            let mask = g.valid_next(&s);
            prop_assert!(mask.contains(*t));
            for bad in 0..g.vocab().len() as u16 {
                let bad = TokenId(bad);
                if mask.contains(bad) {
                    continue;
                }
                prop_assert!(!g.is_valid(&s, bad));
                // The excluded token followed by the rest of the valid sequence, and by END.
                let mut alt = tokens[..i].to_vec();
                alt.push(bad);
                let mut alt2 = alt.clone();
                alt.extend_from_slice(&tokens[i + 1..]);
                alt2.push(hepzero_tokens::END);
                prop_assert!(g.decode_background(&alt).is_err());
                prop_assert!(g.decode_background(&alt2).is_err());
            }
            g.push(&mut s, *t).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary text made of the syntax's pieces never panics the parsers, and whatever parses
    /// prints back to itself (up to spacing) and runs through the automaton.
    #[test]
    fn arbitrary_text_never_panics(pieces in proptest::collection::vec(
        prop_oneof![
            Just("B0"), Just("B+"), Just("K*+"), Just("K+"), Just("K-"), Just("pi+"), Just("pi-"),
            Just("pi0"), Just("->"), Just("("), Just(")"), Just("{"), Just("}"), Just("miss"),
            Just(" "), Just("rho0"), Just("D0"), Just("x("), Just("K*0)"),
        ],
        0..24,
    )) {
        let g = &grammars()[0];
        let text: String = pieces.concat();
        let _ = hepzero_tokens::parse_decay(g.vocab(), &text, false);
        if let Ok(d) = g.parse_background(&text) {
            let printed = g.format_background(&d);
            prop_assert_eq!(g.parse_background(&printed).unwrap(), d.clone());
            prop_assert!(g.run(&g.background_tokens(&d)).unwrap().is_complete());
        }
    }

    /// Arbitrary token ids never panic the decoder or the automaton.
    #[test]
    fn arbitrary_tokens_never_panic(ids in proptest::collection::vec(0u16..40, 0..30)) {
        let g = &grammars()[0];
        let tokens: Vec<TokenId> = ids.into_iter().map(TokenId).collect();
        let decoded = g.decode_background(&tokens);
        let mut s = g.initial_state();
        let mut accepted = true;
        for t in &tokens {
            if g.push(&mut s, *t).is_err() {
                accepted = false;
                break;
            }
        }
        // The automaton and the checker agree on complete sequences.
        prop_assert_eq!(accepted && s.is_complete(), decoded.is_ok());
    }
}
