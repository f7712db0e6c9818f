"""Start-up of the command line on a small capture, against reading the same file.

Usage::

    python benchmarks/bench_start.py [--repeat R] [--capture FILE] [--top N]

Each command runs R times (default 7) in a fresh process, the commands taking turns; the
best wall time and the best CPU time (user plus system, as the machine may be shared) of
each are printed:

- ``tagsig``: ``tagsig analyze FILE --format json`` (default ``examples/shop.har``), the
  output discarded;
- ``json.load``: ``python -c 'import json; json.load(open(FILE))'``;
- ``pass``: ``python -c pass``, the bare interpreter;

then the ratio of ``tagsig`` to ``json.load`` (the target is at most 5). Then the N
(default 15) modules of the run that take the longest to import by themselves
(``python -X importtime``, best of R), and the time of each phase of the run, each measured
in turn in a fresh interpreter (best of R): importing the command line, loading the
bundled signature database, compiling its matcher, reading the Public Suffix List,
resolving the language, reading the capture, the analysis and rendering JSON. The last
line lists the third-party packages a JSON run imports.

The commands run as a user's would: bytecode is written and read (``PYTHONDONTWRITEBYTECODE``
is removed from their environment, ``--as-is`` keeps it), each command running once before
it is timed. To measure another checkout with this one's environment, put its ``src`` first
on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
_PHASES = (
    ("import CLI", "import tagsig._cli.main"),
    ("load DB", "from tagsig._signatures.load import load_signatures; db = load_signatures()"),
    ("compile matcher", "from tagsig._signatures.match import Matcher; Matcher.compile(db)"),
    ("PSL", "from tagsig._inputs.psl import public_suffix_list; public_suffix_list()"),
    ("i18n", "from tagsig._i18n import resolve_language; resolve_language(None)"),
    ("read", "from tagsig._inputs.har.reader import load_har; capture = load_har(PATH)"),
    ("analyse", "from tagsig._analysis.analyze import analyze; report = analyze([capture])"),
    ("render", "from tagsig._render.formats import render; render(report, 'json')"),
)
_PHASE_SCRIPT = """
import sys, time, json
PATH = sys.argv[1]
times = {}
for name, code in json.loads(sys.argv[2]):
    start, cpu = time.perf_counter(), time.process_time()
    exec(code)
    times[name] = (time.perf_counter() - start, time.process_time() - cpu)
print(json.dumps(times))
"""
_MODULES_SCRIPT = """
import sys
from tagsig._cli.main import main
sys.stdout = open('/dev/null', 'w')
main(['analyze', sys.argv[1], '--format', 'json'])
sys.stdout = sys.__stdout__
print(' '.join(sorted({m.partition('.')[0] for m in sys.modules})))
"""


def _tagsig() -> list[str]:
    found = Path(sys.executable).with_name("tagsig")
    return [str(found)] if found.is_file() else [sys.executable, "-m", "tagsig"]


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command``; return its wall time and the CPU time of the process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=_ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _importtime(command: list[str], repeat: int, env: dict[str, str]) -> dict[str, int]:
    """Return the best self time (microseconds) of each module that ``command`` imports."""
    best: dict[str, int] = {}
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *command],
            check=True,
            capture_output=True,
            text=True,
            cwd=_ROOT,
            env=env,
        )
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            own, _, name = line.removeprefix("import time:").split("|")
            module = name.strip()
            best[module] = min(best.get(module, 1 << 62), int(own))
    return best


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--capture", default="examples/shop.har")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument(
        "--as-is", action="store_true", help="keep PYTHONDONTWRITEBYTECODE if it is set"
    )
    args = parser.parse_args()
    env = dict(os.environ)
    if not args.as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    capture = str((_ROOT / args.capture).resolve())
    commands = {
        "tagsig": [*_tagsig(), "analyze", capture, "--format", "json"],
        "json.load": [
            sys.executable,
            "-c",
            f"import json; json.load(open({capture!r}, encoding='utf-8'))",
        ],
        "pass": [sys.executable, "-c", "pass"],
    }
    for command in commands.values():
        _run(command, env)
    walls: dict[str, float] = {}
    cpus: dict[str, float] = {}
    for _ in range(args.repeat):
        for name, command in commands.items():
            wall, cpu = _run(command, env)
            walls[name] = min(walls.get(name, wall), wall)
            cpus[name] = min(cpus.get(name, cpu), cpu)
    print(f"best of {args.repeat}, {args.capture}:")
    for name in commands:
        print(f"  {name:10s} wall {walls[name] * 1000:7.1f} ms   cpu {cpus[name] * 1000:7.1f} ms")
    print(
        f"  ratio tagsig / json.load: wall {walls['tagsig'] / walls['json.load']:.1f}x, "
        f"cpu {cpus['tagsig'] / cpus['json.load']:.1f}x (target: at most 5x)"
    )

    own = _importtime(["-m", "tagsig", "analyze", capture, "--format", "json"], args.repeat, env)
    print(f"\nslowest imports (self time, -X importtime, best of {args.repeat}):")
    for module, micros in sorted(own.items(), key=lambda item: -item[1])[: args.top]:
        print(f"  {micros / 1000:7.1f} ms  {module}")
    print(f"  {sum(own.values()) / 1000:7.1f} ms  all {len(own)} modules")

    phases: dict[str, tuple[float, float]] = {}
    script = [sys.executable, "-c", _PHASE_SCRIPT, capture, json.dumps(_PHASES)]
    for _ in range(args.repeat):
        done = subprocess.run(
            script,
            check=True,
            capture_output=True,
            text=True,
            cwd=_ROOT,
            env={**env, "LANG": "C.UTF-8"},
        )
        for name, (wall, cpu) in json.loads(done.stdout).items():
            best_wall, best_cpu = phases.get(name, (wall, cpu))
            phases[name] = (min(best_wall, wall), min(best_cpu, cpu))
    print(f"\nphases (each in turn in one interpreter, best of {args.repeat}):")
    for name, (wall, cpu) in phases.items():
        print(f"  wall {wall * 1000:7.1f} ms   cpu {cpu * 1000:7.1f} ms  {name}")
    print(
        f"  wall {sum(w for w, _ in phases.values()) * 1000:7.1f} ms   "
        f"cpu {sum(c for _, c in phases.values()) * 1000:7.1f} ms  total"
    )

    done = subprocess.run(
        [sys.executable, "-c", _MODULES_SCRIPT, capture],
        check=True,
        capture_output=True,
        text=True,
        cwd=_ROOT,
        env=env,
    )
    packages = {
        name
        for name in set(done.stdout.split()) - set(sys.stdlib_module_names)
        if not name.startswith("_") and name != "tagsig"
    }
    print(f"\nthird-party packages a JSON run imports: {', '.join(sorted(packages))}")


if __name__ == "__main__":
    main()
