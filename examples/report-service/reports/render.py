"""Renders records as lines, and the shell command that mails a report."""

import collections
from pipes import quote
from typing.io import TextIO


def command(address, subject):
    return "mail -s {} {}".format(quote(subject), quote(address))


def write(records, out: TextIO):
    if not isinstance(records, collections.Sequence):
        records = list(records)
    for record in records:
        out.write("{name}: {total}\n".format(**record))
    return len(records)
