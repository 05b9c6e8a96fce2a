//! Runbooks written for other tools or none: `[runbooks]` settings, and
//! what is read from the repository when front matter leaves it out (the
//! service from a per-service folder, alerts from an Alert section or the
//! file name, the owner from CODEOWNERS or OWNERS), each with its origin.

use super::{Runbook, Settings};
use crate::content::Page;

/// `[runbooks]`: how runbooks written without front matter are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Fields whose absence is an error, not a warning (`require`).
    pub require: Vec<String>,
    /// `service_from_folder`: a runbook in `runbooks/<service>/` is for
    /// `<service>` unless it says otherwise.
    pub service_from_folder: bool,
    /// `alert_from_file`: when a runbook's file name is its alert's name.
    pub alert_from_file: AlertFromFile,
    /// `alert_rules`: globs (from the repository's root) of Prometheus rule
    /// files to compare the runbooks' alerts with.
    pub alert_rules: Vec<String>,
}

impl Default for Import {
    fn default() -> Self {
        Import {
            require: Vec::new(),
            service_from_folder: true,
            alert_from_file: AlertFromFile::Auto,
            alert_rules: Vec::new(),
        }
    }
}

/// When the file name of a runbook names the alert it handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertFromFile {
    /// When the name reads as an alert (`KubePodCrashLooping`,
    /// `HighErrorRate`: one word of capitalised parts) and the runbook names none.
    Auto,
    /// Whenever the runbook names no alert.
    Always,
    Never,
}

impl AlertFromFile {
    pub const NAMES: &'static [&'static str] = &["auto", "always", "never"];

    pub fn parse(name: &str) -> Option<AlertFromFile> {
        match name {
            "auto" => Some(AlertFromFile::Auto),
            "always" => Some(AlertFromFile::Always),
            "never" => Some(AlertFromFile::Never),
            _ => None,
        }
    }
}

/// True for a file name that reads as an alert's name: one word of
/// capitalised parts (`KubePodCrashLooping`, `HighErrorRate`, `TargetDown`),
/// the way Prometheus alerts are named.
pub fn looks_like_alert(stem: &str) -> bool {
    let mut chars = stem.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && stem.chars().all(|c| c.is_ascii_alphanumeric())
        && stem.chars().any(|c| c.is_ascii_lowercase())
        && stem.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
}

/// Fills what the front matter leaves out from what the repository says:
/// the service from a per-service folder, the alert from the file name, the
/// owner from CODEOWNERS or OWNERS. Each filled fact records its origin.
pub(super) fn fill_from_repository(page: &Page, settings: &Settings<'_>, runbook: &mut Runbook) {
    let fields = &page.front.extra_fields;
    if fields.get("service").is_none()
        && settings.import.service_from_folder
        && let Some(kind_folder) = settings.kind_folder
    {
        // `runbooks/billing/x.md` → "billing"; `runbooks/x.md` says nothing.
        let below = page
            .folder()
            .strip_prefix(kind_folder)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.split('/').next())
            .filter(|service| !service.is_empty());
        if let Some(service) = below {
            runbook.service = Some(service.to_string());
            runbook
                .origins
                .insert("service", format!("the folder {kind_folder}/{service}/"));
        }
    }
    if runbook.alerts.is_empty() && fields.get("alerts").is_none() {
        let written = alerts_in_body(page.source.get(page.body_start..).unwrap_or_default());
        if !written.is_empty() {
            runbook.alerts = written;
            runbook
                .origins
                .insert("alerts", "its Alert section".to_string());
        }
    }
    if runbook.alerts.is_empty() && fields.get("alerts").is_none() {
        let stem = page.stem();
        let named = match settings.import.alert_from_file {
            AlertFromFile::Auto => looks_like_alert(stem),
            AlertFromFile::Always => !page.is_section_index,
            AlertFromFile::Never => false,
        };
        if named {
            runbook.alerts.push(stem.to_string());
            runbook
                .origins
                .insert("alerts", "the file name".to_string());
        }
    }
    if fields.get("owner").is_none()
        && let Some((owner, origin)) = &settings.owner
    {
        runbook.owner = Some(owner.clone());
        runbook.origins.insert("owner", origin.clone());
    }
}

/// Alert names a runbook's body gives: under an `## Alert` / `## Alert
/// name` heading (the code spans of its first line, or the line when it is
/// one word), or on an `**Alert Name**: X` line.
fn alerts_in_body(body: &str) -> Vec<String> {
    let is_alert_label = |text: &str| {
        let label = text
            .trim()
            .trim_matches(['*', '_', ':', ' '])
            .to_ascii_lowercase();
        matches!(
            label.as_str(),
            "alert" | "alerts" | "alert name" | "alert names" | "alertname"
        )
    };
    let names = |text: &str| -> Vec<String> {
        let spans: Vec<String> = text
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && !s.contains(' '))
            .collect();
        if !spans.is_empty() {
            return spans;
        }
        let word = text.trim().trim_matches(['*', '_']);
        if !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
        {
            vec![word.to_string()]
        } else {
            Vec::new()
        }
    };
    let mut under_heading = false;
    for line in crate::markdown::prose_lines(body) {
        let t = line.trim_end();
        if let Some(heading) = t.strip_prefix('#') {
            under_heading = is_alert_label(heading.trim_start_matches('#'));
            continue;
        }
        if under_heading && !t.is_empty() {
            return names(t);
        }
        // `- **Alert Name**: PodCrashLooping`
        let item = t.trim_start_matches(['-', '*', ' ']);
        if let Some((label, value)) = item.split_once(':')
            && is_alert_label(label)
            && label.contains("**")
        {
            let found = names(value.trim_start_matches(['*', ' ']));
            if !found.is_empty() {
                return found;
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::alerts_in_body;

    #[test]
    fn alert_names_come_from_an_alert_section_or_label() {
        assert_eq!(
            alerts_in_body("## Alert Name\n`HighErrorRate`\n\n## Severity\n"),
            vec!["HighErrorRate"]
        );
        assert_eq!(
            alerts_in_body("## Alert\n\n**Alert**: PodCrashLooping, PodOOMKilled\n"),
            Vec::<String>::new()
        );
        assert_eq!(alerts_in_body("## Alerts\n- `A`, `B`\n"), vec!["A", "B"]);
        assert_eq!(
            alerts_in_body(
                "## Alert Information\n- **Alert Name**: PodCrashLoopingBackOff\n- **Severity**: Critical\n"
            ),
            vec!["PodCrashLoopingBackOff"]
        );
        assert_eq!(
            alerts_in_body("## Symptom\nThe alert fires.\n```\n## Alert\nX\n```\n"),
            Vec::<String>::new()
        );
    }
}
