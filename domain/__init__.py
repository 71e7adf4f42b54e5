"""The pure core of the council cycle: no Temporal, no I/O, no clock.

Workflows, activities and the CLI all speak this vocabulary; only this package decides
what a command does to a cycle.
"""
