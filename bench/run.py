"""The benchmark: the site under gunicorn on a 100,000-piece synthetic archive, against the framework's floor.

    make bench                       # everything, about ten minutes, results in bench/RESULTS.md
    make bench BENCH_ARGS="--reuse-archive --duration 5"

Only ever on 127.0.0.1. It starts PostgreSQL and Redis if they are stopped, installs wrk and Varnish if
missing (Debian's packages), makes the archives unless --reuse-archive finds them whole, then for each page
runs wrk (2 threads, 8 connections) against gunicorn with 2 workers: once with the page cache off (cold) and
once warmed (cached); and, in the same run, the floors: the same number of bytes from a template with no
database work, the same template after the page's own SQL (replayed through a plain cursor), and a bare
response. It also counts each page's queries at 100,000 pieces and at 10. Last, a mixed crawl of public
pages while an editor saves a piece a second (bench/crawl.py), against the page cache in Redis and through
Varnish in front (bench/varnish.py). Every step has a time limit.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crawl  # noqa: E402
import varnish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
HOST = "127.0.0.1"
SERVER = "postgres://pressroom:pressroom@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
# BENCH_ARCHIVE names another database to measure (a copy of the archive made from it as a template).
ARCHIVE = f"{SERVER}/{os.environ.get('BENCH_ARCHIVE', 'pressroom_archive')}"
SMALL_ARCHIVE = f"{SERVER}/{os.environ.get('BENCH_ARCHIVE', 'pressroom_archive')}_small"
WORKERS = 2
CONNECTIONS = 8

# What must hold (issue 17): each uncached page against its own ceiling (its SQL replayed, then the
# template floor), each list order, filter and depth against page 1, cached pages against a bare response.
UNCACHED_TO_CEILING = 0.5
P99_MS = 150
SEARCH_P95_MS = 100
QUERY_BUDGET = 8
LIST_TO_FIRST = 2
CACHED_TO_BARE_FLOOR = 0.8
CACHED_P99_MS = 20
# bench/RESULTS.md: run.py rewrites what is above this line and keeps what is below.
KEPT_BELOW = "<!-- bench/run.py rewrites the results above this line and keeps what follows. -->\n"


def run(command, timeout, env=None, **kwargs):
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=timeout, check=True, **kwargs
    )


def ensure_tools():
    """Installs wrk and Varnish (with varnish-modules' xkey) from Debian's packages when missing, and starts
    PostgreSQL and Redis (on loopback, keeping nothing on disk, as .ci/run does) when stopped."""
    missing = [] if shutil.which("wrk") else ["wrk"]
    missing += [] if varnish.varnishd() else ["varnish", "varnish-modules"]
    if missing:
        print(f"== installing {' '.join(missing)} (Debian packages)")
        run(["apt-get", "install", "-y", "-qq", *missing], timeout=600)
    try:
        socket.create_connection((HOST, 6379), timeout=2).close()
    except OSError:
        print("== starting Redis")
        run(
            [
                "redis-server",
                "--bind",
                HOST,
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
            ],
            timeout=60,
        )
        time.sleep(1)
    try:
        socket.create_connection((HOST, 5432), timeout=2).close()
    except OSError:
        version = sorted(os.listdir("/usr/lib/postgresql"))[-1]
        print(f"== starting PostgreSQL {version}")
        run(["pg_ctlcluster", version, "main", "start"], timeout=60)
        time.sleep(2)


def manage(*args, database_url, timeout=600, archive_url=None, capture=False):
    env = {"DATABASE_URL": f"{SERVER}/pressroom", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    env["ARCHIVE_DATABASE_URL"] = archive_url or database_url
    result = run([PY, "manage.py", *args], timeout=timeout, env=env, capture_output=capture, text=True)
    return result.stdout if capture else None


def production_env():
    """The environment (dict) of a process under the benchmark's settings: the production ones on the
    archive, over plain HTTP on loopback, with a secret of its own."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": ARCHIVE,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "LOCAL_HTTP": "1",
    }


def collect_static():
    """Collects static files under the benchmark's own settings (the production ones): WhiteNoise's hashed
    names and their manifest, which the production settings require of every page (as `make serve` does)."""
    run(
        [PY, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], timeout=300, env=production_env()
    )


def last_line_of_shell(database_url, script):
    """What a script run by `manage.py shell` on the given database printed last."""
    out = run(
        [PY, "manage.py", "shell", "--no-imports", "-c", script],
        timeout=60,
        env={"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def archive_is_whole(url, pieces):
    script = (
        "from press.models import Coverage; "
        "print(Coverage.objects.filter(created_by__username='synthetic-archive').count())"
    )
    try:
        return last_line_of_shell(url, script) == str(pieces)
    except subprocess.CalledProcessError:
        return False


def make_archives(reuse):
    seconds = {}
    for url, scale, pieces in [(ARCHIVE, 1.0, 100_000), (SMALL_ARCHIVE, 0.0001, 10)]:
        if reuse and archive_is_whole(url, pieces):
            print(
                f"== reusing {url.rsplit('/', 1)[1]} ({pieces:,} synthetic pieces), migrated to this commit"
            )
            manage("migrate", "--database", "archive", "--verbosity", "0", database_url=url)
            continue
        print(f"== make_archive --scale {scale} into {url.rsplit('/', 1)[1]}")
        started = time.monotonic()
        manage("make_archive", "--scale", str(scale), database_url=url, timeout=600)
        seconds[pieces] = time.monotonic() - started
    return seconds


def pages(database_url):
    """The pages to measure, picked from the archive: typical rows, not the story's own."""
    script = """
import json
from people.models import Person
from press.models import Coverage, Outlet
piece = Coverage.objects.published().filter(slug__startswith="synthetic-").order_by("pk").first()
person = Person.objects.published().filter(slug__startswith="synthetic-").order_by("pk").first()
# The same filter at both sizes: the first synthetic outlet, and the kind of its first piece, so that the
# filtered list is never empty (an empty page skips a query, which would hide a difference or make one).
filtered = Coverage.objects.published().filter(outlet__slug__startswith="synthetic-").order_by("outlet", "pk")
example = filtered.select_related("outlet").first()
word = piece.text.split()[5].strip(".,").lower()
print(json.dumps({"piece": piece.slug, "person": person.slug, "outlet": example.outlet.slug,
                  "kind": example.kind, "word": word}))
"""
    picked = json.loads(last_line_of_shell(database_url, script))
    return {
        "home": "/",
        "coverage list, page 1": "/coverage/",
        # The list pages through its first 1,000 matches (LIST_CAP): page 50 is the last; 2,000 answers it.
        "coverage list, page 50": "/coverage/?page=50",
        "coverage list, page 2,000": "/coverage/?page=2000",
        "coverage list, filtered": f"/coverage/?outlet={picked['outlet']}&kind={picked['kind']}",
        "coverage list, one person": f"/coverage/?person={picked['person']}",
        "coverage list, one year, page 50": "/coverage/?year=2014&page=50",
        "coverage list, oldest first": "/coverage/?sort=oldest",
        "coverage list, oldest first, page 50": "/coverage/?sort=oldest&page=50",
        "coverage list, outlet A to Z": "/coverage/?sort=outlet",
        "coverage list, outlet A to Z, page 50": "/coverage/?sort=outlet&page=50",
        "coverage search": f"/coverage/?q={picked['word']}",
        "coverage search, page 2": f"/coverage/?q={picked['word']}&page=2",
        "coverage search, outlet A to Z": f"/coverage/?q={picked['word']}&sort=outlet",
        "coverage detail": f"/coverage/{picked['piece']}/",
        "L.A. guide": "/places/",
        "person": f"/people/{picked['person']}/",
        "film page": "/films/first-kiss/",
    }


QUERY_COUNTER = """
import json, sys
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.conf import settings
settings.PAGE_CACHE_SECONDS = 0
settings.ALLOWED_HOSTS = ["testserver"]
client, counts = Client(), {}
for name, url in json.loads(sys.argv[1]).items():
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    counts[name] = [len(queries), status]
print("COUNTS " + json.dumps(counts))
"""


def count_queries(database_url, urls):
    out = run(
        [PY, "-c", "import django; django.setup(); exec(open('/dev/stdin').read())", json.dumps(urls)],
        timeout=120,
        env={"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "false"},
        input=QUERY_COUNTER,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("COUNTS "))[7:])


class Server:
    """gunicorn with the production settings (plus the floor views), on loopback, on the archive."""

    def __init__(self, port, page_cache_seconds, **extra_env):
        self.port, self.page_cache_seconds, self.extra_env = port, page_cache_seconds, extra_env

    def __enter__(self):
        env = {
            **os.environ,
            **production_env(),
            "WEB_CONCURRENCY": str(WORKERS),
            "BIND": f"{HOST}:{self.port}",
            "PAGE_CACHE_SECONDS": str(self.page_cache_seconds),
            "PAGE_CACHE_VERSION_FILE": str(ROOT / "var" / f"bench-page-cache-{self.port}"),
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(ROOT / "var" / "bench-gunicorn.log", "a"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/bench/floor/bare/"), timeout=2).read()
                return self
            except OSError:
                time.sleep(0.5)
        self.process.kill()
        raise SystemExit("gunicorn did not answer within 60 s: see var/bench-gunicorn.log")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def size(self, path):
        with urllib.request.urlopen(self.url(path), timeout=30) as response:
            return len(response.read())


def wrk(url, duration):
    """wrk's figures (crawl.run_wrk()) for duration seconds of GETs of url, 2 threads, CONNECTIONS
    connections, latencies from bench/latency.lua."""
    return crawl.run_wrk(url, duration, ROOT / "bench" / "latency.lua", connections=CONNECTIONS)


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "Memory": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "wrk": wrk_version.strip(),
        "Commit": commit.stdout.strip(),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=8, help="Seconds of load per measurement.")
    parser.add_argument("--reuse-archive", action="store_true", help="Keep archives that are already whole.")
    parser.add_argument("--port", type=int, default=8390)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--only", default="", help="Measure only the pages whose name holds this text.")
    options = parser.parse_args()
    started = time.monotonic()

    ensure_tools()
    (ROOT / "var").mkdir(exist_ok=True)
    generated = make_archives(options.reuse_archive)
    collect_static()
    urls = {name: path for name, path in pages(ARCHIVE).items() if options.only in name}
    queries = count_queries(ARCHIVE, urls)
    # Each archive's own typical rows: the small one holds ten pieces, not the large one's picks.
    small = {name: path for name, path in pages(SMALL_ARCHIVE).items() if name in urls}
    small_queries = count_queries(SMALL_ARCHIVE, small)

    cold, cached, floors, sql_floors, orm_floors, sizes = {}, {}, {}, {}, {}, {}
    with Server(options.port, page_cache_seconds=0) as server:
        bare_cold = wrk(server.url("/bench/floor/bare/"), options.duration)
        for name, path in urls.items():
            sizes[name] = server.size(path)
            print(f"-- cold   {name}: {path} ({sizes[name]:,} bytes)")
            cold[name] = wrk(server.url(path), options.duration)
            floors[name] = wrk(server.url(f"/bench/floor/template/?bytes={sizes[name]}"), options.duration)
            sql_floors[name] = wrk(
                server.url(f"/bench/floor/sql/?bytes={sizes[name]}&page={quote(path)}"), options.duration
            )
            orm_floors[name] = wrk(
                server.url(f"/bench/floor/orm/?bytes={sizes[name]}&page={quote(path)}"), options.duration
            )
    with Server(options.port + 1, page_cache_seconds=600) as server:
        bare = wrk(server.url("/bench/floor/bare/"), options.duration)
        for name, path in urls.items():
            server.size(path)  # warms the cache
            print(f"-- cached {name}: {path}")
            cached[name] = wrk(server.url(path), options.duration)

    crawls = under_edits(options)
    report = write_report(
        options,
        urls,
        sizes,
        cold,
        cached,
        floors,
        sql_floors,
        orm_floors,
        bare,
        bare_cold,
        queries,
        small_queries,
        crawls,
    )
    report += f"\nWhole run: {time.monotonic() - started:.0f} s"
    if generated:
        report += "; archives made in " + ", ".join(f"{s:.0f} s ({n:,} pieces)" for n, s in generated.items())
    print(report)


def under_edits(options):
    """The mixed crawl under edits (bench/crawl.py), twice: against gunicorn with the page cache in Redis,
    and through Varnish in front of it (purged by the saves, CACHE_PURGE_URLS). {name: crawl result}."""
    paths = crawl.public_paths(ARCHIVE)
    prefix = f"bench-{secrets.token_hex(4)}"
    editor_env = {"DATABASE_URL": ARCHIVE, "REDIS_URL": REDIS, "CACHE_KEY_PREFIX": prefix}
    results = {}
    port = options.port + 2
    with varnish.running_varnish(port, port=options.port + 3) as varnish_url:
        purge = {"CACHE_PURGE_URLS": varnish_url + "/"}
        with Server(
            port, page_cache_seconds=600, REDIS_URL=REDIS, CACHE_KEY_PREFIX=prefix, **purge
        ) as server:
            print("-- mixed crawl under edits, page cache in Redis")
            results["page cache in Redis"] = crawl.mixed_crawl(
                server.url(""), paths, {**editor_env, **purge}, duration=options.duration
            )
            print("-- mixed crawl under edits, through Varnish")
            results["through Varnish, page cache in Redis"] = crawl.mixed_crawl(
                varnish_url, paths, {**editor_env, **purge}, duration=options.duration
            )
    return results


def write_report(
    options,
    urls,
    sizes,
    cold,
    cached,
    floors,
    sql_floors,
    orm_floors,
    bare,
    bare_cold,
    queries,
    small_queries,
    crawls,
):
    """Writes the benchmark's section of options.output (Markdown) and returns it; what follows KEPT_BELOW
    in the file (other benchmarks' sections, the profiles) is kept as it is."""
    failures = []
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by `make bench` "
        f"(`{Path(sys.executable).name} bench/run.py {' '.join(sys.argv[1:])}`), on 127.0.0.1: "
        f"gunicorn with {WORKERS} sync workers and the production settings (LOCAL_HTTP=1), PostgreSQL, the "
        f"synthetic archive of 100,000 pieces (`manage.py make_archive`, seed 2014); wrk with 2 threads "
        f"and {CONNECTIONS} connections, {options.duration} s per line.",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        "",
        "## Uncached pages against their own ceiling",
        "",
        "Page cache off. The template floor renders a template of the same size with no database work, "
        "through the same middleware. The ceiling is what the database allows: the same template rendered "
        "after the page's own SQL statements, run again through a plain cursor and fetched whole. A page "
        f"holds when it reaches at least {UNCACHED_TO_CEILING} of its ceiling's req/s with p99 under "
        f"{P99_MS} ms, with the same number of queries (at most {QUERY_BUDGET}) at 100,000 pieces and at 10; "
        f"a list page also when its p50 is at most {LIST_TO_FIRST}x page 1's, and a search when its p95 is "
        f"under {SEARCH_P95_MS} ms.",
        "",
        "The ORM floor is the same template after the page's own view has built its querysets through "
        "Django's ORM and fetched them (the same queries, counted; its templates not rendered): what the "
        "page could reach if its templates cost nothing more than the floor's. Where the ORM floor itself is "
        f"below {UNCACHED_TO_CEILING} of the ceiling, no template engine can bring the page there while it "
        "builds its queries with the ORM.",
        "",
        "| page | bytes | req/s | p50 ms | p95 ms | p99 ms | floor req/s | ceiling req/s | of ceiling | "
        "ORM floor req/s | ORM floor p95 ms | ORM floor of ceiling | queries (100k / 10) | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    first = cold.get("coverage list, page 1")
    for name, path in urls.items():
        result, ceiling = cold[name], sql_floors[name]
        ratio = result["rps"] / ceiling["rps"]
        count, small = queries[name][0], small_queries[name][0]
        ok = (
            ratio >= UNCACHED_TO_CEILING
            and result["p99_ms"] < P99_MS
            and result["errors"] == 0
            and count == small <= QUERY_BUDGET
            and queries[name][1] == small_queries[name][1] == 200  # the same page, found at both sizes
        )
        if name.startswith("coverage") and name != "coverage detail" and first:
            ok = ok and result["p50_ms"] <= LIST_TO_FIRST * first["p50_ms"]
        if "search" in name:
            ok = ok and result["p95_ms"] < SEARCH_P95_MS
        failures += [] if ok else [f"uncached {name}"]
        lines.append(
            f"| {name} (`{path}`) | {sizes[name]:,} | {result['rps']:.0f} | {result['p50_ms']:.1f} | "
            f"{result['p95_ms']:.1f} | {result['p99_ms']:.1f} | {floors[name]['rps']:.0f} | "
            f"{ceiling['rps']:.0f} | {ratio:.2f} | {orm_floors[name]['rps']:.0f} | "
            f"{orm_floors[name]['p95_ms']:.1f} | "
            f"{orm_floors[name]['rps'] / ceiling['rps']:.2f} | {count} / {small} | "
            f"{'holds' if ok else '**fails**'} |"
        )
    lines += [
        "",
        f"Bare-response floor with the page cache off: {bare_cold['rps']:.0f} req/s.",
        "",
        "## Cached pages against the bare-response floor",
        "",
        f"Page cache on and warm. Holds when the ratio is at least {CACHED_TO_BARE_FLOOR} and p99 is under "
        f"{CACHED_P99_MS} ms.",
        "",
        "| page | req/s | p50 ms | p99 ms | bare floor req/s | ratio | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in urls:
        result = cached[name]
        ratio = result["rps"] / bare["rps"]
        ok = ratio >= CACHED_TO_BARE_FLOOR and result["p99_ms"] < CACHED_P99_MS and result["errors"] == 0
        failures += [] if ok else [f"cached {name}"]
        lines.append(
            f"| {name} | {result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} | "
            f"{bare['rps']:.0f} | {ratio:.2f} | {'holds' if ok else '**fails**'} |"
        )
    lines += [
        "",
        "## A mixed crawl while an editor saves a piece once a second",
        "",
        f"wrk cycles through {len(crawl.LISTS)} lists and feeds and the newest pieces', people's and "
        "outlets' pages (bench/crawl.py), warmed first, while another process saves one of the crawled "
        "pieces a second: each save purges the pages that show it. Served from cache: the app's page cache "
        "(`X-Page-Cache: hit`) or Varnish (`X-Cache: HIT`). Holds above "
        f"{crawl.MIN_HIT_SHARE:.0%}.",
        "",
        "| crawl | req/s | p50 ms | p99 ms | from cache | saves | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, result in crawls.items():
        failures += [] if result["holds"] and result["errors"] == 0 else [f"crawl {name}"]
        lines.append(crawl.report_line(result).replace("mixed crawl under edits", name, 1))
    lines += ["", f"Verdict: {'everything holds' if not failures else 'fails: ' + ', '.join(failures)}.", ""]
    report = "\n".join(lines)
    output = Path(options.output)
    kept = output.read_text().partition(KEPT_BELOW)[2] if output.exists() else ""
    output.write_text(report + "\n" + KEPT_BELOW + (kept or "\n"))
    return report


if __name__ == "__main__":
    main()
