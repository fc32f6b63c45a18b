{#-
    What counts as a return (SEGMENTS.md section 3): a clean return of a valid
    order, not dated after as_of_date. int_returns_filtered_to_counted and the
    late returns of int_customers_orders_aggregated apply the same rule; each
    joins its returns to the valid orders its own way.
-#}

{% macro is_counted_return_date(returned_at) -%}
    {#- The date half of a counted return: its local date is not after as_of_date. -#}
    {{ is_on_or_before_as_of(returned_at) }}
{%- endmacro %}
