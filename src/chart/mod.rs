//! Charts as SVG, drawn by plotters at build time, so reading them needs no JavaScript.
//!
//! Three rules shape this module:
//! - Same output on every machine. plotters is built without its `ttf` feature, so it
//!   never measures text with the machine's fonts (its estimate counts UTF-8 bytes, so a
//!   Han character counts as ~2 em). Every label is therefore anchored with
//!   `text-anchor` and laid out with our own width rule ([`text_width`]).
//! - Readable in dark mode and print. Ink is drawn in a sentinel colour that is replaced
//!   by `currentColor`, so the chart takes the text colour of the page around it.
//! - Accessible. Each SVG carries `role="img"`, `<title>` and `<desc>`; the page puts a
//!   table with the same numbers beside it.

mod svg;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use svg::Svg;

use crate::content::{Bound, Period, Status};
use crate::format::number;

/// The drawing's width in SVG units. Pages show it between 0.84× (on a 360 px phone)
/// and 1.2× (`max-width` in site.css); the longest title (25 CJK characters at
/// [`TITLE_PX`]) still fits.
pub const WIDTH: u32 = 400;
const FONT: &str = "sans-serif";
/// Font sizes in SVG units: no text is below 14 px at natural size (the page's minimum).
const TITLE_PX: f64 = 15.0;
const SUBTITLE_PX: f64 = 14.0;
/// Axis, period and value labels.
const LABEL_PX: f64 = 14.0;
/// Place names of the ranking chart.
const NAME_PX: f64 = 14.0;
/// Written as `currentColor` by the backend; no real chart uses this exact colour.
const INK: RGBColor = RGBColor(1, 2, 3);
/// Text of `px` pixels in the SVG (see [`svg::FONT_SCALE`]).
fn font(px: f64) -> FontDesc<'static> {
    (FONT, px * svg::FONT_SCALE).into_font()
}

/// The data colour: a mid blue with ≥3:1 contrast on both the light and dark page.
const SERIES: RGBColor = RGBColor(0x2f, 0x6f, 0xd6);

/// One plotted value.
#[derive(Debug, Clone)]
pub struct Point {
    pub period: Period,
    pub value: f64,
    pub status: Status,
    pub bound: Option<Bound>,
}

/// Width of `s` in pixels at `size` px: CJK and other wide characters count 1 em,
/// everything else 0.6 em. A stable rule, not a measurement.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.len_utf8() >= 3 { 1.0 } else { 0.6 })
        .sum::<f64>()
        * size
}

/// A time series of one indicator for one place: actual values as a solid line with
/// filled, labelled points; targets as hollow points joined by a dashed line.
pub fn series_chart(id: &str, title: &str, subtitle: &str, desc: &str, points: &[Point]) -> String {
    let height = 300;
    let mut svg = String::new();
    {
        let root = Svg::new(&mut svg, (WIDTH, height), (INK.0, INK.1, INK.2)).into_drawing_area();
        draw_series(&root, title, subtitle, points);
        root.present().ok();
    }
    finish(&svg, (WIDTH, height), id, title, desc)
}

fn draw_series(root: &DrawingArea<Svg<'_>, Shift>, title: &str, subtitle: &str, points: &[Point]) {
    draw_titles(root, title, subtitle);
    if points.is_empty() {
        return;
    }
    let (mut lo, mut hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.value), hi.max(p.value))
        });
    lo = lo.min(0.0);
    hi = hi.max(0.0);
    if hi - lo <= f64::EPSILON {
        hi = lo + 1.0;
    }
    // Headroom for the value labels above the highest point.
    let span = hi - lo;
    let (y0, y1) = (
        if lo < 0.0 { lo - span * 0.08 } else { 0.0 },
        hi + span * 0.15,
    );

    let xs: Vec<f64> = points.iter().map(|p| p.period.axis_position()).collect();
    let xmin = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let xmax = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((xmax - xmin) * 0.06).max(0.5);
    let (x0, x1) = (xmin - pad, xmax + pad);

    let ytick_width = [y0, y1]
        .iter()
        .map(|v| text_width(&number(*v), LABEL_PX))
        .fold(0.0, f64::max);
    let label_font = font(LABEL_PX).color(&INK);
    let mut chart = ChartBuilder::on(root)
        .margin_top(62)
        .margin_right(28)
        .margin_left(8)
        .margin_bottom(8)
        .x_label_area_size(28)
        .y_label_area_size((ytick_width + 14.0) as u32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .expect("chart ranges are finite and non-empty");
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&|v| number(tick(*v)))
        .y_label_style(label_font.clone())
        .axis_style(INK.mix(0.6))
        .bold_line_style(INK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .draw()
        .ok();

    // Period labels under their points, skipping some when they would collide.
    let mut periods: Vec<Period> = points.iter().map(|p| p.period).collect();
    periods.sort();
    periods.dedup();
    let mut last_right = f64::NEG_INFINITY;
    let axis_y = chart.backend_coord(&(x0, y0)).1;
    for p in &periods {
        let label = p.label_short();
        let (px, _) = chart.backend_coord(&(p.axis_position(), y0));
        let w = text_width(&label, LABEL_PX);
        if f64::from(px) - w / 2.0 < last_right + 6.0 {
            continue;
        }
        last_right = f64::from(px) + w / 2.0;
        root.draw(&Text::new(
            label,
            (px, axis_y + 8),
            label_font.clone().pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .ok();
    }

    let mut actual: Vec<&Point> = points
        .iter()
        .filter(|p| p.status == Status::Actual)
        .collect();
    actual.sort_by_key(|p| p.period);
    let mut targets: Vec<&Point> = points
        .iter()
        .filter(|p| p.status == Status::Target)
        .collect();
    targets.sort_by_key(|p| p.period);
    let at = |p: &Point| (p.period.axis_position(), p.value);

    chart
        .draw_series(LineSeries::new(
            actual.iter().map(|p| at(p)),
            SERIES.stroke_width(2),
        ))
        .ok();
    // A target continues the line from the latest actual value before it, dashed.
    for t in &targets {
        let from = actual.iter().rev().find(|a| a.period < t.period);
        if let Some(a) = from {
            chart
                .draw_series(DashedLineSeries::new(
                    [at(a), at(t)],
                    6,
                    4,
                    SERIES.stroke_width(2),
                ))
                .ok();
        }
    }
    chart
        .draw_series(
            actual
                .iter()
                .map(|p| Circle::new(at(p), 4, SERIES.filled())),
        )
        .ok();
    chart
        .draw_series(
            targets
                .iter()
                .map(|p| Circle::new(at(p), 5, SERIES.stroke_width(2))),
        )
        .ok();

    let value_font = font(LABEL_PX).color(&INK);
    for p in actual.iter().chain(targets.iter()) {
        let (px, py) = chart.backend_coord(&at(p));
        let mut label = String::new();
        if let Some(b) = p.bound {
            label.push_str(b.symbol());
        }
        label.push_str(&number(p.value));
        if p.status == Status::Target {
            label.push_str(" 目标");
        }
        root.draw(&Text::new(
            label,
            (px, py - 9),
            value_font.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .ok();
    }
}

fn draw_titles(root: &DrawingArea<Svg<'_>, Shift>, title: &str, subtitle: &str) {
    root.draw(&Text::new(
        title.to_string(),
        (12, 12),
        font(TITLE_PX)
            .style(FontStyle::Bold)
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .ok();
    root.draw(&Text::new(
        subtitle.to_string(),
        (12, 36),
        font(SUBTITLE_PX)
            .color(&INK.mix(0.75))
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .ok();
}

/// One bar per place, largest first: how places compare on their latest value.
pub fn ranking_chart(
    id: &str,
    title: &str,
    subtitle: &str,
    desc: &str,
    rows: &[(String, f64)],
) -> String {
    let bar = 22;
    let gap = 8;
    let top = 64;
    let height = top + (rows.len().max(1) as u32) * (bar + gap) + 16;
    let mut svg = String::new();
    {
        let root = Svg::new(&mut svg, (WIDTH, height), (INK.0, INK.1, INK.2)).into_drawing_area();
        draw_titles(&root, title, subtitle);
        let name_w = rows
            .iter()
            .map(|(n, _)| text_width(n, NAME_PX))
            .fold(0.0, f64::max)
            .min(200.0) as i32
            + 20;
        let value_w = rows
            .iter()
            .map(|(_, v)| text_width(&number(*v), LABEL_PX))
            .fold(0.0, f64::max) as i32
            + 12;
        let lo = rows.iter().map(|r| r.1).fold(0.0, f64::min);
        let hi = rows.iter().map(|r| r.1).fold(0.0, f64::max);
        let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
        let plot_w = f64::from(WIDTH as i32 - name_w - value_w - 12);
        let x_of = |v: f64| name_w + ((v - lo) / span * plot_w).round() as i32;
        let zero = x_of(0.0);
        for (i, (name, value)) in rows.iter().enumerate() {
            let y = (top + i as u32 * (bar + gap)) as i32;
            let x = x_of(*value);
            let (l, r) = if x >= zero {
                (zero, x.max(zero + 1))
            } else {
                (x, zero)
            };
            root.draw(&Rectangle::new(
                [(l, y), (r, y + bar as i32)],
                SERIES.filled(),
            ))
            .ok();
            root.draw(&Text::new(
                name.clone(),
                (name_w - 8, y + bar as i32 / 2),
                font(NAME_PX)
                    .color(&INK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .ok();
            let (vx, anchor) = if x >= zero {
                (r + 6, HPos::Left)
            } else {
                (l - 6, HPos::Right)
            };
            root.draw(&Text::new(
                number(*value),
                (vx, y + bar as i32 / 2),
                font(LABEL_PX)
                    .color(&INK)
                    .pos(Pos::new(anchor, VPos::Center)),
            ))
            .ok();
        }
        root.draw(&PathElement::new(
            vec![(zero, top as i32 - 4), (zero, height as i32 - 12)],
            INK.mix(0.6),
        ))
        .ok();
        root.present().ok();
    }
    finish(&svg, (WIDTH, height), id, title, desc)
}

/// A tick value without floating-point noise: plotters steps 0.05 at a time, and
/// 3 × 0.05 prints as 0.15000000000000002.
fn tick(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let magnitude = 10f64.powi(9 - v.abs().log10().ceil() as i32);
    (v * magnitude).round() / magnitude
}

/// Wraps a drawing's body in its root element: the text alternative (`role="img"`,
/// `<title>`, `<desc>`), the presentation defaults the body leaves out, and a size that
/// the page's CSS makes follow its container.
fn finish(body: &str, (w, h): (u32, u32), id: &str, title: &str, desc: &str) -> String {
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart-svg\" {}>\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        svg::ROOT_DEFAULTS,
        xml_escape(title),
        xml_escape(desc)
    ));
    out.push_str(body);
    out.push_str("</svg>\n");
    out
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts() -> Vec<Point> {
        [(2008, 87.0), (2015, 157.0), (2016, 228.0), (2021, 681.0)]
            .into_iter()
            .map(|(y, v)| Point {
                period: Period::Year(y),
                value: v,
                status: Status::Actual,
                bound: None,
            })
            .chain(std::iter::once(Point {
                period: Period::Year(2023),
                value: 900.0,
                status: Status::Target,
                bound: Some(Bound::Above),
            }))
            .collect()
    }

    #[test]
    fn series_chart_is_accessible_and_labelled() {
        let svg = series_chart("c1", "兰州市 · 高新技术企业", "单位：家", "描述", &pts());
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 300\"")
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"c1-title\">兰州市 · 高新技术企业</title>"));
        for label in ["2008", "2021", "681", "&gt;900 目标", "单位：家"] {
            assert!(svg.contains(label), "missing {label}");
        }
        // Actual values are filled points, the target a hollow one reached by a dashed
        // line (plotters draws each dash as its own short polyline).
        assert_eq!(svg.matches("<circle").count(), 5);
        assert_eq!(
            svg.lines()
                .filter(|l| l.starts_with("<circle") && l.contains("fill=\"none\""))
                .count(),
            1
        );
        assert!(
            svg.matches("<polyline").count() > 5,
            "no dashed target line"
        );
        assert!(!svg.contains("#010203"), "sentinel ink left in the SVG");
        assert!(svg.ends_with("</svg>\n"));
        assert!(svg.contains("currentColor"));
    }

    #[test]
    fn charts_are_deterministic() {
        let a = series_chart("c", "t", "s", "d", &pts());
        let b = series_chart("c", "t", "s", "d", &pts());
        assert_eq!(a, b);
    }

    #[test]
    fn ranking_chart_names_every_place() {
        let rows = vec![
            ("福州市".to_string(), 3759.0),
            ("兰州市".to_string(), 681.0),
        ];
        let svg = ranking_chart("r", "高新技术企业", "最新值", "d", &rows);
        assert!(svg.contains("福州市") && svg.contains("3,759") && svg.contains("681"));
    }

    #[test]
    fn ticks_print_without_float_noise() {
        assert_eq!(number(tick(3.0 * 0.05)), "0.15");
        assert_eq!(number(tick(0.1 + 0.2)), "0.3");
        assert_eq!(number(tick(3759.0)), "3,759");
        assert_eq!(tick(0.0), 0.0);
    }

    #[test]
    fn cjk_text_counts_one_em() {
        assert_eq!(text_width("福州", 10.0), 20.0);
        assert_eq!(text_width("ab", 10.0), 12.0);
    }
}
