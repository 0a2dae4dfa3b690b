"""Write analyzer/data/participles.tsv: the past participle of every English verb whose
participle the regular rule in `analyzer.judging.rules.rewrite.regular_vbn` gets wrong ("spin" ->
"spun", "commit" -> "committed"), from lemminflect's inflection table (MIT licence; its data come
from Kevin Atkinson's AGID, free to use with attribution).

    pip install "lemminflect>=0.2.3,<0.3" && python tools/make_participles.py

The analyser reads the small table instead of loading lemminflect at run time: lemminflect reads
all 40,000 lines of its table (nouns and adjectives included) on first use, about 0.3-0.4 s of a
cold single-file check. `tests/test_rewrite_participles.py` checks the table against lemminflect
for every verb it knows, when lemminflect is installed (the test extra installs it).
"""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

from lemminflect import getInflection

from analyzer.judging.rules.rewrite import regular_vbn

OUT = Path(__file__).resolve().parents[1] / "analyzer" / "data" / "participles.tsv"


def verbs() -> list[str]:
    table = resources.files("lemminflect") / "resources" / "infl_lu.csv.gz"
    with gzip.open(table.open("rb"), "rt", encoding="utf-8") as fh:
        return sorted({line.split(",")[0] for line in fh if line.split(",")[1:2] == ["verb"]})


def main() -> None:
    rows = []
    for lemma in verbs():
        forms = getInflection(lemma, tag="VBN")
        if forms and forms[0] != regular_vbn(lemma):
            rows.append(f"{lemma}\t{forms[0]}")
    header = ("# lemma<TAB>past participle, where the regular rule is wrong; written by tools/make_participles.py\n"
              "# from lemminflect's table (AGID data by Kevin Atkinson). Do not edit by hand.\n")
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} participles -> {OUT}")


if __name__ == "__main__":
    main()
