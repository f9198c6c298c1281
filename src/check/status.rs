//! A figure's status must be what its words make it: a goal (`力争`, `目标`, `预计`,
//! `将`, a plan's heading or opening, a period after the article's date) is not an
//! achievement, and a result the text reports done is not a goal.
//!
//! The words are the ones `extract` files a status by ([`crate::text::goal`]), so what
//! it proposes passes. Where the text says both (`截至目前已…,力争…`) or neither of
//! its strong forms, the figure passes: only a status the text contradicts is refused.

use crate::content::{Article, Figure, Status};
use crate::diagnostics::{Code, Diagnostic};
use crate::text::goal::{
    DONE_WORDS, WEAK_GOAL_WORDS, carries_goal, goal_word, is_plan_frame, is_target,
    paragraph_frame, states_past_year,
};
use crate::text::time::Ref;
use crate::text::{Normalized, normalize, punct};

/// What the words around a number say of its status: each side's evidence, in words a
/// curator can find in the article.
#[derive(Debug, Default)]
struct Reading {
    /// Why it is a goal.
    goal: Option<String>,
    /// Why it is a result.
    done: Option<String>,
    /// Only its period says it is a result (it ends before the article's date): a
    /// review of last year's goals (`2019年度绩效目标完成情况`) lists goals too.
    done_by_date: bool,
    /// The title announces goals (`力争…`) or a plan (`规划`, `目标`).
    title_goal: bool,
    /// Words elsewhere in its sentence or document that may make it a goal (`…的目标`
    /// after the number, `到2025年`, a plan's title): not enough to refuse `actual`,
    /// enough to let `target` stand.
    maybe_goal: bool,
}

/// Where the figure's number is: its run, the byte where its sentence starts and the
/// byte where the number starts, in the run's normal form.
pub struct At {
    pub run: usize,
    pub sentence: usize,
    pub number: usize,
}

fn read(
    ctx: &Context,
    runs: &[Normalized],
    at: &At,
    date_year: Option<i32>,
    fig: &Figure,
) -> Reading {
    let text = &runs[at.run].text;
    let before = &text[at.sentence..at.number];
    let sentence_end = text[at.number..]
        .find(punct::SENTENCE_SPLITS)
        .map_or(text.len(), |i| at.number + i);
    let sentence = &text[at.sentence..sentence_end];
    let clause = before
        .rfind([',', ';', '，', '；'])
        .map_or(before, |i| &before[i..]);
    let mut r = Reading::default();
    let quoted = |w: &str| format!("`{w}`");
    // Done: a done word not governed by a goal word before it in its clause
    // (`预计全年完成11亿元` is a goal).
    let goal_at = ["预计", "力争", "确保", "目标", "有望", "计划"]
        .iter()
        .filter_map(|w| clause.rfind(w))
        .max();
    let done_word = DONE_WORDS.iter().find(|w| {
        before.contains(*w) && goal_at.is_none_or(|g| clause.rfind(*w).is_none_or(|d| d < g))
    });
    if let Some(w) = done_word {
        r.done = Some(format!("its sentence says {} before the number", quoted(w)));
    } else if before.ends_with('了') {
        r.done = Some("a verb with `了` states the number".into());
    } else if states_past_year(clause, date_year) && !is_target(clause) {
        r.done = Some("its clause recounts a year before the article's".into());
    } else if let Some(y) = date_year
        && fig.period.year() < y
    {
        r.done = Some(format!(
            "its period {} ends before the article's date ({y})",
            fig.period
        ));
        r.done_by_date = true;
    }
    // A goal: a goal word before the number, a task (`完成全年170家任务`) or goal
    // (`…1000家的目标`) it is the number of, a plan's heading or opening, a period after
    // the article's date.
    let after = &text[at.number..sentence_end];
    let clause_after = after
        .find([',', ';', '，', '；', '、'])
        .map_or(after, |i| &after[..i]);
    let clause_after = clause_after
        .find("完成")
        .map_or(clause_after, |i| &clause_after[..i]);
    if let Some(w) = goal_word(before) {
        r.goal = Some(format!("its sentence says {} before the number", quoted(w)));
    } else if let Some(w) = ["任务", "目标"].iter().find(|w| clause_after.contains(*w)) {
        // `完成全年170家任务的71.8%`: what was done is the share, not the task.
        r.goal = Some(format!("its clause calls the number a {}", quoted(w)));
        r.done = None;
    } else if let Some(h) = ctx.plan_heading[at.run].map(|h| runs[h].text.as_str()) {
        r.goal = Some(format!("it is under the heading `{}`", excerpt(h)));
    } else if let Some(f) = paragraph_frame(&text[..at.sentence]).filter(|f| is_plan_frame(f)) {
        r.goal = Some(format!("its paragraph opens with `{}`", excerpt(f)));
    } else if ctx.title_target && !states_past_year(before, date_year) && r.done.is_none() {
        r.goal = Some("the article's title announces goals".into());
    } else if let Some(y) = date_year
        && fig.period.year() > y
    {
        r.goal = Some(format!(
            "its period {} starts after the article's date ({y})",
            fig.period
        ));
    }
    r.title_goal = ctx.title_goal;
    // The hints of a goal only a `target` needs (most figures are results).
    if fig.status == Status::Target {
        // A goal earlier in the paragraph may govern a sentence that names none (it
        // is how `extract` reads it), or the paragraph may have gone on to results; a
        // goal word after the number, a year after the article's, a plan's title, a
        // plan set out at the end of a paragraph before it in its section
        // (`…部署了2018年工作。`, then one paragraph per line of work).
        let future = crate::text::time::refs(sentence).iter().any(|(_, t)| {
            matches!(t, Ref::Year(y) | Ref::Span(_, y) if date_year.is_some_and(|d| *y > d))
                || matches!(t, Ref::Relative(k, _) if *k > 0)
        });
        r.maybe_goal = r.goal.is_some()
            || ctx.plan_section[at.run]
            || carries_goal(&text[..at.sentence], before) && !states_past_year(before, date_year)
            || goal_word_weak(before)
            || is_target(sentence)
            || future
            || r.title_goal;
    }
    r
}

fn goal_word_weak(before: &str) -> bool {
    WEAK_GOAL_WORDS.iter().any(|w| before.contains(w))
}

fn excerpt(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    if cs.len() <= 24 {
        s.to_string()
    } else {
        format!("{}…", cs[..24].iter().collect::<String>())
    }
}

/// What every figure of an article reads alike: its title, and for each run the
/// plan heading above it and whether its section set out a plan before it. Read once
/// per article: an article states dozens of figures.
pub struct Context {
    title_target: bool,
    title_goal: bool,
    plan_heading: Vec<Option<usize>>,
    plan_section: Vec<bool>,
}

impl Context {
    pub fn of(article: &Article, runs: &[Normalized]) -> Context {
        let title = normalize(&article.meta.title);
        let mut plan_heading = Vec::with_capacity(runs.len());
        let mut plan_section = Vec::with_capacity(runs.len());
        let (mut heading, mut section) = (None, false);
        for (i, r) in runs.iter().enumerate() {
            plan_heading.push(heading);
            plan_section.push(section);
            if punct::is_short_heading(&r.text) {
                heading = (is_target(&r.text) || is_plan_frame(&r.text)).then_some(i);
                section = false;
            } else {
                let last = punct::sentences(&r.text).last().map_or("", |s| s.text);
                section |= is_plan_frame(last) || ["部署", "安排"].iter().any(|w| last.contains(w));
            }
        }
        Context {
            title_target: is_target(&title),
            title_goal: is_target(&title)
                || is_plan_frame(&title)
                || ["规划", "计划", "方案", "纲要", "意见"]
                    .iter()
                    .any(|w| title.contains(w)),
            plan_heading,
            plan_section,
        }
    }
}

/// The status the words contradict, if they do.
pub fn check(
    fig: &Figure,
    ctx: &Context,
    runs: &[Normalized],
    at: &At,
    date_year: Option<i32>,
) -> Option<Diagnostic> {
    let r = read(ctx, runs, at, date_year, fig);
    let (why, other) = match fig.status {
        Status::Actual => match (&r.goal, &r.done) {
            (Some(g), None) => (g.clone(), Status::Target),
            _ => return None,
        },
        Status::Target => {
            // A goal word or frame lets it stand; so does a weaker hint of a goal,
            // unless the words report it done.
            if r.goal.is_some()
                || r.maybe_goal && r.done.is_none()
                || r.title_goal && r.done_by_date
            {
                return None;
            }
            let why = r.done.clone().unwrap_or_else(|| {
                "its sentence, paragraph, heading and title state no goal".into()
            });
            (why, Status::Actual)
        }
    };
    Some(
        Diagnostic::error(
            Code::E038,
            format!(
                "the status `{}` contradicts the source: {why}",
                fig.status.as_str()
            ),
        )
        .at(fig.origin.locate(Some("status")))
        .label(match other {
            Status::Target => "the text states a goal",
            Status::Actual => "the text reports a result",
        })
        .help(match other {
            Status::Target => "a goal is recorded with `status: target` and its horizon as the period; if the sentence reports what was achieved, quote the words that say so",
            Status::Actual => "a result is recorded with `status: actual` (the default); if the figure is a goal, quote the words that make it one (力争, 目标, 预计…)",
        }),
    )
}
