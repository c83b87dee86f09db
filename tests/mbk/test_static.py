import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_collectstatic_builds_the_production_manifest_with_vendor_assets(tmp_path):
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "k" * 60, "MBK_VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    for asset in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "css/mbk.css",
    ):
        assert f'"{asset}"' in manifest
