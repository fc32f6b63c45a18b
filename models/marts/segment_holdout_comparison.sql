{#-
    What the campaigns added (SEGMENTS.md section 11): one row per lifecycle
    segment held on day D = as_of_date - holdout_measure_days, over the
    customers who existed on D and held it, comparing the treatment group
    (is_holdout false) with the holdout group by the share who bought after D
    and their revenue after D, up to as_of_date. The segment on D is the
    lifecycle_segment() macro evaluated at the end of D, as the segment
    history does; the group is customer_segments' (a customer who existed on
    D still exists on as_of_date, and keeps their group).
-#}

{%- set segment_date = 'cast(' ~ dbt.dateadd('day', -1 * var('holdout_measure_days'), as_of_date()) ~ ' as date)' %}

with

customer_groups as (

    select
        customer_id,
        is_holdout

    from {{ ref('customer_segments') }}

),

customers as (

    select
        customer_id,
        signed_up_at

    from {{ ref('int_customers_cleaned') }}

),

orders_with_dates as (

    {{ valid_order_dates(['customer_id', 'order_total']) }}

),

orders_around_segment_date as (

    -- up to D: what the segment on D reads; after D: what the comparison measures
    select
        customer_id,
        sum(case when order_date <= {{ segment_date }} then 1 else 0 end) as orders_count,
        max(case when order_date <= {{ segment_date }} then order_date end) as last_order_date,
        sum(case when order_date > {{ segment_date }} then 1 else 0 end) as orders_after,
        sum(case when order_date > {{ segment_date }} then order_total else 0 end) as revenue_after

    from orders_with_dates
    group by customer_id

),

customers_on_segment_date as (

    select
        customer_groups.customer_id,
        customer_groups.is_holdout,
        coalesce(orders_around_segment_date.orders_count, 0) as orders_count,
        coalesce(orders_around_segment_date.orders_after, 0) > 0 as has_bought_after,
        coalesce(orders_around_segment_date.revenue_after, 0) as revenue_after,
        {{ days_between(to_local_date('customers.signed_up_at'), segment_date) }} as days_since_signed_up,
        {{ days_between('orders_around_segment_date.last_order_date', segment_date) }} as days_since_last_order

    from customer_groups
    left join customers
        on customer_groups.customer_id = customers.customer_id
    left join orders_around_segment_date
        on customer_groups.customer_id = orders_around_segment_date.customer_id
    -- existed on D (SEGMENTS.md section 3, evaluated at the end of D)
    where {{ customer_exists(
        'orders_around_segment_date.orders_count',
        'customers.customer_id is not null',
        to_local_date('customers.signed_up_at'),
        segment_date,
    ) }}

),

segmented as (

    select
        *,
        {{ lifecycle_segment('orders_count', 'days_since_signed_up', 'days_since_last_order') }} as lifecycle_segment

    from customers_on_segment_date

),

per_group as (

    select
        lifecycle_segment,
        sum(case when not is_holdout then 1 else 0 end) as treatment_customers,
        sum(case when is_holdout then 1 else 0 end) as holdout_customers,
        sum(case when not is_holdout and has_bought_after then 1 else 0 end) as treatment_buyers,
        sum(case when is_holdout and has_bought_after then 1 else 0 end) as holdout_buyers,
        sum(case when not is_holdout then revenue_after else 0 end) as treatment_revenue,
        sum(case when is_holdout then revenue_after else 0 end) as holdout_revenue

    from segmented
    group by lifecycle_segment

),

rates as (

    select
        *,
        cast(treatment_buyers as {{ double_type() }}) / nullif(treatment_customers, 0) as treatment_conversion_rate,
        cast(holdout_buyers as {{ double_type() }}) / nullif(holdout_customers, 0) as holdout_conversion_rate,
        cast(treatment_revenue as {{ double_type() }}) / nullif(treatment_customers, 0)
            as treatment_revenue_per_customer,
        cast(holdout_revenue as {{ double_type() }}) / nullif(holdout_customers, 0)
            as holdout_revenue_per_customer

    from per_group

),

final as (

    select
        lifecycle_segment,
        cast(treatment_customers as {{ dbt.type_bigint() }}) as treatment_customers,
        cast(holdout_customers as {{ dbt.type_bigint() }}) as holdout_customers,
        cast(treatment_buyers as {{ dbt.type_bigint() }}) as treatment_buyers,
        cast(holdout_buyers as {{ dbt.type_bigint() }}) as holdout_buyers,
        treatment_conversion_rate,
        holdout_conversion_rate,
        treatment_conversion_rate - holdout_conversion_rate as conversion_uplift,
        treatment_revenue_per_customer,
        holdout_revenue_per_customer,
        {{ segment_date }} as segment_date

    from rates

)

select * from final
