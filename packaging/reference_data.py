"""What the generators of our data tables share: where the public reference data is, and the command line.

packaging/build_pcmn.py (chart of accounts) and packaging/build_nbb.py (NBB rubrics) read the
reference folder (EQUISIS_REFERENCE_DIR, default ../shared/belgium beside the checkout) and
write our own CSV tables into the package; ``--check`` says whether the committed tables are stale.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def reference_dir(subfolder: str) -> Path:
    base = os.environ.get("EQUISIS_REFERENCE_DIR") or str(ROOT.parent / "shared" / "belgium")
    return Path(base) / subfolder


def run(argv: list[str], ref: Path, build: Callable[[Path], dict[Path, str]], data_dir: Path) -> int:
    """Write the tables ``build(ref)`` returns, or with ``--check`` report those that differ."""
    if not ref.is_dir():
        print(f"reference folder {ref} not found (set EQUISIS_REFERENCE_DIR)", file=sys.stderr)
        return 2
    built = build(ref)
    if "--check" in argv:
        stale = [p for p, text in built.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} differs from a rebuild", file=sys.stderr)
        return 1 if stale else 0
    data_dir.mkdir(parents=True, exist_ok=True)
    for path, text in built.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({text.count(chr(10)) - 1} rows)")
    return 0
