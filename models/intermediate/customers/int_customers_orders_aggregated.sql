{#- Order and return metrics per buyer as of as_of_date (SEGMENTS.md section 4). -#}

with

valid_orders as (

    select * from {{ ref('int_orders_filtered_to_valid') }}

),

counted_returns as (

    select * from {{ ref('int_returns_filtered_to_counted') }}

),

returns_per_order as (

    select
        order_id,
        sum(refund_amount) as refunded_amount

    from counted_returns
    group by order_id

),

orders_with_returns as (

    select
        valid_orders.*,
        returns_per_order.order_id is not null as has_counted_return,
        coalesce(returns_per_order.refunded_amount, 0) as refunded_amount

    from valid_orders
    left join returns_per_order
        on valid_orders.order_id = returns_per_order.order_id

),

aggregated as (

    select
        customer_id,
        count(*) as orders_count,
        sum(case when has_counted_return then 1 else 0 end) as orders_with_return,
        sum(order_total) as gross_revenue,
        sum(refunded_amount) as refunded_amount,
        max(case when is_first_order then items_quantity end) as first_order_items,
        max(case when is_first_order then order_total end) as first_order_value,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at

    from orders_with_returns
    group by customer_id

)

select * from aggregated
