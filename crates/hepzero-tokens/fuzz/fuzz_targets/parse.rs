//! Fuzzes the signal and background parsers and the token decoder on the LHCb table: no input may
//! panic; whatever parses must print back to a string that parses to the same tree, and its tokens
//! must run through the automaton to completion.
#![no_main]

use std::sync::{Arc, OnceLock};

use hepzero_tokens::{Grammar, GrammarConfig, TokenId, Vocabulary};
use libfuzzer_sys::fuzz_target;

fn grammar() -> &'static Grammar {
    static G: OnceLock<Grammar> = OnceLock::new();
    G.get_or_init(|| {
        let v = Arc::new(Vocabulary::lhcb_default().expect("embedded table"));
        Grammar::new(v, "B0 -> K+ pi- pi0", GrammarConfig::default()).expect("signal")
    })
}

fuzz_target!(|data: &[u8]| {
    let g = grammar();
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = hepzero_tokens::parse_decay(g.vocab(), text, false);
        if let Ok(d) = g.parse_background(text) {
            let printed = g.format_background(&d);
            assert_eq!(g.parse_background(&printed).as_ref(), Ok(&d));
            assert!(g.run(&g.background_tokens(&d)).map(|s| s.is_complete()).unwrap_or(false));
        }
    }
    let tokens: Vec<TokenId> = data.chunks(2).map(|c| TokenId(u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]))).collect();
    let _ = g.decode_background(&tokens);
    let mut s = g.initial_state();
    for t in &tokens {
        if g.push(&mut s, *t).is_err() {
            break;
        }
    }
});
