"""A real S3-compatible server for the tests: Ceph's S3 gateway (radosgw, from Debian's
ceph-mon, ceph-osd and radosgw packages; bin/install --test) on a one-node Ceph of its own (a
monitor and one OSD keeping its objects in memory), on loopback ports, in a folder of the
test run. Its processes run in the foreground as children of the test and are stopped at the
end. A few seconds to start."""

import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "mbk-test-access"
SECRET_KEY = "mbk-test-secret-not-a-real-one-0123456789"
PROGRAMS = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph")


def installed() -> bool:
    return all(shutil.which(program) for program in PROGRAMS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Gateway:
    folder: Path
    endpoint: str = ""
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def conf(self) -> str:
        return str(self.folder / "ceph.conf")

    def run(self, *command: str) -> str:
        return subprocess.run(
            [command[0], "-c", self.conf, *command[1:]],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout

    def daemon(self, *command: str) -> None:
        log = (self.folder / f"{command[0]}.out").open("wb")
        self.processes.append(
            subprocess.Popen(
                [command[0], "-f", "-c", self.conf, *command[1:]], stdout=log, stderr=log
            )
        )

    def stop(self) -> None:
        # Killed, not asked to stop: their data lives in memory and in the test's folder, and
        # a graceful stop of the three daemons took 5 s for nothing to keep.
        for process in reversed(self.processes):
            process.kill()
        for process in reversed(self.processes):
            process.wait(timeout=20)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            for log in sorted(self.folder.glob("*.log"))
        )


def start(folder: Path, *, timeout: float = 120) -> Gateway:
    gateway = Gateway(folder=folder)
    for part in ("mon", "osd", "run"):
        (folder / part).mkdir(parents=True)
    fsid, mon_port, rgw_port = uuid.uuid4(), _free_port(), _free_port()
    (folder / "ceph.conf").write_text(
        f"""[global]
fsid = {fsid}
mon host = v1:127.0.0.1:{mon_port}
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail crit = 1
osd crush chooseleaf type = 0
osd crush update on start = false
osd class update on start = false
osd objectstore = memstore
memstore device bytes = 1073741824
ms bind ipv6 = false
run dir = {folder}/run
log file = {folder}/$name.log
admin socket = {folder}/run/$name.asok
keyring = {folder}/keyring
mon data = {folder}/mon
osd data = {folder}/osd
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:{rgw_port}
"""
    )
    try:
        gateway.run("monmaptool", "--create", "--add", "a", f"v1:127.0.0.1:{mon_port}",
                    "--fsid", str(fsid), str(folder / "monmap"))  # fmt: skip
        gateway.run("ceph-mon", "--mkfs", "-i", "a", "--monmap", str(folder / "monmap"))
        gateway.daemon("ceph-mon", "-i", "a")
        osd_uuid = str(uuid.uuid4())
        osd = gateway.run("ceph", "osd", "new", osd_uuid).strip()
        gateway.run("ceph", "osd", "crush", "add", f"osd.{osd}", "1", "root=default",
                    "host=localhost")  # fmt: skip
        gateway.run("ceph-osd", "-i", osd, "--mkfs", "--osd-uuid", osd_uuid)
        gateway.daemon("ceph-osd", "-i", osd)
        gateway.daemon("radosgw", "-n", "client.rgw")
        gateway.endpoint = f"http://127.0.0.1:{rgw_port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(gateway.endpoint, timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"radosgw did not answer\n{gateway.logs()}") from None
                time.sleep(0.5)
        gateway.run("radosgw-admin", "user", "create", "--uid", "mbk", "--display-name", "mbk",
                    "--access-key", ACCESS_KEY, "--secret", SECRET_KEY)  # fmt: skip
    except BaseException:
        gateway.stop()
        raise
    return gateway
