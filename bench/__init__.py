"""Benchmarks: a generated large register, and the TUI timed against its budgets."""
