"""A plain Django app, written the way tutorials write it, serving the same articles and
users from our tables: the yardstick that `make bench` measures this app against
(bench/management/commands/benchmark.py). Not part of the app; nothing imports it.
"""
