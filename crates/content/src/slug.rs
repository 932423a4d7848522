/// A URL slug: lowercase ASCII letters and digits joined by single hyphens.
/// Accented Latin letters lose their accents; other characters separate words.
///
/// ```
/// assert_eq!(abide_content::slugify("Be Still — and Know!"), "be-still-and-know");
/// assert_eq!(abide_content::slugify("Élie's Cave"), "elies-cave");
/// ```
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "Elie's" -> "elies", not "elie-s".
        } else {
            pending_dash = true;
        }
    }
    out
}

/// The unaccented letter for common accented Latin letters.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'ç' => 'c',
        'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        _ => c,
    }
}

/// True when `s` is already a valid slug.
/// Slugs an entry may not have: `/journeys/{journey}/{slug}` is a page of the
/// site itself for these (a member's progress, the forms that follow a
/// journey), so an entry with one could never be reached.
pub const RESERVED_ENTRY_SLUGS: &[&str] = &["progress", "follow", "restart", "stop", "catch-up"];

pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty() && slugify(s) == s
}
