//! Keys written twice in one mapping. YAML forbids them, and serde's maps keep the
//! last one silently: a second `high_tech_enterprises:` block would drop the first
//! one's figures without a word. [`UniqueMap`] refuses them while deserializing;
//! [`duplicate_key`] finds both lines for the error.

use std::fmt;

use super::yaml::SourceFile;
use crate::diagnostics::{Code, Diagnostic};

impl SourceFile {
    /// The error for a key written twice in one mapping: at the second, naming the
    /// first. YAML forbids it, and a parser that kept only one of the two would drop
    /// the other's figures without a word.
    pub fn duplicate_error(&self, dup: &Duplicate) -> Diagnostic {
        let len = dup.key.chars().count().max(1);
        let (line, col) = self.location(dup.first.0, dup.first.1, len).line_col();
        let second = self.location(dup.second.0, dup.second.1, len);
        let again = second.line_col().0;
        Diagnostic::error(
            Code::E010,
            format!(
                "the key `{}` is written twice in one mapping: on line {line} and on line {again}",
                dup.key
            ),
        )
        .at(Some(second))
        .label(format!(
            "`{}` again; the first is at {}:{line}:{col}",
            dup.key,
            self.path.display()
        ))
        .help(format!(
            "a mapping holds each key once, and a reader would keep only one of the two: merge them (move the entries under line {again} into the `{}:` of line {line}), or rename one",
            dup.key
        ))
    }
}

/// A key written twice in one mapping: the key, and (1-based line, 0-based column)
/// of its first and second appearance in the YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    pub first: (usize, usize),
    pub second: (usize, usize),
}

/// Whether a deserializer's message is about a key given twice (serde's structs,
/// serde_yaml's mappings, and [`UniqueMap`]).
pub(super) fn is_duplicate_message(m: &str) -> bool {
    m.contains("duplicate field") || m.contains("duplicate entry") || m.contains("duplicate key")
}

/// The first key written twice in one mapping of `text`, by one pass over its
/// parse events (linear; nothing is built).
pub fn duplicate_key(text: &str) -> Option<Duplicate> {
    use saphyr_parser::{Event, Parser};
    use std::collections::HashMap;
    enum Frame {
        /// Keys seen, and whether the next node is a key.
        Map(HashMap<String, (usize, usize)>, bool),
        Seq,
    }
    let mut stack: Vec<Frame> = Vec::new();
    // A node ended: in a mapping, a key is followed by a value and a value by a key.
    fn done(stack: &mut [Frame]) {
        if let Some(Frame::Map(_, key_next)) = stack.last_mut() {
            *key_next = !*key_next;
        }
    }
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map(keys, true)) = stack.last_mut() {
                    let at = (span.start.line(), span.start.col());
                    if let Some(first) = keys.get(value.as_ref()) {
                        return Some(Duplicate {
                            key: value.to_string(),
                            first: *first,
                            second: at,
                        });
                    }
                    keys.insert(value.to_string(), at);
                }
                done(&mut stack);
            }
            Event::Alias(_) => done(&mut stack),
            Event::MappingStart(..) => stack.push(Frame::Map(HashMap::new(), true)),
            Event::SequenceStart(..) => stack.push(Frame::Seq),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                done(&mut stack);
            }
            Event::DocumentStart(_) => stack.clear(),
            _ => {}
        }
    }
    None
}

/// A mapping that refuses a key given twice (serde's maps keep the last, silently).
#[derive(Debug, Clone, PartialEq)]
pub struct UniqueMap<V>(pub indexmap::IndexMap<String, V>);

impl<V> UniqueMap<V> {
    pub fn new() -> Self {
        UniqueMap(indexmap::IndexMap::new())
    }
}

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap::new()
    }
}

impl<V: serde::Serialize> serde::Serialize for UniqueMap<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = indexmap::IndexMap::new();
                while let Some(k) = m.next_key::<String>()? {
                    if out.contains_key(&k) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{k}`")));
                    }
                    let v = m.next_value()?;
                    out.insert(k, v);
                }
                Ok(UniqueMap(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}
