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
}
