{#-
    One row: how long the store's customers take to buy again (SEGMENTS.md
    section 10). A repurchase gap is the days between the local dates of two
    consecutive valid orders of one customer; gaps of 0 days are not counted.
    The P-th percentile gap is the smallest gap g with
    (gaps <= g) * 100 >= P * gaps, compared in whole numbers.
-#}

-- behind the publication gate (int_source_tables_gated): when the raw data did not pass,
-- this mart is skipped and keeps its last good state
-- depends_on: {{ ref('int_source_tables_gated') }}

with

valid_order_dates as (

    {{ valid_order_dates(['order_id', 'customer_id', 'ordered_at']) }}

),

order_dates as (

    select
        customer_id,
        order_date,
        lag(order_date) over (
            partition by customer_id
            order by ordered_at, order_id
        ) as previous_order_date

    from valid_order_dates

),

gaps as (

    select
        customer_id,
        {{ days_between('previous_order_date', 'order_date') }} as gap_days

    from order_dates
    where
        previous_order_date is not null
        and order_date > previous_order_date

),

gaps_per_length as (

    select
        gap_days,
        count(*) as gaps

    from gaps
    group by gap_days

),

cumulative as (

    select
        gap_days,
        sum(gaps) over (order by gap_days rows between unbounded preceding and current row) as gaps_up_to,
        sum(gaps) over () as total_gaps

    from gaps_per_length

),

percentile_gaps as (

    -- an aggregate without group by: one row, with nulls when there is no gap
    select
        min(case when gaps_up_to * 100 >= 25 * total_gaps then gap_days end) as gap_p25_days,
        min(case when gaps_up_to * 100 >= 50 * total_gaps then gap_days end) as gap_p50_days,
        min(case when gaps_up_to * 100 >= 75 * total_gaps then gap_days end) as gap_p75_days,
        min(case when gaps_up_to * 100 >= 80 * total_gaps then gap_days end) as gap_p80_days,
        min(case when gaps_up_to * 100 >= 90 * total_gaps then gap_days end) as gap_p90_days,
        min(case when gaps_up_to * 100 >= {{ var('adaptive_window_pct') }} * total_gaps then gap_days end)
        + 1 as suggested_active_window_days

    from cumulative

),

totals as (

    select
        count(distinct customer_id) as repeat_buyers,
        count(*) as repurchase_gaps

    from gaps

),

final as (

    select
        cast(totals.repeat_buyers as {{ dbt.type_bigint() }}) as repeat_buyers,
        cast(totals.repurchase_gaps as {{ dbt.type_bigint() }}) as repurchase_gaps,
        cast(percentile_gaps.gap_p25_days as {{ dbt.type_int() }}) as gap_p25_days,
        cast(percentile_gaps.gap_p50_days as {{ dbt.type_int() }}) as gap_p50_days,
        cast(percentile_gaps.gap_p75_days as {{ dbt.type_int() }}) as gap_p75_days,
        cast(percentile_gaps.gap_p80_days as {{ dbt.type_int() }}) as gap_p80_days,
        cast(percentile_gaps.gap_p90_days as {{ dbt.type_int() }}) as gap_p90_days,
        cast({{ var('active_window_days') }} as {{ dbt.type_int() }}) as active_window_days,
        cast(percentile_gaps.suggested_active_window_days as {{ dbt.type_int() }})
            as suggested_active_window_days,
        cast({{ var('adaptive_window_pct') }} as {{ dbt.type_int() }}) as adaptive_window_pct,
        {{ as_of_date() }} as as_of_date

    from totals
    cross join percentile_gaps

)

select * from final
