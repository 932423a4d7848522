// Compares our output with the JavaScript parser's, line by line, and prints
// throughput, agreement and the classes of disagreement.
//   node compare.js corpus.txt ours.txt js.txt OURS_SECONDS JS_SECONDS
"use strict";
const fs = require("fs");
const [corpusFile, oursFile, jsFile, oursSec, jsSec] = process.argv.slice(2);
const read = (f) => { const l = fs.readFileSync(f, "utf8").split("\n"); if (l[l.length - 1] === "") l.pop(); return l; };
const corpus = read(corpusFile), ours = read(oursFile), js = read(jsFile);
if (corpus.length !== ours.length || corpus.length !== js.length) {
  console.error(`line counts differ: corpus ${corpus.length}, ours ${ours.length}, js ${js.length}`);
  process.exit(1);
}
const bytes = fs.statSync(corpusFile).size;
const count = (lines) => lines.reduce((n, l) => n + (l ? l.split(",").length : 0), 0);
const report = (name, sec, lines) => {
  const s = Number(sec);
  console.log(`${name.padEnd(6)} ${(bytes / s / 1e6).toFixed(2).padStart(9)} MB/s ${Math.round(count(lines) / s).toString().padStart(12)} citations/s  (${s.toFixed(3)} s, ${count(lines)} OSIS refs)`);
};
console.log(`corpus: ${corpus.length} lines, ${(bytes / 1e6).toFixed(2)} MB`);
report("abide", oursSec, ours);
report("js", jsSec, js);
console.log(`ratio: ${(Number(jsSec) / Number(oursSec)).toFixed(0)}x`);

// Classes of disagreement, by what the line contains. Each class is either a
// documented deliberate difference (DIFFERENCES.md) or a bug to fix.
const classes = [
  ["v./verse resolved against the previous citation (JS: not without parse_with_context)", /\((?:v|vv)\. \d|\bverse \d/],
  ["Cant / Apocalypse names (JS: no English pattern by default)", /\bCant\b|\bApocalypse\b/],
  ["'the book of X' is a whole-book citation (JS: books alone ignored)", /\bbook of [A-Z]/],
  ["deuterocanon recognised (JS default: apocrypha off)", /\b(?:Tobit|Judith|Sirach|Baruch|Maccabees|Wisdom of Solomon)\b/],
  ["'X N of ...' after a prose-word book is counting, not citing", /\b(?:Numbers|Acts|Mark|Job|Judges) \d+(?: and \d+)? of\b/],
  ["'Song N' needs a verse (JS: Song.N)", /\bSong \d+(?!:)/],
  ["JS reads a following word 'a' as a verse letter ('Jude 1 a little' -> Jude.1.1)", /\d a\b/],
  ["JS reads 'first. John' across a sentence end as 1 John", /\bfirst\. (?:John|Corinthians|Kings|Samuel|Peter|Timothy|Thessalonians|Chronicles)\b/i],
  ["3 John 15 does not exist in KJV versification (JS default: 15 verses)", /\b3 John 15\b/],
];
// Expands a comma-joined OSIS list into the set of verses it covers.
const chapters = JSON.parse(fs.readFileSync(__dirname + "/chapters.json", "utf8"));
const order = Object.keys(chapters);
function verses(osisList) {
  const set = new Set();
  if (!osisList) return set;
  const point = (s, last) => {
    const [b, c, v] = s.split(".");
    const vc = chapters[b];
    if (!vc) return null;
    const ch = c ? Number(c) : (last ? vc.length : 1);
    const vs = v ? Number(v) : (last ? vc[ch - 1] : 1);
    return [order.indexOf(b), ch, vs];
  };
  for (const item of osisList.split(",")) {
    const [a, z] = item.includes("-") ? item.split("-") : [item, item];
    let p = point(a, false), q = point(z, true);
    if (!p || !q) { set.add(item); continue; }
    for (let n = 0; n < 100000; n++) {
      set.add(p.join("."));
      if (p[0] === q[0] && p[1] === q[1] && p[2] === q[2]) break;
      const vc = chapters[order[p[0]]];
      if (p[2] < vc[p[1] - 1]) p = [p[0], p[1], p[2] + 1];
      else if (p[1] < vc.length) p = [p[0], p[1] + 1, 1];
      else p = [p[0] + 1, 1, 1];
    }
  }
  return set;
}
const sameVerses = (a, b) => { const x = verses(a), y = verses(b); return x.size === y.size && [...x].every((k) => y.has(k)); };
const regrouped = "same verses, grouped differently (JS continues a sequence across a sentence end: 'John 3:16. John 3:17')";

const found = new Map();
let agree = 0;
for (let i = 0; i < corpus.length; i++) {
  if (ours[i] === js[i]) { agree++; continue; }
  const cls = sameVerses(ours[i], js[i]) ? regrouped : (classes.find(([, re]) => re.test(corpus[i])) || ["other (unexplained)"])[0];
  if (!found.has(cls)) found.set(cls, { n: 0, line: i, lines: [] });
  found.get(cls).n++;
  found.get(cls).lines.push(i);
}
console.log(`agreement: ${agree}/${corpus.length} lines = ${(100 * agree / corpus.length).toFixed(3)}%`);
console.log("disagreement classes:");
for (const [cls, { n, line, lines }] of [...found].sort((a, b) => b[1].n - a[1].n)) {
  console.log(`  ${String(n).padStart(6)}  ${cls}`);
  const text = corpus[line];
  console.log(`          e.g. line ${line + 1}: ${text.length > 300 ? text.slice(0, 300) + "…" : text}`);
  console.log(`               abide: ${ours[line]}`);
  console.log(`               js:    ${js[line]}`);
  if (cls.startsWith("other")) for (const l of lines.slice(1, 10)) console.log(`          line ${l + 1}: ${corpus[l]}\n               abide: ${ours[l]}\n               js:    ${js[l]}`);
}
