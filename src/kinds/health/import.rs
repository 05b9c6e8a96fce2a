//! From a survey tool's export (one row per response, one column per
//! question, answers 1–5 or the scale's words) to a period's aggregate file:
//! the counts per question, and nothing about who answered. Columns that are
//! not answers (timestamps, emails, names) are dropped and listed; the rows
//! are discarded once counted. Pure: text in, text and a report out.

use std::fmt::Write;

use super::{Period, Question};

/// What an import kept and dropped, for the command to print.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub questions: usize,
    pub responses: usize,
    /// Answers left blank (not counted).
    pub blank: usize,
    /// Columns that were not answers on the scale.
    pub dropped: Vec<String>,
    /// Questions no earlier period names, given `dimension = "unassigned"`.
    pub unassigned: Vec<String>,
}

/// A point of the 1–5 scale from a cell: a digit (`4`, `4 - Agree`) or the
/// scale's words; `None` for anything else. Blank cells are handled apart.
pub fn point(cell: &str) -> Option<u32> {
    let cell = cell.trim().to_lowercase();
    let mut chars = cell.chars();
    if let Some(d) = chars.next().and_then(|c| c.to_digit(10)) {
        let rest = chars.as_str();
        let alone = rest.is_empty() || rest.starts_with([' ', '-', '–', '.', ':', ')']);
        return ((1..=5).contains(&d) && alone).then_some(d);
    }
    let words = cell.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    match words.as_str() {
        "strongly disagree" => Some(1),
        "disagree" | "somewhat disagree" => Some(2),
        "neither agree nor disagree" | "neutral" | "neither" | "undecided" => Some(3),
        "agree" | "somewhat agree" => Some(4),
        "strongly agree" => Some(5),
        _ => None,
    }
}

/// Counts `export` (CSV with a header row) into the TOML of period `name`,
/// taking ids and dimensions from `standing` (the latest period) where a
/// question's wording matches one of its questions.
pub fn import(
    export: &str,
    name: &str,
    standing: Option<&Period>,
) -> Result<(String, Report), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(export.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("unreadable CSV: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("unreadable CSV: {e}"))?;
    // A column is a question when every answer in it is on the scale.
    let mut report = Report {
        responses: rows.len(),
        ..Report::default()
    };
    let mut questions: Vec<(usize, [u32; 5])> = Vec::new();
    for (i, title) in header.iter().enumerate() {
        let cells: Vec<&str> = rows.iter().map(|r| r.get(i).unwrap_or("").trim()).collect();
        let answered: Vec<&str> = cells.iter().copied().filter(|c| !c.is_empty()).collect();
        let points: Option<Vec<u32>> = answered.iter().map(|c| point(c)).collect();
        match points {
            Some(points) if !points.is_empty() => {
                let mut counts = [0u32; 5];
                for p in points {
                    counts[(p - 1) as usize] += 1;
                }
                report.blank += cells.len() - answered.len();
                questions.push((i, counts));
            }
            _ => report.dropped.push(title.clone()),
        }
    }
    if questions.is_empty() {
        return Err("no column holds answers from 1 to 5 (or the scale's words)".into());
    }
    report.questions = questions.len();
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "# Team health survey, {name}: counts of answers only (from `handbook survey import`).\n\
         period = {}\n",
        quote(name)
    );
    for (i, counts) in questions {
        let text = &header[i];
        let known: Option<&Question> = standing.and_then(|p| {
            p.questions
                .iter()
                .find(|q| q.text.trim().eq_ignore_ascii_case(text))
        });
        let (id, dimension) = match known {
            Some(q) => (q.id.clone(), q.dimension.clone()),
            None => {
                report.unassigned.push(text.clone());
                (crate::content::words_id(text, 8), "unassigned".to_string())
            }
        };
        let _ = write!(
            out,
            "\n[[questions]]\nid = {}\ntext = {}\ndimension = {}\nanswers = [{}]\n",
            quote(&id),
            quote(text),
            quote(&dimension),
            counts.map(|c| c.to_string()).join(", ")
        );
    }
    Ok((out, report))
}

/// A new period's file: the standing questions (the latest period's, else a
/// starter set, one per dimension) with no answers yet.
pub fn blank(name: &str, standing: Option<&Period>) -> String {
    let starter: Vec<(String, String, String)> = match standing {
        Some(p) => p
            .questions
            .iter()
            .map(|q| (q.id.clone(), q.text.clone(), q.dimension.clone()))
            .collect(),
        None => STARTER
            .iter()
            .map(|(id, text, dim)| (id.to_string(), text.to_string(), dim.to_string()))
            .collect(),
    };
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "# Team health survey, {name}. Fill in how many people gave each answer\n\
         # (answers = [how many said 1, 2, 3, 4, 5]), or import a survey tool's export\n\
         # with `handbook survey import FILE.csv --period {name}`. Counts only: no names.\n\
         period = {}\n",
        quote(name)
    );
    for (id, text, dimension) in starter {
        let _ = write!(
            out,
            "\n[[questions]]\nid = {}\ntext = {}\ndimension = {}\nanswers = [0, 0, 0, 0, 0]\n",
            quote(&id),
            quote(&text),
            quote(&dimension)
        );
    }
    out
}

/// One question per dimension, for a team's first survey.
const STARTER: &[(&str, &str, &str)] = &[
    (
        "safe-to-disagree",
        "It is safe to disagree with anyone on the team, in a review or a meeting.",
        "psychological safety",
    ),
    (
        "role-clear",
        "I know what is expected of me this sprint.",
        "role clarity",
    ),
    (
        "goals-clear",
        "I know what the team is trying to achieve this quarter.",
        "goals",
    ),
    (
        "rely-on-each-other",
        "When someone says they will do something, it gets done.",
        "dependability",
    ),
    ("work-matters", "The work I do matters to me.", "meaning"),
    (
        "work-makes-a-difference",
        "Our work makes a difference to the people who use it.",
        "impact",
    ),
    (
        "debt-under-control",
        "We keep technical debt under control.",
        "technical health",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_words_and_digits_are_points_and_nothing_else_is() {
        for (cell, p) in [
            ("4", Some(4)),
            ("5 - Strongly agree", Some(5)),
            ("Strongly disagree", Some(1)),
            ("neither agree nor disagree", Some(3)),
            ("Somewhat-agree", Some(4)),
            ("12", None),
            ("6", None),
            ("2026-09-01", None),
            ("ana@example.org", None),
        ] {
            assert_eq!(point(cell), p, "{cell}");
        }
    }

    #[test]
    fn an_export_becomes_counts_and_forgets_who_answered() {
        let export = "Timestamp,Email address,It is safe to disagree in a code review.,My role in this sprint is clear.,Anything else?\n\
            2026-10-01 09:12,ana@example.org,Agree,4,More pairing\n\
            2026-10-01 09:30,bo@example.org,Strongly agree,,\n\
            2026-10-02 11:02,cy@example.org,\"3 - Neither agree nor disagree\",2,\"Fewer meetings, please\"\n";
        let (standing, _) = super::super::parse_toml(
            "health/2026-Q3.toml",
            "[[questions]]\nid = \"safe\"\ntext = \"It is safe to disagree in a code review.\"\ndimension = \"psychological safety\"\nanswers = [0, 0, 0, 0, 5]\n",
        );
        let (toml, report) = import(export, "2026-Q4", standing.as_ref()).expect("imported");
        assert_eq!(
            report,
            Report {
                questions: 2,
                responses: 3,
                blank: 1,
                dropped: vec![
                    "Timestamp".into(),
                    "Email address".into(),
                    "Anything else?".into()
                ],
                unassigned: vec!["My role in this sprint is clear.".into()],
            }
        );
        assert!(
            !toml.contains("ana") && !toml.contains("pairing") && !toml.contains("2026-10-01"),
            "{toml}"
        );
        let (period, d) = super::super::parse_toml("health/2026-Q4.toml", &toml);
        assert!(d.is_empty(), "{d:?}\n{toml}");
        let period = period.expect("a period");
        assert_eq!(period.name, "2026-Q4");
        assert_eq!(period.questions[0].id, "safe");
        assert_eq!(period.questions[0].answers, Some([0, 0, 1, 1, 1]));
        assert_eq!(period.questions[1].id, "my-role-in-this-sprint-is-clear");
        assert_eq!(period.questions[1].answers, Some([0, 1, 0, 1, 0]));
    }

    #[test]
    fn a_blank_period_repeats_the_standing_questions_with_no_answers() {
        let text = blank("2027-Q1", None);
        let (period, d) = super::super::parse_toml("health/2027-Q1.toml", &text);
        assert!(d.is_empty(), "{d:?}");
        let period = period.expect("a period");
        assert_eq!(period.questions.len(), 7);
        assert!(
            period
                .questions
                .iter()
                .all(|q| q.n == 0 && q.mean.is_none())
        );
    }
}
