{#-
    The one adapter override of the project, apart from the SQL helpers:
    dbt-spark's seed loader (load_csv_rows), replaced for the `session`
    method so that seed texts with an apostrophe load.
-#}

{% macro spark__load_csv_rows(model, agate_table) %}
    {#-
        Overrides dbt-spark's seed loader: with the `session` method it quotes
        each value without escaping it, so a seed text with an apostrophe
        breaks the insert. This one writes escaped literals instead.
    -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ _spark_literal(row[loop.index0]) }} as {{ type }}){{ ', ' if not loop.last }}
                {%- endfor -%}
                ){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}


{% macro _spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
