//! One error type for everything the curator can get wrong, rendered like rustc.
//!
//! A curator fixing a figure needs the file, line and column of the exact YAML value,
//! the line itself with a caret under it, and a sentence telling them what to do.
//! Every stage pushes [`Diagnostic`]s instead of returning early, so one run reports
//! every problem in the content rather than the first one.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

mod code;
pub use code::Code;

/// How bad a diagnostic is: errors fail the build, warnings are only shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a content file a problem is.
///
/// Keeps the whole file text (shared, so cheap to clone) because the rendering shows
/// the offending line; `span` is a byte range into it.
#[derive(Clone)]
pub struct Location {
    /// Path relative to the site root, as the curator would type it.
    pub file: PathBuf,
    pub source: Arc<str>,
    pub span: Range<usize>,
}

impl Location {
    /// Builds a location from a 1-based line and a 0-based column counted in characters,
    /// which is what both YAML parsers report.
    pub fn from_line_col(
        file: &Path,
        source: &Arc<str>,
        line: usize,
        col: usize,
        len_chars: usize,
    ) -> Self {
        let start = byte_offset(source, line, col);
        let end = advance_chars(source, start, len_chars.max(1));
        Location {
            file: file.to_path_buf(),
            source: source.clone(),
            span: start..end,
        }
    }

    /// A location from a byte range of `source`.
    pub fn from_span(file: &Path, source: &Arc<str>, span: Range<usize>) -> Self {
        Location {
            file: file.to_path_buf(),
            source: source.clone(),
            span,
        }
    }

    /// 1-based line and column (column counted in characters, as editors do). One
    /// call reads the text before the span once; many positions in one source are
    /// for a [`LineIndex`].
    pub fn line_col(&self) -> (usize, usize) {
        let before = &self.source.as_bytes()[..self.span.start.min(self.source.len())];
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        (line, count_chars(&before[line_start..]) + 1)
    }
}

/// Lines and character counts of one source, computed once for all of its
/// diagnostics: finding a position is then a binary search and at most one block
/// of counting, so thousands of diagnostics in one big file cost linear time.
pub struct LineIndex {
    /// Byte offset of every line's start.
    starts: Vec<usize>,
    /// Characters before each [`BLOCK`]-byte block.
    chars: Vec<usize>,
    len: usize,
    source: Arc<str>,
}

const BLOCK: usize = 4096;

impl fmt::Debug for LineIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LineIndex({} lines)", self.starts.len())
    }
}

impl LineIndex {
    pub fn new(source: &Arc<str>) -> LineIndex {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        let mut chars = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut n = 0;
        for block in bytes.chunks(BLOCK) {
            chars.push(n);
            n += count_chars(block);
        }
        chars.push(n);
        LineIndex {
            starts,
            chars,
            len: bytes.len(),
            source: source.clone(),
        }
    }

    /// Characters in the first `at` bytes.
    fn chars_before(&self, at: usize) -> usize {
        let at = at.min(self.len);
        let block = at / BLOCK;
        self.chars[block] + count_chars(&self.source.as_bytes()[block * BLOCK..at])
    }

    /// The 1-based line holding byte `at`.
    pub fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at.min(self.len))
    }

    /// The byte range of 1-based `line`, without its line break.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(self.len, |&next| next - 1);
        start..end
    }

    /// The byte of 1-based `line` and 0-based character column `col` (the line's
    /// end when it is shorter; the source's end past the last line).
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.starts.get(line.max(1) - 1) else {
            return self.len;
        };
        let text = &self.source[start..self.line_range(line.max(1)).end];
        start + text.char_indices().nth(col).map_or(text.len(), |(b, _)| b)
    }

    /// A location in this source from a 1-based line and 0-based column.
    pub fn location(&self, file: &Path, line: usize, col: usize, len_chars: usize) -> Location {
        let start = self.offset(line, col);
        Location {
            file: file.to_path_buf(),
            source: self.source.clone(),
            span: start..advance_chars(&self.source, start, len_chars.max(1)),
        }
    }

    /// 1-based line and column (in characters) of byte `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let line = self.line_of(at);
        let start = self.starts[line - 1];
        (line, self.chars_before(at) - self.chars_before(start) + 1)
    }
}

/// Characters in `bytes` of UTF-8, counted as the bytes that start one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        write!(f, "{}:{}:{}", self.file.display(), line, col)
    }
}

fn byte_offset(source: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let in_line = l
                .char_indices()
                .nth(col)
                .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
            return offset + in_line;
        }
        offset += l.len();
    }
    source.len()
}

fn advance_chars(source: &str, start: usize, n: usize) -> usize {
    let rest = &source[start.min(source.len())..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let in_line = rest[..line_end]
        .char_indices()
        .nth(n)
        .map_or(line_end, |(b, _)| b);
    start + in_line
}

/// A problem in the content, with everything needed to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code such as `E020`, so curators and tests can refer to a kind of error.
    pub code: Code,
    pub message: String,
    /// Boxed: diagnostics travel in `Result`s and must stay small.
    pub location: Option<Box<Location>>,
    /// Short text shown under the caret.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Vec<String>,
    /// The fix the help proposes, when it is one value: the figure's field and its new
    /// text. Tests apply it to check that no help turns a wrong figure into another
    /// wrong one that passes.
    /// Boxed: diagnostics travel in `Result`s and must stay small.
    pub suggestion: Option<Box<(&'static str, String)>>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            label: None,
            help: Vec::new(),
            suggestion: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location.map(Box::new);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// The one-value fix the help proposes (see [`Diagnostic::suggestion`]).
    pub fn suggest(mut self, field: &'static str, value: impl Into<String>) -> Self {
        self.suggestion = Some(Box::new((field, value.into())));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, the form editors and terminals turn into links.
    pub fn position(&self) -> Option<String> {
        self.location.as_ref().map(|l| format!("{l:?}"))
    }

    /// Renders like rustc: styled when `color` is set, plain text otherwise.
    pub fn render(&self, color: bool) -> String {
        let index = self.location.as_ref().map(|l| LineIndex::new(&l.source));
        self.render_with(color, index.as_ref())
    }

    /// [`Self::render`] with the line index of the location's source.
    fn render_with(&self, color: bool, index: Option<&LineIndex>) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path;
        let excerpt_text: Cow<'_, str>;
        let mut fix_column: Option<(String, String)> = None;
        let title = level
            .primary_title(self.message.as_str())
            .id(self.code.as_str());
        let mut group = match &self.location {
            Some(loc) => {
                path = loc.file.display().to_string();
                // On character boundaries whatever made the span: the renderer slices
                // the source with it.
                let src: &str = &loc.source;
                let floor = |mut i: usize| {
                    i = i.min(src.len());
                    while !src.is_char_boundary(i) {
                        i -= 1;
                    }
                    i
                };
                let (start, mut end) = (floor(loc.span.start), floor(loc.span.end));
                if end <= start && start < src.len() {
                    end = start + src[start..].chars().next().map_or(0, char::len_utf8);
                }
                // Only the lines the span is on go to the renderer, which reads all
                // it is given: a diagnostic costs its lines, not its file (a 300 KB
                // one-paragraph article with thousands of warnings was quadratic).
                let built;
                let index = match index {
                    Some(i) => i,
                    None => {
                        built = LineIndex::new(&loc.source);
                        &built
                    }
                };
                let line = index.line_of(start);
                let first = index.line_range(line).start;
                let last = index.line_range(index.line_of(end.max(start))).end.max(end);
                let (mut excerpt, mut at, mut shift) = (Cow::Borrowed(&src[first..last]), first, 0);
                let mut origin = None;
                if last - first > LONG_LINE {
                    // A very long line: a window around the span, and the position
                    // given outright (the renderer would count it in the window).
                    let a = floor(start.saturating_sub(WINDOW)).max(first);
                    let mut b = (end + WINDOW).min(last);
                    while !src.is_char_boundary(b) {
                        b += 1;
                    }
                    let col = index.line_col(start).1;
                    origin = Some(col);
                    let lead = if a > first { "…" } else { "" };
                    let tail = if b < last { "…" } else { "" };
                    excerpt = Cow::Owned(format!("{lead}{}{tail}", &src[a..b]));
                    // The excerpt's byte 0 stands for `a` less the lead's bytes.
                    shift = lead.len();
                    at = a;
                }
                let mut annotation =
                    AnnotationKind::Primary.span(start - at + shift..end.max(start) - at + shift);
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.as_str());
                }
                excerpt_text = excerpt;
                if let Some(col) = origin {
                    // The renderer counts the column in the window: say the real one.
                    let shown = excerpt_text[..start - at + shift].chars().count() + 1;
                    fix_column = Some((
                        format!("{path}:{line}:{shown}"),
                        format!("{path}:{line}:{col}"),
                    ));
                }
                title.element(
                    Snippet::source(&*excerpt_text)
                        .path(path.as_str())
                        .line_start(line)
                        .fold(true)
                        .annotation(annotation),
                )
            }
            None => Group::with_title(title),
        };
        for help in &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let out = renderer.render(&[group]);
        match fix_column {
            Some((shown, real)) => out.replacen(&shown, &real, 1),
            None => out,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// A source line longer than this (in bytes) is shown as a window of about
/// [`WINDOW`] bytes either side of the span.
const LONG_LINE: usize = 2000;
const WINDOW: usize = 240;

/// All diagnostics of a run; the build fails when any of them is an error.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Orders by file and position so output is stable whatever order the stages ran in.
    pub fn sort(&mut self) {
        let mut indexes = SourceIndexes::default();
        self.0.sort_by_cached_key(|d| {
            let (file, line, col) = d.location.as_ref().map_or((PathBuf::new(), 0, 0), |l| {
                let (line, col) = indexes.of(&l.source).line_col(l.span.start);
                (l.file.clone(), line, col)
            });
            (d.severity, file, line, col, d.code, d.message.clone())
        });
    }

    /// Every diagnostic followed by a one-line summary, ready for the terminal.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let mut indexes = SourceIndexes::default();
        for d in &self.0 {
            let index = d.location.as_ref().map(|l| indexes.of(&l.source));
            out.push_str(&d.render_with(color, index));
            out.push_str("\n\n");
        }
        let errors = self.errors().count();
        let warnings = self.warnings().count();
        if errors > 0 {
            out.push_str(&format!(
                "error: the content has {errors} error{} and {warnings} warning{}; nothing was written\n",
                plural(errors),
                plural(warnings)
            ));
        } else if warnings > 0 {
            out.push_str(&format!(
                "warning: {warnings} warning{}\n",
                plural(warnings)
            ));
        }
        out
    }
}

/// The line index of each source that diagnostics point into, by the address of
/// its text (the diagnostics hold the texts, so an address is not reused meanwhile).
#[derive(Default)]
struct SourceIndexes(std::collections::HashMap<usize, LineIndex>);

impl SourceIndexes {
    fn of(&mut self, source: &Arc<str>) -> &LineIndex {
        self.0
            .entry(Arc::as_ptr(source) as *const u8 as usize)
            .or_insert_with(|| LineIndex::new(source))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_inside_a_character_still_renders() {
        let source: Arc<str> = Arc::from("两个period: 2022");
        let d = Diagnostic::error(Code::E010, "x").at(Some(Location::from_span(
            Path::new("a.yaml"),
            &source,
            1..2,
        )));
        assert!(
            d.render(false).contains("a.yaml:1:1"),
            "{}",
            d.render(false)
        );
    }

    #[test]
    fn location_counts_columns_in_characters() {
        let src: Arc<str> = Arc::from("name: 福州市\nvalue: 3,760\n");
        let loc = Location::from_line_col(Path::new("c.yaml"), &src, 2, 7, 5);
        assert_eq!(&src[loc.span.clone()], "3,760");
        assert_eq!(loc.line_col(), (2, 8));
        let han = Location::from_line_col(Path::new("c.yaml"), &src, 1, 6, 3);
        assert_eq!(&src[han.span.clone()], "福州市");
        assert_eq!(han.line_col(), (1, 7));
    }

    #[test]
    fn plain_rendering_names_file_line_and_help() {
        let src: Arc<str> = Arc::from("figures:\n  x:\n    - value: 3,760\n");
        let d = Diagnostic::error(Code::E011, "expected a number")
            .at(Some(Location::from_line_col(
                Path::new("content/cities/fuzhou.yaml"),
                &src,
                3,
                13,
                5,
            )))
            .label("not a number")
            .help("write `3760`");
        let text = d.render(false);
        assert!(text.contains("error[E011]: expected a number"), "{text}");
        assert!(text.contains("content/cities/fuzhou.yaml:3:14"), "{text}");
        assert!(text.contains("help: write `3760`"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
    }
}
