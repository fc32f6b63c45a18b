{#-
    Restates SEGMENTS.md section 6 on the built mart: each finer segment is
    null exactly where the contract says, and every value satisfies its rule.
    Percent ranks are recomputed here with SQL percent_rank() semantics.
-#}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

ranked as (

    select
        *,
        orders_count > 0 and days_since_first_order < {{ var('new_customer_window_days') }} as is_new_customer,
        rank() over (partition by orders_count > 0 order by net_revenue) as buyer_rank,
        count(*) over (partition by orders_count > 0) as buyers,
        rank() over (
            partition by orders_count > 0 and days_since_first_order < {{ var('new_customer_window_days') }}
            order by net_revenue
        ) as new_customer_rank,
        count(*) over (
            partition by orders_count > 0 and days_since_first_order < {{ var('new_customer_window_days') }}
        ) as new_customers

    from customers

),

checked as (

    select
        customer_id,
        -- new_customer_potential: only new buyers
        case
            when not is_new_customer then new_customer_potential is null
            when new_customer_potential = 'high_potential'
                then
                    orders_count >= 2
                    or (
                        new_customers > 1
                        and (new_customer_rank - 1) * 100 >= {{ var('high_potential_min_pct') }} * (new_customers - 1)
                    )
                    or (new_customers = 1 and {{ var('high_potential_min_pct') }} = 0)
            when new_customer_potential = 'one_off'
                then
                    orders_count = 1 and days_since_first_order >= {{ var('one_off_after_days') }}
            when new_customer_potential = 'developing'
                then
                    orders_count = 1 and days_since_first_order < {{ var('one_off_after_days') }}
            else false
        end as potential_ok,
        -- return_behavior, first_order_basket, value_tier: buyers only
        case
            when orders_count = 0 then return_behavior is null and first_order_basket is null and value_tier is null
            else
                case return_behavior
                    when 'frequent_returner'
                        then
                            orders_with_return >= {{ var('frequent_returner_min_returns') }}
                            and orders_with_return * 100 >= {{ var('frequent_returner_min_return_pct') }} * orders_count
                    when 'non_returner' then orders_with_return = 0
                    when 'occasional_returner'
                        then
                            orders_with_return > 0
                            and not (
                                orders_with_return >= {{ var('frequent_returner_min_returns') }}
                                and orders_with_return * 100
                                >= {{ var('frequent_returner_min_return_pct') }} * orders_count
                            )
                    else false
                end
                and case first_order_basket
                    when 'multi_item' then first_order_items >= {{ var('multi_item_min_items') }}
                    when 'single_item' then first_order_items < {{ var('multi_item_min_items') }}
                    else false
                end
                and case value_tier
                    when
                        'high'
                        then (buyer_rank - 1) * 100 >= {{ var('value_tier_high_min_pct') }} * greatest(buyers - 1, 1)
                    when 'medium'
                        then
                            (buyer_rank - 1) * 100 >= {{ var('value_tier_medium_min_pct') }} * greatest(buyers - 1, 1)
                            and (buyer_rank - 1) * 100 < {{ var('value_tier_high_min_pct') }} * greatest(buyers - 1, 1)
                    when
                        'low'
                        then (buyer_rank - 1) * 100 < {{ var('value_tier_medium_min_pct') }} * greatest(buyers - 1, 1)
                    else false
                end
        end as buyer_segments_ok,
        -- churn_type: lapsed buyers only
        case
            when lifecycle_segment not in ('lapsed_one_time_buyer', 'lapsed_repeat_buyer') then churn_type is null
            when churn_type = 'late_churn'
                then
                    orders_count >= 2 and tenure_days >= {{ var('late_churn_min_tenure_days') }}
            when churn_type = 'fast_churn'
                then
                    orders_count = 1 or tenure_days < {{ var('late_churn_min_tenure_days') }}
            else false
        end as churn_ok,
        -- cart abandoners and their counts agree
        is_cart_abandoner = (abandoned_carts_count > 0)
        and (abandoned_carts_count > 0) = (last_abandoned_cart_at is not null) as cart_ok

    from ranked

)

select *
from checked
where not (
    coalesce(potential_ok, false)
    and coalesce(buyer_segments_ok, false)
    and coalesce(churn_ok, false)
    and coalesce(cart_ok, false)
)
