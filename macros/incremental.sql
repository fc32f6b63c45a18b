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
    - `versioned_deliveries(...)`: the body of the int_<table>s_versioned
      models: every raw delivery, numbered by version within its key.
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


{% macro _assert_source_history_unchanged(staging, key, watermark) %}
    {#-
        The rows an incremental run reads are those loaded after the watermark
        (and, per key, those without a _loaded_at). That is only right while
        what lies at or below the watermark is unchanged: the raw tables are
        append-only. Stop with a clear message when it is not (rows deleted or
        replaced, a late delivery with an older _loaded_at, or a delivery
        missing both its key and its _loaded_at).
    -#}
    {%- if execute and flags.WHICH in ['run', 'build'] -%}
        {%- set at_or_below = '1 = 0' if watermark.startswith('cast(null') else '_loaded_at <= ' ~ watermark -%}
        {%- set source_query -%}
            select
                sum(case when {{ at_or_below }} then 1 else 0 end) as timed_rows,
                max(case when {{ at_or_below }} then _loaded_at end) as latest_loaded_at
            from {{ staging }}
            where {{ at_or_below }}
        {%- endset -%}
        {%- set untimed_query -%}
            select count(*) as untimed_keyless_rows
            from (select {{ key }} from {{ staging }} where _loaded_at is null) as untimed
            where {{ key }} is null
        {%- endset -%}
        {%- set state_query -%}
            select
                sum(case when {{ at_or_below }} then 1 else 0 end) as timed_rows,
                max(case when {{ at_or_below }} then _loaded_at end) as latest_loaded_at,
                sum(case when _loaded_at is null and {{ key }} is null then 1 else 0 end) as untimed_keyless_rows
            from {{ this }}
        {%- endset -%}
        {%- set source_row = run_query(source_query).rows[0] -%}
        {%- set untimed_row = run_query(untimed_query).rows[0] -%}
        {%- set state_row = run_query(state_query).rows[0] -%}
        {%- set found = [source_row[0] or 0, source_row[1], untimed_row[0] or 0] -%}
        {%- set expected = [state_row[0] or 0, state_row[1], state_row[2] or 0] -%}
        {%- if found | map('string') | list != expected | map('string') | list -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ ': the raw rows at or below the last _loaded_at this table has seen ('
                ~ watermark ~ ') changed since it was built: expected (rows with a _loaded_at, latest '
                ~ '_loaded_at, rows without key and _loaded_at) = ' ~ expected ~ ', found ' ~ found
                ~ '. Raw tables must be append-only for incremental runs; rows were deleted or replaced, '
                ~ 'or delivered late with an older _loaded_at. Rebuild with: dbt build --full-refresh'
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro _tiebreak_order(tiebreak_columns) -%}
    {%- for column_name in tiebreak_columns -%}
        cast({{ column_name }} as {{ dbt.type_string() }}) asc nulls last{{ ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}


{% macro versioned_deliveries(staging, key, columns, tiebreak_columns) %}
    {#-
        Every raw delivery of one table (from its staging view), numbered by
        version within its key: 1 is the latest _loaded_at, ties broken by the
        raw columns as text (DECISIONLOG D1), deliveries without a _loaded_at
        last. Rows with a missing key are numbered among themselves.

        Incremental run: only keys that received deliveries are renumbered,
        over all of their deliveries. Deliveries loaded after the watermark are
        newer than every delivery already held, so they come first, in their
        own order; the held ones keep theirs; deliveries without a _loaded_at
        are re-read from staging for the keys whose count of them changed. The
        numbering is exactly that of a full build. Rows without a key form one
        group (unique_key coalesce(key, '')), renumbered whenever it grows.
    -#}
    {%- set held_columns = [key] + columns + ['_loaded_at'] -%}
with

staged as (

    select
        {{ held_columns | join(',\n        ') }},
        {{ tiebreak_columns | join(',\n        ') }}

    from {{ staging }}

),

{% if is_incremental() %}
    {%- set watermark = state_loaded_at_watermark() -%}
    {%- do _assert_source_history_unchanged(staging, key, watermark) -%}

arrived as (

    -- deliveries loaded after the latest one this table holds
    select *
    from staged
    where {{ newer_than('_loaded_at', watermark) }}

),

untimed_in_source as (

    select
        {{ key }},
        count(*) as deliveries

    from staged
    where _loaded_at is null and {{ key }} is not null
    group by {{ key }}

),

untimed_held as (

    select
        {{ key }},
        count(*) as deliveries

    from {{ this }}
    where _loaded_at is null and {{ key }} is not null
    group by {{ key }}

),

changed_keys as (

    select coalesce({{ key }}, '') as version_key
    from arrived

    union

    select coalesce(untimed_in_source.{{ key }}, untimed_held.{{ key }}) as version_key
    from untimed_in_source
    full outer join untimed_held
        on untimed_in_source.{{ key }} = untimed_held.{{ key }}
    where coalesce(untimed_in_source.deliveries, 0) <> coalesce(untimed_held.deliveries, 0)

),

deliveries as (

    select
        {{ held_columns | join(',\n        ') }},
        {{ tiebreak_columns | join(',\n        ') }},
        1 as arrival_order,
        cast(null as {{ dbt.type_bigint() }}) as held_version_number

    from arrived

    union all

    select
        {{ held_columns | join(',\n        ') }},
        {%- for column_name in tiebreak_columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column_name }},
        {%- endfor %}
        2 as arrival_order,
        version_number as held_version_number

    from {{ this }}
    where
        coalesce({{ key }}, '') in (select version_key from changed_keys)
        -- held deliveries up to the watermark (those above it are read again
        -- from staging in `arrived`), and keyless ones without a _loaded_at
        and (
            {{ 'false' if watermark.startswith('cast(null') else '_loaded_at <= ' ~ watermark }}
            or (_loaded_at is null and {{ key }} is null)
        )

    union all

    select
        {{ held_columns | join(',\n        ') }},
        {{ tiebreak_columns | join(',\n        ') }},
        3 as arrival_order,
        cast(null as {{ dbt.type_bigint() }}) as held_version_number

    from staged
    where
        _loaded_at is null
        and {{ key }} is not null
        and {{ key }} in (select version_key from changed_keys)

),

versions as (

    select
        {{ held_columns | join(',\n        ') }},
        row_number() over (
            partition by {{ key }}
            order by
                arrival_order,
                _loaded_at desc nulls last,
                held_version_number asc,
                {{ _tiebreak_order(tiebreak_columns) | indent(16) }}
        ) as version_number

    from deliveries

),
{% else %}

versions as (

    select
        {{ held_columns | join(',\n        ') }},
        {{ version_number(key, '_loaded_at', tiebreak_columns) | indent(8) }} as version_number

    from staged

),
{% endif %}

flagged as (

    select
        {{ held_columns | join(',\n        ') }},
        version_number,
        {{ key }} is not null and version_number > 1 as is_superseded,
        {{ processed_at() }} as processed_at

    from versions

)

select * from flagged
{% endmacro %}
