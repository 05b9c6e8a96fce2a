//! The team health dashboard (`team-health/`): for each dimension its score
//! over the periods (a chart), the change since the last period, and its
//! questions' wording, latest mean, change and spread of answers; the
//! warnings `check` gives, on the page too. Written when `health/` has
//! surveys. Numbers below the anonymity floor are never shown.

use serde_json::{Value, json};

use super::super::Site;
use super::super::charts;
use super::super::context::Renderer;
use super::super::reserved::TEAM_HEALTH_URL;
use super::super::views::Aggregates;
use super::pages::{folder_page, page};
use super::{Generated, Made};
use crate::kinds::health::{self, Health, Question, Settings};

pub(super) struct TeamHealth;

impl Generated for TeamHealth {
    fn files(&self, site: &Site) -> Vec<String> {
        folder_page(TEAM_HEALTH_URL, site.loaded.health.is_some())
    }

    fn render(&self, render: &Renderer<'_>) -> Vec<Made> {
        let Some(surveys) = &render.site.loaded.health else {
            return Vec::new();
        };
        let settings = &render.site.loaded.config.health;
        let mut aggregates = Aggregates::default();
        aggregates
            .kinds
            .insert("team_health", dashboard(surveys, settings));
        vec![page(
            render,
            "team-health.html",
            "Team health",
            TEAM_HEALTH_URL,
            aggregates,
        )]
    }
}

/// `text` with its first letter upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A change as people read it: `+0.3`, `−0.6`, `±0.0`.
fn change(now: Option<f64>, before: Option<f64>) -> Option<String> {
    let delta = now? - before?;
    Some(if delta.abs() < 0.05 {
        "±0.0".to_string()
    } else if delta > 0.0 {
        format!("+{delta:.1}")
    } else {
        format!("−{:.1}", -delta)
    })
}

/// The dashboard's view: periods, warnings and each dimension.
pub(super) fn dashboard(surveys: &Health, settings: &Settings) -> Value {
    let periods: Vec<&str> = surveys.periods.iter().map(|p| p.name.as_str()).collect();
    let latest = surveys.periods.last();
    let before = surveys
        .periods
        .len()
        .checked_sub(2)
        .and_then(|i| surveys.periods.get(i));
    let warnings: Vec<String> = health::check(surveys, settings)
        .into_iter()
        .map(|d| capitalized(d.message.trim_start_matches("team health: ")))
        .collect();
    let dimensions: Vec<Value> = health::dimension_scores(surveys, settings)
        .into_iter()
        .enumerate()
        .map(|(i, (name, scores))| {
            let points: Vec<(&str, f64)> = periods
                .iter()
                .zip(&scores)
                .filter_map(|(p, s)| Some((*p, ((*s)? * 100.0).round() / 100.0)))
                .collect();
            let id = format!("dimension-{}", i + 1);
            let now = scores.last().copied().flatten();
            let was = scores.iter().rev().nth(1).copied().flatten();
            let questions: Vec<Value> = latest
                .map(|p| {
                    p.questions
                        .iter()
                        .filter(|q| q.dimension == name)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
                .into_iter()
                .map(|q| {
                    question(
                        q,
                        surveys,
                        before.and_then(|b| b.questions.iter().find(|x| x.id == q.id)),
                        settings,
                    )
                })
                .collect();
            json!({
                "name": name,
                "id": id,
                "score": now.map(health::score),
                "change": change(now, was),
                "chart": (points.len() > 1).then(|| charts::line(&charts::LineChart {
                    id: &id,
                    title: &format!("{}, mean score by period (1 to 5)", capitalized(&name)),
                    points: &points,
                    target: Some(settings.alert_below),
                    target_label: "alert line",
                    unit: "",
                })),
                "scores": periods.iter().zip(&scores).map(|(p, s)| json!({
                    "period": p,
                    "score": s.map(health::score),
                })).collect::<Vec<_>>(),
                "questions": questions,
            })
        })
        .collect();
    json!({
        "periods": periods,
        "latest": latest.map(|p| p.name.as_str()),
        "min_responses": settings.min_responses,
        "alert_below": health::score(settings.alert_below),
        "warnings": warnings,
        "dimensions": dimensions,
    })
}

/// One question of the latest period: its wording, mean (or too few
/// responses), the change since the last period, and its answers' spread.
fn question(
    q: &Question,
    surveys: &Health,
    before: Option<&Question>,
    settings: &Settings,
) -> Value {
    let shown = q.shown(settings);
    let trend: Vec<f64> = surveys
        .periods
        .iter()
        .filter_map(|p| p.questions.iter().find(|x| x.id == q.id)?.shown(settings))
        .collect();
    // Every period that asked it, oldest first, with its own spread.
    let periods: Vec<Value> = surveys
        .periods
        .iter()
        .filter_map(|p| {
            let asked = p.questions.iter().find(|x| x.id == q.id)?;
            let mean = asked.shown(settings);
            Some(json!({
                "period": p.name,
                "mean": mean.map(health::score),
                "spread": spread(asked, mean),
            }))
        })
        .collect();
    json!({
        "id": q.id,
        "text": q.text,
        "n": q.n,
        "mean": shown.map(health::score),
        "change": change(shown, before.and_then(|b| b.shown(settings))),
        "spark": (trend.len() > 1).then(|| charts::sparkline(
            &trend,
            Some(settings.alert_below),
            &format!("{}: {}", q.text, trend.iter().map(|v| health::score(*v)).collect::<Vec<_>>().join(", ")),
        )),
        "spread": spread(q, shown),
        "periods": periods,
    })
}

/// How many gave each answer, and their share (none when the mean is not
/// shown, so a small sample's counts never show either).
fn spread(q: &Question, shown: Option<f64>) -> Option<Vec<Value>> {
    q.answers.filter(|_| shown.is_some()).map(|answers| {
        let n = answers.iter().sum::<u32>().max(1);
        answers
            .iter()
            .zip(1..)
            .map(|(count, point)| {
                json!({
                    "point": point,
                    "count": count,
                    "share": (f64::from(*count) * 1000.0 / f64::from(n)).round() / 10.0,
                })
            })
            .collect::<Vec<_>>()
    })
}
