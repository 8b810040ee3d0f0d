//! Writes a [`DecFile`] back as EvtGen decay-file text. Numbers are written with Rust's shortest
//! round-trip formatting, so parsing the output gives back exactly the same statements.

use std::fmt::Write;

use crate::dec::{DecFile, Param, Statement};

fn params(out: &mut String, ps: &[Param]) {
    for p in ps {
        match p {
            Param::Number(v) => {
                let _ = write!(out, " {v}");
            }
            Param::Defined { name, negative, .. } => {
                let _ = write!(out, " {}{name}", if *negative { "-" } else { "" });
            }
        }
    }
}

/// The decay file as text (comments are not kept; everything else is).
pub fn print_dec(file: &DecFile) -> String {
    let mut out = String::new();
    for located in &file.statements {
        let s = &located.statement;
        // `write!` into a String cannot fail.
        let _ = match s {
            Statement::Define { name, value } => writeln!(out, "Define {name} {value}"),
            Statement::Alias { alias, particle } => writeln!(out, "Alias {alias} {particle}"),
            Statement::ChargeConj { a, b } => writeln!(out, "ChargeConj {a} {b}"),
            Statement::ModelAlias { name, model, params: ps } => {
                let _ = write!(out, "ModelAlias {name} {model}");
                params(&mut out, ps);
                writeln!(out, ";")
            }
            Statement::Decay(block) => {
                let _ = writeln!(out, "Decay {}", block.mother);
                for line in &block.lines {
                    let _ = write!(out, "{}", line.br);
                    for d in &line.daughters {
                        let _ = write!(out, " {d}");
                    }
                    if line.photos {
                        out.push_str(" PHOTOS");
                    }
                    let _ = write!(out, " {}", line.model);
                    params(&mut out, &line.params);
                    out.push_str(";\n");
                }
                writeln!(out, "Enddecay")
            }
            Statement::CDecay { particle } => writeln!(out, "CDecay {particle}"),
            Statement::CopyDecay { particle, source } => writeln!(out, "CopyDecay {particle} {source}"),
            Statement::SetLineshapePW { mother, d1, d2, pw } => {
                writeln!(out, "SetLineshapePW {mother} {d1} {d2} {pw}")
            }
            Statement::Pythia { keyword, setting } => writeln!(out, "{keyword} {setting}"),
            Statement::JetSetPar { setting } => writeln!(out, "JetSetPar {setting}"),
            Statement::Particle { name, mass, width } => match width {
                Some(w) => writeln!(out, "Particle {name} {mass} {w}"),
                None => writeln!(out, "Particle {name} {mass}"),
            },
            Statement::Photos { keyword } => writeln!(out, "{keyword}"),
            Statement::Lineshape { keyword, particle } => writeln!(out, "{keyword} {particle}"),
            Statement::ChangeMass { keyword, particle, value } => {
                writeln!(out, "{keyword} {particle} {value}")
            }
            Statement::IncludeFactor { keyword, particle, yes } => {
                writeln!(out, "{keyword} {particle} {}", if *yes { "yes" } else { "no" })
            }
            Statement::BlattWeisskopf { particle, value } => {
                writeln!(out, "BlattWeisskopf {particle} {value}")
            }
            Statement::End => writeln!(out, "End"),
        };
    }
    out
}
