{#-
    What counts as a valid order (SEGMENTS.md section 3).
-#}

{% macro has_counted_status(status_expression) -%}
    {#- The status half of a valid order (SEGMENTS.md section 3): null, or not excluded. -#}
    ({{ status_expression }} is null or {{ status_expression }} not in ({{ excluded_order_statuses() }}))
{%- endmacro %}
