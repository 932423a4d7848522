//! The addresses of a site that checked content may link to.

use std::collections::HashSet;

use abide_scripture::parse_osis;

use crate::model::Journey;

/// `link` resolved against the page address `base`, as a browser does
/// (`../other` from `/journeys/a/b` is `/journeys/other`), without query and
/// fragment.
pub fn resolve(base: &str, link: &str) -> String {
    if link.starts_with('/') {
        return link.to_owned();
    }
    let mut segments: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    segments.pop(); // the page itself
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    format!("/{}", segments.join("/"))
}

/// The addresses of the site that the checked content may link to.
#[derive(Debug, Clone, Default)]
pub struct SitePaths {
    pages: HashSet<String>,
}

/// Pages every site has (the routes of `abide_web::router` that a reader
/// can open).
pub const FIXED_PAGES: &[&str] = &[
    "/",
    "/journeys",
    "/tags",
    "/bible",
    "/search",
    "/subscribe",
    "/today",
    "/journal",
    "/preferences",
    "/account",
    "/sign-in",
    "/sign-up",
    "/reset",
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/sitemap.xml",
    "/robots.txt",
    "/opensearch.xml",
];

impl SitePaths {
    /// The fixed pages, and every page of `journeys`.
    pub fn of<'j>(journeys: impl Iterator<Item = &'j Journey>) -> Self {
        let mut pages: HashSet<String> = FIXED_PAGES.iter().map(|&p| p.to_owned()).collect();
        for j in journeys {
            pages.insert(format!("/journeys/{}", j.slug));
            pages.insert(format!("/journeys/{}/progress", j.slug));
            for tag in &j.tags {
                pages.insert(format!("/tags/{}", tag.slug));
            }
            for author in &j.authors {
                pages.insert(format!("/authors/{}", author.slug));
            }
            for e in &j.entries {
                pages.insert(format!("/journeys/{}/{}", j.slug, e.slug));
                for tag in &e.tags {
                    pages.insert(format!("/tags/{}", tag.slug));
                }
            }
        }
        Self { pages }
    }

    /// Adds a page (a path from the site's root).
    pub fn add(&mut self, path: String) {
        self.pages.insert(path);
    }

    /// Whether `path` (a path from the root, maybe with a query or a
    /// fragment) is a page of the site or a file it serves.
    pub fn exists(&self, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let trimmed = match path.trim_end_matches('/') {
            "" => "/",
            p => p,
        };
        if self.pages.contains(trimmed) {
            return true;
        }
        if let Some(osis) = trimmed.strip_prefix("/bible/") {
            return parse_osis(osis).is_ok_and(|r| !r.is_empty());
        }
        // Files: the theme's and uploaded ones are not known here.
        trimmed.starts_with("/static/") || trimmed.starts_with("/media/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_like_a_browser() {
        assert_eq!(resolve("/journeys/a/b", "c"), "/journeys/a/c");
        assert_eq!(resolve("/journeys/a/b", "../x"), "/journeys/x");
        assert_eq!(resolve("/journeys/a/b", "./c/d"), "/journeys/a/c/d");
        assert_eq!(resolve("/journeys/a/b", "/tags"), "/tags");
    }

    #[test]
    fn site_paths_know_fixed_pages_and_passages() {
        let site = SitePaths::of(std::iter::empty());
        assert!(site.exists("/") && site.exists("/journeys/") && site.exists("/tags?x=1"));
        assert!(site.exists("/bible/Ps.46.10") && !site.exists("/bible/Ps.152"));
        assert!(!site.exists("/journeys/nowhere"));
    }
}
