"""Benchmark rows, one module per area; bench.registry.discover() imports them all."""
