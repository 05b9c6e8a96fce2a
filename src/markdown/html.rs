//! Raw HTML written in markdown: the URLs its tags point at (`<a href>`,
//! `<img src>`, `srcset`, `<video poster>`, ...) and the ids it defines, read
//! with a WHATWG tokenizer (html5gum), so links written as HTML are rewritten
//! and checked exactly like markdown links.
//!
//! It only finds; `markdown::render` decides what to rewrite.

use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

/// An attribute that holds URLs (a `srcset` holds several).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlAttribute {
    /// The value as the browser reads it (entities decoded).
    pub value: String,
    /// Where the value is written in the HTML (quotes excluded).
    pub span: Range<usize>,
    /// True for what is loaded as an image (`src`, `srcset`, `poster`).
    pub image: bool,
    pub urls: Vec<Url>,
}

/// One URL in an attribute value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// Where it sits in the decoded value.
    pub in_value: Range<usize>,
    /// Where it is written in the HTML: the URL itself when the value is
    /// written as it reads, else the whole value.
    pub span: Range<usize>,
}

impl UrlAttribute {
    /// The text of `url`.
    pub fn text(&self, url: &Url) -> &str {
        self.value.get(url.in_value.clone()).unwrap_or_default()
    }
}

/// What one piece of raw HTML holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// In the order written.
    pub attributes: Vec<UrlAttribute>,
    /// `id` values, and `name` values of `<a>`: what a `#fragment` can reach.
    pub ids: Vec<String>,
}

/// Which attributes of which tags hold URLs, and whether they are images.
fn url_attribute(tag: &[u8], attribute: &[u8]) -> Option<(bool, bool)> {
    // (image, is a srcset list)
    match (tag, attribute) {
        (b"a" | b"area", b"href") => Some((false, false)),
        (b"img" | b"source" | b"video" | b"audio" | b"track" | b"embed" | b"iframe", b"src") => {
            Some((tag != b"iframe", false))
        }
        (b"img" | b"source", b"srcset") => Some((true, true)),
        (b"video", b"poster") => Some((true, false)),
        _ => None,
    }
}

/// An attribute seen in a tag not yet closed.
struct Pending {
    name: Vec<u8>,
    value: String,
    span: Range<usize>,
}

/// Reads the URLs and ids in `html`.
pub fn scan(html: &str) -> Scan {
    let mut scan = Scan::default();
    let mut tag: Vec<u8> = Vec::new();
    let mut name: Vec<u8> = Vec::new();
    // Attributes are only known to belong to a start tag when it closes:
    // an end tag can carry some too, and those mean nothing.
    let mut pending: Vec<Pending> = Vec::new();
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
        match event {
            CallbackEvent::OpenStartTag { name: n } => {
                tag.clear();
                tag.extend_from_slice(n);
                pending.clear();
            }
            CallbackEvent::AttributeName { name: n } => {
                name.clear();
                name.extend_from_slice(n);
            }
            CallbackEvent::AttributeValue { value } => pending.push(Pending {
                name: name.clone(),
                value: String::from_utf8_lossy(value).into_owned(),
                span: span.start..span.end,
            }),
            CallbackEvent::CloseStartTag { .. } => {
                for attribute in pending.drain(..) {
                    collect(&tag, attribute, &mut scan);
                }
            }
            CallbackEvent::EndTag { .. } => pending.clear(),
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    // `<script>`, `<style>` and `<textarea>` hold text, not tags.
    emitter.naively_switch_states(true);
    let _ = Tokenizer::new_with_emitter(html, emitter).finish();
    scan
}

fn collect(tag: &[u8], attribute: Pending, scan: &mut Scan) {
    if attribute.name == b"id" || (tag == b"a" && attribute.name == b"name") {
        scan.ids.push(attribute.value);
        return;
    }
    let Some((image, srcset)) = url_attribute(tag, &attribute.name) else {
        return;
    };
    let pieces = if srcset {
        srcset_urls(&attribute.value)
    } else {
        trimmed(&attribute.value, 0..attribute.value.len())
            .into_iter()
            .collect()
    };
    // Offsets into the value are offsets into the source only when the
    // value is written as it reads (no entities).
    let verbatim = attribute.span.len() == attribute.value.len();
    let urls = pieces
        .into_iter()
        .map(|in_value| Url {
            span: if verbatim {
                (attribute.span.start + in_value.start)..(attribute.span.start + in_value.end)
            } else {
                attribute.span.clone()
            },
            in_value,
        })
        .collect();
    scan.attributes.push(UrlAttribute {
        value: attribute.value,
        span: attribute.span,
        image,
        urls,
    });
}

/// `range` of `text` without the HTML whitespace around it, if anything is left.
fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let piece = text.get(range.clone())?;
    let start = range.start + (piece.len() - piece.trim_start_matches(is_space).len());
    let end = range.start + piece.trim_end_matches(is_space).len();
    (start < end).then_some(start..end)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// The URLs of a `srcset` list: comma-separated candidates, each a URL and
/// an optional descriptor (`2x`, `640w`).
fn srcset_urls(value: &str) -> Vec<Range<usize>> {
    let mut urls = Vec::new();
    let mut start = 0;
    for piece in value.split(',') {
        let end = start + piece.len();
        if let Some(candidate) = trimmed(value, start..end) {
            let text = value.get(candidate.clone()).unwrap_or_default();
            let url_len = text.find(is_space).unwrap_or(text.len());
            urls.push(candidate.start..candidate.start + url_len);
        }
        start = end + 1;
    }
    urls
}

/// Attributes whose value is a list of ids (`aria-labelledby="a b"`).
fn is_id_list(attribute: &[u8]) -> bool {
    matches!(
        attribute,
        b"for"
            | b"headers"
            | b"list"
            | b"form"
            | b"popovertarget"
            | b"aria-labelledby"
            | b"aria-describedby"
            | b"aria-controls"
            | b"aria-owns"
            | b"aria-activedescendant"
            | b"aria-details"
            | b"aria-errormessage"
            | b"aria-flowto"
    )
}

/// A piece of `html` that may need rewriting, found by [`namespace`]'s
/// first pass.
enum Piece {
    /// An attribute value of a start tag, decoded.
    Attribute {
        tag: Vec<u8>,
        name: Vec<u8>,
        value: String,
    },
    /// The text of a `<style>` element.
    Style(String),
}

/// `html` (one page's part of a document holding many) with its ids made
/// unique in that document: every `id` becomes `{prefix}{id}`, and every
/// reference to one of them follows — `#id` links, id lists
/// (`aria-labelledby`, `for`), `url(#id)` in attributes and `#id` in a
/// `<style>` (a drawn diagram's markers and rules). Every other link or
/// media URL is handed to `relink`, which returns its new value (or `None`
/// to keep it). Only the changed attribute values are rewritten; the rest
/// of `html` stays byte for byte.
pub fn namespace(html: &str, prefix: &str, relink: &dyn Fn(&str) -> Option<String>) -> String {
    renamed_ids(html, prefix, &|_| true, relink)
}

/// A drawn diagram (`svg`, whose root has the id `root`) with every id that
/// does not already start with `root` prefixed with it, and the references
/// to them following: a diagram names some of its parts `actor0` or
/// `root-1`, which clash with the same parts of the next diagram (or of the
/// other scheme's drawing) on the page.
pub fn own_ids(svg: &str, root: &str) -> String {
    renamed_ids(
        svg,
        &format!("{root}-"),
        &|id| !id.starts_with(root),
        &|_| None,
    )
}

/// [`namespace`], renaming only the ids `rename` picks.
fn renamed_ids(
    html: &str,
    prefix: &str,
    rename: &dyn Fn(&str) -> bool,
    relink: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut pieces: Vec<(Range<usize>, Piece)> = Vec::new();
    {
        let mut tag: Vec<u8> = Vec::new();
        let mut name: Vec<u8> = Vec::new();
        let mut in_style = false;
        let mut pending: Vec<(Range<usize>, Piece)> = Vec::new();
        let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
            match event {
                CallbackEvent::OpenStartTag { name: n } => {
                    tag = n.to_ascii_lowercase();
                    pending.clear();
                }
                CallbackEvent::AttributeName { name: n } => name = n.to_ascii_lowercase(),
                CallbackEvent::AttributeValue { value } => pending.push((
                    span.start..span.end,
                    Piece::Attribute {
                        tag: tag.clone(),
                        name: name.clone(),
                        value: String::from_utf8_lossy(value).into_owned(),
                    },
                )),
                CallbackEvent::CloseStartTag { .. } => {
                    in_style = tag == b"style";
                    for (span, piece) in pending.drain(..) {
                        if let Piece::Attribute { name, value, .. } = &piece
                            && name == b"id"
                            && rename(value)
                        {
                            ids.insert(value.clone());
                        }
                        pieces.push((span, piece));
                    }
                }
                CallbackEvent::EndTag { .. } => {
                    pending.clear();
                    in_style = false;
                }
                CallbackEvent::String { value } if in_style => pieces.push((
                    span.start..span.end,
                    Piece::Style(String::from_utf8_lossy(value).into_owned()),
                )),
                _ => {}
            }
            None::<std::convert::Infallible>
        });
        emitter.naively_switch_states(true);
        let _ = Tokenizer::new_with_emitter(html, emitter).finish();
    }
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut at = 0;
    for (span, piece) in pieces {
        let replacement = match piece {
            Piece::Style(css) => with_id_references(&css, prefix, &ids).map(|css| (css, false)),
            Piece::Attribute { tag, name, value } => {
                renamed(&tag, &name, &value, prefix, &ids, relink).map(|v| (v, true))
            }
        };
        let (Some((text, escape)), Some(before)) = (replacement, html.get(at..span.start)) else {
            continue;
        };
        out.push_str(before);
        if escape {
            escape_attribute(&mut out, &text);
        } else {
            out.push_str(&text);
        }
        at = span.end;
    }
    out.push_str(html.get(at..).unwrap_or_default());
    out
}

/// The new value of an attribute for [`namespace`], if it changes.
fn renamed(
    tag: &[u8],
    name: &[u8],
    value: &str,
    prefix: &str,
    ids: &std::collections::HashSet<String>,
    relink: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    if name == b"id" {
        return ids.contains(value).then(|| format!("{prefix}{value}"));
    }
    if is_id_list(name) {
        let mut changed = false;
        let list: Vec<String> = value
            .split(is_space)
            .filter(|t| !t.is_empty())
            .map(|t| {
                if ids.contains(t) {
                    changed = true;
                    format!("{prefix}{t}")
                } else {
                    t.to_string()
                }
            })
            .collect();
        return changed.then(|| list.join(" "));
    }
    let is_href = matches!(name, b"href" | b"xlink:href");
    if is_href && let Some(id) = value.trim().strip_prefix('#') {
        let decoded = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
        return ids
            .contains(decoded.as_ref())
            .then(|| format!("#{prefix}{decoded}"));
    }
    if is_href || url_attribute(tag, name).is_some() {
        let srcset = name == b"srcset";
        let pieces = if srcset {
            srcset_urls(value)
        } else {
            trimmed(value, 0..value.len()).into_iter().collect()
        };
        let mut new = String::with_capacity(value.len());
        let mut at = 0;
        let mut changed = false;
        for piece in pieces {
            let url = value.get(piece.clone()).unwrap_or_default();
            if let Some(to) = relink(url) {
                new.push_str(value.get(at..piece.start).unwrap_or_default());
                new.push_str(&to);
                at = piece.end;
                changed = true;
            }
        }
        new.push_str(value.get(at..).unwrap_or_default());
        return changed.then_some(new);
    }
    if value.contains("url(") {
        return with_id_references(value, prefix, ids);
    }
    None
}

/// `css` with each `#id` that names one of `ids` prefixed, if any does.
fn with_id_references(
    css: &str,
    prefix: &str,
    ids: &std::collections::HashSet<String>,
) -> Option<String> {
    let is_name = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_') || !c.is_ascii();
    let mut out = String::with_capacity(css.len());
    let mut at = 0;
    let mut changed = false;
    for (hash, _) in css.match_indices('#') {
        if hash < at {
            continue;
        }
        let rest = css.get(hash + 1..).unwrap_or_default();
        let len = rest.find(|c: char| !is_name(c)).unwrap_or(rest.len());
        let id = rest.get(..len).unwrap_or_default();
        if len > 0 && ids.contains(id) {
            out.push_str(css.get(at..=hash).unwrap_or_default());
            out.push_str(prefix);
            out.push_str(id);
            at = hash + 1 + len;
            changed = true;
        }
    }
    out.push_str(css.get(at..).unwrap_or_default());
    changed.then_some(out)
}

/// Appends `text` escaped for any attribute value, quoted either way or not.
fn escape_attribute(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// `html` with `width` and `height` added to each `<img>` that has neither,
/// from `size` (given the `src` as written; `None` leaves the image alone),
/// so the page keeps its layout while images load.
pub fn sized_images(html: &str, size: &dyn Fn(&str) -> Option<(u32, u32)>) -> String {
    // (where to insert, the src), for each image without a size.
    let mut found: Vec<(usize, String)> = Vec::new();
    {
        let mut tag: Vec<u8> = Vec::new();
        let mut name: Vec<u8> = Vec::new();
        let mut src: Option<(usize, String)> = None;
        let mut sized = false;
        let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
            match event {
                CallbackEvent::OpenStartTag { name: n } => {
                    tag = n.to_ascii_lowercase();
                    src = None;
                    sized = false;
                }
                CallbackEvent::AttributeName { name: n } => {
                    name = n.to_ascii_lowercase();
                    sized |= tag == b"img" && matches!(name.as_slice(), b"width" | b"height");
                }
                CallbackEvent::AttributeValue { value } if tag == b"img" && name == b"src" => {
                    // After the value's closing quote, if it has one.
                    let quoted = matches!(html.as_bytes().get(span.end), Some(b'"' | b'\''));
                    let at = span.end + usize::from(quoted);
                    src = Some((at, String::from_utf8_lossy(value).into_owned()));
                }
                CallbackEvent::CloseStartTag { .. } if tag == b"img" && !sized => {
                    found.extend(src.take());
                }
                _ => {}
            }
            None::<std::convert::Infallible>
        });
        emitter.naively_switch_states(true);
        let _ = Tokenizer::new_with_emitter(html, emitter).finish();
    }
    let mut out = String::with_capacity(html.len() + found.len() * 32);
    let mut at = 0;
    for (insert, src) in found {
        let (Some((width, height)), Some(before)) = (size(&src), html.get(at..insert)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
        at = insert;
    }
    out.push_str(html.get(at..).unwrap_or_default());
    out
}

/// The size an SVG file draws at: its root's `width` and `height` (in
/// pixels, or without a unit), else its `viewBox`.
pub fn svg_size(svg: &str) -> Option<(u32, u32)> {
    let mut name: Vec<u8> = Vec::new();
    let mut in_svg = false;
    let mut done = false;
    let (mut width, mut height, mut view_box) = (None, None, None);
    let emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: Span<usize>| {
        if done {
            return None::<std::convert::Infallible>;
        }
        match event {
            CallbackEvent::OpenStartTag { name: n } => in_svg = n.eq_ignore_ascii_case(b"svg"),
            CallbackEvent::AttributeName { name: n } => name = n.to_ascii_lowercase(),
            CallbackEvent::AttributeValue { value } if in_svg => {
                let value = String::from_utf8_lossy(value).into_owned();
                match name.as_slice() {
                    b"width" => width = pixels(&value),
                    b"height" => height = pixels(&value),
                    b"viewbox" => view_box = Some(value),
                    _ => {}
                }
            }
            CallbackEvent::CloseStartTag { .. } if in_svg => done = true,
            _ => {}
        }
        None
    });
    let _ = Tokenizer::new_with_emitter(svg, emitter).finish();
    if let (Some(w), Some(h)) = (width, height) {
        return Some((w, h));
    }
    let numbers: Vec<f64> = view_box?
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|n| !n.is_empty())
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers.as_slice() {
        [_, _, w, h] => Some((to_pixels(*w)?, to_pixels(*h)?)),
        _ => None,
    }
}

/// A length in CSS pixels, when it is one (`120`, `120px`, `12.5`).
fn pixels(value: &str) -> Option<u32> {
    let number = value.trim().strip_suffix("px").unwrap_or(value.trim());
    to_pixels(number.parse().ok()?)
}

fn to_pixels(n: f64) -> Option<u32> {
    // Whole pixels between 1 and a size no image has.
    (n.is_finite() && (0.5..100_000.0).contains(&n)).then(|| n.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(html: &str) -> Vec<(String, &str, bool)> {
        let mut found = Vec::new();
        for a in scan(html).attributes {
            for u in &a.urls {
                found.push((a.text(u).to_string(), &html[u.span.clone()], a.image));
            }
        }
        found
    }

    #[test]
    fn finds_urls_in_link_and_media_attributes() {
        let html = r#"<p><a href="../runbooks/db.md#fail-over" title="x">db</a>
<img alt="map" src='img/map.png'><video poster=img/poster.jpg src="clip.mp4"></video>
<picture><source srcset="img/a.png 1x, img/b.png 2x"><img srcset="c.png"></picture>"#;
        assert_eq!(
            urls(html),
            vec![
                (
                    "../runbooks/db.md#fail-over".into(),
                    "../runbooks/db.md#fail-over",
                    false
                ),
                ("img/map.png".into(), "img/map.png", true),
                ("img/poster.jpg".into(), "img/poster.jpg", true),
                ("clip.mp4".into(), "clip.mp4", true),
                ("img/a.png".into(), "img/a.png", true),
                ("img/b.png".into(), "img/b.png", true),
                ("c.png".into(), "c.png", true),
            ]
        );
    }

    #[test]
    fn entities_are_decoded_and_the_whole_value_is_the_span() {
        let html = r#"<a HREF="a.md?x=1&amp;y=2">"#;
        assert_eq!(
            urls(html),
            vec![("a.md?x=1&y=2".into(), "a.md?x=1&amp;y=2", false)]
        );
    }

    #[test]
    fn ids_names_and_what_is_not_a_tag() {
        let html = r#"<a name="legacy"></a><div id="top"><script>let s = "<a href='x.md'>";</script>
</a href="end-tag.md"><!-- <a href="comment.md"> --><span name="not-an-anchor">"#;
        let scan = scan(html);
        assert_eq!(scan.ids, vec!["legacy", "top"]);
        assert!(scan.attributes.is_empty(), "{:?}", scan.attributes);
    }

    #[test]
    fn broken_html_is_read_as_a_browser_reads_it() {
        for html in [
            "<a href=",
            "<a href=\"x.md",
            "<img src=\"\" srcset=\" , ,\">",
            "<",
            "</",
        ] {
            let _ = scan(html);
        }
        assert_eq!(urls("<a href=x.md>"), vec![("x.md".into(), "x.md", false)]);
    }

    #[test]
    fn namespace_renames_ids_and_everything_that_points_at_them() {
        let html = r##"<h2 id="steps">Steps<a class="anchor" href="#steps">#</a></h2>
<label for=q>Q</label><input id=q aria-describedby="steps hint">
<svg id="d"><style>#d .node{fill:#ECECFF}#d-m{stroke:#d}</style><marker id="d-m"/><path marker-end="url(#d-m)" fill='#fff'/><use href="#d-m"/></svg>
<a href="#elsewhere">x</a><a href="../other/#steps">y</a><img srcset="a.png 1x, b.png 2x" src="a.png">"##;
        let relinked = namespace(html, "p-x--", &|url| Some(format!("[{url}]")));
        assert_eq!(
            relinked,
            r##"<h2 id="p-x--steps">Steps<a class="anchor" href="#p-x--steps">#</a></h2>
<label for=p-x--q>Q</label><input id=p-x--q aria-describedby="p-x--steps hint">
<svg id="p-x--d"><style>#p-x--d .node{fill:#ECECFF}#p-x--d-m{stroke:#p-x--d}</style><marker id="p-x--d-m"/><path marker-end="url(#p-x--d-m)" fill='#fff'/><use href="#p-x--d-m"/></svg>
<a href="#elsewhere">x</a><a href="[../other/#steps]">y</a><img srcset="[a.png] 1x, [b.png] 2x" src="[a.png]">"##
        );
    }

    #[test]
    fn namespace_escapes_what_it_writes_and_keeps_the_rest_byte_for_byte() {
        let html = "<p id='it&#39;s' title=\"a &amp; b\">x &amp; y</p><a href=\"k.md\">k</a>";
        assert_eq!(
            namespace(html, "p-", &|_| Some("a\"b".into())),
            "<p id='p-it&#39;s' title=\"a &amp; b\">x &amp; y</p><a href=\"a&quot;b\">k</a>"
        );
        assert_eq!(namespace(html, "p-", &|_| None).len(), html.len() + 2);
    }

    #[test]
    fn own_ids_prefixes_only_the_parts_a_diagram_left_unprefixed() {
        let svg = r##"<svg id="diagram-1-light"><g id="actor0"></g><marker id="diagram-1-light-arrow"/><use href="#actor0"/><path marker-end="url(#diagram-1-light-arrow)"/></svg>"##;
        assert_eq!(
            own_ids(svg, "diagram-1-light"),
            r##"<svg id="diagram-1-light"><g id="diagram-1-light-actor0"></g><marker id="diagram-1-light-arrow"/><use href="#diagram-1-light-actor0"/><path marker-end="url(#diagram-1-light-arrow)"/></svg>"##
        );
    }

    #[test]
    fn images_without_a_size_get_one() {
        let html = r#"<p><img src="a.png" alt="a" /> <img src='b.svg'><img src=c.png> <img width="5" src="a.png"><img src="none.png"></p>"#;
        let size = |src: &str| match src {
            "a.png" => Some((10, 20)),
            "b.svg" => Some((3, 4)),
            "c.png" => Some((7, 8)),
            _ => None,
        };
        assert_eq!(
            sized_images(html, &size),
            r#"<p><img src="a.png" width="10" height="20" alt="a" /> <img src='b.svg' width="3" height="4"><img src=c.png width="7" height="8"> <img width="5" src="a.png"><img src="none.png"></p>"#
        );
    }

    #[test]
    fn an_svg_draws_at_its_size_or_its_view_box() {
        assert_eq!(
            svg_size(r#"<svg width="380px" height="145" viewBox="0 0 1 1">"#),
            Some((380, 145))
        );
        assert_eq!(
            svg_size(
                r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 380.4 145">"#
            ),
            Some((380, 145))
        );
        assert_eq!(
            svg_size(r#"<svg width="50%" viewBox="0,0,20,10"><svg width="1" height="1">"#),
            Some((20, 10))
        );
        assert_eq!(svg_size(r#"<svg width="10em" height="3em">"#), None);
        assert_eq!(svg_size("not an svg"), None);
    }
}
