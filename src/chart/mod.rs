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

    // Consecutive periods are joined by the solid line; across a missing year it
    // turns to a thin dotted one, so that a gap in the data does not look measured.
    for run in runs(&actual) {
        match run {
            Run::Measured(points) => {
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|p| at(p)),
                        SERIES.stroke_width(2),
                    ))
                    .ok();
            }
            Run::Missing(a, b) => {
                chart
                    .draw_series(DashedLineSeries::new(
                        [at(a), at(b)],
                        2,
                        4,
                        SERIES.mix(0.7).stroke_width(1),
                    ))
                    .ok();
            }
        }
    }
    // A target continues, dashed, from the latest value before it: the last actual
    // one, or the target before it, so that several targets make one path rather than
    // a fan from the last actual value.
    for (from, to) in target_paths(&actual, &targets) {
        chart
            .draw_series(DashedLineSeries::new(
                [at(from), at(to)],
                6,
                4,
                SERIES.stroke_width(2),
            ))
            .ok();
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
    let labels: Vec<(String, (i32, i32))> = actual
        .iter()
        .chain(targets.iter())
        .map(|p| {
            let mut label = String::new();
            if let Some(b) = p.bound {
                label.push_str(b.symbol());
            }
            label.push_str(&number(p.value));
            if p.status == Status::Target {
                label.push_str(" 目标");
            }
            (label, chart.backend_coord(&at(p)))
        })
        .collect();
    let widths: Vec<f64> = labels
        .iter()
        .map(|(l, _)| text_width(l, LABEL_PX))
        .collect();
    let anchors: Vec<(f64, f64)> = labels
        .iter()
        .map(|(_, (x, y))| (f64::from(*x), f64::from(*y)))
        .collect();
    for ((label, (px, py)), place) in labels.into_iter().zip(place_labels(&anchors, &widths)) {
        let (y, v) = match place {
            Some(Side::Above) => (py - 9, VPos::Bottom),
            Some(Side::Below) => (py + 9, VPos::Top),
            // Every value is in the table below the chart and its text alternative.
            None => continue,
        };
        root.draw(&Text::new(
            label,
            (px, y),
            value_font.clone().pos(Pos::new(HPos::Center, v)),
        ))
        .ok();
    }
}

/// A stretch of the actual series: points of consecutive periods, or two points with
/// a missing period between them.
enum Run<'p> {
    Measured(Vec<&'p Point>),
    Missing(&'p Point, &'p Point),
}

/// Whether `b` follows `a` with no period missing between them: at most a year apart
/// (2022 and 2023, 2022 and 2023年上半年).
fn adjacent(a: &Point, b: &Point) -> bool {
    b.period.axis_position() - a.period.axis_position() <= 1.0 + 1e-9
}

/// The actual series (in period order) cut where a period is missing.
fn runs<'p>(actual: &[&'p Point]) -> Vec<Run<'p>> {
    let mut out = Vec::new();
    let mut current: Vec<&'p Point> = Vec::new();
    for &p in actual {
        if let Some(&last) = current.last() {
            if !adjacent(last, p) {
                out.push(Run::Measured(std::mem::take(&mut current)));
                out.push(Run::Missing(last, p));
            }
        }
        current.push(p);
    }
    out.push(Run::Measured(current));
    out.retain(|r| !matches!(r, Run::Measured(v) if v.len() < 2));
    out
}

/// The dashed segments that reach each target: from the latest point before it, an
/// actual value or an earlier target. Targets with no earlier point stand alone.
fn target_paths<'p>(actual: &[&'p Point], targets: &[&'p Point]) -> Vec<(&'p Point, &'p Point)> {
    targets
        .iter()
        .filter_map(|&t| {
            actual
                .iter()
                .chain(targets.iter())
                .filter(|p| p.period < t.period)
                .max_by(|a, b| {
                    a.period
                        .cmp(&b.period)
                        // An actual value before a target of the same period.
                        .then(b.status.cmp(&a.status))
                })
                .map(|&from| (from, t))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Above,
    Below,
}

/// Where each value label goes: above its point, or below it when that would overlap
/// a label already placed, or nowhere when both would (labels are placed in order,
/// the actual values first). `anchors` are the points in drawing units, `widths` the
/// labels' widths.
fn place_labels(anchors: &[(f64, f64)], widths: &[f64]) -> Vec<Option<Side>> {
    let h = LABEL_PX * 1.2;
    let mut placed: Vec<(f64, f64, f64, f64)> = Vec::new();
    let overlaps = |r: (f64, f64, f64, f64), placed: &[(f64, f64, f64, f64)]| {
        placed
            .iter()
            .any(|q| r.0 < q.2 + 2.0 && q.0 < r.2 + 2.0 && r.1 < q.3 && q.1 < r.3)
    };
    anchors
        .iter()
        .zip(widths)
        .map(|(&(x, y), &w)| {
            let above = (x - w / 2.0, y - 9.0 - h, x + w / 2.0, y - 9.0);
            let below = (x - w / 2.0, y + 9.0, x + w / 2.0, y + 9.0 + h);
            if !overlaps(above, &placed) {
                placed.push(above);
                Some(Side::Above)
            } else if !overlaps(below, &placed) {
                placed.push(below);
                Some(Side::Below)
            } else {
                None
            }
        })
        .collect()
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

    fn point(period: Period, value: f64, status: Status) -> Point {
        Point {
            period,
            value,
            status,
            bound: None,
        }
    }

    #[test]
    fn a_missing_year_breaks_the_solid_line() {
        let p: Vec<Point> = [2015, 2016, 2017, 2020, 2021]
            .into_iter()
            .map(|y| point(Period::Year(y), 1.0, Status::Actual))
            .chain([point(Period::Half(2022, 1), 1.0, Status::Actual)])
            .collect();
        let refs: Vec<&Point> = p.iter().collect();
        let shape: Vec<String> = runs(&refs)
            .iter()
            .map(|r| match r {
                Run::Measured(v) => format!("{}", v.len()),
                Run::Missing(a, b) => format!("{}…{}", a.period, b.period),
            })
            .collect();
        // 2018 and 2019 are missing; 2022年上半年 follows 2021.
        assert_eq!(shape, ["3", "2017…2020", "3"]);
        // Consecutive years only: one line, no gap.
        let whole: Vec<&Point> = p[..3].iter().collect();
        assert!(matches!(&runs(&whole)[..], [Run::Measured(v)] if v.len() == 3));
    }

    #[test]
    fn several_targets_make_one_path_not_a_fan() {
        let a = point(Period::Year(2023), 10.0, Status::Actual);
        let t: Vec<Point> = [2024, 2025, 2027]
            .into_iter()
            .map(|y| point(Period::Year(y), 12.0, Status::Target))
            .collect();
        let targets: Vec<&Point> = t.iter().collect();
        let paths: Vec<(String, String)> = target_paths(&[&a], &targets)
            .into_iter()
            .map(|(f, t)| (f.period.to_string(), t.period.to_string()))
            .collect();
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            paths,
            pairs(&[("2023", "2024"), ("2024", "2025"), ("2025", "2027")])
        );
        // A target of the year of an actual value starts from that value.
        let same = point(Period::Year(2023), 11.0, Status::Target);
        let paths = target_paths(&[&a], &[&same, &t[0]]);
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0].0.status, Status::Actual);
        assert_eq!(paths[0].1.period, Period::Year(2024));
    }

    #[test]
    fn a_label_that_would_cover_another_goes_below_or_is_left_out() {
        // Three points at one place: above, below, then nowhere.
        let same = [(100.0, 100.0); 3];
        assert_eq!(
            place_labels(&same, &[40.0; 3]),
            [Some(Side::Above), Some(Side::Below), None]
        );
        // Points far apart keep their labels above.
        let apart = [(50.0, 100.0), (200.0, 100.0)];
        assert_eq!(
            place_labels(&apart, &[40.0; 2]),
            [Some(Side::Above), Some(Side::Above)]
        );
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
