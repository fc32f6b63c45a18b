{#-
    Order and return metrics per buyer as of as_of_date (SEGMENTS.md section 4).

    Drawn from int_customer_statuses_aggregated, each customer's totals per
    order status over all dates. A customer with no clean order or return at
    or after midnight UTC of as_of_date has no event after as_of_date in any
    time zone, so their metrics are the totals of the statuses that count.
    The few others ("late" customers: an order or return that day or after)
    are recomputed here from their clean orders and returns with the rules in
    full. A table, rebuilt every run: it reads the state once for the marts.
-#}

{{ config(materialized='table') }}

with

statuses as (

    select * from {{ ref('int_customer_statuses_aggregated') }}

),

clean_orders as (

    select
        order_id,
        customer_id,
        order_status,
        order_total,
        items_quantity,
        ordered_at

    from {{ ref('int_orders_cleaned') }}

),

clean_returns as (

    select
        order_id,
        refund_amount,
        returned_at

    from {{ ref('int_returns_cleaned') }}

),

late_customers as (

    select distinct customer_id
    from statuses
    where last_event_at >= cast({{ as_of_date() }} as {{ dbt.type_timestamp() }})

),

settled_statuses as (

    select statuses.*

    from statuses
    left join late_customers
        on statuses.customer_id = late_customers.customer_id
    where
        late_customers.customer_id is null
        and statuses.orders_count > 0
        and {{ has_counted_status('statuses.order_status') }}

),

settled_totals as (

    select
        customer_id,
        sum(orders_count) as orders_count,
        sum(orders_with_return) as orders_with_return,
        sum(gross_revenue) as gross_revenue,
        sum(refunded_amount) as refunded_amount,
        min(first_order_at) as first_order_at,
        max(last_order_at) as last_order_at,
        -- the first order of the statuses that count
        {{ first_by(
            {'first_order_items': 'first_order_items', 'first_order_value': 'first_order_value'},
            ['first_order_at', 'first_order_id'],
        ) | indent(8) }}

    from settled_statuses
    group by customer_id

),

settled as (

    select
        customer_id,
        orders_count,
        orders_with_return,
        gross_revenue,
        refunded_amount,
        {{ first_by_columns(['first_order_items', 'first_order_value']) | indent(8) }},
        first_order_at,
        last_order_at

    from settled_totals

),

late_orders as (

    select
        clean_orders.order_id,
        clean_orders.customer_id,
        clean_orders.order_total,
        clean_orders.items_quantity,
        clean_orders.ordered_at

    from clean_orders
    where
        clean_orders.customer_id in (select late_customers.customer_id from late_customers)
        and {{ is_valid_order('clean_orders.ordered_at', 'clean_orders.order_status') }}

),

late_refunds_per_order as (

    select
        clean_returns.order_id,
        sum(clean_returns.refund_amount) as refunded_amount

    from clean_returns
    where
        clean_returns.order_id in (select late_orders.order_id from late_orders)
        and {{ is_counted_return_date('clean_returns.returned_at') }}
    group by clean_returns.order_id

),

late_totals as (

    select
        late_orders.customer_id,
        count(*) as orders_count,
        sum(case when late_refunds_per_order.order_id is not null then 1 else 0 end) as orders_with_return,
        sum(late_orders.order_total) as gross_revenue,
        sum(coalesce(late_refunds_per_order.refunded_amount, 0)) as refunded_amount,
        min(late_orders.ordered_at) as first_order_at,
        max(late_orders.ordered_at) as last_order_at,
        {{ first_by(
            {'first_order_items': 'late_orders.items_quantity', 'first_order_value': 'late_orders.order_total'},
            ['late_orders.ordered_at', 'late_orders.order_id'],
        ) | indent(8) }}

    from late_orders
    left join late_refunds_per_order
        on late_orders.order_id = late_refunds_per_order.order_id
    group by late_orders.customer_id

),

late as (

    select
        customer_id,
        orders_count,
        orders_with_return,
        gross_revenue,
        refunded_amount,
        {{ first_by_columns(['first_order_items', 'first_order_value']) | indent(8) }},
        first_order_at,
        last_order_at

    from late_totals

),

aggregated as (

    select * from settled
    union all
    select * from late

),

typed as (

    -- money as decimal(38, 6) (D10): PostgreSQL's numeric would keep its inputs' scale
    select
        customer_id,
        orders_count,
        orders_with_return,
        cast(gross_revenue as {{ money_type() }}) as gross_revenue,
        cast(refunded_amount as {{ money_type() }}) as refunded_amount,
        first_order_items,
        cast(first_order_value as {{ money_type() }}) as first_order_value,
        first_order_at,
        last_order_at

    from aggregated

)

select * from typed
