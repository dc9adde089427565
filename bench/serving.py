"""What the benchmarks that run Divert behind gunicorn share: the ``divert`` command and static files.

``bench/scorecard_http.py`` and ``bench/load.py`` both run the app as production does, in a
process of its own with its own environment, so both need the same two steps.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

OVERLAY = """from divert.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
"""


def run_divert(env: dict[str, str], *args: str, debug: bool = True) -> str:
    """Run ``divert ARGS`` with ``env`` (DEBUG on unless ``debug`` is false) and return its output."""
    command = [sys.executable, "-m", "divert", *args]
    done = subprocess.run(  # noqa: S603 - our own command
        command, env=dict(env, DEBUG="1" if debug else "0"), check=True, stdout=subprocess.PIPE, text=True
    )
    return done.stdout


def collect_static(env: dict[str, str]) -> None:
    """``collectstatic`` as production runs it; if the hashed manifest cannot be built, without it.

    The manifest fails when a stylesheet names a file that is not there. A page's speed does not
    depend on static file names, so the run goes on with plain (unhashed) compressed files and
    says so: ``env`` then points at a settings overlay in ``DIVERT_VAR_DIR``.
    """
    try:
        run_divert(env, "collectstatic", "--noinput", "-v0", debug=False)
        return
    except subprocess.CalledProcessError:
        print("collectstatic with the hashed manifest failed (see above): serving unhashed static files")
    folder = Path(env["DIVERT_VAR_DIR"])
    (folder / "bench_settings.py").write_text(OVERLAY)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH", "")]))
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    run_divert(env, "collectstatic", "--noinput", "-v0", debug=False)
