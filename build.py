#!/usr/bin/env python3
"""Build citykg: the same as ``citykg build`` (kept as a thin runnable entry).

    python build.py                      # the bundled corpus -> out/
    python build.py corpus/seeds -o out
"""
import sys

from citykg.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
