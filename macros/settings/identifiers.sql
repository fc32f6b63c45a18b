{#-
    The vars that name a schema or a database in SQL.
-#}

{% macro _identifier_problems() %}
    {#-
        raw_schema, raw_database, shopify_schema and shopify_database name a
        schema and a database in SQL: only
        plain names pass (letters, digits, _, $ and -), so no text of a var
        can ever become SQL; the adapter quotes them (DECISIONLOG D40).
    -#}
    {%- set problems = [] -%}
    {%- for name in ['raw_schema', 'raw_database', 'shopify_schema', 'shopify_database'] -%}
        {%- set value = var(name) -%}
        {%- if value is none and name.endswith('_database') -%}
        {%- elif value is not string or not modules.re.match('^[A-Za-z0-9_$-]+\\Z', value) -%}
            {%- do problems.append(name ~ ' = ' ~ (value | string | tojson) ~ ': must be a plain name of letters, digits, _, $ and -'
                ~ (' (or null for the target database)' if name.endswith('_database') else '')) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(problems) -}}
{% endmacro %}


{% macro require_plain_identifiers() %}
    {#- Stop before any SQL that names the raw schema runs (check_raw_tables calls it first). -#}
    {%- set problems = _identifier_problems() -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error('Invalid settings (dbt vars):\n  - ' ~ problems | join('\n  - ')) }}
    {%- endif -%}
{% endmacro %}
