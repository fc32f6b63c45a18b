{#-
    Timestamps and dates: parsing text, UTC, the local date in
    `reporting_timezone` and back, and whole days between two dates.
-#}

{% macro parse_timestamp_text(text_expression) -%}
    {#-
        Text to a UTC timestamp: honour an explicit offset, else read as UTC;
        null if unparseable. An offset may follow a space, and Z may be lower
        case: both are normalised to +hh:mm first. One body for every engine,
        from the engine variants of regexp_replace, regexp_matches, try_cast
        and timestamptz_to_utc (on Spark, text without an offset is read in
        the session time zone, UTC in the profile).
    -#}
    {%- set offset_after_space = regexp_replace(text_expression, '\\s+([zZ]|[+-]\\d{2}(:?\\d{2})?)$', '\\1') -%}
    {%- set normalised = regexp_replace(offset_after_space, '[zZ]$', '+00:00') -%}
    case
        when {{ regexp_matches(text_expression, '\\d:\\d{2}(:\\d{2}(\\.\\d+)?)?\\s*([zZ]|[+-]\\d{2}(:?\\d{2})?)$') }}
            then {{ timestamptz_to_utc(try_cast(normalised, 'timestamptz')) }}
        else {{ try_cast(text_expression, 'timestamp') }}
    end
{%- endmacro %}


{% macro timestamptz_to_utc(expression) -%}
    {{ return(adapter.dispatch('timestamptz_to_utc', 'lifecycle_segments')(expression)) }}
{%- endmacro %}


{% macro default__timestamptz_to_utc(expression) -%}
    cast({{ expression }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{% macro spark__timestamptz_to_utc(expression) -%}
    {#- Spark's timestamp is an instant; in the UTC session time zone it reads as UTC. -#}
    cast({{ expression }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{% macro to_local_date(timestamp_expression) -%}
    {#- The date of a UTC timestamp in `reporting_timezone` (SEGMENTS.md section 2). -#}
    {{ return(adapter.dispatch('to_local_date', 'lifecycle_segments')(timestamp_expression, var('reporting_timezone'))) }}
{%- endmacro %}


{% macro default__to_local_date(timestamp_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        cast(({{ timestamp_expression }} at time zone 'UTC') at time zone '{{ timezone }}' as date)
    {%- endif -%}
{%- endmacro %}


{% macro spark__to_local_date(timestamp_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        cast(from_utc_timestamp({{ timestamp_expression }}, '{{ timezone }}') as date)
    {%- endif -%}
{%- endmacro %}


{% macro local_date_start_utc(date_expression) -%}
    {#- The UTC timestamp at which a local date in `reporting_timezone` begins (inverse of to_local_date). -#}
    {{ return(adapter.dispatch('local_date_start_utc', 'lifecycle_segments')(date_expression, var('reporting_timezone'))) }}
{%- endmacro %}


{% macro default__local_date_start_utc(date_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ date_expression }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast((cast({{ date_expression }} as {{ dbt.type_timestamp() }}) at time zone '{{ timezone }}') at time zone 'UTC' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{% macro spark__local_date_start_utc(date_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ date_expression }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        to_utc_timestamp(cast({{ date_expression }} as {{ dbt.type_timestamp() }}), '{{ timezone }}')
    {%- endif -%}
{%- endmacro %}


{% macro days_between(start_date, end_date) -%}
    {#- Whole days from one date to another (end - start). -#}
    {{ return(adapter.dispatch('days_between', 'lifecycle_segments')(start_date, end_date)) }}
{%- endmacro %}


{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}


{% macro spark__days_between(start_date, end_date) -%}
    {#- date - date is an interval on Spark. -#}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}
