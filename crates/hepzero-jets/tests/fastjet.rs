//! FastJet is the judge: hepzero's kt, C/A and anti-kt jets (R = 0.4, 1.0) against FastJet 3.5's,
//! and the groomed masses against fjcontrib RecursiveTools, on the Pythia 8 fixture samples. The
//! reference files are made by `fixtures/jets/fastjet_reference.py` and `fixtures/jets/fastjet_groom.cc`.

use hepzero_jets::{Algorithm, CaTree, Event, Groomer, JetDefinition, Strategy, cluster_with, read_events};
use std::path::PathBuf;

const SAMPLES: [&str; 3] = ["w", "top", "qcd"];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/jets").join(name)
}

struct Reader {
    b: Vec<u8>,
    at: usize,
}

impl Reader {
    fn open(name: &str, magic: &[u8; 4]) -> Reader {
        let b = std::fs::read(fixture(name)).unwrap();
        assert_eq!(&b[..4], magic, "{name}");
        Reader { b, at: 4 }
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut o = [0u8; N];
        o.copy_from_slice(&self.b[self.at..self.at + N]);
        self.at += N;
        o
    }
    fn u8(&mut self) -> u8 {
        self.bytes::<1>()[0]
    }
    fn u16(&mut self) -> usize {
        u16::from_le_bytes(self.bytes()) as usize
    }
    fn u32(&mut self) -> usize {
        u32::from_le_bytes(self.bytes()) as usize
    }
    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.bytes())
    }
    fn varint(&mut self) -> usize {
        let mut u = 0usize;
        let mut shift = 0;
        loop {
            let b = self.u8();
            u |= usize::from(b & 0x7f) << shift;
            if b < 0x80 {
                return u;
            }
            shift += 7;
        }
    }
    /// HZR2 per-particle jet labels: runs of (u8 label, varint length) covering `n` particles.
    fn labels(&mut self, n: usize, out: &mut Vec<u8>) {
        out.clear();
        while out.len() < n {
            let label = self.u8();
            let run = self.varint();
            out.extend(std::iter::repeat_n(label, run));
        }
        assert_eq!(out.len(), n, "label runs overshoot the particle count");
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1.0)
}

/// Compares every event (or the first `limit`) of a sample, for one strategy.
fn compare_clustering(sample: &str, limit: usize, strategy: Strategy) -> usize {
    let events: Vec<Event> = read_events(&fixture(&format!("{sample}.hzj"))).unwrap();
    let mut r = Reader::open(&format!("{sample}.fastjet"), b"HZR2");
    let n_events = r.u32();
    assert_eq!(n_events, events.len());
    let n_configs = r.u8() as usize;
    let ptmin = r.f64();
    let configs: Vec<(Algorithm, f64)> = (0..n_configs)
        .map(|_| {
            let alg = match r.u8() {
                0 => Algorithm::AntiKt,
                1 => Algorithm::Kt,
                _ => Algorithm::CambridgeAachen,
            };
            (alg, r.f64())
        })
        .collect();
    let mut jets_checked = 0;
    let mut labels = Vec::new();
    let mut ours = Vec::new();
    for (ev, event) in events.iter().enumerate().take(limit) {
        for &(alg, radius) in &configs {
            let n_jets = r.u16();
            let reference: Vec<[f64; 4]> =
                (0..n_jets).map(|_| [r.f64(), r.f64(), r.f64(), r.f64()]).collect();
            r.labels(event.particles.len(), &mut labels);
            let cs = cluster_with(&event.particles, JetDefinition::new(alg, radius), strategy).unwrap();
            let jets = cs.inclusive_jets(ptmin);
            assert_eq!(jets.len(), n_jets, "{sample} event {ev} {alg:?} R={radius} {strategy:?}: jet count");
            // hepzero's labels in FastJet's convention (jet index by decreasing pt, 255: none),
            // compared in one go: equal label vectors means equal constituent sets for every jet.
            ours.clear();
            ours.resize(event.particles.len(), 255u8);
            for (k, (j, f)) in jets.iter().zip(&reference).enumerate() {
                let ok = close(j.pt, f[0], 1e-10)
                    && close(j.rap, f[1], 1e-10)
                    && close(j.phi, f[2], 1e-10)
                    && close(j.m, f[3], 1e-10);
                assert!(
                    ok,
                    "{sample} event {ev} {alg:?} R={radius} {strategy:?} jet {k}: (pt, y, phi, m) = ({}, {}, {}, {}) vs FastJet {f:?}",
                    j.pt, j.rap, j.phi, j.m
                );
                for &c in &j.constituents {
                    ours[c] = k as u8;
                }
                jets_checked += 1;
            }
            assert!(
                ours == labels,
                "{sample} event {ev} {alg:?} R={radius} {strategy:?}: constituents differ from FastJet's"
            );
        }
    }
    jets_checked
}

#[test]
fn clustering_matches_fastjet_on_every_w_event() {
    assert!(compare_clustering("w", usize::MAX, Strategy::Auto) > 1000);
}

#[test]
fn clustering_matches_fastjet_on_every_top_event() {
    assert!(compare_clustering("top", usize::MAX, Strategy::Auto) > 1000);
}

#[test]
fn clustering_matches_fastjet_on_every_qcd_event() {
    assert!(compare_clustering("qcd", usize::MAX, Strategy::Auto) > 1000);
}

#[test]
fn both_strategies_match_fastjet() {
    for sample in SAMPLES {
        compare_clustering(sample, 25, Strategy::Plain);
        compare_clustering(sample, 25, Strategy::Tiled);
    }
}

#[test]
fn groomed_masses_match_fjcontrib_on_every_fixture_jet() {
    let groomers = [
        Groomer::Mmdt { zcut: 0.1 },
        Groomer::SoftDrop { zcut: 0.1, beta: 0.0, r0: 1.0 },
        Groomer::SoftDrop { zcut: 0.1, beta: 1.0, r0: 1.0 },
        Groomer::SoftDrop { zcut: 0.05, beta: 1.0, r0: 1.0 },
        Groomer::RecursiveSoftDrop { zcut: 0.05, beta: 1.0, r0: 1.0, n: None },
    ];
    for sample in SAMPLES {
        let events = read_events(&fixture(&format!("{sample}.hzj"))).unwrap();
        let mut r = Reader::open(&format!("{sample}.groomed"), b"HZG1");
        let n_jets = r.u32();
        let mut k = 0;
        for ev in &events {
            for j in 0..ev.jet_sizes.len() {
                let tree = CaTree::new(ev.stored_jet(j).unwrap()).unwrap();
                let ungroomed = r.f64();
                assert!(
                    (tree.momentum().m() - ungroomed).abs() <= 1e-6 * ungroomed.abs().max(1e-3),
                    "{sample} jet {k}"
                );
                for g in groomers {
                    let want = r.f64();
                    let got = g.groom(&tree).unwrap().mass;
                    assert!(
                        (got - want).abs() <= 1e-6 * want.abs().max(1e-3),
                        "{sample} jet {k} {g:?}: {got} vs fjcontrib {want}"
                    );
                }
                k += 1;
            }
        }
        assert_eq!(k, n_jets, "{sample}");
    }
}

#[test]
fn lund_declusterings_match_fjcontrib_lund_generator() {
    for sample in SAMPLES {
        let events = read_events(&fixture(&format!("{sample}.hzj"))).unwrap();
        let mut r = Reader::open(&format!("{sample}.lund"), b"HZL1");
        let n = r.u32();
        let jets =
            events.iter().flat_map(|ev| (0..ev.jet_sizes.len()).map(move |j| ev.stored_jet(j).unwrap()));
        for (k, constituents) in jets.take(n).enumerate() {
            let tree = CaTree::new(constituents).unwrap();
            let ours = tree.primary_declusterings();
            let nd = r.u16();
            assert_eq!(ours.len(), nd, "{sample} jet {k}");
            for d in ours {
                let want = [r.f64(), r.f64(), r.f64(), r.f64(), r.f64(), r.f64()];
                let got = [d.m, d.delta, d.z, d.kt, d.kappa, d.psi];
                for (g, w) in got.iter().zip(want) {
                    assert!(
                        (g - w).abs() <= 1e-10 * w.abs().max(1e-3),
                        "{sample} jet {k}: {got:?} vs {want:?}"
                    );
                }
            }
        }
    }
}
