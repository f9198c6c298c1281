//! The checker on the shapes real articles date their figures with, each in an
//! article written for the test (invented sentences, real shapes): the right period
//! passes, a wrong one is refused at its line, and nothing the text does not date
//! passes silently.

use std::fs;
use std::path::Path;

/// A site with one place and one article (`title`, `date`, `body`) and the figures
/// given as YAML lines under `figures:`.
pub(crate) fn site(
    title: &str,
    date: Option<&str>,
    body: &str,
    figures: &str,
) -> tempfile::TempDir {
    let site = crate::common::site_copy();
    let root = site.path();
    fs::remove_dir_all(root.join("content/articles")).unwrap();
    for f in fs::read_dir(root.join("content/cities")).unwrap() {
        fs::remove_file(f.unwrap().path()).unwrap();
    }
    let name = match date {
        Some(d) => format!("{d}-bao-gao"),
        None => "undated-bao-gao".to_string(),
    };
    let dir = root.join("content/articles/xian");
    fs::create_dir_all(&dir).unwrap();
    let date_line = date.map_or(String::new(), |d| format!("date: {d}\n"));
    fs::write(
        dir.join(format!("{name}.md")),
        format!("---\ntitle: {title}\n{date_line}city: xian\n---\n\n{body}\n"),
    )
    .unwrap();
    let figures = figures.replace("SOURCE", &format!("xian/{name}"));
    fs::write(
        root.join("content/cities/xian.yaml"),
        format!("name: 某县\nname_en: Mouxian\nprovince: 某省\nlevel: county\nfigures:\n{figures}"),
    )
    .unwrap();
    site
}

/// The error codes `check` reports for the site, with their lines.
pub(crate) fn errors(root: &Path) -> Vec<(String, usize)> {
    match indicity::check(root) {
        Ok(_) => Vec::new(),
        Err(indicity::Error::Content(d)) => d
            .errors()
            .map(|e| {
                let line = e.location.as_ref().map_or(0, |l| l.line_col().0);
                (e.code.to_string(), line)
            })
            .collect(),
        Err(e) => panic!("{e}"),
    }
}

pub(crate) fn figure(
    indicator: &str,
    period: &str,
    value: &str,
    quote: &str,
    extra: &str,
) -> String {
    format!(
        "  {indicator}:\n    - period: {period}\n      value: {value}\n{extra}      source: SOURCE\n      quote: {quote}\n"
    )
}

/// An article and one figure of it.
struct Case<'a> {
    title: &'a str,
    date: Option<&'a str>,
    body: &'a str,
    indicator: &'a str,
    value: &'a str,
    quote: &'a str,
    /// More lines of the figure (`status`, `bound`).
    extra: &'a str,
}

impl Case<'_> {
    /// The figure with the `right` period passes; with each wrong one it is refused
    /// at its period's line (line 7 of the place file) with the code given.
    fn holds(&self, right: &str, wrong: &[(&str, &str)]) {
        let with = |period: &str| {
            site(
                self.title,
                self.date,
                self.body,
                &figure(self.indicator, period, self.value, self.quote, self.extra),
            )
        };
        let s = with(right);
        assert_eq!(
            errors(s.path()),
            vec![],
            "{right} should pass: {}",
            self.body
        );
        for (period, code) in wrong {
            let s = with(period);
            assert_eq!(
                errors(s.path()),
                vec![(code.to_string(), 7)],
                "{period} should be {code}: {}",
                self.body
            );
        }
    }
}

impl Case<'_> {
    /// No period passes: each is refused at its line with the code given.
    fn holds_not(&self, wrong: &[(&str, &str)]) {
        for (period, code) in wrong {
            let s = site(
                self.title,
                self.date,
                self.body,
                &figure(self.indicator, period, self.value, self.quote, self.extra),
            );
            assert_eq!(
                errors(s.path()),
                vec![(code.to_string(), 7)],
                "{period} should be {code}: {}",
                self.body
            );
        }
    }
}

const TARGET_ABOVE: &str = "      status: target\n      bound: \">\"\n";

#[test]
fn a_year_opening_a_clause_governs_that_clause_only() {
    let body =
        "2022年全县研发经费投入强度达3.1%;全年新增国家高新技术企业120家,科技型中小企业再创新高。";
    let case = |indicator, value, quote| Case {
        title: "2023年科技创新工作报告",
        date: None,
        body,
        indicator,
        value,
        quote,
        extra: "",
    };
    case(
        "high_tech_enterprises_new",
        "120",
        "全年新增国家高新技术企业120家",
    )
    .holds("2023", &[("2022", "E032")]);
    case("rd_intensity", "3.1", "研发经费投入强度达3.1%").holds("2022", &[("2023", "E032")]);
}

#[test]
fn last_year_in_the_opening_does_not_date_this_years_figures() {
    Case {
        title: "某县科技工作稳中有进",
        date: Some("2020-12-09"),
        body: "去年以来,全县坚持创新驱动发展战略,科技工作取得新进展,各项指标稳中有进,创新生态持续优化。\n\n至年底,全县国家高新技术企业将突破300家。",
        indicator: "high_tech_enterprises",
        value: "300",
        quote: "国家高新技术企业将突破300家",
        extra: TARGET_ABOVE,
    }
    .holds("2020", &[("2019", "E032")]);
}

#[test]
fn base_and_start_years_are_not_the_figures_period() {
    let plan =
        "到2027年,全县高新技术企业和科技型企业在2022年的基础上实现“双倍增”,分别超过90家和870家。";
    let target = |indicator, value, quote| Case {
        title: "某县科技创新行动方案",
        date: Some("2023-06-16"),
        body: plan,
        indicator,
        value,
        quote,
        extra: TARGET_ABOVE,
    };
    target("high_tech_enterprises", "90", "分别超过90家").holds("2027", &[("2022", "E032")]);
    // The bound word before the list bounds its second number too.
    target("tech_smes", "870", "870家").holds("2027", &[("2022", "E032")]);
    let grown = "全县技术合同成交额由2014年的120亿元增长到目前的480.5亿元,年均增长15%。";
    let actual = |value, quote| Case {
        title: "某县技术市场发展纪实",
        date: Some("2023-03-01"),
        body: grown,
        indicator: "tech_contract_turnover",
        value,
        quote,
        extra: "",
    };
    actual("480.5", "增长到目前的480.5亿元").holds("2022", &[("2014", "E032")]);
    actual("120", "由2014年的120亿元").holds("2014", &[("2015", "E032")]);
}

#[test]
fn a_paragraphs_opening_frame_dates_its_later_sentences() {
    Case {
        title: "科技创新成效明显",
        date: None,
        body: "2023年,全县科技创新工作成效明显,创新主体持续壮大。全县国家高新技术企业达到512家,科技型中小企业入库备案800家。",
        indicator: "high_tech_enterprises",
        value: "512",
        quote: "国家高新技术企业达到512家",
        extra: "",
    }
    .holds("2023", &[("2022", "E032"), ("2024", "E032")]);
}

#[test]
fn a_figure_nothing_dates_cannot_be_verified() {
    let body = "全县国家高新技术企业达到512家,科技型中小企业入库备案800家。";
    Case {
        title: "科技创新成效明显",
        date: Some("2023-09-01"),
        body,
        indicator: "high_tech_enterprises",
        value: "512",
        quote: "国家高新技术企业达到512家",
        extra: "",
    }
    .holds("2023", &[("2022", "E032")]);
    let s = site(
        "科技创新成效明显",
        None,
        body,
        &figure(
            "high_tech_enterprises",
            "2023",
            "512",
            "国家高新技术企业达到512家",
            "",
        ),
    );
    assert_eq!(errors(s.path()), vec![("E037".to_string(), 7)]);
}

#[test]
fn measure_words_of_a_unit_count_alike() {
    let summary = |body, indicator, value, quote| Case {
        title: "2023年工作总结",
        date: None,
        body,
        indicator,
        value,
        quote,
        extra: "",
    };
    let body = "2023年,全县新培育国家高新技术企业37户,总数达828户;市级及以上科技企业孵化器35个。";
    summary(body, "high_tech_enterprises", "828", "总数达828户").holds("2023", &[]);
    summary(body, "incubators", "35", "市级及以上科技企业孵化器35个").holds("2023", &[]);
    // The unit's own word wins: in 个, "机构2家、在孵企业258个" is the 258.
    Case {
        title: "2023年上半年工作总结",
        date: None,
        body: "上半年,全县招引专业运营机构2家,新增在孵企业(团队)258个。",
        indicator: "incubated_enterprises_new",
        value: "258",
        quote: "招引专业运营机构2家,新增在孵企业(团队)258个",
        extra: "",
    }
    .holds("2023-H1", &[]);
}

const NO_NUMBER: &str = "近年来,全县坚持把众创空间建设作为推动高质量发展的重要抓手,取得明显成效。";

#[test]
fn a_number_stated_only_in_the_headline_is_quoted_from_it() {
    Case {
        title: "2023年我县9家众创空间齐头并进",
        date: None,
        body: NO_NUMBER,
        indicator: "makerspaces",
        value: "9",
        quote: "9家众创空间",
        extra: "",
    }
    .holds("2023", &[("2022", "E032")]);
}

#[test]
fn the_headline_quote_is_marked_in_the_articles_title() {
    let s = site(
        "2023年我县9家众创空间齐头并进",
        None,
        NO_NUMBER,
        &figure("makerspaces", "2023", "9", "9家众创空间", ""),
    );
    let out = crate::common::build(s.path());
    let page = crate::common::html(&out, "articles/xian/undated-bao-gao/index.html");
    let marked: Vec<String> = page
        .select(&crate::common::sel("h1 mark"))
        .map(|m| m.text().collect())
        .collect();
    assert_eq!(marked, vec!["9家众创空间"]);
}

#[test]
fn a_series_an_earlier_sentence_grows_through_reaches_its_last_item() {
    // `增长到2018年的…、2019年的…和2022年的…`: the paragraph has reached 2022, not 2018.
    Case {
        title: "某县科技型中小企业培育成效明显",
        date: None,
        body: "全县入库企业数量由2017年的20家,增长到2018年的40家、2019年的48家和2022年的191家。其中,企业拥有发明专利等一类知识产权69项。",
        indicator: "tech_problems_solved",
        value: "69",
        quote: "一类知识产权69项",
        extra: "",
    }
    .holds("2022", &[("2018", "E032"), ("2021", "E032")]);
}

#[test]
fn last_year_in_an_undated_article_cannot_be_verified() {
    // `上年度` with no date and no year in the title: no later frame may date it.
    Case {
        title: "某县科技型中小企业培育成效明显",
        date: None,
        body: "2023年,全县科技型中小企业达196家。全县入库企业上年度销售收入达37.13亿元,纳税总额1.66亿元。",
        indicator: "rd_spending",
        value: "37.13",
        quote: "上年度销售收入达37.13亿元",
        extra: "",
    }
    .holds_not(&[("2022", "E037"), ("2023", "E037")]);
    // With the article's date it reads as the year before.
    Case {
        title: "某县科技型中小企业培育成效明显",
        date: Some("2023-06-01"),
        body: "2023年,全县科技型中小企业达196家。全县入库企业上年度销售收入达37.13亿元,纳税总额1.66亿元。",
        indicator: "rd_spending",
        value: "37.13",
        quote: "上年度销售收入达37.13亿元",
        extra: "",
    }
    .holds("2022", &[("2023", "E032")]);
}
