//! A toy table shaped like the seed's example (charges and stabilities as in the PDG), the
//! brute-force reference enumerator, and helpers shared by the integration tests.
#![allow(dead_code, clippy::needless_range_loop)]

use std::collections::BTreeSet;
use std::sync::Arc;

use hepzero_tokens::{
    AS_ITSELF, AS_SPECIES, Decay, END, Grammar, GrammarConfig, MISSING, Node, ParticleId, Recon, SimpleData,
    State, TokenId, Vocabulary,
};

pub fn toy_data() -> SimpleData {
    SimpleData::default()
        .particle("B0", 511, 0, false)
        .particle("anti-B0", -511, 0, false)
        .particle("B+", 521, 1, false)
        .particle("B-", -521, -1, false)
        .particle("B_s0", 531, 0, false)
        .particle("K*+", 323, 1, false)
        .particle("K*0", 313, 0, false)
        .particle("rho+", 213, 1, false)
        .particle("rho0", 113, 0, false)
        .particle("D0", 421, 0, false)
        .particle("K+", 321, 1, true)
        .particle("K-", -321, -1, true)
        .particle("pi+", 211, 1, true)
        .particle("pi-", -211, -1, true)
        .particle("pi0", 111, 0, true)
        .particle("p+", 2212, 1, true)
        .particle("mu+", -13, 1, true)
        .particle("mu-", 13, -1, true)
        .particle("gamma", 22, 0, true)
        .mode("B0", 2.75e-5, "K+ pi- pi0")
        .mode("B0", 1.0e-5, "K*+ pi-")
        .mode("B0", 5.0e-6, "K*0 pi0")
        .mode("B0", 1.0e-5, "rho+ K-")
        .mode("B0", 2.0e-5, "K+ pi-")
        .mode("B0", 5.1e-6, "pi+ pi-")
        .mode("B0", 3.0e-6, "D0 pi0")
        .mode("B0", 1.0e-6, "K*0 mu+ mu-")
        .mode("B+", 5.0e-5, "K*+ pi+ K-")
        .mode("B+", 2.0e-5, "K+ pi- pi+")
        .mode("B+", 1.3e-5, "K+ pi0")
        .mode("B+", 1.0e-5, "rho+ rho0")
        .mode("B+", 1.0e-6, "K+ mu+ mu-")
        .mode("B-", 2.0e-5, "K- pi+ pi-")
        .mode("anti-B0", 2.0e-5, "K- pi+")
        .mode("anti-B0", 2.75e-5, "K- pi+ pi0")
        .mode("B_s0", 2.0e-5, "K+ K-")
        .mode("B_s0", 5.0e-6, "K*0 pi0 gamma")
        .mode("K*+", 0.667, "K+ pi0")
        .mode("K*+", 0.333, "K0 pi+")
        .mode("K*0", 0.667, "K+ pi-")
        .mode("K*0", 0.333, "K0 pi0")
        .mode("rho+", 1.0, "pi+ pi0")
        .mode("rho0", 1.0, "pi+ pi-")
        .mode("D0", 0.039, "K- pi+")
        .mode("D0", 0.14, "K- pi+ pi0")
        .mode("D0", 0.0014, "pi+ pi-")
        .particle("K0", 311, 0, false)
        .particle("K_S0", 310, 0, true)
        .mode("K0", 0.5, "K_S0")
}

pub fn toy_vocab() -> Arc<Vocabulary> {
    Arc::new(Vocabulary::new(&toy_data(), &[]).unwrap())
}

pub fn toy_grammar(signal: &str, config: GrammarConfig) -> Grammar {
    Grammar::new(toy_vocab(), signal, config).unwrap()
}

/// Every complete background the automaton can produce, as canonical token sequences, by depth-first
/// search over the valid-next masks (also checks that no allowed token leads to a dead end).
pub fn enumerate_by_mask(g: &Grammar) -> BTreeSet<Vec<TokenId>> {
    let mut out = BTreeSet::new();
    let mut tokens = Vec::new();
    dfs(g, &g.initial_state(), &mut tokens, &mut out);
    out
}

fn dfs(g: &Grammar, s: &State, tokens: &mut Vec<TokenId>, out: &mut BTreeSet<Vec<TokenId>>) {
    if s.is_complete() {
        let d =
            g.decode_background(tokens).expect("a sequence the automaton completed must decode and check");
        out.insert(g.canonical_tokens(&d));
        return;
    }
    let mask = g.valid_next(s);
    assert!(!mask.is_empty(), "dead end after {tokens:?}");
    for t in mask.iter() {
        let mut s2 = s.clone();
        g.push(&mut s2, t).expect("mask and push agree");
        tokens.push(t);
        dfs(g, &s2, tokens, out);
        tokens.pop();
    }
}

/// The reference count: builds every tree straight from the decay table (all allowed parents, each
/// mode's daughters either final-state particles with every annotation or, if unstable, decayed
/// again within the depth limit), keeps those the rule checker accepts, and deduplicates them by a
/// canonical *string* (daughters sorted by their printed form). Shares no code with the automaton
/// or the token canonical form.
pub fn enumerate_brute_force(g: &Grammar) -> BTreeSet<String> {
    let v = g.vocab().clone();
    let cfg = g.config().clone();
    let leaves: usize = g.slots().iter().map(|s| s.1).sum::<usize>() + cfg.max_missing;
    let mut out = BTreeSet::new();
    for (i, _) in v.particles().iter().enumerate() {
        let p = ParticleId(i as u16);
        if !g.is_allowed_parent(p) {
            continue;
        }
        for t in subtrees(g, p, cfg.max_depth, leaves) {
            if g.check_background(&t).is_ok() {
                out.insert(canonical_string(g, &t));
            }
        }
    }
    out
}

fn annotations(g: &Grammar, p: ParticleId) -> Vec<Recon> {
    let mut r = vec![Recon::AsItself, Recon::Missing];
    for (i, _) in g.vocab().particles().iter().enumerate() {
        let y = ParticleId(i as u16);
        if y != p
            && g.vocab().charge3(y) == g.vocab().charge3(p)
            && g.vocab().particles()[i].species.is_some()
        {
            r.push(Recon::As(y));
        }
    }
    r
}

/// All decays of `p` within `depth` levels with at most `max_leaves` final-state particles.
fn subtrees(g: &Grammar, p: ParticleId, depth: usize, max_leaves: usize) -> Vec<Decay> {
    let v = g.vocab();
    let mut out = Vec::new();
    if depth == 0 {
        return out;
    }
    for m in v.modes(p) {
        if m.daughters.len() > max_leaves {
            continue;
        }
        // Options per daughter position.
        let opts: Vec<Vec<Node>> = m
            .daughters
            .iter()
            .map(|d| {
                if v.is_stable(*d) {
                    annotations(g, *d).into_iter().map(|r| Node::Final { particle: *d, recon: r }).collect()
                } else {
                    subtrees(g, *d, depth - 1, max_leaves).into_iter().map(Node::Decay).collect()
                }
            })
            .collect();
        if opts.iter().any(Vec::is_empty) {
            continue;
        }
        // Odometer over one option per daughter position.
        let mut idx = vec![0usize; opts.len()];
        'combos: loop {
            let daughters: Vec<Node> = idx.iter().zip(&opts).map(|(i, o)| o[*i].clone()).collect();
            let d = Decay { parent: p, daughters };
            if d.leaves().len() <= max_leaves {
                out.push(d);
            }
            for k in 0..idx.len() {
                idx[k] += 1;
                if idx[k] < opts[k].len() {
                    continue 'combos;
                }
                idx[k] = 0;
            }
            break;
        }
    }
    out
}

pub fn canonical_string(g: &Grammar, d: &Decay) -> String {
    let v = g.vocab();
    let mut parts: Vec<String> = d
        .daughters
        .iter()
        .map(|n| match n {
            Node::Final { particle, recon } => {
                let mut s = v.name(*particle).to_string();
                match recon {
                    Recon::AsItself => {}
                    Recon::As(y) => s.push_str(&format!("{{{}}}", v.name(*y))),
                    Recon::Missing => s.push_str("{miss}"),
                }
                s
            }
            Node::Decay(sub) => format!("({})", canonical_string(g, sub)),
        })
        .collect();
    parts.sort();
    format!("{} -> {}", v.name(d.parent), parts.join(" "))
}

/// A random valid background by following random tokens of the mask to END.
pub fn random_background(g: &Grammar, rng: &mut impl rand::Rng) -> (Vec<TokenId>, Decay) {
    let mut s = g.initial_state();
    let mut tokens = Vec::new();
    while !s.is_complete() {
        let mask = g.valid_next(&s);
        let all: Vec<TokenId> = mask.iter().collect();
        assert!(!all.is_empty(), "dead end after {tokens:?}");
        let t = all[rng.random_range(0..all.len())];
        g.push(&mut s, t).unwrap();
        tokens.push(t);
        assert!(tokens.len() <= g.max_background_len());
    }
    assert_eq!(*tokens.last().unwrap(), END);
    let d = g.decode_background(&tokens).unwrap();
    (tokens, d)
}

pub const RECON_TOKENS: [TokenId; 3] = [AS_ITSELF, AS_SPECIES, MISSING];

/// The number of distinct backgrounds (up to daughter order) counted without enumerating them: a
/// dynamic programme over the decay table. For each particle and depth it keeps a polynomial over
/// outcomes (slots filled, missing count) whose coefficients count distinct subtrees; a mode's
/// identical daughters are counted as multisets with the cycle-index recurrence
/// h_m = (1/m) sum_k p_k h_{m-k} (p_k: the polynomial with every outcome multiplied by k).
pub fn count_by_dp(g: &Grammar) -> u128 {
    let v = g.vocab();
    let cfg = g.config();
    let slots: Vec<(ParticleId, usize)> = g.slots().to_vec();
    let radix: Vec<usize> = slots.iter().map(|s| s.1 + 1).chain([cfg.max_missing + 1]).collect();
    let size: usize = radix.iter().product();
    let digits = |i: usize| -> Vec<usize> {
        let mut r = Vec::new();
        let mut x = i;
        for b in &radix {
            r.push(x % b);
            x /= b;
        }
        r
    };
    let index = |d: &[usize]| -> Option<usize> {
        let mut i = 0;
        let mut s = 1;
        for (x, b) in d.iter().zip(&radix) {
            if x >= b {
                return None;
            }
            i += x * s;
            s *= b;
        }
        Some(i)
    };
    let mul = |a: &[u128], b: &[u128]| -> Vec<u128> {
        let mut r = vec![0u128; size];
        for (i, x) in a.iter().enumerate().filter(|(_, x)| **x > 0) {
            for (j, y) in b.iter().enumerate().filter(|(_, y)| **y > 0) {
                let s: Vec<usize> = digits(i).iter().zip(digits(j)).map(|(p, q)| p + q).collect();
                if let Some(k) = index(&s) {
                    r[k] += x * y;
                }
            }
        }
        r
    };
    let scale = |a: &[u128], k: usize| -> Vec<u128> {
        let mut r = vec![0u128; size];
        for (i, x) in a.iter().enumerate().filter(|(_, x)| **x > 0) {
            let s: Vec<usize> = digits(i).iter().map(|p| p * k).collect();
            if let Some(j) = index(&s) {
                r[j] += x;
            }
        }
        r
    };
    let unit = |j: usize| -> Vec<u128> {
        let mut d = vec![0usize; radix.len()];
        d[j] = 1;
        let mut r = vec![0u128; size];
        if let Some(i) = index(&d) {
            r[i] = 1;
        }
        r
    };
    let one = {
        let mut r = vec![0u128; size];
        r[0] = 1;
        r
    };
    let n = v.particles().len();
    // Leaf polynomials.
    let mut leaf = vec![vec![0u128; size]; n];
    for (i, p) in v.particles().iter().enumerate() {
        if !p.stable {
            continue;
        }
        for (j, (s, _)) in slots.iter().enumerate() {
            let sp = &v.particles()[s.0 as usize];
            let ok = if s.0 as usize == i {
                true
            } else {
                sp.charge3 == p.charge3
                    && matches!((p.species, sp.species), (Some(a), Some(b)) if cfg.misid.allows(a, b))
            };
            if ok {
                for (k, x) in unit(j).iter().enumerate() {
                    leaf[i][k] += x;
                }
            }
        }
        if cfg.max_missing > 0 {
            for (k, x) in unit(slots.len()).iter().enumerate() {
                leaf[i][k] += x;
            }
        }
    }
    // F[d][p]
    let mut f = vec![vec![vec![0u128; size]; n]; cfg.max_depth + 1];
    for d in 1..=cfg.max_depth {
        for i in 0..n {
            let p = ParticleId(i as u16);
            if v.is_stable(p) {
                continue;
            }
            let mut total = vec![0u128; size];
            for m in modes_for(g, p) {
                let q: i32 = m.daughters.iter().map(|x| v.charge3(*x)).sum();
                if q != v.charge3(p) || m.daughters.is_empty() {
                    continue;
                }
                let mut prod = one.clone();
                let mut k = 0;
                while k < m.daughters.len() {
                    let y = m.daughters[k];
                    let mult = m.daughters.iter().filter(|z| **z == y).count();
                    k += mult; // daughters are sorted
                    let g_y = if v.is_stable(y) {
                        leaf[y.0 as usize].clone()
                    } else {
                        f[d - 1][y.0 as usize].clone()
                    };
                    // multisets of size mult
                    let mut h = vec![one.clone()];
                    for mm in 1..=mult {
                        let mut acc = vec![0u128; size];
                        for kk in 1..=mm {
                            let t = mul(&scale(&g_y, kk), &h[mm - kk]);
                            for (a, b) in acc.iter_mut().zip(&t) {
                                *a += b;
                            }
                        }
                        for a in acc.iter_mut() {
                            assert_eq!(*a % mm as u128, 0);
                            *a /= mm as u128;
                        }
                        h.push(acc);
                    }
                    prod = mul(&prod, &h[mult]);
                }
                for (a, b) in total.iter_mut().zip(&prod) {
                    *a += b;
                }
            }
            f[d][i] = total;
        }
    }
    let mut count = 0u128;
    for i in 0..n {
        if !g.is_allowed_parent(ParticleId(i as u16)) {
            continue;
        }
        for miss in 0..=cfg.max_missing {
            let mut d: Vec<usize> = slots.iter().map(|s| s.1).collect();
            d.push(miss);
            if let Some(k) = index(&d) {
                count += f[cfg.max_depth][i][k];
            }
        }
    }
    count
}

/// The decays the rules allow for `p`: the table's modes, or (unrestricted grammar) every multiset
/// of 2..=max_daughters vocabulary particles (charge is checked by the caller).
pub fn modes_for(g: &Grammar, p: ParticleId) -> Vec<hepzero_tokens::Mode> {
    let v = g.vocab();
    if g.config().table_restricted {
        return v.modes(p).to_vec();
    }
    let n = v.particles().len() as u16;
    let mut out = Vec::new();
    fn rec(start: u16, n: u16, left: usize, cur: &mut Vec<ParticleId>, out: &mut Vec<Vec<ParticleId>>) {
        if left == 0 {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(ParticleId(i));
            rec(i, n, left - 1, cur, out);
            cur.pop();
        }
    }
    let mut all = Vec::new();
    for size in 2..=g.config().max_daughters {
        rec(0, n, size, &mut Vec::new(), &mut all);
    }
    for d in all {
        out.push(hepzero_tokens::Mode { br: 1.0, daughters: d });
    }
    out
}
