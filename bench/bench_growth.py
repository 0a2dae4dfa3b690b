"""Growth of analysis time and memory with input size, one pathological construct at a time.

    python bench/bench_growth.py [--sizes 10000,100000,1000000] [--timeout 120] [--only NAME,...]
                                 [--corpus ../shared/corpus] [--markdown growth.md]

Each row is one construct repeated to N characters (issue 14's fuzzing campaign found these
super-linear or memory-hungry). Every measurement runs `Analyzer.analyze` (default
configuration, classifiers on) in a fresh process, which reports the analysis time (the
pipeline is loaded before the clock starts) and its peak RSS; a run over `--timeout` seconds is
killed and shown as "> T s", and larger sizes of that construct are skipped. A cell shows the
wall-clock time and, in brackets, the process's CPU time (on a shared machine the CPU time is
the steadier figure). The growth exponent is the least-squares slope of log(CPU time) against
log(size) over the sizes measured (1.0 is linear, 2.0 quadratic); a row with a timeout gets a
lower bound from its last two points.
With the corpus present, a real-prose row (corpus documents concatenated to 4.9 MB) is added
(with `--only`, when `real` is one of the names).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONSTRUCTS: dict[str, tuple[str, str]] = {
    # name: (unit repeated to the size, short description for the table)
    "brackets": ("[", "`[` repeated"),
    "comment": ("<!-- a ", "unclosed `<!--`"),
    "emphasis": ("*a ", "unclosed emphasis `*a`"),
    "atx_trailing": ("# a" + " " * 20 + "\n", "ATX headings with trailing spaces"),
    "autolink": ("<http://a ", "unclosed autolinks"),
    "link": ("[a](b ", "unclosed links"),
    "refdef": ("[a]: <", "unclosed reference definition"),
    "code": ("`a ", "unbalanced inline code"),
    "words": ("the deploy failed because the cache expired early. ", "plain words"),
    "headings": ("## Heading\n\nSome text here.\n\n", "headings (10k at 300k chars)"),
    "parens": ("(", "`(` without whitespace"),
    "emoji": ("\U0001F600", "emoji without whitespace"),
}

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from analyzer.config import load_config
from analyzer.engine import Analyzer
text = open(sys.argv[2], encoding="utf-8").read()
analyzer = Analyzer(load_config())
analyzer.analyze("# warm up\n\nThe cache expired.\n")
t, c = time.perf_counter(), time.process_time()
report = analyzer.analyze(text)
seconds, cpu = time.perf_counter() - t, time.process_time() - c
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": rss, "error": report.error, "findings": len(report.findings)}))
"""


def make_text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def measure(text: str, timeout: float, tmp: Path) -> dict:
    path = tmp / "growth-input.md"
    path.write_text(text, encoding="utf-8")
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path)], capture_output=True, text=True,
                             timeout=timeout + 30)  # + loading the pipeline
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    finally:
        path.unlink(missing_ok=True)  # the real-text input is corpus text: never left behind
    if out.returncode != 0:
        return {"failed": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["seconds"] > timeout:
        result["timeout"] = True
    return result


def exponent(points: list[tuple[int, float]]) -> float | None:
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-3)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def corpus_text(corpus: Path, size: int) -> str | None:
    docs = sorted((corpus / "documents").glob("*.md")) if (corpus / "documents").is_dir() else []
    parts, total = [], 0
    for p in docs:
        t = p.read_text(encoding="utf-8", errors="replace")
        parts.append(t)
        total += len(t.encode("utf-8")) + 2
        if total >= size:
            break
    return "\n\n".join(parts) if parts else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--only", default="")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--markdown", help="also write the table to this file")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [n for n in CONSTRUCTS if not args.only or n in args.only.split(",")]
    tmp = Path("/tmp") / f"pmlint-growth-{__import__('os').getpid()}"
    tmp.mkdir(exist_ok=True)
    header = "| construct | " + " | ".join(f"{n // 1000}k chars" for n in sizes) + " | exponent | peak RSS |"
    lines = [header, "| --- |" + " ---: |" * (len(sizes) + 2)]
    for name in names:
        unit, label = CONSTRUCTS[name]
        cells, points, peak, lower = [], [], 0.0, False
        for n in sizes:
            if lower:
                cells.append("")
                continue
            r = measure(make_text(unit, n), args.timeout, tmp)
            peak = max(peak, r.get("rss_mb", 0.0))  # a run over the limit that finished still counts
            if r.get("timeout"):
                cells.append(f"> {args.timeout:g} s")
                if points:
                    points.append((n, args.timeout))
                lower = True
            elif r.get("failed"):
                cells.append(f"failed: {r['failed'][:40]}")
                lower = True
            else:
                cells.append(f"{r['seconds']:.2f} s ({r['cpu']:.2f})")
                points.append((n, r["cpu"]))
            print(f"{name} {n}: {cells[-1]} ({r})", file=sys.stderr, flush=True)
        k = exponent(points)
        exp = "" if k is None else (f"> {k:.2f}" if lower and len(points) > 1 else f"{k:.2f}")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {exp} | {peak:.0f} MB |")
    wanted = args.only.split(",") if args.only else []
    real = corpus_text(Path(args.corpus), int(4.9 * 1024 * 1024)) if not wanted or "real" in wanted else None
    if real is not None:
        r = measure(real, args.timeout * 5, tmp)
        cell = (f"> {args.timeout * 5:g} s" if r.get("timeout") else r.get("failed")
                or f"{r['seconds']:.1f} s ({r['cpu']:.1f})")
        lines.append(f"| real post-mortems, {len(real) / 1e6:.1f}M chars | {cell} |" + " |" * (len(sizes) - 1)
                     + f" | {r.get('rss_mb', 0):.0f} MB |")
    tmp.rmdir()
    table = "\n".join(lines) + "\n"
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
