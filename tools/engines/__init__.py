"""Running the project on PostgreSQL and Spark: connections and demo-data loaders.

The connection settings come from the `postgres` and `spark` outputs of
profiles/profiles.yml, so dbt and these tools always talk to the same place.
"""
