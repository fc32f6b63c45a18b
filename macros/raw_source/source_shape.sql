{#-
    Which raw tables the four entities are read from (var `raw_source`,
    DECISIONLOG D62):

    - `contract` (default): the four tables of SEGMENTS.md section 1, source
      `shop` in `raw_schema`;
    - `shopify_fivetran`: Fivetran's Shopify connector tables in
      `shopify_schema`, mapped to the contract's four tables by the models of
      models/staging/shopify/ (one per entity, `stg_shopify__<entity>`).

    The staging models of models/staging/shop/ read `raw_relation(entity)`, so
    every cleaning and rejection rule applies to both shapes alike.
-#}

{% macro raw_sources() -%}
    {{- return(['contract', 'shopify_fivetran']) -}}
{%- endmacro %}


{% macro is_shopify_fivetran() -%}
    {{- return(var('raw_source', 'contract') == 'shopify_fivetran') -}}
{%- endmacro %}


{% macro raw_relation(entity) -%}
    {#- The relation of the contract-shaped raw table `entity` (customers, orders, returns, carts). -#}
    {%- if is_shopify_fivetran() -%}
        {{- return(ref('stg_shopify__' ~ entity)) -}}
    {%- else -%}
        {{- return(source('shop', entity)) -}}
    {%- endif -%}
{%- endmacro %}


{% macro raw_row_source(entity) -%}
    {#- The table whose rows are the raw rows of `entity`: one raw row each (source_reconciliation). -#}
    {%- if is_shopify_fivetran() -%}
        {%- set connector_tables = {'customers': 'customer', 'orders': 'order', 'returns': 'refund', 'carts': 'abandoned_checkout'} -%}
        {{- return(source('shopify', connector_tables[entity])) -}}
    {%- else -%}
        {{- return(source('shop', entity)) -}}
    {%- endif -%}
{%- endmacro %}


{% macro shopify_column_or(relation, column_name, fallback) -%}
    {#-
        `column_name` when the connector table has it, else the SQL `fallback`:
        Fivetran's Shopify schema gained and lost columns over time
        (email_marketing_consent_state replaced accepts_marketing;
        _fivetran_deleted is absent from older syncs). When no column can be
        looked up (a unit test's fixture, or dbt parsing without a
        connection) the column is assumed present, as in the current schema.
    -#}
    {%- set names = [] -%}
    {%- set is_unit_test_fixture = (relation.identifier or '') is string and (relation.identifier or '').startswith('__dbt__cte__') -%}
    {%- if execute and not is_unit_test_fixture -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do names.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(column_name if not names or column_name | lower in names else fallback) -}}
{%- endmacro %}


{% macro shopify_connector_tables() -%}
    {#- The connector's tables the Shopify staging models read (source `shopify`). -#}
    {{- return(['customer', 'order', 'order_line', 'refund', 'order_line_refund', 'abandoned_checkout', 'abandoned_checkout_line']) -}}
{%- endmacro %}
