"""The Makefile's Python finder: pyenv versions count, shims that fail do not, and a miss says what to do."""

import subprocess

from tests.project import ROOT

FIND_PYTHON = ROOT / "bin" / "find-python"
SUITABLE = '#!/bin/sh\ncase "$2" in *executable*) echo "$0";; esac\nexit 0\n'
UNSUITABLE = "#!/bin/sh\nexit 1\n"  # what Python 3.11, or a pyenv shim for an inactive version, answers


def fake_python(path, script):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script)
    path.chmod(0o755)
    return path


def find_python(tmp_path):
    environment = {
        "PATH": str(tmp_path / "bin"),
        "PYENV_ROOT": str(tmp_path / "pyenv"),
        "PYTHON_SEARCH_DIRS": str(tmp_path / "system"),
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        ["/bin/sh", FIND_PYTHON], env=environment, capture_output=True, text=True, timeout=30
    )


def test_a_pyenv_version_is_found_when_the_shims_fail(tmp_path):
    fake_python(tmp_path / "bin" / "python3.12", UNSUITABLE)
    fake_python(tmp_path / "bin" / "python3", UNSUITABLE)
    installed = fake_python(tmp_path / "pyenv" / "versions" / "3.12.1" / "bin" / "python3", SUITABLE)

    result = find_python(tmp_path)

    assert result.returncode == 0
    assert result.stdout.strip() == str(installed)


def test_no_suitable_python_stops_with_what_to_install(tmp_path):
    fake_python(tmp_path / "bin" / "python3", UNSUITABLE)

    result = find_python(tmp_path)

    assert result.returncode == 1
    assert "No Python 3.12 or newer was found" in result.stderr
    assert "pyenv install 3.12" in result.stderr
