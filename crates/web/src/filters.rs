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

/// `{{ ms|datetime(member.time_zone) }}`: "Mar 2, 2026, 09:14".
pub(crate) fn datetime(ms: i64, tz: Option<&str>) -> Result<String, Error> {
    Ok(zoned(ms, tz.unwrap_or("UTC"))?
        .strftime("%b %-d, %Y, %H:%M")
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

/// `{{ "2027-03-01"|day }}`: a calendar date (a member's own, no time zone
/// involved) as "Monday, March 1, 2027"; text that is not a date is shown as it is.
pub(crate) fn day(text: &str) -> String {
    match text.parse::<jiff::civil::Date>() {
        Ok(date) => date.strftime("%A, %B %-d, %Y").to_string(),
        Err(_) => text.to_owned(),
    }
}

/// `{{ text|writing }}`: what a member wrote, as HTML: escaped, paragraphs
/// at blank lines, line breaks kept, and every scripture citation linked to
/// its passage page (with the verse popover), as in entries.
pub(crate) fn writing(text: &str) -> minijinja::Value {
    let mut html = String::with_capacity(text.len() + 64);
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        let mut at = 0;
        for citation in abide_scripture::extract(paragraph) {
            push_lines(&mut html, &paragraph[at..citation.span.start]);
            let osis = citation.osis();
            html.push_str("<a class=\"ref\" href=\"/bible/");
            html.push_str(&escape_html(&osis));
            html.push_str("\" data-osis=\"");
            html.push_str(&escape_html(&osis));
            html.push_str("\">");
            push_lines(&mut html, citation.text);
            html.push_str("</a>");
            at = citation.span.end;
        }
        push_lines(&mut html, &paragraph[at..]);
        html.push_str("</p>\n");
    }
    minijinja::Value::from_safe_string(html)
}

fn push_lines(html: &mut String, text: &str) {
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            html.push_str("<br>\n");
        }
        html.push_str(&escape_html(line));
    }
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
    fn days_are_written_out() {
        assert_eq!(day("2027-03-01"), "Monday, March 1, 2027");
        assert_eq!(day("soon"), "soon");
    }

    #[test]
    fn writing_is_escaped_with_citations_linked() {
        let html = writing("I read John 3:16 <again>.\nThen v. 17.\n\n\nPeace.").to_string();
        assert_eq!(
            html,
            "<p>I read <a class=\"ref\" href=\"/bible/John.3.16\" data-osis=\"John.3.16\">John 3:16</a> &lt;again&gt;.<br>\n\
             Then <a class=\"ref\" href=\"/bible/John.3.17\" data-osis=\"John.3.17\">v. 17</a>.</p>\n<p>Peace.</p>\n"
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
        assert_eq!(
            datetime(ms, Some("America/Chicago")).unwrap(),
            "Mar 1, 2026, 22:30"
        );
        assert_eq!(shortdate(ms, Some("Nowhere/Else")).unwrap(), "Mar 2, 2026");
        assert_eq!(isodate(ms).unwrap(), "2026-03-02T04:30:00Z");
        assert_eq!(rfc2822(ms).unwrap(), "Mon, 2 Mar 2026 04:30:00 +0000");
    }
}
