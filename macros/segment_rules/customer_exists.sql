{#-
    When a customer exists (SEGMENTS.md section 3), as of a day: with a valid
    order placed by then, or with a clean customer row signed up by then (or
    with an unknown sign-up date). Existence never ends. customer_segments
    (through int_customers_unioned), the segment history and the holdout
    comparison apply the same rule on their own day.
-#}

{% macro has_signed_up_by(signed_up_date, on_date) -%}
    {#- A clean customer row exists on a day: signed up (local date) by then, or with no sign-up date. -#}
    ({{ signed_up_date }} is null or {{ signed_up_date }} <= {{ on_date }})
{%- endmacro %}


{% macro customer_exists(orders_count, has_customer_row, signed_up_date, on_date) -%}
    {#-
        True when the customer exists at the end of on_date: orders_count
        valid orders by then (null read as none), or a clean customer row
        (has_customer_row) signed up by then.
    -#}
    (coalesce({{ orders_count }}, 0) > 0 or ({{ has_customer_row }} and {{ has_signed_up_by(signed_up_date, on_date) }}))
{%- endmacro %}
