//! How the charter is shown: its purpose, mission and metrics on its page
//! (`page.charter`), each metric with where it stands against its target, its
//! trend and its history drawn (`site::charts`).

use serde_json::{Value, json};

use super::{Cx, KindView, Slots, slot};
use crate::kinds::charter::{Metric, Trend};
use crate::pages::PageId;
use crate::site::charts;

/// The charter views (see the module docs).
pub(super) struct Charters;

impl KindView for Charters {
    fn llms_group(&self) -> &'static str {
        "Charter and channels"
    }

    /// `page.charter`: the [`crate::kinds::charter::Charter`] as read, each of
    /// its `metrics` with `now` (the current value as text), `status` (`on` or
    /// `off` target), `trend` (`up`/`down`/`flat` and `better`), `spark` and
    /// `chart` (inline SVG, when it has a history), `id` (the chart's), and
    /// each `history` point's value written out (`text`).
    fn page(&self, cx: &Cx<'_>, id: PageId, slots: &mut Slots) {
        let Some(charter) = cx.model.charter(id) else {
            slots.insert("charter", Value::Null);
            return;
        };
        let mut view = slot(charter);
        view["metrics"] = charter
            .metrics
            .iter()
            .enumerate()
            .map(|(i, m)| metric(i, m))
            .collect();
        slots.insert("charter", view);
    }
}

fn metric(i: usize, m: &Metric) -> Value {
    let mut view = slot(m);
    let unit = m.unit.as_deref().unwrap_or("");
    let id = format!("metric-{}", i + 1);
    view["id"] = json!(id);
    view["history"] = m
        .history
        .iter()
        .map(|p| json!({ "at": p.at, "value": p.value, "text": charts::number(p.value) }))
        .collect();
    view["now"] = json!(
        m.current
            .clone()
            .or_else(|| m.current_value().map(charts::number))
    );
    view["status"] = json!(m.on_target().map(|on| if on { "on" } else { "off" }));
    view["trend"] = json!(m.trend().map(|(trend, better)| json!({
        "direction": trend,
        "better": better,
        "text": match (trend, better) {
            (Trend::Flat, _) => "no change",
            (Trend::Up, true) => "up, better",
            (Trend::Up, false) => "up, worse",
            (Trend::Down, true) => "down, better",
            (Trend::Down, false) => "down, worse",
        },
    })));
    if m.history.len() > 1 {
        let values: Vec<f64> = m.history.iter().map(|p| p.value).collect();
        let points: Vec<(&str, f64)> = m.history.iter().map(|p| (p.at.as_str(), p.value)).collect();
        let label = format!(
            "{}: {}",
            m.name,
            points
                .iter()
                .map(|(at, v)| format!("{at} {}", charts::number(*v)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        view["spark"] = json!(charts::sparkline(&values, m.target_value(), &label));
        view["chart"] = json!(charts::line(&charts::LineChart {
            id: &id,
            title: &m.name,
            points: &points,
            target: m.target_value(),
            target_label: "target",
            unit,
        }));
    }
    view
}
