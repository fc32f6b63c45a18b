{#-
    Restates SEGMENTS.md sections 9 to 11 on the built marts: each score is
    the thresholds its percent rank meets (ranks recomputed here with SQL
    rank()), rfm_segment is the cell of the grid, the purchase cycle follows
    its formulas (the expected date as the average gap rounded half up), the
    holdout flag is bucket < holdout_pct, and store_purchase_cycle counts as
    repeat buyers exactly the customers whose first and last orders are on
    different local dates.
-#}

{%- set rounded_gap = 'cast(floor(avg_days_between_orders + 0.5) as ' ~ dbt.type_int() ~ ')' %}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

purchase_cycle as (

    select repeat_buyers from {{ ref('store_purchase_cycle') }}

),

customers_with_a_gap as (

    -- a counted gap exists exactly when the first and last orders are on different local dates
    select count(*) as customers
    from customers
    where tenure_days > 0

),

ranked as (

    select
        *,
        count(*) over (partition by orders_count > 0) as buyers,
        rank() over (partition by orders_count > 0 order by days_since_last_order desc) as recency_rank,
        rank() over (partition by orders_count > 0 order by orders_count) as frequency_rank,
        rank() over (partition by orders_count > 0 order by net_revenue) as monetary_rank

    from customers

),

expected_scores as (

    select
        *,
        case
            when orders_count = 0 then null
            when buyers = 1 then 1
            when (recency_rank - 1) * 100 >= 80 * (buyers - 1) then 5
            when (recency_rank - 1) * 100 >= 60 * (buyers - 1) then 4
            when (recency_rank - 1) * 100 >= 40 * (buyers - 1) then 3
            when (recency_rank - 1) * 100 >= 20 * (buyers - 1) then 2
            else 1
        end as expected_recency_score,
        case
            when orders_count = 0 then null
            when buyers = 1 then 1
            when (frequency_rank - 1) * 100 >= 80 * (buyers - 1) then 5
            when (frequency_rank - 1) * 100 >= 60 * (buyers - 1) then 4
            when (frequency_rank - 1) * 100 >= 40 * (buyers - 1) then 3
            when (frequency_rank - 1) * 100 >= 20 * (buyers - 1) then 2
            else 1
        end as expected_frequency_score,
        case
            when orders_count = 0 then null
            when buyers = 1 then 1
            when (monetary_rank - 1) * 100 >= 80 * (buyers - 1) then 5
            when (monetary_rank - 1) * 100 >= 60 * (buyers - 1) then 4
            when (monetary_rank - 1) * 100 >= 40 * (buyers - 1) then 3
            when (monetary_rank - 1) * 100 >= 20 * (buyers - 1) then 2
            else 1
        end as expected_monetary_score,
        cast(floor((frequency_score + monetary_score) / 2.0) as {{ dbt.type_int() }}) as fm_score,
        cast({{ dbt.dateadd('day', rounded_gap, to_local_date('last_order_at')) }} as date)
            as recomputed_next_order_date

    from ranked

),

checked as (

    select
        customer_id,
        coalesce(recency_score = expected_recency_score, recency_score is null and expected_recency_score is null)
        and coalesce(
            frequency_score = expected_frequency_score, frequency_score is null and expected_frequency_score is null
        )
        and coalesce(
            monetary_score = expected_monetary_score, monetary_score is null and expected_monetary_score is null
        ) as scores_ok,
        case
            when orders_count = 0 then rfm_segment = 'prospect'
            else rfm_segment = case recency_score * 10 + fm_score
                when 51 then 'new' when 52 then 'active' when 53 then 'active'
                when 54 then 'champions' when 55 then 'champions'
                when 41 then 'promising' when 42 then 'active' when 43 then 'active'
                when 44 then 'loyal' when 45 then 'loyal'
                when 31 then 'needs_attention' when 32 then 'needs_attention' when 33 then 'needs_attention'
                when 34 then 'loyal' when 35 then 'loyal'
                when 21 then 'almost_lost' when 22 then 'almost_lost' when 23 then 'at_risk'
                when 24 then 'at_risk' when 25 then 'previously_loyal'
                when 11 then 'dormant' when 12 then 'dormant' when 13 then 'at_risk'
                when 14 then 'at_risk' when 15 then 'previously_loyal'
            end
        end as rfm_segment_ok,
        case
            when orders_count < 2
                then
                    avg_days_between_orders is null
                    and expected_next_order_date is null
                    and not is_overdue
            else
                abs(avg_days_between_orders * (orders_count - 1) - tenure_days) < 1e-9
                and expected_next_order_date = recomputed_next_order_date
                and is_overdue = (as_of_date > expected_next_order_date)
        end as purchase_cycle_ok,
        is_holdout = (holdout_bucket < {{ var('holdout_pct') }}) and holdout_bucket between 0 and 99 as holdout_ok

    from expected_scores

),

customer_problems as (

    select
        customer_id,
        case
            when not scores_ok then 'RFM score is not the thresholds its percent rank meets'
            when not rfm_segment_ok then 'rfm_segment is not the cell of its scores'
            when not purchase_cycle_ok then 'purchase cycle does not follow section 10'
            else 'is_holdout is not holdout_bucket < holdout_pct'
        end as problem

    from checked
    where not (scores_ok and rfm_segment_ok and purchase_cycle_ok and holdout_ok)

),

repeat_buyer_problems as (

    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        'store_purchase_cycle.repeat_buyers is not the customers with tenure_days > 0' as problem

    from purchase_cycle
    cross join customers_with_a_gap
    where purchase_cycle.repeat_buyers != customers_with_a_gap.customers

),

problems as (

    select * from customer_problems
    union all
    select * from repeat_buyer_problems

)

select * from problems
