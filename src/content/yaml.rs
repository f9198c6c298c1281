//! YAML in, typed values out, with a `file:line:col` for anything that goes wrong.
//!
//! serde_yaml (the project's YAML crate) reports positions only for syntax and type
//! errors. A value that loads fine but is wrong for the site (an unknown indicator, a
//! quote that is not in its article) has no position once loaded, so we record the
//! *path* of every value (`figures.high_tech_enterprises[2].source`) and resolve it to
//! a position with saphyr's marked parser only when a diagnostic must be shown. The
//! common case, content without errors, pays for one parse.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;

pub use super::duplicates::{Duplicate, UniqueMap};
use super::duplicates::{duplicate_key, is_duplicate_message};
pub use super::positions::{Positions, locate};
use crate::diagnostics::{Code, Diagnostic, Location};

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the document root to a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YamlPath(pub Vec<Seg>);

impl YamlPath {
    pub fn key(&self, k: &str) -> YamlPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> YamlPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A content file held in memory: its path relative to the site root, its whole text,
/// and the byte range of the YAML in it (all of a place file, the front matter of an
/// article). Diagnostics show the whole file so line numbers are the file's own.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: std::path::PathBuf,
    pub text: Arc<str>,
    pub yaml: Range<usize>,
    /// Where every value and key of the YAML is, built at the first diagnostic that
    /// needs a position: a file with ten thousand errors is parsed for positions
    /// once, not once per error.
    positions: std::sync::OnceLock<Arc<Positions>>,
    /// The lines of `text`, likewise built once.
    lines: std::sync::OnceLock<Arc<crate::diagnostics::LineIndex>>,
}

impl SourceFile {
    pub fn new(path: &Path, text: Arc<str>) -> Self {
        let yaml = 0..text.len();
        SourceFile {
            path: path.to_path_buf(),
            text,
            yaml,
            positions: Default::default(),
            lines: Default::default(),
        }
    }

    pub fn yaml_text(&self) -> &str {
        &self.text[self.yaml.clone()]
    }

    /// The location of the value at `path`, or of the closest ancestor that exists.
    /// With `key_of`, the location of that key inside the mapping at `path` instead.
    pub fn locate(&self, path: &YamlPath, key_of: Option<&str>) -> Option<Location> {
        let positions = self
            .positions
            .get_or_init(|| Arc::new(Positions::of(self.yaml_text())));
        let (line, col, len) = positions.locate(path, key_of)?;
        Some(self.location(line, col, len))
    }

    /// This file with its YAML at `yaml` (an article's front matter).
    pub fn with_yaml(&self, yaml: Range<usize>) -> SourceFile {
        SourceFile {
            path: self.path.clone(),
            text: self.text.clone(),
            yaml,
            positions: Default::default(),
            lines: Default::default(),
        }
    }

    /// A location from a 1-based line and 0-based column of the YAML part.
    pub fn location(&self, line: usize, col: usize, len: usize) -> Location {
        let lines = self
            .lines
            .get_or_init(|| Arc::new(crate::diagnostics::LineIndex::new(&self.text)));
        let line_offset = lines.line_of(self.yaml.start) - 1;
        lines.location(&self.path, line + line_offset, col, len)
    }

    /// A location at the start of the file, for problems with the file as a whole.
    pub fn start(&self) -> Location {
        Location::from_line_col(&self.path, &self.text, 1, 0, 1)
    }

    /// Deserializes the YAML part; a failure becomes a located diagnostic.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        self.check_depth()?;
        let de = serde_yaml::Deserializer::from_str(self.yaml_text());
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = path_from_serde(e.path());
            let inner = e.into_inner();
            self.yaml_error(&inner, &path)
        })
    }

    /// Deserializes one already-parsed value that lives at `path` in this file.
    pub fn parse_value<T: DeserializeOwned>(
        &self,
        value: serde_yaml::Value,
        path: &YamlPath,
    ) -> Result<T, Diagnostic> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let mut full = path.clone();
            full.0.extend(path_from_serde(e.path()).0);
            let inner = e.into_inner();
            self.yaml_error(&inner, &full)
        })
    }

    /// Refuses, before a parser sees it, YAML nested deeper than [`MAX_DEPTH`] and
    /// characters that no page may hold (the YAML parser's message for them has no
    /// line).
    pub fn check_depth(&self) -> Result<(), Diagnostic> {
        if let Some((at, c)) = crate::chars::disallowed(self.yaml_text()).next() {
            let start = self.yaml.start + at;
            return Err(Diagnostic::error(
                Code::E010,
                format!("the control character {} cannot be in a content file", crate::chars::code_point(c)),
            )
            .at(Some(Location::from_span(&self.path, &self.text, start..start + c.len_utf8())))
            .label("here")
            .help("delete it: a stray control character usually comes from copying out of a PDF or a broken page"));
        }
        let Some((line, col)) = too_deep(self.yaml_text()) else {
            return Ok(());
        };
        Err(Diagnostic::error(
            Code::E010,
            format!("this YAML is nested more than {MAX_DEPTH} levels deep"),
        )
        .at(Some(self.location(line, col, 1)))
        .label("too deep from here on")
        .help("content files need a few levels (a place's figures are four deep); look for a runaway `[`, `{` or `- - -`"))
    }

    /// Escapes in the YAML (`"\u0001"`) that would put a character no page may hold
    /// into a value: their byte ranges in `text`, and the character.
    fn disallowed_escapes(&self) -> Vec<(Range<usize>, char)> {
        let text = self.yaml_text();
        if !text.contains('\\') {
            return Vec::new();
        }
        static ESCAPE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = ESCAPE.get_or_init(|| {
            regex::Regex::new(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0abvfeN])")
                .expect("valid regex")
        });
        re.find_iter(text)
            .filter_map(|m| {
                // `\\u0001` is a backslash and the text `u0001`.
                let before = text[..m.start()]
                    .bytes()
                    .rev()
                    .take_while(|&b| b == b'\\')
                    .count();
                if before % 2 == 1 {
                    return None;
                }
                let e = &m.as_str()[1..];
                let c = match e.as_bytes()[0] {
                    b'x' | b'u' | b'U' => char::from_u32(u32::from_str_radix(&e[1..], 16).ok()?)?,
                    b'0' => '\0',
                    b'a' => '\u{7}',
                    b'b' => '\u{8}',
                    b'v' => '\u{B}',
                    b'f' => '\u{C}',
                    b'e' => '\u{1B}',
                    b'N' => '\u{85}',
                    _ => return None,
                };
                let start = self.yaml.start + m.start();
                (!crate::chars::allowed(c)).then_some((start..start + m.len(), c))
            })
            .collect()
    }

    /// Takes the escapes of [`Self::disallowed_escapes`] out of `file`'s text before
    /// it is parsed, so no value holds their characters, and returns a warning for
    /// each (located in the text as it was). Nothing changes for a file without any.
    pub fn take_escapes(file: &mut Arc<SourceFile>) -> Vec<Diagnostic> {
        let found = file.disallowed_escapes();
        if found.is_empty() {
            return Vec::new();
        }
        let warnings = found
            .iter()
            .take(20)
            .map(|(range, c)| {
                Diagnostic::warning(
                    Code::W003,
                    format!(
                        "the escape `{}` puts the control character {} into this value; it is left out",
                        &file.text[range.clone()],
                        crate::chars::code_point(*c)
                    ),
                )
                .at(Some(Location::from_span(&file.path, &file.text, range.clone())))
                .label("not a character a page can hold")
                .help("delete the escape")
            })
            .collect();
        let mut text = String::with_capacity(file.text.len());
        let mut at = 0;
        for (range, _) in &found {
            text.push_str(&file.text[at..range.start]);
            at = range.end;
        }
        text.push_str(&file.text[at..]);
        let removed = file.text.len() - text.len();
        *file = Arc::new(SourceFile {
            path: file.path.clone(),
            text: Arc::from(text),
            yaml: file.yaml.start..file.yaml.end - removed,
            positions: Default::default(),
            lines: Default::default(),
        });
        warnings
    }

    fn yaml_error(&self, e: &serde_yaml::Error, path: &YamlPath) -> Diagnostic {
        let raw = e.to_string();
        if is_duplicate_message(&raw)
            && let Some(dup) = duplicate_key(self.yaml_text())
        {
            return self.duplicate_error(&dup);
        }
        // serde_yaml appends " at line X column Y"; the location is shown separately.
        let message = raw
            .split(" at line ")
            .next()
            .unwrap_or(&raw)
            .trim()
            .to_string();
        let syntax = is_syntax_error(&message) || message.contains("repetition limit exceeded");
        let unknown_field = backticked_after(&message, "unknown field ");
        let location = match (&unknown_field, e.location()) {
            (Some(field), _) => self.locate(path, Some(field)),
            (None, Some(l)) if syntax || path.0.is_empty() => {
                Some(self.location(l.line(), l.column().saturating_sub(1), 1))
            }
            _ => self.locate(path, None).or_else(|| {
                e.location()
                    .map(|l| self.location(l.line(), l.column() - 1, 1))
            }),
        };
        // A message without a position (an alias bomb's) still names the file: at the
        // first alias, or at the start.
        let location = location.or_else(|| {
            let text = self.yaml_text();
            let alias = text
                .match_indices('*')
                .find(|(i, _)| *i == 0 || matches!(text.as_bytes()[i - 1], b' ' | b'[' | b','))
                .map_or(0, |(i, _)| i);
            let start = self.yaml.start + alias;
            let len = self.text[start..].chars().next().map_or(0, char::len_utf8);
            Some(Location::from_span(
                &self.path,
                &self.text,
                start..start + len,
            ))
        });
        let code = if syntax { Code::E010 } else { Code::E011 };
        let title = if syntax {
            format!("this YAML cannot be parsed: {message}")
        } else if path.0.is_empty() {
            message.clone()
        } else {
            format!("`{path}`: {message}")
        };
        let mut d = Diagnostic::error(code, title).at(location);
        d = match () {
            _ if message.contains("repetition limit exceeded") => d
                .label("aliases expand from here")
                .help("the aliases (`*name`) of this file expand to too many values; write the values out instead"),
            _ if syntax => d.label("YAML syntax error here").help(
                "check the indentation and that text containing `: ` or starting with `[`, `{`, `*` or `&` is quoted",
            ),
            _ if message.contains("invalid type: string") && message.contains("expected f64") => d
                .label("not a number")
                .help(
                    "write the number as digits only, without thousands separators or units: `3,760` → `3760`, `257.4亿元` → `257.4` (the unit comes from the indicator)",
                ),
            _ if unknown_field.is_some() => d.label("unknown key").help(format!(
                "remove it or correct its spelling; {}",
                message
                    .split(", expected ")
                    .nth(1)
                    .map_or("see docs/content.md for the keys".to_string(), |s| format!(
                        "expected {s}"
                    ))
            )),
            _ if message.starts_with("missing field") => d
                .label("this entry is incomplete")
                .help(format!("add {}", message.trim_start_matches("missing field "))),
            _ => d.label("wrong type of value"),
        };
        d
    }
}

/// How deep a content file may nest. serde_yaml stops at 128 levels, but its
/// scanner is quadratic in the depth of flow collections (100,000 `[` took half a
/// minute) and other YAML code here recurses, so depth is bounded before parsing.
pub const MAX_DEPTH: usize = 100;

/// Where `text` first nests deeper than [`MAX_DEPTH`] (1-based line, 0-based
/// column), by one linear pass over its structure: block indentation, compact
/// `- ` entries and flow brackets outside quoted scalars, comments and block scalars.
/// It can overestimate a little (a plain scalar's continuation lines count as
/// deeper), never underestimate.
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    // Inside a quoted scalar that spans lines: its closing quote.
    let mut quote: Option<u8> = None;
    // Inside a block scalar (`|`, `>`): the indentation of the line that opened it.
    let mut block_scalar: Option<usize> = None;
    for (n, line) in text.split('\n').enumerate() {
        let b = line.as_bytes();
        let indent = b.iter().take_while(|&&c| c == b' ').count();
        let blank =
            b[indent..].iter().all(|c| c.is_ascii_whitespace()) || b.get(indent) == Some(&b'#');
        if let Some(open) = block_scalar {
            if blank || indent > open {
                continue;
            }
            block_scalar = None;
        }
        let mut i = 0;
        let mut depth_here = flow;
        if quote.is_none() && flow == 0 {
            if blank {
                continue;
            }
            while indents.last().is_some_and(|&top| top > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            i = indent;
            let mut compact = 0;
            while i < b.len()
                && matches!(b[i], b'-' | b'?')
                && b.get(i + 1).is_none_or(|c| *c == b' ')
            {
                compact += 1;
                i += 1;
                while b.get(i) == Some(&b' ') {
                    i += 1;
                }
            }
            depth_here = indents.len() + compact;
            if depth_here > MAX_DEPTH {
                return Some((n + 1, i.min(b.len())));
            }
        }
        // Whether position `i` starts a value (where a flow collection or a quoted
        // scalar may begin).
        let mut value_start = true;
        while i < b.len() {
            let c = b[i];
            if let Some(q) = quote {
                if c == q {
                    if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                    value_start = false;
                } else if q == b'"' && c == b'\\' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            match c {
                b'#' if i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t' => break,
                b'"' | b'\'' if value_start => quote = Some(c),
                b'[' | b'{' if value_start || flow > 0 => {
                    flow += 1;
                    if depth_here + flow > MAX_DEPTH {
                        return Some((n + 1, line[..i].chars().count()));
                    }
                }
                b']' | b'}' if flow > 0 => flow -= 1,
                b'|' | b'>' if value_start && flow == 0 => {
                    block_scalar = Some(indent);
                    break;
                }
                _ => {}
            }
            value_start = match c {
                b' ' | b'\t' => value_start || (i > 0 && b[i - 1] == b':'),
                b',' | b'[' | b'{' => flow > 0,
                b':' => flow > 0 && b.get(i + 1).is_none_or(|n| *n == b' '),
                b'-' => value_start && b.get(i + 1).is_none_or(|n| *n == b' '),
                _ => false,
            };
            i += 1;
        }
        if flow > 0 {
            depth_here += flow;
            if depth_here > MAX_DEPTH {
                return Some((n + 1, 0));
            }
        }
    }
    None
}

fn is_syntax_error(message: &str) -> bool {
    [
        "did not find expected",
        "mapping values are not allowed",
        "found character that cannot start",
        "found unexpected end of stream",
        "found undefined tag handle",
        "while scanning",
        "while parsing",
        "could not find expected",
        "found a tab character",
        "control characters are not allowed",
        "invalid leading UTF-8",
        "invalid trailing UTF-8",
        "duplicate entry",
        "recursion limit exceeded",
    ]
    .iter()
    .any(|p| message.contains(p))
}

fn backticked_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.split(prefix).nth(1)?;
    let rest = rest.strip_prefix('`')?;
    Some(rest.split('`').next()?.to_string())
}

fn path_from_serde(path: &serde_path_to_error::Path) -> YamlPath {
    use serde_path_to_error::Segment;
    YamlPath(
        path.iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
                Segment::Unknown => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: 福州市\nfigures:\n  high_tech:\n    - period: 2022\n      value: 3759\n      source: fuzhou/a\n";

    #[test]
    fn locates_nested_values() {
        let p = YamlPath::default()
            .key("figures")
            .key("high_tech")
            .index(0)
            .key("source");
        assert_eq!(locate(DOC, &p, None), Some((6, 14, 8)));
        let name = YamlPath::default().key("name");
        assert_eq!(locate(DOC, &name, None), Some((1, 6, 3)));
    }

    #[test]
    fn locates_keys_and_falls_back_to_ancestors() {
        let fig = YamlPath::default().key("figures").key("high_tech").index(0);
        assert_eq!(locate(DOC, &fig, Some("value")), Some((5, 6, 5)));
        let missing = fig.key("quote");
        assert_eq!(locate(DOC, &missing, None).map(|l| l.0), Some(4));
    }

    #[test]
    fn nesting_depth_is_bounded_before_parsing() {
        assert_eq!(too_deep(DOC), None);
        let place = "name: 福州市 # [not [flow\nfigures:\n  a:\n    - period: 2022\n      quote: [甲[乙, \"[[[[\"]\n      note: |\n        [[[[[[[[\n        {{{{{\n      derived: '[[['\n";
        assert_eq!(too_deep(place), None, "{place}");
        let flow = format!("name: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(too_deep(&flow), Some((1, 5 + MAX_DEPTH)));
        let compact = format!("title: x\nextra:\n{}a\n", "- ".repeat(8_000));
        assert!(too_deep(&compact).is_some());
        let block: String = (0..3_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(too_deep(&block).is_some());
        let nested_maps = "a:\n  b:\n    c:\n      - [1, {x: [2]}]\n";
        assert_eq!(too_deep(nested_maps), None);
        // The bound is exact for flow collections.
        let at = |n: usize| format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert_eq!(too_deep(&at(MAX_DEPTH - 1)), None);
        assert!(too_deep(&at(MAX_DEPTH)).is_some());
    }

    #[test]
    fn a_deep_file_is_a_located_error_in_linear_time() {
        let text = format!("name: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let file = SourceFile::new(Path::new("content/cities/x.yaml"), Arc::from(text.as_str()));
        let err = file.parse::<serde_yaml::Value>().unwrap_err();
        assert_eq!(err.code, Code::E010);
        assert!(
            err.position()
                .unwrap()
                .starts_with("content/cities/x.yaml:1:")
        );
    }

    #[test]
    fn wrong_type_names_the_field_and_position() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Fig {
            value: f64,
        }
        let text = "value: 3,760\n";
        let file = SourceFile::new(Path::new("x.yaml"), Arc::from(text));
        let err = file.parse::<Fig>().unwrap_err();
        assert_eq!(err.code, Code::E011);
        assert_eq!(err.position().unwrap(), "x.yaml:1:8");
        assert!(err.help[0].contains("3760"), "{:?}", err.help);
    }
}
