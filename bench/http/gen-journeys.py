#!/usr/bin/env python3
"""Writes a journey folder with N entries (default 1000) of realistic size and
citation density, from our own sentences, for the HTTP and import benchmarks.

    gen-journeys.py OUT_DIR [N]
"""
import os
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rng = random.Random(20261125)

PASSAGES = [
    "Psalm 46:10", "Psalm 63:1", "John 15:5", "James 4:8", "Psalm 34:18",
    "Revelation 3:20", "Matthew 11:28-30", "1 Kings 19:11-12", "Mark 1:35",
    "Psalm 42:1-2", "Isaiah 40:31", "Romans 8:38-39", "Hebrews 4:16",
    "Lamentations 3:22-23", "Philippians 4:6-7", "Psalm 23:1-3", "Luke 15:20",
    "Genesis 28:16", "Exodus 33:14", "Micah 6:8",
]
CITED = [
    "Luke 5:16", "Matthew 14:23", "John 4:14", "Jeremiah 2:13", "Galatians 5:22-23",
    "Genesis 32:24-31", "Exodus 3:1-4", "Luke 10:38-42", "Psalm 1:3", "Hebrews 4:9-11",
    "Isaiah 55:1", "John 7:37-38", "1 Samuel 1:15", "Acts 1:4", "Colossians 3:23",
]
SENTENCES = [
    "Most of our restlessness is a quiet kind of unbelief.",
    "We keep busy because we suspect that if we stop, everything will fall apart.",
    "Stillness is the act of trust that says it was never resting on us.",
    "The psalmist does not hide his thirst; he names it and brings it to God.",
    "Jesus withdrew to quiet places often ({c}), and the busier he was, the more he went.",
    "Compare {c}, where the same invitation comes in different words.",
    "Notice how the story turns in v. {v}, when the one who was spoken about becomes the one spoken to.",
    "Rest was never first a place; it was a companion on the road ({c}).",
    "A branch does not strain to produce fruit; it stays joined to the vine.",
    "Honest prayer is where rest begins, as {c} shows.",
    "The invitation is for people who are tired and carrying too much, which is to say, for everyone.",
    "God met his worn-out prophet first with bread, water and sleep.",
]
TAGS = ["Rest", "Prayer", "Trust", "Longing", "Grace", "Solitude", "Hope", "Listening"]

os.makedirs(out, exist_ok=True)
weeks = (n + 6) // 7
with open(os.path.join(out, "journey.toml"), "w") as f:
    f.write('title = "A Year of Quiet Mornings"\n')
    f.write('summary = "A long journey of daily readings, generated for benchmarks."\n')
    f.write('start = 2020-01-06\nauthor = "bench"\n\n')
    for w in range(1, weeks + 1):
        f.write(f'[[weeks]]\nnumber = {w}\ntheme = "Week {w} of quiet mornings"\n\n')
    f.write('[authors.bench]\nname = "Bench Writer"\n')


def paragraph():
    parts = []
    for _ in range(rng.randint(3, 6)):
        s = rng.choice(SENTENCES)
        parts.append(s.format(c=rng.choice(CITED), v=rng.randint(2, 9)))
    return " ".join(parts)


for i in range(n):
    week, day = divmod(i, 7)
    week += 1
    day += 1
    folder = os.path.join(out, f"week-{week:03}")
    os.makedirs(folder, exist_ok=True)
    body = "\n\n".join(paragraph() for _ in range(rng.randint(3, 5)))
    deeper = paragraph()
    with open(os.path.join(folder, f"day-{day}.md"), "w") as f:
        f.write("+++\n")
        f.write(f'title = "Morning {i + 1}: {rng.choice(TAGS)}"\n')
        f.write(f"week = {week}\nday = {day}\n")
        f.write(f'key_passage = "{rng.choice(PASSAGES)}"\n')
        f.write(f'tags = ["{rng.choice(TAGS)}", "{rng.choice(TAGS)}"]\n')
        f.write("+++\n\n")
        f.write(body + "\n\n## Going Deeper\n\n" + deeper + "\n\n")
        f.write("## Application\n\n- Sit in silence before God. {5 min}\n- Write down one thing you are waiting for.\n\n")
        f.write("## Question\n\nWhat is one step you will take today to rest in God?\n")
