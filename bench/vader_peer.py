"""The peer of `cargo xtask bench`: vaderSentiment 3.3.2 `polarity_scores` alone on the corpus.

Usage: python vader_peer.py CORPUS RUNS

Prints one JSON object: the time per message of each run (ns) and the compound score of every
message (for the agreement table). Not a test: nothing is asserted about time.
"""

import json
import sys
import time
from importlib.metadata import version

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def main() -> None:
    corpus_path, runs = sys.argv[1], int(sys.argv[2])
    with open(corpus_path, encoding="utf-8") as f:
        texts = [json.loads(line) for line in f if line.strip()]
    analyzer = SentimentIntensityAnalyzer()
    compound = [analyzer.polarity_scores(t)["compound"] for t in texts]
    per_message = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        for t in texts:
            analyzer.polarity_scores(t)
        per_message.append((time.perf_counter_ns() - start) / len(texts))
    print(json.dumps({
        "version": version("vaderSentiment"),
        "python": sys.version.split()[0],
        "ns_per_message": per_message,
        "compound": compound,
    }))


if __name__ == "__main__":
    main()
