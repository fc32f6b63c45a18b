{#-
    One row per date from history_start_date to as_of_date and lifecycle
    segment: the customers in it at the end of the day, their net revenue as of
    that day and its share of all customers' net revenue, and how many entered
    and left it that day. Each day equals a group-by of customer_segments built
    with as_of_date = that day.

    Computed from changes, not by expanding customers over days: each customer's
    (segment, net revenue) state changes only on a spell start or a net revenue
    change; a state adds its customer and net revenue to its segment on the day
    it starts and takes them off on the day the next state starts, and running
    sums of these deltas give each day's totals.
-#}

with

segment_history as (

    select
        customer_id,
        lifecycle_segment,
        valid_from,
        valid_to

    from {{ ref('customer_segment_history') }}

),

segment_changes as (

    select
        from_segment,
        to_segment,
        changed_on

    from {{ ref('customer_segment_changes') }}

),

net_revenue_changes as (

    select
        customer_id,
        net_revenue_change,
        changed_on

    from {{ ref('int_net_revenue_changes_aggregated') }}

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

state_changes as (

    -- net revenue earned before the history counts from its first day
    select
        customer_id,
        net_revenue_change,
        greatest(changed_on, {{ history_start_date() }}) as state_date

    from net_revenue_changes

    union all

    select
        customer_id,
        0 as net_revenue_change,
        valid_from as state_date

    from segment_history

),

states as (

    select
        customer_id,
        state_date,
        sum(net_revenue_change) as net_revenue_change

    from state_changes
    group by customer_id, state_date

),

states_with_net_revenue as (

    select
        customer_id,
        state_date,
        sum(net_revenue_change) over (
            partition by customer_id
            order by state_date
            rows between unbounded preceding and current row
        ) as net_revenue,
        lead(state_date) over (
            partition by customer_id
            order by state_date
        ) as next_state_date

    from states

),

states_in_segments as (

    select
        states_with_net_revenue.customer_id,
        segment_history.lifecycle_segment,
        states_with_net_revenue.net_revenue,
        states_with_net_revenue.state_date,
        states_with_net_revenue.next_state_date

    from states_with_net_revenue
    inner join segment_history
        on
            states_with_net_revenue.customer_id = segment_history.customer_id
            and states_with_net_revenue.state_date >= segment_history.valid_from
            and (
                segment_history.valid_to is null
                or states_with_net_revenue.state_date < segment_history.valid_to
            )

),

deltas as (

    select
        lifecycle_segment,
        1 as customers_delta,
        net_revenue as net_revenue_delta,
        state_date as delta_date

    from states_in_segments

    union all

    select
        lifecycle_segment,
        -1 as customers_delta,
        -net_revenue as net_revenue_delta,
        next_state_date as delta_date

    from states_in_segments
    where next_state_date is not null

),

deltas_per_day as (

    select
        lifecycle_segment,
        delta_date,
        sum(customers_delta) as customers_delta,
        sum(net_revenue_delta) as net_revenue_delta

    from deltas
    group by lifecycle_segment, delta_date

),

entered_per_day as (

    select
        to_segment as lifecycle_segment,
        changed_on,
        count(*) as customers_entered

    from segment_changes
    group by to_segment, changed_on

),

left_per_day as (

    select
        from_segment as lifecycle_segment,
        changed_on,
        count(*) as customers_left

    from segment_changes
    where from_segment is not null
    group by from_segment, changed_on

),

days_and_segments as (

    select
        lifecycle_segments.lifecycle_segment,
        history_dates.history_date

    from history_dates
    cross join lifecycle_segments

),

running_totals as (

    select
        days_and_segments.lifecycle_segment,
        days_and_segments.history_date,
        sum(coalesce(deltas_per_day.customers_delta, 0)) over (
            partition by days_and_segments.lifecycle_segment
            order by days_and_segments.history_date
            rows between unbounded preceding and current row
        ) as customers,
        sum(coalesce(deltas_per_day.net_revenue_delta, 0)) over (
            partition by days_and_segments.lifecycle_segment
            order by days_and_segments.history_date
            rows between unbounded preceding and current row
        ) as net_revenue

    from days_and_segments
    left join deltas_per_day
        on
            days_and_segments.lifecycle_segment = deltas_per_day.lifecycle_segment
            and days_and_segments.history_date = deltas_per_day.delta_date

),

with_shares as (

    select
        *,
        sum(net_revenue) over (partition by history_date) as total_net_revenue

    from running_totals

),

final as (

    select
        with_shares.lifecycle_segment,
        cast(with_shares.customers as {{ dbt.type_bigint() }}) as customers,
        cast(with_shares.net_revenue as {{ money_type() }}) as net_revenue,
        cast(with_shares.net_revenue as {{ double_type() }})
        / nullif(cast(with_shares.total_net_revenue as {{ double_type() }}), 0) as net_revenue_share,
        -- the day before the history is unknown, so are entries and exits on its first day
        case
            when with_shares.history_date > {{ history_start_date() }}
                then cast(coalesce(entered_per_day.customers_entered, 0) as {{ dbt.type_bigint() }})
        end as customers_entered,
        case
            when with_shares.history_date > {{ history_start_date() }}
                then cast(coalesce(left_per_day.customers_left, 0) as {{ dbt.type_bigint() }})
        end as customers_left,
        with_shares.history_date as summary_date

    from with_shares
    left join entered_per_day
        on
            with_shares.lifecycle_segment = entered_per_day.lifecycle_segment
            and with_shares.history_date = entered_per_day.changed_on
    left join left_per_day
        on
            with_shares.lifecycle_segment = left_per_day.lifecycle_segment
            and with_shares.history_date = left_per_day.changed_on

)

select * from final
