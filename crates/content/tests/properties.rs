use abide_content::{plain_text, render_markdown, slugify};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text renders without panicking, raw HTML never passes through, and
    /// every citation span is inside the source on character boundaries.
    #[test]
    fn rendering_never_panics_and_never_passes_html(source in ".{0,400}") {
        let r = render_markdown(&source, 0);
        prop_assert!(!r.html.contains("<script"));
        for c in &r.citations {
            prop_assert!(source.is_char_boundary(c.span.start) && source.is_char_boundary(c.span.end));
            prop_assert_eq!(&source[c.span.clone()], c.text.as_str());
        }
        let _ = plain_text(&source);
    }

    /// Slugs are stable: a slug slugifies to itself.
    #[test]
    fn slugs_are_fixed_points(text in ".{0,80}") {
        let slug = slugify(&text);
        prop_assert_eq!(slugify(&slug), slug.clone());
        prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    }
}
