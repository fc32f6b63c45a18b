{#-
    The summary of customer_segments' as_of_date (when the history covers it)
    is customer_segments grouped by lifecycle segment: customers and net
    revenue per segment.
-#}

with

customer_segments as (

    select
        lifecycle_segment,
        net_revenue,
        as_of_date

    from {{ ref('customer_segments') }}

),

summary as (

    select
        lifecycle_segment,
        customers,
        net_revenue,
        summary_date

    from {{ ref('segment_daily_summary') }}

),

grouped as (

    select
        lifecycle_segment,
        as_of_date,
        count(*) as customers,
        sum(net_revenue) as net_revenue

    from customer_segments
    group by lifecycle_segment, as_of_date

),

evaluated_days as (

    select distinct as_of_date
    from customer_segments

),

summary_of_the_day as (

    select summary.*
    from summary
    inner join evaluated_days
        on summary.summary_date = evaluated_days.as_of_date

),

mismatched as (

    select
        summary_of_the_day.lifecycle_segment,
        summary_of_the_day.customers as summary_customers,
        grouped.customers as segment_customers,
        summary_of_the_day.net_revenue as summary_net_revenue,
        grouped.net_revenue as segment_net_revenue

    from summary_of_the_day
    left join grouped
        on
            summary_of_the_day.lifecycle_segment = grouped.lifecycle_segment
            and summary_of_the_day.summary_date = grouped.as_of_date
    where
        summary_of_the_day.customers <> coalesce(grouped.customers, 0)
        or summary_of_the_day.net_revenue <> coalesce(grouped.net_revenue, 0)

)

select * from mismatched
