//! Print-then-parse gives back exactly the parsed statements: for both shipped files and for
//! generated files covering every statement kind.

use hepzero_pdg::{
    DECAY_BELLE2_DEC, DECAY_LHCB_DEC, DecFile, DecayBlock, DecayLine, KNOWN_MODELS, Located, Param, Pos,
    Statement, parse_dec, print_dec,
};
use proptest::prelude::*;

#[test]
fn shipped_files_round_trip_exactly() {
    for (text, name) in [(DECAY_LHCB_DEC, "DECAY_LHCB.DEC"), (DECAY_BELLE2_DEC, "DECAY_BELLE2.DEC")] {
        let a = parse_dec(text, name).unwrap();
        let printed = print_dec(&a);
        let b = parse_dec(&printed, name).unwrap();
        assert_eq!(a, b, "{name}");
        // Branching fractions bit for bit, not just ==.
        for (x, y) in a.decay_blocks().zip(b.decay_blocks()) {
            for (l, m) in x.lines.iter().zip(&y.lines) {
                assert_eq!(l.br.to_bits(), m.br.to_bits());
            }
        }
        assert_eq!(print_dec(&b), printed);
    }
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9_+*()'-]{0,8}".prop_filter("not a number or keyword", |s| {
        s.parse::<f64>().is_err() && !matches!(s.as_str(), "yesPhotos" | "noPhotos" | "normalPhotos")
    })
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>().prop_filter("finite", |v| v.is_finite()), -1e3f64..1e3, Just(0.0)]
}

fn model() -> impl Strategy<Value = String> {
    prop::sample::select(KNOWN_MODELS).prop_map(str::to_string)
}

/// A generated decay line: BR, daughters, PHOTOS, model, parameters (use a Define?, number,
/// negated?).
type GenLine = (f64, Vec<String>, bool, String, Vec<(bool, f64, bool)>);

#[derive(Debug, Clone)]
enum Gen {
    Plain(Statement),
    Decay { mother: String, lines: Vec<GenLine> },
}

fn statement() -> impl Strategy<Value = Gen> {
    prop_oneof![
        (name(), name()).prop_map(|(alias, particle)| Gen::Plain(Statement::Alias { alias, particle })),
        (name(), name()).prop_map(|(a, b)| Gen::Plain(Statement::ChargeConj { a, b })),
        name().prop_map(|particle| Gen::Plain(Statement::CDecay { particle })),
        (name(), name()).prop_map(|(particle, source)| Gen::Plain(Statement::CopyDecay { particle, source })),
        (name(), name(), name(), any::<i32>()).prop_map(|(mother, d1, d2, pw)| Gen::Plain(
            Statement::SetLineshapePW { mother, d1, d2, pw: pw as i64 }
        )),
        (
            "[A-Za-z]{1,6}:[a-zA-Z]{1,6}=[a-z0-9]{1,4}",
            prop::sample::select(vec!["PythiaBothParam", "PythiaAliasParam", "PythiaGenericParam"])
        )
            .prop_map(|(setting, kw)| Gen::Plain(Statement::Pythia { keyword: kw.to_string(), setting })),
        "MSTJ\\([0-9]{1,2}\\)=[0-9]".prop_map(|setting| Gen::Plain(Statement::JetSetPar { setting })),
        (name(), number(), prop::option::of(number()))
            .prop_map(|(name, mass, width)| Gen::Plain(Statement::Particle { name, mass, width })),
        prop::sample::select(vec!["yesPhotos", "noPhotos", "normalPhotos"])
            .prop_map(|k| Gen::Plain(Statement::Photos { keyword: k.to_string() })),
        (prop::sample::select(vec!["LSFLAT", "LSNONRELBW", "LSMANYDELTAFUNC"]), name())
            .prop_map(|(k, particle)| Gen::Plain(Statement::Lineshape { keyword: k.to_string(), particle })),
        (prop::sample::select(vec!["ChangeMassMin", "ChangeMassMax"]), name(), number()).prop_map(
            |(k, particle, value)| Gen::Plain(Statement::ChangeMass {
                keyword: k.to_string(),
                particle,
                value
            })
        ),
        (prop::sample::select(vec!["IncludeBirthFactor", "IncludeDecayFactor"]), name(), any::<bool>())
            .prop_map(|(k, particle, yes)| Gen::Plain(Statement::IncludeFactor {
                keyword: k.to_string(),
                particle,
                yes
            })),
        (name(), number())
            .prop_map(|(particle, value)| Gen::Plain(Statement::BlattWeisskopf { particle, value })),
        (
            name(),
            prop::collection::vec(
                (
                    0.0f64..2.0,
                    prop::collection::vec(name(), 0..5),
                    any::<bool>(),
                    model(),
                    prop::collection::vec((any::<bool>(), number(), any::<bool>()), 0..6)
                ),
                0..6
            )
        )
            .prop_map(|(mother, lines)| Gen::Decay { mother, lines }),
    ]
}

/// A generated file: some `Define`s first (so parameters can use them), then statements.
fn dec_file() -> impl Strategy<Value = DecFile> {
    (
        prop::collection::vec((name(), number()), 1..4),
        prop::collection::vec(statement(), 0..12),
        any::<bool>(),
    )
        .prop_map(|(defines, gens, end)| {
            let mut statements = Vec::new();
            for (n, v) in &defines {
                statements.push(Statement::Define { name: format!("D{n}"), value: *v });
            }
            // The value a name has when a line is read is its last definition.
            let lookup = |i: usize| -> (String, f64) {
                let (n, _) = &defines[i % defines.len()];
                let v = defines.iter().rev().find(|(m, _)| m == n).map_or(0.0, |(_, v)| *v);
                (format!("D{n}"), v)
            };
            for g in gens {
                match g {
                    Gen::Plain(s) => statements.push(s),
                    Gen::Decay { mother, lines } => {
                        let lines = lines
                            .into_iter()
                            .map(|(br, daughters, photos, model, ps)| DecayLine {
                                br,
                                daughter_pos: vec![Pos::default(); daughters.len()],
                                daughters,
                                photos,
                                model,
                                params: ps
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, (defined, v, negative))| {
                                        if defined {
                                            let (name, value) = lookup(i);
                                            Param::Defined {
                                                name,
                                                negative,
                                                value: if negative { -value } else { value },
                                            }
                                        } else {
                                            Param::Number(v)
                                        }
                                    })
                                    .collect(),
                                pos: Pos::default(),
                            })
                            .collect();
                        statements.push(Statement::Decay(DecayBlock { mother, lines }));
                    }
                }
            }
            if end {
                statements.push(Statement::End);
            }
            DecFile {
                file: "gen.dec".into(),
                statements: statements
                    .into_iter()
                    .map(|statement| Located { pos: Pos::default(), statement })
                    .collect(),
                warnings: Vec::new(),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_files_round_trip(f in dec_file()) {
        let printed = print_dec(&f);
        let back = parse_dec(&printed, "gen.dec").map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(&back, &f, "{}", printed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// What the cargo-fuzz target checks, on random edits of a slice of the real file: any edit
    /// either errors or parses, round-trips, and builds a table without panicking.
    #[test]
    fn edited_real_file_never_panics(at in 0usize..20_000, cut in 0usize..40, insert in "[ -~\n]{0,12}") {
        // The file up to the end of a complete block, so unedited it parses.
        let cut_at = DECAY_LHCB_DEC[..30_000].rfind("\nEnddecay").map_or(0, |i| i + 9);
        let base = &DECAY_LHCB_DEC[..cut_at];
        let at = (0..=at).rev().find(|&i| base.is_char_boundary(i)).unwrap_or(0);
        let end = (at + cut..base.len()).find(|&i| base.is_char_boundary(i)).unwrap_or(base.len());
        let text = format!("{}{}{}", &base[..at], insert, &base[end..]);
        prop_assert!(parse_dec(base, "base.dec").is_ok());
        if let Ok(f) = parse_dec(&text, "edit.dec") {
            let back = parse_dec(&print_dec(&f), "edit.dec").unwrap();
            prop_assert_eq!(&back, &f);
            let table = hepzero_pdg::DecayTable::build(
                vec![f],
                hepzero_pdg::TableRef::Static(hepzero_pdg::ParticleTable::lhcb_default()),
            );
            if let Ok(t) = table {
                let _ = t.find_chains("B0", &["K+", "pi-"], 1, 1e-4);
            }
        }
    }
}
