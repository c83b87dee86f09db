"""The README's first command on this checkout: it installs (steps already done are skipped),
migrates a fresh database, loads the directory and demo people, and serves the site with a
real Celery worker beside it; one Ctrl-C stops both."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_in_group(group: int, settle_seconds: float) -> list[str]:
    """The processes still in the group once it has settled (the worker's children finish
    their warm shutdown a few seconds after the script itself)."""
    deadline = time.monotonic() + settle_seconds
    while True:
        found = subprocess.run(
            ["pgrep", "-g", str(group)], capture_output=True, text=True, check=False
        ).stdout.split()
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


@pytest.fixture
def running_system(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "MBK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/mbk.sqlite3",
        "CELERY_BROKER_URL": "filesystem://",
        "DEMO_PASSWORD": "Demo-pass-1",
    }
    env.pop("SECRET_KEY", None)
    env.pop("DEBUG", None)
    output = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        ["bin/run"],
        cwd=BASE_DIR,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(url + "/health/", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                pytest.fail("bin/run did not serve:\n" + (tmp_path / "run.log").read_text())
            time.sleep(0.5)
    while "ready." not in (tmp_path / "run.log").read_text():
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("bin/run started no worker:\n" + (tmp_path / "run.log").read_text())
        time.sleep(0.5)
    yield url, process, tmp_path
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    output.close()


def test_run_command_serves_login_and_directory_then_stops_on_ctrl_c(running_system):
    url, process, var = running_system
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    login_page = opener.open(url + "/accounts/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {"username": "chair.pharma", "password": "Demo-pass-1", "csrfmiddlewaretoken": token}
    ).encode()
    login = urllib.request.Request(
        url + "/accounts/login/", data=form, headers={"Referer": url + "/accounts/login/"}
    )
    opener.open(login, timeout=60)
    directory = opener.open(url + "/directory/", timeout=60).read().decode()
    log = (var / "run.log").read_text()

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    process.wait(timeout=60)
    leftovers = processes_in_group(process.pid, settle_seconds=30)

    assert "Войти" in login_page
    assert "Рабочая группа «Фармацевтика и биомедицина»" in directory
    assert f"Open / Откройте:   {url}/" in log
    assert "chair.pharma" in log
    assert "password of every demo login: Demo-pass-1" in log
    assert re.search(r"celery.apps.worker: \S+ ready.", log)
    assert leftovers == []
