//! Reading decision records as people write them: dates in several orders, numbers
//! in titles, and the metadata and relations written in the body (`Status:` lines,
//! a `## Status` section, "Superseded by" links).

use super::*;

/// How a date written in a record reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateReading {
    Date(Date),
    /// `09/04/2018` without `[adr] date_order`: (day first, month first).
    Ambiguous(Date, Date),
    Unreadable,
}

/// Reads a record's date as people write them: `2018-04-09` (a time may
/// follow), `2018/04/09`, `09/04/2018` and `9.4.2018` (day first when the
/// first number is above 12, month first when the second is, else as
/// `order` says), and `April 9, 2018` / `9 April 2018`.
pub fn read_date(text: &str, order: Option<DateOrder>) -> DateReading {
    let text = text.trim().trim_matches('*').trim();
    if let Some(date) = Date::parse(text) {
        return DateReading::Date(date);
    }
    // The first word is the date; what follows (`; last updated …`) is not.
    let token = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches([';', ',', '.', ')']);
    if let Some(date) = Date::parse(token) {
        return DateReading::Date(date);
    }
    let parts: Vec<&str> = token.split(['/', '.', '-']).collect();
    let number = |s: &str| -> Option<i16> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let civil = |y: i16, m: i16, d: i16| {
        i8::try_from(m)
            .ok()
            .zip(i8::try_from(d).ok())
            .and_then(|(m, d)| jiff::civil::Date::new(y, m, d).ok())
            .map(Date::from)
    };
    if let [a, b, c] = parts.as_slice()
        && let (Some(a), Some(b), Some(c)) = (number(a), number(b), number(c))
    {
        if a > 31 {
            // 2018/04/09
            return civil(a, b, c).map_or(DateReading::Unreadable, DateReading::Date);
        }
        if c < 1000 {
            return DateReading::Unreadable;
        }
        let dmy = civil(c, b, a);
        let mdy = civil(c, a, b);
        return match (dmy, mdy) {
            (Some(d), None) | (None, Some(d)) => DateReading::Date(d),
            (Some(d), Some(m)) if d == m => DateReading::Date(d),
            (Some(d), Some(m)) => match order {
                Some(DateOrder::Dmy) => DateReading::Date(d),
                Some(DateOrder::Mdy) => DateReading::Date(m),
                None => DateReading::Ambiguous(d, m),
            },
            (None, None) => DateReading::Unreadable,
        };
    }
    for format in ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y"] {
        if let Ok(date) = jiff::civil::Date::strptime(format, text) {
            return DateReading::Date(Date::from(date));
        }
    }
    DateReading::Unreadable
}

/// A record's number and title from its heading: `7. Use Kafka`,
/// `23 Logging`, `0003 - Use X`, `ADR-012: Use Y`, `ADR 4. Z`.
pub fn title_parts(heading: &str) -> (Option<u32>, &str) {
    let text = heading.trim();
    let (prefixed, rest) = match ["ADR-", "ADR ", "ADR_", "adr-", "Adr "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
    {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Some((number, after)) = rest.split_at_checked(digits) else {
        return (None, text);
    };
    let Ok(n) = number.parse::<u32>() else {
        return (None, text);
    };
    let punctuated = after.starts_with(['.', ':', '-', '–', '—']);
    if !(punctuated || after.starts_with(' ')) {
        return (None, text);
    }
    // `2024 plans` is a title; `2024. Plans` or `ADR 2024 X` is numbered.
    let year_like = digits == 4 && (1900..2100).contains(&n);
    if year_like && !punctuated && !prefixed {
        return (None, text);
    }
    let title = after
        .trim_start_matches(['.', ':', '-', '–', '—', ' '])
        .trim();
    if title.is_empty() {
        return (None, text);
    }
    (Some(n), title)
}

/// A metadata value found in the body, with where it was written.
pub(super) struct Found<'s> {
    pub(super) text: &'s str,
    pub(super) span: Range<usize>,
}

/// Metadata lines found in the body (`* Status: accepted`, `Date: …`, `## Status`).
#[derive(Default)]
pub(super) struct BodyFacts<'s> {
    pub(super) bullets: HashMap<String, Found<'s>>,
    pub(super) bullet_style: Option<char>,
    pub(super) plain: HashMap<String, Found<'s>>,
    pub(super) status_section: Option<Found<'s>>,
    pub(super) supersedes_links: Vec<Found<'s>>,
    pub(super) superseded_by_links: Vec<Found<'s>>,
    pub(super) amends_links: Vec<Found<'s>>,
    pub(super) amended_by_links: Vec<Found<'s>>,
    pub(super) title_number: Option<u32>,
}

/// `0007-use-kafka` → 7. Date prefixes (Log4brains' `2023-02-14-…` or
/// `20230214-…`) are not numbers.
pub(crate) fn file_number(stem: &str) -> Option<u32> {
    let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
    // `digits` are ASCII, so its length is a character boundary.
    let rest = stem.get(digits.len()..).unwrap_or_default();
    let date_like = digits.len() == 8
        || (digits.len() == 4
            && rest.len() >= 6
            && rest.as_bytes()[0] == b'-'
            && rest.as_bytes()[1..3].iter().all(u8::is_ascii_digit)
            && rest.as_bytes()[3] == b'-');
    let separated = rest.is_empty() || rest.starts_with(['-', '_', ' ', '.']);
    if digits.is_empty() || date_like || !separated {
        return None;
    }
    digits.parse().ok()
}

/// Finds metadata written in the body, skipping fenced code.
#[allow(clippy::string_slice)] // `level` counts ASCII `#`s and the fences are ASCII prefixes matched first
pub(super) fn scan_body(source: &str, body_start: usize) -> BodyFacts<'_> {
    let mut facts = BodyFacts::default();
    let mut offset = body_start;
    let mut fence: Option<&str> = None;
    let mut status_level: Option<usize> = None;
    let mut status_lines: Vec<Found<'_>> = Vec::new();
    let mut seen_h1 = false;
    for line in source
        .get(body_start..)
        .unwrap_or_default()
        .split_inclusive('\n')
    {
        let start = offset;
        offset += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        let trimmed = text.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let level = trimmed.chars().take_while(|c| *c == '#').count();
        if level > 0 && trimmed[level..].starts_with(' ') {
            let heading = trimmed[level..].trim();
            if level == 1 && !seen_h1 {
                seen_h1 = true;
                facts.title_number = title_parts(heading).0;
            }
            if status_level.is_some_and(|l| level <= l) {
                status_level = None;
            }
            if heading.eq_ignore_ascii_case("status") {
                status_level = Some(level);
            }
            continue;
        }
        let span_of = |value: &str| {
            let at = start + (value.as_ptr() as usize - text.as_ptr() as usize);
            at..at + value.len()
        };
        // "Superseded by [5](0005-x.md)", "Amends [..](..)": anywhere.
        if let Some((relation, targets)) = relation(trimmed) {
            let list = match relation {
                Relation::SupersededBy => &mut facts.superseded_by_links,
                Relation::Supersedes => &mut facts.supersedes_links,
                Relation::AmendedBy => &mut facts.amended_by_links,
                Relation::Amends => &mut facts.amends_links,
            };
            for target in targets {
                list.push(Found {
                    text: target,
                    span: span_of(target),
                });
            }
        }
        if status_level.is_some() {
            if trimmed.is_empty() {
                continue;
            }
            let lower = trimmed.to_ascii_lowercase();
            let relation_only = lower.starts_with("supersedes")
                || lower.starts_with("supercedes")
                || lower.starts_with("amend");
            if !relation_only {
                status_lines.push(Found {
                    text: trimmed,
                    span: span_of(trimmed),
                });
            }
            continue;
        }
        let (bullet, rest) = match trimmed.get(..2) {
            Some("* ") => (Some('*'), &trimmed[2..]),
            Some("- ") => (Some('-'), &trimmed[2..]),
            _ => (None, trimmed),
        };
        let Some((label, value)) = rest.split_once(':').or_else(|| {
            // `Date 09/04/2018`, as some templates write it.
            rest.get(..5)
                .filter(|p| p.eq_ignore_ascii_case("date "))
                .and_then(|_| rest.split_at_checked(4))
                .filter(|(_, v)| v.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        }) else {
            continue;
        };
        let label = label.trim().trim_matches('*').trim();
        // The longest label read below is "decision makers"; most lines
        // with a colon are prose.
        if label.len() > "decision makers".len() {
            continue;
        }
        let label = label.to_ascii_lowercase();
        let value = value.trim().trim_start_matches("**").trim();
        if value.is_empty() || (label.contains(' ') && label != "decision makers") {
            continue;
        }
        let label = label.replace(' ', "-");
        let found = Found {
            text: value,
            span: span_of(value),
        };
        match bullet {
            Some(style)
                if matches!(
                    label.as_str(),
                    "status" | "date" | "deciders" | "decision-makers" | "consulted" | "informed"
                ) =>
            {
                facts.bullet_style.get_or_insert(style);
                facts.bullets.entry(label).or_insert(found);
            }
            None if matches!(label.as_str(), "status" | "date") => {
                facts.plain.entry(label).or_insert(found);
            }
            _ => {}
        }
    }
    facts.status_section = status_lines.into_iter().next();
    facts
}

/// A relation between records written in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Relation {
    Supersedes,
    SupersededBy,
    Amends,
    AmendedBy,
}

/// The relation a line states and the links it names: `Superseded by
/// [5. Use X](0005-use-x.md)`, `* Status: superseded by [..](..)`, `Amends [..](..)`.
#[allow(clippy::string_slice)] // `i` is where an ASCII phrase was found in the ASCII-lowercased line
pub(super) fn relation(line: &str) -> Option<(Relation, Vec<&str>)> {
    // Every relation names a link; most lines have none (this runs for
    // every line of every page).
    if !line.contains("](") {
        return None;
    }
    let lower = line.to_ascii_lowercase();
    let phrases = [
        ("superseded by", Relation::SupersededBy),
        ("superceded by", Relation::SupersededBy),
        ("amended by", Relation::AmendedBy),
        ("supersedes", Relation::Supersedes),
        ("supercedes", Relation::Supersedes),
        ("amends", Relation::Amends),
    ];
    phrases.iter().find_map(|&(phrase, relation)| {
        let i = lower.find(phrase)?;
        let at_word = lower[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let targets = link_targets(&line[i..]);
        (at_word && !targets.is_empty()).then_some((relation, targets))
    })
}

/// Destinations of markdown links in one line: `[1. X](0001-x.md)` → `0001-x.md`.
#[allow(clippy::string_slice)] // indices come from `find` of ASCII `](` and `)` in the same line
pub(super) fn link_targets(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].trim());
            rest = &rest[end..];
        }
    }
    out
}
