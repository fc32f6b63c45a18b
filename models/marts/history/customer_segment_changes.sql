{#-
    One row per customer whose lifecycle segment changed on a date, read from
    the segment history: every spell after a customer's first is a change from
    the spell before it, and a first spell that starts after history_start_date
    is the customer appearing (from_segment null). Changes on
    history_start_date itself are not known (the day before is outside the
    history), so the feed starts the day after it. Kept by the day like the
    history (macros/history/history_increment.sql).
-#}

{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ history_increment_prepare('changes') }}",
    )
}}

-- the customers a daily run recomputes (history_increment_filter())
-- depends_on: {{ ref('int_history_customers_affected') }}
-- after what the affected customers added to segment_daily_summary is read
-- depends_on: {{ ref('int_segment_summary_deltas_retracted') }}

with

segment_history as (

    select
        customer_id,
        lifecycle_segment,
        valid_from

    from {{ ref('customer_segment_history') }}
    where {{ history_increment_filter('customer_id') }}

),

spells_with_previous as (

    select
        *,
        lag(lifecycle_segment) over (
            partition by customer_id
            order by valid_from
        ) as previous_segment

    from segment_history

),

changes as (

    select
        customer_id,
        previous_segment as from_segment,
        lifecycle_segment as to_segment,
        valid_from as changed_on

    from spells_with_previous
    where valid_from > {{ history_start_date() }}

)

select * from changes
