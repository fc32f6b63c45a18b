{#-
    The order statuses that never count (SEGMENTS.md section 3).
-#}

{% macro excluded_order_statuses() -%}
    {#-
        The excluded statuses as a SQL list of trimmed, lower-cased literals;
        with Shopify data, orders deleted in Shopify never count (D63).
    -#}
    {%- set statuses = var('excluded_order_statuses') | list -%}
    {%- if var('raw_source', 'contract') == 'shopify_fivetran' -%}
        {%- set statuses = statuses + ['deleted'] -%}
    {%- endif -%}
    {%- for status in statuses -%}
        '{{ status | trim | lower | replace("'", "''") }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
