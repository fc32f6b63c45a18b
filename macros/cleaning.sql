{#-
    Cleaning helpers used by the staging models: one place for how keys, text,
    numbers and timestamps are read from raw columns (DECISIONLOG D3, D6).

    Raw columns may arrive typed or as text. `source_column_types` looks the
    types up once per model so that a typed column is read directly and only a
    text column pays for parsing; while dbt parses (no connection) every column
    is treated as text, which is also correct, only slower.
-#}

{% macro source_column_types(relation) %}
    {%- set column_types = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do column_types.update({column.name | lower: column.dtype | lower}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(column_types) -}}
{% endmacro %}


{% macro column_type_class(dtype) %}
    {#-
        The class of a column type as an engine names it (DuckDB, PostgreSQL,
        Spark): text | integer | decimal | float | boolean | timestamp |
        timestamptz | date | uuid | other. The column-type check
        (check_raw_tables) and the readers below share it.
    -#}
    {%- set dtype = dtype | lower | trim -%}
    {%- if 'with time zone' in dtype or dtype in ('timestamptz', 'timestamp_tz', 'timestamp_ltz') -%}
        {{- return('timestamptz') -}}
    {%- elif dtype.startswith(('timestamp', 'datetime')) -%}
        {{- return('timestamp') -}}
    {%- elif dtype == 'date' -%}
        {{- return('date') -}}
    {%- elif dtype.startswith(('varchar', 'char', 'text', 'string', 'character', 'nvarchar', 'bpchar')) -%}
        {{- return('text') -}}
    {%- elif dtype.startswith('bool') -%}
        {{- return('boolean') -}}
    {%- elif dtype.startswith(('decimal', 'numeric')) -%}
        {{- return('decimal') -}}
    {%- elif dtype.startswith(('double', 'float', 'real')) -%}
        {{- return('float') -}}
    {%- elif dtype.startswith('interval') -%}
        {{- return('other') -}}
    {%- elif dtype.startswith(('int', 'bigint', 'smallint', 'tinyint', 'hugeint', 'uhugeint', 'ubigint', 'uinteger', 'usmallint', 'utinyint', 'long', 'short', 'byte')) -%}
        {{- return('integer') -}}
    {%- elif dtype == 'uuid' -%}
        {{- return('uuid') -}}
    {%- else -%}
        {{- return('other') -}}
    {%- endif -%}
{% endmacro %}


{% macro _column_kind(column_name, column_types) %}
    {#-
        How a staging model reads a column: text | timestamp | timestamptz |
        number | boolean. Columns the type check lets through are one of these;
        a column not looked up (while dbt parses) is read as text.
    -#}
    {%- set type_class = column_type_class(column_types.get(column_name | lower, 'text')) -%}
    {%- if type_class in ('timestamp', 'date') -%}
        {{- return('timestamp') -}}
    {%- elif type_class in ('timestamptz', 'boolean') -%}
        {{- return(type_class) -}}
    {%- elif type_class in ('integer', 'decimal', 'float') -%}
        {{- return('number') -}}
    {%- else -%}
        {{- return('text') -}}
    {%- endif -%}
{% endmacro %}


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


{% macro missing_or_unparseable(column_name) -%}
    {#-
        The two reject checks every parsed column shares, as `when` branches of
        a case: expects `is_<column>_missing` and the parsed `<column>`.
    -#}
    when is_{{ column_name }}_missing then 'missing {{ column_name }}'
    when {{ column_name }} is null then 'unparseable {{ column_name }}'
{%- endmacro %}


{% macro loaded_at_checks() -%}
    {#-
        The load-time reject checks every staging model shares, as `when`
        branches after its missing-key check: expects `is_loaded_at_missing`
        and the parsed `_loaded_at`. A null load time is allowed (it sorts
        last); one that does not parse, or that is later than the run's start,
        rejects its row, so it can neither reorder versions nor become the
        incremental watermark (SEGMENTS.md section 1, DECISIONLOG D42).
    -#}
    when not is_loaded_at_missing and _loaded_at is null then 'unparseable _loaded_at'
    when _loaded_at > {{ processed_at() }} then '_loaded_at after the run started'
{%- endmacro %}


{% macro raw_text(column_name) -%}
    {#- A raw column as delivered, cast to text: breaks _loaded_at ties (DECISIONLOG D1). -#}
    cast({{ column_name }} as {{ dbt.type_string() }})
{%- endmacro %}


{% macro version_number(key_expression, loaded_at_expression, tiebreak_columns) -%}
    {#-
        1 for the surviving version of a key: latest _loaded_at, ties broken by
        the raw columns as text (DECISIONLOG D1).
    -#}
    row_number() over (
        partition by {{ key_expression }}
        order by
            {{ loaded_at_expression }} desc nulls last
            {%- for column_name in tiebreak_columns %},
            cast({{ column_name }} as {{ dbt.type_string() }}) asc nulls last
            {%- endfor %}
    )
{%- endmacro %}
