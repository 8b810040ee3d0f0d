//! LHAPDF6 grid I/O: `<set>/<set>.info` (YAML key: value metadata) and `<set>/<set>_NNNN.dat`
//! members in the `lhagrid1` format (A. Buckley et al., "LHAPDF6: parton density access in the
//! LHC precision era", Eur. Phys. J. C75 (2015) 132, section 3 and appendix):
//!
//! ```text
//! PdfType: central          <- member header (YAML) ...
//! Format: lhagrid1
//! ---
//! x_1 x_2 ... x_nx          <- one block per subgrid: x knots,
//! Q_1 ... Q_nq              <-   Q knots (GeV, not Q^2),
//! pid_1 ... pid_nf          <-   flavours,
//! xf(x_1,Q_1,pid_1) ... xf(x_1,Q_1,pid_nf)   <- nx * nq rows, x outer, Q inner
//! ...
//! ---                       <- after every block
//! ```
//! Values are x f(x, Q). Numbers are written in the shortest form that parses back to the same
//! f64, so a write-read round trip is bit-identical.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, invalid};
use crate::evolve::Theory;
use crate::fktable::write_atomic;
use crate::flavour::{NFL, PIDS};
use crate::interpolation::XGrid;
use crate::operator::GridOperator;

/// Ordered `key: value` metadata (values kept as their YAML text).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// Entries in file order.
    pub entries: Vec<(String, String)>,
}

impl Metadata {
    /// Value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Sets (or replaces) a key.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    fn format(&self) -> String {
        self.entries.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
    }

    fn parse_line(&mut self, line: &str, lineno: usize, path: &Path) -> Result<()> {
        let t = line.trim_end();
        if t.trim().is_empty() || t.trim_start().starts_with('#') {
            return Ok(());
        }
        let Some(colon) = t.find(':') else {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: lineno,
                column: 1,
                message: format!("expected `key: value`, found `{}`", t.trim()),
            });
        };
        self.entries.push((t[..colon].trim().to_string(), t[colon + 1..].trim().to_string()));
        Ok(())
    }
}

/// One (x, Q) block of a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subgrid {
    /// x knots (increasing).
    pub x: Vec<f64>,
    /// Q knots in GeV (increasing).
    pub q: Vec<f64>,
    /// PDG ids.
    pub pids: Vec<i32>,
    /// x f values, index (ix * nq + iq) * n_pids + ipid.
    pub xf: Vec<f64>,
}

impl Subgrid {
    fn value(&self, ix: usize, iq: usize, ip: usize) -> f64 {
        self.xf[(ix * self.q.len() + iq) * self.pids.len() + ip]
    }

    /// x f(x, Q^2) by cubic Lagrange interpolation in (ln x, ln Q^2) (linear when fewer knots);
    /// not LHAPDF's Hermite scheme, so values between knots agree with LHAPDF to interpolation accuracy.
    pub fn xfx_q2(&self, pid: i32, x: f64, q2: f64) -> Result<f64> {
        let ip = self.pids.iter().position(|p| *p == pid || (pid == 0 && *p == 21) || (pid == 21 && *p == 0));
        let Some(ip) = ip else {
            return Ok(0.0);
        };
        let q = q2.max(0.0).sqrt();
        let (x0, x1) = (self.x[0], self.x[self.x.len() - 1]);
        let (q0, q1) = (self.q[0], self.q[self.q.len() - 1]);
        if !(x >= x0 && x <= x1 && q >= q0 * (1.0 - 1e-12) && q <= q1 * (1.0 + 1e-12)) {
            return Err(Error::Lookup(format!(
                "(x, Q) = ({x}, {q}) outside the grid x in [{x0}, {x1}], Q in [{q0}, {q1}]"
            )));
        }
        let lx: Vec<f64> = self.x.iter().map(|v| v.ln()).collect();
        let lq: Vec<f64> = self.q.iter().map(|v| (v * v).ln()).collect();
        let (sx, wx) = lagrange4(&lx, x.ln());
        let (sq, wq) = lagrange4(&lq, q2.ln());
        let mut acc = 0.0;
        for (i, wi) in wx.iter().enumerate() {
            for (j, wj) in wq.iter().enumerate() {
                acc += wi * wj * self.value(sx + i, sq + j, ip);
            }
        }
        Ok(acc)
    }
}

/// Start index and weights of up-to-4-point Lagrange interpolation at t in sorted knots.
fn lagrange4(k: &[f64], t: f64) -> (usize, Vec<f64>) {
    let n = k.len();
    if n == 1 {
        return (0, vec![1.0]);
    }
    let m = k.partition_point(|v| *v <= t).saturating_sub(1).min(n - 2);
    let npts = n.min(4);
    let start = m.saturating_sub(1).min(n - npts);
    let w = (start..start + npts)
        .map(|i| {
            (start..start + npts).filter(|j| *j != i).map(|j| (t - k[j]) / (k[i] - k[j])).product::<f64>()
        })
        .collect();
    (start, w)
}

/// One member file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Header metadata (PdfType, Format, ...).
    pub header: Metadata,
    /// Blocks.
    pub subgrids: Vec<Subgrid>,
}

impl Member {
    /// x f(x, Q^2), from the subgrid that contains Q^2 (the higher one at a boundary).
    pub fn xfx_q2(&self, pid: i32, x: f64, q2: f64) -> Result<f64> {
        let q = q2.max(0.0).sqrt();
        let sg = self
            .subgrids
            .iter()
            .rev()
            .find(|s| q >= s.q[0] * (1.0 - 1e-12) && q <= s.q[s.q.len() - 1] * (1.0 + 1e-12))
            .ok_or_else(|| Error::Lookup(format!("Q = {q} GeV outside every subgrid")))?;
        sg.xfx_q2(pid, x, q2)
    }

    /// Serialises in `lhagrid1` format.
    pub fn to_dat(&self) -> String {
        use std::fmt::Write;
        let mut s = self.header.format();
        s.push_str("---\n");
        for sg in &self.subgrids {
            let join = |v: &[f64]| v.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(" ");
            let _ = writeln!(s, "{}", join(&sg.x));
            let _ = writeln!(s, "{}", join(&sg.q));
            let _ = writeln!(s, "{}", sg.pids.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" "));
            for row in sg.xf.chunks(sg.pids.len().max(1)) {
                let _ = writeln!(s, "{}", join(row));
            }
            s.push_str("---\n");
        }
        s
    }

    /// Parses a member file; `path` labels errors.
    pub fn parse_dat(text: &str, path: &Path) -> Result<Self> {
        let perr = |line: usize, column: usize, message: String| Error::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message,
        };
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let mut header = Metadata::default();
        let mut saw_sep = false;
        for (no, l) in lines.by_ref() {
            if l.trim() == "---" {
                saw_sep = true;
                break;
            }
            header.parse_line(l, no, path)?;
        }
        if !saw_sep {
            return Err(perr(text.lines().count().max(1), 1, "missing `---` after the member header".into()));
        }
        let mut subgrids = Vec::new();
        let mut block: Vec<(usize, &str)> = Vec::new();
        for (no, l) in lines {
            if l.trim() == "---" {
                if !block.is_empty() {
                    subgrids.push(parse_block(&block, path)?);
                    block.clear();
                }
            } else if !l.trim().is_empty() {
                block.push((no, l));
            }
        }
        if let Some((no, _)) = block.first() {
            return Err(perr(*no, 1, "subgrid block not terminated by `---`".into()));
        }
        if subgrids.is_empty() {
            return Err(perr(1, 1, "no subgrid blocks".into()));
        }
        Ok(Self { header, subgrids })
    }
}

fn parse_numbers<T: std::str::FromStr>(line: &str, no: usize, path: &Path, what: &str) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut col = 1;
    for tok in line.split(' ') {
        if !tok.is_empty() {
            let t = tok.trim();
            if !t.is_empty() {
                out.push(t.parse::<T>().map_err(|_| Error::Parse {
                    path: path.to_path_buf(),
                    line: no,
                    column: col,
                    message: format!("invalid {what} `{t}`"),
                })?);
            }
        }
        col += tok.len() + 1;
    }
    Ok(out)
}

fn parse_block(block: &[(usize, &str)], path: &Path) -> Result<Subgrid> {
    let perr =
        |line: usize, message: String| Error::Parse { path: path.to_path_buf(), line, column: 1, message };
    if block.len() < 3 {
        return Err(perr(block[0].0, "subgrid block needs x, Q and flavour lines".into()));
    }
    let x: Vec<f64> = parse_numbers(block[0].1, block[0].0, path, "x knot")?;
    let q: Vec<f64> = parse_numbers(block[1].1, block[1].0, path, "Q knot")?;
    let pids: Vec<i32> = parse_numbers(block[2].1, block[2].0, path, "PDG id")?;
    if x.is_empty() || q.is_empty() || pids.is_empty() {
        return Err(perr(block[0].0, "empty x, Q or flavour list".into()));
    }
    for (v, line, what) in [(&x, block[0].0, "x"), (&q, block[1].0, "Q")] {
        if v.windows(2).any(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater))
            || v[0].is_nan()
            || v[0] <= 0.0
        {
            return Err(perr(line, format!("{what} knots must be positive and increasing")));
        }
    }
    let rows = &block[3..];
    if rows.len() != x.len() * q.len() {
        return Err(perr(
            block[2].0,
            format!("{} value rows, expected nx * nq = {}", rows.len(), x.len() * q.len()),
        ));
    }
    let mut xf = Vec::with_capacity(rows.len() * pids.len());
    for (no, l) in rows {
        let v: Vec<f64> = parse_numbers(l, *no, path, "value")?;
        if v.len() != pids.len() {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: *no,
                column: 1,
                message: format!("{} values, expected {} (one per flavour)", v.len(), pids.len()),
            });
        }
        xf.extend(v);
    }
    Ok(Subgrid { x, q, pids, xf })
}

/// A PDF set: metadata plus members (0 = central).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LhapdfSet {
    /// Set name (directory and file stem).
    pub name: String,
    /// `.info` contents.
    pub info: Metadata,
    /// Members.
    pub members: Vec<Member>,
}

impl LhapdfSet {
    /// Writes `<parent>/<name>/<name>.info` and `<name>_NNNN.dat`, each atomically.
    pub fn write(&self, parent: &Path) -> Result<PathBuf> {
        if self.name.is_empty() || self.name.contains(['/', '\\']) {
            return Err(invalid("name", &self.name, "must be a plain file name"));
        }
        let dir = parent.join(&self.name);
        std::fs::create_dir_all(&dir).map_err(|e| Error::Io { path: dir.clone(), source: e })?;
        let mut info = self.info.clone();
        info.set("NumMembers", self.members.len().to_string());
        write_atomic(&dir.join(format!("{}.info", self.name)), info.format().as_bytes())?;
        for (i, m) in self.members.iter().enumerate() {
            write_atomic(&dir.join(format!("{}_{i:04}.dat", self.name)), m.to_dat().as_bytes())?;
        }
        Ok(dir)
    }

    /// Reads a set from its directory (`.../<name>`).
    pub fn read(dir: &Path) -> Result<Self> {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| invalid("dir", dir.display(), "has no set name"))?
            .to_string();
        let read =
            |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::Io { path: p.to_path_buf(), source: e });
        let info_path = dir.join(format!("{name}.info"));
        let text = read(&info_path)?;
        let mut info = Metadata::default();
        for (i, l) in text.lines().enumerate() {
            info.parse_line(l, i + 1, &info_path)?;
        }
        let n: usize = match info.get("NumMembers") {
            Some(v) => v.parse().map_err(|_| Error::Parse {
                path: info_path.clone(),
                line: 1 + text.lines().position(|l| l.starts_with("NumMembers")).unwrap_or(0),
                column: 1,
                message: format!("NumMembers `{v}` is not an integer"),
            })?,
            None => {
                return Err(Error::Parse {
                    path: info_path,
                    line: 1,
                    column: 1,
                    message: "missing NumMembers".into(),
                });
            }
        };
        let mut members = Vec::with_capacity(n);
        for i in 0..n {
            let p = dir.join(format!("{name}_{i:04}.dat"));
            members.push(Member::parse_dat(&read(&p)?, &p)?);
        }
        Ok(Self { name, info, members })
    }

    /// Evolves PDFs given on `grid` at the theory's Q0^2 (one vector per member, layout of
    /// [`crate::operator::sample_on_grid`]) to the Q^2 knots `q2` and packs them as a set. The
    /// operators are built once and applied to every member.
    pub fn from_evolution(
        name: &str,
        theory: &Theory,
        grid: &XGrid,
        q2: &[f64],
        members: &[Vec<f64>],
        desc: &str,
    ) -> Result<Self> {
        if q2.is_empty() || q2.windows(2).any(|w| w[1] <= w[0]) || q2[0] < theory.q0_2 * (1.0 - 1e-12) {
            return Err(invalid("q2", format!("{q2:?}"), "knots must be increasing and >= Q0^2"));
        }
        let ops = q2.iter().map(|q| GridOperator::build(theory, grid, *q)).collect::<Result<Vec<_>>>()?;
        let nx = grid.len();
        let coupling = theory.coupling()?;
        let mut out = Vec::with_capacity(members.len());
        for (im, f0) in members.iter().enumerate() {
            let evolved = ops.iter().map(|op| op.apply(f0)).collect::<Result<Vec<_>>>()?;
            let mut xf = vec![0.0; nx * q2.len() * NFL];
            for (iq, f) in evolved.iter().enumerate() {
                for (ix, x) in grid.x().iter().enumerate() {
                    for b in 0..NFL {
                        xf[(ix * q2.len() + iq) * NFL + b] = x * f[b * nx + ix];
                    }
                }
            }
            let mut header = Metadata::default();
            header.set("PdfType", if im == 0 { "central" } else { "replica" });
            header.set("Format", "lhagrid1");
            out.push(Member {
                header,
                subgrids: vec![Subgrid {
                    x: grid.x().to_vec(),
                    q: q2.iter().map(|v| v.sqrt()).collect(),
                    pids: PIDS.to_vec(),
                    xf,
                }],
            });
        }
        let list = |v: &[String]| format!("[{}]", v.join(", "));
        let mut info = Metadata::default();
        info.set("SetDesc", format!("\"{desc}\""));
        info.set("SetIndex", "0");
        info.set("Authors", "\"hepzero-evolution\"");
        info.set("Format", "lhagrid1");
        info.set("DataVersion", "1");
        info.set("NumMembers", members.len().to_string());
        info.set("Particle", "2212");
        info.set("Flavors", list(&PIDS.iter().map(|p| p.to_string()).collect::<Vec<_>>()));
        info.set("OrderQCD", if theory.order == crate::Order::Lo { "0" } else { "1" });
        info.set("ErrorType", "replicas");
        info.set("XMin", format!("{:e}", grid.x()[0]));
        info.set("XMax", format!("{:e}", grid.x()[nx - 1]));
        info.set("QMin", format!("{:e}", q2[0].sqrt()));
        info.set("QMax", format!("{:e}", q2[q2.len() - 1].sqrt()));
        let alphas =
            q2.iter().map(|q| coupling.alpha_s(*q).map(|a| format!("{a:e}"))).collect::<Result<Vec<_>>>()?;
        info.set("AlphaS_Type", "ipol");
        info.set("AlphaS_OrderQCD", if theory.order == crate::Order::Lo { "0" } else { "1" });
        info.set("AlphaS_Qs", list(&q2.iter().map(|q| format!("{:e}", q.sqrt())).collect::<Vec<_>>()));
        info.set("AlphaS_Vals", list(&alphas));
        match theory.scheme {
            crate::Scheme::Ffns { nf } => {
                info.set("FlavorScheme", "fixed");
                info.set("NumFlavors", nf.to_string());
            }
            crate::Scheme::Zmvfns { masses2 } => {
                info.set("FlavorScheme", "variable");
                info.set("NumFlavors", "6");
                info.set("MCharm", format!("{:e}", masses2[0].sqrt()));
                info.set("MBottom", format!("{:e}", masses2[1].sqrt()));
                info.set("MTop", format!("{:e}", masses2[2].sqrt()));
            }
        }
        Ok(Self { name: name.to_string(), info, members: out })
    }
}
