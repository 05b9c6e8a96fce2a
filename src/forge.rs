//! Edit and history links: where a page's source can be edited and its
//! commits browsed on the forge that hosts the repository. Pure string work
//! from `repo_url`, `branch` and the page's path in the repository.

/// The forges whose URL patterns are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forge {
    GitHub,
    GitLab,
    /// Gitea, Forgejo and Codeberg share their URLs.
    Gitea,
    Bitbucket,
}

impl Forge {
    pub const NAMES: &'static [&'static str] =
        &["github", "gitlab", "gitea", "forgejo", "bitbucket"];

    pub fn parse(name: &str) -> Option<Forge> {
        match name.trim().to_ascii_lowercase().as_str() {
            "github" => Some(Forge::GitHub),
            "gitlab" => Some(Forge::GitLab),
            "gitea" | "forgejo" | "codeberg" => Some(Forge::Gitea),
            "bitbucket" => Some(Forge::Bitbucket),
            _ => None,
        }
    }

    /// The forge a repository URL's host names, if it is a known one.
    pub fn of_host(host: &str) -> Option<Forge> {
        let host = host.to_ascii_lowercase();
        if host == "github.com" || host.ends_with(".github.com") {
            Some(Forge::GitHub)
        } else if host == "gitlab.com" || host.starts_with("gitlab.") {
            Some(Forge::GitLab)
        } else if host == "codeberg.org"
            || host.starts_with("gitea.")
            || host.starts_with("forgejo.")
        {
            Some(Forge::Gitea)
        } else if host == "bitbucket.org" {
            Some(Forge::Bitbucket)
        } else {
            None
        }
    }

    /// (file, folder) view URL templates with `{repo}`, `{branch}` and `{path}`.
    fn view_patterns(self) -> (&'static str, &'static str) {
        match self {
            Forge::GitHub => ("{repo}/blob/{branch}/{path}", "{repo}/tree/{branch}/{path}"),
            Forge::GitLab => (
                "{repo}/-/blob/{branch}/{path}",
                "{repo}/-/tree/{branch}/{path}",
            ),
            Forge::Gitea => (
                "{repo}/src/branch/{branch}/{path}",
                "{repo}/src/branch/{branch}/{path}",
            ),
            Forge::Bitbucket => ("{repo}/src/{branch}/{path}", "{repo}/src/{branch}/{path}"),
        }
    }

    /// (edit, history) URL templates with `{repo}`, `{branch}` and `{path}`.
    fn patterns(self) -> (&'static str, &'static str) {
        match self {
            Forge::GitHub => (
                "{repo}/edit/{branch}/{path}",
                "{repo}/commits/{branch}/{path}",
            ),
            Forge::GitLab => (
                "{repo}/-/edit/{branch}/{path}",
                "{repo}/-/commits/{branch}/{path}",
            ),
            Forge::Gitea => (
                "{repo}/_edit/{branch}/{path}",
                "{repo}/commits/branch/{branch}/{path}",
            ),
            Forge::Bitbucket => (
                "{repo}/src/{branch}/{path}?mode=edit",
                "{repo}/history-node/{branch}/{path}",
            ),
        }
    }
}

/// What the links are made from.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub repo_url: Option<String>,
    pub branch: Option<String>,
    /// `[git] forge`, for a self-hosted forge whose host says nothing.
    pub forge: Option<Forge>,
    /// `[git] edit_url` / `history_url` templates, for other forges.
    pub edit_url: Option<String>,
    pub history_url: Option<String>,
}

/// A page's edit and history links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    pub edit: Option<String>,
    pub history: Option<String>,
}

/// `git@host:owner/repo.git`, `ssh://git@host/owner/repo`, `https://host/owner/repo.git/`
/// → `https://host/owner/repo`.
pub fn web_url(repo_url: &str) -> String {
    let url = repo_url.trim().trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    if let Some(rest) = url.strip_prefix("ssh://") {
        let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
        // A port after the host is for SSH, not the web.
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.split_once(':').map_or(host, |(h, _)| h);
        return format!("https://{host}/{path}");
    }
    if !url.contains("://")
        && let Some((user_host, path)) = url.split_once(':')
    {
        let host = user_host.split_once('@').map_or(user_host, |(_, h)| h);
        return format!("https://{host}/{path}");
    }
    url.to_string()
}

fn host(web: &str) -> &str {
    let rest = web.split_once("://").map_or(web, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// The repository's web URL and its forge, when `repo_url` is set.
fn repository(settings: &Settings) -> Option<(String, Option<Forge>)> {
    let repo = web_url(settings.repo_url.as_deref()?);
    let forge = settings.forge.or_else(|| Forge::of_host(host(&repo)));
    Some((repo, forge))
}

/// `template` filled in for the file at `path` (relative to the repository's root).
fn fill(template: &str, repo: &str, settings: &Settings, path: &str) -> String {
    let branch = settings.branch.as_deref().unwrap_or("main");
    let encoded: String = path
        .split('/')
        .map(|part| {
            percent_encoding::utf8_percent_encode(part, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2D", "-")
                .replace("%2E", ".")
                .replace("%5F", "_")
        })
        .collect::<Vec<_>>()
        .join("/");
    template
        .replace("{repo}", repo)
        .replace("{branch}", branch)
        .replace("{path}", &encoded)
}

/// The links of the file at `path` (relative to the repository's root).
pub fn links(settings: &Settings, path: &str) -> Links {
    let Some((repo, forge)) = repository(settings) else {
        return Links {
            edit: None,
            history: None,
        };
    };
    let (edit, history) = forge.map_or((None, None), |f| {
        let (e, h) = f.patterns();
        (Some(e), Some(h))
    });
    Links {
        edit: settings
            .edit_url
            .as_deref()
            .or(edit)
            .map(|t| fill(t, &repo, settings, path)),
        history: settings
            .history_url
            .as_deref()
            .or(history)
            .map(|t| fill(t, &repo, settings, path)),
    }
}

/// Where the forge shows the file or folder at `path` (relative to the
/// repository's root), when the forge is known.
pub fn view_url(settings: &Settings, path: &str, folder: bool) -> Option<String> {
    let (repo, forge) = repository(settings)?;
    let (file, tree) = forge?.view_patterns();
    let path = path.trim_end_matches('/');
    Some(fill(
        if folder { tree } else { file },
        &repo,
        settings,
        path,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(repo: &str) -> Settings {
        Settings {
            repo_url: Some(repo.into()),
            branch: Some("trunk".into()),
            ..Settings::default()
        }
    }

    #[test]
    fn each_forge_has_its_own_url_patterns() {
        let cases = [
            (
                "https://github.com/acme/handbook",
                "https://github.com/acme/handbook/edit/trunk/docs/On%20Call.md",
                "https://github.com/acme/handbook/commits/trunk/docs/On%20Call.md",
            ),
            (
                "https://gitlab.com/acme/handbook.git",
                "https://gitlab.com/acme/handbook/-/edit/trunk/docs/On%20Call.md",
                "https://gitlab.com/acme/handbook/-/commits/trunk/docs/On%20Call.md",
            ),
            (
                "https://codeberg.org/acme/handbook",
                "https://codeberg.org/acme/handbook/_edit/trunk/docs/On%20Call.md",
                "https://codeberg.org/acme/handbook/commits/branch/trunk/docs/On%20Call.md",
            ),
            (
                "https://bitbucket.org/acme/handbook",
                "https://bitbucket.org/acme/handbook/src/trunk/docs/On%20Call.md?mode=edit",
                "https://bitbucket.org/acme/handbook/history-node/trunk/docs/On%20Call.md",
            ),
        ];
        for (repo, edit, history) in cases {
            let links = links(&settings(repo), "docs/On Call.md");
            assert_eq!(links.edit.as_deref(), Some(edit), "{repo}");
            assert_eq!(links.history.as_deref(), Some(history), "{repo}");
        }
    }

    #[test]
    fn files_and_folders_have_view_urls_on_known_forges() {
        let s = settings("https://github.com/acme/handbook.git");
        assert_eq!(
            view_url(&s, "README.md", false).as_deref(),
            Some("https://github.com/acme/handbook/blob/trunk/README.md")
        );
        assert_eq!(
            view_url(&s, "docs/scripts/", true).as_deref(),
            Some("https://github.com/acme/handbook/tree/trunk/docs/scripts")
        );
        let gitlab = settings("git@gitlab.com:acme/handbook.git");
        assert_eq!(
            view_url(&gitlab, "a b.md", false).as_deref(),
            Some("https://gitlab.com/acme/handbook/-/blob/trunk/a%20b.md")
        );
        assert_eq!(
            view_url(&settings("https://git.example.org/x"), "a", false),
            None
        );
        assert_eq!(view_url(&Settings::default(), "a", false), None);
    }

    #[test]
    fn ssh_remotes_become_web_urls() {
        assert_eq!(
            web_url("git@github.com:acme/handbook.git"),
            "https://github.com/acme/handbook"
        );
        assert_eq!(
            web_url("ssh://git@gitlab.example.org:2222/ops/handbook.git"),
            "https://gitlab.example.org/ops/handbook"
        );
        assert_eq!(
            web_url("https://example.org/x/y/"),
            "https://example.org/x/y"
        );
    }

    #[test]
    fn self_hosted_forges_are_named_or_templated() {
        let mut s = settings("https://git.tidewater.example/harbor/handbook");
        assert_eq!(
            links(&s, "a.md").edit,
            None,
            "an unknown host gives no links"
        );
        s.forge = Forge::parse("gitlab");
        assert_eq!(
            links(&s, "a.md").edit.as_deref(),
            Some("https://git.tidewater.example/harbor/handbook/-/edit/trunk/a.md")
        );
        s.forge = None;
        s.edit_url = Some("https://review.example/{branch}/{path}?repo={repo}".into());
        assert_eq!(
            links(&s, "a b.md").edit.as_deref(),
            Some(
                "https://review.example/trunk/a%20b.md?repo=https://git.tidewater.example/harbor/handbook"
            )
        );
        assert_eq!(links(&Settings::default(), "a.md").edit, None);
    }
}
