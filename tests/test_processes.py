"""Process state: importing the package leaves the umask alone, and the files a report publishes
get the mode any file created in the same place gets.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# -------------------------------------------------------------------------------------- the umask

_UMASK_PROBE = """
import os
import re
calls = []
real = os.umask
os.umask = lambda mask: calls.append(mask) or real(mask)
import evalcore.cli, evalcore.pipeline.batch, evalcore.pipeline.portfolio, evalcore.pipeline.render as render
print(calls)
real(0o027)
print(oct(render.file_mode()), calls)
path = render.Path("probe.html")
render._atomic_write(path, b"x")
print(oct(path.stat().st_mode & 0o777))
print(oct(render._umask_by_setting()), oct(real(0o027)))
"""


def test_importing_the_package_leaves_the_umask_alone_and_reports_follow_it(tmp_path: Path) -> None:
    """A library does not change process state when imported (the umask is per process: another
    thread creating a file meanwhile would get the wrong mode). It is read when a report is
    written: from /proc without changing it, else once, under a lock, by setting it."""
    out = subprocess.run(
        [sys.executable, "-c", _UMASK_PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    imported, mode, written, by_setting = out.stdout.splitlines()
    assert imported == "[]"  # os.umask was not called by any import
    if Path("/proc/self/status").exists():  # Linux: read without calling os.umask
        assert mode == "0o640 []"
    assert mode.startswith("0o640 ")  # 0o666 less 0o027
    assert written == "0o640"  # a published file gets the mode any file created here gets
    assert by_setting == "0o27 0o27"  # the fallback reads the same and puts the umask back
