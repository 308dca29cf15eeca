#!/usr/bin/env python3
"""run-timed.py OUT COMMAND...: runs COMMAND once with stdout to OUT (stderr dropped) and prints "NS KIB": its wall
time in nanoseconds, from just before the process is spawned to the moment its exit is reaped, and its own peak RSS
(os.wait4 gives the child's rusage). Timing in one small process keeps the harness's own forks (a `date` before
and after, GNU time) out of the figure, which otherwise adds a few milliseconds to both sides of a comparison."""
import os
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
with open(out, "wb") as stdout:
    start = time.perf_counter_ns()
    child = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    end = time.perf_counter_ns()
print(end - start, usage.ru_maxrss)
