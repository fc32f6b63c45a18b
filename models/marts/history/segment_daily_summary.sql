{#-
    One row per date from history_start_date to as_of_date and lifecycle
    segment: the customers in it at the end of the day, their net revenue as of
    that day and its share of all customers' net revenue, and how many entered
    and left it that day. Each day equals a group-by of customer_segments built
    with as_of_date = that day.

    Computed from changes, not by expanding customers over days: each customer's
    (segment, net revenue) state changes only on a spell start or a net revenue
    change, and running sums of the changes per segment and day
    (segment_summary_deltas()) give each day's totals.

    Kept by the day (issue 13, macros/history/segment_summary.sql): a daily
    run starts from the stored summary, takes off what the affected customers
    added to it (int_segment_summary_deltas_retracted) and adds what they add
    now; everyone else's segment and net revenue stay as they were on the
    recorded as_of_date. It gives exactly what a backfill gives.
-#}

{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['lifecycle_segment', 'summary_date'],
        on_schema_change='fail',
        pre_hook="{{ segment_summary_prepare() }}",
        post_hook="{{ segment_summary_trim() }}",
    )
}}

-- read in a daily run: the affected customers (history_affected_filter()) and what they added before it
-- depends_on: {{ ref('int_history_customers_affected') }}
-- depends_on: {{ ref('int_segment_summary_deltas_retracted') }}

{%- set is_carried = segment_summary_is_carried() %}
{%- set customers_read = history_affected_filter('customer_id') if is_carried else '1 = 1' %}

with

segment_history as (

    select
        customer_id,
        lifecycle_segment,
        valid_from,
        valid_to

    from {{ ref('customer_segment_history') }}
    where {{ customers_read }}

),

net_revenue_changes as (

    select
        customer_id,
        net_revenue_change,
        changed_on

    from {{ ref('int_net_revenue_changes_aggregated') }}
    where {{ customers_read }}

),

segment_changes as (

    select
        from_segment,
        to_segment,
        changed_on

    from {{ ref('customer_segment_changes') }}
    where {{ customers_read }}

),

history_dates as (

    select history_date from {{ ref('int_history_dates_generated') }}

),

lifecycle_segments as (

    select segments.lifecycle_segment
    from (
        values
        {%- for segment in lifecycle_segment_values() %}
            ('{{ segment }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as segments (lifecycle_segment)

),

read_deltas as (

    {{ segment_summary_deltas('segment_history', 'net_revenue_changes', 'segment_changes', history_start_date()) }}

),

days_and_segments as (

    select
        lifecycle_segments.lifecycle_segment,
        history_dates.history_date

    from history_dates
    cross join lifecycle_segments

),
{%- if is_carried %}

    retracted_deltas as (

        select
            lifecycle_segment,
            delta_date,
            customers_delta,
            net_revenue_delta,
            customers_entered,
            customers_left

        from {{ ref('int_segment_summary_deltas_retracted') }}

    ),

    deltas as (

        select * from read_deltas

        union all

        select
            lifecycle_segment,
            delta_date,
            -customers_delta as customers_delta,
            -net_revenue_delta as net_revenue_delta,
            -customers_entered as customers_entered,
            -customers_left as customers_left

        from retracted_deltas

    ),

    stored_summary as (

        select
            lifecycle_segment,
            summary_date,
            customers,
            net_revenue,
            customers_entered,
            customers_left

        from {{ this }}

    ),

    carried_totals as (

        -- the stored totals, on the new days those of the recorded as_of_date:
        -- after it the customers not recomputed keep that day's segment and
        -- net revenue and neither enter nor leave a segment; the recomputed
        -- customers' part is taken off by retracted_deltas
        select
            days_and_segments.lifecycle_segment,
            days_and_segments.history_date,
            latest.customers,
            latest.net_revenue,
            coalesce(on_the_day.customers_entered, 0) as customers_entered,
            coalesce(on_the_day.customers_left, 0) as customers_left

        from days_and_segments
        left join stored_summary as latest
            on
                days_and_segments.lifecycle_segment = latest.lifecycle_segment
                and latest.summary_date = least(
                    days_and_segments.history_date,
                    cast('{{ history_previous_state().as_of_date }}' as date)
                )
        left join stored_summary as on_the_day
            on
                days_and_segments.lifecycle_segment = on_the_day.lifecycle_segment
                and days_and_segments.history_date = on_the_day.summary_date

    ),
{%- else %}

    deltas as (

        select * from read_deltas

    ),

    carried_totals as (

        -- recomputed whole: every customer is in the deltas
        select
            lifecycle_segment,
            history_date,
            0 as customers,
            0 as net_revenue,
            0 as customers_entered,
            0 as customers_left

        from days_and_segments

    ),
{%- endif %}

deltas_per_day as (

    -- changes dated before history_start_date (retracted from days it no
    -- longer holds) count from its first day, whose moves are not known
    select
        lifecycle_segment,
        greatest(delta_date, {{ history_start_date() }}) as delta_date,
        sum(customers_delta) as customers_delta,
        sum(net_revenue_delta) as net_revenue_delta,
        sum(customers_entered) as customers_entered,
        sum(customers_left) as customers_left

    from deltas
    group by lifecycle_segment, greatest(delta_date, {{ history_start_date() }})

),

running_totals as (

    select
        carried_totals.lifecycle_segment,
        carried_totals.history_date,
        carried_totals.customers + sum(coalesce(deltas_per_day.customers_delta, 0)) over (
            partition by carried_totals.lifecycle_segment
            order by carried_totals.history_date
            rows between unbounded preceding and current row
        ) as customers,
        carried_totals.net_revenue + sum(coalesce(deltas_per_day.net_revenue_delta, 0)) over (
            partition by carried_totals.lifecycle_segment
            order by carried_totals.history_date
            rows between unbounded preceding and current row
        ) as net_revenue,
        carried_totals.customers_entered + coalesce(deltas_per_day.customers_entered, 0) as customers_entered,
        carried_totals.customers_left + coalesce(deltas_per_day.customers_left, 0) as customers_left

    from carried_totals
    left join deltas_per_day
        on
            carried_totals.lifecycle_segment = deltas_per_day.lifecycle_segment
            and carried_totals.history_date = deltas_per_day.delta_date

),

with_shares as (

    select
        *,
        sum(net_revenue) over (partition by history_date) as total_net_revenue

    from running_totals

),

final as (

    select
        lifecycle_segment,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(net_revenue as {{ money_type() }}) as net_revenue,
        cast(net_revenue as {{ double_type() }})
        / nullif(cast(total_net_revenue as {{ double_type() }}), 0) as net_revenue_share,
        -- the day before the history is unknown, so are entries and exits on its first day
        case
            when history_date > {{ history_start_date() }}
                then cast(customers_entered as {{ dbt.type_bigint() }})
        end as customers_entered,
        case
            when history_date > {{ history_start_date() }}
                then cast(customers_left as {{ dbt.type_bigint() }})
        end as customers_left,
        history_date as summary_date

    from with_shares

)

select * from final
