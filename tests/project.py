"""The project on disk, as tests outside the Django test process see it: its folders, and manage.py run as
a deployment would run it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"  # screenshots the browser tests leave for a person to look at


def run_manage(*args, **environment):
    """Runs `manage.py *args` in a new Python process with `environment` added to a deployment's environment:
    nothing the test run itself set, such as DJANGO_SETTINGS_MODULE or DJANGO_ALLOW_ASYNC_UNSAFE. Returns the
    subprocess.CompletedProcess, stdout and stderr as text; raises subprocess.TimeoutExpired after 120 s."""
    ignored = {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
