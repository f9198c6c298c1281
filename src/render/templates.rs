//! The templates: loading them, and which pages each one is part of.

use super::*;

/// Loads every template under `root/templates`, named by its path inside it.
pub fn load_templates(root: &Path) -> Result<Tera, Diagnostic> {
    let dir = root.join(TEMPLATES_DIR);
    let mut files = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Diagnostic::error(Code::E014, format!("cannot read {TEMPLATES_DIR}/: {e}"))
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
        Diagnostic::error(Code::E014, format!("a template cannot be loaded:\n{e}"))
            .help("fix the template syntax at the position shown")
    })?;
    Ok(tera)
}

/// The templates the renderer renders pages with, as the kinds declare them
/// ([`super::kinds::KINDS`]); every other template is a part of these (`extends`,
/// `include`, `import`).
pub fn page_templates() -> impl Iterator<Item = &'static str> {
    super::kinds::KINDS
        .iter()
        .flat_map(|k| k.templates.iter().copied())
}

/// Page template → a digest of its source and of every template it is made of, read
/// from `extends`, `include` and `import` (tera does not expose its dependency graph).
/// A template no page names may still be used (tera's components are global), so it
/// is part of every page's digest.
pub fn digests(root: &Path) -> BTreeMap<String, u128> {
    static REF: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = REF.get_or_init(|| {
        regex::Regex::new(r#"\{%-?\s*(?:extends|include|import)\s+["']([^"']+)["']"#)
            .expect("valid regex")
    });
    let dir = root.join(TEMPLATES_DIR);
    let mut sources: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for entry in WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        if entry.file_type().is_file() && is_template(rel) {
            let name = rel.to_string_lossy().replace('\\', "/");
            sources.insert(name, std::fs::read(entry.path()).unwrap_or_default());
        }
    }
    let uses = |name: &str| -> Vec<String> {
        let src = sources
            .get(name)
            .map(|b| String::from_utf8_lossy(b))
            .unwrap_or_default();
        re.captures_iter(&src).map(|c| c[1].to_string()).collect()
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
    let made_of: Vec<(&str, BTreeSet<String>)> = page_templates().map(|p| (p, parts(p))).collect();
    let unnamed: Vec<&String> = sources
        .keys()
        .filter(|t| !made_of.iter().any(|(_, parts)| parts.contains(*t)))
        .collect();
    made_of
        .iter()
        .map(|(page, parts)| {
            let mut p = super::fed::Print::new("templates");
            for t in parts.iter().chain(unnamed.iter().copied()) {
                p.add(t).add(&sources.get(t));
            }
            (page.to_string(), p.done())
        })
        .collect()
}
