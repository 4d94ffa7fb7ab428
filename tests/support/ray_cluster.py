"""A real Ray cluster of a head and one worker node on 127.0.0.1, each of one CPU, for the tests and the
benchmark, always inside the namespaces of `tests/support/isolation.py`.

    python -m tests.support.ray_cluster WORKDIR   (through `isolated`, by tests/test_ray_cluster.py)

serves `WORKDIR/warcs/` over HTTP, starts the cluster, and runs `scraper clean WORKDIR/warcs/warc.paths
--base-url URL --ray ADDRESS` three times: into `WORKDIR/clean/`; into `WORKDIR/killed/` while the
Ray worker process that is downloading `held.warc.gz` is killed (SIGKILL by PID, its download held
half-way by the server until then); and into `WORKDIR/killed/` again with --resume. What each run
returned, said and requested goes to `WORKDIR/report.json`, for the test to check."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tests.support.isolation import loopback_up
from tests.support.warc_server import FileServer

PORT = 6379  # the namespace has its own ports: nothing else listens there
HELD = "held.warc.gz"


class RayCluster:
    """`ray start --head` and `ray start --address` with `cpus` each (in the namespace: 127.0.0.1 is
    the only address; every Ray process ends with the namespace). Ray starts its workers at nice 15,
    where any other work of the machine comes first; here they run at 0, as `scraper clean -j`'s
    workers do, so that a benchmark on a shared machine compares like with like."""

    def __init__(self, cpus: int = 1, nodes: int = 2) -> None:
        self.address = f"127.0.0.1:{PORT}"
        self.cpus, self.nodes = cpus, nodes
        self.started_in = 0.0

    def __enter__(self) -> Self:
        ray = str(Path(sys.executable).parent / "ray")
        common = ["--node-ip-address", "127.0.0.1", "--num-cpus", str(self.cpus), "--disable-usage-stats"]
        environment = {**os.environ, "RAY_worker_niceness": "0"}
        started = time.monotonic()
        head = [ray, "start", "--head", "--port", str(PORT), "--include-dashboard=false", *common]
        subprocess.run(head, check=True, capture_output=True, env=environment)
        for _ in range(self.nodes - 1):
            node = [ray, "start", "--address", self.address, *common]
            subprocess.run(node, check=True, capture_output=True, env=environment)
        self.started_in = time.monotonic() - started
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass  # the pid namespace ends every Ray process with it


def socket_owner(port: int) -> int:
    """The PID of the process whose TCP socket has the local port `port` (from /proc: the namespace's)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(f"socket:[{fields[9]}]")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
            except OSError:
                continue
            if links & inodes:
                return int(entry.name)
    raise LookupError(f"no process has a socket on port {port}")


def clean_command(workdir: Path, server: FileServer, cluster: RayCluster, out: str, *extra: str) -> list[str]:
    listing = workdir / "warcs" / "warc.paths"
    command = [sys.executable, "-m", "scraper", "clean", str(listing), "--base-url", server.url("")]
    return [*command, "-o", f"{workdir / out}/", "--ray", cluster.address, "--retry-backoff", "0", *extra]


def run(command: list[str]) -> dict[str, Any]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    return {"status": done.returncode, "stderr": done.stderr}


def scenario(workdir: Path) -> dict[str, Any]:
    report: dict[str, Any] = {}
    with FileServer(workdir / "warcs") as server, RayCluster() as cluster:
        report["cluster_seconds"] = cluster.started_in
        report["clean"] = run(clean_command(workdir, server, cluster, "clean"))

        server.requests.clear()
        server.hold[HELD] = (workdir / "warcs" / HELD).stat().st_size // 2
        killed = subprocess.Popen(
            clean_command(workdir, server, cluster, "killed"), stderr=subprocess.PIPE, text=True
        )
        assert server.held.wait(timeout=120), "the held file was never requested"
        assert server.held_client is not None
        victim = socket_owner(server.held_client[1])
        report["victim"] = Path(f"/proc/{victim}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        report["victim_niceness"] = os.getpriority(os.PRIO_PROCESS, victim)
        os.kill(victim, signal.SIGKILL)
        server.release()
        report["killed"] = {"status": killed.wait(timeout=300), "stderr": killed.stderr.read()}  # type: ignore[union-attr]
        report["held_requests"] = sum(name == HELD for name, _ in server.requests)

        server.requests.clear()
        report["resumed"] = run(clean_command(workdir, server, cluster, "killed", "--resume"))
        report["resumed_requests"] = len(server.requests)
    return report


def main() -> None:
    loopback_up()
    workdir = Path(sys.argv[1])
    (workdir / "report.json").write_text(json.dumps(scenario(workdir)))


if __name__ == "__main__":
    main()
