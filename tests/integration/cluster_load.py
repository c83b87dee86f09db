"""The load of tests/integration/test_cluster.py, run as a process of its own (as clients are):
threads reading a page with a signed-in session, a static file, the API; writing new drafts;
asking for PDF documents. One JSON line per answer in the output file: the kind, the method,
when it was asked and answered (time.monotonic(), shared by every process of the machine), the
status (0: no answer at all) and what it was about. Stops when the stop file appears.

    python -m tests.integration.cluster_load SETTINGS.json OUTPUT.jsonl STOPFILE
"""

import http.client
import http.cookiejar
import itertools
import json
import re
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the test's own certificate


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer of its own (e.g. to the login page)


def opener(jar=None):
    handlers = [urllib.request.HTTPSHandler(context=TLS), NoRedirect()]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def ask(client, url, *, method="GET", body=None, headers=None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with client.open(request, timeout=30) as answer:
            return answer.status, answer.read().decode(errors="replace")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(errors="replace")
    except (urllib.error.URLError, http.client.HTTPException, OSError) as failed:
        # No answer, or one cut off (the node died while nginx was passing its answer on).
        return 0, repr(failed)


def sign_in(site: str, login: str, password: str):
    jar = http.cookiejar.CookieJar()
    client = opener(jar)
    _status, page = ask(client, f"{site}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&username={login}&password={password}".encode()
    status, text = ask(
        client,
        f"{site}/accounts/login/",
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{site}/accounts/login/",
            "Origin": site,
        },
    )
    assert status == 302, (status, text[:500])
    return client


def main(settings_path: str, output_path: str, stop_path: str) -> None:
    given = json.loads(Path(settings_path).read_text())
    site, token = given["site"], given["token"]
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    stop = Path(stop_path)
    output = Path(output_path).open("a", buffering=1)  # noqa: SIM115 (closed at exit)
    lock = threading.Lock()
    drafts = itertools.count()
    documents = iter([(p, lang) for lang in ("ru", "en") for p in given["proposals"]])
    session = sign_in(site, given["login"], given["password"])

    def record(kind, method, began, status, about):
        line = json.dumps([kind, method, began, time.monotonic(), status, about])
        with lock:
            output.write(line + "\n")

    def page():
        return "GET", *ask(session, f"{site}/")

    def static():
        return "GET", *ask(opener(), f"{site}{given['static']}")

    def read():
        return "GET", *ask(opener(), f"{site}/api/v1/proposals/?page_size=5", headers=api)

    def write():
        title = f"Черновик нагрузки {next(drafts)}"
        body = json.dumps({"call": given["call"], "direction": "pharma", "title": title})
        status, _text = ask(
            opener(), f"{site}/api/v1/proposals/", method="POST", body=body.encode(), headers=api
        )
        return "POST", status, title  # whatever the answer: the test looks for it afterwards

    def pdf():
        try:
            proposal, language = next(documents)
        except StopIteration:
            return None
        body = json.dumps({"kind": "passport", "version": 1, "language": language})
        status, text = ask(
            opener(),
            f"{site}/api/v1/proposals/{proposal}/documents/",
            method="POST",
            body=body.encode(),
            headers=api,
        )
        return "POST", status, json.loads(text)["id"] if status == 202 else text

    def run(kind, act, pause):
        while not stop.exists():
            began = time.monotonic()
            done = act()
            if done is None:
                return
            method, status, about = done
            if isinstance(about, str):
                about = about[:300]
            record(kind, method, began, status, about)
            time.sleep(pause)

    # A steady load, not the most the machine can take: on a quiet machine 50 ms pauses made
    # 51 requests a second, which took the CPU from the tests that run beside this one.
    plan = [
        ("page", page, 0.15),
        ("static", static, 0.3),
        ("read", read, 0.15),
        ("write", write, 0.15),
        ("write", write, 0.15),
        ("pdf", pdf, given["pdf_every"]),
    ]
    threads = [threading.Thread(target=run, args=step) for step in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main(*sys.argv[1:])
