//! FK tables: precomputed weights mapping the PDFs at Q0^2 on an x grid to DIS predictions,
//! sigma_p = sum_{b,k} W[p][b][k] f_b(x_k, Q0^2) (Ball et al., NNPDF, Nucl. Phys. B838 (2010) 136,
//! "FastKernel"). Weights are inverse Mellin transforms of C(N) E(N) against the interpolation basis
//! (see `operator`).
//!
//! Binary format, version 1 (all integers and floats little-endian):
//! ```text
//! bytes 0..4   magic "HZFK"
//! u32          format version (1)
//! u64          header length H
//! H bytes      header, UTF-8 JSON: {"theory", "grid", "points", "flavours"} (serde of FkHeader)
//! u64          number of weights W = n_points * 13 * n_grid
//! W x f64      weights, index (p * 13 + b) * n_grid + k, b in PDG order of `flavours`
//! u64          FNV-1a 64 checksum of the weight bytes
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dis::{DisKernel, DisPoint};
use crate::error::{Error, Result, invalid};
use crate::evolve::Theory;
use crate::flavour::{NFL, PIDS};
use crate::interpolation::XGrid;
use crate::operator::mellin_weights;
use crate::talbot::Talbot;

/// Magic bytes of the binary format.
pub const MAGIC: &[u8; 4] = b"HZFK";
/// Current format version.
pub const FORMAT_VERSION: u32 = 1;

/// Metadata of an FK table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FkHeader {
    /// Theory used for evolution and coefficient functions.
    pub theory: Theory,
    /// Interpolation grid of the PDFs at Q0^2.
    pub grid: XGrid,
    /// The data points.
    pub points: Vec<DisPoint>,
    /// PDG ids of the flavour axis.
    pub flavours: Vec<i32>,
}

/// An FK table.
#[derive(Debug, Clone, PartialEq)]
pub struct FkTable {
    /// Metadata.
    pub header: FkHeader,
    /// Weights, index (p * 13 + b) * n_grid + k.
    pub weights: Vec<f64>,
}

impl FkTable {
    /// Computes the table for DIS points (every Q^2 above the theory's Q0^2).
    pub fn build(theory: &Theory, grid: &XGrid, points: &[DisPoint]) -> Result<Self> {
        let nk = grid.len();
        let kernels = points.iter().map(|p| DisKernel::new(theory, p)).collect::<Result<Vec<_>>>()?;
        let talbot = Talbot { nodes: theory.talbot_nodes, shift: 1.0 };
        let rows: Vec<Vec<f64>> = points
            .par_iter()
            .zip(kernels.par_iter())
            .map(|(p, k)| {
                let row = |n| k.row(n);
                mellin_weights(grid, &[p.x], 1, talbot, &row).map(|mut w| {
                    let mut v = w.pop().unwrap_or_default();
                    for e in v.iter_mut() {
                        *e *= p.x;
                    }
                    v
                })
            })
            .collect::<Result<_>>()?;
        let mut weights = Vec::with_capacity(points.len() * NFL * nk);
        for r in rows {
            weights.extend(r);
        }
        Ok(Self {
            header: FkHeader {
                theory: *theory,
                grid: grid.clone(),
                points: points.to_vec(),
                flavours: PIDS.to_vec(),
            },
            weights,
        })
    }

    /// Predictions for PDFs given on the grid at Q0^2 (layout of [`crate::operator::sample_on_grid`]).
    pub fn convolve(&self, f0: &[f64]) -> Result<Vec<f64>> {
        let width = NFL * self.header.grid.len();
        if f0.len() != width {
            return Err(invalid("f0.len()", f0.len(), "must be 13 x grid size"));
        }
        Ok(self.weights.chunks(width).map(|w| w.iter().zip(f0).map(|(a, b)| a * b).sum()).collect())
    }

    /// Serialises to bytes (format above).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(&self.header)
            .map_err(|e| Error::FkFormat { path: PathBuf::from("<memory>"), message: e.to_string() })?;
        let mut out = Vec::with_capacity(32 + header.len() + 8 * self.weights.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u64).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&(self.weights.len() as u64).to_le_bytes());
        let start = out.len();
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        let sum = fnv1a(&out[start..]);
        out.extend_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// Parses bytes; `path` only labels errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Self> {
        let err = |m: String| Error::FkFormat { path: path.to_path_buf(), message: m };
        let take = |pos: &mut usize, n: usize| -> Result<&[u8]> {
            let end = pos.checked_add(n).filter(|e| *e <= bytes.len()).ok_or_else(|| Error::FkFormat {
                path: path.to_path_buf(),
                message: format!("truncated at byte {pos}, need {n} more"),
            })?;
            let s = &bytes[*pos..end];
            *pos = end;
            Ok(s)
        };
        let mut pos = 0usize;
        if take(&mut pos, 4)? != MAGIC {
            return Err(err("bad magic (not an HZFK file)".into()));
        }
        let version = u32::from_le_bytes(take(&mut pos, 4)?.try_into().map_err(|_| err("version".into()))?);
        if version != FORMAT_VERSION {
            return Err(err(format!(
                "unsupported format version {version} (this library reads {FORMAT_VERSION})"
            )));
        }
        let hlen =
            u64::from_le_bytes(take(&mut pos, 8)?.try_into().map_err(|_| err("header length".into()))?);
        let hlen = usize::try_from(hlen).map_err(|_| err(format!("header length {hlen} too large")))?;
        let header: FkHeader =
            serde_json::from_slice(take(&mut pos, hlen)?).map_err(|e| err(format!("header JSON: {e}")))?;
        let grid = XGrid::new(header.grid.x().to_vec(), header.grid.degree())?;
        if header.flavours != PIDS {
            return Err(err(format!("flavour axis {:?} is not the PDG basis {PIDS:?}", header.flavours)));
        }
        let nw = u64::from_le_bytes(take(&mut pos, 8)?.try_into().map_err(|_| err("weight count".into()))?);
        let expected = header.points.len() as u64 * NFL as u64 * grid.len() as u64;
        if nw != expected {
            return Err(err(format!("{nw} weights, expected {expected} = points x 13 x grid")));
        }
        let nbytes = usize::try_from(nw)
            .ok()
            .and_then(|n| n.checked_mul(8))
            .ok_or_else(|| err("too many weights".into()))?;
        let raw = take(&mut pos, nbytes)?;
        let sum = u64::from_le_bytes(take(&mut pos, 8)?.try_into().map_err(|_| err("checksum".into()))?);
        if sum != fnv1a(raw) {
            return Err(err("checksum mismatch (corrupted weights)".into()));
        }
        if pos != bytes.len() {
            return Err(err(format!("{} trailing bytes", bytes.len() - pos)));
        }
        let weights = raw
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        Ok(Self { header: FkHeader { grid, ..header }, weights })
    }

    /// Writes the table atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_atomic(path, &self.to_bytes()?)
    }

    /// Reads a table.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::Io { path: path.to_path_buf(), source: e })?;
        Self::from_bytes(&bytes, path)
    }
}

fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Writes a file atomically (temporary file in the same directory, then rename).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| Error::Io { path: path.to_path_buf(), source: e };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.flush().map_err(io)?;
    // Temporary files are created 0600; give the result ordinary permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The TOML runcard of `hepzero fk build`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FkRuncard {
    /// Theory.
    pub theory: Theory,
    /// Grid settings.
    pub grid: GridCard,
    /// Data points.
    pub points: Vec<DisPoint>,
    /// Output file.
    pub output: PathBuf,
}

/// Grid part of the runcard: `n` nodes log-linear from `x_min` (or explicit `x`), degree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridCard {
    /// Number of nodes (ignored when `x` is given).
    #[serde(default = "default_n")]
    pub n: usize,
    /// Smallest x.
    #[serde(default = "default_xmin")]
    pub x_min: f64,
    /// Interpolation degree.
    #[serde(default = "default_degree")]
    pub degree: usize,
    /// Explicit nodes.
    #[serde(default)]
    pub x: Option<Vec<f64>>,
}

fn default_n() -> usize {
    50
}
fn default_xmin() -> f64 {
    1e-7
}
fn default_degree() -> usize {
    4
}

impl GridCard {
    /// Builds the grid.
    pub fn grid(&self) -> Result<XGrid> {
        match &self.x {
            Some(x) => XGrid::new(x.clone(), self.degree),
            None => XGrid::log_lin(self.n, self.x_min, self.degree),
        }
    }
}

impl FkRuncard {
    /// Parses a runcard; `path` labels errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    (line, col)
                })
                .unwrap_or((0, 0));
            Error::Parse { path: path.to_path_buf(), line, column, message: e.message().to_string() }
        })
    }
}
