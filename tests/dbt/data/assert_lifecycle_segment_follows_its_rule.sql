{#-
    Restates SEGMENTS.md section 5 on the built mart: every row satisfies the
    rule of its lifecycle segment, computed from the mart's own metrics.
-#}

{%- set signup_window = var('new_signup_window_days') -%}
{%- set active_window = var('active_window_days') %}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

with_signup_age as (

    select
        *,
        {{ days_since('signed_up_at') }} as days_since_signed_up

    from customers

),

checked as (

    select
        customer_id,
        lifecycle_segment,
        case lifecycle_segment
            when 'new_signup_non_buyer'
                then orders_count = 0 and days_since_signed_up < {{ signup_window }}
            when 'dormant_non_buyer'
                then
                    orders_count = 0
                    and (days_since_signed_up is null or days_since_signed_up >= {{ signup_window }})
            when 'new_first_time_buyer'
                then orders_count = 1 and days_since_last_order < {{ active_window }}
            when 'lapsed_one_time_buyer'
                then orders_count = 1 and days_since_last_order >= {{ active_window }}
            when 'active_repeat_buyer'
                then orders_count >= 2 and days_since_last_order < {{ active_window }}
            when 'lapsed_repeat_buyer'
                then orders_count >= 2 and days_since_last_order >= {{ active_window }}
            else false
        end as follows_rule

    from with_signup_age

)

select *
from checked
where not coalesce(follows_rule, false)
