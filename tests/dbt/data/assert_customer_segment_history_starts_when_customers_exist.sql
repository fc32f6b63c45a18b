{#-
    Each customer's history starts on the day they start to exist (SEGMENTS.md
    section 3), or on history_start_date for a customer who existed before,
    and only the customers of customer_segments have one, when the history
    ends on customer_segments' as_of_date. The day is restated
    from customer_segments (first valid order) and the clean customer rows
    (sign-up), which the history does not read: a first spell missing or
    starting late fails (a full refresh at 10M customers once lacked one
    customer's first spell, bench/results-analysis.md). One row per customer,
    not per order: cheap enough for every daily build.
-#}

with

segment_history as (

    select
        customer_id,
        valid_from

    from {{ ref('customer_segment_history') }}

),

history_days as (

    select max(summary_date) as last_day
    from {{ ref('segment_daily_summary') }}

),

compared_day as (

    -- the history's last day, when customer_segments was evaluated on it:
    -- otherwise nothing is compared
    select distinct customer_segments.as_of_date
    from {{ ref('customer_segments') }} as customer_segments
    inner join history_days
        on customer_segments.as_of_date = history_days.last_day

),

customer_segments as (

    select
        customer_segments.customer_id,
        customer_segments.first_order_at

    from {{ ref('customer_segments') }} as customer_segments
    inner join compared_day
        on customer_segments.as_of_date = compared_day.as_of_date

),

clean_customers as (

    select
        customer_id,
        signed_up_at

    from {{ ref('int_customers_cleaned') }}

),

existence_dates as (

    -- a customer row with no sign-up date exists on every day
    select
        customer_id,
        coalesce({{ to_local_date('signed_up_at') }}, {{ history_start_date() }}) as exists_from

    from clean_customers

    union all

    select
        customer_id,
        {{ to_local_date('first_order_at') }} as exists_from

    from customer_segments
    where first_order_at is not null

),

first_days as (

    select
        customer_id,
        min(exists_from) as exists_from

    from existence_dates
    group by customer_id

),

expected as (

    select
        customer_segments.customer_id,
        greatest(first_days.exists_from, {{ history_start_date() }}) as expected_from

    from customer_segments
    left join first_days
        on customer_segments.customer_id = first_days.customer_id

),

history_starts as (

    select
        segment_history.customer_id,
        min(segment_history.valid_from) as history_from

    from segment_history
    cross join compared_day
    group by segment_history.customer_id

),

compared as (

    select
        coalesce(expected.customer_id, history_starts.customer_id) as customer_id,
        expected.customer_id is not null as in_customer_segments,
        expected.expected_from,
        history_starts.history_from

    from expected
    full outer join history_starts
        on expected.customer_id = history_starts.customer_id

),

broken as (

    select
        customer_id,
        expected_from,
        history_from,
        case
            when history_from is null then 'no spell in customer_segment_history'
            when not in_customer_segments then 'not in customer_segments'
            when expected_from is null then 'no sign-up or first order date'
            else 'first spell starts on another day'
        end as problem

    from compared
    where
        history_from is null
        or expected_from is null
        or history_from <> expected_from

)

select * from broken
