//! Template filters for dates, durations and URLs.

use jiff::Timestamp;
use minijinja::{Error, ErrorKind};

fn zoned(ms: i64, tz: &str) -> Result<jiff::ZonedDateTime, Error> {
    let t = Timestamp::from_millisecond(ms).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("bad instant {ms}: {e}"),
        )
    })?;
    // An unknown zone falls back to UTC rather than breaking the page.
    Ok(t.in_tz(tz)
        .unwrap_or_else(|_| t.to_zoned_datetime(jiff::tz::TimeZone::UTC)))
}

/// `{{ ms|date(site.time_zone) }}`: "Monday, March 2, 2026".
pub(crate) fn date(ms: i64, tz: Option<&str>) -> Result<String, Error> {
    Ok(zoned(ms, tz.unwrap_or("UTC"))?
        .strftime("%A, %B %-d, %Y")
        .to_string())
}

/// `{{ ms|shortdate(site.time_zone) }}`: "Mar 2, 2026".
pub(crate) fn shortdate(ms: i64, tz: Option<&str>) -> Result<String, Error> {
    Ok(zoned(ms, tz.unwrap_or("UTC"))?
        .strftime("%b %-d, %Y")
        .to_string())
}

/// `{{ ms|isodate }}`: RFC 3339 in UTC, for machines (Atom, JSON-LD, sitemap,
/// `<time datetime>`).
pub(crate) fn isodate(ms: i64) -> Result<String, Error> {
    Ok(zoned(ms, "UTC")?.timestamp().to_string())
}

/// `{{ ms|rfc2822 }}`: the date format of RSS.
pub(crate) fn rfc2822(ms: i64) -> Result<String, Error> {
    jiff::fmt::rfc2822::to_string(&zoned(ms, "UTC")?)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

/// `{{ text|truncate(200) }}`: at most that many characters, cut at a word,
/// with an ellipsis when cut.
pub(crate) fn truncate(text: &str, length: Option<usize>) -> String {
    let length = length.unwrap_or(255);
    if text.chars().count() <= length {
        return text.to_owned();
    }
    let cut: String = text.chars().take(length).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > length / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub(crate) fn escape_html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_cuts_at_a_word() {
        assert_eq!(truncate("short", Some(10)), "short");
        assert_eq!(
            truncate("Be still, and know that I am God", Some(12)),
            "Be still…"
        );
    }

    #[test]
    fn dates_are_shown_in_the_site_zone() {
        let ms = "2026-03-02T04:30:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_millisecond();
        assert_eq!(date(ms, Some("UTC")).unwrap(), "Monday, March 2, 2026");
        assert_eq!(
            date(ms, Some("America/Chicago")).unwrap(),
            "Sunday, March 1, 2026"
        );
        assert_eq!(shortdate(ms, Some("Nowhere/Else")).unwrap(), "Mar 2, 2026");
        assert_eq!(isodate(ms).unwrap(), "2026-03-02T04:30:00Z");
        assert_eq!(rfc2822(ms).unwrap(), "Mon, 2 Mar 2026 04:30:00 +0000");
    }
}
