{#-
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
