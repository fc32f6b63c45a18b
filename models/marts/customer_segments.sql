{#-
    One row per customer who exists as of as_of_date, with the lifecycle segment
    (SEGMENTS.md section 5), the finer segments (section 6) and every metric
    (section 4). Each rule is written here once; the lifecycle rule is the
    lifecycle_segment() macro, which the segment history evaluates too.
-#}

{%- set high_potential_pct = var('high_potential_min_pct') -%}
{%- set frequent_returner_pct = var('frequent_returner_min_return_pct') %}

with

customers as (

    select * from {{ ref('int_customers_metrics_joined') }}

),

rank_inputs as (

    -- the rank windows sort only the columns they need, not every metric
    -- (issue 4: about 1 s less per run at 1M customers)
    select
        customer_id,
        net_revenue,
        orders_count > 0 as is_buyer,
        orders_count > 0 and days_since_first_order < {{ var('new_customer_window_days') }} as is_new_customer

    from customers

),

ranks as (

    -- percent rank of net revenue among all buyers, and among new customers
    select
        customer_id,
        is_new_customer,
        rank() over (partition by is_buyer order by net_revenue) - 1 as buyer_rank_offset,
        count(*) over (partition by is_buyer) - 1 as buyer_rank_span,
        rank() over (partition by is_new_customer order by net_revenue) - 1 as new_customer_rank_offset,
        count(*) over (partition by is_new_customer) - 1 as new_customer_rank_span

    from rank_inputs

),

ranked as (

    select
        customers.*,
        ranks.is_new_customer,
        ranks.buyer_rank_offset,
        ranks.buyer_rank_span,
        ranks.new_customer_rank_offset,
        ranks.new_customer_rank_span

    from customers
    inner join ranks
        on customers.customer_id = ranks.customer_id

),

segmented as (

    select
        *,
        {{ lifecycle_segment('orders_count', 'days_since_signed_up', 'days_since_last_order') }} as lifecycle_segment,
        case
            when not is_new_customer then null
            when
                orders_count >= 2
                or {{ percent_at_least('new_customer_rank_offset', 'new_customer_rank_span', high_potential_pct) }}
                then 'high_potential'
            when days_since_first_order >= {{ var('one_off_after_days') }} then 'one_off'
            else 'developing'
        end as new_customer_potential,
        case
            when orders_count = 0 then null
            when
                orders_with_return >= {{ var('frequent_returner_min_returns') }}
                and {{ percent_at_least('orders_with_return', 'orders_count', frequent_returner_pct) }}
                then 'frequent_returner'
            when orders_with_return = 0 then 'non_returner'
            else 'occasional_returner'
        end as return_behavior,
        case
            when orders_count = 0 then null
            when first_order_items >= {{ var('multi_item_min_items') }} then 'multi_item'
            else 'single_item'
        end as first_order_basket,
        case
            when orders_count = 0 then null
            when {{ percent_at_least('buyer_rank_offset', 'buyer_rank_span', var('value_tier_high_min_pct')) }}
                then 'high'
            when {{ percent_at_least('buyer_rank_offset', 'buyer_rank_span', var('value_tier_medium_min_pct')) }}
                then 'medium'
            else 'low'
        end as value_tier,
        abandoned_carts_count > 0 as is_cart_abandoner

    from ranked

),

final as (

    select
        customer_id,
        email,
        lifecycle_segment,
        new_customer_potential,
        return_behavior,
        first_order_basket,
        value_tier,
        case
            when lifecycle_segment not in ('lapsed_one_time_buyer', 'lapsed_repeat_buyer') then null
            when orders_count >= 2 and tenure_days >= {{ var('late_churn_min_tenure_days') }} then 'late_churn'
            else 'fast_churn'
        end as churn_type,
        cast(orders_count as {{ dbt.type_int() }}) as orders_count,
        cast(orders_with_return as {{ dbt.type_int() }}) as orders_with_return,
        cast(days_since_first_order as {{ dbt.type_int() }}) as days_since_first_order,
        cast(days_since_last_order as {{ dbt.type_int() }}) as days_since_last_order,
        cast(tenure_days as {{ dbt.type_int() }}) as tenure_days,
        cast(first_order_items as {{ dbt.type_int() }}) as first_order_items,
        cast(abandoned_carts_count as {{ dbt.type_int() }}) as abandoned_carts_count,
        cast(gross_revenue as {{ money_type() }}) as gross_revenue,
        cast(refunded_amount as {{ money_type() }}) as refunded_amount,
        cast(net_revenue as {{ money_type() }}) as net_revenue,
        cast(first_order_value as {{ money_type() }}) as first_order_value,
        cast(abandoned_cart_value as {{ money_type() }}) as abandoned_cart_value,
        cast(return_rate as {{ double_type() }}) as return_rate,
        cast(avg_order_value as {{ double_type() }}) as avg_order_value,
        accepts_marketing,
        is_cart_abandoner,
        {{ as_of_date() }} as as_of_date,
        signed_up_at,
        first_order_at,
        last_order_at,
        last_abandoned_cart_at,
        p_alive,
        churn_probability,
        expected_orders,
        expected_order_value,
        predicted_value

    from segmented

)

select * from final
