"""Running a Python module in a private network and pid namespace, with only loopback up.

Ray advertises the machine's network address even when told 127.0.0.1, so a Ray cluster started for a
test or a benchmark runs in a network namespace of its own, where loopback is the only interface: its
traffic cannot leave. The private pid namespace ends every process started there (Ray's daemons) when
the module's process ends. Needs root (CI runs as root) and util-linux's `unshare`."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

from tests.support.samples import ROOT


def isolated_command(module: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment of `python -m MODULE ARGS` in its own network and pid namespaces;
    the module calls `loopback_up()` first."""
    command = ["unshare", "--net", "--pid", "--fork", "--mount-proc", sys.executable, "-m", module, *args]
    return command, {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "PYTHONPATH": str(ROOT)}


def isolated(module: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run `python -m MODULE ARGS` isolated, to its end."""
    command, environment = isolated_command(module, *args)
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )


def loopback_up() -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def need_isolation_and_ray() -> None:
    """Skip where a developer lacks root, `unshare` or Ray; under CI, fail instead: a skip there would
    hide that the cluster tests never ran."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (for network namespaces)")
    missing += [tool for tool in ("unshare", "ip") if shutil.which(tool) is None]
    if importlib.util.find_spec("ray") is None:
        missing.append("Ray (pip install -e '.[test,ray]')")
    if missing:
        message = f"the Ray cluster tests need {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
