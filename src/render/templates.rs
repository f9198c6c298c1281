//! The templates: loading them, and which pages each one is part of.

use super::*;

/// Loads every template under `root/templates`, named by its path inside it.
pub fn load_templates(root: &Path) -> Result<Tera, Diagnostic> {
    let dir = root.join(TEMPLATES_DIR);
    let mut files = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Diagnostic::error("E014", format!("cannot read {TEMPLATES_DIR}/: {e}"))
                .help("run indicity from the site root, or pass --root")
        })?;
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        if entry.file_type().is_file() && is_template(rel) {
            let name = rel.to_string_lossy().replace('\\', "/");
            files.push((entry.path().to_path_buf(), Some(name)));
        }
    }
    let mut tera = Tera::new();
    tera.add_template_files(files).map_err(|e| {
        Diagnostic::error("E014", format!("a template cannot be loaded:\n{e}"))
            .help("fix the template syntax at the position shown")
    })?;
    Ok(tera)
}

/// The templates the renderer renders pages with; every other template is a part
/// of these (`extends`, `include`, `import`).
pub const PAGE_TEMPLATES: [&str; 7] = [
    "index.html",
    "place.html",
    "indicator.html",
    "article.html",
    "404.html",
    "sitemap.xml",
    "atom.xml",
];

/// The page templates that use, directly or through other templates, any of
/// `changed` (template names, paths under `templates/`). Reads the template sources
/// for `extends`, `include` and `import`: tera does not expose its dependency graph.
pub fn page_templates(root: &Path, changed: &BTreeSet<String>) -> BTreeSet<String> {
    static REF: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = REF.get_or_init(|| {
        regex::Regex::new(r#"\{%-?\s*(?:extends|include|import)\s+["']([^"']+)["']"#)
            .expect("valid regex")
    });
    let dir = root.join(TEMPLATES_DIR);
    let uses = |name: &str| -> Vec<String> {
        std::fs::read_to_string(dir.join(name))
            .map(|src| re.captures_iter(&src).map(|c| c[1].to_string()).collect())
            .unwrap_or_default()
    };
    // Every template each page is made of, itself included.
    let parts = |page: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![page.to_string()];
        while let Some(t) = todo.pop() {
            if seen.insert(t.clone()) {
                todo.extend(uses(&t));
            }
        }
        seen
    };
    let made_of: Vec<(&str, BTreeSet<String>)> =
        PAGE_TEMPLATES.iter().map(|p| (*p, parts(p))).collect();
    // A changed template no page names may still be used: tera 2's components are
    // global. Then every page is rendered again.
    let named = |t: &String| made_of.iter().any(|(_, parts)| parts.contains(t));
    made_of
        .iter()
        .filter(|(_, parts)| changed.iter().any(|t| parts.contains(t) || !named(t)))
        .map(|(page, _)| page.to_string())
        .collect()
}
