{#-
    The record of the last complete build of the segment history (issue 13):
    what it was built with, read by the next run (history_rebuild_reason())
    to carry the history forward or rebuild it. One row, written after every
    model of the history; no row when the run did not select them all, so
    that the next run rebuilds what this one may have left behind.
-#}

-- built after every model it records (history_incremental_models())
-- depends_on: {{ ref('int_history_customers_affected') }}
-- depends_on: {{ ref('int_customer_order_dates_aggregated') }}
-- depends_on: {{ ref('int_net_revenue_changes_aggregated') }}
-- depends_on: {{ ref('int_segment_edges_unioned') }}
-- depends_on: {{ ref('int_segment_edges_evaluated') }}
-- depends_on: {{ ref('customer_segment_history') }}
-- depends_on: {{ ref('customer_segment_changes') }}
-- depends_on: {{ ref('int_segment_summary_deltas_retracted') }}
-- depends_on: {{ ref('segment_daily_summary') }}

{{ config(materialized='table') }}

with

state as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ history_start_date() }} as history_start_date,
        cast('{{ history_rules_key() | replace("'", "''") }}' as {{ dbt.type_string() }}) as rules_key,
        {{ processed_at() }} as processed_at,
        {{ as_of_date() }} as furthest_as_of_date,
        {{ history_start_date() }} as furthest_history_start_date,
        -- segment_daily_summary counts the history (macros/history/segment_summary.sql)
        true as summary_is_current,
        cast(null as {{ dbt.type_string() }}) as summary_retracted_in

)

select * from state
where {{ 'true' if (execute and history_run_is_complete()) else 'false' }}
