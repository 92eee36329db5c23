#!/usr/bin/env python3
"""Put planted files back after `ferry fix` rewrote them (the benchmark's hyperfine --prepare).

    python3 bench/restore.py LIST

LIST has one `SOURCE<TAB>DESTINATION` line per file. The files are flushed
to disk before it returns: `ferry fix` flushes its file system once
(`syncfs`), and would otherwise also write out the files restored here,
in the time measured.
"""

import os
import shutil
import sys

with open(sys.argv[1]) as listing:
    for line in listing:
        source, destination = line.rstrip("\n").split("\t")
        shutil.copyfile(source, destination)

os.sync()
