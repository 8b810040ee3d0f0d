//! Plots a physicist would rather look at than read: overlaid histograms and per-step curves,
//! written as PNG and SVG side by side (the extension of the given path picks the primary file,
//! the other format is written next to it).

#![allow(dead_code)] // each helper is used by some subcommands only

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// One histogram to draw: bin contents over equal bins in `[lo, hi)`.
pub struct Histogram<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Bin contents (normalised or counts, as the caller prefers).
    pub bins: &'a [f64],
    /// Line colour index into a fixed palette.
    pub colour: usize,
}

/// One curve: (x, y) points.
pub struct Curve<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Points in drawing order.
    pub points: &'a [(f64, f64)],
    /// Line colour index into a fixed palette.
    pub colour: usize,
}

/// DejaVu Sans, embedded so text renders on machines without fonts (`fixtures/fonts/README.md`).
static FONT: &[u8] = include_bytes!("../../../fixtures/fonts/DejaVuSans.ttf");

/// Registers the embedded font as plotters' "sans-serif" once per process.
pub fn ensure_font() -> Result<()> {
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok());
    anyhow::ensure!(ok, "the embedded plot font could not be loaded");
    Ok(())
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The PNG and SVG paths for a requested output path.
pub fn both_formats(path: &Path) -> (PathBuf, PathBuf) {
    (path.with_extension("png"), path.with_extension("svg"))
}

/// Draws step histograms over `[lo, hi)` with optional vertical markers (e.g. a signal window).
pub fn histograms(
    path: &Path,
    title: &str,
    x_label: &str,
    (lo, hi): (f64, f64),
    hists: &[Histogram<'_>],
    markers: &[f64],
) -> Result<()> {
    ensure_font()?;
    let (png, svg) = both_formats(path);
    draw_histograms(
        BitMapBackend::new(&png, (900, 600)).into_drawing_area(),
        title,
        x_label,
        (lo, hi),
        hists,
        markers,
    )
    .with_context(|| format!("writing {}", png.display()))?;
    draw_histograms(
        SVGBackend::new(&svg, (900, 600)).into_drawing_area(),
        title,
        x_label,
        (lo, hi),
        hists,
        markers,
    )
    .with_context(|| format!("writing {}", svg.display()))?;
    Ok(())
}

fn draw_histograms<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    (lo, hi): (f64, f64),
    hists: &[Histogram<'_>],
    markers: &[f64],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let y_max = hists.iter().flat_map(|h| h.bins.iter().copied()).fold(0.0f64, f64::max).max(1e-12) * 1.1;
    let mut chart = ChartBuilder::on(&area)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(lo..hi, 0.0..y_max)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc("fraction per bin")
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for h in hists {
        let n = h.bins.len().max(1);
        let width = (hi - lo) / n as f64;
        let mut points = Vec::with_capacity(2 * n + 2);
        points.push((lo, 0.0));
        for (i, &v) in h.bins.iter().enumerate() {
            points.push((lo + i as f64 * width, v));
            points.push((lo + (i + 1) as f64 * width, v));
        }
        points.push((hi, 0.0));
        let c = colour(h.colour);
        chart
            .draw_series(LineSeries::new(points, c.stroke_width(2)))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(h.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    }
    for &m in markers {
        chart
            .draw_series(LineSeries::new(vec![(m, 0.0), (m, y_max)], BLACK.mix(0.6).stroke_width(1)))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    area.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Draws curves (e.g. best and mean fitness per generation, losses per step).
pub fn curves(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    curves: &[Curve<'_>],
    log_y: bool,
) -> Result<()> {
    ensure_font()?;
    let (png, svg) = both_formats(path);
    draw_curves(
        BitMapBackend::new(&png, (900, 600)).into_drawing_area(),
        title,
        x_label,
        y_label,
        curves,
        log_y,
    )
    .with_context(|| format!("writing {}", png.display()))?;
    draw_curves(
        SVGBackend::new(&svg, (900, 600)).into_drawing_area(),
        title,
        x_label,
        y_label,
        curves,
        log_y,
    )
    .with_context(|| format!("writing {}", svg.display()))?;
    Ok(())
}

fn draw_curves<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    y_label: &str,
    curves: &[Curve<'_>],
    log_y: bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let pts = || curves.iter().flat_map(|c| c.points.iter().copied());
    let (x0, x1) = pts().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (x, _)| (a.min(x), b.max(x)));
    let ys = pts().map(|(_, y)| if log_y { y.max(1e-300).log10() } else { y });
    let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| (a.min(y), b.max(y)));
    let (x0, x1) = if x0.is_finite() && x1 > x0 { (x0, x1) } else { (0.0, 1.0) };
    let (y0, y1) = if y0.is_finite() && y1 > y0 {
        (y0, y1 + 0.05 * (y1 - y0))
    } else {
        (y0.min(0.0), y0.max(0.0) + 1.0)
    };
    let mut chart = ChartBuilder::on(&area)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let y_desc = if log_y { format!("log10 {y_label}") } else { y_label.to_string() };
    chart.configure_mesh().x_desc(x_label).y_desc(y_desc).draw().map_err(|e| anyhow::anyhow!("{e}"))?;
    for c in curves {
        let colour = colour(c.colour);
        let points = c.points.iter().map(|&(x, y)| (x, if log_y { y.max(1e-300).log10() } else { y }));
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(c.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    area.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
