"""Planners at once: page load and slider-update times with several headless browsers.

Starts ``streamlit run app.py`` on a free loopback port, then for 1 and for N browser
contexts at once (Debian's chromium through playwright's async API):

1. page load: open the app and wait for the scoreboard;
2. slider steps: each context presses → on the 14th-plan special-fund slider, waits until
   the scoreboard changes, ``--steps`` times (the update time is press to changed table:
   the table comes first, then the assumption curves; "update with curves" is press to
   no row waiting for its curves);
3. a held key: ten presses in a row, then the time until the scoreboard settles on the
   last value (rapid changes should collapse into few recomputations).

Prints median and worst times in seconds against the goals of issue 25 (one browser ≤ 0.3 s
per update, ten browsers median ≤ 1 s and worst ≤ 2 s, warm page load ≤ 2 s, cold ≤ 8 s),
the machine's load average, and the
CPU seconds the server used in each round (what the app costs, whatever else runs on the
machine: wall times on a shared 2-core machine move with its load). Every round starts at
the baseline and steps the same slider, so the N-browser round revisits values the one-browser
round computed: its updates are mostly served from the shared caches. With ``--fresh`` every
browser opens the app with a seed of its own (``?seed=...``): no run it asks for was computed
before, by an earlier round or by another browser, so every update (and the page load, which
then runs the baseline too) is computed. Traffic goes to 127.0.0.1 only; every wait is
bounded. Not a test: the numbers depend on the machine.

``--soak SECONDS`` is the soak test instead (issue 26): the browsers move the slider up and
down for that long, every step waited for with a bound; it reports the steps made, the
errors (an error element on the page, or a step whose table never changed: must be 0) and
the server's resident memory after the warm-up, at the end and at its largest (the growth
must stay bounded).

Usage: python benchmarks/bench_app_concurrency.py [--browsers 10] [--steps 6] [--fresh]
       [--soak SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = "app.py"  # the script started, relative to the repository
SLIDER = "创新集群专项资金(每年)"
GOALS = {"single update": 0.3, "concurrent update (median)": 1.0,
         "concurrent update (worst)": 2.0, "page load": 2.0, "cold page load": 8.0}
#: The lever tab of the slider stepped (the levers open on the 15th plan).
TAB = "十四五"
#: A soak step that changes nothing within this many seconds counts as an error.
SOAK_STEP_S = 30
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_S = 90
#: First seed of ``--fresh`` sessions (the stored scenarios use small seeds).
FRESH_SEED = 100_000
#: The server's process id, once started (read by the sessions for its CPU time).
SERVER: dict[str, int] = {"pid": -1}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    """The app on a free loopback port, once healthy."""
    port = _port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("streamlit did not start")


def server_rss(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (Linux /proc; NaN elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _changed(page, before: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if await page.locator("#scoreboard").inner_text() != before:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the scoreboard did not change")


async def _curves_in(page) -> None:
    """Wait until no row of the scoreboard waits for its assumption curves (the second
    step of a slider update)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if not await page.locator('#scoreboard [data-curve="pending"]').count():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the assumption curves did not arrive")


async def _settled(page, quiet_s: float = 0.6) -> None:
    """Wait until the app is idle (no running indicator) and the table stays put."""
    last, since = None, time.monotonic()
    deadline = since + TIMEOUT_S
    while time.monotonic() < deadline:
        running = await page.locator('[data-testid="stStatusWidget"]').count()
        text = await page.locator("#scoreboard").inner_text()
        if text != last or running:
            last, since = text, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        await asyncio.sleep(0.05)


async def _fund_slider(page):
    """The 14th plan's special-fund slider, its tab opened first."""
    await page.get_by_role("tab", name=TAB).click()
    thumb = page.get_by_role("slider", name=SLIDER).first
    await thumb.wait_for(timeout=TIMEOUT_S * 1000)
    return thumb


async def soak_session(browser, url: str, seconds: float, seed: int | None,
                       counts: dict[str, int]) -> None:
    """One planner for the soak: once its page is in, five notches up, five down, again,
    for ``seconds``; each step waits at most :data:`SOAK_STEP_S` for the table to change."""
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    try:
        try:
            await page.goto(url if seed is None else f"{url}/?seed={seed}",
                            timeout=TIMEOUT_S * 1000)
            await page.wait_for_selector("#scoreboard", timeout=TIMEOUT_S * 1000)
            thumb = await _fund_slider(page)
        except Exception:  # a session that never got its page counts as an error
            counts["errors"] += 1
            counts["failed_loads"] += 1
            return
        until = time.monotonic() + seconds  # the stepping time, after the page is in
        counts["sessions"] += 1
        for n in itertools.count():
            if time.monotonic() >= until:
                break
            key = "ArrowRight" if (n // 5) % 2 == 0 else "ArrowLeft"
            before = await page.locator("#scoreboard").inner_text()
            await thumb.focus()
            await thumb.press(key)
            try:
                await asyncio.wait_for(_changed(page, before), SOAK_STEP_S)
            except TimeoutError:
                counts["errors"] += 1
            if await page.locator('[data-testid="stException"], '
                                  '[data-testid="stAlertContentError"]').count():
                counts["errors"] += 1
            counts["steps"] += 1
    finally:
        await context.close()


async def soak(n: int, url: str, seconds: float, seeds: itertools.count | None,
               memory: list[float]) -> dict[str, int]:
    """``n`` soak sessions at once, each stepping for ``seconds`` once its page is in; the
    server's memory sampled every 5 s into ``memory``."""
    from playwright.async_api import async_playwright

    counts = {"steps": 0, "errors": 0, "failed_loads": 0, "sessions": 0}
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            memory.append(server_rss(SERVER["pid"]))
            await asyncio.sleep(5)

    async def planners() -> None:
        try:
            await asyncio.gather(*(
                soak_session(browser, url, seconds, None if seeds is None else next(seeds),
                             counts) for _ in range(n)))
        finally:
            done.set()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        try:
            await asyncio.gather(sample(), planners())
        finally:
            await browser.close()
    memory.append(server_rss(SERVER["pid"]))
    return counts


async def session(browser, url: str, steps: int,
                  seed: int | None = None) -> dict[str, list[float]]:
    """One planner: load (with its own ``seed``, if given), step the slider, then hold the
    key."""
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    out: dict[str, list[float]] = {"load": [], "update": [], "curves": [], "held": [],
                                   "step_cpu": []}
    t0 = time.perf_counter()
    await page.goto(url if seed is None else f"{url}/?seed={seed}")
    await page.wait_for_selector("#scoreboard", timeout=TIMEOUT_S * 1000)
    out["load"].append(time.perf_counter() - t0)
    await _settled(page)
    thumb = await _fund_slider(page)
    cpu0 = server_cpu(SERVER["pid"])
    for _ in range(steps):
        await thumb.focus()
        before = await page.locator("#scoreboard").inner_text()
        t0 = time.perf_counter()
        await thumb.press("ArrowRight")
        await _changed(page, before)
        out["update"].append(time.perf_counter() - t0)
        await _curves_in(page)
        out["curves"].append(time.perf_counter() - t0)
        await _settled(page, 0.3)
    # the server's CPU per step (table and curves); with several browsers the others' work
    # in the same period is included
    out["step_cpu"].append((server_cpu(SERVER["pid"]) - cpu0) / steps)
    await thumb.focus()
    t0 = time.perf_counter()
    for _ in range(10):
        await thumb.press("ArrowRight")
    await _settled(page)
    out["held"].append(time.perf_counter() - t0)
    await context.close()
    return out


async def round_of(n: int, url: str, steps: int,
                   seeds: itertools.count | None = None) -> dict[str, list[float]]:
    """``n`` sessions at once; each takes the next of ``seeds`` (None: the default seed)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        try:
            results = await asyncio.gather(*(
                session(browser, url, steps, None if seeds is None else next(seeds))
                for _ in range(n)))
        finally:
            await browser.close()
    return {k: [x for r in results for x in r[k]]
            for k in ("load", "update", "curves", "held", "step_cpu")}


def _line(name: str, values: list[float], goal: float | None = None) -> str:
    text = (f"{name:32s} median {statistics.median(values):6.2f} s   worst {max(values):6.2f} s"
            f"   (n={len(values)})")
    return text + (f"   goal ≤ {goal:g} s" if goal is not None else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browsers", type=int, default=10)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--fresh", action="store_true",
                        help="a seed of its own per browser: nothing is served from the "
                             "caches of earlier rounds or other browsers")
    parser.add_argument("--soak", type=float, default=0.0, metavar="SECONDS",
                        help="the soak test: the browsers move the slider for SECONDS "
                             "(at most 3600); errors and the server's memory growth")
    args = parser.parse_args()
    if not 0 <= args.soak <= 3600:
        raise SystemExit("--soak: allowed 0 to 3600 seconds")
    seeds = itertools.count(FRESH_SEED) if args.fresh else None
    if shutil.which("chromium") is None:
        raise SystemExit("needs Debian's chromium (`make browser`)")
    load_before = os.getloadavg()
    proc, url = start_server()
    SERVER["pid"] = proc.pid
    if args.soak:
        run_soak(proc, url, args.browsers, args.soak, seeds, load_before)
        return
    try:
        # warm the caches (compiled model, posterior, runs); with --fresh only what every
        # seed shares (compiled model, posterior, programs)
        asyncio.run(round_of(1, url, 1, seeds))
        cpu0 = server_cpu(proc.pid)
        one = asyncio.run(round_of(1, url, args.steps, seeds))
        cpu1 = server_cpu(proc.pid)
        many = asyncio.run(round_of(args.browsers, url, args.steps, seeds))
        cpu2 = server_cpu(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # other work on the machine slows the browsers and the server alike: say how busy it was
    print("fresh values: a seed of its own per browser" if args.fresh
          else "cached values: every round steps the same values with the default seed")
    print(f"load average (1 min) before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(_line("1 browser: page load", one["load"], GOALS["page load"]))
    print(_line("1 browser: slider update", one["update"], GOALS["single update"]))
    print(_line("1 browser: update with curves", one["curves"]))
    print(_line("1 browser: 10 held presses", one["held"]))
    print(_line(f"{args.browsers} browsers: page load", many["load"], GOALS["page load"]))
    print(_line(f"{args.browsers} browsers: slider update", many["update"],
                GOALS["concurrent update (median)"])
          + f"; worst goal ≤ {GOALS['concurrent update (worst)']:g} s")
    print(_line(f"{args.browsers} browsers: update with curves", many["curves"]))
    print(_line(f"{args.browsers} browsers: 10 held presses", many["held"]))
    # CPU seconds of the server process: what the app costs, whatever else the machine runs
    print(f"server CPU, 1 browser (load, {args.steps} steps, held key): {cpu1 - cpu0:.1f} s; "
          f"{args.browsers} browsers: {cpu2 - cpu1:.1f} s "
          f"({(cpu2 - cpu1) / args.browsers:.1f} s per browser)")
    # per slider step: the round's CPU over its presses (steps + 10 held, load included)
    presses = args.steps + 10
    print(f"server CPU per press: 1 browser {(cpu1 - cpu0) / presses:.2f} s; "
          f"{args.browsers} browsers {(cpu2 - cpu1) / (presses * args.browsers):.2f} s")
    print(f"server CPU per slider step of the one browser (table and curves): "
          f"median {statistics.median(one['step_cpu']):.2f} s")


def run_soak(proc: subprocess.Popen, url: str, browsers: int, seconds: float,
             seeds: itertools.count | None, load_before: tuple[float, ...]) -> None:
    """The soak test (``--soak``): warm up, then ``browsers`` sessions for ``seconds``;
    prints steps, errors and the server's memory."""
    memory: list[float] = []
    try:
        asyncio.run(round_of(1, url, 1, seeds))  # warm: compiled model, posterior, programs
        after_warmup = server_rss(proc.pid)
        counts = asyncio.run(soak(browsers, url, seconds, seeds, memory))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"soak: {browsers} browsers ({counts['sessions']} got their page) stepping for "
          f"{seconds:g} s each, {counts['steps']} slider steps, errors {counts['errors']} "
          f"(goal 0; {counts['failed_loads']} page loads failed)")
    if not counts["steps"]:
        print("no slider step was made: the soak proves nothing (run it longer)")
    print(f"load average (1 min) before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"server memory: after warm-up {after_warmup:.0f} MB, end {memory[-1]:.0f} MB, "
          f"largest {max(memory):.0f} MB, growth {memory[-1] - after_warmup:+.0f} MB")


if __name__ == "__main__":
    main()
