{#-
    One row per customer and local date on which their net revenue (SEGMENTS.md
    section 4) changed, up to as_of_date: valid orders add their order_total,
    counted returns take off their refund_amount. A customer's net revenue as
    of a day is the sum of the changes up to it, because a counted return is
    never dated before its order (DECISIONLOG D5).
-#}

-- a table: read by segment_daily_summary and by its data tests over tens of
-- millions of rows, computed once per run, not once per reader (docs/scale.md)
{{ config(materialized='table') }}

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

    union all

    select
        customer_id,
        -refund_amount as net_revenue_change,
        {{ to_local_date('returned_at') }} as changed_on

    from counted_returns

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
