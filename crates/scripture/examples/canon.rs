//! Prints the verse counts of every chapter of the 66 books as JSON
//! (`{"Gen":[31,25,…],…}`); the benchmark's corpus generator draws valid
//! references from it.

use abide_scripture::{BookId, Testament, Versification};

fn main() {
    let v = Versification::kjv();
    let mut out = String::from("{");
    for book in BookId::all().filter(|b| b.book().testament != Testament::Deuterocanon) {
        if out.len() > 1 {
            out.push(',');
        }
        let counts: Vec<String> = (v.first_chapter(book)..=v.last_chapter(book))
            .filter_map(|c| v.verse_count(book, c))
            .map(|n| n.to_string())
            .collect();
        out.push_str(&format!("\"{}\":[{}]", book.osis(), counts.join(",")));
    }
    out.push('}');
    println!("{out}");
}
