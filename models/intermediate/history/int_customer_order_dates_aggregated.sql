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

valid_orders as (

    select
        customer_id,
        ordered_at

    from {{ ref('int_orders_filtered_to_valid') }}

),

aggregated as (

    select
        customer_id,
        {{ to_local_date('ordered_at') }} as order_date,
        count(*) as orders_placed

    from valid_orders
    group by customer_id, {{ to_local_date('ordered_at') }}

)

select * from aggregated
