{#-
    What counts as a valid order (SEGMENTS.md section 3), written once:
    int_orders_filtered_to_valid and the late orders of
    int_customers_orders_aggregated apply the same rule, and every model that
    reads valid orders by their local date reads them through
    valid_order_dates().
-#}

{% macro has_counted_status(status_expression) -%}
    {#- The status half of a valid order (SEGMENTS.md section 3): null, or not excluded. -#}
    ({{ status_expression }} is null or {{ status_expression }} not in ({{ excluded_order_statuses() }}))
{%- endmacro %}


{% macro is_valid_order(ordered_at, order_status) -%}
    {#- A clean order is valid: placed on or before as_of_date (local date), with a status that counts. -#}
    {{ is_on_or_before_as_of(ordered_at) }}
        and {{ has_counted_status(order_status) }}
{%- endmacro %}


{% macro valid_order_dates(columns) -%}
    {#-
        The body of a CTE: every valid order (int_orders_filtered_to_valid)
        with the given columns and its local date in reporting_timezone as
        `order_date`.
    -#}
    select
        {%- for column_name in columns %}
        {{ column_name }},
        {%- endfor %}
        {{ to_local_date('ordered_at') }} as order_date

    from {{ ref('int_orders_filtered_to_valid') }}
{%- endmacro %}
