//! Confinement: the one check every path written inside the output folder
//! goes through, and the names that paths are made of.
//!
//! A handbook is edited through pull requests, so anything that becomes an
//! output path (file and folder names, `slug`, `aliases`, people's handles)
//! may be hostile. [`output_file`] accepts only a relative, `/`-separated path
//! of plain segments; [`join`] re-checks the result against the folder it is
//! joined to. [`crate::content::slugify`] never makes a name this refuses.
//! Nothing here touches the file system.

use std::path::{Component, Path, PathBuf};

/// Why a path cannot be written inside the output folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    Empty,
    Absolute,
    /// A `.` or `..` segment (or an empty one, `a//b`).
    Dots,
    Backslash,
    Nul,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refused::Empty => "it is empty",
            Refused::Absolute => "it is an absolute path",
            Refused::Dots => "it has a `.`, `..` or empty segment",
            Refused::Backslash => "it has a backslash",
            Refused::Nul => "it has a NUL character",
        })
    }
}

/// Checks that `rel` names a file strictly inside the output folder: not
/// empty, not absolute, no `.`, `..` or empty segments, no backslash, no NUL.
pub fn output_file(rel: &str) -> Result<&str, Refused> {
    if rel.is_empty() {
        return Err(Refused::Empty);
    }
    if rel.contains('\0') {
        return Err(Refused::Nul);
    }
    if rel.contains('\\') {
        return Err(Refused::Backslash);
    }
    if rel.starts_with('/') {
        return Err(Refused::Absolute);
    }
    if rel.split('/').any(|s| matches!(s, "" | "." | "..")) {
        return Err(Refused::Dots);
    }
    // What the platform makes of it must be plain names too (a Windows
    // drive prefix such as `C:` is neither a dot nor a slash).
    if !Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(Refused::Absolute);
    }
    Ok(rel)
}

/// `folder/rel`, when `rel` passes [`output_file`] and the result is under
/// `folder`.
pub fn join(folder: &Path, rel: &str) -> std::io::Result<PathBuf> {
    let refused = |why: Refused| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("refusing to write `{}`: {why}", rel.escape_debug()),
        )
    };
    let path = folder.join(output_file(rel).map_err(refused)?);
    if !path.starts_with(folder) {
        return Err(refused(Refused::Absolute));
    }
    Ok(path)
}

/// The file an alias is written to: `/old/path/` → `old/path/index.html`,
/// `/legacy.html` → `legacy.html`; refused when that leaves the output.
pub fn alias_file(alias: &str) -> Result<String, Refused> {
    let trimmed = alias.trim_start_matches('/');
    let file = if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        trimmed.to_string()
    } else if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        format!("{trimmed}/index.html")
    };
    output_file(&file)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_way_out_of_the_output_folder() {
        for (rel, why) in [
            ("", Refused::Empty),
            ("/etc/passwd", Refused::Absolute),
            ("../x", Refused::Dots),
            ("a/../../x", Refused::Dots),
            ("a/./b", Refused::Dots),
            ("a//b", Refused::Dots),
            (".", Refused::Dots),
            ("..", Refused::Dots),
            ("a\\..\\b", Refused::Backslash),
            ("a\0b", Refused::Nul),
        ] {
            assert_eq!(output_file(rel), Err(why), "{rel:?}");
        }
        assert_eq!(output_file("a/b/index.html"), Ok("a/b/index.html"));
        assert_eq!(output_file(".handbook-output"), Ok(".handbook-output"));
        assert_eq!(output_file("a..b/x.y"), Ok("a..b/x.y"));
    }

    #[test]
    fn joins_stay_under_the_folder() -> std::io::Result<()> {
        let folder = Path::new("/tmp/out");
        assert_eq!(join(folder, "a/b.html")?, Path::new("/tmp/out/a/b.html"));
        assert!(join(folder, "../b.html").is_err());
        assert!(join(folder, "/b.html").is_err());
        Ok(())
    }

    #[test]
    fn alias_files() {
        assert_eq!(alias_file("/old/path/"), Ok("old/path/index.html".into()));
        assert_eq!(alias_file("old/path"), Ok("old/path/index.html".into()));
        assert_eq!(alias_file("/legacy.html"), Ok("legacy.html".into()));
        assert_eq!(alias_file("/"), Ok("index.html".into()));
        assert_eq!(alias_file("../../../x/"), Err(Refused::Dots));
        assert_eq!(alias_file("/a/../../x"), Err(Refused::Dots));
        assert_eq!(alias_file("a\\b"), Err(Refused::Backslash));
    }
}
