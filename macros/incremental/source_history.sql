{#-
    The append-only check of an incremental run of a versioned model.
-#}

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
