{#-
    The values of the row that sorts first in a group, without a window over
    every row (issue 4), and the row numbering that keeps one of equal rows.
-#}

{% macro first_by(values, order_expressions, struct_name='first_row') -%}
    {#-
        Aggregate select-list items: for each alias -> expression of `values`
        (a dict), the expression on the row that sorts first by
        order_expressions (a list, ascending, none null, no ties on the whole
        ordering), without a window over every row (issue 4). Read the results
        with first_by_columns() in the next CTE: on DuckDB they travel as one
        struct `struct_name`, which is several times cheaper than one
        arg_min() per value.
    -#}
    {{ return(adapter.dispatch('first_by', 'lifecycle_segments')(values, order_expressions, struct_name)) }}
{%- endmacro %}


{% macro default__first_by(values, order_expressions, struct_name) -%}
    arg_min(
        struct_pack(
            {%- for alias, expression in values.items() %}
            {{ alias }} := {{ expression }}{{ ',' if not loop.last }}
            {%- endfor %}
        ),
        ({{ order_expressions | join(', ') }})
    ) as {{ struct_name }}
{%- endmacro %}


{% macro postgres__first_by(values, order_expressions, struct_name) -%}
    {%- for alias, expression in values.items() -%}
        (array_agg({{ expression }} order by {{ order_expressions | join(', ') }}))[1] as {{ alias }}
        {{- ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}


{% macro spark__first_by(values, order_expressions, struct_name) -%}
    {%- for alias, expression in values.items() -%}
        min_by({{ expression }}, struct({{ order_expressions | join(', ') }})) as {{ alias }}
        {{- ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}


{% macro first_by_columns(aliases, struct_name='first_row') -%}
    {#- The columns first_by() made, by alias (a list), in a select list. -#}
    {{ return(adapter.dispatch('first_by_columns', 'lifecycle_segments')(aliases, struct_name)) }}
{%- endmacro %}


{% macro default__first_by_columns(aliases, struct_name) -%}
    {%- for alias in aliases -%}
        struct_extract({{ struct_name }}, '{{ alias }}') as {{ alias }}{{ ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}


{% macro postgres__first_by_columns(aliases, struct_name) -%}
    {{ aliases | join(', ') }}
{%- endmacro %}


{% macro spark__first_by_columns(aliases, struct_name) -%}
    {{ aliases | join(', ') }}
{%- endmacro %}


{% macro row_number_unordered(partition_columns) -%}
    {#-
        Numbers the rows of each partition in no particular order: for keeping
        one row of rows that agree on every column kept. No ORDER BY on DuckDB
        and PostgreSQL (at 100M orders an ordered window ran out of DuckDB's
        memory where this one did not); Spark requires one, so it orders by
        the first partition column, a constant within the partition.
    -#}
    {{ return(adapter.dispatch('row_number_unordered', 'lifecycle_segments')(partition_columns)) }}
{%- endmacro %}


{% macro default__row_number_unordered(partition_columns) -%}
    row_number() over (partition by {{ partition_columns | join(', ') }})
{%- endmacro %}


{% macro spark__row_number_unordered(partition_columns) -%}
    row_number() over (partition by {{ partition_columns | join(', ') }} order by {{ partition_columns[0] }})
{%- endmacro %}
