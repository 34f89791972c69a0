"""Tooling on top of the lessons, the tools and lesson/: the builders of the
notebooks and of data/home-photos/, and (in shared.py) the helpers that the
tests and the benchmarks share. Nothing in the lessons, the tools or lesson/
imports it. Run a builder from the repository's folder, as
`python -m tooling.make_notebook`."""
