//! Every number an article states, where it is, and a reading of one of them under
//! the indicator, status, bound and period a curator chooses.
//!
//! `extract` proposes only what it reads with confidence; a curator in `serve` sees
//! every number and may record any of them. Reading a number the curator chose goes
//! through the same quote and period choice as a proposal ([`choose_quote`]), so what
//! is recorded is what `check` proves, never the curator's typing.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use super::Proposal;
use super::choose::{Draft, choose_quote, quote_end};
use super::read::{skip, states_unit};
use crate::check::dating::Document;
use crate::content::yaml::SourceFile;
use crate::content::{
    Article, Bound, Figure, Origin, OriginPath, Period, PeriodFrom, Site, Status,
};
use crate::text::Normalized;
use crate::text::numbers::{self, Unit};
use crate::text::punct;
use crate::text::words::declines;
use crate::vocab::Vocabulary;

/// One number an article states.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    /// The text run it is in, as [`Article::texts`] numbers them (the title last).
    pub run: usize,
    /// Where the number starts in the run's normal form: what a proposal's `at` says.
    pub normal_start: usize,
    /// The number with its unit, as a byte range of the run's original text.
    pub range: Range<usize>,
    /// The number with its unit, as the article writes it.
    pub text: String,
    /// Its sentence, as the article writes it.
    pub sentence: String,
    /// Where the number is in `sentence` (bytes).
    pub in_sentence: Range<usize>,
}

/// Every number of `article` that could be a figure: years, dates, ordinals, phone
/// numbers and codes left out, as `extract` leaves them out.
pub fn stated(article: &Article) -> Vec<Stated> {
    let texts = article.texts();
    let mut out = Vec::new();
    for (run, text) in texts.iter().enumerate() {
        let normal = Normalized::new(text);
        for s in punct::sentences(&normal.text) {
            let sentence = normal.original_range(s.start..s.start + s.text.len());
            for m in numbers::mentions(s.text) {
                if skip(s.text, &m) {
                    continue;
                }
                let end = quote_end(s.text, &m);
                let range = normal.original_range(s.start + m.span.start..s.start + end);
                out.push(Stated {
                    run,
                    normal_start: s.start + m.span.start,
                    text: text[range.clone()].to_string(),
                    sentence: text[sentence.clone()].to_string(),
                    in_sentence: range.start - sentence.start..range.end - sentence.start,
                    range,
                });
            }
        }
    }
    out
}

/// What a curator chose for a number.
#[derive(Debug, Clone)]
pub struct Choice {
    pub indicator: String,
    pub status: Status,
    /// `None`: the bound the wording states.
    pub bound: Option<Option<Bound>>,
    /// `None`: the period the sentence supports.
    pub period: Option<Period>,
    /// `None`: the basis the reading found (if any).
    pub period_from: Option<PeriodFrom>,
}

/// The number at `normal_start` of run `run` read as `choice` says: the figure with
/// the shortest quote `check` proves, or why there is none. Where no period the
/// sentence names fits and the curator gave one, the figures with the quotes to try,
/// shortest first: `check`, next to the place file, chooses.
pub fn read_as(
    site: &Site,
    article: &Article,
    run: usize,
    normal_start: usize,
    choice: &Choice,
) -> Result<Vec<Proposal>, String> {
    let indicator = site.indicators.get(&choice.indicator).ok_or_else(|| {
        format!(
            "no indicator `{}` in content/indicators.yaml",
            choice.indicator
        )
    })?;
    let texts = article.texts();
    let runs: Vec<Normalized> = texts.iter().map(|t| Normalized::new(t)).collect();
    let normal = runs.get(run).ok_or("no such text run in the article")?;
    let s = punct::sentences(&normal.text)
        .into_iter()
        .find(|s| (s.start..s.start + s.text.len()).contains(&normal_start))
        .ok_or("the article no longer has a number there: reload the page")?;
    let mentions = numbers::mentions(s.text);
    let (k, m) = mentions
        .iter()
        .enumerate()
        .find(|(_, m)| s.start + m.span.start == normal_start)
        .ok_or("the article no longer has a number there: reload the page")?;
    let unit = Unit::with_words(&indicator.unit, &indicator.unit_words);
    let stated = &s.text[m.span.start..quote_end(s.text, m)];
    // A bare number (`达到160以上`) is the curator's to assign: `check` proves it;
    // a number stated in another unit is not.
    let bare =
        !numbers::starts_with_unit(&m.rest) && m.magnitude == 1.0 && !m.rest.starts_with('%');
    if !states_unit(m, &unit) && !bare {
        return Err(format!(
            "`{stated}` is not stated in {}, the unit of {}: choose an indicator counted in its unit",
            indicator.unit, indicator.name
        ));
    }
    let in_unit = m.in_unit(&unit).or_else(|| bare.then_some((m.value, m.hi)));
    let Some((mut value, _)) = in_unit else {
        return Err(format!(
            "`{stated}` cannot be read in {}, the unit of {}",
            indicator.unit, indicator.name
        ));
    };
    if unit.base == "%" && declines(&s.text[..m.span.start]) {
        value = -value;
    }
    let bound = match choice.bound {
        Some(b) => b,
        None => m
            .bound
            .and_then(|w| numbers::bounds_for(w).first())
            .and_then(|b| serde_yaml::from_str::<Bound>(&format!("'{b}'")).ok()),
    };
    let doc = Document::of(article, &runs);
    let words = crate::check::status::Context::of(article, &runs);
    let vocab = Vocabulary::new(site);
    let origin = Origin {
        file: Arc::new(SourceFile::new(&PathBuf::from("serve.yaml"), Arc::from(""))),
        at: OriginPath::Root,
    };
    let previous_in_unit = mentions[..k]
        .iter()
        .rev()
        .find(|p| p.in_unit(&unit).is_some() && !skip(s.text, p))
        .map(|p| quote_end(s.text, p));
    let draft = Draft {
        end: quote_end(s.text, m),
        indicator: &choice.indicator,
        value,
        status: choice.status,
        bound,
        m,
    };
    let chosen = choose_quote(
        article,
        indicator,
        &runs,
        &texts,
        run,
        &s,
        &draft,
        previous_in_unit,
        &doc,
        &origin,
        &vocab,
        &words,
    );
    let mut p = match (chosen, choice.period) {
        (Some(p), _) => p,
        // No period the sentence names: the curator's period and its basis (the
        // title, the date, a judgement), with the number's clause as the quote;
        // `check` decides whether they hold.
        (None, Some(period)) => {
            let clause = s.text[..m.span.start]
                .rfind([',', ';', ':', '，', '；', '：'])
                .map_or(0, |i| {
                    i + s.text[i..].chars().next().map_or(1, char::len_utf8)
                });
            // After the previous number of a list (`…1家、市级重点实验室1家`), after the
            // clause mark, the whole sentence.
            let mut starts: Vec<usize> = previous_in_unit
                .filter(|&p| p > clause && p < m.span.start)
                .map(|p| {
                    p + s.text[p..]
                        .find(|c: char| !"、,，和及与".contains(c))
                        .unwrap_or(0)
                })
                .into_iter()
                .collect();
            starts.extend([clause, 0]);
            starts.dedup();
            let end = quote_end(s.text, m);
            return Ok(starts
                .into_iter()
                .filter(|&start| start < m.span.start)
                .map(|start| {
                    let range = normal.original_range(s.start + start..s.start + end);
                    Proposal {
                        figure: Figure {
                            indicator: choice.indicator.clone(),
                            period,
                            period_from: choice.period_from.clone(),
                            value,
                            status: choice.status,
                            bound,
                            source: article.id.clone(),
                            quotes: vec![texts[run][range].to_string()],
                            also: Vec::new(),
                            preferred: false,
                            alternative: false,
                            overridden: None,
                            derived: None,
                            note: None,
                            origin: origin.clone(),
                        },
                        doubt: None,
                        at: Some((run, normal_start)),
                        named_by: s.text[..m.span.start].to_string(),
                    }
                })
                .collect());
        }
        (None, None) => {
            return Err(format!(
                "no part of the sentence proves `{stated}` as {} ({}) of a period it names: give the period and its basis (the title, the article's date, or your judgement)",
                indicator.name,
                choice.status.as_str()
            ));
        }
    };
    p.named_by = s.text[..m.span.start].to_string();
    if let Some(period) = choice.period
        && period != p.figure.period
    {
        p.figure.period = period;
        // The curator's period rests on the basis the curator gives, if any.
        p.figure.period_from = None;
    }
    if let Some(basis) = &choice.period_from {
        p.figure.period_from = Some(basis.clone());
    }
    Ok(vec![p])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(body: &str) -> Article {
        let text = format!(
            "---\ntitle: 示例市科技工作（示例）\ndate: 2024-01-10\ncity: demo\n---\n\n{body}\n"
        );
        crate::content::article_from_text("demo/2024-01-10-demo", &text).expect("loads")
    }

    #[test]
    fn every_number_but_dates_and_ordinals_with_where_it_is() {
        let a = article("2023年，全市高新技术企业达到１２３家，第3批入库科技型中小企业45家。");
        let found = stated(&a);
        let texts: Vec<&str> = found.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["１２３家", "45家"], "{found:?}");
        let first = &found[0];
        assert_eq!(&a.texts()[first.run][first.range.clone()], "１２３家");
        assert_eq!(&first.sentence[first.in_sentence.clone()], "１２３家");
        // The title's numbers are the last run's: none here.
        assert!(found.iter().all(|s| s.run + 1 < a.texts().len()));
    }
}
