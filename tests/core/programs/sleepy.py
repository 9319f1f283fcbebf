#!/usr/bin/env python3
"""Sleeps the given seconds, records its pid, prints RESULT."""

import os
import sys
import time

seconds = float(sys.argv[1])
piddir = os.environ.get("PIDDIR")
if piddir:
    with open(os.path.join(piddir, f"{os.getpid()}.pid"), "w") as handle:
        handle.write(str(os.getpid()))
time.sleep(seconds)
print(f"RESULT: {seconds}")
