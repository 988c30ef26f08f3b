"""python -m pipeline.synth --out DIR --n N --seed S"""
from __future__ import annotations

import argparse
from pathlib import Path

from .generate import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.synth", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="output folder")
    ap.add_argument("--n", type=int, default=10, help="number of documents")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="gen_", help="file name prefix (gen_0001.pdf ...)")
    args = ap.parse_args(argv)
    for p in generate(args.out, args.n, args.seed, args.prefix):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
