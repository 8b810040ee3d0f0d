//! Number (valence) and momentum sum rules are conserved by the evolution to 1e-6.
//! Checked on Mellin moments: N = 1 of q - qbar and N = 2 of the sum over all partons.

use hepzero_evolution::toy::lha_toy_mellin;
use hepzero_evolution::{Order, Theory, evolve_moments};
use num_complex::Complex64 as C64;

const D: usize = 7;
const U: usize = 8;
const S: usize = 9;
const DBAR: usize = 5;
const UBAR: usize = 4;
const SBAR: usize = 3;

#[test]
fn momentum_sum_rule_is_conserved() {
    let n2 = C64::new(2.0, 0.0);
    let f0 = lha_toy_mellin(n2);
    let m0: f64 = f0.iter().map(|v| v.re).sum();
    // The toy set carries (almost) all the proton momentum.
    assert!((m0 - 1.0).abs() < 1e-3, "initial momentum {m0}");
    for order in [Order::Lo, Order::Nlo] {
        for vfns in [false, true] {
            for q2 in [3.0, 20.25, 100.0, 1e4, 1e6] {
                let f = evolve_moments(&Theory::lha(order, vfns), q2, n2, &f0).unwrap();
                let m: f64 = f.iter().map(|v| v.re).sum();
                assert!((m / m0 - 1.0).abs() < 1e-6, "{order:?} vfns={vfns} Q2={q2}: {m} vs {m0}");
            }
        }
    }
}

#[test]
fn valence_sum_rules_are_conserved() {
    // At N = 1 the singlet block is singular; the valence entries q-_k = q_k - qbar_k of the
    // internal (g, q+, q-) basis (index 6 + k) do not mix with it, so read them there.
    let n1 = C64::new(1.0, 0.0);
    let f0 = lha_toy_mellin(n1);
    let uv0 = (f0[U] - f0[UBAR]).re;
    let dv0 = (f0[D] - f0[DBAR]).re;
    assert!((uv0 - 2.0).abs() < 1e-6 && (dv0 - 1.0).abs() < 1e-6, "toy: u_v {uv0}, d_v {dv0}");
    let _ = (S, SBAR);
    for order in [Order::Lo, Order::Nlo] {
        for vfns in [false, true] {
            let e = Theory::lha(order, vfns).kernel(1e4).unwrap().regular_pm(n1);
            // In FFNS (nf = 4) the b quark is never evolved (pure delta function, no regular part).
            for k in 1..=(if vfns { 5 } else { 4 }) {
                let ev = e[6 + k][6 + k];
                assert!(
                    (ev - 1.0).norm() < 1e-6,
                    "{order:?} vfns={vfns}: E_valence(N=1) for quark {k} = {ev}"
                );
                for (j, v) in e[6 + k].iter().enumerate() {
                    if j != 6 + k {
                        assert!(v.norm() < 1e-12, "valence mixes with {j}");
                    }
                }
            }
            println!("{order:?} vfns={vfns}: E_valence(N=1) - 1 = {:.1e}", (e[8][8] - 1.0).norm());
        }
    }
}
