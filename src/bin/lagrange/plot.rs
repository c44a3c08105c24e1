//! SVG plots of `lagrange bench` (plotters, SVG backend only).

use std::path::Path;

use plotters::prelude::*;

use crate::bench::Run;

/// Smallest value shown on a log axis (a residual of exactly 0 is drawn here).
const FLOOR: f64 = 1e-17;

fn color(i: usize) -> RGBColor {
    // Colour-blind-safe palette (Okabe–Ito), then repeats.
    const COLORS: [RGBColor; 7] = [
        RGBColor(0, 114, 178),
        RGBColor(213, 94, 0),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(230, 159, 0),
        RGBColor(86, 180, 233),
        RGBColor(0, 0, 0),
    ];
    COLORS[i % COLORS.len()]
}

/// Bounds of a log axis around positive values: whole decades.
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (1e-3, 1.0);
    }
    let lo = 10f64.powf(lo.log10().floor());
    let hi = 10f64.powf(hi.log10().ceil());
    if hi <= lo {
        (lo, lo * 10.0)
    } else {
        (lo, hi)
    }
}

fn exponent_label(v: &f64) -> String {
    let e = v.log10().round() as i32;
    if (v.log10() - e as f64).abs() < 1e-9 {
        format!("1e{e}")
    } else {
        format!("{v:.0e}")
    }
}

/// Solve time against n on log–log axes, one line per family through the
/// converged runs; runs that stopped without converging are crosses.
pub fn time_vs_n(path: &Path, families: &[String], runs: &[&Run]) -> Result<(), String> {
    let (x_lo, x_hi) = decades(runs.iter().map(|r| r.n as f64));
    let (y_lo, y_hi) = decades(runs.iter().map(|r| r.solve_seconds));
    let root = SVGBackend::new(path, (800, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .caption("lagrange: solve time vs n", ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("n")
        .y_desc("solve time (s)")
        .x_label_formatter(&exponent_label)
        .y_label_formatter(&exponent_label)
        .draw()
        .map_err(|e| e.to_string())?;
    let mut any_stopped = false;
    for (i, family) in families.iter().enumerate() {
        let point = |r: &&Run| (r.n as f64, r.solve_seconds);
        let mine = || {
            runs.iter()
                .filter(move |r| &r.family == family && r.solve_seconds > 0.0)
        };
        let c = color(i);
        // Runs that stopped without converging: a cross at the time they stopped.
        let stopped: Vec<(f64, f64)> = mine().filter(|r| !r.converged).map(point).collect();
        if !stopped.is_empty() {
            any_stopped = true;
            chart
                .draw_series(
                    stopped
                        .into_iter()
                        .map(|p| Cross::new(p, 6, c.stroke_width(2))),
                )
                .map_err(|e| e.to_string())?;
        }
        let points: Vec<(f64, f64)> = mine().filter(|r| r.converged).map(point).collect();
        if points.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(points.clone(), c.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(family.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(2)));
        chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, 4, c.filled())))
            .map_err(|e| e.to_string())?;
    }
    if any_stopped {
        // A legend entry for the crosses (an empty series carries the label).
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(|e| e.to_string())?
            .label("× not converged (time when stopped)")
            .legend(|(x, y)| Cross::new((x + 12, y), 5, BLACK.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// ‖∇L‖∞ (solid) and ‖g‖∞ (dashed) per iteration on a log axis, for each
/// family at size `n`.
pub fn kkt_history(
    path: &Path,
    families: &[String],
    runs: &[&Run],
    n: usize,
) -> Result<(), String> {
    let selected: Vec<(usize, &Run)> = families
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            runs.iter()
                .find(|r| &r.family == f && r.n == n)
                .map(|r| (i, *r))
        })
        .collect();
    let last = selected
        .iter()
        .map(|(_, r)| r.history.len().saturating_sub(1))
        .max()
        .unwrap_or(1)
        .max(1);
    let (y_lo, y_hi) = decades(selected.iter().flat_map(|(_, r)| {
        r.history
            .iter()
            .flat_map(|h| [h.0.max(FLOOR), h.1.max(FLOOR)])
    }));
    let root = SVGBackend::new(path, (800, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("lagrange: KKT residual per Newton iteration (n = {n})"),
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(0f64..last as f64, (y_lo..y_hi).log_scale())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("iteration")
        .y_desc("residual (‖∇L‖∞ solid, ‖g‖∞ dashed)")
        .x_labels(last.min(20) + 1)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&exponent_label)
        .draw()
        .map_err(|e| e.to_string())?;
    let point = |k: usize, v: f64| (k as f64, if v > FLOOR { v } else { FLOOR });
    for (i, run) in selected {
        let c = color(i);
        let stationarity: Vec<(f64, f64)> = run
            .history
            .iter()
            .enumerate()
            .map(|(k, h)| point(k, h.0))
            .collect();
        let violation: Vec<(f64, f64)> = run
            .history
            .iter()
            .enumerate()
            .map(|(k, h)| point(k, h.1))
            .collect();
        chart
            .draw_series(LineSeries::new(stationarity.clone(), c.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(format!("{} ‖∇L‖∞", run.family))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(2)));
        chart
            .draw_series(
                stationarity
                    .into_iter()
                    .map(|p| Circle::new(p, 3, c.filled())),
            )
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(DashedLineSeries::new(
                violation.clone(),
                6,
                4,
                c.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("{} ‖g‖∞", run.family))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], c.stroke_width(2)));
        chart
            .draw_series(
                violation
                    .into_iter()
                    .map(|p| Cross::new(p, 3, c.stroke_width(1))),
            )
            .map_err(|e| e.to_string())?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
