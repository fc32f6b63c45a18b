{#-
    Restates SEGMENTS.md section 5 on the built mart: every row satisfies the
    rule of its lifecycle segment, computed from the mart's own metrics.
-#}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

checked as (

    select
        customer_id,
        lifecycle_segment,
        case lifecycle_segment
            when 'new_signup_non_buyer' then
                orders_count = 0
                and signed_up_at is not null
                and {{ days_since('signed_up_at') }} < {{ var('new_signup_window_days') }}
            when 'dormant_non_buyer' then
                orders_count = 0
                and (signed_up_at is null or {{ days_since('signed_up_at') }} >= {{ var('new_signup_window_days') }})
            when 'new_first_time_buyer' then
                orders_count = 1 and days_since_last_order < {{ var('active_window_days') }}
            when 'lapsed_one_time_buyer' then
                orders_count = 1 and days_since_last_order >= {{ var('active_window_days') }}
            when 'active_repeat_buyer' then
                orders_count >= 2 and days_since_last_order < {{ var('active_window_days') }}
            when 'lapsed_repeat_buyer' then
                orders_count >= 2 and days_since_last_order >= {{ var('active_window_days') }}
            else false
        end as follows_rule

    from customers

)

select *
from checked
where not coalesce(follows_rule, false)
