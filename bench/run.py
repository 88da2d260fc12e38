"""Run every benchmark under bench/ and print its figures."""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run.py", "harness.py", "__init__.py"}

if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for script in sorted(HERE.glob("*.py")):
        if script.name in SKIP:
            continue
        print(f"== {script.stem}")
        runpy.run_path(str(script), run_name="__main__")
