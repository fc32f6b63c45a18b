"""Run one command and write its own resource usage: the launcher of every measured step.

    python -m bench.rusage OUT.json -- COMMAND [ARG ...]

Linux carries a process's peak resident memory across fork and exec: the
child of a large process reports at least its parent's peak in `ru_maxrss`
(here, `python -c pass` reports 810 MiB once its parent has peaked at 800 MiB,
and 10 MiB otherwise). `bench/run.py` reads the marts in DuckDB in its own
process and grows to gigabytes at 100M orders, so it starts each measured
command through this small, freshly started process, whose children report
their own peak. Writes the command's wall and CPU seconds, peak RSS and exit
code as JSON to OUT.json and exits with the command's exit code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) < 3 or arguments[1] != "--":
        print("usage: python -m bench.rusage OUT.json -- COMMAND [ARG ...]", file=sys.stderr)
        return 2
    out, command = Path(arguments[0]), arguments[2:]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    # an interrupt reaches the command too (same process group): wait for it to end
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, status, usage = os.wait4(process.pid, 0)
    returncode = os.waitstatus_to_exitcode(status)
    out.write_text(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "peak_rss_bytes": usage.ru_maxrss * 1024,
                "returncode": returncode,
            }
        )
    )
    return returncode if returncode >= 0 else 128 - returncode


if __name__ == "__main__":
    sys.exit(main())
