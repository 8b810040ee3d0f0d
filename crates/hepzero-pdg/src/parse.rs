//! Parser for EvtGen decay files. Like EvtGen's own reader it is token based: `#` starts a comment
//! to the end of the line, whitespace separates tokens, `;` ends a decay line (it may also be glued
//! to the last token) and line breaks matter only for the optional width of `Particle`. Every error
//! names the file, line and column of the offending token.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::dec::{DecFile, DecayBlock, DecayLine, KNOWN_MODELS, Located, Param, Pos, Statement, Warning};
use crate::error::{Error, Location, Result};

/// Options of the decay-file parser.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Model names to accept in addition to [`KNOWN_MODELS`] (a private EvtGen model, say).
    pub extra_models: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    text: &'a str,
    line: u32,
    column: u32,
}

impl Tok<'_> {
    fn pos(&self) -> Pos {
        Pos { line: self.line, column: self.column }
    }
}

fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::with_capacity(text.len() / 6);
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = match memchr_hash(raw) {
            Some(k) => &raw[..k],
            None => raw,
        };
        if line.is_ascii() {
            // Fast path (the shipped files are ASCII): byte offsets are columns.
            let bytes = line.as_bytes();
            let mut start: Option<usize> = None;
            for (k, &b) in bytes.iter().enumerate() {
                let sep = b.is_ascii_whitespace() || b == b';';
                if sep {
                    if let Some(s) = start.take() {
                        out.push(Tok { text: &line[s..k], line: line_no, column: s as u32 + 1 });
                    }
                    if b == b';' {
                        out.push(Tok { text: &line[k..k + 1], line: line_no, column: k as u32 + 1 });
                    }
                } else if start.is_none() {
                    start = Some(k);
                }
            }
            if let Some(s) = start {
                out.push(Tok { text: &line[s..], line: line_no, column: s as u32 + 1 });
            }
            continue;
        }
        let mut start: Option<(usize, u32)> = None;
        let mut column = 0u32;
        for (byte, ch) in line.char_indices() {
            column += 1;
            if ch.is_whitespace() || ch == ';' {
                if let Some((s, c)) = start.take() {
                    out.push(Tok { text: &line[s..byte], line: line_no, column: c });
                }
                if ch == ';' {
                    out.push(Tok { text: &line[byte..byte + 1], line: line_no, column });
                }
            } else if start.is_none() {
                start = Some((byte, column));
            }
        }
        if let Some((s, c)) = start {
            out.push(Tok { text: &line[s..], line: line_no, column: c });
        }
    }
    out
}

/// Byte offset of the first `#` (starts a comment).
fn memchr_hash(s: &str) -> Option<usize> {
    s.as_bytes().iter().position(|&b| b == b'#')
}

/// A finite number, or `None` (EvtGen reads numbers with `atof`; we are stricter and refuse
/// anything that is not entirely a number, and the non-finite spellings `inf` and `nan`).
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let v: f64 = s.parse().ok()?;
    v.is_finite().then_some(v)
}

struct Parser<'a> {
    file: Arc<str>,
    toks: Vec<Tok<'a>>,
    i: usize,
    models: FxHashSet<String>,
    /// First bytes of the model names, checked before hashing (most daughters fail it).
    model_first: [bool; 256],
    defines: FxHashMap<String, f64>,
    /// Line of the last token, for errors at end of file.
    last_line: u32,
}

impl<'a> Parser<'a> {
    fn is_model(&self, s: &str) -> bool {
        s.as_bytes().first().is_some_and(|&b| self.model_first[b as usize]) && self.models.contains(s)
    }

    fn add_model(&mut self, s: &str) {
        if let Some(&b) = s.as_bytes().first() {
            self.model_first[b as usize] = true;
        }
        self.models.insert(s.to_string());
    }

    fn loc(&self, t: &Tok<'_>) -> Location {
        Location { file: self.file.clone(), line: t.line, column: t.column }
    }

    fn err(&self, t: Option<&Tok<'_>>, message: impl Into<String>) -> Error {
        match t {
            Some(t) => {
                Error::DecSyntax { location: self.loc(t), token: t.text.to_string(), message: message.into() }
            }
            None => Error::DecSyntax {
                location: Location { file: self.file.clone(), line: self.last_line, column: 1 },
                token: String::new(),
                message: format!("{} (end of file)", message.into()),
            },
        }
    }

    fn next(&mut self) -> Option<Tok<'a>> {
        let t = self.toks.get(self.i).copied();
        self.i += 1;
        t
    }

    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.i).copied()
    }

    fn expect_word(&mut self, what: &str, after: &Tok<'_>) -> Result<Tok<'a>> {
        match self.next() {
            Some(t) if t.text != ";" => Ok(t),
            Some(t) => Err(self.err(Some(&t), format!("expected {what} after `{}`", after.text))),
            None => Err(self.err(None, format!("expected {what} after `{}`", after.text))),
        }
    }

    fn expect_number(&mut self, what: &str, after: &Tok<'_>) -> Result<f64> {
        let t = self.expect_word(what, after)?;
        parse_number(t.text).ok_or_else(|| self.err(Some(&t), format!("{what} is not a number")))
    }

    fn param(&self, t: &Tok<'_>) -> Result<Param> {
        if let Some(v) = parse_number(t.text) {
            return Ok(Param::Number(v));
        }
        let (negative, name) = match t.text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.text),
        };
        match self.defines.get(name) {
            Some(&v) => {
                Ok(Param::Defined { name: name.to_string(), negative, value: if negative { -v } else { v } })
            }
            None => Err(self
                .err(Some(t), "model parameter is neither a number nor a `Define`d name (unknown Define)")),
        }
    }

    /// Parameters up to and including the terminating `;`.
    fn params(&mut self, opened: &Tok<'_>) -> Result<Vec<Param>> {
        let mut params = Vec::new();
        loop {
            match self.next() {
                Some(t) if t.text == ";" => return Ok(params),
                Some(t) if t.text == "Enddecay" || is_statement_keyword(t.text) => {
                    return Err(self.err(
                        Some(&t),
                        format!("missing `;` at the end of the decay line started at line {}", opened.line),
                    ));
                }
                Some(t) => params.push(self.param(&t)?),
                None => {
                    return Err(self.err(
                        None,
                        format!("missing `;` at the end of the decay line started at line {}", opened.line),
                    ));
                }
            }
        }
    }

    fn decay_block(&mut self, kw: &Tok<'_>) -> Result<DecayBlock> {
        let mother = self.expect_word("a particle name", kw)?;
        let mut lines = Vec::new();
        loop {
            let Some(t) = self.next() else {
                return Err(self.err(
                    None,
                    format!("missing `Enddecay` for `Decay {}` opened at line {}", mother.text, kw.line),
                ));
            };
            if t.text == "Enddecay" {
                break;
            }
            if t.text == ";" {
                // A stray `;` (EvtGen and decaylanguage accept repeated semicolons).
                continue;
            }
            if is_statement_keyword(t.text) {
                return Err(self.err(
                    Some(&t),
                    format!("missing `Enddecay` for `Decay {}` opened at line {}", mother.text, kw.line),
                ));
            }
            let br = parse_number(t.text)
                .ok_or_else(|| self.err(Some(&t), "branching fraction is not a number"))?;
            if br < 0.0 {
                return Err(self.err(Some(&t), "branching fraction is negative"));
            }
            let mut daughters = Vec::new();
            let mut daughter_pos = Vec::new();
            let mut photos = false;
            let model = loop {
                let Some(d) = self.next() else {
                    return Err(self.err(None, format!("decay line started at line {} has no model", t.line)));
                };
                match d.text {
                    ";" => return Err(self.err(Some(&d), "decay line has no model before `;`")),
                    "PHOTOS" => photos = true,
                    "Enddecay" => {
                        return Err(
                            self.err(Some(&d), format!("decay line started at line {} has no model", t.line))
                        );
                    }
                    m if self.is_model(m) => break d,
                    _ if photos => {
                        return Err(
                            self.err(Some(&d), "expected a model name after `PHOTOS` (unknown model)")
                        );
                    }
                    name if parse_number(name).is_some() => {
                        return Err(self.err(
                            Some(&d),
                            format!("expected a particle or model name; missing `;` on the decay line at line {}?", t.line),
                        ));
                    }
                    _ => {
                        daughters.push(d.text.to_string());
                        daughter_pos.push(d.pos());
                    }
                }
            };
            let params = self.params(&t)?;
            lines.push(DecayLine {
                br,
                daughters,
                photos,
                model: model.text.to_string(),
                params,
                pos: t.pos(),
                daughter_pos,
            });
        }
        Ok(DecayBlock { mother: mother.text.to_string(), lines })
    }

    fn statement(&mut self, kw: Tok<'a>) -> Result<Option<Statement>> {
        let s = match kw.text {
            "Define" => {
                let name = self.expect_word("a name", &kw)?;
                let value = self.expect_number("the Define value", &name)?;
                self.defines.insert(name.text.to_string(), value);
                Statement::Define { name: name.text.to_string(), value }
            }
            "Alias" => {
                let a = self.expect_word("an alias name", &kw)?;
                let p = self.expect_word("a particle name", &a)?;
                Statement::Alias { alias: a.text.to_string(), particle: p.text.to_string() }
            }
            "ChargeConj" => {
                let a = self.expect_word("a particle name", &kw)?;
                let b = self.expect_word("a particle name", &a)?;
                Statement::ChargeConj { a: a.text.to_string(), b: b.text.to_string() }
            }
            "ModelAlias" => {
                let name = self.expect_word("a model alias name", &kw)?;
                let model = self.expect_word("a model name", &name)?;
                if !self.is_model(model.text) {
                    return Err(self.err(Some(&model), "unknown model"));
                }
                let params = self.params(&kw)?;
                self.add_model(name.text);
                Statement::ModelAlias { name: name.text.to_string(), model: model.text.to_string(), params }
            }
            "Decay" => Statement::Decay(self.decay_block(&kw)?),
            "CDecay" => {
                Statement::CDecay { particle: self.expect_word("a particle name", &kw)?.text.to_string() }
            }
            "CopyDecay" => {
                let a = self.expect_word("a particle name", &kw)?;
                let b = self.expect_word("a particle name", &a)?;
                Statement::CopyDecay { particle: a.text.to_string(), source: b.text.to_string() }
            }
            "SetLineshapePW" => {
                let m = self.expect_word("a particle name", &kw)?;
                let d1 = self.expect_word("a particle name", &m)?;
                let d2 = self.expect_word("a particle name", &d1)?;
                let pw = self.expect_word("a partial wave", &d2)?;
                let pw_v: i64 =
                    pw.text.parse().map_err(|_| self.err(Some(&pw), "partial wave is not an integer"))?;
                Statement::SetLineshapePW {
                    mother: m.text.to_string(),
                    d1: d1.text.to_string(),
                    d2: d2.text.to_string(),
                    pw: pw_v,
                }
            }
            "PythiaBothParam" | "PythiaAliasParam" | "PythiaGenericParam" => Statement::Pythia {
                keyword: kw.text.to_string(),
                setting: self.expect_word("a Pythia setting", &kw)?.text.to_string(),
            },
            "JetSetPar" => {
                Statement::JetSetPar { setting: self.expect_word("a JetSet setting", &kw)?.text.to_string() }
            }
            "Particle" => {
                let name = self.expect_word("a particle name", &kw)?;
                let mass = self.expect_number("the mass", &name)?;
                // The width is optional; it must be on the same line.
                let width = match self.peek() {
                    Some(t) if t.line == name.line => match parse_number(t.text) {
                        Some(w) => {
                            self.i += 1;
                            Some(w)
                        }
                        None => None,
                    },
                    _ => None,
                };
                Statement::Particle { name: name.text.to_string(), mass, width }
            }
            "yesPhotos" | "noPhotos" | "normalPhotos" => Statement::Photos { keyword: kw.text.to_string() },
            "LSFLAT" | "LSNONRELBW" | "LSMANYDELTAFUNC" => Statement::Lineshape {
                keyword: kw.text.to_string(),
                particle: self.expect_word("a particle name", &kw)?.text.to_string(),
            },
            "ChangeMassMin" | "ChangeMassMax" => {
                let p = self.expect_word("a particle name", &kw)?;
                let value = self.expect_number("the mass limit", &p)?;
                Statement::ChangeMass { keyword: kw.text.to_string(), particle: p.text.to_string(), value }
            }
            "IncludeBirthFactor" | "IncludeDecayFactor" => {
                let p = self.expect_word("a particle name", &kw)?;
                let yn = self.expect_word("`yes` or `no`", &p)?;
                let yes = match yn.text {
                    "yes" => true,
                    "no" => false,
                    _ => return Err(self.err(Some(&yn), "expected `yes` or `no`")),
                };
                Statement::IncludeFactor { keyword: kw.text.to_string(), particle: p.text.to_string(), yes }
            }
            "BlattWeisskopf" => {
                let p = self.expect_word("a particle name", &kw)?;
                let value = self.expect_number("the Blatt-Weisskopf radius", &p)?;
                Statement::BlattWeisskopf { particle: p.text.to_string(), value }
            }
            "End" => return Ok(None),
            "Enddecay" => return Err(self.err(Some(&kw), "`Enddecay` without a `Decay`")),
            _ => return Err(self.err(Some(&kw), "unknown statement")),
        };
        Ok(Some(s))
    }
}

/// Keywords that can only start a top-level statement (used to detect a missing `Enddecay` or
/// `;`).
fn is_statement_keyword(s: &str) -> bool {
    matches!(
        s,
        "Decay"
            | "CDecay"
            | "Define"
            | "Alias"
            | "ChargeConj"
            | "ModelAlias"
            | "CopyDecay"
            | "SetLineshapePW"
            | "PythiaBothParam"
            | "PythiaAliasParam"
            | "PythiaGenericParam"
            | "JetSetPar"
            | "Particle"
            | "yesPhotos"
            | "noPhotos"
            | "normalPhotos"
            | "End"
    )
}

/// Parses the text of a decay file; `file` names it in messages and sources.
pub fn parse_dec(text: &str, file: &str) -> Result<DecFile> {
    parse_dec_with(text, file, &ParseOptions::default())
}

/// [`parse_dec`] with options.
pub fn parse_dec_with(text: &str, file: &str, options: &ParseOptions) -> Result<DecFile> {
    let toks = tokenize(text);
    let last_line = toks.last().map_or(1, |t| t.line);
    let mut p = Parser {
        file: Arc::from(file),
        toks,
        i: 0,
        models: FxHashSet::default(),
        model_first: [false; 256],
        defines: FxHashMap::default(),
        last_line,
    };
    for m in KNOWN_MODELS.iter().copied().chain(options.extra_models.iter().map(String::as_str)) {
        p.add_model(m);
    }
    let mut statements = Vec::new();
    let mut warnings = Vec::new();
    while let Some(kw) = p.next() {
        if kw.text == ";" {
            return Err(p.err(Some(&kw), "`;` outside a decay line"));
        }
        match p.statement(kw)? {
            Some(s) => statements.push(Located { pos: kw.pos(), statement: s }),
            None => {
                statements.push(Located { pos: kw.pos(), statement: Statement::End });
                // EvtGen stops reading at `End`; say so if anything follows.
                if let Some(t) = p.peek() {
                    warnings.push(Warning {
                        file: p.file.clone(),
                        line: t.line,
                        message: format!(
                            "{} tokens after `End` are ignored (as EvtGen does)",
                            p.toks.len() - p.i
                        ),
                    });
                }
                break;
            }
        }
    }
    Ok(DecFile { file: p.file, statements, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_err(text: &str) -> (u32, u32, String, String) {
        match parse_dec(text, "t.dec") {
            Err(Error::DecSyntax { location, token, message }) => {
                (location.line, location.column, token, message)
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_small_block() {
        let f = parse_dec(
            "Define dm 0.5e12\nDecay B0\n0.5 K+ pi- PHSP;\n0.25 K+ pi-  pi0 PHOTOS PHSP ;\n0.1 B0 anti-B0 VSS_BMIX -dm;\nEnddecay\nEnd\n",
            "t.dec",
        )
        .unwrap();
        let b = f.decay_blocks().next().unwrap();
        assert_eq!(b.mother, "B0");
        assert_eq!(b.lines.len(), 3);
        assert_eq!(b.lines[1].daughters, ["K+", "pi-", "pi0"]);
        assert!(b.lines[1].photos);
        assert_eq!(b.lines[2].params[0].value(), -0.5e12);
        assert_eq!(b.lines[1].daughter_pos[2].column, 14);
    }

    #[test]
    fn errors_name_line_column_and_token() {
        let (l, c, tok, msg) = syntax_err("Decay B0\n0.5 K+ pi- PHSP;\nx0.1 K+ PHSP;\nEnddecay\n");
        assert_eq!((l, c, tok.as_str()), (3, 1, "x0.1"));
        assert!(msg.contains("not a number"), "{msg}");
        let (l, c, tok, msg) =
            syntax_err("Decay B0\n0.5 K+ pi- PHSP;\nDecay B+\n0.5 K+ pi0 PHSP;\nEnddecay\n");
        assert_eq!((l, c, tok.as_str()), (3, 1, "Decay"));
        assert!(msg.contains("missing `Enddecay`"), "{msg}");
        let (l, c, tok, msg) = syntax_err("Decay B0\n0.5 K+ pi- SVV_HELAMP 1.0 nope;\nEnddecay\n");
        assert_eq!((l, c, tok.as_str()), (2, 27, "nope"));
        assert!(msg.contains("unknown Define"), "{msg}");
        let (_, _, tok, msg) = syntax_err("Decay B0\n0.5 K+ pi- PHSP;\n");
        assert!(tok.is_empty() && msg.contains("missing `Enddecay`"), "{msg}");
        // Columns count characters, not bytes, on non-ASCII lines.
        let (l, c, tok, _) = syntax_err("Define é 1.0\nDecay B0\n1.0 K+ pi- SVS é y;\nEnddecay\n");
        assert_eq!((l, c, tok.as_str()), (3, 18, "y"));
        let (l, _, tok, _) = syntax_err("Bogus 1\n");
        assert_eq!((l, tok.as_str()), (1, "Bogus"));
    }
}
