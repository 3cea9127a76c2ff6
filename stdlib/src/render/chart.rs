//! Charts as SVG, drawn with plotters' SVG backend.
//!
//! plotters is built without its `ttf` feature, so it never looks for system fonts: text is
//! emitted as SVG `<text>` in a generic `sans-serif` family and laid out with plotters' built-in
//! size estimate. Coordinates are whole pixels, so the same chart gives the same bytes on
//! every machine (notebooks are compared byte for byte).

use plotters::prelude::*;

use super::{Chart, Series};

/// Width and height of a rendered chart, in pixels.
pub const SIZE: (u32, u32) = (720, 360);

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// The points a series is drawn through: steps hold each value until the next x.
fn drawn_points(s: &Series) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = s.points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    if !s.step {
        return pts;
    }
    let mut out = Vec::with_capacity(pts.len() * 2);
    for (i, &(x, y)) in pts.iter().enumerate() {
        if i > 0 {
            out.push((x, pts[i - 1].1));
        }
        out.push((x, y));
    }
    out
}

/// A range padded so a flat or empty series still gets a visible axis.
/// `headroom`: the share of the span added above the highest value (room for the legend in
/// the upper right corner, so it does not cover the data).
fn range(values: impl Iterator<Item = f64>, zero_based: bool, headroom: f64) -> std::ops::Range<f64> {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() || !hi.is_finite() {
        return 0.0..1.0;
    }
    if zero_based && lo > 0.0 {
        lo = 0.0;
    }
    if (hi - lo).abs() < f64::EPSILON {
        hi = lo + 1.0;
    } else if zero_based {
        hi += (hi - lo) * headroom;
    }
    lo..hi
}

/// Axis tick labels: integers without a fraction, others with up to 3 significant decimals.
fn tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

impl Chart {
    /// The chart as a standalone SVG document.
    pub fn to_svg(&self) -> Result<String, String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            draw(self, &root).map_err(|e| format!("chart: {e}"))?;
            root.present().map_err(|e| format!("chart: {e}"))?;
        }
        Ok(svg)
    }

    /// Number of points over all series.
    pub fn point_count(&self) -> usize {
        self.series.iter().map(|s| s.points.len()).sum()
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(c: &Chart, root: &Area<'_>) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let left: Vec<(usize, Vec<(f64, f64)>)> =
        c.series.iter().enumerate().filter(|(_, s)| !s.right_axis).map(|(i, s)| (i, drawn_points(s))).collect();
    let right: Vec<(usize, Vec<(f64, f64)>)> =
        c.series.iter().enumerate().filter(|(_, s)| s.right_axis).map(|(i, s)| (i, drawn_points(s))).collect();
    let all = || left.iter().chain(right.iter()).flat_map(|(_, p)| p.iter());
    // 5 % above the highest value, plus a legend line's worth (about 7 % of the plot) per
    // named series.
    let headroom = 0.05 + 0.07 * c.series.iter().filter(|s| !s.name.is_empty()).count() as f64;
    let xr = range(all().map(|p| p.0), false, 0.0);
    let yr = range(left.iter().flat_map(|(_, p)| p.iter().map(|p| p.1)), true, headroom);
    let y2r = range(right.iter().flat_map(|(_, p)| p.iter().map(|p| p.1)), true, headroom);

    let mut builder = ChartBuilder::on(root);
    builder.margin(12).x_label_area_size(40).y_label_area_size(60);
    if !right.is_empty() {
        builder.right_y_label_area_size(60);
    }
    if !c.title.is_empty() {
        builder.caption(&c.title, ("sans-serif", 18));
    }
    let mut chart = builder.build_cartesian_2d(xr.clone(), yr)?.set_secondary_coord(xr, y2r);
    chart
        .configure_mesh()
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .light_line_style(RGBColor(238, 238, 238))
        .draw()?;
    if !right.is_empty() {
        chart
            .configure_secondary_axes()
            .y_desc(c.y2_label.as_deref().unwrap_or(""))
            .y_label_formatter(&tick)
            .draw()?;
    }
    for (i, pts) in &left {
        let color = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))?
            .label(c.series[*i].name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    for (i, pts) in &right {
        let color = PALETTE[i % PALETTE.len()];
        chart
            .draw_secondary_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))?
            .label(c.series[*i].name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    if c.series.iter().any(|s| !s.name.is_empty()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(RGBColor(200, 200, 200))
            .draw()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(step: bool, right: bool) -> Chart {
        Chart {
            title: "Burst credits".into(),
            x_label: "minutes".into(),
            y_label: "IOPS".into(),
            y2_label: right.then(|| "credits".into()),
            series: vec![
                Series { name: "iops".into(), points: vec![(0.0, 3000.0), (10.0, 3000.0), (20.0, 100.0)], step, right_axis: false },
                Series { name: "balance".into(), points: vec![(0.0, 5.4e6), (20.0, 0.0)], step: false, right_axis: right },
            ],
        }
    }

    #[test]
    fn svg_is_a_document_with_title_labels_and_legend() {
        let svg = chart(false, true).to_svg().unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.trim_end().ends_with("</svg>"));
        for text in ["Burst credits", "minutes", "IOPS", "credits", "iops", "balance"] {
            assert!(svg.contains(&format!(">{text}<")) || svg.contains(&format!(">\n{text}\n<")), "missing {text}");
        }
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(chart(true, true).to_svg().unwrap(), chart(true, true).to_svg().unwrap());
    }

    #[test]
    fn step_series_hold_values_until_the_next_point() {
        let s = Series { name: String::new(), points: vec![(0.0, 1.0), (5.0, 2.0), (9.0, 0.0)], step: true, right_axis: false };
        assert_eq!(drawn_points(&s), vec![(0.0, 1.0), (5.0, 1.0), (5.0, 2.0), (9.0, 2.0), (9.0, 0.0)]);
    }

    #[test]
    fn empty_and_non_finite_series_still_render() {
        let c = Chart {
            series: vec![Series { name: "x".into(), points: vec![(f64::NAN, 1.0), (1.0, f64::INFINITY)], ..Default::default() }],
            ..Default::default()
        };
        assert!(c.to_svg().unwrap().starts_with("<svg"));
        assert!(Chart::default().to_svg().unwrap().starts_with("<svg"));
    }

    #[test]
    fn tick_labels() {
        assert_eq!(tick(&3000.0), "3000");
        assert_eq!(tick(&0.25), "0.25");
        assert_eq!(tick(&(1.0 / 3.0)), "0.333");
        assert_eq!(range([5.0, 5.0].into_iter(), false, 0.05), 5.0..6.0);
        assert_eq!(range([2.0, 12.0].into_iter(), true, 0.05), 0.0..12.6);
        assert_eq!(range([0.0, 10.0].into_iter(), true, 0.19), 0.0..11.9, "room for a two-line legend");
    }
}
