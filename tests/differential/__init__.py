"""Differential and property tests: the dbt project against the oracle."""
