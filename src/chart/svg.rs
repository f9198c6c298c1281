//! A plotters drawing backend that writes compact SVG.
//!
//! plotters' own `SVGBackend` repeats every presentation attribute on every element
//! (`font-family`, `font-size`, `opacity="1"`, `stroke="none" stroke-width="1"`, …) and
//! wraps text in newlines: a 15-year series chart came to 7.5 KB. At 3,000 places that
//! is 330 MB of the pages, most of it attributes the root element can carry once. This
//! backend writes the drawing's body only; the root element (with the defaults the body
//! leaves out, see [`ROOT_DEFAULTS`]) is written by `chart::finish`, which also adds the
//! text alternative. The ink colour is written as `currentColor`, so the chart takes the
//! text colour of the page around it.

use std::fmt::Write as _;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};

/// Attributes of the root `<svg>` that text inherits, so no `<text>` repeats them:
/// the font, the label size and the ink colour. Shapes set their own fill.
pub const ROOT_DEFAULTS: &str = "font-family=\"sans-serif\" font-size=\"14\" fill=\"currentColor\"";
const DEFAULT_FAMILY: &str = "sans-serif";
const DEFAULT_SIZE: f64 = 14.0;

/// plotters divides font sizes by 1.24 when it writes SVG (and sizes its own layout
/// estimates on the undivided size); this backend keeps that rule so that layouts are
/// the ones plotters computes. `chart::font` multiplies by the same factor.
pub const FONT_SCALE: f64 = 1.24;

/// The body of a drawing, written into a `String`.
pub struct Svg<'a> {
    out: &'a mut String,
    size: (u32, u32),
    /// The colour drawn as `currentColor`.
    ink: (u8, u8, u8),
}

impl<'a> Svg<'a> {
    pub fn new(out: &'a mut String, size: (u32, u32), ink: (u8, u8, u8)) -> Self {
        Svg { out, size, ink }
    }

    fn paint(&mut self, attr: &str, color: BackendColor) {
        if color.rgb == self.ink {
            write!(self.out, " {attr}=\"currentColor\"").ok();
        } else {
            let (r, g, b) = color.rgb;
            write!(self.out, " {attr}=\"#{r:02X}{g:02X}{b:02X}\"").ok();
        }
    }

    fn opacity(&mut self, color: BackendColor) {
        if color.alpha < 1.0 {
            write!(self.out, " opacity=\"{}\"", color.alpha).ok();
        }
    }

    fn stroke(&mut self, color: BackendColor, width: u32) {
        self.paint("stroke", color);
        if width != 1 {
            write!(self.out, " stroke-width=\"{width}\"").ok();
        }
        self.opacity(color);
    }

    /// Ends a shape: filled, or outlined with nothing inside (the root's `fill` would
    /// fill it, even an open polyline).
    fn fill_or_stroke<S: BackendStyle>(&mut self, style: &S, fill: bool) {
        if fill {
            self.paint("fill", style.color());
            self.opacity(style.color());
        } else {
            self.out.push_str(" fill=\"none\"");
            self.stroke(style.color(), style.stroke_width());
        }
        self.out.push_str("/>\n");
    }

    fn points(&mut self, path: impl IntoIterator<Item = BackendCoord>) {
        self.out.push_str(" points=\"");
        for (i, (x, y)) in path.into_iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            write!(self.out, "{x},{y}").ok();
        }
        self.out.push('"');
    }
}

impl DrawingBackend for Svg<'_> {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if color.alpha == 0.0 {
            return Ok(());
        }
        write!(
            self.out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\""
        )
        .ok();
        self.paint("fill", color);
        self.opacity(color);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        write!(
            self.out,
            "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\""
        )
        .ok();
        self.stroke(style.color(), style.stroke_width());
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x0, y0): BackendCoord,
        (x1, y1): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (w, h) = (x1 - x0, y1 - y0);
        write!(
            self.out,
            "<rect x=\"{x0}\" y=\"{y0}\" width=\"{w}\" height=\"{h}\""
        )
        .ok();
        self.fill_or_stroke(style, fill);
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<polyline");
        self.points(path);
        self.fill_or_stroke(style, false);
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.out.push_str("<polygon");
        self.points(path);
        self.fill_or_stroke(style, true);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (cx, cy): BackendCoord,
        r: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        write!(self.out, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\"").ok();
        self.fill_or_stroke(style, fill);
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        write!(self.out, "<text x=\"{x}\" y=\"{y}\"").ok();
        // The same baseline shifts as plotters' SVGBackend.
        let dy = match style.anchor().v_pos {
            VPos::Top => "0.76em",
            VPos::Center => "0.5ex",
            VPos::Bottom => "-0.5ex",
        };
        write!(self.out, " dy=\"{dy}\"").ok();
        match style.anchor().h_pos {
            HPos::Left => {}
            HPos::Center => self.out.push_str(" text-anchor=\"middle\""),
            HPos::Right => self.out.push_str(" text-anchor=\"end\""),
        }
        let family = style.family();
        if family.as_str() != DEFAULT_FAMILY {
            self.out.push_str(" font-family=\"");
            escape(self.out, family.as_str());
            self.out.push('"');
        }
        // Two decimals are finer than any renderer draws, and hide the float noise of
        // the division (15 × 1.24 / 1.24 = 15.000000000000002).
        let size = (style.size() / FONT_SCALE * 100.0).round() / 100.0;
        if size != DEFAULT_SIZE {
            write!(self.out, " font-size=\"{size}\"").ok();
        }
        match style.style() {
            FontStyle::Normal => {}
            FontStyle::Bold => self.out.push_str(" font-weight=\"bold\""),
            other => write!(self.out, " font-style=\"{}\"", other.as_str()).unwrap_or(()),
        }
        if color.rgb != self.ink {
            self.paint("fill", color);
        }
        self.opacity(color);
        let degrees = match style.transform() {
            FontTransform::Rotate90 => Some(90),
            FontTransform::Rotate180 => Some(180),
            FontTransform::Rotate270 => Some(270),
            _ => None,
        };
        if let Some(d) = degrees {
            write!(self.out, " transform=\"rotate({d},{x},{y})\"").ok();
        }
        self.out.push('>');
        escape(self.out, text);
        self.out.push_str("</text>\n");
        Ok(())
    }
}

fn escape(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_html(&mut *out, s).ok();
}

#[cfg(test)]
mod tests {
    use super::{FONT_SCALE, Svg};
    use plotters::prelude::*;
    use plotters::style::text_anchor::{self, HPos, VPos};

    const INK: (u8, u8, u8) = (1, 2, 3);

    fn draw(f: impl FnOnce(&DrawingArea<Svg<'_>, plotters::coord::Shift>)) -> String {
        let mut out = String::new();
        {
            let root = Svg::new(&mut out, (100, 50), INK).into_drawing_area();
            f(&root);
        }
        out
    }

    #[test]
    fn text_leaves_out_what_the_root_gives() {
        let ink = RGBColor(INK.0, INK.1, INK.2);
        let svg = draw(|root| {
            root.draw(&Text::new(
                "福州 <1>",
                (5, 6),
                ("sans-serif", 14.0 * FONT_SCALE).into_font().color(&ink),
            ))
            .unwrap();
        });
        assert_eq!(
            svg,
            "<text x=\"5\" y=\"6\" dy=\"0.76em\">福州 &lt;1&gt;</text>\n"
        );
    }

    #[test]
    fn text_keeps_what_differs_from_the_root() {
        let svg = draw(|root| {
            root.draw(&Text::new(
                "t",
                (5, 6),
                ("serif", 15.0 * FONT_SCALE)
                    .into_font()
                    .style(FontStyle::Bold)
                    .color(&RGBColor(0x2f, 0x6f, 0xd6).mix(0.75))
                    .pos(text_anchor::Pos::new(HPos::Right, VPos::Center)),
            ))
            .unwrap();
        });
        assert_eq!(
            svg,
            "<text x=\"5\" y=\"6\" dy=\"0.5ex\" text-anchor=\"end\" font-family=\"serif\" \
             font-size=\"15\" font-weight=\"bold\" fill=\"#2F6FD6\" opacity=\"0.75\">t</text>\n"
        );
    }

    #[test]
    fn shapes_write_ink_as_current_color_and_only_non_default_strokes() {
        let ink = RGBColor(INK.0, INK.1, INK.2);
        let svg = draw(|root| {
            root.draw(&PathElement::new(vec![(0, 0), (10, 5)], ink.mix(0.6)))
                .unwrap();
            root.draw(&Circle::new((3, 4), 4, RGBColor(0x2f, 0x6f, 0xd6).filled()))
                .unwrap();
            root.draw(&Circle::new(
                (3, 4),
                5,
                RGBColor(0x2f, 0x6f, 0xd6).stroke_width(2),
            ))
            .unwrap();
            root.draw(&Rectangle::new([(1, 2), (4, 8)], ink.filled()))
                .unwrap();
        });
        assert_eq!(
            svg,
            "<polyline points=\"0,0 10,5\" fill=\"none\" stroke=\"currentColor\" opacity=\"0.6\"/>\n\
             <circle cx=\"3\" cy=\"4\" r=\"4\" fill=\"#2F6FD6\"/>\n\
             <circle cx=\"3\" cy=\"4\" r=\"5\" fill=\"none\" stroke=\"#2F6FD6\" stroke-width=\"2\"/>\n\
             <rect x=\"1\" y=\"2\" width=\"3\" height=\"6\" fill=\"currentColor\"/>\n"
        );
    }

    #[test]
    fn invisible_shapes_are_not_written() {
        let svg = draw(|root| {
            root.draw(&PathElement::new(vec![(0, 0), (10, 5)], TRANSPARENT))
                .unwrap();
        });
        assert_eq!(svg, "");
    }
}
