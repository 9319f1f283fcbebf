#!/usr/bin/env python3
"""Two objectives in conflict: LOSS = x^2 + y^2 (min), GAIN = x + y (max)."""

import sys

x, y = float(sys.argv[1]), float(sys.argv[2])
print("epoch 1 LOSS: 1000")
print(f"LOSS: {x * x + y * y}")
print(f"GAIN: {x + y}")
print("OO-Info: flavour: vanilla")
