//! What a data page tells its readers about itself, and machines: the key data (unit,
//! definition, date range, places, sources, last update), a citation to copy, the
//! `citation_*` meta tags and a schema.org `Dataset` in JSON-LD.
//!
//! Everything here comes from the figures the page shows and their source articles,
//! which the page's fingerprint already covers (`fed.rs`): no clock, no new input.

use super::*;
use serde_json::json;

/// How many places and source articles the JSON-LD names; past that the downloads
/// hold them all (an indicator page at 3,000 places would otherwise carry 30,000).
const LISTED: usize = 50;

/// What a data page is about.
pub(super) struct Subject<'a> {
    /// The page's title without the site's name.
    pub title: String,
    pub description: String,
    /// The page's directory (`cities/fuzhou/`).
    pub dir: &'a str,
    pub indicators: Vec<&'a Indicator>,
    /// Every figure the page's data holds, with its place.
    pub figures: Vec<(&'a Place, &'a Figure)>,
    /// The data files, relative to the site root.
    pub csv: String,
    pub json: String,
}

#[derive(Serialize)]
pub(super) struct AboutCtx {
    title: String,
    /// `citation_publication_date`: the update date as `YYYY/MM/DD`.
    citation_date: Option<String>,
    /// First and last period, as shown (`2021年`–`2023年`).
    first: Option<String>,
    last: Option<String>,
    places: usize,
    sources: usize,
    figures: usize,
    /// The newest date of a source article, `YYYY-MM-DD`.
    updated: Option<String>,
    cite_short: String,
    cite_full: String,
    url: String,
    /// `<script type="application/ld+json">` content, safe inside the element.
    jsonld: String,
}

impl Renderer<'_> {
    pub(super) fn about(&self, s: &Subject) -> AboutCtx {
        let site = &self.site.config;
        let url = urls::absolute(&self.base_url, s.dir);
        let periods = s.figures.iter().map(|(_, f)| f.period);
        let (first, last) = (periods.clone().min(), periods.max());
        let mut places: Vec<&Place> = s.figures.iter().map(|(p, _)| *p).collect();
        places.sort_by(|a, b| a.slug.cmp(&b.slug));
        places.dedup_by(|a, b| a.slug == b.slug);
        let mut sources: Vec<&Article> = s
            .figures
            .iter()
            .flat_map(|(_, f)| f.citations().map(|(id, _)| id))
            .filter_map(|id| self.site.articles.get(id))
            .collect();
        sources.sort_by(|a, b| newest_first(a, b));
        sources.dedup_by(|a, b| a.id == b.id);
        let updated = sources.iter().filter_map(|a| a.meta.date.clone()).max();
        let year = updated.as_deref().map_or("n.d.", |d| &d[..4]);
        let cite_short = format!("{}（{year}）", site.title);
        // GB/T 7714-2015 for an online database: author. title[DB/OL]. (updated)[cited]. URL.
        let cite_full = format!(
            "{}. {}[DB/OL]. ({})[引用日期]. {url}",
            site.title,
            s.title,
            updated.as_deref().unwrap_or("更新日期不详"),
        );
        let mut ld = json!({
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": s.title,
            "description": s.description,
            "url": url,
            "creator": { "@type": "Organization", "name": site.title, "url": self.base_url },
            "variableMeasured": s.indicators.iter().map(|i| json!({
                "@type": "PropertyValue",
                "name": i.name,
                "alternateName": i.name_en,
                "unitText": i.unit,
                "description": i.description,
            })).collect::<Vec<_>>(),
            "distribution": [
                { "@type": "DataDownload", "encodingFormat": "text/csv",
                  "contentUrl": urls::absolute(&self.base_url, &s.csv) },
                { "@type": "DataDownload", "encodingFormat": "application/json",
                  "contentUrl": urls::absolute(&self.base_url, &s.json) },
            ],
        });
        ld["spatialCoverage"] = if places.len() <= LISTED {
            places
                .iter()
                .map(|p| {
                    json!({
                        "@type": "Place",
                        "name": p.full_name(),
                        "containedInPlace": { "@type": "Place", "name": p.province },
                    })
                })
                .collect()
        } else {
            json!({ "@type": "Place", "name": "中国" })
        };
        if let (Some(a), Some(b)) = (first, last) {
            ld["temporalCoverage"] = json!(format!("{}/{}", a.year(), b.year()));
        }
        if let Some(d) = &updated {
            ld["dateModified"] = json!(d);
        }
        if let Some(l) = &site.license {
            ld["license"] = json!(l.url);
        }
        ld["isBasedOn"] = sources
            .iter()
            .take(LISTED)
            .map(|a| urls::absolute(&self.base_url, &urls::article(&a.id)))
            .collect();
        AboutCtx {
            title: s.title.clone(),
            citation_date: updated.as_ref().map(|d| d.replace('-', "/")),
            first: first.map(|p| p.label_zh()),
            last: last.map(|p| p.label_zh()),
            places: places.len(),
            sources: sources.len(),
            figures: s.figures.len(),
            updated,
            cite_short,
            cite_full,
            url,
            jsonld: script_json(&ld),
        }
    }
}

/// JSON that cannot end its `<script>` element or open a comment in it.
fn script_json(v: &serde_json::Value) -> String {
    serde_json::to_string(v)
        .expect("a Value serializes")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element() {
        let v = json!({ "name": "</script><!-- & -->" });
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>'), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
