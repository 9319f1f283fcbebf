#!/usr/bin/env python3
"""A program that behaves as told: `behave.py MODE X` (MODE picks a failure kind)."""

import os
import signal
import sys
import time

mode, x = sys.argv[1], float(sys.argv[2])
if mode == "ok":
    print(f"RESULT: {x * x}")
elif mode == "crash":
    print("something broke", file=sys.stderr)
    sys.exit(3)
elif mode == "segv":
    os.kill(os.getpid(), signal.SIGSEGV)
elif mode == "noresult":
    print("I forgot to print a result")
elif mode == "nan":
    print("RESULT: nan")
elif mode == "sleep":
    time.sleep(60)
    print("RESULT: 1")
elif mode == "result_and_exit":
    print(f"RESULT: {x}")
    sys.exit(2)
elif mode == "huge":
    block = "y" * 1023 + "\n"
    for _ in range(int(x)):
        sys.stdout.write(block * 1024)
    print("RESULT: 5")
