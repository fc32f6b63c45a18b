{#-
    Each layer in its own schema (DECISIONLOG D51): staging in
    <target schema>_staging, intermediate in <target schema>_intermediate, set
    per folder in dbt_project.yml and named by dbt's own generate_schema_name.
-#}

{% macro drop_layers_left_in_target_schema() %}
    {#-
        A build of a version from before that split left the staging views and
        the intermediate models (raw and normalised emails) in the target
        schema, where the marts' readers are granted; they would stay there,
        stale, forever. Drop them at the start of every run or build
        (on-run-start, after validate_settings), so that upgrading never leaves
        raw PII beside the marts (DECISIONLOG D52). Only a relation of the
        target schema named exactly like a staging or intermediate model of
        this project that is now built in another schema is dropped.
    -#}
    {%- if execute and flags.WHICH in ['run', 'build'] -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model'
            and node.package_name == 'lifecycle_segments'
            and node.fqn[1] in ['staging', 'intermediate']
            and node.schema != target.schema -%}
            {%- set left_behind = adapter.get_relation(
                database=node.database, schema=target.schema, identifier=node.name
            ) -%}
            {%- if left_behind is not none -%}
                {{ log(
                    'Dropping ' ~ left_behind ~ ': left in the target schema by an earlier version of the '
                    ~ 'project; the ' ~ node.fqn[1] ~ ' model ' ~ node.name ~ ' is now built in ' ~ node.schema
                    ~ ' (DECISIONLOG D52)',
                    info=true
                ) }}
                {%- do adapter.drop_relation(left_behind) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}
