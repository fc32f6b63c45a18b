{#-
    One row per customer and local date (reporting_timezone) with valid
    orders, and how many: the order edges of the segment history. A table of
    its own (issue 4): aggregated inside int_segment_edges_unioned, with the
    edges in the same query, it ran out of DuckDB's memory (1M customers,
    1 GB limit).
-#}

-- a table: read by int_segment_edges_unioned and the history data tests over
-- tens of millions of rows, computed once per run (docs/scale.md)
{{ config(materialized='table') }}

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
    group by customer_id, order_date

)

select * from aggregated
