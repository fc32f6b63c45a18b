{#-
    One row per customer and local date on which their net revenue (SEGMENTS.md
    section 4) changed, up to as_of_date: valid orders add their order_total,
    counted returns take off their refund_amount. A customer's net revenue as
    of a day is the sum of the changes up to it, because a counted return is
    never dated before its order (DECISIONLOG D5).
-#}

-- kept by the day (macros/history/history_increment.sql): a daily run
-- recomputes the affected customers only
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ history_increment_prepare('net_revenue') }}",
    )
}}

-- the customers a daily run recomputes (history_increment_filter())
-- depends_on: {{ ref('int_history_customers_affected') }}
-- after what the affected customers added to segment_daily_summary is read
-- depends_on: {{ ref('int_segment_summary_deltas_retracted') }}

with

valid_order_dates as (

    {{ valid_order_dates(['customer_id', 'order_total']) }}

),

counted_returns as (

    select
        customer_id,
        refund_amount,
        returned_at

    from {{ ref('int_returns_filtered_to_counted') }}

),

changes as (

    select
        customer_id,
        order_total as net_revenue_change,
        order_date as changed_on

    from valid_order_dates
    where {{ history_increment_filter('customer_id') }}

    union all

    select
        customer_id,
        -refund_amount as net_revenue_change,
        {{ to_local_date('returned_at') }} as changed_on

    from counted_returns
    where {{ history_increment_filter('customer_id') }}

),

aggregated as (

    select
        customer_id,
        changed_on,
        sum(net_revenue_change) as net_revenue_change

    from changes
    group by customer_id, changed_on

)

select * from aggregated
