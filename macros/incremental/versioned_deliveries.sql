{#-
    The body of the int_<table>s_versioned models (incremental state, see
    state.sql): every raw delivery, numbered by version within its key.
-#}

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

{% if is_incremental() -%}
{{ _versioned_deliveries_since_watermark(staging, key, held_columns, tiebreak_columns) }}
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
