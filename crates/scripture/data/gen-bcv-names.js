// Writes bcv-names.txt: the English book names that the JavaScript
// bible-passage-reference-parser accepts and book-names.txt does not list.
//
//   node gen-bcv-names.js NODE_MODULES_DIR DICTIONARY... > bcv-names.txt
//
// NODE_MODULES_DIR holds the npm package bible-passage-reference-parser
// (bench/refs/run.sh installs the same one); each DICTIONARY is a word list,
// one word a line (Debian's wamerican-huge and wbritish-large:
// /usr/share/dict/american-english-huge, /usr/share/dict/british-english-large).
//
// The package ships its names as regular expressions; this expands each one
// into the finite list of strings it matches (alternation, optional parts,
// character classes; where it allows spaces, one space is written) and
// keeps a name only when:
//   - it names one book (the package's rows for abbreviations shared by
//     several books, "Jo" or "Ma", are left out);
//   - it has no digits (the "23rd Psalm" forms are grammar, in extract.rs);
//   - for a numbered book, it is written after an ordinal (the ordinal is
//     grammar, in names.rs; a bare "Samuel" or "Kings" is not a book here);
//   - it is not an English word in one of the dictionaries ("palms", "plasma",
//     "number", "ester"): in prose those are words first;
//   - it is not in LEFT_OUT below.
// Names of three letters or fewer get the flag `verse`: in prose they count
// only with chapter and verse ("Ho 3:1", not "Ho 3").
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, ...dictionaries] = process.argv.slice(2);
if (!modules || dictionaries.length === 0) {
  console.error("usage: node gen-bcv-names.js NODE_MODULES_DIR DICTIONARY...");
  process.exit(2);
}
const pkgDir = path.join(modules, "bible-passage-reference-parser");
const pkg = require(path.join(pkgDir, "package.json"));
const { bcv_parser } = require(path.join(pkgDir, "cjs/en_bcv_parser.js"));

// Short forms that are other things in prose and that Abide decides against
// (see DIFFERENCES.md): "Is", "Am" (verbs), "Joe" (a first name), "Mar"
// (March), "Pro" (a professional, a product line), "Re" ("re:"), "Mr", "Da",
// "Mi", "Co", "Ja", "Jam"; and short forms without an ordinal that are
// units, symbols or codes ("dl", "Hg", "Hs", "Rt", "Es", "La", "Lm", "Na").
const LEFT_OUT = new Set([
  "is", "am", "joe", "mar", "pro", "re", "mr", "da", "dl", "hs", "hg", "na",
  "mi", "la", "lm", "rt", "es", "co", "ja", "jam", "jame", "ac", "act", "pv",
  "ws", "nu", "jl", "ams", "amo", "jde", "rut",
]);
// Forms that readers write with chapter and verse ("Ho 3:1", "Phi 4:13",
// "Pr 3:5", "Ester 4:14") although they are words or too short to stand
// alone: kept, with the flag `verse`, whatever the lists above say.
const KEEP_WITH_VERSE = new Set(["ho", "phi", "pr", "ester"]);

function expand(src) {
  let i = 0;
  const seq = () => {
    let out = [""];
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      let a = atom();
      const q = src[i];
      if (q === "?" || (q === "*" && a[0] !== " ")) {
        i++;
        a = a.concat([""]);
      } else if (q === "+" || q === "*") {
        i++; // a run of spaces: written as one space
      }
      if (src[i] === "?") i++; // lazy
      const next = new Set();
      for (const x of out) for (const y of a) next.add(x + y);
      out = [...next];
      if (out.length > 500000) throw new Error("pattern too large");
    }
    return out;
  };
  const alt = () => {
    let out = seq();
    while (src[i] === "|") {
      i++;
      out = out.concat(seq());
    }
    return out;
  };
  const atom = () => {
    const c = src[i];
    if (c === "(") {
      i++;
      if (src.startsWith("?:", i)) i += 2;
      else if (src[i] === "?") throw new Error(`look-around at ${i}`);
      const r = alt();
      if (src[i++] !== ")") throw new Error(`unbalanced at ${i}`);
      return r;
    }
    if (c === "[") {
      i++;
      const set = [];
      while (src[i] !== "]") {
        let ch = src[i++];
        if (ch === "\\") ch = src[i++];
        if (src[i] === "-" && src[i + 1] !== "]") {
          for (let k = ch.charCodeAt(0); k <= src.charCodeAt(i + 1); k++) set.push(String.fromCharCode(k));
          i += 2;
        } else set.push(ch);
      }
      i++;
      return set;
    }
    if (c === "\\") {
      const d = src[i + 1];
      i += 2;
      if (d === "s") return [" "];
      if (d === "d" || d === "p") throw new Error("class in a name");
      return [d];
    }
    i++;
    return [c];
  };
  const r = alt();
  if (i !== src.length) throw new Error(`stopped at ${i}`);
  return r;
}

const words = new Set();
for (const d of dictionaries) {
  for (const w of fs.readFileSync(d, "utf8").split("\n")) if (w) words.add(w.toLowerCase());
}

const known = new Map(); // name -> line of book-names.txt
const ours = fs.readFileSync(path.join(__dirname, "book-names.txt"), "utf8");
for (const line of ours.split("\n")) {
  if (!line || line.startsWith("#")) continue;
  const [books, , names] = line.split("\t");
  if (books === "prefix") continue;
  for (const n of names.split("|")) known.set(n, books);
}

const ORDINAL = /^(first|second|third|fourth|1st|2nd|3rd|4th|iv|iii|ii|i|1|2|3|4)\.? ?/;
const ORDINAL_NUMBER = { first: 1, second: 2, third: 3, fourth: 4, i: 1, ii: 2, iii: 3, iv: 4 };
// The gospels' long forms ("The Gospel according to St. John") are a prefix
// in book-names.txt; the last word is the name.
const GOSPELS = new Set(["Matt", "Mark", "Luke", "John"]);

// name -> { books: Map(ordinal -> osis), plain: osis }
const found = new Map();
const entry = (name) => {
  if (!found.has(name)) found.set(name, { plain: null, numbered: new Map() });
  return found.get(name);
};
for (const b of new bcv_parser().regexps.all_books) {
  if (b.osis.length !== 1) continue; // shared abbreviations
  const osis = b.osis[0];
  const m = b.regexp.source.match(/^\(\?:\^\|\(\?<=\[\^\\p\{L\}(?:\\p\{N\})?\]\)(?:\(\?<!\\d:\(\?=\\d\)\))?\)\((.*)\)\(\?:\(\?=\[.*\]\)\|\$\)$/);
  if (!m) continue; // Ps151 and the like: not a name pattern
  for (let name of expand(m[1])) {
    name = name.toLowerCase().replace(/ +/g, " ").trim();
    if (GOSPELS.has(osis)) name = name.split(/[ .]/).pop();
    if (/[^a-z. ]/.test(name) || /\.\S/.test(name)) continue;
    const numbered = /^[1-4]/.test(osis);
    if (numbered) {
      const o = name.match(ORDINAL);
      if (!o || o[0] === name) continue;
      const key = o[1];
      const n = ORDINAL_NUMBER[key] || Number(key[0]);
      entry(name.slice(o[0].length)).numbered.set(n, osis);
    } else {
      entry(name).plain = osis;
    }
  }
}

// OSIS ids of the package and ours agree except:
const RENAME = { GkEsth: "AddEsth", SgThree: "PrAzar" };
const rows = new Map(); // "books\tflags" -> names
for (const [name, e] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  if (name.length < 2 || known.has(name)) continue;
  const keep = KEEP_WITH_VERSE.has(name);
  if (LEFT_OUT.has(name) && !keep) continue;
  const letters = name.replace(/[^a-z]/g, "");
  // A word of the dictionaries is kept only after an ordinal ("1 Pete").
  const plain = e.plain && (keep || name.includes(" ") || !words.has(name)) ? e.plain : null;
  if (e.plain && !plain && process.env.SHOW_DROPPED) console.error(`dropped: ${name} (${e.plain})`);
  const parts = [];
  if (plain) parts.push(RENAME[plain] || plain);
  for (const [n, osis] of [...e.numbered].sort()) parts.push(`${n}=${RENAME[osis] || osis}`);
  if (parts.length === 0) continue;
  const flags = plain && (letters.length <= 3 || keep) ? "verse" : "-";
  const key = `${parts.join(" ")}\t${flags}`;
  if (!rows.has(key)) rows.set(key, []);
  rows.get(key).push(name);
}

const license = fs.readFileSync(path.join(pkgDir, "LICENSE.md"), "utf8").split("\n")[0].trim();
console.log(`# Book names from bible-passage-reference-parser ${pkg.version} (npm package
# bible-passage-reference-parser, ${license}, MIT licence): every
# English name its patterns accept that book-names.txt does not already list.
# Generated by gen-bcv-names.js (see README.md); do not edit by hand.
# Same columns as book-names.txt: books, flags, names.`);
for (const [key, names] of rows) console.log(`${key}\t${names.join("|")}`);
