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


{% macro _column_kind(column_name, column_types) %}
    {#- text | timestamp | timestamptz | number | boolean, from a column's type -#}
    {%- set dtype = column_types.get(column_name | lower, 'text') -%}
    {%- if 'with time zone' in dtype or dtype in ('timestamptz', 'timestamp_tz', 'timestamp_ltz') -%}
        {{- return('timestamptz') -}}
    {%- elif dtype.startswith('timestamp') or dtype.startswith('datetime') or dtype == 'date' -%}
        {{- return('timestamp') -}}
    {%- elif dtype.startswith(('int', 'bigint', 'smallint', 'tinyint', 'hugeint', 'decimal', 'numeric', 'double', 'float', 'real')) -%}
        {{- return('number') -}}
    {%- elif dtype.startswith('bool') -%}
        {{- return('boolean') -}}
    {%- else -%}
        {{- return('text') -}}
    {%- endif -%}
{% endmacro %}


{% macro clean_text(column_name) -%}
    nullif(trim(cast({{ column_name }} as {{ dbt.type_string() }})), '')
{%- endmacro %}


{% macro is_missing(column_name, column_types) -%}
    {%- if _column_kind(column_name, column_types) == 'text' -%}
        ({{ clean_text(column_name) }} is null)
    {%- else -%}
        ({{ column_name }} is null)
    {%- endif -%}
{%- endmacro %}


{% macro clean_timestamp(column_name, column_types) -%}
    {#- A UTC timestamp without zone; null when missing or unparseable. -#}
    {%- set kind = _column_kind(column_name, column_types) -%}
    {%- if kind == 'timestamp' -%}
        cast({{ column_name }} as {{ dbt.type_timestamp() }})
    {%- elif kind == 'timestamptz' -%}
        {{ timestamptz_to_utc(column_name) }}
    {%- else -%}
        {{ parse_timestamp_text(clean_text(column_name)) }}
    {%- endif -%}
{%- endmacro %}


{% macro clean_decimal(column_name, column_types) -%}
    {%- if _column_kind(column_name, column_types) == 'number' -%}
        cast({{ column_name }} as {{ money_type() }})
    {%- else -%}
        {{ try_cast(clean_text(column_name), money_type()) }}
    {%- endif -%}
{%- endmacro %}


{% macro clean_whole_number(column_name, column_types) -%}
    {#-
        An integer; null when missing, unparseable, fractional or beyond the
        integer range (DECISIONLOG D3). Read with 18 decimals so that a tiny
        fraction is not rounded away before the whole-number check.
    -#}
    {%- if _column_kind(column_name, column_types) == 'number' -%}
        {%- set as_decimal = 'cast(' ~ column_name ~ ' as decimal(38, 18))' -%}
    {%- else -%}
        {%- set as_decimal = try_cast(clean_text(column_name), 'decimal(38, 18)') -%}
    {%- endif -%}
    case
        when {{ as_decimal }} = floor({{ as_decimal }}) and {{ as_decimal }} between -2147483648 and 2147483647
            then cast({{ as_decimal }} as {{ dbt.type_bigint() }})
    end
{%- endmacro %}


{% macro clean_boolean(column_name, column_types) -%}
    {#- true/false from a typed boolean or common text spellings; anything else is false (D7). -#}
    {%- if _column_kind(column_name, column_types) == 'boolean' -%}
        coalesce({{ column_name }}, false)
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
