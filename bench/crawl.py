"""The mixed crawl under edits: wrk cycles through many public pages (bench/crawl.lua) while an editor, in
a process of its own, saves a published piece once a second through the ORM (each save purges what shows
it: editorial.pagecache). It measures throughput, latency and the share of answers the page cache gave
(its X-Page-Cache header), which must stay above MIN_HIT_SHARE.

For bench/run.py (the maintainer wires it in), against a server it started with the page cache on and Redis:

    result = mixed_crawl(server.url(""), public_paths(ARCHIVE), editor_env={...})

or on its own, against a server already running (the editor's environment must point at the same database,
cache and CACHE_KEY_PREFIX, or PAGE_CACHE_VERSION_FILE without Redis):

    DATABASE_URL=... REDIS_URL=... CACHE_KEY_PREFIX=... .venv/bin/python bench/crawl.py http://127.0.0.1:8490
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
MIN_HIT_SHARE = 0.9

PATHS_SCRIPT = """
import json
from people.models import Person
from press.models import Coverage, Outlet
pieces = Coverage.objects.published().order_by("-pk").values_list("slug", flat=True)[:{pieces}]
people = Person.objects.published().order_by("-pk").values_list("slug", flat=True)[:{people}]
outlets = Outlet.objects.published().order_by("-pk").values_list("slug", flat=True)[:{outlets}]
print(json.dumps([f"/coverage/{{s}}/" for s in pieces] + [f"/people/{{s}}/" for s in people]
                 + [f"/outlets/{{s}}/" for s in outlets]))
"""

LISTS = [
    "/",
    "/coverage/",
    "/coverage/?page=2",
    "/coverage/?sort=oldest",
    "/people/",
    "/places/",
    "/coverage/feed/",
    "/sitemap.xml",
]

# The editor: a published piece among the crawled ones, its summary changed and saved, once a second.
EDITOR_SCRIPT = """
import itertools, os, time
from django.db import transaction
from press.models import Coverage
slugs = os.environ["CRAWL_SLUGS"].split(",")
deadline = time.monotonic() + float(os.environ["CRAWL_SECONDS"])
saves = 0
for slug in itertools.cycle(slugs):
    if time.monotonic() >= deadline:
        break
    started = time.monotonic()
    with transaction.atomic():
        piece = Coverage.objects.get(slug=slug)
        piece.summary = piece.summary.split(" [edit")[0] + f" [edit {saves}]"
        piece.save()
    saves += 1
    time.sleep(max(0, 1 - (time.monotonic() - started)))
print(f"SAVES {saves}")
"""


def public_paths(database_url, pieces=100, people=30, outlets=30, settings="config.settings.dev"):
    """The crawl's paths (list of str): the site's lists and feeds, and the newest published pieces, people
    and outlets of the database at database_url (a PostgreSQL URL), read through `manage.py shell`."""
    script = PATHS_SCRIPT.format(pieces=pieces, people=people, outlets=outlets)
    out = subprocess.run(
        [PY, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return LISTS + json.loads(out.strip().splitlines()[-1])


def warm(base_url, paths):
    """GETs each of paths once at base_url, so that the crawl measures a warm cache, as a site in service
    has it. Returns the seconds it took (float)."""
    started = time.monotonic()
    for path in paths:
        with urllib.request.urlopen(base_url + path, timeout=60) as response:
            response.read()
    return time.monotonic() - started


def mixed_crawl(base_url, paths, editor_env, *, duration=10, threads=2, connections=8, edited=20):
    """Runs wrk for duration seconds (threads, connections) over paths (list of str, cycled) at base_url
    ("http://127.0.0.1:8490"), warmed first (warm()), while an editor process saves one of the first
    `edited` piece pages' pieces a second, with editor_env (a dict: DATABASE_URL, REDIS_URL,
    CACHE_KEY_PREFIX or PAGE_CACHE_VERSION_FILE, as the server has them) over os.environ.

    Returns a dict: requests, rps, p50_ms, p95_ms, p99_ms, errors, hits, misses, hit_share (0..1), saves,
    holds (hit_share >= MIN_HIT_SHARE). Raises subprocess.CalledProcessError when wrk or the editor
    fails, TimeoutExpired past duration + 120 s."""
    pieces = [path for path in paths if path.startswith("/coverage/") and path not in LISTS]
    slugs = [path.split("/")[2] for path in pieces][:edited]
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "PAGE_CACHE_SECONDS": os.environ.get("PAGE_CACHE_SECONDS", "600"),
        **editor_env,
    }
    warm(base_url, paths)
    try:
        editor = subprocess.Popen(
            [PY, "manage.py", "shell", "--no-imports", "-c", EDITOR_SCRIPT],
            cwd=ROOT,
            env={**env, "CRAWL_SLUGS": ",".join(slugs), "CRAWL_SECONDS": str(duration)},
            stdout=subprocess.PIPE,
            text=True,
        )
        result = run_wrk(
            base_url, duration, ROOT / "bench" / "crawl.lua", threads, connections, [listing.name]
        )
        editor_out, _ = editor.communicate(timeout=120)
    finally:
        os.unlink(listing.name)
    if editor.returncode:
        raise subprocess.CalledProcessError(editor.returncode, "editor")
    result["hit_share"] = result["hits"] / max(1, result["hits"] + result["misses"])
    result["saves"] = int(next(line for line in editor_out.splitlines() if line.startswith("SAVES "))[6:])
    result["holds"] = result["hit_share"] >= MIN_HIT_SHARE
    return result


def run_wrk(url, duration, script, threads=2, connections=8, script_args=()):
    """Runs wrk against url for duration seconds with the Lua script (a path), threads and connections,
    script_args after "--", a request's timeout 5 s. The script prints one line "RESULT {json}"
    (requests, seconds, p50_ms, p95_ms, p99_ms, errors...): returns that dict with rps (requests a second)
    added. Raises subprocess.CalledProcessError when wrk fails, TimeoutExpired past duration + 120 s."""
    command = ["wrk", "--threads", str(threads), "--connections", str(connections), "--duration"]
    command += [f"{duration}s", "--timeout", "5s", "--latency", "--script", str(script), url]
    command += ["--", *script_args] if script_args else []
    out = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=duration + 120, check=True
    ).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def report_line(result):
    """One Markdown table row (str) of a mixed_crawl() result: req/s, p50, p99, hit share, saves, verdict."""
    verdict = "holds" if result["holds"] else "**fails**"
    return (
        f"| mixed crawl under edits | {result['rps']:.0f} | {result['p50_ms']:.1f} | "
        f"{result['p99_ms']:.1f} | {result['hit_share']:.1%} | {result['saves']} | {verdict} |"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_url", help="The running server, e.g. http://127.0.0.1:8490")
    parser.add_argument("--duration", type=int, default=10)
    options = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    keep = ("DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "PAGE_CACHE_VERSION_FILE")
    editor_env = {name: os.environ[name] for name in keep if name in os.environ}
    result = mixed_crawl(options.base_url, public_paths(database_url), editor_env, duration=options.duration)
    print("| page | req/s | p50 ms | p99 ms | from cache | saves | |")
    print("|---|---:|---:|---:|---:|---:|---|")
    print(report_line(result))
    print(json.dumps(result))
    sys.exit(0 if result["holds"] else 1)


if __name__ == "__main__":
    main()
