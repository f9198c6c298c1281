//! `indicity serve` against edits meant to catch it out: marks renamed by a
//! neighbouring quote, places renamed into another's parent, templates that break at
//! render time, directories moved in and out of `static/` and `content/`, static files
//! where the site generates one, editor scratch files, symbolic links, random
//! sequences of valid and broken saves, and the real server's handling of odd URLs.
//!
//! Each test feeds `Live::update` a sequence of edits and, after each, requires the
//! served directory (after `write_data`) to equal a full build byte for byte. A failure
//! names the stale (only in the live output), missing (only in the full build) and
//! different files, with the first difference of each. `random_toggles` takes
//! `SEED=n STEPS=n BROKEN=1` from the environment.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use crate::common::edits::{self, t};
use crate::common::server::{self, BASE, LiveSite, Server};
use crate::common::{replace_in, site_copy, tree};
use indicity::serve::rebuild::Outcome;

const FUZHOU: &str = "content/cities/fuzhou.yaml";
const QUANZHOU: &str = "content/cities/quanzhou.yaml";
const OUHAI: &str = "content/cities/ouhai.yaml";
const LANZHOU: &str = "content/cities/lanzhou.yaml";
const FZ_A: &str = "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md";
const FZ_B: &str = "content/articles/fuzhou/undated-fuzhou-shike-xueji-shuju.md";
const QZ_A: &str = "content/articles/quanzhou/2022-01-29-lizheng-ruku-keji-xingzhong.md";

struct H {
    site: tempfile::TempDir,
    live: LiveSite,
}

impl H {
    fn new() -> H {
        let site = site_copy();
        H::on(site)
    }

    fn on(site: tempfile::TempDir) -> H {
        let live = LiveSite::start(site.path());
        H { site, live }
    }

    fn root(&self) -> &Path {
        self.site.path()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        replace_in(self.root(), rel, from, to);
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn update(&mut self, files: &[&str]) -> Outcome {
        let root = self.root().to_path_buf();
        self.live.live.update(files.iter().map(|f| root.join(f)))
    }

    /// An update that check must refuse with `code`, keeping the last good site.
    fn refused(&mut self, files: &[&str], code: indicity::diagnostics::Code) {
        match self.update(files) {
            Outcome::Failed(d) => {
                assert!(d.errors().any(|e| e.code == code), "{}", d.render(false))
            }
            Outcome::Rebuilt(_) => panic!("the edit passed; {code} expected"),
            Outcome::Nothing => panic!("nothing rebuilt; {code} expected"),
        }
    }

    /// An update that must succeed.
    fn ok(&mut self, files: &[&str]) -> indicity::serve::rebuild::Rebuilt {
        match self.update(files) {
            Outcome::Rebuilt(r) => r,
            Outcome::Failed(d) => panic!("rebuild failed:\n{}", d.render(false)),
            Outcome::Nothing => panic!("nothing was rebuilt for {files:?}"),
        }
    }

    /// An update that must fail; returns the diagnostics.
    fn fails(&mut self, files: &[&str]) -> String {
        match self.update(files) {
            Outcome::Failed(d) => d.render(false),
            Outcome::Rebuilt(_) => panic!("a broken site was rebuilt ({files:?})"),
            Outcome::Nothing => panic!("nothing was rebuilt for {files:?}"),
        }
    }

    /// The live output against a full build: `None` when identical.
    fn diff(&mut self) -> Option<String> {
        let root = self.site.path().to_path_buf();
        self.live.diff(&root)
    }

    fn same(&mut self, step: &str) {
        if let Some(d) = self.diff() {
            panic!("after {step}, the incremental output differs from a full build:\n{d}");
        }
    }
}

// ---------------------------------------------------------------------------------
// Front matter and place attributes.

#[test]
fn article_city_changes() {
    let mut h = H::new();
    // The undated Fuzhou article now claims to be about Quanzhou (Fuzhou's figures
    // still cite it: it names 福州).
    h.edit(FZ_B, "city: fuzhou", "city: quanzhou");
    h.ok(&[FZ_B]);
    h.same("city fuzhou → quanzhou");
    h.edit(FZ_B, "city: quanzhou", "city: fuzhou");
    h.ok(&[FZ_B]);
    h.same("city back to fuzhou");
}

#[test]
fn article_date_added_and_removed() {
    let mut h = H::new();
    h.edit(FZ_B, "city: fuzhou", "date: 2023-01-05\ncity: fuzhou");
    h.ok(&[FZ_B]);
    h.same("date added");
    // (A dated file name needs its date: only the undated article can lose one.)
    h.edit(FZ_B, "date: 2023-01-05\n", "");
    h.ok(&[FZ_B]);
    h.same("date removed");
}

#[test]
fn place_parent_changes() {
    let mut h = H::new();
    h.edit(OUHAI, "parent: 温州市", "parent: 福州市");
    h.ok(&[OUHAI]);
    h.same("ouhai parent → 福州市 (now a link)");
    h.edit(OUHAI, "parent: 福州市\n", "");
    h.ok(&[OUHAI]);
    h.same("ouhai parent removed");
    h.edit(OUHAI, "level: district", "level: district\nparent: 温州市");
    h.ok(&[OUHAI]);
    h.same("ouhai parent restored");
}

#[test]
fn a_place_renamed_into_anothers_parent() {
    let mut h = H::new();
    // Lanzhou renamed 温州市: Ouhai's page now links its parent.
    h.edit(LANZHOU, "name: 兰州市", "name: 温州市");
    // E024: Lanzhou's article must name the place; it names 兰州, not 温州. So rename a
    // place whose figures cite its own articles only (city equal to slug): fine.
    match h.update(&[LANZHOU]) {
        Outcome::Rebuilt(_) => h.same("lanzhou renamed 温州市"),
        Outcome::Failed(d) => panic!("{}", d.render(false)),
        Outcome::Nothing => panic!(),
    }
    h.edit(LANZHOU, "name: 温州市", "name: 兰州市");
    h.ok(&[LANZHOU]);
    h.same("lanzhou renamed back");
}

#[test]
fn place_code_and_province_change() {
    let mut h = H::new();
    h.edit(QUANZHOU, "code: \"350500\"", "code: \"350050\"");
    h.ok(&[QUANZHOU]);
    h.same("code");
    h.edit(QUANZHOU, "province: 福建省", "province: 甘肃省");
    h.ok(&[QUANZHOU]);
    h.same("province");
}

// ---------------------------------------------------------------------------------
// Figures.

#[test]
fn figure_source_moves_to_the_other_article() {
    let mut h = H::new();
    // 全市备案科技型中小企业2437家 is in both Fuzhou articles.
    let text = fs::read_to_string(h.root().join(FUZHOU)).unwrap();
    let text = text.replacen(
        "      value: 2437\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu",
        "      value: 2437\n      source: fuzhou/undated-fuzhou-shike-xueji-shuju",
        1,
    );
    h.write(FUZHOU, &text);
    match h.update(&[FUZHOU]) {
        Outcome::Rebuilt(_) => h.same("tech_smes source → undated article"),
        Outcome::Failed(d) => panic!("check refused the edit:\n{}", d.render(false)),
        Outcome::Nothing => panic!(),
    }
}

#[test]
fn quote_order_of_a_derived_figure() {
    let mut h = H::new();
    h.edit(
        FUZHOU,
        "quote: [国家高新技术企业总量达3759家, 较2021年净增964家]",
        "quote: [较2021年净增964家, 国家高新技术企业总量达3759家]",
    );
    h.ok(&[FUZHOU]);
    h.same("quotes of the derived figure swapped (its mark changes)");
}

#[test]
fn status_actual_to_target_and_back() {
    let mut h = H::new();
    // A result published as a goal: its sentence reports it for a year before the
    // article's, so check refuses it and the last good site stays.
    h.edit(
        FUZHOU,
        "      value: 2.27\n",
        "      value: 2.27\n      status: target\n",
    );
    h.refused(&[FUZHOU], indicity::diagnostics::Code::E038);
    h.edit(
        FUZHOU,
        "      value: 2.27\n      status: target\n",
        "      value: 2.27\n",
    );
    h.ok(&[FUZHOU]);
    h.same("rd_intensity target → actual");
}

#[test]
fn headline_figure_status_change() {
    let mut h = H::new();
    h.edit(
        FUZHOU,
        "      value: 2437\n",
        "      value: 2437\n      status: target\n",
    );
    h.refused(&[FUZHOU], indicity::diagnostics::Code::E038);
    h.edit(
        FUZHOU,
        "      value: 2437\n      status: target\n",
        "      value: 2437\n",
    );
    h.ok(&[FUZHOU]);
    h.same("tech_smes back to actual");
}

#[test]
fn note_added_to_a_figure() {
    let mut h = H::new();
    h.edit(
        FUZHOU,
        "      quote: R&D投入强度2.27%\n",
        "      quote: R&D投入强度2.27%\n      note: 新注释。\n",
    );
    h.ok(&[FUZHOU]);
    h.same("note added");
}

#[test]
fn indicator_blocks_reordered() {
    let mut h = H::new();
    // Move the tech_smes block to the top of figures: FigureRefs shift, the citation
    // order in the article pages changes, nothing a figure shows does.
    let text = fs::read_to_string(h.root().join(FUZHOU)).unwrap();
    let start = text.find("  tech_smes:\n").unwrap();
    let end = start + text[start..].find("  rd_spending:\n").unwrap();
    let block = &text[start..end];
    let rest = format!("{}{}", &text[..start], &text[end..]);
    let at = rest.find("figures:\n").unwrap() + "figures:\n".len();
    h.write(FUZHOU, &format!("{}{}{}", &rest[..at], block, &rest[at..]));
    h.ok(&[FUZHOU]);
    h.same("tech_smes block moved first");
}

#[test]
fn figures_of_one_indicator_reordered() {
    let mut h = H::new();
    let text = fs::read_to_string(h.root().join(LANZHOU)).unwrap();
    let a = "    - period: 2008\n      value: 87\n      source: lanzhou/2022-08-21-shengshi-keji-bumen-gongtui\n      quote: 自2008年首次认定87家\n";
    assert!(text.contains(a));
    let text = text.replacen(a, "", 1) + a;
    h.write(LANZHOU, &text);
    h.ok(&[LANZHOU]);
    h.same("lanzhou 2008 figure moved last");
}

#[test]
fn all_figures_removed_then_restored() {
    let mut h = H::new();
    let original = fs::read_to_string(h.root().join(LANZHOU)).unwrap();
    let head = &original[..original.find("figures:").unwrap()];
    h.write(LANZHOU, &format!("{head}figures: {{}}\n"));
    h.ok(&[LANZHOU]);
    h.same("lanzhou has no figures");
    h.write(LANZHOU, &original);
    h.ok(&[LANZHOU]);
    h.same("lanzhou figures restored");
}

// ---------------------------------------------------------------------------------
// Marks: overlapping quotes share one mark, named after its first quote.

/// Sci-corridor quotes of Fuzhou overlap: the merged mark is named after the first
/// (shortest) one, `科创走廊已建成载体面积330.2万平方米、创新创业载体119个`. Shortening that
/// quote renames the mark of the two other (unchanged) figures.
#[test]
fn a_merged_marks_name_changes_for_unchanged_figures_of_the_same_place() {
    let mut h = H::new();
    h.edit(
        FUZHOU,
        "quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体119个\n",
        "quote: 创新创业载体119个\n",
    );
    h.ok(&[FUZHOU]);
    h.same("sci_corridor_carriers quote shortened");
}

/// A new figure of one place whose quote overlaps (and starts before) the quote of
/// an unchanged figure of the same place, in another indicator.
#[test]
fn a_new_overlapping_quote_renames_the_mark_of_an_unchanged_figure() {
    let mut h = H::new();
    // rd_intensity's mark is `R&D投入强度2.27%`; a new rd_spending_growth-like figure
    // is not possible (one per period), so extend rd_spending 2021 (a headline
    // indicator) to overlap rd_intensity's quote from before it.
    h.edit(
        FUZHOU,
        "quote: 2021年,我市全社会R&D支出257.4亿元\n",
        "quote: 2021年,我市全社会R&D支出257.4亿元,比增14.2%,总量和增量连续6年保持全省第一;R&D投入\n",
    );
    match h.update(&[FUZHOU]) {
        Outcome::Rebuilt(_) => h.same("rd_spending quote extended over rd_intensity's"),
        Outcome::Failed(d) => panic!("check refused:\n{}", d.render(false)),
        Outcome::Nothing => panic!(),
    }
}

/// A quote extended so that it overlaps, from before, the quote of an unchanged
/// figure of the same place (another indicator).
#[test]
fn an_extended_quote_swallows_the_mark_of_an_unchanged_figure() {
    let mut h = H::new();
    // Make `研发公共服务平台291个` and `现有高新技术企业1773家` adjacent and overlapping
    // once sci_corridor_rd_platforms quotes a longer fragment.
    h.edit(
        FUZHOU,
        "quote: 研发公共服务平台291个\n",
        "quote: 研发公共服务平台291个。创新要素进一步集聚,现有高新技术企业\n",
    );
    match h.update(&[FUZHOU]) {
        Outcome::Rebuilt(_) => {
            h.same("rd_platforms quote extended over sci_corridor_high_tech_enterprises'")
        }
        Outcome::Failed(d) => panic!("check refused:\n{}", d.render(false)),
        Outcome::Nothing => panic!(),
    }
}

/// Another place cites a Fuzhou article; a Fuzhou edit renames the mark that place's
/// figure links to (another place: `marks_before` should see it).
#[test]
fn a_mark_of_another_place_moves() {
    let mut h = H::new();
    h.edit(
        FZ_A,
        "跃居全省第一。",
        "跃居全省第一。泉州市同期国家高新技术企业总量达2100家。",
    );
    let q = fs::read_to_string(h.root().join(QUANZHOU)).unwrap();
    let q = q.replacen(
        "figures:\n",
        "figures:\n  high_tech_enterprises:\n    - period: 2022\n      value: 2100\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 泉州市同期国家高新技术企业总量达2100家\n",
        1,
    );
    h.write(QUANZHOU, &q);
    match h.update(&[FZ_A, QUANZHOU]) {
        Outcome::Rebuilt(_) => h.same("quanzhou cites a fuzhou article"),
        Outcome::Failed(d) => panic!("check refused:\n{}", d.render(false)),
        Outcome::Nothing => panic!(),
    }
    // Fuzhou's 2022 quote now extends into Quanzhou's sentence, from before it: the
    // shared mark is named after Fuzhou's quote.
    h.edit(
        FUZHOU,
        "      value: 3759\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 国家高新技术企业总量达3759家\n",
        "      value: 3759\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 国家高新技术企业总量达3759家,跃居全省第一。泉州市\n",
    );
    match h.update(&[FUZHOU]) {
        Outcome::Rebuilt(_) => h.same("fuzhou quote overlaps quanzhou's"),
        Outcome::Failed(d) => panic!("check refused:\n{}", d.render(false)),
        Outcome::Nothing => panic!(),
    }
    // And the article alone moves the text: quanzhou's mark follows.
    h.edit(FZ_A, "跃居全省第一。泉州市", "跃居全省第一。据悉,泉州市");
    h.edit(
        FUZHOU,
        "quote: 国家高新技术企业总量达3759家,跃居全省第一。泉州市\n",
        "quote: 国家高新技术企业总量达3759家\n",
    );
    h.ok(&[FZ_A, FUZHOU]);
    h.same("split again");
}

// ---------------------------------------------------------------------------------
// Site-wide files.

#[test]
fn site_yaml_and_indicators_yaml() {
    let mut h = H::new();
    h.edit("content/site.yaml", "  - rd_spending\n", "");
    let r = h.ok(&["content/site.yaml"]);
    assert!(r.full);
    h.same("headline without rd_spending");
    // Incremental again after a full rebuild: the citation index must be rebuilt.
    h.edit(FUZHOU, "value: 2437", "value: 2437 # x");
    h.ok(&[FUZHOU]);
    h.same("after full: trivial fuzhou edit");
    h.edit(
        "content/indicators.yaml",
        "name: 科技型中小企业数",
        "name: 科技型中小企业数量",
    );
    h.ok(&["content/indicators.yaml"]);
    h.same("indicator renamed");
    h.edit(
        "content/site.yaml",
        "title: 城市科创指标",
        "title: 城市科创指标（测试）",
    );
    h.ok(&["content/site.yaml"]);
    h.same("title");
}

// ---------------------------------------------------------------------------------
// Templates.

#[test]
fn partials_and_base() {
    let mut h = H::new();
    h.edit(
        "templates/partials/figure_source.html",
        "<span class=\"src\">",
        "<span class=\"src x\">",
    );
    h.ok(&["templates/partials/figure_source.html"]);
    h.same("figure_source partial");
    h.edit(
        "templates/partials/article_item.html",
        "<li>",
        "<li class=\"a\">",
    );
    h.ok(&["templates/partials/article_item.html"]);
    h.same("article_item partial");
    h.edit(
        "templates/base.html",
        "<main id=\"main\"",
        "<main data-x=\"1\" id=\"main\"",
    );
    h.ok(&["templates/base.html"]);
    h.same("base");
    h.edit(
        "templates/atom.xml",
        "<subtitle>",
        "<subtitle type=\"text\">",
    );
    h.ok(&["templates/atom.xml"]);
    h.same("atom");
}

/// Tera 2 accepts single-quoted (and backquoted) template names.
#[test]
fn include_with_single_quotes() {
    let mut h = H::new();
    h.edit(
        "templates/place.html",
        "{% include \"partials/figure_source.html\" %}",
        "{% include 'partials/figure_source.html' %}",
    );
    h.ok(&["templates/place.html"]);
    h.same("place.html includes with single quotes");
    h.edit(
        "templates/partials/figure_source.html",
        "<span class=\"src\">",
        "<span class=\"src y\">",
    );
    h.ok(&["templates/partials/figure_source.html"]);
    h.same("figure_source edited (place.html includes it with single quotes)");
}

/// Tera 2 components are global: a page uses one defined in another file with no
/// `include`, `extends` or `import`.
#[test]
fn component_defined_in_another_template() {
    let mut h = H::new();
    h.write(
        "templates/partials/components.html",
        "{% component Badge(label) %}<b class=\"badge\">{{ label }}</b>{% endcomponent Badge %}",
    );
    h.edit(
        "templates/place.html",
        "<h1>{{ place.full_name }}",
        "<h1>{{<Badge label=\"市\" />}}{{ place.full_name }}",
    );
    match h.update(&["templates/partials/components.html", "templates/place.html"]) {
        Outcome::Rebuilt(_) => h.same("component added"),
        Outcome::Failed(d) => panic!("{}", d.render(false)),
        Outcome::Nothing => panic!(),
    }
    h.edit(
        "templates/partials/components.html",
        "class=\"badge\"",
        "class=\"badge2\"",
    );
    h.ok(&["templates/partials/components.html"]);
    h.same("component edited");
}

/// A template that fails at render time, not load time, while an article also changes
/// in the same save: what is served meanwhile, and the state after the fix.
#[test]
fn template_render_error_then_fixed() {
    let mut h = H::new();
    let before = tree(&h.live.out);
    // Loads (tera validates filters at load time) but fails when rendered: a string
    // has no fields.
    h.edit(
        "templates/place.html",
        "{{ place.province }} ·",
        "{{ place.province.nosuch }} ·",
    );
    h.edit(FZ_A, "title: 福州", "title: （改）福州");
    let out = h.update(&["templates/place.html", FZ_A]);
    let mut touched = Vec::new();
    if let Outcome::Failed(_) = out {
        let now = tree(&h.live.out);
        touched = now
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
    }
    h.edit(
        "templates/place.html",
        "{{ place.province.nosuch }} ·",
        "{{ place.province }} ·",
    );
    h.ok(&["templates/place.html"]);
    h.same("place.html fixed");
    assert!(
        touched.is_empty(),
        "a failed rebuild (render error) changed the served site: {touched:?}"
    );
}

/// `place.html` breaks at render time for one place only (Ouhai has a parent).
#[test]
fn template_runtime_error_for_some_pages_only() {
    let mut h = H::new();
    let before = tree(&h.live.out);
    h.edit(
        "templates/place.html",
        "{% if place.parent %} · 隶属",
        "{% if place.parent %}{{ place.parent.nosuch }} · 隶属",
    );
    h.edit(
        "templates/place.html",
        "<p class=\"meta\">",
        "<p class=\"meta m2\">",
    );
    let failed = matches!(h.update(&["templates/place.html"]), Outcome::Failed(_));
    let now = tree(&h.live.out);
    let touched: Vec<String> = now
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    assert!(failed, "the broken template was accepted");
    assert!(
        touched.is_empty(),
        "a failed rebuild (render error) changed the served site: {touched:?}"
    );
}

// ---------------------------------------------------------------------------------
// Files deleted, re-added, broken.

#[test]
fn delete_and_readd_in_one_update() {
    let mut h = H::new();
    let text = fs::read_to_string(h.root().join(FZ_A)).unwrap();
    fs::remove_file(h.root().join(FZ_A)).unwrap();
    h.write(
        FZ_A,
        &text.replacen("title: 福州", "title: 重写后的福州", 1),
    );
    let r = h.ok(&[FZ_A, FZ_A]);
    eprintln!("full: {}", r.full);
    h.same("article deleted and re-added with another title");
}

#[test]
fn broken_and_valid_then_fixed() {
    let mut h = H::new();
    h.edit(FUZHOU, "value: 2437", "value: 2438");
    h.edit(QUANZHOU, "name_en: Quanzhou", "name_en: Quanzhou City");
    h.edit(FZ_B, "title: 福州市", "title: 改·福州市");
    h.fails(&[FUZHOU, QUANZHOU, FZ_B]);
    h.edit(FUZHOU, "value: 2438", "value: 2437");
    h.ok(&[FUZHOU]);
    h.same("both fixed");
}

#[test]
fn broken_article_then_place_fixes_it() {
    let mut h = H::new();
    // The article's sentence changes; the figure is fixed in the next save.
    h.edit(
        FZ_A,
        "全市备案科技型中小企业2437家",
        "全市备案科技型中小企业2473家",
    );
    h.fails(&[FZ_A]);
    h.edit(FUZHOU, "value: 2437", "value: 2473");
    h.edit(
        FUZHOU,
        "quote: 全市备案科技型中小企业2437家",
        "quote: 全市备案科技型中小企业2473家",
    );
    // The other article also has the sentence; tech_smes cites FZ_A only.
    h.ok(&[FUZHOU]);
    h.same("fixed from the place side");
}

#[test]
fn broken_template_with_content_change() {
    let mut h = H::new();
    h.edit(
        "templates/place.html",
        "{% for card in g.cards %}\n<section",
        "{% for card in g.cards %\n<section",
    );
    h.edit(QUANZHOU, "name_en: Quanzhou", "name_en: Quanzhou City");
    h.fails(&["templates/place.html", QUANZHOU]);
    h.edit(
        "templates/place.html",
        "{% for card in g.cards %\n<section",
        "{% for card in g.cards %}\n<section",
    );
    h.ok(&["templates/place.html"]);
    h.same("template fixed");
}

// ---------------------------------------------------------------------------------
// Static files and directories (the watcher reports directory paths too).

#[test]
fn static_file_over_a_generated_page() {
    let mut h = H::new();
    h.write("static/404.html", "<!doctype html><title>mine</title>");
    h.ok(&["static/404.html"]);
    h.same("static/404.html added (a generated page has that path)");
}

#[test]
fn static_directory_created() {
    let mut h = H::new();
    fs::create_dir_all(h.root().join("static/img")).unwrap();
    // `mkdir static/img` is reported as the directory's path.
    let r = h.update(&["static/img"]);
    if let Outcome::Failed(d) = &r {
        let first = d.render(false);
        // Every later save keeps failing.
        h.edit(QUANZHOU, "name_en: Quanzhou", "name_en: Quanzhou City");
        let later = match h.update(&[QUANZHOU]) {
            Outcome::Failed(d) => format!(
                "\n  and a later, valid save fails too:\n{}",
                d.render(false)
            ),
            _ => String::new(),
        };
        panic!("creating a directory under static/ fails the rebuild:\n{first}{later}");
    }
    h.write(
        "static/img/a.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    h.ok(&["static/img/a.svg"]);
    h.same("static/img/a.svg");
}

#[test]
fn static_directory_removed() {
    let mut h = H::new();
    h.write(
        "static/img/a.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    h.ok(&["static/img/a.svg"]);
    h.same("static/img/a.svg added");
    // `rm -r static/img`: the file, then the directory.
    fs::remove_dir_all(h.root().join("static/img")).unwrap();
    let r = h.update(&["static/img/a.svg", "static/img"]);
    if let Outcome::Failed(d) = &r {
        let first = d.render(false);
        h.edit(QUANZHOU, "name_en: Quanzhou", "name_en: Quanzhou City");
        let later = match h.update(&[QUANZHOU]) {
            Outcome::Failed(d) => format!(
                "\n  and a later, valid save fails too:\n{}",
                d.render(false)
            ),
            _ => String::new(),
        };
        panic!("removing a directory under static/ fails the rebuild:\n{first}{later}");
    }
    h.same("static/img removed");
}

/// A static file that a generated page overrides in a full build, removed.
#[test]
fn static_file_shadowed_by_a_generated_page_removed() {
    let site = site_copy();
    fs::write(
        site.path().join("static/404.html"),
        "<!doctype html><title>mine</title>",
    )
    .unwrap();
    fs::write(site.path().join("static/sitemap.xml"), "<urlset/>").unwrap();
    let mut h = H::on(site);
    h.same("initial (static/404.html and static/sitemap.xml exist)");
    fs::remove_file(h.root().join("static/404.html")).unwrap();
    fs::remove_file(h.root().join("static/sitemap.xml")).unwrap();
    h.ok(&["static/404.html", "static/sitemap.xml"]);
    h.same("static/404.html and static/sitemap.xml removed");
}

/// A place edit and a static directory in one batch (a `git checkout`, say): the
/// static copy fails after the place was taken in; once the directory is gone, the
/// place edit must still reach the pages.
#[test]
fn content_change_lost_when_the_static_stage_fails() {
    let mut h = H::new();
    // A rename: the index, the indicator and article pages show it too.
    h.edit(QUANZHOU, "name: 泉州市", "name: 泉州");
    fs::create_dir_all(h.root().join("static/newdir")).unwrap();
    let first = h.update(&[QUANZHOU, "static/newdir"]);
    let failed = matches!(first, Outcome::Failed(_));
    fs::remove_dir(h.root().join("static/newdir")).unwrap();
    h.ok(&["static/newdir"]);
    h.same(&format!(
        "place edit + static dir (first update failed: {failed}), dir removed"
    ));
}

/// `mv /elsewhere/xiamen content/articles/`: the watcher reports the directory only.
#[test]
fn article_directory_moved_in() {
    let mut h = H::new();
    h.write(
        "content/cities/xiamen.yaml",
        "name: 厦门市\nname_en: Xiamen\nprovince: 福建省\nlevel: prefecture\nfigures: {}\n",
    );
    h.ok(&["content/cities/xiamen.yaml"]);
    h.same("xiamen added");
    h.write(
        "content/articles/xiamen/2023-01-01-test.md",
        "---\ntitle: 厦门测试\ndate: 2023-01-01\ncity: xiamen\n---\n\n厦门的一段文字。\n",
    );
    match h.update(&["content/articles/xiamen"]) {
        Outcome::Nothing => {
            // The directory event was ignored; a later edit elsewhere does not pick
            // the article up either.
            h.edit(QUANZHOU, "name_en: Quanzhou", "name_en: Quanzhou City");
            h.ok(&[QUANZHOU]);
            h.same("article directory moved in (reported as its directory), then another edit");
        }
        Outcome::Rebuilt(_) => h.same("article directory moved in"),
        Outcome::Failed(d) => panic!("{}", d.render(false)),
    }
}

/// Two place files with the same slug in different directories: `load` reads both.
#[test]
fn nested_place_file_with_an_existing_slug() {
    let mut h = H::new();
    let text = fs::read_to_string(h.root().join(LANZHOU)).unwrap();
    h.write(
        "content/cities/extra/lanzhou.yaml",
        &text.replacen("name_en: Lanzhou", "name_en: Lanzhou Two", 1),
    );
    let r = h.update(&["content/cities/extra/lanzhou.yaml"]);
    let Err(indicity::Error::Content(d)) = indicity::check(h.root()) else {
        panic!("check accepts two places named lanzhou");
    };
    assert!(
        d.render(false)
            .contains("two place files are named `lanzhou`")
    );
    assert!(
        matches!(r, Outcome::Failed(_)),
        "serve accepts what check refuses"
    );
}

// ---------------------------------------------------------------------------------
// A longer random-ish sequence of small edits, compared after each.

#[test]
fn long_sequence() {
    let mut h = H::new();
    let steps: Vec<(&str, &str, &str, &str)> = vec![
        (QZ_A, "title: 力争", "title: 泉州力争", "qz title"),
        (QUANZHOU, "name: 泉州市", "name: 泉州", "qz rename (短名)"),
        (QUANZHOU, "name: 泉州", "name: 泉州市", "qz rename back"),
        (
            OUHAI,
            "value: 79",
            "value: 79\n      note: 上半年。",
            "ouhai note",
        ),
        (FZ_B, "title: 福州市", "title: 福州", "fz_b title"),
        (FUZHOU, "code: \"350100\"", "code: \"350101\"", "fz code"),
        (
            LANZHOU,
            "level: prefecture",
            "level: county-level-city",
            "lz level",
        ),
    ];
    for (file, from, to, name) in steps {
        h.edit(file, from, to);
        match h.update(&[file]) {
            Outcome::Rebuilt(_) => h.same(name),
            Outcome::Failed(d) => {
                eprintln!("{name}: refused by check (skipped):\n{}", d.render(false))
            }
            Outcome::Nothing => panic!(),
        }
    }
}

// ---------------------------------------------------------------------------------
// The real server.

/// Status and the whole response, head included.
fn get(addr: &str, path: &str) -> (u16, String) {
    let r = server::get(addr, path);
    let head: String = r
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    (r.status, format!("{head}\r\n{}", r.text()))
}

/// With the real watcher: a directory of articles moved into content/articles/.
#[test]
fn real_server_article_directory_moved_in() {
    let site = site_copy();
    let root = site.path();
    fs::write(
        root.join("content/cities/xiamen.yaml"),
        "name: 厦门市\nname_en: Xiamen\nprovince: 福建省\nlevel: prefecture\nfigures: {}\n",
    )
    .unwrap();
    let server = Server::start(root);
    let elsewhere = tempfile::tempdir_in(root).unwrap();
    let dir = elsewhere.path().join("xiamen");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("2023-01-01-test.md"),
        "---\ntitle: 厦门测试\ndate: 2023-01-01\ncity: xiamen\n---\n\n厦门的一段文字。\n",
    )
    .unwrap();
    fs::rename(&dir, root.join("content/articles/xiamen")).unwrap();
    let log = server.wait_log(Duration::from_secs(5), |l| {
        l.starts_with("built") || l.starts_with("rebuilt")
    });
    std::thread::sleep(Duration::from_millis(300));
    let (status, _) = get(&server.addr, "/articles/xiamen/2023-01-01-test/");
    // And after an unrelated save.
    let q = root.join(QUANZHOU);
    let t = fs::read_to_string(&q).unwrap();
    fs::write(
        &q,
        t.replacen("name_en: Quanzhou", "name_en: Quanzhou City", 1),
    )
    .unwrap();
    let log2 = server.wait_log(Duration::from_secs(10), |l| {
        l.starts_with("built") || l.starts_with("rebuilt")
    });
    std::thread::sleep(Duration::from_millis(300));
    let (status2, _) = get(&server.addr, "/articles/xiamen/2023-01-01-test/");
    let on_disk = server
        .out
        .join("articles/xiamen/2023-01-01-test/index.html")
        .exists();
    assert!(
        status == 200 && status2 == 200,
        "the moved-in article is not served: {status} right after the move (log {log:?}), {status2} after another save (log {log2:?}); on disk: {on_disk}"
    );
}

/// With the real watcher: `mkdir static/img`, then a content edit.
#[test]
fn real_server_static_mkdir() {
    let site = site_copy();
    let root = site.path();
    let server = Server::start(root);
    fs::create_dir(root.join("static/img")).unwrap();
    let log = server.wait_log(Duration::from_secs(5), |l| {
        l.starts_with("fix the errors") || l.starts_with("rebuilt")
    });
    let q = root.join(QUANZHOU);
    let t = fs::read_to_string(&q).unwrap();
    fs::write(
        &q,
        t.replacen("name_en: Quanzhou", "name_en: Quanzhou City", 1),
    )
    .unwrap();
    let log2 = server.wait_log(Duration::from_secs(10), |l| {
        l.starts_with("fix the errors") || l.starts_with("rebuilt")
    });
    std::thread::sleep(Duration::from_millis(200));
    let (_, page) = get(&server.addr, "/cities/quanzhou/");
    assert!(
        page.contains("Quanzhou City") && !page.contains("indicity-overlay"),
        "after `mkdir static/img` and a valid edit the page is stale or shows errors.\n log after mkdir: {log:?}\n log after edit: {log2:?}"
    );
}

/// Site-wide data files are refreshed only for URLs that start with `/data/`; other
/// spellings of the same file are served stale.
#[test]
fn real_server_data_file_under_another_spelling() {
    let site = site_copy();
    let root = site.path();
    let server = Server::start(root);
    let edit = |rel: &str, from: &str, to: &str| {
        let p = root.join(rel);
        let t = fs::read_to_string(&p).unwrap();
        assert!(t.contains(from));
        fs::write(&p, t.replacen(from, to, 1)).unwrap();
    };
    edit(FZ_A, "中小企业2437家", "中小企业2473家");
    edit(FUZHOU, "value: 2437", "value: 2473");
    edit(
        FUZHOU,
        "quote: 全市备案科技型中小企业2437家",
        "quote: 全市备案科技型中小企业2473家",
    );
    let log = server.wait_log(Duration::from_secs(10), |l| l.starts_with("rebuilt"));
    assert!(log.iter().any(|l| l.starts_with("rebuilt")), "{log:?}");
    let mut stale = Vec::new();
    for path in [
        "//data/figures.csv",
        "/%64ata/figures.csv",
        "/data//figures.csv",
    ] {
        let (status, body) = get(&server.addr, path);
        if status == 200 && body.contains(",2437,") {
            stale.push(path);
        }
    }
    let (_, fresh) = get(&server.addr, "/data/figures.csv");
    assert!(fresh.contains(",2473,"));
    assert!(
        stale.is_empty(),
        "stale data served at {stale:?} (200, old value 2437)"
    );
}

/// A symbolic link under static/: `build` (walkdir, links not followed) leaves it
/// out; the incremental copy reads through it.
#[test]
fn static_symlink() {
    let mut h = H::new();
    std::os::unix::fs::symlink(
        h.root().join("static/css/site.css"),
        h.root().join("static/alias.css"),
    )
    .unwrap();
    h.ok(&["static/alias.css"]);
    h.same("static/alias.css symlink added");
}

/// Odd but well-formed request paths against the real server.
#[test]
fn real_server_odd_paths() {
    let site = site_copy();
    let root = site.path();
    // An HTML file in static/ that is not UTF-8 (Latin-1 é).
    fs::write(
        root.join("static/latin1.html"),
        b"<html><body>caf\xe9</body></html>",
    )
    .unwrap();
    let server = Server::start(root);
    let mut report = Vec::new();
    for path in [
        "/latin1.html",
        "/cities/fuzhou/index.html/",
        "/cities%2Ffuzhou",
        "/cities%2Ffuzhou/",
    ] {
        let (status, text) = get(&server.addr, path);
        let location = text
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("location:"))
            .unwrap_or("")
            .to_string();
        report.push(format!("{path} → {status} {location}"));
    }
    let (status, _) = {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET http://{}/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr, server.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).into_owned();
        (
            text.split(' ')
                .nth(1)
                .and_then(|s| s.parse::<u16>().ok())
                .unwrap_or(0),
            text,
        )
    };
    report.push(format!("absolute-form GET http://host/ → {status}"));
    eprintln!("{}", report.join("\n"));
    assert!(
        report[0].contains("→ 200"),
        "a static non-UTF-8 HTML file is not served:\n{}",
        report.join("\n")
    );
}

/// A curator's correction of a figure and its sentence in one save, on a
/// merged mark: the first quote of the shared mark changes, so the mark of the
/// unchanged `sci_corridor_rd_platforms` figure is renamed.
#[test]
fn correcting_a_figure_and_its_sentence_renames_a_shared_mark() {
    let mut h = H::new();
    h.edit(FZ_A, "创新创业载体119个", "创新创业载体120个");
    h.edit(
        FUZHOU,
        "quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体119个、研发公共服务平台291个",
        "quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体120个、研发公共服务平台291个",
    );
    h.edit(
        FUZHOU,
        "      value: 119\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体119个\n",
        "      value: 120\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu\n      quote: 科创走廊已建成载体面积330.2万平方米、创新创业载体120个\n",
    );
    h.ok(&[FZ_A, FUZHOU]);
    h.same("carriers corrected 119 → 120 in the article and the YAML");
}

/// Toggles from a pool of valid edits, a few per save, in a pseudo-random order;
/// after each save the live output must equal a full build, and serve must refuse
/// exactly what `check` refuses. Edits known to hit the merged-mark bug are left out.
#[test]
fn random_toggles() {
    let mut h = H::new();
    let mut pool = edits::valid();
    pool.extend([
        t(
            FUZHOU,
            "      value: 2.27\n",
            "      value: 2.27\n      status: target\n",
        ),
        t(
            FZ_A,
            "raw: raw/000_0a9f1b4e7c92027a.txt\n---\n\n",
            "raw: raw/000_0a9f1b4e7c92027a.txt\n---\n\n新增的一段导语。\n\n",
        ),
        t(
            FUZHOU,
            "      value: 2437\n      source: fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu",
            "      value: 2437\n      source: fuzhou/undated-fuzhou-shike-xueji-shuju",
        ),
        t(QUANZHOU, "name: 泉州市\n", "name: 泉州\n"),
        t(
            FZ_B,
            "raw: raw/001_bc794ca9cb2f80c0.txt\n---\n\n",
            "raw: raw/001_bc794ca9cb2f80c0.txt\n---\n\n2022年福州市科技工作的一段导语。\n\n",
        ),
    ]);
    let clean = pool.len(); // pool[..clean] never breaks the content
    if std::env::var("BROKEN").is_ok() {
        // Edits that break the content, to mix failures and recoveries in.
        pool.extend(edits::breaking());
        pool.push(t(
            FZ_B,
            "全市技术合同成交总额85.25亿元",
            "全市技术合同成交总额85.26亿元",
        ));
    }
    let mut on = vec![false; pool.len()];
    let mut seed: u64 = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12345);
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut history = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    let steps: usize = std::env::var("STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let mut refused = false;
    for step in 0..steps {
        let k = 1 + next(3);
        let mut files: Vec<&str> = Vec::new();
        // After a refused save, the next one fixes every breaking edit (and more).
        let fixes: Vec<usize> = if refused {
            (clean..pool.len()).filter(|&i| on[i]).collect()
        } else {
            Vec::new()
        };
        let picks: Vec<usize> = (0..k).map(|_| next(pool.len())).collect();
        for i in fixes.into_iter().chain(picks) {
            edits::switch(h.root(), &pool, &mut on, i);
            let file = pool[i].file;
            history.push(format!("step {step}: toggle #{i} ({file}) → {}", on[i]));
            files.extend(pool[i].files());
        }
        files.append(&mut pending);
        let full_ok = {
            let out = tempfile::tempdir().unwrap();
            indicity::build(&indicity::BuildOptions {
                root: h.root().to_path_buf(),
                output: Some(out.path().join("site")),
                base_url: Some(BASE.into()),
                force: false,
                full: true,
            })
            .is_ok()
        };
        refused = !full_ok;
        match h.update(&files) {
            Outcome::Rebuilt(_) => {
                assert!(
                    full_ok,
                    "serve accepted what build refuses:\n{}",
                    history.join("\n")
                );
                if let Some(d) = h.diff() {
                    panic!("after:\n{}\n{d}", history.join("\n"));
                }
            }
            Outcome::Failed(d) => {
                assert!(
                    !full_ok,
                    "serve refused what build accepts:\n{}\n{}",
                    history.join("\n"),
                    d.render(false)
                );
                history.push(format!("step {step}: refused (as build does)"));
            }
            Outcome::Nothing => panic!(),
        }
    }
    let refusals = history.iter().filter(|l| l.contains("refused")).count();
    eprintln!(
        "{}\n{refusals} of {steps} saves refused",
        history.join("\n")
    );
}

/// Editor scratch files: vim keeps `.place.html.swp` (binary) next to the file it
/// edits, emacs writes `site.css~` backups. `feeds_site` ignores them as changes, but
/// `build` (and so every template rebuild) reads every file under templates/ and
/// copies every file under static/.
#[test]
fn vim_swap_file_in_templates() {
    let mut h = H::new();
    // What vim writes: a binary header, not UTF-8.
    let mut swap = b"b0VIM 9.0\0\0\0\0".to_vec();
    swap.extend([0xff, 0xfe, 0x00, 0x80, 0x81]);
    h.write("templates/.place.html.swp", "");
    fs::write(h.root().join("templates/.place.html.swp"), &swap).unwrap();
    h.edit(
        "templates/place.html",
        "<p class=\"meta\">",
        "<p class=\"meta m3\">",
    );
    match h.update(&["templates/.place.html.swp", "templates/place.html"]) {
        Outcome::Rebuilt(_) => h.same("place.html saved while vim's swap file exists"),
        Outcome::Failed(d) => panic!(
            "saving a template while vim has it open fails the rebuild:\n{}",
            d.render(false)
        ),
        Outcome::Nothing => panic!(),
    }
}

#[test]
fn editor_backup_in_static() {
    let mut h = H::new();
    h.write("static/css/site.css~", "/* backup */\n");
    match h.update(&["static/css/site.css~"]) {
        Outcome::Nothing => h.same("static/css/site.css~ created (ignored as scratch)"),
        _ => h.same("static/css/site.css~ created"),
    }
}
