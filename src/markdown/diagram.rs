//! ` ```mermaid ` blocks drawn at build time: merman parses and lays the
//! diagram out and writes SVG, once in Mermaid's light theme and once in its
//! dark one, so the page shows a diagram with no script, no network and no
//! flash when the reader's colour scheme changes. What merman writes is
//! checked before it is put in the page: a diagram that would run script
//! or load something from elsewhere is refused and shown as source.

use std::sync::OnceLock;

use html5gum::Tokenizer;
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use merman::{
    Engine, MermaidConfig, OperationControl, RenderOutput, RenderRequest, Renderer, SvgEnvironment,
    SvgRequest,
};

/// How long one diagram may take to draw.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// One diagram, drawn for each colour scheme.
#[derive(Debug)]
pub(super) struct Drawn {
    pub light: String,
    pub dark: String,
}

/// Why a block could not be drawn, said to the author.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// merman could not read it (its message).
    Invalid(String),
    /// It drew something that could run script or load from elsewhere.
    Unsafe(String),
}

fn renderers() -> &'static [Renderer; 2] {
    static RENDERERS: OnceLock<[Renderer; 2]> = OnceLock::new();
    RENDERERS.get_or_init(|| {
        // Mermaid's dark theme puts edge labels on a grey that fails AA with
        // their text (3.9:1); the page's dark surface reads at 9:1.
        [
            serde_json::json!({ "theme": "default", "securityLevel": "strict" }),
            serde_json::json!({
                "theme": "dark",
                "securityLevel": "strict",
                "themeVariables": { "edgeLabelBackground": "#2a323b" },
            }),
        ]
        .map(|config| {
            let config = MermaidConfig::from_value(config);
            Renderer::new()
                .with_engine(Engine::new().with_site_config(config))
                .with_parse_options(merman::ParseOptions::strict())
        })
    })
}

/// Draws `source`; `id` must be unique in the page (it prefixes the SVG's ids).
pub(super) fn draw(source: &str, id: &str) -> Result<Drawn, Refused> {
    let [light, dark] = renderers();
    let light = draw_with(light, source, &format!("{id}-light"))?;
    let dark = draw_with(dark, source, &format!("{id}-dark"))?;
    Ok(Drawn { light, dark })
}

fn draw_with(renderer: &Renderer, source: &str, id: &str) -> Result<String, Refused> {
    let root = merman::svg::sanitize_svg_id(id);
    let request = SvgRequest {
        environment: SvgEnvironment::deterministic(),
        options: merman::svg::SvgRenderOptions {
            diagram_id: Some(root.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    // A diagram's layout is not linear in its size: one that takes longer
    // than this is given up on, and a panic in the drawing is a refusal,
    // so no diagram stops the build.
    let control = OperationControl::new().with_deadline(DEADLINE);
    let output = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        renderer.render(RenderRequest::svg(source, control, request))
    }))
    .map_err(|_| Refused::Invalid("the diagram drawer failed on it".into()))?
    .map_err(|e| Refused::Invalid(e.to_string()))?;
    let RenderOutput::Svg(Some(svg)) = output else {
        return Err(Refused::Invalid("no Mermaid diagram type detected".into()));
    };
    let svg = svg.svg();
    match unsafe_markup(svg) {
        Some(why) => Err(Refused::Unsafe(why)),
        None => Ok(super::html::own_ids(
            &compact_numbers(&natural_size(svg)),
            &root,
        )),
    }
}

/// `svg` with the coordinates of its shapes (`d`, `points`) written to two
/// decimals: merman writes full `f64` precision, and a hand-drawn node's
/// outline is then 30 KB of digits no screen can show.
fn compact_numbers(svg: &str) -> String {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut shape = false;
    let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: html5gum::Span<usize>| {
        match event {
            CallbackEvent::AttributeName { name } => shape = matches!(name, b"d" | b"points"),
            CallbackEvent::AttributeValue { .. } if shape => spans.push(span.start..span.end),
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    let _ = Tokenizer::new_with_emitter(svg, emitter).finish();
    let mut out = String::with_capacity(svg.len());
    let mut at = 0;
    for span in spans {
        let (Some(before), Some(value)) = (svg.get(at..span.start), svg.get(span.clone())) else {
            continue;
        };
        out.push_str(before);
        round_numbers(value, &mut out);
        at = span.end;
    }
    out.push_str(svg.get(at..).unwrap_or_default());
    out
}

/// Appends `text` with every decimal number of more than two places
/// rounded to two (`80.47200465342065` → `80.47`, `-0.001` → `0`).
fn round_numbers(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut j = i;
        if bytes[j] == b'-' {
            j += 1;
        }
        let digits = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        let has_int = j > digits;
        let mut places = 0;
        if has_int && j < bytes.len() && bytes[j] == b'.' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
                places += 1;
            }
        }
        let exponent = j < bytes.len() && matches!(bytes[j], b'e' | b'E');
        let number = text.get(start..j).unwrap_or_default();
        match number.parse::<f64>() {
            Ok(n) if places > 2 && !exponent => {
                let rounded = format!("{n:.2}");
                let rounded = rounded.trim_end_matches('0').trim_end_matches('.');
                out.push_str(if rounded == "-0" { "0" } else { rounded });
                i = j;
            }
            _ if j > start && has_int => {
                out.push_str(number);
                i = j;
            }
            _ => {
                // One character that starts no number (a command letter, a
                // space, a lone `-`), as written.
                let len = text
                    .get(i..)
                    .and_then(|t| t.chars().next())
                    .map_or(1, char::len_utf8);
                out.push_str(text.get(i..i + len).unwrap_or_default());
                i += len;
            }
        }
    }
}

/// `svg` with its root's `width="100%"` replaced by the size its `viewBox`
/// gives, so a narrow screen scrolls a large diagram in its box rather than
/// shrinking its text below what can be read (the stylesheet still fits it
/// to the column on wide screens).
fn natural_size(svg: &str) -> String {
    let Some((root, rest)) = svg.split_once('>') else {
        return svg.to_string();
    };
    let size = root
        .split_once("viewBox=\"")
        .and_then(|(_, v)| v.split_once('"'))
        .map(|(v, _)| {
            v.split_whitespace()
                .filter_map(|n| n.parse::<f64>().ok())
                .collect::<Vec<_>>()
        });
    match size.as_deref() {
        Some(&[_, _, w, h]) if w > 0.0 && h > 0.0 && root.contains(" width=\"100%\"") => {
            let root = root.replacen(
                " width=\"100%\"",
                &format!(" width=\"{w}\" height=\"{h}\""),
                1,
            );
            format!("{root}>{rest}")
        }
        _ => svg.to_string(),
    }
}

/// What in `svg` could run script or fetch from another place, if anything:
/// script-like elements, event-handler attributes, `javascript:`-style links,
/// and, in stylesheets and attribute values, `@import` or a `url(…)` that is
/// not one of the SVG's own `#ids`. A label's text may say anything.
fn unsafe_markup(svg: &str) -> Option<String> {
    let mut found: Option<String> = None;
    let mut attribute: Vec<u8> = Vec::new();
    let mut in_style = false;
    let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: html5gum::Span<usize>| {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                let name = name.to_ascii_lowercase();
                in_style = name == b"style";
                if matches!(
                    name.as_slice(),
                    b"script" | b"iframe" | b"object" | b"embed" | b"base" | b"meta" | b"link"
                ) {
                    found.get_or_insert_with(|| {
                        format!("a <{}> element", String::from_utf8_lossy(&name))
                    });
                }
            }
            CallbackEvent::EndTag { .. } => in_style = false,
            CallbackEvent::AttributeName { name } => {
                attribute = name.to_ascii_lowercase();
                if attribute.starts_with(b"on") {
                    found.get_or_insert_with(|| {
                        format!("an `{}` attribute", String::from_utf8_lossy(&attribute))
                    });
                }
            }
            CallbackEvent::AttributeValue { value } => {
                let is_url = matches!(
                    attribute.as_slice(),
                    b"href" | b"xlink:href" | b"src" | b"action" | b"formaction"
                );
                let value = String::from_utf8_lossy(value);
                if is_url && super::is_script_url(&value, false) {
                    found.get_or_insert_with(|| format!("a `{value}` link"));
                }
                if let Some(why) = outside_reference(&value) {
                    found.get_or_insert(why);
                }
            }
            CallbackEvent::String { value } if in_style => {
                if let Some(why) = outside_reference(&String::from_utf8_lossy(value)) {
                    found.get_or_insert(why);
                }
            }
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    let _ = Tokenizer::new_with_emitter(svg, emitter).finish();
    found
}

/// A stylesheet `@import` or a `url(…)` that does not point into the SVG itself.
fn outside_reference(css: &str) -> Option<String> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return Some("a stylesheet @import".into());
    }
    lower.match_indices("url(").find_map(|(at, _)| {
        let rest = lower.get(at + 4..).unwrap_or_default();
        let rest = rest.trim_start_matches(|c: char| c == '\'' || c == '"' || c.is_whitespace());
        (!rest.starts_with('#')).then(|| "a url(…) pointing outside the diagram".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flowchart_is_drawn_for_both_schemes_with_ids_of_its_own() {
        let drawn = draw("flowchart LR\n  Build --> Ship\n", "diagram-1").expect("as written");
        assert!(drawn.light.starts_with("<svg"), "{}", drawn.light);
        assert!(drawn.light.contains("id=\"diagram-1-light\""));
        assert!(drawn.dark.contains("id=\"diagram-1-dark\""));
        assert!(drawn.light.contains("Build") && drawn.light.contains("Ship"));
        // Its natural size, from its viewBox, not 100% of whatever holds it.
        let root = drawn.light.split_once('>').expect("a root tag").0;
        assert!(!root.contains("width=\"100%\""), "{root}");
        assert!(root.contains(" height=\""), "{root}");
        assert_ne!(
            drawn.light.replace("-light", ""),
            drawn.dark.replace("-dark", "")
        );
    }

    #[test]
    fn the_same_source_draws_the_same_bytes() {
        let a = draw("sequenceDiagram\n  Ana->>Bo: page\n", "d").expect("as written");
        let b = draw("sequenceDiagram\n  Ana->>Bo: page\n", "d").expect("as written");
        assert_eq!(a.light, b.light);
        assert_eq!(a.dark, b.dark);
    }

    #[test]
    fn shape_coordinates_are_written_to_two_decimals() {
        let mut out = String::new();
        round_numbers(
            "M-80.47200465342065 -36 C1.5,2.126 3e-7 -0.0001L10.999,0",
            &mut out,
        );
        assert_eq!(out, "M-80.47 -36 C1.5,2.13 3e-7 0L11,0");
        let svg = r#"<svg viewBox="0 0 10.12345 5"><path d="M1.23456,2.5" data-x="1.23456"/><polygon points="0.1111,2"/></svg>"#;
        assert_eq!(
            compact_numbers(svg),
            r#"<svg viewBox="0 0 10.12345 5"><path d="M1.23,2.5" data-x="1.23456"/><polygon points="0.11,2"/></svg>"#
        );
        let flowchart = "flowchart TD\n  a{Is the primary really down?} -->|yes| b[Promote]\n";
        let drawn = draw(flowchart, "d").expect("as written");
        for d in drawn.light.split(" d=\"").skip(1) {
            let d = d.split('"').next().unwrap_or_default();
            let long = d
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .find(|n| n.split_once('.').is_some_and(|(_, f)| f.len() > 2));
            assert_eq!(long, None, "{d}");
        }
    }

    #[test]
    fn two_drawings_on_a_page_share_no_id() {
        // A sequence diagram names its actors `actor0`, … whatever its id.
        let source = "sequenceDiagram\n  Ana->>Bo: page\n";
        let one = draw(source, "diagram-1").expect("as written");
        let two = draw(source, "diagram-2").expect("as written");
        let ids = |svg: &str| -> Vec<String> {
            svg.split(" id=\"")
                .skip(1)
                .filter_map(|p| p.split('"').next())
                .map(str::to_string)
                .collect()
        };
        let all: Vec<String> = [&one.light, &one.dark, &two.light, &two.dark]
            .into_iter()
            .flat_map(|svg| ids(svg))
            .collect();
        let unique: std::collections::HashSet<&String> = all.iter().collect();
        assert!(all.len() > 8, "{all:?}");
        assert_eq!(unique.len(), all.len(), "{all:?}");
    }

    #[test]
    fn what_merman_cannot_read_is_refused_with_its_reason() {
        let Err(Refused::Invalid(why)) = draw("flowchart TD\n  A -->\n", "d") else {
            panic!("an unfinished edge was drawn");
        };
        assert!(!why.is_empty());
        assert!(matches!(
            draw("not a diagram", "d"),
            Err(Refused::Invalid(_))
        ));
    }

    #[test]
    fn script_and_outside_loads_in_labels_or_clicks_never_reach_the_svg() {
        let hostile = "flowchart TD\n  A[\"<img src=x onerror=alert(1)>\"] --> B[\"<script>alert(2)</script>\"]\n  click A \"javascript:alert(3)\"\n";
        if let Ok(drawn) = draw(hostile, "d") {
            for svg in [&drawn.light, &drawn.dark] {
                let lower = svg.to_ascii_lowercase();
                assert!(!lower.contains("<script"), "{svg}");
                assert!(!lower.contains("onerror"), "{svg}");
                assert!(!lower.contains("javascript:"), "{svg}");
            }
        }
    }

    #[test]
    fn a_label_may_say_url_or_import() {
        let drawn = draw(
            "flowchart LR\n  A[\"fetch url(https://api.example) then @import\"] --> B\n",
            "d",
        )
        .expect("a label is text");
        assert!(
            drawn
                .light
                .contains("fetch url(https://api.example) then @import")
        );
    }

    #[test]
    fn the_markup_check_finds_each_way_out() {
        assert_eq!(unsafe_markup("<svg><g><text>fine</text></g></svg>"), None);
        assert_eq!(
            unsafe_markup("<svg><text>see url(https://a.example)</text></svg>"),
            None
        );
        assert_eq!(
            unsafe_markup("<svg><defs><filter id=\"f\"/></defs><rect filter=\"url(#f)\"/></svg>"),
            None
        );
        for bad in [
            "<svg><script>x()</script></svg>",
            "<svg><rect onclick=\"x()\"/></svg>",
            "<svg><a xlink:href=\"javascript:x()\">a</a></svg>",
            "<svg><a href=\" JavaScript:x()\">a</a></svg>",
            "<svg><foreignObject><iframe src=\"https://elsewhere.example\"></iframe></foreignObject></svg>",
            "<svg><style>@import 'https://elsewhere.example/a.css';</style></svg>",
            "<svg><rect style=\"fill:url(https://elsewhere.example/p.png)\"/></svg>",
            "<svg><rect fill=\"URL( 'https://elsewhere.example/p.png')\"/></svg>",
            "<svg><style>rect{fill:url(//elsewhere.example/p.png)}</style></svg>",
        ] {
            assert!(unsafe_markup(bad).is_some(), "{bad}");
        }
    }
}
