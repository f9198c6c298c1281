//! Where each value and key of a YAML text is, by its path: built once per file at
//! its first diagnostic (a file with ten thousand errors is parsed for positions
//! once), with saphyr's marked parser, since serde_yaml keeps no positions.

use saphyr::{LoadableYamlNode, MarkedYaml, YamlData};

use super::yaml::{Seg, YamlPath};

/// Every value's and key's position in one YAML text, by path: (1-based line,
/// 0-based column, length in characters).
#[derive(Debug, Default)]
pub struct Positions {
    values: std::collections::HashMap<Vec<Seg>, (usize, usize, usize)>,
    keys: std::collections::HashMap<Vec<Seg>, (usize, usize, usize)>,
}

impl Positions {
    pub fn of(text: &str) -> Positions {
        let mut p = Positions::default();
        if let Ok(docs) = MarkedYaml::load_from_str(text)
            && let Some(root) = docs.first()
        {
            p.walk(root, &mut Vec::new());
        }
        p
    }

    fn walk(&mut self, node: &MarkedYaml<'_>, path: &mut Vec<Seg>) {
        self.values
            .entry(path.clone())
            .or_insert_with(|| value_marker(node));
        match &node.data {
            YamlData::Mapping(map) => {
                for (key, value) in map.iter() {
                    let Some(k) = scalar_text(key) else { continue };
                    let len = k.chars().count();
                    path.push(Seg::Key(k));
                    self.keys
                        .entry(path.clone())
                        .or_insert_with(|| marker_of(key, len));
                    self.walk(value, path);
                    path.pop();
                }
            }
            YamlData::Sequence(seq) => {
                for (i, item) in seq.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.walk(item, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// As [`locate`] finds it.
    pub fn locate(&self, path: &YamlPath, key_of: Option<&str>) -> Option<(usize, usize, usize)> {
        let depth = (0..=path.0.len())
            .rev()
            .find(|&d| self.values.contains_key(&path.0[..d]))?;
        let found = &path.0[..depth];
        if let Some(k) = key_of {
            let mut key = found.to_vec();
            key.push(Seg::Key(k.to_string()));
            if let Some(at) = self.keys.get(&key) {
                return Some(*at);
            }
        }
        self.values.get(found).copied()
    }
}

fn value_marker(node: &MarkedYaml<'_>) -> (usize, usize, usize) {
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
    marker_of(node, len)
}

/// Finds `path` in `text`: (1-based line, 0-based column, length in characters).
/// Falls back to the deepest ancestor that exists, so a diagnostic always points
/// somewhere useful even when the path is only partly present.
pub fn locate(text: &str, path: &YamlPath, key_of: Option<&str>) -> Option<(usize, usize, usize)> {
    Positions::of(text).locate(path, key_of)
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
