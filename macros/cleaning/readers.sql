{#-
    Cleaning helpers used by the staging models: one place for how keys, text,
    numbers and timestamps are read from raw columns (DECISIONLOG D3, D6).
-#}

{% macro clean_text(column_name) -%}
    {#- Trimmed (SEGMENTS.md section 1: spaces, tabs, line breaks, U+00A0, U+200B, U+FEFF), blank as null. -#}
    nullif({{ trim_whitespace('cast(' ~ column_name ~ ' as ' ~ dbt.type_string() ~ ')') }}, '')
{%- endmacro %}


{% macro is_missing(column_name, column_types) -%}
    {%- if _column_kind(column_name, column_types) == 'text' -%}
        ({{ clean_text(column_name) }} is null)
    {%- else -%}
        ({{ column_name }} is null)
    {%- endif -%}
{%- endmacro %}


{% macro clean_timestamp(column_name, column_types) -%}
    {#-
        A UTC timestamp without zone; null when missing or unparseable. A
        value outside the years 0001 to 9999 does not parse either: DuckDB and
        PostgreSQL hold `infinity` and six-digit years, which no other engine,
        nor day arithmetic, can (DECISIONLOG D44).
    -#}
    {%- set kind = _column_kind(column_name, column_types) -%}
    {%- if kind == 'timestamp' -%}
        {%- set parsed = 'cast(' ~ column_name ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    {%- elif kind == 'timestamptz' -%}
        {%- set parsed = timestamptz_to_utc(column_name) -%}
    {%- else -%}
        {%- set parsed = parse_timestamp_text(clean_text(column_name)) -%}
    {%- endif -%}
    case
        when {{ parsed }} between cast('0001-01-01 00:00:00' as {{ dbt.type_timestamp() }})
            and cast('9999-12-31 23:59:59.999999' as {{ dbt.type_timestamp() }})
            then {{ parsed }}
    end
{%- endmacro %}


{% macro number_limit() -%}
    {#- 10^15: a number whose absolute value reaches it does not parse (SEGMENTS.md section 1). -#}
    1000000000000000
{%- endmacro %}


{% macro _within_number_limit(expression) -%}
    {#-
        True for a finite number below the limit; false for NaN (every engine
        sorts NaN above all numbers) and the infinities. Two comparisons rather
        than abs(), which overflows on the smallest integer on Spark.
    -#}
    ({{ expression }} > -{{ number_limit() }} and {{ expression }} < {{ number_limit() }})
{%- endmacro %}


{% macro clean_decimal(column_name, column_types) -%}
    {#- Money as decimal(38, 6); null when missing, unparseable, not finite or 10^15 or more. -#}
    {%- if _column_kind(column_name, column_types) == 'number' -%}
        case
            when {{ _within_number_limit(column_name) }} then cast({{ column_name }} as {{ money_type() }})
        end
    {%- else -%}
        {%- set parsed = try_cast(clean_text(column_name), money_type()) -%}
        case
            when {{ _within_number_limit(parsed) }} then {{ parsed }}
        end
    {%- endif -%}
{%- endmacro %}


{% macro clean_whole_number(column_name, column_types) -%}
    {#-
        An integer; null when missing, unparseable, not finite, fractional or
        beyond the integer range (DECISIONLOG D3). Read with 18 decimals so
        that a tiny fraction is not rounded away before the whole-number check,
        and only once it is known to be a finite number below 10^15, so that
        no value can overflow the cast.
    -#}
    {%- if _column_kind(column_name, column_types) == 'number' -%}
        {%- set within_limit = _within_number_limit(column_name) -%}
        {%- set as_decimal = 'cast(' ~ column_name ~ ' as decimal(38, 18))' -%}
    {%- else -%}
        {%- set parsed = try_cast(clean_text(column_name), 'decimal(38, 18)') -%}
        {%- set within_limit = _within_number_limit(parsed) -%}
        {%- set as_decimal = parsed -%}
    {%- endif -%}
    case
        when {{ within_limit }} then
            case
                when {{ as_decimal }} = floor({{ as_decimal }}) and {{ as_decimal }} between -2147483648 and 2147483647
                    then cast({{ as_decimal }} as {{ dbt.type_bigint() }})
            end
    end
{%- endmacro %}


{% macro clean_boolean(column_name, column_types) -%}
    {#-
        true/false from a typed boolean, a whole number (1 is true), or the
        text spellings of SEGMENTS.md section 1 in any case; anything else is
        false (D7). A float column never gets here: the type check stops it.
    -#}
    {%- set kind = _column_kind(column_name, column_types) -%}
    {%- if kind == 'boolean' -%}
        coalesce({{ column_name }}, false)
    {%- elif kind == 'number' -%}
        coalesce({{ column_name }} = 1, false)
    {%- else -%}
        coalesce(lower({{ clean_text(column_name) }}) in ('true', 't', 'yes', 'y', '1'), false)
    {%- endif -%}
{%- endmacro %}


{% macro clean_email(column_name) -%}
    {#- Trimmed, lower-cased; null unless it looks like an address (SEGMENTS.md section 1). -#}
    case
        when {{ regexp_matches('lower(' ~ clean_text(column_name) ~ ')', '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$') }}
            then lower({{ clean_text(column_name) }})
    end
{%- endmacro %}
