use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::Environment;
use rust_embed::RustEmbed;

/// The default theme's templates, compiled into the binary.
#[derive(RustEmbed)]
#[folder = "theme/templates/"]
struct DefaultTemplates;

/// The default theme's static files (CSS, scripts, icons), compiled into the
/// binary.
#[derive(RustEmbed)]
#[folder = "theme/static/"]
struct DefaultAssets;

/// Errors loading a theme.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ThemeError {
    /// A file of the theme folder could not be read.
    #[error("theme folder {path}: {source}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A template does not parse.
    #[error("template {name}: {source}")]
    Template {
        /// The template's name.
        name: String,
        /// The template error, with its line.
        #[source]
        source: minijinja::Error,
    },
}

/// One static file, ready to serve.
#[derive(Debug)]
pub(crate) struct Asset {
    pub(crate) bytes: Vec<u8>,
    pub(crate) content_type: &'static str,
    /// A fingerprint of the content, part of the asset's URL.
    pub(crate) hash: String,
}

/// The templates and static files the site is rendered with: the default theme,
/// with any file of the same name in the operator's theme folder taking its
/// place (`templates/NAME.html`, `static/NAME`). Overrides are read at start-up.
#[derive(Clone)]
pub struct Theme {
    env: Arc<Environment<'static>>,
    assets: Arc<Assets>,
}

#[derive(Debug, Default)]
pub(crate) struct Assets {
    by_name: HashMap<String, Asset>,
}

impl Assets {
    fn load(theme_dir: Option<&Path>) -> Result<Self, ThemeError> {
        let mut by_name = HashMap::new();
        for name in DefaultAssets::iter() {
            if let Some(file) = DefaultAssets::get(&name) {
                by_name.insert(name.to_string(), asset(&name, file.data.into_owned()));
            }
        }
        if let Some(dir) = theme_dir.map(|d| d.join("static")).filter(|d| d.is_dir()) {
            for (name, bytes) in read_tree(&dir)? {
                by_name.insert(name.clone(), asset(&name, bytes));
            }
        }
        Ok(Self { by_name })
    }

    /// The URL of asset `name`, with its fingerprint: `/static/abide.1a2b3c4d5e.css`.
    pub(crate) fn url(&self, name: &str) -> Option<String> {
        let asset = self.by_name.get(name)?;
        Some(match name.rsplit_once('.') {
            Some((stem, ext)) => format!("/static/{stem}.{}.{ext}", asset.hash),
            None => format!("/static/{name}.{}", asset.hash),
        })
    }

    /// Finds the asset for a path under `/static/`. Returns it and whether the
    /// path carried the current fingerprint (and so may be cached for ever).
    pub(crate) fn lookup(&self, path: &str) -> Option<(&Asset, bool)> {
        if let Some(asset) = self.by_name.get(path) {
            return Some((asset, false));
        }
        // name.HASH.ext or name.HASH
        let (stem, ext) = match path.rsplit_once('.') {
            Some((rest, ext)) if rest.contains('.') => (rest, Some(ext)),
            _ => (path, None),
        };
        let (stem, hash) = stem.rsplit_once('.')?;
        let name = match ext {
            Some(ext) => format!("{stem}.{ext}"),
            None => stem.to_owned(),
        };
        self.by_name
            .get(&name)
            .filter(|asset| asset.hash == hash)
            .map(|asset| (asset, true))
    }
}

fn asset(name: &str, bytes: Vec<u8>) -> Asset {
    Asset {
        content_type: content_type(name),
        hash: abide_content::Fingerprint::of(&bytes).short_hex(),
        bytes,
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Every file under `dir`, as (path relative to `dir` with `/`, contents).
fn read_tree(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, ThemeError> {
    let err = |path: &Path| {
        let path = path.to_owned();
        move |source| ThemeError::Read { path, source }
    };
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).map_err(err(&folder))? {
            let path = entry.map_err(err(&folder))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                let name = rel.to_string_lossy().replace('\\', "/");
                out.push((name, std::fs::read(&path).map_err(err(&path))?));
            }
        }
    }
    Ok(out)
}

impl Theme {
    /// The default theme, with overrides from `theme_dir` when given. Every
    /// template is parsed now, so a broken override stops the start, not a
    /// request.
    pub fn load(theme_dir: Option<&Path>) -> Result<Self, ThemeError> {
        let assets = Arc::new(Assets::load(theme_dir)?);
        let mut templates: HashMap<String, String> = HashMap::new();
        for name in DefaultTemplates::iter() {
            if let Some(file) = DefaultTemplates::get(&name) {
                templates.insert(
                    name.to_string(),
                    String::from_utf8_lossy(&file.data).into_owned(),
                );
            }
        }
        if let Some(dir) = theme_dir
            .map(|d| d.join("templates"))
            .filter(|d| d.is_dir())
        {
            for (name, bytes) in read_tree(&dir)? {
                let text = String::from_utf8(bytes).map_err(|e| ThemeError::Read {
                    path: dir.join(&name),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                })?;
                templates.insert(name, text);
            }
        }

        let mut env = Environment::new();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .map_err(|source| ThemeError::Template {
                    name: "(syntax)".into(),
                    source,
                })?,
        );
        let names: Vec<String> = templates.keys().cloned().collect();
        for (name, source) in templates {
            env.add_template_owned(name.clone(), source)
                .map_err(|source| ThemeError::Template { name, source })?;
        }
        let for_templates = Arc::clone(&assets);
        // Marked safe: the URL is built from file names of the theme and a hex
        // fingerprint, and escaping would turn its slashes into entities.
        env.add_function(
            "asset",
            move |name: &str| -> Result<minijinja::Value, minijinja::Error> {
                let url = for_templates.url(name).ok_or_else(|| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("no static file named {name:?} in the theme"),
                    )
                })?;
                Ok(minijinja::Value::from_safe_string(url))
            },
        );
        // Escape what HTML needs escaped, but leave `/` alone: MiniJinja's default
        // writes it as `&#x2f;`, which is valid but makes every URL unreadable.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text)
                if !value.is_safe() && *state.auto_escape() == minijinja::AutoEscape::Html =>
            {
                out.write_str(&crate::filters::escape_html(text))
                    .map_err(|e| {
                        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
                    })
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.add_filter("date", crate::filters::date);
        env.add_filter("truncate", crate::filters::truncate);
        env.add_filter("shortdate", crate::filters::shortdate);
        env.add_filter("datetime", crate::filters::datetime);
        env.add_filter("isodate", crate::filters::isodate);
        env.add_filter("rfc2822", crate::filters::rfc2822);
        env.add_filter("writing", crate::filters::writing);
        env.add_filter("day", crate::filters::day);
        // Parse every template now (includes and blocks resolve at render time).
        for name in names {
            env.get_template(&name)
                .map_err(|source| ThemeError::Template { name, source })?;
        }
        Ok(Self {
            env: Arc::new(env),
            assets,
        })
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }

    /// The names of all templates, for tests that render each one.
    pub fn template_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.env.templates().map(|(n, _)| n.to_owned()).collect();
        names.sort();
        names
    }

    pub(crate) fn assets(&self) -> &Assets {
        &self.assets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprinted_urls_resolve_to_their_asset() {
        let theme = Theme::load(None).unwrap();
        let url = theme.assets().url("abide.css").unwrap();
        let path = url.strip_prefix("/static/").unwrap();
        assert!(
            path.starts_with("abide.") && path.ends_with(".css"),
            "{url}"
        );
        let (asset, immutable) = theme.assets().lookup(path).unwrap();
        assert!(immutable);
        assert_eq!(asset.content_type, "text/css; charset=utf-8");
        // The plain name works too, but is not immutable; a stale hash does not.
        assert!(!theme.assets().lookup("abide.css").unwrap().1);
        assert!(theme.assets().lookup("abide.0000000000.css").is_none());
        assert!(theme.assets().lookup("nothing.css").is_none());
    }

    #[test]
    fn a_theme_folder_overrides_templates_and_assets() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("templates/home.html"), "custom {{ 1 + 1 }}").unwrap();
        std::fs::write(dir.path().join("static/abide.css"), "body{color:red}").unwrap();
        let theme = Theme::load(Some(dir.path())).unwrap();
        assert_eq!(
            theme
                .render("home.html", minijinja::Value::UNDEFINED)
                .unwrap(),
            "custom 2"
        );
        let url = theme.assets().url("abide.css").unwrap();
        let (asset, _) = theme
            .assets()
            .lookup(url.strip_prefix("/static/").unwrap())
            .unwrap();
        assert_eq!(asset.bytes, b"body{color:red}");
    }

    #[test]
    fn a_broken_override_is_reported_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/home.html"), "{% if %}").unwrap();
        let err = Theme::load(Some(dir.path())).err().unwrap().to_string();
        assert!(err.starts_with("template home.html: "), "{err}");
    }
}
