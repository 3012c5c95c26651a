"""Tools for developers, used by ``tests/`` and ``bench/`` and by no stage of the data flow.

They live inside the package (rather than in ``tests/``) so that the benchmarks do not import the
test suite; ``tests/test_imports.py`` checks that no stage imports them.
"""
