//! The chain query: hand-computed answers on a small file, products of the file's branching
//! fractions on the LHCb table, and agreement with a naive (unmemoised) enumeration.

use std::collections::BTreeMap;

use hepzero_pdg::{ChainFinder, DecayTable};

const SMALL: &str = "
Decay B0
0.5 K*0 pi0 PHSP;
0.3 K+ pi- pi0 PHSP;
0.1 D- pi+ PHSP;
0.1 K+ pi- gamma PHSP;
Enddecay
Decay K*0
0.6 K+ pi- VSS;
0.4 K0 pi0 VSS;
Enddecay
Decay K0
0.5 K_S0 PHSP;
0.5 K_L0 PHSP;
Enddecay
Decay D-
0.5 K+ pi- pi- PHSP;
0.5 K+ pi- pi- pi0 PHSP;
Enddecay
";

fn brs(chains: &[hepzero_pdg::Chain]) -> Vec<f64> {
    chains.iter().map(|c| c.br).collect()
}

#[test]
fn small_file_by_hand() {
    let t = DecayTable::parse_str(SMALL, "small.dec").unwrap();
    // Exactly K+ pi- pi0: B0 -> K+ pi- pi0 (0.3) and B0 -> (K*0 -> K+ pi-) pi0 (0.5*0.6).
    let c = t.find_chains("B0", &["K+", "pi-", "pi0"], 0, 0.0).unwrap();
    assert_eq!(brs(&c), [0.5 * 0.6, 0.3]);
    assert!(c.iter().all(|c| c.extras.is_empty()));
    // Equal BRs keep the file's mode order.
    assert_eq!(c[0].tree.descriptor(), "B0 -> (K*0 -> K+ pi-) pi0");
    assert_eq!(c[1].tree.descriptor(), "B0 -> K+ pi- pi0");
    // One extra: + B0 -> K+ pi- gamma has no pi0 (not a superset); + D- pi+ with D- -> K+ pi- pi-
    // is K+ pi- pi- pi+: no pi0 either; D- -> K+ pi- pi- pi0 gives K+ pi- pi- pi0 pi+: 2 extras.
    let c1 = t.find_chains("B0", &["K+", "pi-", "pi0"], 1, 0.0).unwrap();
    assert_eq!(brs(&c1), [0.5 * 0.6, 0.3]);
    let c2 = t.find_chains("B0", &["K+", "pi-", "pi0"], 2, 0.0).unwrap();
    assert_eq!(brs(&c2), [0.5 * 0.6, 0.3, 0.1 * 0.5]);
    assert_eq!(c2[2].extras, ["pi+", "pi-"]);
    // The K0 -> K_S0 / K_L0 branch: K_S0 pi0 pi0 final state.
    let ks = t.find_chains("B0", &["K_S0", "pi0", "pi0"], 0, 0.0).unwrap();
    assert_eq!(brs(&ks), [0.5 * 0.4 * 0.5]);
    // A floor removes the small ones.
    let floor = t.find_chains("B0", &["K+", "pi-", "pi0"], 2, 0.1).unwrap();
    assert_eq!(brs(&floor), [0.5 * 0.6, 0.3]);
    // Unstable particles cannot be requested; unknown names are errors; a stable particle no mode
    // produces gives no chains.
    assert!(t.find_chains("B0", &["K*0"], 0, 0.0).is_err());
    assert!(t.find_chains("B0", &["K+", "pion"], 0, 0.0).is_err());
    assert!(t.find_chains("B0", &["K+", "pi-", "mu-"], 1, 0.0).unwrap().is_empty());
}

#[test]
fn lhcb_chain_br_is_the_product_of_the_file_numbers() {
    let t = DecayTable::lhcb_default();
    let c = t.find_chains("B0", &["K+", "pi-", "pi0"], 0, 1e-9).unwrap();
    // DECAY_LHCB.DEC line 1890: `0.000009400 K*+ pi- SVS;` (B0 block, raw sum 1.0000000000000016)
    // and line 7293: `0.3323 K+ pi0 VSS;` (K*+ block: 0.6657 + 0.3323 + 0.0020 = 1).
    let chain = c.iter().find(|c| c.tree.descriptor() == "B0 -> (K*+ -> K+ pi0) pi-").unwrap();
    let expect = 9.4e-6 / t.raw_br_sum("B0").unwrap() * 0.3323 / (0.6657 + 0.3323 + 0.0020);
    assert!((chain.br - expect).abs() < 1e-15 * expect, "{} vs {expect}", chain.br);
    let direct = c.iter().find(|c| c.tree.descriptor() == "B0 -> K+ pi- pi0").unwrap();
    assert!((direct.br - 2.75e-5).abs() < 1e-15);
    // Same answer through the product_br helper.
    let k_star = t.modes("B0").iter().position(|m| m.daughters == ["K*+", "pi-"]).unwrap();
    let k_pi0 = t.modes("K*+").iter().position(|m| m.daughters == ["K+", "pi0"]).unwrap();
    assert_eq!(t.product_br(&[("B0", k_star), ("K*+", k_pi0)]).unwrap(), chain.br);
}

/// Reference enumeration without memoisation or excess pruning: every chain, final state as a
/// sorted list of names, pruned only by the BR floor and the final-state size.
fn naive(t: &DecayTable, name: &str, floor: f64, max_len: usize) -> Vec<(Vec<String>, f64)> {
    let p = t.particle(name);
    let stable = p.is_some_and(|p| t.stability().is_stable(p.pdg_id));
    let modes = t.modes(name);
    if stable || modes.is_empty() {
        let canon = p.map_or(name.to_string(), |p| p.evtgen_name.clone());
        return vec![(vec![canon], 1.0)];
    }
    let mut out = Vec::new();
    for m in modes {
        let partonic = m.daughters.is_empty()
            || m.daughters.iter().any(|d| t.particle(d).is_none_or(|p| p.is_parton_or_placeholder()));
        if partonic || m.br < floor || m.br == 0.0 {
            continue;
        }
        let mut partial: Vec<(Vec<String>, f64)> = vec![(Vec::new(), m.br)];
        for d in &m.daughters {
            let subs = naive(t, d, floor, max_len);
            let mut next = Vec::new();
            for (fs, br) in &partial {
                for (sfs, sbr) in &subs {
                    let b = br * sbr;
                    if b >= floor && fs.len() + sfs.len() <= max_len {
                        let mut f = fs.clone();
                        f.extend(sfs.iter().cloned());
                        next.push((f, b));
                    }
                }
            }
            partial = next;
        }
        for (mut fs, br) in partial {
            fs.sort();
            out.push((fs, br));
        }
    }
    out
}

#[test]
fn memoised_query_agrees_with_naive_enumeration() {
    let t = DecayTable::lhcb_default();
    let target = ["K+", "pi-", "pi0"];
    for (mother, k, floor) in [("B0", 1usize, 1e-5), ("B+", 2, 3e-4), ("D*+", 2, 1e-4), ("B_s0", 1, 1e-5)] {
        let mut finder = ChainFinder::new(t, &target, k, floor).unwrap();
        let fast = finder.chains(mother).unwrap();
        let slow: Vec<(Vec<String>, f64)> = naive(t, mother, floor, target.len() + k)
            .into_iter()
            .filter(|(fs, _)| {
                let mut rest = fs.clone();
                target.iter().all(|x| match rest.iter().position(|y| y == x) {
                    Some(i) => {
                        rest.remove(i);
                        true
                    }
                    None => false,
                })
            })
            .collect();
        assert_eq!(fast.len(), slow.len(), "{mother} k={k}");
        let mut by_fs_fast: BTreeMap<Vec<String>, (usize, f64)> = BTreeMap::new();
        for c in &fast {
            let e = by_fs_fast.entry(c.final_state.clone()).or_default();
            e.0 += 1;
            e.1 += c.br;
        }
        let mut by_fs_slow: BTreeMap<Vec<String>, (usize, f64)> = BTreeMap::new();
        for (fs, br) in &slow {
            let e = by_fs_slow.entry(fs.clone()).or_default();
            e.0 += 1;
            e.1 += br;
        }
        assert_eq!(by_fs_fast.len(), by_fs_slow.len());
        for ((fa, (na, ba)), (fb, (nb, bb))) in by_fs_fast.iter().zip(&by_fs_slow) {
            assert_eq!((fa, na), (fb, nb));
            assert!((ba - bb).abs() <= 1e-12 * ba.abs(), "{mother} {fa:?}: {ba} vs {bb}");
        }
        assert!(!fast.is_empty(), "{mother}: no chains to compare");
    }
}

#[test]
fn finder_memo_is_reusable_across_mothers() {
    let t = DecayTable::lhcb_default();
    let mut shared = ChainFinder::new(t, &["K+", "pi-", "pi0"], 2, 1e-7).unwrap();
    for mother in ["B0", "B+", "B_s0"] {
        let a = shared.chains(mother).unwrap();
        let b = t.find_chains(mother, &["K+", "pi-", "pi0"], 2, 1e-7).unwrap();
        assert_eq!(a, b, "{mother}");
    }
}
