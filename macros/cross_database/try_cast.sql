{#-
    A cast that gives null instead of failing, on every engine.
-#}

{% macro try_cast(expression, data_type) -%}
    {#- Cast, or null when the value does not convert (dbt.safe_cast is a plain cast on DuckDB). -#}
    {{ return(adapter.dispatch('try_cast', 'lifecycle_segments')(expression, data_type)) }}
{%- endmacro %}


{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{% macro postgres__try_cast(expression, data_type) -%}
    {#-
        PostgreSQL has no try_cast and a failed cast stops the query, so the
        text is first checked against the shape and ranges the type accepts
        (case evaluates its branches in order, so the cast only sees text
        that passed).
    -#}
    {%- set kind = _safe_cast_kind(data_type) -%}
    {%- if kind == 'decimal' -%}
        {#- the outer cast keeps the precision and scale, which a case alone drops -#}
        {%- set precision, scale = _decimal_precision_scale(data_type) -%}
        cast(case
            when {{ expression }} ~ '{{ _decimal_text_pattern() }}'
                then case
                    when abs(round(cast({{ expression }} as numeric), {{ scale }})) < 1e{{ precision - scale }}
                        then cast({{ expression }} as {{ data_type }})
                end
        end as {{ data_type }})
    {%- elif kind == 'integer' -%}
        case
            when {{ expression }} ~ '^[+-]?\d{1,18}$' then cast({{ expression }} as {{ data_type }})
        end
    {%- elif kind == 'timestamp' -%}
        case
            when {{ regexp_matches(expression, _iso_timestamp_pattern()) }}
                then cast({{ regexp_replace(expression, '(\\.\\d{6})\\d+', '\\1') }} as {{ data_type }})
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error('try_cast: no safe cast to ' ~ data_type ~ ' on PostgreSQL') }}
    {%- endif -%}
{%- endmacro %}


{% macro spark__try_cast(expression, data_type) -%}
    {#-
        Spark has try_cast, but reads more than the other engines (a time of
        day alone is today, `1_000` is a number): the text must have the same
        shape as on PostgreSQL. Spark has no timestamptz; its timestamp is one.
    -#}
    {%- set kind = _safe_cast_kind(data_type) -%}
    {%- set spark_type = 'timestamp' if data_type | lower | trim in ('timestamptz', 'timestamp with time zone') else data_type -%}
    {%- if kind == 'decimal' -%}
        case
            when {{ regexp_matches(expression, _decimal_text_pattern()) }}
                then try_cast({{ expression }} as {{ spark_type }})
        end
    {%- elif kind == 'timestamp' -%}
        case
            when {{ regexp_matches(expression, _iso_timestamp_pattern()) }}
                then try_cast({{ regexp_replace(expression, '(\\.\\d{6})\\d+', '\\1') }} as {{ spark_type }})
        end
    {%- else -%}
        try_cast({{ expression }} as {{ spark_type }})
    {%- endif -%}
{%- endmacro %}


{% macro _safe_cast_kind(data_type) -%}
    {%- set name = data_type | lower | trim -%}
    {%- if name.startswith(('decimal', 'numeric')) -%}
        {{- return('decimal') -}}
    {%- elif name.startswith(('int', 'bigint', 'smallint')) -%}
        {{- return('integer') -}}
    {%- elif name.startswith('timestamp') -%}
        {{- return('timestamp') -}}
    {%- else -%}
        {{- return('other') -}}
    {%- endif -%}
{%- endmacro %}


{% macro _decimal_precision_scale(data_type) -%}
    {%- set match = modules.re.search('\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)', data_type) -%}
    {%- if match is none -%}
        {{ exceptions.raise_compiler_error('try_cast: ' ~ data_type ~ ' needs a precision and scale') }}
    {%- endif -%}
    {{- return([match.group(1) | int, match.group(2) | int]) -}}
{%- endmacro %}


{% macro _decimal_text_pattern() -%}
    {#- A plain decimal number, optionally with an exponent: what every engine reads alike. -#}
    ^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$
{%- endmacro %}


{% macro _iso_timestamp_pattern() -%}
    {#-
        The timestamp text PostgreSQL and Spark read, checked in one match:
        YYYY-MM-DD (year 0001 on, a day that exists: Feb 29 in leap years
        only), optionally a time of day after T or a space (hour 0-23, seconds
        and fraction optional) and then an offset with no space before it (Z,
        +HH, +HHMM, +HH:MM, up to 15 hours).
    -#}
    ^(?!0000)(?:\d{4}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|1\d|2[0-8])|\d{4}-(?:0?[13-9]|1[0-2])-(?:29|30)|\d{4}-(?:0?[13578]|1[02])-31|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-0?2-29)(?:[T ](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:0\d|1[0-5])(?::?[0-5]\d)?)?)?$
{%- endmacro %}
