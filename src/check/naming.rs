//! A figure's indicator must be one its words name: the noun before its number (or
//! right after it: `新认定16家省级企业技术中心`), or, in a list (`孵化器、众创空间
//! 分别达14个、41个`), the noun at the number's position.
//!
//! The words are read by [`crate::vocab`], as `extract` reads them, with its hard
//! rules (a new count is never a stock; a level the catalogue tells apart must agree).
//! Where the words name no indicator of the figure's unit (`总数达到220家` with its
//! noun in another sentence), the figure passes: only an indicator the words
//! contradict is refused.

use crate::content::{Figure, Indicator};
use crate::diagnostics::{Code, Diagnostic};
use crate::text::lists;
use crate::text::numbers::{self, Mention, Unit};
use crate::text::punct;
use crate::vocab::{self, Reading, Vocabulary};

use super::status::At;

/// Whether `m` is a number that can be a figure: not a year, date or ordinal.
fn counts(m: &Mention) -> bool {
    !m.ordinal && m.year().is_none()
}

/// What the words of the figure's number say: each core they name with the
/// indicators it allows, and the words read; `None` when they cannot tell.
fn readings(
    vocab: &Vocabulary,
    text: &str,
    at: &At,
    unit: &Unit,
    name: &str,
) -> Option<(Vec<Reading>, String)> {
    let sentence_end = text[at.number..]
        .find(punct::SENTENCE_SPLITS)
        .map_or(text.len(), |i| at.number + i);
    let sentence = &text[at.sentence..sentence_end];
    let mentions = numbers::mentions(sentence);
    let k = mentions
        .iter()
        .position(|m| at.sentence + m.span.start == at.number)?;
    let m = &mentions[k];
    let fits = |u: &Unit| m.states_unit(u);
    if !fits(unit) {
        return None;
    }
    let read = |window: &str, modifiers: &str, words: &str| {
        let found = vocab.readings(window, modifiers, &fits);
        (!found.is_empty()).then(|| (found, words.to_string()))
    };
    // A member of a list is named by its own noun; a list whose nouns and numbers
    // do not pair cannot tell.
    if let Some((_, noun)) = lists::pairs(sentence, &mentions, &counts)
        .into_iter()
        .find(|(i, _)| *i == k)
    {
        let words = vocab::expand(&noun);
        return read(&words, &words, &noun);
    }
    let clause = sentence[..m.span.start]
        .rfind([',', ';', ':', '，', '；', '：'])
        .map_or(0, |i| i + 1);
    // The words since the number before it in the clause: `…企业3家、专精特新企业27家`.
    let own = mentions[..k]
        .iter()
        .rev()
        .find(|p| counts(p) && p.span.start >= clause)
        .map_or(clause, |p| numbers::unit_end(sentence, p).min(m.span.start));
    let own_words = &sentence[own..m.span.start];
    let window = vocab::expand(own_words);
    // A number written before its noun (`新认定16家省级企业技术中心`) is named by it,
    // whatever it is.
    let unit_end = numbers::unit_end(sentence, m);
    let after_end = sentence[unit_end..]
        .find([',', ';', ':', '，', '；', '：', '、', '('])
        .map_or(sentence.len(), |i| unit_end + i);
    let after = vocab::expand(&sentence[unit_end..after_end]);
    let noun_after = numbers::starts_with_unit(&m.rest)
        && after.chars().next().is_some_and(crate::text::is_cjk)
        && ![
            "以", "左", "同", "比", "较", "增", "其", "分", "占", "和", "及", "与", "的", "次",
        ]
        .iter()
        .any(|w| after.starts_with(w));
    if noun_after {
        // Its noun is after it; the words before it are the previous member's
        // (`新认定16家省级企业技术中心、29家市级企业技术中心`), but for the flow word
        // opening the clause.
        return match vocab.leading_core(&after, &fits) {
            Some(len) => {
                let opening = vocab::FLOW
                    .iter()
                    .find(|w| sentence[clause..m.span.start].contains(*w))
                    .copied()
                    .unwrap_or("");
                let window = format!("{opening}{}", &after[..len]);
                read(&window, &window, &format!("{opening}…{}", &after[..len]))
            }
            None => None,
        };
    }
    if let Some(found) = read(&window, &window, own_words) {
        return Some(found);
    }
    // A clause with no noun of its own goes on about its sentence's subject
    // (`…达614家,比上年增加111家`, `同比增长12%`), with its own flow and change words;
    // any other clause without a noun cannot tell.
    let residue = vocab.residue(&window);
    // A member of an enumeration (`院士44名、专家120名`) has its own noun.
    if residue.chars().count() > 4 || own_words.starts_with(['、', '和', '及', '与']) {
        return None;
    }
    // `增加值3510.2亿元` after `高新技术产业总产值…`: a noun of its own the
    // catalogue lacks as a core, which the figure's indicator's name holds.
    if residue.chars().count() >= 2 && name.contains(&residue) {
        return None;
    }
    let earlier = vocab::expand(&sentence[..m.span.start]);
    let (found, words) = read(&earlier, &window, &sentence[..m.span.start])?;
    // The subject is the nearest core; when it is one of a list of nouns
    // (`工程中心、企业技术中心、重点实验室37家,总数达到278家`), the number counts them
    // together and names none.
    let nearest = found
        .into_iter()
        .max_by_key(|r| earlier.rfind(r.core.as_str()).map(|i| i + r.core.len()))?;
    let at = earlier.rfind(nearest.core.as_str())?;
    let joins = ['、', '和', '及', '与'];
    let listed =
        earlier[..at].ends_with(joins) || earlier[at + nearest.core.len()..].starts_with(joins);
    (!listed).then(|| (vec![nearest], words))
}

/// Whether two cores are one the other's part (`高新技术产业` in
/// `高新技术产业增加值`): the words may then name the figure's indicator in a way the
/// catalogue does not spell out, and cannot contradict it.
fn related(a: &str, b: &str) -> bool {
    a.contains(b) || b.contains(a)
}

/// The indicator the words contradict, if they do.
pub fn check(
    fig: &Figure,
    indicator: &Indicator,
    vocab: &Vocabulary,
    text: &str,
    at: &At,
) -> Option<Diagnostic> {
    let unit = Unit::with_words(&indicator.unit, &indicator.unit_words);
    let (found, words) = readings(vocab, text, at, &unit, vocab.name_of(&fig.indicator))?;
    let own = vocab.cores_of(&fig.indicator);
    let name = vocab.name_of(&fig.indicator);
    // A share (`占全省`, `占比`) of something the words name: the catalogue's share
    // indicators are named by what they are a share of.
    let share = |t: &str| ["占", "比重", "比例"].iter().any(|w| t.contains(w));
    if share(&words) && share(name) {
        return None;
    }
    let mut named: Vec<&String> = Vec::new();
    for r in &found {
        // Its own core: the words decide. Another core, part of its name or
        // holding it: the words may name it in a way the catalogue does not spell.
        let mine = r.family.contains(&fig.indicator);
        if mine && r.allowed.contains(&fig.indicator)
            || !mine && (own.iter().any(|c| related(c, &r.core)) || name.contains(r.core.as_str()))
        {
            return None;
        }
        for i in &r.allowed {
            if !named.contains(&i) {
                named.push(i);
            }
        }
    }
    if named.is_empty() {
        return None;
    }
    let named = named
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(
        Diagnostic::error(
            Code::E039,
            format!(
                "the quote's words name {named}, not `{}` ({})",
                fig.indicator, indicator.name
            ),
        )
        .at(fig.origin.locate(Some("quote")))
        .label("another indicator's number")
        .help(format!(
            "the words before the number are `{}`: file the figure under the indicator they name, or quote the number of {}; if the article names it in other words, add them to its `aliases:` in content/indicators.yaml",
            words.trim_start_matches([',', ';', '，', '；', ':', '：', '、']),
            indicator.name
        )),
    )
}
