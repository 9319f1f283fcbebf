#!/usr/bin/env python3
"""Example program for omniopt: the Branin function (minimum 0.397887).

omniopt runs it as `python3 examples/branin.py --x 1.5 --y 2.25` and reads the
line `RESULT: <number>` it prints.
"""

import argparse
import math

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, required=True)
parser.add_argument("--y", type=float, required=True)
args = parser.parse_args()

b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
value = (args.y - b * args.x**2 + c * args.x - 6) ** 2 + 10 * (1 - t) * math.cos(args.x) + 10
print(f"RESULT: {value}")
