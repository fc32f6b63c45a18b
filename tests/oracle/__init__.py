"""An independent oracle for SEGMENTS.md and the generators that feed it.

`segments` reimplements the contract in plain Python (it shares no code or SQL
with the dbt models); `strategies` builds messy raw tables with Hypothesis.
"""
