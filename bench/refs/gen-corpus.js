// Writes a corpus of devotional prose with scripture citations, one paragraph
// per line, to stdout. Deterministic: the same size and seed give the same bytes.
//   node gen-corpus.js BYTES [SEED] > corpus.txt
// All sentences and templates are our own. Chapter and verse numbers are
// drawn valid for the KJV versification (from the canon table passed in
// chapters.json, which run.sh writes from the Rust crate's own data).
"use strict";
const fs = require("fs");
const target = Number(process.argv[2] || 5_500_000);
let seed = Number(process.argv[3] || 20261124) >>> 0;
function rnd() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

const chapters = JSON.parse(fs.readFileSync(__dirname + "/chapters.json", "utf8"));
// How a book is written: [osis, [names people write]]
const books = [
  ["Gen", ["Genesis", "Gen", "Gen."]], ["Exod", ["Exodus", "Exod", "Ex"]], ["Lev", ["Leviticus", "Lev"]],
  ["Num", ["Numbers", "Num"]], ["Deut", ["Deuteronomy", "Deut", "Dt"]], ["Josh", ["Joshua", "Josh"]],
  ["Judg", ["Judges", "Judg"]], ["Ruth", ["Ruth"]], ["1Sam", ["1 Samuel", "1 Sam", "I Samuel"]],
  ["2Sam", ["2 Samuel", "2 Sam"]], ["1Kgs", ["1 Kings", "1 Kgs", "First Kings"]], ["2Kgs", ["2 Kings", "2 Kgs", "II Kings"]],
  ["1Chr", ["1 Chronicles", "1 Chr"]], ["2Chr", ["2 Chronicles", "2 Chron"]], ["Ezra", ["Ezra"]],
  ["Neh", ["Nehemiah", "Neh"]], ["Esth", ["Esther", "Esth"]], ["Job", ["Job"]],
  ["Ps", ["Psalm", "Psalms", "Ps", "Ps.", "Psa"]], ["Prov", ["Proverbs", "Prov"]], ["Eccl", ["Ecclesiastes", "Eccl", "Eccles"]],
  ["Song", ["Song of Songs", "Song of Solomon"]], ["Isa", ["Isaiah", "Isa"]], ["Jer", ["Jeremiah", "Jer"]],
  ["Lam", ["Lamentations", "Lam"]], ["Ezek", ["Ezekiel", "Ezek"]], ["Dan", ["Daniel", "Dan"]],
  ["Hos", ["Hosea", "Hos"]], ["Joel", ["Joel"]], ["Amos", ["Amos"]], ["Obad", ["Obadiah"]], ["Jonah", ["Jonah"]],
  ["Mic", ["Micah", "Mic"]], ["Nah", ["Nahum"]], ["Hab", ["Habakkuk", "Hab"]], ["Zeph", ["Zephaniah", "Zeph"]],
  ["Hag", ["Haggai", "Hag"]], ["Zech", ["Zechariah", "Zech"]], ["Mal", ["Malachi", "Mal"]],
  ["Matt", ["Matthew", "Matt", "Mt"]], ["Mark", ["Mark", "Mk"]], ["Luke", ["Luke", "Lk"]], ["John", ["John", "Jn"]],
  ["Acts", ["Acts"]], ["Rom", ["Romans", "Rom", "Rom."]], ["1Cor", ["1 Corinthians", "1 Cor", "1Cor", "First Corinthians", "1st Corinthians"]],
  ["2Cor", ["2 Corinthians", "2 Cor"]], ["Gal", ["Galatians", "Gal"]], ["Eph", ["Ephesians", "Eph"]],
  ["Phil", ["Philippians", "Phil"]], ["Col", ["Colossians", "Col"]], ["1Thess", ["1 Thessalonians", "1 Thess"]],
  ["2Thess", ["2 Thessalonians", "2 Thess"]], ["1Tim", ["1 Timothy", "1 Tim"]], ["2Tim", ["2 Timothy", "2 Tim"]],
  ["Titus", ["Titus"]], ["Phlm", ["Philemon"]], ["Heb", ["Hebrews", "Heb"]], ["Jas", ["James", "Jas"]],
  ["1Pet", ["1 Peter", "1 Pet"]], ["2Pet", ["2 Peter", "2 Pet"]], ["1John", ["1 John", "1 Jn"]],
  ["2John", ["2 John"]], ["3John", ["3 John"]], ["Jude", ["Jude"]], ["Rev", ["Revelation", "Rev"]],
];
const single = new Set(["Obad", "Phlm", "2John", "3John", "Jude"]);

function ref() {
  const [osis, names] = pick(books);
  const name = pick(names);
  const vc = chapters[osis];
  const c = int(1, vc.length);
  const n = vc[c - 1];
  const v = int(1, n);
  if (single.has(osis)) {
    const form = rnd();
    if (form < 0.6 || v === n) return `${name} ${v}`;
    return `${name} ${v}-${int(v + 1, n)}`;
  }
  const r = rnd();
  if (r < 0.34) return `${name} ${c}:${v}`;
  if (r < 0.5 && v < n) return `${name} ${c}:${v}-${int(v + 1, n)}`;
  if (r < 0.56 && v < n) return `${name} ${c}:${v}–${int(v + 1, n)}`;
  if (r < 0.64) return `${name} ${c}`;
  if (r < 0.68 && c < vc.length) return `${name} ${c}-${int(c + 1, vc.length)}`;
  if (r < 0.71 && c < vc.length) return `${name} ${c}:${v}-${c + 1}:${int(1, vc[c])}`;
  if (r < 0.76 && v + 2 <= n) return `${name} ${c}:${v}, ${int(v + 2, n)}`;
  if (r < 0.80 && c < vc.length) return `${name} ${c}:${v}; ${c + 1}:${int(1, vc[c])}`;
  if (r < 0.83 && v < n) return `${name} ${c}:${v} and ${v + 1}`;
  if (r < 0.86) return `${name} ${c}:${v}a`;
  if (r < 0.88 && v < n) return `${name} ${c}:${v}ff`;
  if (r < 0.91 && v < n) return `${name} ${c}:${v} to ${int(v + 1, n)}`;
  if (r < 0.94) return `${name} ${c}:${v}; ${ref()}`;
  return `${name} ${c}:${v}`;
}

// Our own prose. {R} is a citation.
const withRef = [
  "We began with {R}, and it set the tone for the whole week.",
  "Read {R} slowly, and notice who is speaking.",
  "The promise in {R} is not a reward for effort; it is a gift.",
  "When the night is long, the words of {R} are a lamp.",
  "Our small group spent an evening on {R} and came away quieter than we arrived.",
  "Compare the prayer in {R} with the one you prayed this morning.",
  "The story turns on a single sentence ({R}).",
  "It is worth reading the verses around it as well (see {R}).",
  "Many readers hear an echo of this in {R}.",
  "The writer returns to the same image later (cf. {R}).",
  "Jesus withdrew to quiet places to pray ({R}), and so may we.",
  "{R} reminds us that waiting is not wasted time.",
  "Sit with {R} for five minutes before you say anything.",
  "The old hymn takes its first line from {R}.",
  "If you only have a moment today, read {R}.",
  "The apostle puts it plainly in {R}: love does not keep score.",
  "Notice the verbs in {R}; they tell you who acts first.",
  "Some translations render {R} a little differently, and the difference is worth a look.",
  "We closed the evening by reading {R} aloud together.",
  "Write {R} on a card and keep it where you will see it.",
];
const plain = [
  "Stillness is not the absence of noise; it is the presence of attention.",
  "Most of us were taught to earn rest, and unlearning that takes time.",
  "The kettle was the only sound in the kitchen, and that was enough.",
  "A friend once said that prayer is mostly showing up.",
  "There is no shortcut through grief, only companions on the road.",
  "We met on Tuesday at 7:30 in the small room by the library, 12 of us in all.",
  "The retreat runs from the 3rd to the 5th of May; bring a notebook and warm socks.",
  "Over 40 days we read a little each morning and wrote one line each evening.",
  "Breakfast is at 8, the first session at 9:15, and lunch at noon.",
  "In 2019 the group began with 6 people; today there are more than 80.",
  "Question 2 asks what you are afraid to hope for.",
  "The walk is about 5 miles and takes most of the afternoon.",
  "Children are welcome, and there is a quiet corner with books and crayons.",
  "Take a breath, put the phone in another room, and begin again.",
  "Gratitude grows where it is noticed and named.",
  "None of this is a technique; it is a friendship.",
  "The candle burned down while we talked, and nobody minded.",
  "Forgiveness is often a decision long before it is a feeling.",
  "What would change if you believed you were already welcome?",
  "Page 14 of the guide has a simple outline for the week.",
];
// Forms where we deliberately differ from the JavaScript parser (see
// crates/scripture/DIFFERENCES.md), kept rare as in real writing.
const deliberate = [
  () => `The letter to Laodicea begins at ${"Revelation 3:14"}; the warning about lukewarm faith comes soon after (v. 16).`,
  () => `Start with ${pick(["Luke 15:11-32", "John 4:7-26", "Mark 5:21-43"])} and then reread verse ${int(1, 10)}.`,
  () => `The lover's voice in Cant 2:${int(8, 14)} is full of spring.`,
  () => `We spent a month in the book of ${pick(["Ruth", "Philippians", "Jonah", "Habakkuk"])} this winter.`,
  () => `Tobit ${int(1, 14)}:${int(1, 6)} is a prayer many families still use.`,
  () => `Numbers ${int(3, 6)} and ${int(7, 9)} of the list were the hardest questions.`,
  () => `Song ${int(2, 9)} on the playlist is the one we sang at the end.`,
];

let out = [];
let size = 0;
while (size < target) {
  const parts = [];
  const k = int(1, 4);
  for (let i = 0; i < k; i++) {
    const r = rnd();
    if (r < 0.003) parts.push(pick(deliberate)());
    else if (r < 0.6) parts.push(pick(withRef).replace("{R}", ref()));
    else parts.push(pick(plain));
  }
  const line = parts.join(" ");
  out.push(line);
  size += Buffer.byteLength(line) + 1;
  if (out.length >= 1000) {
    process.stdout.write(out.join("\n") + "\n");
    out = [];
  }
}
if (out.length) process.stdout.write(out.join("\n") + "\n");
