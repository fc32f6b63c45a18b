{#-
    The incremental half of versioned_deliveries() (versioned_deliveries.sql):
    the CTEs `arrived` to `versions` of a run that adds to the table it holds.
-#}

{% macro _versioned_deliveries_since_watermark(staging, key, held_columns, tiebreak_columns) -%}
    {#-
        Deliveries loaded after the watermark are newer than every delivery
        already held, so they come first, in their own order; the held ones
        keep theirs; deliveries without a _loaded_at are re-read from staging
        for the keys whose count of them changed.
    -#}
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
                {{ delivery_tiebreak_order(tiebreak_columns) | indent(16) }}
        ) as version_number

    from deliveries

),
{%- endmacro %}
