"""A minimal external generator for the tests: proposes a random point of input.json's space."""

import json
import random
import sys
from pathlib import Path

folder = Path(sys.argv[1])
data = json.loads((folder / "input.json").read_text())
rng = random.Random(f"{data['seed']}-{len(data['trials'][0])}-{len(data.get('pending', []))}")
point = {}
for name, spec in data["parameters"].items():
    if spec["parameter_type"] == "RANGE":
        low, high = spec["range"]
        if spec["type"] == "INT":
            point[name] = rng.randint(low, high)
        else:
            point[name] = rng.uniform(low, high)
    elif spec["parameter_type"] == "CHOICE":
        point[name] = rng.choice(spec["values"])
(folder / "results.json").write_text(json.dumps({"parameters": point}))
