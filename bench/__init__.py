"""Benchmarks of the integration: ``python -m bench [--quick] [--n N]`` (``make bench``).

Every figure is a ratio or a count measured in one run, so it holds on a noisy machine; the
results go to ``bench/results/latest.json`` and ``bench/results/latest.md``.
"""
