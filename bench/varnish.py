"""Varnish in front of the press room, on this machine: starts Debian's varnishd with the repository's VCL
(config/varnish/pressroom.vcl) against a backend port, for the tests (tests/test_varnish.py) and the
benchmark.

    .venv/bin/python bench/varnish.py --backend 8000 --port 6081   # runs until Ctrl-C
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

VCL = Path(__file__).resolve().parent.parent / "config" / "varnish" / "pressroom.vcl"
VARNISHD = "/usr/sbin/varnishd"


def varnishd():
    """The varnishd executable's path (str), or None when Varnish is not installed."""
    return shutil.which("varnishd") or (VARNISHD if os.access(VARNISHD, os.X_OK) else None)


def free_port():
    """A TCP port (int) free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def vcl_for(backend_port, host="127.0.0.1", keep_alive=True):
    """The repository's VCL (str) with its backend at host:backend_port; keep_alive=False closes each
    backend connection after its answer (Django's test server closes its database connections when one
    ends: on SQLite, from another thread than the test's, which it refuses)."""
    text = VCL.read_text()
    text = re.sub(r'\.host = "[^"]*";', f'.host = "{host}";', text, count=1)
    text = re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', text, count=1)
    if not keep_alive:
        text += '\nsub vcl_backend_fetch {\n    set bereq.http.Connection = "close";\n}\n'
    return text


@contextmanager
def running_varnish(backend_port, port=None, memory="64m", timeout=30, keep_alive=True):
    """Runs varnishd in the foreground of a child process, listening on 127.0.0.1:port (a free one when
    None), with the VCL's backend at 127.0.0.1:backend_port (keep_alive: see vcl_for()) and a malloc
    store of memory; yields its base
    URL ("http://127.0.0.1:<port>") once it answers, and stops it after. RuntimeError when varnishd is
    missing or does not answer within timeout seconds (its output is in the message)."""
    executable = varnishd()
    if executable is None:
        raise RuntimeError("varnishd is missing: apt-get install -y varnish varnish-modules")
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="pressroom-varnish-") as workdir:
        vcl = Path(workdir) / "pressroom.vcl"
        vcl.write_text(vcl_for(backend_port, keep_alive=keep_alive))
        log = Path(workdir) / "varnishd.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [
                    executable,
                    "-F",
                    "-n",
                    workdir,
                    "-a",
                    f"127.0.0.1:{port}",
                    "-f",
                    str(vcl),
                    "-s",
                    f"malloc,{memory}",
                    "-T",
                    "none",
                    # No jail: run as whoever starts it (tests, bench), reading the VCL in its own folder.
                    "-j",
                    "none",
                    "-p",
                    "default_grace=0",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"varnishd did not start: {log.read_text()}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", type=int, required=True, help="The app's port on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=6081, help="Varnish's port on 127.0.0.1.")
    options = parser.parse_args()
    with running_varnish(options.backend, options.port) as url:
        print(
            f"Varnish on {url}, in front of 127.0.0.1:{options.backend}; "
            "PURGE with an xkey header. Ctrl-C stops it."
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
