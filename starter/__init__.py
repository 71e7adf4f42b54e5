"""The command line and the reusable client helpers for council cycles."""
