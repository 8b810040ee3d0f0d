//! QCD colour factors, zeta values and the beta-function coefficients.
//!
//! Normalisation: a_s = alpha_s / (4 pi); d a_s / d ln mu^2 = -beta0 a_s^2 - beta1 a_s^3
//! (e.g. Ellis, Stirling, Webber, "QCD and collider physics", ch. 2, rescaled to a_s).

/// C_F = 4/3.
pub const CF: f64 = 4.0 / 3.0;
/// C_A = 3.
pub const CA: f64 = 3.0;
/// T_R = 1/2.
pub const TR: f64 = 0.5;
/// zeta(2) = pi^2/6.
pub const ZETA2: f64 = 1.644_934_066_848_226_4;
/// zeta(3).
pub const ZETA3: f64 = 1.202_056_903_159_594_3;
/// Euler-Mascheroni constant.
pub const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// One-loop beta coefficient for `nf` light flavours: 11 - 2 nf / 3.
pub fn beta0(nf: u8) -> f64 {
    11.0 - 2.0 / 3.0 * f64::from(nf)
}

/// Two-loop beta coefficient for `nf` light flavours: 102 - 38 nf / 3.
pub fn beta1(nf: u8) -> f64 {
    102.0 - 38.0 / 3.0 * f64::from(nf)
}
