//! Word-by-word comparison of a quotation with a translation's text: the
//! quotation is aligned with the stretch of the text it matches best (a
//! quotation is usually part of a passage), and the words that differ are
//! grouped into runs.

/// A run of words that differ: the quotation's and the translation's
/// (either may be empty: a word added or left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Difference {
    pub(super) quoted: Vec<String>,
    pub(super) translation: Vec<String>,
}

/// How a quotation compares with a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Comparison {
    /// Words of the quotation found in place in the text.
    pub(super) same: usize,
    /// Words of the quotation.
    pub(super) quoted: usize,
    pub(super) differences: Vec<Difference>,
}

/// The words of `text` for comparison: lower case, letters and digits only,
/// apostrophes dropped ("don’t" is "dont"), everything else a separator.
pub(super) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '’' | 'ʼ') && !word.is_empty() {
            // inside a word: "don't", "God's"
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Longest quotation compared, in words: a longer one is cut (the table
/// below is quoted × text words).
const MAX_QUOTED: usize = 400;
/// Longest text compared, in words (a few chapters).
const MAX_TEXT: usize = 20_000;

/// Compares `quoted` (words) with the stretch of `text` (words) that it
/// matches best: an edit distance over words where the text may be entered
/// and left anywhere.
pub(super) fn compare(quoted: &[String], text: &[String]) -> Comparison {
    let q = &quoted[..quoted.len().min(MAX_QUOTED)];
    let t = &text[..text.len().min(MAX_TEXT)];
    let (m, n) = (q.len(), t.len());
    if m == 0 {
        return Comparison {
            same: 0,
            quoted: 0,
            differences: Vec::new(),
        };
    }
    // cost[i][j]: the best alignment of q[..i] ending at t[..j]; row 0 is
    // free (the quotation may start anywhere in the text). A word in place
    // earns 2, a changed, added or left-out word costs 1 (as a cost: -2 and
    // 1): so "the brokenhearted" against "those who have a broken heart" is
    // read through to the words that follow and agree, rather than cut short.
    let pair = |a: &String, b: &String| if a == b { -2 } else { 1 };
    let width = n + 1;
    let mut cost = vec![0i32; (m + 1) * width];
    for i in 1..=m {
        cost[i * width] = i as i32;
        for j in 1..=n {
            let diagonal = cost[(i - 1) * width + j - 1] + pair(&q[i - 1], &t[j - 1]);
            let up = cost[(i - 1) * width + j] + 1; // a quoted word the text lacks
            let left = cost[i * width + j - 1] + 1; // a text word left out
            cost[i * width + j] = diagonal.min(up).min(left);
        }
    }
    // Of the best ends, the first where the last quoted word stands against
    // a word of the text: "the LORD" for "God" is shown as that, not as two
    // words added.
    let best = (0..=n).map(|j| cost[m * width + j]).min().unwrap_or(0);
    let ends = || (0..=n).filter(|&j| cost[m * width + j] == best);
    let diagonal = |j: usize| {
        j > 0 && cost[m * width + j] == cost[(m - 1) * width + j - 1] + pair(&q[m - 1], &t[j - 1])
    };
    let mut j = ends()
        .find(|&j| diagonal(j))
        .or_else(|| ends().next())
        .unwrap_or(0);
    // Walk back: equal words, and runs of differences in text order.
    let mut i = m;
    let mut same = 0;
    let mut differences: Vec<Difference> = Vec::new();
    let mut run: Option<Difference> = None;
    while i > 0 {
        let here = cost[i * width + j];
        let step = if j > 0 && here == cost[(i - 1) * width + j - 1] + pair(&q[i - 1], &t[j - 1]) {
            let equal = q[i - 1] == t[j - 1];
            (equal, Some(q[i - 1].clone()), Some(t[j - 1].clone()))
        } else if here == cost[(i - 1) * width + j] + 1 {
            (false, Some(q[i - 1].clone()), None)
        } else {
            (false, None, Some(t[j - 1].clone()))
        };
        let (equal, qw, tw) = step;
        if qw.is_some() {
            i -= 1;
        }
        if tw.is_some() {
            j -= 1;
        }
        if equal {
            same += 1;
            differences.extend(run.take());
            continue;
        }
        let r = run.get_or_insert_with(|| Difference {
            quoted: Vec::new(),
            translation: Vec::new(),
        });
        if let Some(w) = qw {
            r.quoted.insert(0, w);
        }
        if let Some(w) = tw {
            r.translation.insert(0, w);
        }
    }
    differences.extend(run);
    differences.reverse();
    Comparison {
        same,
        quoted: m,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(quoted: &str, text: &str) -> Vec<(String, String)> {
        compare(&words(quoted), &words(text))
            .differences
            .into_iter()
            .map(|d| (d.quoted.join(" "), d.translation.join(" ")))
            .collect()
    }

    #[test]
    fn a_quotation_is_found_inside_the_text() {
        let text = "“Be still, and know that I am God. I will be exalted among the nations.”";
        assert!(diff("Be still and know that I am God", text).is_empty());
        assert!(diff("know that I am God.", text).is_empty());
        let c = compare(&words("be STILL, and know"), &words(text));
        assert_eq!((c.same, c.quoted), (4, 4));
    }

    #[test]
    fn differing_words_are_named_in_runs() {
        let text = "Be still, and know that I am God. I will be exalted among the nations.";
        assert_eq!(
            diff("Cease striving and know that I am God", text),
            [("cease striving".to_owned(), "be still".to_owned())]
        );
        assert_eq!(
            diff("Be still and know that I am the LORD", text),
            [("the lord".to_owned(), "god".to_owned())]
        );
        assert_eq!(
            diff("Be still and know that I am truly God", text),
            [("truly".to_owned(), String::new())]
        );
    }

    #[test]
    fn apostrophes_and_case_do_not_count() {
        assert_eq!(words("Don’t FEAR, God's"), ["dont", "fear", "gods"]);
        assert!(diff("don't be afraid", "Don’t be afraid.").is_empty());
    }
}
