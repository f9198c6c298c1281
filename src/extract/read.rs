//! Reading: every sentence of an article, each number in it with its unit, and the
//! indicator the words before it name; numbers that are not figures are skipped.

use std::path::PathBuf;
use std::sync::Arc;

use super::choose::{Draft, choose_quote, quote_end};
use super::words::{ACTIVITY_WORDS, MULTI_YEAR, NOT_A_COUNT, RATE_WORDS, is_change};
use super::{Proposal, Unassigned};
use crate::check::dating::Document;
use crate::content::yaml::SourceFile;
use crate::content::{Article, Bound, Origin, OriginPath, Site, Status};
use crate::format;
use crate::text::Normalized;
use crate::text::goal::{
    carries_goal, heading_before, is_plan_frame, is_target, paragraph_frame, states_past_year,
};
use crate::text::lists;
use crate::text::numbers::{self, Mention, Unit};
use crate::text::punct::{self, Sentence};
use crate::text::words::declines;
use crate::vocab::{self, Vocabulary};

/// What reading the article gave, before it is compared with the place file.
pub(super) struct Read {
    pub(super) proposals: Vec<Proposal>,
    pub(super) unassigned: Vec<Unassigned>,
}

pub(super) fn read_article(site: &Site, article: &Article, vocab: &Vocabulary) -> Read {
    let texts = article.texts();
    let runs: Vec<Normalized> = texts.iter().map(|t| Normalized::new(t)).collect();
    let doc = Document::of(article, &runs);
    let origin = Origin {
        file: Arc::new(SourceFile::new(
            &PathBuf::from("extract.yaml"),
            Arc::from(""),
        )),
        at: OriginPath::Root,
    };
    let mut read = Read {
        proposals: Vec::new(),
        unassigned: Vec::new(),
    };
    // Headings and the title repeat a paragraph's key figure, without the words that
    // date it or make it a goal: the paragraphs are read first, and a heading's
    // reading of a number the paragraphs already gave is dropped.
    let heading = |r: usize| r + 1 == runs.len() || punct::is_short_heading(&runs[r].text);
    let plan = is_target(&runs[runs.len() - 1].text);
    let words = crate::check::status::Context::of(article, &runs);
    for pass in [false, true] {
        let body = read.proposals.len();
        for (r, run) in runs.iter().enumerate().filter(|(r, _)| heading(*r) == pass) {
            for s in punct::sentences(&run.text) {
                let ctx = Context {
                    site,
                    article,
                    vocab,
                    runs: &runs,
                    texts: &texts,
                    run: r,
                    doc: &doc,
                    origin: &origin,
                    plan,
                    words: &words,
                };
                read_sentence(&ctx, &s, &mut read);
            }
        }
        if pass {
            let headed = read.proposals.split_off(body);
            let kept: Vec<Proposal> = headed
                .into_iter()
                .filter(|p| {
                    !read
                        .proposals
                        .iter()
                        .any(|b| b.indicator == p.indicator && numbers::same(b.value, p.value))
                })
                .collect();
            read.proposals.extend(kept);
        }
    }
    read
}

/// What reading one sentence needs of its article.
pub(super) struct Context<'a> {
    pub(super) site: &'a Site,
    pub(super) article: &'a Article,
    pub(super) vocab: &'a Vocabulary,
    pub(super) runs: &'a [Normalized],
    pub(super) texts: &'a [String],
    pub(super) run: usize,
    pub(super) doc: &'a Document,
    pub(super) origin: &'a Origin,
    /// The title announces goals (`力争…超1500家`): the article is a plan.
    pub(super) plan: bool,
    /// What `check` reads alike for every figure of the article.
    pub(super) words: &'a crate::check::status::Context,
}

pub(super) fn read_sentence(ctx: &Context<'_>, s: &Sentence<'_>, read: &mut Read) {
    let Context {
        site,
        article,
        vocab,
        runs,
        texts,
        run,
        doc,
        origin,
        plan,
        words: _,
    } = *ctx;
    let province = site
        .place(&article.meta.city)
        .is_some_and(|p| p.level == crate::content::Level::Province);
    let mentions = numbers::mentions(s.text);
    let listed = lists::pairs(s.text, &mentions, &|m| !skip(s.text, m));
    // Where the last named subject's words start: a clause with none goes on about it.
    let mut subject: Option<usize> = None;
    let mut prev_end = 0;
    for (k, m) in mentions.iter().enumerate() {
        // Years and dates do not end the words before a number (`增速从2月的-5.7%`).
        if skip(s.text, m) {
            continue;
        }
        let window_start = prev_end;
        let window = &s.text[window_start..m.span.start];
        // A member of a `分别` list is named by its own noun of the list.
        let listed = listed
            .iter()
            .find(|(i, _)| *i == k)
            .map(|(_, n)| n.as_str());
        let mut expanded = vocab::expand(listed.unwrap_or(window));
        // `新增重点“小巨人”企业3家、专精特新企业27家`: the members of an enumeration
        // share the flow word that opens it.
        if listed.is_none() && window.starts_with('、') {
            let opens = s.text[..window_start]
                .rfind([',', ';', ':', '，', '；', '：'])
                .map_or(0, |i| i + 1);
            if let Some(w) = vocab::FLOW
                .iter()
                .find(|w| s.text[opens..window_start].contains(*w))
            {
                expanded.insert_str(0, w);
            }
        }
        let fits = |u: &Unit| states_unit(m, u);
        // A number written before its noun (`新认定16家省级企业技术中心`): the noun right
        // after the unit is the subject, and the quote runs to its end.
        let qe = quote_end(s.text, m);
        let mut end = qe;
        if listed.is_none() && numbers::starts_with_unit(&m.rest) && !m.rest.starts_with('%') {
            let clause_end = s.text[qe..]
                .find([',', ';', ':', '，', '；', '：', '、', '('])
                .map_or(s.text.len(), |i| qe + i);
            let after = &s.text[qe..clause_end];
            let after_x = vocab::expand(after);
            if let Some(core_end) = vocab.leading_core(&after_x, &fits) {
                let orig = after
                    .char_indices()
                    .map(|(i, c)| i + c.len_utf8())
                    .find(|&i| vocab::expand(&after[..i]).len() >= core_end)
                    .unwrap_or(after.len());
                expanded.push_str(&after_x[..core_end]);
                end = qe + orig;
            } else if !m.arabic && counts_another_noun(after) {
                // `等八个方面`: a number in words before a noun no indicator has
                // counts that noun.
                prev_end = end;
                continue;
            }
        }
        prev_end = end;
        let mut named = vocab.name(&expanded, &expanded, &fits);
        let own = named.is_some();
        if named.is_none()
            && listed.is_none()
            && let Some(from) = subject
            && (vocab.continues(&expanded) || window.chars().count() <= 2 || is_change(window))
        {
            let earlier = vocab::expand(&s.text[from..m.span.start]);
            // `…达到614家,比上年增加111家`: a change of a count on its base is the
            // subject's net change.
            let modifiers = if is_change(window) && !m.rest.starts_with('%') {
                format!("净增{expanded}")
            } else {
                expanded.clone()
            };
            named = vocab.name(&earlier, &modifiers, &fits);
        }
        let Some(named) = named else {
            if states_any_unit(m) {
                let before: String = {
                    let cs: Vec<char> = s.text[..m.span.start].chars().collect();
                    cs[cs.len().saturating_sub(14)..].iter().collect()
                };
                let qe = quote_end(s.text, m);
                let after = s.text[qe..]
                    .find(|c: char| punct::CLAUSE_SPLITS.contains(&c) || "、(（".contains(c))
                    .map_or(&s.text[qe..], |i| &s.text[qe..qe + i]);
                read.unassigned.push(Unassigned {
                    before,
                    stated: stated(s.text, m),
                    after: after.to_string(),
                    sentence: s.text.to_string(),
                });
            }
            continue;
        };
        if named.score <= 0 {
            continue;
        }
        if own {
            subject = Some(window_start);
        }
        let indicator = &site.indicators[&named.id];
        let unit = Unit::with_words(&indicator.unit, &indicator.unit_words);
        let Some((mut value, hi)) = m.in_unit(&unit) else {
            continue;
        };
        // The rate of something the core names, not the core's own value.
        if RATE_WORDS.iter().any(|w| named.after.contains(w)) && !indicator.name.contains('率') {
            continue;
        }
        // A share of a total (`产值占规上工业产值比重达到39.78%`) is a share indicator's,
        // never the core's growth or value.
        let share = |t: &str| ["占", "比重", "占比", "比例"].iter().any(|w| t.contains(w));
        if share(&named.after) && !share(&indicator.name) {
            continue;
        }
        // A change on a base (`较上年增加1.1亿元`, `比2020年增加6家`) is not the value
        // itself: a net change's, or a growth rate's when it is a percentage.
        if unit.base != "%" && !vocab.is_net(&named.id) && is_change(&named.after) {
            continue;
        }
        // `年均增长15.9%`: an average over several years, not the period's growth.
        if unit.base == "%" && s.text[window_start..m.span.start].contains("年均") {
            continue;
        }
        // `电子信息类技术合同5070项`: a kind of it; `平均每家…216.19万元`, `户均`: an
        // average, not the total; `也是一家高新技术企业`: one company, not a count.
        let own_clause = &s.text[window_start..m.span.start];
        if named.category
            || ["平均", "户均", "人均", "家均"]
                .iter()
                .any(|w| own_clause.contains(w))
            || !m.arabic && m.value == 1.0 && m.magnitude == 1.0
        {
            continue;
        }
        // `全国共登记技术合同772507项`, `全省14个`: another place's figure.
        let wider = ["全国", "全省"]
            .iter()
            .any(|w| s.text[window_start..m.span.start].contains(w) && !(*w == "全省" && province));
        if wider {
            continue;
        }
        // A flow or a change over several years (`近两年新增14家`, `较“十二五”末增加`)
        // has no one period to file it under.
        if (vocab.is_flow(&named.id) || vocab.is_net(&named.id))
            && MULTI_YEAR
                .iter()
                .any(|w| s.text[..m.span.start].contains(w))
        {
            continue;
        }
        if unit.base == "%" && declines(&s.text[..m.span.start]) {
            value = -value;
        }
        let bound = m
            .bound
            .and_then(|w| numbers::bounds_for(w).first())
            .and_then(|b| serde_yaml::from_str::<Bound>(&format!("'{b}'")).ok());
        // A clause recounting a year before the document's (`2017年全区新增3家`) reports
        // it, whatever goal the words or the frame before it state.
        let clause = {
            let before = &s.text[..m.span.start];
            before
                .rfind([',', ';', '，', '；'])
                .map_or(before, |i| &before[i..])
        };
        let recap = states_past_year(clause, doc.date().0) && !is_target(clause);
        let status = if recap {
            Status::Actual
        } else if is_target(&s.text[..m.span.start])
            || heading_before(runs, run).is_some_and(|h| is_target(h) || is_plan_frame(h))
            || paragraph_frame(&runs[run].text[..s.start]).is_some_and(is_plan_frame)
            || carries_goal(&runs[run].text[..s.start], &s.text[..m.span.start])
                && !states_past_year(&s.text[..m.span.start], doc.date().0)
            || plan && !states_past_year(&s.text[..m.span.start], doc.date().0)
        {
            Status::Target
        } else {
            Status::Actual
        };
        let mut doubt = hi.map(|h| {
            format!(
                "a range ({}–{}): the figure may be either end",
                format::plain(value),
                format::plain(h)
            )
        });
        if named.score < 3 && doubt.is_none() {
            doubt = Some(format!(
                "the words before it only loosely name `{}`",
                named.id
            ));
        }
        if doubt.is_none()
            && let Some(w) = ACTIVITY_WORDS.iter().find(|w| window.contains(*w))
        {
            doubt = Some(format!(
                "`{w}`: it may count an activity, not the indicator"
            ));
        }
        let previous_in_unit = mentions[..k]
            .iter()
            .rev()
            .find(|p| p.in_unit(&unit).is_some() && !skip(s.text, p))
            .map(|p| quote_end(s.text, p))
            // A list member's quote runs from the list's nouns (`check` reads the
            // list's order), not from the number before it.
            .filter(|_| listed.is_none());
        let draft = Draft {
            end,
            indicator: &named.id,
            value,
            status,
            bound,
            m,
        };
        let Some(p) = choose_quote(
            article,
            indicator,
            runs,
            texts,
            run,
            s,
            &draft,
            previous_in_unit,
            doc,
            origin,
            vocab,
            ctx.words,
        ) else {
            continue;
        };
        read.proposals.push(Proposal {
            doubt,
            named_by: listed.map_or_else(
                || {
                    s.text[subject.unwrap_or(window_start).min(m.span.start)..m.span.start]
                        .to_string()
                },
                str::to_string,
            ),
            ..p
        });
    }
}

/// Numbers that are not figures of any indicator: years, dates, ordinals and ranks,
/// phone numbers and codes.
pub(super) fn skip(text: &str, m: &Mention) -> bool {
    if m.ordinal || m.year().is_some() {
        return true;
    }
    if m.rest
        .starts_with(['月', '日', '号', '时', '期', '届', '版', '次', '批', '年'])
        && !m.rest.starts_with("年度")
    {
        return true;
    }
    let before = &text[..m.span.start];
    if NOT_A_COUNT
        .iter()
        .any(|w| before.ends_with(w) || before.ends_with(&format!("{w}:")))
    {
        return true;
    }
    // Seven or more digits and no unit: a phone number or a code.
    let digits = text[m.span.clone()]
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if digits >= 7 && m.magnitude == 1.0 && !numbers::starts_with_unit(&m.rest) {
        return true;
    }
    // `5G`, `3D`: part of a name.
    if m.rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return true;
    }
    false
}

/// Whether the words right after a number's unit are a noun it counts (`方面进行指导`),
/// rather than the words that go on about the figure (`以上`, `同比增长`, `、`).
fn counts_another_noun(after: &str) -> bool {
    let Some(c) = after.chars().next() else {
        return false;
    };
    crate::text::is_cjk(c)
        && ![
            "以", "左", "同", "比", "较", "增", "其", "分", "占", "和", "及", "与", "的", "次",
            "(", "，",
        ]
        .iter()
        .any(|w| after.starts_with(w))
}

/// Whether the mention states a number in `unit` (not a bare number, which could be
/// anything).
pub(super) fn states_unit(m: &Mention, unit: &Unit) -> bool {
    m.states_unit(unit)
}

/// Whether the mention states a unit at all (for listing the unassigned ones).
pub(super) fn states_any_unit(m: &Mention) -> bool {
    numbers::starts_with_unit(&m.rest) || m.rest.starts_with('%') || m.magnitude != 1.0
}

/// The number as stated, with its unit: `828家`, `1.57万家`.
pub(super) fn stated(text: &str, m: &Mention) -> String {
    text[m.span.start..quote_end(text, m)].to_string()
}
