//! How `extract` reads a figure as a careful curator does: lists, parts, stock and
//! flow, changes on a base, the frame that makes figures goals, the nearest level that
//! names a period, and numbers that belong to another place or another noun. Each
//! rule is a shape of wording, shown on an invented report with a case it must not
//! touch.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn indicity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(args)
        .output()
        .expect("runs")
}

/// (indicator, period, value, status)
type Fig = (String, String, f64, String);

/// A new site (by `init`) with the district 示例区 and one article of `body`, dated
/// `date`: the directory, and the article's id.
fn site(title: &str, date: &str, body: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    assert!(indicity(&["init", root]).status.success());
    write_place(dir.path(), "");
    fs::create_dir_all(dir.path().join("content/articles/demo")).unwrap();
    fs::write(
        dir.path()
            .join(format!("content/articles/demo/{date}-report.md")),
        format!("---\ntitle: {title}\ndate: {date}\ncity: demo\n---\n\n{body}\n"),
    )
    .unwrap();
    (dir, format!("demo/{date}-report"))
}

/// The place file of 示例区, with `figures` (YAML under `figures:`, or nothing).
fn write_place(dir: &Path, figures: &str) {
    let figures = if figures.is_empty() {
        String::new()
    } else {
        format!("figures:\n{figures}")
    };
    fs::write(
        dir.join("content/cities/demo.yaml"),
        format!(
            "name: 示例区\nname_en: Demo\nprovince: 示例省\nlevel: district\nparent: 示例市\n{figures}"
        ),
    )
    .unwrap();
}

/// The sure proposals `extract` prints for one invented article of a district.
fn read(title: &str, date: &str, body: &str) -> Vec<Fig> {
    let (dir, id) = site(title, date, body);
    let o = indicity(&["extract", &id, "--root", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    parse(&String::from_utf8_lossy(&o.stdout))
}

/// What `extract` printed, with the status written out (`actual` when left out).
fn parse(printed: &str) -> Vec<Fig> {
    crate::common::printed_figures(printed)
        .into_iter()
        .map(|(ind, period, value, status, _)| {
            let status = if status.is_empty() {
                "actual".into()
            } else {
                status
            };
            (ind, period, value, status)
        })
        .collect()
}

fn has(found: &[Fig], ind: &str, period: &str, value: f64, status: &str) -> bool {
    found
        .iter()
        .any(|f| f.0 == ind && f.1 == period && (f.2 - value).abs() < 1e-9 && f.3 == status)
}

fn value_read_as(found: &[Fig], value: f64) -> Vec<&str> {
    found
        .iter()
        .filter(|f| (f.2 - value).abs() < 1e-9)
        .map(|f| f.0.as_str())
        .collect()
}

const SUMMARY: &str = "示例区科技局2023年工作总结";

#[test]
fn a_list_pairs_each_number_with_its_own_noun() {
    let found = read(
        SUMMARY,
        "2024-01-20",
        "2023年，全区科技企业孵化器、众创空间分别达14个、41个，高新技术企业、科技型中小企业分别增长12.5%、30.2%。",
    );
    assert!(
        has(&found, "incubators", "2023", 14.0, "actual"),
        "{found:?}"
    );
    assert!(
        has(&found, "makerspaces", "2023", 41.0, "actual"),
        "{found:?}"
    );
    assert!(
        has(
            &found,
            "high_tech_enterprises_growth",
            "2023",
            12.5,
            "actual"
        ),
        "{found:?}"
    );
    assert!(
        has(&found, "tech_smes_growth", "2023", 30.2, "actual"),
        "{found:?}"
    );
    // The first number is never filed under the last noun.
    assert_eq!(value_read_as(&found, 14.0), ["incubators"], "{found:?}");
}

#[test]
fn a_list_of_levels_shares_its_noun_and_an_unpaired_list_is_left_alone() {
    let found = read(
        SUMMARY,
        "2024-01-20",
        "2023年，全区国家级、省级重点实验室分别达3家、12家。全区孵化器、众创空间分别达5个、8个、9个。",
    );
    assert!(
        has(&found, "key_labs_national", "2023", 3.0, "actual"),
        "{found:?}"
    );
    assert!(
        has(&found, "key_labs_provincial", "2023", 12.0, "actual"),
        "{found:?}"
    );
    // Three numbers for two nouns: no pairing, so 5 is not made a count of incubators.
    assert!(value_read_as(&found, 5.0).is_empty(), "{found:?}");
}

#[test]
fn new_is_a_flow_and_a_total_after_it_is_the_stock() {
    let found = read(
        SUMMARY,
        "2024-01-20",
        "2023年，全区新增高新技术企业40家，总数达到220家。",
    );
    assert!(
        has(&found, "high_tech_enterprises_new", "2023", 40.0, "actual"),
        "{found:?}"
    );
    assert!(
        has(&found, "high_tech_enterprises", "2023", 220.0, "actual"),
        "{found:?}"
    );
    // Negative: a stock stated alone stays a stock, and a place's own 市 is not a level.
    let found = read(
        SUMMARY,
        "2024-01-20",
        "截至2023年底，泉州市高新技术企业拥有量达到614家。",
    );
    assert!(
        has(&found, "high_tech_enterprises", "2023", 614.0, "actual"),
        "{found:?}"
    );
    assert_eq!(value_read_as(&found, 614.0).len(), 1, "{found:?}");
}

#[test]
fn a_change_on_a_base_is_the_net_change_never_the_value() {
    let found = read(
        SUMMARY,
        "2024-01-20",
        "2023年，全区高新技术企业达到215家，比上年增加31家。全区研发经费较上年增加1.1亿元。",
    );
    assert!(
        has(
            &found,
            "high_tech_enterprises_net_increase",
            "2023",
            31.0,
            "actual"
        ),
        "{found:?}"
    );
    assert!(value_read_as(&found, 1.1).is_empty(), "{found:?}");
    // Negative: the spending itself.
    let found = read(SUMMARY, "2024-01-20", "2023年，全区研发经费投入1.1亿元。");
    assert!(
        has(&found, "rd_spending", "2023", 1.1, "actual"),
        "{found:?}"
    );
}

#[test]
fn a_plan_frame_or_an_earlier_goal_makes_figures_targets() {
    let found = read(
        "示例区科技局2023年工作总结和2024年工作计划",
        "2024-01-20",
        "2023年，全区新增高新技术企业40家。\n\n二、2024年工作计划\n\n全区新增高新技术企业50家，技术合同成交额达到20亿元。\n\n2024年主要目标是：新增科技型中小企业60家。",
    );
    assert!(
        has(&found, "high_tech_enterprises_new", "2023", 40.0, "actual"),
        "{found:?}"
    );
    assert!(
        has(&found, "high_tech_enterprises_new", "2024", 50.0, "target"),
        "{found:?}"
    );
    assert!(
        has(&found, "tech_contract_turnover", "2024", 20.0, "target"),
        "{found:?}"
    );
    assert!(
        has(&found, "tech_smes_new", "2024", 60.0, "target"),
        "{found:?}"
    );
    // A goal stated earlier in the paragraph governs the next sentence, unless it
    // reports something done.
    let found = read(
        "示例区2024年科技工作安排",
        "2024-02-10",
        "2024年，全区力争新增高新技术企业35家。技术合同成交额达到20亿元。截至目前已新增科技型中小企业6家。",
    );
    assert!(
        has(&found, "tech_contract_turnover", "2024", 20.0, "target"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.0 == "tech_smes_new" && f.2 == 6.0 && f.3 == "actual"),
        "{found:?}"
    );
}

#[test]
fn a_period_after_the_document_can_only_be_a_goal() {
    let found = read(
        "示例区科技创新情况",
        "2023-03-10",
        "2025年，全区高新技术企业达到300家。2022年，全区高新技术企业达到180家。",
    );
    assert!(
        has(&found, "high_tech_enterprises", "2025", 300.0, "target"),
        "{found:?}"
    );
    assert!(
        has(&found, "high_tech_enterprises", "2022", 180.0, "actual"),
        "{found:?}"
    );
}

#[test]
fn the_nearest_level_that_names_a_period_wins() {
    // The title names halves; a sentence stating its own year or the whole year is not
    // about a half.
    let found = read(
        "示例区科技局2018年上半年工作总结和下半年工作计划",
        "2018-07-20",
        "上半年，全区新增高新技术企业8家，预计全年新增高新技术企业达16家，2017年全区新增高新技术企业3家。",
    );
    assert!(
        has(
            &found,
            "high_tech_enterprises_new",
            "2018-H1",
            8.0,
            "actual"
        ),
        "{found:?}"
    );
    assert!(
        has(&found, "high_tech_enterprises_new", "2018", 16.0, "target"),
        "{found:?}"
    );
    assert!(
        has(&found, "high_tech_enterprises_new", "2017", 3.0, "actual"),
        "{found:?}"
    );
}

#[test]
fn averages_other_places_and_several_years_are_not_the_places_figures() {
    let found = read(
        SUMMARY,
        "2024-01-20",
        "2023年，全国共登记技术合同95万项。全区研发经费投入年均增长15.9%。全区近三年新增高新技术企业60家。全区技术合同成交额12亿元，同比增长8%。",
    );
    assert!(value_read_as(&found, 950000.0).is_empty(), "{found:?}");
    assert!(value_read_as(&found, 15.9).is_empty(), "{found:?}");
    assert!(value_read_as(&found, 60.0).is_empty(), "{found:?}");
    // Negative: the place's own figures in the same article.
    assert!(
        has(&found, "tech_contract_turnover", "2023", 12.0, "actual"),
        "{found:?}"
    );
    assert!(
        has(&found, "tech_contract_growth", "2023", 8.0, "actual"),
        "{found:?}"
    );
}

#[test]
fn a_level_or_flow_the_catalogue_lacks_leaves_the_number_unassigned() {
    // No indicator counts new provincial key laboratories, nor makerspaces of 省级以上:
    // neither number is filed under the stock or the total.
    let found = read(
        SUMMARY,
        "2024-01-20",
        "2023年，全区新增省级重点实验室18家，省级以上众创空间25家，新增国家级众创空间2家。",
    );
    assert!(value_read_as(&found, 18.0).is_empty(), "{found:?}");
    assert!(value_read_as(&found, 25.0).is_empty(), "{found:?}");
    assert!(
        has(&found, "makerspaces_national_new", "2023", 2.0, "actual"),
        "{found:?}"
    );
}

#[test]
fn a_number_in_words_before_another_noun_counts_that_noun() {
    let found = read(
        SUMMARY,
        "2024-01-20",
        "对申请入库的科技型中小企业从研发、知识产权等八个方面进行指导。截至目前，全区已入库科技型中小企业166家。",
    );
    assert!(value_read_as(&found, 8.0).is_empty(), "{found:?}");
    assert!(
        found.iter().any(|f| f.0 == "tech_smes" && f.2 == 166.0),
        "{found:?}"
    );
}

/// `check` reads a list's order: a quote ending at the figure's number in
/// `A、B分别达X、Y` proves Y for B; the first number, or two numbers that are not one
/// list, are refused as before.
#[test]
fn check_takes_the_last_number_of_a_list_quote_and_nothing_else() {
    let (dir, _) = site(
        SUMMARY,
        "2024-01-20",
        "2023年，全区科技企业孵化器、众创空间分别达14个、41个。全区众创空间41个，孵化器14个。",
    );
    let check = |value: &str, quote: &str| {
        write_place(
            dir.path(),
            &format!(
                "  makerspaces:\n    - period: 2023\n      value: {value}\n      source: demo/2024-01-20-report\n      quote: {quote}\n"
            ),
        );
        let o = indicity(&["check", "--root", dir.path().to_str().unwrap()]);
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (ok, said) = check("41", "全区科技企业孵化器、众创空间分别达14个、41个");
    assert!(ok, "{said}");
    // The first number of the list is not the last member's.
    let (ok, said) = check("14", "全区科技企业孵化器、众创空间分别达14个、41个");
    assert!(!ok && said.contains("E036"), "{said}");
    // Two numbers that are not one list stay ambiguous.
    let (ok, said) = check("14", "全区众创空间41个，孵化器14个");
    assert!(!ok && said.contains("E036"), "{said}");
}

/// A recorded figure is contradicted only by a reading of the same indicator, period
/// and status: its growth rate, the new ones of the year, a part and next year's goal
/// never contradict it.
#[test]
fn only_the_same_indicator_period_and_status_contradicts() {
    let (dir, id) = site(
        SUMMARY,
        "2024-01-20",
        "2023年，全区高新技术企业总数达215家，同比增长12%，其中新增高新技术企业40家。2024年，力争全区高新技术企业达到260家。",
    );
    let extract = |recorded: &str| {
        write_place(
            dir.path(),
            &format!(
                "  high_tech_enterprises:\n    - period: 2023\n      value: {recorded}\n      source: demo/2024-01-20-report\n      quote: 全区高新技术企业总数达215家\n"
            ),
        );
        let o = indicity(&["extract", &id, "--root", dir.path().to_str().unwrap()]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let out = extract("215");
    assert!(!out.contains("contradict"), "{out}");
    let found = parse(&out);
    assert!(
        has(
            &found,
            "high_tech_enterprises_growth",
            "2023",
            12.0,
            "actual"
        ),
        "{found:?}"
    );
    assert!(
        has(&found, "high_tech_enterprises_new", "2023", 40.0, "actual"),
        "{found:?}"
    );
    assert!(
        has(&found, "high_tech_enterprises", "2024", 260.0, "target"),
        "{found:?}"
    );
    // A wrong recorded value is contradicted by its own reading, once.
    let out = extract("251");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("contradict")).collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].contains("215") && lines[0].contains("251"),
        "{out}"
    );
}

/// A kind of the indicator, an average, one company and a count of several nouns
/// together are not the indicator's figure; the totals beside them are.
#[test]
fn kinds_averages_single_companies_and_joint_counts_are_not_figures() {
    let found = read(
        SUMMARY,
        "2024-01-20",
        "2023年，全区登记技术合同1200项，其中电子信息类技术合同500项。全区科技型中小企业研发投入8.5亿元，平均每家科技型中小企业研发投入216.19万元。示例公司也是一家高新技术企业。全区建设省级以上科技企业孵化器、众创空间52家，新增省、市级众创空间各10家。",
    );
    assert!(
        has(&found, "tech_contract_count", "2023", 1200.0, "actual"),
        "{found:?}"
    );
    assert!(value_read_as(&found, 500.0).is_empty(), "{found:?}");
    assert!(value_read_as(&found, 0.021619).is_empty(), "{found:?}");
    assert!(value_read_as(&found, 1.0).is_empty(), "{found:?}");
    assert!(value_read_as(&found, 52.0).is_empty(), "{found:?}");
    // `各`: each member has the number, so it is read (here as the municipal ones).
    assert!(
        has(&found, "makerspaces_municipal_new", "2023", 10.0, "actual"),
        "{found:?}"
    );
}
