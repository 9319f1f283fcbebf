import sys
from pathlib import Path

# The shared spaces and toy objectives live next to the tests.
sys.path.insert(0, str(Path(__file__).parent))
