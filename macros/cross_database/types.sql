{#-
    Column types and literals that engines name differently. Like every file
    of macros/cross_database/, each macro dispatches to a `default__` (written
    for DuckDB, the embedded default) and, where an engine differs, to its own
    variant: the engine-specific SQL of the project lives in this folder and
    nowhere else.
-#}

{% macro money_type() -%}
    {{ return(adapter.dispatch('money_type', 'lifecycle_segments')()) }}
{%- endmacro %}


{% macro default__money_type() -%}
    decimal(38, 6)
{%- endmacro %}


{% macro double_type() -%}
    {#- An 8-byte float for ratios (dbt.type_float() is 4 bytes on DuckDB). -#}
    {{ return(adapter.dispatch('double_type', 'lifecycle_segments')()) }}
{%- endmacro %}


{% macro default__double_type() -%}
    double
{%- endmacro %}


{% macro postgres__double_type() -%}
    double precision
{%- endmacro %}


{% macro double_literal(value) -%}
    {#-
        A Python float as a double in SQL: without the cast PostgreSQL reads
        1e-05 as numeric and Spark reads 1.5 as a decimal.
    -#}
    cast({{ '%.17g' | format(value) }} as {{ double_type() }})
{%- endmacro %}
