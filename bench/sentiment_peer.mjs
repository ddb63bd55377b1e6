// A peer of `cargo xtask bench --only agreement`: the npm package `sentiment` (AFINN-165 based),
// installed by the bench under target/bench/sentiment/, on the labelled lines.
//
//   node bench/sentiment_peer.mjs PACKAGE_DIR TEXTS_JSONL
//
// Prints one JSON object: the package version and the `score` of every text (its sign is the
// package's own polarity). Not a test.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [dir, textsPath] = process.argv.slice(2);
const require = createRequire(join(dir, 'index.js'));
const Sentiment = require('sentiment');
const { version } = require('sentiment/package.json');
const texts = readFileSync(textsPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));
const analyzer = new Sentiment();
const score = texts.map((t) => analyzer.analyze(t).score);
console.log(JSON.stringify({ version, score }));
