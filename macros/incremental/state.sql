{#-
    Incremental state (issue 4, docs/scale.md). The models that keep state
    between runs share these helpers:

    - `incremental_materialization()`: incremental where delete+insert works
      (DuckDB, PostgreSQL); a table rebuilt by each run on Spark, whose
      parquet tables cannot delete rows.
    - `processed_at()`: the run's start, stamped on every row a stateful model
      writes; a downstream stateful model reprocesses what its inputs stamped
      after its own latest stamp.
    - `state_max(column)`: the largest value of a column in the model's own
      table (its watermark), as a SQL literal.
    - `versioned_deliveries(...)` (versioned_deliveries.sql): the body of the
      int_<table>s_versioned models: every raw delivery, numbered by version
      within its key.
-#}

{% macro incremental_materialization() %}
    {{- return('table' if target.type == 'spark' else 'incremental') -}}
{% endmacro %}


{% macro processed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{% macro _timestamp_literal(value) -%}
    {%- if value is none -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast('{{ value.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{% macro state_max(column_name) %}
    {#- max(column) of the model's existing table as a timestamp literal (null when empty). -#}
    {%- if not execute or not is_incremental() -%}
        {{- return(_timestamp_literal(none)) -}}
    {%- endif -%}
    {%- set result = run_query('select max(' ~ column_name ~ ') from ' ~ this) -%}
    {{- return(_timestamp_literal(result.columns[0].values()[0])) -}}
{% endmacro %}


{% macro state_loaded_at_watermark() %}
    {#-
        The latest _loaded_at a versioned model has seen, among the rows that
        were not in the future when it processed them (_loaded_at <=
        processed_at): a load time after the run's start is rejected, and must
        not hide every later delivery behind it. Such rows lie above the
        watermark, so each run reads them again until their time has come
        (DECISIONLOG D42).
    -#}
    {%- if not execute or not is_incremental() -%}
        {{- return(_timestamp_literal(none)) -}}
    {%- endif -%}
    {%- set result = run_query('select max(_loaded_at) from ' ~ this ~ ' where _loaded_at <= processed_at') -%}
    {{- return(_timestamp_literal(result.columns[0].values()[0])) -}}
{% endmacro %}


{% macro newer_than(column_name, watermark) -%}
    {#- column > watermark, where a null watermark (nothing seen yet) lets every non-null value through -#}
    {%- if watermark is none or watermark.startswith('cast(null') -%}
        {{ column_name }} is not null
    {%- else -%}
        {{ column_name }} > {{ watermark }}
    {%- endif -%}
{%- endmacro %}
