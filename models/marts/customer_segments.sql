{#-
    One row per customer who exists as of as_of_date, with the lifecycle segment
    (SEGMENTS.md section 5), the finer segments (section 6) and every metric
    (section 4), with the RFM scores and group (section 9), the purchase
    cycle (section 10) and the holdout group (section 11). Each rule is written
    here once; the lifecycle rule is the lifecycle_segment() macro, which the
    segment history evaluates too.
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
        orders_count > 0 and days_since_first_order < {{ var('new_customer_window_days') }} as is_new_customer,
        orders_count,
        days_since_last_order

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
        count(*) over (partition by is_new_customer) - 1 as new_customer_rank_span,
        -- RFM (section 9): recency descending, so the most recent buyers rank highest
        rank() over (partition by is_buyer order by days_since_last_order desc) - 1 as recency_rank_offset,
        rank() over (partition by is_buyer order by orders_count) - 1 as frequency_rank_offset

    from rank_inputs

),

ranked as (

    select
        customers.*,
        ranks.is_new_customer,
        ranks.buyer_rank_offset,
        ranks.buyer_rank_span,
        ranks.new_customer_rank_offset,
        ranks.new_customer_rank_span,
        ranks.recency_rank_offset,
        ranks.frequency_rank_offset

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
        abandoned_carts_count > 0 as is_cart_abandoner,
        case
            when orders_count > 0 then {{ rfm_score('recency_rank_offset', 'buyer_rank_span') }}
        end as recency_score,
        case
            when orders_count > 0 then {{ rfm_score('frequency_rank_offset', 'buyer_rank_span') }}
        end as frequency_score,
        case
            when orders_count > 0 then {{ rfm_score('buyer_rank_offset', 'buyer_rank_span') }}
        end as monetary_score,
        -- purchase cycle (section 10): the average gap, rounded half up in whole days
        case
            when orders_count >= 2
                then cast(
                    floor((2 * tenure_days + orders_count - 1) / (2 * (orders_count - 1))) as {{ dbt.type_int() }}
                )
        end as expected_gap_days

    from ranked

),

scored as (

    select
        *,
        {{ rfm_segment('recency_score', 'frequency_score', 'monetary_score') }} as rfm_segment,
        cast({{ dbt.dateadd('day', 'expected_gap_days', 'last_order_date') }} as date)
            as expected_next_order_date,
        {{ holdout_bucket('customer_id', var('holdout_salt')) }} as holdout_bucket

    from segmented

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
        -- RFM, purchase cycle and holdout group (sections 9 to 11)
        rfm_segment,
        cast(recency_score as {{ dbt.type_int() }}) as recency_score,
        cast(frequency_score as {{ dbt.type_int() }}) as frequency_score,
        cast(monetary_score as {{ dbt.type_int() }}) as monetary_score,
        holdout_bucket,
        cast(tenure_days as {{ double_type() }}) / nullif(orders_count - 1, 0) as avg_days_between_orders,
        coalesce(orders_count >= 2 and {{ as_of_date() }} > expected_next_order_date, false) as is_overdue,
        holdout_bucket < {{ var('holdout_pct') }} as is_holdout,
        expected_next_order_date,
        p_alive,
        churn_probability,
        expected_orders,
        expected_order_value,
        predicted_value

    from scored

)

select * from final
