//! Traditional and Simplified script.

/// Traditional → Simplified with OpenCC's phrase-level rules; the converter is built
/// once, and only when first needed (a quote not found as written, a page in
/// Traditional script).
pub fn to_simplified(s: &str) -> String {
    static OPENCC: std::sync::OnceLock<opencc_fmmseg::OpenCC> = std::sync::OnceLock::new();
    OPENCC.get_or_init(opencc_fmmseg::OpenCC::new).t2s(s, true)
}
