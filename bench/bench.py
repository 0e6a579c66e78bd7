"""make bench: msgprof against the floor any Python tool has (plain requests) and curl.

Starts the sandbox, runs every command side by side (round-robin, after a warm-up), and prints a
Markdown table of median wall time, the ratio to the plain requests script, and peak memory
(max RSS of the process, from wait4).  The machine is shared and noisy: only medians and ratios
measured in the same run are reported, never single timings.

    python bench/bench.py [--runs N] [--apply-profiles N] [--scale N,N] [--out FILE]

Also: `create --json` against the sandbox with 50 ms of latency beside the plain script against the
same sandbox, the number of requests one create makes (counted from its --debug trace), and
validate / plan / apply --dry-run of one file holding 1,000 and 10,000 profiles (plan and apply
against a sandbox that already holds them all), with the ratio of the two sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SAMPLE = ROOT / "sample-configs" / "valid" / "full.yaml"
SAMPLE_JSON = ROOT / "sample-configs" / "valid" / "full.json"
MSGPROF = [PY, "-m", "msgprof_cli"]
# Every module `msgprof create -f FILE --json` imports (its -X importtime), without running it.
CREATE_IMPORTS = (
    "import requests, typer, yaml, msgprof_cli.cli.profiles, msgprof_cli.api.create_once, msgprof_cli.api.client"
)

PLAIN = r"""
import json, os, sys
import requests
body = json.load(open(sys.argv[1]))
r = requests.post(os.environ["TELNYX_BASE_URL"] + "/messaging_profiles", json=body, timeout=30,
                  headers={"Authorization": "Bearer " + os.environ["TELNYX_API_KEY"]})
r.raise_for_status()
print(json.dumps(r.json()["data"]))
"""


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run."""
    start = time.perf_counter()
    # cwd outside the repository, so `python -m msgprof_cli` runs the installed package
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tempfile.gettempdir())
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}): {err[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def start_sandbox(*extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [*MSGPROF, "sandbox", "--port", "0", *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("export TELNYX_BASE_URL="):
        proc.kill()
        raise SystemExit("bench: the sandbox did not start")
    return proc, line.strip().split("=", 1)[1]


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def bench_commands(runs: int, warmup: int) -> list[dict[str, object]]:
    sandbox, url = start_sandbox()
    tmp = Path(tempfile.mkdtemp(prefix="msgprof-bench-"))
    try:
        env = {**os.environ, "TELNYX_BASE_URL": url, "TELNYX_API_KEY": "bench-key", "NO_COLOR": "1"}
        for k in ("MSGPROF_ACCOUNT", "MSGPROF_CONFIG"):
            env.pop(k, None)
        body = tmp / "body.json"
        from msgprof_cli.document.loading import load_document
        from msgprof_cli.document.validation import validate

        body.write_text(json.dumps(validate(load_document(str(SAMPLE))).payload))
        plain = tmp / "plain.py"
        plain.write_text(PLAIN)
        cases: list[tuple[str, list[str]]] = [
            ("plain requests script (the floor)", [PY, str(plain), str(body)]),
            ("msgprof create -f sample --json", [*MSGPROF, "create", "-f", str(SAMPLE), "--json"]),
            ("msgprof create -f sample --dry-run", [*MSGPROF, "create", "-f", str(SAMPLE), "--dry-run"]),
            ("msgprof validate sample", [*MSGPROF, "validate", str(SAMPLE)]),
            # the same profile as JSON: no YAML parser to import
            ("msgprof create -f sample.json --json", [*MSGPROF, "create", "-f", str(SAMPLE_JSON), "--json"]),
            ("msgprof validate sample.json", [*MSGPROF, "validate", str(SAMPLE_JSON)]),
            ("msgprof schema", [*MSGPROF, "schema"]),
            ("msgprof --version", [*MSGPROF, "--version"]),
            ("msgprof --help", [*MSGPROF, "--help"]),
            # the cost breakdown: what the fixed parts of every run cost on this machine, in this run
            ("breakdown: python start-up alone", [PY, "-c", "pass"]),
            ("breakdown: python -c 'import requests'", [PY, "-c", "import requests"]),
            ("breakdown: python -c 'import typer'", [PY, "-c", "import typer"]),
            ("breakdown: python -c 'import yaml'", [PY, "-c", "import yaml"]),
            # what msgprof's start-up adds to the floor's own import of requests, layer by layer
            ("breakdown: python -c 'import requests, typer'", [PY, "-c", "import requests, typer"]),
            ("breakdown: ... + yaml + every module create imports", [PY, "-c", CREATE_IMPORTS]),
        ]
        curl = shutil.which("curl")
        if curl:
            cases.insert(
                1,
                (
                    "curl",
                    [
                        curl,
                        "-sf",
                        "-o",
                        "/dev/null",
                        "-X",
                        "POST",
                        "-H",
                        "Authorization: Bearer k",
                        "-H",
                        "Content-Type: application/json",
                        "--data-binary",
                        f"@{body}",
                        url + "/messaging_profiles",
                    ],
                ),
            )
        times: dict[str, list[float]] = {name: [] for name, _ in cases}
        mem: dict[str, list[float]] = {name: [] for name, _ in cases}
        for i in range(warmup + runs):
            for name, cmd in cases:  # round-robin: all commands see the same machine load
                t, m = run_once(cmd, env)
                if i >= warmup:
                    times[name].append(t)
                    mem[name].append(m)
        return [
            {"name": name, "median": statistics.median(times[name]), "peak_mib": max(mem[name]), "runs": runs}
            for name, _ in cases
        ]
    finally:
        stop(sandbox)
        shutil.rmtree(tmp, ignore_errors=True)


def bench_apply(profiles: int, latency_ms: int, parallels: list[int], repeats: int) -> list[dict[str, object]]:
    tmp = Path(tempfile.mkdtemp(prefix="msgprof-bench-apply-"))
    doc = tmp / "bulk.yaml"
    doc.write_text("".join(f"- name: Bench {i:04}\n  whitelisted_destinations: [US]\n" for i in range(profiles)))
    out = []
    try:
        for parallel in parallels:
            samples = []
            for _ in range(repeats):
                sandbox, url = start_sandbox("--latency", str(latency_ms))  # fresh: every profile is a create
                try:
                    env = {**os.environ, "TELNYX_BASE_URL": url, "TELNYX_API_KEY": "bench-key"}
                    t, _ = run_once([*MSGPROF, "apply", "-f", str(doc), "--parallel", str(parallel), "--json"], env)
                    samples.append(t)
                finally:
                    stop(sandbox)
            ideal = profiles * latency_ms / 1000 / parallel
            out.append(
                {
                    "name": f"msgprof apply {profiles} profiles, --latency {latency_ms}, --parallel {parallel}",
                    "median": statistics.median(samples),
                    "ideal": ideal,
                    "parallel": parallel,
                }
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def count_requests(cmd: list[str], env: dict[str, str]) -> int:
    """Requests one run made, counted from its --debug trace (one `> METHOD URL` line each)."""
    done = subprocess.run([*cmd, "--debug"], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({done.returncode}): {done.stderr[-500:]}")
    methods = ("GET", "POST", "PATCH", "DELETE")
    lines = done.stderr.splitlines()
    return sum(1 for line in lines if line.startswith("debug: > ") and line[9:].split(" ")[0] in methods)


def bench_latency_create(runs: int, warmup: int, latency_ms: int = 50) -> list[dict[str, object]]:
    """create --json and the plain script, round-robin, against one sandbox with API latency."""
    sandbox, url = start_sandbox("--latency", str(latency_ms))
    tmp = Path(tempfile.mkdtemp(prefix="msgprof-bench-latency-"))
    try:
        env = {**os.environ, "TELNYX_BASE_URL": url, "TELNYX_API_KEY": "bench-key", "NO_COLOR": "1"}
        body = tmp / "body.json"
        body.write_text(SAMPLE_JSON.read_text())
        plain = tmp / "plain.py"
        plain.write_text(PLAIN)
        create_json = [*MSGPROF, "create", "-f", str(SAMPLE_JSON), "--json"]
        cases = [
            (f"plain requests script, --latency {latency_ms}", [PY, str(plain), str(body)]),
            (f"msgprof create -f sample.json --json, --latency {latency_ms}", create_json),
            (
                f"msgprof create -f sample --json, --latency {latency_ms}",
                [*MSGPROF, "create", "-f", str(SAMPLE), "--json"],
            ),  # noqa: E501
        ]
        times: dict[str, list[float]] = {name: [] for name, _ in cases}
        for i in range(warmup + runs):
            for name, cmd in cases:
                t, _ = run_once(cmd, env)
                if i >= warmup:
                    times[name].append(t)
        per_create = count_requests(create_json, env)
        return [{"name": n, "median": statistics.median(times[n]), "requests": per_create} for n, _ in cases]
    finally:
        stop(sandbox)
        shutil.rmtree(tmp, ignore_errors=True)


def scale_file(n: int, tmp: Path) -> Path:
    doc = tmp / f"profiles-{n}.yaml"
    doc.write_text("".join(f"- name: Scale {i:05}\n  whitelisted_destinations: [US, CA]\n" for i in range(n)))
    return doc


def bench_scale(sizes: list[int], runs: int) -> list[dict[str, object]]:
    tmp = Path(tempfile.mkdtemp(prefix="msgprof-bench-scale-"))
    out: dict[str, dict[int, tuple[float, float]]] = {}
    try:
        for n in sizes:
            doc = scale_file(n, tmp)
            sandbox, url = start_sandbox()
            try:
                env = {**os.environ, "TELNYX_BASE_URL": url, "TELNYX_API_KEY": "bench-key", "NO_COLOR": "1"}
                # make every profile live first, so plan and apply --dry-run compare all of them (unchanged)
                run_once([*MSGPROF, "apply", "-f", str(doc), "--parallel", "8", "--json"], env)
                cases = [
                    ("msgprof validate FILE", [*MSGPROF, "validate", str(doc)]),
                    ("msgprof plan -f FILE (all live, unchanged)", [*MSGPROF, "plan", "-f", str(doc)]),
                    ("msgprof apply -f FILE --dry-run", [*MSGPROF, "apply", "-f", str(doc), "--dry-run"]),
                ]
                samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in cases}
                for _ in range(runs):
                    for name, cmd in cases:
                        samples[name].append(run_once(cmd, env))
                for name, _ in cases:
                    out.setdefault(name, {})[n] = (
                        statistics.median(t for t, _ in samples[name]),
                        max(m for _, m in samples[name]),
                    )
            finally:
                stop(sandbox)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [{"name": name, "by_size": by_size} for name, by_size in out.items()]


# ---------------------------------------------------------------------- scale (issue 21)

PLAIN_APPLY = r"""
import json, os, sys
from concurrent.futures import ThreadPoolExecutor
import requests
docs = json.load(open(sys.argv[1]))
s = requests.Session()
s.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=8))
h = {"Authorization": "Bearer " + os.environ["TELNYX_API_KEY"]}
def post(d):
    s.post(os.environ["TELNYX_BASE_URL"] + "/messaging_profiles", json=d, headers=h, timeout=30).raise_for_status()
with ThreadPoolExecutor(8) as pool:
    list(pool.map(post, docs))
"""

# The floor of apply with numbers: 8 threads, each POSTing a profile, then PATCHing its numbers onto
# it, by their ids (argv[2], a map number -> id that the script is given, not looked up: no reads at all).
PLAIN_APPLY_NUMBERS = r"""
import json, os, sys
from concurrent.futures import ThreadPoolExecutor
import requests
docs, ids = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
s = requests.Session()
s.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=8))
h = {"Authorization": "Bearer " + os.environ["TELNYX_API_KEY"]}
url = os.environ["TELNYX_BASE_URL"]
def one(d):
    body = {k: v for k, v in d.items() if k != "phone_numbers"}
    r = s.post(url + "/messaging_profiles", json=body, headers=h, timeout=30)
    r.raise_for_status()
    pid = r.json()["data"]["id"]
    for n in d.get("phone_numbers", []):
        path = url + "/phone_numbers/" + ids[n] + "/messaging"
        s.patch(path, json={"messaging_profile_id": pid}, headers=h, timeout=30).raise_for_status()
with ThreadPoolExecutor(8) as pool:
    list(pool.map(one, docs))
"""


def _numbers(n: int, prefix: str = "+1312") -> list[str]:
    return [f"{prefix}{i:07d}" for i in range(n)]


def _profiles_state(n: int) -> dict[str, object]:
    """A state file holding n profiles as the sandbox makes them (one made, the rest copies)."""
    import uuid

    from msgprof_cli.sandbox import profiles
    from msgprof_cli.sandbox.state import State

    first = profiles.create(State(None, numbers=[]), {"name": "Scale 00000", "whitelisted_destinations": ["US"]})
    made = [{**first, "id": str(uuid.uuid4()), "name": f"Scale {i:05}"} for i in range(n)]
    return {"profiles": made, "phone_numbers": []}


def _row(name: str, value: str, ratio: str = "", target: str = "", met: object = "") -> dict[str, object]:
    return {"name": name, "value": value, "ratio": ratio, "target": target, "met": met}


def _with_sandbox(state: Path | None, latency: int, work: Callable[[str, dict[str, str]], object]) -> object:
    extra = ["--latency", str(latency)] + (["--state", str(state)] if state else [])
    sandbox, url = start_sandbox(*extra)
    try:
        env = {**os.environ, "TELNYX_BASE_URL": url, "TELNYX_API_KEY": "bench-key", "NO_COLOR": "1"}
        return work(url, env)
    finally:
        stop(sandbox)


def bench_issue21(repeats: int, latency: int = 50) -> list[dict[str, object]]:
    """The rows of issue 21, each a ratio of two measurements made side by side in this run."""
    tmp = Path(tempfile.mkdtemp(prefix="msgprof-bench-21-"))
    rows: list[dict[str, object]] = []
    try:
        rows += _bench_plan_numbers(tmp, repeats, latency)
        rows += _bench_list_all(tmp, repeats, latency)
        rows += _bench_sandbox_writes(tmp, repeats)
        rows += _bench_apply_plain(tmp, repeats, latency)
        rows += _bench_apply_numbers(tmp, repeats, latency)
        rows += _bench_assign(tmp, latency)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _docs(n: int, per: int) -> list[dict[str, object]]:
    pool = _numbers(n * per)
    out: list[dict[str, object]] = []
    for i in range(n):
        doc: dict[str, object] = {"name": f"Bench {i:04}", "whitelisted_destinations": ["US"]}
        if per:
            doc["phone_numbers"] = pool[i * per : (i + 1) * per]
        out.append(doc)
    return out


def _bench_plan_numbers(tmp: Path, repeats: int, latency: int) -> list[dict[str, object]]:
    with_numbers, without = tmp / "plan-with.json", tmp / "plan-without.json"
    with_numbers.write_text(json.dumps(_docs(200, 2)))
    without.write_text(json.dumps(_docs(200, 0)))
    state = tmp / "plan-state.json"
    state.write_text(json.dumps({"phone_numbers": _numbers(400)}))
    seed = [*MSGPROF, "apply", "-f", str(with_numbers), "--parallel", "8"]  # the account: 200 profiles, 2 numbers each
    _with_sandbox(state, 0, lambda url, env: run_once(seed, env))

    def work(url: str, env: dict[str, str]) -> list[dict[str, object]]:
        cmds = {
            "plan of 200 profiles × 2 numbers": [*MSGPROF, "plan", "-f", str(with_numbers)],
            "plan of the same 200 profiles without numbers": [*MSGPROF, "plan", "-f", str(without)],
        }
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(repeats):
            for k, cmd in cmds.items():
                times[k].append(run_once(cmd, env)[0])
        (a, ta), (b, tb) = ((k, statistics.median(v)) for k, v in times.items())
        requests = count_requests(cmds[a], env)
        target = "≤ 1.5 × without numbers, ≤ 12 requests"
        met = ta <= 1.5 * tb and requests <= 12
        return [
            _row(b, f"{tb:.2f} s", "1.00 ×"),
            _row(a, f"{ta:.2f} s, {requests} requests", f"{ta / tb:.2f} ×", target, met),
        ]

    return _with_sandbox(state, latency, work)  # type: ignore[return-value]


def _bench_list_all(tmp: Path, repeats: int, latency: int) -> list[dict[str, object]]:
    state = tmp / "list-state.json"
    state.write_text(json.dumps(_profiles_state(10_000)))

    def work(url: str, env: dict[str, str]) -> list[dict[str, object]]:
        one = [*MSGPROF, "list", "--limit", "1", "--json"]
        every = [*MSGPROF, "list", "--all", "--json"]
        t1s, tas, mem = [], [], 0.0
        for _ in range(repeats):
            t1s.append(run_once(one, env)[0])
            t, m = run_once(every, env)
            tas.append(t)
            mem = max(mem, m)
        t1, ta = statistics.median(t1s), statistics.median(tas)
        return [
            {"name": "list --limit 1 (10,000 profiles)", "value": f"{t1:.2f} s", "ratio": "", "target": "", "met": ""},
            {
                "name": "list --all of 10,000 profiles",
                "value": f"{ta:.2f} s, {count_requests(every, env)} requests",
                "ratio": f"+{ta - t1:.2f} s",
                "target": "≤ 1.0 s beyond list --limit 1",
                "met": ta - t1 <= 1.0,
            },
            {
                "name": "peak memory, list --all of 10,000 profiles",
                "value": f"{mem:.1f} MiB",
                "ratio": "",
                "target": "≤ 120 MiB",
                "met": mem <= 120,
            },
        ]

    return _with_sandbox(state, latency, work)  # type: ignore[return-value]


def _bench_sandbox_writes(tmp: Path, repeats: int, writes: int = 200) -> list[dict[str, object]]:
    """The same writes (profile creates from one session) against --state files of 10 and 10,000
    numbers, with no latency: what each write costs the sandbox itself."""
    import requests

    def work(url: str, env: dict[str, str]) -> float:
        with requests.Session() as s:
            start = time.perf_counter()
            for i in range(writes):
                body = {"name": f"W {i}", "whitelisted_destinations": ["US"]}
                auth = {"Authorization": "Bearer k"}
                answer = s.post(url + "/messaging_profiles", json=body, headers=auth, timeout=30)
                answer.raise_for_status()
            return (time.perf_counter() - start) / writes

    per: dict[int, list[float]] = {10: [], 10_000: []}
    for _ in range(repeats):
        for n in per:
            state = tmp / f"writes-{n}.json"
            state.write_text(json.dumps({"phone_numbers": _numbers(n)}))
            per[n].append(_with_sandbox(state, 0, work))  # type: ignore[arg-type]
    small, big = statistics.median(per[10]), statistics.median(per[10_000])
    return [
        _row("sandbox write, --state with 10 numbers", f"{small * 1000:.2f} ms", "1.00 ×"),
        {
            "name": "sandbox write, --state with 10,000 numbers",
            "value": f"{big * 1000:.2f} ms",
            "ratio": f"{big / small:.2f} ×",
            "target": "≤ 2 × with 10",
            "met": big <= 2 * small,
        },
    ]


def _fresh_apply(
    doc: Path, state_seed: str | None, tmp: Path, latency: int, cmd_of: Callable[[Path], list[str]]
) -> float:
    state = None
    if state_seed is not None:
        state = tmp / "apply-state.json"
        state.write_text(state_seed)  # a fresh account for every run: every profile is a create
    return _with_sandbox(state, latency, lambda url, env: run_once(cmd_of(doc), env)[0])  # type: ignore[return-value]


def _bench_apply_plain(tmp: Path, repeats: int, latency: int) -> list[dict[str, object]]:
    doc = tmp / "apply.json"
    doc.write_text(json.dumps(_docs(200, 0)))
    plain = tmp / "plain_apply.py"
    plain.write_text(PLAIN_APPLY)
    apply_ = lambda d: [*MSGPROF, "apply", "-f", str(d), "--parallel", "8"]  # noqa: E731
    script = lambda d: [PY, str(plain), str(d)]  # noqa: E731
    ts, tp = [], []
    for _ in range(repeats):
        tp.append(_fresh_apply(doc, None, tmp, latency, script))
        ts.append(_fresh_apply(doc, None, tmp, latency, apply_))
    a, p = statistics.median(ts), statistics.median(tp)
    return [
        _row("plain 8-thread requests script, 200 POSTs", f"{p:.2f} s", "1.00 ×"),
        {
            "name": "apply 200 profiles --parallel 8",
            "value": f"{a:.2f} s",
            "ratio": f"{a / p:.2f} ×",
            "target": "≤ 1.25 × the script (moonshot 1.10 ×)",
            "met": a <= 1.25 * p,
        },
    ]


def _bench_apply_numbers(tmp: Path, repeats: int, latency: int) -> list[dict[str, object]]:
    """apply of 200 new profiles x 2 numbers beside the plain 8-thread script making the same 200
    POSTs and 400 PATCHes (its floor: the API has no cross-profile bulk write), start-up included."""
    from msgprof_cli.sandbox.state import number_record

    with_numbers = tmp / "apply-with.json"
    with_numbers.write_text(json.dumps(_docs(200, 2)))
    seed = json.dumps({"phone_numbers": _numbers(400)})
    ids = tmp / "number-ids.json"
    ids.write_text(json.dumps({n: number_record(n)["id"] for n in _numbers(400)}))
    plain = tmp / "plain_apply_numbers.py"
    plain.write_text(PLAIN_APPLY_NUMBERS)
    apply_ = lambda d: [*MSGPROF, "apply", "-f", str(d), "--parallel", "8"]  # noqa: E731
    script = lambda d: [PY, str(plain), str(d), str(ids)]  # noqa: E731
    tw, tp = [], []
    for _ in range(repeats):
        tp.append(_fresh_apply(with_numbers, seed, tmp, latency, script))
        tw.append(_fresh_apply(with_numbers, seed, tmp, latency, apply_))
    w, p = statistics.median(tw), statistics.median(tp)
    loop = statistics.median(_fresh_apply(with_numbers, seed, tmp, 0, apply_) for _ in range(repeats))
    return [
        _row("apply 200 profiles × 2 numbers, --parallel 8, no latency", f"{loop:.2f} s", "", "seconds", loop <= 5),
        _row("plain 8-thread requests script, 200 POSTs + 400 PATCHes", f"{p:.2f} s", "1.00 ×"),
        {
            "name": "apply 200 profiles × 2 numbers --parallel 8",
            "value": f"{w:.2f} s",
            "ratio": f"{w / p:.2f} ×",
            "target": "≤ 1.25 × the script (moonshot 1.10 ×)",
            "met": w <= 1.25 * p,
        },
    ]


def _bench_assign(tmp: Path, latency: int) -> list[dict[str, object]]:
    """numbers assign of 10,000 numbers, once: all assigned, each reported, within 120 s."""
    numbers = _numbers(10_000)
    state = tmp / "assign-state.json"
    state.write_text(json.dumps({"phone_numbers": numbers}))
    listing = tmp / "10k.txt"
    listing.write_text("\n".join(numbers) + "\n")

    def work(url: str, env: dict[str, str]) -> dict[str, object]:
        run_once([*MSGPROF, "create", "--name", "Assign", "--whitelist", "US", "--json"], env)
        start = time.perf_counter()
        done = subprocess.run(
            [*MSGPROF, "numbers", "assign", "Assign", "-f", str(listing), "--json"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),
            timeout=600,
        )
        took = time.perf_counter() - start
        try:
            report = json.loads(done.stdout or "null")
        except ValueError:
            report = None
        items = report if isinstance(report, list) else []
        if isinstance(report, dict):
            items = report.get("items") or []  # the report: {"items": [...], "summary": {...}}
        assigned = sum(1 for r in items if isinstance(r, dict) and r.get("result") == "assigned")
        value = f"{took:.1f} s, exit {done.returncode}, {len(items):,} reported, {assigned:,} assigned"
        met = done.returncode == 0 and assigned == len(numbers) and len(items) == len(numbers) and took <= 120
        return _row("numbers assign of 10,000 numbers", value, "", "all assigned, each reported, ≤ 120 s", met)

    return [_with_sandbox(state, latency, work)]  # type: ignore[list-item]


# --------------------------------------------------------------------------- issue 29: doctor's cost


def _run_counted(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 9)) -> tuple[float, int]:
    """Wall seconds and the requests one run made (its --debug trace); doctor exits 0 or 9."""
    start = time.perf_counter()
    done = subprocess.run([*cmd, "--debug"], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    took = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({done.returncode}): {done.stderr[-500:]}")
    methods = ("GET", "POST", "PATCH", "PUT", "DELETE")
    lines = done.stderr.splitlines()
    return took, sum(1 for line in lines if line.startswith("debug: > ") and line[9:].split(" ")[0] in methods)


def _doctor_state(n: int, campaigns: int, brands: int) -> tuple[dict[str, object], list[str]]:
    """One profile holding n US long codes, each assigned (ASSIGNED) to one of the campaigns."""
    state = _profiles_state(1)
    pid = state["profiles"][0]["id"]  # type: ignore[index]
    numbers = _numbers(n, "+1646")
    state["phone_numbers"] = [{"phone_number": x, "messaging_profile_id": pid} for x in numbers]
    state["brands"] = [{"brandId": f"b-{i}", "identityStatus": "VERIFIED", "status": "OK"} for i in range(brands)]
    state["campaigns"] = [
        {"campaignId": f"c-{i}", "brandId": f"b-{i % brands}", "campaignStatus": "MNO_PROVISIONED", "status": "ACTIVE"}
        for i in range(campaigns)
    ]
    state["phone_number_campaigns"] = [
        {
            "phoneNumber": x,
            "campaignId": f"c-{i % campaigns}",
            "brandId": f"b-{i % campaigns % brands}",
            "assignmentStatus": "ASSIGNED",
        }
        for i, x in enumerate(numbers)
    ]
    return state, numbers


def bench_doctor(
    repeats: int, latency: int = 50, n: int = 10_000, campaigns: int = 4, brands: int = 2
) -> list[dict[str, object]]:
    """Issue 29's rows: one route's requests; doctor --all over n numbers beside listing them."""
    import math

    tmp = Path(tempfile.mkdtemp(prefix="msgprof-bench-29-"))
    state_file = tmp / "doctor-state.json"
    state, numbers = _doctor_state(n, campaigns, brands)
    state_file.write_text(json.dumps(state))
    budget = 3 * math.ceil(n / 250) + campaigns + brands

    def work(url: str, env: dict[str, str]) -> list[dict[str, object]]:
        _, route = _run_counted([*MSGPROF, "doctor", "--from", numbers[0], "--to", "+13125550199", "--json"], env)
        listing = [*MSGPROF, "numbers", "list", "Scale 00000", "--json"]
        sweep = [*MSGPROF, "doctor", "--all", "--json"]
        lists, sweeps = [], []
        for _ in range(repeats):
            lists.append(run_once(listing, env)[0])
            sweeps.append(_run_counted(sweep, env))
        tl = statistics.median(lists)
        ts = statistics.median(t for t, _ in sweeps)
        made = max(c for _, c in sweeps)
        return [
            _row("doctor --from --to, one US long code (10DLC)", f"{route} requests", "", "≤ 6 requests", route <= 6),
            _row(f"numbers list of {n:,} numbers", f"{tl:.2f} s"),
            _row(
                f"doctor --all over {n:,} numbers ({campaigns} campaigns, {brands} brands)",
                f"{ts:.2f} s, {made} requests",
                f"+{ts - tl:.2f} s",
                f"≤ 2 s beyond the listing, ≤ {budget} requests",
                ts - tl <= 2.0 and made <= budget,
            ),
        ]

    try:
        return _with_sandbox(state_file, latency, work)  # type: ignore[return-value]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def issue21_table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| what (sandbox --latency 50 unless said) | measured | ratio | target | met |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        met = r["met"]
        shown = "yes" if met is True else "no" if met is False else ""
        lines.append(f"| {r['name']} | {r['value']} | {r['ratio']} | {r['target']} | {shown} |")
    return "\n".join(lines)


def latency_table(rows: list[dict[str, object]]) -> str:
    floor = float(rows[0]["median"])  # type: ignore[arg-type]
    lines = [
        "| command (sandbox --latency 50) | median wall time | ratio to plain requests | requests per create "
        "| target | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        median = float(r["median"])  # type: ignore[arg-type]
        mine = str(r["name"]).startswith("msgprof")
        tgt = "≤ 1.25 ×, 1 request" if mine else ""
        met = ("yes" if median / floor <= 1.25 and r["requests"] == 1 else "no") if mine else ""
        requests = str(r["requests"]) if mine else "1"
        lines.append(f"| {r['name']} | {median * 1000:.0f} ms | {median / floor:.2f} × | {requests} | {tgt} | {met} |")
    return "\n".join(lines)


def scale_table(rows: list[dict[str, object]]) -> str:
    sizes = sorted({n for r in rows for n in r["by_size"]})  # type: ignore[attr-defined]
    small, big = sizes[0], sizes[-1]
    lines = [
        f"| command | {small:,} profiles | {big:,} profiles | ratio | peak memory at {big:,} | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    validate_big = next(r["by_size"][big][0] for r in rows if str(r["name"]).startswith("msgprof validate"))  # type: ignore[index]
    for r in rows:
        by = r["by_size"]  # type: ignore[assignment]
        (t_small, _), (t_big, mem) = by[small], by[big]  # type: ignore[index]
        ratio = t_big / t_small
        name = str(r["name"])
        tgt = f"≤ {big // small} × (linear)"
        met = ratio <= big / small
        if name.startswith("msgprof plan"):
            tgt += ", ≤ 3 × validate, ≤ 120 MiB"
            met = met and t_big <= 3 * validate_big and mem <= 120
        cells = [name, f"{t_small:.2f} s", f"{t_big:.2f} s", f"{ratio:.1f} ×", f"{mem:.1f} MiB", tgt]
        lines.append("| " + " | ".join(cells) + f" | {'yes' if met else 'no'} |")
    return "\n".join(lines)


TARGETS = {
    "msgprof create -f sample --json": ("ratio", 1.30),
    "msgprof create -f sample.json --json": ("ratio", 1.30),
    "msgprof validate sample.json": ("ratio", 0.70),
    "msgprof validate sample": ("ratio", 0.70),
    "msgprof schema": ("ratio", 0.70),
    "msgprof --version": ("ratio", 0.70),
    "msgprof create -f sample --dry-run": ("ratio", 0.70),
    "msgprof --help": ("ratio", 1.50),
}


def table(rows: list[dict[str, object]], apply_rows: list[dict[str, object]], startup: float) -> str:
    floor = next(float(r["median"]) for r in rows if str(r["name"]).startswith("plain requests"))  # type: ignore[arg-type]
    lines = [
        "| command | median wall time | ratio to plain requests | peak memory | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        median = float(r["median"])  # type: ignore[arg-type]
        ratio = median / floor
        target = TARGETS.get(str(r["name"]))
        tgt, met = "", ""
        if target:
            tgt, met = f"≤ {target[1]:.2f} ×", "yes" if ratio <= target[1] else "no"
        memory = f"{float(r['peak_mib']):.1f} MiB"  # type: ignore[arg-type]
        if str(r["name"]).startswith("msgprof create -f sample") and "--json" in str(r["name"]):
            tgt += ", ≤ 32 MiB"
            met = "yes" if ratio <= 1.30 and float(r["peak_mib"]) <= 32 else "no"  # type: ignore[arg-type]
        lines.append(f"| {r['name']} | {median * 1000:.0f} ms | {ratio:.2f} × | {memory} | {tgt} | {met} |")
    for r in apply_rows:
        median, ideal = float(r["median"]), float(r["ideal"])  # type: ignore[arg-type]
        budget = 1.3 * ideal + startup
        tgt = f"≤ 1.3 × {ideal:.2f} s + start-up = {budget:.2f} s" if r["parallel"] == 8 else f"(ideal {ideal:.2f} s)"
        met = ("yes" if median <= budget else "no") if r["parallel"] == 8 else ""
        lines.append(f"| {r['name']} | {median:.2f} s | {median / floor:.1f} × | | {tgt} | {met} |")
    return "\n".join(lines)


def ensure_installed_venv() -> None:
    """Run inside bench/.venv, where msgprof is installed as users install it (not editable).

    An editable install adds a path finder to every Python start-up in its venv, which would tax
    the floor and msgprof alike and blur the ratios.
    """
    venv = ROOT / "bench" / ".venv"
    python = venv / "bin" / "python"
    if os.environ.get("MSGPROF_BENCH_INNER") == "1":
        return
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    else:  # refresh msgprof itself so the bench measures the working tree
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(ROOT)], check=True)
    subprocess.run([*pip, str(ROOT)], check=True)  # and its dependencies, at the pinned versions
    env = {**os.environ, "MSGPROF_BENCH_INNER": "1"}
    os.execve(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]], env)


def main() -> None:
    ensure_installed_venv()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--apply-profiles", type=int, default=200)
    parser.add_argument("--apply-repeats", type=int, default=3)
    parser.add_argument("--scale", default="1000,10000", help="profile counts for the scale rows")
    parser.add_argument("--scale-runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    parser.add_argument("--only-scale", action="store_true", help="only the rows of issue 21 (scale)")
    parser.add_argument("--scale-repeats", type=int, default=3, help="runs of each issue-21 row")
    parser.add_argument("--only-doctor", action="store_true", help="only the rows of issue 29 (doctor's cost)")
    parser.add_argument(
        "--only-apply-numbers", action="store_true", help="only the row apply 200 profiles × 2 numbers (issue 27)"
    )
    args = parser.parse_args()
    if args.only_doctor:
        text = issue21_table(bench_doctor(args.scale_repeats)) + "\n"
        print(text)
        return
    if args.only_apply_numbers:
        tmp = Path(tempfile.mkdtemp(prefix="msgprof-bench-27-"))
        try:
            text = issue21_table(_bench_apply_numbers(tmp, args.scale_repeats, 50)) + "\n"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(text)
        return
    if args.only_scale:
        text = issue21_table(bench_issue21(args.scale_repeats)) + "\n"
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
        print(text)
        return
    rows = bench_commands(args.runs, args.warmup)
    latency_rows = bench_latency_create(args.runs, args.warmup)
    scale_rows = bench_scale([int(n) for n in args.scale.split(",")], args.scale_runs)
    startup = next(float(r["median"]) for r in rows if r["name"] == "msgprof create -f sample --json")  # type: ignore[arg-type]
    apply_rows = bench_apply(args.apply_profiles, 50, [1, 4, 8], args.apply_repeats)
    issue21_rows = bench_issue21(args.scale_repeats)
    issue29_rows = bench_doctor(args.scale_repeats)
    cpu = platform.processor() or platform.machine()
    header = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}), Python "
        f"{platform.python_version()}, {platform.system()}; medians of {args.runs} runs after {args.warmup} "
        f"warm-up runs (apply: {args.apply_repeats} runs each); sandbox on loopback. "
        "Start-up for the apply budget = the median of `create --json`. "
        f"Scale rows: medians of {args.scale_runs} runs each."
    )
    text = (
        header
        + "\n\n"
        + table(rows, apply_rows, startup)
        + "\n\n"
        + latency_table(latency_rows)
        + "\n\n"
        + scale_table(scale_rows)
        + "\n\n"
        + issue21_table(issue21_rows)
        + "\n\n"
        + issue21_table(issue29_rows)
        + "\n"
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
