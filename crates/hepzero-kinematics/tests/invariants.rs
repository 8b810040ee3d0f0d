//! Property tests of kinematic invariants: masses are boost invariant, boosts invert, the
//! Kallen function is symmetric, and m_T2 is symmetric under exchanging the two sides and
//! never below its lower bound max(m_vis,i + m_invis,i).

use hepzero_kinematics::{FourMomentum, kallen, mt2};
use proptest::prelude::*;

fn momentum() -> impl Strategy<Value = FourMomentum> {
    (-50.0..50.0f64, -50.0..50.0f64, -500.0..500.0f64, 0.0..20.0f64)
        .prop_map(|(x, y, z, m)| FourMomentum::from_p3_mass(x, y, z, m))
}

fn frame() -> impl Strategy<Value = FourMomentum> {
    (-50.0..50.0f64, -50.0..50.0f64, -500.0..500.0f64, 0.1..20.0f64)
        .prop_map(|(x, y, z, m)| FourMomentum::from_p3_mass(x, y, z, m))
}

proptest! {
    #[test]
    fn boosts_preserve_mass_and_invert(p in momentum(), f in frame()) {
        let there = p.boost_to_rest_frame_of(&f);
        let back = there.boost_from_rest_frame_of(&f);
        let tol = 1e-9 * (p.e + f.e) * (p.e + f.e) / f.mass().min(1.0);
        prop_assert!((there.mass2() - p.mass2()).abs() <= tol);
        for (a, b) in back.p3().iter().zip(p.p3()) {
            prop_assert!((a - b).abs() <= 1e-9 * (p.e + f.e) * f.gamma());
        }
        // The frame itself is at rest in its own rest frame.
        prop_assert!(f.boost_to_rest_frame_of(&f).p() <= 1e-9 * f.e * f.gamma());
    }

    #[test]
    fn kallen_is_symmetric(a in 0.0..100.0f64, b in 0.0..100.0f64, c in 0.0..100.0f64) {
        let k = kallen(a, b, c);
        let scale = (a + b + c).powi(2) + 1.0;
        prop_assert!((k - kallen(b, a, c)).abs() <= 1e-12 * scale);
        prop_assert!((k - kallen(c, b, a)).abs() <= 1e-12 * scale);
    }

    #[test]
    fn mt2_symmetry_and_lower_bound(
        m1 in 0.0..50.0f64, m2 in 0.0..50.0f64,
        p1 in prop::array::uniform2(-100.0..100.0f64), p2 in prop::array::uniform2(-100.0..100.0f64),
        met in prop::array::uniform2(-100.0..100.0f64),
        c1 in 0.0..100.0f64, c2 in 0.0..100.0f64,
    ) {
        let a = mt2(m1, p1, m2, p2, met, c1, c2);
        let b = mt2(m2, p2, m1, p1, met, c2, c1);
        prop_assert!((a - b).abs() <= 1e-9 * (a + 1.0));
        prop_assert!(a >= (m1 + c1).max(m2 + c2) * (1.0 - 1e-12));
    }
}
