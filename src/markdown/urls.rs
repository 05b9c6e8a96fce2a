//! What a URL is: one that leaves the site, and one a browser would run as script.

/// True for a URL a browser would run as script when followed or loaded:
/// `javascript:` and `vbscript:`, and `data:` except images (`image` says
/// whether it is an image's source). Schemes are matched as browsers read
/// them: ignoring case, leading spaces and control characters, and tabs
/// and newlines anywhere.
pub fn is_script_url(url: &str, image: bool) -> bool {
    let mut scheme = String::new();
    let mut closed = false;
    for c in url.trim_start_matches(|c: char| c <= ' ').chars() {
        match c {
            '\t' | '\n' | '\r' => continue,
            ':' => {
                closed = true;
                break;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return false,
        }
        if scheme.len() > 16 {
            return false;
        }
    }
    if !closed {
        return false;
    }
    match scheme.as_str() {
        "javascript" | "vbscript" => true,
        "data" => {
            let rest = url.split_once(':').map_or("", |(_, r)| r).trim_start();
            let is_image = rest
                .get(..6)
                .is_some_and(|t| t.eq_ignore_ascii_case("image/"));
            !(image && is_image)
        }
        _ => false,
    }
}

/// True for destinations that leave the site: a scheme (`https:`, `mailto:`) or `//host`.
#[allow(clippy::string_slice)] // `i` is where `find(':')` found an ASCII colon
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}
