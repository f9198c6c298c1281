//! Edits of the bundled site that can be switched on and off, shared by the tests
//! that apply random sequences of them (`tests/incremental.rs`, `tests/serve_edits.rs`).

use std::fs;
use std::path::Path;

pub const FUZHOU: &str = "content/cities/fuzhou.yaml";
pub const QUANZHOU: &str = "content/cities/quanzhou.yaml";
pub const OUHAI: &str = "content/cities/ouhai.yaml";
pub const LANZHOU: &str = "content/cities/lanzhou.yaml";
pub const FZ_A: &str = "content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md";
pub const FZ_B: &str = "content/articles/fuzhou/undated-fuzhou-shike-xueji-shuju.md";
pub const QZ_A: &str = "content/articles/quanzhou/2022-01-29-lizheng-ruku-keji-xingzhong.md";

/// An edit that can be switched on and off: `from` → `to` in `file` (and in the
/// files of `more`, together), or a file that is created (`from` empty) and deleted
/// again, with the edits of `more`.
pub struct Toggle {
    pub file: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub more: &'static [(&'static str, &'static str, &'static str)],
}

pub const fn t(file: &'static str, from: &'static str, to: &'static str) -> Toggle {
    Toggle {
        file,
        from,
        to,
        more: &[],
    }
}

impl Toggle {
    /// Every file it changes.
    pub fn files(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.file).chain(self.more.iter().map(|(f, _, _)| *f))
    }
}

/// Valid edits of every kind of field: names, parents, codes and levels, articles'
/// titles, dates and places, quote order, notes, two templates.
pub fn valid() -> Vec<Toggle> {
    vec![
        t(FUZHOU, "name_en: Fuzhou\n", "name_en: Fuzhou City\n"),
        t(FUZHOU, "name: 福州市\n", "name: 福州\n"),
        t(OUHAI, "parent: 温州市\n", "parent: 福州市\n"),
        t(FZ_A, "title: 福州:", "title: 修订 福州:"),
        t(FZ_B, "city: fuzhou\n", "city: quanzhou\n"),
        t(FZ_A, "date: 2023-02-13\n", "date: 2023-02-14\n"),
        t(QUANZHOU, "code: \"350500\"", "code: \"350050\""),
        t(LANZHOU, "level: prefecture", "level: county-level-city"),
        t(
            FUZHOU,
            "quote: [国家高新技术企业总量达3759家, 较2021年净增964家]",
            "quote: [较2021年净增964家, 国家高新技术企业总量达3759家]",
        ),
        t(
            FUZHOU,
            "      quote: R&D投入强度2.27%\n",
            "      quote: R&D投入强度2.27%\n      note: 新注释。\n",
        ),
        t(
            "templates/partials/figure_source.html",
            "<span class=\"src\">",
            "<span class=\"src z\">",
        ),
        t(
            "templates/base.html",
            "<main id=\"main\"",
            "<main data-x=\"1\" id=\"main\"",
        ),
        t(QZ_A, "title: 力争", "title: 泉州力争"),
        t(OUHAI, "name: 瓯海区\n", "name: 温州市瓯海区\n"),
        t(
            LANZHOU,
            "      value: 681\n",
            "      value: 681\n      note: 全市。\n",
        ),
        // A second source: an invented article, and the figure citing it too.
        Toggle {
            file: "content/articles/lanzhou/2022-09-01-wanbao-second.md",
            from: "",
            to: "---\ntitle: 兰州高企数量五年翻两番\ndate: 2022-09-01\ncity: lanzhou\n---\n\n记者获悉，2021年达到681家，增长迅速。\n",
            more: &[(
                LANZHOU,
                "      source: lanzhou/2022-08-21-shengshi-keji-bumen-gongtui\n      quote: 2021年达到681家\n",
                "      sources:\n        - source: lanzhou/2022-08-21-shengshi-keji-bumen-gongtui\n          quote: 2021年达到681家\n        - source: lanzhou/2022-09-01-wanbao-second\n          quote: 2021年达到681家\n",
            )],
        },
        // A conflict with a choice: an invented article stating another value.
        Toggle {
            file: "content/articles/lanzhou/2022-09-02-wanbao-other.md",
            from: "",
            to: "---\ntitle: 兰州高企另一说\ndate: 2022-09-02\ncity: lanzhou\n---\n\n据统计，2016年全市高新技术企业达到230家。\n",
            more: &[(
                LANZHOU,
                "      quote: 2016年全市高新技术企业数达到228家\n",
                "      quote: 2016年全市高新技术企业数达到228家\n      preferred: true\n    - period: 2016\n      value: 230\n      source: lanzhou/2022-09-02-wanbao-other\n      quote: 2016年全市高新技术企业达到230家\n",
            )],
        },
        t(
            FUZHOU,
            "      value: 257.4\n",
            "      value: 257.5\n      override:\n        reason: 统计公报修订为257.5亿元\n        original: 257.4\n",
        ),
    ]
}

/// Edits that break the content, alone or with others.
pub fn breaking() -> Vec<Toggle> {
    vec![
        t(FUZHOU, "      value: 628\n", "      value: 629\n"),
        t(LANZHOU, "figures:\n", "figures: [\n"),
        t(
            "templates/partials/article_item.html",
            "{% if a.place %}",
            "{% if a.place %",
        ),
        t(QZ_A, "city: quanzhou", "city: xiamen"),
    ]
}

/// Switches toggle `k` of `pool` in the site at `root`.
pub fn switch(root: &Path, pool: &[Toggle], on: &mut [bool], k: usize) {
    let e = &pool[k];
    let path = root.join(e.file);
    if e.from.is_empty() {
        if on[k] {
            fs::remove_file(&path).unwrap();
        } else {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, e.to).unwrap();
        }
    }
    // A created file's edits of other files (`more`) go with it.
    let first = (!e.from.is_empty()).then_some((e.file, e.from, e.to));
    for (file, from, to) in first.into_iter().chain(e.more.iter().copied()) {
        let path = root.join(file);
        let text = fs::read_to_string(&path).unwrap();
        let (a, b) = if on[k] { (to, from) } else { (from, to) };
        assert!(text.contains(a), "toggle {k}: {file} lacks {a:?}");
        fs::write(&path, text.replacen(a, b, 1)).unwrap();
    }
    on[k] = !on[k];
}
