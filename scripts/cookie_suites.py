"""Print how many vectors of each reference cookie suite tagsig agrees with.

Usage: ``python scripts/cookie_suites.py [-v]`` from the repository root; ``-v`` also lists
the disagreeing vectors. The suites and their named disagreements are those of
``tests/test_cookie_suites.py``. To measure another checkout's parser, put its ``src`` first
on ``PYTHONPATH``: a tree older than ``read_set_cookie`` is measured through
``parse_set_cookie``, without the request scheme it did not take.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagsig._inputs.cookies import setcookie
from tagsig._inputs.models import Cookie

if not hasattr(setcookie, "read_set_cookie"):

    def _read_set_cookie(
        header: str,
        *,
        seen: datetime | None,
        request_host: str,
        request_path: str | None = None,
        request_scheme: str | None = None,
        entry: int | None = None,
        file: str | None = None,
    ) -> Cookie | str:
        del request_scheme  # not taken by the older parser
        cookie = setcookie.parse_set_cookie(
            header,
            seen=seen,
            request_host=request_host,
            request_path=request_path,
            entry=entry,
            file=file,
        )
        return "ignored" if cookie is None else cookie

    setcookie.read_set_cookie = _read_set_cookie

from tests.test_cookie_suites import SUITE_RESULTS, disagreements


def main() -> int:
    """Print one line per suite; return 0."""
    print(f"tagsig from {Path(setcookie.__file__).parents[1]}")
    for name, (run, _) in sorted(SUITE_RESULTS.items()):
        ran, differ = disagreements(run())
        print(f"{name}: {ran} vectors, {ran - len(differ)} agreed, {len(differ)} disagreed")
        if "-v" in sys.argv:
            for vector in sorted(differ):
                print(f"    {vector[:120]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
