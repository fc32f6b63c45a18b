{#-
    From one day to the next, a segment's customers change by exactly the
    customers who entered it minus those who left it (nobody stops existing).
-#}

with

summary as (

    select
        lifecycle_segment,
        customers,
        customers_entered,
        customers_left,
        summary_date

    from {{ ref('segment_daily_summary') }}

),

with_previous as (

    select
        *,
        lag(customers) over (
            partition by lifecycle_segment
            order by summary_date
        ) as previous_customers

    from summary

),

unbalanced as (

    select *
    from with_previous
    where
        previous_customers is not null
        and customers - previous_customers <> customers_entered - customers_left

)

select * from unbalanced
