"""Workflows: one transition table per workflow and the one engine that runs them."""
