{#-
    Segment rules used by more than one model, written once: the point-in-time
    mart customer_segments and the segment history evaluate the same rule.
-#}

{% macro lifecycle_segment(orders_count, days_since_signed_up, days_since_last_order) -%}
    {#- SEGMENTS.md section 5, from the three inputs as of the evaluation day. -#}
    case
        when {{ orders_count }} = 0 and {{ days_since_signed_up }} < {{ var('new_signup_window_days') }}
            then 'new_signup_non_buyer'
        when {{ orders_count }} = 0 then 'dormant_non_buyer'
        when {{ orders_count }} = 1 and {{ days_since_last_order }} < {{ var('active_window_days') }}
            then 'new_first_time_buyer'
        when {{ orders_count }} = 1 then 'lapsed_one_time_buyer'
        when {{ days_since_last_order }} < {{ var('active_window_days') }} then 'active_repeat_buyer'
        else 'lapsed_repeat_buyer'
    end
{%- endmacro %}


{% macro active_window_end(order_date) -%}
    {#-
        The first day on which an order no longer makes its customer active
        (lifecycle_segment(): days_since_last_order < active_window_days): the
        order's local date + active_window_days. A date on which a lifecycle
        segment can change (int_segment_edges_unioned).
    -#}
    cast({{ dbt.dateadd('day', var('active_window_days'), order_date) }} as date)
{%- endmacro %}


{% macro signup_window_end(signed_up_date) -%}
    {#-
        The first day on which a non-buyer is no longer a new sign-up
        (lifecycle_segment(): days_since_signed_up < new_signup_window_days):
        the local sign-up date + new_signup_window_days. A date on which a
        lifecycle segment can change (int_segment_edges_unioned).
    -#}
    cast({{ dbt.dateadd('day', var('new_signup_window_days'), signed_up_date) }} as date)
{%- endmacro %}


{% macro lifecycle_segment_values() %}
    {#- The six values of lifecycle_segment, in lifecycle order (the segment_definitions seed describes them). -#}
    {{- return([
        'new_signup_non_buyer',
        'dormant_non_buyer',
        'new_first_time_buyer',
        'active_repeat_buyer',
        'lapsed_one_time_buyer',
        'lapsed_repeat_buyer',
    ]) -}}
{% endmacro %}
