"""How far below ``orjson.loads`` can any reader into tagsig's model go? A lower bound.

Usage::

    python benchmarks/bench_floor.py [HAR] [--entries N] [--repeat R]

Compares, in fresh processes with bytecode cached, the CPU time of:

- ``orjson.loads`` of the file (the reference of ``bench_analyze.py``);
- a *floor* reader: msgspec decodes the log in one pass, leaving headers and cookies as
  raw JSON, and one ``tagsig.Entry`` is built per request with its start time and page
  but no URL split, headers, cookies, initiator or timings.

No analysis can read a capture into one immutable object per request for less than the
floor: what tagsig's reader adds on top of it is the model's content. Printed: the floor
as a multiple of the ``orjson.loads`` process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "tools" / "gen_har.py"

_FLOOR = """
import gc, sys
gc.disable()
from datetime import datetime
import msgspec
from tagsig._models import Entry, Headers, Url

class Request(msgspec.Struct):
    url: str
    headers: msgspec.Raw = msgspec.Raw(b"[]")
    cookies: msgspec.Raw = msgspec.Raw(b"[]")

class Response(msgspec.Struct):
    status: float | None = None
    headers: msgspec.Raw = msgspec.Raw(b"[]")
    cookies: msgspec.Raw = msgspec.Raw(b"[]")

class Item(msgspec.Struct):
    startedDateTime: str
    request: Request
    response: Response | None = None
    pageref: str | None = None

class Log(msgspec.Struct):
    entries: list[Item]

class Har(msgspec.Struct):
    log: Log

log = msgspec.json.decode(open(sys.argv[1], "rb").read(), type=Har).log
url, headers = Url(raw="", scheme="", host="", port=None), Headers(())
entries = tuple(
    Entry(index=index, pageref=item.pageref, started=datetime.fromisoformat(
              item.startedDateTime), time=0.0, method="GET", url=url, http_version="",
          status=0, request_headers=headers, response_headers=headers, request_cookies=(),
          response_cookies=(), post_data=None, mime_type="", request_headers_size=None,
          request_body_size=None, response_headers_size=None, response_body_size=None,
          content_size=None, transfer_size=None, timings=None, server_ip=None,
          connection=None, initiator=None, resource_type=None, redirect_url=None,
          error=None, from_cache=False)
    for index, item in enumerate(log.entries)
)
"""
_ORJSON = "import sys, orjson; orjson.loads(open(sys.argv[1], 'rb').read())"
_MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
            "r = resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_utime + r.ru_stime)")


def _cpu(code: str, path: Path, env: dict[str, str]) -> float:
    result = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-c", code,
                             str(path)], check=True, capture_output=True, text=True, env=env)
    return float(result.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
        path = args.file
        if path is None:
            if not GENERATOR.is_file():
                sys.exit("no HAR given and no generator at ../shared/tools/gen_har.py")
            path = Path(folder) / "synthetic.har"
            subprocess.run([sys.executable, str(GENERATOR), str(path), str(args.entries),
                            "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        _cpu(_FLOOR, path, env)  # write the bytecode
        floor = min(_cpu(_FLOOR, path, env) for _ in range(args.repeat))
        base = min(_cpu(_ORJSON, path, env) for _ in range(args.repeat))
        print(f"capture: {path.stat().st_size / 1e6:.1f} MB")
        print(f"floor reader process / orjson.loads process (CPU time): {floor / base:.2f}")


if __name__ == "__main__":
    main()
