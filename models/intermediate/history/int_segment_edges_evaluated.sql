{#-
    The lifecycle segment of a customer at the end of each edge date from
    history_start_date to as_of_date: the segment customer_segments would give
    if built with as_of_date = edge_date. It holds until the customer's next
    edge. Dates before the customer exists (SEGMENTS.md section 3) are dropped;
    existence never ends, so the dates left are contiguous.
-#}

-- kept by the day (macros/history/history_increment.sql): a daily run
-- recomputes the affected customers and moves everyone else's state to the
-- new history_start_date
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ history_increment_prepare('evaluated') }}",
    )
}}

-- the customers a daily run recomputes (history_increment_filter())
-- depends_on: {{ ref('int_history_customers_affected') }}

-- behind the publication gate (int_source_tables_gated): when the raw data did not pass,
-- this model and every mart read from it are skipped and keep their last good state
-- depends_on: {{ ref('int_source_tables_gated') }}

with

segment_edges as (

    select * from {{ ref('int_segment_edges_unioned') }}
    where {{ history_increment_filter('customer_id') }}

),

customers as (

    select
        customer_id,
        signed_up_at

    from {{ ref('int_customers_cleaned') }}
    where {{ history_increment_filter('customer_id') }}

),

edges_with_sign_ups as (

    select
        segment_edges.customer_id,
        segment_edges.edge_date,
        segment_edges.orders_placed,
        customers.customer_id is not null as has_customer_row,
        {{ to_local_date('customers.signed_up_at') }} as signed_up_date

    from segment_edges
    left join customers
        on segment_edges.customer_id = customers.customer_id

),

edges_with_running_orders as (

    select
        *,
        sum(orders_placed) over (
            partition by customer_id
            order by edge_date
            rows between unbounded preceding and current row
        ) as orders_count,
        max(case when orders_placed > 0 then edge_date end) over (
            partition by customer_id
            order by edge_date
            rows between unbounded preceding and current row
        ) as last_order_date

    from edges_with_sign_ups

),

existing as (

    select *
    from edges_with_running_orders
    where
        edge_date >= {{ history_start_date() }}
        and {{ customer_exists('orders_count', 'has_customer_row', 'signed_up_date', 'edge_date') }}

),

with_days as (

    select
        *,
        {{ days_between('signed_up_date', 'edge_date') }} as days_since_signed_up,
        {{ days_between('last_order_date', 'edge_date') }} as days_since_last_order

    from existing

),

evaluated as (

    select
        customer_id,
        {{ lifecycle_segment('orders_count', 'days_since_signed_up', 'days_since_last_order') }} as lifecycle_segment,
        orders_count,
        edge_date,
        signed_up_date,
        last_order_date

    from with_days

)

select * from evaluated
