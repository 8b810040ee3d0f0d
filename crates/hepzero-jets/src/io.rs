//! Reading and writing events: the compact fixture formats described in `fixtures/jets/README.md`
//! (HZJ2: stored jets' constituents as integer-MeV momentum components and a mass-table index, about
//! 7 bytes a particle; HZJ1: little-endian f32 (px, py, pz, E)) and HepMC3 ASCII (`HepMC::Asciiv3`,
//! status-1 particles, GEV or MEV units), so users can bring generator output.

use crate::cluster::{ClusterSequence, JetDefinition, cluster};
use crate::error::{Error, Result};
use crate::momentum::Momentum;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One event: its particles in input order and, for fixture files, how many belong to each stored jet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The event number (HepMC's, or the 0-based index in a fixture file).
    pub number: usize,
    /// The particles, in input order.
    pub particles: Vec<Momentum>,
    /// For fixture files: the sizes of the stored jets, whose constituents are consecutive in
    /// `particles`. Empty for HepMC3 input.
    pub jet_sizes: Vec<usize>,
}

impl Event {
    /// The constituents of the stored jet `k` (fixture files only).
    #[must_use]
    pub fn stored_jet(&self, k: usize) -> Option<&[Momentum]> {
        let start: usize = self.jet_sizes.iter().take(k).sum();
        let n = *self.jet_sizes.get(k)?;
        self.particles.get(start..start + n)
    }
}

/// Clusters every event with `definition`; an invalid or empty event is an error naming it.
///
/// # Errors
/// [`Error::Event`] wrapping the event's [`Error::EmptyEvent`] or [`Error::BadParticle`].
pub fn cluster_events(events: &[Event], definition: JetDefinition) -> Result<Vec<ClusterSequence>> {
    events.iter().map(|ev| cluster(&ev.particles, definition).map_err(|e| e.in_event(ev.number))).collect()
}

const MAGIC: &[u8; 4] = b"HZJ1";
const MAGIC2: &[u8; 4] = b"HZJ2";

/// Reads a file in any format (HZJ2 or HZJ1 if it starts with their magic bytes, else HepMC3 ASCII).
///
/// # Errors
/// I/O errors, parse errors with line numbers, and invalid particles or empty events named by event.
pub fn read_events(path: &Path) -> Result<Vec<Event>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| Error::Io { file: name.clone(), error })?;
    if bytes.starts_with(MAGIC) || bytes.starts_with(MAGIC2) {
        parse_hzj(&bytes, &name)
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|e| Error::Parse {
            file: name.clone(),
            line: 0,
            message: format!("not HZJ1/HZJ2 and not UTF-8 text: {e}"),
        })?;
        parse_hepmc3(text, &name)
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    file: &'a str,
    event: usize,
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let slice = self.bytes.get(self.at..self.at + N).ok_or_else(|| Error::Parse {
            file: self.file.to_string(),
            line: self.event,
            message: format!("truncated at byte {} while reading {what} of event {}", self.at, self.event),
        })?;
        self.at += N;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// An unsigned LEB128 varint (at most 10 bytes).
    fn varint(&mut self, what: &str) -> Result<u64> {
        let mut u = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take::<1>(what)?[0];
            u |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(u);
            }
        }
        Err(self.error(format!("varint longer than 10 bytes in {what}")))
    }

    fn error(&self, message: String) -> Error {
        Error::Parse {
            file: self.file.to_string(),
            line: self.event,
            message: format!("{message} (byte {}, event {})", self.at, self.event),
        }
    }
}

/// Parses HZJ2 or HZJ1 bytes (`file` names the source in errors; for binary files the error's
/// `line` is the event index).
///
/// # Errors
/// Truncated or malformed data, invalid particles, events without particles.
pub fn parse_hzj(bytes: &[u8], file: &str) -> Result<Vec<Event>> {
    if bytes.starts_with(MAGIC2) {
        return parse_hzj2(bytes, file);
    }
    let mut c = Cursor { bytes, at: 0, file, event: 0 };
    if &c.take::<4>("magic")? != MAGIC {
        return Err(Error::Parse {
            file: file.to_string(),
            line: 0,
            message: "missing HZJ1/HZJ2 magic".into(),
        });
    }
    let n_events = u32::from_le_bytes(c.take::<4>("event count")?) as usize;
    // Never trust a count for an allocation: each event needs at least one byte.
    let mut events = Vec::with_capacity(n_events.min(bytes.len()));
    for ev in 0..n_events {
        c.event = ev;
        let n_jets = c.take::<1>("jet count")?[0] as usize;
        let mut particles = Vec::new();
        let mut jet_sizes = Vec::with_capacity(n_jets);
        for _ in 0..n_jets {
            let n = u16::from_le_bytes(c.take::<2>("constituent count")?) as usize;
            for _ in 0..n {
                let mut v = [0f64; 4];
                for x in &mut v {
                    *x = f64::from(f32::from_le_bytes(c.take::<4>("momentum")?));
                }
                let p = Momentum::new(v[0], v[1], v[2], v[3]);
                p.validate(particles.len()).map_err(|e| e.in_event(ev))?;
                particles.push(p);
            }
            jet_sizes.push(n);
        }
        if particles.is_empty() {
            return Err(Error::EmptyEvent.in_event(ev));
        }
        events.push(Event { number: ev, particles, jet_sizes });
    }
    if c.at != bytes.len() {
        return Err(Error::Parse {
            file: file.to_string(),
            line: n_events,
            message: format!("{} trailing bytes", bytes.len() - c.at),
        });
    }
    Ok(events)
}

/// Parses HZJ2: a mass table, then per particle a mass index and integer momentum components.
/// E = sqrt(((px^2 + py^2) + pz^2) + m^2) in f64, operation for operation as `fixtures/jets/hzj.py`
/// and `fastjet_groom.cc` compute it, so hepzero and FastJet cluster bit-identical inputs.
fn parse_hzj2(bytes: &[u8], file: &str) -> Result<Vec<Event>> {
    let mut c = Cursor { bytes, at: 4, file, event: 0 };
    let n_events = u32::from_le_bytes(c.take::<4>("event count")?) as usize;
    let units = u32::from_le_bytes(c.take::<4>("momentum unit")?);
    if units == 0 {
        return Err(c.error("momentum unit of zero per GeV".into()));
    }
    let units = f64::from(units);
    let n_masses = c.take::<1>("mass count")?[0] as usize;
    let mut masses = Vec::with_capacity(n_masses);
    for _ in 0..n_masses {
        let m = f64::from_le_bytes(c.take::<8>("mass table")?);
        if !m.is_finite() || m < 0.0 {
            return Err(c.error(format!("mass table entry {m} is not a finite non-negative mass")));
        }
        masses.push(m);
    }
    let mut events = Vec::with_capacity(n_events.min(bytes.len()));
    for ev in 0..n_events {
        c.event = ev;
        let n_jets = c.take::<1>("jet count")?[0] as usize;
        let mut particles = Vec::new();
        let mut jet_sizes = Vec::with_capacity(n_jets);
        for _ in 0..n_jets {
            let n = c.varint("constituent count")?;
            // Each particle takes at least 4 bytes: a count larger than what is left is corrupt.
            if n > (bytes.len() - c.at) as u64 / 4 {
                return Err(c.error(format!("constituent count {n} exceeds the remaining bytes")));
            }
            for _ in 0..n {
                let k = c.take::<1>("mass index")?[0] as usize;
                let m = *masses.get(k).ok_or_else(|| c.error(format!("mass index {k} not in the table")))?;
                let mut p = [0f64; 3];
                for x in &mut p {
                    let u = c.varint("momentum")?;
                    // Zigzag: 0, -1, 1, -2, ... ; the i64 then f64 conversion is exact below 2^53.
                    let q = (u >> 1) as i64 ^ -((u & 1) as i64);
                    *x = q as f64 / units;
                }
                let [px, py, pz] = p;
                let e = (((px * px + py * py) + pz * pz) + m * m).sqrt();
                let p = Momentum::new(px, py, pz, e);
                p.validate(particles.len()).map_err(|e| e.in_event(ev))?;
                particles.push(p);
            }
            jet_sizes.push(n as usize);
        }
        if particles.is_empty() {
            return Err(Error::EmptyEvent.in_event(ev));
        }
        events.push(Event { number: ev, particles, jet_sizes });
    }
    if c.at != bytes.len() {
        return Err(Error::Parse {
            file: file.to_string(),
            line: n_events,
            message: format!("{} trailing bytes", bytes.len() - c.at),
        });
    }
    Ok(events)
}

/// Encodes events in HZJ1 (momenta rounded to f32; events without `jet_sizes` become one jet).
///
/// # Errors
/// [`Error::InvalidParameter`] when an event has more than 255 jets or a jet more than 65535 particles,
/// or when `jet_sizes` does not add up to the particle count.
pub fn encode_hzj(events: &[Event]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    let n = u32::try_from(events.len()).map_err(|_| Error::InvalidParameter {
        name: "events",
        value: events.len() as f64,
        reason: "too many events",
    })?;
    out.extend_from_slice(&n.to_le_bytes());
    for ev in events {
        let single = [ev.particles.len()];
        let sizes: &[usize] = if ev.jet_sizes.is_empty() { &single } else { &ev.jet_sizes };
        if sizes.iter().sum::<usize>() != ev.particles.len() {
            return Err(Error::InvalidParameter {
                name: "jet_sizes",
                value: ev.number as f64,
                reason: "jet sizes do not add up to the particle count",
            });
        }
        let nj = u8::try_from(sizes.len()).map_err(|_| Error::InvalidParameter {
            name: "jets per event",
            value: sizes.len() as f64,
            reason: "at most 255",
        })?;
        out.push(nj);
        let mut at = 0;
        for &s in sizes {
            let s16 = u16::try_from(s).map_err(|_| Error::InvalidParameter {
                name: "particles per jet",
                value: s as f64,
                reason: "at most 65535",
            })?;
            out.extend_from_slice(&s16.to_le_bytes());
            for p in ev.particles.get(at..at + s).unwrap_or(&[]) {
                for x in [p.px, p.py, p.pz, p.e] {
                    out.extend_from_slice(&(x as f32).to_le_bytes());
                }
            }
            at += s;
        }
    }
    Ok(out)
}

/// Writes bytes atomically: a temporary file in the same folder, then a rename.
///
/// # Errors
/// I/O errors naming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let io = |error| Error::Io { file: name.clone(), error };
    let file_name =
        path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = path.with_file_name(format!(".{file_name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Parses HepMC3 ASCII text, keeping status-1 particles of every event.
///
/// # Errors
/// Parse errors with file and line; invalid particles or events with no status-1 particle, named by event number.
pub fn parse_hepmc3(text: &str, file: &str) -> Result<Vec<Event>> {
    let mut events: Vec<Event> = Vec::new();
    let mut scale = 1.0;
    let mut current: Option<Event> = None;
    let finish = |ev: Option<Event>, events: &mut Vec<Event>| -> Result<()> {
        if let Some(ev) = ev {
            if ev.particles.is_empty() {
                return Err(Error::EmptyEvent.in_event(ev.number));
            }
            events.push(ev);
        }
        Ok(())
    };
    for (lineno, line) in text.lines().enumerate() {
        let lineno = lineno + 1;
        let perr = |message: String| Error::Parse { file: file.to_string(), line: lineno, message };
        let mut tok = line.split_ascii_whitespace();
        match tok.next() {
            Some("E") => {
                finish(current.take(), &mut events)?;
                let number = tok
                    .next()
                    .and_then(|t| t.parse::<i64>().ok())
                    .ok_or_else(|| perr(format!("bad event line `{line}`")))?;
                current = Some(Event {
                    number: usize::try_from(number).unwrap_or(0),
                    particles: Vec::new(),
                    jet_sizes: Vec::new(),
                });
                scale = 1.0;
            }
            Some("U") => {
                scale = match tok.next() {
                    Some("GEV") => 1.0,
                    Some("MEV") => 1e-3,
                    other => return Err(perr(format!("unknown momentum unit {other:?}"))),
                };
            }
            Some("P") => {
                let ev = current.as_mut().ok_or_else(|| perr("particle line before any event".into()))?;
                let fields: Vec<&str> = tok.collect();
                if fields.len() < 9 {
                    return Err(perr(format!("particle line has {} fields, expected 9", fields.len())));
                }
                let num = |k: usize| -> Result<f64> {
                    fields[k]
                        .parse::<f64>()
                        .map_err(|_| perr(format!("token `{}` is not a number", fields[k])))
                };
                let status = fields[8]
                    .parse::<i64>()
                    .map_err(|_| perr(format!("status `{}` is not an integer", fields[8])))?;
                if status == 1 {
                    let p = Momentum::new(num(3)? * scale, num(4)? * scale, num(5)? * scale, num(6)? * scale);
                    p.validate(ev.particles.len()).map_err(|e| e.in_event(ev.number))?;
                    ev.particles.push(p);
                }
            }
            _ => {}
        }
    }
    finish(current.take(), &mut events)?;
    Ok(events)
}

/// Writes events as HepMC3 ASCII (each particle attached to one dummy vertex; status 1), for
/// exporting and for round-trip tests.
#[must_use]
pub fn encode_hepmc3(events: &[Event]) -> String {
    use std::fmt::Write;
    let mut s = String::from("HepMC::Version 3.02.05\nHepMC::Asciiv3-START_EVENT_LISTING\n");
    for ev in events {
        let _ = writeln!(s, "E {} 0 {}\nU GEV MM", ev.number, ev.particles.len());
        for (i, p) in ev.particles.iter().enumerate() {
            let _ = writeln!(
                s,
                "P {} 0 211 {:e} {:e} {:e} {:e} {:e} 1",
                i + 1,
                p.px,
                p.py,
                p.pz,
                p.e,
                p.m().max(0.0)
            );
        }
    }
    s.push_str("HepMC::Asciiv3-END_EVENT_LISTING\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn momentum() -> impl Strategy<Value = Momentum> {
        (-500.0..500.0f64, -500.0..500.0f64, -2000.0..2000.0f64, 0.0..2.0f64).prop_map(|(px, py, pz, m)| {
            Momentum::new(px, py, pz, (px * px + py * py + pz * pz + m * m).sqrt())
        })
    }

    proptest! {
        #[test]
        fn hepmc3_round_trip(ps in proptest::collection::vec(momentum(), 1..20), number in 0usize..1000) {
            let ev = Event { number, particles: ps, jet_sizes: vec![] };
            let back = parse_hepmc3(&encode_hepmc3(std::slice::from_ref(&ev)), "mem").unwrap();
            prop_assert_eq!(back.len(), 1);
            prop_assert_eq!(back[0].number, number);
            for (a, b) in ev.particles.iter().zip(&back[0].particles) {
                prop_assert_eq!(a.px, b.px);
                prop_assert_eq!(a.e, b.e);
            }
        }

        #[test]
        fn hzj_round_trip(ps in proptest::collection::vec(momentum(), 2..30), split in 1usize..29) {
            let split = split.min(ps.len() - 1);
            let ev = Event { number: 0, particles: ps.clone(), jet_sizes: vec![split, ps.len() - split] };
            let back = parse_hzj(&encode_hzj(std::slice::from_ref(&ev)).unwrap(), "mem").unwrap();
            prop_assert_eq!(&back[0].jet_sizes, &ev.jet_sizes);
            for (a, b) in ev.particles.iter().zip(&back[0].particles) {
                prop_assert_eq!(a.px as f32, b.px as f32);
                prop_assert_eq!(a.e as f32, b.e as f32);
            }
        }

        #[test]
        fn hzj_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut b = b"HZJ1".to_vec();
            b.extend(bytes.iter().copied());
            let _ = parse_hzj(&b, "mem");
            let mut b = b"HZJ2".to_vec();
            b.extend(bytes);
            let _ = parse_hzj(&b, "mem");
        }

        #[test]
        fn hzj2_round_trip(
            jets in proptest::collection::vec(
                proptest::collection::vec((0u8..3, -2_000_000i64..2_000_000, -2_000_000i64..2_000_000,
                    -9_000_000i64..9_000_000), 1..40), 1..3),
        ) {
            let table = [0.0, 0.13957, 0.93827];
            let events = vec![jets.clone()];
            let back = parse_hzj(&encode_hzj2(&events, &table), "mem").unwrap();
            prop_assert_eq!(back[0].jet_sizes.clone(), jets.iter().map(Vec::len).collect::<Vec<_>>());
            for (&(k, qx, qy, qz), p) in jets.iter().flatten().zip(&back[0].particles) {
                let (px, py, pz) = (qx as f64 / 1000.0, qy as f64 / 1000.0, qz as f64 / 1000.0);
                prop_assert_eq!((p.px, p.py, p.pz), (px, py, pz));
                let m = table[k as usize];
                prop_assert_eq!(p.e, (((px * px + py * py) + pz * pz) + m * m).sqrt());
            }
        }
    }

    /// (mass index, qx, qy, qz in MeV), as HZJ2 stores a particle.
    type Stored = (u8, i64, i64, i64);

    /// HZJ2 as `fixtures/jets/hzj.py` writes it (events of jets of stored particles).
    fn encode_hzj2(events: &[Vec<Vec<Stored>>], table: &[f64]) -> Vec<u8> {
        fn varint(out: &mut Vec<u8>, mut u: u64) {
            while u >= 0x80 {
                out.push((u as u8 & 0x7f) | 0x80);
                u >>= 7;
            }
            out.push(u as u8);
        }
        let zigzag = |v: i64| if v >= 0 { 2 * v as u64 } else { (-2 * v - 1) as u64 };
        let mut out = b"HZJ2".to_vec();
        out.extend_from_slice(&(events.len() as u32).to_le_bytes());
        out.extend_from_slice(&1000u32.to_le_bytes());
        out.push(table.len() as u8);
        for m in table {
            out.extend_from_slice(&m.to_le_bytes());
        }
        for ev in events {
            out.push(ev.len() as u8);
            for jet in ev {
                varint(&mut out, jet.len() as u64);
                for &(k, qx, qy, qz) in jet {
                    out.push(k);
                    for q in [qx, qy, qz] {
                        varint(&mut out, zigzag(q));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn hzj2_errors_are_named() {
        let good = encode_hzj2(&[vec![vec![(1, 1000, -2000, 3000)]]], &[0.0, 0.5]);
        assert_eq!(parse_hzj(&good, "f").unwrap()[0].particles.len(), 1);
        let bad_index = encode_hzj2(&[vec![vec![(2, 1000, -2000, 3000)]]], &[0.0, 0.5]);
        let err = parse_hzj(&bad_index, "f").unwrap_err().to_string();
        assert!(err.contains("mass index 2") && err.contains("event 0"), "{err}");
        let err = parse_hzj(&good[..good.len() - 1], "f").unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
        let empty = encode_hzj2(&[vec![vec![(1, 1, 1, 1)]], vec![vec![]]], &[0.0, 0.5]);
        let err = parse_hzj(&empty, "f").unwrap_err().to_string();
        assert!(err.contains("event 1") && err.contains("empty"), "{err}");
    }

    #[test]
    fn bad_events_are_named() {
        let text = "E 7 1 2\nU GEV MM\nP 1 0 211 1 0 0 -2 0 1\n";
        let err = parse_hepmc3(text, "f").unwrap_err().to_string();
        assert!(err.contains("event 7") && err.contains("negative energy"), "{err}");
        let text = "E 3 1 2\nU GEV MM\nP 1 0 211 nan 0 0 2 0 1\n";
        let err = parse_hepmc3(text, "f").unwrap_err().to_string();
        assert!(err.contains("event 3") && err.contains("non-finite"), "{err}");
        let text = "E 4 1 2\nU GEV MM\nP 1 0 2212 0 0 7000 7000 0.938 4\n";
        let err = parse_hepmc3(text, "f").unwrap_err().to_string();
        assert!(err.contains("event 4") && err.contains("empty"), "{err}");
        let text = "E 5 1 2\nP 1 0 211 1 x 0 2 0 1\n";
        let err = parse_hepmc3(text, "f").unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("`x`"), "{err}");
        let mut bytes = encode_hzj(&[Event {
            number: 0,
            particles: vec![Momentum::new(1.0, 0.0, 0.0, 2.0)],
            jet_sizes: vec![],
        }])
        .unwrap();
        bytes.truncate(bytes.len() - 1);
        assert!(parse_hzj(&bytes, "f").unwrap_err().to_string().contains("truncated"));
    }

    #[test]
    fn mev_units_are_converted() {
        let text = "E 1 1 1\nU MEV MM\nP 1 0 211 1000 0 0 2000 0 1\n";
        let ev = parse_hepmc3(text, "f").unwrap();
        assert!((ev[0].particles[0].e - 2.0).abs() < 1e-15);
    }
}
