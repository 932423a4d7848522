// Runs the JavaScript bible-passage-reference-parser (default options) on
// every line of a file: `bcv.parse(line).osis()` per line, one output line
// per input line. Prints the parse loop's time (seconds) as JSON on stderr.
//   node js-refs.js NODE_MODULES_DIR corpus.txt > js.txt
"use strict";
const path = require("path");
const fs = require("fs");
const { bcv_parser } = require(path.join(process.argv[2], "bible-passage-reference-parser/cjs/en_bcv_parser.js"));
const bcv = new bcv_parser();
const lines = fs.readFileSync(process.argv[3], "utf8").split("\n");
if (lines[lines.length - 1] === "") lines.pop();
const out = new Array(lines.length);
const t0 = process.hrtime.bigint();
for (let i = 0; i < lines.length; i++) out[i] = bcv.parse(lines[i]).osis();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
fs.writeSync(1, out.join("\n") + "\n");
process.stderr.write(JSON.stringify({ seconds }) + "\n");
