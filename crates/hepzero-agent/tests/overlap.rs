//! The shipped overlap estimator, trained on the 17 training signals, on signals it never saw:
//! a signal decay taken as its own background overlaps itself exactly (K = 1); a background whose
//! unsmeared mass range ends below the scoring range cannot overlap; and on every candidate the
//! reward simulates for `B_s0 -> K- pi+` it separates zero from non-zero overlaps (AUC 0.89 when
//! written; the value head of the shipped network, 0.71-0.93 on the unseen signals).

use hepzero_agent::{
    OverlapFitConfig, OverlapSample, fit_overlap, lhcb_model, overlap_features, shipped_overlap,
};
use hepzero_backend::{DeviceChoice, select_device};
use hepzero_finder::{OracleConfig, enumerate_backgrounds};
use hepzero_pdg::DecayTable;
use hepzero_reward::RewardConfig;
use hepzero_tokens::GrammarConfig;
use rayon::prelude::*;

#[test]
fn a_signal_overlaps_itself() {
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let estimator = shipped_overlap(&device).unwrap();
    for signal in ["B_s0 -> K- pi+", "B+ -> (J/psi -> mu+ mu-) pi+", "D+ -> K+ K- pi+"] {
        let model = lhcb_model(signal, &GrammarConfig::default(), &RewardConfig::reduced()).unwrap();
        let features = overlap_features(&model, model.grammar().signal()).unwrap();
        let e = estimator.estimate(&[features]).unwrap()[0];
        assert!(e.p_nonzero > 0.9, "{signal}: P(overlap > 0) = {}", e.p_nonzero);
        assert!(e.ln_overlap.abs() < 0.7, "{signal}: ln K = {} (exactly 0)", e.ln_overlap);
    }
}

#[test]
fn unseen_overlaps_are_told_apart_and_kinematic_exclusions_respected() {
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let estimator = shipped_overlap(&device).unwrap();
    let model = lhcb_model("B_s0 -> K- pi+", &GrammarConfig::default(), &RewardConfig::reduced()).unwrap();
    let candidates =
        enumerate_backgrounds(model.grammar(), DecayTable::lhcb_default(), &OracleConfig::default()).unwrap();
    let rows: Vec<_> = candidates
        .par_iter()
        .filter_map(|d| {
            let overlap = model.evaluate(d).unwrap().overlap?;
            Some((overlap_features(&model, d).unwrap(), overlap))
        })
        .collect();
    let features: Vec<_> = rows.iter().map(|r| r.0).collect();
    let p: Vec<f64> = estimator.estimate(&features).unwrap().iter().map(|e| e.p_nonzero).collect();
    // Rank AUC: the chance that a non-zero overlap gets a higher P than a zero one.
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let (mut zeros, mut pairs, mut wins) = (0u64, 0u64, 0u64);
    for &i in &order {
        if rows[i].1 > 0.0 {
            wins += zeros;
            pairs += 1;
        } else {
            zeros += 1;
        }
    }
    let auc = wins as f64 / (pairs * zeros) as f64;
    assert!(zeros > 100 && pairs > 100, "{zeros} zero and {pairs} non-zero overlaps");
    assert!(auc > 0.85, "AUC {auc:.3} over {} simulated candidates", rows.len());
    // Inputs 0 and 11 give the unsmeared candidate mass's upper end, (hi - m_S) / m_S and m_S:
    // 10% below the fit range (many resolutions), the overlap must vanish.
    let lo = model.signal().fit_range.lo;
    let excluded: Vec<usize> = (0..rows.len())
        .filter(|&i| f64::from(features[i][11]) * (1.0 + f64::from(features[i][0])) < 0.9 * lo)
        .collect();
    assert!(excluded.len() > 20, "{} excluded", excluded.len());
    for &i in &excluded {
        assert_eq!(rows[i].1, 0.0, "a kinematically excluded candidate overlaps");
    }
    let mean = excluded.iter().map(|&i| p[i]).sum::<f64>() / excluded.len() as f64;
    assert!(mean < 0.1, "mean P(overlap > 0) of {} excluded candidates: {mean:.3}", excluded.len());
}

#[test]
fn fitting_needs_both_kinds_of_overlap() {
    let device = select_device(DeviceChoice::Cpu).unwrap().device;
    let samples = vec![OverlapSample { features: [0.0; hepzero_agent::OVERLAP_FEATURES], overlap: 0.0 }; 4];
    let err = fit_overlap(&samples, &OverlapFitConfig::default(), &device, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("0 of 4 non-zero"), "{err}");
}
