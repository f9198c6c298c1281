//! The fields `check` reads from words rather than numbers: a figure's status, its
//! indicator, and the basis of a period the text leaves open. Each shape is an
//! invented article with the right figure passing, a wrong one refused at its line,
//! and a case the words cannot decide passing either way.

use std::fs;

use crate::periods::{errors, figure, site};

/// The codes `check` reports, without lines.
fn codes(body: &str, date: Option<&str>, figures: &str) -> Vec<String> {
    codes_titled("某县科技工作情况", body, date, figures)
}

fn codes_titled(title: &str, body: &str, date: Option<&str>, figures: &str) -> Vec<String> {
    let s = site(title, date, body, figures);
    errors(s.path()).into_iter().map(|(c, _)| c).collect()
}

const TARGET: &str = "      status: target\n";

#[test]
fn a_goal_is_not_an_achievement_and_a_result_is_not_a_goal() {
    let body =
        "2023年,全县新认定高新技术企业12家,同比增长20%。2024年,力争全县高新技术企业总数突破80家。";
    let date = Some("2024-01-20");
    // The goal: target passes, actual is refused at its status line.
    let goal = |extra: &str| {
        figure(
            "high_tech_enterprises",
            "2024",
            "80",
            "力争全县高新技术企业总数突破80家",
            &format!("{extra}      bound: \">\"\n"),
        )
    };
    assert_eq!(codes(body, date, &goal(TARGET)), Vec::<String>::new());
    let s = site("某县科技工作情况", date, body, &goal(""));
    assert!(
        errors(s.path()).contains(&("E038".to_string(), 7)),
        "{:?}",
        errors(s.path())
    );
    // The result: actual passes, target is refused.
    let result = |extra: &str| {
        figure(
            "high_tech_enterprises_new",
            "2023",
            "12",
            "全县新认定高新技术企业12家",
            extra,
        )
    };
    assert_eq!(codes(body, date, &result("")), Vec::<String>::new());
    assert!(codes(body, date, &result(TARGET)).contains(&"E038".to_string()));
}

#[test]
fn the_number_of_a_task_is_the_goal_and_what_was_done_is_not() {
    // `完成全年170家任务的71.8%`: 170 is the year's goal even after `完成`.
    let body = "上半年,全县新增在孵企业122家,完成全年170家任务的71.8%。";
    let date = Some("2023-07-10");
    let task = |extra: &str| {
        figure(
            "incubated_enterprises_new",
            "2023",
            "170",
            "全年170家任务",
            extra,
        )
    };
    let with_indicator = |figures: String| {
        let s = site("某县科技工作情况", date, body, &figures);
        errors(s.path())
            .into_iter()
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
    };
    assert_eq!(with_indicator(task(TARGET)), Vec::<String>::new());
    assert!(with_indicator(task("")).contains(&"E038".to_string()));
}

#[test]
fn words_that_say_both_or_only_hint_leave_the_status_open() {
    // `拟认定名单`: a list's name, then `入选`: either reading passes.
    let body = "近日,省科技厅公布了省级科技企业孵化器拟认定名单,我县1家科技企业孵化器入选。";
    let figures = |extra: &str| {
        figure(
            "incubators_provincial_new",
            "2023",
            "1",
            "我县1家科技企业孵化器入选",
            extra,
        )
    };
    let date = Some("2023-11-02");
    let ok = |extra: &str| {
        let s = site("某县科技工作情况", date, body, &figures(extra));
        errors(s.path())
    };
    assert_eq!(ok(""), vec![]);
    assert_eq!(ok(TARGET), vec![]);
}

#[test]
fn a_figure_filed_under_another_indicator_of_its_sentence_is_refused() {
    let body = "截至2023年底,全县高新技术企业达到52家,科技型中小企业达到130家。";
    let date = Some("2024-01-20");
    let fig =
        |indicator: &str, value: &str, quote: &str| figure(indicator, "2023", value, quote, "");
    assert_eq!(
        codes(
            body,
            date,
            &fig("high_tech_enterprises", "52", "全县高新技术企业达到52家")
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(
            body,
            date,
            &fig("tech_smes", "52", "全县高新技术企业达到52家")
        ),
        vec!["E039".to_string()]
    );
    assert_eq!(
        codes(
            body,
            date,
            &fig("high_tech_enterprises", "130", "科技型中小企业达到130家")
        ),
        vec!["E039".to_string()]
    );
    // A new count is not the stock, and the stock is not the new count.
    let body = "2023年,全县新认定高新技术企业12家,高新技术企业总数达到52家。";
    assert_eq!(
        codes(
            body,
            date,
            &fig("high_tech_enterprises", "12", "新认定高新技术企业12家")
        ),
        vec!["E039".to_string()]
    );
    assert_eq!(
        codes(
            body,
            date,
            &fig(
                "high_tech_enterprises_new",
                "52",
                "高新技术企业总数达到52家"
            )
        ),
        vec!["E039".to_string()]
    );
}

#[test]
fn in_a_list_the_number_takes_the_noun_at_its_position() {
    let body = "截至2023年底,全县科技企业孵化器、众创空间分别达到4家、9家。";
    let date = Some("2024-01-20");
    let fig = |indicator: &str, value: &str| {
        figure(
            indicator,
            "2023",
            value,
            "全县科技企业孵化器、众创空间分别达到4家、9家",
            "",
        )
    };
    assert_eq!(
        codes(body, date, &fig("makerspaces", "9")),
        Vec::<String>::new()
    );
    // The first number quoted for the second noun.
    let first = figure(
        "makerspaces",
        "2023",
        "4",
        "全县科技企业孵化器、众创空间分别达到4家",
        "",
    );
    assert_eq!(codes(body, date, &first), vec!["E039".to_string()]);
    let right = figure(
        "incubators",
        "2023",
        "4",
        "全县科技企业孵化器、众创空间分别达到4家",
        "",
    );
    assert_eq!(codes(body, date, &right), Vec::<String>::new());
}

#[test]
fn words_that_name_no_indicator_cannot_refuse_one() {
    // `总数达到…` after a list of nouns counts them together; a noun the catalogue
    // lacks names none. Either way the words cannot say the figure is wrong.
    let body = "2023年,全县新建工程技术研究中心、重点实验室5家,总数达到31家。";
    let date = Some("2024-01-20");
    let f = figure("key_labs_provincial", "2023", "31", "总数达到31家", "");
    assert!(!codes(body, date, &f).contains(&"E039".to_string()));
}

#[test]
fn the_basis_of_a_period_the_text_leaves_open_is_proved() {
    // A January summary: 2022 or 2023 readable from the date alone.
    let body = "全县高新技术企业达到45家。";
    let date = Some("2023-01-15");
    let fig = |period: &str, extra: &str| {
        figure(
            "high_tech_enterprises",
            period,
            "45",
            "全县高新技术企业达到45家",
            extra,
        )
    };
    // No basis: passes, with a warning that names both years.
    let s = site("某县科技工作情况", date, body, &fig("2022", ""));
    let checked = indicity::check(s.path()).expect("passes");
    let warning = checked
        .warnings
        .0
        .iter()
        .find(|d| d.code == indicity::diagnostics::Code::W007)
        .expect("W007");
    assert!(
        warning.message.contains("2022年、2023年"),
        "{}",
        warning.message
    );
    // A basis makes the reading explicit, and holds the period to it.
    let basis = "      period_from: previous-year\n";
    let s = site("某县科技工作情况", date, body, &fig("2022", basis));
    let checked = indicity::check(s.path()).expect("passes");
    assert!(
        !checked
            .warnings
            .0
            .iter()
            .any(|d| d.code == indicity::diagnostics::Code::W007)
    );
    assert_eq!(
        codes(body, date, &fig("2023", basis)),
        vec!["E034".to_string()]
    );
    assert_eq!(
        codes(body, date, &fig("2022", "      period_from: date\n")),
        vec!["E034".to_string()]
    );
    // The text around the quote wins over any basis.
    let stated = "2021年,全县高新技术企业达到45家。";
    assert_eq!(
        codes(stated, date, &fig("2022", basis)),
        vec!["E032".to_string()]
    );
    // A title's year.
    assert_eq!(
        codes_titled(
            "某县2021年科技工作总结",
            body,
            date,
            &fig("2021", "      period_from: title\n")
        ),
        Vec::<String>::new()
    );
}

#[test]
fn a_judgement_dates_only_what_nothing_in_the_article_dates() {
    let body = "目前,全县高新技术企业达到45家。";
    let fig = |extra: &str| {
        figure(
            "high_tech_enterprises",
            "2023",
            "45",
            "全县高新技术企业达到45家",
            extra,
        )
    };
    let judged = "      period_from: {judgement: \"下文的计划以2024年为明年\"}\n";
    // Undated: no year anywhere is E037, unless the curator says why.
    assert_eq!(codes(body, None, &fig("")), vec!["E037".to_string()]);
    let s = site("某县科技工作情况", None, body, &fig(judged));
    assert_eq!(errors(s.path()), vec![]);
    let out = crate::common::indicity(s.path(), &["check"]);
    assert!(
        crate::common::stderr(&out).contains("1 with the period read by judgement"),
        "{}",
        crate::common::stderr(&out)
    );
    // A judgement never hides a year the text states.
    let stated = "2021年,全县高新技术企业达到45家。";
    assert_eq!(codes(stated, None, &fig(judged)), vec!["E032".to_string()]);
}

#[test]
fn an_address_basis_reads_the_year_the_address_carries() {
    let body = "今年以来,全县新认定高新技术企业12家。";
    let fig = |period: &str| {
        figure(
            "high_tech_enterprises_new",
            period,
            "12",
            "全县新认定高新技术企业12家",
            "      period_from: address\n",
        )
    };
    let with_url = |period: &str, url: &str| {
        let s = site("某县科技工作情况", None, body, &fig(period));
        let article = s.path().join("content/articles/xian/undated-bao-gao.md");
        let text = fs::read_to_string(&article).unwrap();
        fs::write(
            &article,
            text.replace("city: xian\n", &format!("city: xian\nurl: {url}\n")),
        )
        .unwrap();
        errors(s.path())
            .into_iter()
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
    };
    let url = "https://kjj.example.gov.cn/xwdt/202309/t20230915_1234.html";
    assert_eq!(with_url("2023", url), Vec::<String>::new());
    assert_eq!(with_url("2022", url), vec!["E034".to_string()]);
    assert_eq!(
        with_url("2023", "https://kjj.example.gov.cn/xwdt/t1234.html"),
        vec!["E034".to_string()]
    );
}

#[test]
fn readers_see_how_a_period_was_read() {
    let body = "全县高新技术企业达到45家。";
    let s = site(
        "某县科技工作情况",
        Some("2023-01-15"),
        body,
        &figure(
            "high_tech_enterprises",
            "2022",
            "45",
            "全县高新技术企业达到45家",
            "      period_from: previous-year\n",
        ),
    );
    let out = crate::common::build(s.path());
    let page = crate::common::html(&out, "cities/xian/index.html");
    let shown: Vec<String> = page
        .select(&crate::common::sel(".period-from"))
        .map(|e| e.text().collect())
        .collect();
    assert!(
        shown.iter().any(|t| t == "期间依据：文章日期的上一年"),
        "{shown:?}"
    );
    let csv = fs::read_to_string(out.join("data/figures.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .collect();
    let col = header
        .iter()
        .position(|h| *h == "period_from")
        .expect("a period_from column");
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(row[col], "previous-year");
}
