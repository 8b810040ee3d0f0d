//! Prints facts about the shipped decay files: block counts, decaying particles after CDecay
//! expansion, names missing from particle2026.csv and how they were resolved, charge warnings.
use hepzero_pdg::{DECAY_BELLE2_DEC, DECAY_LHCB_DEC, DecayTable, ParticleTable, PropertySource, parse_dec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t0 = std::time::Instant::now();
    for (text, name) in [(DECAY_LHCB_DEC, "DECAY_LHCB.DEC"), (DECAY_BELLE2_DEC, "DECAY_BELLE2.DEC")] {
        let f = parse_dec(text, name)?;
        println!("{name}: {:?}", f.statement_counts());
        let d = DecayTable::parse_str(text, name)?;
        println!(
            "{name}: {} Decay blocks, {} decaying names after CDecay, {} modes, {} warnings, {} charge warnings, {} modes not charge-checked",
            d.decay_block_count(),
            d.decaying_count(),
            d.mode_count(),
            d.warnings().len(),
            d.charge_warnings().len(),
            d.charge_unchecked_modes()
        );
        for w in d.warnings() {
            println!("  {w}");
        }
        for w in d.charge_warnings() {
            println!("  {w}");
        }
        println!("  unresolved: {:?}", d.unresolved_names());
        let pdg = ParticleTable::lhcb_default();
        let mut by_src: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        let mut names: Vec<String> = Vec::new();
        for s in &d.files()[0].statements {
            if let hepzero_pdg::Statement::Decay(b) = &s.statement {
                names.push(b.mother.clone());
                for l in &b.lines {
                    names.extend(l.daughters.iter().cloned());
                }
            }
            if std::env::args().any(|a| a == "--decay-lines-only") {
                continue;
            }
            if let hepzero_pdg::Statement::Alias { particle, .. } = &s.statement {
                names.push(particle.clone());
            }
            if let hepzero_pdg::Statement::CDecay { particle } = &s.statement {
                names.push(particle.clone());
            }
        }
        names.sort();
        names.dedup();
        for n in names {
            if d.alias_target(&n).is_some() {
                continue;
            }
            match pdg.by_evtgen_name(&n) {
                Some(p) if p.source == PropertySource::Pdg2026 => {}
                Some(p) => by_src
                    .entry(format!("{:?}", p.source))
                    .or_default()
                    .push(format!("{n}[{}]", p.mass.map_or("-".into(), |m| format!("{m:.4}")))),
                None => by_src.entry("unresolved".into()).or_default().push(n),
            }
        }
        for (k, v) in &by_src {
            println!("  {k}: {} {:?}", v.len(), v);
        }
    }
    println!("elapsed {:?}", t0.elapsed());
    Ok(())
}
