//! Decay trees (signals and backgrounds) and their human syntax: the printer and the parser.
//!
//! Syntax (EvtGen names, whitespace-separated):
//! - a decay is `PARENT -> DAUGHTER ...`; a daughter that decays further is written `(X -> ...)`;
//! - in a background every final-state particle carries its reconstruction: bare = as itself,
//!   `K-{pi-}` = mis-identified as a pi-, `pi+{miss}` = not reconstructed.
//!
//! Names may themselves contain brackets (`D*(2010)+`, `psi(2S)`): a `(` that starts a word opens a
//! sub-decay, a `(` inside a word belongs to the name, and a `)` closes a sub-decay only where it is
//! not closing a bracket the name opened. This module checks syntax only; the physics rules live in
//! [`crate::check`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Position, Result};
use crate::vocab::{ParticleId, Vocabulary};

/// How a background's final-state particle is reconstructed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Recon {
    /// As itself (written bare).
    AsItself,
    /// Mis-identified as this particle (same charge, another species).
    As(ParticleId),
    /// Not reconstructed.
    Missing,
}

/// A node of a decay tree: a final-state particle or a particle that decays.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Node {
    /// A final-state particle and how it is reconstructed (always `AsItself` in a signal).
    Final { particle: ParticleId, recon: Recon },
    /// A particle that decays further.
    Decay(Decay),
}

/// A decay vertex: a parent and its daughters, in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decay {
    /// The decaying particle.
    pub parent: ParticleId,
    /// Its daughters.
    pub daughters: Vec<Node>,
}

impl Decay {
    /// Depth of the tree: 1 for a single vertex.
    pub fn depth(&self) -> usize {
        1 + self
            .daughters
            .iter()
            .map(|d| match d {
                Node::Decay(s) => s.depth(),
                Node::Final { .. } => 0,
            })
            .max()
            .unwrap_or(0)
    }
    /// Final-state particles with their reconstruction, in pre-order.
    pub fn leaves(&self) -> Vec<(ParticleId, Recon)> {
        let mut v = Vec::new();
        self.collect_leaves(&mut v);
        v
    }
    fn collect_leaves(&self, v: &mut Vec<(ParticleId, Recon)>) {
        for d in &self.daughters {
            match d {
                Node::Final { particle, recon } => v.push((*particle, *recon)),
                Node::Decay(s) => s.collect_leaves(v),
            }
        }
    }
    /// Every vertex as (parent, daughter particles), in pre-order.
    pub fn vertices(&self) -> Vec<(ParticleId, Vec<ParticleId>)> {
        let mut v = Vec::new();
        self.collect_vertices(&mut v);
        v
    }
    fn collect_vertices(&self, v: &mut Vec<(ParticleId, Vec<ParticleId>)>) {
        let ds = self
            .daughters
            .iter()
            .map(|d| match d {
                Node::Final { particle, .. } => *particle,
                Node::Decay(s) => s.parent,
            })
            .collect();
        v.push((self.parent, ds));
        for d in &self.daughters {
            if let Node::Decay(s) = d {
                s.collect_vertices(v);
            }
        }
    }
}

/// Where the parts of a parsed tree came from, for error messages: one entry per node in pre-order
/// (the root parent first), the position of the node's particle; `annotation` the position of its
/// reconstruction annotation (None if bare); `end` the position just after the input. A tree built
/// in code has empty spans and errors then name the node's pre-order index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans {
    /// Position of each node's particle, pre-order.
    pub node: Vec<Position>,
    /// Position of each node's annotation, pre-order.
    pub annotation: Vec<Option<Position>>,
    /// Position after the end of the input.
    pub end: Option<Position>,
}

impl Spans {
    pub(crate) fn node_pos(&self, i: usize) -> Position {
        self.node.get(i).copied().unwrap_or(Position::Node(i))
    }
    pub(crate) fn annotation_pos(&self, i: usize) -> Position {
        match self.annotation.get(i) {
            Some(Some(p)) => *p,
            _ => self.node_pos(i),
        }
    }
    pub(crate) fn end_pos(&self) -> Position {
        self.end.unwrap_or(Position::Node(0))
    }
}

/// Writes a tree in the syntax above. `annotate` adds the reconstruction annotations (backgrounds).
pub fn format_decay(vocab: &Vocabulary, d: &Decay, annotate: bool) -> String {
    let mut s = String::new();
    write_decay(vocab, d, annotate, &mut s);
    s
}

fn write_decay(vocab: &Vocabulary, d: &Decay, annotate: bool, s: &mut String) {
    s.push_str(vocab.name(d.parent));
    s.push_str(" ->");
    for n in &d.daughters {
        s.push(' ');
        match n {
            Node::Final { particle, recon } => {
                s.push_str(vocab.name(*particle));
                if annotate {
                    match recon {
                        Recon::AsItself => {}
                        Recon::As(y) => {
                            s.push('{');
                            s.push_str(vocab.name(*y));
                            s.push('}');
                        }
                        Recon::Missing => s.push_str("{miss}"),
                    }
                }
            }
            Node::Decay(sub) => {
                s.push('(');
                write_decay(vocab, sub, annotate, s);
                s.push(')');
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Lex {
    Name(String),
    Arrow,
    Open,
    Close,
    LBrace,
    RBrace,
}

#[derive(Debug, Clone)]
struct Lexeme {
    lex: Lex,
    col: usize,
}

fn lex(text: &str) -> Vec<Lexeme> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '{' || c == '}' {
            out.push(Lexeme { lex: if c == '{' { Lex::LBrace } else { Lex::RBrace }, col: i + 1 });
            i += 1;
            continue;
        }
        // A word: up to whitespace or a brace.
        let start = i;
        while i < chars.len() && !chars.get(i).is_some_and(|c| c.is_whitespace() || *c == '{' || *c == '}') {
            i += 1;
        }
        lex_word(chars.get(start..i).unwrap_or(&[]), start, &mut out);
    }
    out
}

/// Splits one word into arrows, brackets and a name (`start` is its 0-based char offset).
fn lex_word(w: &[char], start: usize, out: &mut Vec<Lexeme>) {
    let mut i = 0;
    while i < w.len() {
        let col = start + i + 1;
        let c = w.get(i).copied().unwrap_or(' ');
        if c == '-' && w.get(i + 1) == Some(&'>') {
            out.push(Lexeme { lex: Lex::Arrow, col });
            i += 2;
            continue;
        }
        if c == '(' {
            out.push(Lexeme { lex: Lex::Open, col });
            i += 1;
            continue;
        }
        if c == ')' {
            out.push(Lexeme { lex: Lex::Close, col });
            i += 1;
            continue;
        }
        // A name: brackets opened inside it are its own; it ends at an unmatched ')' or an arrow.
        let name_start = i;
        let mut depth = 0usize;
        while i < w.len() {
            let c = w.get(i).copied().unwrap_or(' ');
            if c == '-' && w.get(i + 1) == Some(&'>') {
                break;
            }
            if c == '(' {
                depth += 1;
            } else if c == ')' {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            i += 1;
        }
        let name: String = w.get(name_start..i).unwrap_or(&[]).iter().collect();
        out.push(Lexeme { lex: Lex::Name(name), col });
    }
}

fn describe(l: Option<&Lexeme>) -> String {
    match l.map(|l| &l.lex) {
        None => "end of input".to_string(),
        Some(Lex::Name(n)) => n.clone(),
        Some(Lex::Arrow) => "->".to_string(),
        Some(Lex::Open) => "(".to_string(),
        Some(Lex::Close) => ")".to_string(),
        Some(Lex::LBrace) => "{".to_string(),
        Some(Lex::RBrace) => "}".to_string(),
    }
}

struct Parser<'a> {
    vocab: &'a Vocabulary,
    lexemes: Vec<Lexeme>,
    at: usize,
    end_col: usize,
    annotations: bool,
    spans: Spans,
    open_cols: Vec<usize>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.at)
    }
    fn pos(&self) -> Position {
        Position::Column(self.peek().map_or(self.end_col, |l| l.col))
    }
    fn syntax(&self, expected: &str) -> Error {
        if self.peek().is_none()
            && let Some(c) = self.open_cols.last()
        {
            {
                return Error::Unbalanced {
                    what: format!("the '(' at column {c} is never closed"),
                    at: Position::Column(self.end_col),
                };
            }
        }
        if let Some(Lexeme { lex: Lex::Close, col }) = self.peek()
            && self.open_cols.is_empty()
        {
            {
                return Error::Unbalanced {
                    what: "')' without a matching '('".into(),
                    at: Position::Column(*col),
                };
            }
        }
        Error::Syntax { expected: expected.to_string(), found: describe(self.peek()), at: self.pos() }
    }
    fn particle(&mut self) -> Result<ParticleId> {
        match self.peek().cloned() {
            Some(Lexeme { lex: Lex::Name(n), col }) => {
                self.at += 1;
                self.vocab.id(&n).ok_or(Error::UnknownParticle { name: n, at: Position::Column(col) })
            }
            _ => Err(self.syntax("a particle name")),
        }
    }
    fn decay(&mut self) -> Result<Decay> {
        self.spans.node.push(Position::Column(self.peek().map_or(self.end_col, |l| l.col)));
        self.spans.annotation.push(None);
        let parent = self.particle()?;
        match self.peek() {
            Some(Lexeme { lex: Lex::Arrow, .. }) => self.at += 1,
            _ => return Err(self.syntax("'->'")),
        }
        let mut daughters = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Lexeme { lex: Lex::Open, col }) => {
                    self.at += 1;
                    self.open_cols.push(col);
                    let sub = self.decay()?;
                    match self.peek() {
                        Some(Lexeme { lex: Lex::Close, .. }) => {
                            self.at += 1;
                            self.open_cols.pop();
                        }
                        _ => return Err(self.syntax("')' or another daughter")),
                    }
                    daughters.push(Node::Decay(sub));
                }
                Some(Lexeme { lex: Lex::Name(_), col }) => {
                    self.spans.node.push(Position::Column(col));
                    self.spans.annotation.push(None);
                    let idx = self.spans.annotation.len() - 1;
                    let particle = self.particle()?;
                    let mut recon = Recon::AsItself;
                    if let Some(Lexeme { lex: Lex::LBrace, col: bcol }) = self.peek().cloned() {
                        if !self.annotations {
                            return Err(Error::Syntax {
                                expected: "a signal without reconstruction annotations".into(),
                                found: "{".into(),
                                at: Position::Column(bcol),
                            });
                        }
                        if let Some(a) = self.spans.annotation.get_mut(idx) {
                            *a = Some(Position::Column(bcol));
                        }
                        self.at += 1;
                        recon = match self.peek().cloned() {
                            Some(Lexeme { lex: Lex::Name(n), .. }) if n == "miss" => {
                                self.at += 1;
                                Recon::Missing
                            }
                            Some(Lexeme { lex: Lex::Name(_), .. }) => Recon::As(self.particle()?),
                            _ => return Err(self.syntax("a particle name or 'miss' in the annotation")),
                        };
                        match self.peek() {
                            Some(Lexeme { lex: Lex::RBrace, .. }) => self.at += 1,
                            _ => return Err(self.syntax("'}'")),
                        }
                    }
                    daughters.push(Node::Final { particle, recon });
                }
                _ => break,
            }
        }
        if daughters.is_empty() {
            return Err(self.syntax("a daughter"));
        }
        Ok(Decay { parent, daughters })
    }
}

/// Parses the syntax of a decay (no physics checks). `annotations` allows `{...}` (backgrounds).
pub fn parse_decay(vocab: &Vocabulary, text: &str, annotations: bool) -> Result<(Decay, Spans)> {
    let end_col = text.chars().count() + 1;
    let mut p = Parser {
        vocab,
        lexemes: lex(text),
        at: 0,
        end_col,
        annotations,
        spans: Spans { end: Some(Position::Column(end_col)), ..Spans::default() },
        open_cols: Vec::new(),
    };
    let d = p.decay()?;
    if p.peek().is_some() {
        return Err(p.syntax("end of input"));
    }
    Ok((d, p.spans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::SimpleData;

    fn vocab() -> Vocabulary {
        let data = SimpleData::default()
            .particle("K+", 321, 1, true)
            .particle("pi-", -211, -1, true)
            .particle("pi+", 211, 1, true)
            .particle("D*(2010)+", 413, 1, false)
            .particle("D0", 421, 0, false)
            .particle("B0", 511, 0, false)
            .mode("D*(2010)+", 1.0, "D0 pi+")
            .mode("D0", 1.0, "K+ pi-")
            .mode("B0", 1.0, "D*(2010)+ pi-");
        Vocabulary::new(&data, &[]).unwrap()
    }

    #[test]
    fn names_with_brackets_and_tight_spacing() {
        let v = vocab();
        let (d, spans) = parse_decay(&v, "B0 -> (D*(2010)+ -> (D0->K+ pi-{miss}) pi+) pi-", true).unwrap();
        assert_eq!(format_decay(&v, &d, true), "B0 -> (D*(2010)+ -> (D0 -> K+ pi-{miss}) pi+) pi-");
        let cols: Vec<Position> = [1, 8, 22, 26, 29, 40, 45].into_iter().map(Position::Column).collect();
        assert_eq!(spans.node, cols);
        assert_eq!(d.depth(), 3);
    }

    #[test]
    fn syntax_errors_name_position() {
        let v = vocab();
        let e = parse_decay(&v, "B0 -> (D0 -> K+ pi-", true).unwrap_err();
        assert!(matches!(e, Error::Unbalanced { at: Position::Column(20), .. }), "{e}");
        let e = parse_decay(&v, "B0 -> D0) pi-", true).unwrap_err();
        assert!(matches!(e, Error::Unbalanced { at: Position::Column(9), .. }), "{e}");
        let e = parse_decay(&v, "B0 -> K+ pix", true).unwrap_err();
        assert_eq!(e, Error::UnknownParticle { name: "pix".into(), at: Position::Column(10) });
        let e = parse_decay(&v, "B0 -> K+{pi-} pi-", false).unwrap_err();
        assert!(matches!(e, Error::Syntax { at: Position::Column(9), .. }), "{e}");
    }
}
