"""Reading stays linear on pathological input: each case parsed at n and 2n characters.

    python bench/bench_reading.py [--size 20000]

For each hostile shape (unclosed brackets, links and comments, runs of emphasis markers, ATX
headings with long trailing space, deep quotes and lists, thousands of label lines, a printed page
flattened into one line, line-broken sentences marked as headings) it prints the
time to read n and 2n characters and their ratio; a ratio near 2 is linear, near 4 quadratic.
A measurement, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import time

CASES = {
    "unclosed [": lambda n: "[" * n,
    "unclosed <!--": lambda n: "<!-- a " * (n // 7),
    "*a runs": lambda n: "*a" * (n // 2),
    "backticks": lambda n: "`a" * (n // 2),
    "atx trailing spaces": lambda n: "# t" + " " * n + "x\n",
    "unclosed links": lambda n: "[a](" * (n // 4),
    "deep quotes": lambda n: ">" * (n // 10) + " a\n",
    "nested lists": lambda n: "".join("  " * i + "- a\n" for i in range(int((n / 2) ** 0.5))),
    "label lines": lambda n: "Label: x\n" * (n // 9),
    "bold labels": lambda n: "- **Impact**: x\n" * (n // 16),
    "flattened page": lambda n: "Impact The Next Steps We a B. " * (n // 29),  # one line, run-in titles everywhere
    "broken headings": lambda n: "we lost the\n\n## rack and the\n\n" * (n // 29),
    # session 6: the weak forms of drafts in other voices
    "bold label lines": lambda n: "**Impact:** x\n" * (n // 14),  # one paragraph, a bold title on every line
    "bold runs on one line": lambda n: "**What happened.** x " * (n // 21),
    "key-value table": lambda n: "| Impact | x |\n| --- | --- |\n" + "| Impact | x |\n" * (n // 15),
    "memo run-in titles": lambda n: "Next steps. x\n\n" * (n // 15),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20000, help="characters of the smaller input")
    args = ap.parse_args()
    from analyzer.reading.markdown import parse

    print(f"{'case':<22}{'n ms':>10}{'2n ms':>10}{'ratio':>8}")
    for name, make in CASES.items():
        times = []
        for n in (args.size, 2 * args.size):
            text = make(n)
            t0 = time.perf_counter()
            doc = parse(text)
            times.append(time.perf_counter() - t0)
            assert len(doc.masked) == len(text)
        print(f"{name:<22}{1000 * times[0]:>10.1f}{1000 * times[1]:>10.1f}{times[1] / max(times[0], 1e-9):>8.2f}")


if __name__ == "__main__":
    main()
