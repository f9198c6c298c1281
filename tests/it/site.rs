//! What a reader sees in the built site, checked on the parsed HTML of the bundled
//! content: charts, tables, figure links, articles, data files and links.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::common::*;

/// Builds the bundled site once per test into a private directory.
fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = site_copy();
    let out = build(site.path());
    (site, out)
}

#[test]
fn each_place_page_lists_every_indicator_and_charts_only_series() {
    type Points = BTreeSet<(String, String)>;
    let (site, out) = built();
    let figures = yaml_figures(site.path());
    // Points of each place's indicator series: (period, status) pairs.
    let mut by_place: BTreeMap<&str, BTreeMap<&str, Points>> = BTreeMap::new();
    for f in &figures {
        by_place
            .entry(&f.place)
            .or_default()
            .entry(&f.indicator)
            .or_default()
            .insert((f.period.clone(), f.status.clone()));
    }
    assert!(by_place.len() >= 4, "the bundled site has four places");
    let (mut charted, mut single) = (0, 0);
    for (place, indicators) in by_place {
        let page = html(&out, &format!("cities/{place}/index.html"));
        // Every indicator is a row of the key-figures table, in a themed row group.
        let keys: BTreeSet<String> = page
            .select(&sel("table.keys tbody[id^=group-] tr th[scope=row] a"))
            .map(|a| {
                let href = a.value().attr("href").unwrap();
                href.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let want: BTreeSet<String> = indicators.keys().map(|s| s.to_string()).collect();
        assert_eq!(keys, want, "{place}: one key row per indicator");
        for (id, points) in &indicators {
            let svgs: Vec<_> = page
                .select(&sel(&format!("#ind-{id} figure.chart > svg[role=img]")))
                .collect();
            if points.len() < 2 {
                single += 1;
                assert!(svgs.is_empty(), "{place}/{id}: a chart of a single point");
                continue;
            }
            charted += 1;
            assert_eq!(svgs.len(), 1, "{place}/{id}: one chart");
            let svg = svgs[0];
            let title: String = svg.select(&sel("title")).next().unwrap().text().collect();
            let desc: String = svg.select(&sel("desc")).next().unwrap().text().collect();
            assert!(
                title.contains(id_name(site.path(), id)),
                "{place}/{id}: chart title {title}"
            );
            assert!(
                !desc.trim().is_empty(),
                "{place}/{id}: chart without description"
            );
            let labelled = svg.value().attr("aria-labelledby").unwrap();
            for part in labelled.split_whitespace() {
                assert_eq!(page.select(&sel(&format!("[id='{part}']"))).count(), 1);
            }
            // A table with the same data beside the chart.
            let card = page
                .select(&sel(&format!("section.card#ind-{id}")))
                .next()
                .unwrap();
            assert_eq!(card.select(&sel("table thead th[scope=col]")).count(), 4);
        }
    }
    assert!(
        charted >= 5 && single >= 20,
        "{charted} series, {single} single"
    );
}

fn id_name(root: &std::path::Path, id: &str) -> &'static str {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(root.join("content/indicators.yaml")).unwrap())
            .unwrap();
    let name = doc[id]["name"].as_str().unwrap().to_string();
    Box::leak(name.into_boxed_str())
}

#[test]
fn table_values_equal_the_yaml_values() {
    let (site, out) = built();
    let figures = yaml_figures(site.path());
    assert!(figures.len() >= 20);
    for f in &figures {
        let page = html(&out, &format!("cities/{}/index.html", f.place));
        let anchor = format!("fig-{}-{}-{}", f.indicator, f.period, f.status);
        let row = page
            .select(&sel(&format!("tr[id='{anchor}']")))
            .next()
            .unwrap_or_else(|| panic!("{}: no row {anchor}", f.place));
        let cell = row.select(&sel("td.num")).next().unwrap();
        let data: f64 = cell.value().attr("data-value").unwrap().parse().unwrap();
        assert_eq!(data, f.value, "{anchor}: data-value");
        // What the reader sees: "≥1,500 家" reads as 1500.
        let shown: String = cell.text().collect();
        let digits: String = shown
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        assert_eq!(
            digits.parse::<f64>().unwrap(),
            f.value,
            "{anchor}: shown {shown}"
        );
        // A card's row has a status column; a key-figures row names only a target's.
        let status: String = row
            .select(&sel(".status"))
            .next()
            .map_or("实际".into(), |s| s.text().collect::<String>())
            .trim_matches(['（', '）', ' '])
            .to_string();
        assert_eq!(
            status,
            if f.status == "target" {
                "目标"
            } else {
                "实际"
            }
        );
    }
}

#[test]
fn every_figure_links_to_its_marked_sentence_and_back() {
    let (site, out) = built();
    for f in yaml_figures(site.path()) {
        let from = format!("cities/{}/index.html", f.place);
        let page = html(&out, &from);
        let anchor = format!("fig-{}-{}-{}", f.indicator, f.period, f.status);
        let link = page
            .select(&sel(&format!("tr[id='{anchor}'] a.quote")))
            .next()
            .unwrap_or_else(|| panic!("{anchor}: no source link"));
        let (file, fragment) = resolve(&from, link.value().attr("href").unwrap()).unwrap();
        let fragment = fragment.expect("figure link without a fragment");
        let article = html(&out, &file);
        let mark = article
            .select(&sel(&format!("mark[id='{fragment}']")))
            .next()
            .unwrap_or_else(|| panic!("{anchor}: {file} has no mark #{fragment}"));
        let marked: String = mark.text().collect();
        assert!(
            norm(&marked).contains(&norm(&f.quotes[0])),
            "{anchor}: mark `{marked}` does not hold the quote `{}`",
            f.quotes[0]
        );
        // Every quote of the figure is highlighted somewhere in the article.
        let all_marks: String = article
            .select(&sel("mark"))
            .flat_map(|m| m.text())
            .collect::<Vec<_>>()
            .join("|");
        for q in &f.quotes {
            assert!(
                norm(&all_marks).contains(&norm(q)),
                "{anchor}: quote `{q}` not marked"
            );
        }
        // The mark links back to the figure's row.
        let back = format!("cities/{}/index.html", f.place);
        let links_back = article.select(&sel("sup.cite a")).any(|a| {
            resolve(&file, a.value().attr("href").unwrap())
                == Some((back.clone(), Some(anchor.clone())))
        });
        assert!(links_back, "{anchor}: the article does not link back");
    }
}

#[test]
fn no_internal_link_or_asset_is_broken() {
    let (_site, out) = built();
    let files = tree(&out);
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let id_sel = sel("[id]");
    for (rel, bytes) in &files {
        if rel.ends_with(".html") {
            let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
            ids.insert(
                rel.clone(),
                doc.select(&id_sel)
                    .map(|e| e.value().attr("id").unwrap().to_string())
                    .collect(),
            );
        }
    }
    let mut checked = 0;
    let link_sel = sel("a[href], link[href], img[src], script[src]");
    for (rel, bytes) in files.iter().filter(|(r, _)| r.ends_with(".html")) {
        let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for el in doc.select(&link_sel) {
            let href = el.value().attr("href").or(el.value().attr("src")).unwrap();
            let Some((target, fragment)) = resolve(rel, href) else {
                continue;
            };
            assert!(
                files.contains_key(&target),
                "{rel}: broken link {href} → {target}"
            );
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let target_ids = ids
                    .get(&target)
                    .unwrap_or_else(|| panic!("{rel}: fragment into non-HTML {href}"));
                assert!(
                    target_ids.contains(&fragment),
                    "{rel}: {href}: no id `{fragment}` in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn html_ids_are_unique_and_pages_declare_chinese() {
    let (_site, out) = built();
    for (rel, bytes) in tree(&out).iter().filter(|(r, _)| r.ends_with(".html")) {
        let doc = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        let root = doc.root_element();
        assert_eq!(root.value().attr("lang"), Some("zh-CN"), "{rel}");
        let mut seen = BTreeSet::new();
        for el in doc.select(&sel("[id]")) {
            let id = el.value().attr("id").unwrap();
            assert!(seen.insert(id.to_string()), "{rel}: duplicate id {id}");
        }
        assert_eq!(
            doc.select(&sel("main#main")).count(),
            1,
            "{rel}: one main landmark"
        );
        assert_eq!(
            doc.select(&sel("a.skip-link[href='#main']")).count(),
            1,
            "{rel}: skip link"
        );
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{rel}: one h1");
    }
}

/// The provinces of the bundled content, by the place files' `province`.
fn provinces_of(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut provinces: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in fs::read_dir(root.join("content/cities")).unwrap() {
        let path = entry.unwrap().path();
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let slug = path.file_stem().unwrap().to_string_lossy().to_string();
        provinces
            .entry(doc["province"].as_str().unwrap().to_string())
            .or_default()
            .insert(slug);
    }
    provinces
}

/// The pages `href`s on page `from` lead to (each must exist).
fn links(out: &Path, from: &str, selector: &str) -> Vec<(String, String)> {
    let page = html(out, from);
    page.select(&sel(selector))
        .map(|a| {
            let href = a.value().attr("href").unwrap();
            let (path, _) = resolve(from, href).unwrap_or_else(|| panic!("{from}: {href}"));
            assert!(
                out.join(&path).is_file(),
                "{from} links to {href}: no {path}"
            );
            (a.text().collect::<String>(), path)
        })
        .collect()
}

#[test]
fn the_home_page_and_cities_list_every_province_with_its_places_and_a_page_each() {
    let (site, out) = built();
    let provinces = provinces_of(site.path());
    for from in ["index.html", "cities/index.html"] {
        let page = html(&out, from);
        let listed: BTreeSet<String> = page
            .select(&sel(".province-list > li > .province"))
            .map(|h| h.text().collect())
            .collect();
        let expected: BTreeSet<String> = provinces.keys().cloned().collect();
        assert_eq!(listed, expected, "{from}");
        // Every place of the bundled site is one click away (no province has 24).
        let places: BTreeSet<String> = links(&out, from, ".place-links a")
            .into_iter()
            .map(|(_, path)| path)
            .collect();
        let every: BTreeSet<String> = provinces
            .values()
            .flatten()
            .map(|slug| format!("cities/{slug}/index.html"))
            .collect();
        assert_eq!(places, every, "{from}");
    }
    // The header leads to the three lists from every kind of page.
    for from in [
        "index.html",
        "cities/fuzhou/index.html",
        "indicators/high_tech_enterprises/index.html",
    ] {
        let nav: Vec<String> = links(&out, from, ".site-header nav a")
            .into_iter()
            .map(|(_, path)| path)
            .collect();
        assert_eq!(
            nav[..3],
            [
                "cities/index.html",
                "indicators/index.html",
                "articles/index.html"
            ],
            "{from}"
        );
    }
    let on_list = html(&out, "cities/index.html");
    let current: Vec<String> = on_list
        .select(&sel(".site-header nav a[aria-current=page]"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(current, ["地区"]);

    // A province's page: each of its places with its latest headline values; 福州's
    // high-tech enterprise count is its latest actual value.
    let (_, fujian) = links(&out, "cities/index.html", ".province-list .province a")
        .into_iter()
        .find(|(name, _)| name == "福建省")
        .unwrap();
    assert_eq!(fujian, "provinces/fujian/index.html");
    let page = html(&out, &fujian);
    let rows: BTreeSet<String> = links(&out, &fujian, "table.summary tbody th a")
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let expected: BTreeSet<String> = provinces["福建省"]
        .iter()
        .map(|slug| format!("cities/{slug}/index.html"))
        .collect();
    assert_eq!(rows, expected);
    let fuzhou_row = page
        .select(&sel("table.summary tbody tr"))
        .find(|r| r.text().collect::<String>().contains("福州市"))
        .unwrap();
    let first: String = fuzhou_row
        .select(&sel("td"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        first.starts_with("3,759") && first.contains("2022年"),
        "{first}"
    );
    // The place page's breadcrumb leads back to its province.
    let crumbs: Vec<String> = links(&out, "cities/fuzhou/index.html", ".breadcrumb a")
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert!(crumbs.contains(&fujian), "{crumbs:?}");
}

#[test]
fn the_indicator_list_files_every_indicator_under_its_theme() {
    let (site, out) = built();
    let catalogue: serde_yaml::Mapping = serde_yaml::from_str(
        &fs::read_to_string(site.path().join("content/indicators.yaml")).unwrap(),
    )
    .unwrap();
    let page = html(&out, "indicators/index.html");
    let mut seen = BTreeSet::new();
    for section in page.select(&sel("main section[id^=theme-]")) {
        let theme = section.value().id().unwrap().trim_start_matches("theme-");
        for a in section.select(&sel(".indicator-summaries > li > a")) {
            let href = a.value().attr("href").unwrap();
            let (path, _) = resolve("indicators/index.html", href).unwrap();
            assert!(out.join(&path).is_file(), "{path}");
            let id = path
                .trim_start_matches("indicators/")
                .trim_end_matches("/index.html");
            let group = catalogue[id]["group"].as_str().unwrap_or("other");
            assert_eq!(group, theme, "{id} is filed under {theme}");
            assert!(seen.insert(id.to_string()), "{id} listed twice");
        }
    }
    let every: BTreeSet<String> = catalogue
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen, every);
    // 国家高新技术企业数 says how many places have figures of it.
    let text: String = page.root_element().text().collect();
    let figures = yaml_figures(site.path());
    let n = figures
        .iter()
        .filter(|f| f.indicator == "high_tech_enterprises")
        .map(|f| &f.place)
        .collect::<BTreeSet<_>>()
        .len();
    assert!(text.contains(&format!("{n} 个地区有数据")), "{text}");
}

#[test]
fn the_article_list_pages_through_every_article_once_newest_first() {
    let site = site_copy();
    replace_in(
        site.path(),
        "content/site.yaml",
        "recent_articles:",
        "articles_per_page: 2\nrecent_articles:",
    );
    let out = build(site.path());
    let articles: usize = walkdir::WalkDir::new(site.path().join("content/articles"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    let pages = articles.div_ceil(2);
    assert!(pages >= 3, "{articles} articles");
    let mut listed: Vec<String> = Vec::new();
    let mut dates: Vec<String> = Vec::new();
    let mut from = "articles/index.html".to_string();
    for n in 1..=pages {
        let page = html(&out, &from);
        for li in page.select(&sel("main .article-list li")) {
            let a = li.select(&sel("a")).next().unwrap();
            let (path, _) = resolve(&from, a.value().attr("href").unwrap()).unwrap();
            assert!(out.join(&path).is_file(), "{path}");
            listed.push(path);
            dates.push(
                li.select(&sel("time"))
                    .next()
                    .map(|t| t.value().attr("datetime").unwrap().to_string())
                    .unwrap_or_default(),
            );
        }
        let current: String = page
            .select(&sel(".pager [aria-current=page]"))
            .next()
            .unwrap()
            .text()
            .collect();
        assert_eq!(current, n.to_string());
        let next = page.select(&sel("link[rel=next]")).next();
        assert_eq!(next.is_some(), n < pages, "page {n}");
        if let Some(next) = next {
            let (path, _) = resolve(&from, next.value().attr("href").unwrap()).unwrap();
            // The pager's own link agrees with the head's.
            let pager_next = page.select(&sel(".pager a[rel=next]")).next().unwrap();
            assert_eq!(
                resolve(&from, pager_next.value().attr("href").unwrap()).map(|p| p.0),
                Some(path.clone())
            );
            from = path;
        }
    }
    assert_eq!(listed.len(), articles);
    assert_eq!(
        listed.iter().collect::<BTreeSet<_>>().len(),
        articles,
        "{listed:?}"
    );
    // Dated articles newest first, the undated last.
    let dated: Vec<&String> = dates.iter().take_while(|d| !d.is_empty()).collect();
    assert!(dated.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(
        dates[dated.len()..].iter().all(String::is_empty),
        "{dates:?}"
    );
    assert!(
        !out.join(format!("articles/page-{}/index.html", pages + 1))
            .exists()
    );
}

/// At 3,000 places the home page stays an overview, and a county is two clicks away:
/// its province's page lists it.
#[test]
fn at_three_thousand_places_the_home_page_stays_small_and_every_place_is_two_clicks_away() {
    let site = site_copy();
    let cities = site.path().join("content/cities");
    let by_code: BTreeMap<&str, &indicity::gazetteer::Division> = indicity::gazetteer::DIVISIONS
        .iter()
        .map(|d| (d.code.as_str(), d))
        .collect();
    let mut written = 0;
    for d in indicity::gazetteer::DIVISIONS
        .iter()
        .filter(|d| d.level == "county" || d.level == "prefecture")
    {
        if written == 3000 {
            break;
        }
        let slug = format!("g{}", d.code);
        let parent = d
            .parent
            .as_deref()
            .and_then(|c| by_code.get(c))
            .filter(|p| p.level == "prefecture")
            .map_or(String::new(), |p| format!("parent: {}\n", p.name));
        let mut top = d;
        while let Some(up) = top.parent.as_deref().and_then(|c| by_code.get(c)) {
            top = up;
        }
        let level = if d.level == "county" {
            "county"
        } else {
            "prefecture"
        };
        fs::write(
            cities.join(format!("{slug}.yaml")),
            format!(
                "name: {}\nname_en: X\nprovince: {}\nlevel: {level}\n{parent}code: \"{}\"\nfigures: {{}}\n",
                d.name, top.name, d.code
            ),
        )
        .unwrap();
        written += 1;
    }
    assert_eq!(written, 3000);
    let out = build(site.path());
    let home = fs::read(out.join("index.html")).unwrap();
    assert!(
        home.len() <= 200 * 1024,
        "the home page is {} bytes",
        home.len()
    );
    let provinces: Vec<String> = links(&out, "index.html", ".province-list .province a")
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let mut reached = BTreeSet::new();
    for from in ["index.html".to_string()].iter().chain(&provinces) {
        reached.extend(
            html(&out, from)
                .select(&sel("main a[href]"))
                .filter_map(|a| resolve(from, a.value().attr("href").unwrap()))
                .map(|(p, _)| p)
                .filter(|p| p.starts_with("cities/") && p != "cities/index.html"),
        );
    }
    let every = fs::read_dir(&cities).unwrap().count();
    assert_eq!(reached.len(), every);
}

#[test]
fn articles_render_without_stray_spaces_between_chinese_lines() {
    let site = site_copy();
    let dir = site.path().join("content/articles/fuzhou");
    fs::write(
        dir.join("2023-03-01-hard-wrapped.md"),
        "---\ntitle: 测试\ndate: 2023-03-01\ncity: fuzhou\n---\n\n国家高新技术企业\n总量达3759家，\n跃居全省第一。\nHigh-tech\nfirms grew.\n",
    )
    .unwrap();
    let out = build(site.path());
    let page = html(&out, "articles/fuzhou/2023-03-01-hard-wrapped/index.html");
    let text: String = page
        .select(&sel(".prose p"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(
        text,
        "国家高新技术企业总量达3759家，跃居全省第一。High-tech firms grew."
    );
}

#[test]
fn article_pages_show_their_provenance_metadata() {
    let (_site, out) = built();
    let page = html(
        &out,
        "articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu/index.html",
    );
    let meta: String = page
        .select(&sel(".article-meta"))
        .next()
        .unwrap()
        .text()
        .collect();
    for part in ["福州晚报", "梁凯鸿", "2023-02-13", "福州市"] {
        assert!(meta.contains(part), "meta lacks {part}: {meta}");
    }
    // An article without a date says so instead of inventing one.
    let undated = html(
        &out,
        "articles/fuzhou/undated-fuzhou-shike-xueji-shuju/index.html",
    );
    let meta: String = undated
        .select(&sel(".article-meta"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(meta.contains("原文未注明"), "{meta}");
    let converted = html(
        &out,
        "articles/lanzhou/2022-08-21-shengshi-keji-bumen-gongtui/index.html",
    );
    assert!(
        converted
            .select(&sel(".notice"))
            .any(|n| n.text().collect::<String>().contains("繁体"))
    );
}

/// Every data CSV has a JSON twin with the same rows, in the same order, under the
/// CSV's column names: numbers as numbers, text unguarded.
#[test]
fn each_json_data_file_matches_its_csv_row_for_row() {
    let (site, out) = built();
    let mut files = 0;
    let mut rows_seen = 0;
    for entry in walkdir::WalkDir::new(out.join("data")) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        files += 1;
        let mut csv = csv::Reader::from_path(&path).unwrap();
        let headers = csv.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        let json_path = path.with_extension("json");
        let json: serde_json::Value = serde_json::from_slice(
            &fs::read(&json_path).unwrap_or_else(|e| panic!("{}: {e}", json_path.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", json_path.display()));
        let objects = json.as_array().expect("an array of rows");
        // Keys in the CSV's column order (serde_json's map here sorts them).
        let text = fs::read_to_string(&json_path).unwrap();
        if let Some(first) = text.lines().nth(1) {
            let at: Vec<usize> = headers
                .iter()
                .map(|h| first.find(&format!("\"{h}\":")).unwrap())
                .collect();
            assert!(
                at.is_sorted(),
                "{}: columns out of order",
                json_path.display()
            );
        }
        assert_eq!(objects.len(), rows.len(), "{}", json_path.display());
        for (i, (row, obj)) in rows.iter().zip(objects).enumerate() {
            let obj = obj.as_object().expect("a row is an object");
            let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
            assert_eq!(keys, headers.iter().collect(), "row {i}: columns");
            for (name, cell) in headers.iter().zip(row) {
                let v = &obj[name];
                let at = format!("{} row {i} {name}", json_path.display());
                match v {
                    serde_json::Value::Number(n) => {
                        assert_eq!(n.as_f64().unwrap(), cell.parse::<f64>().unwrap(), "{at}")
                    }
                    serde_json::Value::Null => assert_eq!(cell, "", "{at}"),
                    serde_json::Value::String(text) => {
                        // The CSV guards text a spreadsheet would run as a formula.
                        let guarded = format!("'{text}");
                        assert!(
                            cell == text
                                || (cell == guarded
                                    && text.starts_with(['=', '+', '-', '@', '\t', '\r'])),
                            "{at}: {cell:?} in the CSV, {text:?} in the JSON"
                        );
                    }
                    other => panic!("{at}: {other}"),
                }
            }
            assert!(obj["value"].is_number(), "value is a number");
        }
        rows_seen += rows.len();
    }
    let figures = yaml_figures(site.path()).len();
    // figures.csv, and each figure once in its place's and once in its indicator's file.
    assert_eq!(rows_seen, 3 * figures, "{files} files");
    // The pages link both formats.
    let page = html(&out, "cities/fuzhou/index.html");
    let links: Vec<&str> = page
        .select(&sel(".downloads a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        [
            "../../data/cities/fuzhou.csv",
            "../../data/cities/fuzhou.json"
        ]
    );
}

#[test]
fn data_files_hold_every_figure_with_its_source() {
    let (site, out) = built();
    let figures = yaml_figures(site.path());
    let mut csv = csv::Reader::from_path(out.join("data/figures.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), figures.len());
    for f in &figures {
        let row = rows
            .iter()
            .find(|r| {
                r[col("place")] == f.place
                    && r[col("indicator")] == f.indicator
                    && r[col("period")] == f.period
                    && r[col("status")] == f.status
            })
            .unwrap_or_else(|| panic!("no CSV row for {} {} {}", f.place, f.indicator, f.period));
        assert_eq!(row[col("value")].parse::<f64>().unwrap(), f.value);
        assert_eq!(row[col("quote")], f.quotes.join(" | "));
        assert!(row[col("source_url")].starts_with("https://"));
    }
    // The descriptor names every column of the CSV, in order, with a type, and a
    // primary key the rows really keep; its indicators are the site's.
    let package: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/datapackage.json")).unwrap()).unwrap();
    let resource = &package["resources"][0];
    assert_eq!(resource["path"], "figures.csv");
    assert!(
        out.join("data")
            .join(resource["path"].as_str().unwrap())
            .is_file()
    );
    let fields = resource["schema"]["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, headers.iter().collect::<Vec<_>>());
    for f in fields {
        let kind = f["type"].as_str().unwrap();
        assert_eq!(
            kind,
            if f["name"] == "value" || f["name"] == "original_value" {
                "number"
            } else {
                "string"
            }
        );
    }
    let key: Vec<usize> = resource["schema"]["primaryKey"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| col(k.as_str().unwrap()))
        .collect();
    let keys: BTreeSet<Vec<&str>> = rows
        .iter()
        .map(|r| key.iter().map(|&i| &r[i]).collect())
        .collect();
    assert_eq!(keys.len(), rows.len(), "primary key repeats");
    // Every row's indicator is in the indicators resource (the foreign key).
    let fk = &resource["schema"]["foreignKeys"][0];
    assert_eq!(
        (fk["fields"].as_str(), fk["reference"]["resource"].as_str()),
        (Some("indicator"), Some("indicators"))
    );
    let ids: BTreeSet<String> = package["resources"][1]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let indicator_csvs: BTreeSet<String> = fs::read_dir(out.join("data/indicators"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, indicator_csvs);
    for r in &rows {
        assert!(
            ids.contains(&r[col("indicator")]),
            "{:?}",
            &r[col("indicator")]
        );
    }
    let indicators: BTreeSet<&str> = figures.iter().map(|f| f.indicator.as_str()).collect();
    for ind in indicators {
        let n = figures.iter().filter(|f| f.indicator == ind).count();
        let mut r = csv::Reader::from_path(out.join(format!("data/indicators/{ind}.csv"))).unwrap();
        assert_eq!(r.records().count(), n, "{ind}.csv");
    }
    for place in ["fuzhou", "lanzhou", "quanzhou", "ouhai"] {
        let n = figures.iter().filter(|f| f.place == place).count();
        let mut r = csv::Reader::from_path(out.join(format!("data/cities/{place}.csv"))).unwrap();
        assert_eq!(r.records().count(), n, "{place}.csv");
    }
}

#[test]
fn xml_outputs_and_charts_are_well_formed() {
    let (_site, out) = built();
    let files = tree(&out);
    let mut charts = 0;
    for (rel, bytes) in &files {
        let text = std::str::from_utf8(bytes).unwrap_or("");
        if rel.ends_with(".svg") || rel.ends_with(".xml") {
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
        // The charts are inline, and the download button saves them as they are:
        // each must be an XML document of its own.
        if rel.ends_with(".html") {
            for (start, _) in text.match_indices("<svg ") {
                let end = start + text[start..].find("</svg>").expect("closed svg") + 6;
                let doc = roxmltree::Document::parse(&text[start..end])
                    .unwrap_or_else(|e| panic!("{rel}: chart at byte {start}: {e}"));
                assert_eq!(doc.root_element().attribute("role"), Some("img"), "{rel}");
                charts += 1;
            }
        }
    }
    assert!(charts >= 10, "{charts} charts");
    // No standalone copies of the charts are written (the page makes them on demand).
    assert_eq!(
        files
            .keys()
            .filter(|rel| rel.ends_with(".svg"))
            .collect::<Vec<_>>(),
        ["favicon.svg"]
    );
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for loc in &locs {
        let path = loc.trim_start_matches("https://indicity.example.org/");
        let file = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{path}index.html")
        };
        assert!(
            files.contains_key(&file),
            "sitemap lists {loc}, which is not in the output"
        );
    }
    let pages = files.keys().filter(|k| k.ends_with("index.html")).count();
    assert_eq!(locs.len(), pages, "every page is in the sitemap");
    let atom = String::from_utf8(files["atom.xml"].clone()).unwrap();
    let feed = roxmltree::Document::parse(&atom).unwrap();
    // Four of the five seed articles state a date; the undated one is not given one.
    assert_eq!(
        feed.descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count(),
        4
    );
}

#[test]
fn static_files_are_copied_as_is() {
    let (site, out) = built();
    for f in ["css/site.css", "favicon.svg"] {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(site.path().join("static").join(f)).unwrap()
        );
    }
    assert!(out.join("404.html").exists());
}

/// `data/datapackage.json` and the data it describes pass the Frictionless validator
/// (installed by ./scripts/test): column types, required values, enums, the primary
/// key and the foreign key to the indicators, over every row.
#[test]
fn the_data_package_passes_the_frictionless_validator() {
    let validator = std::env::var_os("FRICTIONLESS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/frictionless-venv/bin/frictionless"),
        std::path::PathBuf::from,
    );
    assert!(
        validator.exists(),
        "the Frictionless validator is not installed at {}: run ./scripts/test",
        validator.display()
    );
    let (_site, out) = built();
    let report = |descriptor: &Path| -> serde_json::Value {
        let o = std::process::Command::new(&validator)
            .args(["validate", "--json"])
            .arg(descriptor)
            .output()
            .unwrap();
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
    };
    let descriptor = out.join("data/datapackage.json");
    let r = report(&descriptor);
    assert_eq!(r["valid"], true, "{r:#}");
    let rows: Vec<u64> = r["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stats"]["rows"].as_u64().unwrap())
        .collect();
    assert!(rows.iter().all(|n| *n > 0), "{rows:?}");

    // A control the validator must refuse: a descriptor that calls the values integers.
    let text = fs::read_to_string(&descriptor).unwrap();
    let broken = text.replacen("\"type\": \"number\"", "\"type\": \"integer\"", 1);
    assert_ne!(broken, text);
    let dir = tempfile::tempdir().unwrap();
    fs::copy(out.join("data/figures.csv"), dir.path().join("figures.csv")).unwrap();
    let control = dir.path().join("datapackage.json");
    fs::write(&control, broken).unwrap();
    assert_eq!(
        report(&control)["valid"],
        false,
        "the validator accepted the control"
    );
}

/// Place and indicator pages describe their data for machines and citers: a
/// schema.org Dataset whose downloads and sources exist, `citation_*` meta tags, and
/// key data that count what the content holds.
#[test]
fn data_pages_carry_a_dataset_a_citation_and_key_data() {
    let (site, out) = built();
    let figures = yaml_figures(site.path());
    let base = "https://indicity.example.org/";
    let local = |url: &str| -> std::path::PathBuf {
        let rel = url.strip_prefix(base).unwrap_or_else(|| panic!("{url}"));
        if rel.ends_with('/') {
            out.join(rel).join("index.html")
        } else {
            out.join(rel)
        }
    };
    let mut pages: Vec<(String, usize, usize)> = Vec::new();
    let places: BTreeSet<&str> = figures.iter().map(|f| f.place.as_str()).collect();
    for p in &places {
        let n = figures.iter().filter(|f| f.place == *p).count();
        pages.push((format!("cities/{p}/index.html"), 1, n));
    }
    for id in ["high_tech_enterprises", "rd_spending"] {
        let of: Vec<_> = figures.iter().filter(|f| f.indicator == id).collect();
        let n_places = of.iter().map(|f| &f.place).collect::<BTreeSet<_>>().len();
        pages.push((format!("indicators/{id}/index.html"), n_places, of.len()));
    }
    for (rel, n_places, n_figures) in pages {
        let page = html(&out, &rel);
        let scripts: Vec<String> = page
            .select(&sel("head script[type='application/ld+json']"))
            .map(|s| s.text().collect())
            .collect();
        assert_eq!(scripts.len(), 1, "{rel}");
        assert!(!scripts[0].contains("</"), "{rel}");
        let ld: serde_json::Value = serde_json::from_str(&scripts[0]).unwrap();
        assert_eq!(ld["@type"], "Dataset", "{rel}");
        assert_eq!(
            ld["url"].as_str().unwrap(),
            format!("{base}{}", rel.trim_end_matches("index.html"))
        );
        assert!(!ld["variableMeasured"].as_array().unwrap().is_empty());
        let formats: Vec<&str> = ld["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                assert!(
                    local(d["contentUrl"].as_str().unwrap()).is_file(),
                    "{rel}: {d}"
                );
                d["encodingFormat"].as_str().unwrap()
            })
            .collect();
        assert_eq!(formats, ["text/csv", "application/json"]);
        let sources = ld["isBasedOn"].as_array().unwrap();
        assert!(!sources.is_empty(), "{rel}");
        for s in sources {
            assert!(local(s.as_str().unwrap()).is_file(), "{rel}: {s}");
        }
        assert_eq!(
            ld["spatialCoverage"].as_array().unwrap().len(),
            n_places,
            "{rel}"
        );
        let meta = |name: &str| {
            page.select(&sel(&format!("meta[name={name}]")))
                .next()
                .and_then(|m| m.value().attr("content").map(str::to_string))
        };
        assert_eq!(meta("citation_public_url").as_deref(), ld["url"].as_str());
        assert!(
            meta("citation_title").is_some_and(|t| !t.is_empty()),
            "{rel}"
        );
        // The key data count what the content holds; the citation names the page.
        let key: String = page
            .select(&sel("dl.key-data"))
            .flat_map(|d| d.text())
            .collect();
        assert!(key.contains(&format!("{n_figures} 个")), "{rel}: {key}");
        assert!(key.contains(&format!("{n_places} 个")), "{rel}: {key}");
        let cite: String = page
            .select(&sel("code.citation"))
            .flat_map(|c| c.text())
            .collect();
        assert!(cite.contains(ld["url"].as_str().unwrap()), "{rel}: {cite}");
    }
}

/// A figure whose article has an original web address also links to its sentence
/// there, as a text fragment that decodes to the quote; others have no such link.
#[test]
fn figures_link_to_their_sentence_on_the_original_page() {
    let (site, out) = built();
    let front = |id: &str, key: &str| -> Option<String> {
        let text =
            fs::read_to_string(site.path().join(format!("content/articles/{id}.md"))).ok()?;
        let fm = text
            .strip_prefix("---\n")?
            .split("\n---")
            .next()?
            .to_string();
        fm.lines().find_map(|l| {
            l.strip_prefix(&format!("{key}: "))
                .map(|v| v.trim().to_string())
        })
    };
    let (mut with, mut without) = (0, 0);
    for place in ["fuzhou", "lanzhou", "ouhai", "quanzhou"] {
        let page = html(&out, &format!("cities/{place}/index.html"));
        for cell in page.select(&sel("tr[id^=fig-] > td.source")) {
            let quote = cell.select(&sel(":scope > a.quote")).next().unwrap();
            let href = quote.value().attr("href").unwrap();
            let id = href
                .split("articles/")
                .nth(1)
                .unwrap()
                .split("/#")
                .next()
                .unwrap()
                .trim_end_matches('/');
            let original = cell
                .select(&sel(":scope > .src a.original"))
                .next()
                .map(|a| a.value().attr("href").unwrap().to_string());
            let url = front(id, "url").filter(|_| front(id, "script").is_none());
            match (url, original) {
                (Some(url), Some(link)) => {
                    with += 1;
                    let (page_url, text) = link.split_once("#:~:text=").unwrap();
                    assert_eq!(page_url, url, "{place}: {id}");
                    let decoded = percent_encoding::percent_decode_str(text)
                        .decode_utf8()
                        .unwrap();
                    let shown: String = quote.text().collect();
                    assert_eq!(
                        format!("「{decoded}」"),
                        shown,
                        "{place}: the fragment is the quote"
                    );
                    assert!(!text.contains(['-', '&', ',']), "{text}");
                }
                (None, None) => without += 1,
                (url, link) => panic!("{place} {id}: url {url:?}, link {link:?}"),
            }
        }
    }
    assert!(with >= 3 && without >= 10, "{with} with, {without} without");
}

/// A site with more URLs than one sitemap may list gets a sitemap index and parts,
/// each within the protocol's limit, listing every URL once.
#[test]
fn a_sitemap_past_fifty_thousand_urls_is_an_index_of_parts() {
    use indicity::render::fed::{Output, SITEMAP_MAX, sitemap_parts};
    let root = repo();
    let (mut site, _) = indicity::content::load_uncached(&root);
    let prov = indicity::check::check(&site, None, &mut Default::default());
    // The home page, /corrections/, /cities/ and /indicators/; then a page per
    // province, place, indicator and article, and the pages of /articles/.
    let provinces = site
        .places
        .iter()
        .map(|p| &p.province)
        .collect::<BTreeSet<_>>()
        .len();
    let before = 4 + provinces + site.places.len() + site.indicators.len();
    assert_eq!(sitemap_parts(&site), 0);
    let one = site.articles.values().next().unwrap().clone();
    for i in 0..SITEMAP_MAX {
        let mut a = one.clone();
        a.id = format!("many/2020-01-01-a{i}");
        site.articles.insert(a.id.clone(), a);
    }
    let parts = sitemap_parts(&site);
    assert_eq!(parts, 2);
    let tera = indicity::render::load_templates(&root).unwrap();
    let renderer =
        indicity::render::Renderer::new(&site, &prov, &tera, "https://example.org/site/");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let staging = indicity::output::Recycling::create(&out).unwrap();
    let sitemap = Output::Sitemap(parts);
    renderer
        .render(
            &indicity::render::Pages::of(&site, [&sitemap]),
            &root,
            &staging,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    staging.commit().unwrap();
    let index = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        locs,
        [
            "https://example.org/site/sitemap-1.xml",
            "https://example.org/site/sitemap-2.xml"
        ]
    );
    let mut all = std::collections::HashSet::new();
    for file in sitemap.files().iter().skip(1) {
        let text = fs::read_to_string(out.join(file)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let urls: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("loc"))
            .map(|n| n.text().unwrap().to_string())
            .collect();
        assert!(urls.len() <= SITEMAP_MAX, "{file}: {}", urls.len());
        all.extend(urls);
    }
    let articles = site.articles.len();
    let list_pages = articles.div_ceil(site.config.articles_per_page);
    assert!(list_pages > 1000);
    assert_eq!(all.len(), before + articles + list_pages);
}

/// A `license` setting reaches the footer of every page, the pages' Dataset JSON-LD
/// and the data package; without one, none of them names a licence.
#[test]
fn a_license_setting_reaches_the_footer_the_dataset_and_the_data_package() {
    const URL: &str = "https://creativecommons.org/licenses/by/4.0/";
    let (_plain, plain_out) = built();
    let site = site_copy();
    replace_in(
        site.path(),
        "content/site.yaml",
        "recent_articles:",
        &format!("license: {{ name: CC BY 4.0, url: \"{URL}\" }}\nrecent_articles:"),
    );
    let out = build(site.path());
    for (dir, licensed) in [(&plain_out, false), (&out, true)] {
        for rel in [
            "index.html",
            "cities/fuzhou/index.html",
            "indicators/rd_spending/index.html",
        ] {
            let page = html(dir, rel);
            let links: Vec<(String, String)> = page
                .select(&sel("footer a[rel=license]"))
                .map(|a| {
                    (
                        a.text().collect(),
                        a.value().attr("href").unwrap().to_string(),
                    )
                })
                .collect();
            if licensed {
                assert_eq!(links, [("CC BY 4.0".to_string(), URL.to_string())], "{rel}");
            } else {
                assert!(links.is_empty(), "{rel}");
            }
        }
        let page = html(dir, "cities/fuzhou/index.html");
        let ld: serde_json::Value = serde_json::from_str(
            &page
                .select(&sel("script[type='application/ld+json']"))
                .next()
                .unwrap()
                .text()
                .collect::<String>(),
        )
        .unwrap();
        let package: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("data/datapackage.json")).unwrap()).unwrap();
        if licensed {
            assert_eq!(ld["license"], URL);
            assert_eq!(package["licenses"][0]["path"], URL);
            assert_eq!(package["licenses"][0]["title"], "CC BY 4.0");
        } else {
            assert!(ld.get("license").is_none());
            assert!(package.get("licenses").is_none());
        }
    }
}
