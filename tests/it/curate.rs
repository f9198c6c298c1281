//! The curation workbench of `indicity serve`: a curator records, edits, rejects and
//! adds an indicator in a real browser, and the files change by exactly that; a
//! write that does not come from a page this server served, or that would overwrite
//! a change made meanwhile, changes nothing.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::server::{Server, get, post};
use crate::common::{indicity, site_copy, stderr};

const FUZHOU: &str = "content/cities/fuzhou.yaml";
const ARTICLE: &str = "fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu";

/// 福州's place file with its name and no figures yet: where a curator starts.
fn empty_place(root: &Path) -> String {
    let text = fs::read_to_string(root.join(FUZHOU)).unwrap();
    let head: String = text
        .lines()
        .take_while(|l| !l.starts_with("figures:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let empty = format!("{head}figures:\n");
    fs::write(root.join(FUZHOU), &empty).unwrap();
    empty
}

/// The page's token and workbench data, as a browser gets them.
fn workbench(addr: &str) -> (String, serde_json::Value) {
    let page = get(addr, &format!("/articles/{ARTICLE}/")).text();
    let token = page
        .split("data-token=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the article page carries a token")
        .to_string();
    let json = page
        .split("id=\"indicity-bench\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("the article page carries the workbench");
    (
        token,
        serde_json::from_str(&json.replace("<\\/", "</")).unwrap(),
    )
}

fn number<'a>(bench: &'a serde_json::Value, text: &str) -> &'a serde_json::Value {
    bench["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["text"] == text)
        .unwrap_or_else(|| panic!("no number {text}"))
}

#[test]
fn a_curator_records_edits_rejects_and_adds_in_the_browser() {
    let repo = crate::common::repo();
    assert!(
        repo.join("node_modules/playwright-core").exists(),
        "playwright-core is not installed: run ./scripts/test"
    );
    let site = site_copy();
    let root = site.path();
    let before = empty_place(root);
    let catalogue = fs::read_to_string(root.join("content/indicators.yaml")).unwrap();
    let server = Server::start(root);
    let shot = repo.join("target/screenshots/curate.png");
    fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let run = Command::new("node")
        .arg(repo.join("tests/browser/curate.mjs"))
        .arg(&server.addr)
        .arg(root)
        .arg(ARTICLE)
        .arg(&shot)
        .current_dir(&repo)
        .output()
        .expect("cannot run node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    if !run.status.success() {
        let log = server.wait_log(std::time::Duration::from_secs(1), |_| false);
        panic!(
            "{stdout}\n{}\nthe server said:\n{}",
            String::from_utf8_lossy(&run.stderr),
            log.join("\n")
        );
    }
    println!("{stdout}");

    // The place file: what it was, and the three figures recorded, nothing else.
    let after = fs::read_to_string(root.join(FUZHOU)).unwrap();
    assert!(
        after.starts_with(&before),
        "a byte of the place file changed:\n{after}"
    );
    let added = &after[before.len()..];
    assert_eq!(
        added,
        "  high_tech_enterprises:\n    - period: 2022\n      value: 3759\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 国家高新技术企业总量达3759家\n\
         \x20 high_tech_enterprises_new:\n    - period: 2022\n      value: 1572\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 福州市共有1572家\n\
         \x20 high_tech_award_funds:\n    - period: 2021\n      value: 1.79\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 兑现2021年通过认定的高新技术企业奖励1.79亿元\n"
    );
    // The catalogue gained the new indicator at its end, every other byte kept.
    let now = fs::read_to_string(root.join("content/indicators.yaml")).unwrap();
    assert!(now.starts_with(&catalogue));
    assert!(
        now[catalogue.len()..]
            .contains("\nhigh_tech_award_funds:\n  name: \"高新技术企业认定奖励资金\"\n")
    );
    // The rejection is on file, and extract does not propose it again.
    let rejected = fs::read_to_string(root.join("content/rejected.yaml")).unwrap();
    assert!(
        rejected.contains("indicator: srdi_enterprises_new") && rejected.contains("value: 72"),
        "{rejected}"
    );
    let o = indicity(root, &["extract", ARTICLE]);
    let proposed = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", stderr(&o));
    let yaml: Vec<&str> = proposed.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        !yaml.iter().any(|l| l.contains("srdi_enterprises_new")),
        "{proposed}"
    );
    assert!(yaml.iter().any(|l| l.contains("tech_smes:")), "{proposed}");
    assert!(
        proposed.contains("# rejected in content/rejected.yaml: srdi_enterprises_new 2022 72"),
        "{proposed}"
    );

    let o = indicity(root, &["check"]);
    assert!(
        o.status.success(),
        "check fails after curation:\n{}",
        stderr(&o)
    );

    // `build`'s output has no trace of the workbench.
    let out = crate::common::build(root);
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = fs::read(entry.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for trace in [
            "ic-num",
            "indicity-bench",
            "/.indicity/",
            "curate.js",
            "data-token",
        ] {
            assert!(
                !text.contains(trace),
                "{} holds {trace}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn writes_from_anywhere_but_the_served_page_are_refused_and_change_nothing() {
    let site = site_copy();
    let root = site.path();
    let before = empty_place(root);
    let catalogue = fs::read_to_string(root.join("content/indicators.yaml")).unwrap();
    let server = Server::start(root);
    let addr = server.addr.clone();
    let (token, bench) = workbench(&addr);
    let n = number(&bench, "3759家");
    let body = serde_json::json!({
        "article": ARTICLE, "run": n["run"], "at": n["at"],
        "indicator": "high_tech_enterprises", "status": "actual", "base": bench["base"],
    })
    .to_string();
    let origin = format!("Origin: http://{addr}");
    let json = "Content-Type: application/json".to_string();
    let with_token = format!("X-Indicity-Token: {token}");
    let refused = |what: &str, headers: &[String], body: &str, status: u16| {
        let r = post(&addr, "/.indicity/curate/record", headers, body);
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert_eq!(
            fs::read_to_string(root.join(FUZHOU)).unwrap(),
            before,
            "{what} wrote"
        );
    };
    refused("no token", &[origin.clone(), json.clone()], &body, 403);
    refused(
        "another run's token",
        &[
            origin.clone(),
            json.clone(),
            format!("X-Indicity-Token: {}", "0".repeat(32)),
        ],
        &body,
        403,
    );
    refused(
        "another origin",
        &[
            "Origin: http://evil.example".into(),
            json.clone(),
            with_token.clone(),
        ],
        &body,
        403,
    );
    refused("no origin", &[json.clone(), with_token.clone()], &body, 403);
    refused(
        "a cross-site fetch",
        &[
            origin.clone(),
            json.clone(),
            with_token.clone(),
            "Sec-Fetch-Site: cross-site".into(),
        ],
        &body,
        403,
    );
    refused(
        "a form post",
        &[
            origin.clone(),
            "Content-Type: text/plain".into(),
            with_token.clone(),
        ],
        &body,
        415,
    );
    let ok = [origin.clone(), json.clone(), with_token.clone()];
    // Paths outside content: the endpoint names none, and an article id is not a path.
    let outside = body.replace(ARTICLE, "../../../../etc/passwd");
    refused("an article outside content", &ok, &outside, 422);
    let r = post(
        &addr,
        "/.indicity/curate/../../content/cities/fuzhou.yaml",
        &ok,
        &body,
    );
    assert_ne!(r.status, 200, "{}", r.text());
    // A figure check refuses: said, and nothing written.
    let wrong = body.replace("high_tech_enterprises", "rd_spending");
    refused("a figure check refuses", &ok, &wrong, 422);

    // The file changed on disk since the page was built: the edit stays.
    let edited = format!("{before}# 编者备注\n");
    fs::write(root.join(FUZHOU), &edited).unwrap();
    let r = post(&addr, "/.indicity/curate/record", &ok, &body);
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.text().contains("changed on disk"), "{}", r.text());
    assert_eq!(fs::read_to_string(root.join(FUZHOU)).unwrap(), edited);

    // The same request from the page, after it reloaded: written.
    server.wait_log(std::time::Duration::from_secs(30), |l| {
        l.contains("fuzhou.yaml")
    });
    let (token, bench) = workbench(&addr);
    let n = number(&bench, "3759家");
    let body = serde_json::json!({
        "article": ARTICLE, "run": n["run"], "at": n["at"],
        "indicator": "high_tech_enterprises", "status": "actual", "base": bench["base"],
    })
    .to_string();
    let ok = [
        origin.clone(),
        json.clone(),
        format!("X-Indicity-Token: {token}"),
    ];
    let r = post(&addr, "/.indicity/curate/record", &ok, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let after = fs::read_to_string(root.join(FUZHOU)).unwrap();
    let block = "  high_tech_enterprises:\n    - period: 2022\n      value: 3759\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 国家高新技术企业总量达3759家\n";
    assert_eq!(after.replacen(block, "", 1), edited, "{after}");
    assert_eq!(
        fs::read_to_string(root.join("content/indicators.yaml")).unwrap(),
        catalogue
    );
    assert!(!root.join("content/rejected.yaml").exists());

    // A place file that became a symbolic link to a file outside content/: never
    // written through.
    server.wait_log(std::time::Duration::from_secs(30), |l| {
        l.contains("fuzhou.yaml")
    });
    let (token, bench) = workbench(&addr);
    let n = number(&bench, "2437家");
    let body = serde_json::json!({
        "article": ARTICLE, "run": n["run"], "at": n["at"],
        "indicator": "tech_smes", "status": "actual", "base": bench["base"],
    })
    .to_string();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("fuzhou.yaml");
    fs::write(&target, &after).unwrap();
    fs::remove_file(root.join(FUZHOU)).unwrap();
    std::os::unix::fs::symlink(&target, root.join(FUZHOU)).unwrap();
    let ok = [
        origin.clone(),
        json.clone(),
        format!("X-Indicity-Token: {token}"),
    ];
    let r = post(&addr, "/.indicity/curate/record", &ok, &body);
    assert_ne!(r.status, 200, "{}", r.text());
    assert_eq!(fs::read_to_string(&target).unwrap(), after);
    assert!(
        fs::symlink_metadata(root.join(FUZHOU))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_server_other_machines_reach_writes_nothing_unless_told() {
    let site = site_copy();
    let root = site.path();
    let before = empty_place(root);
    let server = Server::start_with(root, &["--bind", "0.0.0.0"]);
    let addr = server.addr.replace("0.0.0.0", "127.0.0.1");
    let (token, bench) = workbench(&addr);
    let n = number(&bench, "3759家");
    let body = serde_json::json!({
        "article": ARTICLE, "run": n["run"], "at": n["at"],
        "indicator": "high_tech_enterprises", "status": "actual", "base": bench["base"],
    })
    .to_string();
    let headers = [
        format!("Origin: http://{addr}"),
        "Content-Type: application/json".to_string(),
        format!("X-Indicity-Token: {token}"),
    ];
    let r = post(&addr, "/.indicity/curate/record", &headers, &body);
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("--allow-remote-curation"), "{}", r.text());
    assert_eq!(fs::read_to_string(root.join(FUZHOU)).unwrap(), before);
}

/// An invented plan whose paragraphs state no year: its span is in its title only.
const PLAN: &str = "---\ntitle: 示例市科技创新行动计划（2023—2027年）（示例）\ndate: 2023-08-30\ncity: fuzhou\n---\n\n## 平台体系加快完善\n\n争取建成省级重点企业研究院1家、市级重点实验室1家、新型研发机构1家。\n\n区域科技创新指数达到160以上。\n";
const PLAN_ID: &str = "fuzhou/2023-08-30-shili-jihua";

fn pick(
    bench: &indicity::curate::Bench,
    nth: usize,
    text: &str,
    indicator: &str,
) -> indicity::curate::write::Pick {
    let n = bench
        .numbers
        .iter()
        .filter(|n| n.text == text)
        .nth(nth)
        .unwrap_or_else(|| panic!("no number {text} #{nth}"));
    serde_json::from_value(serde_json::json!({
        "article": PLAN_ID, "run": n.run, "at": n.at, "indicator": indicator,
        "status": "target", "base": bench.base,
    }))
    .unwrap()
}

#[test]
fn a_number_is_read_under_the_curators_indicator_period_and_basis_and_check_decides() {
    use indicity::curate::{self, write::Refusal};
    let site = site_copy();
    let root = site.path();
    fs::write(root.join(format!("content/articles/{PLAN_ID}.md")), PLAN).unwrap();
    let (loaded, diags) = indicity::content::load(root);
    assert!(!diags.has_errors(), "{}", diags.render(false));
    let prov = indicity::check::Provenance::default();
    let bench = curate::bench(&loaded, &prov, PLAN_ID, Ok(Vec::new())).unwrap();

    // The third item of the list, under an indicator the reading did not give it: its
    // period from the title, and a quote of its own item, not the one before.
    let mut p = pick(&bench, 2, "1家", "new_rd_institutions_new");
    let (fig, shown) = curate::write::preview(&loaded, &p).expect("check passes it");
    assert_eq!(shown.quote, "新型研发机构1家");
    assert_eq!(
        (fig.period.to_string(), shown.status),
        ("2027".to_string(), "target")
    );
    assert!(
        shown
            .yaml
            .starts_with("new_rd_institutions_new:\n  - period: 2027\n"),
        "{}",
        shown.yaml
    );
    // A judgement needs its reason.
    p.period = "2027".into();
    p.period_from = "judgement".into();
    assert!(
        matches!(curate::write::preview(&loaded, &p), Err(Refusal::Invalid(w)) if w.contains("reason"))
    );
    // The curator's basis is written with the figure.
    p.period_from = "title".into();
    let (_, shown) = curate::write::preview(&loaded, &p).expect("check passes it");
    assert!(shown.yaml.contains("period_from: title"), "{}", shown.yaml);
    // A period the title does not state is refused, and why is said.
    p.period = "2029".into();
    match curate::write::preview(&loaded, &p) {
        Err(Refusal::Invalid(why)) => assert!(why.contains("check would refuse it"), "{why}"),
        other => panic!("{other:?}"),
    }

    // A bare index value, under an indicator counted in points the curator adds.
    let catalogue_base = curate::fingerprint(&loaded.indicators_file.as_ref().unwrap().text);
    let added = curate::write::add_indicator(
        root,
        &loaded,
        &serde_json::from_value(serde_json::json!({
            "article": PLAN_ID, "id": "regional_innovation_index", "name": "区域科技创新指数",
            "unit": "点", "group": "rd", "example": "160以上", "base": catalogue_base,
        }))
        .unwrap(),
    );
    assert_eq!(added, Ok("regional_innovation_index".to_string()));
    let (loaded, diags) = indicity::content::load(root);
    assert!(!diags.has_errors(), "{}", diags.render(false));
    let bench = curate::bench(&loaded, &prov, PLAN_ID, Ok(Vec::new())).unwrap();
    let mut index = pick(&bench, 0, "160以上", "regional_innovation_index");
    index.period = "2027".into();
    index.period_from = "title".into();
    let (fig, _) = curate::write::preview(&loaded, &index).expect("check passes it");
    assert_eq!(
        (fig.value, fig.bound.map(|b| b.symbol())),
        (160.0, Some("≥"))
    );
    // A number stated in another unit is not read under it.
    let mut count = pick(&bench, 0, "1家", "regional_innovation_index");
    count.period = "2027".into();
    match curate::write::preview(&loaded, &count) {
        Err(Refusal::Invalid(why)) => assert!(why.contains("not stated in 点"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Adding the same indicator twice is refused, and the catalogue kept.
    let catalogue = fs::read_to_string(root.join("content/indicators.yaml")).unwrap();
    let again = curate::write::add_indicator(
        root,
        &loaded,
        &serde_json::from_value(serde_json::json!({
            "article": PLAN_ID, "id": "regional_innovation_index", "name": "区域科技创新指数二",
            "unit": "点", "group": "rd",
            "base": curate::fingerprint(&loaded.indicators_file.as_ref().unwrap().text),
        }))
        .unwrap(),
    );
    assert!(matches!(again, Err(Refusal::Invalid(_))), "{again:?}");
    assert_eq!(
        fs::read_to_string(root.join("content/indicators.yaml")).unwrap(),
        catalogue
    );
}
