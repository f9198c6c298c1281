//! `extract`, `init` and `new place`, run as a curator runs them, on invented
//! articles that reproduce the shapes of real reports.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn indicity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_indicity"))
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A new site (by `init`) with one place and one article of `body`.
fn site(dir: &Path, place: &str, body: &str) {
    let root = dir.to_str().unwrap();
    let o = indicity(&["init", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    fs::remove_file(dir.join("content/cities/example.yaml")).unwrap();
    fs::remove_dir_all(dir.join("content/articles/example")).unwrap();
    fs::write(dir.join("content/cities/demo.yaml"), place).unwrap();
    fs::create_dir_all(dir.join("content/articles/demo")).unwrap();
    fs::write(
        dir.join("content/articles/demo/2024-01-20-report.md"),
        format!(
            "---\ntitle: 示例区科技局2023年工作总结\ndate: 2024-01-20\ncity: demo\n---\n\n{body}\n"
        ),
    )
    .unwrap();
}

const PLACE: &str = "# 示例区: hand-formatted, with comments that must survive.\nname: 示例区\nname_en: Demo\nprovince: 示例省\nlevel: district\nparent: 示例市\n";

/// The proposals of one article, as (indicator, period, value, status, bound) lines.
fn proposals(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), PLACE, body);
    let o = indicity(&[
        "extract",
        "demo/2024-01-20-report",
        "--root",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

use crate::common::printed_figures as parsed;

fn has(
    found: &[(String, String, f64, String, String)],
    ind: &str,
    period: &str,
    value: f64,
) -> bool {
    found
        .iter()
        .any(|f| f.0 == ind && f.1 == period && (f.2 - value).abs() < 1e-9)
}

#[test]
fn reads_values_indicators_periods_status_and_bounds() {
    let printed = proposals(
        "2023年，全区高新技术企业总数达215家，较2022年净增31家；新增科技型中小企业38家。\n\n全区技术合同成交额12.5亿元，同比增长18.2%。全社会研发经费投入近3亿元。\n\n2024年，力争高新技术企业突破260家。",
    );
    let found = parsed(&printed);
    assert!(
        has(&found, "high_tech_enterprises", "2023", 215.0),
        "{printed}"
    );
    assert!(
        has(&found, "high_tech_enterprises_net_increase", "2023", 31.0),
        "{printed}"
    );
    assert!(has(&found, "tech_smes_new", "2023", 38.0), "{printed}");
    assert!(
        has(&found, "tech_contract_turnover", "2023", 12.5),
        "{printed}"
    );
    assert!(
        has(&found, "tech_contract_growth", "2023", 18.2),
        "{printed}"
    );
    let rd = found.iter().find(|f| f.0 == "rd_spending").expect(&printed);
    assert_eq!((rd.2, rd.4.as_str()), (3.0, "~"), "{printed}");
    let target = found
        .iter()
        .find(|f| f.0 == "high_tech_enterprises" && f.1 == "2024")
        .expect(&printed);
    assert_eq!(
        (target.2, target.3.as_str(), target.4.as_str()),
        (260.0, "target", ">")
    );
}

#[test]
fn years_ordinals_phones_ranks_and_rates_are_not_figures() {
    let printed = proposals(
        "举办第32期高新技术企业培训班，咨询电话88812345。全区高新技术企业数量全市排名第2。高新技术企业认定年度任务完成率107%。2023年全区召开科技大会。",
    );
    let found = parsed(&printed);
    assert!(found.is_empty(), "{printed}");
    for n in ["32", "88812345", "107", "2023"] {
        assert!(
            !found.iter().any(|f| f.2.to_string() == n),
            "{n} proposed: {printed}"
        );
    }
}

#[test]
fn a_half_year_and_a_number_before_its_noun() {
    let printed = proposals("上半年，全区新认定12家高新技术企业，新增国家级众创空间2家。");
    let found = parsed(&printed);
    assert!(
        has(&found, "high_tech_enterprises_new", "2023-H1", 12.0),
        "{printed}"
    );
    assert!(
        has(&found, "makerspaces", "2023-H1", 2.0) || found.iter().any(|f| f.2 == 2.0),
        "{printed}"
    );
}

#[test]
fn write_keeps_the_file_byte_for_byte_and_what_it_adds_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let place = format!(
        "{PLACE}figures:\n  # counted at year end\n  high_tech_enterprises:\n  - period: 2022   # hand-indented\n    value: 184\n    source: demo/2024-01-20-report\n    quote: 2022年的184家\n\n# the end\n"
    );
    site(
        dir.path(),
        &place,
        "全区高新技术企业由2022年的184家增加到2023年的215家。2023年，新增科技型中小企业38家，技术合同成交额12.5亿元。",
    );
    let root = dir.path().to_str().unwrap();
    let o = indicity(&["check", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = indicity(&[
        "extract",
        "demo/2024-01-20-report",
        "--root",
        root,
        "--write",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = fs::read_to_string(dir.path().join("content/cities/demo.yaml")).unwrap();
    assert!(after.len() > place.len(), "nothing added: {}", stderr(&o));
    // Every line of the file is still there, in order, and only whole lines were added.
    let mut original = place.split_inclusive('\n').peekable();
    for line in after.split_inclusive('\n') {
        if original.peek() == Some(&line) {
            original.next();
        }
    }
    assert_eq!(
        original.next(),
        None,
        "a line was lost or changed:\n{after}"
    );
    let o = indicity(&["check", "--root", root]);
    assert!(o.status.success(), "{}\n{after}", stderr(&o));
    // Once written, nothing is proposed twice.
    let o = indicity(&["extract", "demo/2024-01-20-report", "--root", root]);
    assert!(parsed(&stdout(&o)).is_empty(), "{}", stdout(&o));
    assert!(stdout(&o).contains("already recorded"), "{}", stdout(&o));
}

#[test]
fn a_recorded_figure_that_contradicts_the_article_is_pointed_out() {
    let dir = tempfile::tempdir().unwrap();
    let place = format!(
        "{PLACE}figures:\n  tech_smes_new:\n    - period: 2023\n      value: 83\n      source: demo/2024-01-20-report\n      quote: 新增科技型中小企业38家\n"
    );
    site(dir.path(), &place, "2023年，新增科技型中小企业38家。");
    let o = indicity(&[
        "extract",
        "demo/2024-01-20-report",
        "--root",
        dir.path().to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert!(out.contains("contradiction") && out.contains("83"), "{out}");
    assert!(parsed(&out).is_empty(), "{out}");
}

#[test]
fn init_then_build_and_check_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let root = root.to_str().unwrap();
    assert!(indicity(&["init", root]).status.success());
    let o = indicity(&["check", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = indicity(&["build", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("site/public/index.html").is_file());
    // Never over an existing site.
    let o = indicity(&["init", root]);
    assert_eq!(o.status.code(), Some(2));
}

/// The ids of a catalogue: its top-level keys.
fn catalogue_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '#']) && l.ends_with(':'))
        .map(|l| l.trim_end_matches(':').to_string())
        .collect()
}

#[test]
fn init_offers_the_whole_catalogue_or_a_starter_set() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = catalogue_ids(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/indicators.yaml"))
            .unwrap(),
    );
    for (flags, want) in [(&[][..], bundled.len()), (&["--starter"][..], 12)] {
        let root = dir.path().join(format!("site{}", flags.len()));
        let root = root.to_str().unwrap();
        let mut args = vec!["init", root];
        args.extend(flags);
        assert!(indicity(&args).status.success());
        let ids =
            catalogue_ids(&fs::read_to_string(format!("{root}/content/indicators.yaml")).unwrap());
        assert_eq!(ids.len(), want, "{flags:?}: {ids:?}");
        assert!(ids.iter().all(|id| bundled.contains(id)), "{ids:?}");
        for core in [
            "high_tech_enterprises",
            "tech_smes",
            "rd_spending",
            "incubators",
        ] {
            assert!(ids.iter().any(|id| id == core), "{flags:?} lacks {core}");
        }
        let o = indicity(&["build", "--root", root]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(bundled.len() > 100, "{}", bundled.len());
}

#[test]
fn new_place_from_the_gazetteer_and_refuses_an_ambiguous_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    assert!(indicity(&["init", root]).status.success());
    let o = indicity(&["new", "place", "鼓楼区", "--root", root]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for c in ["福州市鼓楼区", "南京市鼓楼区", "350102"] {
        assert!(err.contains(c), "{err}");
    }
    assert!(!dir.path().join("content/cities/gulou.yaml").exists());
    let o = indicity(&["new", "place", "福州市鼓楼区", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    let y = fs::read_to_string(dir.path().join("content/cities/gulou.yaml")).unwrap();
    assert!(
        y.contains("code: \"350102\"")
            && y.contains("parent: 福州市")
            && y.contains("level: district"),
        "{y}"
    );
    let o = indicity(&["check", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
}

const PIECES: &[&str] = &[
    "高新技术企业",
    "高企",
    "新增",
    "净增",
    "新认定",
    "科技型中小企业",
    "技术合同成交额",
    "研发经费投入",
    "研发投入强度",
    "同比增长",
    "下降",
    "突破",
    "近",
    "以上",
    "左右",
    "力争",
    "目标",
    "2023年",
    "2024年",
    "较2022年",
    "上半年",
    "1-5月",
    "5月",
    "今年",
    "去年",
    "，",
    "。",
    "；",
    "、",
    "(",
    ")",
    "其中",
    "12",
    "3.5",
    "1.2万",
    "两",
    "亿元",
    "万元",
    "家",
    "%",
    "个",
    "项",
    "人",
    "第",
    "全市",
    "排名",
    "电话",
    "88812345",
    "-",
    "—",
    "至",
    "多",
    "余",
    "国家级",
    "省级",
    "众创空间",
    "孵化器",
    "达",
    "总数",
    "\n\n",
    "## ",
    "完成率",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..Default::default()
    })]

    /// Whatever an article says, `extract` never panics, and everything it proposes
    /// (the unsure ones included) passes `check` once written.
    #[test]
    fn every_proposal_passes_check(parts in proptest::collection::vec(0..PIECES.len(), 1..120)) {
        let body: String = parts.iter().map(|&i| PIECES[i]).collect();
        let dir = tempfile::tempdir().unwrap();
        site(dir.path(), PLACE, &body);
        let (loaded, _) = indicity::content::load_uncached(dir.path());
        let ex = indicity::extract::extract(&loaded, "demo/2024-01-20-report", None, &[]).unwrap();
        let all: Vec<_> = ex.proposals.iter().chain(&ex.unsure).cloned().collect();
        let path = dir.path().join("content/cities/demo.yaml");
        let (merged, _) = indicity::extract::write::merge(PLACE, &all).unwrap();
        fs::write(&path, &merged).unwrap();
        let checked = indicity::check(dir.path());
        let errors = match &checked {
            Ok(_) => String::new(),
            Err(indicity::Error::Content(d)) => d.render(false),
            Err(e) => e.to_string(),
        };
        proptest::prop_assert!(checked.is_ok(), "{body}\n{merged}\n{errors}");
    }
}

const REPORT: &str =
    "2023年，全区新增国家高新技术企业85家，高新技术企业总数达到620家。全区科技型中小企业达1200家。";

/// A site whose place file is `place` (with the report as its only article), and
/// the path of that place file.
fn place_site(dir: &Path, place: &str) -> std::path::PathBuf {
    site(dir, place, REPORT);
    dir.join("content/cities/demo.yaml")
}

fn extract_write(dir: &Path) -> Output {
    indicity(&[
        "extract",
        "--root",
        dir.to_str().unwrap(),
        "--write",
        "demo/2024-01-20-report",
    ])
}

#[test]
fn a_newcomers_new_place_takes_extract_write() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    assert!(indicity(&["init", root]).status.success());
    let o = indicity(&["new", "place", "瓯海区", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    let raw = dir.path().join("page.txt");
    fs::write(
        &raw,
        format!("瓯海区科技局2023年工作总结\n发布时间：2024-01-10\n\n{REPORT}\n"),
    )
    .unwrap();
    let o = indicity(&[
        "clean",
        "--root",
        root,
        "--city",
        "ouhai",
        raw.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let article = fs::read_dir(dir.path().join("content/articles/ouhai"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let o = indicity(&[
        "extract",
        "--root",
        root,
        "--write",
        article.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("added 3 figures"), "{}", stderr(&o));
    let o = indicity(&["check", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("6 figures") || stderr(&o).contains("5 figures"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn write_merges_into_every_shape_of_place_file_or_says_why_not() {
    let head = "name: 示例区\nname_en: Demo\nprovince: 浙江省\nlevel: district\n";
    for (shape, place) in [
        (
            "CRLF",
            format!("{head}figures:\n  incubators: []\n").replace('\n', "\r\n"),
        ),
        ("CR", format!("{head}figures: {{}}\n").replace('\n', "\r")),
        ("empty flow", format!("{head}figures: {{}}\n")),
        ("quoted key", format!("{head}\"figures\":\n")),
        ("tagged map", format!("{head}figures: !!map\n")),
        ("with BOM", format!("\u{feff}{head}")),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = place_site(dir.path(), &place);
        let o = extract_write(dir.path());
        assert!(o.status.success(), "{shape}: {}", stderr(&o));
        let after = fs::read_to_string(&path).unwrap();
        let plain = place.trim_start_matches('\u{feff}');
        if shape.starts_with("CR") {
            // Every line the file had, in its own line breaks.
            let eol = if shape == "CRLF" { "\r\n" } else { "\r" };
            assert!(
                after.starts_with(&place[..place.find("figures").unwrap()]),
                "{shape}"
            );
            assert!(
                !after.replace(eol, "").contains(['\n', '\r']),
                "{shape}: {after:?}"
            );
        } else {
            assert!(
                after.contains(&plain[..plain.find("level").unwrap()]),
                "{shape}"
            );
        }
        let o = indicity(&["check", "--root", dir.path().to_str().unwrap()]);
        assert!(o.status.success(), "{shape}: {}", stderr(&o));
        assert!(stderr(&o).contains("3 figures"), "{shape}: {}", stderr(&o));
    }
    // An indicator written as a flow list: the real reason, and nothing written.
    let place = format!(
        "{head}figures:\n  tech_smes: [{{period: 2022, value: 1000, source: demo/2024-01-20-report, quote: x}}]\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = place_site(dir.path(), &place);
    let o = extract_write(dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("`tech_smes:` on line 6 is written in flow style")
            && !err.contains("changed while"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), place);
}

#[cfg(unix)]
#[test]
fn write_keeps_the_files_mode_and_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt as _;
    let head = "name: 示例区\nname_en: Demo\nprovince: 浙江省\nlevel: district\n";
    for mode in [0o644, 0o640, 0o664] {
        let dir = tempfile::tempdir().unwrap();
        let path = place_site(dir.path(), head);
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        let o = extract_write(dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            mode
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = place_site(dir.path(), head);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let o = extract_write(dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is read-only"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&path).unwrap(), head);
}

/// An edit racing `extract --write`: a line appended to the place file at a moment
/// anywhere in the command's run. Whatever the moment, the edit survives; the
/// command either adds its figures too or fails saying the file changed.
#[test]
fn an_edit_made_while_extract_writes_is_never_lost() {
    let head = "name: 示例区\nname_en: Demo\nprovince: 浙江省\nlevel: district\n";
    let dir = tempfile::tempdir().unwrap();
    let path = place_site(dir.path(), head);
    // How long a run takes here, to spread the edits over it.
    let t = std::time::Instant::now();
    assert!(extract_write(dir.path()).status.success());
    let run = t.elapsed().as_micros() as u64;
    for trial in 0..40u64 {
        fs::write(&path, head).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_indicity"))
            .args(["extract", "--root", dir.path().to_str().unwrap(), "--write"])
            .arg("demo/2024-01-20-report")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Spread over the run and a little past it, by a fixed pseudo-random walk.
        let delay = (trial * 7919 % 41) * run / 32;
        std::thread::sleep(std::time::Duration::from_micros(delay));
        let edit = format!("# edit {trial}\n");
        fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, edit.as_bytes()))
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&edit),
            "trial {trial}: the edit was lost:\n{text}"
        );
        if o.status.success() {
            assert!(text.contains("value: 620"), "trial {trial}: {text}");
        } else {
            assert!(
                stderr(&o).contains("changed while extract"),
                "{}",
                stderr(&o)
            );
            assert!(!text.contains("value: 620"), "trial {trial}: {text}");
        }
    }
}

/// `--new-indicators`: a number no indicator explains becomes a catalogue entry in one
/// step, the catalogue keeps every byte it had, and the next run assigns the number.
#[test]
fn new_indicators_become_catalogue_entries_the_next_run_assigns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    assert!(indicity(&["init", "--starter", root]).status.success());
    assert!(
        indicity(&["new", "place", "瓯海区", "--root", root])
            .status
            .success()
    );
    let article = dir
        .path()
        .join("content/articles/ouhai/2024-01-20-report.md");
    fs::create_dir_all(article.parent().unwrap()).unwrap();
    fs::write(
        &article,
        "---\ntitle: 瓯海区科技工作总结\ndate: 2024-01-20\ncity: ouhai\n---\n\n2023年，全区建成院士专家工作站12个，新增技术转移示范机构3家。\n",
    )
    .unwrap();
    let catalogue = dir.path().join("content/indicators.yaml");
    let before = fs::read_to_string(&catalogue).unwrap();
    let id = "ouhai/2024-01-20-report";
    // Before: nothing proposed, both numbers unassigned.
    let o = indicity(&["extract", "--root", root, id]);
    let said = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(said.contains("unassigned"), "{said}");
    assert!(!said.contains("value: 12"), "{said}");
    // Printed, nothing written.
    let o = indicity(&["extract", "--root", root, "--new-indicators", id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let printed = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(printed.contains("name: 院士专家工作站数"), "{printed}");
    assert!(
        printed.contains("name: 新增技术转移示范机构数"),
        "{printed}"
    );
    assert!(printed.contains("group: platforms"), "{printed}");
    assert_eq!(fs::read_to_string(&catalogue).unwrap(), before);
    // Written: appended after every byte of the catalogue.
    let o = indicity(&["extract", "--root", root, "--new-indicators", "--write", id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = fs::read_to_string(&catalogue).unwrap();
    assert!(after.starts_with(&before), "the catalogue lost bytes");
    assert!(stderr(&o).contains("added 2 indicators"), "{}", stderr(&o));
    // The next run assigns both, and they pass check once written.
    let o = indicity(&["extract", "--root", root, "--write", id]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("added 2 figures"), "{}", stderr(&o));
    let o = indicity(&["check", "--root", root]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A second `--new-indicators` has nothing left to add.
    let o = indicity(&["extract", "--root", root, "--new-indicators", id]);
    assert!(stderr(&o).contains("nothing to add"), "{}", stderr(&o));
}
