//! `clean` on the shapes of noise real pages have, one test per kind, each on a page we
//! wrote ourselves (invented sentences in the real shape) and each with a negative case:
//! the same words where they are the article's must stay. Then a property test wraps
//! the golden seed articles in random page chrome and requires each back exactly.

use std::fs;

use crate::common::*;
use indicity::clean::{self, Action, Cleaned, Options};
use proptest::prelude::*;

fn clean_page(text: &str) -> Cleaned {
    clean::clean(
        text.as_bytes(),
        &Options {
            city: Some("x".into()),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("refused: {e}\n{text}"))
}

/// The body's paragraphs without heading marks, for "is this sentence kept".
fn kept(c: &Cleaned, text: &str) -> bool {
    c.body.contains(text)
}

const BODY: &str = "2023年,全市新认定国家高新技术企业412家,总数达到2876家,同比增长16.8%。\n\n全市科技型中小企业评价入库3105家,技术合同成交额突破95亿元。\n";

#[test]
fn disclosure_headers_give_date_and_publisher_and_go() {
    let page = format!(
        "索引号: 11350100MB0123456X/2024-00087\n组配分类: 工作动态 发布机构: 某某市科学技术局\n生成日期: 2024-07-12 公开方式: 主动公开\n主题分类: 科技 体裁分类: 其他\n公开范围: 面向全社会\n某某市2023年科技创新工作综述\n{BODY}"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.title, "某某市2023年科技创新工作综述");
    assert_eq!(c.meta.date.as_deref(), Some("2024-07-12"));
    assert_eq!(c.meta.publisher.as_deref(), Some("某某市科学技术局"));
    for chrome in ["索引号", "组配分类", "生成日期", "主题分类", "公开范围"] {
        assert!(!kept(&c, chrome), "{chrome} left in:\n{}", c.body);
    }
    assert!(kept(&c, "总数达到2876家"));
    // Negative: the same words inside the article's sentences stay.
    let page = format!(
        "政务公开工作报告\n{BODY}\n全市主动公开政府信息1200条,公开方式以网站为主,索引号编制统一规范,发布机构均为市直部门。\n"
    );
    let c = clean_page(&page);
    assert!(kept(&c, "公开方式以网站为主"), "{}", c.body);
}

#[test]
fn a_disclosure_table_and_a_date_behind_a_separator_are_read() {
    // A disclosure header laid out as a table: its values between bars.
    let page = format!(
        "索引号: | 0024820/2024-00087 | 发布机构: | 某某市科学技术局 |\n发文日期: | 2024-07-12 | 公开方式: | 主动公开 |\n某某市2023年科技创新工作综述\n{BODY}"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.date.as_deref(), Some("2024-07-12"));
    assert_eq!(c.meta.publisher.as_deref(), Some("某某市科学技术局"));
    assert!(!kept(&c, "索引号"), "{}", c.body);
    // A date behind a separator, after the source: "来源:某某日报 | 2021-01-19 09:35:44".
    for line in [
        "来源:某某日报  |  2021-01-19 09:35:44",
        "来源:某某日报 丨 2021-01-19",
    ] {
        let c = clean_page(&format!("某某市科技创新工作综述\n{line}\n{BODY}"));
        assert_eq!(c.meta.date.as_deref(), Some("2021-01-19"), "{line}");
        assert_eq!(c.meta.publisher.as_deref(), Some("某某日报"), "{line}");
        assert!(!kept(&c, "09:35") && !kept(&c, "2021-01-19"), "{}", c.body);
    }
    // Labelled cells between bars, whatever the first label; a dateline the bars enclose.
    for line in [
        "择稿人员: 某某    |  发布日期: 2021-01-19   |   访问次数: 1503",
        "|| 2021-01-19 16:40:03 编辑: 某某 审核人:某某 阅读次数:1882 |",
    ] {
        let c = clean_page(&format!("某某市科技创新工作综述\n{line}\n{BODY}"));
        assert_eq!(c.meta.date.as_deref(), Some("2021-01-19"), "{line}");
        assert!(!kept(&c, "2021-01-19") && !kept(&c, "次数"), "{}", c.body);
    }
    // Negative: a row of a table with a date in it is the table's.
    let c = clean_page(&format!(
        "某某市科技创新工作综述\n{BODY}项目 | 日期 | 金额(万元)\n合同一 | 2021-01-19 | 120\n合同二 | 2021-03-02 | 80\n"
    ));
    assert_eq!(c.meta.date, None);
    assert!(kept(&c, "| 合同一 | 2021-01-19 | 120 |"), "{}", c.body);
    // An empty source cell is no publisher; negative: a year in the article stays.
    let c = clean_page(&format!(
        "某某县科技工作综述\n时间:2016-08-01 16:47:52 来源: |\n{BODY}"
    ));
    assert_eq!(c.meta.date.as_deref(), Some("2016-08-01"));
    assert_eq!(c.meta.publisher, None);
    assert!(kept(&c, "2023年,全市新认定"));
}

#[test]
fn a_metadata_line_under_the_headline_dates_the_page() {
    let page = format!(
        "首页 > 新闻中心 > 工作动态\n区科技局上半年工作情况\n发布时间: 2024-07-12 09:27 信息来源: 区科技局 浏览次数: 318\n{BODY}"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.title, "区科技局上半年工作情况");
    assert_eq!(c.meta.date.as_deref(), Some("2024-07-12"));
    assert_eq!(c.meta.publisher.as_deref(), Some("区科技局"));
    assert!(!kept(&c, "浏览次数"));
    // Negative: "信息来源" inside a sentence is not a metadata line.
    let page = format!(
        "工作总结\n{BODY}\n信息来源渠道进一步拓宽,全年收集企业技术需求560项,发布时间均在当月。\n"
    );
    let c = clean_page(&page);
    assert!(kept(&c, "信息来源渠道进一步拓宽"), "{}", c.body);
    assert_eq!(c.meta.date, None);
}

#[test]
fn a_breadcrumb_that_starts_with_a_bracket_is_not_the_title() {
    let page = format!(">政府信息公开>政府决策>重点工作\n某某县科技局2023年工作总结\n{BODY}");
    let c = clean_page(&page);
    assert_eq!(c.meta.title, "某某县科技局2023年工作总结");
    assert!(!kept(&c, "政府决策"));
    // Negative: a comparison in a sentence stays.
    let page = format!("工作总结\n{BODY}\n研发强度2.8%>全省平均2.4%,增速>10%的企业有58家。\n");
    assert!(kept(&clean_page(&page), "研发强度2.8%>全省平均2.4%"));
}

#[test]
fn login_bars_site_names_and_channels_are_not_titles_or_headings() {
    let page = format!(
        "会员登录 新用户注册 退出\n某某资讯网\n传递价值 服务城市\n2023-02-13 12:26:41 职场参考\n某某市高新技术企业突破2800家\n{BODY}"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.title, "某某市高新技术企业突破2800家");
    assert_eq!(c.meta.date.as_deref(), Some("2023-02-13"));
    for chrome in ["会员登录", "传递价值", "职场参考", "某某资讯网"] {
        assert!(!kept(&c, chrome), "{chrome} left in:\n{}", c.body);
    }
    // Negative: the article may speak of registering and logging in.
    let page = format!(
        "工作总结\n{BODY}\n全市科技企业在线注册登录服务平台用户达1.2万个,平均办理时间缩短至2天。\n"
    );
    assert!(kept(&clean_page(&page), "注册登录服务平台"));
}

#[test]
fn a_teaser_that_repeats_the_opening_is_kept_once() {
    let opening = "2023年,全市新认定国家高新技术企业412家,总数达到2876家,同比增长16.8%。";
    for teaser in [
        format!("摘要:{opening}"),
        opening.to_string(),
        format!("{}…", &opening[..opening.len() / 2]),
    ] {
        let page = format!("某某市高新技术企业突破2800家\n{teaser}\n{BODY}");
        let c = clean_page(&page);
        assert_eq!(
            c.body.matches("全市新认定国家高新技术企业412家").count(),
            1,
            "{teaser}:\n{}",
            c.body
        );
    }
    // Negative: a first paragraph the next does not repeat is the article's.
    let page =
        format!("某某市高新技术企业突破2800家\n记者从市科技局获悉,全市科技工作成效明显。\n{BODY}");
    assert!(kept(&clean_page(&page), "全市科技工作成效明显"));
}

#[test]
fn print_close_attachment_original_title_and_footer_lines_go() {
    let page = format!(
        "某某市科技工作综述\n(原标题:科技创新谱新篇)\n{BODY}\n附件:2023年高新技术企业名单.pdf\n【打印本页】 【关闭窗口】\n版权所有:某某市科学技术局 地址:某某路1号 备案号:某ICP备12345678号\n免责声明:本网转载的文章仅代表作者观点。\n"
    );
    let c = clean_page(&format!("{page}标题:某某市科技工作综述\n"));
    for chrome in [
        "原标题",
        "附件:",
        "打印本页",
        "版权所有",
        "免责声明",
        "标题:",
    ] {
        assert!(!kept(&c, chrome), "{chrome} left in:\n{}", c.body);
    }
    assert!(kept(&c, "技术合同成交额突破95亿元"));
    // Negative: an attachment the article speaks of stays.
    let page = format!(
        "某某市科技工作综述\n{BODY}\n附件1所列的32家企业,须在6月30日前补充提交研发费用材料。\n"
    );
    assert!(kept(&clean_page(&page), "附件1所列的32家企业"));
}

#[test]
fn a_sentence_broken_in_a_number_is_joined() {
    let page = "某某高新区发展报告\n2023年,高新区规上工业企业营收达\n\n57.58 亿元,同比增长12.4%,占全区比重进一步提高。\n\n全区拥有高新技术企业188家,较上年增加31家。\n";
    let c = clean_page(page);
    assert!(
        kept(&c, "营收达57.58 亿元") || kept(&c, "营收达 57.58 亿元"),
        "{}",
        c.body
    );
    // Negative: a heading above a paragraph stays a heading.
    let page = "某某高新区发展报告\n全区拥有高新技术企业188家,较上年增加31家,增长19.7%。\n\n二、主要做法\n\n57家企业获评省级专精特新企业,较上年增加12家。\n";
    let c = clean_page(page);
    assert!(kept(&c, "## 二、主要做法"), "{}", c.body);
}

fn place_of(text: &str) -> Result<String, String> {
    let c = clean::clean(text.as_bytes(), &Options::default()).map_err(|e| e.to_string())?;
    match (c.place, c.unplaced) {
        (Some(g), _) => Ok(g.name),
        (None, why) => Err(why.unwrap_or_default()),
    }
}

#[test]
fn a_place_is_the_unit_the_text_supports_and_unknown_is_not_a_guess() {
    // 西安 is the city of 西安市 (Shaanxi) on a page about it, not 西安区 of 辽源.
    let xian = "西安高新技术企业突破1.2万家\n陕西省科技厅消息,2023年西安全市高新技术企业达12000家,西安高新区贡献过半,西安科技大市场交易活跃。西安将持续推进秦创原建设。\n";
    assert_eq!(place_of(xian).unwrap(), "西安市");
    // A page that never names its place: words that contain county names are not places.
    let nowhere = "科技工作总结\n全年建成创新平台15个,新兴产业产值增长18%,培育科技型企业120家。\n";
    let err = place_of(nowhere).unwrap_err();
    assert!(err.contains("place unknown"), "{err}");
    // Negative: the county named in full is that county.
    let xinping = "新平彝族傣族自治县科技局工作总结\n新平彝族傣族自治县2023年新增高新技术企业5家,新平县科技工作稳步推进。\n";
    assert_eq!(place_of(xinping).unwrap(), "新平彝族傣族自治县");
}

#[test]
fn a_page_without_a_title_line_is_cleaned_and_the_title_left_to_fill() {
    let c = clean_page(BODY);
    assert_eq!(c.meta.title, "");
    assert!(kept(&c, "总数达到2876家"));
    // An HTML page's <title> names it.
    let html = format!(
        "<html><head><title>某某市科技创新成效显著</title></head><body><p>{}</p></body></html>",
        BODY.lines().next().unwrap()
    );
    assert_eq!(clean_page(&html).meta.title, "某某市科技创新成效显著");
}

#[test]
fn check_refuses_an_article_whose_title_is_empty() {
    let site = site_copy();
    let dir = site.path().join("content/articles");
    let article = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .unwrap()
        .into_path();
    let text = fs::read_to_string(&article).unwrap();
    let title = text.lines().find(|l| l.starts_with("title:")).unwrap();
    fs::write(&article, text.replacen(title, "title: \"\"", 1)).unwrap();
    let out = indicity(site.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("E012") && err.contains("no title"), "{err}");
}

#[test]
fn a_signature_dates_the_notice_and_stays_in_it() {
    let page =
        format!("关于2023年度科技计划项目验收的通知\n{BODY}\n某某市科学技术局\n2024年3月15日\n");
    let c = clean_page(&page);
    assert_eq!(c.meta.date.as_deref(), Some("2024-03-15"));
    assert_eq!(c.meta.publisher.as_deref(), Some("某某市科学技术局"));
    assert!(kept(&c, "2024年3月15日"), "{}", c.body);
    assert!(
        c.steps
            .iter()
            .any(|s| matches!(s.action, Action::Read { .. }))
    );
    // Negative: a date in the middle of the text is not a signature.
    let page = format!(
        "通知\n{BODY}\n2024年3月15日\n会议将于当日下午召开,请各单位准时参加,并提前报送参会名单。\n"
    );
    assert_eq!(clean_page(&page).meta.date, None);
}

#[test]
fn a_question_and_answer_page_opens_with_its_first_question() {
    let page = "政策问答\n【问】高新技术企业认定需要满足哪些条件?\n【答】企业申请认定时须注册成立一年以上,研发费用占销售收入的比例不低于规定标准,高新技术产品收入占总收入的60%以上。\n";
    let c = clean_page(page);
    assert!(
        kept(&c, "【问】高新技术企业认定需要满足哪些条件"),
        "{}",
        c.body
    );
    // Negative: a short question in a menu above a page is still the menu's.
    let page = format!("首页 | 问答 | 留言 | 帮助\n工作总结\n{BODY}");
    assert!(!kept(&clean_page(&page), "留言"));
}

/// A document copied out of a PDF: every line cut at the column's width.
const COLUMN: &str = "2023 年,全市科技工作坚持创新驱动发展战略,围绕\n建设区域科技创新中心目标,持续加大研发投入力度,全\n社会研发经费投入达到 128.6 亿元,同比增长 13.2%,\n研发投入强度达到 2.91%。高新技术企业总数达到 2876\n家,科技型中小企业评价入库 3105 家,分别增长 16.8%\n和 21.4%。技术合同成交额突破 95 亿元,登记项数达到\n4120 项。全市新建省级以上创新平台 36 个,其中国家\n级平台 5 个,科技企业孵化器达到 42 家,众创空间 61\n家,新增省级重点实验室 8 个,成果转化成效明显。\n";

#[test]
fn a_column_of_cut_lines_is_joined_into_paragraphs() {
    let page = format!("某某市科技局2023年度述职报告\n{COLUMN}");
    let c = clean_page(&page);
    assert_eq!(c.meta.title, "某某市科技局2023年度述职报告");
    assert!(kept(&c, "围绕建设区域科技创新中心"), "{}", c.body);
    assert!(kept(&c, "总数达到 2876家"), "{}", c.body);
    assert!(c.steps.iter().any(|s| s.rule == "page-column"));
    // Negative: web paragraphs of one width that end their sentences stay apart.
    let paragraphs = "全市科技工作坚持创新驱动发展战略,研发投入持续增长。\n".repeat(10);
    let c = clean_page(&format!("工作总结\n{paragraphs}"));
    assert!(!c.steps.iter().any(|s| s.rule == "page-column"));
}

#[test]
fn running_heads_of_a_paged_copy_go_and_the_cut_sentence_joins() {
    let head = "某某县科技工作汇报 WORD 版 【本文为 word 版,下载后可修改】";
    let page = format!(
        "某某县科技工作汇报\n{head} 第 1 页 全县2023年新增高新技术企业12家,科技型中小企业入库86家,研发经费投入增长19%,科技型中小企{head} 第 2 页 业技术创新基金支持项目18项,经费300万元。\n"
    );
    let c = clean_page(&page);
    assert!(kept(&c, "科技型中小企业技术创新基金"), "{}", c.body);
    assert!(!kept(&c, "WORD 版"), "{}", c.body);
    // Negative: a page number the text speaks of stays.
    let page =
        format!("工作汇报\n{BODY}\n详见报告第 3 页的统计表,其中列出了全部112家企业的名单。\n");
    assert!(kept(&clean_page(&page), "第 3 页"));
}

#[test]
fn tags_and_authors_glued_to_the_last_sentence_go() {
    let page = format!(
        "某某市科技工作综述\n{BODY}\n全市将继续培大育强科技企业。 (张三 李四)标签:高新技术;科技;企业\n"
    );
    let c = clean_page(&page);
    assert!(kept(&c, "全市将继续培大育强科技企业。"));
    assert!(!kept(&c, "标签"), "{}", c.body);
    assert_eq!(c.meta.author.as_deref(), Some("张三 李四"));
    // Negative: "标签" inside a sentence stays.
    let page = format!(
        "某某市科技工作综述\n{BODY}\n全市为58家企业贴上“创新型企业”标签:这是今年的新举措。\n"
    );
    assert!(kept(&clean_page(&page), "标签:这是今年的新举措"));
}

#[test]
fn a_data_panel_keeps_its_lone_figures_and_a_page_number_goes() {
    let page = format!(
        "某某科技发展报告\n{BODY}\n数读\n\n5219户\n\n截至2023年10月,全市有5219户企业享受研发费用加计扣除政策\n\n179\n"
    );
    let c = clean_page(&page);
    assert!(
        c.body.contains("5219户") && c.body.trim_end().ends_with("179"),
        "{}",
        c.body
    );
    // Negative: without a panel, a lone number at the end is the page's number.
    let page = format!("某某科技发展报告\n{BODY}\n3\n");
    assert!(!clean_page(&page).body.trim_end().ends_with('3'));
}

#[test]
fn the_headline_is_chosen_over_its_subtitle_kicker_and_a_section_heading() {
    // Headline over subtitle (a newspaper's e-edition).
    let page = format!(
        "当前版: A03版 上一版 下一版\n某某市高新技术企业达2876家\n\n科技型中小企业数量居全省第一\n\n{BODY}"
    );
    assert_eq!(clean_page(&page).meta.title, "某某市高新技术企业达2876家");
    // A kicker above the headline is wordier, with a sentence's commas.
    let page = format!(
        "数字报 版面导航\n5年来,高新技术企业从1400家增长至2876家;科技型中小企业达3105家……\n\n某某市高新技术企业总数达到2876家|“某某”专栏\n\n  • 制图/某某 制图/某某\n\n{BODY}"
    );
    assert_eq!(
        clean_page(&page).meta.title,
        "某某市高新技术企业总数达到2876家"
    );
    // The line above the metadata line is the headline; a section's heading below it is
    // the article's.
    let page = format!(
        "首页 > 科技概况\n2023年某某省科技进步概况\n2024-01-16 10:20 来源:某某省科学技术厅\n分享 微信 微博\n2023年科技厅工作亮点展示\n{BODY}"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.title, "2023年某某省科技进步概况");
    assert!(kept(&c, "2023年科技厅工作亮点展示"), "{}", c.body);
}

#[test]
fn a_site_name_before_the_headline_on_its_line_goes() {
    let page = format!("某某墙体广告公司 某某市高新技术企业总数达到2876家\n{BODY}");
    assert_eq!(
        clean_page(&page).meta.title,
        "某某市高新技术企业总数达到2876家"
    );
    // Negative: a two-part headline whose parts both speak of the article stays whole.
    let page = format!("全市新认定高新技术企业412家 总数达到2876家\n{BODY}");
    assert_eq!(
        clean_page(&page).meta.title,
        "全市新认定高新技术企业412家 总数达到2876家"
    );
}

#[test]
fn who_entered_a_page_is_its_publisher_only_when_an_office() {
    let page = format!("某某市科技工作综述\n发布时间:2020-07-13   录入:某某市科学技术局\n{BODY}");
    assert_eq!(
        clean_page(&page).meta.publisher.as_deref(),
        Some("某某市科学技术局")
    );
    let page = format!("某某市科技工作综述\n发布时间:2020-07-13   录入:王小明\n{BODY}");
    assert_eq!(clean_page(&page).meta.publisher, None);
}

#[test]
fn the_articles_own_next_point_cut_off_by_the_page_stays() {
    let page = format!(
        "某某市绩效自查报告\n{BODY}\n1)研发经费投入统计工作已经启动,预计能完成目标任务。\n2)根据省科技厅统计口径,我市2023年纳入高新技术\n"
    );
    assert!(kept(
        &clean_page(&page),
        "2)根据省科技厅统计口径,我市2023年纳入高新技术"
    ));
    // Negative: a short numbered menu item after the article is the page's.
    let page = format!("某某市绩效自查报告\n{BODY}\n1. 网站地图\n");
    assert!(!kept(&clean_page(&page), "网站地图"));
}

// ---- The property: an article comes back out of any chrome we know. ----

const HEADERS: &[&str] = &[
    "首页 | 新闻 | 政务公开 | 办事服务 | 互动交流",
    "当前位置:首页 > 新闻中心 > 科技动态",
    ">政府信息公开>政府决策>重点工作",
    "会员登录 新用户注册 退出",
    "无障碍 | 长者模式 | 简体版 | 繁体版",
    // A disclosure table states the page's own date and publisher.
    "索引号: 11350100MB0123456X/2024-00087\n组配分类: 工作动态{ 发布机构: publisher}\n{生成日期: date }公开方式: 主动公开",
    "请输入关键词 搜索",
    "某某资讯网\n传递价值 服务城市",
    // A WeChat post's promo line, blank-line runs and the account's name.
    "点击蓝字|关注我们\n\n\n\n某某科技",
];
const AFTER_TITLE: &[&str] = &[
    "【字体:大 中 小】 【打印】",
    "分享到: 微信 微博 QQ空间",
    "浏览次数: 1024",
];
const FOOTERS: &[&str] = &[
    "【打印本页】 【关闭窗口】",
    "相关新闻\n某某区召开科技工作会议 2024-01-05\n某某县举办科技活动周 2024-01-03\n某某市发布人才新政 2023-12-28",
    "版权所有:某某市科学技术局 地址:某某路1号\n备案号:某ICP备12345678号-1 网站标识码:3501000001",
    "免责声明:本网转载的文章仅代表作者观点,不代表本网立场。",
    "上一篇:某某区科技工作会议召开\n下一篇:某某县科技活动周启动",
    "扫一扫在手机打开当前页",
    "责任编辑:某某",
    "阅读原文\n分享 在看 点赞",
    "长按识别二维码关注我们",
];

/// A table a page flattened (cells one per line between bars) and what `clean` makes
/// of it.
const FLAT_TABLE: &str = "序号\n|\n工作任务\n|\n完成情况\n|\n1\n|\n培育高新技术企业\n|\n新增高企12家\n|\n2\n|\n建设创新平台\n|\n新建平台3个\n|";
const TABLE: &str = "| 序号 | 工作任务 | 完成情况 |\n| --- | --- | --- |\n| 1 | 培育高新技术企业 | 新增高企12家 |\n| 2 | 建设创新平台 | 新建平台3个 |\n";

struct Golden {
    name: String,
    title: String,
    date: Option<String>,
    publisher: Option<String>,
    body: String,
}

fn goldens() -> Vec<Golden> {
    let mut out = Vec::new();
    let mut names: Vec<_> = fs::read_dir(repo().join("tests/golden"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        let text = fs::read_to_string(&path).unwrap();
        let (fm, body) = text[4..].split_once("\n---\n\n").unwrap();
        let field = |k: &str| {
            fm.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .map(|v| v.trim_matches('"').to_string())
        };
        out.push(Golden {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            title: field("title").unwrap(),
            date: field("date"),
            publisher: field("publisher"),
            body: body.to_string(),
        });
    }
    out
}

fn pick(all: &'static [&'static str], which: &[usize]) -> Vec<&'static str> {
    which.iter().map(|&i| all[i % all.len()]).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn a_golden_article_comes_back_out_of_any_known_chrome(
        seed in 0usize..5,
        header in proptest::collection::vec(0usize..100, 0..4),
        after in proptest::collection::vec(0usize..100, 0..2),
        footer in proptest::collection::vec(0usize..100, 0..4),
        teaser in any::<bool>(),
        behind_bar in any::<bool>(),
        table in any::<bool>(),
        qr in any::<bool>(),
    ) {
        let goldens = goldens();
        let g = &goldens[seed % goldens.len()];
        let mut page = Vec::new();
        // "{生成日期: date }": the golden's value in place of the word, or nothing.
        let fill = |block: &str| -> String {
            let mut out = block.to_string();
            for (key, value) in [("date", &g.date), ("publisher", &g.publisher)] {
                while let Some(open) = out.find('{') {
                    let close = open + out[open..].find('}').unwrap();
                    let inner = &out[open + 1..close];
                    if !inner.contains(key) {
                        break;
                    }
                    let with = value.as_ref().map_or(String::new(), |v| inner.replace(key, v));
                    out.replace_range(open..=close, &with);
                }
            }
            out
        };
        page.extend(pick(HEADERS, &header).into_iter().map(fill));
        page.push(g.title.clone());
        let mut meta = String::new();
        match (&g.date, &g.publisher) {
            // The date behind a separator, after the source.
            (Some(d), Some(p)) if behind_bar => meta.push_str(&format!("来源:{p}  |  {d} 09:35:44")),
            (d, p) => {
                if let Some(d) = d {
                    meta.push_str(&format!("发布时间: {d} 10:20"));
                }
                if let Some(p) = p {
                    meta.push_str(&format!(" 来源: {p}"));
                }
            }
        }
        if !meta.is_empty() {
            page.push(meta.trim().to_string());
        }
        page.extend(pick(AFTER_TITLE, &after).into_iter().map(String::from));
        let first = g.body.lines().find(|l| !l.is_empty() && !l.starts_with("## ")).unwrap_or("");
        if teaser {
            page.push(format!("摘要:{first}"));
        }
        // A WeChat copy's QR-code line under the lead, with blank lines around it.
        match g.body.split_once("\n\n").filter(|_| qr) {
            Some((lead, rest)) => {
                page.push(lead.to_string());
                page.push("\n\n长按识别二维码关注我们\n\n".to_string());
                page.push(rest.trim_end().to_string());
            }
            None => page.push(g.body.trim_end().to_string()),
        }
        let mut body = g.body.clone();
        if table {
            page.push(FLAT_TABLE.to_string());
            body = format!("{}\n{TABLE}", g.body);
        }
        page.extend(pick(FOOTERS, &footer).into_iter().map(String::from));
        let raw = page.join("\n\n") + "\n";
        let c = clean_page(&raw);
        prop_assert_eq!(&c.meta.title, &g.title, "{}: title\n{}", g.name, raw);
        prop_assert_eq!(&c.meta.date, &g.date, "{}: date\n{}", g.name, raw);
        if g.publisher.is_some() {
            prop_assert_eq!(&c.meta.publisher, &g.publisher, "{}: publisher\n{}", g.name, raw);
        }
        prop_assert_eq!(&c.body, &body, "{}: body\n{}", g.name, raw);
    }
}

#[test]
fn a_disclaimer_of_any_length_goes() {
    let long = "免责声明:本网转载自其它媒体的文章,目的在于传递更多信息,并不代表本网赞同其观点和对其真实性负责,如有侵权请与本网联系,我们将在第一时间删除内容。";
    let page = format!("某某市科技工作综述\n{BODY}\n{long}\n");
    assert!(!kept(&clean_page(&page), "免责声明"));
    // Negative: the article may speak of a statement.
    let page = format!(
        "某某市科技工作综述\n{BODY}\n企业须在申报材料中附上免责声明及承诺书,共收到承诺书126份。\n"
    );
    assert!(kept(&clean_page(&page), "附上免责声明及承诺书"));
}

#[test]
fn the_print_headline_a_word_apart_from_the_title_goes() {
    let page = format!(
        "某某362家企业获得科技型中小企业入库编号\n我省362家企业获得科技型中小企业入库编号\n{BODY}"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.title, "某某362家企业获得科技型中小企业入库编号");
    assert!(!kept(&c, "我省362家"), "{}", c.body);
    // Negative: a heading that shares the title's subject but says something else stays.
    let page = format!(
        "某某362家企业获得科技型中小企业入库编号\n{BODY}\n## 下一步将推动入库企业升级为高新技术企业\n全市将再培育120家企业。\n"
    );
    assert!(kept(&clean_page(&page), "下一步将推动入库企业升级"));
}

#[test]
fn a_news_dateline_with_a_place_and_no_date_goes() {
    let page = format!("某某市科技工作综述\n每日某某网兰州讯(某某日报记者张三){BODY}");
    let c = clean_page(&page);
    assert!(!kept(&c, "兰州讯"), "{}", c.body);
    assert_eq!(c.meta.publisher.as_deref(), Some("每日某某网"));
    assert!(kept(&c, "2023年,全市新认定"));
}

#[test]
fn a_level_after_a_short_place_name_makes_it_a_word() {
    // 新建 ("newly build") before 省级 is no mention of 新建区.
    let page = "科技工作会议召开\n今年全市争取新建国家级研发中心1家,新建省级研发中心10家,新建市级研发中心30家。\n";
    let err = place_of(page).unwrap_err();
    assert!(err.contains("place unknown"), "{err}");
    // Negative: the district named with its marker is that district.
    let page = "新建区科技工作会议召开\n新建区今年新增高新技术企业30家,南昌市新建区科技局表示将继续推进。\n";
    assert_eq!(place_of(page).unwrap(), "新建区");
}

/// A WeChat post copied to a content site: promo lines, the account's name, a 导读
/// line, blank-line runs, a QR-code line under the lead, bullets (a glyph on its own
/// line) under period sub-headings.
const WECHAT: &str = "点击蓝字|关注我们\n\n\n\n某某科技\n导读:某某市科技创新成绩单出炉\n\n\n\n某某市科技创新交出亮眼成绩单\n\n原创 某某科技 2022-01-10 18:30\n\n\n\n近日,某某市科技局发布全市科技创新年度数据,全市创新主体持续壮大,创新能力不断提升,科技创新对经济发展的支撑作用进一步增强。\n\n其中,某某市科技型中小企业入库数量再创新高,科技创新对经济发展的支撑作用明显。\n\n图片来源:某某科技\n长按识别二维码关注我们\n\n2021年\n\n•\n全市高新技术企业达到1260家,同比增长18%\n\n•\n入库科技型中小企业2350家\n\n截至目前\n\n• 全市拥有省级以上孵化器26家\n• 众创空间48家\n\n下一步,某某市将持续加大科技投入,力争2022年高新技术企业突破1500家,科技型中小企业入库数量保持全省前列。\n\n阅读原文\n分享 在看 点赞\n";

#[test]
fn a_wechat_copy_keeps_its_lead_and_its_bullet_lists() {
    let c = clean_page(WECHAT);
    assert_eq!(c.meta.title, "某某市科技创新交出亮眼成绩单");
    assert_eq!(c.meta.date.as_deref(), Some("2022-01-10"));
    for kept_text in [
        "近日,某某市科技局发布全市科技创新年度数据",
        "## 2021年\n\n- 全市高新技术企业达到1260家,同比增长18%\n- 入库科技型中小企业2350家\n",
        "## 截至目前\n\n- 全市拥有省级以上孵化器26家\n- 众创空间48家\n",
        "力争2022年高新技术企业突破1500家",
    ] {
        assert!(kept(&c, kept_text), "lost {kept_text:?}:\n{}", c.body);
    }
    for chrome in [
        "关注我们",
        "导读",
        "图片来源",
        "二维码",
        "阅读原文",
        "在看",
        "原创",
    ] {
        assert!(!kept(&c, chrome), "{chrome} left in:\n{}", c.body);
    }
    // Negative: the site's own notices, a furniture line above the lead, are not the
    // article's though only that line parts them: they speak of something else.
    let notice = WECHAT.replace(
        "\n近日,",
        "\n本站所有文章均由用户投稿,仅供学习参考,请勿用于商业用途。\n如需转载请联系原作者授权,侵删,谢谢大家的理解与支持。\n长按识别二维码关注我们\n近日,",
    );
    let c = clean_page(&notice);
    assert!(
        !kept(&c, "本站所有文章") && !kept(&c, "如需转载"),
        "{}",
        c.body
    );
    assert!(kept(&c, "入库科技型中小企业2350家"), "{}", c.body);
}

/// A table a page flattened, one cell per line between bar lines, comes back as a
/// markdown table whose cells hold the figures; its header is not the title.
#[test]
fn a_flattened_table_comes_back_as_a_table() {
    let page = "某某区科技局2023年二季度重点工作进展情况\n发布时间:2023-07-10 来源:某某区科技局\n二季度,全区科技工作稳步推进,各项重点任务进展顺利,具体情况如下。\n序号\n|\n工作任务\n|\n二季度完成情况\n|\n1\n|\n培育高新技术企业,全年新增高企30家。\n|\n组织申报高新技术企业41家,入库科技型中小企业235家。\n|\n2\n|\n推进技术合同登记。\n|\n技术合同成交额11.06亿元。\n|\n";
    let c = clean_page(page);
    assert_eq!(c.meta.title, "某某区科技局2023年二季度重点工作进展情况");
    assert!(
        kept(
            &c,
            "| 序号 | 工作任务 | 二季度完成情况 |\n| --- | --- | --- |\n| 1 | 培育高新技术企业,全年新增高企30家。 | 组织申报高新技术企业41家,入库科技型中小企业235家。 |\n| 2 | 推进技术合同登记。 | 技术合同成交额11.06亿元。 |\n"
        ),
        "{}",
        c.body
    );
    // The table's cells render as a table, each figure in its cell.
    let html = indicity::markdown::render(&c.body, &[]);
    assert!(
        html.contains("<td>技术合同成交额11.06亿元。</td>"),
        "{html}"
    );
}

#[test]
fn pictures_photo_credits_list_metadata_and_notices_go() {
    let page = format!(
        "某某县大力培育科技型企业\n- 时间:2023-07-25\n- 点击:93\n- 来源:某某日报\n<image>data:image/png;base64,iVBORw0KGgo=</image>\n图片来源:某某科技\n{BODY}![](https://example.cn/a.jpg)\n摄影比赛吸引了2000人参加,共收到反映科技创新的作品300件。\n声明:转载此文是出于传递更多信息之目的,若有来源标注错误请联系本网。\n"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.date.as_deref(), Some("2023-07-25"));
    assert_eq!(c.meta.publisher.as_deref(), Some("某某日报"));
    for gone in ["image", "![", "图片来源", "声明", "点击", "时间"] {
        assert!(!kept(&c, gone), "{gone} left in:\n{}", c.body);
    }
    // Negative: a sentence that speaks of photography, and the article's figures, stay.
    assert!(kept(&c, "摄影比赛吸引了2000人参加"), "{}", c.body);
    assert!(kept(&c, "技术合同成交额突破95亿元。"), "{}", c.body);
    // An empty source before the page's font buttons names no publisher.
    let c = clean_page(&format!(
        "某某州高新技术产业平稳增长\n2022-11-18 09:30 作者:某某 来源: 【字体:\n{BODY}"
    ));
    assert_eq!(c.meta.date.as_deref(), Some("2022-11-18"));
    assert_eq!(c.meta.publisher, None);
}

#[test]
fn a_numbered_notice_under_its_heading_goes_and_a_glued_date_is_read() {
    let page = format!(
        "某某市科技创新成绩单\n来源: 某某金融报网2023-08-04 10:05:52\n{BODY}版权与免责声明:\n1 本网注明“来源:×××”的作品,均转载自其它媒体,并不代表本网赞同其观点。\n2 在本网的新闻页面进行跟帖或发表言论者,文责自负。\n"
    );
    let c = clean_page(&page);
    assert_eq!(c.meta.date.as_deref(), Some("2023-08-04"));
    assert!(
        !kept(&c, "10:05") && !kept(&c, "声明") && !kept(&c, "文责自负"),
        "{}",
        c.body
    );
    assert!(kept(&c, "技术合同成交额突破95亿元。"), "{}", c.body);
    // Negative: the article's own numbered points under its own heading stay.
    let page = format!(
        "某某市科技创新成绩单\n{BODY}主要做法:\n1 新认定国家高新技术企业412家,总数达到2876家。\n2 技术合同成交额突破95亿元,同比增长8%。\n"
    );
    let c = clean_page(&page);
    assert!(
        kept(&c, "新认定国家高新技术企业412家,总数达到2876家。"),
        "{}",
        c.body
    );
}
