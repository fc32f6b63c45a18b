{#-
    One row per customer per spell in a lifecycle segment, from
    history_start_date to as_of_date: the spell holds from valid_from up to the
    day before valid_to (null while current). Spells are derived from the edge
    dates of each customer (int_segment_edges_evaluated), not by rebuilding the
    segments day by day, so a backfill of any range is one pass over the orders.

    Kept by the day (issue 13, macros/history/history_increment.sql): a daily
    run recomputes the spells of the customers whose history can have changed
    and trims everyone else's to the new history_start_date; it gives exactly
    what a backfill to its as_of_date gives, also after raw rows corrected in
    the past, a moved history_start_date or changed settings, none of which
    needs --full-refresh.
-#}

{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ history_increment_prepare('spells') }}",
    )
}}

-- the customers a daily run recomputes (history_increment_filter())
-- depends_on: {{ ref('int_history_customers_affected') }}
-- after what the affected customers added to segment_daily_summary is read
-- depends_on: {{ ref('int_segment_summary_deltas_retracted') }}

with

segment_edges as (

    select
        customer_id,
        lifecycle_segment,
        edge_date

    from {{ ref('int_segment_edges_evaluated') }}
    where {{ history_increment_filter('customer_id') }}

),

edges_with_previous as (

    select
        *,
        lag(lifecycle_segment) over (
            partition by customer_id
            order by edge_date
        ) as previous_segment

    from segment_edges

),

spell_starts as (

    select
        customer_id,
        lifecycle_segment,
        edge_date as valid_from

    from edges_with_previous
    where previous_segment is null or previous_segment <> lifecycle_segment

),

spells as (

    select
        customer_id,
        lifecycle_segment,
        valid_from,
        lead(valid_from) over (
            partition by customer_id
            order by valid_from
        ) as valid_to

    from spell_starts

),

final as (

    select
        customer_id,
        lifecycle_segment,
        valid_from,
        valid_to,
        valid_to is null as is_current

    from spells

)

select * from final
