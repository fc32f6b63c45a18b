{#-
    Per customer and order status, over every date: the clean orders and the
    clean returns of those orders (SEGMENTS.md section 4 before as_of_date and
    the excluded statuses are applied). It depends on no setting and no date,
    so it is the state int_customers_orders_aggregated draws from every run.

    Incremental: a run recomputes, over all of their clean orders, only the
    customers touched since the latest processed_at it holds: every customer
    any delivery of a changed order has named (so an order that moves or is
    rejected leaves its former customer too), and the customers of orders
    whose returns changed. A touched customer left without a clean order keeps
    one row with orders_count 0, which replaces their old rows.
-#}

{{
    config(
        materialized=incremental_materialization(),
        unique_key='customer_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

{%- set watermark = state_max('processed_at') if is_incremental() else none %}

with

order_versions as (

    select
        customer_id,
        processed_at

    from {{ ref('int_orders_versioned') }}

),

matched_returns as (

    select
        order_id,
        processed_at

    from {{ ref('int_returns_matched_to_orders') }}

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

changed_return_orders as (

    select matched_returns.order_id
    from matched_returns
    where {{ newer_than('matched_returns.processed_at', watermark) }}

),

touched_customers as (

    -- every customer any delivery of a changed order names
    select order_versions.customer_id
    from order_versions
    where
        {{ newer_than('order_versions.processed_at', watermark) }}
        and order_versions.customer_id is not null

    union

    -- the customers of orders whose returns changed
    select clean_orders.customer_id
    from clean_orders
    inner join changed_return_orders
        on clean_orders.order_id = changed_return_orders.order_id

),

orders as (

    select *
    from clean_orders
    {% if is_incremental() %}
        where customer_id in (
            select touched_customers.customer_id from touched_customers
        )
    {% endif %}

),

returns_per_order as (

    select
        clean_returns.order_id,
        sum(clean_returns.refund_amount) as refunded_amount,
        max(clean_returns.returned_at) as last_returned_at

    from clean_returns
    where clean_returns.order_id in (select orders.order_id from orders)
    group by clean_returns.order_id

),

orders_with_returns as (

    select
        orders.order_id,
        orders.customer_id,
        orders.order_status,
        orders.order_total,
        orders.items_quantity,
        orders.ordered_at,
        returns_per_order.order_id is not null as has_return,
        coalesce(returns_per_order.refunded_amount, 0) as refunded_amount,
        -- a clean return is never before its order
        coalesce(returns_per_order.last_returned_at, orders.ordered_at) as last_event_at

    from orders
    left join returns_per_order
        on orders.order_id = returns_per_order.order_id

),

totals as (

    select
        customer_id,
        order_status,
        count(*) as orders_count,
        sum(case when has_return then 1 else 0 end) as orders_with_return,
        sum(order_total) as gross_revenue,
        sum(refunded_amount) as refunded_amount,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        max(last_event_at) as last_event_at,
        -- the first order: earliest ordered_at, ties to the smallest order_id
        {{ first_by(
            {'first_order_id': 'order_id', 'first_order_items': 'items_quantity', 'first_order_value': 'order_total'},
            ['ordered_at', 'order_id'],
        ) | indent(8) }}

    from orders_with_returns
    group by customer_id, order_status

),

aggregated as (

    select
        customer_id,
        order_status,
        {{ first_by_columns(['first_order_id']) }},
        orders_count,
        orders_with_return,
        {{ first_by_columns(['first_order_items']) }},
        gross_revenue,
        refunded_amount,
        {{ first_by_columns(['first_order_value']) }},
        first_order_at,
        last_order_at,
        last_event_at

    from totals

),

emptied as (

    -- touched customers with no clean order left: one row replaces their old ones
    select
        touched_customers.customer_id,
        cast(null as {{ dbt.type_string() }}) as order_status,
        cast(null as {{ dbt.type_string() }}) as first_order_id,
        0 as orders_count,
        0 as orders_with_return,
        cast(null as {{ dbt.type_bigint() }}) as first_order_items,
        cast(0 as {{ money_type() }}) as gross_revenue,
        cast(0 as {{ money_type() }}) as refunded_amount,
        cast(null as {{ money_type() }}) as first_order_value,
        cast(null as {{ dbt.type_timestamp() }}) as first_order_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_order_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at

    from touched_customers
    where touched_customers.customer_id not in (select orders.customer_id from orders)

),

with_emptied as (

    select * from aggregated
    {% if is_incremental() %}
        union all
        select * from emptied
    {% endif %}

),

final as (

    -- money as decimal(38, 6) (D10): PostgreSQL's numeric would keep its inputs' scale
    select
        customer_id,
        order_status,
        first_order_id,
        orders_count,
        orders_with_return,
        first_order_items,
        cast(gross_revenue as {{ money_type() }}) as gross_revenue,
        cast(refunded_amount as {{ money_type() }}) as refunded_amount,
        cast(first_order_value as {{ money_type() }}) as first_order_value,
        first_order_at,
        last_order_at,
        last_event_at,
        {{ processed_at() }} as processed_at

    from with_emptied

)

select * from final
