//! Every diagnostic code, with its meaning: the one list docs/errors.md's table must match.

use std::fmt;

/// A stable code, so curators, the manual and tests can refer to a kind of error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    E010,
    E011,
    E012,
    E013,
    E014,
    E020,
    E021,
    E022,
    E023,
    E024,
    E025,
    E030,
    E031,
    E032,
    E033,
    E034,
    E035,
    E036,
    E037,
    E038,
    E039,
    W001,
    W002,
    W003,
    W004,
    W005,
    W006,
    W007,
}

impl Code {
    /// Every code, in order.
    pub const ALL: [Code; 28] = [
        Code::E010,
        Code::E011,
        Code::E012,
        Code::E013,
        Code::E014,
        Code::E020,
        Code::E021,
        Code::E022,
        Code::E023,
        Code::E024,
        Code::E025,
        Code::E030,
        Code::E031,
        Code::E032,
        Code::E033,
        Code::E034,
        Code::E035,
        Code::E036,
        Code::E037,
        Code::E038,
        Code::E039,
        Code::W001,
        Code::W002,
        Code::W003,
        Code::W004,
        Code::W005,
        Code::W006,
        Code::W007,
    ];

    pub fn as_str(self) -> &'static str {
        // The variant's name is the code.
        match self {
            Code::E010 => "E010",
            Code::E011 => "E011",
            Code::E012 => "E012",
            Code::E013 => "E013",
            Code::E014 => "E014",
            Code::E020 => "E020",
            Code::E021 => "E021",
            Code::E022 => "E022",
            Code::E023 => "E023",
            Code::E024 => "E024",
            Code::E025 => "E025",
            Code::E030 => "E030",
            Code::E031 => "E031",
            Code::E032 => "E032",
            Code::E033 => "E033",
            Code::E034 => "E034",
            Code::E035 => "E035",
            Code::E036 => "E036",
            Code::E037 => "E037",
            Code::E038 => "E038",
            Code::E039 => "E039",
            Code::W001 => "W001",
            Code::W002 => "W002",
            Code::W003 => "W003",
            Code::W004 => "W004",
            Code::W005 => "W005",
            Code::W006 => "W006",
            Code::W007 => "W007",
        }
    }

    /// What it means, as docs/errors.md's table says it.
    pub fn meaning(self) -> &'static str {
        match self {
            Code::E010 => "YAML syntax error",
            Code::E011 => {
                "a value of the wrong type, an unknown or missing key, an invalid period or file name, two place files with the same name"
            }
            Code::E012 => "article front matter missing or invalid (including an empty `title:`)",
            Code::E013 => "a file cannot be read or written",
            Code::E014 => "a template cannot be loaded or rendered",
            Code::E020 => "unknown indicator id",
            Code::E021 => "a figure's source article does not exist",
            Code::E022 => {
                "two figures for the same place, indicator, period and status state the same value: list both articles under one figure's `sources:`"
            }
            Code::E023 => "an article names a place that does not exist",
            Code::E024 => {
                "a figure cites an article that is about another place and never names it"
            }
            Code::E025 => {
                "two figures for the same place, indicator, period and status disagree, and not exactly one of them is `preferred`"
            }
            Code::E030 => {
                "a quote is not in its article (compared after NFKC, whitespace ignored); the closest passage is shown"
            }
            Code::E031 => {
                "the value is not what the quote states (or not what `derived` computes); \"did you mean\""
            }
            Code::E032 => "the period contradicts the years, months or half-year of the source",
            Code::E033 => "the `bound` differs from the quote's words (突破, 以上, 近, a range…)",
            Code::E034 => {
                "the period is not the one its `period_from` gives (the article's date, the year before it, its title's or its address's year), or that basis cannot be read"
            }
            Code::E035 => "`derived` is not an expression, or uses a number no quote states",
            Code::E036 => {
                "the quote states several numbers in the unit: quote the fragment for this figure"
            }
            Code::E037 => {
                "the period cannot be verified: nothing in the article (quote, sentence, paragraph, headings, title, date) states a year for the figure; add the article's `date:` or quote the year"
            }
            Code::E038 => {
                "the `status` contradicts the words: a goal (力争, 目标, 预计, 将, a plan's heading, a period after the article's date) recorded as `actual`, or a result recorded as `target`"
            }
            Code::E039 => {
                "the quote's words name another indicator than the figure's, or the number is another member of a list (`分别`, `、`)"
            }
            Code::W001 => {
                "warning: an article states a number after an indicator's name that no figure records"
            }
            Code::W002 => {
                "warning: a link or image in an article, or its `url:`, is not an `http:`, `https:`, `mailto:` or relative address; it is shown as text"
            }
            Code::W003 => {
                "warning: a character no HTML or XML page may hold (a control character, through a YAML escape such as `\"\\u0001\"` or raw in an article) is left out of the pages"
            }
            Code::W004 => "warning: a symbolic link under `content/` is not read",
            Code::W005 => "warning: `preferred` on a figure that no other figure disagrees with",
            Code::W006 => {
                "warning: the correction record is incomplete or was not published: the repository is a shallow clone or cannot be read, or a commit gives a date or text that cannot be shown"
            }
            Code::W007 => {
                "warning: the period rests on the article's date, which allows two years (this one and the one before), and the figure does not say how it was read: add `period_from:`"
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/errors.md's table of codes lists exactly these codes, with these meanings.
    #[test]
    fn the_manual_lists_every_code_and_no_other() {
        let errors = include_str!("../../docs/errors.md");
        let start = errors
            .find("### Error codes")
            .expect("docs/errors.md has an error-code table");
        let table = &errors[start..];
        let table = &table[..table.find("\n## ").unwrap_or(table.len())];
        let listed: Vec<(String, String)> = table
            .lines()
            .filter_map(|l| {
                let cells: Vec<&str> = l.split(" | ").collect();
                let code = cells.first()?.strip_prefix("| ")?;
                (code.len() == 4 && code[1..].chars().all(|c| c.is_ascii_digit())).then(|| {
                    (
                        code.to_string(),
                        cells[1..].join(" | ").trim_end_matches(" |").to_string(),
                    )
                })
            })
            .collect();
        let ours: Vec<(String, String)> = Code::ALL
            .iter()
            .map(|c| (c.to_string(), c.meaning().to_string()))
            .collect();
        assert_eq!(
            listed, ours,
            "docs/errors.md's table of error codes and `Code` differ"
        );
    }

    #[test]
    fn a_code_reads_as_its_name() {
        for c in Code::ALL {
            assert_eq!(format!("{c:?}"), c.as_str());
        }
    }
}
