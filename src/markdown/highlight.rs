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
        let lang = super::escape(lang);
        Some(format!(
            "<pre class=\"code highlight\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{}</code></pre>\n",
            generator.finalize()
        ))
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
pub fn stylesheet() -> String {
    use two_face::theme::EmbeddedThemeName;
    let themes = two_face::theme::extra();
    let css = |name| {
        syntect::html::css_for_theme_with_class_style(themes.get(name), STYLE).unwrap_or_default()
    };
    let light = css(EmbeddedThemeName::Github);
    let dark = css(EmbeddedThemeName::OneHalfDark);
    let scoped = |prefix: &str, css: &str| -> String {
        css.lines()
            .map(|l| {
                if l.starts_with('.') {
                    format!("{prefix} {l}")
                } else {
                    l.to_string()
                }
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
    fn stylesheet_has_light_and_dark_rules() {
        let css = stylesheet();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(":root[data-theme=dark] .hl-"));
    }
}
