"""Reads the service's settings from an INI text."""

import configparser
import io
from collections import Mapping, OrderedDict


def load(text, name="service.ini"):
    parser = configparser.SafeConfigParser()
    parser.readfp(io.StringIO(text), filename=name)
    settings = OrderedDict()
    for section in parser.sections():
        settings[section] = dict(parser.items(section))
    return settings


def is_settings(value):
    return isinstance(value, Mapping)
