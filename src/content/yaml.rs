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

use saphyr::{LoadableYamlNode, MarkedYaml, YamlData};
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Location};

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl SourceFile {
    pub fn new(path: &Path, text: Arc<str>) -> Self {
        let yaml = 0..text.len();
        SourceFile {
            path: path.to_path_buf(),
            text,
            yaml,
        }
    }

    pub fn yaml_text(&self) -> &str {
        &self.text[self.yaml.clone()]
    }

    /// The location of the value at `path`, or of the closest ancestor that exists.
    /// With `key_of`, the location of that key inside the mapping at `path` instead.
    pub fn locate(&self, path: &YamlPath, key_of: Option<&str>) -> Option<Location> {
        let (line, col, len) = locate(self.yaml_text(), path, key_of)?;
        Some(self.location(line, col, len))
    }

    /// A location from a 1-based line and 0-based column of the YAML part.
    pub fn location(&self, line: usize, col: usize, len: usize) -> Location {
        let line_offset = self.text[..self.yaml.start].matches('\n').count();
        Location::from_line_col(&self.path, &self.text, line + line_offset, col, len)
    }

    /// A location at the start of the file, for problems with the file as a whole.
    pub fn start(&self) -> Location {
        Location::from_line_col(&self.path, &self.text, 1, 0, 1)
    }

    /// Deserializes the YAML part; a failure becomes a located diagnostic.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
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

    fn yaml_error(&self, e: &serde_yaml::Error, path: &YamlPath) -> Diagnostic {
        let raw = e.to_string();
        // serde_yaml appends " at line X column Y"; the location is shown separately.
        let message = raw
            .split(" at line ")
            .next()
            .unwrap_or(&raw)
            .trim()
            .to_string();
        let syntax = is_syntax_error(&message);
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
        let code = if syntax { "E010" } else { "E011" };
        let title = if syntax {
            format!("this YAML cannot be parsed: {message}")
        } else if path.0.is_empty() {
            message.clone()
        } else {
            format!("`{path}`: {message}")
        };
        let mut d = Diagnostic::error(code, title).at(location);
        d = match () {
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
                    .map_or("see the README for the keys".to_string(), |s| format!(
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

/// Finds `path` in `text`: (1-based line, 0-based column, length in characters).
/// Falls back to the deepest ancestor that exists, so a diagnostic always points
/// somewhere useful even when the path is only partly present.
pub fn locate(text: &str, path: &YamlPath, key_of: Option<&str>) -> Option<(usize, usize, usize)> {
    let docs = MarkedYaml::load_from_str(text).ok()?;
    let mut node = docs.first()?;
    for seg in &path.0 {
        let next = match (seg, &node.data) {
            (Seg::Key(k), YamlData::Mapping(map)) => map
                .iter()
                .find(|(key, _)| scalar_text(key).as_deref() == Some(k.as_str()))
                .map(|(_, v)| v),
            (Seg::Index(i), YamlData::Sequence(seq)) => seq.get(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    if let (Some(k), YamlData::Mapping(map)) = (key_of, &node.data) {
        if let Some((key, _)) = map
            .iter()
            .find(|(key, _)| scalar_text(key).as_deref() == Some(k))
        {
            return Some(marker_of(key, k.chars().count()));
        }
    }
    let len = match &node.data {
        YamlData::Value(_) | YamlData::Representation(..) => {
            let (s, e) = (node.span.start, node.span.end);
            if s.line() == e.line() && e.index() > s.index() {
                e.index() - s.index()
            } else {
                1
            }
        }
        _ => 1,
    };
    Some(marker_of(node, len))
}

fn marker_of(node: &MarkedYaml<'_>, len: usize) -> (usize, usize, usize) {
    (node.span.start.line(), node.span.start.col(), len)
}

fn scalar_text(node: &MarkedYaml<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(s) => Some(match s {
            saphyr::Scalar::String(s) => s.to_string(),
            saphyr::Scalar::Integer(i) => i.to_string(),
            saphyr::Scalar::FloatingPoint(f) => f.to_string(),
            saphyr::Scalar::Boolean(b) => b.to_string(),
            saphyr::Scalar::Null => "null".to_string(),
        }),
        YamlData::Representation(s, ..) => Some(s.to_string()),
        _ => None,
    }
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
    fn wrong_type_names_the_field_and_position() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Fig {
            value: f64,
        }
        let text = "value: 3,760\n";
        let file = SourceFile::new(Path::new("x.yaml"), Arc::from(text));
        let err = file.parse::<Fig>().unwrap_err();
        assert_eq!(err.code, "E011");
        assert_eq!(err.position().unwrap(), "x.yaml:1:8");
        assert!(err.help[0].contains("3760"), "{:?}", err.help);
    }
}
