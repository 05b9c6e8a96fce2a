//! Charts as small inline SVG written here: a sparkline for a table cell and a
//! line chart with a target line. No JavaScript; colours come from the page's
//! CSS through classes (`chart-line`, `chart-target`, …), so dark mode and print
//! restyle them; every chart is `role="img"` with a `<title>` and a `<desc>`
//! that say the numbers, and templates put the numbers in a table beside it.
//!
//! Why not a chart crate: plotters' SVG backend wrote 18 KB for a four-point
//! line chart with its default grid, every colour an attribute (`#000000`),
//! text without roles or titles; this writes about 1.5 KB that the theme
//! colours. This module only draws; what to chart is the views' business.

use std::fmt::Write;

use crate::markdown::escape;

/// One line chart: a series over time and an optional target.
#[derive(Clone, Copy, Debug)]
pub struct LineChart<'a> {
    /// Unique on the page: the ids of the title and description start with it.
    pub id: &'a str,
    pub title: &'a str,
    /// `(when, value)`, oldest first.
    pub points: &'a [(&'a str, f64)],
    pub target: Option<f64>,
    /// What the target line is called (`target`, `alert line`).
    pub target_label: &'a str,
    /// Appended to values in the text (`%`, `min`).
    pub unit: &'a str,
}

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 200.0;
/// Room for the value labels at the left and the dates below.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A value as people write it: no trailing zeros, at most three decimals.
pub fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

fn with_unit(value: f64, unit: &str) -> String {
    match unit {
        "" => number(value),
        "%" => format!("{}%", number(value)),
        unit => format!("{} {unit}", number(value)),
    }
}

/// The bounds of the value axis: every value and the target, with a margin,
/// never empty.
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.1
    } else {
        lo.abs().max(1.0) * 0.1
    };
    (lo - pad, hi + pad)
}

/// `value` placed between `top` and `bottom` for bounds `lo..hi`.
fn scale(value: f64, (lo, hi): (f64, f64), top: f64, bottom: f64) -> f64 {
    bottom - (value - lo) / (hi - lo) * (bottom - top)
}

/// Coordinates to one decimal: enough for a screen, short in the page.
fn at(v: f64) -> String {
    number((v * 10.0).round() / 10.0)
}

/// A tiny line of `values` (oldest first) for a table cell, with the target as
/// a dashed line; `label` says what it shows to a screen reader.
pub fn sparkline(values: &[f64], target: Option<f64>, label: &str) -> String {
    let (w, h) = (80.0, 22.0);
    let range = bounds(values.iter().copied().chain(target));
    let step = if values.len() > 1 {
        (w - 4.0) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let mut out = format!(
        "<svg class=\"chart spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
    if let Some(t) = target {
        let y = at(scale(t, range, 2.0, h - 2.0));
        let _ = write!(
            out,
            "<line class=\"chart-target\" x1=\"0\" x2=\"{w}\" y1=\"{y}\" y2=\"{y}\"/>"
        );
    }
    let points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (2.0 + i as f64 * step, scale(*v, range, 2.0, h - 2.0)))
        .collect();
    polyline(&mut out, &points);
    if let Some((x, y)) = points.last() {
        let _ = write!(
            out,
            "<circle class=\"chart-point\" cx=\"{}\" cy=\"{}\" r=\"2\"/>",
            at(*x),
            at(*y)
        );
    }
    out.push_str("</svg>");
    out
}

fn polyline(out: &mut String, points: &[(f64, f64)]) {
    if points.len() < 2 {
        return;
    }
    out.push_str("<polyline class=\"chart-line\" points=\"");
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{},{}", at(*x), at(*y));
    }
    out.push_str("\"/>");
}

/// A line chart with value labels, dates below, the target dashed and
/// labelled, and a description listing every value.
pub fn line(chart: &LineChart<'_>) -> String {
    let LineChart {
        id,
        title,
        points,
        target,
        target_label,
        unit,
    } = *chart;
    let range = bounds(points.iter().map(|p| p.1).chain(target));
    let (left, right, top, bottom) = (LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM);
    let step = if points.len() > 1 {
        (right - left) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let x = if points.len() > 1 {
                left + i as f64 * step
            } else {
                (left + right) / 2.0
            };
            (x, scale(*v, range, top, bottom))
        })
        .collect();
    let values: Vec<String> = points
        .iter()
        .map(|(when, v)| format!("{when}: {}", with_unit(*v, unit)))
        .collect();
    let mut desc = values.join(", ");
    if let Some(t) = target {
        let _ = write!(desc, "; {target_label} {}", with_unit(t, unit));
    }
    let mut out = format!(
        "<svg class=\"chart line-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(&desc)
    );
    // Three value labels with their grid lines: bottom, middle, top.
    for k in 0..3 {
        let value = range.0 + (range.1 - range.0) * f64::from(k) / 2.0;
        let y = at(scale(value, range, top, bottom));
        let _ = write!(
            out,
            "<line class=\"chart-grid\" x1=\"{left}\" x2=\"{right}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text class=\"chart-label\" x=\"{}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>",
            left - 6.0,
            escape(&number((value * 100.0).round() / 100.0))
        );
    }
    // Dates: every one when they fit, else about eight, always the last.
    let every = points.len().div_ceil(8).max(1);
    for (i, ((when, _), (x, _))) in points.iter().zip(&xy).enumerate() {
        if i % every == 0 || i + 1 == points.len() {
            let _ = write!(
                out,
                "<text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                at(*x),
                HEIGHT - 8.0,
                escape(when)
            );
        }
    }
    if let Some(t) = target {
        let y = at(scale(t, range, top, bottom));
        let _ = write!(
            out,
            "<line class=\"chart-target\" x1=\"{left}\" x2=\"{right}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text class=\"chart-label chart-target-label\" x=\"{right}\" y=\"{y}\" dy=\"-4\" text-anchor=\"end\">{} {}</text>",
            escape(target_label),
            escape(&with_unit(t, unit))
        );
    }
    polyline(&mut out, &xy);
    for (x, y) in &xy {
        let _ = write!(
            out,
            "<circle class=\"chart-point\" cx=\"{}\" cy=\"{}\" r=\"3\"/>",
            at(*x),
            at(*y)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_people_write_them() {
        for (value, text) in [
            (99.84, "99.84"),
            (5.0, "5"),
            (0.1 + 0.2, "0.3"),
            (-0.0001, "0"),
            (1234.5678, "1234.568"),
        ] {
            assert_eq!(number(value), text);
        }
    }

    #[test]
    fn a_line_chart_says_its_numbers_and_escapes_what_it_is_given() {
        let points = [("2026-Q1", 99.71), ("2026-Q2", 99.8), ("<b>", 99.84)];
        let svg = line(&LineChart {
            id: "kpi-1",
            title: "Uptime & <more>",
            points: &points,
            target: Some(99.9),
            target_label: "target",
            unit: "%",
        });
        assert!(svg.starts_with("<svg class=\"chart line-chart\" viewBox=\"0 0 560 200\" role=\"img\" aria-labelledby=\"kpi-1-title kpi-1-desc\">"));
        assert!(svg.contains("<title id=\"kpi-1-title\">Uptime &amp; &lt;more&gt;</title>"));
        assert!(svg.contains(
            "<desc id=\"kpi-1-desc\">2026-Q1: 99.71%, 2026-Q2: 99.8%, &lt;b&gt;: 99.84%; target 99.9%</desc>"
        ));
        assert!(svg.contains(">target 99.9%</text>"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(
            !svg.contains("fill=\"#") && !svg.contains("stroke=\"#"),
            "colours come from CSS"
        );
        assert!(svg.len() < 2_000, "{} bytes", svg.len());
    }

    #[test]
    fn the_target_and_every_point_stay_inside_the_plot() {
        let points = [("a", 3.0), ("b", 3.0)];
        let svg = line(&LineChart {
            id: "c",
            title: "t",
            points: &points,
            target: Some(100.0),
            target_label: "target",
            unit: "",
        });
        for cy in svg.split("cy=\"").skip(1) {
            let y: f64 = cy
                .split('"')
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1.0);
            assert!((TOP..=HEIGHT - BOTTOM).contains(&y), "{y} in {svg}");
        }
        // One point, no target, all values equal: still a chart, no NaN.
        let svg = line(&LineChart {
            id: "d",
            title: "t",
            points: &[("a", 0.0)],
            target: None,
            target_label: "target",
            unit: "",
        });
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let spark = sparkline(&[2.0, 2.0, 2.0], None, "flat");
        assert!(!spark.contains("NaN"), "{spark}");
    }
}
