{#-
    Which delivery of a key survives: the latest _loaded_at, ties broken by
    the raw columns as text (DECISIONLOG D1).
-#}

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
            {%- if tiebreak_columns %},
            {{ delivery_tiebreak_order(tiebreak_columns) | indent(12) }}
            {%- endif %}
    )
{%- endmacro %}


{% macro delivery_tiebreak_order(tiebreak_columns) -%}
    {#-
        The tie-break of deliveries of one key with the same _loaded_at
        (DECISIONLOG D1), as order-by items: the raw columns as text,
        ascending, nulls last. version_number() (a full build) and the
        renumbering of an incremental run (macros/incremental/) share it.
    -#}
    {%- set items = [] -%}
    {%- for column_name in tiebreak_columns -%}
        {%- do items.append('cast(' ~ column_name ~ ' as ' ~ dbt.type_string() ~ ') asc nulls last') -%}
    {%- endfor -%}
    {{- items | join(',\n') -}}
{%- endmacro %}
