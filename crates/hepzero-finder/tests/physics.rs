//! Physics sanity of the oracle against what published analyses model, and the reward factors
//! against hand computations from the shipped tables (DECAY_LHCB.DEC, the LHCb production
//! fractions, RapidSim's PID working point).

use hepzero_finder::{OracleConfig, model_for_signal, run_oracle};
use hepzero_pdg::{DecayTable, ParticleTable};
use hepzero_reward::{MisIdMatrix, Production, RangeChoice, RewardConfig, RewardModel};
use hepzero_tokens::GrammarConfig;

fn model(signal: &str, threshold: f64) -> RewardModel {
    // Fewer events than the command's defaults: the suite runs in debug.
    let reward = RewardConfig { threshold, ..RewardConfig::reduced() };
    let (production, misid) = (Production::lhcb_default(), MisIdMatrix::lhcb_default());
    model_for_signal(signal, DecayTable::lhcb_default(), production, misid, GrammarConfig::default(), reward)
        .unwrap()
}

#[test]
fn two_step_br_product_matches_the_decay_file() {
    // DECAY_LHCB.DEC: B0 -> K*+ pi- 9.4e-6, K*+ -> K+ pi0 0.3323 (block sum 1.0000),
    // B0 -> K+ pi- pi0 2.75e-5; the B0 normalisation cancels in the ratio.
    let m = model("B0 -> K+ pi- pi0", 1e-3);
    let bg = m.grammar().parse_background("B0 -> (K*+ -> K+ pi0) pi-").unwrap();
    let (production, br, misid) = m.cheap_factors(&bg).unwrap();
    assert_eq!(production, 1.0);
    assert!((br / (9.4e-6 * 0.3323 / 2.75e-5) - 1.0).abs() < 1e-9, "{br}");
    assert!((misid - 1.0).abs() < 1e-12);
}

#[test]
fn misid_and_production_factors_by_hand() {
    let m = model("B0 -> K+ pi-", 1e-3);
    // pi+ taken as K+: P(pi -> K) P(pi -> pi) / (P(K -> K) P(pi -> pi)) = 0.0229 / 0.8226.
    let bg = m.grammar().parse_background("B0 -> pi+{K+} pi-").unwrap();
    let (_, br, misid) = m.cheap_factors(&bg).unwrap();
    assert!((misid - 0.0229 / 0.8226).abs() < 1e-12, "{misid}");
    assert!((br - 5.13e-6 / 1.94e-5).abs() < 1e-9, "{br}");
    // B_s0 vs B0 production: f_s / f_d = 2 x 0.122.
    let bs = m.grammar().parse_background("B_s0 -> K+ K-{pi-}").unwrap();
    let (production, _, misid) = m.cheap_factors(&bs).unwrap();
    assert!((production - 0.244).abs() < 1e-12, "{production}");
    assert!((misid - 0.1386 / 0.9449).abs() < 1e-12, "{misid}");
}

#[test]
fn a_background_identical_to_the_signal_has_reward_one() {
    let m = model("B0 -> K+ pi-", 1e-3);
    let same = m.grammar().parse_background("B0 -> K+ pi-").unwrap();
    let b = m.evaluate(&same).unwrap();
    let f = b.figures.unwrap();
    assert!((f.fit - 1.0).abs() < 0.02, "fit-range overlap {}", f.fit);
    assert!((f.window - 1.0).abs() < 0.05, "window overlap {}", f.window);
    assert!((b.reward - f.fit).abs() < 1e-12);
}

fn oracle_top(signal: &str, range: RangeChoice, n: usize) -> Vec<String> {
    let mut m = model(signal, 1e-3);
    m = RewardModel::new(
        m.grammar().clone(),
        ParticleTable::lhcb_default(),
        Production::lhcb_default(),
        MisIdMatrix::lhcb_default(),
        RewardConfig { range, ..m.config().clone() },
    )
    .unwrap();
    let ranking = run_oracle(&m, DecayTable::lhcb_default(), &OracleConfig::default(), &|_, _| {}).unwrap();
    eprintln!(
        "{range:?}: {} candidates, {} simulated ({} events), {} above threshold, {:.1} s",
        ranking.candidates,
        ranking.simulated,
        ranking.events_simulated,
        ranking.backgrounds.len(),
        ranking.seconds
    );
    ranking.backgrounds.iter().take(n).map(|b| b.background.clone()).collect()
}

#[test]
fn oracle_finds_the_backgrounds_lhcb_b_to_hh_analyses_model() {
    // LHCb B -> h h' analyses (e.g. PRD 98 (2018) 032004) model, under the B0 -> K+ pi- peak,
    // B0 -> pi+ pi- with a pi as K, B_s0 -> K+ K- with a K as pi, Lambda_b0 -> p K- and p pi- with
    // the proton mis-identified; and, in the wider fit range, partially reconstructed
    // B -> K pi pi0 with the pi0 missing.
    let window = oracle_top("B0 -> K+ pi-", RangeChoice::Window, 20);
    let has = |top: &[String], f: &dyn Fn(&str) -> bool| top.iter().any(|b| f(b));
    // (parent, true final state) of a single-vertex background with nothing missing.
    let two_body = |b: &str| -> Option<(String, Vec<String>)> {
        let (parent, rest) = b.split_once(" -> ")?;
        if rest.contains('(') || rest.contains("miss") {
            return None;
        }
        let mut names: Vec<String> =
            rest.split_whitespace().map(|t| t.split('{').next().unwrap_or(t).to_string()).collect();
        names.sort();
        Some((parent.trim_start_matches("anti-").to_string(), names))
    };
    let is = |parent: &'static str, fs: [&'static str; 2]| {
        move |b: &str| {
            two_body(b).is_some_and(|(p, names)| {
                let conj: Vec<String> = fs.iter().map(|n| conjugate(n)).collect();
                p == parent && (names == sorted(&fs) || names == sorted_owned(conj))
            })
        }
    };
    let b0_pipi = is("B0", ["pi+", "pi-"]);
    let bs_kk = is("B_s0", ["K+", "K-"]);
    let lb_pk = is("Lambda_b0", ["p+", "K-"]);
    let lb_ppi = is("Lambda_b0", ["p+", "pi-"]);
    assert!(has(&window, &b0_pipi), "B0 -> pi+ pi- missing from {window:#?}");
    assert!(has(&window, &bs_kk), "B_s0 -> K+ K- missing from {window:#?}");
    assert!(has(&window, &lb_pk), "Lambda_b0 -> p K- missing from {window:#?}");
    assert!(has(&window, &lb_ppi), "Lambda_b0 -> p pi- missing from {window:#?}");
    let fit = oracle_top("B0 -> K+ pi-", RangeChoice::Fit, 15);
    assert!(has(&fit, &|b| b.contains("pi0{miss}") && b.contains("K+") && b.contains("pi-")), "{fit:#?}");
    assert!(has(&fit, &bs_kk), "B_s0 -> K+ K- missing from {fit:#?}");
}

fn conjugate(name: &str) -> String {
    match name {
        "p+" => "anti-p-".into(),
        n if n.ends_with('+') => format!("{}-", &n[..n.len() - 1]),
        n if n.ends_with('-') => format!("{}+", &n[..n.len() - 1]),
        n => n.into(),
    }
}

fn sorted(names: &[&str]) -> Vec<String> {
    sorted_owned(names.iter().map(|n| n.to_string()).collect())
}

fn sorted_owned(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}
