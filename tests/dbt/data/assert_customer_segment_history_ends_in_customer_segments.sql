{#-
    Each customer's current spell in customer_segment_history is their row of
    customer_segments, customer by customer: the same customers, in the same
    lifecycle segment, when the history ends on customer_segments' as_of_date.
-#}

with

customer_segments as (

    select
        customer_id,
        lifecycle_segment,
        as_of_date

    from {{ ref('customer_segments') }}

),

current_spells as (

    select
        customer_id,
        lifecycle_segment

    from {{ ref('customer_segment_history') }}
    where is_current

),

history_days as (

    select max(summary_date) as last_day
    from {{ ref('segment_daily_summary') }}

),

compared_day as (

    -- the history's last day, when customer_segments was evaluated on it:
    -- otherwise nothing is compared
    select distinct customer_segments.as_of_date
    from customer_segments
    inner join history_days
        on customer_segments.as_of_date = history_days.last_day

),

segments_of_the_last_day as (

    select customer_segments.*
    from customer_segments
    inner join compared_day
        on customer_segments.as_of_date = compared_day.as_of_date

),

current_spells_of_the_last_day as (

    select current_spells.*
    from current_spells
    cross join compared_day

),

compared as (

    select
        coalesce(segments_of_the_last_day.customer_id, current_spells_of_the_last_day.customer_id) as customer_id,
        segments_of_the_last_day.lifecycle_segment as segment_in_customer_segments,
        current_spells_of_the_last_day.lifecycle_segment as segment_in_history

    from segments_of_the_last_day
    full outer join current_spells_of_the_last_day
        on segments_of_the_last_day.customer_id = current_spells_of_the_last_day.customer_id

),

mismatched as (

    select *
    from compared
    where
        segment_in_customer_segments is null
        or segment_in_history is null
        or segment_in_customer_segments <> segment_in_history

)

select * from mismatched
