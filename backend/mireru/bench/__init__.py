"""Benchmarks (`mireru bench ...`): each prints a table for people and, with --json, the same
rows as JSON on stdout, always next to the baseline it should be judged against."""
