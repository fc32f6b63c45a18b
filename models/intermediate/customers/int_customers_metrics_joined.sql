{#-
    One row per existing customer with every metric of SEGMENTS.md section 4
    and the predictions of section 12. Non-buyers get 0 counts and money and
    null order dates, ratios and predictions; customers without abandoned
    carts get 0 carts and value.
-#}

-- behind the publication gate (int_source_tables_gated): when the raw data did not pass,
-- this model and every mart read from it are skipped and keep their last good state
-- depends_on: {{ ref('int_source_tables_gated') }}

with

customers as (

    select * from {{ ref('int_customers_unioned') }}

),

orders as (

    select * from {{ ref('int_customers_orders_aggregated') }}

),

carts as (

    select * from {{ ref('int_customers_carts_aggregated') }}

),

predictions as (

    select * from {{ ref('int_buyers_predictions_scored') }}

),

joined as (

    select
        customers.customer_id,
        customers.email,
        customers.accepts_marketing,
        customers.signed_up_at,
        coalesce(orders.orders_count, 0) as orders_count,
        coalesce(orders.orders_with_return, 0) as orders_with_return,
        coalesce(orders.gross_revenue, 0) as gross_revenue,
        coalesce(orders.refunded_amount, 0) as refunded_amount,
        coalesce(orders.gross_revenue, 0) - coalesce(orders.refunded_amount, 0) as net_revenue,
        orders.first_order_items,
        orders.first_order_value,
        orders.first_order_at,
        orders.last_order_at,
        coalesce(carts.abandoned_carts_count, 0) as abandoned_carts_count,
        coalesce(carts.abandoned_cart_value, 0) as abandoned_cart_value,
        carts.last_abandoned_cart_at,
        predictions.p_alive,
        predictions.churn_probability,
        predictions.expected_orders,
        predictions.expected_order_value,
        predictions.predicted_value

    from customers
    left join orders
        on customers.customer_id = orders.customer_id
    left join carts
        on customers.customer_id = carts.customer_id
    left join predictions
        on customers.customer_id = predictions.customer_id

),

with_local_dates as (

    select
        *,
        {{ to_local_date('first_order_at') }} as first_order_date,
        {{ to_local_date('last_order_at') }} as last_order_date

    from joined

),

with_days as (

    select
        *,
        {{ days_since('signed_up_at') }} as days_since_signed_up,
        {{ days_since('first_order_at') }} as days_since_first_order,
        {{ days_since('last_order_at') }} as days_since_last_order,
        {{ days_between('first_order_date', 'last_order_date') }} as tenure_days,
        cast(orders_with_return as {{ double_type() }}) / nullif(orders_count, 0) as return_rate,
        cast(gross_revenue as {{ double_type() }}) / nullif(orders_count, 0) as avg_order_value

    from with_local_dates

)

select * from with_days
