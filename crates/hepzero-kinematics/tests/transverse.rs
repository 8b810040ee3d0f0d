//! Physics facts about m_T and m_T2: for A -> b C the transverse mass of b and C never exceeds
//! m_A (and its Jacobian edge reaches it); for pair-produced parents each decaying to a
//! visible and an invisible particle, m_T2 with the true invisible mass never exceeds the
//! parent mass (Lester-Summers, hep-ph/9906349) and its endpoint is reached; q^2 of
//! B+ -> K+ mu+ mu- is the dimuon mass squared, inside [4 m_mu^2, (m_B - m_K)^2].

use hepzero_kinematics::{FourMomentum, PhaseSpace, mt2_of, transverse_mass_of};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

fn random_lab_momentum(rng: &mut ChaCha8Rng, m: f64) -> FourMomentum {
    let pt = 200.0 * rng.random::<f64>();
    let eta = 8.0 * rng.random::<f64>() - 4.0;
    let phi = 2.0 * PI * rng.random::<f64>();
    FourMomentum::from_pt_eta_phi_m(pt, eta, phi, m)
}

#[test]
fn transverse_mass_never_exceeds_the_parent_mass() {
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    // W -> mu nu, B -> D* mu nu (as b = mu, C = D* nu system), tau -> pi pi0 nu (b = pi pi0).
    let cases: [(f64, &[f64]); 3] = [
        (80.377, &[0.1056583755, 0.0]),
        (5.27966, &[0.1056583755, 2.01026, 0.0]),
        (1.77686, &[0.13957039, 0.1349768, 0.0]),
    ];
    let mut buf = [FourMomentum::ZERO; 3];
    for (m_a, daughters) in cases {
        let ps = PhaseSpace::new(m_a, daughters).unwrap();
        let out = &mut buf[..daughters.len()];
        let mut top: f64 = 0.0;
        for _ in 0..50_000 {
            let parent = random_lab_momentum(&mut rng, m_a);
            ps.generate_unweighted_in_frame(&mut rng, &parent, out).unwrap();
            // b = first daughter; C = everything else.
            let b = out[0];
            let c: FourMomentum = out[1..].iter().sum();
            let mt = transverse_mass_of(&b, &c);
            // Lab energies reach ~3000 m_A here, so masses recomputed from lab four-vectors
            // carry rounding of order gamma^2 * 1e-16 ~ 1e-9 (relative).
            assert!(mt <= m_a * (1.0 + 1e-9), "m_T = {mt} > m_A = {m_a}");
            top = top.max(mt);
        }
        // The edge is populated: the bound is attained, not just respected.
        assert!(top > 0.98 * m_a, "largest m_T {top} for m_A = {m_a}");
    }
}

#[test]
fn mt2_endpoint_is_the_parent_mass() {
    // Pair production of 300 GeV parents, each -> visible (mass 20) + invisible (mass 100).
    let (m_parent, m_vis, m_inv) = (300.0, 20.0, 100.0);
    let ps = PhaseSpace::new(m_parent, &[m_vis, m_inv]).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(32);
    let mut a = [FourMomentum::ZERO; 2];
    let mut b = [FourMomentum::ZERO; 2];
    let mut top: f64 = 0.0;
    for _ in 0..20_000 {
        let pa = random_lab_momentum(&mut rng, m_parent);
        let pb = random_lab_momentum(&mut rng, m_parent);
        ps.generate_unweighted_in_frame(&mut rng, &pa, &mut a).unwrap();
        ps.generate_unweighted_in_frame(&mut rng, &pb, &mut b).unwrap();
        let met = [a[1].px + b[1].px, a[1].py + b[1].py];
        let v = mt2_of(&a[0], &b[0], met, m_inv, m_inv);
        assert!(v <= m_parent * (1.0 + 1e-9), "m_T2 = {v} > {m_parent}");
        assert!(v >= m_vis + m_inv - 1e-9);
        top = top.max(v);
    }
    assert!(top > 0.97 * m_parent, "largest m_T2 {top}");
}

#[test]
fn q2_is_the_dilepton_mass_and_stays_in_its_kinematic_range() {
    // B+ -> K+ mu+ mu-: q^2 = (p_B - p_K)^2 = m_mumu^2 in [4 m_mu^2, (m_B - m_K)^2].
    let (m_b, m_k, m_mu) = (5.27934, 0.493677, 0.1056583755);
    let ps = PhaseSpace::new(m_b, &[m_k, m_mu, m_mu]).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(33);
    let mut out = [FourMomentum::ZERO; 3];
    let (lo, hi) = (4.0 * m_mu * m_mu, (m_b - m_k).powi(2));
    for _ in 0..20_000 {
        let parent = random_lab_momentum(&mut rng, m_b);
        ps.generate_unweighted_in_frame(&mut rng, &parent, &mut out).unwrap();
        let q2 = hepzero_kinematics::q2(&parent, &out[0]);
        let mumu = (out[1] + out[2]).mass2();
        let scale = parent.e * parent.e;
        assert!((q2 - mumu).abs() <= 1e-9 * scale);
        assert!(q2 >= lo - 1e-9 * scale && q2 <= hi + 1e-9 * scale);
    }
}
