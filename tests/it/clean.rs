//! `indicity clean` on real raw pages: the five seeds against golden files written by
//! judgement, the guarantee that no line disappears without a rule saying so, and
//! arbitrary input that must never make it panic.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::*;
use indicity::clean::{self, Action};

const SEEDS: [&str; 5] = [
    "000_0a9f1b4e7c92027a",
    "001_bc794ca9cb2f80c0",
    "002_f47e2423a4a922de",
    "003_ae73138678fe0234",
    "004_edbc2b5c4a1f2313",
];

fn clean_seed(name: &str) -> clean::Cleaned {
    let raw = fs::read(repo().join(format!("content/raw/{name}.txt"))).unwrap();
    let (site, _) = indicity::content::load(&repo());
    let places = site
        .places
        .iter()
        .map(|p| (p.slug.clone(), p.name.clone(), p.code.clone()))
        .collect();
    clean::clean(
        &raw,
        &clean::Options {
            city: None,
            raw: Some(format!("raw/{name}.txt")),
            places,
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_five_seeds_clean_to_their_golden_files() {
    for name in SEEDS {
        let got = clean_seed(name).to_markdown();
        let want = fs::read_to_string(repo().join(format!("tests/golden/{name}.md"))).unwrap();
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name} differs from its golden file at line {}:\n got: {:?}\nwant: {:?}",
                line + 1,
                got.lines().nth(line),
                want.lines().nth(line)
            );
        }
    }
}

#[test]
fn the_bundled_articles_are_what_clean_produces() {
    // The site's articles were regenerated with `clean`; they must stay so.
    for name in SEEDS {
        let want = fs::read_to_string(repo().join(format!("tests/golden/{name}.md"))).unwrap();
        let found = walkdir::WalkDir::new(repo().join("content/articles"))
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .any(|e| fs::read_to_string(e.path()).unwrap() == want);
        assert!(found, "no bundled article equals the cleaned {name}");
    }
}

#[test]
fn every_curated_quote_survives_cleaning() {
    // The figures of the site come from these pages: each quote must be in the output.
    let (site, _) = indicity::content::load(&repo());
    for name in SEEDS {
        let cleaned = clean_seed(name);
        let text = norm(&cleaned.body);
        let article = site
            .articles
            .values()
            .find(|a| a.meta.raw.as_deref() == Some(&format!("raw/{name}.txt")))
            .unwrap_or_else(|| panic!("no article from {name}"));
        let mut quotes = 0;
        for place in &site.places {
            for fig in place.figures.iter().filter(|f| f.source == article.id) {
                for q in &fig.quotes {
                    assert!(text.contains(&norm(q)), "{name}: quote `{q}` lost");
                    quotes += 1;
                }
            }
        }
        assert!(quotes > 0, "{name} supports no figure");
    }
}

#[test]
fn every_number_of_the_kept_text_survives() {
    // Digits of every raw line that no chrome rule dropped are in the article.
    for name in SEEDS {
        let raw =
            String::from_utf8(fs::read(repo().join(format!("content/raw/{name}.txt"))).unwrap())
                .unwrap();
        let cleaned = clean_seed(name);
        let dropped: Vec<usize> = cleaned
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::Dropped | Action::Moved { .. }))
            .map(|s| s.raw)
            .collect();
        let out = format!("{}{:?}", cleaned.body, cleaned.meta);
        for (i, line) in raw.lines().enumerate() {
            if dropped.contains(&(i + 1)) {
                continue;
            }
            // A line a rule rewrote (page-chunk numbers removed) is checked as rewritten.
            let rewritten = cleaned.steps.iter().rev().find_map(|s| match &s.action {
                Action::Changed { after } if s.raw == i + 1 && s.rule == "page-chunks" => {
                    Some(after.clone())
                }
                _ => None,
            });
            let line = rewritten.as_deref().unwrap_or(line);
            for number in line
                .split(|c: char| !c.is_ascii_digit() && c != '.')
                .filter(|n| n.len() >= 2)
            {
                let number = number.trim_matches('.');
                assert!(out.contains(number), "{name}:{}: {number} lost", i + 1);
            }
        }
    }
}

#[test]
fn no_line_disappears_without_a_rule_saying_so() {
    for name in SEEDS {
        let raw =
            String::from_utf8(fs::read(repo().join(format!("content/raw/{name}.txt"))).unwrap())
                .unwrap();
        let cleaned = clean_seed(name);
        let logged: Vec<usize> = cleaned.steps.iter().map(|s| s.raw).collect();
        let body = cleaned.body.replace(['\n', ' '], "");
        for (i, line) in raw.lines().enumerate() {
            let t: String = line.split_whitespace().collect();
            if t.is_empty() || t.starts_with('<') && t.ends_with('>') && !t.contains("http") {
                continue;
            }
            assert!(
                logged.contains(&(i + 1)) || body.contains(&t),
                "{name}:{}: `{line}` is neither in the article nor in the log",
                i + 1
            );
        }
    }
}

#[test]
fn seed_reports_per_rule() {
    // The per-rule counts quoted in the closing note; printed with --nocapture.
    for name in SEEDS {
        let c = clean_seed(name);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (rule, n) in c.dropped_by_rule() {
            counts.insert(rule, n);
        }
        println!("{name}: {counts:?}; flags: {}", c.flags.len());
        assert!(!counts.is_empty());
    }
    // The known damage is flagged, not repaired.
    let lanzhou = clean_seed("002_f47e2423a4a922de");
    assert!(lanzhou.flags.len() >= 4, "{:?}", lanzhou.flags);
    assert!(lanzhou.body.contains("?!笔】萍纺d"));
    let ouhai = clean_seed("004_edbc2b5c4a1f2313");
    assert!(ouhai.flags.iter().any(|f| f.message.contains("OCR")));
    assert!(ouhai.body.contains("位列全市第2o"));
    // A missing date stays missing.
    assert_eq!(clean_seed("001_bc794ca9cb2f80c0").meta.date, None);
}

#[test]
fn a_gbk_page_in_html_cleans_like_its_utf8_text() {
    let html = "<html><head><title>x</title></head><body><div class=\"crumb\">首页 &gt; 新闻 &gt; 本地</div>\
        <h1>泉州市科技型中小企业突破1500家</h1><p>2022-03-01 来源：泉州晚报</p>\
        <p>记者从泉州市科技局获悉，全市入库科技型中小企业突破1500家。</p><p>泉州市将继续加大培育力度。</p>\
        <p>【责任编辑：张三】</p></body></html>";
    let (gbk, _, _) = encoding_rs::GBK.encode(html);
    let c = clean::clean(&gbk, &clean::Options::default()).unwrap();
    assert_eq!(c.encoding, "GBK");
    assert_eq!(c.meta.title, "泉州市科技型中小企业突破1500家");
    assert_eq!(c.meta.date.as_deref(), Some("2022-03-01"));
    assert_eq!(c.meta.publisher.as_deref(), Some("泉州晚报"));
    assert_eq!(c.meta.city, "quanzhou");
    assert_eq!(
        c.body,
        "记者从泉州市科技局获悉，全市入库科技型中小企业突破1500家。\n\n泉州市将继续加大培育力度。\n"
    );
}

#[test]
fn the_command_writes_never_overwrites_and_explains() {
    let site = site_copy();
    let root = site.path();
    let raw = root.join("content/raw/000_0a9f1b4e7c92027a.txt");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let o = indicity(
        root,
        &[
            "clean",
            "--output-dir",
            out,
            "--explain",
            raw.to_str().unwrap(),
        ],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    for rule in [
        "[breadcrumb]",
        "[dateline]",
        "[caption-after-title]",
        "[editor-line]",
        "[related-list]",
        "[heading]",
    ] {
        assert!(
            err.contains(rule),
            "--explain does not mention {rule}:\n{err}"
        );
    }
    let written: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1);
    assert_eq!(
        fs::read_to_string(&written[0]).unwrap(),
        fs::read_to_string(repo().join("tests/golden/000_0a9f1b4e7c92027a.md")).unwrap()
    );
    let again = indicity(root, &["clean", "--output-dir", out, raw.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"));
    let forced = indicity(
        root,
        &[
            "clean",
            "--output-dir",
            out,
            "--force",
            raw.to_str().unwrap(),
        ],
    );
    assert!(forced.status.success());
    let dry = indicity(
        root,
        &[
            "clean",
            "--dry-run",
            "--city",
            "fuzhou",
            raw.to_str().unwrap(),
        ],
    );
    assert!(
        String::from_utf8_lossy(&dry.stdout)
            .starts_with("---\ntitle: 福州:国家高新技术企业总量全省第一\n")
    );
}

/// A page that names no place (`我市`, `全区`) is cleaned all the same: shown with
/// `city:` left open, written only where the curator says, never guessed.
#[test]
fn a_page_naming_no_place_is_shown_and_written_only_where_told() {
    let site = site_copy();
    let root = site.path();
    let raw = root.join("nowhere.txt");
    fs::write(
        &raw,
        "全区科技工作总结\n2023年,全区新增高新技术企业12家,建成市级以上创新平台5个,技术合同成交额达3.2亿元。\n",
    )
    .unwrap();
    let raw = raw.to_str().unwrap();
    let articles = || {
        walkdir::WalkDir::new(root.join("content/articles"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .count()
    };
    let before = articles();
    let dry = indicity(root, &["clean", "--dry-run", raw]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let md = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert!(md.contains("全区新增高新技术企业12家"), "{md}");
    assert!(!md.contains("\ncity:"), "{md}");
    assert!(stderr(&dry).contains("--city"), "{}", stderr(&dry));
    // Asked to write with nowhere to write: shown, nothing written, and an error.
    let held = indicity(root, &["clean", raw]);
    assert_eq!(held.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&held.stdout).contains("建成市级以上创新平台5个"));
    assert!(stderr(&held).contains("pass --city"), "{}", stderr(&held));
    assert_eq!(articles(), before);
    // Negative: with --city it goes under that place, with --output-dir where told.
    let placed = indicity(root, &["clean", "--city", "fuzhou", raw]);
    assert!(placed.status.success(), "{}", stderr(&placed));
    assert_eq!(articles(), before + 1);
    let dir = tempfile::tempdir().unwrap();
    let out = indicity(
        root,
        &["clean", "--output-dir", dir.path().to_str().unwrap(), raw],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let written = fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = fs::read_to_string(written).unwrap();
    assert!(
        text.starts_with("---\ntitle: 全区科技工作总结\n") && !text.contains("city:"),
        "{text}"
    );
}

#[test]
fn the_url_given_is_recorded_and_only_a_web_address_one_page_at_a_time() {
    let site = site_copy();
    let root = site.path();
    let raw = root.join("content/raw/003_ae73138678fe0234.txt");
    let raw = raw.to_str().unwrap();
    let url = "https://example.org/news/2023/0301.html?id=7";
    let o = indicity(root, &["clean", "--dry-run", "--url", url, raw]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let front = out.split("\n---").next().unwrap();
    let urls: Vec<&str> = front.lines().filter(|l| l.starts_with("url:")).collect();
    assert_eq!(urls.len(), 1, "{front}");
    assert!(urls[0].contains(url), "{front}");
    // Not a web address: it would become a link on the page.
    for bad in [
        "javascript:alert(1)",
        "example.org/a.html",
        "file:///etc/passwd",
    ] {
        let o = indicity(root, &["clean", "--dry-run", "--url", bad, raw]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("--url"), "{}", stderr(&o));
    }
    // One address names one page.
    let other = root.join("content/raw/004_edbc2b5c4a1f2313.txt");
    let o = indicity(
        root,
        &[
            "clean",
            "--dry-run",
            "--url",
            url,
            raw,
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // Without --url, the page's own statement (if any) is kept: the option changes
    // nothing else of the article.
    let plain = indicity(root, &["clean", "--dry-run", raw]);
    let plain = String::from_utf8_lossy(&plain.stdout).to_string();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("url:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&plain), strip(&out));
}

/// A page that states no date takes the one its address carries (`--url`), and says
/// so; a page's own date always wins, and an address with no date adds none.
#[test]
fn a_page_with_no_date_takes_the_one_its_address_carries() {
    let site = site_copy();
    let root = site.path();
    let raw = root.join("undated.txt");
    fs::write(
        &raw,
        "首页 > 科技 > 正文\n福州市科技创新工作取得新进展\n记者从市科技局获悉，全市高新技术企业总数达到3000家。\n",
    )
    .unwrap();
    let raw = raw.to_str().unwrap();
    let run = |url: &str, page: &str| {
        let o = indicity(
            root,
            &["clean", "--dry-run", "--city", "fuzhou", "--url", url, page],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        let front = out.split("\n---").next().unwrap().to_string();
        (front, stderr(&o))
    };
    let (front, said) = run("https://news.example.cn/html/2021-03/26/content_7.htm", raw);
    assert!(front.contains("\ndate: 2021-03-26\n"), "{front}");
    assert!(said.contains("read from its address"), "{said}");
    // An address that carries no date: no date, and the warning says --url may help.
    let (front, said) = run("https://news.example.cn/show-319700.html", raw);
    assert!(!front.contains("\ndate:"), "{front}");
    assert!(said.contains("states no date"), "{said}");
    // A page that states its own date keeps it.
    let dated = root.join("content/raw/003_ae73138678fe0234.txt");
    let own = indicity(root, &["clean", "--dry-run", dated.to_str().unwrap()]);
    let own = String::from_utf8_lossy(&own.stdout).to_string();
    let own_date = own
        .lines()
        .find(|l| l.starts_with("date:"))
        .expect("the seed states a date")
        .to_string();
    let (front, said) = run(
        "https://news.example.cn/html/2001-01/01/content_7.htm",
        dated.to_str().unwrap(),
    );
    assert!(front.lines().any(|l| l == own_date), "{front}");
    assert!(!said.contains("read from its address"), "{said}");
}

#[test]
fn regenerated_articles_still_pass_the_build() {
    let site = site_copy();
    let root = site.path();
    fs::remove_dir_all(root.join("content/articles")).unwrap();
    for name in SEEDS {
        let raw = root.join(format!("content/raw/{name}.txt"));
        let o = indicity(root, &["clean", raw.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let out = build(Path::new(root));
    assert!(out.join("index.html").exists());
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of real pages, so generated input reaches deep into the rules.
    const PIECES: &[&str] = &[
        "福州",
        "瓯海区",
        "科技局",
        "高新技术企业",
        "3759家",
        "2023-02-13",
        "来源:",
        "作者:",
        "记者",
        "【责任编辑:",
        "】",
        "相关新闻",
        "- ",
        ">>",
        "(huì)",
        "會",
        "1、",
        "(一)",
        "一是",
        "。",
        ",",
        "\n",
        "\n\n",
        "<p>",
        "</p>",
        "&nbsp;",
        "---",
        "title: x",
        "?!",
        "2o",
        "(20230629).docx",
        "第1页 / 共6页",
        "ICP备",
        "http://x.org/a",
        "[返回](//x)",
        "\r\n",
        "\u{feff}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = clean::clean(&bytes, &clean::Options { city: Some("x".into()), ..Default::default() });
        }

        #[test]
        fn page_like_text(parts in proptest::collection::vec(0..PIECES.len(), 0..80)) {
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            match clean::clean(text.as_bytes(), &clean::Options::default()) {
                // A page may have no title: it is left empty for the curator.
                Ok(c) => { prop_assert!(c.to_markdown().starts_with("---\ntitle: ")); }
                Err(e) => { prop_assert!(!e.to_string().is_empty()); }
            }
        }
    }
}

/// A table a page flattened comes back as a table whose cells a figure can quote: the
/// figure passes `check` and the built article marks its cell.
#[test]
fn a_figure_quoted_from_a_flattened_tables_cell_is_proved_and_marked() {
    let site = site_copy();
    let root = site.path();
    let raw = root.join("table.txt");
    fs::write(
        &raw,
        "某某区科技局2023年重点工作进展情况\n发布时间:2023-07-10 来源:某某区科技局\n二季度,全区科技工作稳步推进,各项重点任务进展顺利,具体情况如下。\n序号\n|\n工作任务\n|\n完成情况\n|\n1\n|\n培育高新技术企业\n|\n2023年上半年新增高新技术企业41家。\n|\n2\n|\n推进技术合同登记\n|\n2023年上半年技术合同登记247项。\n|\n",
    )
    .unwrap();
    let o = indicity(root, &["clean", "--city", "fuzhou", raw.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let article = fs::read_dir(root.join("content/articles/fuzhou"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("2023-07-10"))
        .unwrap();
    let text = fs::read_to_string(&article).unwrap();
    assert!(
        text.contains("| 2 | 推进技术合同登记 | 2023年上半年技术合同登记247项。 |"),
        "{text}"
    );
    let source = format!("fuzhou/{}", article.file_stem().unwrap().to_string_lossy());
    let place = root.join("content/cities/fuzhou.yaml");
    let yaml = fs::read_to_string(&place).unwrap().replacen(
        "figures:\n",
        &format!(
            "figures:\n  tech_contract_count:\n    - period: 2023-H1\n      value: 247\n      source: {source}\n      quote: 技术合同登记247项\n"
        ),
        1,
    );
    fs::write(&place, yaml).unwrap();
    let o = indicity(root, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = walkdir::WalkDir::new(root.join("public/articles/fuzhou"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.path().to_string_lossy().contains("2023-07-10") && e.file_name() == "index.html"
        })
        .unwrap();
    let html = fs::read_to_string(page.path()).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let cell = scraper::Selector::parse("td mark").unwrap();
    assert!(
        doc.select(&cell)
            .any(|m| m.text().collect::<String>() == "技术合同登记247项"),
        "{html}"
    );
    // Negative: a figure whose value the cell contradicts is refused.
    let yaml = fs::read_to_string(&place)
        .unwrap()
        .replacen("value: 247", "value: 274", 1);
    fs::write(&place, yaml).unwrap();
    let o = indicity(root, &["check"]);
    assert!(!o.status.success(), "{}", stderr(&o));
}
