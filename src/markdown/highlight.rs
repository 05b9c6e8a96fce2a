//! Syntax highlighting of fenced code blocks with syntect and bat's grammar set
//! (`two-face`), emitted as CSS classes so one stylesheet serves light and dark.
//!
//! The grammar set takes tens of milliseconds to load, so it is loaded on the
//! first code block (or by [`Highlighter::warm_up`]) and shared by all threads.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights code; cheap to create, loads grammars on first use.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Highlighter")
            .field("loaded", &self.syntaxes.get().is_some())
            .finish()
    }
}

impl Highlighter {
    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(two_face::syntax::extra_newlines)
    }

    /// Loads the grammars now (e.g. on another thread while files are read).
    pub fn warm_up(&self) {
        self.syntaxes();
    }

    /// Highlighted `<pre>` block, or `None` when `lang` is not a known grammar.
    pub fn highlight(&self, code: &str, lang: &str) -> Option<String> {
        let spans = self.highlight_spans(code, lang)?;
        let lang = super::escape(lang);
        Some(format!(
            "<pre class=\"code highlight\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{spans}</code></pre>\n"
        ))
    }

    /// The highlighted code alone (escaped text and `<span>`s), or `None`
    /// when `lang` is not a known grammar.
    pub fn highlight_spans(&self, code: &str, lang: &str) -> Option<String> {
        let syntaxes = self.syntaxes();
        let syntax = syntaxes
            .find_syntax_by_token(lang)
            .or_else(|| syntaxes.find_syntax_by_token(&lang.to_ascii_lowercase()))
            .or_else(|| alias(lang).and_then(|l| syntaxes.find_syntax_by_token(l)))?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, STYLE);
        for line in LinesWithEndings::from(code) {
            // An error here means a grammar bug; fall back to a plain block.
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

/// Names people write in fences that the grammar set knows under another token.
fn alias(lang: &str) -> Option<&'static str> {
    Some(match lang.to_ascii_lowercase().as_str() {
        "shell" | "console" | "shell-session" | "zsh" => "bash",
        "terraform" | "tf" => "hcl",
        "dockerfile" => "Dockerfile",
        "yml" => "yaml",
        "ts" => "typescript",
        "golang" => "go",
        "jsonc" | "json5" => "json",
        "py" => "python",
        _ => return None,
    })
}

/// The stylesheet for highlighted code: a light theme, and a dark theme applied
/// when the OS prefers dark (unless the reader chose light) or the reader chose dark.
/// The code background of the default theme, light and dark (`--code-bg`).
#[cfg(test)]
const LIGHT_CODE_BG: [u8; 3] = [0xf6, 0xf8, 0xfa];
#[cfg(test)]
const DARK_CODE_BG: [u8; 3] = [0x1c, 0x22, 0x29];
/// The background of a marked line (`--line-mark` in style.css), a little
/// further from the text than the code background: colours that read here
/// read on both.
const LIGHT_LINE_MARK: [u8; 3] = [0xe6, 0xee, 0xf8];
const DARK_LINE_MARK: [u8; 3] = [0x25, 0x30, 0x3c];

/// WCAG's contrast ratio between two sRGB colours.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let luminance = |c: [u8; 3]| {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// `color` moved toward `toward` until it reads on `background` at 4.5:1
/// (with a little margin for rounding).
fn readable_color(color: [u8; 3], background: [u8; 3], toward: [u8; 3]) -> [u8; 3] {
    let mut c = color;
    for step in 1..=50 {
        if contrast(c, background) >= 4.6 {
            break;
        }
        let t = f64::from(step) / 50.0;
        let mix = |i: usize| {
            let v = f64::from(color[i]) + (f64::from(toward[i]) - f64::from(color[i])) * t;
            // In 0..=255 by construction.
            v.round().clamp(0.0, 255.0) as u8
        };
        c = [mix(0), mix(1), mix(2)];
    }
    c
}

/// `css` with every `color: #rrggbb` made readable on `background`.
fn readable(css: &str, background: [u8; 3], toward: [u8; 3]) -> String {
    let mut out = String::with_capacity(css.len());
    for line in css.lines() {
        let trimmed = line.trim_start();
        let hex = trimmed
            .strip_prefix("color: #")
            .and_then(|rest| rest.get(..6))
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(rgb) => {
                let [_, r, g, b] = rgb.to_be_bytes();
                let [r, g, b] = readable_color([r, g, b], background, toward);
                let indent = line.strip_suffix(trimmed).unwrap_or_default();
                out.push_str(&format!("{indent}color: #{r:02x}{g:02x}{b:02x};"));
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

pub fn stylesheet() -> String {
    use two_face::theme::EmbeddedThemeName;
    let themes = two_face::theme::extra();
    let css = |name| {
        syntect::html::css_for_theme_with_class_style(themes.get(name), STYLE).unwrap_or_default()
    };
    // Each theme's colours are made to read on the page's code background
    // (`--code-bg` in style.css) and on a marked line at WCAG AA (4.5:1).
    let light = readable(&css(EmbeddedThemeName::Github), LIGHT_LINE_MARK, [0, 0, 0]);
    let dark = readable(
        &css(EmbeddedThemeName::OneHalfDark),
        DARK_LINE_MARK,
        [255, 255, 255],
    );
    // Every selector of a rule is scoped, not only the first of a list.
    let scoped = |prefix: &str, css: &str| -> String {
        css.lines()
            .map(|l| match l.split_once('{') {
                Some((selectors, rest)) if l.starts_with('.') => {
                    let selectors: Vec<String> = selectors
                        .split(',')
                        .map(|s| format!("{prefix} {}", s.trim()))
                        .collect();
                    format!("{} {{{rest}", selectors.join(", "))
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "/* Code highlighting (generated). */\n{light}\n\
         @media (prefers-color-scheme: dark) {{\n{}\n}}\n{}\n",
        scoped(":root:not([data-theme=light])", &dark),
        scoped(":root[data-theme=dark]", &dark),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_highlight_colour_reads_at_aa_on_the_code_background_and_a_marked_line() {
        let css = stylesheet();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .expect("a dark block");
        for (part, bg) in [
            (light, LIGHT_CODE_BG),
            (light, LIGHT_LINE_MARK),
            (dark, DARK_CODE_BG),
            (dark, DARK_LINE_MARK),
        ] {
            let mut seen = 0;
            for line in part.lines() {
                if let Some(hex) = line
                    .trim()
                    .strip_prefix("color: #")
                    .and_then(|h| h.get(..6))
                {
                    let [_, r, g, b] = u32::from_str_radix(hex, 16).expect("hex").to_be_bytes();
                    let ratio = contrast([r, g, b], bg);
                    assert!(ratio >= 4.5, "#{hex} is {ratio:.2}:1");
                    seen += 1;
                }
            }
            assert!(seen > 10, "{seen} colours");
        }
        // As the themes come, some colours do not (comments at 2.7:1).
        assert!(contrast([0x96, 0x98, 0x96], LIGHT_CODE_BG) < 3.0);
        assert!(
            contrast(
                readable_color([0x96, 0x98, 0x96], LIGHT_CODE_BG, [0, 0, 0]),
                LIGHT_CODE_BG
            ) >= 4.5
        );
    }

    #[test]
    fn highlights_languages_handbooks_use() {
        let h = Highlighter::default();
        for lang in [
            "bash",
            "sh",
            "yaml",
            "toml",
            "json",
            "hcl",
            "terraform",
            "Dockerfile",
            "sql",
            "python",
            "go",
            "rust",
            "typescript",
        ] {
            let html = h.highlight("x = 1\n", lang);
            assert!(html.as_deref().is_some_and(|s| s.contains("hl-")), "{lang}");
        }
    }

    #[test]
    fn unknown_language_is_none() {
        assert!(
            Highlighter::default()
                .highlight("x", "no-such-language")
                .is_none()
        );
    }

    #[test]
    fn every_dark_selector_is_scoped_to_the_dark_scheme() {
        let css = stylesheet();
        let (_, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .unwrap_or_default();
        let mut rules = 0;
        for line in dark.lines().filter(|l| l.starts_with(":root")) {
            let (selectors, _) = line.split_once('{').unwrap_or_default();
            for selector in selectors.split(',') {
                let selector = selector.trim();
                assert!(
                    selector.starts_with(":root:not([data-theme=light]) .")
                        || selector.starts_with(":root[data-theme=dark] ."),
                    "{selector} applies in the light scheme too"
                );
                rules += 1;
            }
        }
        assert!(rules > 20, "{rules}");
    }

    #[test]
    fn stylesheet_has_light_and_dark_rules() {
        let css = stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(":root[data-theme=dark] .hl-"));
    }
}
