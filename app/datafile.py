"""Reading the reviewed YAML data files (rules, glossary, catalogue, sites) with libyaml when present.

PyYAML's pure-Python parser took most of start-up (the guard rules, glossary and 16 catalogues are
~1 MB of YAML); the C loader reads the same safe subset about ten times faster.
"""
from __future__ import annotations

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def load_yaml(text: str):
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)
