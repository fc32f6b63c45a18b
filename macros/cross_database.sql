{#-
    The engine-specific SQL of the project, and nowhere else: each macro
    dispatches to a `default__` (written for DuckDB, the embedded default) and,
    where an engine differs, to its own variant.
-#}

{% macro money_type() -%}
    {{ return(adapter.dispatch('money_type', 'lifecycle_segments')()) }}
{%- endmacro %}

{% macro default__money_type() -%}
    decimal(38, 6)
{%- endmacro %}


{% macro regexp_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'lifecycle_segments')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}


{% macro parse_timestamp_text(text_expression) -%}
    {#- Text to a UTC timestamp: honour an explicit offset, else read as UTC; null if unparseable. -#}
    {{ return(adapter.dispatch('parse_timestamp_text', 'lifecycle_segments')(text_expression)) }}
{%- endmacro %}

{% macro default__parse_timestamp_text(text_expression) -%}
    case
        when {{ regexp_matches(text_expression, '\\d:\\d{2}(:\\d{2}(\\.\\d+)?)?\\s*([zZ]|[+-]\\d{2}(:?\\d{2})?)$') }}
            then cast({{ try_cast(text_expression, 'timestamptz') }} at time zone 'UTC' as timestamp)
        else {{ try_cast(text_expression, 'timestamp') }}
    end
{%- endmacro %}


{% macro timestamptz_to_utc(expression) -%}
    {{ return(adapter.dispatch('timestamptz_to_utc', 'lifecycle_segments')(expression)) }}
{%- endmacro %}

{% macro default__timestamptz_to_utc(expression) -%}
    cast({{ expression }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
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


{% macro try_cast(expression, data_type) -%}
    {#- Cast, or null when the value does not convert (dbt.safe_cast is a plain cast on DuckDB). -#}
    {{ return(adapter.dispatch('try_cast', 'lifecycle_segments')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{% macro double_type() -%}
    {#- An 8-byte float for ratios (dbt.type_float() is 4 bytes on DuckDB). -#}
    {{ return(adapter.dispatch('double_type', 'lifecycle_segments')()) }}
{%- endmacro %}

{% macro default__double_type() -%}
    double
{%- endmacro %}


{% macro days_between(start_date, end_date) -%}
    {#- Whole days from one date to another (end - start). -#}
    {{ return(adapter.dispatch('days_between', 'lifecycle_segments')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}
