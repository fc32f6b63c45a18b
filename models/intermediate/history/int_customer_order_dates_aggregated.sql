{#-
    One row per customer and local date (reporting_timezone) with valid
    orders, and how many: the order edges of the segment history. A table of
    its own (issue 4): aggregated inside int_segment_edges_unioned, with the
    edges in the same query, it ran out of DuckDB's memory (1M customers,
    1 GB limit).
-#}

-- kept by the day (macros/history/history_increment.sql): a daily run
-- recomputes the affected customers only
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ history_increment_prepare('order_dates') }}",
    )
}}

-- the customers a daily run recomputes (history_increment_filter())
-- depends_on: {{ ref('int_history_customers_affected') }}

with

valid_order_dates as (

    {{ valid_order_dates(['customer_id']) }}

),

aggregated as (

    select
        customer_id,
        order_date,
        count(*) as orders_placed

    from valid_order_dates
    where {{ history_increment_filter('customer_id') }}
    group by customer_id, order_date

)

select * from aggregated
